import CBLAS
import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// How a pass uses the CPU's threads. `Threads.set(n)` asks for n threads (it sets OpenBLAS's
/// count); a pass then runs everything, matrix products included, on the kernel pool's n threads
/// with OpenBLAS on one thread inside each product block: OpenBLAS's own threading gains little
/// on the model's narrow products (K = 128…768), while blocks of C claimed from a shared counter
/// scale nearly 2× on two cores and keep going when one core is taken by another process. No
/// kernel runs BLAS threads inside pool threads, so at most n threads compute at any time.
///
/// The pass takes OpenBLAS's count over for its duration and gives it back at its end (when no
/// other pass runs and nobody changed it meanwhile), so `Threads.current` reads as set outside
/// passes. Blocks depend on shapes only, never on n: any thread count gives the same numbers.
enum ComputeThreads {
    private nonisolated(unsafe) static var lock = pthread_mutex_t()
    private nonisolated(unsafe) static var active = 0
    private nonisolated(unsafe) static var wanted = 1
    private static let initialised: Bool = {
        pthread_mutex_init(&lock, nil)
        return true
    }()

    /// At the start of a pass: the pool gets the threads `Threads.set` asked for, OpenBLAS one.
    static func begin() {
        _ = initialised
        pthread_mutex_lock(&lock)
        if active == 0 {
            wanted = Int(openblas_get_num_threads())
            if wanted > 1 { openblas_set_num_threads(1) }
        }
        active += 1
        let n = wanted
        pthread_mutex_unlock(&lock)
        ck_set_threads(Int32(n))
    }

    /// At the end of a pass: the last one out hands OpenBLAS its count back, unless it was set
    /// meanwhile.
    static func end() {
        pthread_mutex_lock(&lock)
        active -= 1
        if active == 0 && wanted > 1 && openblas_get_num_threads() == 1 {
            openblas_set_num_threads(Int32(wanted))
        }
        pthread_mutex_unlock(&lock)
    }
}
