//! Registered (fixed) buffers: `io_uring_register_buffers*`, `io_uring_unregister_buffers`
//! and the buffer-table cloning calls.
//!
//! The kernel pins the pages an iovec describes and keeps them until the buffers are
//! unregistered or the ring goes away; later `*_FIXED` requests read and write them.
//! That is why the functions taking iovecs are `unsafe`: the caller promises the memory
//! stays valid (and is not used for anything else the kernel could corrupt) for as long
//! as it is registered. "Registered" includes every ring the table was cloned into
//! ([`clone_buffers`] and friends): a clone shares the same pinned buffers, which stay
//! usable by `*_FIXED` requests on that ring after the original unregisters them.

use core::ffi::c_void;
use core::mem::size_of;
use core::ptr;

use libc::iovec;

use super::do_register;
use crate::errno::Errno;
use crate::ring::{RingRef, INT_FLAG_REG_REG_RING};
use crate::sys::{
    io_uring_clone_buffers, io_uring_rsrc_register, io_uring_rsrc_update2, IORING_REGISTER_BUFFERS,
    IORING_REGISTER_BUFFERS2, IORING_REGISTER_BUFFERS_UPDATE, IORING_REGISTER_CLONE_BUFFERS,
    IORING_REGISTER_SRC_REGISTERED, IORING_RSRC_REGISTER_SPARSE, IORING_UNREGISTER_BUFFERS,
};

/// `nr_args` of the `*_tags` / `*_sparse` / `*_update_tag` variants: the size of the
/// argument struct (both `io_uring_rsrc_register` and `io_uring_rsrc_update2` are 32 bytes).
pub(crate) const RSRC_ARG_SIZE: u32 = size_of::<io_uring_rsrc_register>() as u32;

/// Slice length as the kernel's `unsigned` count; longer slices cannot be described.
pub(crate) fn count<T>(s: &[T]) -> Result<u32, Errno> {
    u32::try_from(s.len()).map_err(|_| Errno::EINVAL)
}

/// The common shape of the three table-update variants (`io_uring_rsrc_update2`).
pub(crate) fn rsrc_update2(off: u32, data: *const c_void, tags: *const u64, nr: u32) -> io_uring_rsrc_update2 {
    io_uring_rsrc_update2 {
        offset: off,
        resv: 0,
        data: data as u64,
        tags: tags as u64,
        nr,
        resv2: 0,
    }
}

/// The common shape of the table-register variants (`io_uring_rsrc_register`).
pub(crate) fn rsrc_register(nr: u32, flags: u32, data: *const c_void, tags: *const u64) -> io_uring_rsrc_register {
    io_uring_rsrc_register {
        nr,
        flags,
        resv2: 0,
        data: data as u64,
        tags: tags as u64,
    }
}

/// `io_uring_register_buffers`: register `nr_iovecs` buffers (`IORING_REGISTER_BUFFERS`).
///
/// Returns the kernel's answer (0), or e.g. `EFAULT` for memory that cannot be pinned,
/// `EBUSY` if buffers are already registered, `EINVAL` for a zero count or a buffer
/// over 1 GiB, `ENOMEM`/`EPERM` when the memlock limit is exceeded.
///
/// # Safety
/// `iovecs` must be NULL or point to `nr_iovecs` readable `iovec`s (the kernel rejects a
/// bad array with `EFAULT`), and every buffer they describe must stay valid and unused by
/// anything else until it is unregistered or the ring is torn down.
#[doc(alias = "io_uring_register_buffers")]
pub unsafe fn register_buffers_raw(ring: RingRef<'_>, iovecs: *const iovec, nr_iovecs: u32) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads `nr_iovecs` iovecs at `iovecs`, which by this
    // function's contract are NULL or readable and describe buffers that stay valid while
    // registered.
    unsafe { do_register(ring, IORING_REGISTER_BUFFERS, iovecs.cast(), nr_iovecs) }
}

/// [`register_buffers_raw`] over a slice.
///
/// # Safety
/// Every buffer in `iovecs` must stay valid and unused by anything else until it is
/// unregistered or the ring is torn down.
#[doc(alias = "io_uring_register_buffers")]
pub unsafe fn register_buffers(ring: RingRef<'_>, iovecs: &[iovec]) -> Result<i32, Errno> {
    let nr = count(iovecs)?;
    // SAFETY: REG-ARG: the slice holds `nr` readable iovecs, and the buffers they describe
    // stay valid while registered by this function's contract: register_buffers_raw's.
    unsafe { register_buffers_raw(ring, iovecs.as_ptr(), nr) }
}

/// `io_uring_register_buffers_tags`: register `nr` buffers with a 64-bit tag each
/// (`IORING_REGISTER_BUFFERS2`). A non-zero tag posts a CQE with that `user_data` once
/// the buffer is fully released after removal.
///
/// # Safety
/// `iovecs` must be NULL or point to `nr` iovecs and `tags` must be NULL (no tags) or
/// point to `nr` values; the buffers as for [`register_buffers`].
#[doc(alias = "io_uring_register_buffers_tags")]
pub unsafe fn register_buffers_tags_raw(
    ring: RingRef<'_>,
    iovecs: *const iovec,
    tags: *const u64,
    nr: u32,
) -> Result<i32, Errno> {
    let reg = rsrc_register(nr, 0, iovecs.cast(), tags);
    // SAFETY: REG-ARG: `reg` is a local that lives across the call; the `nr` iovecs and
    // tags it names are NULL or readable, and the buffers stay valid while registered, by
    // this function's contract.
    unsafe {
        do_register(
            ring,
            IORING_REGISTER_BUFFERS2,
            ptr::from_ref(&reg).cast(),
            RSRC_ARG_SIZE,
        )
    }
}

/// [`register_buffers_tags_raw`] over slices; `EINVAL` if their lengths differ.
///
/// # Safety
/// As for [`register_buffers`].
#[doc(alias = "io_uring_register_buffers_tags")]
pub unsafe fn register_buffers_tags(ring: RingRef<'_>, iovecs: &[iovec], tags: &[u64]) -> Result<i32, Errno> {
    if iovecs.len() != tags.len() {
        return Err(Errno::EINVAL);
    }
    let nr = count(iovecs)?;
    // SAFETY: REG-ARG: both slices hold `nr` readable elements, and the buffers stay valid
    // while registered by this function's contract: register_buffers_tags_raw's.
    unsafe { register_buffers_tags_raw(ring, iovecs.as_ptr(), tags.as_ptr(), nr) }
}

/// `io_uring_register_buffers_sparse`: create a table of `nr` empty buffer slots, to be
/// filled with [`register_buffers_update_tag`] or by cloning.
#[doc(alias = "io_uring_register_buffers_sparse")]
pub fn register_buffers_sparse(ring: RingRef<'_>, nr: u32) -> Result<i32, Errno> {
    let reg = rsrc_register(nr, IORING_RSRC_REGISTER_SPARSE, ptr::null(), ptr::null());
    // SAFETY: REG-ARG: `reg` is a local rsrc_register that lives across the call and
    // names no data or tag arrays.
    unsafe {
        do_register(
            ring,
            IORING_REGISTER_BUFFERS2,
            ptr::from_ref(&reg).cast(),
            RSRC_ARG_SIZE,
        )
    }
}

/// `io_uring_register_buffers_update_tag`: replace the `nr` buffer slots starting at
/// `off` (`IORING_REGISTER_BUFFERS_UPDATE`); an iovec with a NULL base and length 0
/// empties its slot. Returns the number of slots updated.
///
/// # Safety
/// As for [`register_buffers_tags_raw`].
#[doc(alias = "io_uring_register_buffers_update_tag")]
pub unsafe fn register_buffers_update_tag_raw(
    ring: RingRef<'_>,
    off: u32,
    iovecs: *const iovec,
    tags: *const u64,
    nr: u32,
) -> Result<i32, Errno> {
    let up = rsrc_update2(off, iovecs.cast(), tags, nr);
    // SAFETY: REG-ARG: `up` is a local that lives across the call; the `nr` iovecs and
    // tags it names are NULL or readable, and the buffers stay valid while registered, by
    // this function's contract.
    unsafe {
        do_register(
            ring,
            IORING_REGISTER_BUFFERS_UPDATE,
            ptr::from_ref(&up).cast(),
            RSRC_ARG_SIZE,
        )
    }
}

/// [`register_buffers_update_tag_raw`] over slices (`tags` may be empty for "no tags");
/// `EINVAL` if a non-empty `tags` differs in length from `iovecs`.
///
/// # Safety
/// As for [`register_buffers`].
#[doc(alias = "io_uring_register_buffers_update_tag")]
pub unsafe fn register_buffers_update_tag(
    ring: RingRef<'_>,
    off: u32,
    iovecs: &[iovec],
    tags: &[u64],
) -> Result<i32, Errno> {
    let tags = match tags.len() {
        0 => ptr::null(),
        n if n == iovecs.len() => tags.as_ptr(),
        _ => return Err(Errno::EINVAL),
    };
    let nr = count(iovecs)?;
    // SAFETY: REG-ARG: `iovecs` holds `nr` readable elements and `tags` is NULL or holds
    // `nr` too; the buffers stay valid while registered by this function's contract.
    unsafe { register_buffers_update_tag_raw(ring, off, iovecs.as_ptr(), tags, nr) }
}

/// `io_uring_unregister_buffers` (`IORING_UNREGISTER_BUFFERS`): `ENXIO` if none are
/// registered.
#[doc(alias = "io_uring_unregister_buffers")]
pub fn unregister_buffers(ring: RingRef<'_>) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: UNREGISTER_BUFFERS takes no argument, and NULL is passed.
    unsafe { do_register(ring, IORING_UNREGISTER_BUFFERS, ptr::null(), 0) }
}

/// `__io_uring_clone_buffers_offset`: copy `nr` registered buffers of `src`, starting at
/// `src_off`, into `dst`'s table at `dst_off` (`IORING_REGISTER_CLONE_BUFFERS` on `dst`).
/// `nr == 0` means the whole table. `flags` may hold `IORING_REGISTER_SRC_REGISTERED`
/// (name `src` by its registered ring index, honoured only when `src` has a registered
/// ring fd usable for registration) and `IORING_REGISTER_DST_REPLACE`.
///
/// # Safety
/// The buffers cloned from `src` become registered in `dst` too, and the kernel writes
/// to them for `dst`'s fixed-buffer requests: their memory must stay allocated, and not
/// be reused, until `dst` has unregistered them (or is torn down). An owner that frees
/// the memory when `src` lets go (such as `uring::api::owned`'s `FixedBufPool`) knows
/// nothing of the copy, so the caller must (REG-CLONE).
#[doc(alias = "__io_uring_clone_buffers_offset")]
pub unsafe fn clone_buffers_offset_with_flags(
    dst: RingRef<'_>,
    src: RingRef<'_>,
    dst_off: u32,
    src_off: u32,
    nr: u32,
    flags: u32,
) -> Result<i32, Errno> {
    let (src_fd, flags) = if flags & IORING_REGISTER_SRC_REGISTERED != 0 && src.int_flags() & INT_FLAG_REG_REG_RING != 0
    {
        (src.enter_fd(), flags)
    } else {
        (src.ring_fd(), flags & !IORING_REGISTER_SRC_REGISTERED)
    };
    let arg = io_uring_clone_buffers {
        src_fd: src_fd as u32,
        flags,
        src_off,
        dst_off,
        nr,
        pad: [0; 3],
    };
    // SAFETY: REG-ARG: `arg` is a local io_uring_clone_buffers that lives across the
    // call and names no memory; the cloned buffers' lifetime is REG-CLONE, this
    // function's contract.
    unsafe { do_register(dst, IORING_REGISTER_CLONE_BUFFERS, ptr::from_ref(&arg).cast(), 1) }
}

/// `__io_uring_clone_buffers`: clone `src`'s whole buffer table into `dst` with `flags`
/// as given.
///
/// # Safety
/// The buffers cloned from `src` become registered in `dst` too, and the kernel writes
/// to them for `dst`'s fixed-buffer requests: their memory must stay allocated, and not
/// be reused, until `dst` has unregistered them (or is torn down). An owner that frees
/// the memory when `src` lets go (such as `uring::api::owned`'s `FixedBufPool`) knows
/// nothing of the copy, so the caller must (REG-CLONE, as for [`clone_buffers_offset_with_flags`]).
#[doc(alias = "__io_uring_clone_buffers")]
pub unsafe fn clone_buffers_with_flags(dst: RingRef<'_>, src: RingRef<'_>, flags: u32) -> Result<i32, Errno> {
    // SAFETY: REG-CLONE is this function's contract.
    unsafe { clone_buffers_offset_with_flags(dst, src, 0, 0, 0, flags) }
}

/// `io_uring_clone_buffers`: clone `src`'s whole buffer table into `dst` (which must
/// have none yet), using `src`'s registered ring index when it has one.
///
/// # Safety
/// The buffers cloned from `src` become registered in `dst` too, and the kernel writes
/// to them for `dst`'s fixed-buffer requests: their memory must stay allocated, and not
/// be reused, until `dst` has unregistered them (or is torn down). An owner that frees
/// the memory when `src` lets go (such as `uring::api::owned`'s `FixedBufPool`) knows
/// nothing of the copy, so the caller must (REG-CLONE, as for [`clone_buffers_offset_with_flags`]).
#[doc(alias = "io_uring_clone_buffers")]
pub unsafe fn clone_buffers(dst: RingRef<'_>, src: RingRef<'_>) -> Result<i32, Errno> {
    // SAFETY: REG-CLONE is this function's contract.
    unsafe { clone_buffers_with_flags(dst, src, IORING_REGISTER_SRC_REGISTERED) }
}

/// `io_uring_clone_buffers_offset`: [`clone_buffers_offset_with_flags`] with
/// `IORING_REGISTER_SRC_REGISTERED` always added.
///
/// # Safety
/// The buffers cloned from `src` become registered in `dst` too, and the kernel writes
/// to them for `dst`'s fixed-buffer requests: their memory must stay allocated, and not
/// be reused, until `dst` has unregistered them (or is torn down). An owner that frees
/// the memory when `src` lets go (such as `uring::api::owned`'s `FixedBufPool`) knows
/// nothing of the copy, so the caller must (REG-CLONE, as for [`clone_buffers_offset_with_flags`]).
#[doc(alias = "io_uring_clone_buffers_offset")]
pub unsafe fn clone_buffers_offset(
    dst: RingRef<'_>,
    src: RingRef<'_>,
    dst_off: u32,
    src_off: u32,
    nr: u32,
    flags: u32,
) -> Result<i32, Errno> {
    // SAFETY: REG-CLONE is this function's contract.
    unsafe { clone_buffers_offset_with_flags(dst, src, dst_off, src_off, nr, flags | IORING_REGISTER_SRC_REGISTERED) }
}
