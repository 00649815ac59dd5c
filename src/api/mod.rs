//! The safe Rust API: an owned [`Ring`] over the same core the C ABI uses.
//!
//! ```no_run
//! use uring::{prep, Ring};
//!
//! let mut ring = Ring::new(8)?;
//! let sqe = ring.get_sqe().expect("a fresh ring has free SQEs");
//! prep::nop(sqe);
//! sqe.user_data = 42;
//! // SAFETY: a NOP references no memory.
//! unsafe { ring.submit()? };
//! let cqe = ring.wait()?;
//! assert_eq!(cqe.user_data(), 42);
//! ring.seen(&cqe);
//! # Ok::<(), uring::Errno>(())
//! ```
//!
//! What is safe and what is not: preparing an SQE only writes integers into ring memory,
//! so [`Ring::get_sqe`] and the [`crate::prep`] functions are safe. Submitting hands the
//! kernel whatever addresses those SQEs hold, so the submit functions are `unsafe`: the
//! caller promises that every buffer, path, iovec, timespec, ... an SQE points to stays
//! valid (and, for reads, unaliased) until its completion arrives.

use core::ptr;

use crate::cq;
use crate::errno::Errno;
use crate::ring::io_uring;
use crate::setup;
use crate::submit;
use crate::sys::*;

/// One completion, copied out of the CQ ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cqe {
    user_data: u64,
    res: i32,
    flags: u32,
    big: [u64; 2],
}

impl Cqe {
    /// Copy a CQE; `big_cqe` is read only on CQE32 rings (the memory exists only there).
    ///
    /// # Safety
    /// `cqe` must point to a published CQE of a ring with these `ring_flags`.
    #[inline]
    unsafe fn read(cqe: *const io_uring_cqe, ring_flags: u32) -> Cqe {
        // SAFETY: caller contract.
        let c = unsafe { *cqe };
        let mut big = [0; 2];
        if ring_flags & IORING_SETUP_CQE32 != 0 || c.flags & IORING_CQE_F_32 != 0 {
            // SAFETY: 32-byte CQEs carry 16 more bytes right after the header.
            big = unsafe { *(cqe.add(1) as *const [u64; 2]) };
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

    /// CQ slots this completion occupies (2 for a 32-byte CQE on a CQE_MIXED ring).
    #[inline]
    fn slots(&self) -> u32 {
        if self.flags & IORING_CQE_F_32 != 0 {
            2
        } else {
            1
        }
    }
}

/// Ring setup options (`io_uring_params`), for [`Ring::builder`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Builder {
    entries: u32,
    params: io_uring_params,
}

impl Builder {
    /// Add `IORING_SETUP_*` flags.
    #[inline]
    pub fn flags(mut self, flags: u32) -> Self {
        self.params.flags |= flags;
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
    pub fn build(mut self) -> Result<Ring, Errno> {
        let mut raw = io_uring::zeroed();
        // SAFETY: `raw` is a fresh struct the setup fills; nothing else refers to it.
        unsafe { setup::queue_init_params(self.entries, &mut raw, &mut self.params) }?;
        Ok(Ring {
            raw,
            params: self.params,
        })
    }
}

/// An io_uring instance. Dropping it tears the ring down.
pub struct Ring {
    raw: io_uring,
    params: io_uring_params,
}

// SAFETY: the ring is plain memory mappings and an fd; nothing in it is tied to the
// creating thread (SINGLE_ISSUER rings are the caller's choice and the kernel enforces it
// with an error, not UB).
unsafe impl Send for Ring {}

impl Ring {
    /// A ring with `entries` SQEs and default setup.
    #[doc(alias = "io_uring_queue_init")]
    pub fn new(entries: u32) -> Result<Ring, Errno> {
        Ring::builder(entries).build()
    }

    /// Setup options for a ring with `entries` SQEs.
    #[doc(alias = "io_uring_queue_init_params")]
    pub fn builder(entries: u32) -> Builder {
        Builder {
            entries,
            params: io_uring_params::default(),
        }
    }

    /// The liburing `struct io_uring` underneath, for the `uring::*` core functions.
    pub fn as_raw(&self) -> &io_uring {
        &self.raw
    }

    /// Mutable access to the raw ring.
    ///
    /// # Safety
    /// The caller must keep the ring's invariants (don't overwrite its pointers or
    /// indices other than through the core functions).
    pub unsafe fn as_raw_mut(&mut self) -> &mut io_uring {
        &mut self.raw
    }

    /// The params the kernel returned at setup (entries, features, offsets).
    pub fn params(&self) -> &io_uring_params {
        &self.params
    }

    /// `IORING_FEAT_*` bits of this kernel.
    pub fn features(&self) -> u32 {
        self.raw.features
    }

    /// The ring file descriptor (-1 for REGISTERED_FD_ONLY rings).
    pub fn fd(&self) -> i32 {
        self.raw.ring_fd
    }

    /// The next free SQE, cleared of the previous request's flags, or `None` when the SQ
    /// is full. Set `user_data` and prepare it with a [`crate::prep`] function.
    #[doc(alias = "io_uring_get_sqe")]
    #[inline]
    pub fn get_sqe(&mut self) -> Option<&mut io_uring_sqe> {
        // SAFETY: the ring was set up by Builder::build and lives as long as self.
        let sqe = unsafe { submit::get_sqe(&mut self.raw) };
        // A non-NULL SQE is a free slot of our SQ array, exclusively ours until
        // submitted; its lifetime is tied to the &mut borrow of the ring.
        // SAFETY: the pointer is NULL or a valid, aligned SQE.
        unsafe { sqe.as_mut() }
    }

    /// SQEs prepared but not yet consumed by the kernel.
    #[doc(alias = "io_uring_sq_ready")]
    #[inline]
    pub fn sq_ready(&self) -> u32 {
        // SAFETY: set-up ring.
        unsafe { submit::sq_ready(&self.raw) }
    }

    /// Free SQ slots.
    #[doc(alias = "io_uring_sq_space_left")]
    #[inline]
    pub fn sq_space_left(&self) -> u32 {
        // SAFETY: set-up ring.
        unsafe { submit::sq_space_left(&self.raw) }
    }

    /// Completions ready to be read.
    #[doc(alias = "io_uring_cq_ready")]
    #[inline]
    pub fn cq_ready(&self) -> u32 {
        // SAFETY: set-up ring.
        unsafe { cq::cq_ready(&self.raw) }
    }

    /// Submit the prepared SQEs; returns how many the kernel took.
    ///
    /// # Safety
    /// Every memory address held by the submitted SQEs must stay valid for the kernel's
    /// use until the matching completion has been seen.
    #[doc(alias = "io_uring_submit")]
    #[inline]
    pub unsafe fn submit(&mut self) -> Result<u32, Errno> {
        // SAFETY: set-up ring; the buffer contract is the caller's.
        unsafe { submit::submit(&mut self.raw) }.map(|n| n as u32)
    }

    /// Submit and wait until at least `wait_nr` completions are ready.
    ///
    /// # Safety
    /// As for [`Ring::submit`].
    #[doc(alias = "io_uring_submit_and_wait")]
    #[inline]
    pub unsafe fn submit_and_wait(&mut self, wait_nr: u32) -> Result<u32, Errno> {
        // SAFETY: as above.
        unsafe { submit::submit_and_wait(&mut self.raw, wait_nr) }.map(|n| n as u32)
    }

    #[inline]
    fn cqe_result(&self, ret: i32, cqe: *mut io_uring_cqe) -> Result<Cqe, Errno> {
        if ret < 0 {
            return Err(Errno(-ret));
        }
        if cqe.is_null() {
            return Err(Errno::EAGAIN);
        }
        // SAFETY: the core returned a published CQE of this ring.
        Ok(unsafe { Cqe::read(cqe, self.raw.flags) })
    }

    /// The next completion if one is ready (not consumed: call [`Ring::seen`]).
    #[doc(alias = "io_uring_peek_cqe")]
    #[inline]
    pub fn peek(&mut self) -> Option<Cqe> {
        let mut cqe = ptr::null_mut();
        // SAFETY: set-up ring.
        let ret = unsafe { cq::peek_cqe(&mut self.raw, &mut cqe) };
        self.cqe_result(ret, cqe).ok()
    }

    /// Wait for the next completion (not consumed: call [`Ring::seen`]).
    #[doc(alias = "io_uring_wait_cqe")]
    #[inline]
    pub fn wait(&mut self) -> Result<Cqe, Errno> {
        let mut cqe = ptr::null_mut();
        // SAFETY: set-up ring.
        let ret = unsafe { cq::wait_cqe(&mut self.raw, &mut cqe) };
        self.cqe_result(ret, cqe)
    }

    /// Wait at most `timeout` for the next completion; `Err(ETIME)` when it expires.
    #[doc(alias = "io_uring_wait_cqe_timeout")]
    pub fn wait_timeout(&mut self, timeout: std::time::Duration) -> Result<Cqe, Errno> {
        let ts = __kernel_timespec {
            tv_sec: timeout.as_secs() as i64,
            tv_nsec: timeout.subsec_nanos() as i64,
        };
        let mut cqe = ptr::null_mut();
        // Without EXT_ARG the core would queue a timeout SQE pointing at `ts`, which can
        // still be pending when this call returns; a safe API cannot allow that.
        if self.raw.features & IORING_FEAT_EXT_ARG == 0 {
            return Err(Errno::EOPNOTSUPP);
        }
        // SAFETY: set-up ring; with EXT_ARG the kernel reads `ts` only during the call.
        let ret = unsafe { cq::wait_cqe_timeout(&mut self.raw, &mut cqe, &ts) };
        self.cqe_result(ret, cqe)
    }

    /// Mark a completion returned by [`Ring::peek`] / [`Ring::wait`] as consumed.
    #[doc(alias = "io_uring_cqe_seen")]
    #[inline]
    pub fn seen(&mut self, cqe: &Cqe) {
        // SAFETY: set-up ring; the CQE at the head was copied out already.
        unsafe { cq::cq_advance(&mut self.raw, cqe.slots()) }
    }

    /// Take every ready completion, consuming them.
    #[doc(alias = "io_uring_for_each_cqe")]
    #[inline]
    pub fn completions(&mut self) -> Completions<'_> {
        // SAFETY: set-up ring.
        let iter = unsafe { cq::cqe_iter_init(&self.raw) };
        Completions {
            ring: self,
            iter,
            consumed: 0,
        }
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: the ring was set up by us; no SQE/CQE borrow can outlive `self`.
        unsafe { setup::queue_exit(&mut self.raw) }
    }
}

/// Iterator over the completions ready when it was created; consumes them (the CQ head
/// is advanced once, when the iterator is dropped).
pub struct Completions<'a> {
    ring: &'a mut Ring,
    iter: crate::ring::io_uring_cqe_iter,
    consumed: u32,
}

impl Iterator for Completions<'_> {
    type Item = Cqe;

    #[inline]
    fn next(&mut self) -> Option<Cqe> {
        // SAFETY: the iterator snapshot belongs to the live ring we borrow.
        let cqe = unsafe { cq::cqe_iter_next(&mut self.iter) }?;
        // SAFETY: the iterator yields published CQEs.
        let c = unsafe { Cqe::read(cqe, self.ring.raw.flags) };
        self.consumed += c.slots();
        Some(c)
    }
}

impl Drop for Completions<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the consumed slots were read above.
        unsafe { cq::cq_advance(&mut self.ring.raw, self.consumed) }
    }
}
