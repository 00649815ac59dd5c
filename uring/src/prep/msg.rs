//! Messages to other rings (`IORING_OP_MSG_RING`).

use super::{rw, set_direct_slot};
use crate::sys::*;

/// Post a CQE on the ring `fd` with result `len` and `user_data` `data`.
#[doc(alias = "io_uring_prep_msg_ring")]
#[inline]
pub fn msg_ring(sqe: &mut io_uring_sqe, fd: i32, len: u32, data: u64, flags: u32) {
    rw(IORING_OP_MSG_RING, sqe, fd, u64::from(IORING_MSG_DATA), len, data);
    sqe.op_flags.msg_ring_flags = flags;
}

/// [`msg_ring`] that also sets the target CQE's `flags` to `cqe_flags`
/// (`IORING_MSG_RING_FLAGS_PASS` is added to `flags`).
#[doc(alias = "io_uring_prep_msg_ring_cqe_flags")]
#[inline]
pub fn msg_ring_cqe_flags(sqe: &mut io_uring_sqe, fd: i32, len: u32, data: u64, flags: u32, cqe_flags: u32) {
    rw(IORING_OP_MSG_RING, sqe, fd, u64::from(IORING_MSG_DATA), len, data);
    sqe.op_flags.msg_ring_flags = IORING_MSG_RING_FLAGS_PASS | flags;
    sqe.file.file_index = cqe_flags;
}

/// Send our direct descriptor `source_fd` to the ring `fd`, into its direct slot
/// `target_fd` (`IORING_FILE_INDEX_ALLOC`: the target ring picks a slot).
#[doc(alias = "io_uring_prep_msg_ring_fd")]
#[inline]
pub fn msg_ring_fd(sqe: &mut io_uring_sqe, fd: i32, source_fd: i32, target_fd: i32, data: u64, flags: u32) {
    rw(IORING_OP_MSG_RING, sqe, fd, u64::from(IORING_MSG_SEND_FD), 0, data);
    sqe.tail.addr3.addr3 = source_fd as u64;
    set_direct_slot(sqe, target_fd as u32);
    sqe.op_flags.msg_ring_flags = flags;
}

/// [`msg_ring_fd`] into a slot the target ring allocates.
#[doc(alias = "io_uring_prep_msg_ring_fd_alloc")]
#[inline]
pub fn msg_ring_fd_alloc(sqe: &mut io_uring_sqe, fd: i32, source_fd: i32, data: u64, flags: u32) {
    msg_ring_fd(sqe, fd, source_fd, IORING_FILE_INDEX_ALLOC as i32, data, flags);
}
