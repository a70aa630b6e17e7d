// Shims for the file calls Swift's Glibc module does not import (see CFileSync.h).
#define _GNU_SOURCE
#include "CFileSync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

int wb_start_writeback(int fd) {
#if defined(__linux__)
    return sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0 ? 0 : errno;
#else
    (void)fd;
    return ENOSYS;
#endif
}

#if defined(__linux__) && !defined(SYS_cachestat)
// Debian 12's headers predate the call; its number is 451 on x86-64 and in the generic table
// (arm64, riscv64...).
#define SYS_cachestat 451
#endif

int wb_page_counts(int fd, long long *cached, long long *dirty, long long *writeback) {
#if defined(__linux__)
    // The kernel's `struct cachestat_range` and `struct cachestat`, spelled out for the same
    // reason.
    struct { uint64_t off, len; } range = {0, 0};  // len 0: to the end of the file
    struct { uint64_t cache, dirty, writeback, evicted, recently_evicted; } stat;
    memset(&stat, 0, sizeof stat);
    if (syscall(SYS_cachestat, fd, &range, &stat, 0) != 0) return errno;
    *cached = (long long)stat.cache;
    *dirty = (long long)stat.dirty;
    *writeback = (long long)stat.writeback;
    return 0;
#else
    (void)fd; (void)cached; (void)dirty; (void)writeback;
    return ENOSYS;
#endif
}
