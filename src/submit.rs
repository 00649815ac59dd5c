//! The submission side: handing out SQEs, publishing them to the kernel, and deciding
//! when `io_uring_enter(2)` is needed at all.
//!
//! Ordering: the SQ tail is ours and the head is the kernel's. Without SQPOLL the kernel
//! only reads the tail inside `io_uring_enter`, which orders everything before it, so a
//! relaxed store suffices; with SQPOLL a kernel thread reads the tail concurrently, so
//! the tail is published with a release store (pairing with the SQ thread's acquire load
//! of the tail) and the head is read with an acquire load (pairing with the kernel's
//! release of the head after it has copied the SQEs out).

use core::ffi::c_void;
use core::ptr;

use crate::barrier;
use crate::errno::Errno;
use crate::ring::{io_uring, INT_FLAGS_ENTER_MASK, INT_FLAG_CQ_ENTER};
use crate::sys::syscall;
use crate::sys::*;

/// The sigset size `io_uring_enter` is given (`_NSIG / 8`).
pub(crate) const NSIG_BYTES: usize = 65 / 8;

/// `io_uring_load_sq_head`: the kernel's SQ head.
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline(always)]
pub unsafe fn load_sq_head(ring: &io_uring) -> u32 {
    // With SQPOLL, acquire pairs with the SQ thread's release store of the head once it
    // has consumed the SQEs: after we see it, the slots below it are ours to reuse.
    // Without SQPOLL the head only moves inside io_uring_enter, which this thread called,
    // so relaxed would do; acquire is a plain load on x86-64 and keeps get_sqe free of a
    // branch on the ring flags.
    // SAFETY: khead points into the live SQ ring.
    unsafe { barrier::load_acquire(ring.sq.khead) }
}

/// `io_uring_sq_ready`: SQEs handed out by `get_sqe` but not yet consumed by the kernel.
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn sq_ready(ring: &io_uring) -> u32 {
    // SAFETY: caller contract.
    ring.sq.sqe_tail.wrapping_sub(unsafe { load_sq_head(ring) })
}

/// `io_uring_sq_space_left`: free SQ slots.
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn sq_space_left(ring: &io_uring) -> u32 {
    // SAFETY: caller contract.
    ring.sq.ring_entries.wrapping_sub(unsafe { sq_ready(ring) })
}

/// `io_uring_get_sqe`: the next free SQE, with the fields preparers do not own cleared,
/// or NULL when the SQ is full (it never submits on its own).
///
/// # Safety
/// `ring` must be a set-up ring. The SQE stays valid until it is submitted.
#[inline]
pub unsafe fn get_sqe(ring: &mut io_uring) -> *mut io_uring_sqe {
    // SAFETY: caller contract.
    let head = unsafe { load_sq_head(ring) };
    let tail = ring.sq.sqe_tail;
    if tail.wrapping_sub(head) >= ring.sq.ring_entries {
        return ptr::null_mut();
    }
    let index = ((tail & ring.sq.ring_mask) << ring.sqe_shift()) as usize;
    // The slot is free because tail - head < entries: the kernel is done with it.
    // SAFETY: index < ring_entries << shift, inside the SQE array.
    let sqe = unsafe { &mut *ring.sq.sqes.add(index) };
    ring.sq.sqe_tail = tail.wrapping_add(1);
    crate::prep::initialize_sqe(sqe);
    sqe
}

/// `io_uring_get_sqe128`: a 128-byte SQE. On SQE128 rings this is `get_sqe`; on
/// SQE_MIXED rings it takes two consecutive 64-byte slots (padding the ring end with a
/// skipped NOP when the pair would wrap); other rings get NULL.
///
/// # Safety
/// As for [`get_sqe`].
pub unsafe fn get_sqe128(ring: &mut io_uring) -> *mut io_uring_sqe {
    if ring.flags & IORING_SETUP_SQE128 != 0 {
        // SAFETY: caller contract.
        return unsafe { get_sqe(ring) };
    }
    if ring.flags & IORING_SETUP_SQE_MIXED == 0 {
        return ptr::null_mut();
    }
    // SAFETY: caller contract.
    let head = unsafe { load_sq_head(ring) };
    let mut tail = ring.sq.sqe_tail;
    let mask = ring.sq.ring_mask;
    let entries = ring.sq.ring_entries;
    if tail.wrapping_add(1) & mask == 0 {
        // The pair would straddle the ring end: fill the last slot with a NOP whose
        // completion is skipped and start the pair at index 0.
        if tail.wrapping_add(2).wrapping_sub(head) >= entries {
            return ptr::null_mut();
        }
        // SAFETY: tail & mask is a free slot inside the SQE array.
        let pad = unsafe { &mut *ring.sq.sqes.add((tail & mask) as usize) };
        crate::prep::initialize_sqe(pad);
        crate::prep::nop(pad);
        pad.flags = IOSQE_CQE_SKIP_SUCCESS;
        tail = tail.wrapping_add(1);
    } else if tail.wrapping_add(1).wrapping_sub(head) >= entries {
        return ptr::null_mut();
    }
    // SAFETY: slots tail and tail+1 are free and consecutive (checked above).
    let sqe = unsafe { &mut *ring.sq.sqes.add((tail & mask) as usize) };
    ring.sq.sqe_tail = tail.wrapping_add(2);
    crate::prep::initialize_sqe(sqe);
    sqe
}

/// Publish the SQEs handed out so far by moving the kernel's SQ tail, and return how
/// many SQEs the kernel has not consumed yet (liburing's `__io_uring_flush_sq`).
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn flush_sq(ring: &mut io_uring) -> u32 {
    let tail = ring.sq.sqe_tail;
    if ring.flags & IORING_SETUP_SQ_REWIND != 0 {
        // The kernel reads from slot 0 every time; the count is all there is to say.
        ring.sq.sqe_tail = 0;
        ring.sq.sqe_head = 0;
        return tail;
    }
    if ring.sq.sqe_head != tail {
        ring.sq.sqe_head = tail;
        if ring.flags & IORING_SETUP_SQPOLL != 0 {
            // Release pairs with the SQ thread's acquire load of the tail: the SQE
            // contents become visible before the new tail does.
            // SAFETY: ktail points into the live SQ ring.
            unsafe { barrier::store_release(ring.sq.ktail, tail) };
        } else {
            // SAFETY: as above; the io_uring_enter that follows orders the store.
            unsafe { barrier::write_once(ring.sq.ktail, tail) };
        }
    }
    // SAFETY: khead is in the live ring. Relaxed: this is only a count for enter.
    tail.wrapping_sub(unsafe { barrier::read_once(ring.sq.khead) })
}

/// Whether submitting `submit` SQEs needs `io_uring_enter`; adds SQ_WAKEUP to `flags`
/// when an idle SQPOLL thread must be woken.
#[inline]
pub(crate) unsafe fn sq_ring_needs_enter(ring: &io_uring, submit: u32, flags: &mut u32) -> bool {
    if submit == 0 {
        return false;
    }
    if ring.flags & IORING_SETUP_SQPOLL == 0 {
        return true;
    }
    // The full fence orders our tail store before the flag load. It pairs with the
    // kernel's barrier between setting IORING_SQ_NEED_WAKEUP and re-checking the tail
    // before the SQ thread sleeps: one of the two sides always sees the other.
    barrier::smp_mb();
    // SAFETY: kflags points into the live SQ ring.
    if unsafe { barrier::read_once(ring.sq.kflags) } & IORING_SQ_NEED_WAKEUP != 0 {
        *flags |= IORING_ENTER_SQ_WAKEUP;
        return true;
    }
    false
}

/// Whether the kernel holds completions it can only post when we enter (overflowed CQEs
/// or pending task work).
#[inline]
pub(crate) unsafe fn cq_ring_needs_flush(ring: &io_uring) -> bool {
    // SAFETY: kflags points into the live SQ ring; relaxed, a hint re-checked by enter.
    (unsafe { barrier::read_once(ring.sq.kflags) } & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) != 0
}

/// Whether reaping completions needs `io_uring_enter`.
#[inline]
pub(crate) unsafe fn cq_ring_needs_enter(ring: &io_uring) -> bool {
    // SAFETY: caller contract.
    ring.int_flags & INT_FLAG_CQ_ENTER != 0 || unsafe { cq_ring_needs_flush(ring) }
}

/// `io_uring_enter` on this ring's enter fd, with the ring's standing enter flags.
///
/// # Safety
/// `arg` must be valid for `flags` and `size`.
#[inline]
pub(crate) unsafe fn enter(
    ring: &io_uring,
    to_submit: u32,
    min_complete: u32,
    flags: u32,
    arg: *const c_void,
    size: usize,
) -> Result<i32, Errno> {
    let flags = flags | (ring.int_flags & INT_FLAGS_ENTER_MASK) as u32;
    // SAFETY: forwarded caller contract.
    Errno::result(unsafe {
        syscall::io_uring_enter(ring.enter_ring_fd as u32, to_submit, min_complete, flags, arg, size)
    })
}

#[inline]
unsafe fn submit_flushed(ring: &io_uring, submitted: u32, wait_nr: u32, getevents: bool) -> Result<i32, Errno> {
    // SAFETY: caller contract.
    let cq_needs_enter = getevents || wait_nr > 0 || unsafe { cq_ring_needs_enter(ring) };
    let mut flags = 0;
    // SAFETY: caller contract.
    if unsafe { sq_ring_needs_enter(ring, submitted, &mut flags) } || cq_needs_enter {
        if cq_needs_enter {
            flags |= IORING_ENTER_GETEVENTS;
        }
        // SAFETY: no argument pointer.
        unsafe { enter(ring, submitted, wait_nr, flags, ptr::null(), NSIG_BYTES) }
    } else {
        Ok(submitted as i32)
    }
}

/// `io_uring_submit`: returns the number of SQEs submitted.
///
/// # Safety
/// `ring` must be a set-up ring whose pending SQEs point at live memory.
#[inline]
pub unsafe fn submit(ring: &mut io_uring) -> Result<i32, Errno> {
    // SAFETY: caller contract.
    unsafe {
        let n = flush_sq(ring);
        submit_flushed(ring, n, 0, false)
    }
}

/// `io_uring_submit_and_wait`: submit and wait for `wait_nr` completions.
///
/// # Safety
/// As for [`submit`].
#[inline]
pub unsafe fn submit_and_wait(ring: &mut io_uring, wait_nr: u32) -> Result<i32, Errno> {
    // SAFETY: caller contract.
    unsafe {
        let n = flush_sq(ring);
        submit_flushed(ring, n, wait_nr, false)
    }
}

/// `io_uring_submit_and_get_events`: submit, and always enter to flush completions.
///
/// # Safety
/// As for [`submit`].
pub unsafe fn submit_and_get_events(ring: &mut io_uring) -> Result<i32, Errno> {
    // SAFETY: caller contract.
    unsafe {
        let n = flush_sq(ring);
        submit_flushed(ring, n, 0, true)
    }
}

/// `io_uring_get_events`: enter only to flush overflowed completions and task work.
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn get_events(ring: &io_uring) -> Result<i32, Errno> {
    // SAFETY: no argument pointer.
    unsafe { enter(ring, 0, 0, IORING_ENTER_GETEVENTS, ptr::null(), NSIG_BYTES) }
}

/// `__io_uring_sqring_wait`: sleep until the SQPOLL thread frees SQ space.
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn sqring_wait_enter(ring: &io_uring) -> Result<i32, Errno> {
    // SAFETY: no argument pointer.
    unsafe { enter(ring, 0, 0, IORING_ENTER_SQ_WAIT, ptr::null(), NSIG_BYTES) }
}

/// `io_uring_sqring_wait`: like [`sqring_wait_enter`], but returns 0 at once when there
/// is nothing to wait for (not SQPOLL, or space left).
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn sqring_wait(ring: &io_uring) -> Result<i32, Errno> {
    // SAFETY: caller contract.
    if ring.flags & IORING_SETUP_SQPOLL == 0 || unsafe { sq_space_left(ring) } != 0 {
        return Ok(0);
    }
    // SAFETY: caller contract.
    unsafe { sqring_wait_enter(ring) }
}
