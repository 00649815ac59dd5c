//! File and filesystem operations: sync, allocate, open/close, stat, advise, path
//! operations, truncate, pipes and direct-descriptor installs.

use core::ffi::{c_char, c_void};

use libc::{open_how, AT_FDCWD};

use super::{ptr_to_u64, rw, set_direct_slot, set_target_fixed_file};
use crate::sys::*;

/// `fsync(2)` (`IORING_FSYNC_DATASYNC` in `fsync_flags` makes it `fdatasync`).
#[doc(alias = "io_uring_prep_fsync")]
#[inline]
pub fn fsync(sqe: &mut io_uring_sqe, fd: i32, fsync_flags: u32) {
    rw(IORING_OP_FSYNC, sqe, fd, 0, 0, 0);
    sqe.op_flags.fsync_flags = fsync_flags;
}

/// `sync_file_range(2)` over `[offset, offset + len)`.
#[doc(alias = "io_uring_prep_sync_file_range")]
#[inline]
pub fn sync_file_range(sqe: &mut io_uring_sqe, fd: i32, len: u32, offset: u64, flags: i32) {
    rw(IORING_OP_SYNC_FILE_RANGE, sqe, fd, 0, len, offset);
    sqe.op_flags.sync_range_flags = flags as u32;
}

/// `fallocate(2)`. The kernel takes the length in `addr` and the mode in `len`.
#[doc(alias = "io_uring_prep_fallocate")]
#[inline]
pub fn fallocate(sqe: &mut io_uring_sqe, fd: i32, mode: i32, offset: u64, len: u64) {
    rw(IORING_OP_FALLOCATE, sqe, fd, 0, mode as u32, offset);
    sqe.addr.addr = len;
}

/// `openat(2)`: `path` relative to `dfd`; the mode goes in `len`, the flags in
/// `open_flags`.
#[doc(alias = "io_uring_prep_openat")]
#[inline]
pub fn openat(sqe: &mut io_uring_sqe, dfd: i32, path: *const c_char, flags: i32, mode: u32) {
    rw(IORING_OP_OPENAT, sqe, dfd, ptr_to_u64(path), mode, 0);
    sqe.op_flags.open_flags = flags as u32;
}

/// [`openat`] into direct-descriptor slot `file_index` (`IORING_FILE_INDEX_ALLOC`: the
/// kernel picks a free slot and returns it).
#[doc(alias = "io_uring_prep_openat_direct")]
#[inline]
pub fn openat_direct(sqe: &mut io_uring_sqe, dfd: i32, path: *const c_char, flags: i32, mode: u32, file_index: u32) {
    openat(sqe, dfd, path, flags, mode);
    set_direct_slot(sqe, file_index);
}

/// [`openat`] relative to the current directory (`AT_FDCWD`).
#[doc(alias = "io_uring_prep_open")]
#[inline]
pub fn open(sqe: &mut io_uring_sqe, path: *const c_char, flags: i32, mode: u32) {
    openat(sqe, AT_FDCWD, path, flags, mode);
}

/// [`openat_direct`] relative to the current directory (`AT_FDCWD`).
#[doc(alias = "io_uring_prep_open_direct")]
#[inline]
pub fn open_direct(sqe: &mut io_uring_sqe, path: *const c_char, flags: i32, mode: u32, file_index: u32) {
    openat_direct(sqe, AT_FDCWD, path, flags, mode, file_index);
}

/// `openat2(2)`: `how` is a `struct open_how` (24 bytes, its size goes in `len`).
#[doc(alias = "io_uring_prep_openat2")]
#[inline]
pub fn openat2(sqe: &mut io_uring_sqe, dfd: i32, path: *const c_char, how: *const open_how) {
    let how_size = core::mem::size_of::<open_how>() as u32;
    rw(IORING_OP_OPENAT2, sqe, dfd, ptr_to_u64(path), how_size, ptr_to_u64(how));
}

/// [`openat2`] into direct-descriptor slot `file_index`.
#[doc(alias = "io_uring_prep_openat2_direct")]
#[inline]
pub fn openat2_direct(sqe: &mut io_uring_sqe, dfd: i32, path: *const c_char, how: *const open_how, file_index: u32) {
    openat2(sqe, dfd, path, how);
    set_direct_slot(sqe, file_index);
}

/// `close(2)`.
#[doc(alias = "io_uring_prep_close")]
#[inline]
pub fn close(sqe: &mut io_uring_sqe, fd: i32) {
    rw(IORING_OP_CLOSE, sqe, fd, 0, 0, 0);
}

/// Close direct-descriptor slot `file_index` (stored as `file_index + 1`; there is no
/// "allocate" meaning here, so `IORING_FILE_INDEX_ALLOC` is not special).
#[doc(alias = "io_uring_prep_close_direct")]
#[inline]
pub fn close_direct(sqe: &mut io_uring_sqe, file_index: u32) {
    close(sqe, 0);
    set_target_fixed_file(sqe, file_index);
}

/// `statx(2)`: the mask goes in `len`, the result buffer in `off`.
#[doc(alias = "io_uring_prep_statx")]
#[inline]
pub fn statx(sqe: &mut io_uring_sqe, dfd: i32, path: *const c_char, flags: i32, mask: u32, statxbuf: *mut libc::statx) {
    rw(IORING_OP_STATX, sqe, dfd, ptr_to_u64(path), mask, ptr_to_u64(statxbuf));
    sqe.op_flags.statx_flags = flags as u32;
}

/// `posix_fadvise(2)` with a 32-bit length.
#[doc(alias = "io_uring_prep_fadvise")]
#[inline]
pub fn fadvise(sqe: &mut io_uring_sqe, fd: i32, offset: u64, len: u32, advice: i32) {
    rw(IORING_OP_FADVISE, sqe, fd, 0, len, offset);
    sqe.op_flags.fadvise_advice = advice as u32;
}

/// `posix_fadvise(2)` with a 64-bit length (stored in `addr`, `len` 0).
#[doc(alias = "io_uring_prep_fadvise64")]
#[inline]
pub fn fadvise64(sqe: &mut io_uring_sqe, fd: i32, offset: u64, len: i64, advice: i32) {
    rw(IORING_OP_FADVISE, sqe, fd, 0, 0, offset);
    sqe.addr.addr = len as u64;
    sqe.op_flags.fadvise_advice = advice as u32;
}

/// `madvise(2)` with a 32-bit length.
#[doc(alias = "io_uring_prep_madvise")]
#[inline]
pub fn madvise(sqe: &mut io_uring_sqe, addr: *mut c_void, length: u32, advice: i32) {
    rw(IORING_OP_MADVISE, sqe, -1, ptr_to_u64(addr), length, 0);
    sqe.op_flags.fadvise_advice = advice as u32;
}

/// `madvise(2)` with a 64-bit length (stored in `off`, `len` 0).
#[doc(alias = "io_uring_prep_madvise64")]
#[inline]
pub fn madvise64(sqe: &mut io_uring_sqe, addr: *mut c_void, length: i64, advice: i32) {
    rw(IORING_OP_MADVISE, sqe, -1, ptr_to_u64(addr), 0, length as u64);
    sqe.op_flags.fadvise_advice = advice as u32;
}

/// `unlinkat(2)` (`AT_REMOVEDIR` in `flags` removes a directory).
#[doc(alias = "io_uring_prep_unlinkat")]
#[inline]
pub fn unlinkat(sqe: &mut io_uring_sqe, dfd: i32, path: *const c_char, flags: i32) {
    rw(IORING_OP_UNLINKAT, sqe, dfd, ptr_to_u64(path), 0, 0);
    sqe.op_flags.unlink_flags = flags as u32;
}

/// [`unlinkat`] relative to the current directory.
#[doc(alias = "io_uring_prep_unlink")]
#[inline]
pub fn unlink(sqe: &mut io_uring_sqe, path: *const c_char, flags: i32) {
    unlinkat(sqe, AT_FDCWD, path, flags);
}

/// `renameat2(2)`: the new directory fd goes in `len`, the new path in `off`.
#[doc(alias = "io_uring_prep_renameat")]
#[inline]
pub fn renameat(
    sqe: &mut io_uring_sqe,
    olddfd: i32,
    oldpath: *const c_char,
    newdfd: i32,
    newpath: *const c_char,
    flags: u32,
) {
    rw(
        IORING_OP_RENAMEAT,
        sqe,
        olddfd,
        ptr_to_u64(oldpath),
        newdfd as u32,
        ptr_to_u64(newpath),
    );
    sqe.op_flags.rename_flags = flags;
}

/// [`renameat`] with both paths relative to the current directory and no flags.
#[doc(alias = "io_uring_prep_rename")]
#[inline]
pub fn rename(sqe: &mut io_uring_sqe, oldpath: *const c_char, newpath: *const c_char) {
    renameat(sqe, AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

/// `mkdirat(2)`.
#[doc(alias = "io_uring_prep_mkdirat")]
#[inline]
pub fn mkdirat(sqe: &mut io_uring_sqe, dfd: i32, path: *const c_char, mode: u32) {
    rw(IORING_OP_MKDIRAT, sqe, dfd, ptr_to_u64(path), mode, 0);
}

/// [`mkdirat`] relative to the current directory.
#[doc(alias = "io_uring_prep_mkdir")]
#[inline]
pub fn mkdir(sqe: &mut io_uring_sqe, path: *const c_char, mode: u32) {
    mkdirat(sqe, AT_FDCWD, path, mode);
}

/// `symlinkat(2)`: create `linkpath` (relative to `newdirfd`) pointing at `target`.
#[doc(alias = "io_uring_prep_symlinkat")]
#[inline]
pub fn symlinkat(sqe: &mut io_uring_sqe, target: *const c_char, newdirfd: i32, linkpath: *const c_char) {
    rw(
        IORING_OP_SYMLINKAT,
        sqe,
        newdirfd,
        ptr_to_u64(target),
        0,
        ptr_to_u64(linkpath),
    );
}

/// [`symlinkat`] relative to the current directory.
#[doc(alias = "io_uring_prep_symlink")]
#[inline]
pub fn symlink(sqe: &mut io_uring_sqe, target: *const c_char, linkpath: *const c_char) {
    symlinkat(sqe, target, AT_FDCWD, linkpath);
}

/// `linkat(2)`: the new directory fd goes in `len`, the new path in `off`.
#[doc(alias = "io_uring_prep_linkat")]
#[inline]
pub fn linkat(
    sqe: &mut io_uring_sqe,
    olddfd: i32,
    oldpath: *const c_char,
    newdfd: i32,
    newpath: *const c_char,
    flags: i32,
) {
    rw(
        IORING_OP_LINKAT,
        sqe,
        olddfd,
        ptr_to_u64(oldpath),
        newdfd as u32,
        ptr_to_u64(newpath),
    );
    sqe.op_flags.hardlink_flags = flags as u32;
}

/// [`linkat`] with both paths relative to the current directory.
#[doc(alias = "io_uring_prep_link")]
#[inline]
pub fn link(sqe: &mut io_uring_sqe, oldpath: *const c_char, newpath: *const c_char, flags: i32) {
    linkat(sqe, AT_FDCWD, oldpath, AT_FDCWD, newpath, flags);
}

/// `ftruncate(2)` to `len` bytes (stored in `off`).
#[doc(alias = "io_uring_prep_ftruncate")]
#[inline]
pub fn ftruncate(sqe: &mut io_uring_sqe, fd: i32, len: i64) {
    rw(IORING_OP_FTRUNCATE, sqe, fd, 0, 0, len as u64);
}

/// Update `nr_fds` registered-file slots starting at `offset` with the fds in `fds`
/// (the async form of `io_uring_register_files_update`).
#[doc(alias = "io_uring_prep_files_update")]
#[inline]
pub fn files_update(sqe: &mut io_uring_sqe, fds: *mut i32, nr_fds: u32, offset: i32) {
    rw(IORING_OP_FILES_UPDATE, sqe, -1, ptr_to_u64(fds), nr_fds, offset as u64);
}

/// Install direct descriptor `fd` as a regular file descriptor. Sets `sqe.flags` to
/// exactly `IOSQE_FIXED_FILE` (an assignment, as liburing does).
#[doc(alias = "io_uring_prep_fixed_fd_install")]
#[inline]
pub fn fixed_fd_install(sqe: &mut io_uring_sqe, fd: i32, flags: u32) {
    rw(IORING_OP_FIXED_FD_INSTALL, sqe, fd, 0, 0, 0);
    sqe.flags = IOSQE_FIXED_FILE;
    sqe.op_flags.install_fd_flags = flags;
}

/// `pipe2(2)`: the two new fds are written to `fds[0]` and `fds[1]`.
#[doc(alias = "io_uring_prep_pipe")]
#[inline]
pub fn pipe(sqe: &mut io_uring_sqe, fds: *mut i32, pipe_flags: i32) {
    rw(IORING_OP_PIPE, sqe, 0, ptr_to_u64(fds), 0, 0);
    sqe.op_flags.pipe_flags = pipe_flags as u32;
}

/// [`pipe`] creating direct descriptors, starting at slot `file_index`
/// (`IORING_FILE_INDEX_ALLOC`: the kernel picks the slots).
#[doc(alias = "io_uring_prep_pipe_direct")]
#[inline]
pub fn pipe_direct(sqe: &mut io_uring_sqe, fds: *mut i32, pipe_flags: i32, file_index: u32) {
    pipe(sqe, fds, pipe_flags);
    set_direct_slot(sqe, file_index);
}
