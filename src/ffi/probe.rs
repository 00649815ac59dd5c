//! C exports: opcode probes (spec 1.2, "Probe").
//!
//! Probes come from the C allocator, so `io_uring_free_probe` and plain `free()` both
//! release them.

use super::ctypes::{c_int, c_uint};
use super::register::with_ring;
use crate::probe::{self, Probe};
use crate::ring::{io_uring, RingRef};
use crate::sys::io_uring_probe;

/// Asks the kernel which opcodes it supports, through `ring`.
///
/// Returns a probe to release with io_uring_free_probe(), or NULL on failure (NULL ring,
/// out of memory, or the kernel's error).
///
/// Since liburing 2.0; exported as `io_uring_get_probe_ring@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_probe_ring(ring: *mut io_uring) -> *mut io_uring_probe {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    match unsafe { super::ring_ref(ring) } {
        Ok(r) => Probe::for_ring(r).map_or(core::ptr::null_mut(), Probe::into_raw),
        Err(_) => core::ptr::null_mut(),
    }
}

/// Sets up a temporary ring and asks the kernel which opcodes it supports.
///
/// Returns a probe to query with io_uring_opcode_supported() and to release with
/// io_uring_free_probe(), or NULL on failure (io_uring unavailable, out of memory).
///
/// Since liburing 2.0; exported as `io_uring_get_probe@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_get_probe() -> *mut io_uring_probe {
    Probe::new().map_or(core::ptr::null_mut(), Probe::into_raw)
}

/// Frees a probe returned by io_uring_get_probe() or io_uring_get_probe_ring(); NULL is
/// ignored. Returns nothing.
///
/// Since liburing 2.0; exported as `io_uring_free_probe@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_free_probe(probe: *mut io_uring_probe) {
    // SAFETY: C-CONTRACT: `probe` is NULL or came from one of the getters above
    // (PROBE-ALLOC, handed over by into_raw) and is not used after this call.
    unsafe { probe::free_probe(probe) }
}

/// Fills the caller-allocated probe `p` with room for `nr` opcodes: the last opcode the
/// kernel knows and a flags word per opcode (`IO_URING_OP_SUPPORTED`).
///
/// Returns 0 on success, or a negative errno: -EINVAL for a probe that is not zeroed, too
/// many entries or NULL arguments, -EFAULT.
///
/// Since liburing 2.0; exported as `io_uring_register_probe@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_probe(ring: *mut io_uring, p: *mut io_uring_probe, nr: c_uint) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `p` is NULL or `16 + 8 * nr` writable bytes.
        unsafe { probe::register_probe(r, p, nr) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Returns 1 if probe `p` reports opcode `op` as supported, 0 if not (or if `op` is out of
/// range or `p` is NULL).
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_opcode_supported@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_opcode_supported(p: *const io_uring_probe, op: c_int) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: PROBE-SHAPE: by C-CONTRACT the non-NULL `p` is a probe with room for the
    // `ops_len` entries in its header (any probe the kernel filled).
    c_int::from(unsafe { probe::opcode_supported(p, op) })
}
