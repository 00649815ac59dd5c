//! The bookkeeping both generators share: which requests are in flight, what each may
//! post, and the checks run on every completion and after every drain.
//!
//! Every SQE a generator prepares gets a fresh `user_data` and an [`Op`] saying how many
//! completions it must post ([`Expect`]), whether it completes on its own ([`Op::level`]),
//! and what its result must look like ([`Check`]). A completion with an unknown
//! `user_data`, a second completion for a single-shot request, a completion after a
//! multishot request's final one, or a result that contradicts the check is recorded
//! as a failure at once; a missing completion is found by [`Model::final_check`].

use std::collections::HashMap;

use uring::sys::*;

/// Byte `i` of the read-only data file.
pub fn pattern(i: u64) -> u8 {
    ((i.wrapping_mul(131) + 7) % 251) as u8
}

/// Size of the data file: not a multiple of the page size, so reads hit EOF mid-page.
pub const DATA_LEN: u64 = 64 * 1024 + 123;

/// How many completions a request posts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Expect {
    /// Exactly one.
    Exact,
    /// Zero or one: `IOSQE_CQE_SKIP_SUCCESS` (a skipped success posts nothing), a link
    /// member after a skip-flagged one (the kernel may skip the rest of a failed chain's
    /// CQEs), the target of a `MSG_RING` (settled by [`Model::final_check`]).
    AtMostOnce,
    /// Any number flagged `IORING_CQE_F_MORE`, then exactly one without it.
    Multishot,
}

/// What a request's result must look like (a `-ECANCELED` is always accepted: links,
/// cancels and the drain's cancel-all can end anything that has not completed).
#[derive(Clone, Debug)]
pub enum Check {
    Any,
    /// One of these values.
    OneOf(Vec<i32>),
    /// A read of the data file into `buf`: `res == want` and the bytes match.
    ReadData {
        buf: *const u8,
        off: u64,
        want: i32,
    },
    /// A read that may fail, but what it read (if anything) must be the data file's.
    ReadMaybe {
        buf: *const u8,
        off: u64,
        max: u32,
    },
    /// A buffer-select read of the data file at `off`: the buffer named by the CQE
    /// holds the file's bytes.
    SelectRead {
        off: u64,
        max: u32,
    },
    /// An openat: a non-negative result is an fd the test must close.
    Open {
        ok: bool,
    },
    /// A statx of the data file: on success the size is `DATA_LEN`.
    Statx {
        buf: *const libc::statx,
        ok: bool,
    },
    /// A `MSG_RING` to this ring posting `target`.
    MsgRing {
        target: u64,
    },
    /// The CQE a `MSG_RING` posts: `res` must be this.
    MsgTarget {
        res: i32,
    },
    /// This error, or whatever the inner check accepts (a DRAIN-flagged request on a
    /// ring that has seen IOSQE_CQE_SKIP_SUCCESS fails with -EOPNOTSUPP).
    OrErr(Box<Check>, i32),
    /// `0 <= res <= max`.
    Len {
        max: u32,
    },
}

impl Check {
    /// An openat, possibly wrapped: a non-negative result is an fd to close.
    fn is_open(&self) -> bool {
        match self {
            Check::Open { .. } => true,
            Check::OrErr(inner, _) => inner.is_open(),
            _ => false,
        }
    }
}

/// One prepared request.
#[derive(Debug)]
pub struct Op {
    pub name: &'static str,
    pub expect: Expect,
    /// 0: completes on its own; 1: needs the pipe to become readable; 2: needs a cancel.
    pub level: u8,
    /// The level this request has without its own wait (what a linked timeout leaves).
    pub base_level: u8,
    pub check: Check,
    pub drain: bool,
    /// The SQ tail after this request's slots: it is consumed once the kernel's SQ head
    /// has reached this. `None` for MSG_RING targets (no SQE of their own).
    pub slot_end: Option<u32>,
    /// The previous member of its link chain.
    pub prev: Option<u64>,
    pub consumed: bool,
    pub cqes: u32,
    pub done: bool,
    pub last_res: Option<i32>,
}

/// A buffer the kernel may pick for a buffer-select read.
#[derive(Clone, Copy, Debug)]
pub struct ProvidedBuf {
    pub ptr: *const u8,
    pub len: u32,
    /// Incremental (`IOU_PBUF_RING_INC`) rings fill a buffer at a moving offset, so the
    /// data cannot be checked.
    pub inc: bool,
}

#[derive(Default)]
pub struct Model {
    pub ops: HashMap<u64, Op>,
    /// user_data in preparation order.
    order: Vec<u64>,
    /// `order[..consumed_upto]` are known to be consumed.
    consumed_upto: usize,
    next_ud: u64,
    /// The pipe has been written to: level-1 requests complete on their own now.
    pub triggered: bool,
    pub failures: Vec<String>,
    /// Buffer id -> buffer, for every buffer provided in this sequence (ids are unique
    /// within a sequence).
    pub provided: HashMap<u16, ProvidedBuf>,
    /// fds returned by openat that the test must close.
    pub opened_fds: Vec<i32>,
    pub cqes_seen: u64,
    pub cqe_mixed: bool,
    /// A DRAIN-flagged request has been prepared on this ring.
    drain_seen: bool,
    /// Results are not checked (IOPOLL rings refuse most requests); counts still are.
    pub lenient: bool,
    /// (skip-flagged request, the NOP hardlinked after it): the NOP's completion, or the
    /// request's own (a failure), proves the request finished.
    pub witnessed: Vec<(u64, u64)>,
}

/// `user_data` values no request uses: cancels of nothing aim here.
pub const NOTHING_UD: u64 = 0x7e57_0000_0000_0000;

impl Model {
    pub fn new() -> Model {
        Model {
            next_ud: 1,
            ..Model::default()
        }
    }

    pub fn fail(&mut self, msg: String) {
        if self.failures.len() < 20 {
            self.failures.push(msg);
        }
    }

    fn effective(&self, level: u8) -> u8 {
        if level == 1 && self.triggered {
            0
        } else {
            level
        }
    }

    /// The highest level among outstanding drain requests: everything prepared after a
    /// pending drain waits for it.
    fn barrier(&self) -> u8 {
        self.ops
            .values()
            .filter(|o| o.drain && !o.done && o.slot_end.is_some())
            .map(|o| self.effective(o.level))
            .max()
            .unwrap_or(0)
    }

    /// The highest level among everything outstanding (what a drain request waits for).
    fn outstanding_level(&self) -> u8 {
        self.ops
            .values()
            .filter(|o| !o.done && o.slot_end.is_some())
            .map(|o| self.effective(o.level))
            .max()
            .unwrap_or(0)
    }

    /// Register a prepared request. `own_level` is its own wait (0, 1, 2); `chain_prev`
    /// the previous member of its link chain; `sqe_flags` its `IOSQE_*` flags;
    /// `slot_end` the SQ tail after its slots.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        ud: u64,
        name: &'static str,
        expect: Expect,
        own_level: u8,
        check: Check,
        sqe_flags: u8,
        chain_prev: Option<u64>,
        slot_end: u32,
    ) {
        let mut base = self.barrier();
        if let Some(p) = chain_prev {
            base = base.max(self.ops[&p].level);
        }
        let drain = sqe_flags & IOSQE_IO_DRAIN != 0;
        // Once a ring has seen a DRAIN request, the kernel (6.16+) queues every later
        // request behind whatever is in flight until the ring goes idle, so from then
        // on each request waits like a drain.
        self.drain_seen |= drain;
        if self.drain_seen {
            base = base.max(self.outstanding_level());
        }
        if drain {
            // DRAIN on a link member makes the kernel drain the whole link from its
            // head: every earlier member now waits for everything in flight too.
            let lvl = self.outstanding_level();
            let mut p = chain_prev;
            while let Some(u) = p {
                let o = self.ops.get_mut(&u).expect("chain member");
                o.level = o.level.max(lvl);
                o.base_level = o.base_level.max(lvl);
                p = o.prev;
            }
        }
        let op = Op {
            name,
            expect,
            level: base.max(own_level),
            base_level: base,
            check,
            drain,
            slot_end: Some(slot_end),
            prev: chain_prev,
            consumed: false,
            cqes: 0,
            done: false,
            last_res: None,
        };
        self.ops.insert(ud, op);
        self.order.push(ud);
    }

    /// A linked timeout was added after `target`: the target no longer waits for
    /// anything but its predecessors. Returns the level the timeout itself gets.
    pub fn bounded_by_link_timeout(&mut self, target: u64) -> u8 {
        let op = self.ops.get_mut(&target).expect("link timeout target");
        op.level = op.base_level;
        op.level
    }

    /// `ud` may now wait for a trigger or a cancel (`level`), e.g. a multishot timeout
    /// whose repeat count a TIMEOUT_UPDATE cleared.
    pub fn raise_level(&mut self, ud: u64, level: u8) {
        if let Some(o) = self.ops.get_mut(&ud) {
            o.level = o.level.max(level);
        }
    }

    /// A fresh user_data.
    pub fn ud(&mut self) -> u64 {
        let u = self.next_ud;
        self.next_ud += 1;
        u
    }

    /// The expected CQE of a MSG_RING to this ring (no SQE of its own).
    pub fn add_msg_target(&mut self, ud: u64, res: i32) {
        self.ops.insert(
            ud,
            Op {
                name: "msg_ring target",
                expect: Expect::AtMostOnce,
                level: 0,
                base_level: 0,
                check: Check::MsgTarget { res },
                drain: false,
                slot_end: None,
                prev: None,
                consumed: true,
                cqes: 0,
                done: false,
                last_res: None,
            },
        );
    }

    /// The kernel's SQ head is now `khead`: mark what it has consumed.
    pub fn update_consumed(&mut self, khead: u32) {
        while self.consumed_upto < self.order.len() {
            let ud = self.order[self.consumed_upto];
            let op = self.ops.get_mut(&ud).expect("op in order");
            let end = op.slot_end.expect("an SQE's op");
            if (khead.wrapping_sub(end) as i32) < 0 {
                break;
            }
            op.consumed = true;
            self.consumed_upto += 1;
        }
    }

    /// Completions certain to arrive without a trigger or a cancel: exact, consumed,
    /// level-0 requests not yet completed. An unbounded wait for at most this many
    /// cannot hang.
    pub fn guaranteed(&self) -> u32 {
        self.ops
            .values()
            .filter(|o| o.expect == Expect::Exact && o.consumed && !o.done && self.effective(o.level) == 0)
            .count() as u32
    }

    /// The requests [`Model::guaranteed`] counts (for traces).
    pub fn guaranteed_list(&self) -> Vec<(u64, &'static str)> {
        let mut v: Vec<(u64, &'static str)> = self
            .ops
            .iter()
            .filter(|(_, o)| o.expect == Expect::Exact && o.consumed && !o.done && self.effective(o.level) == 0)
            .map(|(u, o)| (*u, o.name))
            .collect();
        v.sort_unstable();
        v
    }

    /// Requests that may still be waiting for something the drain must do (trigger or
    /// cancel), or exact/multishot requests still missing their final completion.
    pub fn unfinished(&self) -> usize {
        let ops = self
            .ops
            .values()
            .filter(|o| o.consumed && !o.done && matches!(o.expect, Expect::Exact | Expect::Multishot))
            .count();
        ops + self.witnessed.iter().filter(|p| !self.witness_resolved(p)).count()
    }

    /// A skip-flagged request has provably finished: it or its witness posted.
    fn witness_resolved(&self, &(op, w): &(u64, u64)) -> bool {
        let (op, w) = (&self.ops[&op], &self.ops[&w]);
        !op.consumed || op.cqes > 0 || w.cqes > 0
    }

    /// Outstanding requests that need a trigger or a cancel to finish.
    pub fn stuck(&self) -> usize {
        // A witness whose request failed may never post (the kernel skips the rest of
        // a chain whose skip-flagged head failed at submission): not waited for.
        let settled: Vec<u64> = self
            .witnessed
            .iter()
            .filter(|&&(op, _)| self.ops[&op].cqes > 0)
            .map(|&(_, w)| w)
            .collect();
        self.ops
            .iter()
            .filter(|(u, o)| o.consumed && !o.done && self.effective(o.level) > 0 && !settled.contains(u))
            .count()
    }

    /// Outstanding user_data values (for targeted cancels).
    pub fn outstanding(&self) -> Vec<u64> {
        let mut v: Vec<u64> = self
            .ops
            .iter()
            .filter(|(_, o)| !o.done && o.slot_end.is_some())
            .map(|(u, _)| *u)
            .collect();
        v.sort_unstable();
        v
    }

    /// One completion. `read_provided` reads a provided buffer's bytes for the data check.
    pub fn on_cqe(&mut self, ud: u64, res: i32, flags: u32) {
        self.cqes_seen += 1;
        if flags & IORING_CQE_F_SKIP != 0 {
            if !self.cqe_mixed {
                self.fail(format!(
                    "CQE with IORING_CQE_F_SKIP on a ring without CQE_MIXED (ud {ud:#x})"
                ));
            }
            return;
        }
        let Some(op) = self.ops.get_mut(&ud) else {
            self.fail(format!(
                "CQE with unknown user_data {ud:#x} (res {res}, flags {flags:#x})"
            ));
            return;
        };
        let name = op.name;
        if op.done {
            let msg = format!(
                "second completion for {name} ud {ud:#x} (res {res}, flags {flags:#x}; earlier res {:?})",
                op.last_res
            );
            self.fail(msg);
            return;
        }
        op.cqes += 1;
        op.last_res = Some(res);
        op.consumed = true;
        if let Some(&(w_op, _)) = self.witnessed.iter().find(|p| p.1 == ud) {
            // The witness ran, so the skip-flagged request before it has finished.
            if let Some(o) = self.ops.get_mut(&w_op) {
                o.done = true;
            }
        }
        let Some(op) = self.ops.get_mut(&ud) else {
            return;
        };
        let more = flags & IORING_CQE_F_MORE != 0;
        let bad_more = op.expect != Expect::Multishot && more;
        op.done = !more || op.expect != Expect::Multishot;
        let check = op.check.clone();
        if bad_more {
            self.fail(format!("IORING_CQE_F_MORE on single-shot {name} ud {ud:#x}"));
        }
        if res >= 0 && check.is_open() {
            self.opened_fds.push(res);
        }
        if res == -libc::ECANCELED || self.lenient {
            return;
        }
        if let Err(e) = self.check(&check, res, flags) {
            self.fail(format!("{name} ud {ud:#x}: res {res} flags {flags:#x}: {e}"));
        }
    }

    fn check(&mut self, check: &Check, res: i32, flags: u32) -> Result<(), String> {
        match check {
            Check::Any => Ok(()),
            Check::OneOf(v) => {
                if v.contains(&res) {
                    Ok(())
                } else {
                    Err(format!("expected one of {v:?}"))
                }
            }
            Check::ReadData { buf, off, want } => {
                if res != *want {
                    return Err(format!("expected {want} bytes"));
                }
                compare(*buf, *off, res as u32)
            }
            Check::ReadMaybe { buf, off, max } => {
                if res < 0 {
                    return Ok(());
                }
                if res as u32 > *max {
                    return Err(format!("read more than the {max} bytes asked"));
                }
                compare(*buf, *off, res as u32)
            }
            Check::SelectRead { off, max } => {
                if res < 0 {
                    return Ok(());
                }
                if flags & IORING_CQE_F_BUFFER == 0 {
                    return Err("buffer-select read without IORING_CQE_F_BUFFER".into());
                }
                let bid = (flags >> IORING_CQE_BUFFER_SHIFT) as u16;
                let Some(b) = self.provided.get(&bid).copied() else {
                    return Err(format!("buffer id {bid} was never provided"));
                };
                if res as u32 > (*max).min(b.len) {
                    return Err(format!("read {res} bytes into buffer {bid} of {} (asked {max})", b.len));
                }
                if b.inc {
                    return Ok(());
                }
                compare(b.ptr, *off, res as u32)
            }
            Check::Open { ok } => {
                if res >= 0 {
                    if !ok {
                        return Err("opening a missing path succeeded".into());
                    }
                } else if *ok {
                    return Err("opening the data file failed".into());
                } else if res != -libc::ENOENT {
                    return Err("expected -ENOENT".into());
                }
                Ok(())
            }
            Check::Statx { buf, ok } => {
                if *ok && res != 0 {
                    return Err("statx of the data file failed".into());
                }
                if !*ok && res == 0 {
                    return Err("statx of a missing path succeeded".into());
                }
                if res == 0 {
                    // SAFETY: the statx buffer lives in the sequence's storage until
                    // the drain, and the kernel finished writing it when it posted
                    // this completion.
                    let size = unsafe { (**buf).stx_size };
                    if size != DATA_LEN {
                        return Err(format!("statx size {size}, file has {DATA_LEN}"));
                    }
                }
                Ok(())
            }
            Check::MsgRing { .. } => {
                if res <= 0 {
                    Ok(())
                } else {
                    Err("MSG_RING returned a positive value".into())
                }
            }
            Check::OrErr(inner, e) => {
                if res == *e {
                    Ok(())
                } else {
                    self.check(inner, res, flags)
                }
            }
            Check::Len { max } => {
                if res < 0 || res as u32 <= *max {
                    Ok(())
                } else {
                    Err(format!("more than the {max} bytes asked"))
                }
            }
            Check::MsgTarget { res: want } => {
                if res == *want {
                    Ok(())
                } else {
                    Err(format!("MSG_RING target CQE res {res}, sent {want}"))
                }
            }
        }
    }

    /// After the drain: `khead` is the kernel's final SQ head. Every consumed exact
    /// request completed once, every multishot request finished, nothing unconsumed
    /// completed, and MSG_RING targets match their sources.
    pub fn final_check(&mut self, khead: Option<u32>) {
        if let Some(h) = khead {
            self.update_consumed(h);
        }
        let mut msgs = Vec::new();
        let mut uds: Vec<&u64> = self.ops.keys().collect();
        uds.sort_unstable();
        for ud in uds {
            let op = &self.ops[ud];
            if !op.consumed {
                if op.cqes > 0 {
                    msgs.push(format!(
                        "{} ud {ud:#x}: a completion for an SQE the kernel never consumed",
                        op.name
                    ));
                }
                continue;
            }
            match op.expect {
                Expect::Exact if op.cqes != 1 => msgs.push(format!(
                    "{} ud {ud:#x}: {} completions, expected exactly 1 (level {})",
                    op.name, op.cqes, op.level
                )),
                Expect::Multishot if !op.done => msgs.push(format!(
                    "{} ud {ud:#x}: multishot request never posted its final completion ({} CQEs)",
                    op.name, op.cqes
                )),
                _ => {}
            }
            if let Check::MsgRing { target } = op.check {
                let t = self.ops[&target].cqes;
                match op.last_res {
                    Some(0) if t != 1 => {
                        msgs.push(format!("MSG_RING ud {ud:#x} succeeded but its target posted {t} CQEs"))
                    }
                    Some(r) if r < 0 && t != 0 && r != -libc::ECANCELED => msgs.push(format!(
                        "MSG_RING ud {ud:#x} failed ({r}) but its target posted {t} CQEs"
                    )),
                    _ => {}
                }
            }
        }
        for p in &self.witnessed {
            if !self.witness_resolved(p) {
                msgs.push(format!(
                    "skip-flagged {} ud {:#x}: neither it nor its hardlinked witness posted a completion",
                    self.ops[&p.0].name, p.0
                ));
            }
        }
        for m in msgs {
            self.fail(m);
        }
    }
}

/// The `n` bytes at `buf` equal the data file's bytes at `off`.
fn compare(buf: *const u8, off: u64, n: u32) -> Result<(), String> {
    for i in 0..u64::from(n) {
        // SAFETY: `buf` is a buffer of the sequence's storage (or a provided buffer in
        // it) of at least `n` bytes, alive until the drain; the kernel finished writing
        // it when it posted the completion being checked.
        let p = unsafe { buf.add(i as usize) };
        // SAFETY: as above: inside the buffer, completely written.
        let got = unsafe { p.read() };
        let want = pattern(off + i);
        if got != want {
            return Err(format!(
                "byte {i} (file offset {}) is {got:#x}, file has {want:#x}",
                off + i
            ));
        }
    }
    Ok(())
}
