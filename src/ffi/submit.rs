//! C exports: SQE acquisition, submission and SQ state.
//!
//! Submission-side exports build a [`SubmissionSide`](crate::ring::SubmissionSide) for
//! the call (liburing lets them run while another thread reaps); none forms a reference
//! to the whole `struct io_uring`.

use core::ptr;

use super::cq::submit_wait_with;
use super::ctypes::*;
use super::{ring_ref, sq_side, to_c};
use crate::ring::{self, io_uring};
use crate::submit;
use crate::sys::{__kernel_timespec, io_uring_cqe, io_uring_sqe};

/// liburing: `struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives NULL) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_sqe(ring: *mut io_uring) -> *mut io_uring_sqe {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER).
    match unsafe { sq_side(ring) } {
        Ok(mut sq) => sq.get_sqe().map_or(ptr::null_mut(), |s| s.as_ptr()),
        Err(_) => ptr::null_mut(),
    }
}

/// liburing: `struct io_uring_sqe *_io_uring_get_sqe(struct io_uring *ring)`.
///
/// # Safety
/// As for `io_uring_get_sqe`.
#[no_mangle]
pub unsafe extern "C" fn _io_uring_get_sqe(ring: *mut io_uring) -> *mut io_uring_sqe {
    // SAFETY: C-CONTRACT for this function is io_uring_get_sqe's.
    unsafe { io_uring_get_sqe(ring) }
}

/// liburing: `struct io_uring_sqe *io_uring_get_sqe128(struct io_uring *ring)`.
///
/// # Safety
/// As for `io_uring_get_sqe`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_sqe128(ring: *mut io_uring) -> *mut io_uring_sqe {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER).
    match unsafe { sq_side(ring) } {
        Ok(mut sq) => sq.get_sqe128().map_or(ptr::null_mut(), |s| s.as_ptr()),
        Err(_) => ptr::null_mut(),
    }
}

/// liburing: `int io_uring_submit(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring whose pending SQEs reference live memory.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER).
    let sq = unsafe { sq_side(ring) };
    to_c(sq.and_then(|mut sq| {
        // SAFETY: SQE-MEM: by C-CONTRACT the pending SQEs reference memory that stays
        // valid until their completions.
        unsafe { sq.submit() }
    }))
}

/// liburing: `int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)`.
///
/// # Safety
/// As for `io_uring_submit`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait(ring: *mut io_uring, wait_nr: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER).
    let sq = unsafe { sq_side(ring) };
    to_c(sq.and_then(|mut sq| {
        // SAFETY: SQE-MEM: by C-CONTRACT the pending SQEs reference memory that stays
        // valid until their completions.
        unsafe { sq.submit_and_wait(wait_nr) }
    }))
}

/// liburing: `int io_uring_submit_and_get_events(struct io_uring *ring)`.
///
/// # Safety
/// As for `io_uring_submit`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_get_events(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER).
    let sq = unsafe { sq_side(ring) };
    to_c(sq.and_then(|mut sq| {
        // SAFETY: SQE-MEM: by C-CONTRACT the pending SQEs reference memory that stays
        // valid until their completions.
        unsafe { sq.submit_and_get_events() }
    }))
}

/// liburing: `int io_uring_submit_and_wait_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned wait_nr, struct __kernel_timespec *ts, sigset_t *sigmask)`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable, `ts`/`sigmask` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    sigmask: *mut sigset_t,
) -> c_int {
    let wait = |sq: &mut ring::SubmissionSide<'_>, cq: &mut ring::CompletionSide<'_>| {
        // SAFETY: by C-CONTRACT `ts` and `sigmask` are NULL or valid (ENTER-ARG; without
        // EXT_ARG, `ts` until the timeout's CQE is reaped) and the pending SQEs satisfy
        // SQE-MEM.
        unsafe { crate::cq::submit_and_wait_timeout(sq, cq, wait_nr, ts, sigmask) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running
    // and the caller is both its submitter and its reaper (SQ-OWNER, CQ-OWNER); `cqe_ptr`
    // is NULL or writable.
    unsafe { submit_wait_with(ring, cqe_ptr, wait) }
}

/// liburing: `int io_uring_submit_and_wait_min_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned wait_nr, struct __kernel_timespec *ts, unsigned min_wait, sigset_t *sigmask)`.
///
/// # Safety
/// As for `io_uring_submit_and_wait_timeout`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait_min_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    min_wait: c_uint,
    sigmask: *mut sigset_t,
) -> c_int {
    let wait = |sq: &mut ring::SubmissionSide<'_>, cq: &mut ring::CompletionSide<'_>| {
        // SAFETY: by C-CONTRACT `ts` and `sigmask` are NULL or valid (ENTER-ARG; without
        // EXT_ARG, `ts` until the timeout's CQE is reaped) and the pending SQEs satisfy
        // SQE-MEM.
        unsafe { crate::cq::submit_and_wait_min_timeout(sq, cq, wait_nr, ts, min_wait, sigmask) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running
    // and the caller is both its submitter and its reaper (SQ-OWNER, CQ-OWNER); `cqe_ptr`
    // is NULL or writable.
    unsafe { submit_wait_with(ring, cqe_ptr, wait) }
}

/// liburing: `int io_uring_submit_and_wait_reg(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned wait_nr, int reg_index)`.
///
/// # Safety
/// `ring` a set-up ring with a registered wait region, `cqe_ptr` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait_reg(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    reg_index: c_int,
) -> c_int {
    let wait = |sq: &mut ring::SubmissionSide<'_>, cq: &mut ring::CompletionSide<'_>| {
        // SAFETY: SQE-MEM: by C-CONTRACT the pending SQEs reference live memory.
        unsafe { crate::cq::submit_and_wait_reg(sq, cq, wait_nr, reg_index) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running
    // and the caller is both its submitter and its reaper (SQ-OWNER, CQ-OWNER); `cqe_ptr`
    // is NULL or writable.
    unsafe { submit_wait_with(ring, cqe_ptr, wait) }
}

/// liburing: `unsigned int io_uring_load_sq_head(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_load_sq_head(ring: *const io_uring) -> c_uint {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { ring_ref(ring) }.map_or(0, submit::load_sq_head)
}

/// liburing: `unsigned int io_uring_sq_ready(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sq_ready(ring: *const io_uring) -> c_uint {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER: the count reads the submitter's own
    // tail).
    unsafe { sq_side(ring.cast_mut()) }.map_or(0, |sq| sq.sq_ready())
}

/// liburing: `unsigned int io_uring_sq_space_left(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sq_space_left(ring: *const io_uring) -> c_uint {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER: the count reads the submitter's own
    // tail).
    unsafe { sq_side(ring.cast_mut()) }.map_or(0, |sq| sq.sq_space_left())
}

/// liburing: `unsigned int io_uring_sqe_shift_from_flags(unsigned flags)`.
#[no_mangle]
pub extern "C" fn io_uring_sqe_shift_from_flags(flags: c_uint) -> c_uint {
    ring::sqe_shift_from_flags(flags)
}

/// liburing: `unsigned int io_uring_sqe_shift(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_shift(ring: *const io_uring) -> c_uint {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running
    // (only the flags are read).
    unsafe { ring_ref(ring) }.map_or(0, |r| r.sqe_shift())
}

/// liburing: `int io_uring_sqring_wait(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqring_wait(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER).
    to_c(unsafe { sq_side(ring) }.and_then(|sq| sq.sqring_wait()))
}

/// liburing: `int __io_uring_sqring_wait(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_sqring_wait(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    to_c(unsafe { ring_ref(ring) }.and_then(submit::sqring_wait_enter))
}
