// Replacement allocation functions that count the calling thread's calls while it asks to, then
// defer to glibc's implementation. See CAllocationCounter.h.
#include "CAllocationCounter.h"

// Under a sanitizer its own allocator must be the process's: it intercepts malloc while it
// starts, and a replacement here would be called before the sanitizer is ready.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define MAEX_SANITIZED 1
#endif
#endif

int allocation_counter_is_sanitized(void) {
#ifdef MAEX_SANITIZED
    return 1;
#else
    return 0;
#endif
}

#if defined(__linux__) && defined(__GLIBC__) && !defined(MAEX_SANITIZED)
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

// Initial-exec TLS: no allocation and no lazy set-up on first touch, which could recurse here.
static __thread int counting __attribute__((tls_model("initial-exec")));
static __thread int64_t count __attribute__((tls_model("initial-exec")));
static int active;

static inline void note(void) {
    if (counting) count += 1;
}

void *malloc(size_t size) {
    note();
    active = 1;
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
    note();
    return __libc_calloc(n, size);
}

void *realloc(void *pointer, size_t size) {
    note();
    return __libc_realloc(pointer, size);
}

void *memalign(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    note();
    return __libc_memalign(alignment, size);
}

int posix_memalign(void **out, size_t alignment, size_t size) {
    note();
    if (alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    void *p = __libc_memalign(alignment, size);
    if (!p && size != 0) return ENOMEM;
    *out = p;
    return 0;
}

void *valloc(size_t size) {
    note();
    return __libc_valloc(size);
}

void *pvalloc(size_t size) {
    note();
    return __libc_pvalloc(size);
}

void allocation_counter_start(void) {
    count = 0;
    counting = 1;
}

int64_t allocation_counter_stop(void) {
    counting = 0;
    return count;
}

int allocation_counter_is_active(void) { return active; }

#else

void allocation_counter_start(void) {}
int64_t allocation_counter_stop(void) { return 0; }
int allocation_counter_is_active(void) { return 0; }

#endif
