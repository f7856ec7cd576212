// Internal: one instruction set's copy of the kernels, as a table of functions over ranges.
#ifndef MAEX_CKERNELS_KERNELS_H
#define MAEX_CKERNELS_KERNELS_H
#include <math.h>
#include <stdint.h>
#include "pool.h"

typedef struct {
    const char *name;  // "generic", "avx2" or "avx512": the MAEX_ISA value that picks it
    void (*add)(float *out, const float *a, const float *b, long begin, long end);
    void (*column_sums)(float *acc, const float *x, long rows, long width, long begin, long end);
    void (*prefill)(float *c, long ld, const float *x, const float *bias, long r0, long r1, long c0, long c1);
    void (*bias_gelu)(float *pre, float *out, const float *bias, long ld, long r0, long r1, long c0, long c1);
    void (*bias_gelu_train)(float *pre, float *out, const float *bias, long ld, long r0, long r1, long c0, long c1);
    void (*mul)(float *dx, const float *dy, const float *d, int accumulate, long begin, long end);
    void (*scale)(float *x, const float *s, long begin, long end);
    void (*layernorm_forward)(float *out, float *mean, float *rstd, const float *x, const float *w,
                              const float *b, long width, float eps, long begin, long end);
    void (*layernorm_backward_input)(float *dx, const float *dy, const float *x, const float *w,
                                     const float *mean, const float *rstd, long width, int accumulate, long begin,
                                     long end);
    void (*layernorm_backward_params)(float *dw, float *db, const float *dy, const float *x, const float *mean,
                                      const float *rstd, long rows, long width, long begin, long end);
    void (*attention_forward)(float *out, float *att, const float *qkv, long T, long D, long heads, long begin,
                              long end);
    void (*attention_backward)(float *dqkv, const float *dout, const float *qkv, const float *att, long T,
                               long D, long heads, int accumulate, long begin, long end);
    void (*adamw)(float *p, const float *g, float *m, float *v, const ck_adamw_args *a, long begin, long end);
} ck_kernel_table;

// The table the calling thread uses: its own when set (ck_use_isa), else the process's choice.
const ck_kernel_table *ck_active_kernels(void);
// The column sums of the chosen instruction set over the columns [begin, end) (for gemm.c).
void ck_column_sums_range(float *acc, const float *x, long rows, long width, long begin, long end);

extern const ck_kernel_table ck_kernels_generic;
#if defined(__x86_64__)
extern const ck_kernel_table ck_kernels_avx2;
extern const ck_kernel_table ck_kernels_avx512;
#endif

#endif
