//! [`SetupError`]: why [`crate::Builder::build`] could not create a ring, in words.
//!
//! `io_uring_setup` fails for reasons that have nothing to do with the program: the
//! kernel lacks io_uring, a container's seccomp profile blocks it, an administrator set
//! `kernel.io_uring_disabled`, the process has no locked memory left. A bare `EPERM` or
//! `ENOSYS` tells a user none of that, so the Rust API returns this type, whose `Display`
//! names the likely cause and what to check, with the values it read from the system
//! when the setup failed. The C ABI is unchanged: it returns `-errno` as liburing does.

use std::prelude::rust_2021::*;

use core::fmt;
use std::io;

use crate::errno::Errno;
use crate::sys::*;

/// The sysctl that switches io_uring off (Linux 6.6+): 0 allowed, 1 only for
/// CAP_SYS_ADMIN or members of `kernel.io_uring_group`, 2 refused for every process.
pub const IO_URING_DISABLED_PATH: &str = "/proc/sys/kernel/io_uring_disabled";
/// The group allowed to create rings when `kernel.io_uring_disabled` is 1 (-1: none).
pub const IO_URING_GROUP_PATH: &str = "/proc/sys/kernel/io_uring_group";

/// Huge pages reserved in the system.
const NR_HUGEPAGES_PATH: &str = "/proc/sys/vm/nr_hugepages";

/// Largest SQ size the kernel accepts without `IORING_SETUP_CLAMP`.
const MAX_ENTRIES: u32 = 32768;
/// Largest CQ size the kernel accepts without `IORING_SETUP_CLAMP`.
const MAX_CQ_ENTRIES: u32 = 2 * MAX_ENTRIES;

/// Every `IORING_SETUP_*` flag this library knows.
const KNOWN_FLAGS: u32 = IORING_SETUP_IOPOLL
    | IORING_SETUP_SQPOLL
    | IORING_SETUP_SQ_AFF
    | IORING_SETUP_CQSIZE
    | IORING_SETUP_CLAMP
    | IORING_SETUP_ATTACH_WQ
    | IORING_SETUP_R_DISABLED
    | IORING_SETUP_SUBMIT_ALL
    | IORING_SETUP_COOP_TASKRUN
    | IORING_SETUP_TASKRUN_FLAG
    | IORING_SETUP_SQE128
    | IORING_SETUP_CQE32
    | IORING_SETUP_SINGLE_ISSUER
    | IORING_SETUP_DEFER_TASKRUN
    | IORING_SETUP_NO_MMAP
    | IORING_SETUP_REGISTERED_FD_ONLY
    | IORING_SETUP_NO_SQARRAY
    | IORING_SETUP_HYBRID_IOPOLL
    | IORING_SETUP_CQE_MIXED
    | IORING_SETUP_SQE_MIXED
    | IORING_SETUP_SQ_REWIND;

/// What the system looked like when the setup failed (each value `None` where it could
/// not be read).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct SystemState {
    /// `kernel.io_uring_disabled` (absent before Linux 6.6).
    pub(crate) io_uring_disabled: Option<u32>,
    /// `kernel.io_uring_group` (-1: no group).
    pub(crate) io_uring_group: Option<i64>,
    /// RLIMIT_MEMLOCK (soft, hard); `u64::MAX` is unlimited.
    pub(crate) memlock: Option<(u64, u64)>,
    /// `vm.nr_hugepages`, which NO_MMAP rings larger than a page need.
    pub(crate) nr_hugepages: Option<u64>,
}

impl SystemState {
    /// Read the state relevant to `errno` (the sysctls for permission errors, the
    /// memlock limit for ENOMEM).
    fn read(errno: Errno) -> SystemState {
        let mut s = SystemState::default();
        if errno == Errno::EPERM || errno == Errno(libc::EACCES) {
            s.io_uring_disabled = read_sysctl(IO_URING_DISABLED_PATH).and_then(|v| u32::try_from(v).ok());
            s.io_uring_group = read_sysctl(IO_URING_GROUP_PATH);
        }
        if errno == Errno::ENOMEM {
            s.memlock = memlock_limit();
            s.nr_hugepages = read_sysctl(NR_HUGEPAGES_PATH).and_then(|v| u64::try_from(v).ok());
        }
        s
    }
}

/// An integer sysctl, if it exists and is readable.
fn read_sysctl(path: &str) -> Option<i64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// RLIMIT_MEMLOCK as (soft, hard), `u64::MAX` meaning unlimited.
fn memlock_limit() -> Option<(u64, u64)> {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: SYSCALL-ARGS: getrlimit writes one `struct rlimit` through its pointer, a
    // live local.
    if unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut r) } != 0 {
        return None;
    }
    let conv = |v: libc::rlim_t| if v == libc::RLIM_INFINITY { u64::MAX } else { v };
    Some((conv(r.rlim_cur), conv(r.rlim_max)))
}

/// Why a ring could not be created: the errno `io_uring_setup` (or the library's own
/// checks) returned, plus what is needed to explain it.
///
/// `Display` says why and what to check, for example for `ENOSYS` *"io_uring is not
/// available: the kernel was built without it (CONFIG_IO_URING), or a seccomp filter
/// (a container runtime's default profile, systemd's SystemCallFilter=) blocks
/// io_uring_setup"*, and for `EPERM` the value of `kernel.io_uring_disabled` and
/// `kernel.io_uring_group` it read when the setup failed.
///
/// Conversions: [`SetupError::errno`] (and `Errno::from`) give the raw errno, so `?` works
/// in functions returning `Result<_, Errno>`; `std::io::Error::from` keeps the message
/// (the `io::Error` has the errno's kind and this error as its payload, so its
/// `raw_os_error()` is `None`: use [`SetupError::errno`] for the number). A `SetupError`
/// compares equal to the [`Errno`] it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError {
    errno: Errno,
    entries: u32,
    flags: u32,
    cq_entries: u32,
    state: SystemState,
}

impl SetupError {
    /// The error `errno` for a setup of `entries` SQEs with `params` (as the caller
    /// passed them), with the system state read now.
    pub fn new(errno: Errno, entries: u32, params: &io_uring_params) -> SetupError {
        SetupError::with_state(errno, entries, params, SystemState::read(errno))
    }

    pub(crate) fn with_state(errno: Errno, entries: u32, params: &io_uring_params, state: SystemState) -> SetupError {
        SetupError {
            errno,
            entries,
            flags: params.flags,
            cq_entries: params.cq_entries,
            state,
        }
    }

    /// The errno (`ENOSYS`, `EPERM`, `ENOMEM`, `EINVAL`, ...).
    #[inline]
    pub fn errno(&self) -> Errno {
        self.errno
    }

    /// io_uring cannot be used by this process at all (not a problem with the
    /// parameters): `ENOSYS`, `EPERM` or `EACCES`. A program may fall back to other
    /// I/O then.
    pub fn is_unavailable(&self) -> bool {
        matches!(self.errno.raw(), libc::ENOSYS | libc::EPERM | libc::EACCES)
    }

    /// `kernel.io_uring_disabled` as read when the setup failed with `EPERM`/`EACCES`
    /// (`None` otherwise, or where the sysctl is absent or unreadable).
    pub fn io_uring_disabled(&self) -> Option<u32> {
        self.state.io_uring_disabled
    }

    /// Hint for `EPERM` on SQPOLL rings: old kernels want privileges for them.
    fn sqpoll_hint(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.flags & IORING_SETUP_SQPOLL != 0 {
            f.write_str("; before Linux 5.11, IORING_SETUP_SQPOLL also needs CAP_SYS_ADMIN or CAP_SYS_NICE")?;
        }
        Ok(())
    }

    fn fmt_eperm(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = match self.state.io_uring_group {
            Some(g) if g >= 0 => format!("gid {g}"),
            Some(_) => "-1, no group".to_string(),
            None => "unreadable".to_string(),
        };
        match self.state.io_uring_disabled {
            Some(2) => write!(
                f,
                "io_uring is disabled: {IO_URING_DISABLED_PATH} is 2, which refuses io_uring_setup to every \
                 process, root included; an administrator must set it to 0 (or to 1 with kernel.io_uring_group) \
                 to allow rings"
            ),
            Some(1) => write!(
                f,
                "io_uring is disabled for this process: {IO_URING_DISABLED_PATH} is 1, which allows only \
                 processes with CAP_SYS_ADMIN or in the group kernel.io_uring_group ({group}); run in that \
                 group, or ask an administrator to set the sysctl to 0"
            ),
            Some(v) => {
                write!(
                    f,
                    "io_uring_setup was refused although {IO_URING_DISABLED_PATH} is {v}: a seccomp filter \
                     (container runtime, systemd's SystemCallFilter=) or a security module (SELinux, AppArmor) \
                     blocks io_uring"
                )?;
                self.sqpoll_hint(f)
            }
            None => {
                write!(
                    f,
                    "io_uring is disabled: check {IO_URING_DISABLED_PATH} and kernel.io_uring_group (Linux \
                     6.6+; not readable here), or a seccomp filter or security module (SELinux, AppArmor) \
                     that blocks io_uring"
                )?;
                self.sqpoll_hint(f)
            }
        }
    }

    fn fmt_enomem(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.flags & IORING_SETUP_NO_MMAP != 0 {
            let pages = match self.state.nr_hugepages {
                Some(n) => format!("vm.nr_hugepages is {n}"),
                None => "vm.nr_hugepages could not be read".to_string(),
            };
            write!(
                f,
                "no memory for an IORING_SETUP_NO_MMAP ring of {} entries: without caller memory \
                 (io_uring_queue_init_mem) the library maps it itself, and a ring whose SQEs or CQ \
                 take more than a page needs a 2 MiB huge page ({pages}; reserve some, pass your own \
                 memory, or ask for fewer entries); it is also mapped into the address space \
                 (RLIMIT_AS) and counts against RLIMIT_MEMLOCK without CAP_IPC_LOCK",
                self.entries
            )?;
            return self.fmt_memlock(f);
        }
        write!(
            f,
            "not enough memory for a ring of {} entries: without CAP_IPC_LOCK the ring memory counts \
             against the locked-memory limit",
            self.entries
        )?;
        self.fmt_memlock(f)?;
        f.write_str(
            ", and it is charged to the memory cgroup and mapped into the address space (RLIMIT_AS): \
             raise the limit (`ulimit -l`, LimitMEMLOCK=) or ask for fewer entries",
        )
    }

    /// " (RLIMIT_MEMLOCK is X, hard limit Y)".
    fn fmt_memlock(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.state.memlock {
            Some((soft, hard)) => write!(f, " (RLIMIT_MEMLOCK is {}, hard limit {})", bytes(soft), bytes(hard)),
            None => f.write_str(" (RLIMIT_MEMLOCK could not be read)"),
        }
    }

    /// The rule the parameters break, where it can be told from them alone.
    fn invalid_reason(&self) -> String {
        let (n, fl, cq) = (self.entries, self.flags, self.cq_entries);
        let has = |b: u32| fl & b != 0;
        if n == 0 {
            return "entries is 0 (at least 1 is needed)".into();
        }
        if n > MAX_ENTRIES && !has(IORING_SETUP_CLAMP) {
            return format!("entries {n} is above the kernel's maximum {MAX_ENTRIES} (IORING_SETUP_CLAMP caps it)");
        }
        if fl & !KNOWN_FLAGS != 0 {
            return format!("unknown setup flag bits {:#x}", fl & !KNOWN_FLAGS);
        }
        if has(IORING_SETUP_CQSIZE) {
            if cq == 0 {
                return "IORING_SETUP_CQSIZE with cq_entries 0".into();
            }
            if cq > MAX_CQ_ENTRIES && !has(IORING_SETUP_CLAMP) {
                return format!(
                    "cq_entries {cq} is above the kernel's maximum {MAX_CQ_ENTRIES} (IORING_SETUP_CLAMP caps it)"
                );
            }
            let sq = n.min(MAX_ENTRIES).next_power_of_two();
            if cq < sq {
                return format!("cq_entries {cq} is smaller than the SQ size {sq}");
            }
        }
        let pairs: [(bool, &str); 8] = [
            (
                has(IORING_SETUP_REGISTERED_FD_ONLY) && !has(IORING_SETUP_NO_MMAP),
                "IORING_SETUP_REGISTERED_FD_ONLY needs IORING_SETUP_NO_MMAP",
            ),
            (
                has(IORING_SETUP_DEFER_TASKRUN) && !has(IORING_SETUP_SINGLE_ISSUER),
                "IORING_SETUP_DEFER_TASKRUN needs IORING_SETUP_SINGLE_ISSUER",
            ),
            (
                has(IORING_SETUP_DEFER_TASKRUN) && has(IORING_SETUP_SQPOLL),
                "IORING_SETUP_DEFER_TASKRUN cannot be combined with IORING_SETUP_SQPOLL",
            ),
            (
                has(IORING_SETUP_SQ_AFF) && !has(IORING_SETUP_SQPOLL),
                "IORING_SETUP_SQ_AFF needs IORING_SETUP_SQPOLL",
            ),
            (
                has(IORING_SETUP_HYBRID_IOPOLL) && !has(IORING_SETUP_IOPOLL),
                "IORING_SETUP_HYBRID_IOPOLL needs IORING_SETUP_IOPOLL",
            ),
            (
                has(IORING_SETUP_TASKRUN_FLAG) && !has(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN),
                "IORING_SETUP_TASKRUN_FLAG needs IORING_SETUP_COOP_TASKRUN or IORING_SETUP_DEFER_TASKRUN",
            ),
            (
                has(IORING_SETUP_CQE32) && has(IORING_SETUP_CQE_MIXED),
                "IORING_SETUP_CQE32 and IORING_SETUP_CQE_MIXED exclude each other",
            ),
            (
                has(IORING_SETUP_SQE128) && has(IORING_SETUP_SQE_MIXED),
                "IORING_SETUP_SQE128 and IORING_SETUP_SQE_MIXED exclude each other",
            ),
        ];
        if let Some((_, why)) = pairs.iter().find(|(broken, _)| *broken) {
            return (*why).into();
        }
        if has(IORING_SETUP_ATTACH_WQ) {
            return "IORING_SETUP_ATTACH_WQ needs wq_fd to be another ring's fd".into();
        }
        format!("the kernel refused setup flags {fl:#x}: one of them is newer than this kernel")
    }
}

/// `n` bytes for a message: "unlimited", or bytes with KiB/MiB for round values.
fn bytes(n: u64) -> String {
    match n {
        u64::MAX => "unlimited".into(),
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// The symbolic name of the errnos a setup commonly fails with.
fn errno_name(n: i32) -> Option<&'static str> {
    Some(match n {
        libc::EPERM => "EPERM",
        libc::ENOMEM => "ENOMEM",
        libc::EACCES => "EACCES",
        libc::EFAULT => "EFAULT",
        libc::EINVAL => "EINVAL",
        libc::ENFILE => "ENFILE",
        libc::EMFILE => "EMFILE",
        libc::ENOSYS => "ENOSYS",
        _ => return None,
    })
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errno.raw() {
            libc::ENOSYS => f.write_str(
                "io_uring is not available: the kernel was built without it (CONFIG_IO_URING), or a seccomp \
                 filter (a container runtime's default profile, systemd's SystemCallFilter=) blocks \
                 io_uring_setup",
            )?,
            libc::EPERM => self.fmt_eperm(f)?,
            libc::EACCES => f.write_str(
                "io_uring_setup was refused by a security module (SELinux, AppArmor, another LSM): check its \
                 policy and the audit log",
            )?,
            libc::ENOMEM => self.fmt_enomem(f)?,
            libc::EINVAL => write!(f, "invalid ring parameters: {}", self.invalid_reason())?,
            libc::EMFILE | libc::ENFILE => f.write_str(
                "no file descriptor left for the ring: raise RLIMIT_NOFILE (`ulimit -n`) or close descriptors",
            )?,
            _ => f.write_str("the ring could not be set up")?,
        }
        // " (ENOMEM: Cannot allocate memory, os error 12)"
        let n = self.errno.raw();
        let text = io::Error::from_raw_os_error(n).to_string();
        let text = text.strip_suffix(&format!(" (os error {n})")).unwrap_or(&text);
        match errno_name(n) {
            Some(name) => write!(f, " ({name}: {text}, os error {n})"),
            None => write!(f, " ({text}, os error {n})"),
        }
    }
}

impl std::error::Error for SetupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.errno)
    }
}

impl From<SetupError> for Errno {
    #[inline]
    fn from(e: SetupError) -> Errno {
        e.errno
    }
}

impl From<SetupError> for io::Error {
    /// An `io::Error` of the errno's kind carrying the explanation.
    fn from(e: SetupError) -> io::Error {
        io::Error::new(io::Error::from_raw_os_error(e.errno.raw()).kind(), e)
    }
}

impl PartialEq<Errno> for SetupError {
    #[inline]
    fn eq(&self, other: &Errno) -> bool {
        self.errno == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(errno: i32, entries: u32, flags: u32, cq: u32, state: SystemState) -> String {
        let p = io_uring_params {
            flags,
            cq_entries: cq,
            ..Default::default()
        };
        SetupError::with_state(Errno(errno), entries, &p, state).to_string()
    }

    fn disabled(v: u32, group: i64) -> SystemState {
        SystemState {
            io_uring_disabled: Some(v),
            io_uring_group: Some(group),
            ..Default::default()
        }
    }

    #[test]
    fn enosys_names_kernel_and_seccomp() {
        let m = msg(libc::ENOSYS, 8, 0, 0, SystemState::default());
        assert!(m.starts_with("io_uring is not available: "), "{m}");
        assert!(m.contains("CONFIG_IO_URING") && m.contains("seccomp"), "{m}");
        assert!(m.ends_with(" (ENOSYS: Function not implemented, os error 38)"), "{m}");
    }

    #[test]
    fn eperm_reports_the_sysctl_it_read() {
        let m = msg(libc::EPERM, 8, 0, 0, disabled(2, -1));
        assert!(m.contains("/proc/sys/kernel/io_uring_disabled is 2"), "{m}");
        assert!(m.contains("every process, root included"), "{m}");

        let m = msg(libc::EPERM, 8, 0, 0, disabled(1, 4242));
        assert!(m.contains("/proc/sys/kernel/io_uring_disabled is 1"), "{m}");
        assert!(
            m.contains("CAP_SYS_ADMIN") && m.contains("kernel.io_uring_group (gid 4242)"),
            "{m}"
        );
        let m = msg(libc::EPERM, 8, 0, 0, disabled(1, -1));
        assert!(m.contains("(-1, no group)"), "{m}");

        let m = msg(libc::EPERM, 8, 0, 0, disabled(0, -1));
        assert!(m.contains("is 0: a seccomp filter"), "{m}");
        assert!(m.contains("SELinux") && !m.contains("SQPOLL"), "{m}");
        let m = msg(libc::EPERM, 8, IORING_SETUP_SQPOLL, 0, disabled(0, -1));
        assert!(
            m.contains("IORING_SETUP_SQPOLL also needs CAP_SYS_ADMIN or CAP_SYS_NICE"),
            "{m}"
        );

        let m = msg(libc::EPERM, 8, 0, 0, SystemState::default());
        assert!(
            m.contains("check /proc/sys/kernel/io_uring_disabled and kernel.io_uring_group"),
            "{m}"
        );
        assert!(m.ends_with(" (EPERM: Operation not permitted, os error 1)"), "{m}");
    }

    #[test]
    fn enomem_reports_the_memlock_limit() {
        let state = SystemState {
            memlock: Some((0, 8 << 20)),
            ..Default::default()
        };
        let m = msg(libc::ENOMEM, 64, 0, 0, state);
        assert!(m.contains("a ring of 64 entries"), "{m}");
        assert!(m.contains("RLIMIT_MEMLOCK is 0 bytes, hard limit 8 MiB"), "{m}");
        assert!(m.contains("ulimit -l") && m.contains("RLIMIT_AS"), "{m}");
        assert!(!m.contains("huge page"), "{m}");
        let state = SystemState {
            memlock: Some((64 << 10, u64::MAX)),
            ..Default::default()
        };
        let m = msg(libc::ENOMEM, 8, 0, 0, state);
        assert!(m.contains("RLIMIT_MEMLOCK is 64 KiB, hard limit unlimited"), "{m}");
        // NO_MMAP rings the library maps itself may need a huge page.
        let state = SystemState {
            memlock: Some((8 << 20, 8 << 20)),
            nr_hugepages: Some(0),
            ..Default::default()
        };
        let m = msg(libc::ENOMEM, 256, IORING_SETUP_NO_MMAP, 0, state);
        assert!(m.contains("IORING_SETUP_NO_MMAP ring of 256 entries"), "{m}");
        assert!(m.contains("2 MiB huge page (vm.nr_hugepages is 0"), "{m}");
        assert!(m.contains("RLIMIT_MEMLOCK is 8 MiB, hard limit 8 MiB"), "{m}");
        assert!(m.ends_with(" (ENOMEM: Cannot allocate memory, os error 12)"), "{m}");
    }

    #[test]
    fn einval_names_the_broken_rule() {
        let none = SystemState::default();
        let cases: &[(u32, u32, u32, &str)] = &[
            (0, 0, 0, "entries is 0"),
            (40000, 0, 0, "entries 40000 is above the kernel's maximum 32768"),
            (8, 1 << 31, 0, "unknown setup flag bits 0x80000000"),
            (8, IORING_SETUP_CQSIZE, 0, "IORING_SETUP_CQSIZE with cq_entries 0"),
            (
                8,
                IORING_SETUP_CQSIZE,
                1 << 20,
                "cq_entries 1048576 is above the kernel's maximum 65536",
            ),
            (5, IORING_SETUP_CQSIZE, 4, "cq_entries 4 is smaller than the SQ size 8"),
            (
                8,
                IORING_SETUP_REGISTERED_FD_ONLY,
                0,
                "REGISTERED_FD_ONLY needs IORING_SETUP_NO_MMAP",
            ),
            (
                8,
                IORING_SETUP_DEFER_TASKRUN,
                0,
                "DEFER_TASKRUN needs IORING_SETUP_SINGLE_ISSUER",
            ),
            (
                8,
                IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_SQPOLL,
                0,
                "cannot be combined with IORING_SETUP_SQPOLL",
            ),
            (8, IORING_SETUP_SQ_AFF, 0, "SQ_AFF needs IORING_SETUP_SQPOLL"),
            (
                8,
                IORING_SETUP_HYBRID_IOPOLL,
                0,
                "HYBRID_IOPOLL needs IORING_SETUP_IOPOLL",
            ),
            (8, IORING_SETUP_TASKRUN_FLAG, 0, "TASKRUN_FLAG needs"),
            (
                8,
                IORING_SETUP_CQE32 | IORING_SETUP_CQE_MIXED,
                0,
                "CQE_MIXED exclude each other",
            ),
            (
                8,
                IORING_SETUP_SQE128 | IORING_SETUP_SQE_MIXED,
                0,
                "SQE_MIXED exclude each other",
            ),
            (8, IORING_SETUP_ATTACH_WQ, 0, "ATTACH_WQ needs wq_fd"),
            (
                8,
                IORING_SETUP_SQ_REWIND,
                0,
                "refused setup flags 0x100000: one of them is newer",
            ),
        ];
        for &(entries, flags, cq, want) in cases {
            let m = msg(libc::EINVAL, entries, flags, cq, none);
            assert!(m.starts_with("invalid ring parameters: "), "{m}");
            assert!(
                m.contains(want),
                "entries {entries} flags {flags:#x} cq {cq}: {m:?} lacks {want:?}"
            );
        }
        // Valid sizes with CLAMP do not produce a size complaint.
        let m = msg(libc::EINVAL, 40000, IORING_SETUP_CLAMP, 0, none);
        assert!(!m.contains("maximum"), "{m}");
    }

    #[test]
    fn other_errnos_and_conversions() {
        let none = SystemState::default();
        assert!(msg(libc::EACCES, 8, 0, 0, none).contains("security module"));
        assert!(msg(libc::EMFILE, 8, 0, 0, none).contains("RLIMIT_NOFILE"));
        let m = msg(libc::EFAULT, 8, 0, 0, none);
        assert_eq!(m, "the ring could not be set up (EFAULT: Bad address, os error 14)");
        let m = msg(libc::EBUSY, 8, 0, 0, none);
        assert_eq!(m, "the ring could not be set up (Device or resource busy, os error 16)");

        let e = SetupError::with_state(Errno::EPERM, 8, &io_uring_params::default(), disabled(2, -1));
        assert_eq!(e.errno(), Errno::EPERM);
        assert!(e.is_unavailable());
        assert_eq!(e.io_uring_disabled(), Some(2));
        assert_eq!(e, Errno::EPERM);
        assert_eq!(Errno::from(e.clone()), Errno::EPERM);
        let io = io::Error::from(e.clone());
        assert_eq!(io.kind(), io::ErrorKind::PermissionDenied);
        assert_eq!(io.to_string(), e.to_string());
        let inner = io.get_ref().and_then(|i| i.downcast_ref::<SetupError>());
        assert_eq!(inner.map(SetupError::errno), Some(Errno::EPERM));
        let einval = SetupError::with_state(Errno::EINVAL, 0, &io_uring_params::default(), none);
        assert!(!einval.is_unavailable());
    }
}
