//! Unit tests of the index arithmetic on a ring whose "kernel side" is plain memory we
//! control, so wrap-around at `u32::MAX`, full queues and mixed-size entries can be
//! exercised without a kernel.

use core::ptr::NonNull;
use std::prelude::rust_2021::*;

use crate::cq;
use crate::ring::{io_uring, CompletionSide, RingRef, SubmissionSide};
use crate::sys::*;

/// A ring laid out in heap memory; the test plays the kernel.
struct FakeRing {
    ring: io_uring,
    // Owned storage behind the ring's raw pointers.
    _words: Box<[u32; 8]>,
    _sqes: Vec<io_uring_sqe>,
    _cqes: Vec<io_uring_cqe>,
}

const SQ_HEAD: usize = 0;
const SQ_TAIL: usize = 1;
const SQ_FLAGS: usize = 2;
const CQ_HEAD: usize = 4;
const CQ_TAIL: usize = 5;
const MASKS: usize = 6;

impl FakeRing {
    fn new(entries: u32, flags: u32, start: u32) -> FakeRing {
        let mut words = Box::new([0u32; 8]);
        words[SQ_HEAD] = start;
        words[SQ_TAIL] = start;
        words[CQ_HEAD] = start;
        words[CQ_TAIL] = start;
        words[MASKS] = entries - 1;
        let sqe_slots = (entries as usize) << crate::ring::sqe_shift_from_flags(flags);
        let cqe_slots = (entries as usize) << crate::ring::cqe_shift_from_flags(flags);
        let mut sqes = vec![io_uring_sqe::zeroed(); sqe_slots];
        let mut cqes = vec![io_uring_cqe::default(); cqe_slots];
        let mut ring = io_uring::zeroed();
        let w = words.as_mut_ptr();
        // The word indices are all below 8, so wrapping_add stays inside the box, which
        // outlives the ring (no unsafe arithmetic needed).
        ring.sq.khead = w.wrapping_add(SQ_HEAD);
        ring.sq.ktail = w.wrapping_add(SQ_TAIL);
        ring.sq.kflags = w.wrapping_add(SQ_FLAGS);
        ring.cq.khead = w.wrapping_add(CQ_HEAD);
        ring.cq.ktail = w.wrapping_add(CQ_TAIL);
        ring.sq.sqes = sqes.as_mut_ptr();
        ring.cq.cqes = cqes.as_mut_ptr();
        ring.sq.ring_mask = entries - 1;
        ring.sq.ring_entries = entries;
        ring.cq.ring_mask = entries - 1;
        ring.cq.ring_entries = entries;
        ring.sq.sqe_head = start;
        ring.sq.sqe_tail = start;
        ring.set_flags(flags);
        ring.features = IORING_FEAT_EXT_ARG;
        FakeRing {
            ring,
            _words: words,
            _sqes: sqes,
            _cqes: cqes,
        }
    }

    fn ring(&mut self) -> RingRef<'_> {
        // SAFETY: SET-UP: `new` pointed every field at storage owned by `self`, which the
        // borrow keeps alive and unchanged.
        unsafe { RingRef::from_ptr(NonNull::from(&mut self.ring)) }
    }

    fn sq(&mut self) -> SubmissionSide<'_> {
        // SAFETY: SQ-OWNER: the side borrows `self` mutably, so it is the only one.
        unsafe { SubmissionSide::new(self.ring()) }
    }

    fn cq(&mut self) -> CompletionSide<'_> {
        // SAFETY: CQ-OWNER: the side borrows `self` mutably, so it is the only one.
        unsafe { CompletionSide::new(self.ring()) }
    }

    fn word(&self, i: usize) -> u32 {
        self._words[i]
    }

    fn set_word(&mut self, i: usize, v: u32) {
        self._words[i] = v;
    }

    /// The kernel posts a completion in slot `tail`.
    fn post(&mut self, user_data: u64, flags: u32) {
        let tail = self.word(CQ_TAIL);
        let shift = self.ring.cqe_shift();
        let idx = ((tail & self.ring.cq.ring_mask) << shift) as usize;
        self._cqes[idx] = io_uring_cqe {
            user_data,
            res: 0,
            flags,
            big_cqe: [],
        };
        let slots = if flags & IORING_CQE_F_32 != 0 { 2 } else { 1 };
        self.set_word(CQ_TAIL, tail.wrapping_add(slots));
    }
}

fn user_data(cqe: *mut io_uring_cqe) -> u64 {
    // SAFETY: the tests only pass CQEs the fake kernel published and nothing rewrites.
    unsafe { (*cqe).user_data }
}

#[test]
fn get_sqe_fills_the_ring_then_returns_null_across_u32_wrap() {
    let mut f = FakeRing::new(4, 0, u32::MAX - 1);
    let mut seen = Vec::new();
    let mut sq = f.sq();
    for _ in 0..4 {
        seen.push(sq.get_sqe().expect("free slot").as_ptr());
    }
    assert!(sq.get_sqe().is_none(), "SQ full must give None");
    assert_eq!(sq.sq_ready(), 4);
    assert_eq!(sq.sq_space_left(), 0);
    // Publishing moves the kernel tail.
    // SAFETY: SQE-MEM: the fake kernel never reads the SQEs.
    assert_eq!(unsafe { sq.flush_sq() }, 4);
    // Slots are handed out in ring order, wrapping with the index.
    let base = f.ring.sq.sqes;
    let expect: Vec<_> = [2usize, 3, 0, 1].iter().map(|&i| base.wrapping_add(i)).collect();
    assert_eq!(seen, expect);
    assert_eq!(f.word(SQ_TAIL), 2, "tail wrapped past u32::MAX");
    // The kernel consuming two frees two slots.
    f.set_word(SQ_HEAD, f.word(SQ_HEAD).wrapping_add(2));
    let mut sq = f.sq();
    assert_eq!(sq.sq_space_left(), 2);
    assert!(sq.get_sqe().is_some());
}

#[test]
fn get_sqe_clears_what_preparers_do_not_own_and_keeps_user_data() {
    let mut f = FakeRing::new(2, 0, 0);
    for s in f._sqes.iter_mut() {
        // SAFETY: plain integers; any bit pattern is valid.
        *s = unsafe { core::mem::transmute::<[u8; 64], io_uring_sqe>([0xEE; 64]) };
    }
    let sqe = f.sq().get_sqe().expect("free slot");
    // SAFETY: a handed-out slot of the fake ring's SQE array, which lives in `f`.
    let b = unsafe { sqe.as_ref() }.as_bytes();
    for (range, what) in [
        (1..2, "flags"),
        (2..4, "ioprio"),
        (28..32, "rw_flags"),
        (40..42, "buf_index"),
        (42..44, "personality"),
        (44..48, "file_index"),
        (48..64, "addr3/pad2"),
    ] {
        assert!(b[range.clone()].iter().all(|&x| x == 0), "{what} not cleared");
    }
    assert!(b[32..40].iter().all(|&x| x == 0xEE), "user_data must be left alone");
    assert!(
        b[0] == 0xEE && b[4..28].iter().all(|&x| x == 0xEE),
        "preparer fields untouched"
    );
}

#[test]
fn cq_ready_advance_and_batch_across_wrap() {
    let mut f = FakeRing::new(8, 0, u32::MAX - 2);
    for ud in 0..6 {
        f.post(ud, 0);
    }
    assert_eq!(cq::cq_ready(f.ring()), 6);
    let mut out = [core::ptr::null_mut(); 4];
    let mut cq = f.cq();
    // SAFETY: `out` has room for 4 pointers.
    let n = unsafe { cq.peek_batch_cqe(out.as_mut_ptr(), 4) };
    assert_eq!(n, 4);
    let uds: Vec<u64> = out.iter().map(|&c| user_data(c)).collect();
    assert_eq!(uds, [0, 1, 2, 3]);
    assert_eq!(cq::cq_ready(cq.ring()), 6, "peek_batch must not consume");
    // SAFETY: six CQEs were posted; the first four were read above.
    unsafe { cq.cq_advance(4) };
    let next = cq.peek_cqe().into_result().expect("a CQE is ready");
    assert_eq!(f.word(CQ_HEAD), 1, "head wrapped past u32::MAX");
    assert_eq!(user_data(next.as_ptr()), 4);
}

#[test]
fn peek_on_empty_ring_is_eagain_without_entering() {
    let mut f = FakeRing::new(4, 0, 7);
    // ring_fd is 0 in the fake: entering would fail with EBADF/EOPNOTSUPP, not EAGAIN.
    f.ring.enter_ring_fd = -1;
    let waited = f.cq().peek_cqe();
    assert_eq!(waited.result, Err(crate::Errno::EAGAIN));
    assert!(waited.cqe.is_none());
}

#[test]
fn internal_timeout_cqes_are_swallowed_without_ext_arg() {
    let mut f = FakeRing::new(4, 0, 0);
    f.ring.features = 0;
    f.post(cq::LIBURING_UDATA_TIMEOUT, 0);
    f.post(9, 0);
    let peeked = f.cq().peek_head();
    assert_eq!(user_data(peeked.result.unwrap().unwrap().as_ptr()), 9);
    // A fired internal timeout is reported as its error, and consumed.
    let mut e = FakeRing::new(4, 0, 0);
    e.ring.features = 0;
    e.post(cq::LIBURING_UDATA_TIMEOUT, 0);
    e._cqes[0].res = -libc::ETIME;
    assert_eq!(e.cq().peek_head().result, Err(crate::Errno::ETIME));
    assert_eq!(e.word(CQ_HEAD), 1);
    // With EXT_ARG the same user_data is an ordinary completion.
    let mut g = FakeRing::new(4, 0, 0);
    g.post(cq::LIBURING_UDATA_TIMEOUT, 0);
    let peeked = g.cq().peek_head();
    assert_eq!(
        user_data(peeked.result.unwrap().unwrap().as_ptr()),
        cq::LIBURING_UDATA_TIMEOUT
    );
}

#[test]
fn mixed_cq_iteration_skips_fillers_and_steps_over_big_cqes() {
    let mut f = FakeRing::new(8, IORING_SETUP_CQE_MIXED, 0);
    f.post(1, 0);
    f.post(2, IORING_CQE_F_32);
    f.post(0, IORING_CQE_F_SKIP);
    f.post(3, 0);
    let mut it = cq::cqe_iter_init(f.ring());
    let mut uds = Vec::new();
    // SAFETY: the iterator belongs to the fake ring, whose head nothing moves meanwhile.
    while let Some(c) = unsafe { cq::cqe_iter_next(&mut it) } {
        uds.push(user_data(c.as_ptr()));
    }
    assert_eq!(uds, [1, 2, 0, 3], "the iterator yields fillers; callers check F_SKIP");
    let mut out = [core::ptr::null_mut(); 8];
    let mut cq = f.cq();
    // SAFETY: `out` has room for 8 pointers.
    let n = unsafe { cq.peek_batch_cqe(out.as_mut_ptr(), 8) };
    assert_eq!(n, 2, "a filler after returned CQEs ends the batch");
    // SAFETY: the first three slots (1, the two-slot 2) were published and read.
    unsafe { cq.cq_advance(3) };
    // SAFETY: `out` still has room for 8 pointers.
    let n = unsafe { cq.peek_batch_cqe(out.as_mut_ptr(), 8) };
    assert_eq!((n, user_data(out[0])), (1, 3), "a leading filler is consumed");
}

#[test]
fn sqe128_on_mixed_ring_pads_the_ring_end_with_a_skipped_nop() {
    let mut f = FakeRing::new(4, IORING_SETUP_SQE_MIXED, 0);
    let mut sq = f.sq();
    for _ in 0..3 {
        assert!(sq.get_sqe().is_some());
    }
    // Tail is at the last slot: a 128-byte SQE needs the pad and then slots 0 and 1,
    // which are still in use (head is 0): None.
    assert!(sq.get_sqe128().is_none());
    f.set_word(SQ_HEAD, 3);
    let big = f.sq().get_sqe128().expect("room after the kernel consumed three");
    assert_eq!(big.as_ptr(), f.ring.sq.sqes, "the pair wraps to slot 0");
    assert_eq!(f.ring.sq.sqe_tail, 6);
    let pad = &f._sqes[3];
    assert_eq!((pad.opcode, pad.flags), (IORING_OP_NOP, IOSQE_CQE_SKIP_SUCCESS));
    // Plain rings have no 128-byte SQEs.
    let mut g = FakeRing::new(4, 0, 0);
    assert!(g.sq().get_sqe128().is_none());
}

#[test]
fn sq_rewind_reports_the_count_and_restarts_at_zero() {
    let mut f = FakeRing::new(4, IORING_SETUP_SQ_REWIND, 0);
    let mut sq = f.sq();
    assert!(sq.get_sqe().is_some());
    assert!(sq.get_sqe().is_some());
    // SAFETY: SQE-MEM: the fake kernel never reads the SQEs.
    assert_eq!(unsafe { sq.flush_sq() }, 2);
    assert_eq!(f.ring.sq.sqe_tail, 0);
    assert_eq!(f.word(SQ_TAIL), 0, "the library never writes ktail on SQ_REWIND rings");
}
