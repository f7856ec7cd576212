import Imaging
import Pipeline

/// The `%` chart on the explorer's screen: RatioSweep's plot of the points computed so far,
/// drawn with BraillePlot in the charts' rectangle, its title saying how far the sweep is.
enum SweepChart {
    static func draw(_ sweep: SweepView, imageName: String, colors: ColorMode, in r: ScreenLayout.Rect,
                     into grid: inout CellGrid) {
        var plot = RatioSweep.plot(sweep.results, metric: sweep.metric, subject: imageName, seeds: sweep.seeds.count)
        plot.title = "ratio sweep · \(sweep.metric.title) · mean of \(sweep.seeds.count) seeds · \(sweep.progress)"
            + " · m: \(sweep.metric.other.title) · %: close"
        let q = ColorQuantizer(mode: colors)
        BraillePlot.draw(plot, into: &grid, x: r.x + 1, y: r.y, width: r.width - 2, height: r.height) { c in
            colors == .mono ? .standard : q.color(Float(c.0) / 255, Float(c.1) / 255, Float(c.2) / 255, x: 0, y: 0, dither: false)
        }
    }
}
