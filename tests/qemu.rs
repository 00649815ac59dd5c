//! A real program on our library: Debian's `qemu-img` and `qemu-io` (package
//! `qemu-utils`), which link `liburing.so.2`, run with `LD_LIBRARY_PATH` pointing at
//! our build and their `io_uring` AIO backend selected.
//!
//! - `bench_then_qemu_io_verifies_every_byte`: `qemu-img bench -w --pattern` writes two
//!   patterns, `qemu-img bench` reads, `qemu-io read -P` verifies every byte (and, as a
//!   negative control, must reject a wrong pattern).
//! - `convert_round_trips_byte_exactly`: `qemu-img convert` with `aio=io_uring` on both
//!   images, compared in Rust.
//! - `our_library_is_mapped_and_the_ring_carries_io`: `/proc/PID/maps` of a live
//!   `qemu-io` names our file, its io_uring fd's `CqTail` (fdinfo) advances with each
//!   command, and `LD_DEBUG=bindings` shows the liburing calls bound to our file under
//!   `LIBURING_2.0`. A `-i threads` run is the control that the ring check bites.
//! - `strace_counts_ring_syscalls`: `strace -f -c` requires `io_uring_setup` and enough
//!   `io_uring_enter` calls for the requests made (again with a `-i threads` control).
//! - `ldd_resolves_every_symbol`: `ldd -r` reports no undefined symbol or missing version.
//!
//! Skips (reason printed, test reported as passed): `qemu-img`/`qemu-io` not installed;
//! `strace` missing or not allowed to trace; a kernel whose io_uring fdinfo lacks `CqTail`.
//!
//! `URING_QEMU_LD_LIBRARY_PATH` replaces the `LD_LIBRARY_PATH` the programs run with
//! (default `target/c-abi/lib`), to check that the tests fail when the library resolved
//! is not ours, e.g. an empty directory (Debian's liburing) or an unversioned build.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

#[path = "support/c_build.rs"]
mod c_build;

const MIB: u64 = 1 << 20;

/// Our library, built once per test process.
struct Lib {
    /// `target/c-abi/release/liburing.so`, canonical.
    so: PathBuf,
    /// What the programs run with as `LD_LIBRARY_PATH`.
    ld_path: OsString,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The library as `tests/support/c_build.rs` builds it (`cargo build --release --lib -p
/// liburing --target-dir target/c-abi`), then `target/c-abi/lib/liburing.so{,.2}` -> the file.
fn build_library() -> Result<Lib, String> {
    let root = repo();
    let target_dir = root.join("target/c-abi");
    c_build::build_c_library()?;
    let so = target_dir.join("release/liburing.so");
    let so = fs::canonicalize(&so).map_err(|e| format!("{}: {e}", so.display()))?;
    let libdir = target_dir.join("lib");
    fs::create_dir_all(&libdir).map_err(|e| format!("mkdir {}: {e}", libdir.display()))?;
    for name in ["liburing.so", "liburing.so.2"] {
        let link = libdir.join(name);
        if fs::read_link(&link).ok().as_deref() == Some(so.as_path()) {
            continue;
        }
        // Atomic replace, as c_programs.rs does (it may run at the same time).
        let tmp = libdir.join(format!(".{name}.qemu.{}", std::process::id()));
        let _ = fs::remove_file(&tmp);
        std::os::unix::fs::symlink(&so, &tmp).map_err(|e| format!("symlink {}: {e}", tmp.display()))?;
        fs::rename(&tmp, &link).map_err(|e| format!("rename to {}: {e}", link.display()))?;
    }
    let ld_path = std::env::var_os("URING_QEMU_LD_LIBRARY_PATH").unwrap_or_else(|| libdir.into_os_string());
    Ok(Lib { so, ld_path })
}

fn lib() -> &'static Lib {
    static LIB: OnceLock<Result<Lib, String>> = OnceLock::new();
    match LIB.get_or_init(build_library) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    }
}

fn find_in_path(prog: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(prog)).find(|p| {
        fs::metadata(p)
            .map(|m| m.is_file() && m.mode() & 0o111 != 0)
            .unwrap_or(false)
    })
}

include!("support/prerequisites.rs");

/// `(qemu-img, qemu-io)`, or `None` after printing the skip reason (a failure in CI).
fn qemu_tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    match (find_in_path("qemu-img"), find_in_path("qemu-io")) {
        (Some(img), Some(io)) => Some((img, io)),
        _ => {
            missing_prerequisite(&format!(
                "{test}: qemu-img/qemu-io not installed (Debian package qemu-utils)"
            ));
            None
        }
    }
}

/// A scratch directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("uring-qemu-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        TempDir(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A command running a qemu tool on our library.
fn qemu(prog: &Path) -> Command {
    let mut c = Command::new(prog);
    c.env("LD_LIBRARY_PATH", &lib().ld_path)
        .env_remove("LD_PRELOAD")
        .stdin(Stdio::null());
    c
}

fn run(mut cmd: Command) -> Output {
    let shown = format!("{cmd:?}");
    cmd.output().unwrap_or_else(|e| panic!("could not run {shown}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// What qemu prints when it cannot use io_uring (or would quietly use something else), and
/// the loader's complaint about a liburing.so.2 without symbol versions.
fn assert_no_fallback(what: &str, stderr: &str) {
    let lower = stderr.to_lowercase();
    for bad in [
        "io_uring",
        "falling back",
        "fall back",
        "fallback",
        "no version information",
    ] {
        assert!(!lower.contains(bad), "{what}: stderr mentions {bad:?}:\n{stderr}");
    }
}

fn assert_ok(what: &str, out: &Output) {
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "{what} failed ({}):\nstdout:\n{}\nstderr:\n{stderr}",
        out.status,
        text(&out.stdout)
    );
    assert_no_fallback(what, &stderr);
}

/// `qemu-img bench -f raw -i <aio>` with the given extra arguments.
fn bench(img: &Path, aio: &str, args: &[&str], file: &Path) -> Command {
    let mut c = qemu(img);
    c.args(["bench", "-f", "raw", "-i", aio]).args(args).arg(file);
    c
}

fn new_raw_image(path: &Path, size: u64) {
    let f = fs::File::create(path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    f.set_len(size).unwrap();
}

#[test]
fn bench_then_qemu_io_verifies_every_byte() {
    let Some((img, io)) = qemu_tools("bench_then_qemu_io_verifies_every_byte") else {
        return;
    };
    let dir = TempDir::new("bench");
    let file = dir.path("disk.raw");
    new_raw_image(&file, 4 * MIB);

    // First half: 512 x 4 KiB of 0xa5, 16 in flight; second half: 256 x 8 KiB of 0x3c.
    let out = run(bench(
        &img,
        "io_uring",
        &["-w", "--pattern=0xa5", "-c", "512", "-s", "4096", "-d", "16"],
        &file,
    ));
    assert_ok("qemu-img bench -w (0xa5)", &out);
    let out = run(bench(
        &img,
        "io_uring",
        &[
            "-w",
            "--pattern=0x3c",
            "-c",
            "256",
            "-s",
            "8192",
            "-d",
            "8",
            "-o",
            "2097152",
        ],
        &file,
    ));
    assert_ok("qemu-img bench -w (0x3c)", &out);
    let out = run(bench(
        &img,
        "io_uring",
        &["-c", "1024", "-s", "4096", "-d", "32"],
        &file,
    ));
    assert_ok("qemu-img bench (read)", &out);
    assert!(
        text(&out.stdout).contains("Sending 1024 read requests"),
        "unexpected bench output:\n{}",
        text(&out.stdout)
    );

    // The bytes on disk, seen without qemu.
    let data = fs::read(&file).unwrap();
    assert_eq!(data.len() as u64, 4 * MIB);
    let half = (2 * MIB) as usize;
    assert!(data[..half].iter().all(|&b| b == 0xa5), "first 2 MiB are not all 0xa5");
    assert!(data[half..].iter().all(|&b| b == 0x3c), "last 2 MiB are not all 0x3c");

    // qemu-io reads through the ring and checks every byte.
    let mut c = qemu(&io);
    c.args([
        "-i",
        "io_uring",
        "-f",
        "raw",
        "-c",
        "read -P 0xa5 0 2M",
        "-c",
        "read -P 0x3c 2M 2M",
    ])
    .arg(&file);
    let out = run(c);
    assert_ok("qemu-io read -P", &out);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("verification failed"), "qemu-io:\n{stdout}");
    for off in [0, 2 * MIB] {
        let line = format!("read 2097152/2097152 bytes at offset {off}");
        assert!(stdout.contains(&line), "qemu-io output lacks {line:?}:\n{stdout}");
    }

    // Negative control: the wrong pattern must be reported.
    let mut c = qemu(&io);
    c.args(["-i", "io_uring", "-f", "raw", "-c", "read -P 0x3c 0 2M"])
        .arg(&file);
    let out = run(c);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Pattern verification failed"),
        "qemu-io did not notice a wrong pattern ({}):\n{stdout}{}",
        out.status,
        text(&out.stderr)
    );
    assert_no_fallback("qemu-io (wrong pattern)", &text(&out.stderr));

    // And a write through qemu-io, read back without qemu.
    let mut c = qemu(&io);
    c.args([
        "-i",
        "io_uring",
        "-f",
        "raw",
        "-c",
        "write -P 0x5e 1M 12k",
        "-c",
        "read -P 0x5e 1M 12k",
    ])
    .arg(&file);
    let out = run(c);
    assert_ok("qemu-io write -P", &out);
    assert!(
        !text(&out.stdout).contains("verification failed"),
        "{}",
        text(&out.stdout)
    );
    let data = fs::read(&file).unwrap();
    let (a, b) = (MIB as usize, MIB as usize + 12 * 1024);
    assert!(
        data[a..b].iter().all(|&x| x == 0x5e),
        "qemu-io write did not reach the file"
    );
    assert!(data[..a].iter().all(|&x| x == 0xa5) && data[b..half].iter().all(|&x| x == 0xa5));
}

/// Deterministic bytes with a zero hole and a run of one value, so that a convert that
/// skipped or misplaced anything shows.
fn source_image(len: usize) -> Vec<u8> {
    let mut v = Vec::with_capacity(len);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while v.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.extend_from_slice(&x.to_le_bytes());
    }
    v.truncate(len);
    v[MIB as usize..MIB as usize + 256 * 1024].fill(0);
    v[2 * MIB as usize + 4096..2 * MIB as usize + 3 * 4096].fill(0x42);
    v
}

#[test]
fn convert_round_trips_byte_exactly() {
    let Some((img, _)) = qemu_tools("convert_round_trips_byte_exactly") else {
        return;
    };
    let dir = TempDir::new("convert");
    let len = 3 * MIB as usize + 5 * 4096;
    let src = dir.path("src.raw");
    let mid = dir.path("mid.raw");
    let back = dir.path("back.raw");
    let want = source_image(len);
    fs::write(&src, &want).unwrap();
    // Targets pre-filled with 0xff: a convert that left anything out cannot pass.
    fs::write(&mid, vec![0xffu8; len]).unwrap();
    fs::write(&back, vec![0xffu8; len]).unwrap();

    let opts = |p: &Path| {
        format!(
            "driver=raw,file.driver=file,file.filename={},file.aio=io_uring",
            p.display()
        )
    };
    for (from, to) in [(&src, &mid), (&mid, &back)] {
        let mut c = qemu(&img);
        c.args(["convert", "--image-opts"])
            .arg(opts(from))
            .args(["-n", "--target-image-opts"])
            .arg(opts(to));
        let out = run(c);
        assert_ok(
            &format!("qemu-img convert {} -> {}", from.display(), to.display()),
            &out,
        );
    }
    for p in [&mid, &back] {
        let got = fs::read(p).unwrap();
        assert_eq!(got.len(), len, "{} has the wrong size", p.display());
        if let Some(i) = got.iter().zip(&want).position(|(a, b)| a != b) {
            panic!("{} differs from the source at byte {i}", p.display());
        }
    }
}

/// stdout of a child, collected by a thread, waited on by the test.
struct Collected {
    buf: Mutex<(String, bool)>,
    cv: Condvar,
}

impl Collected {
    fn start(mut r: impl Read + Send + 'static) -> Arc<Collected> {
        let c = Arc::new(Collected {
            buf: Mutex::new((String::new(), false)),
            cv: Condvar::new(),
        });
        let c2 = Arc::clone(&c);
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            loop {
                let n = r.read(&mut chunk).unwrap_or(0);
                let mut g = c2.buf.lock().unwrap();
                if n == 0 {
                    g.1 = true;
                    c2.cv.notify_all();
                    return;
                }
                g.0.push_str(&String::from_utf8_lossy(&chunk[..n]));
                c2.cv.notify_all();
            }
        });
        c
    }

    /// Wait until the text from `from` on contains `needle`; returns the end offset.
    fn wait_for(&self, from: usize, needle: &str, timeout: Duration) -> Result<usize, String> {
        let deadline = Instant::now() + timeout;
        let mut g = self.buf.lock().unwrap();
        loop {
            if let Some(i) = g.0.get(from..).and_then(|s| s.find(needle)) {
                return Ok(from + i + needle.len());
            }
            let now = Instant::now();
            if g.1 || now >= deadline {
                return Err(format!(
                    "no {needle:?} in the output ({}):\n{}",
                    if g.1 { "end of output" } else { "timeout" },
                    g.0
                ));
            }
            g = self.cv.wait_timeout(g, deadline - now).unwrap().0;
        }
    }
}

/// A `qemu-io` reading commands from a pipe, so that its `/proc/PID` can be inspected.
struct Interactive {
    child: Child,
    out: Arc<Collected>,
    pos: usize,
}

const PROMPT: &str = "qemu-io> ";
const WAIT: Duration = Duration::from_secs(30);

impl Interactive {
    fn start(io: &Path, aio: &str, file: &Path) -> Interactive {
        let mut c = qemu(io);
        c.args(["-i", aio, "-f", "raw"])
            .arg(file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap_or_else(|e| panic!("spawn qemu-io: {e}"));
        let out = Collected::start(child.stdout.take().unwrap());
        let mut me = Interactive { child, out, pos: 0 };
        match me.out.wait_for(0, PROMPT, WAIT) {
            Ok(p) => me.pos = p,
            Err(e) => {
                let err = me.finish();
                panic!("qemu-io -i {aio} did not start: {e}\nstderr:\n{err}");
            }
        }
        me
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Run one command and wait for its `expect` line and the next prompt.
    fn command(&mut self, cmd: &str, expect: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(format!("{cmd}\n").as_bytes()).unwrap();
        stdin.flush().unwrap();
        let r = self
            .out
            .wait_for(self.pos, expect, WAIT)
            .and_then(|p| self.out.wait_for(p, PROMPT, WAIT));
        match r {
            Ok(p) => self.pos = p,
            Err(e) => {
                let err = self.finish();
                panic!("qemu-io command {cmd:?}: {e}\nstderr:\n{err}");
            }
        }
        let so_far = self.out.buf.lock().unwrap().0.clone();
        assert!(!so_far.contains("verification failed"), "qemu-io:\n{so_far}");
    }

    /// Quit; returns stderr.
    fn finish(&mut self) -> String {
        if let Some(mut stdin) = self.child.stdin.take() {
            let _ = stdin.write_all(b"quit\n");
        }
        let deadline = Instant::now() + WAIT;
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }
}

impl Drop for Interactive {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The mapped files of a process whose name contains `liburing`, with "dev inode".
fn mapped_liburing(pid: u32) -> Vec<(String, String)> {
    let maps = fs::read_to_string(format!("/proc/{pid}/maps")).expect("read /proc/PID/maps");
    let mut v: Vec<(String, String)> = Vec::new();
    for line in maps.lines() {
        // address perms offset dev inode path
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 6 && f[5..].join(" ").contains("liburing") {
            let item = (f[5..].join(" "), format!("{} {}", f[3], f[4]));
            if !v.contains(&item) {
                v.push(item);
            }
        }
    }
    v
}

/// Sum of `CqTail` over the process's io_uring fds (`None`: the kernel does not show it),
/// and how many io_uring fds there are.
fn ring_completions(pid: u32) -> (Option<u64>, usize) {
    let mut sum = None;
    let mut rings = 0;
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fd")) else {
        return (None, 0);
    };
    for fd in fds.flatten() {
        let is_ring = fs::read_link(fd.path()).map(|t| t.to_string_lossy() == "anon_inode:[io_uring]");
        if !is_ring.unwrap_or(false) {
            continue;
        }
        rings += 1;
        let info = fs::read_to_string(format!("/proc/{pid}/fdinfo/{}", fd.file_name().to_string_lossy()));
        for line in info.unwrap_or_default().lines() {
            if let Some(v) = line.strip_prefix("CqTail:") {
                if let Ok(n) = v.trim().parse::<u64>() {
                    sum = Some(sum.unwrap_or(0) + n);
                }
            }
        }
    }
    (sum, rings)
}

/// Runs three qemu-io commands; returns how many completions the process's rings posted
/// meanwhile, `Err` if the kernel's fdinfo does not tell. Also checks the mapping.
fn ring_io_during_commands(io: &Path, aio: &str, file: &Path, expect_ours: bool) -> Result<u64, String> {
    let mut q = Interactive::start(io, aio, file);
    let mapped = mapped_liburing(q.pid());
    if expect_ours {
        // The path only: on overlayfs, maps shows the lower file's device and inode.
        assert!(
            mapped.iter().any(|(p, _)| Path::new(p) == lib().so),
            "qemu-io does not map our {}; its liburing mappings: {mapped:?}",
            lib().so.display()
        );
        assert!(
            mapped.iter().all(|(p, _)| Path::new(p) == lib().so),
            "qemu-io maps another liburing too: {mapped:?}"
        );
    }
    let (before, rings_before) = ring_completions(q.pid());
    q.command("read -P 0xa5 0 64k", "read 65536/65536 bytes at offset 0");
    q.command("read -P 0x3c 2M 128k", "read 131072/131072 bytes at offset 2097152");
    q.command("write -P 0x3c 3M 4k", "wrote 4096/4096 bytes at offset 3145728");
    let (after, rings) = ring_completions(q.pid());
    let err = q.finish();
    assert_no_fallback(&format!("qemu-io -i {aio}"), &err);
    match (before, after) {
        (Some(b), Some(a)) => Ok(a.saturating_sub(b)),
        (None, Some(a)) if rings_before == 0 => Ok(a),
        _ if rings == 0 => Ok(0),
        _ => Err("the kernel's io_uring fdinfo has no CqTail".into()),
    }
}

#[test]
fn our_library_is_mapped_and_the_ring_carries_io() {
    let test = "our_library_is_mapped_and_the_ring_carries_io";
    let Some((_, io)) = qemu_tools(test) else {
        return;
    };
    let dir = TempDir::new("maps");
    let file = dir.path("disk.raw");
    let mut data = vec![0xa5u8; 2 * MIB as usize];
    data.extend(vec![0x3cu8; 2 * MIB as usize]);
    fs::write(&file, &data).unwrap();

    // 1. Who resolves the liburing calls: LD_DEBUG=bindings names the file and version.
    let mut c = qemu(&io);
    c.env("LD_DEBUG", "bindings")
        .args(["-i", "io_uring", "-f", "raw", "-c", "read -P 0xa5 0 4k"])
        .arg(&file);
    let out = run(c);
    let stderr = text(&out.stderr);
    assert!(
        out.status.success(),
        "qemu-io failed ({}):\n{}",
        out.status,
        text(&out.stdout)
    );
    let mut bound = BTreeMap::new();
    for line in stderr.lines() {
        // "binding file qemu-io [0] to /path/liburing.so.2 [0]: normal symbol `x' [LIBURING_2.0]"
        let Some((_, rest)) = line.split_once(" to ") else {
            continue;
        };
        let Some((to, sym)) = rest.split_once(" [") else {
            continue;
        };
        let Some(name) = sym.split('`').nth(1).and_then(|s| s.split('\'').next()) else {
            continue;
        };
        if name.starts_with("io_uring_") || name.starts_with("__io_uring_") {
            let version = sym.rsplit('[').next().unwrap_or("").trim_end_matches(']').to_string();
            bound.insert(name.to_string(), (to.to_string(), version));
        }
    }
    for f in ["io_uring_queue_init", "io_uring_submit"] {
        let Some((to, version)) = bound.get(f) else {
            panic!("LD_DEBUG=bindings shows no binding of {f}; bindings: {bound:?}");
        };
        let target = fs::canonicalize(to).unwrap_or_else(|_| PathBuf::from(to));
        assert_eq!(target, lib().so, "{f} was bound to {to}, not our library");
        assert_eq!(version, "LIBURING_2.0", "{f} bound without liburing's version node");
    }
    for (f, (to, _)) in &bound {
        let target = fs::canonicalize(to).unwrap_or_else(|_| PathBuf::from(to));
        assert_eq!(target, lib().so, "{f} was bound to {to}, not our library");
    }

    // 2. A live qemu-io maps our file, and its ring posts completions for its commands.
    match ring_io_during_commands(&io, "io_uring", &file, true) {
        Ok(n) => assert!(n >= 3, "io_uring: 3 qemu-io commands posted only {n} ring completions"),
        Err(e) => {
            eprintln!("{test}: ring-activity part skipped: {e} (maps and bindings were checked)");
            return;
        }
    }
    // Control: with the thread pool, the same check sees no ring completions.
    let n = ring_io_during_commands(&io, "threads", &file, false).expect("fdinfo");
    assert_eq!(
        n, 0,
        "-i threads posted {n} ring completions: the ring check cannot tell"
    );
    let data = fs::read(&file).unwrap();
    assert!(data[3 * MIB as usize..3 * MIB as usize + 4096]
        .iter()
        .all(|&b| b == 0x3c));
}

/// `strace -f -c` of `cmd`: syscall name -> calls. `Err` = strace cannot run here.
fn strace_counts(cmd: &Command, log: &Path) -> Result<(BTreeMap<String, u64>, Output), String> {
    let strace = find_in_path("strace").ok_or("strace not installed (Debian package strace)")?;
    let mut c = Command::new(strace);
    c.args(["-f", "-c", "-e", "trace=io_uring_setup,io_uring_enter", "-o"])
        .arg(log);
    c.arg(cmd.get_program()).args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.stdin(Stdio::null());
    let out = run(c);
    let table = fs::read_to_string(log).unwrap_or_default();
    let stderr = text(&out.stderr);
    if !out.status.success() && (stderr.contains("ptrace") || stderr.contains("PTRACE")) {
        return Err(format!("strace cannot trace here: {}", stderr.trim()));
    }
    let mut counts = BTreeMap::new();
    for line in table.lines() {
        // % time  seconds  usecs/call  calls  [errors]  syscall
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 5 && f[0].parse::<f64>().is_ok() {
            if let Ok(calls) = f[3].parse::<u64>() {
                counts.insert(f[f.len() - 1].to_string(), calls);
            }
        }
    }
    Ok((counts, out))
}

#[test]
fn strace_counts_ring_syscalls() {
    let test = "strace_counts_ring_syscalls";
    let Some((img, _)) = qemu_tools(test) else {
        return;
    };
    let dir = TempDir::new("strace");
    let file = dir.path("disk.raw");
    new_raw_image(&file, 4 * MIB);
    let (count, depth) = (512u64, 8u64);
    let args = ["-w", "--pattern=0x6b", "-c", "512", "-s", "8192", "-d", "8"];

    let (counts, out) = match strace_counts(&bench(&img, "io_uring", &args, &file), &dir.path("st.uring")) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{test}: skipped: {e}");
            return;
        }
    };
    assert_ok("strace qemu-img bench -i io_uring", &out);
    let setup = counts.get("io_uring_setup").copied().unwrap_or(0);
    let enter = counts.get("io_uring_enter").copied().unwrap_or(0);
    assert!(setup >= 1, "no io_uring_setup: {counts:?}");
    // At most `depth` requests are in flight, so submitting `count` takes >= count/depth.
    assert!(
        enter >= count / depth,
        "{enter} io_uring_enter calls for {count} requests at depth {depth}: {counts:?}"
    );
    let data = fs::read(&file).unwrap();
    assert!(
        data.iter().all(|&b| b == 0x6b),
        "bench did not write its pattern everywhere"
    );

    // Control: the thread pool makes no io_uring_enter calls, and the check says so.
    let (counts, out) = strace_counts(&bench(&img, "threads", &args, &file), &dir.path("st.threads")).unwrap();
    assert_ok("strace qemu-img bench -i threads", &out);
    let enter = counts.get("io_uring_enter").copied().unwrap_or(0);
    assert!(
        enter < count / depth,
        "-i threads made {enter} io_uring_enter calls: the check cannot tell"
    );
}

#[test]
fn ldd_resolves_every_symbol() {
    let Some((img, io)) = qemu_tools("ldd_resolves_every_symbol") else {
        return;
    };
    for prog in [img, io] {
        let mut c = Command::new("ldd");
        c.arg("-r").arg(&prog).env("LD_LIBRARY_PATH", &lib().ld_path);
        let out = run(c);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(out.status.success(), "ldd -r {} failed:\n{all}", prog.display());
        for bad in ["undefined symbol", "not found", "no version information"] {
            assert!(!all.contains(bad), "ldd -r {}: {bad}:\n{all}", prog.display());
        }
        let line = all
            .lines()
            .find(|l| l.trim_start().starts_with("liburing.so.2 =>"))
            .unwrap_or_else(|| panic!("{} does not load liburing.so.2:\n{all}", prog.display()));
        let path = line
            .split("=>")
            .nth(1)
            .unwrap()
            .trim()
            .split(" (")
            .next()
            .unwrap()
            .trim();
        let target = fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
        assert_eq!(target, lib().so, "{}: liburing.so.2 resolves to {path}", prog.display());
    }
}
