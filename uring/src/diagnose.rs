//! Why a ring could not be set up: the diagnosis behind `uring_explain_setup_error` (and
//! the `uring-info` tool).
//!
//! `io_uring_setup` fails for reasons that have little to do with the program: the kernel
//! lacks io_uring, a seccomp filter blocks it, `kernel.io_uring_disabled` refuses it, the
//! process is not in `kernel.io_uring_group`, the locked-memory limit is too low, or a
//! flag is newer than the kernel. This module turns the errno plus what it can read from
//! the system into a [`Cause`] (structured, for programs) and a sentence (for people).
//!
//! Three steps, each usable alone:
//! 1. [`SystemFacts::read`] reads the system: `/proc/sys/kernel/io_uring_disabled`,
//!    `/proc/sys/kernel/io_uring_group`, whether the process is in that group (real,
//!    effective and supplementary gids), `Seccomp:` and `CapEff:` of
//!    `/proc/self/status`, and RLIMIT_MEMLOCK. Tests build a `SystemFacts` by hand.
//! 2. [`diagnose`] maps an errno, the [`SetupRequest`] (entries, flags, CQ size; optional)
//!    and the facts to a [`Diagnosis`]. Pure: no system access.
//! 3. [`Diagnosis`] implements `Display`; [`Diagnosis::write_nul`] writes the same text
//!    into a caller's byte buffer (NUL-terminated, cut to fit) without `core::fmt`.
//!
//! `core` only: files are read with raw `open`/`read` into fixed buffers
//! ([`crate::ext::os`]), nothing is allocated and `errno` is never touched.
//!
//! The set-up code records the last failed set-up of the process (kernel or library refusal)
//! ([`note_failed_setup`] / [`last_failed_setup`]), so that the C function, which is
//! only given the errno, can still name the parameter at fault.

use core::fmt;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering};

use crate::ext::os::{self, TextOut};
use crate::sys::*;

/// `kernel.io_uring_disabled` (Linux 6.6+): 0 allowed, 1 only CAP_SYS_ADMIN or members
/// of `kernel.io_uring_group`, 2 nobody.
pub const IO_URING_DISABLED_PATH: &core::ffi::CStr = c"/proc/sys/kernel/io_uring_disabled";
/// `kernel.io_uring_group`: the group allowed when `io_uring_disabled` is 1 (-1: none).
pub const IO_URING_GROUP_PATH: &core::ffi::CStr = c"/proc/sys/kernel/io_uring_group";
/// Huge pages reserved in the system.
pub const NR_HUGEPAGES_PATH: &core::ffi::CStr = c"/proc/sys/vm/nr_hugepages";
/// Where `Seccomp:` and `CapEff:` are read.
pub const PROC_STATUS_PATH: &core::ffi::CStr = c"/proc/self/status";

/// Largest SQ size the kernel accepts without `IORING_SETUP_CLAMP`.
pub const MAX_ENTRIES: u32 = 32768;
/// Largest CQ size the kernel accepts without `IORING_SETUP_CLAMP`.
pub const MAX_CQ_ENTRIES: u32 = 2 * MAX_ENTRIES;

/// `CAP_SYS_ADMIN`'s bit in `CapEff:`.
const CAP_SYS_ADMIN_BIT: u64 = 1 << 21;

/// What was asked of `io_uring_setup`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetupRequest {
    pub entries: u32,
    /// `io_uring_params.flags`.
    pub flags: u32,
    /// `io_uring_params.cq_entries` (meaningful with `IORING_SETUP_CQSIZE`).
    pub cq_entries: u32,
}

/// What the system looks like; `None` where a value could not be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SystemFacts {
    /// `kernel.io_uring_disabled` (absent before Linux 6.6).
    pub io_uring_disabled: Option<u32>,
    /// `kernel.io_uring_group` (-1: no group).
    pub io_uring_group: Option<i64>,
    /// Whether the process's real, effective or a supplementary gid is that group.
    pub in_io_uring_group: Option<bool>,
    /// `Seccomp:` of /proc/self/status: 0 none, 1 strict, 2 filter.
    pub seccomp: Option<u32>,
    /// Whether `CapEff:` holds CAP_SYS_ADMIN.
    pub cap_sys_admin: Option<bool>,
    /// RLIMIT_MEMLOCK (soft, hard), `u64::MAX` = unlimited.
    pub memlock: Option<(u64, u64)>,
    /// `vm.nr_hugepages`: NO_MMAP rings the library maps itself need a huge page when
    /// their SQEs or CQ take more than a page.
    pub nr_hugepages: Option<u64>,
}

impl SystemFacts {
    /// Read everything from the running system.
    pub fn read() -> SystemFacts {
        let io_uring_disabled = os::read_number_file(IO_URING_DISABLED_PATH).and_then(|v| u32::try_from(v).ok());
        let io_uring_group = os::read_number_file(IO_URING_GROUP_PATH);
        let in_io_uring_group = io_uring_group.map(|g| g >= 0 && in_group(g as u32));
        let mut seccomp = None;
        let mut cap_eff = None;
        let _ = os::for_each_line(PROC_STATUS_PATH, &mut |line| {
            if let Some(v) = line.strip_prefix(b"Seccomp:") {
                seccomp = os::parse_number(v).and_then(|v| u32::try_from(v).ok());
            } else if let Some(v) = line.strip_prefix(b"CapEff:") {
                cap_eff = os::parse_hex(v);
            }
            true
        });
        SystemFacts {
            io_uring_disabled,
            io_uring_group,
            in_io_uring_group,
            seccomp,
            cap_sys_admin: cap_eff.map(|c| c & CAP_SYS_ADMIN_BIT != 0),
            memlock: os::memlock_limit(),
            nr_hugepages: os::read_number_file(NR_HUGEPAGES_PATH).and_then(|v| u64::try_from(v).ok()),
        }
    }
}

/// Whether `gid` is the process's real or effective group or one of its supplementary
/// groups (the first 1024 of them). (`iter().any`, not `contains`: the latter is a
/// vectorised search, larger code for a list read once.)
#[allow(clippy::manual_contains)]
fn in_group(gid: u32) -> bool {
    let mut groups = [0u32; 1024];
    let (real, effective, n) = os::groups(&mut groups);
    real == gid
        || effective == gid
        || n.and_then(|n| groups.get(..n))
            .is_some_and(|g| g.iter().any(|&g| g == gid))
}

/// The cause of a set-up failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// `ENOSYS` and no seccomp filter: the kernel has no io_uring (CONFIG_IO_URING off).
    NotBuiltIn,
    /// `ENOSYS`/`EPERM` with a seccomp filter on the process: it blocks io_uring_setup.
    BlockedBySeccomp,
    /// `kernel.io_uring_disabled` is 2: refused to every process.
    DisabledBySysctl,
    /// `kernel.io_uring_disabled` is 1 and the process has neither CAP_SYS_ADMIN nor
    /// membership of `kernel.io_uring_group` (`gid`, -1 for none).
    NotInIoUringGroup { gid: i64 },
    /// `EACCES`, or an `EPERM` nothing above explains: a security module (SELinux,
    /// AppArmor, another LSM).
    SecurityPolicy,
    /// `ENOMEM`: the ring memory does not fit the locked-memory limit (or memory is short).
    LockedMemory,
    /// `EINVAL` with 0 entries.
    NoEntries,
    /// `EINVAL` with more entries than the kernel's maximum and no `IORING_SETUP_CLAMP`.
    TooManyEntries,
    /// `EINVAL` with `IORING_SETUP_CQSIZE` and a CQ size that is 0, too large or smaller
    /// than the SQ.
    BadCqSize,
    /// `EINVAL` with flag bits no kernel knows.
    UnknownFlags { bits: u32 },
    /// `EINVAL` with flags that exclude or need each other: `flag` needs one of
    /// `other` (`needs`), or cannot be combined with it (`!needs`).
    FlagCombination { flag: u32, other: u32, needs: bool },
    /// `EINVAL` otherwise: one of the flags is newer than this kernel.
    UnsupportedFlag,
    /// `EMFILE`/`ENFILE`: no file descriptor left.
    NoFileDescriptors,
    /// `EFAULT`: the params (or ring memory) pointer is bad.
    BadAddress,
    /// Anything else.
    Other,
}

impl Cause {
    /// A short stable identifier (`"disabled-by-sysctl"`), for programs and logs.
    pub fn id(&self) -> &'static str {
        match self {
            Cause::NotBuiltIn => "not-built-in",
            Cause::BlockedBySeccomp => "blocked-by-seccomp",
            Cause::DisabledBySysctl => "disabled-by-sysctl",
            Cause::NotInIoUringGroup { .. } => "not-in-io-uring-group",
            Cause::SecurityPolicy => "security-policy",
            Cause::LockedMemory => "locked-memory",
            Cause::NoEntries => "no-entries",
            Cause::TooManyEntries => "too-many-entries",
            Cause::BadCqSize => "bad-cq-size",
            Cause::UnknownFlags { .. } => "unknown-flags",
            Cause::FlagCombination { .. } => "flag-combination",
            Cause::UnsupportedFlag => "unsupported-flag",
            Cause::NoFileDescriptors => "no-file-descriptors",
            Cause::BadAddress => "bad-address",
            Cause::Other => "other",
        }
    }
}

/// A diagnosis: the cause and what it was concluded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    /// The positive errno.
    pub errno: i32,
    pub cause: Cause,
    pub request: Option<SetupRequest>,
    pub facts: SystemFacts,
}

/// Every `IORING_SETUP_*` flag this library knows.
fn known_flags() -> u32 {
    crate::ext::names::SETUP_FLAGS.iter().fold(0, |all, bit| all | bit)
}

/// Flags that need or exclude each other: `(flag, other, needs)`, `needs` true when
/// `flag` needs (one of) `other`, false when it cannot be combined with it. The words are
/// made from the flags' names when the rule is written (no sentence per rule stored).
const COMBINATIONS: &[(u32, u32, bool)] = &[
    (IORING_SETUP_REGISTERED_FD_ONLY, IORING_SETUP_NO_MMAP, true),
    (IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER, true),
    (IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SQPOLL, false),
    (IORING_SETUP_SQ_AFF, IORING_SETUP_SQPOLL, true),
    (IORING_SETUP_HYBRID_IOPOLL, IORING_SETUP_IOPOLL, true),
    (
        IORING_SETUP_TASKRUN_FLAG,
        IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN,
        true,
    ),
    (IORING_SETUP_CQE32, IORING_SETUP_CQE_MIXED, false),
    (IORING_SETUP_SQE128, IORING_SETUP_SQE_MIXED, false),
];

/// The parameter rule an `EINVAL` set-up breaks, where the request shows it.
fn invalid_cause(r: &SetupRequest) -> Cause {
    let has = |bits: u32| r.flags & bits != 0;
    if r.entries == 0 {
        return Cause::NoEntries;
    }
    if r.entries > MAX_ENTRIES && !has(IORING_SETUP_CLAMP) {
        return Cause::TooManyEntries;
    }
    let unknown = r.flags & !known_flags();
    if unknown != 0 {
        return Cause::UnknownFlags { bits: unknown };
    }
    if has(IORING_SETUP_CQSIZE) {
        let sq = r.entries.min(MAX_ENTRIES).next_power_of_two();
        if r.cq_entries == 0 || (r.cq_entries > MAX_CQ_ENTRIES && !has(IORING_SETUP_CLAMP)) || r.cq_entries < sq {
            return Cause::BadCqSize;
        }
    }
    for &(flag, other, needs) in COMBINATIONS {
        if has(flag) && has(other) != needs {
            return Cause::FlagCombination { flag, other, needs };
        }
    }
    Cause::UnsupportedFlag
}

/// The cause of set-up failure `errno` (positive or negative), given what was asked (if
/// known) and the system facts.
pub fn diagnose(errno: i32, request: Option<&SetupRequest>, facts: &SystemFacts) -> Diagnosis {
    let errno = errno.saturating_abs();
    let filtered = matches!(facts.seccomp, Some(1 | 2));
    let cause = match errno {
        libc::ENOSYS if filtered => Cause::BlockedBySeccomp,
        libc::ENOSYS => Cause::NotBuiltIn,
        libc::EPERM => match facts.io_uring_disabled {
            Some(2) => Cause::DisabledBySysctl,
            Some(1) if facts.cap_sys_admin != Some(true) && facts.in_io_uring_group != Some(true) => {
                Cause::NotInIoUringGroup {
                    gid: facts.io_uring_group.unwrap_or(-1),
                }
            }
            _ if filtered => Cause::BlockedBySeccomp,
            _ => Cause::SecurityPolicy,
        },
        libc::EACCES => Cause::SecurityPolicy,
        libc::ENOMEM => Cause::LockedMemory,
        libc::EINVAL => request.map_or(Cause::UnsupportedFlag, invalid_cause),
        libc::EMFILE | libc::ENFILE => Cause::NoFileDescriptors,
        libc::EFAULT => Cause::BadAddress,
        _ => Cause::Other,
    };
    Diagnosis {
        errno,
        cause,
        request: request.copied(),
        facts: *facts,
    }
}

crate::ext::names::name_table! {
    ERRNOS: i32, ERRNO_NAMES = {
        libc::EPERM => "EPERM",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::EINVAL => "EINVAL",
        libc::ENFILE => "ENFILE",
        libc::EMFILE => "EMFILE",
        libc::ENOSYS => "ENOSYS",
        libc::EBUSY => "EBUSY",
        libc::EEXIST => "EEXIST",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
    }
}

/// The symbolic name of the errnos a set-up commonly fails with.
pub fn errno_name(errno: i32) -> Option<&'static str> {
    let k = ERRNOS.iter().position(|&e| e == errno)?;
    crate::ext::names::nth_name(ERRNO_NAMES, k).map(crate::ext::names::without_nul)
}

/// `n` bytes for a message: "unlimited", or KiB/MiB for round values.
fn write_bytes(out: &mut dyn TextOut, n: u64) {
    match n {
        u64::MAX => out.str("unlimited"),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => {
            out.dec(n >> 20);
            out.str(" MiB");
        }
        n if n >= 1 << 10 && n % (1 << 10) == 0 => {
            out.dec(n >> 10);
            out.str(" KiB");
        }
        n => {
            out.dec(n);
            out.str(" bytes");
        }
    }
}

/// The names of the known setup flags in `flags`, lowest bit first, each after
/// `prefix`, with `sep` between them. Out of line: one copy for its four callers.
#[inline(never)]
fn write_flag_names(out: &mut dyn TextOut, flags: u32, prefix: &str, sep: &str) {
    let mut first = true;
    // A loop over the set bits only (not unrolled over the whole name table).
    let mut rest = flags;
    while rest != 0 {
        let bit = rest & rest.wrapping_neg();
        rest &= !bit;
        if let Some(name) = crate::ext::names::setup_flag_name(bit) {
            if !first {
                out.str(sep);
            }
            out.str(prefix);
            out.str(name);
            first = false;
        }
    }
}

/// The sysctl behind `kernel.io_uring_disabled`, as the messages name it.
const DISABLED: &str = "/proc/sys/kernel/io_uring_disabled";
/// The start of every message about a parameter the request shows to be wrong.
const INVALID: &str = "invalid ring parameters: ";

impl Diagnosis {
    /// Write the explanation (one line, no newline) to `out`. This is what `Display`
    /// prints and what [`Diagnosis::write_nul`] stores; it uses no `core::fmt`, so the C
    /// library's `uring_explain_setup_error` links none of it.
    pub fn write_text(&self, out: &mut dyn TextOut) {
        match self.cause {
            Cause::NotBuiltIn => out.str(
                "io_uring is not available: the kernel was built without it (CONFIG_IO_URING) \
                 and no seccomp filter is on this process",
            ),
            Cause::BlockedBySeccomp => {
                out.str("io_uring is blocked by seccomp: this process runs under a seccomp filter (Seccomp: ");
                out.dec(u64::from(self.facts.seccomp.unwrap_or(2)));
                out.str(
                    " in /proc/self/status), such as a container runtime's default profile or systemd's \
                     SystemCallFilter=, which refuses io_uring_setup; allow the io_uring system calls in that profile",
                );
            }
            Cause::DisabledBySysctl => {
                out.str("io_uring is disabled: ");
                out.str(DISABLED);
                out.str(
                    " is 2, which refuses io_uring_setup to every process, root \
                     included; an administrator must set it to 0 (or to 1 with kernel.io_uring_group)",
                );
            }
            Cause::NotInIoUringGroup { gid } => {
                out.str("io_uring is disabled for this process: ");
                out.str(DISABLED);
                out.str(
                    " is 1, which allows only processes with \
                     CAP_SYS_ADMIN or in the group kernel.io_uring_group (",
                );
                if gid >= 0 {
                    out.str("gid ");
                    out.signed(gid);
                } else {
                    out.str("-1: no group is set");
                }
                out.str("), and this process has neither; run it in that group, or ask an administrator to set the sysctl to 0");
            }
            Cause::SecurityPolicy => {
                out.str("io_uring_setup was refused by a security policy: ");
                if let (Some(v), Some(0)) = (self.facts.io_uring_disabled, self.facts.seccomp) {
                    out.str(DISABLED);
                    out.str(" is ");
                    out.dec(u64::from(v));
                    out.str(" and no seccomp filter is on, so ");
                }
                out.str("a security module (SELinux, AppArmor, another LSM) denies io_uring; check its policy and the audit log");
                if self.request.is_some_and(|r| r.flags & IORING_SETUP_SQPOLL != 0) {
                    out.str("; before Linux 5.11 IORING_SETUP_SQPOLL also needs CAP_SYS_ADMIN or CAP_SYS_NICE");
                }
            }
            Cause::LockedMemory => {
                out.str("not enough locked memory for the ring");
                if let Some(r) = self.request {
                    out.str(" of ");
                    out.dec(u64::from(r.entries));
                    out.str(" entries");
                }
                out.str(": without CAP_IPC_LOCK the ring memory counts against RLIMIT_MEMLOCK");
                match self.facts.memlock {
                    Some((soft, hard)) => {
                        out.str(" (now ");
                        write_bytes(out, soft);
                        out.str(", hard limit ");
                        write_bytes(out, hard);
                        out.str(")");
                    }
                    None => out.str(" (which could not be read)"),
                }
                out.str(
                    ", and is charged to the memory cgroup and mapped into the address space (RLIMIT_AS); \
                     raise the limit (ulimit -l, LimitMEMLOCK=) or ask for fewer entries",
                );
                if self.request.is_some_and(|r| r.flags & IORING_SETUP_NO_MMAP != 0) {
                    out.str(
                        "; an IORING_SETUP_NO_MMAP ring without caller memory (io_uring_queue_init_mem) \
                         whose SQEs or CQ take more than a page needs a 2 MiB huge page",
                    );
                    match self.facts.nr_hugepages {
                        Some(n) => {
                            out.str(" (vm.nr_hugepages is ");
                            out.dec(n);
                            out.str(")");
                        }
                        None => out.str(" (vm.nr_hugepages could not be read)"),
                    }
                }
            }
            Cause::NoEntries => {
                out.str(INVALID);
                out.str("entries is 0 (at least 1 is needed)");
            }
            Cause::TooManyEntries => {
                out.str(INVALID);
                out.dec(u64::from(self.request.map_or(0, |r| r.entries)));
                out.str(" entries is above the kernel's maximum of ");
                out.dec(u64::from(MAX_ENTRIES));
                out.str(" (IORING_SETUP_CLAMP caps it instead)");
            }
            Cause::BadCqSize => {
                out.str(INVALID);
                out.str("IORING_SETUP_CQSIZE with cq_entries ");
                out.dec(u64::from(self.request.map_or(0, |r| r.cq_entries)));
                out.str(": it must be at least the SQ size and at most ");
                out.dec(u64::from(MAX_CQ_ENTRIES));
                out.str(" (without IORING_SETUP_CLAMP)");
            }
            Cause::UnknownFlags { bits } => {
                out.str(INVALID);
                out.str("unknown setup flag bits ");
                out.hex(u64::from(bits));
            }
            Cause::FlagCombination { flag, other, needs } => {
                out.str("invalid ring parameters: ");
                write_flag_names(out, flag, "IORING_SETUP_", ", ");
                if needs {
                    out.str(" needs ");
                    write_flag_names(out, other, "IORING_SETUP_", " or ");
                } else {
                    out.str(" and ");
                    write_flag_names(out, other, "IORING_SETUP_", " or ");
                    out.str(" exclude each other");
                }
            }
            Cause::UnsupportedFlag => {
                out.str("the kernel refused the ring parameters: ");
                match self.request {
                    Some(r) => {
                        out.str("one of the setup flags");
                        if r.flags & known_flags() != 0 {
                            out.str(" (");
                            write_flag_names(out, r.flags, "", ", ");
                            out.str(")");
                        }
                        out.str(" is newer than this kernel; uring_queue_init_fallback() can drop optional ones");
                    }
                    None => out.str("a setup flag is newer than this kernel, or a parameter is out of range"),
                }
            }
            Cause::NoFileDescriptors => {
                out.str("no file descriptor left for the ring: raise RLIMIT_NOFILE (ulimit -n) or close descriptors")
            }
            Cause::BadAddress => out.str("the params or ring memory pointer is not valid memory"),
            Cause::Other => out.str("the ring could not be set up"),
        }
        out.str(" (");
        if let Some(name) = errno_name(self.errno) {
            out.str(name);
            out.str(", ");
        }
        out.str("errno ");
        out.signed(i64::from(self.errno));
        out.str(")");
    }

    /// Write the explanation into `buf`, NUL-terminated and cut to fit; returns the
    /// length of the whole explanation without the NUL (as `snprintf` does), so a return
    /// `>= buf.len()` means it was cut.
    pub fn write_nul(&self, buf: &mut [u8]) -> usize {
        let mut w = os::FixedWriter::new(buf);
        self.write_text(&mut w);
        let wanted = w.wanted();
        w.finish_nul();
        wanted
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        os::FmtOut::display(f, |out| self.write_text(out))
    }
}

/// The last failed set-up of the process (errno 0: none yet).
static LAST_ERRNO: AtomicI32 = AtomicI32::new(0);
static LAST_ENTRIES: AtomicU32 = AtomicU32::new(0);
static LAST_FLAGS: AtomicU32 = AtomicU32::new(0);
static LAST_CQ_ENTRIES: AtomicU32 = AtomicU32::new(0);

/// Record a failed `io_uring_setup` (called by the set-up code).
pub fn note_failed_setup(errno: i32, request: SetupRequest) {
    // Relaxed: a best-effort record; two set-ups failing at once in two threads may
    // leave a mix, which only makes the explanation less specific.
    LAST_ENTRIES.store(request.entries, Ordering::Relaxed);
    LAST_FLAGS.store(request.flags, Ordering::Relaxed);
    LAST_CQ_ENTRIES.store(request.cq_entries, Ordering::Relaxed);
    LAST_ERRNO.store(errno.saturating_abs(), Ordering::Release);
}

/// The errno and request of the last failed set-up of the process.
pub fn last_failed_setup() -> Option<(i32, SetupRequest)> {
    let errno = LAST_ERRNO.load(Ordering::Acquire);
    (errno != 0).then(|| {
        (
            errno,
            SetupRequest {
                entries: LAST_ENTRIES.load(Ordering::Relaxed),
                flags: LAST_FLAGS.load(Ordering::Relaxed),
                cq_entries: LAST_CQ_ENTRIES.load(Ordering::Relaxed),
            },
        )
    })
}

/// `uring_explain_setup_error`: explain `err` (the set-up's return, `-errno` or
/// `errno`) into `buf`, reading the system now and using the last failed set-up's
/// request when its errno is `err`. Returns the explanation's full length.
pub fn explain_setup_error(err: i32, buf: &mut [u8]) -> usize {
    let errno = err.saturating_abs();
    let request = last_failed_setup().filter(|(e, _)| *e == errno).map(|(_, r)| r);
    diagnose(errno, request.as_ref(), &SystemFacts::read()).write_nul(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: &Diagnosis) -> ([u8; 1024], usize) {
        let mut buf = [0u8; 1024];
        let n = d.write_nul(&mut buf);
        (buf, n)
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn permission_causes() {
        let mut facts = SystemFacts {
            io_uring_disabled: Some(2),
            ..Default::default()
        };
        assert_eq!(diagnose(-libc::EPERM, None, &facts).cause, Cause::DisabledBySysctl);
        facts.io_uring_disabled = Some(1);
        facts.io_uring_group = Some(1234);
        facts.in_io_uring_group = Some(false);
        facts.cap_sys_admin = Some(false);
        let d = diagnose(libc::EPERM, None, &facts);
        assert_eq!(d.cause, Cause::NotInIoUringGroup { gid: 1234 });
        let (buf, n) = text(&d);
        assert!(
            contains(&buf[..n], "gid 1234"),
            "{}",
            core::str::from_utf8(&buf[..n]).unwrap()
        );
        assert!(contains(&buf[..n], "(EPERM, errno 1)"));
        facts.in_io_uring_group = Some(true);
        assert_eq!(diagnose(libc::EPERM, None, &facts).cause, Cause::SecurityPolicy);
        facts.seccomp = Some(2);
        assert_eq!(diagnose(libc::EPERM, None, &facts).cause, Cause::BlockedBySeccomp);
        assert_eq!(diagnose(libc::ENOSYS, None, &facts).cause, Cause::BlockedBySeccomp);
        facts.seccomp = Some(0);
        assert_eq!(diagnose(libc::ENOSYS, None, &facts).cause, Cause::NotBuiltIn);
        assert_eq!(diagnose(libc::EACCES, None, &facts).cause, Cause::SecurityPolicy);
    }

    #[test]
    fn parameter_causes() {
        let f = SystemFacts::default();
        let req = |entries, flags, cq_entries| SetupRequest {
            entries,
            flags,
            cq_entries,
        };
        let cause = |r: SetupRequest| diagnose(-libc::EINVAL, Some(&r), &f).cause;
        assert_eq!(cause(req(0, 0, 0)), Cause::NoEntries);
        assert_eq!(cause(req(65536, 0, 0)), Cause::TooManyEntries);
        assert_eq!(cause(req(8, 1 << 30, 0)), Cause::UnknownFlags { bits: 1 << 30 });
        assert_eq!(cause(req(8, IORING_SETUP_CQSIZE, 4)), Cause::BadCqSize);
        assert_eq!(
            cause(req(8, IORING_SETUP_DEFER_TASKRUN, 0)),
            Cause::FlagCombination {
                flag: IORING_SETUP_DEFER_TASKRUN,
                other: IORING_SETUP_SINGLE_ISSUER,
                needs: true
            }
        );
        // Each rule in words, made from the flag names.
        let words = |flags| {
            let d = diagnose(-libc::EINVAL, Some(&req(8, flags, 0)), &f);
            let (buf, n) = text(&d);
            std::string::String::from_utf8(buf[..n].to_vec()).unwrap()
        };
        assert!(words(IORING_SETUP_DEFER_TASKRUN)
            .starts_with("invalid ring parameters: IORING_SETUP_DEFER_TASKRUN needs IORING_SETUP_SINGLE_ISSUER ("));
        assert!(words(IORING_SETUP_TASKRUN_FLAG)
            .contains("IORING_SETUP_TASKRUN_FLAG needs IORING_SETUP_COOP_TASKRUN or IORING_SETUP_DEFER_TASKRUN ("));
        assert!(words(IORING_SETUP_CQE32 | IORING_SETUP_CQE_MIXED)
            .contains(": IORING_SETUP_CQE32 and IORING_SETUP_CQE_MIXED exclude each other ("));
        assert_eq!(cause(req(8, IORING_SETUP_SQ_REWIND, 0)), Cause::UnsupportedFlag);
        let d = diagnose(
            -libc::EINVAL,
            Some(&req(8, IORING_SETUP_SQ_REWIND | IORING_SETUP_SQPOLL, 0)),
            &f,
        );
        let (buf, n) = text(&d);
        assert!(
            contains(&buf[..n], "(SQPOLL, SQ_REWIND)"),
            "{}",
            core::str::from_utf8(&buf[..n]).unwrap()
        );
    }

    #[test]
    fn resource_causes_and_cutting() {
        let f = SystemFacts {
            memlock: Some((64 << 10, 64 << 10)),
            ..Default::default()
        };
        let d = diagnose(
            -libc::ENOMEM,
            Some(&SetupRequest {
                entries: 4096,
                ..Default::default()
            }),
            &f,
        );
        assert_eq!(d.cause, Cause::LockedMemory);
        let (buf, n) = text(&d);
        assert!(contains(&buf[..n], "of 4096 entries"));
        assert!(contains(&buf[..n], "now 64 KiB, hard limit 64 KiB"));
        assert_eq!(diagnose(-libc::EMFILE, None, &f).cause, Cause::NoFileDescriptors);
        assert_eq!(diagnose(-libc::EFAULT, None, &f).cause, Cause::BadAddress);
        assert_eq!(diagnose(-libc::EXDEV, None, &f).cause, Cause::Other);
        // Cut to a small buffer: NUL-terminated, full length reported.
        let mut small = [0xffu8; 10];
        let full = d.write_nul(&mut small);
        assert_eq!(full, n);
        assert_eq!(small[9], 0);
        assert_eq!(&small[..9], &buf[..9]);
    }

    #[test]
    fn errno_names() {
        assert_eq!(errno_name(libc::EPERM), Some("EPERM"));
        assert_eq!(errno_name(libc::EOPNOTSUPP), Some("EOPNOTSUPP"));
        assert_eq!(errno_name(libc::EXDEV), None);
        assert_eq!(ERRNO_NAMES.split_terminator('\0').count(), ERRNOS.len());
    }

    #[test]
    fn system_facts_read() {
        let f = SystemFacts::read();
        // Every Linux process has Seccomp: and CapEff: lines (since 3.8 / 2.6.24).
        assert!(f.seccomp.is_some());
        assert!(f.cap_sys_admin.is_some());
        assert!(f.memlock.is_some());
    }
}
