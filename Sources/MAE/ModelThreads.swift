import CKernels

/// How many threads the model's passes use. `count` is the process's (at start OpenBLAS's own:
/// OPENBLAS_NUM_THREADS, else every core); `withCount` gives one thread's passes a count of
/// their own, as a trainer does, so that it neither changes nor follows the rest of the process.
/// A pass takes its count when it begins (PassThreads): a count set meanwhile, by any thread,
/// applies to the passes that begin after it.
public enum ModelThreads {
    public static var count: Int {
        get { Int(ck_process_threads()) }
        set { ck_set_process_threads(Int32(clamping: newValue)) }
    }

    /// Runs `body` with the calling thread's passes on `threads` threads (at least 1), then
    /// gives the thread the count it had before.
    public static func withCount<R, E: Error>(_ threads: Int, _ body: () throws(E) -> R) throws(E) -> R {
        let previous = ck_set_thread_threads(Int32(clamping: max(1, threads)))
        defer { ck_set_thread_threads(previous) }
        return try body()
    }
}
