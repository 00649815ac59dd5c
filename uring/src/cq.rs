//! The completion side: peeking, waiting (with and without timeouts), batches,
//! iteration and consumption of CQEs.
//!
//! What reads CQEs or moves the CQ head is a method of [`CompletionSide`] (invariant
//! CQ-OWNER); queries that only read kernel words take a [`RingRef`]. The waits that
//! also submit (`submit_and_wait_*`) take both sides.
//!
//! Ordering: the CQ tail is the kernel's and the head is ours. The tail is read with an
//! acquire load, pairing with the kernel's release store after it has written the CQE
//! contents; the head is advanced with a release store, pairing with the kernel's acquire
//! load before it reuses the slots we have finished reading.

use core::ffi::c_void;
use core::ptr::{self, NonNull};

use crate::barrier;
use crate::errno::Errno;
use crate::ring::{io_uring_cqe_iter, CompletionSide, RingRef, SubmissionSide};
use crate::submit::{cq_ring_needs_enter, cq_ring_needs_flush, enter, get_events, sq_ring_needs_enter, NSIG_BYTES};
use crate::sys::*;

/// `LIBURING_UDATA_TIMEOUT`: the user_data of the library's own timeout SQE on kernels
/// without IORING_FEAT_EXT_ARG.
pub const LIBURING_UDATA_TIMEOUT: u64 = u64::MAX;

/// What a look at the CQ head found (liburing's `__io_uring_peek_cqe`).
#[derive(Clone, Copy, Debug)]
pub struct Peeked {
    /// Slots between head and tail when the head was read (after skipping).
    pub available: u32,
    /// The CQE at the head (`None`: the CQ is empty), or the error of a fired internal
    /// timeout.
    pub result: Result<Option<NonNull<io_uring_cqe>>, Errno>,
}

/// What a wait reports. liburing hands back a CQE pointer and a status side by side (the
/// pointer is set even when a later enter failed), so both are kept.
#[derive(Clone, Copy, Debug)]
pub struct Waited {
    /// The CQE at the head, if one was found.
    pub cqe: Option<NonNull<io_uring_cqe>>,
    /// `Ok(0)` normally. liburing's wait loop returns the number the kernel took when an
    /// enter submitted SQEs without a CQE appearing (only on kernels without EXT_ARG, or
    /// when asked to submit), so that count is kept as the `Ok` value.
    pub result: Result<u32, Errno>,
}

impl Waited {
    #[inline(always)]
    fn err(e: Errno) -> Waited {
        Waited {
            cqe: None,
            result: Err(e),
        }
    }

    /// The CQE, or the error; `EAGAIN` when there was neither.
    #[inline]
    pub fn into_result(self) -> Result<NonNull<io_uring_cqe>, Errno> {
        self.result?;
        self.cqe.ok_or(Errno::EAGAIN)
    }
}

/// `io_uring_cqe_nr`: slots a CQE occupies (2 for a 32-byte CQE on a CQE_MIXED ring).
///
/// It looks at the CQE alone, as liburing's does, so it trusts `IORING_CQE_F_32`. The
/// ring-aware [`cqe_slots`] is what the library itself uses to consume CQEs.
#[inline(always)]
pub fn cqe_nr(cqe: &io_uring_cqe) -> u32 {
    if cqe.flags & IORING_CQE_F_32 != 0 {
        2
    } else {
        1
    }
}

/// Slots a CQE with flags `cqe_flags` occupies on a ring set up with `ring_flags`: 2 for
/// an `IORING_CQE_F_32` CQE on a CQE_MIXED ring, else 1 (a CQE32 ring's slot is already
/// 32 bytes).
///
/// `F_32` alone does not decide it: a `IORING_OP_MSG_RING` sender with
/// `IORING_MSG_RING_FLAGS_PASS` chooses every flag bit of the CQE it posts to another
/// ring, and on rings that are not CQE_MIXED the kernel still writes that CQE into one
/// slot. Counting 2 there would consume the next completion unseen, or move the head
/// past the tail.
#[inline(always)]
pub fn cqe_slots(ring_flags: u32, cqe_flags: u32) -> u32 {
    if ring_flags & IORING_SETUP_CQE_MIXED != 0 && cqe_flags & IORING_CQE_F_32 != 0 {
        2
    } else {
        1
    }
}

/// `io_uring_cq_ready`: completions ready to be consumed.
#[inline]
pub fn cq_ready(ring: RingRef<'_>) -> u32 {
    // Acquire on the tail pairs with the kernel's release store after it wrote the
    // CQEs. The head is read relaxed: it is only a count here.
    // SAFETY: SET-UP: cq.ktail is a live aligned word; KERNEL-WORDS: atomic read.
    let tail = unsafe { barrier::load_acquire(ring.cq_ktail()) };
    // SAFETY: SET-UP: cq.khead is a live aligned word; KERNEL-WORDS: atomic read.
    let head = unsafe { barrier::read_once(ring.cq_khead()) };
    tail.wrapping_sub(head)
}

/// `io_uring_cq_has_overflow`: the kernel holds completions the CQ had no room for.
#[inline]
pub fn cq_has_overflow(ring: RingRef<'_>) -> bool {
    // Relaxed: a hint.
    // SAFETY: SET-UP: sq.kflags is a live aligned word; KERNEL-WORDS: atomic read.
    (unsafe { barrier::read_once(ring.sq_kflags()) } & IORING_SQ_CQ_OVERFLOW) != 0
}

/// Completions the kernel had to drop for want of CQ space (`*cq.koverflow`). With
/// IORING_FEAT_NODROP the kernel parks them instead, so this stays 0 unless it ran out of
/// memory for its overflow list.
#[inline]
pub fn cq_dropped(ring: RingRef<'_>) -> u32 {
    // Relaxed: a statistic.
    // SAFETY: SET-UP: cq.koverflow is a live aligned word; KERNEL-WORDS: atomic read.
    unsafe { barrier::read_once(ring.cq_koverflow()) }
}

/// `io_uring_cq_eventfd_enabled`.
pub fn cq_eventfd_enabled(ring: RingRef<'_>) -> bool {
    let kflags = ring.cq_kflags();
    if kflags.is_null() {
        return true;
    }
    // SAFETY: SET-UP: a non-NULL cq.kflags is a live aligned word; KERNEL-WORDS: atomic
    // read.
    (unsafe { barrier::read_once(kflags) } & IORING_CQ_EVENTFD_DISABLED) == 0
}

/// `io_uring_cq_eventfd_toggle`.
pub fn cq_eventfd_toggle(ring: RingRef<'_>, enabled: bool) -> Result<u32, Errno> {
    if enabled == cq_eventfd_enabled(ring) {
        return Ok(0);
    }
    let kflags = ring.cq_kflags();
    if kflags.is_null() {
        return Err(Errno::EOPNOTSUPP);
    }
    // The kernel only reads this word (when it posts a CQE), so read-modify-write with
    // relaxed atomics loses nothing of the kernel's.
    // SAFETY: SET-UP: a non-NULL cq.kflags is a live aligned word; KERNEL-WORDS: atomic
    // read.
    let mut flags = unsafe { barrier::read_once(kflags) };
    if enabled {
        flags &= !IORING_CQ_EVENTFD_DISABLED;
    } else {
        flags |= IORING_CQ_EVENTFD_DISABLED;
    }
    // SAFETY: SET-UP: a non-NULL cq.kflags is a live aligned word; KERNEL-WORDS: atomic
    // store.
    unsafe { barrier::write_once(kflags, flags) };
    Ok(0)
}

/// The CQE in slot `index` (masked and scaled for CQE32 rings).
#[inline(always)]
fn cqe_at(ring: RingRef<'_>, index: u32) -> NonNull<io_uring_cqe> {
    let offset = ((index & ring.cq_mask()) << ring.cqe_shift()) as usize;
    // SAFETY: SET-UP: the masked index scaled by the shift is below
    // `cq_entries << cqe_shift`, the length of the CQE array.
    let cqe = unsafe { ring.cq_cqes().add(offset) };
    // SAFETY: SET-UP: cq.cqes is the non-NULL start of a live mapping, so an in-bounds
    // offset from it is non-NULL too.
    unsafe { NonNull::new_unchecked(cqe) }
}

/// `io_uring_cqe_iter_init`: snapshot the ready CQEs (the tail is read once).
#[inline]
pub fn cqe_iter_init(ring: RingRef<'_>) -> io_uring_cqe_iter {
    io_uring_cqe_iter {
        cqes: ring.cq_cqes(),
        mask: ring.cq_mask(),
        shift: ring.cqe_shift(),
        // SAFETY: SET-UP: cq.khead is a live aligned word; KERNEL-WORDS: atomic read.
        head: unsafe { barrier::read_once(ring.cq_khead()) },
        // Acquire pairs with the kernel's release of the tail, as in cq_ready.
        // SAFETY: SET-UP: cq.ktail is a live aligned word; KERNEL-WORDS: atomic read.
        tail: unsafe { barrier::load_acquire(ring.cq_ktail()) },
    }
}

/// `io_uring_cqe_iter_next`: the next CQE of the snapshot, or `None` at its end.
///
/// The iterator does not know whether its ring is CQE_MIXED, so on rings with 16-byte
/// slots it steps over two slots for an `IORING_CQE_F_32` CQE, as liburing's does
/// (see [`cqe_iter_next_on`] for the ring-aware form). If that steps past the snapshot's
/// tail (an `F_32` CQE posted by a `MSG_RING` sender into the last slot of a ring that
/// is not mixed), the iteration ends there instead of running on through slots the
/// kernel has not published.
///
/// # Safety
/// `iter` must come from [`cqe_iter_init`] on a ring that is still SET-UP, and the
/// caller must hold its CQ-OWNER role: the head must not have moved past `iter.head`.
#[inline]
pub unsafe fn cqe_iter_next(iter: &mut io_uring_cqe_iter) -> Option<NonNull<io_uring_cqe>> {
    // With 32-byte slots (shift 1) every CQE takes one slot; otherwise the ring may be
    // CQE_MIXED, and F_32 is believed.
    let ring_flags = if iter.shift == 0 { IORING_SETUP_CQE_MIXED } else { 0 };
    // SAFETY: this function's contract is cqe_iter_next_on's.
    unsafe { cqe_iter_next_on(iter, ring_flags) }
}

/// [`cqe_iter_next`] for a ring set up with `ring_flags`: a CQE's slots are counted by
/// [`cqe_slots`].
///
/// # Safety
/// As for [`cqe_iter_next`]; `ring_flags` must be the ring's (or claim CQE_MIXED, which
/// only makes `F_32` CQEs step over two slots).
#[inline]
pub unsafe fn cqe_iter_next_on(iter: &mut io_uring_cqe_iter, ring_flags: u32) -> Option<NonNull<io_uring_cqe>> {
    // Published slots left; "negative" (as i32) when a step went past the tail. A ring
    // never holds more than 2^31 entries, so a real distance is always positive.
    if iter.tail.wrapping_sub(iter.head) as i32 <= 0 {
        return None;
    }
    let offset = ((iter.head & iter.mask) << iter.shift) as usize;
    // SAFETY: SET-UP (at init time, and still, by this function's contract): the
    // snapshot's mask and shift bound the offset by the length of the CQE array.
    let cqe = unsafe { iter.cqes.add(offset) };
    // SAFETY: CQ-OWNER: head is below the acquired snapshot tail and the caller is the
    // completion side, so the slot holds a published CQE the kernel does not write until
    // the head passes it.
    let flags = unsafe { (*cqe).flags };
    iter.head = iter.head.wrapping_add(cqe_slots(ring_flags, flags));
    NonNull::new(cqe)
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

impl CompletionSide<'_> {
    /// The CQE at `index`, read in place.
    ///
    /// Only called with an index between the head and an acquired tail: CQ-OWNER makes
    /// that a published CQE the kernel does not write again before the head passes it.
    #[inline(always)]
    fn published(&self, index: u32) -> (NonNull<io_uring_cqe>, &io_uring_cqe) {
        let cqe = cqe_at(self.ring(), index);
        // SAFETY: CQ-OWNER: `index` is between the head and an acquired tail, so the slot
        // is a published CQE the kernel does not write; the reference lives no longer
        // than `&self`, and the head cannot move while `&self` is borrowed.
        (cqe, unsafe { cqe.as_ref() })
    }

    /// `io_uring_cq_advance`: mark `nr` CQE slots as consumed.
    ///
    /// # Safety
    /// CQ-OWNER: the `nr` slots at the head must be published (`nr` at most what was
    /// ready) and read already: moving the head past the tail would hand unwritten slots
    /// out as completions, and the kernel may reuse consumed slots at once.
    #[inline]
    pub unsafe fn cq_advance(&mut self, nr: u32) {
        if nr != 0 {
            let khead = self.ring().cq_khead();
            // Release pairs with the kernel's acquire load of the head: our reads of the
            // CQEs happen before it may overwrite them. Only this side writes the head
            // (CQ-OWNER), so the relaxed read is exact.
            // SAFETY: SET-UP: cq.khead is a live aligned word; KERNEL-WORDS: atomic read.
            let head = unsafe { barrier::read_once(khead) };
            // SAFETY: SET-UP: cq.khead is a live aligned word; CQ-OWNER: only this side
            // writes it; KERNEL-WORDS: atomic store.
            unsafe { barrier::store_release(khead, head.wrapping_add(nr)) };
        }
    }

    /// `io_uring_cqe_seen`: consume one CQE (two slots for a 32-byte CQE on a mixed
    /// ring).
    ///
    /// # Safety
    /// `cqe` must point to a CQE this side peeked and has not consumed yet.
    #[inline]
    pub unsafe fn cqe_seen(&mut self, cqe: NonNull<io_uring_cqe>) {
        let ring_flags = self.ring().flags();
        if ring_flags & IORING_SETUP_CQE_MIXED == 0 {
            // Every CQE takes one slot on a ring that is not CQE_MIXED (cqe_slots), so
            // the CQE itself need not be read: a test and an increment on the hot path.
            // SAFETY: the published CQE this function's contract names takes one slot.
            unsafe { self.cq_advance(1) };
            return;
        }
        // SAFETY: CQ-OWNER: by this function's contract `cqe` is a CQE this side peeked
        // and has not consumed, so it is published and the kernel does not write it.
        let flags = unsafe { cqe.as_ref() }.flags;
        // SAFETY: the published CQE this function's contract names, read above.
        unsafe { self.cq_advance(cqe_slots(ring_flags, flags)) };
    }

    /// `__io_uring_peek_cqe`: the CQE at the head, without consuming it. Skips (and
    /// consumes) filler CQEs and, on kernels without EXT_ARG, the library's own timeout
    /// CQEs; a fired internal timeout is reported as its error.
    ///
    /// Inlined into its callers for the common cases (an empty CQ, or an ordinary CQE at
    /// the head: two loads, a compare and two flag tests); anything to skip is handled
    /// out of line (`peek_head_slow`).
    #[inline(always)]
    pub fn peek_head(&mut self) -> Peeked {
        let (available, cqe) = self.head_if_plain();
        match cqe {
            Some(cqe) => Peeked {
                available,
                result: Ok(Some(cqe)),
            },
            None if available == 0 => Peeked {
                available,
                result: Ok(None),
            },
            None => self.peek_head_slow(),
        }
    }

    /// The fast path shared by the peeks and waits: the number of CQE slots ready, and
    /// the CQE at the head if it is an ordinary one (`None` when the CQ is empty or when
    /// the head is a filler or an internal timeout, which [`CompletionSide::peek_head`]
    /// handles out of line).
    #[inline(always)]
    fn head_if_plain(&self) -> (u32, Option<NonNull<io_uring_cqe>>) {
        let ring = self.ring();
        // Acquire on the tail as in cq_ready; the head is ours (CQ-OWNER).
        // SAFETY: SET-UP: cq.ktail is a live aligned word; KERNEL-WORDS: atomic read.
        let tail = unsafe { barrier::load_acquire(ring.cq_ktail()) };
        // SAFETY: SET-UP: cq.khead is a live aligned word; KERNEL-WORDS: atomic read.
        let head = unsafe { barrier::read_once(ring.cq_khead()) };
        let available = tail.wrapping_sub(head);
        if available == 0 {
            return (0, None);
        }
        let (cqe, c) = self.published(head);
        // user_data first: it is almost never the timeout marker, so the features word
        // is rarely read.
        if c.flags & IORING_CQE_F_SKIP == 0
            && (c.user_data != LIBURING_UDATA_TIMEOUT || ring.features() & IORING_FEAT_EXT_ARG != 0)
        {
            return (available, Some(cqe));
        }
        (available, None)
    }

    /// [`CompletionSide::peek_head`] when the CQE at the head is a filler or an internal
    /// timeout: consume those and look again.
    #[cold]
    #[inline(never)]
    fn peek_head_slow(&mut self) -> Peeked {
        let ring = self.ring();
        let internal_timeouts = ring.features() & IORING_FEAT_EXT_ARG == 0;
        loop {
            // Acquire on the tail as in cq_ready; the head is ours (CQ-OWNER).
            // SAFETY: SET-UP: cq.ktail is a live aligned word; KERNEL-WORDS: atomic read.
            let tail = unsafe { barrier::load_acquire(ring.cq_ktail()) };
            // SAFETY: SET-UP: cq.khead is a live aligned word; KERNEL-WORDS: atomic read.
            let head = unsafe { barrier::read_once(ring.cq_khead()) };
            let available = tail.wrapping_sub(head);
            if available == 0 {
                return Peeked {
                    available,
                    result: Ok(None),
                };
            }
            let (cqe, c) = self.published(head);
            let (flags, user_data, res) = (c.flags, c.user_data, c.res);
            if flags & IORING_CQE_F_SKIP != 0 {
                // SAFETY: the filler at the head was published (head < tail) and read.
                unsafe { self.cq_advance(cqe_slots(ring.flags(), flags)) };
                continue;
            }
            if internal_timeouts && user_data == LIBURING_UDATA_TIMEOUT {
                // SAFETY: the timeout CQE at the head was published and read.
                unsafe { self.cq_advance(1) };
                if res < 0 {
                    return Peeked {
                        available,
                        result: Err(Errno(res.wrapping_neg())),
                    };
                }
                continue;
            }
            return Peeked {
                available,
                result: Ok(Some(cqe)),
            };
        }
    }

    /// The wait loop behind every waiting function (liburing's `_io_uring_get_cqe`):
    /// peek, enter if there is something to submit or too little to reap, peek again.
    ///
    /// # Safety
    /// `data.arg` must be what `data.get_flags` says it is, valid for the call
    /// (ENTER-ARG), and the `data.submit` published SQEs must satisfy SQE-MEM.
    unsafe fn get_cqe_loop(&mut self, data: &mut GetData) -> Waited {
        let ring = self.ring();
        let mut cqe = None;
        let mut looped = false;
        // liburing's single status word: an error, or the count an enter submitted.
        let mut status: Result<u32, Errno> = Ok(0);
        loop {
            let mut need_enter = false;
            let mut flags = 0;
            let peeked = self.peek_head();
            match peeked.result {
                Err(e) => {
                    if status == Ok(0) {
                        status = Err(e);
                    }
                    break;
                }
                Ok(found) => cqe = found,
            }
            if cqe.is_none() && data.wait_nr == 0 && data.submit == 0 {
                if looped || !cq_ring_needs_enter(ring) {
                    if status == Ok(0) {
                        status = Err(Errno::EAGAIN);
                    }
                    break;
                }
                need_enter = true;
            }
            if data.wait_nr > peeked.available || need_enter {
                flags = IORING_ENTER_GETEVENTS | data.get_flags;
                need_enter = true;
            }
            if sq_ring_needs_enter(ring, data.submit, &mut flags) {
                need_enter = true;
            }
            if !need_enter {
                break;
            }
            if looped && data.has_ts {
                // A timed wait enters once; coming back empty means the time is up.
                if cqe.is_none() && status == Ok(0) {
                    status = Err(Errno::ETIME);
                }
                break;
            }
            // SAFETY: ENTER-ARG: data.arg matches data.get_flags, and SQE-MEM holds for the
            // data.submit SQEs, both by this function's contract.
            match unsafe { enter(ring, data.submit, data.wait_nr, flags, data.arg, data.size) } {
                Err(e) => {
                    if status == Ok(0) {
                        status = Err(e);
                    }
                    break;
                }
                Ok(ret) => {
                    data.submit = data.submit.saturating_sub(ret);
                    if cqe.is_some() {
                        break;
                    }
                    if !looped {
                        looped = true;
                        status = Ok(ret);
                    }
                }
            }
        }
        Waited { cqe, result: status }
    }

    /// `__io_uring_get_cqe`: enter to submit `submit` already published SQEs and wait
    /// for `wait_nr` completions.
    ///
    /// # Safety
    /// `sigmask` must be NULL or a valid sigset; when `submit > 0`, the published SQEs
    /// must satisfy SQE-MEM.
    #[inline]
    pub unsafe fn get_cqe(&mut self, submit: u32, wait_nr: u32, sigmask: *const libc::sigset_t) -> Waited {
        let mut data = GetData {
            submit,
            wait_nr,
            get_flags: 0,
            arg: sigmask.cast(),
            size: NSIG_BYTES,
            has_ts: false,
        };
        // SAFETY: ENTER-ARG: without EXT_ARG the argument is the sigset, NULL or valid,
        // and SQE-MEM holds for the `submit` SQEs, both by this function's contract.
        unsafe { self.get_cqe_loop(&mut data) }
    }

    /// `io_uring_peek_cqe`: the next CQE if one is ready, else `EAGAIN`. Enters the
    /// kernel only when completions are held back (overflow, task work, IOPOLL).
    #[inline]
    pub fn peek_cqe(&mut self) -> Waited {
        if let (_, Some(cqe)) = self.head_if_plain() {
            return Waited {
                cqe: Some(cqe),
                result: Ok(0),
            };
        }
        peek_cqe_slow(self.reborrow())
    }

    /// `io_uring_wait_cqe_nr`: wait until `wait_nr` completions are ready; returns the
    /// first.
    pub fn wait_cqe_nr(&mut self, wait_nr: u32) -> Waited {
        // SAFETY: ENTER-ARG: a NULL sigmask; SQE-MEM holds vacuously (submit is 0).
        unsafe { self.get_cqe(0, wait_nr, ptr::null()) }
    }

    /// `io_uring_wait_cqe`: wait for one completion.
    #[inline]
    pub fn wait_cqe(&mut self) -> Waited {
        if let (_, Some(cqe)) = self.head_if_plain() {
            return Waited {
                cqe: Some(cqe),
                result: Ok(0),
            };
        }
        wait_cqe_slow(self.reborrow())
    }

    /// Wait through IORING_ENTER_EXT_ARG; `arg.ts` (if any) bounds the wait.
    ///
    /// # Safety
    /// The pointers in `arg` must be NULL or valid for the call (ENTER-ARG), and the
    /// `submit` published SQEs must satisfy SQE-MEM.
    unsafe fn wait_ext_arg(&mut self, submit: u32, wait_nr: u32, arg: &io_uring_getevents_arg) -> Waited {
        let mut data = GetData {
            submit,
            wait_nr,
            get_flags: IORING_ENTER_EXT_ARG,
            arg: (arg as *const io_uring_getevents_arg).cast(),
            size: core::mem::size_of::<io_uring_getevents_arg>(),
            has_ts: arg.ts != 0,
        };
        // SAFETY: ENTER-ARG: with EXT_ARG the argument is `arg`, a reference that lives
        // until the loop returns, and what it points to is NULL or valid by this
        // function's contract, as is SQE-MEM for the `submit` SQEs.
        unsafe { self.get_cqe_loop(&mut data) }
    }

    /// `io_uring_wait_cqes`: wait for `wait_nr` completions, at most `ts` (if given).
    /// With EXT_ARG nothing pending is submitted; without it the library queues its own
    /// timeout SQE and submits everything pending, as liburing does.
    ///
    /// # Safety
    /// `ts` and `sigmask` must be NULL or valid. On kernels without EXT_ARG with a
    /// non-NULL `ts`, the caller must also hold the ring's submission side (SQ-OWNER),
    /// `ts` must stay valid until the timeout's CQE is reaped, and pending SQEs must
    /// reference live memory.
    pub unsafe fn wait_cqes(
        &mut self,
        wait_nr: u32,
        ts: *const __kernel_timespec,
        sigmask: *const libc::sigset_t,
    ) -> Waited {
        if ts.is_null() {
            // SAFETY: ENTER-ARG: sigmask is NULL or valid by this function's contract;
            // SQE-MEM holds vacuously (submit is 0).
            return unsafe { self.get_cqe(0, wait_nr, sigmask) };
        }
        if self.ring().features() & IORING_FEAT_EXT_ARG != 0 {
            // SAFETY: ENTER-ARG: ts and sigmask are NULL or valid by this function's
            // contract; SQE-MEM holds vacuously (submit is 0).
            return unsafe { self.wait_ext_arg(0, wait_nr, &getevents_arg(ts, 0, sigmask)) };
        }
        // SAFETY: SQ-OWNER: on this path (no EXT_ARG, non-NULL `ts`) this function's
        // contract makes the caller the ring's submitter, so this is the only
        // SubmissionSide in use.
        let mut sq = unsafe { SubmissionSide::new(self.ring()) };
        // SAFETY: SQE-MEM for the pending SQEs and `ts`, by this function's contract.
        let pushed = unsafe { push_internal_timeout(&mut sq, wait_nr, ts) };
        match pushed {
            // SAFETY: ENTER-ARG: sigmask is NULL or valid; SQE-MEM: the pending SQEs and
            // the timeout SQE's `ts` stay valid as required; both by this function's
            // contract.
            Ok(n) => unsafe { self.get_cqe(n, wait_nr, sigmask) },
            Err(e) => Waited::err(e),
        }
    }

    /// `io_uring_wait_cqes_min_timeout`.
    ///
    /// # Safety
    /// `ts` and `sigmask` must be NULL or valid.
    pub unsafe fn wait_cqes_min_timeout(
        &mut self,
        wait_nr: u32,
        ts: *const __kernel_timespec,
        min_wait_usec: u32,
        sigmask: *const libc::sigset_t,
    ) -> Waited {
        if self.ring().features() & IORING_FEAT_MIN_TIMEOUT == 0 {
            return Waited::err(Errno::EINVAL);
        }
        // Always the EXT_ARG path, with or without `ts`: the minimum wait only exists
        // there (and every kernel with MIN_TIMEOUT has EXT_ARG).
        // SAFETY: ENTER-ARG: ts and sigmask are NULL or valid by this function's
        // contract; SQE-MEM holds vacuously (submit is 0).
        unsafe { self.wait_ext_arg(0, wait_nr, &getevents_arg(ts, min_wait_usec, sigmask)) }
    }

    /// `io_uring_wait_cqe_timeout`: wait for one completion, at most `ts`.
    ///
    /// # Safety
    /// As for [`CompletionSide::wait_cqes`].
    pub unsafe fn wait_cqe_timeout(&mut self, ts: *const __kernel_timespec) -> Waited {
        // SAFETY: wait_cqes's contract (ENTER-ARG for `ts` and a NULL sigmask; SQ-OWNER
        // and SQE-MEM on kernels without EXT_ARG) is this function's.
        unsafe { self.wait_cqes(1, ts, ptr::null()) }
    }

    /// `io_uring_peek_batch_cqe`: fill `out` with up to `count` ready CQEs without
    /// consuming them; returns how many.
    ///
    /// # Safety
    /// `out` must be valid for `count` pointer writes (only the first `returned` are
    /// written).
    #[inline]
    pub unsafe fn peek_batch_cqe(&mut self, out: *mut *mut io_uring_cqe, count: u32) -> u32 {
        let ring = self.ring();
        if ring.flags() & IORING_SETUP_CQE_MIXED != 0 {
            // SAFETY: peek_batch_mixed_flush's contract (`out` valid for `count` pointer
            // writes) is this function's.
            return unsafe { peek_batch_mixed_flush(self.reborrow(), out, count) };
        }
        // Acquire on the tail as in cq_ready; the head is read relaxed: only this side
        // writes it (CQ-OWNER).
        // SAFETY: SET-UP: cq.ktail is a live aligned word; KERNEL-WORDS: atomic read.
        let tail = unsafe { barrier::load_acquire(ring.cq_ktail()) };
        // SAFETY: SET-UP: cq.khead is a live aligned word; KERNEL-WORDS: atomic read.
        let head = unsafe { barrier::read_once(ring.cq_khead()) };
        if tail == head {
            if !cq_ring_needs_flush(ring) {
                return 0;
            }
            // Nothing ready but completions are held back in the kernel: flush them
            // once and look again (out of line, as a tail call).
            // SAFETY: peek_batch_after_flush's contract (`out` valid for `count` pointer
            // writes) is this function's.
            return unsafe { peek_batch_after_flush(self.reborrow(), out, count, head) };
        }
        // SAFETY: `head..tail` was just read (tail acquired) and `out` is valid for
        // `count` pointer writes, by this function's contract.
        unsafe { self.copy_batch(out, count, head, tail) }
    }

    /// Store pointers to the CQEs at `head..tail` (at most `count`) into `out`; returns
    /// how many. Only for rings that are not CQE_MIXED (one slot per CQE).
    ///
    /// # Safety
    /// `head` must be the CQ head and `tail` a tail read with acquire since (CQ-OWNER
    /// makes those slots published and stable), and `out` valid for `count` pointer
    /// writes.
    #[inline(always)]
    unsafe fn copy_batch(&self, out: *mut *mut io_uring_cqe, count: u32, head: u32, tail: u32) -> u32 {
        let ring = self.ring();
        let count = count.min(tail.wrapping_sub(head));
        // The set-up fields are read once, before the loop: the writes through `out`
        // could alias the C struct as far as the compiler knows, and would otherwise
        // make it reload them for every CQE.
        let (cqes, mask, shift) = (ring.cq_cqes(), ring.cq_mask(), ring.cqe_shift());
        for i in 0..count {
            let offset = ((head.wrapping_add(i) & mask) << shift) as usize;
            // SAFETY: SET-UP: the masked index scaled by the shift is below
            // `cq_entries << cqe_shift`, the length of the CQE array.
            let cqe = unsafe { cqes.add(offset) };
            // SAFETY: `i < count`, and by this function's contract `out` is valid for
            // `count` pointer writes, so `out + i` stays inside that array.
            let slot = unsafe { out.add(i as usize) };
            // SAFETY: `slot` is one of the `count` writable pointers `out` provides (this
            // function's contract).
            unsafe { slot.write(cqe) };
        }
        count
    }

    /// [`CompletionSide::peek_batch_cqe`] on a CQE_MIXED ring: 32-byte CQEs take two
    /// slots and leading filler CQEs are consumed.
    ///
    /// # Safety
    /// `out` must be valid for `count` pointer writes.
    unsafe fn peek_batch_mixed(&mut self, out: *mut *mut io_uring_cqe, count: u32) -> u32 {
        let ring = self.ring();
        // Acquire on the tail as in cq_ready.
        // SAFETY: SET-UP: cq.ktail is a live aligned word; KERNEL-WORDS: atomic read.
        let tail = unsafe { barrier::load_acquire(ring.cq_ktail()) };
        // SAFETY: SET-UP: cq.khead is a live aligned word; KERNEL-WORDS: atomic read.
        let mut head = unsafe { barrier::read_once(ring.cq_khead()) };
        let mut filled = 0;
        // Published slots left ("negative" as i32 if a step went past the tail, which a
        // kernel that writes both halves of every 32-byte CQE never causes).
        while (tail.wrapping_sub(head) as i32) > 0 && filled < count {
            let (cqe, c) = self.published(head);
            let (flags, slots) = (c.flags, cqe_nr(c));
            if flags & IORING_CQE_F_SKIP != 0 {
                if filled != 0 {
                    break;
                }
                // The filler is first in line: consuming it hides nothing. The kernel's
                // own fillers take one slot, but a MSG_RING sender may post a skipped
                // 32-byte CQE, which takes two: stepping by one would hand out its
                // second half as a completion.
                // SAFETY: the filler at the head was published (head != tail) and read.
                unsafe { self.cq_advance(slots) };
                head = head.wrapping_add(slots);
                continue;
            }
            // SAFETY: `filled < count`, and by this function's contract `out` is valid
            // for `count` pointer writes, so `out + filled` stays inside that array.
            let slot = unsafe { out.add(filled as usize) };
            // SAFETY: `slot` is one of the `count` writable pointers `out` provides (this
            // function's contract).
            unsafe { slot.write(cqe.as_ptr()) };
            filled += 1;
            head = head.wrapping_add(slots);
        }
        filled
    }
}

// The slow paths of the hot completion functions. Each takes the completion side by value
// (a pointer in a register, see CompletionSide::reborrow) and is called in tail position,
// out of line and cold: the hot functions then need no stack frame and no register saves.

/// [`CompletionSide::peek_cqe`] when the head is empty, a filler or an internal timeout.
#[cold]
#[inline(never)]
fn peek_cqe_slow(mut cq: CompletionSide<'_>) -> Waited {
    let peeked = cq.peek_head();
    match peeked.result {
        Ok(Some(cqe)) => {
            return Waited {
                cqe: Some(cqe),
                result: Ok(0),
            }
        }
        Ok(None) if !cq_ring_needs_enter(cq.ring()) => return Waited::err(Errno::EAGAIN),
        _ => {}
    }
    // SAFETY: ENTER-ARG: a NULL sigmask; SQE-MEM holds vacuously (submit is 0).
    unsafe { cq.get_cqe(0, 0, ptr::null()) }
}

/// [`CompletionSide::wait_cqe`] when no ordinary CQE is at the head.
#[cold]
#[inline(never)]
fn wait_cqe_slow(mut cq: CompletionSide<'_>) -> Waited {
    if let Ok(Some(cqe)) = cq.peek_head().result {
        return Waited {
            cqe: Some(cqe),
            result: Ok(0),
        };
    }
    cq.wait_cqe_nr(1)
}

/// [`CompletionSide::peek_batch_cqe`] when nothing was ready at `head` but the kernel
/// holds completions back: enter once to flush them, then copy what is ready. An enter
/// error only means nothing was flushed; liburing ignores it the same way.
///
/// # Safety
/// `head` is the CQ head, and `out` is valid for `count` pointer writes.
#[cold]
#[inline(never)]
unsafe fn peek_batch_after_flush(cq: CompletionSide<'_>, out: *mut *mut io_uring_cqe, count: u32, head: u32) -> u32 {
    let ring = cq.ring();
    let _ = get_events(ring);
    // SAFETY: SET-UP: cq.ktail is a live aligned word; KERNEL-WORDS: atomic read.
    let tail = unsafe { barrier::load_acquire(ring.cq_ktail()) };
    // SAFETY: `head` is the head (only this side moves it) and `tail` was just acquired;
    // `out` is valid for `count` pointer writes by this function's contract.
    unsafe { cq.copy_batch(out, count, head, tail) }
}

/// [`CompletionSide::peek_batch_cqe`] on a CQE_MIXED ring, flushing held-back
/// completions once when none is ready.
///
/// # Safety
/// `out` must be valid for `count` pointer writes.
#[cold]
#[inline(never)]
unsafe fn peek_batch_mixed_flush(mut cq: CompletionSide<'_>, out: *mut *mut io_uring_cqe, count: u32) -> u32 {
    let ring = cq.ring();
    // SAFETY: peek_batch_mixed's contract: `out` is valid for `count` pointer writes, by
    // this function's.
    let n = unsafe { cq.peek_batch_mixed(out, count) };
    if n != 0 || !cq_ring_needs_flush(ring) {
        return n;
    }
    // Completions are held back in the kernel: flush them once and look again. An enter
    // error here only means nothing more was flushed; liburing ignores it the same way,
    // and the caller sees the count it gets.
    let _ = get_events(ring);
    // SAFETY: peek_batch_mixed's contract: `out` is valid for `count` pointer writes, by
    // this function's.
    unsafe { cq.peek_batch_mixed(out, count) }
}

/// Queue the library's own timeout SQE (kernels without EXT_ARG) and flush the SQ;
/// returns the number of SQEs to submit.
///
/// # Safety
/// SQE-MEM: the pending SQEs' memory, and `ts`, stay valid until their completions.
unsafe fn push_internal_timeout(
    sq: &mut SubmissionSide<'_>,
    wait_nr: u32,
    ts: *const __kernel_timespec,
) -> Result<u32, Errno> {
    let sqe = match sq.get_sqe() {
        Some(sqe) => sqe,
        None => {
            // SAFETY: SQE-MEM: the pending SQEs reference live memory by the contract of
            // both callers (see above).
            unsafe { sq.submit() }?;
            sq.get_sqe().ok_or(Errno::EAGAIN)?
        }
    };
    // SAFETY: SQ-OWNER: a freshly handed-out slot is exclusively ours until published;
    // the reference is used only to prepare it, below.
    let sqe = unsafe { &mut *sqe.as_ptr() };
    crate::prep::timeout(sqe, ts, wait_nr, 0);
    sqe.user_data = LIBURING_UDATA_TIMEOUT;
    // SAFETY: SQE-MEM: the pending SQEs and `ts` stay valid, by this function's contract.
    unsafe { sq.flush_sq_checked() }
}

/// `io_uring_submit_and_wait_timeout`: submit everything pending and wait for `wait_nr`
/// completions, at most `ts`.
///
/// # Safety
/// `ts` and `sigmask` must be NULL or valid (ENTER-ARG; without EXT_ARG, `ts` until the
/// timeout's CQE is reaped); pending SQEs must reference live memory (SQE-MEM).
pub unsafe fn submit_and_wait_timeout(
    sq: &mut SubmissionSide<'_>,
    cq: &mut CompletionSide<'_>,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    sigmask: *const libc::sigset_t,
) -> Waited {
    // SAFETY: ENTER-ARG and SQE-MEM, submit_and_wait_inner's contract, are this
    // function's.
    unsafe { submit_and_wait_inner(sq, cq, wait_nr, ts, 0, sigmask) }
}

/// `io_uring_submit_and_wait_min_timeout`: as [`submit_and_wait_timeout`], and the kernel
/// waits at least `min_wait_usec` for `wait_nr` completions before settling for fewer.
///
/// # Safety
/// As for [`submit_and_wait_timeout`].
pub unsafe fn submit_and_wait_min_timeout(
    sq: &mut SubmissionSide<'_>,
    cq: &mut CompletionSide<'_>,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const libc::sigset_t,
) -> Waited {
    if cq.ring().features() & IORING_FEAT_MIN_TIMEOUT == 0 {
        return Waited::err(Errno::EINVAL);
    }
    // SAFETY: ENTER-ARG and SQE-MEM, submit_and_wait_inner's contract, are this
    // function's.
    unsafe { submit_and_wait_inner(sq, cq, wait_nr, ts, min_wait_usec, sigmask) }
}

/// # Safety
/// As for [`submit_and_wait_timeout`].
unsafe fn submit_and_wait_inner(
    sq: &mut SubmissionSide<'_>,
    cq: &mut CompletionSide<'_>,
    wait_nr: u32,
    ts: *const __kernel_timespec,
    min_wait_usec: u32,
    sigmask: *const libc::sigset_t,
) -> Waited {
    if !ts.is_null() && cq.ring().features() & IORING_FEAT_EXT_ARG == 0 {
        // SAFETY: SQE-MEM for the pending SQEs and `ts`, by this function's contract.
        let pushed = unsafe { push_internal_timeout(sq, wait_nr, ts) };
        return match pushed {
            // SAFETY: ENTER-ARG: sigmask is NULL or valid; SQE-MEM: the pending SQEs and
            // the timeout SQE's `ts` stay valid as required; both by this function's
            // contract.
            Ok(n) => unsafe { cq.get_cqe(n, wait_nr, sigmask) },
            Err(e) => Waited::err(e),
        };
    }
    // SAFETY: SQE-MEM for the pending SQEs, by this function's contract.
    let submit = match unsafe { sq.flush_sq_checked() } {
        Ok(n) => n,
        Err(e) => return Waited::err(e),
    };
    if !ts.is_null() {
        // SAFETY: ENTER-ARG: ts and sigmask are NULL or valid; SQE-MEM for the flushed
        // SQEs; both by this function's contract.
        return unsafe { cq.wait_ext_arg(submit, wait_nr, &getevents_arg(ts, min_wait_usec, sigmask)) };
    }
    // SAFETY: ENTER-ARG: sigmask is NULL or valid; SQE-MEM for the flushed SQEs; both by
    // this function's contract.
    unsafe { cq.get_cqe(submit, wait_nr, sigmask) }
}

/// `io_uring_submit_and_wait_reg`: submit and wait using the registered wait region
/// slot `reg_index` (set up with `io_uring_register_region`).
///
/// # Safety
/// Pending SQEs must reference live memory (SQE-MEM).
pub unsafe fn submit_and_wait_reg(
    sq: &mut SubmissionSide<'_>,
    cq: &mut CompletionSide<'_>,
    wait_nr: u32,
    reg_index: i32,
) -> Waited {
    if cq.ring().features() & IORING_FEAT_EXT_ARG == 0 {
        return Waited::err(Errno::EINVAL);
    }
    // SAFETY: SQE-MEM for the pending SQEs, by this function's contract.
    let submit = match unsafe { sq.flush_sq_checked() } {
        Ok(n) => n,
        Err(e) => return Waited::err(e),
    };
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
    // SAFETY: ENTER-ARG: with EXT_ARG_REG the argument is an offset the kernel validates
    // against the registered region, and nothing of ours is read through it; SQE-MEM
    // for the flushed SQEs is this function's contract.
    unsafe { cq.get_cqe_loop(&mut data) }
}
