#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H

// The event loop needs epoll and eventfd, which Swift's Glibc module does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>

// Two GNU extensions, declared here rather than through <sys/socket.h> and <pthread.h> with _GNU_SOURCE:
// including those headers in this module makes their declarations clash with the Glibc module's in optimized
// builds. The types are glibc's on Linux (socklen_t is unsigned int, pthread_t unsigned long).
struct sockaddr;
extern int accept4(int sockfd, struct sockaddr *addr, unsigned int *addrlen, int flags);
extern int pthread_setname_np(unsigned long thread, const char *name);

// The status page's scoreboard is shared memory that every worker writes its own slot of and any worker reads:
// atomics on 64-bit words there (Swift's Atomic cannot be placed at an address in a mapping). No <stdint.h>:
// unsigned long long is Swift's UInt64, and no header here may clash with the Glibc module.
static inline unsigned long long rh_atomic_load(const unsigned long long *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void rh_atomic_store(unsigned long long *p, unsigned long long v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline unsigned long long rh_atomic_add(unsigned long long *p, unsigned long long v) { return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL); }
static inline unsigned long long rh_atomic_sub(unsigned long long *p, unsigned long long v) { return __atomic_sub_fetch(p, v, __ATOMIC_ACQ_REL); }
static inline int rh_atomic_cas(unsigned long long *p, unsigned long long expected, unsigned long long desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static inline void rh_atomic_max(unsigned long long *p, unsigned long long v) {
    unsigned long long current = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (current < v && !__atomic_compare_exchange_n(p, &current, v, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {}
}
extern int memfd_create(const char *name, unsigned int flags);

// The slow log's backtraces: glibc's <execinfo.h> and the first real-time signal, declared (not included) for
// the same reason as above.
extern int backtrace(void **buffer, int size);
extern char **backtrace_symbols(void *const *buffer, int size);
extern int __libc_current_sigrtmin(void);

#endif
