//! C exports of the extensions (`include/uring/ext.h`, version node `URING_EXT_1`).
//!
//! These are not liburing functions: their names start with `uring_`, the header is
//! hand-written, and build.rs keeps them out of the generated `include/liburing.h`.

use super::ctypes::*;
use super::{ring_exclusive, sq_side, to_c};
use crate::diagnose;
use crate::errno::Errno;
use crate::ext::{checked, fallback, names, stats};
use crate::ring::io_uring;
use crate::sys::io_uring_params;

/// A name as a C string, or NULL.
fn c_name(name: Option<&'static str>) -> *const c_char {
    // The tables hold NUL-terminated names (see `crate::ext::names`).
    name.map_or(core::ptr::null(), |n| n.as_ptr().cast())
}

/// `const char *uring_opcode_name(unsigned op)`: the kernel's name of an opcode, NULL if
/// unknown.
#[no_mangle]
pub unsafe extern "C" fn uring_opcode_name(op: c_uint) -> *const c_char {
    c_name(names::opcode_name_nul(op))
}

/// `const char *uring_setup_flag_name(unsigned flag)`: the name of one `IORING_SETUP_*` bit.
#[no_mangle]
pub unsafe extern "C" fn uring_setup_flag_name(flag: c_uint) -> *const c_char {
    c_name(names::setup_flag_name_nul(flag))
}

/// `const char *uring_feature_name(unsigned feature)`: the name of one `IORING_FEAT_*` bit.
#[no_mangle]
pub unsafe extern "C" fn uring_feature_name(feature: c_uint) -> *const c_char {
    c_name(names::feature_name_nul(feature))
}

/// `const char *uring_register_op_name(unsigned op)`: the name of a register opcode.
#[no_mangle]
pub unsafe extern "C" fn uring_register_op_name(op: c_uint) -> *const c_char {
    c_name(names::register_op_name_nul(op))
}

/// `int uring_queue_init_fallback(unsigned entries, struct io_uring *ring,
/// struct io_uring_params *p, unsigned required_flags)`.
///
/// # Safety
/// `ring` and `p` must be NULL or valid, unaliased for the call (an exclusive operation).
#[no_mangle]
pub unsafe extern "C" fn uring_queue_init_fallback(
    entries: c_uint,
    ring: *mut io_uring,
    p: *mut io_uring_params,
    required_flags: c_uint,
) -> c_int {
    // SAFETY: C-CONTRACT: NULL or memory for a ring no one else uses during setup.
    let ring = unsafe { ring_exclusive(ring) };
    // SAFETY: C-CONTRACT: NULL or a valid params struct, unaliased for the call.
    let p = unsafe { p.as_mut() }.ok_or(Errno::EFAULT);
    // SAFETY: set-up only needs writable memory for the struct, which `ring` is.
    to_c(ring.and_then(|r| unsafe { fallback::queue_init_fallback(entries, r, p?, required_flags) }))
}

/// `int uring_ring_stats(const struct io_uring *ring, struct uring_ring_stats *out,
/// size_t out_size)`: writes the first `min(out_size, sizeof)` bytes of the statistics.
///
/// # Safety
/// `ring` NULL or SET-UP, called by the ring's submitter (it reads the submission-local
/// tail); `out` NULL or writable for `out_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn uring_ring_stats(
    ring: *const io_uring,
    out: *mut stats::uring_ring_stats,
    out_size: size_t,
) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP and the caller is its submitter.
    let sq = match unsafe { sq_side(ring.cast_mut()) } {
        Ok(sq) => sq,
        Err(e) => return e.to_neg(),
    };
    if out.is_null() {
        return Errno::EFAULT.to_neg();
    }
    if out_size == 0 {
        return Errno::EINVAL.to_neg();
    }
    let snapshot = stats::ring_stats(&sq);
    let n = out_size.min(core::mem::size_of::<stats::uring_ring_stats>());
    // SAFETY: C-CONTRACT: `out` is writable for `out_size >= n` bytes; the source is a
    // live local of at least `n` bytes; they cannot overlap.
    unsafe { core::ptr::copy_nonoverlapping(core::ptr::addr_of!(snapshot).cast::<u8>(), out.cast::<u8>(), n) };
    0
}

/// `int uring_set_checked(struct io_uring *ring, int on)`: checked mode on (`on != 0`) or
/// off; returns 1 if it was on before, 0 if not, `-EINVAL` for a NULL ring.
///
/// # Safety
/// `ring` NULL or SET-UP, with nothing else running on it (an exclusive operation: it
/// writes the flags byte submit reads).
#[no_mangle]
pub unsafe extern "C" fn uring_set_checked(ring: *mut io_uring, on: c_int) -> c_int {
    // SAFETY: C-CONTRACT for an exclusive operation: NULL or a ring no one else uses.
    to_c(unsafe { ring_exclusive(ring) }.map(|r| i32::from(checked::set_checked(r, on != 0))))
}

/// `int uring_explain_setup_error(int err, char *buf, size_t len)`: the explanation of
/// set-up error `err` (`-errno` or `errno`), NUL-terminated in `buf` (cut to `len`);
/// returns its full length (as `snprintf`), `-EINVAL` for `err == 0`, `-EFAULT` for a
/// NULL `buf` with `len > 0`.
///
/// # Safety
/// `buf` NULL or writable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn uring_explain_setup_error(err: c_int, buf: *mut c_char, len: size_t) -> c_int {
    if err == 0 {
        return Errno::EINVAL.to_neg();
    }
    let out: &mut [u8] = if len == 0 {
        &mut []
    } else if buf.is_null() {
        return Errno::EFAULT.to_neg();
    } else {
        // SAFETY: C-CONTRACT: a non-NULL `buf` is writable for `len` bytes, and nothing
        // else uses it during the call.
        unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), len) }
    };
    let n = diagnose::explain_setup_error(err, out);
    c_int::try_from(n).unwrap_or(c_int::MAX)
}
