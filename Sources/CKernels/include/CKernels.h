// Vector kernels and a small thread pool for the MAE model: the element-wise and row-wise work
// around the matrix products (LayerNorm, GELU, residual adds, bias sums, attention per head),
// compiled for AVX-512, AVX2+FMA and plain x86-64/other CPUs, the best chosen at run time.
//
// Every function splits its work into chunks whose boundaries depend on the shape only, never
// on the thread count, and every reduction adds in a fixed order: results are bit-identical for
// any number of threads. All pointers are to float32, row-major; "+=" means accumulate.
#ifndef MAEX_CKERNELS_H
#define MAEX_CKERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: threads

// How many threads model passes use (the caller counts as one), clamped to 1...64: the process's
// count, which starts as OpenBLAS's (OPENBLAS_NUM_THREADS, else every core) and is OpenBLAS's own
// outside passes; and a thread's own count, which its passes use instead (0 clears it; returns
// the one it replaces).
int ck_process_threads(void);
void ck_set_process_threads(int n);
int ck_set_thread_threads(int n);
// The count the calling thread's next pass takes: its own, else the process's.
int ck_model_threads(void);
// Around a model pass (they nest): the outermost pass on a thread takes ck_model_threads() for
// the pool until it ends, and while any pass runs OpenBLAS runs on one thread. A count set
// meanwhile applies to the passes that begin after it.
void ck_pass_begin(void);
void ck_pass_end(void);
// MARK: kernel tables

// The kernels exist in three tables: "generic" (any CPU), "avx2" (AVX2 + FMA) and "avx512"
// (AVX-512 F/VL/BW/DQ). A process uses the best one its CPU runs, or the one the environment
// variable MAEX_ISA names when the CPU runs it.
// The table the calling thread's kernel calls use.
const char *ck_isa(void);
// Whether this build has the table `name` and this CPU runs it.
int ck_isa_runs(const char *name);
// Makes the calling thread's kernel calls (and the pool work they start) use the table `name`
// (NULL: the process's again). Returns 0, changing nothing, when ck_isa_runs(name) is 0.
int ck_use_isa(const char *name);

// MARK: Linear layers (matrix products through cblas_sgemm)

// A Linear layer (weight [out, in] as PyTorch stores it):
// out [rows, out] = residual (if not NULL) + bias (if not NULL) + inp [rows, in] · weightᵀ
void ck_linear_forward(float *out, const float *inp, const float *weight, const float *bias, const float *residual,
                       long rows, long in_dim, long out_dim);
// The same, then LayerNorm (eps, weight, bias) of each row of out into ln_out, ln_mean, ln_rstd,
// done block by block while the rows are in cache (ln_out NULL: no LayerNorm).
void ck_linear_forward_ln(float *out, const float *inp, const float *weight, const float *bias, const float *residual,
                          long rows, long in_dim, long out_dim, float *ln_out, float *ln_mean, float *ln_rstd,
                          const float *ln_weight, const float *ln_bias, float eps);
// An MLP's first Linear and its GELU: pre [rows, hidden] = inp · weightᵀ + bias, act = gelu(pre);
// with training, pre then holds gelu'(pre) = Φ(pre) + pre·φ(pre), all the backward needs of it.
void ck_linear_gelu(float *pre, float *act, const float *inp, const float *weight, const float *bias, long rows,
                    long in_dim, long hidden, int training);
// Its backward as one region: dinp (if not NULL) (+)= dout · weight; dweight += doutᵀ · inp;
// dbias (if not NULL) += Σ_rows dout. accumulate_input = 0 overwrites dinp.
void ck_linear_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                        const float *weight, long rows, long in_dim, long out_dim, int accumulate_input);
// The same, and dinp_scaled = dinp ∘ dinp_scale block by block (GELU's backward after the MLP's
// second Linear, with the derivative from ck_linear_gelu); dinp_scaled may be dinp itself.
void ck_linear_backward_scaled(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                               const float *weight, long rows, long in_dim, long out_dim, int accumulate_input,
                               float *dinp_scaled, const float *dinp_scale);

// MARK: element-wise

// out[i] = a[i] + b[i]
void ck_add(float *out, const float *a, const float *b, long count);
// x[0 ..< count] = 0, in chunks on the pool (a gradient buffer before a step).
void ck_zero(float *x, long count);

// MARK: LayerNorm (biased variance)

void ck_layernorm_forward(float *out, float *mean, float *rstd, const float *x, const float *weight,
                          const float *bias, long rows, long width, float eps);
// dx (+)= …; dweight += Σ dy·x̂; dbias += Σ dy. accumulate = 0 overwrites dx.
void ck_layernorm_backward(float *dx, float *dweight, float *dbias, const float *dy, const float *x,
                           const float *weight, const float *mean, const float *rstd, long rows, long width,
                           int accumulate);

// MARK: attention

// qkv [batch, T, 3D] (q | k | v, heads contiguous within each); out [batch, T, D];
// att [batch, heads, T, T] = softmax(q·kᵀ/√hd) per head.
void ck_attention_forward(float *out, float *att, const float *qkv, long batch, long tokens, long width,
                          long heads);
// dqkv [batch, T, 3D] = (or +=, accumulate ≠ 0) the gradient of out given dout [batch, T, D].
void ck_attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, long batch,
                           long tokens, long width, long heads, int accumulate);

// MARK: optimizer

// PyTorch's AdamW (single-tensor, decoupled decay, bias correction) over `count` values:
//   w = p·decay_factor (1 for no decay); m += (g − m)·(1 − β1); v = β2·v + (1 − β2)·g²;
//   p = w − step_size · m / (√v / bias_correction2_sqrt + eps)
typedef struct {
    float step_size, beta2, one_minus_beta1, one_minus_beta2, bias_correction2_sqrt, eps, decay_factor;
} ck_adamw_args;
void ck_adamw(float *p, const float *g, float *m, float *v, long count, const ck_adamw_args *args);

#ifdef __cplusplus
}
#endif
#endif
