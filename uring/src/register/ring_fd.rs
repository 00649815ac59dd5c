//! Registered ring fds (`io_uring_register_ring_fd` and friends) and `enable_rings`.
//!
//! Registering the ring fd lets `io_uring_enter` skip the fd table lookup; with
//! IORING_FEAT_REG_REG_RING the registered index also works for `io_uring_register`,
//! which is what allows closing the real fd.

use core::ffi::c_void;
use core::ptr;

use super::do_register;
use crate::errno::Errno;
use crate::ring::{io_uring, RingRef, INT_FLAG_NO_IOWAIT, INT_FLAG_REG_REG_RING, INT_FLAG_REG_RING};
use crate::sys::*;

/// `io_uring_register_ring_fd`: returns 1 (the number of fds registered).
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn register_ring_fd(ring: &mut io_uring) -> Result<i32, Errno> {
    if ring.int_flags & INT_FLAG_REG_RING != 0 {
        return Err(Errno::EEXIST);
    }
    let mut up = io_uring_rsrc_update {
        offset: u32::MAX,
        resv: 0,
        data: ring.ring_fd as u64,
    };
    // SAFETY: SET-UP by this function's contract; the `&mut` borrow keeps every other
    // access away while the handle lives.
    let handle = unsafe { ring.as_ring_ref() };
    // SAFETY: REG-ARG: `up` is one local update entry the kernel reads and writes back.
    let ret = unsafe { do_register(handle, IORING_REGISTER_RING_FDS, &mut up as *mut _ as *const c_void, 1) }?;
    if ret == 1 {
        ring.enter_ring_fd = up.offset as i32;
        ring.int_flags |= INT_FLAG_REG_RING;
        if ring.features & IORING_FEAT_REG_REG_RING != 0 {
            ring.int_flags |= INT_FLAG_REG_REG_RING;
        }
    }
    Ok(ret)
}

/// `io_uring_unregister_ring_fd`: returns 1.
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn unregister_ring_fd(ring: &mut io_uring) -> Result<i32, Errno> {
    if ring.int_flags & INT_FLAG_REG_RING == 0 {
        return Err(Errno::EINVAL);
    }
    let up = io_uring_rsrc_update {
        offset: ring.enter_ring_fd as u32,
        resv: 0,
        data: 0,
    };
    // SAFETY: SET-UP by this function's contract; the `&mut` borrow keeps every other
    // access away while the handle lives.
    let handle = unsafe { ring.as_ring_ref() };
    // SAFETY: REG-ARG: `up` is one local update entry the kernel reads.
    let ret = unsafe { do_register(handle, IORING_UNREGISTER_RING_FDS, &up as *const _ as *const c_void, 1) }?;
    if ret == 1 {
        ring.enter_ring_fd = ring.ring_fd;
        ring.int_flags &= !(INT_FLAG_REG_RING | INT_FLAG_REG_REG_RING);
    }
    Ok(ret)
}

/// `io_uring_close_ring_fd`: close the real fd of a ring whose fd is registered; returns 1.
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn close_ring_fd(ring: &mut io_uring) -> Result<i32, Errno> {
    if ring.features & IORING_FEAT_REG_REG_RING == 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    if ring.int_flags & INT_FLAG_REG_RING == 0 {
        return Err(Errno::EINVAL);
    }
    if ring.ring_fd == -1 {
        return Err(Errno::EBADF);
    }
    crate::sys::syscall::close(ring.ring_fd);
    ring.ring_fd = -1;
    Ok(1)
}

/// `io_uring_enable_rings`: start a ring created with IORING_SETUP_R_DISABLED.
pub fn enable_rings(ring: RingRef<'_>) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: ENABLE_RINGS takes no argument, and NULL is passed.
    unsafe { do_register(ring, IORING_REGISTER_ENABLE_RINGS, ptr::null(), 0) }
}

/// `io_uring_set_iowait`: whether waiting for completions counts as iowait.
pub fn set_iowait(ring: &mut io_uring, enable_iowait: bool) -> Result<i32, Errno> {
    if ring.features & IORING_FEAT_NO_IOWAIT == 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    if enable_iowait {
        ring.int_flags &= !INT_FLAG_NO_IOWAIT;
    } else {
        ring.int_flags |= INT_FLAG_NO_IOWAIT;
    }
    Ok(0)
}
