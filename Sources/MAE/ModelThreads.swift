import CBLAS

/// How many threads the model's passes use, for the whole process. The count is kept as
/// OpenBLAS's own thread count, which a pass hands to the kernel pool (see PassThreads): outside
/// passes `count` reads as set, and code that sets OpenBLAS's count directly sets this too.
public enum ModelThreads {
    public static var count: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }
}
