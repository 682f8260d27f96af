#define _GNU_SOURCE
#include <malloc.h>
#include "CLinuxShims.h"
#include <sys/socket.h>
#include <string.h>
#include <time.h>

int CLinuxShims_epoll_create1(int flags) { return epoll_create1(flags); }

int CLinuxShims_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t data) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(epfd, op, fd, &ev);
}

int CLinuxShims_epoll_wait(int epfd, uint32_t *events, uint64_t *data, int maxevents, int timeout_ms) {
    struct epoll_event buf[256];
    if (maxevents > 256) maxevents = 256;
    int n = epoll_wait(epfd, buf, maxevents, timeout_ms);
    for (int i = 0; i < n; i++) {
        events[i] = buf[i].events;
        data[i] = buf[i].data.u64;
    }
    return n;
}

int CLinuxShims_eventfd(unsigned int initval, int flags) { return eventfd(initval, flags); }

int CLinuxShims_limit_malloc_arenas(int count) { return mallopt(M_ARENA_MAX, count); }

int CLinuxShims_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}

int CLinuxShims_block_signal(int signo) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    return pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int CLinuxShims_signalfd_for(int signo, int flags) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
    return signalfd(-1, &set, flags);
}

long CLinuxShims_raise_nofile_limit(void) {
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) return -1;
    return (long)lim.rlim_cur;
}

int CLinuxShims_set_thread_name(const char *name) { return pthread_setname_np(pthread_self(), name); }

#include <sys/random.h>

long CLinuxShims_getrandom(void *buffer, unsigned long length) { return (long)getrandom(buffer, length, 0); }
