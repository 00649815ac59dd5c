//! The safe Rust API: an owned [`Ring`] over the same core the C ABI uses.
//!
//! ```no_run
//! use uring::{prep, Ring};
//!
//! let mut ring = Ring::new(8)?;
//! let sqe = ring.get_sqe().expect("a fresh ring has free SQEs");
//! prep::nop(sqe);
//! sqe.user_data = 42;
//! // SAFETY: SQE-MEM holds: a NOP references no memory.
//! unsafe { ring.submit()? };
//! let cqe = ring.wait()?; // a guard on the CQ head
//! assert_eq!(cqe.user_data(), 42);
//! cqe.seen(); // consumes the guard: a completion cannot be consumed twice
//! # Ok::<(), uring::Errno>(())
//! ```
//!
//! To submit from one thread while reaping in another, [`Ring::split`] the ring into a
//! [`Submitter`] and a [`CompletionQueue`]; both are `Send`, neither is `Clone`, so the
//! type system enforces liburing's "one submitter, one reaper" contract.
//!
//! What is safe and what is not: preparing an SQE only writes integers into ring memory,
//! so [`Ring::get_sqe`] and the [`crate::prep`] functions are safe. Submitting hands the
//! kernel whatever addresses those SQEs hold, so the submit functions are `unsafe`: the
//! caller promises that every buffer, path, iovec, timespec, ... an SQE points to stays
//! valid (and, for reads, unaliased) until its completion arrives.

use std::prelude::rust_2021::*;

use core::cell::UnsafeCell;
use core::ptr::NonNull;
use std::time::Duration;

use crate::cq::{self, Waited};
use crate::errno::Errno;
use crate::ring::{io_uring, io_uring_cqe_iter, CompletionSide, RingRef, SubmissionSide};
use crate::setup;
use crate::sys::*;

mod ext;
pub mod owned;
mod setup_error;

// The typed low-level layer: entries built by `op`, pushed with `Submitter::push`.
mod builder;
mod cqe;
mod entry;
mod error;
mod flags;
pub mod op;
mod opcode;
mod raw_cq;
mod sq;
mod wait;

pub use entry::{Entry, Entry128, Fd, Fixed, PushError, SafeEntry, Target};
pub use error::Error;
pub use flags::{
    AcceptFlags, CancelFlags, CqeFlags, EnterFlags, Features, FsyncFlags, MsgRingFlags, PollFlags, RecvFlags,
    SendFlags, SetupFlags, SqeFlags, TimeoutFlags,
};
pub use opcode::{Opcode, Probe};
pub use raw_cq::RawCompletions;
pub use setup_error::{SetupError, IO_URING_DISABLED_PATH, IO_URING_GROUP_PATH};
pub use sq::SubmissionQueue;
pub use wait::WaitCanceller;

/// The contents of one completion, copied out of the CQ ring. A `Cqe` is only data: it
/// cannot consume anything (that is [`Completion::seen`]'s job).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cqe {
    user_data: u64,
    res: i32,
    flags: u32,
    big: [u64; 2],
}

impl Cqe {
    /// Copy a CQE; `big_cqe` is read only on CQE32 rings or for 32-byte CQEs of a
    /// mixed ring (the memory exists only there). `IORING_CQE_F_32` on any other ring
    /// (a `MSG_RING` sender can set every flag bit) does not make it read further.
    ///
    /// # Safety
    /// `cqe` must point to a published CQE of a ring with these `ring_flags`, read by its
    /// completion side (CQ-OWNER: the kernel does not write it meanwhile).
    #[inline]
    unsafe fn read(cqe: NonNull<io_uring_cqe>, ring_flags: u32) -> Cqe {
        // SAFETY: CQ-OWNER: by this function's contract `cqe` is a published CQE read by
        // its completion side, so it is initialised, aligned, and not written meanwhile.
        let c = unsafe { cqe.read() };
        let mut big = [0; 2];
        if ring_flags & IORING_SETUP_CQE32 != 0 || cq::cqe_slots(ring_flags, c.flags) == 2 {
            // A 32-byte CQE carries 16 more bytes right after the 16-byte header, inside
            // the same published slot pair.
            // SAFETY: SET-UP: a 32-byte CQE (CQE32 ring, or F_32 on a mixed ring, where
            // the kernel never lets one wrap the ring end) spans 32 bytes of the CQE array,
            // so one 16-byte header further is still inside it.
            let extra = unsafe { cqe.as_ptr().add(1) };
            // SAFETY: CQ-OWNER: the second half of the published 32-byte CQE (see
            // above), 8-byte aligned and not written by the kernel meanwhile.
            big = unsafe { extra.cast::<[u64; 2]>().read() };
        }
        Cqe {
            user_data: c.user_data,
            res: c.res,
            flags: c.flags,
            big,
        }
    }

    /// The `user_data` of the SQE this completes.
    #[inline]
    pub fn user_data(&self) -> u64 {
        self.user_data
    }

    /// The raw result: `>= 0` on success, `-errno` on failure.
    #[inline]
    pub fn res(&self) -> i32 {
        self.res
    }

    /// The result as a `Result`.
    #[inline]
    pub fn result(&self) -> Result<u32, Errno> {
        Errno::result(self.res).map(|v| v as u32)
    }

    /// `IORING_CQE_F_*` flags (the upper 16 bits carry a buffer id with `F_BUFFER`).
    #[inline]
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// More completions will follow for the same request (multishot).
    #[inline]
    pub fn more(&self) -> bool {
        self.flags & IORING_CQE_F_MORE != 0
    }

    /// The provided buffer the kernel picked, if any.
    #[inline]
    pub fn buffer_id(&self) -> Option<u16> {
        (self.flags & IORING_CQE_F_BUFFER != 0).then_some((self.flags >> IORING_CQE_BUFFER_SHIFT) as u16)
    }

    /// The extra 16 bytes of a 32-byte CQE (zero otherwise).
    #[inline]
    pub fn big_cqe(&self) -> [u64; 2] {
        self.big
    }
}

/// Hand a fresh SQE slot to safe code as an all-zero SQE: a NOP with `user_data` 0.
///
/// liburing's `get_sqe` (and the C ABI's) leaves the previous request's opcode, fd,
/// address and length in the slot for the preparer to overwrite. Safe code may take an
/// SQE and not prepare it, and the next submit would then replay the old request into
/// memory that may be gone; a zeroed slot makes that a harmless NOP.
#[inline(always)]
fn blank_sqe<'a>(sqe: NonNull<io_uring_sqe>) -> &'a mut io_uring_sqe {
    // SAFETY: SQ-OWNER: a slot just handed out is exclusively ours until submitted; the
    // caller ties the lifetime to its `&mut` borrow of the ring or submitter, which
    // submitting needs too.
    let sqe = unsafe { &mut *sqe.as_ptr() };
    *sqe = io_uring_sqe::zeroed();
    sqe
}

/// Ring setup options (`io_uring_params`), for [`Ring::builder`].
#[derive(Clone, Copy, Debug)]
pub struct Builder {
    entries: u32,
    params: io_uring_params,
    /// Flags of `params.flags` the kernel may refuse (see [`Builder::prefer`]).
    preferred: u32,
    /// Checked mode to set after set-up ([`Builder::checked`]); `None`: as `URING_CHECK`.
    checked: Option<bool>,
}

impl Builder {
    /// Add `IORING_SETUP_*` flags.
    #[inline]
    pub fn flags(mut self, flags: u32) -> Self {
        self.params.flags |= flags;
        self.preferred &= !flags;
        self
    }

    /// Ask for a CQ of `n` entries (`IORING_SETUP_CQSIZE`).
    pub fn cq_entries(mut self, n: u32) -> Self {
        self.params.flags |= IORING_SETUP_CQSIZE;
        self.params.cq_entries = n;
        self
    }

    /// Use a kernel submission thread (`IORING_SETUP_SQPOLL`) that sleeps after
    /// `idle_ms` milliseconds without work.
    pub fn sqpoll(mut self, idle_ms: u32) -> Self {
        self.params.flags |= IORING_SETUP_SQPOLL;
        self.params.sq_thread_idle = idle_ms;
        self
    }

    /// Create the ring.
    ///
    /// On failure the [`SetupError`] says why in words (io_uring missing, blocked by
    /// seccomp or `kernel.io_uring_disabled`, memlock limit, which parameter is wrong)
    /// and converts to the raw [`Errno`] with `?` or [`SetupError::errno`].
    pub fn build(mut self) -> Result<Ring, SetupError> {
        let asked = self.params;
        let mut raw = io_uring::zeroed();
        // SAFETY: queue_init's contract: `raw` is a fresh zeroed struct holding no ring, so
        // overwriting it leaks nothing; after success it is SET-UP, which starts OWNED.
        unsafe { ext::init(self.entries, &mut raw, &mut self.params, self.preferred) }
            .map_err(|e| SetupError::new(e, self.entries, &asked))?;
        if let Some(on) = self.checked {
            crate::ext::checked::set_checked(&mut raw, on);
        }
        Ok(Ring {
            raw: UnsafeCell::new(raw),
            params: self.params,
        })
    }
}

/// An io_uring instance. Dropping it tears the ring down.
///
/// Invariant **OWNED**: `raw` is SET-UP (see [`io_uring`]) from [`Builder::build`] until
/// `Drop`, and no exclusive operation runs on it in between except through `&mut self`.
/// The struct is in an `UnsafeCell` because a [`Submitter`] and a [`CompletionQueue`]
/// split off it write their own parts of it concurrently.
pub struct Ring {
    raw: UnsafeCell<io_uring>,
    params: io_uring_params,
}

// SAFETY: OWNED: the ring is memory mappings and an fd, owned by this value; nothing in it
// is tied to the creating thread (SINGLE_ISSUER rings are the caller's choice and the
// kernel enforces them with an error, not UB). `Ring` is not `Sync`: `&Ring` methods read
// the submission-local tail, which only one thread may do at a time.
unsafe impl Send for Ring {}

impl Ring {
    /// A ring with `entries` SQEs and default setup. See [`Builder::build`] for the
    /// error.
    #[doc(alias = "io_uring_queue_init")]
    pub fn new(entries: u32) -> Result<Ring, SetupError> {
        Ring::builder(entries).build()
    }

    /// Setup options for a ring with `entries` SQEs.
    #[doc(alias = "io_uring_queue_init_params")]
    pub fn builder(entries: u32) -> Builder {
        Builder {
            entries,
            params: io_uring_params::default(),
            preferred: 0,
            checked: None,
        }
    }

    /// A shared handle on the ring for the core functions (`uring::register`, probes,
    /// queries). It borrows the ring, so no exclusive operation can run meanwhile.
    #[inline]
    pub fn as_ring_ref(&self) -> RingRef<'_> {
        // SAFETY: `UnsafeCell::get` returns a pointer into `self`, never NULL.
        let raw = unsafe { NonNull::new_unchecked(self.raw.get()) };
        // SAFETY: OWNED: the ring is SET-UP for as long as `self` is borrowed, and
        // exclusive operations need `&mut self`.
        unsafe { RingRef::from_ptr(raw) }
    }

    /// The liburing `struct io_uring` underneath, read-only.
    pub fn as_raw(&self) -> &io_uring {
        // SAFETY: OWNED: with `&self` borrowed no submitter or reaper split off this ring
        // exists (splitting needs `&mut self`), so nothing writes the struct meanwhile;
        // the kernel writes only the mappings its pointers lead to.
        unsafe { &*self.raw.get() }
    }

    /// Mutable access to the raw ring.
    ///
    /// # Safety
    /// The caller must keep the OWNED invariant: the ring stays set up, and its pointers
    /// and indices change only through the core functions.
    pub unsafe fn as_raw_mut(&mut self) -> &mut io_uring {
        self.raw.get_mut()
    }

    /// The params the kernel returned at setup (entries, features, offsets).
    pub fn params(&self) -> &io_uring_params {
        &self.params
    }

    /// `IORING_FEAT_*` bits of this kernel.
    pub fn features(&self) -> u32 {
        self.as_ring_ref().features()
    }

    /// The ring file descriptor (-1 for REGISTERED_FD_ONLY rings).
    pub fn fd(&self) -> i32 {
        self.as_ring_ref().ring_fd()
    }

    /// Split the ring into its submission and completion halves, which may be used from
    /// two threads at once (liburing's threading contract). The ring stays borrowed
    /// until both are gone.
    ///
    /// A ring set up with `IORING_SETUP_SINGLE_ISSUER` (which `DEFER_TASKRUN` needs) may
    /// only be entered by the thread that made it: the kernel refuses the other thread's
    /// submits and waits with `EEXIST`. Keep both halves of such a ring on that thread.
    #[inline]
    pub fn split(&mut self) -> (Submitter<'_>, CompletionQueue<'_>) {
        let ring = self.as_ring_ref();
        let flags = ring.flags();
        // SAFETY: SQ-OWNER: `&mut self` is held for the halves' lifetime and this is the
        // only submission side made from it.
        let sq = unsafe { SubmissionSide::new(ring) };
        // SAFETY: CQ-OWNER: `&mut self` is held for the halves' lifetime and this is the
        // only completion side made from it.
        let cq = unsafe { CompletionSide::new(ring) };
        (Submitter { side: sq }, CompletionQueue { side: cq, flags })
    }

    /// The submission half alone.
    #[inline]
    pub fn submitter(&mut self) -> Submitter<'_> {
        self.split().0
    }

    /// The completion half alone.
    #[inline]
    pub fn completion(&mut self) -> CompletionQueue<'_> {
        self.split().1
    }

    /// The next free SQE, all zero (a NOP with `user_data` 0, so one left unprepared is
    /// harmless), or `None` when the SQ is full. Set `user_data` and prepare it with a
    /// [`crate::prep`] function.
    #[doc(alias = "io_uring_get_sqe")]
    #[inline]
    pub fn get_sqe(&mut self) -> Option<&mut io_uring_sqe> {
        // SAFETY: SQ-OWNER: the side lives for this call, under `&mut self`.
        let sqe = unsafe { SubmissionSide::new(self.as_ring_ref()) }.next_slot()?;
        Some(blank_sqe(sqe))
    }

    /// SQEs prepared but not yet consumed by the kernel.
    #[doc(alias = "io_uring_sq_ready")]
    #[inline]
    pub fn sq_ready(&self) -> u32 {
        // SAFETY: SQ-OWNER: with `&self` (and `Ring: !Sync`) no Submitter exists and no
        // other thread reaches the tail; the side lives for this call only.
        unsafe { SubmissionSide::new(self.as_ring_ref()) }.sq_ready()
    }

    /// Free SQ slots.
    #[doc(alias = "io_uring_sq_space_left")]
    #[inline]
    pub fn sq_space_left(&self) -> u32 {
        // SAFETY: SQ-OWNER: with `&self` (and `Ring: !Sync`) no Submitter exists and no
        // other thread reaches the tail; the side lives for this call only.
        unsafe { SubmissionSide::new(self.as_ring_ref()) }.sq_space_left()
    }

    /// Completions ready to be read.
    #[doc(alias = "io_uring_cq_ready")]
    #[inline]
    pub fn cq_ready(&self) -> u32 {
        cq::cq_ready(self.as_ring_ref())
    }

    /// Submit the prepared SQEs; returns how many the kernel took.
    ///
    /// # Safety
    /// Every memory address held by the submitted SQEs must stay valid for the kernel's
    /// use until the matching completion has been seen. And an `IORING_OP_MSG_RING`
    /// SQE posts a completion with a `user_data` and result of the caller's choice into
    /// the ring it names: it may target only rings whose completions the caller owns,
    /// never one driven by [`owned::Driver`], which frees an operation's buffers on its
    /// completion.
    #[doc(alias = "io_uring_submit")]
    #[inline]
    pub unsafe fn submit(&mut self) -> Result<u32, Errno> {
        // SAFETY: SQE-MEM is this function's contract.
        unsafe { self.submitter().submit() }
    }

    /// Submit and wait until at least `wait_nr` completions are ready.
    ///
    /// # Safety
    /// As for [`Ring::submit`].
    #[doc(alias = "io_uring_submit_and_wait")]
    #[inline]
    pub unsafe fn submit_and_wait(&mut self, wait_nr: u32) -> Result<u32, Errno> {
        // SAFETY: SQE-MEM is this function's contract (Ring::submit's).
        unsafe { self.submitter().submit_and_wait(wait_nr) }
    }

    /// The next completion if one is ready (`Ok(None)` if none), as a guard that
    /// consumes it when dropped or [`Completion::seen`].
    #[doc(alias = "io_uring_peek_cqe")]
    #[inline]
    pub fn peek(&mut self) -> Result<Option<Completion<'_>>, Errno> {
        let cq = self.completion();
        Completion::peek_from(cq.side, cq.flags)
    }

    /// Wait for the next completion.
    #[doc(alias = "io_uring_wait_cqe")]
    #[inline]
    pub fn wait(&mut self) -> Result<Completion<'_>, Errno> {
        let cq = self.completion();
        Completion::wait_from(cq.side, cq.flags)
    }

    /// Wait at most `timeout` for the next completion; `Err(ETIME)` when it expires. On
    /// kernels without `IORING_FEAT_EXT_ARG` (before 5.11) it polls the ring fd rather
    /// than queue a timeout SQE whose timespec would outlive the call.
    #[doc(alias = "io_uring_wait_cqe_timeout")]
    pub fn wait_timeout(&mut self, timeout: Duration) -> Result<Completion<'_>, Errno> {
        let cq = self.completion();
        Completion::wait_timeout_from(cq.side, cq.flags, timeout)
    }

    /// Take every ready completion, consuming them.
    #[doc(alias = "io_uring_for_each_cqe")]
    #[inline]
    pub fn completions(&mut self) -> Completions<'_> {
        let cq = self.completion();
        Completions::new(cq.side, cq.flags)
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: OWNED: the ring was set up by us; `&mut self` means no half and no
        // guard is alive, so nothing uses the mappings after this.
        unsafe { setup::queue_exit(self.raw.get_mut()) }
    }
}

/// The submission half of a [`Ring`] (see [`Ring::split`]). `Send` but not `Clone`:
/// share it between threads behind a `Mutex`, as liburing requires submitters to be
/// serialised.
pub struct Submitter<'r> {
    side: SubmissionSide<'r>,
}

// SAFETY: SQ-OWNER travels with the value: the submission-local indices it owns are
// touched only through it, and the ring memory it points to is process-wide.
unsafe impl Send for Submitter<'_> {}

impl Submitter<'_> {
    /// The next free SQE, all zero (a NOP with `user_data` 0), or `None` when the SQ is
    /// full.
    #[doc(alias = "io_uring_get_sqe")]
    #[inline]
    pub fn get_sqe(&mut self) -> Option<&mut io_uring_sqe> {
        let sqe = self.side.next_slot()?;
        Some(blank_sqe(sqe))
    }

    /// SQEs prepared but not yet consumed by the kernel.
    #[doc(alias = "io_uring_sq_ready")]
    #[inline]
    pub fn sq_ready(&self) -> u32 {
        self.side.sq_ready()
    }

    /// Free SQ slots.
    #[doc(alias = "io_uring_sq_space_left")]
    #[inline]
    pub fn sq_space_left(&self) -> u32 {
        self.side.sq_space_left()
    }

    /// Submit the prepared SQEs; returns how many the kernel took.
    ///
    /// # Safety
    /// As for [`Ring::submit`].
    #[doc(alias = "io_uring_submit")]
    #[inline]
    pub unsafe fn submit(&mut self) -> Result<u32, Errno> {
        // SAFETY: SQE-MEM is this function's contract (Ring::submit's).
        unsafe { self.side.submit() }
    }

    /// Submit and wait until at least `wait_nr` completions are ready (to be reaped by
    /// the completion half).
    ///
    /// # Safety
    /// As for [`Ring::submit`].
    #[doc(alias = "io_uring_submit_and_wait")]
    #[inline]
    pub unsafe fn submit_and_wait(&mut self, wait_nr: u32) -> Result<u32, Errno> {
        // SAFETY: SQE-MEM is this function's contract (Ring::submit's).
        unsafe { self.side.submit_and_wait(wait_nr) }
    }
}

/// The completion half of a [`Ring`] (see [`Ring::split`]). `Send` but not `Clone`.
pub struct CompletionQueue<'r> {
    side: CompletionSide<'r>,
    flags: u32,
}

// SAFETY: CQ-OWNER travels with the value: only it reads CQEs and moves the head.
unsafe impl Send for CompletionQueue<'_> {}

impl CompletionQueue<'_> {
    /// A second completion side for a guard that borrows `self` mutably.
    #[inline(always)]
    fn reborrow(&mut self) -> CompletionSide<'_> {
        // SAFETY: CQ-OWNER: the result borrows `self` mutably, so `self.side` is unused
        // while it lives; there is still only one completion side in use.
        unsafe { CompletionSide::new(self.side.ring()) }
    }

    /// Completions ready to be read.
    #[doc(alias = "io_uring_cq_ready")]
    #[inline]
    pub fn ready(&self) -> u32 {
        cq::cq_ready(self.side.ring())
    }

    /// The kernel holds completions the CQ had no room for.
    #[doc(alias = "io_uring_cq_has_overflow")]
    #[inline]
    pub fn has_overflow(&self) -> bool {
        cq::cq_has_overflow(self.side.ring())
    }

    /// Completions the kernel dropped for want of CQ space (the ring's `koverflow`
    /// counter): 0 on kernels with `IORING_FEAT_NODROP` unless they ran out of memory.
    #[inline]
    pub fn dropped(&self) -> u32 {
        cq::cq_dropped(self.side.ring())
    }

    /// The next completion if one is ready (`Ok(None)` if none).
    #[doc(alias = "io_uring_peek_cqe")]
    #[inline]
    pub fn peek(&mut self) -> Result<Option<Completion<'_>>, Errno> {
        let flags = self.flags;
        Completion::peek_from(self.reborrow(), flags)
    }

    /// Wait for the next completion.
    #[doc(alias = "io_uring_wait_cqe")]
    #[inline]
    pub fn wait(&mut self) -> Result<Completion<'_>, Errno> {
        let flags = self.flags;
        Completion::wait_from(self.reborrow(), flags)
    }

    /// Wait at most `timeout` for the next completion; `Err(ETIME)` when it expires. On
    /// kernels without `IORING_FEAT_EXT_ARG` (before 5.11) it polls the ring fd rather
    /// than queue a timeout SQE whose timespec would outlive the call.
    #[doc(alias = "io_uring_wait_cqe_timeout")]
    pub fn wait_timeout(&mut self, timeout: Duration) -> Result<Completion<'_>, Errno> {
        let flags = self.flags;
        Completion::wait_timeout_from(self.reborrow(), flags, timeout)
    }

    /// Take every ready completion, consuming them.
    #[doc(alias = "io_uring_for_each_cqe")]
    #[inline]
    pub fn completions(&mut self) -> Completions<'_> {
        let flags = self.flags;
        Completions::new(self.reborrow(), flags)
    }
}

/// A completion at the head of the CQ, borrowed from the ring. It derefs to its
/// [`Cqe`] contents; dropping it or calling [`Completion::seen`] consumes it, exactly
/// once. It is not `Copy` or `Clone`, and the ring cannot be reaped again while it lives.
#[must_use = "dropping a Completion consumes it; read it first"]
pub struct Completion<'a> {
    side: CompletionSide<'a>,
    cqe: Cqe,
}

impl<'a> Completion<'a> {
    #[inline]
    fn new(side: CompletionSide<'a>, cqe: NonNull<io_uring_cqe>, flags: u32) -> Completion<'a> {
        // SAFETY: CQ-OWNER: the core returned the published CQE at the head of `side`,
        // the only completion side, and `flags` are this ring's.
        let cqe = unsafe { Cqe::read(cqe, flags) };
        Completion { side, cqe }
    }

    #[inline]
    fn from_waited(side: CompletionSide<'a>, waited: Waited, flags: u32) -> Result<Completion<'a>, Errno> {
        Ok(Completion::new(side, waited.into_result()?, flags))
    }

    #[inline]
    fn peek_from(mut side: CompletionSide<'a>, flags: u32) -> Result<Option<Completion<'a>>, Errno> {
        match side.peek_cqe().into_result() {
            Ok(cqe) => Ok(Some(Completion::new(side, cqe, flags))),
            Err(Errno::EAGAIN) => Ok(None),
            Err(e) => Err(e),
        }
    }

    #[inline]
    fn wait_from(mut side: CompletionSide<'a>, flags: u32) -> Result<Completion<'a>, Errno> {
        let waited = side.wait_cqe();
        Completion::from_waited(side, waited, flags)
    }

    fn wait_timeout_from(mut side: CompletionSide<'a>, flags: u32, timeout: Duration) -> Result<Completion<'a>, Errno> {
        // Without EXT_ARG the core would queue a timeout SQE pointing at `ts`, which can
        // still be pending when this call returns (and it would submit, which the
        // completion half may not do); a safe API cannot allow that, so it polls the
        // ring fd with the timeout instead.
        if side.ring().features() & IORING_FEAT_EXT_ARG == 0 {
            let deadline = std::time::Instant::now().checked_add(timeout);
            return wait::wait_polling(side, flags, None, deadline, "wait_timeout").map_err(Errno::from);
        }
        let ts = __kernel_timespec {
            tv_sec: i64::try_from(timeout.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(timeout.subsec_nanos()),
        };
        // SAFETY: ENTER-ARG: with EXT_ARG the kernel reads the local `ts` only during
        // the call; nothing is submitted, so neither SQ-OWNER nor SQE-MEM is needed.
        let waited = unsafe { side.wait_cqe_timeout(&ts) };
        Completion::from_waited(side, waited, flags)
    }

    /// The completion's contents (also reachable through `Deref`).
    #[inline]
    pub fn cqe(&self) -> Cqe {
        self.cqe
    }

    /// Consume the completion: advance the CQ head past it. Same as dropping it.
    #[doc(alias = "io_uring_cqe_seen")]
    #[inline]
    pub fn seen(self) {}
}

impl core::ops::Deref for Completion<'_> {
    type Target = Cqe;

    #[inline]
    fn deref(&self) -> &Cqe {
        &self.cqe
    }
}

impl core::fmt::Debug for Completion<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Completion").field(&self.cqe).finish()
    }
}

impl Drop for Completion<'_> {
    #[inline]
    fn drop(&mut self) {
        // The contents were copied out at construction, so the slot may be reused now.
        let slots = cq::cqe_slots(self.side.ring().flags(), self.cqe.flags);
        // SAFETY: CQ-OWNER: the guard holds the published CQE at the head (it exists
        // only for one) and has read it; no other consumer ran while it lived.
        unsafe { self.side.cq_advance(slots) };
    }
}

/// Iterator over the completions ready when it was created; consumes them (the CQ head
/// is advanced once, when the iterator is dropped). On CQE_MIXED rings, filler CQEs
/// (`IORING_CQE_F_SKIP`) are consumed without being yielded, as [`Ring::peek`] and
/// [`Ring::wait`] do (on other rings only a MSG_RING sender can post one, and it is
/// skipped the same way).
pub struct Completions<'a> {
    side: CompletionSide<'a>,
    iter: io_uring_cqe_iter,
    flags: u32,
    /// The head when the snapshot was taken: the slots consumed are `iter.head - start`.
    start: u32,
    /// A CQE_MIXED ring: CQEs take one or two slots and fillers must be skipped. Other
    /// rings take the short path (one slot each, nothing to skip).
    mixed: bool,
}

impl<'a> Completions<'a> {
    #[inline]
    fn new(side: CompletionSide<'a>, flags: u32) -> Completions<'a> {
        let iter = cq::cqe_iter_init(side.ring());
        Completions {
            side,
            start: iter.head,
            iter,
            flags,
            mixed: flags & IORING_SETUP_CQE_MIXED != 0,
        }
    }
}

impl Iterator for Completions<'_> {
    type Item = Cqe;

    #[inline]
    fn next(&mut self) -> Option<Cqe> {
        while !self.mixed {
            // Every CQE is one slot, so the head steps exactly onto the tail at the end.
            let head = self.iter.head;
            if head == self.iter.tail {
                return None;
            }
            let offset = ((head & self.iter.mask) << self.iter.shift) as usize;
            // SAFETY: SET-UP: the snapshot's mask and shift bound the offset by the length
            // of the CQE array, which `side` keeps mapped.
            let cqe = unsafe { self.iter.cqes.add(offset) };
            self.iter.head = head.wrapping_add(1);
            // SAFETY: SET-UP: an element of the non-NULL CQE array is non-NULL.
            let cqe = unsafe { NonNull::new_unchecked(cqe) };
            // The kernel posts no fillers here, but a MSG_RING sender can set F_SKIP;
            // such a CQE is consumed unseen, as peek and wait do.
            // SAFETY: CQ-OWNER: `head` is below the snapshot's acquired tail and `side` is
            // the only completion side, so this is a published CQE, not written meanwhile.
            if unsafe { cqe.as_ref() }.flags & IORING_CQE_F_SKIP != 0 {
                continue;
            }
            // SAFETY: CQ-OWNER, as above; `self.flags` are the ring's.
            return Some(unsafe { Cqe::read(cqe, self.flags) });
        }
        loop {
            // SAFETY: SET-UP: the snapshot belongs to this ring, which `side` keeps set
            // up; CQ-OWNER: `side` is its completion side and the head has not moved
            // since; `self.flags` are the ring's.
            let cqe = unsafe { cq::cqe_iter_next_on(&mut self.iter, self.flags) }?;
            // SAFETY: CQ-OWNER: the iterator yields published CQEs of `side`, the only
            // completion side, and `self.flags` are this ring's.
            let c = unsafe { Cqe::read(cqe, self.flags) };
            if c.flags & IORING_CQE_F_SKIP == 0 {
                return Some(c);
            }
        }
    }
}

impl Drop for Completions<'_> {
    #[inline]
    fn drop(&mut self) {
        // The yielded CQEs were copied out; their slots may be reused now. The iterator
        // stepped its head over the slots it yielded or skipped; a forged two-slot CQE
        // (F_32 sent through MSG_RING) in the last slot can make it step one past the
        // snapshot tail, so the count is clamped to what was published.
        let stepped = self.iter.head.wrapping_sub(self.start);
        let consumed = stepped.min(self.iter.tail.wrapping_sub(self.start));
        // SAFETY: CQ-OWNER: those slots lie between the snapshot's head and its acquired
        // tail (clamped above), were published and have been read.
        unsafe { self.side.cq_advance(consumed) };
    }
}
