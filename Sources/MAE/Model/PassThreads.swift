import CKernels

/// How a pass uses the CPU's threads. `ModelThreads.count = n` asks for n threads; a pass then
/// runs everything, matrix products included, on the kernel pool's n threads with OpenBLAS on
/// one thread inside each product block: OpenBLAS's own threading gains little on the model's
/// narrow products (K = 128…768), while blocks of C claimed from a shared counter scale nearly 2×
/// on two cores and keep going when one core is taken by another process. No kernel runs BLAS
/// threads inside pool threads, so at most n threads compute at any time.
///
/// The pass takes OpenBLAS's count over for its duration and gives it back at its end (when no
/// other pass runs and nobody changed it meanwhile), so `ModelThreads.count` reads as set outside
/// passes. Blocks depend on shapes only, never on n: any thread count gives the same numbers.
enum PassThreads {
    /// At the start of a pass: the pool gets the threads `ModelThreads.count` asked for, OpenBLAS one.
    static func begin() { ck_pass_begin() }

    /// At the end of a pass: the last one out hands OpenBLAS its count back.
    static func end() { ck_pass_end() }
}
