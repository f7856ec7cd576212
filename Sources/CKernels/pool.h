// Internal: the thread pool and per-thread scratch behind the kernels.
#ifndef MAEX_CKERNELS_POOL_H
#define MAEX_CKERNELS_POOL_H
#include <stddef.h>
#include "CKernels.h"

// The kernel table the calling thread's kernel calls use (a `const ck_kernel_table *`), NULL for
// the process's choice. The pool's workers take the dispatcher's for the chunks of its job.
extern _Thread_local const void *ck_thread_table;

// The threads of the calling thread's running model pass, taken when its outermost pass began
// (passes.c); 0 outside passes.
extern _Thread_local int ck_pass_threads;

// Runs fn(ctx, begin, end) over [0, count) in chunks of `grain` (the last one shorter), on the
// pool's threads and the caller's: ck_pass_threads of them in a pass, else ck_model_threads().
// Chunk boundaries depend on count and grain only.
typedef void (*ck_chunk_fn)(void *ctx, long begin, long end);
void ck_parallel_for(long count, long grain, ck_chunk_fn fn, void *ctx);

// Several independent loops in one region (one hand-over, one wait): chunks of every job are
// claimed from one counter. Jobs must not write what another job of the region reads or writes.
typedef struct {
    ck_chunk_fn fn;
    void *ctx;
    long count, grain;
} ck_job;
void ck_run_jobs(const ck_job *jobs, int count);

// A 64-byte aligned buffer of at least `bytes` owned by the calling thread, reused by its next
// call (grown, never shrunk): kernels take their temporaries from here, not from malloc.
void *ck_scratch(size_t bytes);

#endif
