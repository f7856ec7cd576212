import CKernels

/// Row-major `C = alpha·op(A)·op(B) + beta·C` through OpenBLAS, with the leading dimensions
/// spelled out so that strided views (one head of a fused qkv row, one image of a batch) need
/// no copies. op(A) is [m, k], op(B) is [k, n], C is [m, n]. `ck_sgemm` hands large products to
/// the kernel pool in blocks of C when OpenBLAS itself runs on one thread (see ComputeThreads).
@inline(__always)
func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
           a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
           beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        // BLAS leaves C untouched only when beta is 1; scale it ourselves for the empty sum.
        if beta != 1 {
            for r in 0..<m { for j in 0..<n { c[r * ldc + j] = beta == 0 ? 0 : beta * c[r * ldc + j] } }
        }
        return
    }
    ck_sgemm(transA ? 1 : 0, transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
