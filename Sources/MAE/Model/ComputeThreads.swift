import CBLAS
import CKernels

/// How a pass uses the CPU's threads. `Threads.set(n)` gives OpenBLAS n threads; every pass then
/// gives the kernel pool (CKernels: LayerNorm, GELU, attention, the adds) the same n, read at
/// the pass's start. The two never run at once: the pool's loops run between matrix products,
/// and no kernel calls BLAS, so at most n threads compute at any time.
enum ComputeThreads {
    static func prepare() {
        ck_set_threads(openblas_get_num_threads())
    }
}
