//! C exports: provided-buffer rings (spec 1.2, "Provided-buffer rings"), including the
//! helpers liburing only has as `static inline`.
//!
//! A NULL ring gives -EINVAL (NULL plus `*err = -EINVAL` for `io_uring_setup_buf_ring`);
//! the `void` helpers do nothing for a NULL ring or buffer ring.

use super::ctypes::{__u32, c_int, c_uint, c_ushort, c_void};
use super::register::with_ring;
use super::{cq_side, ring_ref};
use crate::buf_ring;
use crate::errno::Errno;
use crate::ring::{io_uring, RingRef};
use crate::sys::{io_uring_buf_reg, io_uring_buf_ring};

/// Registers a provided-buffer ring that the caller allocated, described by `*reg`
/// (address, number of entries, a power of two, and buffer group id); `flags` (for example
/// `IOU_PBUF_RING_INC`) are added to `reg->flags`.
///
/// Returns 0 on success, or a negative errno: -EEXIST when the group id is in use, -EINVAL
/// for a bad size, address or flags (or NULL arguments), -EFAULT, -ENOMEM.
///
/// Since liburing 2.2; exported as `io_uring_register_buf_ring@@LIBURING_2.2`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buf_ring(
    ring: *mut io_uring,
    reg: *mut io_uring_buf_reg,
    flags: c_uint,
) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `reg` is NULL or a writable io_uring_buf_reg, and
        // the ring memory it names stays valid until it is unregistered.
        unsafe { buf_ring::register_buf_ring(r, reg, flags) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Unregisters provided-buffer ring group `bgid`. The memory stays the caller's.
///
/// Returns 0 on success, or a negative errno: -ENOENT when no such group exists, -EINVAL
/// for a NULL ring.
///
/// Since liburing 2.2; exported as `io_uring_unregister_buf_ring@@LIBURING_2.2`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_buf_ring(ring: *mut io_uring, bgid: c_int) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| buf_ring::unregister_buf_ring(r, bgid)) }
}

/// Allocates, initialises and registers a provided-buffer ring of `nentries` (a power of
/// two) buffers for group `bgid`, with registration `flags`. Add buffers with
/// io_uring_buf_ring_add() and io_uring_buf_ring_advance(); free it with
/// io_uring_free_buf_ring().
///
/// Returns the ring, or NULL with the negative errno in `*err` (-EINVAL for a bad count or
/// a NULL ring, -EEXIST, -ENOMEM, ...); `*err` is 0 on success.
///
/// Since liburing 2.4; exported as `io_uring_setup_buf_ring@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_setup_buf_ring(
    ring: *mut io_uring,
    nentries: c_uint,
    bgid: c_int,
    flags: c_uint,
    err: *mut c_int,
) -> *mut io_uring_buf_ring {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    let res = unsafe { ring_ref(ring) }.and_then(|r| buf_ring::setup_buf_ring(r, nentries, bgid, flags));
    let (br, code) = match res {
        Ok(br) => (br.as_ptr(), 0),
        Err(e) => (core::ptr::null_mut(), e.to_neg()),
    };
    if !err.is_null() {
        // SAFETY: C-CONTRACT: the non-NULL `err` points to a writable int.
        unsafe { err.write(code) };
    }
    br
}

/// Unregisters provided-buffer ring group `bgid` and frees the ring `br` of `nentries`
/// entries that io_uring_setup_buf_ring() returned. If the unregister fails the memory is
/// kept.
///
/// Returns 0 on success, or the negative errno of the unregister (-ENOENT, -EINVAL).
///
/// Since liburing 2.4; exported as `io_uring_free_buf_ring@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_free_buf_ring(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    nentries: c_uint,
    bgid: c_int,
) -> c_int {
    let free = |r: RingRef<'_>| {
        // SAFETY: by C-CONTRACT `br` is the ring io_uring_setup_buf_ring returned for
        // `nentries` entries and group `bgid`, no longer used by the caller (or one the
        // unregister refuses): free_buf_ring's contract.
        unsafe { buf_ring::free_buf_ring(r, br, nentries, bgid) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, free) }
}

/// Stores the kernel's current head of provided-buffer ring group `buf_group` (the next
/// buffer it will use) in `*head`.
///
/// Returns 0 on success, or a negative errno: -ENOENT for an unknown group, -EINVAL for
/// NULL arguments or an old kernel.
///
/// Since liburing 2.6; exported as `io_uring_buf_ring_head@@LIBURING_2.6`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_head(ring: *mut io_uring, buf_group: c_int, head: *mut u16) -> c_int {
    // As in liburing the kernel is asked first; a NULL `head` is refused only when written.
    let query = |r: RingRef<'_>| {
        // SAFETY: C-CONTRACT: `head` is NULL or a writable u16, which is store's contract
        // (it answers NULL with EFAULT).
        buf_ring::buf_ring_head(r, buf_group).and_then(|h| unsafe { store(head, h) }.map(|()| 0))
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, query) }
}

/// Returns how many buffers of ring `br` (group `bgid`) the kernel has not consumed yet, or
/// a negative errno from io_uring_buf_ring_head().
///
/// Since liburing 2.6 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_buf_ring_available@@LIBURING_2.6`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_available(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    bgid: c_ushort,
) -> c_int {
    let available = |r: RingRef<'_>| {
        // SAFETY: LIVE-BR: by C-CONTRACT `br` is NULL or the live ring registered as group
        // `bgid`.
        unsafe { buf_ring::buf_ring_available(r, br, bgid) }.map(i32::from)
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, available) }
}

/// Returns the index mask for a provided-buffer ring of `ring_entries` entries
/// (`ring_entries - 1`), for io_uring_buf_ring_add().
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_buf_ring_mask@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_mask(ring_entries: __u32) -> c_int {
    buf_ring::buf_ring_mask(ring_entries)
}

/// Resets the tail of provided-buffer ring `br` to 0 (io_uring_setup_buf_ring() does this
/// already). Returns nothing.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_buf_ring_init@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_init(br: *mut io_uring_buf_ring) {
    if !br.is_null() {
        // SAFETY: LIVE-BR: by C-CONTRACT the non-NULL `br` is a live buffer ring.
        unsafe { buf_ring::buf_ring_init(br) }
    }
}

/// Writes buffer `addr` of `len` bytes with id `bid` into the slot `buf_offset` places
/// after the tail of ring `br` (`mask` from io_uring_buf_ring_mask()). The kernel does not
/// see it until io_uring_buf_ring_advance(). Returns nothing.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_buf_ring_add@@LIBURING_2.4`.
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
        // SAFETY: LIVE-BR: by C-CONTRACT the non-NULL `br` is a live ring of `mask + 1`
        // entries, and the entry written is not one the kernel may still consume.
        unsafe { buf_ring::buf_ring_add(br, addr, len, bid, mask, buf_offset) }
    }
}

/// Publishes `count` buffers added with io_uring_buf_ring_add() to the kernel by moving the
/// ring's tail (a release store). Returns nothing.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_buf_ring_advance@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_advance(br: *mut io_uring_buf_ring, count: c_int) {
    if !br.is_null() {
        // SAFETY: LIVE-BR: by C-CONTRACT the non-NULL `br` is a live buffer ring.
        unsafe { buf_ring::buf_ring_advance(br, count) }
    }
}

/// Publishes `count` buffers to ring `br` and marks `count` completions seen, in one step:
/// io_uring_buf_ring_advance() plus io_uring_cq_advance(). Returns nothing.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_buf_ring_cq_advance@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_buf_ring_cq_advance(ring: *mut io_uring, br: *mut io_uring_buf_ring, count: c_int) {
    // SAFETY: C-CONTRACT for this function is __io_uring_buf_ring_cq_advance's with both
    // counts equal.
    unsafe { __io_uring_buf_ring_cq_advance(ring, br, count, count) }
}

/// As io_uring_buf_ring_cq_advance(), with separate counts: `buf_count` buffers published,
/// `cq_count` completions marked seen. Returns nothing.
///
/// Since liburing 2.4 (an inline function in liburing's own liburing.h); exported as
/// `__io_uring_buf_ring_cq_advance@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_buf_ring_cq_advance(
    ring: *mut io_uring,
    br: *mut io_uring_buf_ring,
    cq_count: c_int,
    buf_count: c_int,
) {
    if br.is_null() || ring.is_null() {
        return;
    }
    // A ring that was never set up (all zero, no CQ mapping) is tolerated here, as the
    // tests of liburing-era programs expect: only the buffer ring moves. Look at the one
    // field that tells, before treating the struct as SET-UP.
    // SAFETY: C-CONTRACT: a non-NULL `ring` points to a `struct io_uring` (set up or
    // zeroed), so the field's address is in bounds.
    let khead_field = unsafe { core::ptr::addr_of!((*ring).cq.khead) };
    // SAFETY: as above; the CQ head pointer is written only by exclusive operations,
    // which do not run concurrently (C-CONTRACT).
    let khead = unsafe { khead_field.read() };
    if khead.is_null() {
        // SAFETY: LIVE-BR: by C-CONTRACT the non-NULL `br` is a live buffer ring.
        unsafe { buf_ring::buf_ring_advance(br, buf_count) };
        return;
    }
    // SAFETY: C-CONTRACT: a ring with a CQ mapping is SET-UP with no exclusive operation
    // running, and the caller is its only reaper (CQ-OWNER).
    let Ok(mut cq) = (unsafe { cq_side(ring) }) else {
        return;
    };
    // SAFETY: LIVE-BR: by C-CONTRACT the non-NULL `br` is a live buffer ring, and the
    // caller has read the next `cq_count` CQEs of this set-up ring.
    unsafe { buf_ring::buf_ring_cq_advance_split(&mut cq, br, cq_count, buf_count) }
}

/// Write an out-parameter, or -EFAULT for a NULL pointer.
///
/// # Safety
/// `p` must be NULL or valid for writes, and not accessed elsewhere during the call.
unsafe fn store<T>(p: *mut T, v: T) -> Result<(), Errno> {
    // SAFETY: by this function's contract `p` is NULL (`as_mut` gives `None`) or
    // writable, aligned and unaliased for the call.
    let slot = unsafe { p.as_mut() }.ok_or(Errno::EFAULT)?;
    *slot = v;
    Ok(())
}
