//! The C ABI: the only place with `extern "C"`.
//!
//! Each function is one line of work: turn pointers into references (a NULL ring or
//! SQE gives `-EINVAL`/`-EFAULT` or a no-op instead of a crash), call the Rust core, and
//! map `Result<_, Errno>` to `-errno`. No logic lives here.

pub mod ctypes;

mod buf_ring;
mod cq;
mod helpers;
mod prep;
mod probe;
mod register;
mod setup;
mod submit;
mod syscall;
mod version;

use crate::errno::Errno;
use crate::ring::io_uring;

/// A C ring pointer as a shared reference; NULL is -EINVAL.
///
/// # Safety
/// A non-NULL `ring` must point to a `struct io_uring` valid for `'a`.
#[inline(always)]
pub(crate) unsafe fn ring_ref<'a>(ring: *const io_uring) -> Result<&'a io_uring, Errno> {
    // SAFETY: caller contract.
    unsafe { ring.as_ref() }.ok_or(Errno::EINVAL)
}

/// A C ring pointer as an exclusive reference; NULL is -EINVAL.
///
/// # Safety
/// A non-NULL `ring` must point to a `struct io_uring` valid and unaliased for `'a`.
#[inline(always)]
pub(crate) unsafe fn ring_mut<'a>(ring: *mut io_uring) -> Result<&'a mut io_uring, Errno> {
    // SAFETY: caller contract.
    unsafe { ring.as_mut() }.ok_or(Errno::EINVAL)
}
