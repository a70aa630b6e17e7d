#ifndef WAYBILL_CFILESYNC_H
#define WAYBILL_CFILESYNC_H

/// Starts writing back the dirty pages of the whole file open as `fd`, without waiting for them:
/// `sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE)` on Linux. Returns 0, or the `errno` of the
/// call (`ENOSYS` where there is no such call; callers treat any error as "not started", which
/// loses nothing: the next `fsync` writes the pages anyway).
///
/// Swift cannot see `sync_file_range`: glibc declares it only under `_GNU_SOURCE`, and the
/// `syscall` it could be reached through is variadic.
int wb_start_writeback(int fd);

/// Counts the pages of the file open as `fd` that are in the page cache, the ones of them that
/// are dirty (written, not yet sent to the disk) and the ones under writeback (sent, not yet
/// done), with Linux's `cachestat` call (6.5 on). Returns 0, or the `errno` of the call (`ENOSYS`
/// on older kernels and elsewhere). For tests and diagnostics: it shows what `wb_start_writeback`
/// and a drop of written pages did.
int wb_page_counts(int fd, long long *cached, long long *dirty, long long *writeback);

#endif
