//! `uring-info` end to end: the report on this machine (text and JSON, cross-checked
//! against io_uring set up independently here), the self-test through our `liburing.so`,
//! and the "unavailable" paths: seccomp filters that make io_uring_setup fail with EPERM
//! or ENOSYS, `kernel.io_uring_disabled` (simulated through `URING_INFO_SYSCTL_DIR`), and
//! RLIMIT_MEMLOCK at 0 without privileges. Each child gets its restriction in a
//! `pre_exec` hook, so only the child is affected.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

#[path = "common/json.rs"]
mod json;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use json::Value;

const EXE: &str = env!("CARGO_BIN_EXE_uring-info");
const NOBODY: u32 = 65534;

/// The workspace root (the C library's package).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("uring-info lives in the workspace root")
        .to_path_buf()
}

/// What the child gets before it runs `uring-info`.
#[derive(Clone, Copy, Debug)]
enum Restrict {
    None,
    /// A seccomp filter making the three io_uring system calls fail with this errno.
    Seccomp(i32),
    /// The same, then uid/gid `NOBODY` with no supplementary groups (no capabilities).
    SeccompUnprivileged(i32),
    /// RLIMIT_MEMLOCK soft limit 0, then uid/gid `NOBODY`.
    MemlockZeroUnprivileged,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], env: &[(&str, &str)], restrict: Restrict) -> Run {
    let mut cmd = Command::new(EXE);
    cmd.args(args).stdin(Stdio::null()).env_remove("URING_LIB");
    cmd.env_remove("URING_INFO_SYSCTL_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    if !matches!(restrict, Restrict::None) {
        // SAFETY: the hook runs in the forked child before exec and makes only
        // async-signal-safe system calls (prctl, setrlimit, setgroups, setgid, setuid) on
        // values built on its own stack; it allocates nothing and takes no lock.
        unsafe {
            cmd.pre_exec(move || restrict_child(restrict));
        }
    }
    let out = cmd.output().expect("run uring-info");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// In the child: apply `r`. Only async-signal-safe calls (see `run`).
fn restrict_child(r: Restrict) -> std::io::Result<()> {
    let check = |rc: i32| {
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    };
    match r {
        Restrict::None => Ok(()),
        Restrict::Seccomp(errno) => block_io_uring(errno),
        Restrict::SeccompUnprivileged(errno) => {
            block_io_uring(errno)?;
            drop_privileges(check)
        }
        Restrict::MemlockZeroUnprivileged => {
            let zero = libc::rlimit {
                rlim_cur: 0,
                rlim_max: libc::RLIM_INFINITY,
            };
            let mut now = zero;
            // SAFETY: getrlimit writes one struct into the live local.
            check(unsafe { libc::getrlimit(libc::RLIMIT_MEMLOCK, &mut now) })?;
            let lowered = libc::rlimit {
                rlim_cur: 0,
                rlim_max: now.rlim_max,
            };
            // SAFETY: setrlimit reads one struct from the live local.
            check(unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &lowered) })?;
            drop_privileges(check)
        }
    }
}

/// Become uid/gid `NOBODY` with no supplementary groups if root (which drops every
/// capability); an unprivileged process has none to drop.
fn drop_privileges(check: impl Fn(i32) -> std::io::Result<()>) -> std::io::Result<()> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Ok(());
    }
    // SAFETY: an empty list; the pointer is not read for a count of 0.
    check(unsafe { libc::setgroups(0, std::ptr::null()) })?;
    // SAFETY: plain integer argument.
    check(unsafe { libc::setgid(NOBODY) })?;
    // SAFETY: plain integer argument.
    check(unsafe { libc::setuid(NOBODY) })
}

const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
const AUDIT_ARCH_AARCH64: u32 = 0xc000_00b7;

/// The audit architecture of this build, for the filter's arch check.
fn audit_arch() -> u32 {
    if cfg!(target_arch = "aarch64") {
        AUDIT_ARCH_AARCH64
    } else {
        AUDIT_ARCH_X86_64
    }
}

/// Make io_uring_setup, io_uring_enter and io_uring_register fail with `errno` in this
/// process for good (the approach of tests/unavailable.rs at the repository root).
fn block_io_uring(errno: i32) -> std::io::Result<()> {
    let stmt = |code: u32, k: u32| libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let jeq = |k: u32, jt: u8, jf: u8| libc::sock_filter {
        code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
        jt,
        jf,
        k,
    };
    let ld = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
    let ret = libc::BPF_RET | libc::BPF_K;
    let mut prog = [
        stmt(ld, 4), // seccomp_data.arch
        jeq(audit_arch(), 1, 0),
        stmt(ret, libc::SECCOMP_RET_ALLOW),
        stmt(ld, 0), // seccomp_data.nr
        jeq(libc::SYS_io_uring_setup as u32, 3, 0),
        jeq(libc::SYS_io_uring_enter as u32, 2, 0),
        jeq(libc::SYS_io_uring_register as u32, 1, 0),
        stmt(ret, libc::SECCOMP_RET_ALLOW),
        stmt(ret, libc::SECCOMP_RET_ERRNO | (errno as u32 & libc::SECCOMP_RET_DATA)),
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_mut_ptr(),
    };
    // SAFETY: plain integer arguments.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `fprog` points to a live, well-formed filter program, which the kernel
    // copies during the call.
    if unsafe { libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_FILTER, &fprog) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

/// io_uring as this test process sees it, set up independently of uring-info:
/// Ok(features) or Err(errno).
fn plain_setup(entries: u32, flags: u32, cq_entries: u32) -> Result<u32, i32> {
    // io_uring_params is 120 bytes: flags at 8, cq_entries at 4, features at 20.
    let mut p = [0u32; 30];
    p[1] = cq_entries;
    p[2] = flags;
    // SAFETY: io_uring_setup(2) reads and writes 120 bytes of params through the
    // pointer: the live local array.
    let fd = unsafe { libc::syscall(libc::SYS_io_uring_setup, entries, p.as_mut_ptr()) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(0));
    }
    // SAFETY: closes the ring just created, which nothing else uses.
    unsafe { libc::close(fd as i32) };
    Ok(p[5])
}

/// Skip (with the reason printed) when io_uring does not work for this test process.
fn io_uring_works() -> Option<u32> {
    match plain_setup(8, 0, 0) {
        Ok(f) => Some(f),
        Err(e) => {
            println!("SKIP: io_uring_setup fails for this test process (errno {e}): the report cannot show it working");
            None
        }
    }
}

fn json_of(r: &Run) -> Value {
    assert!(
        !r.stderr.contains("internal error"),
        "uring-info left file descriptors open: {}",
        r.stderr
    );
    json::parse(&r.stdout).unwrap_or_else(|e| panic!("--json output is not JSON: {e}\n{}", r.stdout))
}

fn os_release() -> String {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .expect("osrelease")
        .trim()
        .to_string()
}

#[test]
fn text_report_on_this_machine() {
    let Some(features) = io_uring_works() else { return };
    let r = run(&["--no-selftest"], &[], Restrict::None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr, "", "nothing on stderr");
    let o = &r.stdout;
    assert!(o.contains(&format!("kernel:    Linux {}", os_release())), "{o}");
    assert!(o.contains("io_uring:  usable"), "{o}");
    assert!(o.contains(&format!("io_uring_params.features = {features:#x}")), "{o}");
    // Every feature bit, setup flag, opcode and register operation has a line.
    for needle in [
        "IORING_FEAT_NODROP",
        "IORING_FEAT_NO_IOWAIT",
        "IORING_SETUP_IOPOLL",
        "IORING_SETUP_SQ_REWIND",
        " 0 IORING_OP_NOP",
        "IORING_OP_URING_CMD128",
        "IORING_REGISTER_BUFFERS",
        "IORING_REGISTER_BPF_FILTER",
        "SQ entries: ",
        "CQ entries (IORING_SETUP_CQSIZE): ",
        "result: io_uring is usable (exit status 0)",
    ] {
        assert!(o.contains(needle), "no {needle:?} in\n{o}");
    }
    assert!(o.contains("yes    0 IORING_OP_NOP"), "{o}");
    assert!(!o.contains("self-test"), "--no-selftest ran it:\n{o}");
    println!("{o}");
}

#[test]
fn json_report_on_this_machine() {
    let Some(features) = io_uring_works() else { return };
    let r = run(&["--json", "--no-selftest"], &[], Restrict::None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    assert_eq!(v.get("schema").str(), "uring-info/1");
    assert!(v.get("usable").bool());
    assert_eq!(v.get("exit_status").num(), 0.0);
    assert!(v.get("setup_error").is_null());
    assert_eq!(v.get("kernel").get("release").str(), os_release());
    assert!(v.get("selftest").is_null());
    let env = v.get("environment");
    for key in [
        "io_uring_disabled",
        "io_uring_group",
        "seccomp_mode",
        "container_hints",
        "memlock",
        "cap_sys_admin",
    ] {
        assert!(env.has(key), "environment lacks {key}");
    }
    assert_eq!(
        env.get("seccomp_mode").num(),
        0.0,
        "this test process has no seccomp filter"
    );

    let ring = v.get("ring");
    assert_eq!(ring.get("features").num(), f64::from(features));
    let bits = ring.get("feature_bits").array();
    assert_eq!(bits.len(), 18);
    for b in bits {
        let bit = b.get("bit").num() as u32;
        assert_eq!(b.get("present").bool(), features & bit != 0, "{b:?}");
    }
    // Setup flags: each one's status agrees with a setup made here (for the flags that
    // need no companion flag or parameter).
    let flags = ring.get("setup_flags").array();
    assert_eq!(flags.len(), 21);
    for f in flags {
        let status = f.get("status").str();
        assert!(
            ["supported", "unsupported", "needs-privilege", "failed"].contains(&status),
            "{f:?}"
        );
        assert_eq!(f.get("error").is_null(), status == "supported", "{f:?}");
        let value = f.get("value").num() as u32;
        if f.get("with").str().is_empty() && value != 0x4000 {
            let here = plain_setup(4, value, 0);
            assert_eq!(here.is_ok(), status == "supported", "{f:?} but here: {here:?}");
        }
    }
    // Opcodes: NOP always; the count of names covers every opcode this library knows.
    let ops = ring.get("opcodes").get("ops").array();
    assert!(ops.len() >= 65, "{}", ops.len());
    assert_eq!(ops[0].get("name").str(), "NOP");
    assert!(ops[0].get("supported").bool());
    let last = ring.get("opcodes").get("last_op").num() as usize;
    assert!(ops[..=last].iter().any(|o| o.get("supported").bool()));
    assert!(
        ops[last + 1..].iter().all(|o| !o.get("supported").bool()),
        "an opcode above last_op is supported"
    );
    // Register operations: every one classified; the basic ones work everywhere io_uring does.
    let reg = ring.get("register").array();
    assert_eq!(reg.len(), 38);
    for (i, name) in [(0, "REGISTER_BUFFERS"), (2, "REGISTER_FILES"), (4, "REGISTER_EVENTFD")] {
        assert_eq!(reg[i].get("name").str(), name);
        assert_eq!(reg[i].get("status").str(), "available", "{:?}", reg[i]);
    }
    // Limits: the largest accepted size works here, the refused one does not.
    let limits = ring.get("limits");
    let sq = limits.get("sq_entries");
    let largest = sq.get("largest").num() as u32;
    assert!(largest >= 4096, "{sq:?}");
    assert!(plain_setup(largest, 0, 0).is_ok(), "{largest} entries refused here");
    if !sq.get("refused").is_null() {
        let refused = sq.get("refused").get("entries").num() as u32;
        assert_eq!(refused, largest + 1);
        let errno = sq.get("refused").get("error").get("errno").num() as i32;
        assert_eq!(plain_setup(refused, 0, 0), Err(errno));
    }
    let cq = limits.get("cq_entries");
    let cq_largest = cq.get("largest").num() as u32;
    assert!(cq_largest >= largest, "{cq_largest} < {largest}");
    assert!(
        plain_setup(1, 0x8, cq_largest).is_ok(),
        "CQSIZE {cq_largest} refused here"
    );
    if !cq.get("refused").is_null() {
        assert!(
            plain_setup(1, 0x8, cq_largest + 1).is_err(),
            "CQSIZE {} accepted here",
            cq_largest + 1
        );
    }
}

/// `target/c-abi/release/liburing.so`, built as tests/c_programs.rs at the root builds it
/// (same command, same target directory, so the suite builds it once).
fn our_library() -> &'static Result<PathBuf, String> {
    static LIB: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    LIB.get_or_init(|| {
        let root = root();
        let target_dir = root.join("target/c-abi");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args(["build", "--release", "--lib", "-p", "liburing", "--manifest-path"])
            .arg(root.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(&target_dir)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET")
            .current_dir(&root)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "cargo build --release --lib failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let so = target_dir.join("release/liburing.so");
        so.is_file()
            .then_some(so)
            .ok_or_else(|| "cargo build left no liburing.so".into())
    })
}

#[test]
fn selftest_through_our_library() {
    if io_uring_works().is_none() {
        return;
    }
    let lib = our_library().as_ref().expect("build liburing.so");
    let lib_path = lib.to_str().expect("UTF-8 path");
    let r = run(&[], &[("URING_LIB", lib_path)], Restrict::None);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stderr, "", "nothing on stderr (no file descriptor left open)");
    let canonical = std::fs::canonicalize(lib).expect("canonicalize");
    assert!(
        r.stdout.contains(&format!(
            "library: {} (found via URING_LIB, version 2.15)",
            canonical.display()
        )),
        "{}",
        r.stdout
    );
    for check in ["nop", "file write/read", "socketpair send/recv"] {
        assert!(
            r.stdout.contains(&format!("ok     {check}: ")),
            "{check}:\n{}",
            r.stdout
        );
    }
    let r = run(&["--json"], &[("URING_LIB", lib_path)], Restrict::None);
    let t = json_of(&r).get("selftest").clone();
    assert!(t.get("passed").bool(), "{t:?}");
    assert_eq!(t.get("library").get("found_via").str(), "URING_LIB");
    assert_eq!(t.get("library").get("path").str(), canonical.to_str().unwrap());
    let checks = t.get("checks").array();
    assert_eq!(checks.len(), 3, "{t:?}");
    assert!(checks.iter().all(|c| c.get("ok").bool()), "{t:?}");
}

#[test]
fn selftest_reports_a_library_that_cannot_be_loaded() {
    let r = run(
        &["--json"],
        &[("URING_LIB", "/nonexistent/liburing.so")],
        Restrict::None,
    );
    let v = json_of(&r);
    let t = v.get("selftest");
    assert!(t.get("library").is_null(), "{t:?}");
    assert!(t.get("checks").array().is_empty());
    let note = t.get("note").str();
    assert!(
        note.contains("URING_LIB=/nonexistent/liburing.so could not be loaded"),
        "{note}"
    );
    // A missing library is not a failed self-test: the exit status is io_uring's.
    let usable = v.get("usable").bool();
    assert_eq!(r.code, if usable { 0 } else { 1 });
}

#[test]
fn selftest_on_a_liburing_without_the_inline_functions() {
    let debian = PathBuf::from(format!("/usr/lib/{}-linux-gnu/liburing.so.2", std::env::consts::ARCH));
    if !debian.exists() {
        println!(
            "SKIP: {} is absent (Debian's liburing2; .ci/run installs it)",
            debian.display()
        );
        return;
    }
    let r = run(&[], &[("URING_LIB", debian.to_str().unwrap())], Restrict::None);
    assert!(
        r.stdout.contains("this library does not export io_uring_prep_nop"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("checks not run"), "{}", r.stdout);
    assert!(!r.stdout.contains("FAILED"), "{}", r.stdout);
}

/// The report of a child whose io_uring system calls fail with `errno`.
fn blocked(errno: i32, name: &str) {
    let lib = our_library().as_ref().ok().and_then(|p| p.to_str());
    let env: Vec<(&str, &str)> = lib.map(|l| ("URING_LIB", l)).into_iter().collect();
    let r = run(&[], &env, Restrict::Seccomp(errno));
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let o = &r.stdout;
    assert!(
        o.contains(&format!(
            "io_uring:  NOT USABLE: a seccomp filter on this process makes io_uring_setup fail with {name}"
        )),
        "{o}"
    );
    assert!(
        o.contains(&format!("io_uring_setup(2) failed with {name} ({errno})")),
        "{o}"
    );
    assert!(o.contains("seccomp: filter (1 installed)"), "{o}");
    assert!(o.contains("SystemCallFilter="), "{o}");
    assert!(o.contains("not available (no ring could be created)"), "{o}");
    assert!(o.contains("result: io_uring is NOT usable (exit status 1)"), "{o}");
    if lib.is_some() {
        // The C library meets the same wall and says so with the same errno.
        assert!(
            o.contains(&format!("FAILED nop: io_uring_queue_init(8) = -{name} (-{errno})")),
            "{o}"
        );
    }
    let r = run(&["--json", "--no-selftest"], &[], Restrict::Seccomp(errno));
    assert_eq!(r.code, 1);
    let v = json_of(&r);
    assert!(!v.get("usable").bool());
    assert_eq!(v.get("exit_status").num(), 1.0);
    assert_eq!(v.get("setup_error").get("name").str(), name);
    assert_eq!(v.get("setup_error").get("errno").num(), f64::from(errno));
    assert_eq!(v.get("environment").get("seccomp_mode").num(), 2.0);
    assert!(v.get("ring").is_null());
    assert!(v.get("diagnosis").get("summary").str().contains("seccomp filter"));
    assert!(!v.get("diagnosis").get("advice").array().is_empty());
}

#[test]
fn seccomp_eperm_is_diagnosed() {
    blocked(libc::EPERM, "EPERM");
}

#[test]
fn seccomp_enosys_is_diagnosed() {
    blocked(libc::ENOSYS, "ENOSYS");
}

/// A directory standing in for /proc/sys/kernel with the two io_uring sysctls.
fn fake_sysctls(disabled: &str, group: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "uring-info-sysctl-{}-{disabled}-{group}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("io_uring_disabled"), format!("{disabled}\n")).expect("write");
    std::fs::write(dir.join("io_uring_group"), format!("{group}\n")).expect("write");
    dir
}

#[test]
fn io_uring_disabled_2_is_diagnosed() {
    // What the kernel does with the sysctl at 2 (EPERM for everyone) comes from a seccomp
    // filter here; the sysctl's value from a stand-in directory. The real sysctl is
    // machine-wide and is exercised by tests/unavailable.rs at the root.
    let dir = fake_sysctls("2", "-1");
    let r = run(
        &["--no-selftest"],
        &[("URING_INFO_SYSCTL_DIR", dir.to_str().unwrap())],
        Restrict::Seccomp(libc::EPERM),
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let o = &r.stdout;
    assert!(
        o.contains("NOT USABLE: io_uring is disabled on this machine: kernel.io_uring_disabled is 2"),
        "{o}"
    );
    assert!(o.contains(&format!("(read from {})", dir.display())), "{o}");
    assert!(o.contains("sysctl -w kernel.io_uring_disabled=0"), "{o}");
}

#[test]
fn io_uring_disabled_1_is_diagnosed_for_an_unprivileged_process() {
    let dir = fake_sysctls("1", "4242");
    let r = run(
        &["--json", "--no-selftest"],
        &[("URING_INFO_SYSCTL_DIR", dir.to_str().unwrap())],
        Restrict::SeccompUnprivileged(libc::EPERM),
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let v = json_of(&r);
    let env = v.get("environment");
    assert_eq!(env.get("io_uring_disabled").num(), 1.0);
    assert_eq!(env.get("io_uring_group").num(), 4242.0);
    assert!(!env.get("cap_sys_admin").bool());
    let d = v.get("diagnosis");
    assert!(
        d.get("summary").str().contains("kernel.io_uring_disabled is 1"),
        "{d:?}"
    );
    let evidence: Vec<&str> = d.get("evidence").array().iter().map(Value::str).collect();
    assert!(
        evidence
            .iter()
            .any(|e| e.contains("gid 4242") && e.contains("lacks CAP_SYS_ADMIN")),
        "{evidence:?}"
    );
    let advice: Vec<&str> = d.get("advice").array().iter().map(Value::str).collect();
    assert!(advice.iter().any(|a| a.contains("usermod -aG")), "{advice:?}");
}

#[test]
fn memlock_zero_without_privileges() {
    if io_uring_works().is_none() {
        return;
    }
    let r = run(&["--json", "--no-selftest"], &[], Restrict::MemlockZeroUnprivileged);
    let v = json_of(&r);
    let env = v.get("environment");
    assert_eq!(env.get("memlock").get("soft").num(), 0.0, "{env:?}");
    assert!(!env.get("cap_ipc_lock").bool(), "{env:?}");
    let d = v.get("diagnosis");
    if v.get("usable").bool() {
        // This kernel does not charge ring memory to RLIMIT_MEMLOCK: the report must
        // have measured exactly that, and warn about registered buffers.
        assert_eq!(r.code, 0);
        assert!(!env.get("memlock_charged").bool(), "{env:?}");
        let notes: Vec<&str> = d.get("notes").array().iter().map(Value::str).collect();
        assert!(
            notes.iter().any(|n| n.contains("RLIMIT_MEMLOCK is only 0 bytes")),
            "{notes:?}"
        );
        println!("this kernel does not charge ring memory to RLIMIT_MEMLOCK");
    } else {
        assert_eq!(r.code, 1);
        assert_eq!(v.get("setup_error").get("name").str(), "ENOMEM");
        assert!(d.get("summary").str().contains("RLIMIT_MEMLOCK is 0 bytes"), "{d:?}");
        println!(
            "this kernel charges ring memory to RLIMIT_MEMLOCK: {}",
            d.get("summary").str()
        );
    }
}

#[test]
fn bad_arguments_exit_2() {
    let r = run(&["--frobnicate"], &[], Restrict::None);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown argument \"--frobnicate\""), "{}", r.stderr);
    assert!(r.stderr.contains("usage: uring-info"), "{}", r.stderr);
    let r = run(&["--help"], &[], Restrict::None);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("--json"), "{}", r.stdout);
}
