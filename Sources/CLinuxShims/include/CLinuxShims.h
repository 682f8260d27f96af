// Linux syscalls Glibc's Swift module does not export (epoll, eventfd, signalfd, accept4),
// re-exported with plain types so Swift can call them.
#ifndef CLINUXSHIMS_H
#define CLINUXSHIMS_H

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <signal.h>
#include <pthread.h>

// epoll event bits: glibc defines them as enum + macro; give Swift stable uint32 values.
static const uint32_t CLinuxShims_EPOLLIN = EPOLLIN;
static const uint32_t CLinuxShims_EPOLLOUT = EPOLLOUT;
static const uint32_t CLinuxShims_EPOLLERR = EPOLLERR;
static const uint32_t CLinuxShims_EPOLLHUP = EPOLLHUP;
static const uint32_t CLinuxShims_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t CLinuxShims_EPOLLET = EPOLLET;
static const uint32_t CLinuxShims_EPOLLONESHOT = EPOLLONESHOT;
static const int CLinuxShims_EPOLL_CLOEXEC = EPOLL_CLOEXEC;
static const int CLinuxShims_EFD_NONBLOCK = EFD_NONBLOCK;
static const int CLinuxShims_EFD_CLOEXEC = EFD_CLOEXEC;
static const int CLinuxShims_SFD_NONBLOCK = SFD_NONBLOCK;
static const int CLinuxShims_SFD_CLOEXEC = SFD_CLOEXEC;
static const int CLinuxShims_SOCK_NONBLOCK = SOCK_NONBLOCK;
static const int CLinuxShims_SOCK_CLOEXEC = SOCK_CLOEXEC;

int CLinuxShims_epoll_create1(int flags);
int CLinuxShims_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data);
// Waits for events; fills parallel arrays so Swift does not need the packed epoll_event layout.
int CLinuxShims_epoll_wait(int epfd, uint32_t *events, uint64_t *data, int maxevents, int timeout_ms);

int CLinuxShims_eventfd(unsigned int initval, int flags);

// mallopt(M_ARENA_MAX, count): <malloc.h> is not part of Swift's Glibc module. Returns 1 on success.
int CLinuxShims_limit_malloc_arenas(int count);

// getrandom(2) from <sys/random.h>, which Swift's Glibc module does not export.
long CLinuxShims_getrandom(void *buffer, unsigned long length);

// accept4 needs _GNU_SOURCE, set in the .c file.
int CLinuxShims_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);

// Blocks `signo` for the calling thread and returns a signalfd for it (or -1).
int CLinuxShims_signalfd_for(int signo, int flags);
// Blocks the signal in the calling thread (call before threads are created so all inherit it).
int CLinuxShims_block_signal(int signo);

// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit or -1.
long CLinuxShims_raise_nofile_limit(void);

// pthread_setname_np needs _GNU_SOURCE (set in the .c file): names event-loop threads in stack traces.
int CLinuxShims_set_thread_name(const char *name);

#endif
