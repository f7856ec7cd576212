// Matrix products through cblas_sgemm, cut into blocks of C that the pool multiplies
// concurrently while OpenBLAS itself runs on one thread; and the Linear layers built on them,
// whose bias, residual and gradient loops share the products' region.
#include <cblas.h>
#include "kernels.h"

// Blocks below this many flops (2·m·n·k) are not worth a thread's hand-over.
static const double min_block_flops = 5e5;

typedef struct {
    int transA, transB;
    long m, n, k, lda, ldb, ldc;
    float alpha, beta;
    const float *a, *b;
    float *c;
    // Optional, with beta = 1: each block of C first becomes prefill_x (ld = ldc) + prefill_bias.
    const float *prefill_x, *prefill_bias;
    int prefill;
    // The blocks: along rows (or columns) of C, `block` wide; count 1 = the whole product.
    int split_rows;
    long block, count;
    // Optional: run on each block of C once it is done, by the thread that made it while it is
    // still in its cache: rows [r0, r1) × columns [c0, c1). An epilogue that needs whole rows
    // (LayerNorm) runs on column blocks after the region instead.
    void (*epilogue)(const void *ctx, long r0, long r1, long c0, long c1);
    const void *epilogue_ctx;
    int epilogue_whole_rows;
} gemm_job;

static void call(const gemm_job *g, long m, long n, const float *a, const float *b, float *c) {
    cblas_sgemm(CblasRowMajor, g->transA ? CblasTrans : CblasNoTrans, g->transB ? CblasTrans : CblasNoTrans,
                (int)m, (int)n, (int)g->k, g->alpha, a, (int)g->lda, b, (int)g->ldb, g->beta, c, (int)g->ldc);
}

// C[r0..<r1, c0..<c1] = x + bias (either may be NULL).
static void prefill(const gemm_job *g, long r0, long r1, long c0, long c1) {
    ck_active_kernels()->prefill(g->c, g->ldc, g->prefill_x, g->prefill_bias, r0, r1, c0, c1);
}

static void gemm_blocks(void *p, long begin, long end) {
    const gemm_job *g = p;
    for (long i = begin; i < end; i++) {
        long first = i * g->block;
        if (g->split_rows) {
            long last = first + g->block < g->m ? first + g->block : g->m;
            if (g->prefill) prefill(g, first, last, 0, g->n);
            // Rows of C are rows of op(A): row r of A, or column r of a transposed A.
            const float *a = g->transA ? g->a + first : g->a + first * g->lda;
            call(g, last - first, g->n, a, g->b, g->c + first * g->ldc);
            if (g->epilogue) g->epilogue(g->epilogue_ctx, first, last, 0, g->n);
        } else {
            long last = first + g->block < g->n ? first + g->block : g->n;
            if (g->prefill) prefill(g, 0, g->m, first, last);
            const float *b = g->transB ? g->b + first * g->ldb : g->b + first;
            call(g, g->m, last - first, g->a, b, g->c + first);
            if (g->epilogue && !g->epilogue_whole_rows) g->epilogue(g->epilogue_ctx, 0, g->m, first, last);
        }
    }
}

// Chooses the blocks of g from its shape alone: one thread runs them in turn and computes
// exactly what several do.
static void plan(gemm_job *g) {
    g->split_rows = 1;
    g->block = g->m;
    g->count = 1;
    if (g->m == 0 || g->n == 0) {
        g->count = 0;
        return;
    }
    // A Linear on a few rows (batch-1 inference: 17 or 65 tokens): OpenBLAS packs the whole
    // weight for as little work per value as there are rows. Column blocks small enough for its
    // small-matrix kernels (which read the operands in place) are about 1.5× faster on AVX-512
    // machines: that path takes blocks of C of at most 1200 values and m·n·k ≤ 10⁶ with k ≥ 32
    // for this transpose. Elsewhere the blocks only cost a few more calls.
    if (!g->transA && g->transB && g->k >= 32) {
        long width = 1200 / g->m;
        long by_work = (long)(1e6 / ((double)g->m * (double)g->k));
        if (by_work < width) width = by_work;
        width &= ~15L;
        if (width >= 16 && width < g->n) {
            g->split_rows = 0;
            g->block = width;
            g->count = (g->n + width - 1) / width;
            return;
        }
    }
    // Two blocks along the longer side of C (when each has at least min_block_flops), a multiple
    // of 16 rows or columns. Each block packs the other operand again, so fewer is better as
    // long as both threads have one: on two cores 2 blocks trained 3% faster than 4 (and 4 5%
    // faster than 8), while 3 left one thread idle a third of the time. (Blocks along k for the weight
    // gradients, which pack each row once but add partial results afterwards, measured no
    // faster.) A thread that another process delays holds up its region for its block; the
    // dispatcher then sleeps, so that the kernel moves the delayed thread to the freed core.
    double flops = 2.0 * (double)g->m * (double)g->n * (double)g->k;
    long blocks = (long)(flops / min_block_flops);
    if (blocks > 2) blocks = 2;
    if (blocks < 2) return;
    g->split_rows = g->m >= g->n;
    long side = g->split_rows ? g->m : g->n;
    long block = (side + blocks - 1) / blocks;
    block = (block + 15) & ~15L;
    if (block > side) block = side;
    g->block = block;
    g->count = (side + block - 1) / block;
}

// Runs the jobs as one region of the pool inside a model pass (OpenBLAS on one thread), else one
// after the other on this thread while OpenBLAS has threads of its own: never BLAS threads
// inside pool threads.
static void run(ck_job *jobs, int count) {
    if (ck_pass_threads == 0) {
        for (int j = 0; j < count; j++) {
            long grain = jobs[j].grain < 1 ? 1 : jobs[j].grain;
            for (long lo = 0; lo < jobs[j].count; lo += grain)
                jobs[j].fn(jobs[j].ctx, lo, lo + grain < jobs[j].count ? lo + grain : jobs[j].count);
        }
        return;
    }
    ck_run_jobs(jobs, count);
}

static gemm_job make(int transA, int transB, long m, long n, long k, float alpha, const float *a, long lda,
                     const float *b, long ldb, float beta, float *c, long ldc) {
    gemm_job g = {transA, transB, m, n, k, lda, ldb, ldc, alpha, beta, a, b, c, NULL, NULL, 0, 1, 0, 0, NULL, NULL, 0};
    plan(&g);
    return g;
}

typedef struct {
    const gemm_job *g;
} epilogue_rows;
static void epilogue_chunk(void *p, long begin, long end) {
    const gemm_job *g = ((const epilogue_rows *)p)->g;
    g->epilogue(g->epilogue_ctx, begin, end, 0, g->n);
}
// A whole-row epilogue of a product cut into column blocks, over all rows once every block is
// done.
static void finish(const gemm_job *g) {
    if (!g->epilogue || !g->epilogue_whole_rows || g->split_rows || g->count == 0) return;
    epilogue_rows x = {g};
    ck_job job = {epilogue_chunk, &x, g->m, 16};
    run(&job, 1);
}

typedef struct {
    float *ln_out, *mean, *rstd;
    const float *x, *w, *b;
    long width;
    float eps;
} ln_epilogue;
static void layernorm_rows(const void *p, long r0, long r1, long c0, long c1) {
    (void)c0, (void)c1;  // whole rows
    const ln_epilogue *e = p;
    ck_active_kernels()->layernorm_forward(e->ln_out, e->mean, e->rstd, e->x, e->w, e->b, e->width, e->eps, r0, r1);
}

void ck_linear_forward_ln(float *out, const float *inp, const float *weight, const float *bias, const float *residual,
                          long rows, long in_dim, long out_dim, float *ln_out, float *ln_mean, float *ln_rstd,
                          const float *ln_weight, const float *ln_bias, float eps) {
    // out = residual + bias + inp · weightᵀ: each block starts from residual + bias, then sgemm
    // adds its product (beta = 1); then, if asked, LayerNorm of the block's rows.
    gemm_job g = make(0, 1, rows, out_dim, in_dim, 1, inp, in_dim, weight, in_dim, 1, out, out_dim);
    g.prefill = 1;
    g.prefill_x = residual;
    g.prefill_bias = bias;
    ln_epilogue ln = {ln_out, ln_mean, ln_rstd, out, ln_weight, ln_bias, out_dim, eps};
    if (ln_out) {
        g.epilogue = layernorm_rows;
        g.epilogue_ctx = &ln;
        g.epilogue_whole_rows = 1;
    }
    ck_job job = {gemm_blocks, &g, g.count, 1};
    run(&job, 1);
    finish(&g);
}

void ck_linear_forward(float *out, const float *inp, const float *weight, const float *bias, const float *residual,
                       long rows, long in_dim, long out_dim) {
    ck_linear_forward_ln(out, inp, weight, bias, residual, rows, in_dim, out_dim, NULL, NULL, NULL, NULL, NULL, 0);
}

typedef struct {
    float *pre, *act;
    const float *bias;
    long width;
    int training;
} gelu_epilogue;
static void bias_gelu_block(const void *p, long r0, long r1, long c0, long c1) {
    const gelu_epilogue *e = p;
    if (e->training) ck_active_kernels()->bias_gelu_train(e->pre, e->act, e->bias, e->width, r0, r1, c0, c1);
    else ck_active_kernels()->bias_gelu(e->pre, e->act, e->bias, e->width, r0, r1, c0, c1);
}

void ck_linear_gelu(float *pre, float *act, const float *inp, const float *weight, const float *bias, long rows,
                    long in_dim, long hidden, int training) {
    // pre = inp · weightᵀ; then, per block: pre += bias, act = gelu(pre) (pre = gelu'(pre) when
    // training).
    gemm_job g = make(0, 1, rows, hidden, in_dim, 1, inp, in_dim, weight, in_dim, 0, pre, hidden);
    gelu_epilogue e = {pre, act, bias, hidden, training};
    g.epilogue = bias_gelu_block;
    g.epilogue_ctx = &e;
    ck_job job = {gemm_blocks, &g, g.count, 1};
    run(&job, 1);
    finish(&g);
}

typedef struct {
    float *acc;
    const float *x;
    long rows, width;
} colsum_job;

static void column_sums(void *p, long begin, long end) {
    const colsum_job *j = p;
    ck_column_sums_range(j->acc, j->x, j->rows, j->width, begin, end);
}

typedef struct {
    float *scaled;
    const float *x, *scale;
    long width;
} mul_epilogue;
// scaled = x ∘ scale on the block's elements [begin, end) of the flat matrix (in place when
// scaled is x).
static void mul_range(const mul_epilogue *e, long begin, long end) {
    if (e->scaled == e->x) ck_active_kernels()->scale(e->scaled, e->scale, begin, end);
    else ck_active_kernels()->mul(e->scaled, e->x, e->scale, 0, begin, end);
}
static void mul_block(const void *p, long r0, long r1, long c0, long c1) {
    const mul_epilogue *e = p;
    if (c0 == 0 && c1 == e->width) {
        mul_range(e, r0 * e->width, r1 * e->width);
        return;
    }
    for (long r = r0; r < r1; r++) mul_range(e, r * e->width + c0, r * e->width + c1);
}

void ck_linear_backward_scaled(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                               const float *weight, long rows, long in_dim, long out_dim, int accumulate_input,
                               float *dinp_scaled, const float *dinp_scale) {
    // Three independent loops in one region, all reading dOut:
    // dInp [rows, in] (+)= dOut · W;  dW [out, in] += dOutᵀ · inp;  dBias [out] += Σ_rows dOut;
    // and, if asked, dinp_scaled = dInp ∘ dinp_scale on each block of dInp as it is done.
    gemm_job gi = make(0, 0, rows, in_dim, out_dim, 1, dout, out_dim, weight, in_dim,
                       accumulate_input ? 1.0f : 0.0f, dinp, in_dim);
    mul_epilogue e = {dinp_scaled, dinp, dinp_scale, in_dim};
    if (dinp && dinp_scaled) {
        gi.epilogue = mul_block;
        gi.epilogue_ctx = &e;
    }
    gemm_job gw = make(1, 0, out_dim, in_dim, rows, 1, dout, out_dim, inp, in_dim, 1, dweight, in_dim);
    colsum_job cs = {dbias, dout, rows, out_dim};
    ck_job jobs[3];
    int n = 0;
    if (dinp) jobs[n++] = (ck_job){gemm_blocks, &gi, gi.count, 1};
    jobs[n++] = (ck_job){gemm_blocks, &gw, gw.count, 1};
    if (dbias) jobs[n++] = (ck_job){column_sums, &cs, out_dim, 64};
    run(jobs, n);
    if (dinp) finish(&gi);
}

void ck_linear_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                        const float *weight, long rows, long in_dim, long out_dim, int accumulate_input) {
    ck_linear_backward_scaled(dinp, dweight, dbias, dout, inp, weight, rows, in_dim, out_dim, accumulate_input, NULL,
                              NULL);
}
