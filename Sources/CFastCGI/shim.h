#ifndef CFASTCGI_SHIM_H
#define CFASTCGI_SHIM_H

// libfcgi's reentrant request API (FCGX_*) and the protocol constants, FCGI_LISTENSOCK_FILENO among them.
#include <fastcgi.h>
#include <fcgiapp.h>

// The event loop beside libfcgi needs epoll and eventfd, which Swift's Glibc module does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>

// Two GNU extensions, declared here rather than through <sys/socket.h> and <pthread.h> with _GNU_SOURCE:
// including those headers in this module makes their declarations clash with the Glibc module's in optimized
// builds. The types are glibc's on Linux (socklen_t is unsigned int, pthread_t unsigned long).
struct sockaddr;
extern int accept4(int sockfd, struct sockaddr *addr, unsigned int *addrlen, int flags);
extern int pthread_setname_np(unsigned long thread, const char *name);

// The status page's scoreboard is shared memory that every worker writes its own slot of and any worker reads:
// atomics on 64-bit words there (Swift's Atomic cannot be placed at an address in a mapping).
#include <stdint.h>
static inline uint64_t rh_atomic_load(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void rh_atomic_store(uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline uint64_t rh_atomic_add(uint64_t *p, uint64_t v) { return __atomic_add_fetch(p, v, __ATOMIC_ACQ_REL); }
static inline uint64_t rh_atomic_sub(uint64_t *p, uint64_t v) { return __atomic_sub_fetch(p, v, __ATOMIC_ACQ_REL); }
static inline int rh_atomic_cas(uint64_t *p, uint64_t expected, uint64_t desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static inline void rh_atomic_max(uint64_t *p, uint64_t v) {
    uint64_t current = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (current < v && !__atomic_compare_exchange_n(p, &current, v, 1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {}
}
extern int memfd_create(const char *name, unsigned int flags);

#endif
