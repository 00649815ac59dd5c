//! io_uring switched off or starved: `kernel.io_uring_disabled` = 1 and 2, seccomp
//! filters that make the io_uring system calls fail with ENOSYS or EPERM, and
//! RLIMIT_MEMLOCK / RLIMIT_AS limits that make the setup fail. Every C entry point must
//! return the error (or NULL), the Rust API an `Err` whose message says why io_uring is
//! unavailable and what to check, and nothing may crash or leak an fd or a mapping.
//!
//! This is a `harness = false` test that runs its checks one after the other: the
//! sysctl is global to the machine, so no other check of this binary may run while it
//! is changed. Checks that change the process itself (seccomp filters cannot be
//! removed; privileges dropped; tiny limits) run in a child: this binary re-executed
//! with `URING_UNAVAILABLE_CHILD=<mode>`, which then does only that.
//!
//! The sysctl is restored by a guard's `Drop`, and also by a helper process that waits
//! for this one to go away (a crash or an abort included) and writes the old value back.
//! While it is set, other processes on the machine see it too: the value-2 window lasts
//! only as long as a few failing system calls (well under a millisecond of work), and
//! value 1 does not affect processes with CAP_SYS_ADMIN.
//!
//! Arguments: positional filters (substring of a check's name), `--list`; other
//! libtest flags are accepted and ignored.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::{Command, ExitCode};
use std::time::Instant;

use uring::prep as rust_prep;
use uring::probe::Probe;
use uring::ring::io_uring;
use uring::sys::*;
use uring::{Errno, Ring, SetupError};

include!("support/c_library.rs");

// The C exports, declared from api/functions.toml (see tests/generated/).
include!("generated/capi.rs");

const CHILD_ENV: &str = "URING_UNAVAILABLE_CHILD";
const NOBODY: u32 = 65534;
/// The group the io_uring_group check puts the child in (any gid will do).
const URING_GID: u32 = 4242;

/// What a check concluded, if it did not panic.
enum Outcome {
    Pass,
    Skip(String),
}

type Check = fn() -> Outcome;

const CHECKS: &[(&str, Check)] = &[
    ("seccomp_enosys_every_entry_point_and_the_message", seccomp_enosys),
    ("seccomp_eperm_every_entry_point_and_the_message", seccomp_eperm),
    (
        "io_uring_disabled_1_refuses_unprivileged_processes",
        disabled_1_unprivileged,
    ),
    ("io_uring_disabled_1_allows_kernel_io_uring_group", disabled_1_group),
    ("io_uring_disabled_2_refuses_everyone", disabled_2),
    ("sysctl_restored_when_the_test_process_aborts", restored_after_abort),
    ("memlock_limit_fails_setup_cleanly", memlock_limit),
    ("address_space_limit_fails_setup_cleanly", address_space_limit),
    (
        "no_mmap_ring_without_huge_pages_is_explained",
        no_mmap_without_huge_pages,
    ),
];

fn main() -> ExitCode {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        return child_main(&mode);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if args.iter().any(|a| a == "--list") {
        for (name, _) in CHECKS {
            println!("{name}: test");
        }
        return ExitCode::SUCCESS;
    }
    let chosen: Vec<_> = CHECKS
        .iter()
        .filter(|(n, _)| filters.is_empty() || filters.iter().any(|f| n.contains(f.as_str())))
        .collect();
    println!("\nrunning {} tests", chosen.len());
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let started = Instant::now();
    for (name, check) in chosen {
        let t = Instant::now();
        match catch_unwind(AssertUnwindSafe(check)) {
            Ok(Outcome::Pass) => {
                passed += 1;
                println!("test {name} ... ok ({:.2}s)", t.elapsed().as_secs_f64());
            }
            Ok(Outcome::Skip(why)) => {
                skipped += 1;
                println!("test {name} ... skipped: SKIP: {why}");
            }
            Err(_) => {
                failed += 1;
                println!("test {name} ... FAILED");
            }
        }
    }
    println!(
        "\ntest result: {}. {passed} passed; {failed} failed; {skipped} skipped; finished in {:.2}s\n",
        if failed == 0 { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

// ---- child processes -------------------------------------------------------------------------

/// Run this binary as a child in `mode`; Pass, Skip (exit 77 with a SKIP line) or panic
/// with its output.
fn run_child(mode: &str) -> Outcome {
    let exe = std::env::current_exe().expect("current_exe");
    let out = Command::new(exe).env(CHILD_ENV, mode).output().expect("spawn child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    match out.status.code() {
        Some(0) => Outcome::Pass,
        Some(77) => Outcome::Skip(
            stdout
                .lines()
                .find_map(|l| l.strip_prefix("SKIP: "))
                .unwrap_or("(no reason)")
                .to_string(),
        ),
        _ => panic!("child {mode}: {}\n{stdout}{stderr}", out.status),
    }
}

fn child_main(mode: &str) -> ExitCode {
    let r = catch_unwind(|| match mode.split(':').collect::<Vec<_>>().as_slice() {
        ["seccomp", errno] => child_seccomp(errno.parse().expect("errno")),
        ["unprivileged", gid, expect] => child_unprivileged(gid.parse().expect("gid"), expect),
        ["memlock"] => child_memlock(),
        ["address-space"] => child_address_space(),
        ["abort-with-sysctl-set"] => child_abort_with_sysctl_set(),
        _ => panic!("unknown child mode {mode:?}"),
    });
    match r {
        Ok(Outcome::Pass) => ExitCode::SUCCESS,
        Ok(Outcome::Skip(why)) => {
            println!("SKIP: {why}");
            ExitCode::from(77)
        }
        Err(_) => ExitCode::FAILURE,
    }
}

fn count_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").expect("/proc/self/fd").count()
}

fn count_maps() -> usize {
    std::fs::read_to_string("/proc/self/maps")
        .expect("/proc/self/maps")
        .lines()
        .count()
}

/// A capability bit of this process's effective set.
fn has_cap(bit: u32) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let hex = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .expect("CapEff line")
        .trim();
    u64::from_str_radix(hex, 16).expect("CapEff value") & (1 << bit) != 0
}

const CAP_IPC_LOCK: u32 = 14;
const CAP_SYS_ADMIN: u32 = 21;

/// Become uid `NOBODY` with primary group `gid` and no supplementary groups, which
/// drops every capability. Returns false when this process may not (not root).
fn drop_privileges(gid: u32) -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return false;
    }
    // SAFETY: an empty group list; the pointer is not read for a count of 0.
    assert_eq!(unsafe { libc::setgroups(0, core::ptr::null()) }, 0, "setgroups");
    // SAFETY: plain integer arguments.
    assert_eq!(unsafe { libc::setgid(gid) }, 0, "setgid");
    // SAFETY: plain integer arguments.
    assert_eq!(unsafe { libc::setuid(NOBODY) }, 0, "setuid");
    assert!(!has_cap(CAP_SYS_ADMIN), "CAP_SYS_ADMIN survived setuid");
    true
}

// ---- the checks of every entry point ------------------------------------------------------

/// What the calls on a never-set-up ring (ring_fd 0) must return.
#[derive(Clone, Copy)]
enum RingCalls {
    /// The io_uring_register/enter calls are blocked too: exactly this -errno.
    Exactly(i32),
    /// They reach the kernel on fd 0, which is no ring: some -errno.
    SomeError,
}

/// Call every C setup entry point expecting `-want`, then the register/enter entry
/// points on the never-set-up ring the failed init left. Returns the mismatches.
fn c_entry_points(want: i32, ring_calls: RingCalls) -> Vec<String> {
    let mut bad = Vec::new();
    let mut expect = |what: &str, got: i64, ok: bool| {
        if !ok {
            bad.push(format!("{what} = {got}"));
        }
    };
    let mut ring = io_uring::zeroed();
    let mut p = io_uring_params::default();
    // SAFETY: `p` is a live, writable params struct.
    let r = unsafe { io_uring_setup(8, &mut p) };
    expect("io_uring_setup", r.into(), r == -want);
    // SAFETY: C-CONTRACT: `ring` is a live struct the call may overwrite.
    let r = unsafe { io_uring_queue_init(8, &mut ring, 0) };
    expect("io_uring_queue_init", r.into(), r == -want);
    for (what, flags, cq) in [
        ("params", 0, 0),
        ("params SQPOLL", IORING_SETUP_SQPOLL, 0),
        ("params CQSIZE", IORING_SETUP_CQSIZE, 64),
        ("params NO_MMAP", IORING_SETUP_NO_MMAP, 0),
    ] {
        let mut p = io_uring_params {
            flags,
            cq_entries: cq,
            ..Default::default()
        };
        // SAFETY: C-CONTRACT: live ring and params structs.
        let r = unsafe { io_uring_queue_init_params(8, &mut ring, &mut p) };
        expect(&format!("io_uring_queue_init_{what}"), r.into(), r == -want);
    }
    /// Ring memory for io_uring_queue_init_mem: page aligned, as it must be.
    #[repr(C, align(4096))]
    struct RingMem([u8; 65536]);
    let mut mem = RingMem([0; 65536]);
    let mut p = io_uring_params::default();
    // SAFETY: C-CONTRACT: `mem` is page aligned, valid for its whole size and outlives
    // the (failed) ring.
    let r = unsafe { io_uring_queue_init_mem(8, &mut ring, &mut p, mem.0.as_mut_ptr().cast(), mem.0.len()) };
    expect("io_uring_queue_init_mem", r.into(), r == -want);
    // SAFETY: no arguments.
    let probe = unsafe { io_uring_get_probe() };
    if !probe.is_null() {
        expect("io_uring_get_probe returned a probe", 0, false);
        // SAFETY: a probe from io_uring_get_probe, freed once.
        unsafe { io_uring_free_probe(probe) };
    }
    // liburing cannot tell a blocked kernel from an old one and reports the old
    // kernel's locked size: the memory size.
    // SAFETY: plain integer arguments.
    let mlock = unsafe { io_uring_mlock_size(8, 0) };
    // SAFETY: plain integer arguments.
    let mem = unsafe { io_uring_memory_size(8, 0) };
    expect("io_uring_mlock_size", mlock as i64, mlock > 0 && mlock == mem);

    // The never-set-up struct the last failed init left behind.
    let mut p = io_uring_params::default();
    // SAFETY: C-CONTRACT: live ring and params structs.
    let r = unsafe { io_uring_queue_init_params(8, &mut ring, &mut p) };
    expect("io_uring_queue_init_params (again)", r.into(), r == -want);
    let ring_ok = |r: i32| match ring_calls {
        RingCalls::Exactly(e) => r == -e,
        RingCalls::SomeError => r < 0,
    };
    let fds = [0i32];
    let mut small = [0u8; 64];
    let iov = libc::iovec {
        iov_base: small.as_mut_ptr().cast(),
        iov_len: small.len(),
    };
    // C-CONTRACT for each call below: the ring struct is live (not set up: the calls
    // reach the kernel with ring_fd 0, as liburing's do) and every argument is valid.
    let r = &mut ring as *mut io_uring;
    // SAFETY: C-CONTRACT (above); `iov` describes the live `small`.
    let buffers = unsafe { io_uring_register_buffers(r, &iov, 1) };
    // SAFETY: C-CONTRACT (above); `fds` is a live array of one fd.
    let files = unsafe { io_uring_register_files(r, fds.as_ptr(), 1) };
    // SAFETY: C-CONTRACT (above).
    let eventfd = unsafe { io_uring_register_eventfd(r, 0) };
    // SAFETY: C-CONTRACT (above).
    let personality = unsafe { io_uring_register_personality(r) };
    // SAFETY: C-CONTRACT (above); nothing else uses the struct (exclusive group).
    let ring_fd = unsafe { io_uring_register_ring_fd(r) };
    // SAFETY: C-CONTRACT (above).
    let enable = unsafe { io_uring_enable_rings(r) };
    // SAFETY: C-CONTRACT (above).
    let events = unsafe { io_uring_get_events(r) };
    let calls = [
        ("register_buffers", buffers),
        ("register_files", files),
        ("register_eventfd", eventfd),
        ("register_personality", personality),
        ("register_ring_fd", ring_fd),
        ("enable_rings", enable),
        ("get_events", events),
    ];
    for (what, r) in calls {
        expect(what, r.into(), ring_ok(r));
    }
    // SAFETY: C-CONTRACT (above).
    let probe = unsafe { io_uring_get_probe_ring(r) };
    if !probe.is_null() {
        expect("io_uring_get_probe_ring returned a probe", 0, false);
        // SAFETY: a probe from io_uring_get_probe_ring, freed once.
        unsafe { io_uring_free_probe(probe) };
    }
    bad
}

/// The Rust API's view: every way to create a ring fails with `want`; returns the error
/// of `Ring::new(8)` for its message.
fn rust_entry_points(want: Errno) -> SetupError {
    let e = Ring::new(8).expect_err("Ring::new succeeded");
    assert_eq!(e.errno(), want, "Ring::new: {e}");
    for (what, b) in [
        ("SQPOLL", Ring::builder(8).sqpoll(100)),
        ("NO_MMAP", Ring::builder(8).flags(IORING_SETUP_NO_MMAP)),
        ("CQSIZE", Ring::builder(8).cq_entries(64)),
    ] {
        let err = b.build().err().unwrap_or_else(|| panic!("{what}: build succeeded"));
        assert_eq!(err.errno(), want, "{what}: {err}");
    }
    assert_eq!(Probe::new().err(), Some(want), "Probe::new");
    e
}

/// Check the entry points in a process where io_uring fails with `want`, and that
/// nothing leaked.
fn check_unavailable(want: Errno, ring_calls: RingCalls) -> SetupError {
    let (fds, maps) = (count_fds(), count_maps());
    let bad = c_entry_points(want.raw(), ring_calls);
    let e = rust_entry_points(want);
    assert!(bad.is_empty(), "C entry points, expecting -{}: {bad:?}", want.raw());
    assert_eq!(count_fds(), fds, "fds leaked");
    assert_eq!(count_maps(), maps, "mappings leaked");
    assert!(e.is_unavailable(), "{e}");
    let io = std::io::Error::from(e.clone());
    assert_eq!(io.to_string(), e.to_string());
    e
}

// ---- seccomp ----------------------------------------------------------------------------------

const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;

/// Make io_uring_setup, io_uring_enter and io_uring_register fail with `errno` in this
/// process, for good. Err(reason) where that is not possible.
fn block_io_uring(errno: i32) -> Result<(), String> {
    if !cfg!(target_arch = "x86_64") {
        return Err("the seccomp filter is written for x86_64".into());
    }
    let stmt = |code: u32, k: u32| libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let jeq = |k: u32, jt: u8| libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt,
        jf: 0,
        k,
    };
    let ld = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
    let ret = libc::BPF_RET | libc::BPF_K;
    let mut prog = [
        stmt(ld, 4), // seccomp_data.arch
        libc::sock_filter {
            code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
            jt: 1,
            jf: 0,
            k: AUDIT_ARCH_X86_64,
        },
        stmt(ret, libc::SECCOMP_RET_ALLOW),
        stmt(ld, 0), // seccomp_data.nr
        jeq(libc::SYS_io_uring_setup as u32, 3),
        jeq(libc::SYS_io_uring_enter as u32, 2),
        jeq(libc::SYS_io_uring_register as u32, 1),
        stmt(ret, libc::SECCOMP_RET_ALLOW),
        stmt(ret, libc::SECCOMP_RET_ERRNO | (errno as u32 & libc::SECCOMP_RET_DATA)),
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_mut_ptr(),
    };
    // SAFETY: plain integer arguments.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(format!("PR_SET_NO_NEW_PRIVS: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: `fprog` points to a live, well-formed filter program, which the kernel
    // copies during the call.
    if unsafe { libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &fprog) } != 0 {
        return Err(format!("PR_SET_SECCOMP: {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

fn child_seccomp(errno: i32) -> Outcome {
    if let Err(why) = block_io_uring(errno) {
        return Outcome::Skip(format!("seccomp filter not installed: {why}"));
    }
    let want = Errno(errno);
    let e = check_unavailable(want, RingCalls::Exactly(errno));
    let msg = e.to_string();
    println!("Ring::new(8) with io_uring_setup blocked by seccomp ({want}): {msg}");
    match errno {
        libc::ENOSYS => {
            assert!(msg.starts_with("io_uring is not available: "), "{msg}");
            assert!(msg.contains("seccomp") && msg.contains("CONFIG_IO_URING"), "{msg}");
        }
        _ => {
            // What the message can say depends on the sysctl, which is 0 (or absent)
            // on a machine where this test is not changing it.
            if matches!(e.io_uring_disabled(), Some(0) | None) {
                assert!(msg.contains("seccomp"), "{msg}");
            }
            assert!(msg.contains(IO_URING_DISABLED), "{msg}");
        }
    }
    Outcome::Pass
}

fn io_uring_works() -> Result<(), Outcome> {
    match Ring::new(2) {
        Ok(_) => Ok(()),
        Err(e) if e.is_unavailable() => Err(Outcome::Skip(format!("io_uring is not available here: {e}"))),
        Err(e) => panic!("Ring::new(2): {e}"),
    }
}

fn seccomp_enosys() -> Outcome {
    if let Err(skip) = io_uring_works() {
        return skip;
    }
    run_child(&format!("seccomp:{}", libc::ENOSYS))
}

fn seccomp_eperm() -> Outcome {
    if let Err(skip) = io_uring_works() {
        return skip;
    }
    run_child(&format!("seccomp:{}", libc::EPERM))
}

// ---- kernel.io_uring_disabled -----------------------------------------------------------------

const IO_URING_DISABLED: &str = uring::api::IO_URING_DISABLED_PATH;
const IO_URING_GROUP: &str = uring::api::IO_URING_GROUP_PATH;

/// A sysctl set for the guard's lifetime. `Drop` writes the old value back; so does a
/// helper process if this one dies first (it waits for the end of a pipe whose other
/// end only this process holds).
struct Sysctl {
    path: &'static str,
    original: String,
    pipe_w: Option<OwnedFd>,
    helper: libc::pid_t,
}

impl Sysctl {
    /// Set `path` to `value`; Err(reason to skip) where that is not possible.
    fn set(path: &'static str, value: &str) -> Result<Sysctl, String> {
        let original = match std::fs::read_to_string(path) {
            Ok(s) => s.trim().to_string(),
            Err(e) => {
                return Err(format!(
                    "{path} cannot be read ({e}): a kernel before 6.6 has no such sysctl"
                ))
            }
        };
        // Writable at all? Write the value it already has.
        if let Err(e) = std::fs::write(path, &original) {
            return Err(format!("{path} is not writable here ({e})"));
        }
        let cpath = CString::new(path).expect("path");
        let bytes = original.clone().into_bytes();
        let mut p = [0; 2];
        // SAFETY: pipe2 writes two fds into the live array.
        assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0, "pipe2");
        // SAFETY: the read end was just created and is owned by nobody else.
        let r = unsafe { OwnedFd::from_raw_fd(p[0]) };
        // SAFETY: likewise the write end.
        let w = unsafe { OwnedFd::from_raw_fd(p[1]) };
        // SAFETY: the child calls only async-signal-safe functions (signal, close, read,
        // open, write, _exit) on memory prepared before the fork.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork");
        if pid == 0 {
            restorer(r.as_raw_fd(), w.as_raw_fd(), &cpath, &bytes);
        }
        drop(r);
        let guard = Sysctl {
            path,
            original,
            pipe_w: Some(w),
            helper: pid,
        };
        std::fs::write(path, value).unwrap_or_else(|e| panic!("write {value} to {path}: {e}"));
        Ok(guard)
    }
}

/// The helper process: wait until the parent's pipe end closes (normal restore, crash
/// or abort alike), write the old value back, exit. Never returns.
fn restorer(r: i32, w: i32, path: &CString, value: &[u8]) -> ! {
    // A terminal's Ctrl-C must not kill the helper before it restores the value.
    for sig in [libc::SIGINT, libc::SIGHUP, libc::SIGTERM] {
        // SAFETY: async-signal-safe; ignoring a signal touches no memory of ours.
        unsafe { libc::signal(sig, libc::SIG_IGN) };
    }
    // SAFETY: async-signal-safe; `w` is this (forked) process's copy of the write end.
    unsafe { libc::close(w) };
    let mut b = [0u8; 1];
    loop {
        // SAFETY: async-signal-safe; reads at most one byte into the live `b`.
        let n = unsafe { libc::read(r, b.as_mut_ptr().cast(), 1) };
        if n == 0 || (n < 0 && last_errno() != libc::EINTR) {
            break;
        }
    }
    // SAFETY: async-signal-safe; `path` is a live NUL-terminated string.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_WRONLY) };
    if fd >= 0 {
        // SAFETY: async-signal-safe; writes `value`, which lives until _exit.
        unsafe { libc::write(fd, value.as_ptr().cast(), value.len()) };
    }
    // SAFETY: ends this helper process without running the parent's exit handlers.
    unsafe { libc::_exit(0) }
}

/// This thread's errno (async-signal-safe).
fn last_errno() -> i32 {
    // SAFETY: __errno_location has no preconditions.
    let p = unsafe { libc::__errno_location() };
    // SAFETY: `p` is this thread's errno slot, live and aligned for the thread's life.
    unsafe { *p }
}

impl Drop for Sysctl {
    fn drop(&mut self) {
        if let Err(e) = std::fs::write(self.path, &self.original) {
            eprintln!("could not restore {} to {}: {e}", self.path, self.original);
        }
        drop(self.pipe_w.take());
        let mut status = 0;
        // SAFETY: waits for our own helper child; `status` is a live local.
        unsafe { libc::waitpid(self.helper, &mut status, 0) };
        let now = std::fs::read_to_string(self.path).unwrap_or_default();
        if now.trim() != self.original {
            eprintln!(
                "{} is {} but was {}: restore it by hand (echo {} > {})",
                self.path,
                now.trim(),
                self.original,
                self.original,
                self.path
            );
            if !std::thread::panicking() {
                panic!("{} not restored", self.path);
            }
        }
    }
}

/// io_uring works, we are root and the sysctl exists; Err(skip) otherwise. The value it
/// has now is what the guards restore.
fn root_with_sysctl() -> Result<(), Outcome> {
    io_uring_works()?;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err(Outcome::Skip("needs root to change kernel.io_uring_disabled".into()));
    }
    match std::fs::read_to_string(IO_URING_DISABLED) {
        Ok(_) => Ok(()),
        Err(e) => Err(Outcome::Skip(format!(
            "{IO_URING_DISABLED} cannot be read ({e}): a kernel before 6.6 has no such sysctl"
        ))),
    }
}

fn child_unprivileged(gid: u32, expect: &str) -> Outcome {
    assert!(drop_privileges(gid), "the parent runs this child as root");
    if expect == "ok" {
        // In kernel.io_uring_group: allowed, and the ring works.
        let mut ring = Ring::new(8).unwrap_or_else(|e| panic!("in io_uring_group: {e}"));
        let sqe = ring.get_sqe().expect("free SQE");
        rust_prep::nop(sqe);
        sqe.user_data = 9;
        // SAFETY: a NOP references no memory.
        assert_eq!(unsafe { ring.submit_and_wait(1) }, Ok(1));
        assert_eq!(ring.wait().expect("NOP").user_data(), 9);
        let mut raw = io_uring::zeroed();
        // SAFETY: C-CONTRACT: a live struct; torn down right after.
        assert_eq!(unsafe { io_uring_queue_init(8, &mut raw, 0) }, 0);
        // SAFETY: set up just above, torn down once.
        unsafe { io_uring_queue_exit(&mut raw) };
        println!("gid {gid} in kernel.io_uring_group, no CAP_SYS_ADMIN: ring created and used");
        return Outcome::Pass;
    }
    let e = check_unavailable(Errno::EPERM, RingCalls::SomeError);
    let msg = e.to_string();
    println!("Ring::new(8) as uid {NOBODY} gid {gid} with io_uring_disabled = 1: {msg}");
    assert_eq!(e.io_uring_disabled(), Some(1), "{msg}");
    assert!(msg.contains(&format!("{IO_URING_DISABLED} is 1")), "{msg}");
    assert!(
        msg.contains("CAP_SYS_ADMIN") && msg.contains("kernel.io_uring_group"),
        "{msg}"
    );
    Outcome::Pass
}

fn disabled_1_unprivileged() -> Outcome {
    if let Err(skip) = root_with_sysctl() {
        return skip;
    }
    let guard = match Sysctl::set(IO_URING_DISABLED, "1") {
        Ok(g) => g,
        Err(why) => return Outcome::Skip(why),
    };
    // Privileged processes (CAP_SYS_ADMIN) may still create rings.
    if has_cap(CAP_SYS_ADMIN) {
        let ring = Ring::new(8);
        assert!(
            ring.is_ok(),
            "root with CAP_SYS_ADMIN under io_uring_disabled=1: {:?}",
            ring.err()
        );
    }
    let outcome = run_child(&format!("unprivileged:{NOBODY}:eperm"));
    drop(guard);
    assert!(Ring::new(8).is_ok(), "io_uring still refused after the restore");
    outcome
}

fn disabled_1_group() -> Outcome {
    if let Err(skip) = root_with_sysctl() {
        return skip;
    }
    let group = match Sysctl::set(IO_URING_GROUP, &URING_GID.to_string()) {
        Ok(g) => g,
        Err(why) => return Outcome::Skip(why),
    };
    let disabled = match Sysctl::set(IO_URING_DISABLED, "1") {
        Ok(g) => g,
        Err(why) => return Outcome::Skip(why),
    };
    let allowed = run_child(&format!("unprivileged:{URING_GID}:ok"));
    // The same unprivileged process outside the group is refused, and the message
    // names the group.
    let refused = run_child(&format!("unprivileged:{NOBODY}:eperm"));
    drop(disabled);
    drop(group);
    match (allowed, refused) {
        (Outcome::Pass, Outcome::Pass) => Outcome::Pass,
        (Outcome::Skip(w), _) | (_, Outcome::Skip(w)) => Outcome::Skip(w),
    }
}

fn disabled_2() -> Outcome {
    if let Err(skip) = root_with_sysctl() {
        return skip;
    }
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    if release.contains("hardened") {
        return Outcome::Skip(format!(
            "kernel {}: linux-hardened makes io_uring_disabled=2 permanent",
            release.trim()
        ));
    }
    // Everything that runs while the value is 2 is a handful of failing system calls;
    // the results are checked after the restore.
    let (fds, maps) = (count_fds(), count_maps());
    let guard = match Sysctl::set(IO_URING_DISABLED, "2") {
        Ok(g) => g,
        Err(why) => return Outcome::Skip(why),
    };
    let t = Instant::now();
    let bad = c_entry_points(libc::EPERM, RingCalls::SomeError);
    let as_root = Ring::new(8).err();
    let sqpoll = Ring::builder(8).sqpoll(100).build().err();
    let probe = Probe::new().err();
    let window = t.elapsed();
    drop(guard);
    println!("io_uring_disabled was 2 for the checks' {window:?}");

    assert!(bad.is_empty(), "C entry points with io_uring_disabled=2: {bad:?}");
    let e = as_root.expect("root created a ring with io_uring_disabled=2");
    assert_eq!(e.errno(), Errno::EPERM, "{e}");
    assert_eq!(sqpoll.map(|e| e.errno()), Some(Errno::EPERM));
    assert_eq!(probe, Some(Errno::EPERM));
    let msg = e.to_string();
    println!("Ring::new(8) as root with io_uring_disabled = 2: {msg}");
    assert_eq!(e.io_uring_disabled(), Some(2), "{msg}");
    assert!(msg.contains(&format!("{IO_URING_DISABLED} is 2")), "{msg}");
    assert!(msg.contains("every process, root included"), "{msg}");
    assert_eq!(count_fds(), fds, "fds leaked");
    assert_eq!(count_maps(), maps, "mappings leaked");
    assert!(Ring::new(8).is_ok(), "io_uring still refused after the restore");
    Outcome::Pass
}

/// Set the sysctl to 1 (harmless to privileged processes) and abort: only the helper
/// process can restore it.
fn child_abort_with_sysctl_set() -> Outcome {
    let guard = Sysctl::set(IO_URING_DISABLED, "1").expect("the parent checked the sysctl is writable");
    assert_eq!(std::fs::read_to_string(IO_URING_DISABLED).expect("read").trim(), "1");
    std::mem::forget(guard);
    // No core file for this intended abort.
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: reads one rlimit from the live local.
    unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) };
    std::process::abort()
}

fn restored_after_abort() -> Outcome {
    if let Err(skip) = root_with_sysctl() {
        return skip;
    }
    let before = std::fs::read_to_string(IO_URING_DISABLED)
        .expect("read")
        .trim()
        .to_string();
    if let Err(e) = std::fs::write(IO_URING_DISABLED, &before) {
        return Outcome::Skip(format!("{IO_URING_DISABLED} is not writable here ({e})"));
    }
    let exe = std::env::current_exe().expect("current_exe");
    let status = Command::new(exe)
        .env(CHILD_ENV, "abort-with-sysctl-set")
        .status()
        .expect("spawn child");
    let died = Instant::now();
    assert_eq!(status.code(), None, "the child was to die by SIGABRT: {status}");
    // The helper notices the parent's death at once; give it time to write.
    let deadline = Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let now = std::fs::read_to_string(IO_URING_DISABLED)
            .expect("read")
            .trim()
            .to_string();
        if now == before {
            println!(
                "restored to {before} by the helper {:?} after the abort",
                died.elapsed()
            );
            return Outcome::Pass;
        }
        if Instant::now() > deadline {
            std::fs::write(IO_URING_DISABLED, &before).expect("restore by hand");
            panic!("{IO_URING_DISABLED} still {now} 5 s after the abort (restored by the test now)");
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

// ---- resource limits -------------------------------------------------------------------------

fn getrlimit(res: libc::__rlimit_resource_t) -> libc::rlimit {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: writes one rlimit into the live local.
    assert_eq!(unsafe { libc::getrlimit(res, &mut r) }, 0);
    r
}

fn set_soft_limit(res: libc::__rlimit_resource_t, soft: libc::rlim_t) {
    let mut r = getrlimit(res);
    r.rlim_cur = soft;
    // SAFETY: reads one rlimit from the live local.
    assert_eq!(unsafe { libc::setrlimit(res, &r) }, 0, "setrlimit");
}

fn memlock_limit() -> Outcome {
    if let Err(skip) = io_uring_works() {
        return skip;
    }
    run_child("memlock")
}

fn child_memlock() -> Outcome {
    drop_privileges(NOBODY);
    if has_cap(CAP_IPC_LOCK) {
        return Outcome::Skip("this process keeps CAP_IPC_LOCK: no memlock accounting".into());
    }
    let hard = getrlimit(libc::RLIMIT_MEMLOCK).rlim_max;
    let (fds, maps) = (count_fds(), count_maps());
    set_soft_limit(libc::RLIMIT_MEMLOCK, 0);
    match Ring::new(8) {
        Err(e) => {
            // This kernel charges ring memory to RLIMIT_MEMLOCK (Linux 6.x does again for
            // processes without CAP_IPC_LOCK).
            assert_eq!(e.errno(), Errno::ENOMEM, "{e}");
            let msg = e.to_string();
            println!("Ring::new(8) with RLIMIT_MEMLOCK 0: {msg}");
            assert!(msg.contains("RLIMIT_MEMLOCK is 0 bytes"), "{msg}");
            let mut raw = io_uring::zeroed();
            // SAFETY: C-CONTRACT: a live struct the call may overwrite.
            assert_eq!(unsafe { io_uring_queue_init(8, &mut raw, 0) }, -libc::ENOMEM);
            let b = Ring::builder(8).sqpoll(100).build();
            assert_eq!(b.err().map(|e| e.errno()), Some(Errno::ENOMEM), "SQPOLL");
            assert_eq!(count_fds(), fds, "fds leaked");
            assert_eq!(count_maps(), maps, "mappings leaked");
        }
        Ok(_) => println!("note: this kernel does not charge ring memory to RLIMIT_MEMLOCK (memcg only)"),
    }
    // Registered buffers are charged to RLIMIT_MEMLOCK on every kernel.
    set_soft_limit(libc::RLIMIT_MEMLOCK, hard);
    let Ok(ring) = Ring::new(8) else {
        return Outcome::Skip(format!("no ring even with RLIMIT_MEMLOCK at its hard limit {hard}"));
    };
    set_soft_limit(libc::RLIMIT_MEMLOCK, 0);
    let mut buf = vec![0u8; 64 * 1024];
    let iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: `buf` outlives the ring (dropped after it), were the registration to work.
    let r = unsafe { uring::register::buffers::register_buffers(ring.as_ring_ref(), &[iov]) };
    assert_eq!(
        r,
        Err(Errno::ENOMEM),
        "64 KiB of registered buffers with RLIMIT_MEMLOCK 0"
    );
    drop(ring);
    drop(buf);
    Outcome::Pass
}

fn vm_size() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
        .expect("VmSize");
    kb * 1024
}

fn address_space_limit() -> Outcome {
    if let Err(skip) = io_uring_works() {
        return skip;
    }
    run_child("address-space")
}

fn child_address_space() -> Outcome {
    // Cached before any limit: setup asks for them and must not allocate under one.
    let page = uring::setup::page_size() as u64;
    uring::setup::huge_page_size();
    let infinity = getrlimit(libc::RLIMIT_AS).rlim_cur;
    let configs: [(&str, u32, u32); 4] = [
        ("8 entries", 8, 0),
        ("4096 entries", 4096, 0),
        (
            "1024 entries SQE128|CQE32",
            1024,
            IORING_SETUP_SQE128 | IORING_SETUP_CQE32,
        ),
        ("32 entries NO_MMAP", 32, IORING_SETUP_NO_MMAP),
    ];
    let (mut attempts, mut refused) = (0, 0);
    for (name, entries, flags) in configs {
        // How much address space a ring of this shape takes.
        let before = vm_size();
        let ring = Ring::builder(entries)
            .flags(flags)
            .build()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let need_pages = (vm_size() - before).div_ceil(page);
        drop(ring);
        assert!(need_pages >= 1, "{name}: the ring takes no address space?");
        let (fds, maps) = (count_fds(), count_maps());
        // Limits from "no room at all" through every failure point to "enough".
        let step = (need_pages / 24).max(1) as usize;
        let margins = (0..need_pages)
            .step_by(step)
            .chain([need_pages, need_pages + 2, need_pages + 16]);
        let (mut ok, mut nomem) = (0, 0);
        for margin in margins {
            let base = vm_size();
            let mut p = io_uring_params {
                flags,
                ..Default::default()
            };
            let mut raw = io_uring::zeroed();
            set_soft_limit(libc::RLIMIT_AS, base + margin * page);
            // SAFETY: C-CONTRACT: live ring and params structs.
            let r = unsafe { io_uring_queue_init_params(entries, &mut raw, &mut p) };
            let rust = if r == -libc::ENOMEM && nomem == 0 {
                Some(Ring::builder(entries).flags(flags).build().err())
            } else {
                None
            };
            set_soft_limit(libc::RLIMIT_AS, infinity);
            attempts += 1;
            match r {
                0 => {
                    ok += 1;
                    // SAFETY: set up just above, torn down once.
                    unsafe { io_uring_queue_exit(&mut raw) };
                }
                r if r == -libc::ENOMEM => nomem += 1,
                r => panic!("{name}: margin {margin} pages: queue_init_params = {r}"),
            }
            if let Some(e) = rust {
                let e = e.expect("Ring built where the C call failed");
                assert_eq!(e.errno(), Errno::ENOMEM, "{e}");
                assert!(e.to_string().contains("RLIMIT_AS"), "{e}");
            }
            assert_eq!(count_fds(), fds, "{name}: margin {margin} pages: fds leaked");
            assert_eq!(count_maps(), maps, "{name}: margin {margin} pages: mappings leaked");
        }
        println!("{name}: needs {need_pages} pages; {nomem} limits refused with ENOMEM, {ok} allowed the ring");
        assert!(nomem >= 1, "{name}: no limit made the setup fail");
        assert!(ok >= 1, "{name}: not even {} spare pages were enough", need_pages + 16);
        refused += nomem;
    }
    println!("{attempts} setups under RLIMIT_AS, {refused} refused, no fd or mapping leaked");
    Outcome::Pass
}

/// A NO_MMAP ring whose SQEs take more than a page needs a huge page the library maps
/// itself; with none reserved the setup fails with ENOMEM, and the message says so.
fn no_mmap_without_huge_pages() -> Outcome {
    if let Err(skip) = io_uring_works() {
        return skip;
    }
    let free = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("HugePages_Free:"))
                .and_then(|v| v.trim().parse::<u64>().ok())
        })
        .unwrap_or(0);
    if free > 0 {
        return Outcome::Skip(format!("{free} huge pages are free here: the ring can be built"));
    }
    let (fds, maps) = (count_fds(), count_maps());
    // 256 SQEs are 16 KiB: more than a page.
    let e = Ring::builder(256)
        .flags(IORING_SETUP_NO_MMAP)
        .build()
        .expect_err("a NO_MMAP ring of 256 entries without huge pages");
    assert_eq!(e.errno(), Errno::ENOMEM, "{e}");
    let msg = e.to_string();
    println!("Ring::builder(256).flags(NO_MMAP) without huge pages: {msg}");
    assert!(msg.contains("needs a 2 MiB huge page (vm.nr_hugepages is"), "{msg}");
    assert_eq!(count_fds(), fds, "fds leaked");
    assert_eq!(count_maps(), maps, "mappings leaked");
    // A small one fits in pages and works.
    assert!(Ring::builder(32).flags(IORING_SETUP_NO_MMAP).build().is_ok());
    Outcome::Pass
}
