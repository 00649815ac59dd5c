//! Provided-buffer rings on a real ring: multishot receive through a recycled buffer
//! ring, incremental consumption, the status/available helpers, the memory-only helpers
//! (no kernel), and the error paths (bad counts, duplicate groups, double free).

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use std::os::fd::RawFd;
use std::ptr::{self, NonNull};

use uring::buf_ring::*;
use uring::ring::{io_uring, CompletionSide, RingRef, SubmissionSide};
use uring::sys::*;
use uring::Errno;

// The C library compiled into this test, and its exports declared from
// api/functions.toml (see tests/generated/).
include!("support/c_library.rs");
include!("generated/capi.rs");

// ---- a small test ring -------------------------------------------------------------------

/// A ring set up by [`ring`].
///
/// Invariant **TEST-RING**: `self.0` is SET-UP (see [`io_uring`]) from `ring()` until
/// `Drop`; no exclusive operation runs on it in between.
struct Ring(io_uring);

impl Ring {
    /// A shared handle, for register calls and queries.
    fn r(&self) -> RingRef<'_> {
        // SAFETY: TEST-RING: `self.0` is SET-UP while `self` is borrowed, and the shared
        // borrow keeps the exclusive operations (which need `&mut self`) away; the handle
        // only reads the struct.
        unsafe { RingRef::from_ptr(NonNull::from(&self.0)) }
    }

    /// Both sides of the ring; they borrow it exclusively.
    fn sides(&mut self) -> (SubmissionSide<'_>, CompletionSide<'_>) {
        // SAFETY: TEST-RING: `self.0` is SET-UP for the borrow, which is exclusive.
        let ring = unsafe { self.0.as_ring_ref() };
        // SAFETY: SQ-OWNER: the sides hold `&mut self`, and this is the only submission
        // side made from it.
        let sq = unsafe { SubmissionSide::new(ring) };
        // SAFETY: CQ-OWNER: as above, the only completion side.
        let cq = unsafe { CompletionSide::new(ring) };
        (sq, cq)
    }

    fn sq(&mut self) -> SubmissionSide<'_> {
        self.sides().0
    }

    fn cq(&mut self) -> CompletionSide<'_> {
        self.sides().1
    }

    fn sqe(&mut self) -> &mut io_uring_sqe {
        let sqe = self.sq().get_sqe().expect("SQ full");
        // SAFETY: SQ-OWNER: a slot just handed out is this ring's alone until it is
        // submitted, and the reference borrows `self` mutably, as submitting does.
        unsafe { &mut *sqe.as_ptr() }
    }

    /// Submit what is queued. The tests keep every buffer an SQE names (or a buffer
    /// group hands out) alive until the request's last completion has been reaped.
    fn submit(&mut self) {
        // SAFETY: the queued SQEs name only memory that outlives their completions, as
        // stated above.
        let n = unsafe { self.sq().submit() }.expect("submit");
        assert!(n >= 1);
    }

    /// Wait up to 5 s for a CQE and copy it, without consuming it.
    fn peek_wait(&mut self) -> io_uring_cqe {
        let ts = __kernel_timespec { tv_sec: 5, tv_nsec: 0 };
        // Without EXT_ARG the core queues a timeout SQE naming `ts` that may still be
        // pending when the wait returns: there, `ts` is leaked so that it outlives it.
        let ts: &__kernel_timespec = if self.r().features() & IORING_FEAT_EXT_ARG != 0 {
            &ts
        } else {
            Box::leak(Box::new(ts))
        };
        let mut cq = self.cq();
        // SAFETY: `ts` is valid for the call (and for good without EXT_ARG); `cq` borrows
        // the whole ring, so no submission side exists meanwhile (SQ-OWNER) and nothing
        // is left queued (callers submit first).
        let waited = unsafe { cq.wait_cqe_timeout(ts) };
        assert_eq!(waited.result, Ok(0), "no completion within 5 s");
        let cqe = waited.cqe.expect("wait_cqe_timeout: Ok without a CQE");
        // SAFETY: CQ-OWNER: `cqe` is a published CQE at the head, which the kernel does
        // not write again until the head moves past it; copied before that.
        unsafe { cqe.read() }
    }

    /// Consume the CQE at the head (the one `peek_wait` copied).
    fn seen(&mut self) {
        let mut cq = self.cq();
        let cqe = cq.peek_head().result.expect("peek").expect("no CQE to consume");
        // SAFETY: CQ-OWNER: `cqe` was just peeked by `cq` and is not consumed yet.
        unsafe { cq.cqe_seen(cqe) };
    }

    fn wait(&mut self) -> io_uring_cqe {
        let c = self.peek_wait();
        self.seen();
        c
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: TEST-RING: set up once, torn down once, and `&mut self` means no handle
        // or side of it is alive.
        unsafe { uring::setup::queue_exit(&mut self.0) }
    }
}

fn ring(entries: u32, flags: u32) -> Option<Ring> {
    let mut r = io_uring::zeroed();
    // SAFETY: a fresh ring struct nothing else refers to; on success it is SET-UP.
    match unsafe { uring::setup::queue_init(entries, &mut r, flags) } {
        Ok(()) => Some(Ring(r)),
        Err(e) if e == Errno(libc::ENOSYS) || e == Errno::EPERM => {
            println!("SKIP: io_uring not available ({e})");
            None
        }
        Err(e) if e == Errno::EINVAL && flags != 0 => {
            println!("SKIP: setup flags {flags:#x} not supported");
            None
        }
        Err(e) => panic!("queue_init(flags {flags:#x}): {e:?}"),
    }
}

macro_rules! ring_or_skip {
    ($entries:expr, $flags:expr) => {
        match ring($entries, $flags) {
            Some(r) => r,
            None => return,
        }
    };
}

fn socketpair() -> (RawFd, RawFd) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for two fds.
    let r = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    };
    assert_eq!(r, 0);
    (fds[0], fds[1])
}

fn send_all(fd: RawFd, data: &[u8]) {
    let mut done = 0;
    while done < data.len() {
        // SAFETY: sends from a live slice.
        let n = unsafe { libc::send(fd, data[done..].as_ptr().cast(), data.len() - done, 0) };
        assert!(n > 0, "send failed");
        done += n as usize;
    }
}

fn close(fd: RawFd) {
    // SAFETY: a descriptor this test owns.
    unsafe { libc::close(fd) };
}

fn cqe_bid(c: &io_uring_cqe) -> u16 {
    assert!(
        c.flags & IORING_CQE_F_BUFFER != 0,
        "CQE without a buffer: res {} flags {:#x}",
        c.res,
        c.flags
    );
    (c.flags >> IORING_CQE_BUFFER_SHIFT) as u16
}

fn prep_recv_select(ring: &mut Ring, fd: RawFd, multishot: bool, bgid: u16, ud: u64) {
    let sqe = ring.sqe();
    if multishot {
        uring::prep::recv_multishot(sqe, fd, ptr::null_mut(), 0, 0);
    } else {
        uring::prep::recv(sqe, fd, ptr::null_mut(), 0, 0);
    }
    sqe.flags |= IOSQE_BUFFER_SELECT;
    sqe.buf.buf_group = bgid;
    sqe.user_data = ud;
}

// ---- multishot receive across buffer reuse ----------------------------------------------------

const NENT: u32 = 8;
const BUF: usize = 32;

fn multishot_recv_recycles(flags: u32) {
    let mut ring = ring_or_skip!(8, flags);
    let bgid = 7;
    let br = match setup_buf_ring(ring.r(), NENT, bgid, 0) {
        Ok(br) => br.as_ptr(),
        Err(e) => {
            println!("SKIP: provided-buffer rings not supported ({e})");
            return;
        }
    };
    let mask = buf_ring_mask(NENT);
    let mut mem = vec![0u8; NENT as usize * BUF];
    let base = mem.as_mut_ptr();
    for i in 0..NENT as usize {
        // SAFETY: `br` is live with NENT entries, none published yet; each buffer lies in
        // `mem`, which outlives the buffer ring.
        unsafe {
            buf_ring_add(
                br,
                base.wrapping_add(i * BUF).cast(),
                BUF as u32,
                i as u16,
                mask,
                i as i32,
            )
        };
    }
    // SAFETY: `br` is live.
    unsafe { buf_ring_advance(br, NENT as i32) };
    assert_eq!(
        // SAFETY: `br` is the ring of group `bgid`.
        unsafe { buf_ring_available(ring.r(), br, bgid as u16) },
        Ok(NENT as u16)
    );
    assert_eq!(buf_ring_head(ring.r(), bgid), Ok(0));

    let (rx, tx) = socketpair();
    prep_recv_select(&mut ring, rx, true, bgid as u16, 1);
    ring.submit();

    // 16 KiB through 256 bytes of buffers: every buffer is reused many times.
    let data: Vec<u8> = (0..16384u32).map(|i| (i ^ (i >> 8)) as u8).collect();
    let mut got = Vec::with_capacity(data.len());
    let mut cqes = 0u32;
    let mut rearmed = 0;
    for chunk in data.chunks(200) {
        send_all(tx, chunk);
        let want = got.len() + chunk.len();
        while got.len() < want {
            let c = ring.peek_wait();
            assert_eq!(c.user_data, 1);
            if c.res == -libc::ENOBUFS && c.flags & IORING_CQE_F_MORE == 0 {
                // Ran dry before we recycled: re-arm (allowed, but counted).
                ring.seen();
                prep_recv_select(&mut ring, rx, true, bgid as u16, 1);
                ring.submit();
                rearmed += 1;
                continue;
            }
            assert!(c.res > 0, "recv CQE res {}", c.res);
            let bid = cqe_bid(&c) as usize;
            assert!(bid < NENT as usize);
            let n = c.res as usize;
            assert!(n <= BUF);
            got.extend_from_slice(&mem[bid * BUF..bid * BUF + n]);
            let more = c.flags & IORING_CQE_F_MORE != 0;
            // Give the buffer back and consume the CQE in one step.
            // SAFETY: the buffer was handed to us by this CQE, so the kernel is done with
            // its entry; `br` is live with NENT entries; the buffer lies in `mem`.
            unsafe { buf_ring_add(br, base.wrapping_add(bid * BUF).cast(), BUF as u32, bid as u16, mask, 0) };
            // SAFETY: `br` is live; CQ-OWNER: the side borrows the ring exclusively, and
            // the one CQE it consumes (the head) was copied out by peek_wait.
            unsafe { buf_ring_cq_advance(&mut ring.cq(), br, 1) };
            cqes += 1;
            if !more {
                prep_recv_select(&mut ring, rx, true, bgid as u16, 1);
                ring.submit();
                rearmed += 1;
            }
        }
    }
    assert_eq!(got.len(), data.len());
    assert!(got == data, "bytes out of order or corrupted");
    assert!(cqes >= (data.len() / BUF) as u32);
    assert_eq!(
        rearmed, 0,
        "multishot recv terminated {rearmed} times although buffers were recycled"
    );
    // Every buffer is back: tail - head == NENT.
    assert_eq!(
        // SAFETY: `br` is the ring of group `bgid`.
        unsafe { buf_ring_available(ring.r(), br, bgid as u16) },
        Ok(NENT as u16)
    );
    // SAFETY: `br` is live.
    let tail = unsafe { (*br).tail };
    assert_eq!(buf_ring_head(ring.r(), bgid), Ok(tail.wrapping_sub(NENT as u16)));
    assert_eq!(tail, (NENT + cqes) as u16);

    // EOF ends the multishot request: res 0, no F_MORE.
    // SAFETY: closing our write end.
    unsafe { libc::shutdown(tx, libc::SHUT_WR) };
    let c = ring.wait();
    assert_eq!((c.user_data, c.res, c.flags & IORING_CQE_F_MORE), (1, 0, 0));

    // SAFETY: nothing uses the ring any more; `mem` goes away after it.
    assert_eq!(unsafe { free_buf_ring(ring.r(), br, NENT, bgid) }, Ok(0));
    drop(mem);
    close(rx);
    close(tx);
}

#[test]
fn multishot_recv_delivers_everything_across_buffer_reuse() {
    multishot_recv_recycles(0);
}

#[test]
fn multishot_recv_on_defer_taskrun_ring() {
    multishot_recv_recycles(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
}

// ---- incremental consumption ------------------------------------------------------------------

#[test]
fn incremental_buffers_split_over_several_cqes() {
    let mut ring = ring_or_skip!(4, 0);
    let bgid = 3;
    let br = match setup_buf_ring(ring.r(), 2, bgid, IOU_PBUF_RING_INC) {
        Ok(br) => br.as_ptr(),
        Err(e) => {
            println!("SKIP: IOU_PBUF_RING_INC rejected by the kernel ({e})");
            return;
        }
    };
    let mut mem = vec![0u8; 1024];
    // SAFETY: `br` is live with 2 entries, none published; `mem` outlives the ring.
    unsafe { buf_ring_add(br, mem.as_mut_ptr().cast(), 1024, 5, buf_ring_mask(2), 0) };
    // SAFETY: `br` is live.
    unsafe { buf_ring_advance(br, 1) };
    let (rx, tx) = socketpair();
    let mut expect = Vec::new();
    // Two partial fills, then one that uses up the rest of the buffer.
    for (i, (byte, len, more)) in [(b'A', 100usize, true), (b'B', 100, true), (b'C', 900, false)]
        .into_iter()
        .enumerate()
    {
        send_all(tx, &vec![byte; len]);
        prep_recv_select(&mut ring, rx, false, bgid as u16, 10 + i as u64);
        ring.submit();
        let c = ring.wait();
        assert_eq!(c.user_data, 10 + i as u64);
        assert_eq!(cqe_bid(&c), 5, "the same buffer every time");
        let take = len.min(1024 - expect.len());
        assert_eq!(c.res as usize, take);
        assert_eq!(c.flags & IORING_CQE_F_BUF_MORE != 0, more, "F_BUF_MORE on CQE {i}");
        expect.extend(std::iter::repeat(byte).take(take));
    }
    // The pieces landed one after another in the one buffer.
    assert_eq!(&mem[..], &expect[..]);
    // SAFETY: nothing uses the ring any more.
    assert_eq!(unsafe { free_buf_ring(ring.r(), br, 2, bgid) }, Ok(0));
    drop(mem);
    close(rx);
    close(tx);
}

// ---- registration flags, status, errors ---------------------------------------------------------

#[test]
fn register_buf_ring_ors_flags_into_reg() {
    let ring = ring_or_skip!(4, 0);
    // IOU_PBUF_RING_MMAP: the kernel allocates the ring, the app maps it from the ring fd.
    let bgid: u16 = 9;
    let mut reg = io_uring_buf_reg {
        ring_entries: 4,
        bgid,
        ..Default::default()
    };
    // SAFETY: `reg` names no user memory (the kernel allocates it).
    match unsafe { register_buf_ring(ring.r(), &mut reg, IOU_PBUF_RING_MMAP) } {
        Ok(0) => {}
        Err(e) => {
            println!("SKIP: IOU_PBUF_RING_MMAP not supported ({e})");
            return;
        }
        r => panic!("{r:?}"),
    }
    assert_eq!(
        u32::from(reg.flags),
        IOU_PBUF_RING_MMAP,
        "flags were not ORed into reg.flags"
    );
    let off = IORING_OFF_PBUF_RING | (u64::from(bgid) << IORING_OFF_PBUF_SHIFT);
    // SAFETY: maps the kernel's ring memory for group `bgid` from our ring fd.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            4 * 16,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_POPULATE,
            ring.r().ring_fd(),
            off as libc::off_t,
        )
    };
    assert_ne!(p, libc::MAP_FAILED, "the kernel-allocated ring is not mappable");
    let br = p.cast::<io_uring_buf_ring>();
    // SAFETY: a live ring of 4 entries.
    unsafe { buf_ring_advance(br, 0) };
    // SAFETY: a live ring of 4 entries.
    assert_eq!(unsafe { buf_ring_available(ring.r(), br, bgid) }, Ok(0));
    // SAFETY: ours.
    unsafe { libc::munmap(p, 4 * 16) };
    assert_eq!(unregister_buf_ring(ring.r(), i32::from(bgid)), Ok(0));
}

#[test]
fn buf_ring_bad_input() {
    let ring = ring_or_skip!(4, 0);
    // Zero entries: the mapping itself fails (EINVAL from mmap of length 0).
    assert_eq!(setup_buf_ring(ring.r(), 0, 1, 0).unwrap_err(), Errno::EINVAL);
    // Not a power of two, or too many: the kernel refuses, nothing stays registered.
    assert_eq!(setup_buf_ring(ring.r(), 3, 1, 0).unwrap_err(), Errno::EINVAL);
    assert_eq!(setup_buf_ring(ring.r(), 65536, 1, 0).unwrap_err(), Errno::EINVAL);
    assert_eq!(unregister_buf_ring(ring.r(), 1), Err(Errno(libc::ENOENT)));
    // Unknown flags.
    assert_eq!(setup_buf_ring(ring.r(), 4, 1, 0x8000).unwrap_err(), Errno::EINVAL);

    let br = match setup_buf_ring(ring.r(), 4, 1, 0) {
        Ok(br) => br,
        Err(e) => {
            println!("SKIP: provided-buffer rings not supported ({e})");
            return;
        }
    };
    // The group id is taken.
    assert_eq!(setup_buf_ring(ring.r(), 4, 1, 0).unwrap_err(), Errno::EEXIST);
    // SAFETY: `br` is live; reading our own tail.
    assert_eq!(unsafe { (*br.as_ptr()).tail }, 0);
    // Double free: the second one gets the kernel's ENOENT and touches no memory.
    // SAFETY: `br` came from setup_buf_ring(4 entries, group 1).
    assert_eq!(unsafe { free_buf_ring(ring.r(), br.as_ptr(), 4, 1) }, Ok(0));
    assert_eq!(
        // SAFETY: the unregister fails first, so the stale pointer is never unmapped.
        unsafe { free_buf_ring(ring.r(), br.as_ptr(), 4, 1) },
        Err(Errno(libc::ENOENT))
    );
    assert_eq!(unregister_buf_ring(ring.r(), 1), Err(Errno(libc::ENOENT)));
    assert_eq!(buf_ring_head(ring.r(), 1), Err(Errno(libc::ENOENT)));
    assert_eq!(
        // SAFETY: the status call fails before the (stale) ring is read.
        unsafe { buf_ring_available(ring.r(), br.as_ptr(), 1) },
        Err(Errno(libc::ENOENT))
    );
    // A NULL registration.
    // SAFETY: NULL is never written; the kernel refuses it.
    let r = unsafe { register_buf_ring(ring.r(), ptr::null_mut(), 0) };
    assert!(r == Err(Errno::EFAULT) || r == Err(Errno::EINVAL), "{r:?}");
}

#[test]
fn legacy_provide_buffers_group_is_not_a_ring() {
    // A group created with IORING_OP_PROVIDE_BUFFERS has no ring: PBUF_STATUS refuses it.
    let mut ring = ring_or_skip!(4, 0);
    let mut mem = vec![0u8; 64];
    let sqe = ring.sqe();
    uring::prep::provide_buffers(sqe, mem.as_mut_ptr().cast(), 32, 2, 11, 0);
    ring.submit();
    let c = ring.wait();
    if c.res < 0 {
        println!("SKIP: IORING_OP_PROVIDE_BUFFERS unavailable ({})", c.res);
        return;
    }
    let r = buf_ring_head(ring.r(), 11);
    assert!(r.is_err(), "{r:?}");
    drop(mem);
}

// ---- memory-only helpers ------------------------------------------------------------------------

/// A 4-entry buffer ring in ordinary memory (no kernel).
fn fake_ring() -> Vec<io_uring_buf> {
    vec![io_uring_buf::default(); 4]
}

#[test]
fn mask_values() {
    assert_eq!(buf_ring_mask(8), 7);
    assert_eq!(buf_ring_mask(1), 0);
    assert_eq!(buf_ring_mask(32768), 32767);
    assert_eq!(buf_ring_mask(0), -1);
}

#[test]
fn add_leaves_the_tail_alone_and_advance_publishes() {
    let mut bufs = fake_ring();
    let br = bufs.as_mut_ptr().cast::<io_uring_buf_ring>();
    let mask = buf_ring_mask(4);
    // SAFETY: `br` is 4 entries of ordinary memory, which no kernel reads.
    unsafe { buf_ring_init(br) };
    // SAFETY: `br` is 4 entries of ordinary memory, which no kernel reads.
    unsafe { buf_ring_advance(br, 5) };
    // (5 + 3) & 3 == 0: entry 0, whose resv is the tail.
    // SAFETY: as above; the address is only stored, never dereferenced.
    unsafe { buf_ring_add(br, 0x1000 as *mut _, 77, 42, mask, 3) };
    // (5 + 0) & 3 == 1.
    // SAFETY: `br` is 4 entries of ordinary memory; the address is only stored.
    unsafe { buf_ring_add(br, 0x2000 as *mut _, 88, 43, mask, 0) };
    assert_eq!((bufs[0].addr, bufs[0].len, bufs[0].bid), (0x1000, 77, 42));
    assert_eq!(bufs[0].resv, 5, "add overwrote the tail");
    assert_eq!(
        (bufs[1].addr, bufs[1].len, bufs[1].bid, bufs[1].resv),
        (0x2000, 88, 43, 0)
    );
    // Negative and wrapping counts behave like C's 16-bit arithmetic.
    for (count, tail) in [(65535, 4), (-4, 0), (-1, 0xffff)] {
        // SAFETY: `br` is 4 entries of ordinary memory, which no kernel reads.
        unsafe { buf_ring_advance(br, count) };
        // SAFETY: as above; a plain read of memory only this thread writes.
        assert_eq!(unsafe { (*br).tail }, tail, "after advancing by {count}");
    }
    // SAFETY: `br` is 4 entries of ordinary memory, which no kernel reads.
    unsafe { buf_ring_init(br) };
    assert_eq!(bufs[0].resv, 0);
    assert_eq!(bufs[0].addr, 0x1000, "init touches only the tail");
}

#[test]
fn cq_advance_split_moves_both_counters() {
    let mut ring = ring_or_skip!(4, 0);
    let mut bufs = fake_ring();
    let br = bufs.as_mut_ptr().cast::<io_uring_buf_ring>();
    for i in 0..3 {
        let sqe = ring.sqe();
        uring::prep::nop(sqe);
        sqe.user_data = i;
    }
    ring.submit();
    let _ = ring.peek_wait();
    while uring::cq::cq_ready(ring.r()) < 3 {
        std::thread::yield_now();
    }
    // SAFETY: `br` is ordinary memory; CQ-OWNER: the side borrows the ring exclusively,
    // and three CQEs are ready (unread, which the test does not need).
    unsafe { buf_ring_cq_advance_split(&mut ring.cq(), br, 2, 5) };
    assert_eq!(uring::cq::cq_ready(ring.r()), 1);
    // SAFETY: `br` is live ordinary memory only this thread writes.
    assert_eq!(unsafe { (*br).tail }, 5);
    // SAFETY: as above, one CQE is left.
    unsafe { buf_ring_cq_advance(&mut ring.cq(), br, 1) };
    assert_eq!(uring::cq::cq_ready(ring.r()), 0);
    // SAFETY: `br` is live ordinary memory only this thread writes.
    assert_eq!(unsafe { (*br).tail }, 6);
    // Zero is a no-op for the CQ.
    // SAFETY: as above; no CQE is consumed.
    unsafe { buf_ring_cq_advance(&mut ring.cq(), br, 0) };
    // SAFETY: `br` is live ordinary memory only this thread writes.
    assert_eq!(unsafe { (*br).tail }, 6);
    // A never-set-up ring cannot make a completion side (no SET-UP), so this path is
    // only reachable from C: the CQ part is skipped instead of crashing.
    let mut blank = io_uring::zeroed();
    // SAFETY: `br` is ordinary memory; the C export checks for the missing CQ mapping.
    unsafe { io_uring_buf_ring_cq_advance(&mut blank, br, 1) };
    assert_eq!(bufs[0].resv, 7);
}
