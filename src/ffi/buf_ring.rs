//! C exports: provided-buffer rings (spec 1.2, "Provided-buffer rings"), including the
//! helpers liburing only has as `static inline`.
//!
//! A NULL ring gives -EINVAL (NULL plus `*err = -EINVAL` for `io_uring_setup_buf_ring`);
//! the `void` helpers do nothing for a NULL ring or buffer ring.

use super::ctypes::{__u32, c_int, c_uint, c_ushort, c_void};
use super::register::with_ring;
use crate::buf_ring;
use crate::errno::Errno;
use crate::ring::io_uring;
use crate::sys::{io_uring_buf_reg, io_uring_buf_ring};

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buf_ring(
    ring: *mut io_uring,
    reg: *mut io_uring_buf_reg,
    flags: c_uint,
) -> c_int {
    // SAFETY: `ring` is NULL or valid (C contract); `reg` is NULL or writable, and the memory it names is the caller's to keep alive.
    unsafe { with_ring(ring, |r| buf_ring::register_buf_ring(r, reg, flags)) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_buf_ring(ring: *mut io_uring, bgid: c_int) -> c_int {
    // SAFETY: `ring` is NULL or valid (C contract).
    unsafe { with_ring(ring, |r| buf_ring::unregister_buf_ring(r, bgid)) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_setup_buf_ring(
    ring: *mut io_uring,
    nentries: c_uint,
    bgid: c_int,
    flags: c_uint,
    err: *mut c_int,
) -> *mut io_uring_buf_ring {
    // SAFETY: `ring` is NULL or valid (C contract).
    let res = match unsafe { ring.as_ref() } {
        Some(r) => buf_ring::setup_buf_ring(r, nentries, bgid, flags),
        None => Err(Errno::EINVAL),
    };
    let (br, code) = match res {
        Ok(br) => (br.as_ptr(), 0),
        Err(e) => (core::ptr::null_mut(), e.to_neg()),
    };
    if !err.is_null() {
        // SAFETY: a non-NULL `err` points to a writable int (C contract).
        unsafe { err.write(code) };
    }
    br
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_free_buf_ring(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    nentries: c_uint,
    bgid: c_int,
) -> c_int {
    // SAFETY: `ring` is NULL or valid, `br` the ring set up for `bgid` (C contract).
    unsafe { with_ring(ring, |r| buf_ring::free_buf_ring(r, br, nentries, bgid)) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_head(ring: *mut io_uring, buf_group: c_int, head: *mut u16) -> c_int {
    // As in liburing the kernel is asked first; a NULL `head` is refused only when written.
    let query = |r: &io_uring| {
        // SAFETY: `head` is NULL or writable (C contract); store checks NULL.
        buf_ring::buf_ring_head(r, buf_group).and_then(|h| unsafe { store(head, h) }.map(|()| 0))
    };
    // SAFETY: `ring` is NULL or valid (C contract).
    unsafe { with_ring(ring, query) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_available(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    bgid: c_ushort,
) -> c_int {
    // SAFETY: `ring` is NULL or valid, `br` NULL or the live ring of group `bgid` (C contract).
    unsafe { with_ring(ring, |r| buf_ring::buf_ring_available(r, br, bgid).map(i32::from)) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_mask(ring_entries: __u32) -> c_int {
    buf_ring::buf_ring_mask(ring_entries)
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_init(br: *mut io_uring_buf_ring) {
    if !br.is_null() {
        // SAFETY: a non-NULL `br` is a live buffer ring (C contract).
        unsafe { buf_ring::buf_ring_init(br) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_add(
    br: *mut io_uring_buf_ring,
    addr: *mut c_void,
    len: c_uint,
    bid: c_ushort,
    mask: c_int,
    buf_offset: c_int,
) {
    if !br.is_null() {
        // SAFETY: a non-NULL `br` is a live ring of `mask + 1` entries (C contract).
        unsafe { buf_ring::buf_ring_add(br, addr, len, bid, mask, buf_offset) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_advance(br: *mut io_uring_buf_ring, count: c_int) {
    if !br.is_null() {
        // SAFETY: a non-NULL `br` is a live buffer ring (C contract).
        unsafe { buf_ring::buf_ring_advance(br, count) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_cq_advance(ring: *mut io_uring, br: *mut io_uring_buf_ring, count: c_int) {
    // SAFETY: `ring` is NULL or valid (C contract).
    if let (Some(r), false) = (unsafe { ring.as_mut() }, br.is_null()) {
        // SAFETY: a set-up ring and a live buffer ring (C contract).
        unsafe { buf_ring::buf_ring_cq_advance(r, br, count) }
    }
}

#[no_mangle]
pub unsafe extern "C" fn __io_uring_buf_ring_cq_advance(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    cq_count: c_int,
    buf_count: c_int,
) {
    // SAFETY: `ring` is NULL or valid (C contract).
    if let (Some(r), false) = (unsafe { ring.as_mut() }, br.is_null()) {
        // SAFETY: a set-up ring and a live buffer ring (C contract).
        unsafe { buf_ring::buf_ring_cq_advance_split(r, br, cq_count, buf_count) }
    }
}

/// Write an out-parameter, or -EFAULT for a NULL pointer.
///
/// # Safety
/// `p` must be NULL or valid for writes.
unsafe fn store<T>(p: *mut T, v: T) -> Result<(), Errno> {
    // SAFETY: caller contract; NULL is checked by as_mut.
    let slot = unsafe { p.as_mut() }.ok_or(Errno::EFAULT)?;
    *slot = v;
    Ok(())
}
