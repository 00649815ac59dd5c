//! [`SubmissionQueue`]: a batch view of the submission half that keeps the ring's
//! geometry and indices in locals while entries are pushed, and publishes the local
//! tail once, when it is dropped (the `io-uring` crate's `SubmissionQueue` idiom).

use core::marker::PhantomData;
use core::ptr::NonNull;
use std::prelude::rust_2021::*;

use super::entry::{write_slot, Entry, PushError, SafeEntry};
use super::{Ring, Submitter};
use crate::ring::SubmissionSide;
use crate::submit::load_sq_head;
use crate::sys::*;

/// Pushes entries with the SQ geometry cached: the hot path for many pushes per
/// submit. The SQE slots written here are handed to the submitter when the queue is
/// dropped; submit after that.
///
/// ```
/// use uring::api::op;
///
/// let mut ring = uring::Ring::new(8)?;
/// {
///     let mut sq = ring.submission();
///     for i in 0..4 {
///         sq.push_safe(&op::Nop::new().build().user_data(i))?;
///     }
///     assert_eq!(sq.len(), 4);
/// } // the tail is handed back here
/// // SAFETY: only NOPs are pending.
/// assert_eq!(unsafe { ring.submit_and_wait(4)? }, 4);
/// assert_eq!(ring.completions().count(), 4);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SubmissionQueue<'a> {
    side: SubmissionSide<'a>,
    sqes: NonNull<io_uring_sqe>,
    mask: u32,
    /// Bytes per slot: 64, or 128 on SQE128 rings (one multiply instead of two shifts).
    stride: usize,
    entries: u32,
    flags: u32,
    head: u32,
    tail: u32,
    /// Borrows the submitter mutably: no other push or submit while this lives.
    _submitter: PhantomData<&'a mut ()>,
}

impl<'a> SubmissionQueue<'a> {
    #[inline]
    fn new(side: SubmissionSide<'a>) -> SubmissionQueue<'a> {
        let ring = side.ring();
        // SAFETY: SET-UP: sq.sqes is the non-NULL start of the live SQE array.
        let sqes = unsafe { NonNull::new_unchecked(ring.sq_sqes()) };
        SubmissionQueue {
            sqes,
            mask: ring.sq_mask(),
            stride: core::mem::size_of::<io_uring_sqe>() << ring.sqe_shift(),
            entries: ring.sq_entries(),
            flags: ring.flags(),
            head: load_sq_head(ring),
            tail: side.sqe_tail(),
            side,
            _submitter: PhantomData,
        }
    }

    /// Entries pushed and not yet consumed by the kernel (as of the last head load).
    #[inline]
    pub fn len(&self) -> u32 {
        self.tail.wrapping_sub(self.head)
    }

    /// Nothing pushed or pending.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// No free slot (after looking at the kernel's head again).
    #[inline]
    pub fn is_full(&mut self) -> bool {
        if self.len() < self.entries {
            return false;
        }
        self.head = load_sq_head(self.side.ring());
        self.len() >= self.entries
    }

    /// [`Submitter::push`] with the geometry cached.
    ///
    /// # Safety
    /// As for [`Submitter::push`].
    #[inline]
    pub unsafe fn push(&mut self, entry: &Entry) -> Result<(), PushError> {
        if self.is_full() {
            return Err(PushError::QueueFull);
        }
        let offset = (self.tail & self.mask) as usize * self.stride;
        // SAFETY: SET-UP: the masked index times the slot size is inside the SQE array.
        let slot = unsafe { self.sqes.byte_add(offset) };
        // SAFETY: SQ-OWNER: the slot is free (below head + entries) and this queue,
        // borrowing the submitter mutably, is the only one handing slots out.
        unsafe { write_slot(slot, entry, self.flags) };
        self.tail = self.tail.wrapping_add(1);
        Ok(())
    }

    /// Push an entry that references no memory, without `unsafe`.
    #[inline]
    pub fn push_safe(&mut self, entry: &SafeEntry) -> Result<(), PushError> {
        // SAFETY: SQE-MEM holds vacuously: a SafeEntry's operation references no memory.
        unsafe { self.push(&entry.0) }
    }

    /// Push all of `entries` or none.
    ///
    /// # Safety
    /// As for [`Submitter::push`], for every entry.
    #[inline]
    pub unsafe fn push_multiple(&mut self, entries: &[Entry]) -> Result<(), PushError> {
        let free = self.entries - self.len().min(self.entries);
        if (free as usize) < entries.len() {
            self.head = load_sq_head(self.side.ring());
        }
        if ((self.entries - self.len().min(self.entries)) as usize) < entries.len() {
            return Err(PushError::QueueFull);
        }
        for e in entries {
            // SAFETY: push's contract, for each entry (this function's).
            unsafe { self.push(e) }?;
        }
        Ok(())
    }
}

impl Drop for SubmissionQueue<'_> {
    #[inline]
    fn drop(&mut self) {
        // Hand the slots written to the submission side, which publishes them on submit.
        self.side.set_sqe_tail(self.tail);
    }
}

impl Submitter<'_> {
    /// A batch view for many pushes (see [`SubmissionQueue`]).
    #[inline]
    pub fn submission(&mut self) -> SubmissionQueue<'_> {
        // SAFETY: SQ-OWNER: the queue borrows `self` mutably for its whole life, so
        // `self.side` is unused meanwhile; there is still one submission side in use.
        let side = unsafe { SubmissionSide::new(self.side.ring()) };
        SubmissionQueue::new(side)
    }
}

impl Ring {
    /// A batch view of the submission queue (see [`SubmissionQueue`]).
    #[inline]
    pub fn submission(&mut self) -> SubmissionQueue<'_> {
        let sq = self.split().0;
        SubmissionQueue::new(sq.side)
    }
}
