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

/// Returns the next free submission queue entry, or NULL when the submission queue is full
/// (submit first, then try again). It never submits or waits. The entry's flags, ioprio,
/// personality, buffer and file index fields are cleared; fill the rest with an
/// io_uring_prep_* function, then submit with io_uring_submit(). user_data is not cleared:
/// set it (io_uring_sqe_set_data64()) if completions must be told apart. A NULL ring gives
/// NULL.
///
/// Since liburing 2.0; exported as `io_uring_get_sqe@@LIBURING_2.0`.
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

/// The implementation of io_uring_get_sqe(): returns the next free SQE (cleared like
/// io_uring_get_sqe() does), or NULL when the SQ is full or the ring is NULL.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `_io_uring_get_sqe@@LIBURING_2.2`.
///
/// # Safety
/// As for `io_uring_get_sqe`.
#[no_mangle]
pub unsafe extern "C" fn _io_uring_get_sqe(ring: *mut io_uring) -> *mut io_uring_sqe {
    // SAFETY: C-CONTRACT for this function is io_uring_get_sqe's.
    unsafe { io_uring_get_sqe(ring) }
}

/// Returns a 128-byte SQE: on a ring set up with `IORING_SETUP_SQE128` like
/// io_uring_get_sqe(); on an `IORING_SETUP_SQE_MIXED` ring two consecutive 64-byte slots
/// (padding the end of the ring with a skipped NOP when the pair would wrap).
///
/// Returns NULL when there is no room for it, when the ring has neither flag, or for a NULL
/// ring.
///
/// Since liburing 2.13 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_get_sqe128@@LIBURING_2.13`.
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

/// Submits the SQEs prepared since the last submit to the kernel. It enters the kernel only
/// when there is something to do (always for a non-SQPOLL ring with new SQEs; for SQPOLL
/// only when the polling thread needs a wake-up).
///
/// Returns the number of SQEs submitted, or a negative errno: -EINVAL for a NULL ring;
/// -EBUSY or -EAGAIN when the kernel is out of resources or the CQ overflowed; -EBADF,
/// -EFAULT, -EINTR, or another io_uring_enter(2) error.
///
/// Since liburing 2.0; exported as `io_uring_submit@@LIBURING_2.0`.
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

/// Submits the prepared SQEs like io_uring_submit() and waits until at least `wait_nr`
/// completions are available, in one system call.
///
/// Returns the number of SQEs submitted, or a negative errno: -EINVAL for a NULL ring,
/// -EINTR when a signal interrupted the wait, or another io_uring_enter(2) error.
///
/// Since liburing 2.0; exported as `io_uring_submit_and_wait@@LIBURING_2.0`.
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

/// Submits the prepared SQEs and always enters the kernel with `IORING_ENTER_GETEVENTS`, so
/// that deferred task work runs and overflowed completions are flushed into the CQ, without
/// waiting.
///
/// Returns the number of SQEs submitted, or a negative errno (-EINVAL for a NULL ring, or
/// an io_uring_enter(2) error).
///
/// Since liburing 2.3; exported as `io_uring_submit_and_get_events@@LIBURING_2.3`.
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

/// Submits the prepared SQEs and waits for `wait_nr` completions for at most `*ts` (no
/// limit if `ts` is NULL), with `sigmask` (may be NULL) in place while waiting. On success
/// `*cqe_ptr` points to the first available completion, which the caller marks seen with
/// io_uring_cqe_seen(). On kernels without `IORING_FEAT_EXT_ARG` the timeout is an internal
/// timeout SQE.
///
/// Returns the number of SQEs submitted (0 if a completion was already there), or a
/// negative errno: -ETIME when the timeout expired with nothing submitted, -EINTR, -EINVAL
/// for a NULL ring or cqe_ptr, -EAGAIN when no SQE was free for the internal timeout.
///
/// Since liburing 2.2; exported as `io_uring_submit_and_wait_timeout@@LIBURING_2.2`.
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

/// As io_uring_submit_and_wait_timeout(), with a minimum wait: the kernel waits `min_wait`
/// microseconds for `wait_nr` completions, then returns as soon as any completion is
/// available, up to the overall timeout `*ts`.
///
/// Returns the number of SQEs submitted, or a negative errno: -EINVAL without kernel
/// support (`IORING_FEAT_MIN_TIMEOUT`, Linux 6.12+) or for NULL arguments, -ETIME on
/// timeout, -EINTR.
///
/// Since liburing 2.8; exported as `io_uring_submit_and_wait_min_timeout@@LIBURING_2.8`.
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

/// Submits the prepared SQEs and waits with the wait parameters (timeout, minimum wait,
/// signal mask) of registered wait region entry `reg_index`, set up with
/// io_uring_register_region(). On success `*cqe_ptr` points to the first available
/// completion.
///
/// Returns the number of SQEs submitted, or a negative errno: -EINVAL without
/// `IORING_FEAT_EXT_ARG` or for a bad index or NULL argument, -ETIME on timeout, -EINTR.
///
/// Since liburing 2.9; exported as `io_uring_submit_and_wait_reg@@LIBURING_2.9`.
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

/// Returns the kernel's SQ head (the index of the next SQE it will consume), read with
/// acquire ordering on SQPOLL rings.
///
/// Since liburing 2.10 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_load_sq_head@@LIBURING_2.10`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_load_sq_head(ring: *const io_uring) -> c_uint {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { ring_ref(ring) }.map_or(0, submit::load_sq_head)
}

/// Returns the number of SQEs taken with io_uring_get_sqe() that the kernel has not
/// consumed yet (prepared but unsubmitted ones included).
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sq_ready@@LIBURING_2.4`.
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

/// Returns the number of free SQ slots: how many more io_uring_get_sqe() calls can succeed
/// before a submit.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sq_space_left@@LIBURING_2.4`.
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

/// Returns 1 if setup `flags` include `IORING_SETUP_SQE128` (SQEs take two 64-byte slots),
/// else 0.
///
/// Since liburing 2.10 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sqe_shift_from_flags@@LIBURING_2.10`.
#[no_mangle]
pub extern "C" fn io_uring_sqe_shift_from_flags(flags: c_uint) -> c_uint {
    ring::sqe_shift_from_flags(flags)
}

/// Returns 1 if the ring uses 128-byte SQEs (`IORING_SETUP_SQE128`), else 0.
///
/// Since liburing 2.10 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sqe_shift@@LIBURING_2.10`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_shift(ring: *const io_uring) -> c_uint {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running
    // (only the flags are read).
    // From the flags, as liburing computes it, not from the copy cached at setup: a C
    // program may ask about a struct it filled itself.
    unsafe { ring_ref(ring) }.map_or(0, |r| ring::sqe_shift_from_flags(r.flags()))
}

/// On an SQPOLL ring whose SQ is full, waits until the polling thread has consumed entries
/// and there is room again. Returns 0 at once for a non-SQPOLL ring or when there is space.
///
/// Returns 0 or a positive value on success, or a negative errno (-EINVAL for a NULL ring,
/// or an io_uring_enter(2) error such as -EINTR).
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sqring_wait@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqring_wait(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only submitter (SQ-OWNER).
    to_c(unsafe { sq_side(ring) }.and_then(|sq| sq.sqring_wait()))
}

/// Enters the kernel with `IORING_ENTER_SQ_WAIT`: waits until the SQPOLL thread has made
/// room in the SQ. Prefer io_uring_sqring_wait(), which skips the system call when there is
/// room.
///
/// Returns the io_uring_enter(2) result, or a negative errno (-EINVAL for a NULL ring,
/// -EINTR, ...).
///
/// Since liburing 2.0; exported as `__io_uring_sqring_wait@@LIBURING_2.0`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_sqring_wait(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    to_c(unsafe { ring_ref(ring) }.and_then(submit::sqring_wait_enter))
}
