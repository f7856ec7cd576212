import CKernels

/// How a pass uses the CPU's threads. A pass runs everything, matrix products included, on the
/// kernel pool's threads (`ModelThreads`: the calling thread's count, else the process's) with
/// OpenBLAS on one thread inside each product block: OpenBLAS's own threading gains little on
/// the model's narrow products (K = 128…768), while blocks of C claimed from a shared counter
/// scale nearly 2× on two cores and keep going when one core is taken by another process. No
/// kernel runs BLAS threads inside pool threads, so at most n threads compute at any time.
///
/// The outermost pass on a thread takes its count when it begins and keeps it to its end; OpenBLAS
/// stays on one thread from the first pass's start to the last one's end, on any thread, and then
/// gets the process's count back. Blocks depend on shapes only, never on n: any thread count
/// gives the same numbers.
enum PassThreads {
    /// At the start of a pass: the pool gets the calling thread's count, OpenBLAS one thread.
    static func begin() { ck_pass_begin() }

    /// At the end of a pass: the last one out hands OpenBLAS its count back.
    static func end() { ck_pass_end() }
}
