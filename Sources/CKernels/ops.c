// The public kernels: choose the instruction set once, cut the work into shape-determined chunks
// and run them on the pool.
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

// The process's table: the best this CPU runs, or the one MAEX_ISA names when it runs it.
static const ck_kernel_table *chosen = &ck_kernels_generic;
// The table of each kernel call below: the calling thread's (ck_use_isa), else the process's.
#define K ck_active_kernels()

static int runs_avx2(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}
static int runs_avx512(void) {
#if defined(__x86_64__)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && runs_avx2();
#else
    return 0;
#endif
}

// The table called `name` when this build has it and this CPU runs it, else NULL.
static const ck_kernel_table *table_named(const char *name) {
    if (!name) return NULL;
    if (strcmp(name, "generic") == 0) return &ck_kernels_generic;
#if defined(__x86_64__)
    if (strcmp(name, "avx2") == 0) return runs_avx2() ? &ck_kernels_avx2 : NULL;
    if (strcmp(name, "avx512") == 0) return runs_avx512() ? &ck_kernels_avx512 : NULL;
#endif
    return NULL;
}

__attribute__((constructor)) static void choose_kernels(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (runs_avx512()) chosen = &ck_kernels_avx512;
    else if (runs_avx2()) chosen = &ck_kernels_avx2;
#endif
    const ck_kernel_table *forced = table_named(getenv("MAEX_ISA"));
    if (forced) chosen = forced;
}

const ck_kernel_table *ck_active_kernels(void) {
    return ck_thread_table ? (const ck_kernel_table *)ck_thread_table : chosen;
}
const char *ck_isa(void) { return ck_active_kernels()->name; }
int ck_isa_runs(const char *name) { return table_named(name) != NULL; }
int ck_use_isa(const char *name) {
    if (!name) {
        ck_thread_table = NULL;
        return 1;
    }
    const ck_kernel_table *t = table_named(name);
    if (t) ck_thread_table = t;
    return t != NULL;
}

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

static void zero_chunk(void *p, long begin, long end) {
    memset((float *)p + begin, 0, (size_t)(end - begin) * sizeof(float));
}
void ck_zero(float *x, long count) { ck_parallel_for(count, 65536, zero_chunk, x); }

void ck_column_sums_range(float *acc, const float *x, long rows, long width, long begin, long end) {
    K->column_sums(acc, x, rows, width, begin, end);
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
    // One region: row chunks for dx and, independent of them, column chunks for the parameter
    // sums (each over all rows in order).
    ck_job jobs[2] = {
        {ln_backward_input_chunk, &args, rows, rows_per_chunk(width)},
        {ln_backward_params_chunk, &args, width, 64},
    };
    ck_run_jobs(jobs, 2);
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
