//! Provided-buffer rings (`IORING_REGISTER_PBUF_RING`).
//!
//! A buffer ring is an array of `nentries` 16-byte `io_uring_buf` entries shared with the
//! kernel. The application produces buffers (fills entries, then release-stores the
//! 16-bit tail); the kernel consumes them when a request with `IOSQE_BUFFER_SELECT` and
//! the ring's group id needs a buffer, and reports the buffer id in the CQE flags. The
//! ring header overlays entry 0: the tail lives in `bufs[0].resv` (byte offset 14), so
//! filling entry 0 must never write its `resv` field.
//!
//! Only the application writes the tail; the kernel keeps its head privately (readable
//! through `IORING_REGISTER_PBUF_STATUS`, see [`buf_ring_head`]).
//!
//! # Invariant
//!
//! The `unsafe` functions taking a `br` pointer all rely on one invariant, cited as:
//!
//! * **LIVE-BR**: `br` points to a provided-buffer ring that stays mapped for the call:
//!   page-aligned (as [`setup_buf_ring`] maps it and the kernel requires for
//!   registration), at least one 16-byte `io_uring_buf` long (`mask + 1` entries where a
//!   mask is given), with its tail `bufs[0].resv` accessed by this library and by the
//!   kernel only as an atomic 16-bit word (SHARED-WORD, see [`crate::barrier`]) and
//!   written only by the application.

use core::ffi::c_void;
use core::mem::size_of;
use core::ptr::{self, NonNull};

use crate::barrier;
use crate::errno::Errno;
use crate::register::do_register;
use crate::ring::{CompletionSide, RingRef};
use crate::sys::{
    io_uring_buf, io_uring_buf_reg, io_uring_buf_ring, io_uring_buf_status, syscall, IORING_REGISTER_PBUF_RING,
    IORING_REGISTER_PBUF_STATUS, IORING_UNREGISTER_PBUF_RING,
};

/// Bytes of a ring of `nentries` entries.
#[inline]
fn ring_bytes(nentries: u32) -> usize {
    nentries as usize * size_of::<io_uring_buf>()
}

/// The tail word of `br` (`bufs[0].resv`).
///
/// # Safety
/// `br` must satisfy LIVE-BR.
#[inline(always)]
unsafe fn tail_ptr(br: *mut io_uring_buf_ring) -> *mut u16 {
    // SAFETY: LIVE-BR: the ring is at least one 16-byte entry long, so the header's tail
    // field is in bounds; the projection forms no reference.
    unsafe { ptr::addr_of_mut!((*br).tail) }
}

/// `io_uring_register_buf_ring`: OR `flags` (e.g. `IOU_PBUF_RING_INC`,
/// `IOU_PBUF_RING_MMAP`) into `reg.flags` and register the ring it describes
/// (`IORING_REGISTER_PBUF_RING`, nr 1). The kernel wants `ring_entries` a power of two
/// up to 32768 and a page-aligned `ring_addr` (`EINVAL` otherwise), and a group id not
/// in use (`EEXIST`).
///
/// # Safety
/// `reg` must be NULL or point to a writable `io_uring_buf_reg`; unless
/// `IOU_PBUF_RING_MMAP` is set, `ring_addr` must be memory of `ring_entries * 16` bytes
/// that stays valid (and is not freed) until the ring is unregistered.
#[doc(alias = "io_uring_register_buf_ring")]
pub unsafe fn register_buf_ring(ring: RingRef<'_>, reg: *mut io_uring_buf_reg, flags: u32) -> Result<i32, Errno> {
    if let Some(reg) = NonNull::new(reg) {
        // The field is 16 bits wide; liburing truncates the same way.
        // SAFETY: `reg` is non-NULL here, so by this function's contract it points to a
        // writable io_uring_buf_reg that nothing else accesses during the call.
        unsafe { (*reg.as_ptr()).flags |= flags as u16 };
    }
    // SAFETY: REG-ARG: `reg` is NULL or one readable io_uring_buf_reg, and the memory it
    // names stays valid while registered, by this function's contract.
    unsafe { do_register(ring, IORING_REGISTER_PBUF_RING, reg.cast_const().cast(), 1) }
}

/// `io_uring_unregister_buf_ring`: remove buffer group `bgid`
/// (`IORING_UNREGISTER_PBUF_RING`, nr 1). `ENOENT` if there is no such ring.
#[doc(alias = "io_uring_unregister_buf_ring")]
pub fn unregister_buf_ring(ring: RingRef<'_>, bgid: i32) -> Result<i32, Errno> {
    let reg = io_uring_buf_reg {
        bgid: bgid as u16,
        ..Default::default()
    };
    // SAFETY: REG-ARG: `reg` is a local io_uring_buf_reg that lives across the call and
    // names no memory.
    unsafe { do_register(ring, IORING_UNREGISTER_PBUF_RING, ptr::from_ref(&reg).cast(), 1) }
}

/// `io_uring_buf_ring_head`: the kernel's consumer head of buffer group `buf_group`
/// (`IORING_REGISTER_PBUF_STATUS`, nr 1), truncated to 16 bits like the tail.
#[doc(alias = "io_uring_buf_ring_head")]
pub fn buf_ring_head(ring: RingRef<'_>, buf_group: i32) -> Result<u16, Errno> {
    let mut status = io_uring_buf_status {
        buf_group: buf_group as u32,
        ..Default::default()
    };
    // SAFETY: REG-ARG: the kernel reads and writes one io_uring_buf_status, the local
    // `status`, which lives across the call.
    unsafe {
        do_register(
            ring,
            IORING_REGISTER_PBUF_STATUS,
            ptr::from_mut(&mut status).cast_const().cast(),
            1,
        )
    }?;
    Ok(status.head as u16)
}

/// `io_uring_setup_buf_ring`: allocate a ring of `nentries` entries (anonymous private
/// memory), register it as group `bgid` with `flags`, and return it with its tail at 0.
/// On failure the memory is released and the error returned: the mmap's (`EINVAL` for
/// `nentries == 0`, `ENOMEM`) or the kernel's (`EINVAL` for a count that is not a power
/// of two or above 32768, `EEXIST` for a group id in use).
///
/// Release it with [`free_buf_ring`] and the same `nentries` and `bgid`.
#[doc(alias = "io_uring_setup_buf_ring")]
pub fn setup_buf_ring(
    ring: RingRef<'_>,
    nentries: u32,
    bgid: i32,
    flags: u32,
) -> Result<NonNull<io_uring_buf_ring>, Errno> {
    let len = ring_bytes(nentries);
    let prot = libc::PROT_READ | libc::PROT_WRITE;
    let map = libc::MAP_ANONYMOUS | libc::MAP_PRIVATE;
    // SAFETY: SYSCALL-ARGS: a fresh anonymous mapping at no fixed address replaces
    // nothing.
    let mem = unsafe { syscall::mmap(ptr::null_mut(), len, prot, map, -1, 0) }.map_err(|e| Errno(-e))?;
    let mut reg = io_uring_buf_reg {
        ring_addr: mem as u64,
        ring_entries: nentries,
        bgid: bgid as u16,
        ..Default::default()
    };
    // SAFETY: REG-ARG: `reg` is a writable local, and the `len` bytes it names are our
    // fresh mapping, which stays mapped until free_buf_ring (or right below, on failure).
    if let Err(e) = unsafe { register_buf_ring(ring, &mut reg, flags) } {
        // SAFETY: SYSCALL-ARGS: the mapping is ours and the kernel refused it, so nothing
        // uses it.
        unsafe { syscall::munmap(mem, len) };
        return Err(e);
    }
    let br = mem.cast::<io_uring_buf_ring>();
    // SAFETY: LIVE-BR: `br` is our page-aligned mapping of `nentries` entries, just
    // registered; its tail has not been touched yet.
    unsafe { buf_ring_init(br) };
    // mmap never returns NULL for a non-fixed mapping that succeeded.
    NonNull::new(br).ok_or(Errno::ENOMEM)
}

/// `io_uring_free_buf_ring`: unregister group `bgid`, then unmap the ring. If the
/// unregister fails (e.g. `ENOENT` on a second free) that error is returned and the
/// memory is left alone.
///
/// # Safety
/// `br` must be the ring [`setup_buf_ring`] returned for `nentries` entries and group
/// `bgid`, no longer used by the caller, or a ring the unregister will refuse.
#[doc(alias = "io_uring_free_buf_ring")]
pub unsafe fn free_buf_ring(
    ring: RingRef<'_>,
    br: *mut io_uring_buf_ring,
    nentries: u32,
    bgid: i32,
) -> Result<i32, Errno> {
    unregister_buf_ring(ring, bgid)?;
    // SAFETY: SYSCALL-ARGS: the unregister succeeded, so the kernel has let go of the
    // ring, and by this function's contract `br` is the `nentries`-entry mapping
    // setup_buf_ring made, which the caller no longer uses. As in liburing, an munmap
    // failure is not reported.
    unsafe { syscall::munmap(br.cast::<c_void>(), ring_bytes(nentries)) };
    Ok(0)
}

/// `io_uring_buf_ring_mask`: the index mask of a ring of `ring_entries` (a power of
/// two) entries: `ring_entries - 1`.
#[doc(alias = "io_uring_buf_ring_mask")]
#[inline]
pub fn buf_ring_mask(ring_entries: u32) -> i32 {
    ring_entries.wrapping_sub(1) as i32
}

/// `io_uring_buf_ring_init`: reset the tail to 0 (a new, empty ring).
///
/// # Safety
/// `br` must point to a live buffer ring (LIVE-BR).
#[doc(alias = "io_uring_buf_ring_init")]
#[inline]
pub unsafe fn buf_ring_init(br: *mut io_uring_buf_ring) {
    // Release store, pairing with the kernel's acquire load of the tail when it selects
    // a buffer: nothing the kernel could read depends on earlier writes here, but the
    // tail is shared memory and is only ever written atomically.
    // SAFETY: LIVE-BR, this function's contract.
    let tail = unsafe { tail_ptr(br) };
    // SAFETY: SHARED-WORD: LIVE-BR makes the tail a live, 2-byte aligned word that is only
    // accessed atomically.
    unsafe { barrier::store_release_u16(tail, 0) }
}

/// `io_uring_buf_ring_add`: fill entry `(tail + buf_offset) & mask` with buffer `bid`
/// (`addr`, `len`). Not visible to the kernel until [`buf_ring_advance`]. The entry's
/// `resv` field is left alone, since in entry 0 it is the ring's tail.
///
/// # Safety
/// `br` must point to a live ring of `mask + 1` entries (LIVE-BR, `mask` from
/// [`buf_ring_mask`]), and the entry must not be one the kernel may still consume
/// (between its head and the published tail).
#[doc(alias = "io_uring_buf_ring_add")]
#[inline]
pub unsafe fn buf_ring_add(
    br: *mut io_uring_buf_ring,
    addr: *mut c_void,
    len: u32,
    bid: u16,
    mask: i32,
    buf_offset: i32,
) {
    // SAFETY: LIVE-BR, this function's contract.
    let tail = unsafe { tail_ptr(br) };
    // Only we write the tail, so a relaxed load sees our own last store.
    // SAFETY: SHARED-WORD: LIVE-BR makes the tail a live, aligned, atomic-only word.
    let tail = unsafe { barrier::read_once_u16(tail) };
    let idx = (i32::from(tail).wrapping_add(buf_offset) & mask) as u32 as usize;
    // SAFETY: LIVE-BR: the ring has `mask + 1` entries and `idx <= mask`, so entry `idx`
    // lies inside the mapping.
    let buf = unsafe { br.cast::<io_uring_buf>().add(idx) };
    // Plain writes: the kernel reads this entry only after its acquire load of a tail
    // that covers it, and buf_ring_advance's release store orders these writes first.
    // Fields are written one by one through raw pointers so that `resv` (the tail, in
    // entry 0) is untouched. Each projection below forms no reference, and each write is
    // to an aligned field of the in-bounds entry `buf`, which by this function's contract
    // the kernel is not reading (it is not between the kernel's head and the tail).
    // SAFETY: LIVE-BR: `buf` is in bounds (above).
    let addr_field = unsafe { ptr::addr_of_mut!((*buf).addr) };
    // SAFETY: LIVE-BR and this function's contract: an unpublished entry (see above).
    unsafe { addr_field.write(addr as u64) };
    // SAFETY: LIVE-BR: `buf` is in bounds (above).
    let len_field = unsafe { ptr::addr_of_mut!((*buf).len) };
    // SAFETY: LIVE-BR and this function's contract: an unpublished entry (see above).
    unsafe { len_field.write(len) };
    // SAFETY: LIVE-BR: `buf` is in bounds (above).
    let bid_field = unsafe { ptr::addr_of_mut!((*buf).bid) };
    // SAFETY: LIVE-BR and this function's contract: an unpublished entry (see above).
    unsafe { bid_field.write(bid) };
}

/// `io_uring_buf_ring_advance`: publish `count` entries added since the last advance.
///
/// # Safety
/// `br` must point to a live buffer ring (LIVE-BR).
#[doc(alias = "io_uring_buf_ring_advance")]
#[inline]
pub unsafe fn buf_ring_advance(br: *mut io_uring_buf_ring, count: i32) {
    // SAFETY: LIVE-BR, this function's contract.
    let tail = unsafe { tail_ptr(br) };
    // Relaxed load: only we write the tail.
    // SAFETY: SHARED-WORD: LIVE-BR makes the tail a live, aligned, atomic-only word.
    let new_tail = unsafe { barrier::read_once_u16(tail) }.wrapping_add(count as u16);
    // Release store: makes the entries written by buf_ring_add visible before the new
    // tail. Pairs with the kernel's smp_load_acquire of the tail in buffer selection.
    // SAFETY: SHARED-WORD: LIVE-BR makes the tail a live, aligned, atomic-only word.
    unsafe { barrier::store_release_u16(tail, new_tail) }
}

/// `__io_uring_buf_ring_cq_advance`: publish `buf_count` buffers, then mark `cq_count`
/// CQEs seen, for the common "recycle the buffer of a completion" pattern.
///
/// # Safety
/// `br` must point to a live buffer ring (LIVE-BR); the caller has read the next
/// `cq_count` CQEs of `cq`.
#[doc(alias = "__io_uring_buf_ring_cq_advance")]
#[inline]
pub unsafe fn buf_ring_cq_advance_split(
    cq: &mut CompletionSide<'_>,
    br: *mut io_uring_buf_ring,
    cq_count: i32,
    buf_count: i32,
) {
    // SAFETY: LIVE-BR, this function's contract.
    unsafe { buf_ring_advance(br, buf_count) };
    // SAFETY: this function's contract: the caller read the next `cq_count` CQEs.
    unsafe { cq.cq_advance(cq_count as u32) };
}

/// `io_uring_buf_ring_cq_advance`: [`buf_ring_cq_advance_split`] with one count for both.
///
/// # Safety
/// As for [`buf_ring_cq_advance_split`].
#[doc(alias = "io_uring_buf_ring_cq_advance")]
#[inline]
pub unsafe fn buf_ring_cq_advance(cq: &mut CompletionSide<'_>, br: *mut io_uring_buf_ring, count: i32) {
    // SAFETY: LIVE-BR, and the caller has read the next `count` CQEs: this function's
    // contract, which is buf_ring_cq_advance_split's with both counts equal.
    unsafe { buf_ring_cq_advance_split(cq, br, count, count) }
}

/// `io_uring_buf_ring_available`: how many published buffers the kernel has not
/// consumed yet (`tail - head`, 16-bit), or the error of [`buf_ring_head`].
///
/// # Safety
/// `br` must be NULL or point to the live ring registered as group `bgid` on `ring`
/// (LIVE-BR).
#[doc(alias = "io_uring_buf_ring_available")]
pub unsafe fn buf_ring_available(ring: RingRef<'_>, br: *mut io_uring_buf_ring, bgid: u16) -> Result<u16, Errno> {
    // The kernel is asked first, as liburing does: an unknown group is -ENOENT whatever
    // `br` is; only then is a NULL `br` refused instead of read.
    let head = buf_ring_head(ring, i32::from(bgid))?;
    if br.is_null() {
        return Err(Errno::EINVAL);
    }
    // SAFETY: LIVE-BR: `br` is non-NULL here, so by this function's contract it is live.
    let tail = unsafe { tail_ptr(br) };
    // Relaxed load: only we write the tail.
    // SAFETY: SHARED-WORD: LIVE-BR makes the tail a live, aligned, atomic-only word.
    let tail = unsafe { barrier::read_once_u16(tail) };
    Ok(tail.wrapping_sub(head))
}
