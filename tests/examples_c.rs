//! Runs the examples that use our library from outside Rust, end to end:
//!
//! - `examples/c/` built with `make -C examples/c` (warnings are errors) against
//!   `include/` and our `liburing.so`, and a second time with AddressSanitizer,
//!   LeakSanitizer and UBSan (`target/c-abi/examples-asan/`); every scenario runs on both: `cp` (copy verified, io_uring needs at least 2x
//!   fewer system calls per MiB than a read/write loop, its own count of
//!   `io_uring_enter` matches strace's), `echo-server` (plain and `--sqpoll` with its SQ
//!   thread checked, concurrent clients, a slow reader that drains the buffer ring, no
//!   connection leaked), `http-server` (GET/HEAD/404/400/405, keep-alive,
//!   pipelining, concurrent clients), `pagestore` (write, reopen, verify; a corrupted and a
//!   misplaced page are caught), `cat` (also linked with `liburing.a`, as docs/c.md shows);
//! - `examples/python/uring_cp.py` (ctypes) on our library;
//! - `go test ./...` in `examples/go` (cgo).
//!
//! The library is the one every C-driving test builds (tests/support/c_build.rs:
//! `cargo build --release --lib -p liburing --target-dir target/c-abi`), linked from `target/c-abi/lib/`. A part whose toolchain is
//! missing (`make`/`cc`, `python3`, `go`) prints `SKIP: reason` and returns; `.ci/run`
//! installs all of them.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::sync::{mpsc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

#[path = "support/c_build.rs"]
mod c_build;

include!("support/prerequisites.rs");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn have(prog: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else {
        return false;
    };
    std::env::split_paths(&path).any(|d| d.join(prog).is_file())
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Run to completion within `limit`; the output, or a panic naming the command.
fn run(mut cmd: Command, limit: Duration) -> Output {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {shown}: {e}"));
    // Read both pipes in threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let t_err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{shown} did not finish within {limit:?}");
        }
        thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
    }
}

fn run_ok(cmd: Command, limit: Duration) -> Output {
    let shown = format!("{cmd:?}");
    let out = run(cmd, limit);
    assert!(
        out.status.success(),
        "{shown} failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

/// A scratch directory under target/ (a real disk filesystem: pagestore wants O_DIRECT),
/// removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = repo()
            .join("target/tmp")
            .join(format!("examples-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Deterministic pseudo-random bytes (xorshift), different per seed.
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// `target/c-abi/lib/` holding `liburing.so` and `liburing.so.2` -> the freshly built
/// `target/c-abi/release/liburing.so` (the build and the links of tests/c_programs.rs).
fn libdir() -> &'static Path {
    static LIBDIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = LIBDIR.get_or_init(|| {
        let root = repo();
        let target = root.join("target/c-abi");
        c_build::build_c_library()?;
        let so = target.join("release/liburing.so");
        let lib = target.join("lib");
        fs::create_dir_all(&lib).map_err(|e| format!("mkdir {}: {e}", lib.display()))?;
        for name in ["liburing.so", "liburing.so.2"] {
            // Replace atomically: tests/c_programs.rs may be doing the same right now.
            let link = lib.join(name);
            let tmp = lib.join(format!(".{name}.examples.{}", std::process::id()));
            let _ = fs::remove_file(&tmp);
            std::os::unix::fs::symlink(&so, &tmp).map_err(|e| format!("symlink: {e}"))?;
            fs::rename(&tmp, &link).map_err(|e| format!("rename to {}: {e}", link.display()))?;
        }
        Ok(lib)
    });
    match dir {
        Ok(d) => d,
        Err(e) => panic!("{e}"),
    }
}

/// One build of the C examples.
struct Build {
    /// `plain`, or `asan+ubsan` for the sanitizer build.
    label: &'static str,
    dir: PathBuf,
    sanitized: bool,
}

/// Compiler flags of the sanitizer build: every UB check fatal, frame pointers for reports.
const SANITIZER_CFLAGS: &str = "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer";
/// A sanitizer report ends the program with this status, so no report passes unseen.
const SANITIZER_EXIT: i32 = 98;

impl Build {
    /// A command running example `prog` of this build (with the sanitizers' options).
    fn cmd(&self, prog: &str) -> Command {
        let mut c = Command::new(self.dir.join(prog));
        if self.sanitized {
            c.env(
                "ASAN_OPTIONS",
                format!("detect_leaks=1:halt_on_error=1:exitcode={SANITIZER_EXIT}"),
            )
            .env("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1");
        }
        c
    }
}

/// `make -C examples/c` once into `examples/c/build/` (warnings are errors), and once with
/// AddressSanitizer, LeakSanitizer and UBSan into `target/c-abi/examples-asan/`; each C
/// test runs its scenario on both. Err: why the C examples cannot be built here (a
/// missing tool: the caller skips). A machine without the sanitizer runtimes runs the
/// plain build only, and says so.
fn c_builds() -> Result<&'static [Build], &'static str> {
    static BUILDS: OnceLock<Result<Vec<Build>, &'static str>> = OnceLock::new();
    let built = BUILDS.get_or_init(|| {
        if !have("make") {
            return Err("make is not installed");
        }
        if !have("cc") && !have("gcc") {
            return Err("no C compiler (cc) is installed");
        }
        let root = repo();
        let lib = libdir();
        let make = |build: &Path, cflags: &str| {
            let mut c = Command::new("make");
            c.arg("-C")
                .arg(root.join("examples/c"))
                .arg(format!("LIBDIR={}", lib.display()))
                .arg(format!("INCDIR={}", root.join("include").display()))
                .arg(format!("BUILD={}", build.display()))
                .arg(format!("EXTRA_CFLAGS={cflags}"))
                .env_remove("MAKEFLAGS")
                .env_remove("MFLAGS");
            if !have("cc") {
                c.arg("CC=gcc");
            }
            c
        };
        let plain = root.join("examples/c/build");
        run_ok(make(&plain, "-Werror"), Duration::from_secs(300));
        let mut builds = vec![Build {
            label: "plain",
            dir: plain,
            sanitized: false,
        }];
        let asan = root.join("target/c-abi/examples-asan");
        let out = run(
            make(&asan, &format!("-Werror {SANITIZER_CFLAGS}")),
            Duration::from_secs(300),
        );
        if out.status.success() {
            builds.push(Build {
                label: "asan+ubsan",
                dir: asan,
                sanitized: true,
            });
        } else {
            let err = text(&out.stderr);
            // Only a missing runtime is a reason to skip; anything else is a failure.
            assert!(
                err.contains("cannot find") && (err.contains("asan") || err.contains("ubsan")),
                "the sanitizer build of the C examples failed:\n{err}"
            );
            missing_prerequisite(&format!(
                "the sanitizer runtimes are not installed (sanitizer build only): {err}"
            ));
        }
        Ok(builds)
    });
    match built {
        Ok(b) => Ok(b.as_slice()),
        Err(e) => Err(e),
    }
}

/// Run `$case(&Build)` on every build of the C examples, or skip the test with the reason.
macro_rules! for_each_c_build {
    ($case:expr) => {
        match c_builds() {
            Ok(builds) => {
                for b in builds {
                    println!("[{}]", b.label);
                    $case(b);
                }
            }
            Err(why) => missing_prerequisite(&why),
        }
    };
}

// ---------------------------------------------------------------------------------------
// cp

/// The numbers of cp's `syscalls-per-MiB:` line.
struct CpFigures {
    uring_per_mib: f64,
    plain_per_mib: f64,
    ratio: f64,
    enter_calls: u64,
}

fn parse_cp(stdout: &str) -> CpFigures {
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("syscalls-per-MiB: "))
        .unwrap_or_else(|| panic!("no syscalls-per-MiB line in:\n{stdout}"));
    let field = |key: &str| -> &str {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .unwrap_or_else(|| panic!("no {key} in {line:?}"))
    };
    CpFigures {
        uring_per_mib: field("uring=").parse().unwrap(),
        plain_per_mib: field("plain=").parse().unwrap(),
        ratio: field("ratio=").parse().unwrap(),
        enter_calls: field("enter-calls=").parse().unwrap(),
    }
}

#[test]
fn c_cp_copies_verifies_and_halves_syscalls() {
    for_each_c_build!(cp_case);
}

fn cp_case(bin: &Build) {
    let tmp = TempDir::new("cp");
    let src = tmp.0.join("src.bin");
    let data = pattern(6 * 1024 * 1024 + 12345, 1);
    fs::write(&src, &data).unwrap();

    let dst = tmp.0.join("dst.bin");
    let mut c = bin.cmd("cp");
    c.arg(&src).arg(&dst);
    let out = run_ok(c, Duration::from_secs(60));
    let stdout = text(&out.stdout);
    assert!(fs::read(&dst).unwrap() == data, "the copy differs from the source");
    let f = parse_cp(&stdout);
    println!(
        "cp: {:.2} io_uring_enter per MiB, {:.2} read+write per MiB, {:.2}x fewer",
        f.uring_per_mib, f.plain_per_mib, f.ratio
    );
    assert!(f.ratio >= 2.0, "io_uring saves less than 2x the syscalls:\n{stdout}");
    assert!(
        (f.plain_per_mib / f.uring_per_mib - f.ratio).abs() < 0.05,
        "inconsistent figures:\n{stdout}"
    );

    // The program's own count of io_uring_enter is what the kernel saw.
    if bin.sanitized {
        println!("strace cross-check: plain build only (LeakSanitizer refuses to run under ptrace)");
    } else if have("strace") {
        let dst2 = tmp.0.join("dst2.bin");
        let log = tmp.0.join("strace.txt");
        let mut c = Command::new("strace");
        c.args(["-f", "-c", "-e", "trace=io_uring_enter", "-o"])
            .arg(&log)
            .arg(bin.dir.join("cp"))
            .arg(&src)
            .arg(&dst2);
        let out = run_ok(c, Duration::from_secs(60));
        let f = parse_cp(&text(&out.stdout));
        let summary = fs::read_to_string(&log).unwrap();
        let counted: u64 = summary
            .lines()
            .find(|l| l.trim_end().ends_with(" io_uring_enter"))
            .and_then(|l| l.split_whitespace().nth(3))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no io_uring_enter row in strace's summary:\n{summary}"));
        assert_eq!(
            counted, f.enter_calls,
            "cp counted {} io_uring_enter calls, strace {counted}",
            f.enter_calls
        );
        assert!(fs::read(&dst2).unwrap() == data, "the copy under strace differs");
    } else {
        missing_prerequisite("strace is not installed (the cross-check of the syscall count)");
    }

    // Errors: a missing source, and usage.
    let mut c = bin.cmd("cp");
    c.arg(tmp.0.join("missing")).arg(&dst);
    let out = run(c, Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(1), "cp of a missing file");
    assert!(text(&out.stderr).contains("No such file"), "{}", text(&out.stderr));
    let out = run(bin.cmd("cp"), Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("usage:"));
}

#[test]
fn c_cat_prints_files() {
    for_each_c_build!(cat_case);
}

fn cat_case(bin: &Build) {
    let tmp = TempDir::new("cat");
    let a = pattern(200_000, 2);
    let b = pattern(70_000, 3);
    fs::write(tmp.0.join("a"), &a).unwrap();
    fs::write(tmp.0.join("b"), &b).unwrap();
    let mut c = bin.cmd("cat");
    c.arg(tmp.0.join("a")).arg(tmp.0.join("b"));
    let out = run_ok(c, Duration::from_secs(30));
    assert!(out.stdout == [a, b.clone()].concat(), "cat printed other bytes");
    let mut c = bin.cmd("cat");
    c.arg(tmp.0.join("missing"));
    assert_eq!(run(c, Duration::from_secs(10)).status.code(), Some(1));

    // docs/c.md: liburing.a named on the command line of an otherwise dynamic program.
    if bin.sanitized {
        return;
    }
    if !have("gcc") || !have("readelf") {
        missing_prerequisite("gcc or readelf is not installed (the static-archive part)");
        return;
    }
    let root = repo();
    let archive = libdir().parent().unwrap().join("release/liburing.a");
    let exe = tmp.0.join("cat-archive");
    let mut c = Command::new("gcc");
    c.arg(root.join("examples/c/cat.c"))
        .arg("-I")
        .arg(root.join("include"))
        .arg(&archive)
        .args(["-lpthread", "-ldl", "-lm", "-lrt", "-lutil", "-o"])
        .arg(&exe);
    run_ok(c, Duration::from_secs(120));
    let mut c = Command::new("readelf");
    c.arg("-d").arg(&exe);
    let dynamic = text(&run_ok(c, Duration::from_secs(10)).stdout);
    assert!(!dynamic.contains("liburing"), "still needs a liburing .so:\n{dynamic}");
    let mut c = Command::new(&exe);
    c.arg(tmp.0.join("b")).env_remove("LD_LIBRARY_PATH");
    assert!(
        run_ok(c, Duration::from_secs(30)).stdout == b,
        "cat (liburing.a) printed other bytes"
    );
}

// ---------------------------------------------------------------------------------------
// servers

/// A server process, killed when dropped (the servers run until killed).
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Start example `prog` of `bin` as `prog before... 127.0.0.1:PORT after...` on a free
    /// port and wait for the line it prints when it listens. Retries a few ports
    /// (another process may take one).
    fn start(bin: &Build, prog: &str, before: &[&Path], after: &[&str]) -> Server {
        let mut last = String::new();
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let addr = format!("127.0.0.1:{port}");
            let mut child = bin
                .cmd(prog)
                .args(before)
                .arg(&addr)
                .args(after)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("could not run {prog}: {e}"));
            let stdout: ChildStdout = child.stdout.take().unwrap();
            let (tx, rx) = mpsc::channel();
            thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = tx.send(line);
            });
            match rx.recv_timeout(Duration::from_secs(10)) {
                Ok(line) if !line.is_empty() => return Server { child, addr },
                _ => {
                    let _ = child.kill();
                    let out = child.wait_with_output().unwrap();
                    last = text(&out.stderr);
                }
            }
        }
        panic!("{prog} ({}) did not start: {last}", bin.label);
    }

    fn assert_alive(&mut self) {
        if let Some(status) = self.child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(e) = self.child.stderr.as_mut() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("the server exited ({status}):\n{err}");
        }
    }

    fn open_fds(&self) -> usize {
        fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    /// Wait (up to 5 s) until the server holds `want` fds: its connections are closed.
    fn assert_fds_back_to(&self, want: usize) {
        let start = Instant::now();
        while self.open_fds() != want {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "the server holds {} fds, {want} before the clients came: connections leaked",
                self.open_fds()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

fn connect(addr: &str) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

/// One echo client: sends `len` bytes in uneven pieces while a second thread reads the
/// echo; returns whether the echo matched.
fn echo_client(addr: String, len: usize, seed: u64) -> Result<(), String> {
    echo_client_with(addr, len, seed, None)
}

/// With `slow_reader`, the client reads nothing for that long while it sends: the server's
/// sends stall, its 256 provided buffers run out and its recv ends with -ENOBUFS; every
/// byte must still come back, in order, once the client reads. (An echo server with
/// several sends in flight on one socket fails this: the data comes back reordered.)
fn echo_client_with(addr: String, len: usize, seed: u64, slow_reader: Option<Duration>) -> Result<(), String> {
    let data = pattern(len, seed);
    let mut s = connect(&addr);
    let mut r = s.try_clone().unwrap();
    let want = data.clone();
    let reader = thread::spawn(move || -> Result<(), String> {
        if let Some(pause) = slow_reader {
            thread::sleep(pause);
        }
        let mut got = vec![0u8; want.len()];
        r.read_exact(&mut got).map_err(|e| format!("reading the echo: {e}"))?;
        if got != want {
            return Err("the echo differs from what was sent".into());
        }
        let mut extra = [0u8; 1];
        match r.read(&mut extra) {
            Ok(0) => Ok(()),
            Ok(_) => Err("more bytes came back than were sent".into()),
            Err(e) => Err(format!("waiting for EOF: {e}")),
        }
    });
    let mut off = 0;
    let mut piece = 1;
    while off < data.len() {
        let n = piece.min(data.len() - off);
        s.write_all(&data[off..off + n]).map_err(|e| format!("send: {e}"))?;
        off += n;
        piece = piece * 3 % 65_521 + 1;
    }
    s.shutdown(Shutdown::Write).map_err(|e| format!("shutdown: {e}"))?;
    reader.join().unwrap()
}

fn echo_server_case(bin: &Build, extra: &[&str]) {
    let mut server = Server::start(bin, "echo-server", &[], extra);
    let idle_fds = server.open_fds();
    // With --sqpoll the kernel's SQ thread (named iou-sqp-PID) belongs to the server.
    let sq_thread = fs::read_dir(format!("/proc/{}/task", server.child.id()))
        .unwrap()
        .filter_map(|t| fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .any(|comm| comm.starts_with("iou-sqp"));
    assert_eq!(
        sq_thread,
        extra.contains(&"--sqpoll"),
        "SQ polling thread present: {sq_thread}"
    );
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let addr = server.addr.clone();
            // Different sizes; together they need more than the 256 x 4 KiB buffers. The
            // first client reads slowly and exhausts the buffer ring on its own.
            let (len, slow) = match i {
                0 => (6_000_000, Some(Duration::from_millis(500))),
                _ => (300_000 + i * 197_531, None),
            };
            thread::spawn(move || echo_client_with(addr, len, 10 + i as u64, slow))
        })
        .collect();
    for (i, c) in clients.into_iter().enumerate() {
        if let Err(e) = c.join().unwrap() {
            panic!("echo client {i}: {e}");
        }
    }
    server.assert_alive();
    server.assert_fds_back_to(idle_fds);
    // A second round on the same server.
    echo_client(server.addr.clone(), 10_000, 99).unwrap();
    server.assert_alive();
}

#[test]
fn c_echo_server_concurrent_clients() {
    for_each_c_build!(|b| echo_server_case(b, &[]));
}

#[test]
fn c_echo_server_sqpoll() {
    for_each_c_build!(|b| echo_server_case(b, &["--sqpoll"]));
}

#[test]
fn c_echo_server_usage() {
    for_each_c_build!(echo_usage_case);
}

fn echo_usage_case(bin: &Build) {
    for args in [&[][..], &["not-an-address"][..], &["127.0.0.1:1", "--bogus"][..]] {
        let mut c = bin.cmd("echo-server");
        c.args(args);
        let out = run(c, Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(2), "echo-server {args:?}");
        assert!(text(&out.stderr).contains("usage:"));
    }
}

/// A parsed HTTP response.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Read one response from `r`; `head` means no body follows whatever Content-Length says.
fn read_response(r: &mut BufReader<TcpStream>, head: bool) -> Response {
    let mut line = String::new();
    r.read_line(&mut line).expect("status line");
    let status = line
        .strip_prefix("HTTP/1.1 ")
        .and_then(|l| l.get(..3))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        r.read_line(&mut h).expect("header line");
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap_or_else(|| panic!("bad header {h:?}"));
        headers.push((k.to_string(), v.trim().to_string()));
    }
    let mut resp = Response {
        status,
        headers,
        body: Vec::new(),
    };
    if !head {
        let len: usize = resp.header("Content-Length").expect("Content-Length").parse().unwrap();
        resp.body = vec![0; len];
        r.read_exact(&mut resp.body).expect("body");
    }
    resp
}

fn http_request(s: &mut TcpStream, method: &str, path: &str, extra: &str) {
    write!(s, "{method} {path} HTTP/1.1\r\nHost: test\r\n{extra}\r\n").unwrap();
}

fn assert_closed(r: &mut BufReader<TcpStream>) {
    let mut rest = Vec::new();
    match r.read_to_end(&mut rest) {
        Ok(_) => assert!(rest.is_empty(), "bytes after the last response: {rest:?}"),
        Err(e) => panic!("the server did not close the connection: {e}"),
    }
}

#[test]
fn c_http_server() {
    for_each_c_build!(http_case);
}

fn http_case(bin: &Build) {
    let tmp = TempDir::new("http");
    let root = tmp.0.join("www");
    fs::create_dir_all(root.join("sub")).unwrap();
    let index = b"<h1>uring</h1>\n".to_vec();
    let big = pattern(2 * 1024 * 1024 + 333, 7);
    fs::write(root.join("index.html"), &index).unwrap();
    fs::write(root.join("big.bin"), &big).unwrap();
    fs::write(root.join("sub/a b.txt"), b"spaced\n").unwrap();
    fs::write(root.join("empty.txt"), b"").unwrap();
    fs::write(tmp.0.join("secret"), b"outside the root").unwrap();

    let mut server = Server::start(bin, "http-server", &[&root], &[]);
    let idle_fds = server.open_fds();
    let addr = server.addr.clone();

    // One keep-alive connection, many requests.
    let mut s = connect(&addr);
    let mut r = BufReader::new(s.try_clone().unwrap());
    http_request(&mut s, "GET", "/", "");
    let resp = read_response(&mut r, false);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, index);
    assert_eq!(resp.header("Content-Type"), Some("text/html; charset=utf-8"));
    assert_eq!(resp.header("Connection"), Some("keep-alive"));

    http_request(&mut s, "HEAD", "/big.bin", "");
    let resp = read_response(&mut r, true);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("Content-Length"), Some(big.len().to_string().as_str()));

    // After a HEAD, the next response starts right away: no body was sent.
    http_request(&mut s, "GET", "/big.bin", "");
    let resp = read_response(&mut r, false);
    assert_eq!(resp.status, 200);
    assert!(resp.body == big, "big.bin came back different");

    http_request(&mut s, "GET", "/missing.html", "");
    let resp = read_response(&mut r, false);
    assert_eq!(resp.status, 404);
    assert_eq!(resp.header("Connection"), Some("keep-alive"));

    http_request(&mut s, "GET", "/sub/", "");
    assert_eq!(
        read_response(&mut r, false).status,
        404,
        "a directory without index.html"
    );
    http_request(&mut s, "GET", "/sub/a%20b.txt?x=1", "");
    assert_eq!(read_response(&mut r, false).body, b"spaced\n");
    http_request(&mut s, "GET", "/empty.txt", "");
    let resp = read_response(&mut r, false);
    assert_eq!((resp.status, resp.body.len()), (200, 0));
    http_request(&mut s, "DELETE", "/index.html", "");
    let resp = read_response(&mut r, false);
    assert_eq!(resp.status, 405);
    assert_eq!(resp.header("Allow"), Some("GET, HEAD"));

    // Pipelined: two requests in one write, two responses in order.
    s.write_all(b"GET /index.html HTTP/1.1\r\n\r\nHEAD /index.html HTTP/1.1\r\n\r\n")
        .unwrap();
    assert_eq!(read_response(&mut r, false).body, index);
    let resp = read_response(&mut r, true);
    assert_eq!(resp.header("Content-Length"), Some(index.len().to_string().as_str()));

    // Connection: close ends the connection after the response.
    http_request(&mut s, "GET", "/index.html", "Connection: close\r\n");
    let resp = read_response(&mut r, false);
    assert_eq!((resp.status, resp.header("Connection")), (200, Some("close")));
    assert_closed(&mut r);

    // 400s close the connection: garbage, a path above the root, a request body.
    for req in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET /../secret HTTP/1.1\r\n\r\n",
        b"GET /sub/../../secret HTTP/1.1\r\n\r\n",
        b"GET index.html HTTP/1.1\r\n\r\n",
        b"GET / HTTP/2.0\r\n\r\n",
        // (no body sent: unread bytes at close would make the server's kernel send RST)
        b"GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n",
    ] {
        let mut s = connect(&addr);
        let mut r = BufReader::new(s.try_clone().unwrap());
        s.write_all(req).unwrap();
        let resp = read_response(&mut r, false);
        assert_eq!(resp.status, 400, "for {:?}", text(req));
        assert!(!resp.body.windows(7).any(|w| w == b"outside"), "leaked the secret");
        assert_closed(&mut r);
    }
    // An oversized header: 431, closed.
    let mut s2 = connect(&addr);
    let mut r2 = BufReader::new(s2.try_clone().unwrap());
    // Exactly the server's 8 KiB limit and no end of header: nothing is left unread when
    // the server closes (unread bytes would turn its FIN into an RST).
    let mut long = b"GET / HTTP/1.1\r\nX-Long: ".to_vec();
    long.resize(8192, b'x');
    s2.write_all(&long).unwrap();
    assert_eq!(read_response(&mut r2, false).status, 431);
    // HTTP/1.0 closes by default.
    let mut s3 = connect(&addr);
    let mut r3 = BufReader::new(s3.try_clone().unwrap());
    s3.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut r3, false).body, index);
    assert_closed(&mut r3);
    drop((s, r, s2, r2, s3, r3));

    // Many concurrent clients, each with several requests on one connection.
    let clients: Vec<_> = (0..24)
        .map(|i| {
            let addr = addr.clone();
            let big = big.clone();
            let index = index.clone();
            thread::spawn(move || {
                let mut s = connect(&addr);
                let mut r = BufReader::new(s.try_clone().unwrap());
                for k in 0..4 {
                    if (i + k) % 2 == 0 {
                        http_request(&mut s, "GET", "/big.bin", "");
                        assert!(read_response(&mut r, false).body == big, "client {i}: big.bin");
                    } else {
                        http_request(&mut s, "GET", "/", "");
                        assert_eq!(read_response(&mut r, false).body, index, "client {i}");
                    }
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("an HTTP client failed");
    }
    server.assert_alive();
    server.assert_fds_back_to(idle_fds);

    let out = run(bin.cmd("http-server"), Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("usage:"));
}

// ---------------------------------------------------------------------------------------
// pagestore

const PAGE: usize = 4096;

#[test]
fn c_pagestore_group_commit_and_verify() {
    for_each_c_build!(pagestore_case);
}

fn pagestore_case(bin: &Build) {
    let tmp = TempDir::new("pagestore");
    let file = tmp.0.join("store.db");
    let mut c = bin.cmd("pagestore");
    c.arg(&file).env("PAGES", "600");
    let out = run_ok(c, Duration::from_secs(60));
    let stdout = text(&out.stdout);
    println!("{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("wrote 600 pages") && stdout.contains("in 38 group commits"),
        "{stdout}"
    );
    assert!(stdout.contains("600 pages read back"), "{stdout}");
    assert_eq!(fs::metadata(&file).unwrap().len(), (600 * PAGE) as u64);

    let verify = |what: &str| -> Output {
        let mut c = bin.cmd("pagestore");
        c.arg("--verify").arg(&file);
        let out = run(c, Duration::from_secs(60));
        println!("--verify ({what}): {}{}", text(&out.stdout), text(&out.stderr));
        out
    };
    assert!(verify("intact").status.success());

    // One flipped payload byte: that page fails its checksum.
    let mut bytes = fs::read(&file).unwrap();
    let original = bytes.clone();
    bytes[123 * PAGE + 1000] ^= 0x40;
    fs::write(&file, &bytes).unwrap();
    let out = verify("a flipped byte");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("page 123: checksum mismatch"),
        "{}",
        text(&out.stderr)
    );

    // Two pages swapped: each is intact but in the wrong place.
    let mut bytes = original.clone();
    let (a, b) = bytes.split_at_mut(11 * PAGE);
    a[10 * PAGE..].swap_with_slice(&mut b[..PAGE]);
    fs::write(&file, &bytes).unwrap();
    let out = verify("swapped pages");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("page 10: page number does not match its position"),
        "{}",
        text(&out.stderr)
    );

    // Not a whole number of pages.
    fs::write(&file, &original[..PAGE + 1]).unwrap();
    assert_eq!(verify("truncated").status.code(), Some(1));

    let out = run(bin.cmd("pagestore"), Duration::from_secs(10));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("usage:"));
}

// ---------------------------------------------------------------------------------------
// Python and Go

#[test]
fn python_uring_cp() {
    if !have("python3") {
        missing_prerequisite("python3 is not installed");
        return;
    }
    let root = repo();
    let so = libdir().join("liburing.so");
    let tmp = TempDir::new("python");
    let src = tmp.0.join("src.bin");
    let dst = tmp.0.join("dst.bin");
    let data = pattern(3 * 1024 * 1024 + 777, 21);
    fs::write(&src, &data).unwrap();
    let mut c = Command::new("python3");
    c.arg(root.join("examples/python/uring_cp.py"))
        .arg(&src)
        .arg(&dst)
        .env("URING_LIB", &so)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let out = run_ok(c, Duration::from_secs(60));
    assert!(text(&out.stdout).contains("SHA-256 verified"), "{}", text(&out.stdout));
    assert!(fs::read(&dst).unwrap() == data, "the Python copy differs");

    // A library without the inline functions as symbols (or none at all) is refused
    // with a message, not a crash.
    let mut c = Command::new("python3");
    c.arg(root.join("examples/python/uring_cp.py"))
        .arg(&src)
        .arg(&dst)
        .env("URING_LIB", tmp.0.join("no-such-lib.so"))
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let out = run(c, Duration::from_secs(30));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot load"), "{}", text(&out.stderr));
}

#[test]
fn go_test_examples_go() {
    if !have("go") {
        missing_prerequisite("go is not installed (Debian: golang-go)");
        return;
    }
    let root = repo();
    let lib = libdir();
    let mut c = Command::new("go");
    c.args(["test", "-count=1", "./..."])
        .current_dir(root.join("examples/go"))
        .env("CGO_ENABLED", "1")
        .env("CGO_CFLAGS", format!("-I{} -O2 -g", root.join("include").display()))
        .env("CGO_LDFLAGS", format!("-L{0} -Wl,-rpath,{0}", lib.display()))
        // Standard library only: no module downloads.
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOCACHE", root.join("target/go-cache"))
        .env("GOPATH", root.join("target/go-path"));
    let out = run_ok(c, Duration::from_secs(300));
    let stdout = text(&out.stdout);
    println!("{stdout}");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("ok ") && l.contains("uring.example/go/uring")),
        "go test did not report the uring package as ok:\n{stdout}"
    );

    // Examples are copied: keep them gofmt-clean (gofmt ships with the Go toolchain).
    let mut c = Command::new("gofmt");
    c.arg("-l").arg(root.join("examples/go"));
    let unformatted = text(&run_ok(c, Duration::from_secs(60)).stdout);
    assert!(unformatted.trim().is_empty(), "not gofmt-formatted:\n{unformatted}");
}
