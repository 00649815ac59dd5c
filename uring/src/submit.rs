//! The submission side: handing out SQEs, publishing them to the kernel, and deciding
//! when `io_uring_enter(2)` is needed at all.
//!
//! Everything that touches submission-local state is a method of
//! [`SubmissionSide`] (invariant SQ-OWNER); what only reads set-up fields and kernel
//! words takes a [`RingRef`].
//!
//! Ordering: the SQ tail is ours and the head is the kernel's. With SQPOLL a kernel thread
//! reads the tail concurrently, so the tail is published with a release store (pairing
//! with the SQ thread's acquire load of the tail) and the head is read with an acquire
//! load (pairing with the kernel's release of the head after it has copied the SQEs
//! out). Without SQPOLL the kernel only reads the tail inside `io_uring_enter`, which
//! orders everything before it, so relaxed would do; the tail store is release on every
//! ring anyway, which is a plain store on x86-64 and saves a branch everywhere.
//!
//! # Invariants
//!
//! Besides the ring's own (SET-UP, SQ-OWNER, KERNEL-WORDS: see
//! [`crate::ring::io_uring`]), entering the kernel relies on two more, cited by name here
//! and in [`crate::cq`]:
//!
//! * **SQE-MEM**: every address a submitted SQE holds (buffers, iovecs, paths,
//!   timespecs, msghdrs, ...) stays valid for the kernel's use, and is not otherwise
//!   accessed in a way that races with it, until the matching completion arrives. It is
//!   the contract of every function that makes the kernel consume SQEs (the `submit*`
//!   functions, and the waits that submit).
//! * **ENTER-ARG**: the `arg` passed to `io_uring_enter` is what its flags say it is, for
//!   the whole call: NULL, a sigset of `size` bytes (no EXT_ARG), an
//!   `io_uring_getevents_arg` whose own `sigmask`/`ts` are NULL or valid (EXT_ARG), or a
//!   byte offset into the registered wait region (EXT_ARG_REG, nothing of ours read).

use core::ffi::c_void;
use core::ptr::{self, NonNull};

use crate::barrier;
use crate::errno::Errno;
use crate::ring::{RingRef, SubmissionSide, INT_FLAGS_ENTER_MASK, INT_FLAG_CHECKED, INT_FLAG_CQ_ENTER};
use crate::sys::syscall;
use crate::sys::*;

/// The sigset size `io_uring_enter` is given (`_NSIG / 8`).
pub(crate) const NSIG_BYTES: usize = 65 / 8;

/// `io_uring_load_sq_head`: the kernel's SQ head.
#[inline(always)]
pub fn load_sq_head(ring: RingRef<'_>) -> u32 {
    // With SQPOLL, acquire pairs with the SQ thread's release store of the head once it
    // has consumed the SQEs: after we see it, the slots below it are ours to reuse.
    // Without SQPOLL the head only moves inside io_uring_enter, which this thread called,
    // so relaxed would do; acquire is a plain load on x86-64 and keeps get_sqe free of a
    // branch on the ring flags.
    // SAFETY: SET-UP: sq.khead is an aligned word of the live mapping; KERNEL-WORDS: it
    // is read atomically.
    unsafe { barrier::load_acquire(ring.sq_khead()) }
}

/// Whether submitting `submit` SQEs needs `io_uring_enter`; adds SQ_WAKEUP to `flags`
/// when an idle SQPOLL thread must be woken.
#[inline]
pub(crate) fn sq_ring_needs_enter(ring: RingRef<'_>, submit: u32, flags: &mut u32) -> bool {
    if submit == 0 {
        return false;
    }
    if ring.flags() & IORING_SETUP_SQPOLL == 0 {
        return true;
    }
    // The full fence orders our tail store before the flag load. It pairs with the
    // kernel's barrier between setting IORING_SQ_NEED_WAKEUP and re-checking the tail
    // before the SQ thread sleeps: one of the two sides always sees the other.
    barrier::smp_mb();
    // SAFETY: SET-UP: sq.kflags is a live aligned word; KERNEL-WORDS: atomic read.
    if unsafe { barrier::read_once(ring.sq_kflags()) } & IORING_SQ_NEED_WAKEUP != 0 {
        *flags |= IORING_ENTER_SQ_WAKEUP;
        return true;
    }
    false
}

/// Whether the kernel holds completions it can only post when we enter (overflowed CQEs
/// or pending task work).
#[inline]
pub(crate) fn cq_ring_needs_flush(ring: RingRef<'_>) -> bool {
    // Relaxed: a hint that the enter re-checks under the kernel's own locking.
    // SAFETY: SET-UP: sq.kflags is a live aligned word; KERNEL-WORDS: atomic read.
    (unsafe { barrier::read_once(ring.sq_kflags()) } & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) != 0
}

/// Whether reaping completions needs `io_uring_enter`.
#[inline]
pub(crate) fn cq_ring_needs_enter(ring: RingRef<'_>) -> bool {
    ring.int_flags() & INT_FLAG_CQ_ENTER != 0 || cq_ring_needs_flush(ring)
}

/// `io_uring_enter` on this ring's enter fd, with the ring's standing enter flags.
///
/// # Safety
/// `arg` must be what `flags` says it is (NULL, a sigset of `size` bytes, an
/// `io_uring_getevents_arg`, or a registered-wait offset), valid for the call
/// (ENTER-ARG); the published SQEs this enter submits (`to_submit > 0`) must satisfy
/// SQE-MEM.
#[inline]
pub(crate) unsafe fn enter(
    ring: RingRef<'_>,
    to_submit: u32,
    min_complete: u32,
    flags: u32,
    arg: *const c_void,
    size: usize,
) -> Result<u32, Errno> {
    // SAFETY: ENTER-ARG and SQE-MEM, by this function's contract.
    kernel_result(unsafe { enter_raw(ring, to_submit, min_complete, flags, arg, size) })
}

/// [`enter`] in the kernel's own convention: a count, or `-errno`.
///
/// # Safety
/// As for [`enter`].
#[inline(always)]
unsafe fn enter_raw(
    ring: RingRef<'_>,
    to_submit: u32,
    min_complete: u32,
    flags: u32,
    arg: *const c_void,
    size: usize,
) -> i32 {
    let flags = flags | u32::from(ring.int_flags() & INT_FLAGS_ENTER_MASK);
    // SAFETY: SYSCALL-ARGS for io_uring_enter: ENTER-ARG for `arg` and SQE-MEM for the
    // SQEs it submits, both by this function's contract; the fd is the ring's (SET-UP).
    unsafe { syscall::io_uring_enter(ring.enter_fd() as u32, to_submit, min_complete, flags, arg, size) }
}

/// A count or `-errno` (the kernel's convention) as a `Result`. The submit functions
/// carry that convention through every path, checked mode's included, and convert once,
/// here: LLVM then sees that the C shim's `-errno` undoes this negation on every path
/// and compiles `io_uring_submit` to end in `syscall; ret`. With a `Result` built on each
/// path instead, it kept the variant in a register across the syscall and converted
/// after it (together with the causes docs/performance.md lists, `io_uring_submit` cost
/// 62.7 instructions instead of 42.7, measured with `bench/c/budget.c`).
#[inline(always)]
fn kernel_result(ret: i32) -> Result<u32, Errno> {
    if ret < 0 {
        // A branch marked cold rather than `Errno::result`: with the negation merged into
        // the success path, LLVM turns it and the C shim's `-errno` into a negate-and-
        // select pair that every successful enter pays (5 instructions per submit).
        enter_failed();
        return Err(Errno(ret.wrapping_neg()));
    }
    Ok(ret as u32)
}

/// The submit functions on a ring in an unusual mode: checked mode (validate the pending
/// SQEs first) or an IOPOLL ring without SQPOLL (which enters on every submit to reap).
/// Out of line, and given the ring handle by value, so that the submit functions test
/// both modes with the one flag test they need anyway and jump here: checked mode costs
/// the hot path nothing, and nothing here needs a stack frame or a spill there
/// (docs/performance.md has the measurement). Returns the kernel's convention, see
/// [`kernel_result`].
///
/// # Safety
/// The caller is the ring's submission side for the whole call (SQ-OWNER: it holds its
/// `&mut SubmissionSide`), and SQE-MEM holds for the pending SQEs.
#[inline(never)]
unsafe fn submit_unusual(ring: RingRef<'_>, wait_nr: u32, getevents: bool) -> i32 {
    // SAFETY: SQ-OWNER: the caller's submission side is borrowed for this call and not
    // used meanwhile, so this one is the only one in use.
    let mut sq = unsafe { SubmissionSide::new(ring) };
    if crate::ext::checked::is_on(ring) {
        if let Err(e) = crate::ext::checked::check_pending(&mut sq) {
            return e.to_neg();
        }
    }
    let cq_enter = ring.int_flags() & INT_FLAG_CQ_ENTER != 0;
    // SAFETY: SQE-MEM, by this function's contract.
    let n = unsafe { sq.flush_sq() };
    // SAFETY: SQE-MEM for the SQEs just flushed, by this function's contract.
    unsafe { sq.submit_flushed(n, wait_nr, getevents || cq_enter) }
}

/// [`SubmissionSide::flush_sq_checked`]'s cold half: check, then flush.
///
/// # Safety
/// As for [`submit_unusual`].
#[cold]
#[inline(never)]
unsafe fn flush_checked(ring: RingRef<'_>) -> Result<u32, Errno> {
    // SAFETY: SQ-OWNER: the caller's submission side is borrowed for this call and not
    // used meanwhile, so this one is the only one in use.
    let mut sq = unsafe { SubmissionSide::new(ring) };
    crate::ext::checked::check_pending(&mut sq)?;
    // SAFETY: SQE-MEM, by this function's contract.
    Ok(unsafe { sq.flush_sq() })
}

/// Marks the error branch of [`enter`] as cold (`core::hint::cold_path` needs Rust 1.88;
/// the crate's MSRV is 1.81). Empty: only its `#[cold]` matters.
#[cold]
#[inline(never)]
fn enter_failed() {}

/// `io_uring_get_events`: enter only to flush overflowed completions and task work.
pub fn get_events(ring: RingRef<'_>) -> Result<u32, Errno> {
    // SAFETY: ENTER-ARG: NULL without EXT_ARG is "no sigmask"; SQE-MEM holds vacuously,
    // as nothing is submitted.
    unsafe { enter(ring, 0, 0, IORING_ENTER_GETEVENTS, ptr::null(), NSIG_BYTES) }
}

/// `__io_uring_sqring_wait`: sleep until the SQPOLL thread frees SQ space.
pub fn sqring_wait_enter(ring: RingRef<'_>) -> Result<u32, Errno> {
    // SAFETY: ENTER-ARG: NULL without EXT_ARG is "no sigmask"; SQE-MEM holds vacuously,
    // as nothing is submitted.
    unsafe { enter(ring, 0, 0, IORING_ENTER_SQ_WAIT, ptr::null(), NSIG_BYTES) }
}

impl SubmissionSide<'_> {
    /// `io_uring_sq_ready`: SQEs handed out by `get_sqe` but not yet consumed by the
    /// kernel.
    #[inline]
    pub fn sq_ready(&self) -> u32 {
        self.sqe_tail().wrapping_sub(load_sq_head(self.ring()))
    }

    /// `io_uring_sq_space_left`: free SQ slots.
    #[inline]
    pub fn sq_space_left(&self) -> u32 {
        self.ring().sq_entries().wrapping_sub(self.sq_ready())
    }

    /// The SQE slot at ring index `index` (masked, scaled for SQE128).
    #[inline(always)]
    fn slot(&self, index: u32) -> NonNull<io_uring_sqe> {
        let ring = self.ring();
        let offset = ((index & ring.sq_mask()) << ring.sqe_shift()) as usize;
        // SAFETY: SET-UP: the masked index scaled by the shift is below
        // `sq_entries << sqe_shift`, the length of the SQE array.
        let sqe = unsafe { ring.sq_sqes().add(offset) };
        // SAFETY: SET-UP: sq.sqes is the non-NULL start of a live mapping, so an
        // in-bounds offset from it is non-NULL too.
        unsafe { NonNull::new_unchecked(sqe) }
    }

    /// Clear the fields preparers do not own (liburing's `io_uring_initialize_sqe`).
    #[inline(always)]
    fn hand_out(sqe: NonNull<io_uring_sqe>) -> NonNull<io_uring_sqe> {
        // SAFETY: SQ-OWNER: the slot lies between the published tail and the kernel's
        // head plus entries, so the kernel does not read it and no one else holds it;
        // the exclusive reference lives only for this call.
        crate::prep::initialize_sqe(unsafe { &mut *sqe.as_ptr() });
        sqe
    }

    /// `io_uring_get_sqe`: the next free SQE, with the fields preparers do not own
    /// cleared, or `None` when the SQ is full (it never submits on its own). The slot is
    /// this side's to write until it is submitted.
    #[inline]
    pub fn get_sqe(&mut self) -> Option<NonNull<io_uring_sqe>> {
        self.next_slot().map(Self::hand_out)
    }

    /// The next free SQE slot, as it is (the previous request's contents included), or
    /// `None` when the SQ is full: [`SubmissionSide::get_sqe`] without the clearing, for
    /// callers that overwrite the whole SQE anyway (the safe API zeroes it).
    #[inline]
    pub fn next_slot(&mut self) -> Option<NonNull<io_uring_sqe>> {
        let ring = self.ring();
        let head = load_sq_head(ring);
        let tail = self.sqe_tail();
        if tail.wrapping_sub(head) >= ring.sq_entries() {
            return None;
        }
        let sqe = self.slot(tail);
        self.set_sqe_tail(tail.wrapping_add(1));
        Some(sqe)
    }

    /// `io_uring_get_sqe128`: a 128-byte SQE. On SQE128 rings this is `get_sqe`; on
    /// SQE_MIXED rings it takes two consecutive 64-byte slots (padding the ring end with
    /// a skipped NOP when the pair would wrap); other rings get `None`.
    pub fn get_sqe128(&mut self) -> Option<NonNull<io_uring_sqe>> {
        let ring = self.ring();
        if ring.flags() & IORING_SETUP_SQE128 != 0 {
            return self.get_sqe();
        }
        if ring.flags() & IORING_SETUP_SQE_MIXED == 0 {
            return None;
        }
        let head = load_sq_head(ring);
        let mut tail = self.sqe_tail();
        let entries = ring.sq_entries();
        if tail.wrapping_add(1) & ring.sq_mask() == 0 {
            // The pair would straddle the ring end: fill the last slot with a NOP whose
            // completion is skipped and start the pair at index 0.
            if tail.wrapping_add(2).wrapping_sub(head) >= entries {
                return None;
            }
            let pad = Self::hand_out(self.slot(tail));
            // SAFETY: SQ-OWNER: the slot was free (checked above) and was just handed
            // out, so the kernel does not read it and no one else holds it; the
            // reference is used only for the two writes below.
            let pad = unsafe { &mut *pad.as_ptr() };
            crate::prep::nop(pad);
            pad.flags = IOSQE_CQE_SKIP_SUCCESS;
            tail = tail.wrapping_add(1);
        } else if tail.wrapping_add(1).wrapping_sub(head) >= entries {
            return None;
        }
        let sqe = self.slot(tail);
        self.set_sqe_tail(tail.wrapping_add(2));
        Some(Self::hand_out(sqe))
    }

    /// Publish the SQEs handed out so far by moving the kernel's SQ tail, and return how
    /// many SQEs the kernel has not consumed yet (liburing's `__io_uring_flush_sq`).
    ///
    /// # Safety
    /// SQE-MEM: an SQPOLL kernel thread may start on published SQEs without any enter,
    /// so publishing is submitting: the memory the SQEs reference must stay valid until
    /// their completions.
    #[inline]
    pub unsafe fn flush_sq(&mut self) -> u32 {
        let ring = self.ring();
        let tail = self.sqe_tail();
        if ring.flags() & IORING_SETUP_SQ_REWIND != 0 {
            // The kernel reads from slot 0 every time; the count is all there is to say.
            self.set_sqe_tail(0);
            self.set_sqe_head(0);
            return tail;
        }
        if self.sqe_head() != tail {
            self.set_sqe_head(tail);
            // Release pairs with an SQPOLL thread's acquire load of the tail: the SQE
            // contents become visible before the new tail does. Without SQPOLL the enter
            // that follows would order a relaxed store too, but release costs nothing on
            // x86-64 (a plain store) and one branch fewer everywhere.
            // SAFETY: SET-UP: sq.ktail is a live aligned word; SQ-OWNER: only this side
            // writes it; KERNEL-WORDS: atomic store.
            unsafe { barrier::store_release(ring.sq_ktail(), tail) };
        }
        // Relaxed: only a count for enter, which the kernel bounds by what it sees.
        // SAFETY: SET-UP: sq.khead is a live aligned word; KERNEL-WORDS: atomic read.
        tail.wrapping_sub(unsafe { barrier::read_once(ring.sq_khead()) })
    }

    /// [`SubmissionSide::flush_sq`] after checked mode's validation, for the submits
    /// that wait with a timeout: one test of the checked bit, and the checker (cold, out
    /// of line, see `flush_checked`) only when it is set. A batch the checker refuses
    /// is discarded and nothing is flushed (see [`crate::ext::checked`]).
    ///
    /// # Safety
    /// As for [`SubmissionSide::flush_sq`] (SQE-MEM).
    #[inline(always)]
    pub unsafe fn flush_sq_checked(&mut self) -> Result<u32, Errno> {
        if crate::ext::checked::is_on(self.ring()) {
            // SAFETY: SQE-MEM, by this function's contract; SQ-OWNER: `&mut self`.
            return unsafe { flush_checked(self.ring()) };
        }
        // SAFETY: SQE-MEM, by this function's contract.
        Ok(unsafe { self.flush_sq() })
    }

    /// Enter to submit the `submitted` SQEs just flushed, if anything needs the kernel;
    /// the kernel's convention, see [`kernel_result`]. `getevents` forces an enter with
    /// `IORING_ENTER_GETEVENTS` (its callers have tested the ring's CQ_ENTER flag before
    /// the flush: after the SQ tail store LLVM would reload it, as the store might alias).
    ///
    /// # Safety
    /// SQE-MEM for the SQEs just flushed.
    #[inline(always)]
    unsafe fn submit_flushed(&self, submitted: u32, wait_nr: u32, getevents: bool) -> i32 {
        let ring = self.ring();
        let cq_needs_enter = getevents || wait_nr > 0 || cq_ring_needs_flush(ring);
        let mut flags = 0;
        if sq_ring_needs_enter(ring, submitted, &mut flags) || cq_needs_enter {
            if cq_needs_enter {
                flags |= IORING_ENTER_GETEVENTS;
            }
            // SAFETY: ENTER-ARG: NULL without EXT_ARG is "no sigmask"; SQE-MEM by this
            // function's contract.
            unsafe { enter_raw(ring, submitted, wait_nr, flags, ptr::null(), NSIG_BYTES) }
        } else {
            // At most the SQ size (32768) while the kernel's head is at or before our tail,
            // so it fits the convention's non-negative half. (A head past the tail, on a
            // ring another process drove, gives a negative value, as liburing's int does.)
            submitted as i32
        }
    }

    /// The body of the submit functions: flush, then enter if needed. One flag test
    /// sends the unusual modes (checked mode, IOPOLL without SQPOLL) out of line.
    ///
    /// # Safety
    /// SQE-MEM for the pending SQEs.
    #[inline(always)]
    unsafe fn submit_pending(&mut self, wait_nr: u32, getevents: bool) -> Result<u32, Errno> {
        let ring = self.ring();
        let ret = if ring.int_flags() & (INT_FLAG_CHECKED | INT_FLAG_CQ_ENTER) != 0 {
            // SAFETY: SQE-MEM, by this function's contract; SQ-OWNER: `&mut self`.
            unsafe { submit_unusual(ring, wait_nr, getevents) }
        } else {
            // SAFETY: SQE-MEM, by this function's contract.
            let n = unsafe { self.flush_sq() };
            // SAFETY: SQE-MEM for the SQEs just flushed, by this function's contract.
            unsafe { self.submit_flushed(n, wait_nr, getevents) }
        };
        kernel_result(ret)
    }

    /// `io_uring_submit`: returns the number of SQEs submitted.
    ///
    /// # Safety
    /// Every address the pending SQEs hold (buffers, iovecs, paths, timespecs, ...) must
    /// stay valid for the kernel's use until the matching completion arrives (SQE-MEM).
    #[inline(always)]
    pub unsafe fn submit(&mut self) -> Result<u32, Errno> {
        // SAFETY: SQE-MEM, by this function's contract.
        unsafe { self.submit_pending(0, false) }
    }

    /// `io_uring_submit_and_wait`: submit and wait for `wait_nr` completions.
    ///
    /// # Safety
    /// As for [`SubmissionSide::submit`].
    #[inline(always)]
    pub unsafe fn submit_and_wait(&mut self, wait_nr: u32) -> Result<u32, Errno> {
        // SAFETY: SQE-MEM, by this function's contract.
        unsafe { self.submit_pending(wait_nr, false) }
    }

    /// `io_uring_submit_and_get_events`: submit, and always enter to flush completions.
    ///
    /// # Safety
    /// As for [`SubmissionSide::submit`].
    pub unsafe fn submit_and_get_events(&mut self) -> Result<u32, Errno> {
        // SAFETY: SQE-MEM, by this function's contract.
        unsafe { self.submit_pending(0, true) }
    }

    /// `io_uring_sqring_wait`: sleep until the SQPOLL thread frees SQ space; 0 at once
    /// when there is nothing to wait for (not SQPOLL, or space left).
    pub fn sqring_wait(&self) -> Result<u32, Errno> {
        if self.ring().flags() & IORING_SETUP_SQPOLL == 0 || self.sq_space_left() != 0 {
            return Ok(0);
        }
        sqring_wait_enter(self.ring())
    }
}
