//! Regression tests of the security review (docs/security.md): values the library takes
//! from the kernel, from the caller or from a peer and uses as a size, index or slot
//! count. Each test names the finding it guards.
//!
//! * A `MSG_RING` sender chooses every bit of the `res` and `flags` of the CQE it posts
//!   to our ring (`IORING_MSG_RING_FLAGS_PASS`), `IORING_CQE_F_32` and
//!   `IORING_CQE_F_SKIP` included, on any kind of ring: consuming must count slots by
//!   the ring's layout, reading must stay inside the slot, and a `res` of `i32::MIN`
//!   must not overflow the errno negation.
//! * A probe registered with fewer entries than the kernel knows opcodes still carries
//!   the kernel's `last_op`: `io_uring_opcode_supported` must stop at `ops_len`.
//! * The multishot-recvmsg cmsg walk must stay inside the control area that
//!   `io_uring_recvmsg_validate` checked, whatever `controllen` the header claims.
//! * The SQ ring mapping must not be sized by `sq_off.array` on NO_SQARRAY rings, where
//!   the kernel leaves that field as the caller passed it.
//! * `io_uring_queue_init_mem` must ask for at least the memory the kernel uses.
//!
//! Out-of-bounds reads are caught with a guard page (`PROT_NONE`) right after the
//! object: the unfixed code dies with SIGSEGV instead of passing.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use core::ffi::c_void;
use std::collections::BTreeMap;
use std::mem::size_of;
use std::ptr;

use uring::prep as rust_prep;
use uring::ring::io_uring;
use uring::sys::*;
use uring::{Errno, Ring};

// The C library compiled into this test, and its exports declared from
// api/functions.toml (see tests/generated/).
include!("support/c_library.rs");
include!("generated/capi.rs");

/// The user_data of the CQE a test's `MSG_RING` posts.
const PEER: u64 = 0x7e57;
/// The user_data of the MSG_RING request's own CQE.
const SENDER: u64 = 1;
/// The user_data of a NOP submitted after it.
const NOP: u64 = 2;

// ---- a ring driven through the C ABI ---------------------------------------------------

/// A ring set up through `io_uring_queue_init`.
///
/// Invariant **C-RING**: `self.0` is a set-up ring (C-CONTRACT's "SET-UP") from
/// [`CRing::new`] until `Drop`, used by one thread, which is its only submitter and
/// reaper.
struct CRing(Box<io_uring>);

impl CRing {
    fn new(entries: u32, flags: u32) -> Result<CRing, Errno> {
        let mut ring = Box::new(io_uring::zeroed());
        // SAFETY: C-CONTRACT: a writable `struct io_uring` nobody else uses.
        let ret = unsafe { io_uring_queue_init(entries, &mut *ring, flags) };
        if ret < 0 {
            return Err(Errno(-ret));
        }
        Ok(CRing(ring))
    }

    fn ptr(&mut self) -> *mut io_uring {
        &mut *self.0
    }

    /// Queue a `MSG_RING` to this very ring that posts a CQE with `PEER`, `res` and
    /// `cqe_flags`; with `quiet` the request's own CQE is suppressed.
    fn queue_message(&mut self, res: u32, cqe_flags: u32, quiet: bool) {
        let fd = self.0.ring_fd;
        // SAFETY: C-RING: this thread is the ring's only submitter.
        let sqe = unsafe { io_uring_get_sqe(self.ptr()) };
        // SAFETY: a fresh ring has free SQEs, and the slot is ours until submitted.
        let sqe = unsafe { sqe.as_mut() }.expect("free SQE");
        rust_prep::msg_ring_cqe_flags(sqe, fd, res, PEER, 0, cqe_flags);
        sqe.user_data = SENDER;
        if quiet {
            sqe.flags |= IOSQE_CQE_SKIP_SUCCESS;
        }
    }

    fn queue_nop(&mut self) {
        // SAFETY: C-RING: this thread is the ring's only submitter.
        let sqe = unsafe { io_uring_get_sqe(self.ptr()) };
        // SAFETY: a free SQE of ours until submitted.
        let sqe = unsafe { sqe.as_mut() }.expect("free SQE");
        rust_prep::nop(sqe);
        sqe.user_data = NOP;
    }

    fn submit_and_wait(&mut self, n: u32) {
        // SAFETY: C-RING; SQE-MEM: MSG_RING and NOP reference no memory.
        let ret = unsafe { io_uring_submit_and_wait(self.ptr(), n) };
        assert!(ret >= 0, "submit_and_wait: {ret}");
    }

    fn ready(&self) -> u32 {
        // SAFETY: C-RING.
        unsafe { io_uring_cq_ready(&*self.0) }
    }

    /// Reap with `io_uring_peek_cqe` + `io_uring_cqe_seen` until the CQ is empty (at
    /// most `limit` CQEs): (user_data, res, flags) of each.
    fn reap_seen(&mut self, limit: usize) -> Vec<(u64, i32, u32)> {
        let mut got = Vec::new();
        while got.len() < limit {
            let mut cqe = ptr::null_mut();
            // SAFETY: C-RING: this thread is the only reaper; `cqe` is writable.
            if unsafe { io_uring_peek_cqe(self.ptr(), &mut cqe) } != 0 {
                break;
            }
            // SAFETY: a CQE peeked and not yet seen is published and stable.
            let c = unsafe { cqe.read() };
            got.push((c.user_data, c.res, c.flags));
            // SAFETY: C-RING: the CQE this reaper just peeked.
            unsafe { io_uring_cqe_seen(self.ptr(), cqe) };
        }
        got
    }
}

impl Drop for CRing {
    fn drop(&mut self) {
        // SAFETY: C-RING: set up once, torn down once, nothing uses it afterwards.
        unsafe { io_uring_queue_exit(self.ptr()) };
    }
}

/// The ring kinds a peer's flags are tried on: 16-byte slots, 32-byte slots, mixed.
const KINDS: [(u32, &str); 3] = [
    (0, "plain"),
    (IORING_SETUP_CQE32, "CQE32"),
    (IORING_SETUP_CQE_MIXED, "CQE_MIXED"),
];

/// Whether this kernel lets a MSG_RING pass CQE flags (6.3+): the request's own CQE
/// says so.
fn msg_ring_flags_supported() -> bool {
    let Ok(mut ring) = CRing::new(4, 0) else {
        return false;
    };
    ring.queue_message(0, 0, false);
    ring.submit_and_wait(1);
    let got = ring.reap_seen(4);
    got.iter().any(|&(ud, res, _)| ud == SENDER && res == 0) && got.iter().any(|&(ud, ..)| ud == PEER)
}

macro_rules! need_msg_ring {
    () => {
        if !msg_ring_flags_supported() {
            println!("SKIP: io_uring or MSG_RING with IORING_MSG_RING_FLAGS_PASS unavailable");
            return;
        }
    };
}

fn user_datas(v: &[(u64, i32, u32)]) -> Vec<u64> {
    let mut u: Vec<u64> = v.iter().map(|c| c.0).collect();
    u.sort_unstable();
    u
}

/// Finding: `io_uring_cqe_seen` (and `__io_uring_peek_cqe` for skipped CQEs) counted
/// `IORING_CQE_F_32` as two slots on every ring, so a peer's F_32 on a plain or CQE32
/// ring consumed the next completion unseen, and as the last CQE moved the head past
/// the tail (`io_uring_cq_ready` then said 4294967295 and the kernel saw a full CQ).
#[test]
fn c_seen_counts_a_peers_f32_cqe_by_the_ring_layout() {
    need_msg_ring!();
    for (setup, name) in KINDS {
        let mut ring = match CRing::new(8, setup) {
            Ok(r) => r,
            Err(e) => {
                println!("SKIP: {name} ring: {e}");
                continue;
            }
        };
        // F_32 on a CQE followed by two more completions.
        ring.queue_message(5, IORING_CQE_F_32, false);
        ring.queue_nop();
        ring.submit_and_wait(3);
        let got = ring.reap_seen(8);
        assert_eq!(user_datas(&got), [SENDER, NOP, PEER], "{name}: {got:x?}");
        assert_eq!(ring.ready(), 0, "{name}");

        // The same CQE as the last one, then F_32 | F_SKIP (silently consumed).
        ring.queue_message(5, IORING_CQE_F_32, true);
        ring.submit_and_wait(1);
        let got = ring.reap_seen(8);
        assert_eq!(user_datas(&got), [PEER], "{name}: {got:x?}");
        assert_eq!(ring.ready(), 0, "{name}: head moved past the tail");
        ring.queue_message(5, IORING_CQE_F_32 | IORING_CQE_F_SKIP, false);
        ring.queue_nop();
        ring.submit_and_wait(3);
        let got = ring.reap_seen(8);
        assert_eq!(user_datas(&got), [SENDER, NOP], "{name}: {got:x?}");
        assert_eq!(ring.ready(), 0, "{name}");
    }
}

/// Finding: `io_uring_cqe_iter_next` has no ring flags and believes F_32 on 16-byte
/// slots, as liburing's does; a peer's F_32 CQE in the last slot of a plain ring then
/// stepped past the snapshot's tail, and the iteration ran on through unpublished slots
/// (about 2^32 of them). It must end at the tail.
#[test]
fn c_iter_next_never_runs_past_the_tail() {
    need_msg_ring!();
    let mut ring = CRing::new(8, 0).expect("ring");
    // Two submissions, so the peer's CQE is surely the last one.
    ring.queue_nop();
    ring.submit_and_wait(1);
    ring.queue_message(5, IORING_CQE_F_32, true);
    ring.submit_and_wait(2);
    // SAFETY: C-RING.
    let mut it = unsafe { io_uring_cqe_iter_init(&*ring.0) };
    let mut seen = Vec::new();
    for _ in 0..64 {
        let mut cqe = ptr::null_mut();
        // SAFETY: C-RING: `it` comes from this ring, whose head nothing moves meanwhile.
        if !unsafe { io_uring_cqe_iter_next(&mut it, &mut cqe) } {
            break;
        }
        // SAFETY: the iterator yields published CQEs.
        seen.push(unsafe { (*cqe).user_data });
    }
    assert_eq!(seen, [NOP, PEER], "the iteration must stop at the tail");
    // SAFETY: C-RING: both CQEs were read.
    unsafe { io_uring_cq_advance(ring.ptr(), 2) };
    assert_eq!(ring.ready(), 0);
}

/// Finding: on a CQE_MIXED ring `io_uring_peek_batch_cqe` consumed a leading
/// `F_SKIP` CQE as one slot; a peer's skipped 32-byte CQE takes two, and its second
/// half (all zeroes) was handed out as a completion.
#[test]
fn c_peek_batch_consumes_a_peers_two_slot_filler_whole() {
    need_msg_ring!();
    let mut ring = match CRing::new(8, IORING_SETUP_CQE_MIXED) {
        Ok(r) => r,
        Err(e) => {
            println!("SKIP: CQE_MIXED ring: {e}");
            return;
        }
    };
    ring.queue_message(5, IORING_CQE_F_32 | IORING_CQE_F_SKIP, true);
    ring.queue_nop();
    ring.submit_and_wait(2);
    let mut out = [ptr::null_mut(); 8];
    // SAFETY: C-RING; `out` has room for 8 pointers.
    let n = unsafe { io_uring_peek_batch_cqe(ring.ptr(), out.as_mut_ptr(), 8) };
    let uds: Vec<u64> = out[..n as usize]
        .iter()
        // SAFETY: peek_batch returned published CQEs.
        .map(|&c| unsafe { (*c).user_data })
        .collect();
    assert_eq!(uds, [NOP], "the filler's second half is not a completion");
    // SAFETY: C-RING: the NOP's slot was read.
    unsafe { io_uring_cq_advance(ring.ptr(), 1) };
    assert_eq!(ring.ready(), 0);
}

// ---- the same through the safe Rust API ------------------------------------------------

fn queue_message(ring: &mut Ring, res: u32, cqe_flags: u32) {
    let fd = ring.fd();
    let sqe = ring.get_sqe().expect("free SQE");
    rust_prep::msg_ring_cqe_flags(sqe, fd, res, PEER, 0, cqe_flags);
    sqe.user_data = SENDER;
}

fn queue_nop(ring: &mut Ring) {
    let sqe = ring.get_sqe().expect("free SQE");
    rust_prep::nop(sqe);
    sqe.user_data = NOP;
}

/// Findings: the Rust API's `Completion` consumed two slots for any F_32 CQE and read
/// `big_cqe` from the next slot on rings that are not mixed; `Completions` did the same
/// and yielded `F_SKIP` fillers as completions; `Cqe::result` negated a `res` of
/// `i32::MIN` with overflow (a panic in debug builds).
#[test]
fn rust_api_takes_a_peers_res_and_flags_at_face_value_only_where_they_apply() {
    need_msg_ring!();
    for (setup, name) in KINDS {
        let mut ring = match Ring::builder(8).flags(setup).build() {
            Ok(r) => r,
            Err(e) => {
                println!("SKIP: {name} ring: {e}");
                continue;
            }
        };
        queue_message(&mut ring, 0x8000_0000, IORING_CQE_F_32);
        queue_nop(&mut ring);
        // SAFETY: SQE-MEM: MSG_RING and NOP reference no memory.
        unsafe { ring.submit_and_wait(3) }.expect("submit");
        let mut got = BTreeMap::new();
        while let Some(c) = ring.peek().expect("peek") {
            got.insert(c.user_data(), (c.res(), c.result(), c.big_cqe()));
        }
        let peer = got.get(&PEER).unwrap_or_else(|| panic!("{name}: {got:x?}"));
        assert_eq!(peer.0, i32::MIN, "{name}");
        assert_eq!(peer.1, Err(Errno(i32::MIN)), "{name}: any negative res is an error");
        // A plain ring's slot has no second half; the kernel zeroes it elsewhere.
        assert_eq!(peer.2, [0, 0], "{name}: big_cqe read from another slot");
        assert!(got.contains_key(&SENDER) && got.contains_key(&NOP), "{name}: {got:x?}");
        assert_eq!(ring.cq_ready(), 0, "{name}");

        // The iterator: a peer's F_32 and F_SKIP CQEs.
        queue_message(&mut ring, 5, IORING_CQE_F_32);
        queue_message(&mut ring, 6, IORING_CQE_F_SKIP | IORING_CQE_F_32);
        queue_nop(&mut ring);
        // SAFETY: SQE-MEM: MSG_RING and NOP reference no memory.
        unsafe { ring.submit_and_wait(5) }.expect("submit");
        let mut uds: Vec<(u64, i32)> = ring.completions().map(|c| (c.user_data(), c.res())).collect();
        uds.sort_unstable();
        assert_eq!(uds, [(SENDER, 0), (SENDER, 0), (NOP, 0), (PEER, 5)], "{name}");
        assert_eq!(ring.cq_ready(), 0, "{name}: every slot consumed, no more");
        queue_nop(&mut ring);
        // SAFETY: SQE-MEM: a NOP references no memory.
        unsafe { ring.submit_and_wait(1) }.expect("submit");
        assert_eq!(ring.wait().expect("wait").user_data(), NOP, "{name}: ring still sound");
    }
}

#[test]
fn errno_of_any_negative_value() {
    assert_eq!(Errno::result(i32::MIN), Err(Errno(i32::MIN)));
    assert_eq!(Errno::result(-1), Err(Errno(1)));
    assert_eq!(Errno(i32::MIN).to_neg(), i32::MIN);
    assert_eq!(Errno::EINVAL.to_neg(), -libc::EINVAL);
}

// ---- guard pages -------------------------------------------------------------------------

/// `len` readable bytes (rounded up to pages) followed by one `PROT_NONE` page.
struct Guarded {
    base: *mut u8,
    map_len: usize,
    /// Bytes before the guard page.
    len: usize,
}

impl Guarded {
    fn new(len: usize) -> Guarded {
        let page = uring::setup::page_size();
        let len = len.div_ceil(page) * page;
        let map_len = len + page;
        // SAFETY: a fresh anonymous mapping at an address of the kernel's choice.
        let base = unsafe {
            libc::mmap(
                ptr::null_mut(),
                map_len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        assert_ne!(base, libc::MAP_FAILED);
        let base = base.cast::<u8>();
        let guard = base.wrapping_add(len).cast::<c_void>();
        // SAFETY: the last page of the mapping just made, which nothing uses.
        assert_eq!(unsafe { libc::mprotect(guard, page, libc::PROT_NONE) }, 0);
        Guarded { base, map_len, len }
    }

    /// The address `n` bytes before the guard page.
    fn tail(&self, n: usize) -> *mut u8 {
        assert!(n <= self.len);
        self.base.wrapping_add(self.len - n)
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        // SAFETY: our own mapping; nothing points into it any more.
        unsafe { libc::munmap(self.base.cast(), self.map_len) };
    }
}

/// Finding: `io_uring_opcode_supported` bounded `op` by `last_op` only, but the kernel
/// reports its own last opcode however few entries it was given: with a probe of 4
/// entries, asking for `IORING_OP_READ` read past the probe.
#[test]
fn opcode_supported_stays_inside_a_short_probe() {
    let mut ring = match CRing::new(4, 0) {
        Ok(r) => r,
        Err(e) => {
            println!("SKIP: io_uring unavailable: {e}");
            return;
        }
    };
    const NR: usize = 4;
    let size = size_of::<io_uring_probe>() + NR * size_of::<io_uring_probe_op>();
    let mem = Guarded::new(size);
    // The probe ends right at the guard page (the mapping is zeroed, as the kernel wants).
    let p = mem.tail(size).cast::<io_uring_probe>();
    // SAFETY: C-RING; `p` has room for NR entries.
    assert_eq!(unsafe { io_uring_register_probe(ring.ptr(), p, NR as u32) }, 0);
    // SAFETY: the header the kernel just wrote.
    let header = unsafe { p.read() };
    let (last_op, ops_len) = (header.last_op, header.ops_len);
    assert_eq!(usize::from(ops_len), NR);
    assert!(
        usize::from(last_op) >= NR,
        "the kernel's last_op ({last_op}) is no bound"
    );
    for op in 0..=i32::from(last_op) + 1 {
        // SAFETY: a probe the kernel filled (PROBE-SHAPE: ops_len entries).
        let s = unsafe { io_uring_opcode_supported(p, op) };
        let want = i32::from(op < NR as i32); // NOP, READV, WRITEV, FSYNC
        assert_eq!(s, want, "op {op}");
    }
}

/// Finding (hardening): the cmsg walk was bounded by the header's `controllen`; a header
/// claiming more control data than the `msghdr` reserves led it past the area that
/// `io_uring_recvmsg_validate` checked. It is now bounded by
/// `min(controllen, msg_controllen)`.
#[test]
fn cmsg_walk_stays_inside_the_validated_area() {
    const HDR: usize = size_of::<libc::cmsghdr>();
    let out_len = size_of::<io_uring_recvmsg_out>();
    // Header + no name + one cmsg header's worth of control area, no payload: exactly
    // what validate accepts, and it ends at the guard page.
    let buf_len = out_len + HDR;
    let mem = Guarded::new(buf_len);
    let buf = mem.tail(buf_len);
    // SAFETY: msghdr is plain data; all-zero is a valid value.
    let mut m: libc::msghdr = unsafe { core::mem::zeroed() };
    m.msg_controllen = HDR as _;
    // controllen claims 4 headers' worth; the one cmsg in the area is a bare header.
    let controllen = buf.wrapping_add(4).cast::<u32>();
    // SAFETY: bytes 4..8 of the `buf_len` writable bytes at `buf`.
    unsafe { controllen.write_unaligned(4 * HDR as u32) };
    let cmsg_len = buf.wrapping_add(out_len).cast::<usize>();
    // SAFETY: the cmsghdr right after the 16-byte header, inside the buffer.
    unsafe { cmsg_len.write_unaligned(HDR) };

    // SAFETY: `buf` holds buf_len bytes; `m` is a readable msghdr.
    let o = unsafe { io_uring_recvmsg_validate(buf.cast(), buf_len as i32, &mut m) };
    assert_eq!(o.cast::<u8>(), buf);
    // SAFETY: RECVMSG-BUF: `o` was accepted by validate for `m`.
    let first = unsafe { io_uring_recvmsg_cmsg_firsthdr(o, &mut m) };
    assert_eq!(first.cast::<u8>(), buf.wrapping_add(out_len));
    // SAFETY: RECVMSG-BUF; `first` came from firsthdr.
    let next = unsafe { io_uring_recvmsg_cmsg_nexthdr(o, &mut m, first) };
    assert!(next.is_null(), "the next cmsg would lie past the control area");

    // A control area smaller than one cmsghdr has no first header, whatever controllen
    // says (liburing would return a pointer whose header ends past the buffer).
    m.msg_controllen = (HDR / 2) as _;
    let small = out_len + HDR / 2;
    // SAFETY: validate only compares sizes; the first `small` bytes of `buf` are readable.
    let o = unsafe { io_uring_recvmsg_validate(buf.cast(), small as i32, &mut m) };
    assert!(!o.is_null());
    // SAFETY: RECVMSG-BUF for `o` and `m`.
    assert!(unsafe { io_uring_recvmsg_cmsg_firsthdr(o, &mut m) }.is_null());

    // The Rust view clamps the same way.
    // SAFETY: `buf` has `buf_len` initialised (zeroed or written) bytes.
    let bytes = unsafe { std::slice::from_raw_parts(buf, buf_len) };
    m.msg_controllen = HDR as _;
    let view = rust_prep::RecvMsgOut::parse(bytes, &m).expect("valid");
    assert_eq!(view.control().len(), HDR);
    assert_eq!(view.cmsgs().count(), 1);
}

/// The clamp above changes nothing for headers the kernel writes: a real multishot
/// recvmsg over UDP with IP_PKTINFO (32 bytes with padding) and IP_TTL (20) control
/// messages, into control areas that fit both, both with the second cut to its header,
/// only the first, and none. The kernel's `controllen` stays within `msg_controllen`
/// (it truncates and sets MSG_CTRUNC instead), and the walk finds what was stored.
#[test]
fn kernel_written_controllen_fits_the_reserved_area() {
    let (pktinfo, ttl) = (libc::IP_PKTINFO, libc::IP_TTL);
    let cases: [(usize, &[i32], bool); 4] = [
        (56, &[pktinfo, ttl], false),
        (48, &[pktinfo, ttl], true),
        (40, &[pktinfo], true),
        (8, &[], true),
    ];
    for (ctl, want, truncated) in cases {
        match udp_recvmsg_cmsgs(ctl) {
            Ok((found, msg_flags)) => {
                assert_eq!(found, want, "control area of {ctl} bytes");
                assert_eq!(msg_flags & libc::MSG_CTRUNC as u32 != 0, truncated, "{ctl} bytes");
            }
            Err(why) => {
                println!("SKIP: {why}");
                return;
            }
        }
    }
}

/// Receive one UDP datagram with a multishot recvmsg into a provided buffer whose
/// control area is `ctl` bytes; return the cmsg types the walk finds and the `MSG_*`
/// flags of the header.
fn udp_recvmsg_cmsgs(ctl: usize) -> Result<(Vec<i32>, u32), String> {
    use std::net::UdpSocket;
    use std::os::fd::AsRawFd;

    const BUF: usize = 256;
    const BGID: i32 = 3;
    // Declared before the ring, so dropped after it: the multishot request may use them
    // until the ring is torn down.
    let mut bufs = vec![0u8; 2 * BUF];
    // SAFETY: msghdr is plain data; all-zero is a valid value.
    let mut m: libc::msghdr = unsafe { core::mem::zeroed() };
    m.msg_namelen = size_of::<libc::sockaddr_in>() as u32;
    m.msg_controllen = ctl as _;
    let mut ring = Ring::new(4).map_err(|e| format!("io_uring unavailable: {e}"))?;
    let rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let on: libc::c_int = 1;
    for opt in [libc::IP_PKTINFO, libc::IP_RECVTTL] {
        // SAFETY: setsockopt reads one int from `on`.
        let r = unsafe {
            libc::setsockopt(
                rx.as_raw_fd(),
                libc::IPPROTO_IP,
                opt,
                ptr::from_ref(&on).cast(),
                size_of::<libc::c_int>() as u32,
            )
        };
        assert_eq!(r, 0);
    }
    let br = uring::buf_ring::setup_buf_ring(ring.as_ring_ref(), 2, BGID, 0)
        .map_err(|e| format!("buffer rings unavailable: {e}"))?;
    for bid in 0..2u16 {
        let addr = bufs.as_mut_ptr().wrapping_add(usize::from(bid) * BUF);
        // SAFETY: LIVE-BR: `br` is the 2-entry ring just set up; the entries are new.
        unsafe { uring::buf_ring::buf_ring_add(br.as_ptr(), addr.cast(), BUF as u32, bid, 1, i32::from(bid)) };
    }
    // SAFETY: LIVE-BR.
    unsafe { uring::buf_ring::buf_ring_advance(br.as_ptr(), 2) };

    let sqe = ring.get_sqe().expect("SQE");
    rust_prep::recvmsg_multishot(sqe, rx.as_raw_fd(), &mut m, 0);
    sqe.flags |= IOSQE_BUFFER_SELECT;
    rust_prep::sqe_set_buf_group(sqe, BGID);
    sqe.user_data = 9;
    // SAFETY: SQE-MEM: `m` and `bufs` outlive the request: it ends when the ring is
    // torn down, which happens before they are dropped (declared after them, and
    // dropped explicitly below).
    unsafe { ring.submit() }.expect("submit");

    let tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
    tx.send_to(b"hello", rx.local_addr().unwrap()).expect("send");
    let c = ring.wait().expect("wait");
    let (res, flags) = (c.res(), c.flags());
    drop(c);
    if res == -libc::EINVAL || res == -libc::EOPNOTSUPP {
        return Err(format!("multishot recvmsg unsupported ({res})"));
    }
    assert!(res > 0, "recvmsg: {res}");
    assert!(flags & IORING_CQE_F_BUFFER != 0);
    let bid = (flags >> IORING_CQE_BUFFER_SHIFT) as usize;
    let buf = bufs.as_mut_ptr().wrapping_add(bid * BUF);

    // SAFETY: the kernel wrote `res` bytes of the provided buffer `bid`; `m` is readable.
    let o = unsafe { io_uring_recvmsg_validate(buf.cast(), res, &mut m) };
    assert!(!o.is_null());
    // SAFETY: `o` is a header the kernel wrote.
    let header = unsafe { o.read_unaligned() };
    let controllen = header.controllen as usize;
    assert!(
        controllen <= ctl,
        "kernel controllen {controllen} > msg_controllen {ctl}"
    );
    let mut found = Vec::new();
    // SAFETY: RECVMSG-BUF: validated for `m`.
    let mut cmsg = unsafe { io_uring_recvmsg_cmsg_firsthdr(o, &mut m) };
    while !cmsg.is_null() && found.len() < 8 {
        // SAFETY: the walk returns headers that lie inside the control area (at any
        // alignment: a provided buffer).
        let c = unsafe { cmsg.read_unaligned() };
        let (level, ty) = (c.cmsg_level, c.cmsg_type);
        assert_eq!(level, libc::IPPROTO_IP);
        found.push(ty);
        // SAFETY: RECVMSG-BUF; `cmsg` came from the walk.
        cmsg = unsafe { io_uring_recvmsg_cmsg_nexthdr(o, &mut m, cmsg) };
    }
    // SAFETY: pure address arithmetic on the validated buffer.
    let payload = unsafe { io_uring_recvmsg_payload(o, &mut m) };
    // SAFETY: the kernel stored the 5-byte payload after the reserved areas.
    let text = unsafe { std::slice::from_raw_parts(payload.cast::<u8>(), 5) };
    assert_eq!(text, b"hello");
    drop(ring);
    Ok((found, header.flags))
}

// ---- ring memory sizes ---------------------------------------------------------------

/// Finding: on NO_SQARRAY rings (which `io_uring_queue_init_params` sets up whenever
/// the kernel allows, unasked) the kernel leaves `sq_off.array` as the caller passed
/// it, and the SQ ring mapping was sized as `sq_off.array + 4 * entries` regardless:
/// a stale or garbage value asked for a mapping of up to 4 GiB.
#[test]
fn caller_left_sq_array_offset_does_not_size_the_mapping() {
    let mut sizes = Vec::new();
    for garbage in [0, 0x1234_5678, u32::MAX] {
        let mut ring = Box::new(io_uring::zeroed());
        let mut p = io_uring_params::default();
        p.sq_off.array = garbage;
        // SAFETY: C-CONTRACT: writable ring and params.
        let ret = unsafe { io_uring_queue_init_params(8, &mut *ring, &mut p) };
        if ret < 0 {
            println!("SKIP: io_uring unavailable ({ret})");
            return;
        }
        sizes.push((ring.sq.ring_sz, ring.cq.ring_sz));
        // SAFETY: set up just above; nothing uses it afterwards.
        unsafe { io_uring_queue_exit(&mut *ring) };
    }
    assert!(sizes.iter().all(|&s| s == sizes[0]), "{sizes:?}");
    assert!(sizes[0].0 < 1 << 20, "{sizes:?}");
}

// ---- queue_init_mem ------------------------------------------------------------------

/// Evidence for a size the library computes itself: `io_uring_queue_init_mem` asks the
/// caller for `mem_used` bytes, and the kernel places its rings in them. With a buffer
/// of exactly that size right before a guard page, setup must succeed (a kernel needing
/// more would fault on the guard page and fail with EFAULT), the kernel's offsets must
/// lie inside it, one byte less must be refused with ENOMEM, and a buffer that is not
/// page aligned is refused (by the kernel) with EINVAL.
#[test]
fn queue_init_mem_asks_for_all_the_memory_the_kernel_uses() {
    let shapes: &[(u32, u32, u32)] = &[
        (1, 0, 0),
        (2, 0, 0),
        (8, 0, 0),
        (64, IORING_SETUP_SQE128, 0),
        (256, IORING_SETUP_CQE32, 0),
        (1024, IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 0),
        (4096, 0, 0),
        (8, IORING_SETUP_CQSIZE, 1000),
        (1, IORING_SETUP_CQSIZE, 1),
        (128, IORING_SETUP_CQSIZE | IORING_SETUP_CQE32, 4096),
    ];
    let mut checked = 0;
    for &(entries, flags, cq_entries) in shapes {
        for keep_sq_array in [false, true] {
            match init_mem_at_guard(entries, flags, cq_entries, keep_sq_array) {
                Ok(()) => checked += 1,
                Err(why) => {
                    println!("SKIP: {why}");
                    return;
                }
            }
        }
    }
    assert_eq!(checked, 2 * shapes.len());
}

fn init_mem_at_guard(entries: u32, flags: u32, cq_entries: u32, keep_sq_array: bool) -> Result<(), String> {
    let params = || io_uring_params {
        flags: flags | IORING_SETUP_NO_MMAP,
        cq_entries,
        ..Default::default()
    };
    // `__io_uring_queue_init_params` keeps the SQ array; queue_init_mem drops it.
    let init = |ring: &mut io_uring, p: &mut io_uring_params, buf: *mut u8, len: usize| {
        if keep_sq_array {
            // SAFETY: C-CONTRACT: `ring`/`p` are writable; `buf` is NULL or `len` bytes
            // that outlive the ring (torn down below, before the buffer).
            unsafe { __io_uring_queue_init_params(entries, ring, p, buf.cast(), len) }
        } else {
            // SAFETY: C-CONTRACT: `ring`/`p` are writable; `buf` is `len` bytes that
            // outlive the ring (torn down below, before the buffer).
            unsafe { io_uring_queue_init_mem(entries, ring, p, buf.cast(), len) }
        }
    };
    let what = format!("entries {entries} flags {flags:#x} cq {cq_entries} sq array {keep_sq_array}");

    // Learn the size with a roomy caller buffer.
    let roomy = Guarded::new(8 << 20);
    let mut ring = io_uring::zeroed();
    let mut p = params();
    let used = init(&mut ring, &mut p, roomy.base, roomy.len);
    if used == -libc::EINVAL && flags == 0 && entries == 1 && !keep_sq_array {
        return Err("IORING_SETUP_NO_MMAP unsupported".into());
    }
    assert!(used > 0, "{what}: {used}");
    // SAFETY: the ring was set up just above, on `roomy`, which outlives it.
    unsafe { io_uring_queue_exit(&mut ring) };
    // The library does not check the alignment; the kernel refuses a buffer that is
    // not page aligned rather than use the memory before it.
    let mut p = params();
    let misaligned = init(&mut ring, &mut p, roomy.base.wrapping_add(64), roomy.len - 64);
    assert_eq!(misaligned, -libc::EINVAL, "{what}");
    drop(roomy);
    let used = used as usize;

    let mem = Guarded::new(used);
    let buf = mem.tail(used);
    let mut ring = io_uring::zeroed();
    let mut p = params();
    assert_eq!(init(&mut ring, &mut p, buf, used - 1), -libc::ENOMEM, "{what}");
    let mut p = params();
    assert_eq!(init(&mut ring, &mut p, buf, used), used as i32, "{what}");
    let sqe_bytes = (p.sq_entries as usize * 64) << u32::from(p.flags & IORING_SETUP_SQE128 != 0);
    let sqes = sqe_bytes.div_ceil(uring::setup::page_size()) * uring::setup::page_size();
    let cqe = 16 << u32::from(p.flags & IORING_SETUP_CQE32 != 0);
    let mut end = p.cq_off.cqes as usize + p.cq_entries as usize * cqe;
    if p.flags & IORING_SETUP_NO_SQARRAY == 0 {
        end = end.max(p.sq_off.array as usize + 4 * p.sq_entries as usize);
    }
    assert!(sqes + end <= used, "{what}: the kernel's rings end at {}", sqes + end);
    if keep_sq_array {
        assert_eq!(p.flags & IORING_SETUP_NO_SQARRAY, 0, "{what}");
    }

    // A NOP round trip on the caller's memory.
    // SAFETY: the ring was set up just above; this thread is its only user.
    let sqe = unsafe { io_uring_get_sqe(&mut ring) };
    // SAFETY: a free SQE of ours.
    rust_prep::nop(unsafe { sqe.as_mut() }.expect("SQE"));
    // SAFETY: SQE-MEM: a NOP references no memory.
    assert_eq!(unsafe { io_uring_submit_and_wait(&mut ring, 1) }, 1, "{what}");
    let mut cqe = ptr::null_mut();
    // SAFETY: the only reaper; `cqe` is writable.
    assert_eq!(unsafe { io_uring_peek_cqe(&mut ring, &mut cqe) }, 0, "{what}");
    // SAFETY: the CQE just peeked.
    unsafe { io_uring_cqe_seen(&mut ring, cqe) };
    // SAFETY: set up above; nothing uses it afterwards. The buffer outlives it.
    unsafe { io_uring_queue_exit(&mut ring) };
    Ok(())
}
