//! The completion side: peeking, waiting (with and without timeouts), batches,
//! iteration and consumption of CQEs.
//!
//! Ordering: the CQ tail is the kernel's and the head is ours. The tail is read with an
//! acquire load, pairing with the kernel's release store after it has written the CQE
//! contents; the head is advanced with a release store, pairing with the kernel's acquire
//! load before it reuses the slots we have finished reading.

use core::ffi::c_void;
use core::ptr;

use crate::barrier;
use crate::errno::Errno;
use crate::ring::{io_uring, io_uring_cqe_iter};
use crate::submit::{
    cq_ring_needs_enter, cq_ring_needs_flush, enter, flush_sq, get_sqe, sq_ring_needs_enter, NSIG_BYTES,
};
use crate::sys::*;

/// `LIBURING_UDATA_TIMEOUT`: the user_data of the library's own timeout SQE on kernels
/// without IORING_FEAT_EXT_ARG.
pub const LIBURING_UDATA_TIMEOUT: u64 = u64::MAX;

/// `io_uring_cqe_nr`: slots a CQE occupies (2 for a 32-byte CQE on a CQE_MIXED ring).
#[inline(always)]
pub fn cqe_nr(cqe: &io_uring_cqe) -> u32 {
    if cqe.flags & IORING_CQE_F_32 != 0 {
        2
    } else {
        1
    }
}

/// `io_uring_cq_ready`: completions ready to be consumed.
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn cq_ready(ring: &io_uring) -> u32 {
    // Acquire on the tail pairs with the kernel's release store after it wrote the
    // CQEs; the head is only written by us.
    // SAFETY: ktail/khead point into the live CQ ring.
    unsafe { barrier::load_acquire(ring.cq.ktail).wrapping_sub(barrier::read_once(ring.cq.khead)) }
}

/// `io_uring_cq_advance`: mark `nr` CQE slots as consumed.
///
/// # Safety
/// `ring` must be a set-up ring and the `nr` slots must have been read already.
#[inline]
pub unsafe fn cq_advance(ring: &mut io_uring, nr: u32) {
    if nr != 0 {
        let khead = ring.cq.khead;
        // Release pairs with the kernel's acquire load of the head: our reads of the
        // CQEs happen before it may overwrite them. Only this side writes the head, so
        // the relaxed read is exact.
        // SAFETY: khead points into the live CQ ring.
        unsafe { barrier::store_release(khead, barrier::read_once(khead).wrapping_add(nr)) };
    }
}

/// `io_uring_cqe_seen`: consume one CQE (two slots for a 32-byte CQE on a mixed ring).
///
/// # Safety
/// `ring` must be a set-up ring and `cqe` the CQE at its head.
#[inline]
pub unsafe fn cqe_seen(ring: &mut io_uring, cqe: &io_uring_cqe) {
    // SAFETY: caller contract.
    unsafe { cq_advance(ring, cqe_nr(cqe)) }
}

/// `io_uring_cq_has_overflow`: the kernel holds completions the CQ had no room for.
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn cq_has_overflow(ring: &io_uring) -> bool {
    // SAFETY: kflags is in the live SQ ring; relaxed, a hint.
    (unsafe { barrier::read_once(ring.sq.kflags) } & IORING_SQ_CQ_OVERFLOW) != 0
}

/// `io_uring_cq_eventfd_enabled`.
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn cq_eventfd_enabled(ring: &io_uring) -> bool {
    if ring.cq.kflags.is_null() {
        return true;
    }
    // SAFETY: kflags is in the live CQ ring; only the application writes it.
    (unsafe { barrier::read_once(ring.cq.kflags) } & IORING_CQ_EVENTFD_DISABLED) == 0
}

/// `io_uring_cq_eventfd_toggle`.
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn cq_eventfd_toggle(ring: &mut io_uring, enabled: bool) -> Result<i32, Errno> {
    // SAFETY: caller contract.
    if enabled == unsafe { cq_eventfd_enabled(ring) } {
        return Ok(0);
    }
    if ring.cq.kflags.is_null() {
        return Err(Errno::EOPNOTSUPP);
    }
    // SAFETY: kflags is in the live CQ ring; the kernel only reads this word.
    unsafe {
        let mut flags = barrier::read_once(ring.cq.kflags);
        if enabled {
            flags &= !IORING_CQ_EVENTFD_DISABLED;
        } else {
            flags |= IORING_CQ_EVENTFD_DISABLED;
        }
        barrier::write_once(ring.cq.kflags, flags);
    }
    Ok(0)
}

/// The CQE in slot `index` (masked and scaled for CQE32 rings).
#[inline(always)]
unsafe fn cqe_at(ring: &io_uring, index: u32) -> *mut io_uring_cqe {
    // SAFETY: the masked index is inside the CQE array (ring_entries << shift slots).
    unsafe {
        ring.cq
            .cqes
            .add(((index & ring.cq.ring_mask) << ring.cqe_shift()) as usize)
    }
}

/// `__io_uring_peek_cqe`: the CQE at the head, without consuming it. Skips (and
/// consumes) filler CQEs and, on kernels without EXT_ARG, the library's own timeout
/// CQEs; a fired internal timeout is reported as its error. Returns 0 or -errno.
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn peek_cqe_raw(ring: &mut io_uring, cqe_out: &mut *mut io_uring_cqe, nr_available: &mut u32) -> i32 {
    let internal_timeouts = ring.features & IORING_FEAT_EXT_ARG == 0;
    loop {
        // SAFETY: caller contract (acquire on the tail as in cq_ready).
        let (tail, head) = unsafe { (barrier::load_acquire(ring.cq.ktail), barrier::read_once(ring.cq.khead)) };
        let avail = tail.wrapping_sub(head);
        *nr_available = avail;
        if avail == 0 {
            *cqe_out = ptr::null_mut();
            return 0;
        }
        // SAFETY: head is below the tail, so the slot holds a CQE the kernel published.
        let cqe = unsafe { cqe_at(ring, head) };
        // SAFETY: as above.
        let c = unsafe { &*cqe };
        if c.flags & IORING_CQE_F_SKIP != 0 {
            // SAFETY: the filler was read.
            unsafe { cq_advance(ring, cqe_nr(c)) };
            continue;
        }
        if internal_timeouts && c.user_data == LIBURING_UDATA_TIMEOUT {
            let res = c.res;
            // SAFETY: the CQE was read.
            unsafe { cq_advance(ring, 1) };
            if res < 0 {
                *cqe_out = ptr::null_mut();
                return res;
            }
            continue;
        }
        *cqe_out = cqe;
        return 0;
    }
}

/// What one call of the wait loop is asked to do.
struct GetData {
    submit: u32,
    wait_nr: u32,
    get_flags: u32,
    arg: *const c_void,
    size: usize,
    has_ts: bool,
}

/// The wait loop behind every waiting function (liburing's `_io_uring_get_cqe`):
/// peek, enter if there is something to submit or too little to reap, peek again.
/// Returns 0, -errno, or (quirk kept from liburing) the count submitted by the enter.
unsafe fn get_cqe_loop(ring: &mut io_uring, cqe_out: &mut *mut io_uring_cqe, data: &mut GetData) -> i32 {
    let mut cqe = ptr::null_mut();
    let mut looped = false;
    let mut err = 0;
    loop {
        let mut need_enter = false;
        let mut flags = 0;
        let mut nr_available = 0;
        // SAFETY: caller contract.
        let ret = unsafe { peek_cqe_raw(ring, &mut cqe, &mut nr_available) };
        if ret != 0 {
            if err == 0 {
                err = ret;
            }
            break;
        }
        if cqe.is_null() && data.wait_nr == 0 && data.submit == 0 {
            // SAFETY: caller contract.
            if looped || !unsafe { cq_ring_needs_enter(ring) } {
                if err == 0 {
                    err = -libc::EAGAIN;
                }
                break;
            }
            need_enter = true;
        }
        if data.wait_nr > nr_available || need_enter {
            flags = IORING_ENTER_GETEVENTS | data.get_flags;
            need_enter = true;
        }
        // SAFETY: caller contract.
        if unsafe { sq_ring_needs_enter(ring, data.submit, &mut flags) } {
            need_enter = true;
        }
        if !need_enter {
            break;
        }
        if looped && data.has_ts {
            // A timed wait enters once; coming back empty means the time is up.
            if cqe.is_null() && err == 0 {
                err = -libc::ETIME;
            }
            break;
        }
        // SAFETY: data.arg is valid for data.size as the callers built it.
        match unsafe { enter(ring, data.submit, data.wait_nr, flags, data.arg, data.size) } {
            Err(e) => {
                if err == 0 {
                    err = e.to_neg();
                }
                break;
            }
            Ok(ret) => {
                data.submit = data.submit.saturating_sub(ret as u32);
                if !cqe.is_null() {
                    break;
                }
                if !looped {
                    looped = true;
                    err = ret;
                }
            }
        }
    }
    *cqe_out = cqe;
    err
}

/// `__io_uring_get_cqe`: submit `submit` SQEs and wait for `wait_nr` completions.
///
/// # Safety
/// `ring` must be a set-up ring; `sigmask` NULL or a valid sigset.
#[inline]
pub unsafe fn get_cqe(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    submit: u32,
    wait_nr: u32,
    sigmask: *const libc::sigset_t,
) -> i32 {
    let mut data = GetData {
        submit,
        wait_nr,
        get_flags: 0,
        arg: sigmask as *const c_void,
        size: NSIG_BYTES,
        has_ts: false,
    };
    // SAFETY: caller contract.
    unsafe { get_cqe_loop(ring, cqe_out, &mut data) }
}

/// `io_uring_peek_cqe`: the next CQE if one is ready, else -EAGAIN. Enters the kernel
/// only when completions are held back (overflow, task work, IOPOLL).
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn peek_cqe(ring: &mut io_uring, cqe_out: &mut *mut io_uring_cqe) -> i32 {
    let mut nr = 0;
    // SAFETY: caller contract.
    let err = unsafe { peek_cqe_raw(ring, cqe_out, &mut nr) };
    if err == 0 && !cqe_out.is_null() {
        return 0;
    }
    // SAFETY: caller contract.
    if err == 0 && !unsafe { cq_ring_needs_enter(ring) } {
        return -libc::EAGAIN;
    }
    // SAFETY: caller contract.
    unsafe { get_cqe(ring, cqe_out, 0, 0, ptr::null()) }
}

/// `io_uring_wait_cqe_nr`: wait until `wait_nr` completions are ready; returns the first.
///
/// # Safety
/// `ring` must be a set-up ring.
pub unsafe fn wait_cqe_nr(ring: &mut io_uring, cqe_out: &mut *mut io_uring_cqe, wait_nr: u32) -> i32 {
    // SAFETY: caller contract.
    unsafe { get_cqe(ring, cqe_out, 0, wait_nr, ptr::null()) }
}

/// `io_uring_wait_cqe`: wait for one completion.
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn wait_cqe(ring: &mut io_uring, cqe_out: &mut *mut io_uring_cqe) -> i32 {
    let mut nr = 0;
    // SAFETY: caller contract.
    if unsafe { peek_cqe_raw(ring, cqe_out, &mut nr) } == 0 && !cqe_out.is_null() {
        return 0;
    }
    // SAFETY: caller contract.
    unsafe { wait_cqe_nr(ring, cqe_out, 1) }
}

/// Queue the library's own timeout SQE (kernels without EXT_ARG) and flush the SQ;
/// returns the number of SQEs to submit.
unsafe fn push_internal_timeout(ring: &mut io_uring, wait_nr: u32, ts: *const __kernel_timespec) -> Result<u32, Errno> {
    // SAFETY: caller contract.
    let mut sqe = unsafe { get_sqe(ring) };
    if sqe.is_null() {
        // SAFETY: caller contract.
        unsafe { crate::submit::submit(ring) }?;
        // SAFETY: caller contract.
        sqe = unsafe { get_sqe(ring) };
        if sqe.is_null() {
            return Err(Errno::EAGAIN);
        }
    }
    // SAFETY: get_sqe returned a valid free SQE.
    let sqe = unsafe { &mut *sqe };
    crate::prep::timeout(sqe, ts, wait_nr, 0);
    sqe.user_data = LIBURING_UDATA_TIMEOUT;
    // SAFETY: caller contract.
    Ok(unsafe { flush_sq(ring) })
}

/// The wait arguments passed to the kernel with IORING_ENTER_EXT_ARG.
fn getevents_arg(
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const libc::sigset_t,
) -> io_uring_getevents_arg {
    io_uring_getevents_arg {
        sigmask: sigmask as u64,
        sigmask_sz: NSIG_BYTES as u32,
        min_wait_usec,
        ts: ts as u64,
    }
}

/// Wait through IORING_ENTER_EXT_ARG; `arg.ts` (if any) bounds the wait.
unsafe fn wait_ext_arg(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    submit: u32,
    wait_nr: u32,
    arg: &io_uring_getevents_arg,
) -> i32 {
    let mut data = GetData {
        submit,
        wait_nr,
        get_flags: IORING_ENTER_EXT_ARG,
        arg: arg as *const _ as *const c_void,
        size: core::mem::size_of::<io_uring_getevents_arg>(),
        has_ts: arg.ts != 0,
    };
    // SAFETY: `arg` (and what it points to) lives until the loop returns.
    unsafe { get_cqe_loop(ring, cqe_out, &mut data) }
}

/// `io_uring_wait_cqes`: wait for `wait_nr` completions, at most `ts` (if given).
/// With EXT_ARG nothing pending is submitted; without it the internal timeout SQE
/// submits everything pending.
///
/// # Safety
/// `ring` must be a set-up ring; `ts` and `sigmask` NULL or valid.
pub unsafe fn wait_cqes(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    sigmask: *const libc::sigset_t,
) -> i32 {
    let mut to_submit = 0;
    if !ts.is_null() {
        if ring.features & IORING_FEAT_EXT_ARG != 0 {
            // SAFETY: caller contract.
            return unsafe { wait_ext_arg(ring, cqe_out, 0, wait_nr, &getevents_arg(ts, 0, sigmask)) };
        }
        // SAFETY: caller contract.
        match unsafe { push_internal_timeout(ring, wait_nr, ts) } {
            Ok(n) => to_submit = n,
            Err(e) => return e.to_neg(),
        }
    }
    // SAFETY: caller contract.
    unsafe { get_cqe(ring, cqe_out, to_submit, wait_nr, sigmask) }
}

/// `io_uring_wait_cqes_min_timeout`.
///
/// # Safety
/// As for [`wait_cqes`].
pub unsafe fn wait_cqes_min_timeout(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const libc::sigset_t,
) -> i32 {
    if ring.features & IORING_FEAT_MIN_TIMEOUT == 0 {
        return -libc::EINVAL;
    }
    // Always the EXT_ARG path, with or without `ts`: the minimum wait only exists there
    // (and every kernel with MIN_TIMEOUT has EXT_ARG).
    // SAFETY: caller contract.
    unsafe { wait_ext_arg(ring, cqe_out, 0, wait_nr, &getevents_arg(ts, min_wait_usec, sigmask)) }
}

/// `io_uring_wait_cqe_timeout`: wait for one completion, at most `ts`.
///
/// # Safety
/// As for [`wait_cqes`].
pub unsafe fn wait_cqe_timeout(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    ts: *const __kernel_timespec,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { wait_cqes(ring, cqe_out, 1, ts, ptr::null()) }
}

/// `io_uring_submit_and_wait_timeout`: submit everything pending and wait for `wait_nr`
/// completions, at most `ts`.
///
/// # Safety
/// As for [`wait_cqes`]; pending SQEs must point at live memory.
pub unsafe fn submit_and_wait_timeout(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    sigmask: *const libc::sigset_t,
) -> i32 {
    // SAFETY: caller contract.
    unsafe { submit_and_wait_inner(ring, cqe_out, wait_nr, ts, 0, sigmask) }
}

/// `io_uring_submit_and_wait_min_timeout`: as [`submit_and_wait_timeout`], and the kernel
/// waits at least `min_wait_usec` for `wait_nr` completions before settling for fewer.
///
/// # Safety
/// As for [`submit_and_wait_timeout`].
pub unsafe fn submit_and_wait_min_timeout(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const libc::sigset_t,
) -> i32 {
    if ring.features & IORING_FEAT_MIN_TIMEOUT == 0 {
        return -libc::EINVAL;
    }
    // SAFETY: caller contract.
    unsafe { submit_and_wait_inner(ring, cqe_out, wait_nr, ts, min_wait_usec, sigmask) }
}

unsafe fn submit_and_wait_inner(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const libc::sigset_t,
) -> i32 {
    if !ts.is_null() && ring.features & IORING_FEAT_EXT_ARG == 0 {
        // SAFETY: caller contract.
        return match unsafe { push_internal_timeout(ring, wait_nr, ts) } {
            // SAFETY: caller contract.
            Ok(n) => unsafe { get_cqe(ring, cqe_out, n, wait_nr, sigmask) },
            Err(e) => e.to_neg(),
        };
    }
    // SAFETY: caller contract.
    let submit = unsafe { flush_sq(ring) };
    if !ts.is_null() {
        // SAFETY: caller contract.
        return unsafe {
            wait_ext_arg(
                ring,
                cqe_out,
                submit,
                wait_nr,
                &getevents_arg(ts, min_wait_usec, sigmask),
            )
        };
    }
    // SAFETY: caller contract.
    unsafe { get_cqe(ring, cqe_out, submit, wait_nr, sigmask) }
}

/// `io_uring_submit_and_wait_reg`: submit and wait using the registered wait region
/// slot `reg_index` (set up with `io_uring_register_region`).
///
/// # Safety
/// As for [`submit_and_wait_timeout`].
pub unsafe fn submit_and_wait_reg(
    ring: &mut io_uring,
    cqe_out: &mut *mut io_uring_cqe,
    wait_nr: u32,
    reg_index: i32,
) -> i32 {
    if ring.features & IORING_FEAT_EXT_ARG == 0 {
        return -libc::EINVAL;
    }
    // SAFETY: caller contract.
    let submit = unsafe { flush_sq(ring) };
    // With EXT_ARG_REG the "pointer" is the byte offset of the slot in the region.
    let offset = (reg_index as isize as usize).wrapping_mul(core::mem::size_of::<io_uring_reg_wait>());
    let mut data = GetData {
        submit,
        wait_nr,
        get_flags: IORING_ENTER_EXT_ARG | IORING_ENTER_EXT_ARG_REG,
        arg: offset as *const c_void,
        size: core::mem::size_of::<io_uring_reg_wait>(),
        has_ts: true,
    };
    // SAFETY: the kernel validates the offset against the registered region.
    unsafe { get_cqe_loop(ring, cqe_out, &mut data) }
}

/// `io_uring_peek_batch_cqe`: fill `cqes` with up to `cqes.len()` ready CQEs without
/// consuming them; returns how many.
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn peek_batch_cqe(ring: &mut io_uring, cqes: &mut [*mut io_uring_cqe]) -> u32 {
    // SAFETY: the slice provides cqes.len() writable slots.
    unsafe { peek_batch_cqe_raw(ring, cqes.as_mut_ptr(), cqes.len() as u32) }
}

/// [`peek_batch_cqe`] over a C array: `out` must be writable for `count` pointers (only
/// the first `returned` ones are written).
///
/// # Safety
/// `ring` must be a set-up ring; `out` valid for `count` writes.
#[inline]
pub unsafe fn peek_batch_cqe_raw(ring: &mut io_uring, out: *mut *mut io_uring_cqe, count: u32) -> u32 {
    if ring.flags & IORING_SETUP_CQE_MIXED != 0 {
        // SAFETY: caller contract.
        let n = unsafe { peek_batch_mixed(ring, out, count) };
        // SAFETY: caller contract.
        if n != 0 || !unsafe { cq_ring_needs_flush(ring) } {
            return n;
        }
        // Completions are held back in the kernel: flush them once and look again.
        // SAFETY: caller contract.
        let _ = unsafe { crate::submit::get_events(ring) };
        // SAFETY: caller contract.
        return unsafe { peek_batch_mixed(ring, out, count) };
    }
    // SAFETY: caller contract.
    if unsafe { cq_ready(ring) } == 0 && unsafe { cq_ring_needs_flush(ring) } {
        // Nothing ready but completions are held back in the kernel: flush them once.
        // SAFETY: caller contract.
        let _ = unsafe { crate::submit::get_events(ring) };
    }
    // SAFETY: caller contract.
    unsafe { peek_batch_uniform(ring, out, count) }
}

#[inline]
unsafe fn peek_batch_uniform(ring: &io_uring, out: *mut *mut io_uring_cqe, count: u32) -> u32 {
    // SAFETY: caller contract.
    let count = count.min(unsafe { cq_ready(ring) });
    // SAFETY: khead is in the live ring; only we write it.
    let head = unsafe { barrier::read_once(ring.cq.khead) };
    for i in 0..count {
        // SAFETY: head + i is below the acquired tail; out has room for count entries.
        unsafe { *out.add(i as usize) = cqe_at(ring, head.wrapping_add(i)) };
    }
    count
}

unsafe fn peek_batch_mixed(ring: &mut io_uring, out: *mut *mut io_uring_cqe, count: u32) -> u32 {
    // SAFETY: caller contract; acquire on the tail as in cq_ready.
    let tail = unsafe { barrier::load_acquire(ring.cq.ktail) };
    // SAFETY: as above.
    let mut head = unsafe { barrier::read_once(ring.cq.khead) };
    let mut filled = 0;
    while head != tail && filled < count {
        // SAFETY: head is below the tail.
        let cqe = unsafe { cqe_at(ring, head) };
        // SAFETY: as above.
        let c = unsafe { &*cqe };
        if c.flags & IORING_CQE_F_SKIP != 0 {
            if filled != 0 {
                break;
            }
            // SAFETY: the filler is first in line; consuming it is safe.
            unsafe { cq_advance(ring, 1) };
            head = head.wrapping_add(1);
            continue;
        }
        // SAFETY: filled < count, the room the caller provided.
        unsafe { *out.add(filled as usize) = cqe };
        filled += 1;
        head = head.wrapping_add(cqe_nr(c));
    }
    filled
}

/// `io_uring_cqe_iter_init`: snapshot the ready CQEs (the tail is read once).
///
/// # Safety
/// `ring` must be a set-up ring.
#[inline]
pub unsafe fn cqe_iter_init(ring: &io_uring) -> io_uring_cqe_iter {
    io_uring_cqe_iter {
        cqes: ring.cq.cqes,
        mask: ring.cq.ring_mask,
        shift: ring.cqe_shift(),
        // SAFETY: khead/ktail are in the live ring; acquire on the tail as in cq_ready.
        head: unsafe { barrier::read_once(ring.cq.khead) },
        // SAFETY: as above.
        tail: unsafe { barrier::load_acquire(ring.cq.ktail) },
    }
}

/// `io_uring_cqe_iter_next`: the next CQE of the snapshot, or None at its end.
///
/// # Safety
/// `iter` must come from [`cqe_iter_init`] on a ring that is still set up.
#[inline]
pub unsafe fn cqe_iter_next(iter: &mut io_uring_cqe_iter) -> Option<*mut io_uring_cqe> {
    if iter.head == iter.tail {
        return None;
    }
    // SAFETY: head is below the snapshot tail, so the slot holds a published CQE.
    let cqe = unsafe { iter.cqes.add(((iter.head & iter.mask) << iter.shift) as usize) };
    // SAFETY: as above.
    iter.head = iter.head.wrapping_add(cqe_nr(unsafe { &*cqe }));
    Some(cqe)
}
