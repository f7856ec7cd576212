import Imaging
import MAE

/// Figures a person keeps (`maex reconstruct -o`, `eval --plot`, the explorer's export) are
/// written whole or not at all: the PNG goes to a temporary file beside the target, synced and
/// renamed over it (AtomicFile), so a kill or a full disk while one is written leaves the
/// previous file, never a partial PNG.
public enum FigureFile {
    public static func write(_ figure: RGBImage, toPath path: String) throws(ImageError) {
        let png = try encodePNGBytes(figure, path: path)
        do throws(CheckpointError) {
            try AtomicFile.write(png, to: path)
        } catch {
            guard case .io(_, let reason) = error else { throw .writeFailed(path: path, reason: error.description) }
            throw .writeFailed(path: path, reason: reason)
        }
    }
}
