//! Small SQE/CQE field helpers: user data, SQE flags, buffer group, CQE size.

use core::ffi::c_void;

use super::ptr_to_u64;
use crate::sys::*;

/// Store a pointer as the SQE's `user_data`; it comes back in the CQE
/// ([`cqe_get_data`]).
#[doc(alias = "io_uring_sqe_set_data")]
#[inline]
pub fn sqe_set_data(sqe: &mut io_uring_sqe, data: *mut c_void) {
    sqe.user_data = ptr_to_u64(data);
}

/// Store a 64-bit value as the SQE's `user_data` ([`cqe_get_data64`] reads it back).
#[doc(alias = "io_uring_sqe_set_data64")]
#[inline]
pub fn sqe_set_data64(sqe: &mut io_uring_sqe, data: u64) {
    sqe.user_data = data;
}

/// Set the SQE's `flags` (`IOSQE_*`) to `flags`, truncated to 8 bits. This replaces the
/// previous value; it does not OR.
#[doc(alias = "io_uring_sqe_set_flags")]
#[inline]
pub fn sqe_set_flags(sqe: &mut io_uring_sqe, flags: u32) {
    sqe.flags = flags as u8;
}

/// Select provided-buffer group `bgid` (truncated to 16 bits) for an
/// `IOSQE_BUFFER_SELECT` request.
#[doc(alias = "io_uring_sqe_set_buf_group")]
#[inline]
pub fn sqe_set_buf_group(sqe: &mut io_uring_sqe, bgid: i32) {
    sqe.buf.buf_group = bgid as u16;
}

/// The CQE's `user_data` as a pointer (the counterpart of [`sqe_set_data`]).
#[doc(alias = "io_uring_cqe_get_data")]
#[inline]
pub fn cqe_get_data(cqe: &io_uring_cqe) -> *mut c_void {
    cqe.user_data as usize as *mut c_void
}

/// The CQE's `user_data` (the counterpart of [`sqe_set_data64`]).
#[doc(alias = "io_uring_cqe_get_data64")]
#[inline]
pub fn cqe_get_data64(cqe: &io_uring_cqe) -> u64 {
    cqe.user_data
}

/// How many 16-byte CQ slots this CQE occupies: 2 for a 32-byte CQE on an
/// `IORING_SETUP_CQE_MIXED` ring (`IORING_CQE_F_32`), else 1.
#[doc(alias = "io_uring_cqe_nr")]
#[inline]
pub fn cqe_nr(cqe: &io_uring_cqe) -> u32 {
    if cqe.flags & IORING_CQE_F_32 != 0 {
        2
    } else {
        1
    }
}
