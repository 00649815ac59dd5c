//! C exports: peeking, waiting, consuming completions and CQ state.

use super::ctypes::*;
use super::submit::with_cqe_out;
use super::{ring_mut, ring_ref};
use crate::cq;
use crate::errno::to_c;
use crate::ring::{self, io_uring, io_uring_cqe_iter};
use crate::sys::{__kernel_timespec, io_uring_cqe};

/// liburing: `int __io_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned submit, unsigned wait_nr, sigset_t *sigmask)`.
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
    // SAFETY: caller contract.
    unsafe { with_cqe_out(ring, cqe_ptr, |r, out| cq::get_cqe(r, out, submit, wait_nr, sigmask)) }
}

/// liburing: `int __io_uring_peek_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned *nr_available)`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable, `nr_available` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_peek_cqe(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    nr_available: *mut c_uint,
) -> c_int {
    // SAFETY: caller contract.
    unsafe {
        with_cqe_out(ring, cqe_ptr, |r, out| {
            let mut nr = 0;
            let ret = cq::peek_cqe_raw(r, out, &mut nr);
            if let Some(n) = nr_available.as_mut() {
                *n = nr;
            }
            ret
        })
    }
}

/// liburing: `int io_uring_peek_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr)`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_peek_cqe(ring: *mut io_uring, cqe_ptr: *mut *mut io_uring_cqe) -> c_int {
    // SAFETY: caller contract.
    unsafe { with_cqe_out(ring, cqe_ptr, |r, out| cq::peek_cqe(r, out)) }
}

/// liburing: `int io_uring_wait_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr)`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe(ring: *mut io_uring, cqe_ptr: *mut *mut io_uring_cqe) -> c_int {
    // SAFETY: caller contract.
    unsafe { with_cqe_out(ring, cqe_ptr, |r, out| cq::wait_cqe(r, out)) }
}

/// liburing: `int io_uring_wait_cqe_nr(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned wait_nr)`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe_nr(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
) -> c_int {
    // SAFETY: caller contract.
    unsafe { with_cqe_out(ring, cqe_ptr, |r, out| cq::wait_cqe_nr(r, out, wait_nr)) }
}

/// liburing: `int io_uring_wait_cqes(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned wait_nr, struct __kernel_timespec *ts, sigset_t *sigmask)`.
///
/// # Safety
/// `ring` a set-up ring, `cqe_ptr` writable, `ts`/`sigmask` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqes(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    wait_nr: c_uint,
    ts: *mut __kernel_timespec,
    sigmask: *mut sigset_t,
) -> c_int {
    // SAFETY: caller contract.
    unsafe { with_cqe_out(ring, cqe_ptr, |r, out| cq::wait_cqes(r, out, wait_nr, ts, sigmask)) }
}

/// liburing: `int io_uring_wait_cqe_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, struct __kernel_timespec *ts)`.
///
/// # Safety
/// As for `io_uring_wait_cqes`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_wait_cqe_timeout(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    ts: *mut __kernel_timespec,
) -> c_int {
    // SAFETY: caller contract.
    unsafe { with_cqe_out(ring, cqe_ptr, |r, out| cq::wait_cqe_timeout(r, out, ts)) }
}

/// liburing: `int io_uring_wait_cqes_min_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned wait_nr, struct __kernel_timespec *ts, unsigned int min_ts_usec, sigset_t *sigmask)`.
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
    // SAFETY: caller contract.
    unsafe {
        with_cqe_out(ring, cqe_ptr, |r, out| {
            cq::wait_cqes_min_timeout(r, out, wait_nr, ts, min_ts_usec, sigmask)
        })
    }
}

/// liburing: `unsigned io_uring_peek_batch_cqe(struct io_uring *ring, struct io_uring_cqe **cqes, unsigned count)`.
///
/// # Safety
/// `ring` a set-up ring, `cqes` writable for `count` pointers.
#[no_mangle]
pub unsafe extern "C" fn io_uring_peek_batch_cqe(
    ring: *mut io_uring,
    cqes: *mut *mut io_uring_cqe,
    count: c_uint,
) -> c_uint {
    // SAFETY: caller contract.
    match unsafe { ring_mut(ring) } {
        // SAFETY: the caller provides `count` writable slots at `cqes`.
        Ok(r) if !cqes.is_null() => unsafe { cq::peek_batch_cqe_raw(r, cqes, count) },
        _ => 0,
    }
}

/// liburing: `int io_uring_get_events(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_events(ring: *mut io_uring) -> c_int {
    // SAFETY: caller contract.
    to_c(unsafe { ring_ref(ring).and_then(|r| crate::submit::get_events(r)) })
}

/// liburing: `unsigned int io_uring_cq_ready(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_ready(ring: *const io_uring) -> c_uint {
    // SAFETY: caller contract.
    unsafe { ring_ref(ring).map_or(0, |r| cq::cq_ready(r)) }
}

/// liburing: `void io_uring_cq_advance(struct io_uring *ring, unsigned nr)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring; the `nr` CQEs must have been read.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_advance(ring: *mut io_uring, nr: c_uint) {
    // SAFETY: caller contract.
    if let Ok(r) = unsafe { ring_mut(ring) } {
        // SAFETY: caller contract.
        unsafe { cq::cq_advance(r, nr) }
    }
}

/// liburing: `void io_uring_cqe_seen(struct io_uring *ring, struct io_uring_cqe *cqe)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring; `cqe` NULL or the CQE at its head.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_seen(ring: *mut io_uring, cqe: *mut io_uring_cqe) {
    // SAFETY: caller contract.
    if let (Ok(r), Some(c)) = unsafe { (ring_mut(ring), cqe.as_ref()) } {
        // SAFETY: caller contract.
        unsafe { cq::cqe_seen(r, c) }
    }
}

/// liburing: `bool io_uring_cq_has_overflow(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives false) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_has_overflow(ring: *const io_uring) -> bool {
    // SAFETY: caller contract.
    unsafe { ring_ref(ring).is_ok_and(|r| cq::cq_has_overflow(r)) }
}

/// liburing: `bool io_uring_cq_eventfd_enabled(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives false) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_eventfd_enabled(ring: *const io_uring) -> bool {
    // SAFETY: caller contract.
    unsafe { ring_ref(ring).is_ok_and(|r| cq::cq_eventfd_enabled(r)) }
}

/// liburing: `int io_uring_cq_eventfd_toggle(struct io_uring *ring, bool enabled)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cq_eventfd_toggle(ring: *mut io_uring, enabled: bool) -> c_int {
    // SAFETY: caller contract.
    to_c(unsafe { ring_mut(ring).and_then(|r| cq::cq_eventfd_toggle(r, enabled)) })
}

/// liburing: `unsigned int io_uring_cqe_shift_from_flags(unsigned flags)`.
#[no_mangle]
pub extern "C" fn io_uring_cqe_shift_from_flags(flags: c_uint) -> c_uint {
    ring::cqe_shift_from_flags(flags)
}

/// liburing: `unsigned int io_uring_cqe_shift(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_shift(ring: *const io_uring) -> c_uint {
    // SAFETY: caller contract.
    unsafe { ring_ref(ring).map_or(0, |r| r.cqe_shift()) }
}

/// liburing: `struct io_uring_cqe_iter io_uring_cqe_iter_init(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be a set-up ring (NULL gives an empty iterator).
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_iter_init(ring: *const io_uring) -> io_uring_cqe_iter {
    // SAFETY: caller contract.
    match unsafe { ring_ref(ring) } {
        // SAFETY: caller contract.
        Ok(r) => unsafe { cq::cqe_iter_init(r) },
        Err(_) => io_uring_cqe_iter {
            cqes: core::ptr::null_mut(),
            mask: 0,
            shift: 0,
            head: 0,
            tail: 0,
        },
    }
}

/// liburing: `bool io_uring_cqe_iter_next(struct io_uring_cqe_iter *iter, struct io_uring_cqe **cqe)`.
///
/// # Safety
/// `iter` from `io_uring_cqe_iter_init` on a live ring; `cqe` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_iter_next(iter: *mut io_uring_cqe_iter, cqe: *mut *mut io_uring_cqe) -> bool {
    // SAFETY: caller contract.
    let (Some(it), Some(out)) = (unsafe { iter.as_mut() }, unsafe { cqe.as_mut() }) else {
        return false;
    };
    // SAFETY: caller contract.
    match unsafe { cq::cqe_iter_next(it) } {
        Some(c) => {
            *out = c;
            true
        }
        None => false,
    }
}
