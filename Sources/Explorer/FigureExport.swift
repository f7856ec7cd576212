import Foundation
import Imaging
import Pipeline

/// `e`: the same four-panel PNG as `maex reconstruct` (original | masked | reconstruction |
/// reconstruction + visible, enlarged to at least 224 px a panel, patch grid lines).
public enum FigureExport {
    /// Writes the figure into `directory`; an existing file of that name is not overwritten:
    /// "-2", "-3"… is added before the extension. Returns the path written.
    public static func write(_ job: ExportJob, patchSize: Int, directory: String) -> Result<String, ExplorerError> {
        let side = job.original.width
        let factor = max(1, (224 + side - 1) / max(1, side))
        let masked = hidingMaskedPatches(job.original, mask: job.mask, patchSize: patchSize)
        let figure = fourPanelFigure(panels: [("original", job.original), ("masked", masked),
                                              ("reconstruction", job.reconstruction),
                                              ("reconstruction + visible", job.pasted)],
                                     patchSize: patchSize, scale: factor)
        let path = freePath(directory: directory, fileName: job.fileName)
        do {
            try FigureFile.write(figure, toPath: path)
            return .success(path)
        } catch {
            return .failure(ExplorerError(error.description))
        }
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
