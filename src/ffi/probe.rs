//! C exports: opcode probes (spec 1.2, "Probe").
//!
//! Probes come from the C allocator, so `io_uring_free_probe` and plain `free()` both
//! release them.

use super::ctypes::{c_int, c_uint};
use super::register::with_ring;
use crate::probe::{self, Probe};
use crate::ring::io_uring;
use crate::sys::io_uring_probe;

#[no_mangle]
pub unsafe extern "C" fn io_uring_get_probe_ring(ring: *mut io_uring) -> *mut io_uring_probe {
    // SAFETY: `ring` is NULL or a valid ring (C contract).
    match unsafe { ring.as_ref() } {
        Some(r) => Probe::for_ring(r).map_or(core::ptr::null_mut(), Probe::into_raw),
        None => core::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_get_probe() -> *mut io_uring_probe {
    Probe::new().map_or(core::ptr::null_mut(), Probe::into_raw)
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_free_probe(probe: *mut io_uring_probe) {
    // SAFETY: `probe` is NULL or came from one of the getters above (C contract).
    unsafe { probe::free_probe(probe) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_probe(ring: *mut io_uring, p: *mut io_uring_probe, nr: c_uint) -> c_int {
    // SAFETY: `ring` is NULL or valid (C contract); `p` goes to the kernel.
    unsafe { with_ring(ring, |r| probe::register_probe(r, p, nr)) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_opcode_supported(p: *const io_uring_probe, op: c_int) -> c_int {
    if p.is_null() {
        return 0;
    }
    // SAFETY: `p` is a probe with entries up to its last_op (C contract).
    c_int::from(unsafe { probe::opcode_supported(p, op) })
}
