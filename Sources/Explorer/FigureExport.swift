import Foundation
import Imaging

/// `e`: the same four-panel PNG as `maex reconstruct` (original | masked | reconstruction |
/// reconstruction + visible, enlarged to at least 224 px a panel, patch grid lines).
public enum FigureExport {
    /// Writes the figure into `directory`; an existing file of that name is not overwritten:
    /// "-2", "-3"… is added before the extension. Returns the path written.
    public static func write(_ job: ExportJob, patchSize: Int, directory: String) -> Result<String, ExplorerError> {
        let side = job.original.width
        let factor = max(1, (224 + side - 1) / max(1, side))
        let masked = maskedImage(job.original, mask: job.mask, patchSize: patchSize)
        let figure = fourPanelFigure(panels: [("original", job.original), ("masked", masked),
                                              ("reconstruction", job.reconstruction),
                                              ("reconstruction + visible", job.pasted)],
                                     patchSize: patchSize, scale: factor)
        let path = freePath(directory: directory, fileName: job.fileName)
        do {
            try encodePNG(figure, toPath: path)
            return .success(path)
        } catch {
            return .failure(ExplorerError(error.description))
        }
    }

    /// Hidden patches in ImageNet's mean colour: zero in normalised space, as `maex reconstruct`
    /// and the authors' figure draw them.
    public static func maskedImage(_ image: RGBImage, mask: [Bool], patchSize p: Int) -> RGBImage {
        var out = image
        let g = image.width / max(1, p)
        for k in mask.indices where mask[k] && k < g * g {
            let row = k / g, col = k % g
            for y in (row * p)..<(row * p + p) {
                for x in (col * p)..<(col * p + p) {
                    for c in 0..<3 { out[x, y, c] = ImageNet.mean[c] }
                }
            }
        }
        return out
    }

    static func freePath(directory: String, fileName: String) -> String {
        let dir = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let stem = (fileName as NSString).deletingPathExtension, ext = (fileName as NSString).pathExtension
        var candidate = dir + "/" + fileName
        var n = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = dir + "/" + stem + "-\(n)." + ext
            n += 1
        }
        return candidate
    }
}
