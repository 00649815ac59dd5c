//! The generator that drives random sequences through the C ABI (`#[no_mangle]`
//! exports of the `uring` rlib, declared below exactly as `liburing.h` declares them).
//!
//! Invariants the SAFETY comments below cite:
//! * **SEQ-RING**: between a successful set-up and `queue_exit`, `self.ring` is a set-up
//!   ring used only by this thread (one submitter, one reaper, nothing concurrent).
//! * **SEQ-MEM**: every address an SQE, a registration or a buffer ring holds points into
//!   the sequence's storage (`self.bufs`, `self.iovs`, `self.tss`, `self.fdarrs`) or the
//!   environment's paths, which are freed only after the drain has reaped every
//!   request and the ring has been torn down; buffers are at least as long as the
//!   lengths handed to the kernel with them, and arrays as long as the counts.

use std::time::{Duration, Instant};

use libc::{c_int, c_uint, c_void, iovec};
use uring::ring::io_uring;
use uring::sys::*;

use crate::model::{Check, Expect, Model, ProvidedBuf, DATA_LEN, NOTHING_UD};
use crate::{note, Env, RawBuf, Rng, SeqOutcome};

// The C exports, declared from api/functions.toml (see tests/generated/).
include!("../generated/capi.rs");

const EINVAL: i32 = -libc::EINVAL;
const EBADF: i32 = -libc::EBADF;
const ENOENT: i32 = -libc::ENOENT;
const EFAULT: i32 = -libc::EFAULT;
const ETIME: i32 = -libc::ETIME;
const EBUSY: i32 = -libc::EBUSY;
const ENXIO: i32 = -libc::ENXIO;

/// An address no mapping ever covers (below `vm.mmap_min_addr`), and a kernel address:
/// I/O to either must fail with -EFAULT without touching our memory.
const BAD_ADDRS: [usize; 2] = [8, 0xffff_8000_0000_0000];

/// A provided-buffer ring of the sequence.
struct BufRing {
    br: *mut io_uring_buf_ring,
    entries: u32,
    bgid: u16,
    /// Buffers added so far (the ring's tail).
    added: u32,
    inc: bool,
}

/// One sequence through the C ABI.
pub struct CSeq<'e> {
    env: &'e Env,
    rng: Rng,
    ring: Box<io_uring>,
    live: bool,
    flags: u32,
    features: u32,
    sq_entries: u32,
    cq_entries: u32,
    enabled: bool,
    m: Model,
    bufs: Vec<RawBuf>,
    iovs: Vec<Box<[iovec]>>,
    // Boxed: the kernel holds their addresses, which must not move when the Vec grows.
    #[allow(clippy::vec_box)]
    tss: Vec<Box<__kernel_timespec>>,
    fdarrs: Vec<Box<[c_int]>>,
    pipe: [c_int; 2],
    eventfd: c_int,
    eventfd_registered: bool,
    files: Option<u32>,
    reg_bufs: Option<Vec<Option<(*mut u8, usize)>>>,
    buf_rings: Vec<BufRing>,
    /// Legacy provided-buffer groups that may exist (a buffer ring with the same id
    /// gets -EEXIST).
    legacy_groups: Vec<u16>,
    next_bid: u16,
    /// An SQE with IOSQE_CQE_SKIP_SUCCESS has been prepared: the kernel refuses DRAIN
    /// from then on.
    skip_used: bool,
    /// Registered buffers a read_fixed in flight writes into (address -> user_data).
    busy_fixed: std::collections::HashMap<usize, u64>,
    fixed_target: Option<usize>,
    /// Timespecs of the drain's waits, one per value (they are never changed).
    wait_ts: std::collections::HashMap<i64, *mut __kernel_timespec>,
    pub calls: u64,
    pub sqes: u64,
    trace: bool,
}

impl<'e> CSeq<'e> {
    pub fn new(env: &'e Env, seed: u64, trace: bool) -> CSeq<'e> {
        let mut pipe = [-1; 2];
        // SAFETY: `pipe` is a writable array of two ints.
        let r = unsafe { libc::pipe2(pipe.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) };
        assert_eq!(r, 0, "pipe2");
        CSeq {
            env,
            rng: Rng::new(seed),
            ring: Box::new(io_uring::zeroed()),
            live: false,
            flags: 0,
            features: 0,
            sq_entries: 0,
            cq_entries: 0,
            enabled: true,
            m: Model::new(),
            bufs: Vec::new(),
            iovs: Vec::new(),
            tss: Vec::new(),
            fdarrs: Vec::new(),
            pipe,
            eventfd: -1,
            eventfd_registered: false,
            files: None,
            reg_bufs: None,
            buf_rings: Vec::new(),
            legacy_groups: Vec::new(),
            next_bid: 0,
            skip_used: false,
            busy_fixed: std::collections::HashMap::new(),
            fixed_target: None,
            wait_ts: std::collections::HashMap::new(),
            calls: 0,
            sqes: 0,
            trace,
        }
    }

    fn note(&mut self, name: &'static str) {
        self.calls += 1;
        note(name);
        if self.trace {
            eprintln!("  call {name}");
        }
    }

    fn rp(&mut self) -> *mut io_uring {
        &mut *self.ring
    }

    fn fail(&mut self, msg: String) {
        self.m.fail(msg);
    }

    // ---- storage -------------------------------------------------------------------

    /// A zeroed buffer of `len` bytes in the sequence's storage.
    fn buf(&mut self, len: usize) -> *mut u8 {
        let b = RawBuf::new(len.max(1));
        let p = b.ptr;
        self.bufs.push(b);
        p
    }

    fn ts(&mut self, sec: i64, nsec: i64) -> *mut __kernel_timespec {
        let mut b = Box::new(__kernel_timespec {
            tv_sec: sec,
            tv_nsec: nsec,
        });
        let p: *mut __kernel_timespec = &mut *b;
        self.tss.push(b);
        p
    }

    /// A short timespec: bounded waits only.
    fn short_ts(&mut self) -> *mut __kernel_timespec {
        let ns = self.rng.pick(&[0, 50_000, 200_000, 1_000_000, 2_000_000]);
        self.ts(0, ns)
    }

    fn fdarr(&mut self, fds: Vec<c_int>) -> *mut c_int {
        let mut b = fds.into_boxed_slice();
        let p = b.as_mut_ptr();
        self.fdarrs.push(b);
        p
    }

    fn iov(&mut self, v: Vec<iovec>) -> *mut iovec {
        let mut b = v.into_boxed_slice();
        let p = b.as_mut_ptr();
        self.iovs.push(b);
        p
    }

    fn bid_range(&mut self, n: u16) -> Option<u16> {
        let start = self.next_bid;
        let end = start.checked_add(n)?;
        self.next_bid = end;
        Some(start)
    }

    // ---- setup ---------------------------------------------------------------------

    /// Set up a ring with random (often invalid) parameters. `false`: the kernel or the
    /// library refused, and the sequence ends there.
    pub fn setup(&mut self) -> bool {
        let r = &mut self.rng;
        let entries = match r.below(20) {
            0 => 0,
            1 => r.pick(&[32768, 32769, 65536, u32::MAX]),
            2 => r.pick(&[3, 5, 7, 100, 1000]),
            3 => 4096,
            _ => r.pick(&[1, 2, 4, 8, 16, 32, 64]),
        };
        let known = [
            IORING_SETUP_IOPOLL,
            IORING_SETUP_SQPOLL,
            IORING_SETUP_SQ_AFF,
            IORING_SETUP_CQSIZE,
            IORING_SETUP_CLAMP,
            IORING_SETUP_ATTACH_WQ,
            IORING_SETUP_R_DISABLED,
            IORING_SETUP_SUBMIT_ALL,
            IORING_SETUP_COOP_TASKRUN,
            IORING_SETUP_TASKRUN_FLAG,
            IORING_SETUP_SQE128,
            IORING_SETUP_CQE32,
            IORING_SETUP_SINGLE_ISSUER,
            IORING_SETUP_DEFER_TASKRUN,
            IORING_SETUP_NO_MMAP,
            IORING_SETUP_REGISTERED_FD_ONLY,
            IORING_SETUP_NO_SQARRAY,
            IORING_SETUP_HYBRID_IOPOLL,
            IORING_SETUP_CQE_MIXED,
            IORING_SETUP_SQE_MIXED,
            IORING_SETUP_SQ_REWIND,
        ];
        let mut flags = 0u32;
        // Mostly a few flags at a time, so most sequences get a working ring.
        let n = r.pick(&[0, 0, 1, 1, 1, 2, 2, 3, 5]);
        for _ in 0..n {
            flags |= r.pick(&known);
        }
        if r.chance(25) {
            // The combination liburing users are told to use.
            flags |= IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
        }
        if r.chance(2) {
            flags |= 1 << r.range(22, 32);
        }
        let mut p = io_uring_params {
            flags,
            ..Default::default()
        };
        if flags & IORING_SETUP_CQSIZE != 0 {
            p.cq_entries = match r.below(6) {
                0 => 0,
                1 => entries / 2,
                2 => r.pick(&[65536, 65537, u32::MAX]),
                _ => entries.saturating_mul(r.pick(&[1, 2, 4])),
            };
        }
        if flags & IORING_SETUP_SQPOLL != 0 {
            p.sq_thread_idle = r.pick(&[0, 1, 10]);
        }
        if flags & IORING_SETUP_SQ_AFF != 0 {
            p.sq_thread_cpu = r.pick(&[0, 1, 4096]);
        }
        if flags & IORING_SETUP_ATTACH_WQ != 0 {
            p.wq_fd = r.pick(&[u32::MAX, self.env.data_fd as u32, 999_999]);
        }
        if r.chance(3) {
            p.resv[r.below(3) as usize] = 1;
        }
        let how = r.below(10);
        let ring = self.rp();
        let ret = if how == 0 && flags == 0 {
            self.note("io_uring_queue_init");
            // SAFETY: `ring` is a zeroed struct nobody else uses (setup is exclusive).
            unsafe { io_uring_queue_init(entries, ring, flags) }
        } else if how == 1 {
            let size = self.rng.pick(&[4096usize, 65536, 1 << 20, 3 << 20]);
            let mem = self.buf(size);
            self.note("io_uring_queue_init_mem");
            // SAFETY: `ring` as above; `mem` is `size` bytes of the sequence's storage,
            // which outlives the ring (SEQ-MEM).
            unsafe { io_uring_queue_init_mem(entries, ring, &mut p, mem.cast(), size) }
        } else {
            self.note("io_uring_queue_init_params");
            // SAFETY: `ring` as above; `p` is a valid params struct.
            unsafe { io_uring_queue_init_params(entries, ring, &mut p) }
        };
        if self.trace {
            eprintln!(
                "  setup entries {entries} flags {flags:#x} cq {} -> {ret}",
                p.cq_entries
            );
        }
        if ret < 0 {
            return false;
        }
        if ret > 0 && how != 1 {
            self.fail(format!("queue_init returned {ret}"));
        }
        self.live = true;
        crate::set_rescue(self.ring.cq.khead, self.ring.cq.ktail);
        self.flags = self.ring.flags;
        self.features = self.ring.features;
        self.sq_entries = self.ring.sq.ring_entries;
        self.cq_entries = self.ring.cq.ring_entries;
        self.enabled = self.flags & IORING_SETUP_R_DISABLED == 0;
        self.m.cqe_mixed = self.flags & IORING_SETUP_CQE_MIXED != 0;
        self.m.lenient = self.flags & IORING_SETUP_IOPOLL != 0;
        self.check_shape(entries, &p);
        if self.flags & IORING_SETUP_SQ_REWIND != 0 {
            // The generator's bookkeeping follows the SQ head; a rewinding SQ has none.
            // (Not reached on kernels that refuse the flag.)
            return false;
        }
        true
    }

    /// The ring's sizes follow the kernel's rules.
    fn check_shape(&mut self, entries: u32, p: &io_uring_params) {
        let (sq, cq) = (self.sq_entries, self.cq_entries);
        let mut errs = Vec::new();
        if !sq.is_power_of_two() || !cq.is_power_of_two() {
            errs.push(format!("ring sizes {sq}/{cq} not powers of two"));
        }
        if self.ring.sq.ring_mask != sq.wrapping_sub(1) || self.ring.cq.ring_mask != cq.wrapping_sub(1) {
            errs.push("ring masks do not match the sizes".to_string());
        }
        let want_sq = entries.min(32768).next_power_of_two();
        if sq != want_sq {
            errs.push(format!("asked {entries} entries, got an SQ of {sq} (want {want_sq})"));
        }
        if p.flags & IORING_SETUP_CQSIZE == 0 && cq != 2 * sq {
            errs.push(format!("CQ of {cq} for an SQ of {sq} without CQSIZE"));
        }
        if cq < sq {
            errs.push(format!("CQ {cq} smaller than SQ {sq}"));
        }
        if self.flags & IORING_SETUP_REGISTERED_FD_ONLY != 0 && self.ring.ring_fd != -1 {
            errs.push("REGISTERED_FD_ONLY ring with a ring fd".to_string());
        }
        for e in errs {
            self.fail(e);
        }
    }

    // ---- bookkeeping helpers ------------------------------------------------------

    /// The kernel's SQ head, from the library's count of unconsumed SQEs.
    fn khead(&mut self) -> u32 {
        let ring = self.rp();
        self.note("io_uring_sq_ready");
        // SAFETY: SEQ-RING.
        let ready = unsafe { io_uring_sq_ready(ring) };
        self.ring.sq.sqe_tail.wrapping_sub(ready)
    }

    fn update_consumed(&mut self) {
        let h = self.khead();
        self.m.update_consumed(h);
    }

    fn sq_space(&mut self) -> u32 {
        let ring = self.rp();
        self.note("io_uring_sq_space_left");
        // SAFETY: SEQ-RING.
        unsafe { io_uring_sq_space_left(ring) }
    }

    /// Read one CQE the library handed out and feed it to the model.
    fn seen_cqe(&mut self, cqe: *mut io_uring_cqe) {
        // SAFETY: SEQ-RING: `cqe` was just returned by a peek/wait/batch/iterator call of
        // this ring and has not been consumed; the kernel does not write it meanwhile.
        let c = unsafe { cqe.read() };
        if self.trace {
            eprintln!("  cqe ud {:#x} res {} flags {:#x}", c.user_data, c.res, c.flags);
        }
        self.m.on_cqe(c.user_data, c.res, c.flags);
    }

    /// Feed a CQE from peek/wait to the model and consume it with `io_uring_cqe_seen`.
    fn take(&mut self, cqe: *mut io_uring_cqe) {
        self.seen_cqe(cqe);
        let ring = self.rp();
        self.note("io_uring_cqe_seen");
        // SAFETY: SEQ-RING; `cqe` is the CQE at the head, just read.
        unsafe { io_uring_cqe_seen(ring, cqe) };
    }

    /// Handle a wait/peek result: `ok_errs` are the errors this call may return.
    fn after_wait(&mut self, name: &str, ret: c_int, cqe: *mut io_uring_cqe, ok_errs: &[i32], null_ok: bool) {
        if ret < 0 {
            let allowed = ok_errs.contains(&ret) || ret == -libc::EINTR || (!self.enabled && ret == -libc::EBADFD);
            if !allowed {
                self.fail(format!("{name} returned {ret}"));
            }
            return;
        }
        if cqe.is_null() {
            if !null_ok {
                self.fail(format!("{name} returned {ret} without a CQE"));
            }
            return;
        }
        self.take(cqe);
    }

    // ---- the step loop --------------------------------------------------------------

    /// Run `steps` random steps on the live ring.
    pub fn run(&mut self, steps: u32) {
        for _ in 0..steps {
            let w = self.rng.below(100);
            match w {
                0..=39 => {
                    if self.rng.chance(15) {
                        self.chain();
                    } else {
                        self.prep_single();
                    }
                }
                40..=51 => self.submit_any(),
                52..=71 => self.reap_any(),
                72..=75 => self.files_any(),
                76..=79 => self.buffers_any(),
                80..=81 => self.eventfd_any(),
                82..=83 => self.probe_any(),
                84..=88 => self.buf_ring_any(),
                89..=90 => self.trigger(),
                _ => self.misc_any(),
            }
            if self.m.failures.len() >= 5 {
                break;
            }
        }
    }

    fn trigger(&mut self) {
        let b = 1u8;
        self.note("write(pipe)");
        // SAFETY: one readable byte; the pipe is non-blocking.
        let r = unsafe { libc::write(self.pipe[1], (&b as *const u8).cast(), 1) };
        if r == 1 {
            self.m.triggered = true;
        }
    }

    // ---- preparing requests --------------------------------------------------------

    fn get_sqe(&mut self) -> Option<*mut io_uring_sqe> {
        let ring = self.rp();
        self.note("io_uring_get_sqe");
        // SAFETY: SEQ-RING.
        let sqe = unsafe { io_uring_get_sqe(ring) };
        if sqe.is_null() {
            None
        } else {
            self.sqes += 1;
            Some(sqe)
        }
    }

    /// One request; one in ten is skip-flagged and hardlinked to a witness NOP whose
    /// completion proves it finished (a skipped success posts nothing, and once a ring
    /// has seen CQE_SKIP_SUCCESS the kernel refuses DRAIN, so nothing else could).
    fn prep_single(&mut self) {
        let space = self.sq_space();
        if space == 0 {
            return;
        }
        if space >= 2 && self.rng.chance(10) {
            self.skip_used = true;
            let Some(ud) = self.prep_one(None, IOSQE_IO_HARDLINK, true, false) else {
                return;
            };
            let Some(sqe) = self.get_sqe() else {
                self.fail("no SQE for a witness although two were free".into());
                return;
            };
            self.note("io_uring_prep_nop");
            // SAFETY: an SQE of this ring just handed out.
            unsafe { io_uring_prep_nop(sqe) };
            let w = self.m.ud();
            // AtMostOnce: a request that fails at submission turns the hardlink into a
            // plain link, and the kernel then skips the witness's CQE along with it.
            self.finish(
                sqe,
                w,
                "witness nop",
                Expect::AtMostOnce,
                0,
                Check::OneOf(vec![0]),
                0,
                Some(ud),
            );
            self.m.witnessed.push((ud, w));
        } else {
            let _ = self.prep_one(None, 0, false, false);
        }
    }

    /// A link chain of 2-4 members, sometimes with a linked timeout, sometimes with a
    /// member that fails.
    fn chain(&mut self) {
        let len = self.rng.range(2, 5) as u32;
        // Room for every member and a linked timeout after each.
        if self.sq_space() < 2 * len {
            return;
        }
        let mut prev: Option<u64> = None;
        for i in 0..len {
            let last = i + 1 == len;
            let link = if last {
                0
            } else if self.rng.chance(20) {
                IOSQE_IO_HARDLINK
            } else {
                IOSQE_IO_LINK
            };
            let with_lt = self.rng.chance(20);
            // The member links to the timeout, the timeout to the next member.
            let own_link = if with_lt { IOSQE_IO_LINK } else { link };
            let Some(ud) = self.prep_one(prev, own_link, false, true) else {
                return;
            };
            prev = Some(ud);
            if with_lt {
                match self.link_timeout(ud, link) {
                    Some(lt) => prev = Some(lt),
                    None => return,
                }
            }
        }
    }

    /// A linked timeout after `target` (which carries IOSQE_IO_LINK).
    fn link_timeout(&mut self, target: u64, link: u8) -> Option<u64> {
        let sqe = self.get_sqe()?;
        let (ts, valid) = if self.rng.chance(10) {
            (self.ts(-1, 0), false)
        } else {
            (self.short_ts(), true)
        };
        self.note("io_uring_prep_link_timeout");
        // SAFETY: `sqe` is an SQE of this ring just handed out; `ts` is in the
        // sequence's storage (SEQ-MEM).
        unsafe { io_uring_prep_link_timeout(sqe, ts, 0) };
        let ud = self.m.ud();
        let level = self.m.bounded_by_link_timeout(target);
        let expect = Expect::Exact;
        let check = if valid {
            // -ETIME when it fired; when it fired as its target was finishing, the
            // kernel reports what cancelling the target gave (-ENOENT, -EALREADY).
            Check::OneOf(vec![ETIME, ENOENT, -libc::EALREADY])
        } else {
            Check::OneOf(vec![EINVAL])
        };
        self.finish(sqe, ud, "link_timeout", expect, level, check, link, Some(target));
        Some(ud)
    }

    /// Set user_data and flags on a prepared SQE and register it with the model.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        sqe: *mut io_uring_sqe,
        ud: u64,
        name: &'static str,
        expect: Expect,
        level: u8,
        check: Check,
        flags: u8,
        chain_prev: Option<u64>,
    ) {
        self.note("io_uring_sqe_set_data64");
        // SAFETY: `sqe` is an SQE of this ring handed out and not yet submitted.
        unsafe { io_uring_sqe_set_data64(sqe, ud) };
        self.note("io_uring_sqe_set_flags");
        // SAFETY: `sqe` is an SQE of this ring handed out and not yet submitted.
        unsafe { io_uring_sqe_set_flags(sqe, u32::from(flags)) };
        let mut check = check;
        if flags & IOSQE_IO_DRAIN != 0 && self.skip_used {
            check = Check::OrErr(Box::new(check), -libc::EOPNOTSUPP);
        }
        let end = self.ring.sq.sqe_tail;
        self.m.add(ud, name, expect, level, check, flags, chain_prev, end);
        if self.trace {
            let lvl = self.m.ops[&ud].level;
            eprintln!("  sqe ud {ud:#x}: {name}, flags {flags:#x}, {expect:?}, level {lvl}, after {chain_prev:?}");
        }
    }

    /// Prepare one request of a random kind. `link` is the link flag to set; `skip`
    /// adds IOSQE_CQE_SKIP_SUCCESS; `in_chain` limits the kinds to those that make sense
    /// in a chain. Linked or skip-flagged requests are never multishot. Returns the
    /// user_data.
    fn prep_one(&mut self, chain_prev: Option<u64>, link: u8, skip: bool, in_chain: bool) -> Option<u64> {
        let kinds = if in_chain { 14 } else { 22 };
        let mut kind = self.rng.below(kinds);
        let single_shot = link != 0 || skip;
        if single_shot && kind == 20 {
            kind = 10;
        }
        let sqe = if kind == 21 && self.flags & (IORING_SETUP_SQE128 | IORING_SETUP_SQE_MIXED) != 0 {
            let ring = self.rp();
            self.note("io_uring_get_sqe128");
            // SAFETY: SEQ-RING.
            let s = unsafe { io_uring_get_sqe128(ring) };
            if s.is_null() {
                return None;
            }
            self.sqes += 1;
            s
        } else {
            self.get_sqe()?
        };
        let ud = self.m.ud();
        let mut flags = link;
        let mut expect = Expect::Exact;
        let mut level = 0u8;
        let r = &mut self.rng;
        let fd_bad = r.pick(&[-1, 999_999]);
        let (name, check): (&'static str, Check) = match kind {
            0 => {
                self.note("io_uring_prep_nop");
                // SAFETY: an SQE of this ring just handed out.
                unsafe { io_uring_prep_nop(sqe) };
                // SAFETY: the SQE was just handed out and is ours alone until submitted.
                let s = unsafe { &mut *sqe };
                match self.rng.below(6) {
                    0 => {
                        let v = self.rng.pick(&[0, 7, -libc::EIO, -libc::EAGAIN]);
                        s.op_flags.nop_flags = IORING_NOP_INJECT_RESULT;
                        s.len = v as u32;
                        ("nop(inject)", Check::OneOf(vec![v]))
                    }
                    1 => {
                        s.op_flags.nop_flags = 1 << 20;
                        ("nop(bad flags)", Check::OneOf(vec![EINVAL]))
                    }
                    // Never on CQE_MIXED rings: there a 32-byte CQE that overflows while
                    // one CQ slot is free makes Linux 6.18 spin in io_cqring_wait
                    // forever, deaf to SIGKILL (see docs/reliability.md).
                    2 if self.flags & IORING_SETUP_CQE_MIXED == 0 => {
                        s.op_flags.nop_flags = IORING_NOP_CQE32;
                        ("nop(cqe32)", Check::Any)
                    }
                    _ => ("nop", Check::OneOf(vec![0])),
                }
            }
            1 => {
                self.note("io_uring_prep_nop");
                // SAFETY: an SQE of this ring just handed out.
                unsafe { io_uring_prep_nop(sqe) };
                let op = self.rng.pick(&[250u8, 255, 0x7f]);
                // SAFETY: the SQE is ours until submitted.
                unsafe { (*sqe).opcode = op };
                ("bad opcode", Check::OneOf(vec![EINVAL]))
            }
            2 | 3 => self.prep_read(sqe, fd_bad),
            4 => self.prep_write(sqe, fd_bad),
            5 => self.prep_readv(sqe),
            6 => {
                let (fd, ok) = match self.rng.below(4) {
                    0 => (self.env.data_fd, true),
                    1 => (self.env.scratch_fd, true),
                    2 => (fd_bad, false),
                    _ => (self.env.scratch_fd, false),
                };
                let fl = if ok || fd != self.env.scratch_fd {
                    self.rng.pick(&[0, IORING_FSYNC_DATASYNC])
                } else {
                    1 << 7
                };
                self.note("io_uring_prep_fsync");
                // SAFETY: an SQE of this ring just handed out.
                unsafe { io_uring_prep_fsync(sqe, fd, fl) };
                let check = if ok {
                    Check::OneOf(vec![0])
                } else if fd < 0 || fd == 999_999 {
                    Check::OneOf(vec![EBADF])
                } else {
                    Check::OneOf(vec![EINVAL])
                };
                ("fsync", check)
            }
            7 | 8 => {
                let (n, c, ms) = self.prep_timeout(sqe, !single_shot);
                if ms {
                    expect = Expect::Multishot;
                    if c == 0 {
                        level = 2;
                    }
                }
                (n, Check::Any)
            }
            9 => self.prep_cancel(sqe),
            10 | 11 => {
                let (n, lvl, c) = self.prep_poll(sqe, fd_bad, false);
                level = lvl;
                (n, c)
            }
            12 => {
                // A fixed-file read at an index that may not be registered.
                let len = self.rng.range(1, 4096) as u32;
                let buf = self.buf(len as usize);
                let idx = self.rng.below(40) as c_int;
                let off = self.rng.below(DATA_LEN);
                self.note("io_uring_prep_read");
                // SAFETY: an SQE of this ring; `buf` holds `len` bytes (SEQ-MEM).
                unsafe { io_uring_prep_read(sqe, idx, buf.cast(), len, off) };
                flags |= IOSQE_FIXED_FILE;
                // The table may change before the request runs: only the length is
                // certain.
                ("read(fixed file)", Check::Len { max: len })
            }
            13 => self.prep_rw_fixed(sqe),
            14 => {
                let (n, c) = self.prep_select_read(sqe);
                flags |= IOSQE_BUFFER_SELECT;
                (n, c)
            }
            15 => self.prep_provide(sqe),
            16 => self.prep_open(sqe, skip),
            17 => self.prep_statx_close(sqe, fd_bad),
            18 => self.prep_files_update(sqe),
            19 => self.prep_msg_ring(sqe),
            20 => {
                let (n, lvl, c) = self.prep_poll(sqe, fd_bad, true);
                expect = Expect::Multishot;
                level = lvl;
                (n, c)
            }
            _ => {
                if self.flags & (IORING_SETUP_SQE128 | IORING_SETUP_SQE_MIXED) != 0 {
                    self.note("io_uring_prep_nop128");
                    // SAFETY: a 128-byte SQE of this ring just handed out.
                    unsafe { io_uring_prep_nop128(sqe) };
                    ("nop128", Check::Any)
                } else {
                    // A linked timeout with nothing to link to.
                    let ts = self.short_ts();
                    self.note("io_uring_prep_link_timeout");
                    // SAFETY: an SQE of this ring; `ts` in storage (SEQ-MEM).
                    unsafe { io_uring_prep_link_timeout(sqe, ts, 0) };
                    ("lone link_timeout", Check::OneOf(vec![EINVAL]))
                }
            }
        };
        let r = &mut self.rng;
        if skip {
            flags |= IOSQE_CQE_SKIP_SUCCESS;
            expect = Expect::AtMostOnce;
        }
        if r.chance(10) {
            flags |= IOSQE_ASYNC;
        }
        if r.chance(4) {
            flags |= IOSQE_IO_DRAIN;
        }
        let mut check = check;
        if r.chance(1) {
            flags |= 0x80;
            check = Check::OneOf(vec![EINVAL]);
        }
        self.finish(sqe, ud, name, expect, level, check, flags, chain_prev);
        if let Some(addr) = self.fixed_target.take() {
            self.busy_fixed.insert(addr, ud);
        }
        Some(ud)
    }

    fn prep_read(&mut self, sqe: *mut io_uring_sqe, fd_bad: c_int) -> (&'static str, Check) {
        let data = self.env.data_fd;
        match self.rng.below(8) {
            0 => {
                // Past EOF with a length far larger than the buffer: reads nothing.
                let buf = self.buf(16);
                let off = DATA_LEN + self.rng.below(1000);
                self.note("io_uring_prep_read");
                // SAFETY: at or past EOF the kernel writes nothing into `buf` (the data
                // file is never written), so the length is never used (SEQ-MEM).
                unsafe { io_uring_prep_read(sqe, data, buf.cast(), 1 << 30, off) };
                ("read(past EOF)", Check::OneOf(vec![0]))
            }
            1 => {
                let addr = self.rng.pick(&BAD_ADDRS);
                let off = self.rng.below(DATA_LEN - 1);
                self.note("io_uring_prep_read");
                // SAFETY: an unmapped or kernel address: the kernel faults instead of
                // writing anything of ours.
                unsafe { io_uring_prep_read(sqe, data, addr as *mut c_void, 4096, off) };
                ("read(bad addr)", Check::OneOf(vec![EFAULT]))
            }
            2 => {
                let buf = self.buf(64);
                let fd = self.rng.pick(&[fd_bad, self.pipe[1]]);
                self.note("io_uring_prep_read");
                // SAFETY: an SQE of this ring; `buf` holds 64 bytes (SEQ-MEM).
                unsafe { io_uring_prep_read(sqe, fd, buf.cast(), 64, 0) };
                ("read(bad fd)", Check::OneOf(vec![EBADF]))
            }
            3 => {
                let buf = self.buf(64);
                let off = self.rng.pick(&[u64::MAX - 1, 1 << 63]);
                self.note("io_uring_prep_read");
                // SAFETY: as above; a negative offset is refused before any I/O.
                unsafe { io_uring_prep_read(sqe, data, buf.cast(), 64, off) };
                ("read(bad offset)", Check::OneOf(vec![EINVAL]))
            }
            _ => {
                let len = self.rng.pick(&[0u32, 1, 100, 4096, 5000, 70000]);
                let off = if self.rng.chance(80) {
                    self.rng.below(DATA_LEN)
                } else {
                    DATA_LEN - self.rng.below(100).min(DATA_LEN)
                };
                let buf = self.buf(len as usize);
                self.note("io_uring_prep_read");
                // SAFETY: an SQE of this ring; `buf` holds `len` bytes (SEQ-MEM).
                unsafe { io_uring_prep_read(sqe, data, buf.cast(), len, off) };
                let want = u64::from(len).min(DATA_LEN.saturating_sub(off)) as i32;
                ("read", Check::ReadData { buf, off, want })
            }
        }
    }

    fn prep_write(&mut self, sqe: *mut io_uring_sqe, fd_bad: c_int) -> (&'static str, Check) {
        let len = self.rng.pick(&[0u32, 1, 512, 4096]);
        let off = self.rng.below(65536);
        let buf = self.buf(len as usize);
        let (fd, addr, check) = match self.rng.below(5) {
            0 => (self.env.data_fd, buf as usize, Check::OneOf(vec![EBADF])),
            1 => (fd_bad, buf as usize, Check::OneOf(vec![EBADF])),
            2 if len > 0 => (
                self.env.scratch_fd,
                self.rng.pick(&BAD_ADDRS),
                Check::OneOf(vec![EFAULT]),
            ),
            _ => (self.env.scratch_fd, buf as usize, Check::OneOf(vec![len as i32])),
        };
        self.note("io_uring_prep_write");
        // SAFETY: an SQE of this ring; `addr` is `len` bytes of storage (SEQ-MEM) or an
        // unmapped/kernel address the kernel faults on.
        unsafe { io_uring_prep_write(sqe, fd, addr as *const c_void, len, off) };
        ("write", check)
    }

    fn prep_readv(&mut self, sqe: *mut io_uring_sqe) -> (&'static str, Check) {
        let n = self.rng.range(1, 5) as usize;
        let seg = self.rng.pick(&[1usize, 100, 4096, 20000]);
        let buf = self.buf(n * seg);
        let mut v: Vec<iovec> = (0..n)
            .map(|i| iovec {
                // SAFETY: `buf` holds `n * seg` bytes; the offset stays inside.
                iov_base: unsafe { buf.add(i * seg) }.cast(),
                iov_len: seg,
            })
            .collect();
        let off = self.rng.below(DATA_LEN);
        let write = self.rng.chance(40);
        let mut nr = n as u32;
        let mut check = if write {
            Check::OneOf(vec![(n * seg) as i32])
        } else {
            let want = ((n * seg) as u64).min(DATA_LEN - off) as i32;
            Check::ReadData { buf, off, want }
        };
        match self.rng.below(6) {
            0 => {
                nr = self.rng.pick(&[1025, 5000, u32::MAX]);
                check = Check::OneOf(vec![EINVAL]);
            }
            1 => {
                v[0].iov_base = self.rng.pick(&BAD_ADDRS) as *mut c_void;
                check = Check::OneOf(vec![EFAULT]);
            }
            2 => {
                nr = 0;
                check = Check::OneOf(vec![0, EINVAL]);
            }
            _ => {}
        }
        let iov = self.iov(v);
        let name = if write {
            let off = self.rng.below(65536);
            self.note("io_uring_prep_writev");
            // SAFETY: an SQE of this ring; `iov` holds `n` iovecs over storage (or a
            // bad address the kernel faults on); a count above UIO_MAXIOV is refused
            // before the array is read (SEQ-MEM).
            unsafe { io_uring_prep_writev(sqe, self.env.scratch_fd, iov, nr, off) };
            "writev"
        } else {
            self.note("io_uring_prep_readv");
            // SAFETY: an SQE of this ring; `iov` holds `n` iovecs over storage (or a bad
            // address the kernel faults on), as for writev above (SEQ-MEM).
            unsafe { io_uring_prep_readv(sqe, self.env.data_fd, iov, nr, off) };
            "readv"
        };
        (name, check)
    }

    /// A timeout; returns (name, count, multishot).
    fn prep_timeout(&mut self, sqe: *mut io_uring_sqe, allow_multishot: bool) -> (&'static str, u32, bool) {
        let r = &mut self.rng;
        let count = r.pick(&[0, 0, 1, 2, 3]);
        let mut which = r.below(10);
        if which == 4 && !allow_multishot {
            which = 9;
        }
        let (sec, nsec, flags, name, ms) = match which {
            0 => (0, 0, IORING_TIMEOUT_ABS, "timeout(abs past)", false),
            1 => (
                1,
                0,
                IORING_TIMEOUT_ABS | IORING_TIMEOUT_REALTIME,
                "timeout(abs realtime past)",
                false,
            ),
            2 => (0, 2_000_000_000, 0, "timeout(bad nsec)", false),
            3 => (-1, 0, 0, "timeout(negative)", false),
            4 => (0, 500_000, IORING_TIMEOUT_MULTISHOT, "timeout(multishot)", true),
            5 => (
                0,
                100_000,
                IORING_TIMEOUT_ETIME_SUCCESS,
                "timeout(etime success)",
                false,
            ),
            6 => (0, 100_000, 1 << 12, "timeout(bad flags)", false),
            7 => (0, 300_000, IORING_TIMEOUT_BOOTTIME, "timeout(boottime)", false),
            _ => (0, r.pick(&[0, 100_000, 1_000_000, 3_000_000]), 0, "timeout", false),
        };
        let ts = self.ts(sec, nsec);
        self.note("io_uring_prep_timeout");
        // SAFETY: an SQE of this ring; `ts` in storage (SEQ-MEM).
        unsafe { io_uring_prep_timeout(sqe, ts, count, flags) };
        (name, count, ms)
    }

    fn prep_cancel(&mut self, sqe: *mut io_uring_sqe) -> (&'static str, Check) {
        let outstanding = self.m.outstanding();
        let target = if !outstanding.is_empty() && self.rng.chance(50) {
            Some(self.rng.pick(&outstanding))
        } else {
            None
        };
        let nothing = NOTHING_UD + self.rng.below(1000);
        match self.rng.below(8) {
            0 => {
                self.note("io_uring_prep_timeout_remove");
                // SAFETY: an SQE of this ring.
                unsafe { io_uring_prep_timeout_remove(sqe, target.unwrap_or(nothing), 0) };
                let c = if target.is_none() {
                    Check::OneOf(vec![ENOENT])
                } else {
                    Check::Any
                };
                ("timeout_remove", c)
            }
            1 => {
                let ts = self.short_ts();
                self.note("io_uring_prep_timeout_update");
                // SAFETY: an SQE of this ring; `ts` in storage (SEQ-MEM).
                unsafe { io_uring_prep_timeout_update(sqe, ts, target.unwrap_or(nothing), 0) };
                if let Some(t) = target {
                    // The kernel's update clears a multishot timeout's repeat count:
                    // it then fires until cancelled.
                    if self.m.ops[&t].expect == Expect::Multishot {
                        self.m.raise_level(t, 2);
                    }
                }
                let c = if target.is_none() {
                    Check::OneOf(vec![ENOENT])
                } else {
                    Check::Any
                };
                ("timeout_update", c)
            }
            2 => {
                self.note("io_uring_prep_poll_remove");
                // SAFETY: an SQE of this ring.
                unsafe { io_uring_prep_poll_remove(sqe, target.unwrap_or(nothing)) };
                let c = if target.is_none() {
                    Check::OneOf(vec![ENOENT])
                } else {
                    Check::Any
                };
                ("poll_remove", c)
            }
            3 => {
                let fl = self
                    .rng
                    .pick(&[IORING_ASYNC_CANCEL_FD, IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ALL]);
                self.note("io_uring_prep_cancel_fd");
                // SAFETY: an SQE of this ring.
                unsafe { io_uring_prep_cancel_fd(sqe, self.pipe[0], fl) };
                ("cancel_fd", Check::Any)
            }
            4 => {
                self.note("io_uring_prep_cancel64");
                // SAFETY: an SQE of this ring.
                unsafe { io_uring_prep_cancel64(sqe, nothing, 1 << 30) };
                ("cancel(bad flags)", Check::OneOf(vec![EINVAL]))
            }
            5 => {
                let fl = (IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL) as c_int;
                self.note("io_uring_prep_cancel64");
                // SAFETY: an SQE of this ring.
                unsafe { io_uring_prep_cancel64(sqe, 0, fl) };
                ("cancel(any, all)", Check::Any)
            }
            _ => {
                let fl = self.rng.pick(&[0, IORING_ASYNC_CANCEL_ALL as c_int]);
                self.note("io_uring_prep_cancel64");
                // SAFETY: an SQE of this ring.
                unsafe { io_uring_prep_cancel64(sqe, target.unwrap_or(nothing), fl) };
                // With CANCEL_ALL the result is the number cancelled, 0 for none.
                let c = match target {
                    None if fl == 0 => Check::OneOf(vec![ENOENT]),
                    None => Check::OneOf(vec![0]),
                    Some(_) => Check::Any,
                };
                ("cancel", c)
            }
        }
    }

    /// A poll; returns (name, level, check).
    fn prep_poll(&mut self, sqe: *mut io_uring_sqe, fd_bad: c_int, multi: bool) -> (&'static str, u8, Check) {
        let pin = libc::POLLIN as c_uint;
        let pout = libc::POLLOUT as c_uint;
        let (fd, mask, level, check) = match self.rng.below(6) {
            0 => (self.pipe[0], pin, 1, Check::Any),
            1 => (self.pipe[1], pout, 0, Check::Any),
            2 => (self.env.data_fd, pin, 0, Check::Any),
            3 => (fd_bad, pin, 0, Check::OneOf(vec![EBADF])),
            4 => (self.pipe[1], pin, 2, Check::Any),
            _ => (self.pipe[0], pin, 1, Check::Any),
        };
        if multi {
            self.note("io_uring_prep_poll_multishot");
            // SAFETY: an SQE of this ring.
            unsafe { io_uring_prep_poll_multishot(sqe, fd, mask) };
            // A multishot poll stays armed after each event: only a cancel ends it.
            let level = if matches!(check, Check::OneOf(_)) { 0 } else { 2 };
            ("poll_multishot", level, check)
        } else {
            self.note("io_uring_prep_poll_add");
            // SAFETY: an SQE of this ring.
            unsafe { io_uring_prep_poll_add(sqe, fd, mask) };
            ("poll_add", level, check)
        }
    }

    fn prep_rw_fixed(&mut self, sqe: *mut io_uring_sqe) -> (&'static str, Check) {
        let idx = self.rng.below(8) as c_int;
        let registered = self
            .reg_bufs
            .as_ref()
            .and_then(|t| t.get(idx as usize).copied().flatten());
        // A registered buffer another read_fixed still writes into would spoil both
        // data checks: use a fresh (unregistered) one instead.
        let busy = registered.is_some_and(|(p, _)| {
            self.busy_fixed
                .get(&(p as usize))
                .is_some_and(|ud| !self.m.ops[ud].done)
        });
        let (buf, cap) = match registered {
            Some((p, l)) if !busy && self.rng.chance(80) => (p, l),
            _ => {
                let l = 4096;
                (self.buf(l), l)
            }
        };
        let len = (self.rng.range(0, cap as u64 + 1) as u32).min(cap as u32);
        let off = self.rng.below(DATA_LEN);
        if self.rng.chance(30) {
            self.note("io_uring_prep_write_fixed");
            // SAFETY: an SQE of this ring; `buf` holds `cap >= len` bytes (SEQ-MEM).
            unsafe { io_uring_prep_write_fixed(sqe, self.env.scratch_fd, buf.cast(), len, off % 65536, idx) };
            ("write_fixed", Check::Any)
        } else {
            self.note("io_uring_prep_read_fixed");
            // SAFETY: as above; the kernel writes at most `len` bytes at `buf`.
            unsafe { io_uring_prep_read_fixed(sqe, self.env.data_fd, buf.cast(), len, off, idx) };
            self.fixed_target = Some(buf as usize);
            ("read_fixed", Check::ReadMaybe { buf, off, max: len })
        }
    }

    fn prep_select_read(&mut self, sqe: *mut io_uring_sqe) -> (&'static str, Check) {
        let mut groups: Vec<u16> = self.buf_rings.iter().map(|b| b.bgid).collect();
        groups.extend(self.legacy_groups.iter().copied());
        groups.push(self.rng.below(8) as u16);
        let bgid = self.rng.pick(&groups);
        let len = self.rng.pick(&[1u32, 64, 4096, 100_000]);
        let off = self.rng.below(DATA_LEN);
        self.note("io_uring_prep_read");
        // SAFETY: an SQE of this ring; with IOSQE_BUFFER_SELECT the kernel writes into
        // a provided buffer (all in storage, SEQ-MEM), at most that buffer's length.
        unsafe { io_uring_prep_read(sqe, self.env.data_fd, std::ptr::null_mut(), len, off) };
        self.note("io_uring_sqe_set_buf_group");
        // SAFETY: the SQE of this ring just prepared; only its buf_group field is set.
        unsafe { io_uring_sqe_set_buf_group(sqe, c_int::from(bgid)) };
        ("read(buffer select)", Check::SelectRead { off, max: len })
    }

    fn prep_provide(&mut self, sqe: *mut io_uring_sqe) -> (&'static str, Check) {
        let bgid = self.rng.below(8) as u16;
        if self.rng.chance(30) {
            let nr = self.rng.range(1, 8) as c_int;
            self.note("io_uring_prep_remove_buffers");
            // SAFETY: an SQE of this ring.
            unsafe { io_uring_prep_remove_buffers(sqe, nr, c_int::from(bgid)) };
            return ("remove_buffers", Check::Any);
        }
        let nr = self.rng.range(1, 8) as u16;
        let len = self.rng.pick(&[1u32, 64, 4096]);
        let Some(bid) = self.bid_range(nr) else {
            self.note("io_uring_prep_remove_buffers");
            // SAFETY: an SQE of this ring.
            unsafe { io_uring_prep_remove_buffers(sqe, 1, c_int::from(bgid)) };
            return ("remove_buffers", Check::Any);
        };
        let base = self.buf(len as usize * usize::from(nr));
        for i in 0..nr {
            self.m.provided.insert(
                bid + i,
                ProvidedBuf {
                    // SAFETY: `base` holds `nr * len` bytes; the offset stays inside.
                    ptr: unsafe { base.add(usize::from(i) * len as usize) },
                    len,
                    inc: false,
                },
            );
        }
        if !self.legacy_groups.contains(&bgid) {
            self.legacy_groups.push(bgid);
        }
        self.note("io_uring_prep_provide_buffers");
        // SAFETY: an SQE of this ring; `base` holds `nr` buffers of `len` bytes in
        // storage, which the kernel may fill until the drain (SEQ-MEM).
        unsafe {
            io_uring_prep_provide_buffers(
                sqe,
                base.cast(),
                len as c_int,
                c_int::from(nr),
                c_int::from(bgid),
                c_int::from(bid),
            )
        };
        ("provide_buffers", Check::Any)
    }

    /// An openat. A skip-flagged one opens a missing path: a successful open posts no
    /// CQE, so the test would never learn (and close) the fd.
    fn prep_open(&mut self, sqe: *mut io_uring_sqe, skip: bool) -> (&'static str, Check) {
        let ok = !skip && self.rng.chance(70);
        let path = if ok {
            self.env.data_path.as_ptr()
        } else {
            self.env.missing_path.as_ptr()
        };
        if self.rng.chance(25) {
            let idx = self.rng.pick(&[0, 1, 5, IORING_FILE_INDEX_ALLOC, 100_000]);
            self.note("io_uring_prep_openat_direct");
            // SAFETY: an SQE of this ring; the path lives in the environment (SEQ-MEM).
            unsafe { io_uring_prep_openat_direct(sqe, libc::AT_FDCWD, path, libc::O_RDONLY, 0, idx) };
            ("openat_direct", Check::Any)
        } else {
            self.note("io_uring_prep_openat");
            // SAFETY: an SQE of this ring; the path lives in the environment (SEQ-MEM).
            unsafe { io_uring_prep_openat(sqe, libc::AT_FDCWD, path, libc::O_RDONLY | libc::O_CLOEXEC, 0) };
            ("openat", Check::Open { ok })
        }
    }

    fn prep_statx_close(&mut self, sqe: *mut io_uring_sqe, fd_bad: c_int) -> (&'static str, Check) {
        match self.rng.below(3) {
            0 => {
                self.note("io_uring_prep_close");
                // SAFETY: an SQE of this ring; the fd is not open.
                unsafe { io_uring_prep_close(sqe, fd_bad) };
                ("close", Check::OneOf(vec![EBADF]))
            }
            1 => {
                let idx = self.rng.below(40) as c_uint;
                self.note("io_uring_prep_close_direct");
                // SAFETY: an SQE of this ring; closes a slot of the ring's own table.
                unsafe { io_uring_prep_close_direct(sqe, idx) };
                ("close_direct", Check::Any)
            }
            _ => {
                let ok = self.rng.chance(70);
                let path = if ok {
                    self.env.data_path.as_ptr()
                } else {
                    self.env.missing_path.as_ptr()
                };
                let buf = self.buf(std::mem::size_of::<libc::statx>()).cast::<libc::statx>();
                self.note("io_uring_prep_statx");
                // SAFETY: an SQE of this ring; the path and the statx buffer are in
                // storage (SEQ-MEM).
                unsafe { io_uring_prep_statx(sqe, libc::AT_FDCWD, path, 0, libc::STATX_SIZE, buf) };
                ("statx", Check::Statx { buf, ok })
            }
        }
    }

    fn prep_files_update(&mut self, sqe: *mut io_uring_sqe) -> (&'static str, Check) {
        // Never the pipe's read end: a fixed-file read from it would swallow the byte
        // that wakes the polls (or block for good on an empty pipe).
        let cand = [self.env.data_fd, self.env.scratch_fd, -1, self.pipe[1], 999_999];
        let n = self.rng.range(1, 4) as usize;
        let fds: Vec<c_int> = (0..n).map(|_| self.rng.pick(&cand)).collect();
        let off = self.rng.pick(&[0, 1, 3, IORING_FILE_INDEX_ALLOC as c_int, 1000]);
        let arr = self.fdarr(fds);
        self.note("io_uring_prep_files_update");
        // SAFETY: an SQE of this ring; `arr` holds `n` fds in storage (SEQ-MEM).
        unsafe { io_uring_prep_files_update(sqe, arr, n as c_uint, off) };
        // The table may be registered or dropped before the request runs.
        ("files_update", Check::Any)
    }

    fn prep_msg_ring(&mut self, sqe: *mut io_uring_sqe) -> (&'static str, Check) {
        let target = self.m.ud();
        let len = self.rng.below(1000) as u32;
        let bad = self.rng.chance(15);
        let fd = if bad { self.env.data_fd } else { self.ring.ring_fd };
        self.note("io_uring_prep_msg_ring");
        // SAFETY: an SQE of this ring.
        unsafe { io_uring_prep_msg_ring(sqe, fd, len, target, 0) };
        self.m.add_msg_target(target, len as i32);
        ("msg_ring", Check::MsgRing { target })
    }

    // ---- submitting ----------------------------------------------------------------

    fn submit_any(&mut self) {
        let ring = self.rp();
        let pending = {
            self.note("io_uring_sq_ready");
            // SAFETY: SEQ-RING.
            unsafe { io_uring_sq_ready(ring) }
        };
        let ret;
        let name;
        match self.rng.below(6) {
            0 | 1 => {
                name = "io_uring_submit";
                self.note(name);
                // SAFETY: SEQ-RING; every SQE's memory is in storage (SEQ-MEM).
                ret = unsafe { io_uring_submit(ring) };
            }
            2 => {
                self.update_consumed();
                let g = self.m.guaranteed();
                let n = self.rng.range(0, u64::from(g) + 1) as u32;
                name = "io_uring_submit_and_wait";
                self.note(name);
                // SAFETY: as above; at most `g` completions are waited for, all certain
                // to arrive.
                ret = unsafe { io_uring_submit_and_wait(ring, n) };
            }
            3 => {
                name = "io_uring_submit_and_get_events";
                self.note(name);
                // SAFETY: SEQ-RING; SEQ-MEM for the SQEs it submits.
                ret = unsafe { io_uring_submit_and_get_events(ring) };
            }
            _ => {
                let ts = self.short_ts();
                let n = self.rng.below(4) as u32;
                let mut cqe: *mut io_uring_cqe = std::ptr::null_mut();
                let min = self.rng.chance(30);
                let ring = self.rp();
                if min {
                    name = "io_uring_submit_and_wait_min_timeout";
                    let min_us = self.rng.pick(&[0, 100, 500]);
                    self.note(name);
                    // SAFETY: as above; `ts` is in storage, `cqe` a local out-pointer.
                    ret = unsafe {
                        io_uring_submit_and_wait_min_timeout(ring, &mut cqe, n, ts, min_us, std::ptr::null_mut())
                    };
                } else {
                    name = "io_uring_submit_and_wait_timeout";
                    self.note(name);
                    // SAFETY: SEQ-RING; SEQ-MEM; `ts` is in storage, `cqe` a local out-pointer.
                    ret = unsafe { io_uring_submit_and_wait_timeout(ring, &mut cqe, n, ts, std::ptr::null_mut()) };
                }
                if self.trace {
                    eprintln!("  -> {ret}");
                }
                let errs = [ETIME, EINVAL, -libc::EAGAIN, EBUSY];
                if ret < 0 && !errs.contains(&ret) && (self.enabled || ret != -libc::EBADFD) {
                    self.fail(format!("{name} returned {ret}"));
                } else if ret == EINVAL && !(min && self.features & IORING_FEAT_MIN_TIMEOUT == 0) {
                    self.fail(format!("{name} returned -EINVAL"));
                } else if ret >= 0 {
                    if ret as u32 > pending.max(self.sq_entries) {
                        self.fail(format!("{name} returned {ret} with {pending} pending"));
                    }
                    if !cqe.is_null() {
                        self.take(cqe);
                    }
                }
                self.update_consumed();
                return;
            }
        }
        if self.trace {
            eprintln!("  -> {ret}");
        }
        if ret < 0 {
            let ok = [-libc::EAGAIN, EBUSY, -libc::EINTR];
            if !ok.contains(&ret) && (self.enabled || ret != -libc::EBADFD) {
                self.fail(format!("{name} returned {ret} ({pending} pending)"));
            }
        } else if ret as u32 > pending {
            self.fail(format!("{name} returned {ret} with only {pending} SQEs pending"));
        }
        self.update_consumed();
    }

    // ---- reaping -------------------------------------------------------------------

    fn reap_any(&mut self) {
        self.update_consumed();
        let g = self.m.guaranteed();
        if self.trace {
            eprintln!("  guaranteed {g}: {:?}", self.m.guaranteed_list());
        }
        let mut cqe: *mut io_uring_cqe = std::ptr::null_mut();
        let ring = self.rp();
        match self.rng.below(10) {
            0 | 1 => {
                self.note("io_uring_peek_cqe");
                // SAFETY: SEQ-RING; `cqe` is a local out-pointer.
                let ret = unsafe { io_uring_peek_cqe(ring, &mut cqe) };
                self.after_wait("io_uring_peek_cqe", ret, cqe, &[-libc::EAGAIN], false);
            }
            2 if g >= 1 => {
                self.note("io_uring_wait_cqe");
                // SAFETY: as above; a completion is certain to arrive (g >= 1).
                let ret = unsafe { io_uring_wait_cqe(ring, &mut cqe) };
                self.after_wait("io_uring_wait_cqe", ret, cqe, &[], false);
            }
            3 if g >= 1 => {
                let n = self.rng.range(1, u64::from(g) + 1) as u32;
                self.note("io_uring_wait_cqe_nr");
                // SAFETY: as above; `n <= g` completions are certain to arrive.
                let ret = unsafe { io_uring_wait_cqe_nr(ring, &mut cqe, n) };
                self.after_wait("io_uring_wait_cqe_nr", ret, cqe, &[], false);
            }
            4 => {
                let ts = self.short_ts();
                let ring = self.rp();
                self.note("io_uring_wait_cqe_timeout");
                // SAFETY: as above; `ts` in storage.
                let ret = unsafe { io_uring_wait_cqe_timeout(ring, &mut cqe, ts) };
                self.after_wait("io_uring_wait_cqe_timeout", ret, cqe, &[ETIME], false);
            }
            5 => {
                let n = self.rng.range(1, 5) as u32;
                let unbounded = n <= g && self.rng.chance(30);
                let ts = if unbounded {
                    std::ptr::null_mut()
                } else {
                    self.short_ts()
                };
                let ring = self.rp();
                if self.rng.chance(30) {
                    let min_us = self.rng.pick(&[0, 100, 1000]);
                    self.note("io_uring_wait_cqes_min_timeout");
                    // SAFETY: as above; NULL `ts` only when `n <= g`.
                    let ret =
                        unsafe { io_uring_wait_cqes_min_timeout(ring, &mut cqe, n, ts, min_us, std::ptr::null_mut()) };
                    let einval_ok = if self.features & IORING_FEAT_MIN_TIMEOUT == 0 {
                        EINVAL
                    } else {
                        ETIME
                    };
                    self.after_wait("io_uring_wait_cqes_min_timeout", ret, cqe, &[ETIME, einval_ok], false);
                } else {
                    self.note("io_uring_wait_cqes");
                    // SAFETY: SEQ-RING; `ts` is in storage (NULL only when `n <= g`), `cqe`
                    // a local out-pointer.
                    let ret = unsafe { io_uring_wait_cqes(ring, &mut cqe, n, ts, std::ptr::null_mut()) };
                    self.after_wait("io_uring_wait_cqes", ret, cqe, &[ETIME], false);
                }
            }
            6 | 7 => self.reap_batch(),
            8 => self.reap_iter(),
            _ => {
                self.note("io_uring_get_events");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_get_events(ring) };
                if ret < 0 && (self.enabled || ret != -libc::EBADFD) && ret != -libc::EINTR {
                    self.fail(format!("io_uring_get_events returned {ret}"));
                }
            }
        }
        self.check_cq_ready();
    }

    fn check_cq_ready(&mut self) {
        let ring = self.rp();
        self.note("io_uring_cq_ready");
        // SAFETY: SEQ-RING.
        let ready = unsafe { io_uring_cq_ready(ring) };
        if ready > self.cq_entries {
            self.fail(format!("io_uring_cq_ready {ready} > CQ size {}", self.cq_entries));
        }
    }

    fn reap_batch(&mut self) {
        let mut cqes = [std::ptr::null_mut::<io_uring_cqe>(); 16];
        let count = self.rng.range(1, 17) as u32;
        let ring = self.rp();
        self.note("io_uring_peek_batch_cqe");
        // SAFETY: SEQ-RING; `cqes` has room for `count <= 16` pointers.
        let n = unsafe { io_uring_peek_batch_cqe(ring, cqes.as_mut_ptr(), count) };
        if n > count {
            self.fail(format!("io_uring_peek_batch_cqe returned {n} for {count}"));
            return;
        }
        let mut slots = 0;
        for &c in &cqes[..n as usize] {
            if c.is_null() {
                self.fail("io_uring_peek_batch_cqe returned a NULL CQE".into());
                return;
            }
            self.seen_cqe(c);
            self.note("io_uring_cqe_nr");
            // SAFETY: `c` is an unconsumed CQE of this ring.
            slots += unsafe { io_uring_cqe_nr(c) };
        }
        let ring = self.rp();
        self.note("io_uring_cq_advance");
        // SAFETY: SEQ-RING; `slots` covers exactly the CQEs just read.
        unsafe { io_uring_cq_advance(ring, slots) };
    }

    fn reap_iter(&mut self) {
        let ring = self.rp();
        self.note("io_uring_cqe_iter_init");
        // SAFETY: SEQ-RING.
        let mut it = unsafe { io_uring_cqe_iter_init(ring) };
        let mut slots = 0u32;
        let limit = self.rng.range(1, 64) as u32;
        let mut n = 0;
        while n < limit {
            let mut cqe = std::ptr::null_mut();
            self.note("io_uring_cqe_iter_next");
            // SAFETY: `it` came from iter_init on this ring; the head has not moved.
            if !unsafe { io_uring_cqe_iter_next(&mut it, &mut cqe) } {
                break;
            }
            self.seen_cqe(cqe);
            self.note("io_uring_cqe_nr");
            // SAFETY: `cqe` is an unconsumed CQE of this ring.
            slots += unsafe { io_uring_cqe_nr(cqe) };
            n += 1;
        }
        let ring = self.rp();
        self.note("io_uring_cq_advance");
        // SAFETY: SEQ-RING; `slots` covers exactly the CQEs just read.
        unsafe { io_uring_cq_advance(ring, slots) };
    }

    /// Peek until the CQ is empty.
    fn reap_all(&mut self) {
        for _ in 0..100_000 {
            let mut cqe = std::ptr::null_mut();
            let ring = self.rp();
            self.note("io_uring_peek_cqe");
            // SAFETY: SEQ-RING; `cqe` is a local out-pointer.
            let ret = unsafe { io_uring_peek_cqe(ring, &mut cqe) };
            if ret != 0 || cqe.is_null() {
                return;
            }
            self.take(cqe);
        }
    }

    /// Wait up to `us` microseconds for one completion, then take everything ready.
    fn reap_wait(&mut self, us: i64) {
        let ts = match self.wait_ts.get(&us) {
            Some(&t) => t,
            None => {
                let t = self.ts(0, us * 1000);
                self.wait_ts.insert(us, t);
                t
            }
        };
        let mut cqe = std::ptr::null_mut();
        let ring = self.rp();
        self.note("io_uring_wait_cqe_timeout");
        // SAFETY: SEQ-RING; `ts` in storage.
        let ret = unsafe { io_uring_wait_cqe_timeout(ring, &mut cqe, ts) };
        self.after_wait("io_uring_wait_cqe_timeout", ret, cqe, &[ETIME], false);
        self.reap_all();
    }

    // ---- registration --------------------------------------------------------------

    fn files_any(&mut self) {
        let ring = self.rp();
        let table = self.files;
        match self.rng.below(6) {
            0 | 1 => {
                let n = self.rng.range(1, 7) as usize;
                let mut fds: Vec<c_int> = (0..n)
                    .map(|_| {
                        self.rng
                            .pick(&[self.env.data_fd, self.env.scratch_fd, -1, self.pipe[1]])
                    })
                    .collect();
                let mut valid = true;
                if self.rng.chance(15) {
                    let i = self.rng.below(n as u64) as usize;
                    let ring_fd = self.ring.ring_fd;
                    fds[i] = if ring_fd >= 0 && self.rng.chance(50) {
                        ring_fd
                    } else {
                        999_999
                    };
                    valid = false;
                }
                let nr = if self.rng.chance(5) { 0 } else { n as u32 };
                let arr = self.fdarr(fds);
                let ring = self.rp();
                self.note("io_uring_register_files");
                // SAFETY: SEQ-RING; `arr` holds `n >= nr` fds.
                let ret = unsafe { io_uring_register_files(ring, arr, nr) };
                let mut errs = Vec::new();
                if table.is_some() {
                    errs.push(EBUSY);
                }
                if nr == 0 {
                    errs.push(EINVAL);
                }
                self.expect_reg("io_uring_register_files", ret, &errs, valid || nr == 0, 0);
                if ret == 0 {
                    self.files = Some(nr);
                }
            }
            2 => {
                let nr = self.rng.pick(&[0, 1, 8, 64, u32::MAX]);
                self.note("io_uring_register_files_sparse");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_register_files_sparse(ring, nr) };
                let mut errs = Vec::new();
                if table.is_some() {
                    errs.push(EBUSY);
                }
                let valid = nr != 0 && nr != u32::MAX;
                self.expect_reg("io_uring_register_files_sparse", ret, &errs, valid, 0);
                if ret == 0 {
                    self.files = Some(nr);
                }
            }
            3 => {
                let n = self.rng.range(1, 4) as usize;
                let fds: Vec<c_int> = (0..n)
                    .map(|_| self.rng.pick(&[self.env.data_fd, -1, self.pipe[1]]))
                    .collect();
                let off = self.rng.pick(&[0u32, 1, 5, 63, 1000]);
                let arr = self.fdarr(fds);
                let ring = self.rp();
                self.note("io_uring_register_files_update");
                // SAFETY: SEQ-RING; `arr` holds `n` fds.
                let ret = unsafe { io_uring_register_files_update(ring, off, arr, n as u32) };
                match table {
                    None => self.expect_ret("io_uring_register_files_update", ret, &[ENXIO]),
                    Some(len) if off as u64 + n as u64 > u64::from(len) => {
                        self.expect_ret("io_uring_register_files_update", ret, &[EINVAL])
                    }
                    Some(_) => self.expect_ret("io_uring_register_files_update", ret, &[n as i32]),
                }
            }
            4 => {
                let (off, len) = (self.rng.below(10) as u32, self.rng.below(10) as u32);
                self.note("io_uring_register_file_alloc_range");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_register_file_alloc_range(ring, off, len) };
                // The kernel checks the range against the table size (0 without one).
                let want = if off + len > table.unwrap_or(0) { EINVAL } else { 0 };
                self.expect_ret("io_uring_register_file_alloc_range", ret, &[want]);
            }
            _ => {
                self.note("io_uring_unregister_files");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_unregister_files(ring) };
                let want = if table.is_some() { 0 } else { ENXIO };
                self.expect_ret("io_uring_unregister_files", ret, &[want]);
                if ret == 0 {
                    self.files = None;
                }
            }
        }
    }

    /// A registration's result: with no error condition (`errs` empty and `valid`) it
    /// must be `ok`; otherwise one of `errs` (any error if `!valid`).
    fn expect_reg(&mut self, name: &str, ret: c_int, errs: &[c_int], valid: bool, ok: c_int) {
        if errs.is_empty() && valid {
            if ret != ok {
                self.fail(format!("{name} returned {ret}, expected {ok}"));
            }
        } else if ret >= 0 || (valid && !errs.contains(&ret)) {
            self.fail(format!("{name} returned {ret}, expected an error (one of {errs:?})"));
        }
    }

    fn expect_ret(&mut self, name: &str, ret: c_int, want: &[c_int]) {
        if !want.contains(&ret) {
            self.fail(format!("{name} returned {ret}, expected one of {want:?}"));
        }
    }

    fn buffers_any(&mut self) {
        let table_len = self.reg_bufs.as_ref().map(Vec::len);
        match self.rng.below(5) {
            0 | 1 => {
                let n = self.rng.range(1, 5) as usize;
                let mut v = Vec::new();
                let mut entries = Vec::new();
                for _ in 0..n {
                    let len = self.rng.pick(&[1usize, 512, 4096, 20000]);
                    let p = self.buf(len);
                    v.push(iovec {
                        iov_base: p.cast(),
                        iov_len: len,
                    });
                    entries.push(Some((p, len)));
                }
                let mut valid = true;
                if self.rng.chance(15) {
                    v[0].iov_base = self.rng.pick(&BAD_ADDRS) as *mut c_void;
                    valid = false;
                }
                let nr = if self.rng.chance(5) { 0 } else { n as u32 };
                let iov = self.iov(v);
                let ring = self.rp();
                self.note("io_uring_register_buffers");
                // SAFETY: SEQ-RING; `iov` holds `n >= nr` iovecs over storage (or a bad
                // address the kernel refuses).
                let ret = unsafe { io_uring_register_buffers(ring, iov, nr) };
                let mut errs = Vec::new();
                if table_len.is_some() {
                    errs.push(EBUSY);
                }
                if nr == 0 {
                    errs.push(EINVAL);
                }
                self.expect_reg("io_uring_register_buffers", ret, &errs, valid || nr == 0, 0);
                if ret == 0 {
                    self.reg_bufs = Some(entries);
                }
            }
            2 => {
                let nr = self.rng.pick(&[0u32, 1, 4, 8, 1 << 20]);
                let ring = self.rp();
                self.note("io_uring_register_buffers_sparse");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_register_buffers_sparse(ring, nr) };
                let mut errs = Vec::new();
                if table_len.is_some() {
                    errs.push(EBUSY);
                }
                if nr == 0 || nr == 1 << 20 {
                    errs.push(EINVAL);
                }
                self.expect_reg("io_uring_register_buffers_sparse", ret, &errs, true, 0);
                if ret == 0 {
                    self.reg_bufs = Some(vec![None; nr as usize]);
                }
            }
            3 => {
                let n = self.rng.range(1, 3) as usize;
                let off = self.rng.pick(&[0u32, 1, 3, 7, 100]);
                let mut v = Vec::new();
                let mut entries = Vec::new();
                for _ in 0..n {
                    let len = self.rng.pick(&[64usize, 4096]);
                    let p = self.buf(len);
                    v.push(iovec {
                        iov_base: p.cast(),
                        iov_len: len,
                    });
                    entries.push((p, len));
                }
                let iov = self.iov(v);
                let tags = self.buf(8 * n).cast::<u64>();
                let ring = self.rp();
                self.note("io_uring_register_buffers_update_tag");
                // SAFETY: SEQ-RING; `iov` holds `n` iovecs over storage and `tags` `n`
                // zero tags.
                let ret = unsafe { io_uring_register_buffers_update_tag(ring, off, iov, tags, n as u32) };
                match table_len {
                    None => self.expect_ret("io_uring_register_buffers_update_tag", ret, &[ENXIO]),
                    Some(len) if off as usize + n > len => {
                        self.expect_ret("io_uring_register_buffers_update_tag", ret, &[EINVAL])
                    }
                    Some(_) => {
                        self.expect_ret("io_uring_register_buffers_update_tag", ret, &[n as i32]);
                        if ret == n as i32 {
                            let t = self.reg_bufs.as_mut().expect("table");
                            for (i, e) in entries.into_iter().enumerate() {
                                t[off as usize + i] = Some(e);
                            }
                        }
                    }
                }
            }
            _ => {
                let ring = self.rp();
                self.note("io_uring_unregister_buffers");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_unregister_buffers(ring) };
                let want = if table_len.is_some() { 0 } else { ENXIO };
                self.expect_ret("io_uring_unregister_buffers", ret, &[want]);
                if ret == 0 {
                    self.reg_bufs = None;
                }
            }
        }
    }

    fn eventfd_any(&mut self) {
        if self.eventfd < 0 {
            // SAFETY: plain syscall.
            self.eventfd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        }
        let ring = self.rp();
        match self.rng.below(5) {
            0 | 1 => {
                let (fd, valid) = match self.rng.below(4) {
                    0 => (999_999, false),
                    1 => (self.env.data_fd, false),
                    _ => (self.eventfd, true),
                };
                let asy = self.rng.chance(30);
                let ret = if asy {
                    self.note("io_uring_register_eventfd_async");
                    // SAFETY: SEQ-RING.
                    unsafe { io_uring_register_eventfd_async(ring, fd) }
                } else {
                    self.note("io_uring_register_eventfd");
                    // SAFETY: SEQ-RING.
                    unsafe { io_uring_register_eventfd(ring, fd) }
                };
                if self.eventfd_registered {
                    self.expect_ret("io_uring_register_eventfd", ret, &[EBUSY]);
                } else if valid {
                    self.expect_ret("io_uring_register_eventfd", ret, &[0]);
                } else if ret >= 0 {
                    self.fail(format!("io_uring_register_eventfd({fd}) accepted a non-eventfd"));
                }
                if ret == 0 {
                    self.eventfd_registered = true;
                }
            }
            2 => {
                self.note("io_uring_unregister_eventfd");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_unregister_eventfd(ring) };
                let want = if self.eventfd_registered { 0 } else { ENXIO };
                self.expect_ret("io_uring_unregister_eventfd", ret, &[want]);
                if ret == 0 {
                    self.eventfd_registered = false;
                }
            }
            3 => {
                let on = self.rng.chance(50);
                self.note("io_uring_cq_eventfd_toggle");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_cq_eventfd_toggle(ring, on) };
                self.expect_ret("io_uring_cq_eventfd_toggle", ret, &[0, -libc::EOPNOTSUPP]);
                if ret == 0 {
                    self.note("io_uring_cq_eventfd_enabled");
                    // SAFETY: SEQ-RING.
                    let now = unsafe { io_uring_cq_eventfd_enabled(ring) };
                    if now != on {
                        self.fail(format!("io_uring_cq_eventfd_enabled is {now} after toggling to {on}"));
                    }
                }
            }
            _ => {
                let mut v = 0u64;
                // SAFETY: reads 8 bytes into `v`; the eventfd is non-blocking.
                let _ = unsafe { libc::read(self.eventfd, (&mut v as *mut u64).cast(), 8) };
            }
        }
    }

    fn probe_any(&mut self) {
        let ring = self.rp();
        match self.rng.below(3) {
            0 | 1 => {
                let p = if self.rng.chance(20) {
                    self.note("io_uring_get_probe");
                    // SAFETY: plain call; sets up and tears down its own ring.
                    unsafe { io_uring_get_probe() }
                } else {
                    self.note("io_uring_get_probe_ring");
                    // SAFETY: SEQ-RING.
                    unsafe { io_uring_get_probe_ring(ring) }
                };
                if p.is_null() {
                    self.fail("io_uring_get_probe returned NULL".into());
                    return;
                }
                for op in [0, IORING_OP_READ as c_int, -1, 255, 300, self.rng.below(80) as c_int] {
                    self.note("io_uring_opcode_supported");
                    // SAFETY: `p` is a probe the library just returned.
                    let s = unsafe { io_uring_opcode_supported(p, op) };
                    let must = match op {
                        0 => Some(1),
                        o if o == IORING_OP_READ as c_int => Some(1),
                        -1 | 255 | 300 => Some(0),
                        _ => None,
                    };
                    if must.is_some_and(|m| m != s) {
                        self.fail(format!("io_uring_opcode_supported(op {op}) = {s}"));
                    }
                }
                self.note("io_uring_free_probe");
                // SAFETY: `p` came from the library and is not used afterwards.
                unsafe { io_uring_free_probe(p) };
            }
            _ => {
                let size = 16 + 8 * 256;
                let buf = self.buf(size);
                let dirty = self.rng.chance(15);
                if dirty {
                    // SAFETY: `buf` holds `size` bytes.
                    let p = unsafe { buf.add(3) };
                    // SAFETY: inside `buf`, which nothing else uses yet.
                    unsafe { p.write(1) };
                }
                let nr = self.rng.range(0, 257) as u32;
                self.note("io_uring_register_probe");
                // SAFETY: SEQ-RING; `buf` holds 16 + 8 * 256 >= 16 + 8 * nr bytes.
                let ret = unsafe { io_uring_register_probe(ring, buf.cast(), nr) };
                if dirty && nr > 0 {
                    self.expect_ret("io_uring_register_probe", ret, &[EINVAL]);
                } else if nr > 0 {
                    self.expect_ret("io_uring_register_probe", ret, &[0]);
                }
            }
        }
    }

    fn buf_ring_any(&mut self) {
        match self.rng.below(6) {
            0 | 1 => self.buf_ring_setup(),
            2 => {
                if self.buf_rings.is_empty() {
                    return;
                }
                let i = self.rng.below(self.buf_rings.len() as u64) as usize;
                let b = self.buf_rings.remove(i);
                let ring = self.rp();
                self.note("io_uring_free_buf_ring");
                // SAFETY: SEQ-RING; `b.br` is a live buffer ring of this ring with these
                // entries and group, not used afterwards.
                let ret = unsafe { io_uring_free_buf_ring(ring, b.br, b.entries, c_int::from(b.bgid)) };
                self.expect_ret("io_uring_free_buf_ring", ret, &[0]);
            }
            3 => {
                // Unregister a group that has no ring (a live ring's group would leave its
                // mapping behind, as liburing documents).
                let bgid = self.rng.below(16) as u16;
                if self.buf_rings.iter().any(|b| b.bgid == bgid) {
                    return;
                }
                let ring = self.rp();
                self.note("io_uring_unregister_buf_ring");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_unregister_buf_ring(ring, c_int::from(bgid)) };
                if ret >= 0 {
                    self.fail(format!(
                        "io_uring_unregister_buf_ring({bgid}) of no ring returned {ret}"
                    ));
                }
            }
            4 => {
                let bgid = if !self.buf_rings.is_empty() && self.rng.chance(70) {
                    let i = self.rng.below(self.buf_rings.len() as u64) as usize;
                    self.buf_rings[i].bgid
                } else {
                    self.rng.below(16) as u16
                };
                let live = self.buf_rings.iter().position(|b| b.bgid == bgid);
                let mut head = 0u16;
                let ring = self.rp();
                self.note("io_uring_buf_ring_head");
                // SAFETY: SEQ-RING; `head` is a local out-value.
                let ret = unsafe { io_uring_buf_ring_head(ring, c_int::from(bgid), &mut head) };
                match live {
                    Some(i) => {
                        self.expect_ret("io_uring_buf_ring_head", ret, &[0]);
                        let b = &self.buf_rings[i];
                        let (added, br, entries) = (b.added, b.br, b.entries);
                        if ret == 0 && !b.inc && (added as u16).wrapping_sub(head) as u32 > entries {
                            self.fail(format!("buffer ring head {head} is past the tail {added}"));
                        }
                        let ring = self.rp();
                        self.note("io_uring_buf_ring_available");
                        // SAFETY: SEQ-RING; `br` is the live ring of group `bgid`.
                        let avail = unsafe { io_uring_buf_ring_available(ring, br, bgid) };
                        if avail < 0 || avail as u32 > entries {
                            self.fail(format!("io_uring_buf_ring_available = {avail} for {entries} entries"));
                        }
                    }
                    None => {
                        if ret >= 0 {
                            self.fail(format!(
                                "io_uring_buf_ring_head of group {bgid} with no ring returned {ret}"
                            ));
                        }
                    }
                }
            }
            _ => {
                // Refill a ring: add buffers up to its size.
                if self.buf_rings.is_empty() {
                    return;
                }
                let i = self.rng.below(self.buf_rings.len() as u64) as usize;
                let (bgid, entries) = (self.buf_rings[i].bgid, self.buf_rings[i].entries);
                let mut head = 0u16;
                let ring = self.rp();
                self.note("io_uring_buf_ring_head");
                // SAFETY: SEQ-RING; `head` is a local out-value.
                if unsafe { io_uring_buf_ring_head(ring, c_int::from(bgid), &mut head) } != 0 {
                    return;
                }
                let used = (self.buf_rings[i].added as u16).wrapping_sub(head) as u32;
                let room = entries.saturating_sub(used).min(8);
                self.add_bufs(i, room);
            }
        }
    }

    fn buf_ring_setup(&mut self) {
        let entries = match self.rng.below(8) {
            0 => 0,
            1 => 3,
            2 => 65536,
            3 => 32768,
            _ => self.rng.pick(&[1, 2, 8, 16]),
        };
        let bgid = self.rng.below(8) as u16;
        let (flags, inc) = match self.rng.below(8) {
            0 => (IOU_PBUF_RING_INC, true),
            1 => (IOU_PBUF_RING_MMAP, false),
            2 => (1 << 9, false),
            _ => (0, false),
        };
        let mut err = 1;
        let ring = self.rp();
        self.note("io_uring_setup_buf_ring");
        // SAFETY: SEQ-RING; `err` is a local out-value.
        let br = unsafe { io_uring_setup_buf_ring(ring, entries, c_int::from(bgid), flags, &mut err) };
        let taken = self.buf_rings.iter().any(|b| b.bgid == bgid) || self.legacy_groups.contains(&bgid);
        // IOU_PBUF_RING_MMAP is passed through as liburing does: the kernel may accept
        // it (and then use a ring of its own), so either outcome is right.
        let unsure = taken || flags == IOU_PBUF_RING_MMAP;
        let valid = entries.is_power_of_two() && entries <= 32768 && flags & !IOU_PBUF_RING_INC == 0 && !unsure;
        if br.is_null() {
            if err >= 0 {
                self.fail(format!("io_uring_setup_buf_ring failed with err {err}"));
            } else if valid && err != -libc::EEXIST {
                self.fail(format!(
                    "io_uring_setup_buf_ring({entries}, group {bgid}, flags {flags:#x}) failed: {err}"
                ));
            }
            return;
        }
        if err != 0 {
            self.fail(format!("io_uring_setup_buf_ring succeeded with err {err}"));
        }
        if !valid && !unsure {
            self.fail(format!(
                "io_uring_setup_buf_ring({entries}, flags {flags:#x}) succeeded"
            ));
        }
        self.buf_rings.push(BufRing {
            br,
            entries,
            bgid,
            added: 0,
            inc,
        });
        let i = self.buf_rings.len() - 1;
        let n = entries.min(8);
        self.add_bufs(i, n);
    }

    /// Add `n` fresh buffers to buffer ring `i` and publish them.
    fn add_bufs(&mut self, i: usize, n: u32) {
        if n == 0 {
            return;
        }
        let (entries, inc) = (self.buf_rings[i].entries, self.buf_rings[i].inc);
        self.note("io_uring_buf_ring_mask");
        // SAFETY: a pure function.
        let mask = unsafe { io_uring_buf_ring_mask(entries) };
        if mask != (entries - 1) as c_int {
            self.fail(format!("io_uring_buf_ring_mask({entries}) = {mask}"));
        }
        let Some(bid0) = self.bid_range(n as u16) else {
            return;
        };
        for k in 0..n {
            let len = self.rng.pick(&[1u32, 100, 4096]);
            let p = self.buf(len as usize);
            let bid = bid0 + k as u16;
            self.m.provided.insert(bid, ProvidedBuf { ptr: p, len, inc });
            let br = self.buf_rings[i].br;
            self.note("io_uring_buf_ring_add");
            // SAFETY: `br` is a live buffer ring of this sequence; `p` holds `len` bytes
            // of storage (SEQ-MEM); offset `k < n <= free slots`.
            unsafe { io_uring_buf_ring_add(br, p.cast(), len, bid, mask, k as c_int) };
        }
        let br = self.buf_rings[i].br;
        self.note("io_uring_buf_ring_advance");
        // SAFETY: `br` is a live buffer ring; the `n` entries were just written.
        unsafe { io_uring_buf_ring_advance(br, n as c_int) };
        self.buf_rings[i].added += n;
    }

    /// Register, unregister or close the ring fd (exclusive operations).
    fn ring_fd_any(&mut self) {
        let ring = self.rp();
        let registered = self.ring.int_flags & uring::ring::INT_FLAG_REG_RING != 0;
        let fd = self.ring.ring_fd;
        match self.rng.below(3) {
            0 => {
                self.note("io_uring_register_ring_fd");
                // SAFETY: SEQ-RING; nothing else runs on the ring meanwhile.
                let ret = unsafe { io_uring_register_ring_fd(ring) };
                let want = if registered { -libc::EEXIST } else { 1 };
                self.expect_ret("io_uring_register_ring_fd", ret, &[want]);
            }
            1 => {
                if fd < 0 {
                    // Unregistering the only handle left would make the ring unreachable.
                    return;
                }
                self.note("io_uring_unregister_ring_fd");
                // SAFETY: SEQ-RING; nothing else runs on the ring meanwhile.
                let ret = unsafe { io_uring_unregister_ring_fd(ring) };
                let want = if registered { 1 } else { EINVAL };
                self.expect_ret("io_uring_unregister_ring_fd", ret, &[want]);
            }
            _ => {
                self.note("io_uring_close_ring_fd");
                // SAFETY: SEQ-RING; nothing else runs on the ring meanwhile.
                let ret = unsafe { io_uring_close_ring_fd(ring) };
                let want = if self.features & IORING_FEAT_REG_REG_RING == 0 {
                    -libc::EOPNOTSUPP
                } else if !registered {
                    EINVAL
                } else if fd < 0 {
                    EBADF
                } else {
                    1
                };
                self.expect_ret("io_uring_close_ring_fd", ret, &[want]);
                if ret == 1 && self.ring.ring_fd != -1 {
                    self.fail("io_uring_close_ring_fd left ring_fd set".into());
                }
            }
        }
    }

    /// Resize the rings (DEFER_TASKRUN rings only) while nothing is left unsubmitted.
    fn resize(&mut self) {
        let ring = self.rp();
        self.note("io_uring_sq_ready");
        // SAFETY: SEQ-RING.
        if unsafe { io_uring_sq_ready(ring) } != 0 {
            return;
        }
        let r = &mut self.rng;
        let sq = r.pick(&[0, 1, 2, 3, 4, 8, 64, 100_000]);
        let mut p = io_uring_params {
            sq_entries: sq,
            ..Default::default()
        };
        match r.below(5) {
            0 => {
                p.flags = IORING_SETUP_CQSIZE;
                p.cq_entries = r.pick(&[0, 1, sq, sq.saturating_mul(4), 1 << 20]);
            }
            1 => p.flags = IORING_SETUP_CLAMP,
            2 => p.flags = 1 << 30,
            _ => {}
        }
        let asked = p;
        let cq_ready = {
            self.note("io_uring_cq_ready");
            // SAFETY: SEQ-RING.
            unsafe { io_uring_cq_ready(ring) }
        };
        self.note("io_uring_resize_rings");
        // SAFETY: SEQ-RING; nothing else runs on the ring meanwhile, and no pointer into
        // the old rings is kept (CQEs are read only inside the reap functions).
        let ret = unsafe { io_uring_resize_rings(ring, &mut p) };
        if self.trace {
            eprintln!(
                "  resize sq {sq} flags {:#x} cq {} -> {ret}",
                asked.flags, asked.cq_entries
            );
        }
        if ret < 0 {
            return;
        }
        if ret != 0 {
            self.fail(format!("io_uring_resize_rings returned {ret}"));
        }
        if self.flags & IORING_SETUP_DEFER_TASKRUN == 0 {
            self.fail("io_uring_resize_rings succeeded on a ring without DEFER_TASKRUN".into());
        }
        crate::set_rescue(self.ring.cq.khead, self.ring.cq.ktail);
        self.sq_entries = self.ring.sq.ring_entries;
        self.cq_entries = self.ring.cq.ring_entries;
        self.check_shape(sq, &asked);
        let ring = self.rp();
        self.note("io_uring_cq_ready");
        // SAFETY: SEQ-RING.
        let now = unsafe { io_uring_cq_ready(ring) };
        if now < cq_ready.min(self.cq_entries) {
            self.fail(format!("{cq_ready} CQEs ready before the resize, {now} after"));
        }
    }

    fn misc_any(&mut self) {
        if self.rng.chance(30) {
            return self.ring_fd_any();
        }
        if self.rng.chance(20) {
            return self.resize();
        }
        let ring = self.rp();
        match self.rng.below(4) {
            0 => {
                self.note("io_uring_enable_rings");
                // SAFETY: SEQ-RING.
                let ret = unsafe { io_uring_enable_rings(ring) };
                let want = if self.enabled { -libc::EBADFD } else { 0 };
                self.expect_ret("io_uring_enable_rings", ret, &[want]);
                if ret == 0 {
                    self.enabled = true;
                }
            }
            1 => {
                if self.flags & IORING_SETUP_SQPOLL == 0 {
                    let space = self.sq_space();
                    let ring = self.rp();
                    self.note("io_uring_sq_ready");
                    // SAFETY: SEQ-RING.
                    let ready = unsafe { io_uring_sq_ready(ring) };
                    if space + ready != self.sq_entries {
                        self.fail(format!(
                            "sq_space_left {space} + sq_ready {ready} != SQ size {}",
                            self.sq_entries
                        ));
                    }
                }
            }
            2 => {
                self.note("io_uring_cq_has_overflow");
                // SAFETY: SEQ-RING.
                let _ = unsafe { io_uring_cq_has_overflow(ring) };
                self.check_cq_ready();
            }
            _ => self.trigger(),
        }
    }

    // ---- drain and teardown --------------------------------------------------------

    /// Submit everything, end what waits (pipe write, cancel-all), reap until every
    /// request has finished, then a DRAIN-flagged NOP proves nothing is left in flight.
    /// `false` if the ring could not be drained within the deadline.
    fn drain(&mut self) -> bool {
        if !self.enabled {
            let ring = self.rp();
            self.note("io_uring_enable_rings");
            // SAFETY: SEQ-RING.
            if unsafe { io_uring_enable_rings(ring) } == 0 {
                self.enabled = true;
            }
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        if !self.submit_all(deadline) {
            return false;
        }
        let mut last_cancel: Option<Instant> = None;
        loop {
            self.update_consumed();
            if self.m.unfinished() == 0 && self.m.stuck() == 0 {
                break;
            }
            if Instant::now() > deadline {
                self.report_unfinished("after the drain's cancels");
                return false;
            }
            self.unstick(&mut last_cancel);
            self.reap_wait(500);
        }
        // The sentinel: a drained NOP starts only once everything before it completed.
        let ud = loop {
            if let Some(sqe) = self.get_sqe() {
                self.note("io_uring_prep_nop");
                // SAFETY: an SQE of this ring just handed out.
                unsafe { io_uring_prep_nop(sqe) };
                let ud = self.m.ud();
                self.finish(
                    sqe,
                    ud,
                    "drain sentinel",
                    Expect::Exact,
                    0,
                    Check::OneOf(vec![0]),
                    IOSQE_IO_DRAIN,
                    None,
                );
                break ud;
            }
            if Instant::now() > deadline {
                self.fail("no SQE for the drain sentinel".into());
                return false;
            }
            self.submit_all(deadline);
            self.reap_wait(1000);
        };
        if !self.submit_all(deadline) {
            return false;
        }
        while !self.m.ops[&ud].done {
            if Instant::now() > deadline {
                self.report_unfinished("waiting for the drain sentinel");
                return false;
            }
            self.unstick(&mut last_cancel);
            self.reap_wait(500);
        }
        let ring = self.rp();
        self.note("io_uring_get_events");
        // SAFETY: SEQ-RING.
        let _ = unsafe { io_uring_get_events(ring) };
        self.reap_all();
        true
    }

    /// Write to the pipe and cancel everything (at most every 20 ms). The cancel is the
    /// synchronous register call: a cancel *request* could itself be held behind a
    /// pending DRAIN that waits for the very request to be cancelled.
    fn unstick(&mut self, last: &mut Option<Instant>) {
        if self.m.stuck() == 0 || last.is_some_and(|t| t.elapsed() < Duration::from_millis(5)) {
            return;
        }
        *last = Some(Instant::now());
        self.trigger();
        let mut reg = io_uring_sync_cancel_reg {
            addr: 0,
            fd: -1,
            flags: IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL,
            timeout: __kernel_timespec {
                tv_sec: 0,
                tv_nsec: 10_000_000,
            },
            opcode: 0,
            pad: [0; 7],
            pad2: [0; 3],
        };
        let ring = self.rp();
        self.note("io_uring_register_sync_cancel");
        // SAFETY: SEQ-RING; `reg` is a local struct read during the call.
        let ret = unsafe { io_uring_register_sync_cancel(ring, &mut reg) };
        if ret < 0 && ![ENOENT, ETIME, -libc::EALREADY, -libc::EINTR].contains(&ret) {
            self.fail(format!("io_uring_register_sync_cancel returned {ret}"));
        }
    }

    /// Submit until the kernel has consumed every SQE.
    fn submit_all(&mut self, deadline: Instant) -> bool {
        loop {
            let ring = self.rp();
            self.note("io_uring_sq_ready");
            // SAFETY: SEQ-RING.
            let pending = unsafe { io_uring_sq_ready(ring) };
            if pending == 0 {
                self.update_consumed();
                return true;
            }
            if Instant::now() > deadline {
                self.fail(format!("{pending} SQEs never consumed by the kernel"));
                return false;
            }
            self.note("io_uring_submit");
            // SAFETY: SEQ-RING; SEQ-MEM.
            let ret = unsafe { io_uring_submit(ring) };
            if ret < 0 && ![-libc::EAGAIN, EBUSY, -libc::EINTR].contains(&ret) {
                self.fail(format!("io_uring_submit returned {ret} while draining"));
                return false;
            }
            self.update_consumed();
            self.reap_wait(200);
        }
    }

    fn report_unfinished(&mut self, when: &str) {
        let list: Vec<String> = self
            .m
            .ops
            .iter()
            .filter(|(_, o)| o.consumed && !o.done && (o.expect != Expect::AtMostOnce || o.level > 0))
            .take(8)
            .map(|(u, o)| format!("{} ud {u:#x} level {} cqes {}", o.name, o.level, o.cqes))
            .collect();
        self.fail(format!("requests never completed {when}: {}", list.join(", ")));
    }

    /// Drain, check, tear down. Returns the sequence's outcome.
    pub fn finish_seq(mut self) -> SeqOutcome {
        let mut clean = true;
        if self.live {
            clean = self.drain();
            if clean {
                let h = self.khead();
                self.m.final_check(Some(h));
            }
            for b in std::mem::take(&mut self.buf_rings) {
                let ring = self.rp();
                self.note("io_uring_free_buf_ring");
                // SAFETY: SEQ-RING; a live buffer ring of this ring, not used afterwards.
                let ret = unsafe { io_uring_free_buf_ring(ring, b.br, b.entries, c_int::from(b.bgid)) };
                if ret != 0 {
                    self.fail(format!("io_uring_free_buf_ring returned {ret} at teardown"));
                }
            }
            crate::set_rescue(std::ptr::null_mut(), std::ptr::null_mut());
            let ring = self.rp();
            self.note("io_uring_queue_exit");
            // SAFETY: SEQ-RING: the ring is set up and nothing uses it afterwards.
            unsafe { io_uring_queue_exit(ring) };
            self.live = false;
        }
        for fd in self
            .m
            .opened_fds
            .drain(..)
            .chain([self.pipe[0], self.pipe[1], self.eventfd])
        {
            if fd >= 0 {
                // SAFETY: fds this sequence opened and owns.
                unsafe { libc::close(fd) };
            }
        }
        let out = SeqOutcome {
            failures: std::mem::take(&mut self.m.failures),
            calls: self.calls,
            sqes: self.sqes,
            cqes: self.m.cqes_seen,
            leaked_storage: !clean,
        };
        if !clean {
            // Requests may still be in flight: the kernel may yet write into the
            // sequence's storage, so it is leaked rather than freed.
            std::mem::forget(std::mem::take(&mut self.bufs));
            std::mem::forget(std::mem::take(&mut self.iovs));
            std::mem::forget(std::mem::take(&mut self.tss));
            std::mem::forget(std::mem::take(&mut self.fdarrs));
        }
        out
    }
}
