import CBLAS

/// The number of threads OpenBLAS uses for every matmul of the process.
public enum Threads {
    public static func set(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    public static var current: Int { Int(openblas_get_num_threads()) }
}
