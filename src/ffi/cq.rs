//! C exports: peeking, waiting, consuming completions and CQ state.
//!
//! Completion-side exports build a [`CompletionSide`](crate::ring::CompletionSide) for
//! the call (liburing lets them run while another thread submits); queries of kernel
//! words use a shared [`RingRef`](crate::ring::RingRef). None forms a reference to the
//! whole `struct io_uring`.

use core::ptr;

use super::ctypes::*;
use super::{cq_side, ring_ref, sq_side, to_c};
use crate::cq::{self, Waited};
use crate::errno::Errno;
use crate::ring::{self, io_uring, io_uring_cqe_iter, CompletionSide};
use crate::sys::{__kernel_timespec, io_uring_cqe};

/// Report a wait the C way: store the CQE pointer (NULL if none) and return the status.
///
/// # Safety
/// `cqe_ptr` must be valid for one pointer write.
#[inline(always)]
pub(super) unsafe fn report_wait(cqe_ptr: *mut *mut io_uring_cqe, waited: Waited) -> c_int {
    let cqe = waited.cqe.map_or(ptr::null_mut(), |c| c.as_ptr());
    // SAFETY: by this function's contract `cqe_ptr` is valid for one pointer write.
    unsafe { cqe_ptr.write(cqe) };
    to_c(waited.result)
}

/// Run a waiting completion-side function with checked ring and out pointers.
///
/// # Safety
/// `ring` NULL or a SET-UP ring whose completion side the caller holds (CQ-OWNER);
/// `cqe_ptr` NULL or writable.
#[inline(always)]
unsafe fn wait_with(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    f: impl FnOnce(&mut CompletionSide<'_>) -> Waited,
) -> c_int {
    if cqe_ptr.is_null() {
        return Errno::EINVAL.to_neg();
    }
    // SAFETY: CQ-OWNER and SET-UP with no exclusive operation (cq_side's contract) are
    // this function's contract for a non-NULL `ring`.
    match unsafe { cq_side(ring) } {
        // SAFETY: `cqe_ptr` is non-NULL (checked above), so writable by this function's
        // contract.
        Ok(mut cq) => unsafe { report_wait(cqe_ptr, f(&mut cq)) },
        Err(e) => e.to_neg(),
    }
}

/// The wait loop behind the peek and wait helpers: submits `submit` SQEs and waits for
/// `wait_nr` completions with signal mask `sigmask` (may be NULL). `*cqe_ptr` receives the
/// first available completion or NULL.
///
/// Returns 0 (or the number submitted when it had to enter the kernel to get a completion),
/// or a negative errno: -EAGAIN when `wait_nr` and `submit` are 0 and nothing is available,
/// -EINTR, -EINVAL for NULL arguments, or an io_uring_enter(2) error.
///
/// Since liburing 2.0; exported as `__io_uring_get_cqe@@LIBURING_2.0`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable, `sigmask` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_get_cqe(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    submit: c_uint,
    wait_nr: c_uint,
    sigmask: *mut sigset_t,
) -> c_int {
    let get = |cq: &mut CompletionSide<'_>| {
        // SAFETY: by C-CONTRACT `sigmask` is NULL or a valid sigset (ENTER-ARG) and the
        // `submit` published SQEs satisfy SQE-MEM.
        unsafe { cq.get_cqe(submit, wait_nr, sigmask) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER); `cqe_ptr` is NULL or writable.
    unsafe { wait_with(ring, cqe_ptr, get) }
}

/// Looks at the CQ without entering the kernel: `*cqe_ptr` receives the first completion or
/// NULL and `*nr_available` (may be NULL) the number ready. Skip entries
/// (`IORING_CQE_F_SKIP`) and, on kernels without `IORING_FEAT_EXT_ARG`, the library's own
/// timeout completions are consumed on the way.
///
/// Returns 0, or the negative result of an internal timeout completion (-ETIME); -EINVAL
/// for NULL arguments.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `__io_uring_peek_cqe@@LIBURING_2.15`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable, `nr_available` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_peek_cqe(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    nr_available: *mut c_uint,
) -> c_int {
    let peek = |cq: &mut CompletionSide<'_>| {
        let peeked = cq.peek_head();
        if !nr_available.is_null() {
            // SAFETY: C-CONTRACT: the non-NULL `nr_available` is a writable unsigned.
            unsafe { nr_available.write(peeked.available) };
        }
        match peeked.result {
            Ok(cqe) => Waited { cqe, result: Ok(0) },
            Err(e) => Waited {
                cqe: None,
                result: Err(e),
            },
        }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER); `cqe_ptr` is NULL or writable.
    unsafe { wait_with(ring, cqe_ptr, peek) }
}

/// Returns the first available completion in `*cqe_ptr` without waiting. It enters the
/// kernel only when completions may be pending there (overflow, deferred task work,
/// IOPOLL). The completion stays in the CQ until io_uring_cqe_seen().
///
/// Returns 0 when a completion is available, -EAGAIN when none is, or another negative
/// errno (-EINVAL for NULL arguments, -ETIME from an internal timeout).
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_peek_cqe@@LIBURING_2.4`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_peek_cqe(ring: *mut io_uring, cqe_ptr: *mut *mut io_uring_cqe) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER); `cqe_ptr` is NULL or writable.
    unsafe { wait_with(ring, cqe_ptr, |cq| cq.peek_cqe()) }
}

/// Waits until a completion is available and returns it in `*cqe_ptr` (it stays in the CQ
/// until io_uring_cqe_seen()).
///
/// Returns 0 on success, or a negative errno: -EINTR when a signal interrupted the wait,
/// -EINVAL for NULL arguments, or another io_uring_enter(2) error.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_wait_cqe@@LIBURING_2.4`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe(ring: *mut io_uring, cqe_ptr: *mut *mut io_uring_cqe) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER); `cqe_ptr` is NULL or writable.
    unsafe { wait_with(ring, cqe_ptr, |cq| cq.wait_cqe()) }
}

/// Waits until at least `wait_nr` completions are available and returns the first in
/// `*cqe_ptr`.
///
/// Returns 0 on success, or a negative errno: -EINTR, -EINVAL for NULL arguments, or
/// another io_uring_enter(2) error.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_wait_cqe_nr@@LIBURING_2.4`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe_nr(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER); `cqe_ptr` is NULL or writable.
    unsafe { wait_with(ring, cqe_ptr, |cq| cq.wait_cqe_nr(wait_nr)) }
}

/// Waits for `wait_nr` completions for at most `*ts` (no limit if NULL) with `sigmask` (may
/// be NULL) in place, and returns the first available one in `*cqe_ptr`. With
/// `IORING_FEAT_EXT_ARG` (Linux 5.11+) nothing is submitted; on older kernels the timeout
/// is an internal timeout SQE, and pending SQEs are submitted with it.
///
/// Returns 0 on success, or a negative errno: -ETIME when the timeout expired, -EINTR,
/// -EAGAIN when no SQE was free for the internal timeout, -EINVAL for NULL arguments.
///
/// Since liburing 2.0; exported as `io_uring_wait_cqes@@LIBURING_2.0`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable, `ts`/`sigmask` NULL or valid; on kernels
/// without EXT_ARG a timed wait also submits, so the caller holds the submission side.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqes(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    sigmask: *mut sigset_t,
) -> c_int {
    let wait = |cq: &mut CompletionSide<'_>| {
        // SAFETY: by C-CONTRACT `ts` and `sigmask` are NULL or valid (ENTER-ARG); without
        // EXT_ARG a timed wait submits, and liburing then makes the caller the submitter
        // too (SQ-OWNER), `ts` valid until the timeout's CQE is reaped and the pending
        // SQEs satisfy SQE-MEM.
        unsafe { cq.wait_cqes(wait_nr, ts, sigmask) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER); `cqe_ptr` is NULL or writable.
    unsafe { wait_with(ring, cqe_ptr, wait) }
}

/// Waits for one completion for at most `*ts` (no limit if NULL): io_uring_wait_cqes() with
/// `wait_nr` 1 and no signal mask.
///
/// Returns 0 on success, or a negative errno: -ETIME on timeout, -EINTR, -EINVAL for NULL
/// arguments.
///
/// Since liburing 2.0; exported as `io_uring_wait_cqe_timeout@@LIBURING_2.0`.
///
/// # Safety
/// As for `io_uring_wait_cqes`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    ts: *mut __kernel_timespec,
) -> c_int {
    let wait = |cq: &mut CompletionSide<'_>| {
        // SAFETY: by C-CONTRACT `ts` is NULL or valid (ENTER-ARG); without EXT_ARG the
        // caller is also the submitter (SQ-OWNER), `ts` stays valid until the timeout's
        // CQE is reaped and the pending SQEs satisfy SQE-MEM (wait_cqes's contract).
        unsafe { cq.wait_cqe_timeout(ts) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER); `cqe_ptr` is NULL or writable.
    unsafe { wait_with(ring, cqe_ptr, wait) }
}

/// As io_uring_wait_cqes(), with a minimum wait: the kernel waits `min_ts_usec`
/// microseconds for `wait_nr` completions, then returns as soon as any is available, up to
/// the overall timeout `*ts`.
///
/// Returns 0 on success, or a negative errno: -EINVAL without `IORING_FEAT_MIN_TIMEOUT`
/// (Linux 6.12+) or for NULL arguments, -ETIME, -EINTR.
///
/// Since liburing 2.8; exported as `io_uring_wait_cqes_min_timeout@@LIBURING_2.8`.
///
/// # Safety
/// As for `io_uring_wait_cqes`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqes_min_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    min_ts_usec: c_uint,
    sigmask: *mut sigset_t,
) -> c_int {
    let wait = |cq: &mut CompletionSide<'_>| {
        // SAFETY: ENTER-ARG: by C-CONTRACT `ts` and `sigmask` are NULL or valid.
        unsafe { cq.wait_cqes_min_timeout(wait_nr, ts, min_ts_usec, sigmask) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER); `cqe_ptr` is NULL or writable.
    unsafe { wait_with(ring, cqe_ptr, wait) }
}

/// Run a function that both submits and waits, with checked pointers.
///
/// # Safety
/// `ring` NULL or a SET-UP ring whose submission and completion sides the caller holds;
/// `cqe_ptr` NULL or writable.
#[inline(always)]
pub(super) unsafe fn submit_wait_with(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    f: impl FnOnce(&mut ring::SubmissionSide<'_>, &mut CompletionSide<'_>) -> Waited,
) -> c_int {
    if cqe_ptr.is_null() {
        return Errno::EINVAL.to_neg();
    }
    // SAFETY: SQ-OWNER and SET-UP with no exclusive operation (sq_side's contract) are
    // this function's contract for a non-NULL `ring`.
    let sq = unsafe { sq_side(ring) };
    // SAFETY: CQ-OWNER and SET-UP with no exclusive operation (cq_side's contract) are
    // this function's contract for a non-NULL `ring`.
    let cq = unsafe { cq_side(ring) };
    match (sq, cq) {
        // SAFETY: `cqe_ptr` is non-NULL (checked above), so writable by this function's
        // contract.
        (Ok(mut sq), Ok(mut cq)) => unsafe { report_wait(cqe_ptr, f(&mut sq, &mut cq)) },
        _ => Errno::EINVAL.to_neg(),
    }
}

/// Stores pointers to up to `count` available completions in `cqes` without consuming them;
/// afterwards call io_uring_cq_advance() with the number handled. If none is available but
/// the kernel holds overflowed completions or task work, it enters the kernel once to flush
/// them.
///
/// Returns the number of pointers stored (0 also for a NULL ring or array).
///
/// Since liburing 2.0; exported as `io_uring_peek_batch_cqe@@LIBURING_2.0`.
///
/// # Safety
/// `ring` a set-up ring, `cqes` writable for `count` pointers.
#[no_mangle]
pub unsafe extern "C" fn io_uring_peek_batch_cqe(
    ring: *mut io_uring,
    cqes: *mut *mut io_uring_cqe,
    count: c_uint,
) -> c_uint {
    if cqes.is_null() {
        return 0;
    }
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER).
    match unsafe { cq_side(ring) } {
        // SAFETY: C-CONTRACT: the non-NULL `cqes` has room for `count` pointers, which is
        // peek_batch_cqe's contract.
        Ok(mut cq) => unsafe { cq.peek_batch_cqe(cqes, count) },
        Err(_) => 0,
    }
}

/// Enters the kernel with `IORING_ENTER_GETEVENTS` and nothing to submit: runs deferred
/// task work and flushes overflowed completions into the CQ, without waiting.
///
/// Returns 0 or a positive value on success, or a negative errno (-EINVAL for a NULL ring,
/// or an io_uring_enter(2) error).
///
/// Since liburing 2.3; exported as `io_uring_get_events@@LIBURING_2.3`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_events(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    to_c(unsafe { ring_ref(ring) }.and_then(crate::submit::get_events))
}

/// Returns the number of completions available in the CQ (not yet advanced past), 0 for a
/// NULL ring.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cq_ready@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_ready(ring: *const io_uring) -> c_uint {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { ring_ref(ring) }.map_or(0, cq::cq_ready)
}

/// Marks the next `nr` CQ slots as consumed, publishing the new head to the kernel. Use
/// after io_uring_peek_batch_cqe() or io_uring_for_each_cqe(). Returns nothing; a NULL ring
/// is ignored.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cq_advance@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring whose completion side the caller holds; the
/// `nr` CQEs must have been read.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_advance(ring: *mut io_uring, nr: c_uint) {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER).
    if let Ok(mut cq) = unsafe { cq_side(ring) } {
        // SAFETY: C-CONTRACT: the caller has read the `nr` CQEs it hands back.
        unsafe { cq.cq_advance(nr) };
    }
}

/// Marks completion `cqe` (obtained by a peek or wait) as consumed, so its slot can be
/// reused; a 32-byte CQE on a mixed ring counts as two slots. A NULL ring or `cqe` is
/// ignored. Returns nothing.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cqe_seen@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring; `cqe` NULL or the CQE at its head.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_seen(ring: *mut io_uring, cqe: *mut io_uring_cqe) {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running,
    // and the caller is its only reaper (CQ-OWNER).
    if let (Ok(mut cq), Some(cqe)) = (unsafe { cq_side(ring) }, ptr::NonNull::new(cqe)) {
        // SAFETY: CQ-OWNER: by C-CONTRACT the non-NULL `cqe` is one this reaper peeked and
        // has not yet consumed (cqe_seen's contract).
        unsafe { cq.cqe_seen(cqe) }
    }
}

/// Returns true when the kernel has completions it could not post because the CQ was full
/// (`IORING_SQ_CQ_OVERFLOW`): they are flushed by the next io_uring_get_events() or wait.
///
/// Since liburing 2.3 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cq_has_overflow@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL (gives false) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_has_overflow(ring: *const io_uring) -> bool {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { ring_ref(ring) }.is_ok_and(cq::cq_has_overflow)
}

/// Returns whether completions signal the registered eventfd (true unless
/// `IORING_CQ_EVENTFD_DISABLED` is set; true on kernels without CQ flags).
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cq_eventfd_enabled@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL (gives false) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_eventfd_enabled(ring: *const io_uring) -> bool {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { ring_ref(ring) }.is_ok_and(cq::cq_eventfd_enabled)
}

/// Enables or disables notifications of the registered eventfd for this ring's completions.
///
/// Returns 0 on success, -EOPNOTSUPP when the kernel has no CQ flags (before Linux 5.8),
/// -EINVAL for a NULL ring.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cq_eventfd_toggle@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_eventfd_toggle(ring: *mut io_uring, enabled: bool) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    to_c(unsafe { ring_ref(ring) }.and_then(|r| cq::cq_eventfd_toggle(r, enabled)))
}

/// Returns 1 if setup `flags` include `IORING_SETUP_CQE32` (CQEs take two 16-byte slots),
/// else 0.
///
/// Since liburing 2.10 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cqe_shift_from_flags@@LIBURING_2.10`.
#[no_mangle]
pub extern "C" fn io_uring_cqe_shift_from_flags(flags: c_uint) -> c_uint {
    ring::cqe_shift_from_flags(flags)
}

/// Returns 1 if the ring uses 32-byte CQEs (`IORING_SETUP_CQE32`), else 0.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cqe_shift@@LIBURING_2.2`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_shift(ring: *const io_uring) -> c_uint {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running
    // (only the flags word is read).
    // From the flags, as liburing computes it, not from the copy cached at setup: a C
    // program may ask about a struct it filled itself.
    unsafe { ring_ref(ring) }.map_or(0, |r| ring::cqe_shift_from_flags(r.flags()))
}

/// Returns an iterator over the completions available now (a snapshot of the CQ head and
/// tail), for io_uring_cqe_iter_next(). Consuming them is up to the caller:
/// io_uring_cq_advance() with the number of slots walked.
///
/// Since liburing 2.10 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cqe_iter_init@@LIBURING_2.15`.
///
/// # Safety
/// `ring` must be a set-up ring (NULL gives an empty iterator).
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_iter_init(ring: *const io_uring) -> io_uring_cqe_iter {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    match unsafe { ring_ref(ring) } {
        Ok(r) => cq::cqe_iter_init(r),
        Err(_) => io_uring_cqe_iter {
            cqes: ptr::null_mut(),
            mask: 0,
            shift: 0,
            head: 0,
            tail: 0,
        },
    }
}

/// Stores the iterator's next completion in `*cqe` and returns true, or returns false at
/// the end of the snapshot.
///
/// Since liburing 2.10 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cqe_iter_next@@LIBURING_2.15`.
///
/// # Safety
/// `iter` from `io_uring_cqe_iter_init` on a live ring whose completion side the caller
/// holds; `cqe` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_iter_next(iter: *mut io_uring_cqe_iter, cqe: *mut *mut io_uring_cqe) -> bool {
    // SAFETY: C-CONTRACT: `iter` is NULL or a valid, writable iterator the caller does
    // not otherwise access during the call.
    let Some(it) = (unsafe { iter.as_mut() }) else {
        return false;
    };
    if cqe.is_null() {
        return false;
    }
    // SAFETY: C-CONTRACT: `it` comes from io_uring_cqe_iter_init on a ring that is still
    // SET-UP and reaped by this caller alone (CQ-OWNER), its head not moved past
    // `it.head` (cqe_iter_next's contract). A NULL ring gives an empty iterator, for
    // which nothing is read.
    match unsafe { cq::cqe_iter_next(it) } {
        Some(c) => {
            // SAFETY: C-CONTRACT: the non-NULL `cqe` (checked above) is writable.
            unsafe { cqe.write(c.as_ptr()) };
            true
        }
        None => false,
    }
}
