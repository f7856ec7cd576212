import Foundation

/// The mask file format: one line of L characters in row-major patch order, or g lines of g
/// characters; '1' or '#' hides a patch, '0' or '.' shows it; spaces, tabs and blank lines are
/// ignored. Anything else, and any file over `maximumBytes`, is refused with the line and column.
public enum MaskFile {
    /// A mask for the largest grids people use (ViT-H/14 at 448: 32 × 32 = 1,024 patches) is a
    /// few kilobytes even with spaces; a megabyte leaves room for comments' worth of whitespace
    /// and still refuses a file that is plainly something else.
    public static let maximumBytes = 1 << 20

    public struct FormatError: Error, CustomStringConvertible, Equatable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Reads at most `maximumBytes` + 1 bytes, so a device or a huge file is refused without
    /// being read whole.
    public static func read(path: String, gridSize g: Int) throws(FormatError) -> PatchMask {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw FormatError(path: path, reason: "cannot read the mask file (\((error as NSError).localizedDescription))")
        }
        guard data.count <= maximumBytes else {
            throw FormatError(path: path, reason: "is over the \(maximumBytes)-byte limit for a mask file")
        }
        return try parse(String(decoding: data, as: UTF8.self), gridSize: g, path: path)
    }

    public static func parse(_ text: String, gridSize g: Int, path: String) throws(FormatError) -> PatchMask {
        var rows: [(line: Int, flags: [Bool])] = []
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            var flags: [Bool] = []
            for (column, ch) in rawLine.enumerated() {
                switch ch {
                case "1", "#": flags.append(true)
                case "0", ".": flags.append(false)
                case " ", "\t": continue
                default:
                    throw FormatError(path: path, reason: "line \(number + 1), column \(column + 1): '\(ch)' is not a patch "
                                      + "('1' or '#' hidden, '0' or '.' visible)")
                }
            }
            if !flags.isEmpty { rows.append((number + 1, flags)) }
        }
        let L = g * g
        if rows.count == 1 && rows[0].flags.count == L { return PatchMask(masked: rows[0].flags) }
        if rows.count == g, let bad = rows.first(where: { $0.flags.count != g }) {
            throw FormatError(path: path, reason: "line \(bad.line) has \(bad.flags.count) patches, the model's grid is \(g) × \(g)")
        }
        if rows.count == g { return PatchMask(masked: rows.flatMap(\.flags)) }
        let found = rows.count == 1 ? "one line of \(rows[0].flags.count)" : "\(rows.count) lines"
        throw FormatError(path: path, reason: "expected one line of \(L) patches or \(g) lines of \(g) (the model's \(g) × \(g) "
                          + "grid), found \(found)")
    }
}
