// The model's thread counts and their hand-over around a pass: OpenBLAS on one thread while any
// pass runs, the pool on the count the pass's thread asked for (see PassThreads.swift for why).
//
// A pass takes its count once, when it begins, and keeps it to its end, and a count set while
// passes run waits in `process_threads` for the last one to end. Another thread that sets a
// count (a trainer starting while the explorer reconstructs) therefore never changes a running
// pass: neither its pool threads, which could start workers mid-pass, nor OpenBLAS's, which
// would run BLAS threads inside pool threads and change the products' bits.
#include <pthread.h>
#include <stdatomic.h>
#include "pool.h"

void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

enum { MAX_THREADS = 64 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int active;                    // outermost passes running now, on any thread
static _Atomic int process_threads;   // 0 until first used: then OpenBLAS's count at start-up
static _Thread_local int thread_threads;  // this thread's own count; 0: the process's
static _Thread_local int depth;       // this thread's nested passes
_Thread_local int ck_pass_threads;

static int clamp(int n) { return n < 1 ? 1 : n > MAX_THREADS ? MAX_THREADS : n; }

// OpenBLAS reads OPENBLAS_NUM_THREADS (else the core count) when it loads: the process's default.
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void read_openblas(void) { atomic_store(&process_threads, clamp(openblas_get_num_threads())); }
static int process_count(void) {
    pthread_once(&once, read_openblas);
    return atomic_load(&process_threads);
}

int ck_process_threads(void) { return process_count(); }

void ck_set_process_threads(int n) {
    int count = clamp(n);
    process_count();  // the start-up read first, so that it can never replace `count`
    pthread_mutex_lock(&lock);
    atomic_store(&process_threads, count);
    // Outside passes OpenBLAS runs the products with threads of its own.
    if (active == 0) openblas_set_num_threads(count);
    pthread_mutex_unlock(&lock);
}

int ck_set_thread_threads(int n) {
    int previous = thread_threads;
    thread_threads = n < 1 ? 0 : clamp(n);
    return previous;
}

int ck_model_threads(void) { return thread_threads ? thread_threads : process_count(); }

void ck_pass_begin(void) {
    if (depth++ > 0) return;
    ck_pass_threads = ck_model_threads();
    pthread_mutex_lock(&lock);
    if (active++ == 0 && process_count() > 1) openblas_set_num_threads(1);
    pthread_mutex_unlock(&lock);
}

void ck_pass_end(void) {
    if (--depth > 0) return;
    ck_pass_threads = 0;
    pthread_mutex_lock(&lock);
    // Read under the lock: a count set meanwhile is the one OpenBLAS gets.
    int count = process_count();
    if (--active == 0 && count > 1) openblas_set_num_threads(count);
    pthread_mutex_unlock(&lock);
}
