// Counts heap allocations made by the calling thread, for tests that a code path allocates
// nothing. Linked into the test executable, this library's malloc, calloc, realloc,
// posix_memalign, aligned_alloc, memalign, valloc and pvalloc replace glibc's for the whole
// process (the executable's definitions come first in symbol lookup, also for the Swift runtime
// and Foundation) and hand every call on to glibc's own implementation (__libc_malloc, …).
// Only the calling thread's allocations are counted, so tests running in parallel on other
// threads do not disturb a count.
#ifndef MAEX_ALLOCATION_COUNTER_H
#define MAEX_ALLOCATION_COUNTER_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// Starts counting this thread's allocations from zero.
void allocation_counter_start(void);
// Stops counting and returns the number of allocation calls this thread made since the start.
int64_t allocation_counter_stop(void);
// Whether the replacement functions are the ones the process calls (0 on a platform where they
// are not built, where counts would be meaningless).
int allocation_counter_is_active(void);
// Whether this build runs under a sanitizer, which keeps malloc: the counter is off then.
int allocation_counter_is_sanitized(void);

#ifdef __cplusplus
}
#endif
#endif
