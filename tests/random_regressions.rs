//! Regression tests for bad input the randomized sequences (`tests/random_sequences/`)
//! found. Each test replays the smallest call sequence that showed the bug, through the
//! C ABI, and checks the ring still works afterwards.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use uring::ring::io_uring;
use uring::sys::*;

// The C library compiled into this test, and its exports declared from
// api/functions.toml (see tests/generated/).
include!("support/c_library.rs");
include!("generated/capi.rs");

/// Submit one NOP with `user_data` 77 and wait up to a second for its completion: the
/// ring still works.
///
/// # Safety
/// `ring` is a set-up ring used by this thread only.
unsafe fn nop_round_trip(ring: *mut io_uring) -> Result<(), String> {
    // SAFETY: by this function's contract.
    let sqe = unsafe { io_uring_get_sqe(ring) };
    if sqe.is_null() {
        return Err("no SQE".into());
    }
    // SAFETY: an SQE of this ring just handed out.
    unsafe { io_uring_prep_nop(sqe) };
    // SAFETY: an SQE of this ring just handed out.
    unsafe { (*sqe).user_data = 77 };
    // SAFETY: the NOP references no memory.
    let ret = unsafe { io_uring_submit(ring) };
    if ret != 1 {
        return Err(format!("submit returned {ret}"));
    }
    let mut ts = __kernel_timespec { tv_sec: 1, tv_nsec: 0 };
    let mut cqe = std::ptr::null_mut();
    // SAFETY: `cqe` and `ts` are locals that outlive the call.
    let ret = unsafe { io_uring_wait_cqe_timeout(ring, &mut cqe, &mut ts) };
    if ret != 0 || cqe.is_null() {
        return Err(format!("the NOP never completed (wait returned {ret})"));
    }
    // SAFETY: a CQE just returned by the wait, not yet consumed.
    let c = unsafe { cqe.read() };
    let (ud, res) = (c.user_data, c.res);
    // SAFETY: a CQE just returned by the wait, not yet consumed.
    unsafe { io_uring_cqe_seen(ring, cqe) };
    if ud != 77 || res != 0 {
        return Err(format!("NOP completion ud {ud} res {res}"));
    }
    Ok(())
}

/// Found by `random_sequences` (C ABI, seed 0x18eca5f4e43dabfa, sequence 26):
/// `io_uring_resize_rings` on a DEFER_TASKRUN ring whose fd had been closed with
/// `io_uring_close_ring_fd`. The kernel resized the rings (the register call goes through
/// the registered index), then mapping the new rings from `ring_fd == -1` failed, and
/// the ring kept the old mappings, which the kernel no longer reads: every later SQE
/// was silently ignored and every wait hung. Without a ring fd the new rings cannot be
/// mapped, so the resize must be refused before the kernel is asked.
#[test]
fn resize_after_close_ring_fd_refused_and_ring_still_works() {
    let mut ring = io_uring::zeroed();
    let flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    // SAFETY: a fresh zeroed struct.
    let ret = unsafe { io_uring_queue_init(8, &mut ring, flags) };
    if ret < 0 {
        println!("SKIP: DEFER_TASKRUN rings unavailable ({ret})");
        return;
    }
    // SAFETY: the ring is set up; nothing else uses it.
    let ret = unsafe { io_uring_register_ring_fd(&mut ring) };
    assert_eq!(ret, 1, "register_ring_fd");
    // SAFETY: the ring is set up; nothing else uses it.
    let ret = unsafe { io_uring_close_ring_fd(&mut ring) };
    if ret == -libc::EOPNOTSUPP {
        println!("SKIP: kernel lacks IORING_FEAT_REG_REG_RING");
        // SAFETY: as above; not used afterwards.
        unsafe { io_uring_queue_exit(&mut ring) };
        return;
    }
    assert_eq!(ret, 1, "close_ring_fd");
    assert_eq!(ring.ring_fd, -1);
    let sq_before = ring.sq.ring_entries;
    let mut p = io_uring_params {
        sq_entries: 16,
        ..Default::default()
    };
    // SAFETY: as above; no SQE/CQE pointer is held.
    let ret = unsafe { io_uring_resize_rings(&mut ring, &mut p) };
    assert_eq!(ret, -libc::EBADF, "resize without a ring fd must be refused");
    assert_eq!(ring.sq.ring_entries, sq_before, "a refused resize changes nothing");
    // SAFETY: the ring is set up (the refused or done resize left it so) and only this
    // test uses it.
    let ok = unsafe { nop_round_trip(&mut ring) };
    // SAFETY: as above; not used afterwards.
    unsafe { io_uring_queue_exit(&mut ring) };
    ok.expect("the ring must still work after the refused resize");
}

/// The same resize with the ring fd still open works, and the ring works afterwards
/// (the refusal above is specific to a closed fd).
#[test]
fn resize_with_ring_fd_works() {
    let mut ring = io_uring::zeroed();
    let flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    // SAFETY: a fresh zeroed struct.
    let ret = unsafe { io_uring_queue_init(8, &mut ring, flags) };
    if ret < 0 {
        println!("SKIP: DEFER_TASKRUN rings unavailable ({ret})");
        return;
    }
    let mut p = io_uring_params {
        sq_entries: 16,
        ..Default::default()
    };
    // SAFETY: the ring is set up; nothing else uses it; no SQE/CQE pointer is held.
    let ret = unsafe { io_uring_resize_rings(&mut ring, &mut p) };
    if ret == -libc::EINVAL {
        println!("SKIP: kernel cannot resize rings");
        // SAFETY: as above; not used afterwards.
        unsafe { io_uring_queue_exit(&mut ring) };
        return;
    }
    assert_eq!(ret, 0, "resize");
    assert_eq!(ring.sq.ring_entries, 16);
    // SAFETY: the ring is set up (the refused or done resize left it so) and only this
    // test uses it.
    let ok = unsafe { nop_round_trip(&mut ring) };
    // SAFETY: as above; not used afterwards.
    unsafe { io_uring_queue_exit(&mut ring) };
    ok.expect("the ring must work after a resize");
}
