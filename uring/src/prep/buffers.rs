//! Legacy provided buffers (`IORING_OP_PROVIDE_BUFFERS` / `REMOVE_BUFFERS`).

use core::ffi::c_void;

use super::{ptr_to_u64, rw};
use crate::sys::*;

/// Hand `nr` buffers of `len` bytes each, starting at `addr`, to buffer group `bgid`,
/// with buffer ids from `bid` up. The count goes in `fd`, the first id in `off`.
#[doc(alias = "io_uring_prep_provide_buffers")]
#[inline]
pub fn provide_buffers(sqe: &mut io_uring_sqe, addr: *mut c_void, len: i32, nr: i32, bgid: i32, bid: i32) {
    rw(
        IORING_OP_PROVIDE_BUFFERS,
        sqe,
        nr,
        ptr_to_u64(addr),
        len as u32,
        bid as u64,
    );
    sqe.buf.buf_group = bgid as u16;
}

/// Take back up to `nr` buffers from buffer group `bgid`.
#[doc(alias = "io_uring_prep_remove_buffers")]
#[inline]
pub fn remove_buffers(sqe: &mut io_uring_sqe, nr: i32, bgid: i32) {
    rw(IORING_OP_REMOVE_BUFFERS, sqe, nr, 0, 0, 0);
    sqe.buf.buf_group = bgid as u16;
}
