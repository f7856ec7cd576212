// A fixed pool of worker threads for data-parallel loops, built for two things the model needs:
// no allocation after warm-up, and no stall when one thread is descheduled on a busy machine.
// Work is cut into chunks that every participating thread (the caller included) claims one at a
// time from a shared word, so a slow thread simply claims fewer. Idle workers spin briefly, then
// sleep on a condition variable.
#define _GNU_SOURCE
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void cpu_relax(void) { _mm_pause(); }
#elif defined(__aarch64__)
static inline void cpu_relax(void) { __asm__ __volatile__("yield"); }
#else
static inline void cpu_relax(void) {}
#endif

// The claim word: job id (16 bits) | participating threads (8) | chunks (20) | next chunk (20).
// A claim is a compare-and-swap that succeeds only for the current job and while chunks remain,
// so a late worker can never run a chunk of a job that has been replaced.
#define NEXT_BITS 20
#define COUNT_BITS 20
#define WANT_BITS 8
#define FIELD_MASK ((1ull << NEXT_BITS) - 1)
static inline uint64_t word(uint32_t id, uint32_t want, uint32_t chunks, uint32_t next) {
    return ((uint64_t)(id & 0xffff) << 48) | ((uint64_t)want << 40) | ((uint64_t)chunks << 20) | next;
}
static inline uint32_t word_id(uint64_t w) { return (uint32_t)(w >> 48); }
static inline uint32_t word_want(uint64_t w) { return (uint32_t)(w >> 40) & 0xff; }
static inline uint32_t word_chunks(uint64_t w) { return (uint32_t)(w >> 20) & FIELD_MASK; }
static inline uint32_t word_next(uint64_t w) { return (uint32_t)w & FIELD_MASK; }

static struct {
    _Atomic uint64_t claim;
    _Atomic long done;
    // The current job, written by the dispatcher before it publishes the claim word (release)
    // and stable until all of its chunks are done.
    _Atomic(ck_chunk_fn) fn;
    _Atomic(void *) ctx;
    _Atomic long count, grain;
    _Atomic(const void *) table;  // the dispatcher's ck_thread_table

    int started;              // workers running
    pthread_mutex_t dispatch; // one dispatching thread at a time; others run inline
    pthread_mutex_t start_lock;

    _Atomic int sleepers;
    pthread_mutex_t sleep_lock;
    pthread_cond_t wake;

    _Atomic int dispatcher_sleeping;  // the dispatcher blocks on `finished` for the last chunks
    pthread_cond_t finished;
} P = {
    .dispatch = PTHREAD_MUTEX_INITIALIZER,
    .start_lock = PTHREAD_MUTEX_INITIALIZER,
    .sleep_lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .finished = PTHREAD_COND_INITIALIZER,
};

_Thread_local const void *ck_thread_table;

static double seconds_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// How long an idle worker spins before sleeping: long enough to bridge the gap between two
// kernels of one pass, short enough to hand the core back soon after a pass ends.
static const double spin_seconds = 100e-6;
// How long the dispatcher spins for the workers' last chunks before it sleeps.
static const double wait_spin_seconds = 30e-6;

static void run_range(ck_chunk_fn fn, void *ctx, long count, long grain, uint32_t index) {
    long begin = (long)index * grain;
    long end = begin + grain < count ? begin + grain : count;
    fn(ctx, begin, end);
}

// Claims and runs chunks of job `id` until none remain.
static void work_on(uint32_t id, uint32_t worker) {
    ck_thread_table = atomic_load_explicit(&P.table, memory_order_relaxed);
    for (;;) {
        uint64_t w = atomic_load_explicit(&P.claim, memory_order_acquire);
        for (;;) {
            if (word_id(w) != (id & 0xffff) || worker >= word_want(w) || word_next(w) >= word_chunks(w)) return;
            if (atomic_compare_exchange_weak_explicit(&P.claim, &w, w + 1, memory_order_acq_rel,
                                                      memory_order_acquire))
                break;
        }
        run_range(atomic_load_explicit(&P.fn, memory_order_relaxed), atomic_load_explicit(&P.ctx, memory_order_relaxed),
                  atomic_load_explicit(&P.count, memory_order_relaxed),
                  atomic_load_explicit(&P.grain, memory_order_relaxed), word_next(w));
        long done = atomic_fetch_add(&P.done, 1) + 1;  // seq_cst: see dispatcher_sleeping
        if (done == (long)word_chunks(w) && worker != 0 && atomic_load(&P.dispatcher_sleeping)) {
            pthread_mutex_lock(&P.sleep_lock);
            pthread_cond_signal(&P.finished);
            pthread_mutex_unlock(&P.sleep_lock);
        }
    }
}

static void *worker_main(void *arg) {
    uint32_t worker = (uint32_t)(uintptr_t)arg;
    uint32_t seen = word_id(atomic_load(&P.claim));
    for (;;) {
        uint64_t w = atomic_load_explicit(&P.claim, memory_order_acquire);
        if (word_id(w) == seen) {
            double start = seconds_now();
            int spins = 0;
            while (word_id(w = atomic_load_explicit(&P.claim, memory_order_acquire)) == seen) {
                cpu_relax();
                if ((++spins & 63) == 0 && seconds_now() - start > spin_seconds) {
                    pthread_mutex_lock(&P.sleep_lock);
                    atomic_fetch_add(&P.sleepers, 1);
                    while (word_id(w = atomic_load(&P.claim)) == seen) pthread_cond_wait(&P.wake, &P.sleep_lock);
                    atomic_fetch_sub(&P.sleepers, 1);
                    pthread_mutex_unlock(&P.sleep_lock);
                    break;
                }
            }
        }
        seen = word_id(w);
        work_on(seen, worker);
    }
    return NULL;
}

// Starts workers up to `count` (1-based indices); called by the dispatcher only.
static void start_workers(int count) {
    pthread_mutex_lock(&P.start_lock);
    while (P.started < count) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attr, worker_main, (void *)(uintptr_t)(P.started + 1));
        pthread_attr_destroy(&attr);
        if (failed) break;
        P.started += 1;
    }
    pthread_mutex_unlock(&P.start_lock);
}

void ck_parallel_for(long count, long grain, ck_chunk_fn fn, void *ctx) {
    if (count <= 0) return;
    if (grain < 1) grain = 1;
    long chunks = (count + grain - 1) / grain;
    if (chunks > (long)FIELD_MASK) {
        grain = (count + (long)FIELD_MASK - 1) / (long)FIELD_MASK;
        chunks = (count + grain - 1) / grain;
    }
    int threads = ck_pass_threads ? ck_pass_threads : ck_model_threads();
    if (threads > chunks) threads = (int)chunks;
    // One thread, or another thread is dispatching (or this is a nested call): run here, chunk
    // by chunk, so the arithmetic is the same as with the pool.
    if (threads <= 1 || pthread_mutex_trylock(&P.dispatch) != 0) {
        for (long i = 0; i < chunks; i++) run_range(fn, ctx, count, grain, (uint32_t)i);
        return;
    }
    if (P.started < threads - 1) start_workers(threads - 1);
    if (threads > P.started + 1) threads = P.started + 1;

    atomic_store_explicit(&P.fn, fn, memory_order_relaxed);
    atomic_store_explicit(&P.ctx, ctx, memory_order_relaxed);
    atomic_store_explicit(&P.count, count, memory_order_relaxed);
    atomic_store_explicit(&P.grain, grain, memory_order_relaxed);
    atomic_store_explicit(&P.table, ck_thread_table, memory_order_relaxed);
    atomic_store_explicit(&P.done, 0, memory_order_relaxed);
    uint32_t id = (word_id(atomic_load(&P.claim)) + 1) & 0xffff;
    atomic_store(&P.claim, word(id, (uint32_t)threads, (uint32_t)chunks, 0));  // seq_cst: see sleepers
    if (atomic_load(&P.sleepers) > 0) {
        pthread_mutex_lock(&P.sleep_lock);
        pthread_cond_broadcast(&P.wake);
        pthread_mutex_unlock(&P.sleep_lock);
    }
    work_on(id, 0);
    // The workers' last chunks: spin a little, then sleep. A worker that another process has
    // pushed off its core is then moved by the kernel to this core, which went idle, instead of
    // waiting for its turn on the busy one (spinning or yielding here would keep this core busy).
    if (atomic_load_explicit(&P.done, memory_order_acquire) < chunks) {
        double start = seconds_now();
        int spins = 0;
        while (atomic_load_explicit(&P.done, memory_order_acquire) < chunks) {
            cpu_relax();
            if ((++spins & 63) == 0 && seconds_now() - start > wait_spin_seconds) {
                pthread_mutex_lock(&P.sleep_lock);
                atomic_store(&P.dispatcher_sleeping, 1);  // seq_cst: see the workers' done count
                while (atomic_load(&P.done) < chunks) pthread_cond_wait(&P.finished, &P.sleep_lock);
                atomic_store(&P.dispatcher_sleeping, 0);
                pthread_mutex_unlock(&P.sleep_lock);
                break;
            }
        }
    }
    pthread_mutex_unlock(&P.dispatch);
}

// MARK: several jobs in one region

enum { MAX_JOBS = 4 };

typedef struct {
    const ck_job *jobs;
    int count;
    long first[MAX_JOBS + 1];  // first chunk of each job, then the total
} jobs_ctx;

static void jobs_chunk(void *p, long begin, long end) {
    const jobs_ctx *x = p;
    for (long c = begin; c < end; c++) {
        int j = 0;
        while (c >= x->first[j + 1]) j++;
        const ck_job *job = &x->jobs[j];
        long grain = job->grain < 1 ? 1 : job->grain;
        long lo = (c - x->first[j]) * grain;
        long hi = lo + grain < job->count ? lo + grain : job->count;
        job->fn(job->ctx, lo, hi);
    }
}

void ck_run_jobs(const ck_job *jobs, int count) {
    if (count > MAX_JOBS) {
        for (int j = 0; j < count; j += MAX_JOBS) ck_run_jobs(jobs + j, count - j < MAX_JOBS ? count - j : MAX_JOBS);
        return;
    }
    jobs_ctx x = {jobs, count, {0}};
    for (int j = 0; j < count; j++) {
        long grain = jobs[j].grain < 1 ? 1 : jobs[j].grain;
        long chunks = jobs[j].count > 0 ? (jobs[j].count + grain - 1) / grain : 0;
        x.first[j + 1] = x.first[j] + chunks;
    }
    ck_parallel_for(x.first[count], 1, jobs_chunk, &x);
}

// MARK: per-thread scratch

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

typedef struct {
    size_t bytes;
    void *data;
} scratch_t;

static void scratch_free(void *p) {
    scratch_t *s = p;
    free(s->data);
    free(s);
}

static void scratch_init(void) { pthread_key_create(&scratch_key, scratch_free); }

void *ck_scratch(size_t bytes) {
    pthread_once(&scratch_once, scratch_init);
    scratch_t *s = pthread_getspecific(scratch_key);
    if (!s) {
        s = calloc(1, sizeof(scratch_t));
        if (!s) abort();
        pthread_setspecific(scratch_key, s);
    }
    if (s->bytes < bytes) {
        free(s->data);
        // 64-byte aligned and at least 2 MB: enough for every kernel of the presets (attention
        // needs (hd + T)·T floats, 190 KB for ViT-B's decoder), so that after a thread's first
        // use it does not grow, whichever thread the pool hands a kernel's chunks to.
        size_t size = (bytes + 4095) & ~(size_t)4095;
        if (size < ((size_t)2 << 20)) size = (size_t)2 << 20;
        if (posix_memalign(&s->data, 64, size) != 0) abort();
        s->bytes = size;
    }
    return s->data;
}
