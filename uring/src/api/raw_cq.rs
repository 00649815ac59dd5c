//! [`RawCompletions`]: the low-level layer's completion iterator, every CQE as the
//! kernel posted it (the `io-uring` crate's `CompletionQueue` idiom).

use core::ptr::NonNull;
use std::prelude::rust_2021::*;

use super::{CompletionQueue, Cqe, Ring};
use crate::cq;
use crate::ring::{io_uring_cqe_iter, CompletionSide};
use crate::sys::*;

/// Iterator over the completions ready when it was made, consuming them (the CQ head
/// moves once, when it is dropped, past the CQEs it yielded).
///
/// Unlike [`Completions`](super::Completions) it yields every CQE of a ring that is not
/// `CQE_MIXED` as it is, including one a `MSG_RING` sender forged with
/// `IORING_CQE_F_SKIP` (check [`Cqe::cqe_flags`] if you accept messages from rings you
/// do not trust): one test less per completion on the hot path. On `CQE_MIXED` rings
/// it steps over 32-byte CQEs and skips the kernel's filler CQEs.
///
/// ```
/// use uring::api::op;
///
/// let mut ring = uring::Ring::new(8)?;
/// for i in 0..3 {
///     ring.push_safe(&op::Nop::new().build().user_data(i))?;
/// }
/// // SAFETY: only NOPs are pending.
/// unsafe { ring.submit_and_wait(3)? };
/// let got: Vec<u64> = ring.completions_raw().map(|c| c.user_data()).collect();
/// assert_eq!(got, [0, 1, 2]);
/// assert_eq!(ring.cq_ready(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RawCompletions<'a> {
    side: CompletionSide<'a>,
    iter: io_uring_cqe_iter,
    cqes: NonNull<io_uring_cqe>,
    /// Bytes per CQE slot step: 16, or 32 on CQE32 rings.
    stride: usize,
    flags: u32,
    start: u32,
    mixed: bool,
}

impl<'a> RawCompletions<'a> {
    #[inline]
    fn new(side: CompletionSide<'a>, flags: u32) -> RawCompletions<'a> {
        let iter = cq::cqe_iter_init(side.ring());
        // SAFETY: SET-UP: cq.cqes is the non-NULL start of the live CQE array.
        let cqes = unsafe { NonNull::new_unchecked(iter.cqes) };
        RawCompletions {
            side,
            cqes,
            stride: core::mem::size_of::<io_uring_cqe>() << iter.shift,
            start: iter.head,
            iter,
            flags,
            mixed: flags & IORING_SETUP_CQE_MIXED != 0,
        }
    }

    /// Completions left in the snapshot.
    #[inline]
    pub fn remaining(&self) -> u32 {
        self.iter.tail.wrapping_sub(self.iter.head)
    }
}

impl Iterator for RawCompletions<'_> {
    type Item = Cqe;

    #[inline]
    fn next(&mut self) -> Option<Cqe> {
        if !self.mixed {
            let head = self.iter.head;
            if head == self.iter.tail {
                return None;
            }
            let offset = (head & self.iter.mask) as usize * self.stride;
            // SAFETY: SET-UP: the masked index times the slot size is inside the CQE
            // array, which `side` keeps mapped.
            let cqe = unsafe { self.cqes.byte_add(offset) };
            self.iter.head = head.wrapping_add(1);
            // SAFETY: CQ-OWNER: `head` is below the snapshot's acquired tail and `side`
            // is the only completion side, so the CQE is published and not written
            // meanwhile; `self.flags` are the ring's.
            return Some(unsafe { Cqe::read(cqe, self.flags) });
        }
        loop {
            // SAFETY: SET-UP: the snapshot belongs to this ring, which `side` keeps set
            // up; CQ-OWNER: `side` is its completion side and the head has not moved
            // since; `self.flags` are the ring's.
            let cqe = unsafe { cq::cqe_iter_next_on(&mut self.iter, self.flags) }?;
            // SAFETY: CQ-OWNER: a published CQE of `side`, the only completion side.
            let c = unsafe { Cqe::read(cqe, self.flags) };
            if c.flags & IORING_CQE_F_SKIP == 0 {
                return Some(c);
            }
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.remaining() as usize;
        (if self.mixed { 0 } else { n }, Some(n))
    }
}

impl Drop for RawCompletions<'_> {
    #[inline]
    fn drop(&mut self) {
        // The yielded CQEs were copied out. On a mixed ring a forged two-slot CQE in the
        // last slot can step the head one past the snapshot tail: clamp to what was
        // published.
        let stepped = self.iter.head.wrapping_sub(self.start);
        let consumed = stepped.min(self.iter.tail.wrapping_sub(self.start));
        // SAFETY: CQ-OWNER: those slots lie between the snapshot's head and its acquired
        // tail, were published and have been read.
        unsafe { self.side.cq_advance(consumed) };
    }
}

impl CompletionQueue<'_> {
    /// Every ready completion as the kernel posted it (see [`RawCompletions`]).
    #[doc(alias = "io_uring_for_each_cqe")]
    #[inline]
    pub fn completions_raw(&mut self) -> RawCompletions<'_> {
        let flags = self.flags;
        RawCompletions::new(self.reborrow(), flags)
    }
}

impl Ring {
    /// Every ready completion as the kernel posted it (see [`RawCompletions`]).
    #[doc(alias = "io_uring_for_each_cqe")]
    #[inline]
    pub fn completions_raw(&mut self) -> RawCompletions<'_> {
        let cq = self.completion();
        RawCompletions::new(cq.side, cq.flags)
    }
}
