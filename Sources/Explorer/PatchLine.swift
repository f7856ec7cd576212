/// The patches a straight stroke crosses: Bresenham's line on the patch grid, both ends
/// included, so a fast drag whose reports skip patches still paints a connected line.
public enum PatchLine {
    public static func cells(from a: (row: Int, col: Int), to b: (row: Int, col: Int)) -> [(row: Int, col: Int)] {
        var out: [(Int, Int)] = []
        var x = a.col, y = a.row
        let dx = abs(b.col - a.col), dy = -abs(b.row - a.row)
        let sx = a.col < b.col ? 1 : -1, sy = a.row < b.row ? 1 : -1
        var err = dx + dy
        while true {
            out.append((y, x))
            if x == b.col && y == b.row { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
        return out.map { (row: $0.0, col: $0.1) }
    }
}
