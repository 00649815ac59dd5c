//! Provided-buffer rings on a real ring: multishot receive through a recycled buffer
//! ring, incremental consumption, the status/available helpers, the memory-only helpers
//! (no kernel), and the error paths (bad counts, duplicate groups, double free).

use std::os::fd::RawFd;
use std::ptr;

use uring::buf_ring::*;
use uring::ring::io_uring;
use uring::sys::*;
use uring::Errno;

// ---- a small test ring -------------------------------------------------------------------

struct Ring(io_uring);

impl Ring {
    fn sqe(&mut self) -> &mut io_uring_sqe {
        // SAFETY: a set-up ring; the SQE is used before the next get_sqe/submit.
        let p = unsafe { uring::submit::get_sqe(&mut self.0) };
        assert!(!p.is_null(), "SQ full");
        // SAFETY: non-NULL SQE inside the ring.
        unsafe { &mut *p }
    }

    fn submit(&mut self) {
        // SAFETY: a set-up ring.
        let n = unsafe { uring::submit::submit(&mut self.0) }.expect("submit");
        assert!(n >= 1);
    }

    /// Wait up to 5 s for a CQE and copy it, without consuming it.
    fn peek_wait(&mut self) -> io_uring_cqe {
        let ts = __kernel_timespec { tv_sec: 5, tv_nsec: 0 };
        let mut cqe = ptr::null_mut();
        // SAFETY: a set-up ring; `ts` lives across the call.
        let ret = unsafe { uring::cq::wait_cqe_timeout(&mut self.0, &mut cqe, &ts) };
        assert_eq!(ret, 0, "no completion within 5 s");
        // SAFETY: the CQE at the head, copied before it is released.
        unsafe { *cqe }
    }

    fn wait(&mut self) -> io_uring_cqe {
        let c = self.peek_wait();
        // SAFETY: the CQE just read is the head one.
        unsafe { uring::cq::cqe_seen(&mut self.0, &c) };
        c
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: set up once, torn down once.
        unsafe { uring::setup::queue_exit(&mut self.0) }
    }
}

fn ring(entries: u32, flags: u32) -> Option<Ring> {
    let mut r = io_uring::zeroed();
    // SAFETY: a fresh ring struct.
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
    let br = match setup_buf_ring(&ring.0, NENT, bgid, 0) {
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
        // SAFETY: `br` is live with NENT entries; each buffer lies in `mem`, which outlives
        // the buffer ring.
        unsafe { buf_ring_add(br, base.add(i * BUF).cast(), BUF as u32, i as u16, mask, i as i32) };
    }
    // SAFETY: `br` is live.
    unsafe { buf_ring_advance(br, NENT as i32) };
    // SAFETY: `br` is the ring of group `bgid`.
    assert_eq!(unsafe { buf_ring_available(&ring.0, br, bgid as u16) }, Ok(NENT as u16));
    assert_eq!(buf_ring_head(&ring.0, bgid), Ok(0));

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
                // SAFETY: the head CQE was read.
                unsafe { uring::cq::cqe_seen(&mut ring.0, &c) };
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
            // its entry; `br` is live; the head CQE was read.
            unsafe {
                buf_ring_add(br, base.add(bid * BUF).cast(), BUF as u32, bid as u16, mask, 0);
                buf_ring_cq_advance(&mut ring.0, br, 1);
            }
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
    // SAFETY: `br` is the ring of group `bgid`.
    assert_eq!(unsafe { buf_ring_available(&ring.0, br, bgid as u16) }, Ok(NENT as u16));
    // SAFETY: `br` is live.
    let tail = unsafe { (*br).tail };
    assert_eq!(buf_ring_head(&ring.0, bgid), Ok(tail.wrapping_sub(NENT as u16)));
    // SAFETY: as above (reads of our own tail).
    assert_eq!(tail, (NENT + cqes) as u16);

    // EOF ends the multishot request: res 0, no F_MORE.
    // SAFETY: closing our write end.
    unsafe { libc::shutdown(tx, libc::SHUT_WR) };
    let c = ring.wait();
    assert_eq!((c.user_data, c.res, c.flags & IORING_CQE_F_MORE), (1, 0, 0));

    // SAFETY: nothing uses the ring any more; `mem` goes away after it.
    assert_eq!(unsafe { free_buf_ring(&ring.0, br, NENT, bgid) }, Ok(0));
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
    let br = match setup_buf_ring(&ring.0, 2, bgid, IOU_PBUF_RING_INC) {
        Ok(br) => br.as_ptr(),
        Err(e) => {
            println!("SKIP: IOU_PBUF_RING_INC rejected by the kernel ({e})");
            return;
        }
    };
    let mut mem = vec![0u8; 1024];
    // SAFETY: `br` is live with 2 entries; `mem` outlives the ring.
    unsafe {
        buf_ring_add(br, mem.as_mut_ptr().cast(), 1024, 5, buf_ring_mask(2), 0);
        buf_ring_advance(br, 1);
    }
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
    assert_eq!(unsafe { free_buf_ring(&ring.0, br, 2, bgid) }, Ok(0));
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
    match unsafe { register_buf_ring(&ring.0, &mut reg, IOU_PBUF_RING_MMAP) } {
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
            ring.0.ring_fd,
            off as libc::off_t,
        )
    };
    assert_ne!(p, libc::MAP_FAILED, "the kernel-allocated ring is not mappable");
    let br = p.cast::<io_uring_buf_ring>();
    // SAFETY: a live ring of 4 entries.
    unsafe { buf_ring_advance(br, 0) };
    // SAFETY: as above.
    assert_eq!(unsafe { buf_ring_available(&ring.0, br, bgid) }, Ok(0));
    // SAFETY: ours.
    unsafe { libc::munmap(p, 4 * 16) };
    assert_eq!(unregister_buf_ring(&ring.0, i32::from(bgid)), Ok(0));
}

#[test]
fn buf_ring_bad_input() {
    let ring = ring_or_skip!(4, 0);
    // Zero entries: the mapping itself fails (EINVAL from mmap of length 0).
    assert_eq!(setup_buf_ring(&ring.0, 0, 1, 0).unwrap_err(), Errno::EINVAL);
    // Not a power of two, or too many: the kernel refuses, nothing stays registered.
    assert_eq!(setup_buf_ring(&ring.0, 3, 1, 0).unwrap_err(), Errno::EINVAL);
    assert_eq!(setup_buf_ring(&ring.0, 65536, 1, 0).unwrap_err(), Errno::EINVAL);
    assert_eq!(unregister_buf_ring(&ring.0, 1), Err(Errno(libc::ENOENT)));
    // Unknown flags.
    assert_eq!(setup_buf_ring(&ring.0, 4, 1, 0x8000).unwrap_err(), Errno::EINVAL);

    let br = match setup_buf_ring(&ring.0, 4, 1, 0) {
        Ok(br) => br,
        Err(e) => {
            println!("SKIP: provided-buffer rings not supported ({e})");
            return;
        }
    };
    // The group id is taken.
    assert_eq!(setup_buf_ring(&ring.0, 4, 1, 0).unwrap_err(), Errno::EEXIST);
    // SAFETY: `br` is live; reading our own tail.
    assert_eq!(unsafe { (*br.as_ptr()).tail }, 0);
    // Double free: the second one gets the kernel's ENOENT and touches no memory.
    // SAFETY: `br` came from setup_buf_ring(4 entries, group 1).
    assert_eq!(unsafe { free_buf_ring(&ring.0, br.as_ptr(), 4, 1) }, Ok(0));
    // SAFETY: the unregister fails first, so the stale pointer is never unmapped.
    assert_eq!(
        unsafe { free_buf_ring(&ring.0, br.as_ptr(), 4, 1) },
        Err(Errno(libc::ENOENT))
    );
    assert_eq!(unregister_buf_ring(&ring.0, 1), Err(Errno(libc::ENOENT)));
    assert_eq!(buf_ring_head(&ring.0, 1), Err(Errno(libc::ENOENT)));
    // SAFETY: the status call fails before the (stale) ring is read.
    assert_eq!(
        unsafe { buf_ring_available(&ring.0, br.as_ptr(), 1) },
        Err(Errno(libc::ENOENT))
    );
    // A NULL registration.
    // SAFETY: NULL is never written; the kernel refuses it.
    let r = unsafe { register_buf_ring(&ring.0, ptr::null_mut(), 0) };
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
    let r = buf_ring_head(&ring.0, 11);
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
    // SAFETY: `br` is 4 entries of ordinary memory.
    unsafe {
        buf_ring_init(br);
        buf_ring_advance(br, 5);
        // (5 + 3) & 3 == 0: entry 0, whose resv is the tail.
        buf_ring_add(br, 0x1000 as *mut _, 77, 42, mask, 3);
        // (5 + 0) & 3 == 1.
        buf_ring_add(br, 0x2000 as *mut _, 88, 43, mask, 0);
    }
    assert_eq!((bufs[0].addr, bufs[0].len, bufs[0].bid), (0x1000, 77, 42));
    assert_eq!(bufs[0].resv, 5, "add overwrote the tail");
    assert_eq!(
        (bufs[1].addr, bufs[1].len, bufs[1].bid, bufs[1].resv),
        (0x2000, 88, 43, 0)
    );
    // Negative and wrapping counts behave like C's 16-bit arithmetic.
    // SAFETY: as above.
    unsafe {
        buf_ring_advance(br, 65535);
        assert_eq!((*br).tail, 4);
        buf_ring_advance(br, -4);
        assert_eq!((*br).tail, 0);
        buf_ring_advance(br, -1);
        assert_eq!((*br).tail, 0xffff);
        buf_ring_init(br);
    }
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
    // SAFETY: a set-up ring.
    while unsafe { uring::cq::cq_ready(&ring.0) } < 3 {
        std::thread::yield_now();
    }
    // SAFETY: three CQEs are ready (and unread, which the test does not need); `br` is
    // ordinary memory.
    unsafe {
        buf_ring_cq_advance_split(&mut ring.0, br, 2, 5);
        assert_eq!(uring::cq::cq_ready(&ring.0), 1);
        assert_eq!((*br).tail, 5);
        buf_ring_cq_advance(&mut ring.0, br, 1);
        assert_eq!(uring::cq::cq_ready(&ring.0), 0);
        assert_eq!((*br).tail, 6);
        // Zero is a no-op for the CQ.
        buf_ring_cq_advance(&mut ring.0, br, 0);
        assert_eq!((*br).tail, 6);
    }
    // A never-set-up ring: the CQ part is skipped instead of crashing.
    let mut blank = io_uring::zeroed();
    // SAFETY: `br` is ordinary memory; the blank ring has no CQ to advance.
    unsafe { buf_ring_cq_advance(&mut blank, br, 1) };
    assert_eq!(bufs[0].resv, 7);
}
