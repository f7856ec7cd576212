import Imaging
import MAE

/// One image the explorer can show.
public struct ImageEntry: Sendable, Equatable {
    public var path: String
    /// The name shown (the file name).
    public var name: String
    /// Why it could not be shown, once tried.
    public var failure: String?

    public init(path: String, name: String? = nil) {
        self.path = path
        self.name = name ?? String(path.split(separator: "/").last ?? Substring(path))
    }
}

/// The whole state of the explorer: what the renderer draws and the reducer changes.
/// No I/O, no curses, no threads: tests build one and feed it events.
public struct ExplorerState: Sendable {
    public var model: ModelSummary
    public var images: [ImageEntry]
    public var imageIndex = 0
    /// The current image at the model's side, once the worker has read it.
    public var original: RGBImage?

    // The mask and how it was made.
    public var mask: [Bool]
    /// The strategy that made the mask; nil when painted by hand.
    public var pattern: MaskStrategy? = .random
    /// The requested mask ratio (generated masks); painting changes only the actual one.
    public var ratio: Double
    public var seed: UInt64
    public var history = MaskHistory()

    // Keyboard cursor (patch row, column) and the mouse stroke in progress.
    public var cursor = (row: 0, col: 0)
    public var cursorVisible = false
    public var stroke: Stroke?

    // Views.
    public var showGrid = false
    public var showHelp = false
    public var showHeatmap = false
    public var compare = false
    /// The panel shown when only one fits or when zoomed (Tab cycles).
    public var focus = 0
    /// Four panels, the masked and reconstruction + visible ones large, or one at a time (`z`).
    public var zoom = ScreenLayout.Zoom.four
    public var width: Int
    public var height: Int
    public var glyphs: GlyphMode
    public var colors: ColorMode
    /// How pictures take 256 colours (`--dither`).
    public var dither = Dither.standard

    /// The ratio sweep (`%`): nil until first opened.
    public var sweep: SweepView?
    /// `maex tour`: which screen, nil in the plain explorer.
    public var tour: TourState?

    // Training (`T`).
    /// Whether `T` can start training here (the shell knows how).
    public var canTrain = false
    public var training: TrainingView?

    // Worker bookkeeping: the newest request sent, the newest answered, what is on screen.
    public var lastRequestID = 0
    public var lastAnsweredID = 0
    public var shown: ReconstructedImage?
    public var shownID = 0
    public var spinnerPhase = 0

    /// A line for the status bar (errors, the exported path); cleared by the next key.
    public var message: String?
    public var quit = false
    /// The way `[`/`]` last moved, to skip images that fail in the same direction.
    public var direction = 1

    public struct Stroke: Sendable, Equatable {
        /// true paints (hides) patches, false erases.
        public var paint: Bool
        public var slot: Int
        public var row: Int
        public var col: Int
    }

    public static let compareRatios: [Double] = [0.25, 0.50, 0.75, 0.90]

    public init(model: ModelSummary, images: [ImageEntry], ratio: Double = 0.75, pattern: MaskStrategy = .random,
                seed: UInt64 = 0, width: Int = 80, height: Int = 24, glyphs: GlyphMode = .halfBlock,
                colors: ColorMode = .truecolor) {
        self.model = model
        self.images = images
        self.ratio = ratio
        self.pattern = pattern
        self.seed = seed
        self.width = width
        self.height = height
        self.glyphs = glyphs
        self.colors = colors
        mask = Array(repeating: false, count: model.patchCount)
    }

    public var gridSize: Int { model.gridSize }
    public var layout: ScreenLayout { layout(training?.screen) }
    /// Whether the `%` chart takes the charts' place.
    public var showsSweep: Bool { sweep?.visible == true && sweep?.imageIndex == imageIndex }

    /// The layout with the training screen `screen` (nil: no training).
    func layout(_ screen: TrainingView.Screen?) -> ScreenLayout {
        let headerRows = tour == nil ? ScreenLayout.headerRows : TourHeader.rows
        if showsSweep {
            // The chart below the panels where both fit, else the chart alone.
            let below = ScreenLayout(width: width, height: height, gridSize: model.gridSize, patchSize: model.patchSize,
                                     focus: focus, zoom: zoom, charts: .below, headerRows: headerRows)
            if below.charts != nil || below.arrangement == .tooSmall { return below }
            return ScreenLayout(width: width, height: height, gridSize: model.gridSize, patchSize: model.patchSize,
                                focus: focus, zoom: zoom, charts: .only, headerRows: headerRows)
        }
        let charts: ScreenLayout.Charts
        switch screen {
        case nil, .panels: charts = .none
        case .both: charts = .below
        case .charts: charts = .only
        }
        return ScreenLayout(width: width, height: height, gridSize: model.gridSize, patchSize: model.patchSize, focus: focus,
                            zoom: zoom, charts: charts, headerRows: headerRows)
    }
    public var actualRatio: Double {
        mask.isEmpty ? 0 : Double(mask.lazy.filter { $0 }.count) / Double(mask.count)
    }
    /// Whether a newer request than the answered ones is out.
    public var computing: Bool { lastRequestID > lastAnsweredID }
    public var currentImage: ImageEntry? { images.indices.contains(imageIndex) ? images[imageIndex] : nil }
    /// The reconstruction on screen if it belongs to the current image and view.
    public var shownPanels: ReconstructedPanels? {
        guard let shown, shown.compareRatios.isEmpty, let first = shown.panels.first else { return nil }
        return first
    }

    var snapshot: MaskSnapshot { MaskSnapshot(mask: mask, pattern: pattern, ratio: ratio, seed: seed) }

    mutating func restore(_ s: MaskSnapshot) {
        mask = s.mask
        pattern = s.pattern
        ratio = s.ratio
        seed = s.seed
    }
}
