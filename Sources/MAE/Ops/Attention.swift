import CKernels

/// Multi-head self-attention of the authors' `Attention` after its fused `qkv` Linear and before
/// `proj`: each token's qkv row [3D] is laid out q | k | v, each of those split into `heads`
/// contiguous slices of hd = D/heads. Per image and head: out = softmax(q·kᵀ·hd^−½)·v, heads
/// concatenated back into [T, D].
///
/// The per-head products are small (T is 1 + kept patches in the encoder, 1 + L in the decoder;
/// hd is 32 or 64), too small for a BLAS call each to pay: CKernels computes one (image, head)
/// per task entirely in cache, q·kᵀ, the softmax and a·v in one pass over the rows, the tasks
/// spread over the kernel pool. Tasks write disjoint slices, so any thread count gives the same
/// result.

/// out [batch, T, D] = attention(qkv [batch, T, 3D]); att [batch, heads, T, T] caches the softmax.
func attentionForward(out: UnsafeMutablePointer<Float>, att: UnsafeMutablePointer<Float>,
                      qkv: UnsafePointer<Float>, batch: Int, tokens T: Int, width D: Int, heads: Int) {
    ck_attention_forward(out, att, qkv, batch, T, D, heads)
}

/// Undoes `out = softmax(scale·q·kᵀ)·v`. Accumulates (+=) into dQKV [batch, T, 3D] (or
/// overwrites it when `accumulate` is false) from dOut [batch, T, D], the forward's qkv and
/// cached att:
///
///     dA = dOut_h·vᵀ;  dv = aᵀ·dOut_h;  ds = a∘(dA − Σ_j a·dA);  dq = scale·ds·k;  dk = scale·dsᵀ·q
func attentionBackward(dQKV: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                       qkv: UnsafePointer<Float>, att: UnsafePointer<Float>,
                       batch: Int, tokens T: Int, width D: Int, heads: Int, accumulate: Bool = true) {
    ck_attention_backward(dQKV, dOut, qkv, att, batch, T, D, heads, accumulate ? 1 : 0)
}
