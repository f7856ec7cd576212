/// Moving chosen rows of a [rows, width] matrix into a compact one and back: the training head
/// works on the removed patches' rows only.

/// out [count, width] = x [rows[j], width] for j in 0..<count
func gatherRows(_ out: UnsafeMutablePointer<Float>, from x: UnsafePointer<Float>, rows: UnsafePointer<Int>,
                count: Int, width: Int) {
    for j in 0..<count {
        (out + j * width).update(from: x + rows[j] * width, count: width)
    }
}

/// out [total, width] = the compact rows x [count, width] at rows (ascending), zero elsewhere.
func scatterRows(_ out: UnsafeMutablePointer<Float>, total: Int, from x: UnsafePointer<Float>,
                 rows: UnsafePointer<Int>, count: Int, width: Int) {
    var j = 0
    for r in 0..<total {
        if j < count, rows[j] == r {
            (out + r * width).update(from: x + j * width, count: width)
            j += 1
        } else {
            (out + r * width).update(repeating: 0, count: width)
        }
    }
}
