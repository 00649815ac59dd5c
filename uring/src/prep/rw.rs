//! Reads, writes, splice/tee and no-ops.

use core::ffi::c_void;

use libc::iovec;

use super::{ptr_to_u64, rw};
use crate::sys::*;

/// A no-op: completes with result 0 (`fd` -1, everything else 0).
#[doc(alias = "io_uring_prep_nop")]
#[inline]
pub fn nop(sqe: &mut io_uring_sqe) {
    rw(IORING_OP_NOP, sqe, -1, 0, 0, 0);
}

/// A no-op in a 128-byte SQE slot (`IORING_OP_NOP128`, for `IORING_SETUP_SQE_MIXED`
/// rings). Writes only the first 64 bytes.
#[doc(alias = "io_uring_prep_nop128")]
#[inline]
pub fn nop128(sqe: &mut io_uring_sqe) {
    rw(IORING_OP_NOP128, sqe, -1, 0, 0, 0);
}

/// `read(2)`/`pread(2)`: read `nbytes` from `fd` at `offset` (-1 = current position)
/// into `buf`.
#[doc(alias = "io_uring_prep_read")]
#[inline]
pub fn read(sqe: &mut io_uring_sqe, fd: i32, buf: *mut c_void, nbytes: u32, offset: u64) {
    rw(IORING_OP_READ, sqe, fd, ptr_to_u64(buf), nbytes, offset);
}

/// `write(2)`/`pwrite(2)`: write `nbytes` from `buf` to `fd` at `offset`.
#[doc(alias = "io_uring_prep_write")]
#[inline]
pub fn write(sqe: &mut io_uring_sqe, fd: i32, buf: *const c_void, nbytes: u32, offset: u64) {
    rw(IORING_OP_WRITE, sqe, fd, ptr_to_u64(buf), nbytes, offset);
}

/// `preadv(2)`: scatter read into `nr_vecs` iovecs.
#[doc(alias = "io_uring_prep_readv")]
#[inline]
pub fn readv(sqe: &mut io_uring_sqe, fd: i32, iovecs: *const iovec, nr_vecs: u32, offset: u64) {
    rw(IORING_OP_READV, sqe, fd, ptr_to_u64(iovecs), nr_vecs, offset);
}

/// `preadv2(2)`: [`readv`] plus `RWF_*` flags in `rw_flags`.
#[doc(alias = "io_uring_prep_readv2")]
#[inline]
pub fn readv2(sqe: &mut io_uring_sqe, fd: i32, iovecs: *const iovec, nr_vecs: u32, offset: u64, flags: i32) {
    readv(sqe, fd, iovecs, nr_vecs, offset);
    sqe.op_flags.rw_flags = flags;
}

/// `pwritev(2)`: gather write from `nr_vecs` iovecs.
#[doc(alias = "io_uring_prep_writev")]
#[inline]
pub fn writev(sqe: &mut io_uring_sqe, fd: i32, iovecs: *const iovec, nr_vecs: u32, offset: u64) {
    rw(IORING_OP_WRITEV, sqe, fd, ptr_to_u64(iovecs), nr_vecs, offset);
}

/// `pwritev2(2)`: [`writev`] plus `RWF_*` flags in `rw_flags`.
#[doc(alias = "io_uring_prep_writev2")]
#[inline]
pub fn writev2(sqe: &mut io_uring_sqe, fd: i32, iovecs: *const iovec, nr_vecs: u32, offset: u64, flags: i32) {
    writev(sqe, fd, iovecs, nr_vecs, offset);
    sqe.op_flags.rw_flags = flags;
}

/// Read into a registered buffer: `buf` must lie inside registered buffer `buf_index`.
#[doc(alias = "io_uring_prep_read_fixed")]
#[inline]
pub fn read_fixed(sqe: &mut io_uring_sqe, fd: i32, buf: *mut c_void, nbytes: u32, offset: u64, buf_index: i32) {
    rw(IORING_OP_READ_FIXED, sqe, fd, ptr_to_u64(buf), nbytes, offset);
    sqe.buf.buf_index = buf_index as u16;
}

/// Write from a registered buffer: `buf` must lie inside registered buffer `buf_index`.
#[doc(alias = "io_uring_prep_write_fixed")]
#[inline]
pub fn write_fixed(sqe: &mut io_uring_sqe, fd: i32, buf: *const c_void, nbytes: u32, offset: u64, buf_index: i32) {
    rw(IORING_OP_WRITE_FIXED, sqe, fd, ptr_to_u64(buf), nbytes, offset);
    sqe.buf.buf_index = buf_index as u16;
}

/// Vectored read whose iovecs point into registered buffer `buf_index`.
#[doc(alias = "io_uring_prep_readv_fixed")]
#[inline]
pub fn readv_fixed(
    sqe: &mut io_uring_sqe,
    fd: i32,
    iovecs: *const iovec,
    nr_vecs: u32,
    offset: u64,
    flags: i32,
    buf_index: i32,
) {
    rw(IORING_OP_READV_FIXED, sqe, fd, ptr_to_u64(iovecs), nr_vecs, offset);
    sqe.op_flags.rw_flags = flags;
    sqe.buf.buf_index = buf_index as u16;
}

/// Vectored write whose iovecs point into registered buffer `buf_index`.
#[doc(alias = "io_uring_prep_writev_fixed")]
#[inline]
pub fn writev_fixed(
    sqe: &mut io_uring_sqe,
    fd: i32,
    iovecs: *const iovec,
    nr_vecs: u32,
    offset: u64,
    flags: i32,
    buf_index: i32,
) {
    rw(IORING_OP_WRITEV_FIXED, sqe, fd, ptr_to_u64(iovecs), nr_vecs, offset);
    sqe.op_flags.rw_flags = flags;
    sqe.buf.buf_index = buf_index as u16;
}

/// Multishot read: one CQE per chunk, each into a buffer picked from provided-buffer
/// group `buf_group`. Sets `sqe.flags` to exactly `IOSQE_BUFFER_SELECT` (an assignment,
/// as liburing does: add other SQE flags afterwards).
#[doc(alias = "io_uring_prep_read_multishot")]
#[inline]
pub fn read_multishot(sqe: &mut io_uring_sqe, fd: i32, nbytes: u32, offset: u64, buf_group: i32) {
    rw(IORING_OP_READ_MULTISHOT, sqe, fd, 0, nbytes, offset);
    sqe.buf.buf_group = buf_group as u16;
    sqe.flags = IOSQE_BUFFER_SELECT;
}

/// `splice(2)`: move `nbytes` from `fd_in` (at `off_in`, -1 = none) to `fd_out` (at
/// `off_out`). `SPLICE_F_FD_IN_FIXED` in `splice_flags` makes `fd_in` a registered file.
#[doc(alias = "io_uring_prep_splice")]
#[inline]
pub fn splice(
    sqe: &mut io_uring_sqe,
    fd_in: i32,
    off_in: i64,
    fd_out: i32,
    off_out: i64,
    nbytes: u32,
    splice_flags: u32,
) {
    rw(IORING_OP_SPLICE, sqe, fd_out, 0, nbytes, off_out as u64);
    sqe.addr.splice_off_in = off_in as u64;
    sqe.file.splice_fd_in = fd_in;
    sqe.op_flags.splice_flags = splice_flags;
}

/// `tee(2)`: duplicate `nbytes` from pipe `fd_in` into pipe `fd_out`.
#[doc(alias = "io_uring_prep_tee")]
#[inline]
pub fn tee(sqe: &mut io_uring_sqe, fd_in: i32, fd_out: i32, nbytes: u32, splice_flags: u32) {
    rw(IORING_OP_TEE, sqe, fd_out, 0, nbytes, 0);
    sqe.addr.splice_off_in = 0;
    sqe.file.splice_fd_in = fd_in;
    sqe.op_flags.splice_flags = splice_flags;
}
