//! What the kernel's io_uring can do, found by trying: feature bits of a plain ring, each
//! setup flag on a tiny ring, the opcode probe, register operations on throw-away rings,
//! and the largest ring sizes accepted.
//!
//! Everything goes through the crate's core (`setup`, `probe`, `register`, `sys`), which
//! is also what the C library runs on.
//!
//! # Invariant
//!
//! * **TEMP-RING**: a [`TempRing`] holds an `io_uring` that `queue_init_params_exact`
//!   set up and that only its `Drop` tears down, so it is SET-UP (see
//!   `uring::ring::io_uring`) for as long as the `TempRing` lives; it is used from one
//!   thread, so no other side runs concurrently with anything done to it.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::ptr;

use uring::errno::Errno;
use uring::probe::Probe;
use uring::register::{self, buffers, files, misc, ring_fd};
use uring::ring::{io_uring, RingRef};
use uring::setup;
use uring::sys::*;

use crate::names;

/// A ring for one experiment, torn down when dropped (TEMP-RING).
pub struct TempRing {
    ring: Box<io_uring>,
    params: io_uring_params,
}

impl TempRing {
    /// A ring of `entries` set up exactly as `p` asks (the kernel's answer stays in
    /// [`TempRing::params`]).
    pub fn with_params(entries: u32, mut p: io_uring_params) -> Result<TempRing, Errno> {
        let mut ring = Box::new(io_uring::zeroed());
        // SAFETY: a NULL buffer makes the library map any NO_MMAP memory itself, so the
        // only requirement left is that `ring` may be overwritten: it is fresh.
        unsafe { setup::queue_init_params_exact(entries, &mut ring, &mut p, ptr::null_mut(), 0) }?;
        Ok(TempRing { ring, params: p })
    }

    /// A ring of `entries` with setup `flags`.
    pub fn new(entries: u32, flags: u32) -> Result<TempRing, Errno> {
        TempRing::with_params(
            entries,
            io_uring_params {
                flags,
                ..Default::default()
            },
        )
    }

    /// The handle the register wrappers take.
    pub fn r(&mut self) -> RingRef<'_> {
        // SAFETY: TEMP-RING: set up until Drop, and `&mut self` keeps every other use
        // away while the handle lives.
        unsafe { self.ring.as_ring_ref() }
    }

    /// The ring's fd.
    pub fn fd(&self) -> i32 {
        self.ring.ring_fd
    }

    /// The kernel's answer to the setup.
    pub fn params(&self) -> &io_uring_params {
        &self.params
    }
}

impl Drop for TempRing {
    fn drop(&mut self) {
        // SAFETY: TEMP-RING: set up, torn down exactly once, here.
        unsafe { setup::queue_exit(&mut self.ring) }
    }
}

/// How a setup flag fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagStatus {
    /// A ring with the flag was created.
    Supported,
    /// The kernel refused it with EINVAL: it does not know the flag.
    Unsupported,
    /// EPERM or EACCES while a plain ring works: the flag needs a privilege this process
    /// lacks.
    NeedsPrivilege,
    /// Another error (the errno says which): the kernel knows the flag but this attempt
    /// could not be set up (memory, huge pages, ...).
    Failed,
}

impl FlagStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagStatus::Supported => "supported",
            FlagStatus::Unsupported => "unsupported",
            FlagStatus::NeedsPrivilege => "needs-privilege",
            FlagStatus::Failed => "failed",
        }
    }
}

/// One setup flag's result.
#[derive(Clone, Debug)]
pub struct FlagResult {
    pub name: &'static str,
    pub value: u32,
    pub status: FlagStatus,
    /// The errno of the last attempt, when none worked.
    pub errno: Option<i32>,
    /// The flags and parameters the flag was tried with ("" for alone).
    pub with: &'static str,
}

/// A setup flag and how to try it: companion flags it cannot go without, and a
/// description of them.
struct FlagTrial {
    flag: u32,
    name: &'static str,
    companions: u32,
    with: &'static str,
}

const FLAG_TRIALS: &[FlagTrial] = &[
    t(IORING_SETUP_IOPOLL, "IOPOLL", 0, ""),
    t(IORING_SETUP_SQPOLL, "SQPOLL", 0, "sq_thread_idle 10 ms"),
    t(
        IORING_SETUP_SQ_AFF,
        "SQ_AFF",
        IORING_SETUP_SQPOLL,
        "SQPOLL, sq_thread_cpu = the current CPU",
    ),
    t(IORING_SETUP_CQSIZE, "CQSIZE", 0, "cq_entries 16"),
    t(IORING_SETUP_CLAMP, "CLAMP", 0, ""),
    t(IORING_SETUP_ATTACH_WQ, "ATTACH_WQ", 0, "wq_fd = another ring's fd"),
    t(IORING_SETUP_R_DISABLED, "R_DISABLED", 0, ""),
    t(IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL", 0, ""),
    t(IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN", 0, ""),
    t(
        IORING_SETUP_TASKRUN_FLAG,
        "TASKRUN_FLAG",
        IORING_SETUP_COOP_TASKRUN,
        "COOP_TASKRUN",
    ),
    t(IORING_SETUP_SQE128, "SQE128", 0, ""),
    t(IORING_SETUP_CQE32, "CQE32", 0, ""),
    t(IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER", 0, ""),
    t(
        IORING_SETUP_DEFER_TASKRUN,
        "DEFER_TASKRUN",
        IORING_SETUP_SINGLE_ISSUER,
        "SINGLE_ISSUER",
    ),
    t(IORING_SETUP_NO_MMAP, "NO_MMAP", 0, "memory mapped by the library"),
    t(
        IORING_SETUP_REGISTERED_FD_ONLY,
        "REGISTERED_FD_ONLY",
        IORING_SETUP_NO_MMAP,
        "NO_MMAP",
    ),
    t(IORING_SETUP_NO_SQARRAY, "NO_SQARRAY", 0, ""),
    t(
        IORING_SETUP_HYBRID_IOPOLL,
        "HYBRID_IOPOLL",
        IORING_SETUP_IOPOLL,
        "IOPOLL",
    ),
    t(IORING_SETUP_CQE_MIXED, "CQE_MIXED", 0, ""),
    t(IORING_SETUP_SQE_MIXED, "SQE_MIXED", 0, ""),
    t(
        IORING_SETUP_SQ_REWIND,
        "SQ_REWIND",
        IORING_SETUP_NO_SQARRAY,
        "NO_SQARRAY",
    ),
];

const fn t(flag: u32, name: &'static str, companions: u32, with: &'static str) -> FlagTrial {
    FlagTrial {
        flag,
        name,
        companions,
        with,
    }
}

/// Try every setup flag on a 4-entry ring. `plain_works`: a ring without flags can be
/// created (an EPERM then means the flag needs a privilege).
pub fn try_setup_flags(plain_works: bool) -> Vec<FlagResult> {
    // ATTACH_WQ shares the io-wq of this ring.
    let other = TempRing::new(4, 0).ok();
    FLAG_TRIALS
        .iter()
        .map(|trial| {
            let mut p = io_uring_params {
                flags: trial.flag | trial.companions,
                ..Default::default()
            };
            if p.flags & IORING_SETUP_SQPOLL != 0 {
                p.sq_thread_idle = 10;
            }
            if trial.flag == IORING_SETUP_SQ_AFF {
                // SAFETY: sched_getcpu has no preconditions.
                p.sq_thread_cpu = u32::try_from(unsafe { libc::sched_getcpu() }).unwrap_or(0);
            }
            if trial.flag == IORING_SETUP_CQSIZE {
                p.cq_entries = 16;
            }
            if trial.flag == IORING_SETUP_ATTACH_WQ {
                p.wq_fd = other.as_ref().map_or(u32::MAX, |r| r.fd() as u32);
            }
            let (status, errno) = match TempRing::with_params(4, p) {
                Ok(_) => (FlagStatus::Supported, None),
                Err(e) => (classify_flag_error(e, plain_works), Some(e.raw())),
            };
            FlagResult {
                name: trial.name,
                value: trial.flag,
                status,
                errno,
                with: trial.with,
            }
        })
        .collect()
}

/// What a setup flag's errno means.
pub fn classify_flag_error(e: Errno, plain_works: bool) -> FlagStatus {
    match e.raw() {
        libc::EINVAL => FlagStatus::Unsupported,
        libc::EPERM | libc::EACCES if plain_works => FlagStatus::NeedsPrivilege,
        _ => FlagStatus::Failed,
    }
}

/// One opcode of the probe.
#[derive(Clone, Debug)]
pub struct OpResult {
    pub op: u8,
    pub name: String,
    pub supported: bool,
}

/// The probe: every opcode the kernel or this library knows, supported or not.
#[derive(Clone, Debug)]
pub struct ProbeResult {
    pub last_op: u8,
    pub ops: Vec<OpResult>,
}

/// Probe the opcodes through `ring`.
pub fn probe_opcodes(ring: &mut TempRing) -> Result<ProbeResult, Errno> {
    let probe = Probe::for_ring(ring.r())?;
    let known = names::OPCODES.len();
    let count = known.max(usize::from(probe.last_op()) + 1);
    let ops = (0..count)
        .map(|i| {
            let op = i as u8;
            OpResult {
                op,
                name: names::OPCODES.get(i).map_or_else(
                    || format!("op {i} (unknown to this library)"),
                    |(_, n)| (*n).to_string(),
                ),
                supported: probe.is_supported(op),
            }
        })
        .collect();
    Ok(ProbeResult {
        last_op: probe.last_op(),
        ops,
    })
}

/// What `IORING_REGISTER_QUERY` (Linux 6.18+) says about opcodes and flags.
#[derive(Clone, Copy, Debug, Default)]
pub struct Query {
    pub nr_request_opcodes: u32,
    pub nr_register_opcodes: u32,
    pub feature_flags: u64,
    pub ring_setup_flags: u64,
    pub enter_flags: u64,
    pub sqe_flags: u64,
}

/// Ask `IORING_REGISTER_QUERY` for the opcode counts and flag masks.
pub fn query() -> Result<Query, Errno> {
    let mut data = io_uring_query_opcode::default();
    let mut hdr = io_uring_query_hdr {
        query_op: IO_URING_QUERY_OPCODES,
        query_data: ptr::from_mut(&mut data) as u64,
        size: core::mem::size_of::<io_uring_query_opcode>() as u32,
        ..Default::default()
    };
    // SAFETY: REG-ARG: `hdr` is one live header (next_entry 0) naming `data`, a live
    // local of exactly `size` bytes; both outlive the call.
    unsafe { misc::register_query(&mut hdr) }?;
    if hdr.result < 0 {
        return Err(Errno(-hdr.result));
    }
    Ok(Query {
        nr_request_opcodes: data.nr_request_opcodes,
        nr_register_opcodes: data.nr_register_opcodes,
        feature_flags: data.feature_flags,
        ring_setup_flags: data.ring_setup_flags,
        enter_flags: data.enter_flags,
        sqe_flags: data.sqe_flags,
    })
}

/// How a register operation fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegStatus {
    /// Exercised on a throw-away ring and it worked.
    Available,
    /// Not exercised (it needs hardware or a set-up this report does not make), but
    /// `IORING_REGISTER_QUERY` says the kernel knows it.
    Known,
    /// The kernel does not know it (EINVAL where the query, if any, agrees).
    Unsupported,
    /// Exercised and failed with another errno, or with EINVAL although the kernel knows
    /// the operation.
    Failed,
    /// Neither exercised nor answerable by a query (kernels before 6.18).
    Untested,
}

impl RegStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RegStatus::Available => "available",
            RegStatus::Known => "known",
            RegStatus::Unsupported => "unsupported",
            RegStatus::Failed => "failed",
            RegStatus::Untested => "untested",
        }
    }
}

/// One register operation's result.
#[derive(Clone, Debug)]
pub struct RegResult {
    pub op: u32,
    pub name: &'static str,
    pub status: RegStatus,
    pub errno: Option<i32>,
}

/// The outcome of each exercised operation.
type Outcomes = Vec<(u32, Result<(), Errno>)>;

/// Record `r` for `op`; Ok(()) if it worked, so the exercise can go on.
fn record<T>(out: &mut Outcomes, op: u32, r: Result<T, Errno>) -> Result<(), Errno> {
    let r = r.map(|_| ());
    out.push((op, r));
    r
}

/// [`record`], keeping the value.
fn record_value<T>(out: &mut Outcomes, op: u32, r: Result<T, Errno>) -> Result<T, Errno> {
    out.push((op, r.as_ref().map(|_| ()).map_err(|e| *e)));
    r
}

/// Classify the outcome of `op` given what the query said (`known`: Some(whether the
/// kernel knows it)).
pub fn classify_register(outcome: Option<Result<(), Errno>>, known: Option<bool>) -> (RegStatus, Option<i32>) {
    match (outcome, known) {
        (Some(Ok(())), _) => (RegStatus::Available, None),
        (Some(Err(e)), Some(true)) => (RegStatus::Failed, Some(e.raw())),
        (Some(Err(e)), _) if e == Errno::EINVAL => (RegStatus::Unsupported, Some(e.raw())),
        (Some(Err(e)), _) => (RegStatus::Failed, Some(e.raw())),
        (None, Some(true)) => (RegStatus::Known, None),
        (None, Some(false)) => (RegStatus::Unsupported, None),
        (None, None) => (RegStatus::Untested, None),
    }
}

/// Exercise the register operations on throw-away rings and classify every one.
pub fn register_ops(query: Option<&Query>) -> Vec<RegResult> {
    let mut out = Outcomes::new();
    // Each exercise stops at its first failure; the operations after it stay untested
    // rather than being blamed for it.
    let _ = exercise_buffers(&mut out);
    let _ = exercise_files(&mut out);
    let _ = exercise_eventfd(&mut out);
    let _ = exercise_misc(&mut out);
    let _ = exercise_restrictions(&mut out);
    let _ = exercise_pbuf_ring(&mut out);
    let _ = exercise_resize(&mut out);
    if query.is_some() {
        out.push((IORING_REGISTER_QUERY, Ok(())));
    }
    names::REGISTER_OPS
        .iter()
        .map(|&(op, name)| {
            let outcome = out.iter().find(|(o, _)| *o == op).map(|(_, r)| *r);
            let known = query.map(|q| op < q.nr_register_opcodes);
            let (status, errno) = classify_register(outcome, known);
            RegResult {
                op,
                name,
                status,
                errno,
            }
        })
        .collect()
}

fn exercise_buffers(out: &mut Outcomes) -> Result<(), Errno> {
    // Declared before the rings so that it is dropped after them, early returns included:
    // it stays valid for as long as any ring has it registered.
    let mut buf = vec![0u8; 4096];
    let iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let mut ring = TempRing::new(4, 0)?;
    // SAFETY: REG-ARG: `buf` outlives every ring it is registered with (declared first,
    // dropped last).
    let r = unsafe { buffers::register_buffers(ring.r(), &[iov]) };
    record(out, IORING_REGISTER_BUFFERS, r)?;
    // The same buffer again through the update operation (slot 0, no tag).
    // SAFETY: REG-ARG: as above.
    let r = unsafe { buffers::register_buffers_update_tag(ring.r(), 0, &[iov], &[0]) };
    record(out, IORING_REGISTER_BUFFERS_UPDATE, r)?;
    // A second ring takes a copy of the table.
    let mut copy = TempRing::new(4, 0)?;
    // SAFETY: REG-CLONE: `buf` outlives `copy` too (declared first, dropped last).
    let r = unsafe { buffers::clone_buffers(copy.r(), ring.r()) };
    record(out, IORING_REGISTER_CLONE_BUFFERS, r)?;
    drop(copy);
    record(out, IORING_UNREGISTER_BUFFERS, buffers::unregister_buffers(ring.r()))?;
    record(
        out,
        IORING_REGISTER_BUFFERS2,
        buffers::register_buffers_sparse(ring.r(), 2),
    )?;
    Ok(())
}

fn exercise_files(out: &mut Outcomes) -> Result<(), Errno> {
    let mut ring = TempRing::new(4, 0)?;
    let null = std::fs::File::open("/dev/null").map_err(|e| Errno(e.raw_os_error().unwrap_or(libc::EIO)))?;
    let fd = null.as_raw_fd();
    record(out, IORING_REGISTER_FILES, files::register_files(ring.r(), &[fd]))?;
    record(
        out,
        IORING_REGISTER_FILES_UPDATE,
        files::register_files_update(ring.r(), 0, &[fd]),
    )?;
    record(
        out,
        IORING_REGISTER_FILES_UPDATE2,
        files::register_files_update_tag(ring.r(), 0, &[fd], &[0]),
    )?;
    record(out, IORING_UNREGISTER_FILES, files::unregister_files(ring.r()))?;
    record(out, IORING_REGISTER_FILES2, files::register_files_sparse(ring.r(), 4))?;
    record(
        out,
        IORING_REGISTER_FILE_ALLOC_RANGE,
        files::register_file_alloc_range(ring.r(), 0, 4),
    )?;
    Ok(())
}

fn exercise_eventfd(out: &mut Outcomes) -> Result<(), Errno> {
    let mut ring = TempRing::new(4, 0)?;
    // SAFETY: eventfd takes plain integers and returns a new fd or -1.
    let raw = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC) };
    if raw < 0 {
        return Err(Errno(libc::EMFILE));
    }
    // SAFETY: `raw` is a fresh fd nothing else owns.
    let efd = unsafe { OwnedFd::from_raw_fd(raw) };
    record(
        out,
        IORING_REGISTER_EVENTFD,
        misc::register_eventfd(ring.r(), efd.as_raw_fd()),
    )?;
    record(out, IORING_UNREGISTER_EVENTFD, misc::unregister_eventfd(ring.r()))?;
    record(
        out,
        IORING_REGISTER_EVENTFD_ASYNC,
        misc::register_eventfd_async(ring.r(), efd.as_raw_fd()),
    )?;
    misc::unregister_eventfd(ring.r())?;
    Ok(())
}

/// Operations that each stand alone: a failure of one does not stop the others.
fn exercise_misc(out: &mut Outcomes) -> Result<(), Errno> {
    let mut ring = TempRing::new(4, 0)?;
    let _ = record(out, IORING_REGISTER_PROBE, Probe::for_ring(ring.r()));
    if let Ok(id) = record_value(out, IORING_REGISTER_PERSONALITY, misc::register_personality(ring.r())) {
        let _ = record(
            out,
            IORING_UNREGISTER_PERSONALITY,
            misc::unregister_personality(ring.r(), id),
        );
    }
    // io-wq affinity: the CPUs this process may run on already.
    // SAFETY: cpu_set_t is a plain bit array; all zeroes is a valid (empty) set.
    let mut set: libc::cpu_set_t = unsafe { core::mem::zeroed() };
    // SAFETY: sched_getaffinity writes at most `size_of(set)` bytes into the live local.
    let got = unsafe { libc::sched_getaffinity(0, core::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    if got == 0 && record(out, IORING_REGISTER_IOWQ_AFF, misc::register_iowq_aff(ring.r(), &set)).is_ok() {
        let _ = record(out, IORING_UNREGISTER_IOWQ_AFF, misc::unregister_iowq_aff(ring.r()));
    }
    // [0, 0] only reads the current limits.
    let mut workers = [0u32; 2];
    let _ = record(
        out,
        IORING_REGISTER_IOWQ_MAX_WORKERS,
        misc::register_iowq_max_workers(ring.r(), &mut workers),
    );
    // Nothing is in flight: ENOENT is the answer of a kernel that has the operation.
    let cancel = io_uring_sync_cancel_reg {
        addr: 0x5eed,
        fd: -1,
        timeout: __kernel_timespec {
            tv_sec: -1,
            tv_nsec: -1,
        },
        ..Default::default()
    };
    let r = match misc::register_sync_cancel(ring.r(), &cancel) {
        Err(e) if e.raw() == libc::ENOENT => Ok(0),
        other => other,
    };
    let _ = record(out, IORING_REGISTER_SYNC_CANCEL, r);
    let mut napi = io_uring_napi::default();
    if record(out, IORING_REGISTER_NAPI, misc::register_napi(ring.r(), &mut napi)).is_ok() {
        let _ = record(out, IORING_UNREGISTER_NAPI, misc::unregister_napi(ring.r(), None));
    }
    let clock = io_uring_clock_register {
        clockid: libc::CLOCK_MONOTONIC as u32,
        ..Default::default()
    };
    let _ = record(out, IORING_REGISTER_CLOCK, misc::register_clock(ring.r(), &clock));
    // A message to this ring, posted without a source ring.
    let mut sqe = io_uring_sqe::default();
    uring::prep::msg_ring(&mut sqe, ring.fd(), 0, 0x5eed, 0);
    // SAFETY: TEMP-RING: the message goes to this probe's own throwaway ring, whose
    // completions nothing reaps as a claim about an operation.
    let sent = unsafe { misc::register_sync_msg(&sqe) };
    let _ = record(out, IORING_REGISTER_SEND_MSG_RING, sent);
    // Registering the ring fd needs the ring exclusively; nothing else uses it here.
    // SAFETY: TEMP-RING: set up, and this thread is its only user.
    if record(out, IORING_REGISTER_RING_FDS, unsafe {
        ring_fd::register_ring_fd(&mut ring.ring)
    })
    .is_ok()
    {
        // SAFETY: as above.
        let r = unsafe { ring_fd::unregister_ring_fd(&mut ring.ring) };
        let _ = record(out, IORING_UNREGISTER_RING_FDS, r);
    }
    Ok(())
}

fn exercise_restrictions(out: &mut Outcomes) -> Result<(), Errno> {
    let mut ring = TempRing::new(4, IORING_SETUP_R_DISABLED)?;
    let allow_nop = io_uring_restriction {
        opcode: IORING_RESTRICTION_SQE_OP as u16,
        op: io_uring_restriction_op { sqe_op: IORING_OP_NOP },
        resv: 0,
        resv2: [0; 3],
    };
    record(
        out,
        IORING_REGISTER_RESTRICTIONS,
        misc::register_restrictions(ring.r(), &[allow_nop]),
    )?;
    record(out, IORING_REGISTER_ENABLE_RINGS, ring_fd::enable_rings(ring.r()))?;
    Ok(())
}

fn exercise_pbuf_ring(out: &mut Outcomes) -> Result<(), Errno> {
    let mut ring = TempRing::new(4, 0)?;
    let page = setup::page_size();
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing
    // touches no existing memory.
    let mem = unsafe {
        libc::mmap(
            ptr::null_mut(),
            page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if mem == libc::MAP_FAILED {
        return Err(Errno::ENOMEM);
    }
    const GROUP: u16 = 7;
    let reg = io_uring_buf_reg {
        ring_addr: mem as u64,
        ring_entries: 1,
        bgid: GROUP,
        ..Default::default()
    };
    // SAFETY: REG-ARG: `reg` is a live local; the page it names stays mapped until after
    // the buffer ring is unregistered (or the ring is torn down: `ring` is dropped
    // before the munmap below).
    let r = unsafe { register::do_register(ring.r(), IORING_REGISTER_PBUF_RING, ptr::from_ref(&reg).cast(), 1) };
    let result = (|| {
        record(out, IORING_REGISTER_PBUF_RING, r)?;
        let mut status = io_uring_buf_status {
            buf_group: u32::from(GROUP),
            ..Default::default()
        };
        // SAFETY: REG-ARG: the kernel writes one io_uring_buf_status into the live local.
        let r = unsafe {
            register::do_register(
                ring.r(),
                IORING_REGISTER_PBUF_STATUS,
                ptr::from_mut(&mut status).cast_const().cast(),
                1,
            )
        };
        let _ = record(out, IORING_REGISTER_PBUF_STATUS, r);
        let unreg = io_uring_buf_reg {
            bgid: GROUP,
            ..Default::default()
        };
        // SAFETY: REG-ARG: the kernel reads one io_uring_buf_reg from the live local.
        let r =
            unsafe { register::do_register(ring.r(), IORING_UNREGISTER_PBUF_RING, ptr::from_ref(&unreg).cast(), 1) };
        record(out, IORING_UNREGISTER_PBUF_RING, r)
    })();
    drop(ring);
    // SAFETY: `mem` is the page mapped above; the ring that used it is gone.
    unsafe { libc::munmap(mem, page) };
    result
}

fn exercise_resize(out: &mut Outcomes) -> Result<(), Errno> {
    // The kernel resizes only DEFER_TASKRUN rings.
    let mut ring = TempRing::new(4, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN)?;
    let mut p = io_uring_params {
        sq_entries: 8,
        cq_entries: 32,
        flags: IORING_SETUP_CQSIZE,
        ..Default::default()
    };
    // SAFETY: TEMP-RING: set up; no SQE or CQE pointer into it exists.
    let r = unsafe { setup::resize_rings(&mut ring.ring, &mut p) };
    record(out, IORING_REGISTER_RESIZE_RINGS, r)
}

/// The largest size a setup accepted, and the smallest it refused.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limit {
    /// The largest size accepted (None: not even 1).
    pub largest: Option<u32>,
    /// The smallest size refused (`largest + 1`), with its errno; None when every size
    /// up to 2^20 was accepted.
    pub refused: Option<(u32, i32)>,
}

/// Largest SQ and CQ sizes, tried with bare io_uring_setup(2) calls (no mapping).
pub fn ring_limits() -> (Limit, Limit) {
    let sq = largest(|n| raw_setup(n, 0, 0));
    let cq = largest(|n| raw_setup(1, IORING_SETUP_CQSIZE, n));
    (sq, cq)
}

/// The largest `n` in 1..=2^20 that `setup` accepts, assuming every size below an accepted
/// one is accepted too: powers of two first, then a binary search between the last
/// accepted and the first refused one (the kernel rounds sizes up to a power of two, but
/// checks its maximum before rounding).
fn largest(mut setup: impl FnMut(u32) -> Result<(), Errno>) -> Limit {
    let mut ok = None;
    let mut refused = None;
    for shift in 0..=20 {
        let n = 1u32 << shift;
        match setup(n) {
            Ok(()) => ok = Some(n),
            Err(e) => {
                refused = Some((n, e.raw()));
                break;
            }
        }
    }
    if let (Some(mut lo), Some((mut hi, mut errno))) = (ok, refused) {
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            match setup(mid) {
                Ok(()) => lo = mid,
                Err(e) => (hi, errno) = (mid, e.raw()),
            }
        }
        return Limit {
            largest: Some(lo),
            refused: Some((hi, errno)),
        };
    }
    Limit { largest: ok, refused }
}

/// A bare io_uring_setup(2), the fd closed at once.
fn raw_setup(entries: u32, flags: u32, cq_entries: u32) -> Result<(), Errno> {
    let mut p = io_uring_params {
        flags,
        cq_entries,
        ..Default::default()
    };
    // SAFETY: io_uring_setup(2) reads and writes one io_uring_params through the
    // pointer, a live local. (libc's wrapper reports errors through errno.)
    let fd = unsafe { libc::syscall(libc::SYS_io_uring_setup, entries, ptr::from_mut(&mut p)) };
    if fd < 0 {
        return Err(Errno(
            std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EINVAL),
        ));
    }
    // SAFETY: `fd` is the ring just created, owned by nothing else.
    drop(unsafe { OwnedFd::from_raw_fd(fd as i32) });
    Ok(())
}

/// Whether this kernel charges ring memory to RLIMIT_MEMLOCK: a child process with the
/// soft limit at 0 tries a ring. None where the answer cannot be had (the child could
/// not be made).
pub fn memlock_charged() -> Option<bool> {
    // SAFETY: this program is single-threaded here, and the child only makes
    // async-signal-safe system calls (setrlimit, io_uring_setup, close) before _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return None;
    }
    if pid == 0 {
        let mut r = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes one struct into the live local.
        unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut r) };
        r.rlim_cur = 0;
        // SAFETY: setrlimit reads one struct from the live local.
        unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &r) };
        let code = match raw_setup(8, 0, 0) {
            Ok(()) => 0,
            Err(Errno::ENOMEM) => 1,
            Err(_) => 2,
        };
        // SAFETY: _exit ends the child without running the parent's atexit handlers.
        unsafe { libc::_exit(code) };
    }
    let mut status = 0;
    // SAFETY: waits for our own child and writes its status into the live local.
    if unsafe { libc::waitpid(pid, &mut status, 0) } != pid || !libc::WIFEXITED(status) {
        return None;
    }
    match libc::WEXITSTATUS(status) {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_errors() {
        assert_eq!(classify_flag_error(Errno::EINVAL, true), FlagStatus::Unsupported);
        assert_eq!(classify_flag_error(Errno::EPERM, true), FlagStatus::NeedsPrivilege);
        assert_eq!(classify_flag_error(Errno::EPERM, false), FlagStatus::Failed);
        assert_eq!(classify_flag_error(Errno::ENOMEM, true), FlagStatus::Failed);
    }

    #[test]
    fn register_outcomes() {
        use RegStatus::*;
        assert_eq!(classify_register(Some(Ok(())), None), (Available, None));
        assert_eq!(
            classify_register(Some(Err(Errno::EINVAL)), None),
            (Unsupported, Some(libc::EINVAL))
        );
        assert_eq!(
            classify_register(Some(Err(Errno::EINVAL)), Some(true)),
            (Failed, Some(libc::EINVAL))
        );
        assert_eq!(
            classify_register(Some(Err(Errno::ENOMEM)), None),
            (Failed, Some(libc::ENOMEM))
        );
        assert_eq!(classify_register(None, Some(true)), (Known, None));
        assert_eq!(classify_register(None, Some(false)), (Unsupported, None));
        assert_eq!(classify_register(None, None), (Untested, None));
    }

    #[test]
    fn largest_size_is_exact() {
        let limit = |max: u32| {
            let mut calls = 0;
            let l = largest(|n| {
                calls += 1;
                if n <= max {
                    Ok(())
                } else {
                    Err(Errno::EINVAL)
                }
            });
            (l.largest, l.refused, calls)
        };
        assert_eq!(limit(32768), (Some(32768), Some((32769, libc::EINVAL)), 17 + 15));
        assert_eq!(limit(1000), (Some(1000), Some((1001, libc::EINVAL)), 11 + 9));
        assert_eq!(limit(0), (None, Some((1, libc::EINVAL)), 1));
        assert_eq!(limit(u32::MAX).0, Some(1 << 20));
        assert_eq!(limit(u32::MAX).1, None);
    }

    #[test]
    fn every_flag_is_tried_once() {
        let mut seen = 0u32;
        for t in FLAG_TRIALS {
            assert_eq!(t.flag.count_ones(), 1, "{}", t.name);
            assert_eq!(seen & t.flag, 0, "{} twice", t.name);
            seen |= t.flag;
        }
        // Every IORING_SETUP_* bit this library knows, IOPOLL (bit 0) to SQ_REWIND (bit 20).
        assert_eq!(seen, (IORING_SETUP_SQ_REWIND << 1) - 1);
    }
}
