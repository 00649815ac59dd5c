//! The C ABI: the only place with `extern "C"`.
//!
//! Each function is one line of work: turn pointers into references (a NULL ring or
//! SQE gives `-EINVAL`/`-EFAULT` or a no-op instead of a crash), call the Rust core, and
//! map `Result<_, Errno>` to `-errno`. No logic lives here.
//!
//! # The C contract
//!
//! A C caller cannot be checked, so every export is an `unsafe` function relying on one
//! invariant, which the SAFETY comments here cite by name:
//!
//! * **C-CONTRACT**: each pointer argument is NULL or valid for what liburing's
//!   documentation of that function says it is used for (read, written, kept by the
//!   kernel until a completion or an unregister); a ring is SET-UP (see
//!   [`io_uring`]) with no exclusive operation (setup, exit, resize, ring-fd
//!   registration, `set_iowait`) running concurrently, except for the exclusive
//!   operations themselves, which get the ring to themselves; and the caller respects
//!   liburing's threading rules: one submitter (SQ-OWNER) and one reaper (CQ-OWNER) at
//!   a time, and SQEs it submits satisfy SQE-MEM (see [`crate::submit`]).
//!
//! The core functions' own contracts (REG-ARG, LIVE-BR, PROBE-SHAPE, ENTER-ARG, ...) are
//! what C-CONTRACT delivers for the arguments passed on to them.

pub mod ctypes;

mod buf_ring;
mod cq;
mod ext;
mod helpers;
mod prep;
mod probe;
mod register;
mod setup;
mod submit;
mod syscall;
mod version;

use core::ptr::NonNull;

use crate::errno::Errno;
use crate::ring::{io_uring, CompletionSide, RingRef, SubmissionSide};

/// A C ring pointer as a shared handle; NULL is -EINVAL.
///
/// # Safety
/// A non-NULL `ring` must point to a SET-UP `struct io_uring` (see [`io_uring`]) for
/// `'a`, with no exclusive operation running on it: C-CONTRACT for every function that
/// takes a set-up ring.
#[inline(always)]
pub(crate) unsafe fn ring_ref<'a>(ring: *const io_uring) -> Result<RingRef<'a>, Errno> {
    let ring = NonNull::new(ring.cast_mut()).ok_or(Errno::EINVAL)?;
    // SAFETY: SET-UP for 'a and no concurrent exclusive operation: the non-NULL case of
    // this function's contract.
    Ok(unsafe { RingRef::from_ptr(ring) })
}

/// A C ring pointer as the ring's submission side; NULL is -EINVAL.
///
/// # Safety
/// As for [`ring_ref`], and the caller is the ring's only submitter for `'a` (liburing
/// requires submitters to be serialised): SQ-OWNER.
#[inline(always)]
pub(crate) unsafe fn sq_side<'a>(ring: *mut io_uring) -> Result<SubmissionSide<'a>, Errno> {
    // SAFETY: SET-UP and no exclusive operation (ring_ref's contract) are part of this
    // function's.
    let ring = unsafe { ring_ref(ring) }?;
    // SAFETY: SQ-OWNER: by this function's contract the caller is the only submitter for
    // 'a.
    Ok(unsafe { SubmissionSide::new(ring) })
}

/// A C ring pointer as the ring's completion side; NULL is -EINVAL.
///
/// # Safety
/// As for [`ring_ref`], and the caller is the ring's only reaper for `'a` (liburing
/// requires reapers to be serialised): CQ-OWNER.
#[inline(always)]
pub(crate) unsafe fn cq_side<'a>(ring: *mut io_uring) -> Result<CompletionSide<'a>, Errno> {
    // SAFETY: SET-UP and no exclusive operation (ring_ref's contract) are part of this
    // function's.
    let ring = unsafe { ring_ref(ring) }?;
    // SAFETY: CQ-OWNER: by this function's contract the caller is the only reaper for
    // 'a.
    Ok(unsafe { CompletionSide::new(ring) })
}

/// A C ring pointer as an exclusive reference, for the operations liburing documents as
/// not concurrent with anything on the ring (setup, exit, resize, ring-fd registration,
/// `set_iowait`); NULL is -EINVAL.
///
/// # Safety
/// A non-NULL `ring` must point to a `struct io_uring` valid and not accessed by anyone
/// else for `'a`.
#[inline(always)]
pub(crate) unsafe fn ring_exclusive<'a>(ring: *mut io_uring) -> Result<&'a mut io_uring, Errno> {
    // SAFETY: C-CONTRACT for exclusive operations: a non-NULL `ring` is a valid, aligned
    // `struct io_uring` nobody else accesses for 'a (this function's contract).
    unsafe { ring.as_mut() }.ok_or(Errno::EINVAL)
}

/// A core success value as the non-negative `int` a C function returns.
pub(crate) trait CReturn {
    fn c_value(self) -> core::ffi::c_int;
}

impl CReturn for i32 {
    #[inline(always)]
    fn c_value(self) -> i32 {
        self
    }
}

impl CReturn for u32 {
    /// Counts come from the kernel's `int` returns or from 32-bit ring indices bounded
    /// by the ring size, so they fit; the cast is liburing's own `int` return.
    #[inline(always)]
    fn c_value(self) -> i32 {
        self as i32
    }
}

impl CReturn for u16 {
    #[inline(always)]
    fn c_value(self) -> i32 {
        i32::from(self)
    }
}

impl CReturn for () {
    #[inline(always)]
    fn c_value(self) -> i32 {
        0
    }
}

/// Collapse a core result into the C convention: the value, or `-errno`. This is the
/// only place `-errno` exists.
#[inline(always)]
pub(crate) fn to_c<T: CReturn>(r: Result<T, Errno>) -> core::ffi::c_int {
    match r {
        Ok(v) => v.c_value(),
        Err(e) => e.to_neg(),
    }
}

/// The unwinding personality routine, which the precompiled `core` still names in its
/// unwind tables. With `panic = "abort"` nothing ever unwinds, so it is never called;
/// defining it keeps an unoptimised (debug) build of the no_std library from importing
/// an undefined symbol. Not in test binaries (`cfg(test)`), which get std's.
#[cfg(not(test))]
#[no_mangle]
extern "C" fn rust_eh_personality() {}
