//! Process and futex synchronisation: `waitid`, futex wait/wake/waitv.

use core::ffi::c_void;

use libc::siginfo_t;

use super::{ptr_to_u64, rw};
use crate::sys::*;

/// `waitid(2)`: `idtype` goes in `len`, `id` in `fd`, `infop` in `addr2`, `options`
/// (`WEXITED`, ...) in `file_index` and `flags` in `waitid_flags`.
#[doc(alias = "io_uring_prep_waitid")]
#[inline]
pub fn waitid(sqe: &mut io_uring_sqe, idtype: u32, id: u32, infop: *mut siginfo_t, options: i32, flags: u32) {
    rw(IORING_OP_WAITID, sqe, id as i32, 0, idtype, 0);
    sqe.op_flags.waitid_flags = flags;
    sqe.file.file_index = options as u32;
    sqe.off.addr2 = ptr_to_u64(infop);
}

/// Wait on the futex at `futex` while it holds `val` (`mask`: the bitset to match).
/// `futex_flags` (`FUTEX2_*`) go in `fd`; `flags` in the SQE's `futex_flags` field.
#[doc(alias = "io_uring_prep_futex_wait")]
#[inline]
pub fn futex_wait(sqe: &mut io_uring_sqe, futex: *const u32, val: u64, mask: u64, futex_flags: u32, flags: u32) {
    rw(IORING_OP_FUTEX_WAIT, sqe, futex_flags as i32, ptr_to_u64(futex), 0, val);
    sqe.op_flags.futex_flags = flags;
    sqe.tail.addr3.addr3 = mask;
}

/// Wake up to `val` waiters on the futex at `futex` whose bitset matches `mask`.
#[doc(alias = "io_uring_prep_futex_wake")]
#[inline]
pub fn futex_wake(sqe: &mut io_uring_sqe, futex: *const u32, val: u64, mask: u64, futex_flags: u32, flags: u32) {
    rw(IORING_OP_FUTEX_WAKE, sqe, futex_flags as i32, ptr_to_u64(futex), 0, val);
    sqe.op_flags.futex_flags = flags;
    sqe.tail.addr3.addr3 = mask;
}

/// Wait on any of the `nr_futex` futexes described by the `struct futex_waitv` array
/// at `futex` (each entry: `u64 val`, `u64 uaddr`, `u32 flags`, `u32 __reserved`).
#[doc(alias = "io_uring_prep_futex_waitv")]
#[inline]
pub fn futex_waitv(sqe: &mut io_uring_sqe, futex: *const c_void, nr_futex: u32, flags: u32) {
    rw(IORING_OP_FUTEX_WAITV, sqe, 0, ptr_to_u64(futex), nr_futex, 0);
    sqe.op_flags.futex_flags = flags;
}
