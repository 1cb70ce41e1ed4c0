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

#endif
