#ifndef CFASTCGI_SHIM_H
#define CFASTCGI_SHIM_H

#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// The event loop beside libfcgi uses two GNU extensions that <sys/socket.h> and <pthread.h> declare only under
// _GNU_SOURCE. Defining that here would make these headers disagree with the ones Swift's Glibc and Dispatch
// modules were built from, so the two prototypes are declared instead.
extern int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags);
extern int pthread_setname_np(pthread_t thread, const char *name);

// libfcgi's reentrant request API (FCGX_*) and the protocol constants, FCGI_LISTENSOCK_FILENO among them.
#include <fastcgi.h>
#include <fcgiapp.h>

#endif
