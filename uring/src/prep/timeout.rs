//! Timeouts.

use super::{ptr_to_u64, rw};
use crate::sys::*;

/// A timeout: completes with `-ETIME` after `ts`, or with 0 once `count` other
/// completions have been posted (0 = time only). `flags`: `IORING_TIMEOUT_*`.
#[doc(alias = "io_uring_prep_timeout")]
#[inline]
pub fn timeout(sqe: &mut io_uring_sqe, ts: *const __kernel_timespec, count: u32, flags: u32) {
    rw(IORING_OP_TIMEOUT, sqe, -1, ptr_to_u64(ts), 1, u64::from(count));
    sqe.op_flags.timeout_flags = flags;
}

/// Cancel the timeout whose `user_data` is `user_data`.
#[doc(alias = "io_uring_prep_timeout_remove")]
#[inline]
pub fn timeout_remove(sqe: &mut io_uring_sqe, user_data: u64, flags: u32) {
    rw(IORING_OP_TIMEOUT_REMOVE, sqe, -1, 0, 0, 0);
    sqe.addr.addr = user_data;
    sqe.op_flags.timeout_flags = flags;
}

/// Re-arm the timeout whose `user_data` is `user_data` with `ts`
/// (`IORING_TIMEOUT_UPDATE` is added to `flags`).
#[doc(alias = "io_uring_prep_timeout_update")]
#[inline]
pub fn timeout_update(sqe: &mut io_uring_sqe, ts: *const __kernel_timespec, user_data: u64, flags: u32) {
    rw(IORING_OP_TIMEOUT_REMOVE, sqe, -1, 0, 0, ptr_to_u64(ts));
    sqe.addr.addr = user_data;
    sqe.op_flags.timeout_flags = flags | IORING_TIMEOUT_UPDATE;
}

/// A timeout for the previous SQE in a link chain (`IOSQE_IO_LINK`).
#[doc(alias = "io_uring_prep_link_timeout")]
#[inline]
pub fn link_timeout(sqe: &mut io_uring_sqe, ts: *const __kernel_timespec, flags: u32) {
    rw(IORING_OP_LINK_TIMEOUT, sqe, -1, ptr_to_u64(ts), 1, 0);
    sqe.op_flags.timeout_flags = flags;
}
