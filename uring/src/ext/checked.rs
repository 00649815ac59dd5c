//! Checked mode: every submit first validates the SQEs it is about to hand to the kernel.
//!
//! Turned on per ring by `uring_set_checked(ring, 1)` / `Ring::set_checked(true)`, or for
//! every ring set up while `URING_CHECK=1` is in the environment. The switch is the
//! `INT_FLAG_CHECKED` bit of the ring's private `int_flags` byte, so `struct io_uring`
//! keeps liburing's layout; the submit path tests that bit once and calls
//! [`check_pending`] (cold, out of line) only when it is set.
//!
//! # What happens to a batch with a violation
//!
//! The SQEs checked are the *pending* ones: handed out by `get_sqe` since the last submit
//! (from `sq.sqe_head` to `sq.sqe_tail`), all of them, before any is published. If one or
//! more break a rule, one line per violation goes to stderr, **none** of the pending SQEs
//! is published or submitted, all of them are discarded (the SQ tail goes back to
//! `sqe_head`, as if those `get_sqe` calls had not happened, so their slots are free
//! again and no completion will ever arrive for them), and the submit function returns
//! `-EINVAL` (`Err(EINVAL)`) without entering the kernel (a `submit_and_wait*` does not
//! wait either). SQEs published by earlier submits are not touched.
//!
//! # The rules
//!
//! For each pending SQE, in this order (the first broken rule is reported):
//! 1. the opcode is one this library knows (below `IORING_OP_LAST`) and that the kernel
//!    supports (its probe, cached for the process: see [`PROBE`]);
//! 2. `IOSQE_*` flags: no unknown bits; `IOSQE_BUFFER_SELECT` only on operations that
//!    select buffers; `IOSQE_FIXED_FILE` only on operations that take a file (and always
//!    on `FIXED_FD_INSTALL`);
//! 3. multishot requests (multishot accept/recv/recvmsg/poll/timeout, `READ_MULTISHOT`,
//!    `RECV_ZC`): recv, recvmsg and read multishot need `IOSQE_BUFFER_SELECT`, and none
//!    may carry `IOSQE_CQE_SKIP_SUCCESS`;
//! 4. the file: for an operation that takes a file, `fd` is an open descriptor
//!    (`fcntl(F_GETFD)`), or with `IOSQE_FIXED_FILE` an index below the number of
//!    registered files (asked of the kernel with an `IORING_REGISTER_FILES_UPDATE` of
//!    that one slot to `IORING_REGISTER_FILES_SKIP`, which it range-checks and then
//!    leaves alone: one system call, whatever the table size; skipped if the kernel
//!    answers anything but success, `EINVAL` or `ENXIO`);
//! 5. buffers: `addr` non-NULL where `len` is non-zero for the plain buffer operations
//!    (unless the buffer is selected by the kernel), and always for the iovec and msghdr
//!    ones with a non-zero count;
//! 6. timeouts: `TIMEOUT` and `LINK_TIMEOUT` point to a timespec (unless
//!    `IORING_TIMEOUT_IMMEDIATE_ARG`), a timeout update points to the new one;
//! 7. link chains end: the last pending SQE has neither `IOSQE_IO_LINK` nor
//!    `IOSQE_IO_HARDLINK`.

use core::fmt;
use core::sync::atomic::{AtomicU64, AtomicU8, Ordering};

use crate::errno::Errno;
use crate::probe::Probe;
use crate::ring::{RingRef, SubmissionSide, INT_FLAG_CHECKED};
use crate::sys::*;

use super::names::{opcode_known, opcode_name};
use super::os::{self, TextOut};

/// The environment variable that turns checked mode on for rings set up while it is `1`.
pub const CHECK_ENV: &core::ffi::CStr = c"URING_CHECK";

/// Whether `URING_CHECK=1` is in the environment (read at each set-up).
///
/// The value is compared byte by byte (no `strlen`): set-up code is counted in the C
/// library's size budget.
pub fn env_requests_check() -> bool {
    // SAFETY: getenv with a NUL-terminated name; the result is NULL or a NUL-terminated
    // string that stays valid until the environment is changed, and is only read here.
    let value = unsafe { libc::getenv(CHECK_ENV.as_ptr()) };
    if value.is_null() {
        return false;
    }
    // SAFETY: a non-NULL getenv result is a NUL-terminated string (above), so its first
    // byte is readable.
    let first = unsafe { *value };
    if first != b'1' as core::ffi::c_char {
        return false;
    }
    // SAFETY: the first byte is not the NUL, so `value + 1` is still inside the
    // NUL-terminated string (its NUL at the latest).
    let second = unsafe { value.add(1) };
    // SAFETY: `second` points inside the string (above), readable like all of it.
    unsafe { *second == 0 }
}

/// The per-process opcode support cache: `state` 0 = not probed yet, 1 = `bits` valid,
/// 2 = the probe failed (the "supported" half of rule 1 is then skipped).
///
/// Why per process and not per ring: the kernel answers `IORING_REGISTER_PROBE` from
/// its opcode table, which is the same for every ring of the running kernel (ring
/// restrictions are not reported by the probe), so one answer serves every ring. A
/// static needs no allocation, nothing to free at `queue_exit`, and no room in
/// `struct io_uring`. Two threads filling it at once store the same bits.
pub struct ProbeCache {
    state: AtomicU8,
    bits: [AtomicU64; 4],
}

/// The process's probe cache.
pub static PROBE: ProbeCache = ProbeCache {
    state: AtomicU8::new(0),
    bits: [
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
    ],
};

impl ProbeCache {
    /// Whether the kernel supports `op`, probing through `ring` the first time; `None`
    /// when no probe could be made.
    fn supported(&self, ring: RingRef<'_>, op: u8) -> Option<bool> {
        // Acquire pairs with the release store below: after seeing 1, the bits are there.
        let mut state = self.state.load(Ordering::Acquire);
        if state == 0 {
            state = match Probe::for_ring(ring) {
                Ok(probe) => {
                    let mut words = [0u64; 4];
                    for op in 0..=255u8 {
                        if probe.is_supported(op) {
                            if let Some(w) = words.get_mut(usize::from(op >> 6)) {
                                *w |= 1 << (op & 63);
                            }
                        }
                    }
                    for (bits, word) in self.bits.iter().zip(words) {
                        bits.store(word, Ordering::Relaxed);
                    }
                    1
                }
                Err(_) => 2,
            };
            self.state.store(state, Ordering::Release);
        }
        (state == 1).then(|| self.bits[usize::from(op >> 6)].load(Ordering::Relaxed) & (1 << (op & 63)) != 0)
    }
}

/// What the rules need to know beyond the SQE itself. The real one asks the kernel; unit
/// tests use a fake.
pub trait Facts {
    /// Whether the kernel supports `op` (`None`: unknown, rule skipped).
    fn opcode_supported(&mut self, op: u8) -> Option<bool>;
    /// Whether `fd` is an open descriptor.
    fn fd_is_open(&mut self, fd: i32) -> bool;
    /// Whether `index` is below the number of registered files (`None`: unknown, rule
    /// skipped).
    fn fixed_index_ok(&mut self, index: u32) -> Option<bool>;
    /// How many files are registered, for the message (`None`: unknown).
    fn registered_files(&mut self) -> Option<u32>;
}

/// [`Facts`] of a live ring.
struct RingFacts<'a> {
    ring: RingRef<'a>,
}

impl Facts for RingFacts<'_> {
    fn opcode_supported(&mut self, op: u8) -> Option<bool> {
        PROBE.supported(self.ring, op)
    }

    fn fd_is_open(&mut self, fd: i32) -> bool {
        os::fd_is_open(fd)
    }

    fn fixed_index_ok(&mut self, index: u32) -> Option<bool> {
        fixed_index_ok(self.ring, index)
    }

    fn registered_files(&mut self) -> Option<u32> {
        registered_files(self.ring.ring_fd())
    }
}

/// Whether fixed-file `index` is inside the ring's file table: the kernel range-checks
/// an update of that slot (`EINVAL` beyond the table, `ENXIO` without one) before it
/// looks at the new value, and `IORING_REGISTER_FILES_SKIP` leaves the slot as it is.
fn fixed_index_ok(ring: RingRef<'_>, index: u32) -> Option<bool> {
    let skip: i32 = IORING_REGISTER_FILES_SKIP;
    let update = io_uring_files_update {
        offset: index,
        resv: 0,
        fds: core::ptr::addr_of!(skip) as u64,
    };
    // SAFETY: REG-ARG: FILES_UPDATE with nr 1 reads one `io_uring_files_update` at the
    // argument and one `int` at its `fds`, both live locals for the call.
    let answer = unsafe {
        crate::register::do_register(
            ring,
            IORING_REGISTER_FILES_UPDATE,
            core::ptr::addr_of!(update).cast(),
            1,
        )
    };
    match answer {
        Ok(_) => Some(true),
        Err(e) if e == Errno::EINVAL || e == Errno(libc::ENXIO) => Some(false),
        Err(_) => None,
    }
}

/// The ring's registered-file count for a message (`UserFiles:` of its fdinfo, printed by
/// the kernel when it could take the ring lock).
fn registered_files(ring_fd: i32) -> Option<u32> {
    if ring_fd < 0 {
        return None;
    }
    let mut path = [0u8; 40];
    let path = super::stats::fdinfo_path(ring_fd, &mut path)?;
    os::read_key_number(path, b"UserFiles:").and_then(|n| u32::try_from(n).ok())
}

/// A broken rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Rule 1: the opcode is above everything this library knows.
    UnknownOpcode,
    /// Rule 1: the kernel's probe says it does not support the opcode.
    UnsupportedOpcode,
    /// Rule 2: `sqe->flags` has bits no kernel knows.
    UnknownSqeFlags(u8),
    /// Rule 2: `IOSQE_BUFFER_SELECT` on an operation that does not select buffers.
    BufferSelectNotAccepted,
    /// Rule 2: `IOSQE_FIXED_FILE` on an operation that takes no file.
    FixedFileNotAccepted,
    /// Rule 2: `FIXED_FD_INSTALL` without `IOSQE_FIXED_FILE`.
    FixedFileRequired,
    /// Rule 3: multishot recv/recvmsg/read without `IOSQE_BUFFER_SELECT`.
    MultishotNeedsBufferSelect,
    /// Rule 3: a multishot request with `IOSQE_CQE_SKIP_SUCCESS`.
    MultishotWithCqeSkip,
    /// Rule 4: `fd` is not an open descriptor.
    BadFd(i32),
    /// Rule 4: the fixed-file index is not below the registered count (`None`: the
    /// count could not be read).
    FixedIndexOutOfRange { index: i32, registered: Option<u32> },
    /// Rule 5: `addr` is NULL with a non-zero `len`.
    NullBuffer { len: u32 },
    /// Rule 6: a timeout without a timespec.
    TimeoutWithoutTimespec,
    /// Rule 7: the last pending SQE links to a next one that does not exist.
    UnterminatedLink,
}

impl Rule {
    /// Write what the rule says (no `core::fmt`: this is on the C library's submit path).
    pub fn write_text(&self, out: &mut dyn TextOut) {
        match *self {
            Rule::UnknownOpcode => out.str("unknown opcode"),
            Rule::UnsupportedOpcode => out.str("opcode not supported by this kernel (probe)"),
            Rule::UnknownSqeFlags(bits) => {
                out.str("unknown IOSQE flag bits ");
                out.hex(u64::from(bits));
            }
            Rule::BufferSelectNotAccepted => out.str("IOSQE_BUFFER_SELECT on an operation that selects no buffer"),
            Rule::FixedFileNotAccepted => out.str("IOSQE_FIXED_FILE on an operation that takes no file"),
            Rule::FixedFileRequired => out.str("FIXED_FD_INSTALL needs IOSQE_FIXED_FILE"),
            Rule::MultishotNeedsBufferSelect => out.str("multishot request without IOSQE_BUFFER_SELECT"),
            Rule::MultishotWithCqeSkip => out.str("multishot request with IOSQE_CQE_SKIP_SUCCESS"),
            Rule::BadFd(fd) => {
                out.str("fd ");
                out.signed(i64::from(fd));
                out.str(" is not an open file descriptor");
            }
            Rule::FixedIndexOutOfRange { index, registered } => {
                out.str("fixed file index ");
                out.signed(i64::from(index));
                out.str(" is not below the ");
                match registered {
                    Some(n) => {
                        out.dec(u64::from(n));
                        out.str(" registered files");
                    }
                    None => out.str("number of registered files"),
                }
            }
            Rule::NullBuffer { len } => {
                out.str("buffer address is NULL with length ");
                out.dec(u64::from(len));
            }
            Rule::TimeoutWithoutTimespec => out.str("timeout without a timespec (addr is NULL)"),
            Rule::UnterminatedLink => {
                out.str("link chain does not end: the last pending SQE has IOSQE_IO_LINK/IOSQE_IO_HARDLINK")
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        os::FmtOut::display(f, |out| self.write_text(out))
    }
}

/// What an opcode does with the SQE fields the rules look at.
#[derive(Clone, Copy)]
struct OpShape(u8);

impl OpShape {
    /// `fd` is a file (or, with IOSQE_FIXED_FILE, a registered index).
    const FILE: u8 = 1;
    /// `addr`/`len` are a buffer and its length (the kernel may select it instead).
    const BUF: u8 = 2;
    /// `addr`/`len` are an iovec array and its count, or a msghdr: needed whenever `len`
    /// is non-zero, buffer selection or not.
    const VEC: u8 = 4;
    /// Accepts IOSQE_BUFFER_SELECT.
    const BSEL: u8 = 8;

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

/// The shape of `op` (zero for operations none of the rules are about).
fn shape(op: u8) -> OpShape {
    const F: u8 = OpShape::FILE;
    const B: u8 = OpShape::BUF;
    const V: u8 = OpShape::VEC;
    const S: u8 = OpShape::BSEL;
    OpShape(match op {
        IORING_OP_READV => F | V | S,
        IORING_OP_WRITEV | IORING_OP_READV_FIXED | IORING_OP_WRITEV_FIXED => F | V,
        IORING_OP_READ | IORING_OP_RECV => F | B | S,
        IORING_OP_READ_MULTISHOT => F | S,
        IORING_OP_SEND => F | B | S,
        IORING_OP_WRITE | IORING_OP_READ_FIXED | IORING_OP_WRITE_FIXED | IORING_OP_SEND_ZC => F | B,
        IORING_OP_RECVMSG => F | V | S,
        IORING_OP_SENDMSG | IORING_OP_SENDMSG_ZC => F | V,
        IORING_OP_URING_CMD | IORING_OP_URING_CMD128 => F | S,
        IORING_OP_FSYNC
        | IORING_OP_POLL_ADD
        | IORING_OP_SYNC_FILE_RANGE
        | IORING_OP_ACCEPT
        | IORING_OP_CONNECT
        | IORING_OP_FALLOCATE
        | IORING_OP_FADVISE
        | IORING_OP_EPOLL_CTL
        | IORING_OP_SPLICE
        | IORING_OP_TEE
        | IORING_OP_SHUTDOWN
        | IORING_OP_MSG_RING
        | IORING_OP_FSETXATTR
        | IORING_OP_FGETXATTR
        | IORING_OP_FIXED_FD_INSTALL
        | IORING_OP_FTRUNCATE
        | IORING_OP_BIND
        | IORING_OP_LISTEN
        | IORING_OP_RECV_ZC
        | IORING_OP_EPOLL_WAIT => F,
        _ => 0,
    })
}

/// Every IOSQE flag bit the kernel defines.
const KNOWN_SQE_FLAGS: u8 = IOSQE_FIXED_FILE
    | IOSQE_IO_DRAIN
    | IOSQE_IO_LINK
    | IOSQE_IO_HARDLINK
    | IOSQE_ASYNC
    | IOSQE_BUFFER_SELECT
    | IOSQE_CQE_SKIP_SUCCESS;

/// `(multishot, needs buffer select)` for the SQE.
fn multishot(sqe: &io_uring_sqe) -> (bool, bool) {
    // SAFETY: every view of the op_flags union is a plain integer of the same size, so
    // reading any of them is defined.
    let op_flags = unsafe { sqe.op_flags.timeout_flags };
    let ioprio = u32::from(sqe.ioprio);
    match sqe.opcode {
        IORING_OP_RECV | IORING_OP_RECVMSG => {
            let on = ioprio & IORING_RECV_MULTISHOT != 0;
            (on, on)
        }
        IORING_OP_READ_MULTISHOT => (true, true),
        IORING_OP_ACCEPT => (ioprio & IORING_ACCEPT_MULTISHOT != 0, false),
        IORING_OP_POLL_ADD => (sqe.len & IORING_POLL_ADD_MULTI != 0, false),
        IORING_OP_TIMEOUT => (op_flags & IORING_TIMEOUT_MULTISHOT != 0, false),
        IORING_OP_RECV_ZC => (true, false),
        _ => (false, false),
    }
}

/// Rules 1 to 6 for one SQE (rule 7 is about the batch: see [`check_batch`]).
pub fn check_sqe(sqe: &io_uring_sqe, facts: &mut impl Facts) -> Option<Rule> {
    let op = sqe.opcode;
    if !opcode_known(op) {
        return Some(Rule::UnknownOpcode);
    }
    if facts.opcode_supported(op) == Some(false) {
        return Some(Rule::UnsupportedOpcode);
    }
    let flags = sqe.flags;
    if flags & !KNOWN_SQE_FLAGS != 0 {
        return Some(Rule::UnknownSqeFlags(flags & !KNOWN_SQE_FLAGS));
    }
    let shape = shape(op);
    let select = flags & IOSQE_BUFFER_SELECT != 0;
    let fixed = flags & IOSQE_FIXED_FILE != 0;
    if select && !shape.has(OpShape::BSEL) {
        return Some(Rule::BufferSelectNotAccepted);
    }
    if fixed && !shape.has(OpShape::FILE) {
        return Some(Rule::FixedFileNotAccepted);
    }
    if op == IORING_OP_FIXED_FD_INSTALL && !fixed {
        return Some(Rule::FixedFileRequired);
    }
    let (is_multishot, needs_select) = multishot(sqe);
    if needs_select && !select {
        return Some(Rule::MultishotNeedsBufferSelect);
    }
    if is_multishot && flags & IOSQE_CQE_SKIP_SUCCESS != 0 {
        return Some(Rule::MultishotWithCqeSkip);
    }
    if shape.has(OpShape::FILE) {
        if fixed {
            let inside = if sqe.fd < 0 {
                Some(false)
            } else {
                facts.fixed_index_ok(sqe.fd as u32)
            };
            if inside == Some(false) {
                return Some(Rule::FixedIndexOutOfRange {
                    index: sqe.fd,
                    registered: facts.registered_files(),
                });
            }
        } else if !facts.fd_is_open(sqe.fd) {
            return Some(Rule::BadFd(sqe.fd));
        }
    }
    // SAFETY: every view of the addr union is plain integers filling its 8 bytes.
    let addr = unsafe { sqe.addr.addr };
    let buffer_needed = (shape.has(OpShape::BUF) && !select) || shape.has(OpShape::VEC);
    if buffer_needed && sqe.len != 0 && addr == 0 {
        return Some(Rule::NullBuffer { len: sqe.len });
    }
    // SAFETY: every view of the op_flags union is a plain integer of the same size.
    let timeout_flags = unsafe { sqe.op_flags.timeout_flags };
    // SAFETY: every view of the off union is plain integers filling its 8 bytes.
    let addr2 = unsafe { sqe.off.addr2 };
    match op {
        IORING_OP_TIMEOUT | IORING_OP_LINK_TIMEOUT
            if timeout_flags & IORING_TIMEOUT_IMMEDIATE_ARG == 0 && addr == 0 =>
        {
            return Some(Rule::TimeoutWithoutTimespec)
        }
        IORING_OP_TIMEOUT_REMOVE if timeout_flags & IORING_TIMEOUT_UPDATE_MASK != 0 && addr2 == 0 => {
            return Some(Rule::TimeoutWithoutTimespec)
        }
        _ => {}
    }
    None
}

/// One violation found in a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Position among the pending SQEs (0 = the first prepared since the last submit).
    pub index: u32,
    /// How many SQEs were pending.
    pub pending: u32,
    /// The SQ ring slot (index & mask).
    pub slot: u32,
    pub opcode: u8,
    pub user_data: u64,
    pub rule: Rule,
}

impl Violation {
    /// Write the stderr line (without its newline): `uring checked mode: SQE 1 of 3
    /// pending (slot 6): WRITE (opcode 23), user_data 42 (0x2a): <rule>`.
    pub fn write_text(&self, out: &mut dyn TextOut) {
        out.str("uring checked mode: SQE ");
        out.dec(u64::from(self.index));
        out.str(" of ");
        out.dec(u64::from(self.pending));
        out.str(" pending (slot ");
        out.dec(u64::from(self.slot));
        out.str("): ");
        out.str(opcode_name(u32::from(self.opcode)).unwrap_or("?"));
        out.str(" (opcode ");
        out.dec(u64::from(self.opcode));
        out.str("), user_data ");
        out.dec(self.user_data);
        out.str(" (");
        out.hex(self.user_data);
        out.str("): ");
        self.rule.write_text(out);
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        os::FmtOut::display(f, |out| self.write_text(out))
    }
}

/// Check a batch of `pending` SQEs; `sqe_at(i)` gives the i-th. Calls `report` for each
/// violation; returns how many there were. On SQE_MIXED rings (`mixed`) a 128-byte SQE
/// takes two slots, which are checked once.
pub fn check_batch<'s>(
    pending: u32,
    mixed: bool,
    mut sqe_at: impl FnMut(u32) -> (&'s io_uring_sqe, u32),
    facts: &mut impl Facts,
    mut report: impl FnMut(&Violation),
) -> u32 {
    let mut violations = 0;
    let mut i = 0;
    while i < pending {
        let (sqe, slot) = sqe_at(i);
        let wide = mixed && matches!(sqe.opcode, IORING_OP_NOP128 | IORING_OP_URING_CMD128);
        let last = i + 1 + u32::from(wide) >= pending;
        let mut rule = check_sqe(sqe, facts);
        if rule.is_none() && last && sqe.flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK) != 0 {
            rule = Some(Rule::UnterminatedLink);
        }
        if let Some(rule) = rule {
            violations += 1;
            report(&Violation {
                index: i,
                pending,
                slot,
                opcode: sqe.opcode,
                user_data: sqe.user_data,
                rule,
            });
        }
        i += 1 + u32::from(wide);
    }
    violations
}

/// Print one violation as one line on stderr (written on the stack: no allocation; a
/// line too long for the buffer is cut, and still ends with its newline).
fn report_on_stderr(v: &Violation) {
    let mut line = [0u8; 320];
    let mut w = os::FixedWriter::new(&mut line);
    v.write_text(&mut w);
    // The writer keeps the last byte for a NUL: the newline goes there.
    let len = w.finish_nul();
    if let Some(end) = line.get_mut(len) {
        *end = b'\n';
    }
    os::write_all(2, line.get(..=len).unwrap_or_default());
}

/// Whether checked mode is on for the ring.
#[inline(always)]
pub fn is_on(ring: RingRef<'_>) -> bool {
    ring.int_flags() & INT_FLAG_CHECKED != 0
}

/// Validate the pending SQEs of `sq` (see the module documentation for what a violation
/// does to the batch). Cold and out of line: the submit path only tests the flag.
#[cold]
#[inline(never)]
pub fn check_pending(sq: &mut SubmissionSide<'_>) -> Result<(), Errno> {
    let ring = sq.ring();
    let head = sq.sqe_head();
    let pending = sq.sqe_tail().wrapping_sub(head);
    if pending == 0 {
        return Ok(());
    }
    let mask = ring.sq_mask();
    let shift = ring.sqe_shift();
    let sqes = ring.sq_sqes();
    let sqe_at = |i: u32| {
        let slot = head.wrapping_add(i) & mask;
        // SAFETY: SET-UP: the masked slot scaled by the SQE shift is inside the SQE array
        // of `sq_entries << shift` entries.
        let p = unsafe { sqes.add((slot << shift) as usize) };
        // SAFETY: SQ-OWNER: slots from sqe_head to sqe_tail were handed out by this side
        // and are not published, so the kernel does not read or write them and nothing
        // else holds them while `sq` is borrowed here; the shared reference lives for
        // this check only.
        (unsafe { &*p }, slot)
    };
    let mut facts = RingFacts { ring };
    let mixed = ring.flags() & IORING_SETUP_SQE_MIXED != 0;
    let violations = check_batch(pending, mixed, sqe_at, &mut facts, report_on_stderr);
    if violations == 0 {
        return Ok(());
    }
    // Discard the batch: the slots return to the free part of the ring.
    sq.set_sqe_tail(head);
    Err(Errno::EINVAL)
}

/// Turn checked mode on or off; returns whether it was on.
pub fn set_checked(ring: &mut crate::ring::io_uring, on: bool) -> bool {
    let was = ring.int_flags & INT_FLAG_CHECKED != 0;
    if on {
        ring.int_flags |= INT_FLAG_CHECKED;
    } else {
        ring.int_flags &= !INT_FLAG_CHECKED;
    }
    was
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ring::{INT_FLAGS_ENTER_MASK, INT_FLAG_APP_MEM, INT_FLAG_CQ_ENTER, INT_FLAG_NO_IOWAIT};
    use crate::ring::{INT_FLAG_REG_REG_RING, INT_FLAG_REG_RING};

    struct Fake {
        unsupported: u8,
        open: [i32; 2],
        files: Option<u32>,
    }

    impl Facts for Fake {
        fn opcode_supported(&mut self, op: u8) -> Option<bool> {
            Some(op != self.unsupported)
        }
        fn fd_is_open(&mut self, fd: i32) -> bool {
            self.open.contains(&fd)
        }
        fn fixed_index_ok(&mut self, index: u32) -> Option<bool> {
            self.files.map(|n| index < n)
        }
        fn registered_files(&mut self) -> Option<u32> {
            self.files
        }
    }

    fn fake() -> Fake {
        Fake {
            unsupported: IORING_OP_EPOLL_WAIT,
            open: [3, 4],
            files: Some(2),
        }
    }

    fn sqe(op: u8, fd: i32, addr: u64, len: u32) -> io_uring_sqe {
        let mut s = io_uring_sqe::zeroed();
        s.opcode = op;
        s.fd = fd;
        s.addr.addr = addr;
        s.len = len;
        s
    }

    #[test]
    fn checked_bit_is_private_and_unused() {
        assert_eq!(INT_FLAG_CHECKED & INT_FLAGS_ENTER_MASK, 0);
        for other in [
            INT_FLAG_REG_REG_RING,
            INT_FLAG_APP_MEM,
            INT_FLAG_CQ_ENTER,
            INT_FLAG_REG_RING,
            INT_FLAG_NO_IOWAIT,
        ] {
            assert_eq!(INT_FLAG_CHECKED & other, 0);
        }
        assert_eq!(INT_FLAG_CHECKED.count_ones(), 1);
    }

    #[test]
    fn each_rule_is_caught() {
        let f = &mut fake();
        assert_eq!(check_sqe(&sqe(IORING_OP_LAST, -1, 0, 0), f), Some(Rule::UnknownOpcode));
        assert_eq!(
            check_sqe(&sqe(IORING_OP_EPOLL_WAIT, 3, 0, 0), f),
            Some(Rule::UnsupportedOpcode)
        );
        let mut s = sqe(IORING_OP_NOP, 0, 0, 0);
        s.flags = 0x80;
        assert_eq!(check_sqe(&s, f), Some(Rule::UnknownSqeFlags(0x80)));
        let mut s = sqe(IORING_OP_WRITE, 3, 0x1000, 1);
        s.flags = IOSQE_BUFFER_SELECT;
        assert_eq!(check_sqe(&s, f), Some(Rule::BufferSelectNotAccepted));
        let mut s = sqe(IORING_OP_NOP, 0, 0, 0);
        s.flags = IOSQE_FIXED_FILE;
        assert_eq!(check_sqe(&s, f), Some(Rule::FixedFileNotAccepted));
        assert_eq!(
            check_sqe(&sqe(IORING_OP_FIXED_FD_INSTALL, 0, 0, 0), f),
            Some(Rule::FixedFileRequired)
        );
        let mut s = sqe(IORING_OP_RECV, 3, 0, 0);
        s.ioprio = IORING_RECV_MULTISHOT as u16;
        assert_eq!(check_sqe(&s, f), Some(Rule::MultishotNeedsBufferSelect));
        let mut s = sqe(IORING_OP_ACCEPT, 3, 0, 0);
        s.ioprio = IORING_ACCEPT_MULTISHOT as u16;
        s.flags = IOSQE_CQE_SKIP_SUCCESS;
        assert_eq!(check_sqe(&s, f), Some(Rule::MultishotWithCqeSkip));
        assert_eq!(check_sqe(&sqe(IORING_OP_READ, 9, 0x1000, 8), f), Some(Rule::BadFd(9)));
        let mut s = sqe(IORING_OP_READ, 2, 0x1000, 8);
        s.flags = IOSQE_FIXED_FILE;
        assert_eq!(
            check_sqe(&s, f),
            Some(Rule::FixedIndexOutOfRange {
                index: 2,
                registered: Some(2)
            })
        );
        assert_eq!(
            check_sqe(&sqe(IORING_OP_WRITE, 3, 0, 8), f),
            Some(Rule::NullBuffer { len: 8 })
        );
        assert_eq!(
            check_sqe(&sqe(IORING_OP_WRITEV, 3, 0, 1), f),
            Some(Rule::NullBuffer { len: 1 })
        );
        assert_eq!(
            check_sqe(&sqe(IORING_OP_TIMEOUT, -1, 0, 1), f),
            Some(Rule::TimeoutWithoutTimespec)
        );
        let mut s = sqe(IORING_OP_TIMEOUT_REMOVE, -1, 7, 0);
        s.op_flags.timeout_flags = IORING_TIMEOUT_UPDATE;
        assert_eq!(check_sqe(&s, f), Some(Rule::TimeoutWithoutTimespec));
    }

    #[test]
    fn valid_sqes_pass() {
        let f = &mut fake();
        assert_eq!(check_sqe(&sqe(IORING_OP_NOP, 0, 0, 0), f), None);
        assert_eq!(check_sqe(&sqe(IORING_OP_READ, 3, 0x1000, 8), f), None);
        assert_eq!(
            check_sqe(&sqe(IORING_OP_READ, 3, 0, 0), f),
            None,
            "zero length needs no buffer"
        );
        let mut s = sqe(IORING_OP_READ, 1, 0, 8);
        s.flags = IOSQE_FIXED_FILE | IOSQE_BUFFER_SELECT;
        assert_eq!(check_sqe(&s, f), None, "fixed index 1 of 2, kernel-selected buffer");
        let mut s = sqe(IORING_OP_RECV, 4, 0, 0);
        s.ioprio = IORING_RECV_MULTISHOT as u16;
        s.flags = IOSQE_BUFFER_SELECT;
        assert_eq!(check_sqe(&s, f), None);
        assert_eq!(check_sqe(&sqe(IORING_OP_TIMEOUT, -1, 0x1000, 1), f), None);
        let mut s = sqe(IORING_OP_TIMEOUT, -1, 0, 1);
        s.op_flags.timeout_flags = IORING_TIMEOUT_IMMEDIATE_ARG;
        assert_eq!(check_sqe(&s, f), None);
        // Unknown registered count: the index is not judged.
        let mut s = sqe(IORING_OP_READ, 100, 0x1000, 8);
        s.flags = IOSQE_FIXED_FILE;
        let mut unknown = Fake { files: None, ..fake() };
        assert_eq!(check_sqe(&s, &mut unknown), None);
    }

    #[test]
    fn batches_report_every_violation_and_unterminated_links() {
        let mut batch = [
            sqe(IORING_OP_NOP, 0, 0, 0),
            sqe(IORING_OP_WRITE, 3, 0, 4),
            sqe(IORING_OP_NOP, 0, 0, 0),
        ];
        batch[0].flags = IOSQE_IO_LINK;
        batch[2].flags = IOSQE_IO_HARDLINK;
        batch[1].user_data = 42;
        let mut seen = [None; 3];
        let mut k = 0;
        let n = check_batch(
            3,
            false,
            |i| (&batch[i as usize], i + 5),
            &mut fake(),
            |v| {
                seen[k] = Some(*v);
                k += 1;
            },
        );
        assert_eq!(n, 2);
        let first = seen[0].unwrap();
        assert_eq!(
            (first.index, first.slot, first.user_data, first.rule),
            (1, 6, 42, Rule::NullBuffer { len: 4 })
        );
        assert_eq!(seen[1].unwrap().rule, Rule::UnterminatedLink);
        assert_eq!(seen[1].unwrap().index, 2);
        // A link whose chain ends inside the batch is fine.
        batch[1].addr.addr = 0x1000;
        batch[2].flags = 0;
        assert_eq!(
            check_batch(3, false, |i| (&batch[i as usize], i), &mut fake(), |_| {}),
            0
        );
    }

    #[test]
    fn violation_line_names_everything() {
        let v = Violation {
            index: 1,
            pending: 3,
            slot: 6,
            opcode: IORING_OP_WRITE,
            user_data: 42,
            rule: Rule::NullBuffer { len: 4 },
        };
        let mut buf = [0u8; 200];
        let mut w = os::FixedWriter::new(&mut buf);
        v.write_text(&mut w);
        assert_eq!(w.as_bytes(), std::format!("{v}").as_bytes());
        assert_eq!(
            w.as_bytes(),
            b"uring checked mode: SQE 1 of 3 pending (slot 6): WRITE (opcode 23), user_data 42 (0x2a): buffer address is NULL with length 4"
                .as_slice()
        );
    }
}
