//! Cancellation of in-flight requests.

use core::ffi::c_void;

use super::{ptr_to_u64, rw};
use crate::sys::*;

/// Cancel the request whose `user_data` is `user_data`. `flags`:
/// `IORING_ASYNC_CANCEL_*` (`ALL`, `ANY`, `FD`, ...).
#[doc(alias = "io_uring_prep_cancel64")]
#[inline]
pub fn cancel64(sqe: &mut io_uring_sqe, user_data: u64, flags: i32) {
    rw(IORING_OP_ASYNC_CANCEL, sqe, -1, 0, 0, 0);
    sqe.addr.addr = user_data;
    sqe.op_flags.cancel_flags = flags as u32;
}

/// [`cancel64`] with a pointer-valued `user_data` (as set by `io_uring_sqe_set_data`).
#[doc(alias = "io_uring_prep_cancel")]
#[inline]
pub fn cancel(sqe: &mut io_uring_sqe, user_data: *const c_void, flags: i32) {
    cancel64(sqe, ptr_to_u64(user_data), flags);
}

/// Cancel requests on file descriptor `fd` (`IORING_ASYNC_CANCEL_FD` is added).
#[doc(alias = "io_uring_prep_cancel_fd")]
#[inline]
pub fn cancel_fd(sqe: &mut io_uring_sqe, fd: i32, flags: u32) {
    rw(IORING_OP_ASYNC_CANCEL, sqe, fd, 0, 0, 0);
    sqe.op_flags.cancel_flags = flags | IORING_ASYNC_CANCEL_FD;
}
