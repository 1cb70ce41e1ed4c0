// Counts heap allocations by interposing glibc's allocation functions: an executable's definitions win over
// libc's for every library in the process, and each one forwards to glibc's own implementation.
#include "CMallocCounter.h"

#if defined(__linux__)
#include <features.h>  // defines __GLIBC__
#endif

#if defined(__linux__) && defined(__GLIBC__)
#include <stddef.h>
#include <stdatomic.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static _Atomic unsigned long long counter;

static inline void count(void) { atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed); }

void *malloc(size_t size) { count(); return __libc_malloc(size); }
void *calloc(size_t count_, size_t size) { count(); return __libc_calloc(count_, size); }
void *realloc(void *pointer, size_t size) { count(); return __libc_realloc(pointer, size); }
void *aligned_alloc(size_t alignment, size_t size) { count(); return __libc_memalign(alignment, size); }
void *memalign(size_t alignment, size_t size) { count(); return __libc_memalign(alignment, size); }
int posix_memalign(void **result, size_t alignment, size_t size) {
    count();
    void *pointer = __libc_memalign(alignment, size);
    if (!pointer) return 12; // ENOMEM
    *result = pointer;
    return 0;
}

// Referenced from malloc_counter_read so that release builds, which drop unreferenced sections, keep them.
static void *volatile keep[] = {(void *)malloc, (void *)calloc, (void *)realloc, (void *)aligned_alloc,
                                (void *)memalign, (void *)posix_memalign};

unsigned long long malloc_counter_read(void) {
    (void)keep[0];
    return atomic_load_explicit(&counter, memory_order_relaxed);
}
#else
unsigned long long malloc_counter_read(void) { return 0; }
#endif
