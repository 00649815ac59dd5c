//! Poll and epoll.

use libc::epoll_event;

use super::{ptr_to_u64, rw};
use crate::sys::*;

/// `poll_mask` as the SQE's `poll32_events` field holds it. The kernel reads that word
/// as two 16-bit halves in little-endian order; on a big-endian CPU the halves are
/// swapped so that the mask arrives intact.
///
/// liburing's header-local `__io_uring_prep_poll_mask`; the poll preparers use it.
#[doc(alias = "__io_uring_prep_poll_mask")]
#[inline]
pub fn poll_mask(poll_mask: u32) -> u32 {
    if cfg!(target_endian = "big") {
        poll_mask.rotate_left(16)
    } else {
        poll_mask
    }
}

/// One-shot poll for `poll_mask` (`POLLIN`, ...) on `fd`; the CQE result is the
/// ready mask.
#[doc(alias = "io_uring_prep_poll_add")]
#[inline]
pub fn poll_add(sqe: &mut io_uring_sqe, fd: i32, poll_mask: u32) {
    rw(IORING_OP_POLL_ADD, sqe, fd, 0, 0, 0);
    sqe.op_flags.poll32_events = self::poll_mask(poll_mask);
}

/// Multishot poll: a CQE (with `IORING_CQE_F_MORE`) each time `fd` becomes ready.
#[doc(alias = "io_uring_prep_poll_multishot")]
#[inline]
pub fn poll_multishot(sqe: &mut io_uring_sqe, fd: i32, poll_mask: u32) {
    poll_add(sqe, fd, poll_mask);
    sqe.len = IORING_POLL_ADD_MULTI;
}

/// Remove the poll request whose `user_data` is `user_data`.
#[doc(alias = "io_uring_prep_poll_remove")]
#[inline]
pub fn poll_remove(sqe: &mut io_uring_sqe, user_data: u64) {
    rw(IORING_OP_POLL_REMOVE, sqe, -1, 0, 0, 0);
    sqe.addr.addr = user_data;
}

/// Update a poll request: `flags` (`IORING_POLL_UPDATE_EVENTS`,
/// `IORING_POLL_UPDATE_USER_DATA`, `IORING_POLL_ADD_MULTI`) say which of `poll_mask`
/// and `new_user_data` apply.
#[doc(alias = "io_uring_prep_poll_update")]
#[inline]
pub fn poll_update(sqe: &mut io_uring_sqe, old_user_data: u64, new_user_data: u64, poll_mask: u32, flags: u32) {
    rw(IORING_OP_POLL_REMOVE, sqe, -1, 0, flags, new_user_data);
    sqe.addr.addr = old_user_data;
    sqe.op_flags.poll32_events = self::poll_mask(poll_mask);
}

/// `epoll_ctl(2)`: `op` goes in `len`, the target fd (as an unsigned 32-bit value) in
/// `off`, the event in `addr`.
#[doc(alias = "io_uring_prep_epoll_ctl")]
#[inline]
pub fn epoll_ctl(sqe: &mut io_uring_sqe, epfd: i32, fd: i32, op: i32, ev: *const epoll_event) {
    rw(
        IORING_OP_EPOLL_CTL,
        sqe,
        epfd,
        ptr_to_u64(ev),
        op as u32,
        u64::from(fd as u32),
    );
}

/// `epoll_wait(2)` into `events` (up to `maxevents`).
#[doc(alias = "io_uring_prep_epoll_wait")]
#[inline]
pub fn epoll_wait(sqe: &mut io_uring_sqe, fd: i32, events: *mut epoll_event, maxevents: i32, flags: u32) {
    rw(IORING_OP_EPOLL_WAIT, sqe, fd, ptr_to_u64(events), maxevents as u32, 0);
    sqe.op_flags.rw_flags = flags as i32;
}
