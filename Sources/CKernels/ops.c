// The public kernels: choose the instruction set once, cut the work into shape-determined chunks
// and run them on the pool.
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

// OpenBLAS's own thread control (declared here: Debian's cblas.h may come from another BLAS).
int openblas_get_num_threads(void);

static const ck_kernel_table *K;
static const char *isa_name = "generic";

__attribute__((constructor)) static void choose_kernels(void) {
    K = &ck_kernels_generic;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && getenv("MAEX_NO_AVX512") == NULL) {
        K = &ck_kernels_avx512;
        isa_name = "avx512";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        K = &ck_kernels_avx2;
        isa_name = "avx2";
    }
#endif
}

const char *ck_isa(void) { return isa_name; }

float ck_erf(float x) { return K->erf(x); }
float ck_exp(float x) { return K->exp(x); }

// Chunk sizes: about 16 K floats of work per chunk, at least one row.
static long rows_per_chunk(long width) {
    long r = 16384 / (width > 0 ? width : 1);
    return r < 1 ? 1 : r;
}

// MARK: element-wise

typedef struct { float *out; const float *a, *b; } add_args;
static void add_chunk(void *p, long begin, long end) {
    add_args *x = p;
    K->add(x->out, x->a, x->b, begin, end);
}
void ck_add(float *out, const float *a, const float *b, long count) {
    add_args args = {out, a, b};
    ck_parallel_for(count, 16384, add_chunk, &args);
}

typedef struct { float *out; const float *x, *bias; long width; } rows_args;
static void add_rows_chunk(void *p, long begin, long end) {
    rows_args *x = p;
    K->add_rows(x->out, x->x, x->bias, x->width, begin, end);
}
void ck_add_rows(float *out, const float *x, const float *bias, long rows, long width) {
    rows_args args = {out, x, bias, width};
    ck_parallel_for(rows, rows_per_chunk(width), add_rows_chunk, &args);
}

typedef struct { float *acc; const float *x; long rows, width; } colsum_args;
static void column_sums_chunk(void *p, long begin, long end) {
    colsum_args *x = p;
    K->column_sums(x->acc, x->x, x->rows, x->width, begin, end);
}
void ck_column_sums(float *acc, const float *x, long rows, long width) {
    colsum_args args = {acc, x, rows, width};
    ck_parallel_for(width, 64, column_sums_chunk, &args);
}

// MARK: GELU

typedef struct { float *pre, *out; const float *bias; long width; } bias_gelu_args;
static void bias_gelu_chunk(void *p, long begin, long end) {
    bias_gelu_args *x = p;
    K->bias_gelu(x->pre, x->out, x->bias, x->width, begin, end);
}
static void gelu_forward_chunk(void *p, long begin, long end) {
    bias_gelu_args *x = p;
    // The chunk as one row of end − begin values, no bias: pre is only read.
    K->bias_gelu(x->pre + begin, x->out + begin, NULL, end - begin, 0, 1);
}
void ck_gelu_forward(float *out, const float *x, long count) {
    bias_gelu_args args = {(float *)x, out, NULL, 0};
    ck_parallel_for(count, 8192, gelu_forward_chunk, &args);
}
void ck_bias_gelu(float *pre, float *out, const float *bias, long rows, long width) {
    bias_gelu_args args = {pre, out, bias, width};
    ck_parallel_for(rows, rows_per_chunk(width) / 2 + 1, bias_gelu_chunk, &args);
}

typedef struct { float *dx; const float *dy, *x; int accumulate; } gelu_back_args;
static void gelu_backward_chunk(void *p, long begin, long end) {
    gelu_back_args *x = p;
    K->gelu_backward(x->dx, x->dy, x->x, x->accumulate, begin, end);
}
void ck_gelu_backward(float *dx, const float *dy, const float *x, long count, int accumulate) {
    gelu_back_args args = {dx, dy, x, accumulate};
    ck_parallel_for(count, 8192, gelu_backward_chunk, &args);
}

// MARK: LayerNorm

typedef struct {
    float *out, *mean, *rstd;
    const float *x, *w, *b;
    long width;
    float eps;
} ln_args;
static void ln_forward_chunk(void *p, long begin, long end) {
    ln_args *a = p;
    K->layernorm_forward(a->out, a->mean, a->rstd, a->x, a->w, a->b, a->width, a->eps, begin, end);
}
void ck_layernorm_forward(float *out, float *mean, float *rstd, const float *x, const float *weight,
                          const float *bias, long rows, long width, float eps) {
    ln_args args = {out, mean, rstd, x, weight, bias, width, eps};
    ck_parallel_for(rows, rows_per_chunk(width), ln_forward_chunk, &args);
}

typedef struct {
    float *dx, *dw, *db;
    const float *dy, *x, *w, *mean, *rstd;
    long rows, width;
    int accumulate;
} ln_back_args;
static void ln_backward_input_chunk(void *p, long begin, long end) {
    ln_back_args *a = p;
    K->layernorm_backward_input(a->dx, a->dy, a->x, a->w, a->mean, a->rstd, a->width, a->accumulate, begin, end);
}
static void ln_backward_params_chunk(void *p, long begin, long end) {
    ln_back_args *a = p;
    K->layernorm_backward_params(a->dw, a->db, a->dy, a->x, a->mean, a->rstd, a->rows, a->width, begin, end);
}
void ck_layernorm_backward(float *dx, float *dweight, float *dbias, const float *dy, const float *x,
                           const float *weight, const float *mean, const float *rstd, long rows, long width,
                           int accumulate) {
    ln_back_args args = {dx, dweight, dbias, dy, x, weight, mean, rstd, rows, width, accumulate};
    ck_parallel_for(rows, rows_per_chunk(width), ln_backward_input_chunk, &args);
    // The parameter sums run over all rows in order, a block of columns per chunk.
    ck_parallel_for(width, 64, ln_backward_params_chunk, &args);
}

// MARK: attention

typedef struct {
    float *out, *att, *dqkv;
    const float *qkv, *dout, *catt;
    long T, D, heads;
    int accumulate;
} attn_args;
static void attention_forward_chunk(void *p, long begin, long end) {
    attn_args *a = p;
    K->attention_forward(a->out, a->att, a->qkv, a->T, a->D, a->heads, begin, end);
}
void ck_attention_forward(float *out, float *att, const float *qkv, long batch, long tokens, long width,
                          long heads) {
    attn_args args = {.out = out, .att = att, .qkv = qkv, .T = tokens, .D = width, .heads = heads};
    ck_parallel_for(batch * heads, 1, attention_forward_chunk, &args);
}
static void attention_backward_chunk(void *p, long begin, long end) {
    attn_args *a = p;
    K->attention_backward(a->dqkv, a->dout, a->qkv, a->catt, a->T, a->D, a->heads, a->accumulate, begin, end);
}
void ck_attention_backward(float *dqkv, const float *dout, const float *qkv, const float *att, long batch,
                           long tokens, long width, long heads, int accumulate) {
    attn_args args = {.dqkv = dqkv, .dout = dout, .qkv = qkv, .catt = att, .T = tokens, .D = width,
                      .heads = heads, .accumulate = accumulate};
    ck_parallel_for(batch * heads, 1, attention_backward_chunk, &args);
}

// MARK: optimizer

typedef struct {
    float *p, *m, *v;
    const float *g;
    const ck_adamw_args *a;
} adamw_args;
static void adamw_chunk(void *x, long begin, long end) {
    adamw_args *a = x;
    K->adamw(a->p, a->g, a->m, a->v, a->a, begin, end);
}
void ck_adamw(float *p, const float *g, float *m, float *v, long count, const ck_adamw_args *args) {
    adamw_args a = {p, m, v, g, args};
    ck_parallel_for(count, 16384, adamw_chunk, &a);
}

// MARK: sgemm

// Products below this many flops (2·m·n·k) per block are not worth a thread's hand-over.
static const double min_block_flops = 5e5;

typedef struct {
    int transA, transB;
    long m, n, k, lda, ldb, ldc, block;
    int split_rows;
    float alpha, beta;
    const float *a, *b;
    float *c;
} gemm_args;

static void gemm_call(const gemm_args *g, long m, long n, const float *a, const float *b, float *c) {
    cblas_sgemm(CblasRowMajor, g->transA ? CblasTrans : CblasNoTrans, g->transB ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)g->k, g->alpha, a, (int)g->lda, b, (int)g->ldb, g->beta, c, (int)g->ldc);
}

static void gemm_chunk(void *p, long begin, long end) {
    const gemm_args *g = p;
    long first = begin * g->block;
    if (g->split_rows) {
        long last = end * g->block < g->m ? end * g->block : g->m;
        // Rows of C are rows of op(A): row r of A, or column r of a transposed A.
        const float *a = g->transA ? g->a + first : g->a + first * g->lda;
        gemm_call(g, last - first, g->n, a, g->b, g->c + first * g->ldc);
    } else {
        long last = end * g->block < g->n ? end * g->block : g->n;
        const float *b = g->transB ? g->b + first * g->ldb : g->b + first;
        gemm_call(g, g->m, last - first, g->a, b, g->c + first);
    }
}

void ck_sgemm(int transA, int transB, long m, long n, long k, float alpha, const float *a, long lda,
              const float *b, long ldb, float beta, float *c, long ldc) {
    gemm_args g = {transA, transB, m, n, k, lda, ldb, ldc, 0, 1, alpha, beta, a, b, c};
    // The pool splits only while OpenBLAS runs single-threaded: never threads inside threads.
    if (openblas_get_num_threads() > 1) {
        gemm_call(&g, m, n, a, b, c);
        return;
    }
    // A Linear on a few rows (batch-1 inference: 17 or 65 tokens): OpenBLAS packs the whole
    // weight for as little work per value as there are rows. Column blocks small enough for its
    // small-matrix kernels (which read the operands in place) are about 1.5× faster on AVX-512
    // machines: that path takes blocks of C of at most 1200 values and m·n·k ≤ 10⁶ with k ≥ 32
    // for this transpose. Elsewhere the blocks only cost a few more calls.
    if (!transA && transB && k >= 32) {
        long width = 1200 / m;
        long by_work = (long)(1e6 / ((double)m * (double)k));
        if (by_work < width) width = by_work;
        width &= ~15L;
        if (width >= 16 && width < n) {
            g.split_rows = 0;
            g.block = width;
            ck_parallel_for((n + width - 1) / width, 1, gemm_chunk, &g);
            return;
        }
    }
    double flops = 2.0 * (double)m * (double)n * (double)k;
    if (flops < 2 * min_block_flops) {
        gemm_call(&g, m, n, a, b, c);
        return;
    }
    // Up to 8 blocks of C along its longer side, each at least min_block_flops and a multiple of
    // 16 rows or columns. The blocks depend on the shape alone: one thread runs them in turn and
    // computes exactly what two do. (4 blocks repack the other operand less often, which shows
    // on a quiet machine; 8 let a thread that keeps its core take over more of the work when
    // another process takes the other core, which is this machine's usual state.)
    g.split_rows = m >= n;
    long side = g.split_rows ? m : n;
    long blocks = (long)(flops / min_block_flops);
    if (blocks > 8) blocks = 8;
    long block = (side + blocks - 1) / blocks;
    block = (block + 15) & ~15L;
    if (block > side) block = side;
    g.block = block;
    ck_parallel_for((side + block - 1) / block, 1, gemm_chunk, &g);
}
