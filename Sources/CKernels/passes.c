// The thread hand-over around a model pass: OpenBLAS on one thread, the pool on the threads the
// process asked OpenBLAS for (see PassThreads.swift for why).
#include <pthread.h>
#include "CKernels.h"

void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int active;   // passes running now, on any thread
static int wanted = 1;

void ck_pass_begin(void) {
    pthread_mutex_lock(&lock);
    if (active == 0) {
        wanted = openblas_get_num_threads();
        if (wanted > 1) openblas_set_num_threads(1);
    }
    active += 1;
    int n = wanted;
    pthread_mutex_unlock(&lock);
    ck_set_threads(n);
}

void ck_pass_end(void) {
    pthread_mutex_lock(&lock);
    active -= 1;
    // The last pass out gives OpenBLAS its count back, unless someone set it meanwhile.
    if (active == 0 && wanted > 1 && openblas_get_num_threads() == 1) openblas_set_num_threads(wanted);
    pthread_mutex_unlock(&lock);
}
