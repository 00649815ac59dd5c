//! C exports: SQE acquisition, submission and SQ state.

use core::ptr;

use super::ctypes::*;
use super::{ring_mut, ring_ref};
use crate::errno::to_c;
use crate::ring::{self, io_uring};
use crate::submit;
use crate::sys::{__kernel_timespec, io_uring_cqe, io_uring_sqe};

/// liburing: `struct io_uring_sqe *io_uring_get_sqe(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives NULL) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_sqe(ring: *mut io_uring) -> *mut io_uring_sqe {
    // SAFETY: caller contract.
    match unsafe { ring_mut(ring) } {
        // SAFETY: caller contract.
        Ok(r) => unsafe { submit::get_sqe(r) },
        Err(_) => ptr::null_mut(),
    }
}

/// liburing: `struct io_uring_sqe *_io_uring_get_sqe(struct io_uring *ring)`.
///
/// # Safety
/// As for `io_uring_get_sqe`.
#[no_mangle]
pub unsafe extern "C" fn _io_uring_get_sqe(ring: *mut io_uring) -> *mut io_uring_sqe {
    // SAFETY: caller contract.
    unsafe { io_uring_get_sqe(ring) }
}

/// liburing: `struct io_uring_sqe *io_uring_get_sqe128(struct io_uring *ring)`.
///
/// # Safety
/// As for `io_uring_get_sqe`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_sqe128(ring: *mut io_uring) -> *mut io_uring_sqe {
    // SAFETY: caller contract.
    match unsafe { ring_mut(ring) } {
        // SAFETY: caller contract.
        Ok(r) => unsafe { submit::get_sqe128(r) },
        Err(_) => ptr::null_mut(),
    }
}

/// liburing: `int io_uring_submit(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring whose pending SQEs reference live memory.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit(ring: *mut io_uring) -> c_int {
    // SAFETY: caller contract.
    to_c(unsafe { ring_mut(ring).and_then(|r| submit::submit(r)) })
}

/// liburing: `int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)`.
///
/// # Safety
/// As for `io_uring_submit`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_wait(ring: *mut io_uring, wait_nr: c_uint) -> c_int {
    // SAFETY: caller contract.
    to_c(unsafe { ring_mut(ring).and_then(|r| submit::submit_and_wait(r, wait_nr)) })
}

/// liburing: `int io_uring_submit_and_get_events(struct io_uring *ring)`.
///
/// # Safety
/// As for `io_uring_submit`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_submit_and_get_events(ring: *mut io_uring) -> c_int {
    // SAFETY: caller contract.
    to_c(unsafe { ring_mut(ring).and_then(|r| submit::submit_and_get_events(r)) })
}

/// Run a waiting core function with checked ring and out pointers.
pub(crate) unsafe fn with_cqe_out(
    ring: *mut io_uring,
    cqe_ptr: *mut *mut io_uring_cqe,
    f: impl FnOnce(&mut io_uring, &mut *mut io_uring_cqe) -> i32,
) -> c_int {
    // SAFETY: caller contract.
    match unsafe { (ring.as_mut(), cqe_ptr.as_mut()) } {
        (Some(r), Some(out)) => f(r, out),
        _ => -libc::EINVAL,
    }
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
    // SAFETY: caller contract.
    unsafe {
        with_cqe_out(ring, cqe_ptr, |r, out| {
            crate::cq::submit_and_wait_timeout(r, out, wait_nr, ts, sigmask)
        })
    }
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
    // SAFETY: caller contract.
    unsafe {
        with_cqe_out(ring, cqe_ptr, |r, out| {
            crate::cq::submit_and_wait_min_timeout(r, out, wait_nr, ts, min_wait, sigmask)
        })
    }
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
    // SAFETY: caller contract.
    unsafe {
        with_cqe_out(ring, cqe_ptr, |r, out| {
            crate::cq::submit_and_wait_reg(r, out, wait_nr, reg_index)
        })
    }
}

/// liburing: `unsigned int io_uring_load_sq_head(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_load_sq_head(ring: *const io_uring) -> c_uint {
    // SAFETY: caller contract.
    unsafe { ring_ref(ring).map_or(0, |r| submit::load_sq_head(r)) }
}

/// liburing: `unsigned int io_uring_sq_ready(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sq_ready(ring: *const io_uring) -> c_uint {
    // SAFETY: caller contract.
    unsafe { ring_ref(ring).map_or(0, |r| submit::sq_ready(r)) }
}

/// liburing: `unsigned int io_uring_sq_space_left(const struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL (gives 0) or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sq_space_left(ring: *const io_uring) -> c_uint {
    // SAFETY: caller contract.
    unsafe { ring_ref(ring).map_or(0, |r| submit::sq_space_left(r)) }
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
    // SAFETY: caller contract.
    unsafe { ring_ref(ring).map_or(0, |r| r.sqe_shift()) }
}

/// liburing: `int io_uring_sqring_wait(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqring_wait(ring: *mut io_uring) -> c_int {
    // SAFETY: caller contract.
    to_c(unsafe { ring_ref(ring).and_then(|r| submit::sqring_wait(r)) })
}

/// liburing: `int __io_uring_sqring_wait(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_sqring_wait(ring: *mut io_uring) -> c_int {
    // SAFETY: caller contract.
    to_c(unsafe { ring_ref(ring).and_then(|r| submit::sqring_wait_enter(r)) })
}
