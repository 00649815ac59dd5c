//! The smaller generator: random sequences through the safe Rust API (`Ring`,
//! `split`, `Completion` guards, `completions()`), with the same bookkeeping and
//! checks as the C ABI one.
//!
//! The only `unsafe` here is submitting, whose contract (SQE-MEM) is met by
//! **SEQ-MEM**: every address an SQE holds points into the sequence's storage
//! (`St::bufs`, `St::tss`) or the environment, freed only after the drain reaped every
//! request and the ring was dropped; buffers are at least as long as the lengths given
//! with them.

use std::time::{Duration, Instant};

use uring::prep;
use uring::register::{files, misc, ring_fd};
use uring::sys::*;
use uring::{Errno, Ring};

use crate::model::{Check, Expect, Model, DATA_LEN, NOTHING_UD};
use crate::{note, Env, RawBuf, Rng, SeqOutcome};

const ETIME: i32 = -libc::ETIME;

struct St<'e> {
    env: &'e Env,
    rng: Rng,
    m: Model,
    bufs: Vec<RawBuf>,
    // Boxed: the kernel holds their addresses, which must not move when the Vec grows.
    #[allow(clippy::vec_box)]
    tss: Vec<Box<__kernel_timespec>>,
    pipe: [i32; 2],
    calls: u64,
    sqes: u64,
    trace: bool,
    files: bool,
    sqpoll: bool,
    enabled: bool,
    skip_used: bool,
}

impl St<'_> {
    fn note(&mut self, name: &'static str) {
        self.calls += 1;
        note(name);
        if self.trace {
            eprintln!("  call {name}");
        }
    }

    fn buf(&mut self, len: usize) -> *mut u8 {
        let b = RawBuf::new(len);
        let p = b.ptr;
        self.bufs.push(b);
        p
    }

    fn ts(&mut self, nsec: i64) -> *const __kernel_timespec {
        let b = Box::new(__kernel_timespec {
            tv_sec: 0,
            tv_nsec: nsec,
        });
        let p: *const __kernel_timespec = &*b;
        self.tss.push(b);
        p
    }

    fn short(&mut self) -> Duration {
        Duration::from_micros(self.rng.pick(&[0, 50, 500, 2000]))
    }

    fn khead(&mut self, ring: &Ring) -> u32 {
        self.note("Ring::sq_ready");
        ring.as_raw().sq.sqe_tail.wrapping_sub(ring.sq_ready())
    }

    fn update(&mut self, ring: &Ring) {
        let h = self.khead(ring);
        self.m.update_consumed(h);
    }

    fn cqe(&mut self, ud: u64, res: i32, flags: u32) {
        if self.trace {
            eprintln!("  cqe ud {ud:#x} res {res} flags {flags:#x}");
        }
        self.m.on_cqe(ud, res, flags);
    }

    /// Handle the result of a wait/peek: the guard is read, then consumed (by `seen()`
    /// or by dropping it, at random).
    fn waited(&mut self, name: &str, r: Result<Option<uring::Completion<'_>>, Errno>, ok: &[Errno]) {
        match r {
            Ok(Some(c)) => {
                self.cqe(c.user_data(), c.res(), c.flags());
                if self.rng.chance(50) {
                    c.seen();
                } else {
                    drop(c);
                }
            }
            Ok(None) => {}
            Err(e) => {
                if !ok.contains(&e) && e.raw() != libc::EINTR && (self.enabled || e.raw() != libc::EBADFD) {
                    self.m.fail(format!("{name} failed: {e:?}"));
                }
            }
        }
    }
}

/// Prepare one request on `ring`; returns its user_data.
fn prep_one(st: &mut St<'_>, ring: &mut Ring, chain_prev: Option<u64>, link: u8, skip: bool) -> Option<u64> {
    let kind = st.rng.below(10);
    let ud = st.m.ud();
    let fixed_idx = st.rng.below(8) as i32;
    let pin = libc::POLLIN as u32;
    let pout = libc::POLLOUT as u32;
    // Everything that needs storage is made before the SQE borrows the ring.
    let len = st.rng.pick(&[0u32, 1, 100, 4096, 70000]);
    let off = st.rng.below(DATA_LEN);
    let buf = st.buf(len as usize);
    let ns = st.rng.pick(&[0, 100_000, 1_000_000]);
    let ts = st.ts(ns);
    let count = st.rng.pick(&[0, 1, 2]);
    let poll_r = st.rng.chance(50);
    st.note("Ring::get_sqe");
    let sqe = ring.get_sqe()?;
    st.sqes += 1;
    let mut level = 0;
    let mut flags = link;
    let (name, check) = match kind {
        0 => {
            prep::nop(sqe);
            ("nop", Check::OneOf(vec![0]))
        }
        1 => {
            prep::nop(sqe);
            sqe.opcode = 250;
            ("bad opcode", Check::OneOf(vec![-libc::EINVAL]))
        }
        2 | 3 => {
            prep::read(sqe, st.env.data_fd, buf.cast(), len, off);
            let want = u64::from(len).min(DATA_LEN - off) as i32;
            ("read", Check::ReadData { buf, off, want })
        }
        4 => {
            prep::write(sqe, st.env.scratch_fd, buf.cast_const().cast(), len, off % 65536);
            ("write", Check::OneOf(vec![len as i32]))
        }
        5 => {
            prep::timeout(sqe, ts, count, 0);
            ("timeout", Check::OneOf(vec![ETIME, 0]))
        }
        6 => {
            prep::cancel64(sqe, NOTHING_UD + 1, 0);
            ("cancel", Check::OneOf(vec![-libc::ENOENT]))
        }
        7 => {
            if poll_r {
                prep::poll_add(sqe, st.pipe[0], pin);
                level = 1;
            } else {
                prep::poll_add(sqe, st.pipe[1], pout);
            }
            ("poll_add", Check::Any)
        }
        8 => {
            prep::read(sqe, fixed_idx, buf.cast(), len, off);
            flags |= IOSQE_FIXED_FILE;
            ("read(fixed file)", Check::Len { max: len })
        }
        _ => {
            prep::timeout_remove(sqe, NOTHING_UD + 2, 0);
            ("timeout_remove", Check::OneOf(vec![-libc::ENOENT]))
        }
    };
    let mut expect = Expect::Exact;
    if skip {
        flags |= IOSQE_CQE_SKIP_SUCCESS;
        expect = Expect::AtMostOnce;
    }
    if st.rng.chance(10) {
        flags |= IOSQE_ASYNC;
    }
    if st.rng.chance(4) {
        flags |= IOSQE_IO_DRAIN;
    }
    let mut check = check;
    if flags & IOSQE_IO_DRAIN != 0 && st.skip_used {
        check = Check::OrErr(Box::new(check), -libc::EOPNOTSUPP);
    }
    sqe.user_data = ud;
    prep::sqe_set_flags(sqe, u32::from(flags));
    let end = ring.as_raw().sq.sqe_tail;
    st.m.add(ud, name, expect, level, check, flags, chain_prev, end);
    if st.trace {
        let lvl = st.m.ops[&ud].level;
        eprintln!("  sqe ud {ud:#x}: {name}, flags {flags:#x}, {expect:?}, level {lvl}, after {chain_prev:?}");
    }
    Some(ud)
}

fn add_nop(
    st: &mut St<'_>,
    ring: &mut Ring,
    name: &'static str,
    expect: Expect,
    flags: u8,
    chain_prev: Option<u64>,
) -> Option<u64> {
    st.note("Ring::get_sqe");
    let sqe = ring.get_sqe()?;
    st.sqes += 1;
    prep::nop(sqe);
    let ud = st.m.ud();
    sqe.user_data = ud;
    prep::sqe_set_flags(sqe, u32::from(flags));
    let end = ring.as_raw().sq.sqe_tail;
    let check = if flags & IOSQE_IO_DRAIN != 0 && st.skip_used {
        Check::OneOf(vec![0, -libc::EOPNOTSUPP])
    } else {
        Check::OneOf(vec![0])
    };
    st.m.add(ud, name, expect, 0, check, flags, chain_prev, end);
    Some(ud)
}

fn step(st: &mut St<'_>, ring: &mut Ring) {
    match st.rng.below(100) {
        0..=34 => {
            let space = ring.sq_space_left();
            if space >= 2 && st.rng.chance(10) {
                st.skip_used = true;
                if let Some(ud) = prep_one(st, ring, None, IOSQE_IO_HARDLINK, true) {
                    if let Some(w) = add_nop(st, ring, "witness nop", Expect::AtMostOnce, 0, Some(ud)) {
                        st.m.witnessed.push((ud, w));
                    }
                }
            } else if space >= 1 {
                prep_one(st, ring, None, 0, false);
            }
        }
        35..=42 => {
            // A chain of 2-3 members, sometimes bounded by a linked timeout.
            let n = st.rng.range(2, 4);
            if u64::from(ring.sq_space_left()) < n + 1 {
                return;
            }
            let mut prev = None;
            for i in 0..n {
                let last = i + 1 == n;
                let lt = last && st.rng.chance(30);
                let link = if !last || lt { IOSQE_IO_LINK } else { 0 };
                let Some(ud) = prep_one(st, ring, prev, link, false) else {
                    return;
                };
                prev = Some(ud);
                if lt {
                    let ns = st.rng.pick(&[0, 200_000, 1_000_000]);
                    let ts = st.ts(ns);
                    st.note("Ring::get_sqe");
                    let Some(sqe) = ring.get_sqe() else {
                        return;
                    };
                    st.sqes += 1;
                    prep::link_timeout(sqe, ts, 0);
                    let lt_ud = st.m.ud();
                    sqe.user_data = lt_ud;
                    let end = ring.as_raw().sq.sqe_tail;
                    let level = st.m.bounded_by_link_timeout(ud);
                    let check = Check::OneOf(vec![ETIME, -libc::ENOENT, -libc::EALREADY]);
                    st.m.add(lt_ud, "link_timeout", Expect::Exact, level, check, 0, Some(ud), end);
                }
            }
        }
        43..=57 => {
            let pending = ring.sq_ready();
            let r = match st.rng.below(4) {
                0 => {
                    st.note("Ring::submit");
                    // SAFETY: SEQ-MEM.
                    unsafe { ring.submit() }
                }
                1 => {
                    st.update(ring);
                    let g = st.m.guaranteed();
                    let n = st.rng.range(0, u64::from(g) + 1) as u32;
                    if st.trace {
                        eprintln!("  guaranteed {g}: {:?}; waiting for {n}", st.m.guaranteed_list());
                    }
                    st.note("Ring::submit_and_wait");
                    // SAFETY: SEQ-MEM; at most `g` completions, all certain to arrive.
                    unsafe { ring.submit_and_wait(n) }
                }
                _ => {
                    let (mut sub, _cq) = ring.split();
                    st.note("Submitter::submit");
                    // SAFETY: SEQ-MEM.
                    unsafe { sub.submit() }
                }
            };
            match r {
                Ok(n) if n > pending => st.m.fail(format!("submit returned {n} with {pending} pending")),
                Ok(_) => {}
                Err(e) if [libc::EAGAIN, libc::EBUSY, libc::EINTR].contains(&e.raw()) => {}
                Err(e) if !st.enabled && e.raw() == libc::EBADFD => {}
                Err(e) => st.m.fail(format!("submit failed: {e:?}")),
            }
            st.update(ring);
        }
        58..=84 => reap(st, ring),
        85..=88 => {
            if st.files {
                st.note("unregister_files");
                let r = files::unregister_files(ring.as_ring_ref());
                if r.is_err() {
                    st.m.fail(format!("unregister_files: {r:?}"));
                }
                st.files = false;
            } else {
                st.note("register_files");
                let r = files::register_files(ring.as_ring_ref(), &[st.env.data_fd, -1, st.env.scratch_fd]);
                match r {
                    Ok(_) => st.files = true,
                    Err(e) => st.m.fail(format!("register_files: {e:?}")),
                }
            }
        }
        89..=92 => trigger(st),
        93..=95 => {
            if !st.enabled {
                st.note("enable_rings");
                if ring_fd::enable_rings(ring.as_ring_ref()).is_ok() {
                    st.enabled = true;
                }
            }
        }
        _ => {
            let (sq_size, cq_size) = (ring.params().sq_entries, ring.params().cq_entries);
            let (sub, cq) = ring.split();
            st.note("CompletionQueue::ready");
            let ready = cq.ready();
            let _ = cq.has_overflow();
            if ready > cq_size {
                st.m.fail(format!("{ready} CQEs ready in a CQ of {cq_size}"));
            }
            if !st.sqpoll && sub.sq_ready() + sub.sq_space_left() != sq_size {
                st.m.fail("sq_ready + sq_space_left != SQ size".into());
            }
        }
    }
}

fn trigger(st: &mut St<'_>) {
    let b = 1u8;
    st.note("write(pipe)");
    // SAFETY: one readable byte; the pipe is non-blocking.
    if unsafe { libc::write(st.pipe[1], (&b as *const u8).cast(), 1) } == 1 {
        st.m.triggered = true;
    }
}

fn reap(st: &mut St<'_>, ring: &mut Ring) {
    st.update(ring);
    let g = st.m.guaranteed();
    match st.rng.below(8) {
        0 => {
            st.note("Ring::peek");
            let r = ring.peek();
            st.waited("Ring::peek", r, &[]);
        }
        1 if g >= 1 => {
            st.note("Ring::wait");
            let r = ring.wait().map(Some);
            st.waited("Ring::wait", r, &[]);
        }
        2 => {
            let d = st.short();
            st.note("Ring::wait_timeout");
            let r = ring.wait_timeout(d).map(Some);
            st.waited("Ring::wait_timeout", r, &[Errno::ETIME]);
        }
        3 => {
            let k = st.rng.range(1, 20) as usize;
            st.note("Ring::completions");
            let got: Vec<uring::Cqe> = ring.completions().take(k).collect();
            for c in got {
                st.cqe(c.user_data(), c.res(), c.flags());
            }
        }
        4 => {
            let (_sub, mut cq) = ring.split();
            st.note("CompletionQueue::peek");
            let r = cq.peek();
            st.waited("CompletionQueue::peek", r, &[]);
        }
        5 => {
            let d = st.short();
            let (_sub, mut cq) = ring.split();
            st.note("CompletionQueue::wait_timeout");
            let r = cq.wait_timeout(d).map(Some);
            st.waited("CompletionQueue::wait_timeout", r, &[Errno::ETIME]);
        }
        6 if g >= 1 => {
            let (_sub, mut cq) = ring.split();
            st.note("CompletionQueue::wait");
            let r = cq.wait().map(Some);
            st.waited("CompletionQueue::wait", r, &[]);
        }
        _ => {
            let (_sub, mut cq) = ring.split();
            st.note("CompletionQueue::completions");
            let got: Vec<uring::Cqe> = cq.completions().collect();
            for c in got {
                st.cqe(c.user_data(), c.res(), c.flags());
            }
        }
    }
}

/// Wait up to `us` microseconds for a completion, then take everything ready.
fn reap_wait(st: &mut St<'_>, ring: &mut Ring, us: u64) {
    st.note("Ring::wait_timeout");
    let r = ring.wait_timeout(Duration::from_micros(us)).map(Some);
    st.waited("Ring::wait_timeout", r, &[Errno::ETIME]);
    st.note("Ring::completions");
    let got: Vec<uring::Cqe> = ring.completions().collect();
    for c in got {
        st.cqe(c.user_data(), c.res(), c.flags());
    }
}

fn submit_all(st: &mut St<'_>, ring: &mut Ring, deadline: Instant) -> bool {
    loop {
        if ring.sq_ready() == 0 {
            st.update(ring);
            return true;
        }
        if Instant::now() > deadline {
            st.m.fail(format!("{} SQEs never consumed", ring.sq_ready()));
            return false;
        }
        st.note("Ring::submit");
        // SAFETY: SEQ-MEM.
        if let Err(e) = unsafe { ring.submit() } {
            if ![libc::EAGAIN, libc::EBUSY, libc::EINTR].contains(&e.raw()) {
                st.m.fail(format!("submit failed while draining: {e:?}"));
                return false;
            }
        }
        st.update(ring);
        reap_wait(st, ring, 200);
    }
}

fn unstick(st: &mut St<'_>, ring: &mut Ring, last: &mut Option<Instant>) {
    if st.m.stuck() == 0 || last.is_some_and(|t| t.elapsed() < Duration::from_millis(5)) {
        return;
    }
    *last = Some(Instant::now());
    trigger(st);
    // Synchronous: a cancel request could wait behind a DRAIN that waits for the very
    // request to cancel.
    let reg = io_uring_sync_cancel_reg {
        fd: -1,
        flags: IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL,
        timeout: __kernel_timespec {
            tv_sec: 0,
            tv_nsec: 10_000_000,
        },
        ..Default::default()
    };
    st.note("register_sync_cancel");
    if let Err(e) = misc::register_sync_cancel(ring.as_ring_ref(), &reg) {
        if ![libc::ENOENT, libc::ETIME, libc::EALREADY, libc::EINTR].contains(&e.raw()) {
            st.m.fail(format!("register_sync_cancel: {e:?}"));
        }
    }
}

fn drain(st: &mut St<'_>, ring: &mut Ring) -> bool {
    if !st.enabled && ring_fd::enable_rings(ring.as_ring_ref()).is_ok() {
        st.enabled = true;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    if !submit_all(st, ring, deadline) {
        return false;
    }
    let mut last = None;
    loop {
        st.update(ring);
        if st.m.unfinished() == 0 && st.m.stuck() == 0 {
            break;
        }
        if Instant::now() > deadline {
            st.m.fail(format!(
                "{} requests never completed after the drain's cancels",
                st.m.unfinished()
            ));
            return false;
        }
        unstick(st, ring, &mut last);
        reap_wait(st, ring, 500);
    }
    let Some(ud) = add_nop(st, ring, "drain sentinel", Expect::Exact, IOSQE_IO_DRAIN, None) else {
        st.m.fail("no SQE for the drain sentinel".into());
        return false;
    };
    if !submit_all(st, ring, deadline) {
        return false;
    }
    while !st.m.ops[&ud].done {
        if Instant::now() > deadline {
            st.m.fail("drain sentinel never completed".into());
            return false;
        }
        unstick(st, ring, &mut last);
        reap_wait(st, ring, 500);
    }
    reap_wait(st, ring, 0);
    true
}

/// One sequence; `false` if the ring could not be built.
pub fn sequence(env: &Env, seed: u64, trace: bool) -> (bool, SeqOutcome) {
    let mut rng = Rng::new(seed);
    let entries = match rng.below(10) {
        0 => rng.pick(&[0, 3, 100_000]),
        _ => rng.pick(&[1, 2, 4, 8, 16, 32]),
    };
    let mut b = Ring::builder(entries);
    let mut sqpoll = false;
    for _ in 0..rng.below(3) {
        match rng.below(8) {
            0 => b = b.flags(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN),
            1 => b = b.flags(IORING_SETUP_CQE32),
            2 => b = b.flags(IORING_SETUP_SQE128),
            3 => {
                b = b.sqpoll(rng.pick(&[1, 10]));
                sqpoll = true;
            }
            4 => b = b.cq_entries(rng.pick(&[0, 1, 64, 256])),
            5 => b = b.flags(IORING_SETUP_NO_SQARRAY | IORING_SETUP_COOP_TASKRUN),
            6 => b = b.flags(IORING_SETUP_R_DISABLED),
            _ => b = b.flags(IORING_SETUP_CQE_MIXED | IORING_SETUP_SUBMIT_ALL),
        }
    }
    let mut pipe = [-1; 2];
    // SAFETY: `pipe` is a writable array of two ints.
    let r = unsafe { libc::pipe2(pipe.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) };
    assert_eq!(r, 0, "pipe2");
    let mut st = St {
        env,
        rng,
        m: Model::new(),
        bufs: Vec::new(),
        tss: Vec::new(),
        pipe,
        calls: 1,
        sqes: 0,
        trace,
        files: false,
        sqpoll,
        enabled: true,
        skip_used: false,
    };
    note("Builder::build");
    let live;
    let mut clean = true;
    match b.build() {
        Ok(mut ring) => {
            live = true;
            if trace {
                let r = ring.as_raw();
                eprintln!(
                    "  ring flags {:#x} sq {} cq {}",
                    r.flags, r.sq.ring_entries, r.cq.ring_entries
                );
            }
            let flags = ring.as_raw().flags;
            st.enabled = flags & IORING_SETUP_R_DISABLED == 0;
            st.m.cqe_mixed = flags & IORING_SETUP_CQE_MIXED != 0;
            crate::set_rescue(ring.as_raw().cq.khead, ring.as_raw().cq.ktail);
            let steps = st.rng.range(1, 120);
            for _ in 0..steps {
                step(&mut st, &mut ring);
                if st.m.failures.len() >= 5 {
                    break;
                }
            }
            clean = drain(&mut st, &mut ring);
            if clean {
                let h = st.khead(&ring);
                st.m.final_check(Some(h));
            }
            crate::set_rescue(std::ptr::null_mut(), std::ptr::null_mut());
            note("Ring::drop");
            drop(ring);
        }
        Err(e) => {
            live = false;
            if trace {
                eprintln!("  build({entries}) -> {e:?}");
            }
        }
    }
    for fd in st.m.opened_fds.drain(..).chain(pipe) {
        // SAFETY: fds this sequence opened and owns.
        unsafe { libc::close(fd) };
    }
    let out = SeqOutcome {
        failures: std::mem::take(&mut st.m.failures),
        calls: st.calls,
        sqes: st.sqes,
        cqes: st.m.cqes_seen,
        leaked_storage: !clean,
    };
    if !clean {
        std::mem::forget(std::mem::take(&mut st.bufs));
        std::mem::forget(std::mem::take(&mut st.tss));
    }
    (live, out)
}
