//! Runs every Rust example end to end and checks what it did.
//!
//! How the example binaries are built: `cargo test` builds the examples anyway (to check
//! they compile), but `cargo test --test examples_rust` does not, and a test cannot use
//! `env!("CARGO_BIN_EXE_...")` for examples. So the first test to need one runs
//! `$CARGO build --examples` once, with the same profile and target directory as this
//! test binary (found from its own path, `<target>/<profile>/deps/...`). After a full
//! `cargo test` that build is a no-op; cargo holds no lock on the target directory while
//! tests run, so the nested build cannot deadlock.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The profile directory this test binary lives in (`<target>/debug`, ...).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.parent()
        .and_then(Path::parent)
        .expect("<target>/<profile>/deps/<test>")
        .to_path_buf()
}

/// Build the examples once; the path of example `name`.
fn example(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let dir = profile_dir();
    let built = BUILT.get_or_init(|| {
        let profile = dir.file_name().and_then(|p| p.to_str()).unwrap_or("debug").to_string();
        let mut target_dir = dir.parent().expect("a target directory").to_path_buf();
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--quiet", "--examples", "--manifest-path"])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"));
        // `<target>/<triple>/<profile>` when cargo was given --target.
        if !target_dir.join("CACHEDIR.TAG").exists() {
            if let Some(triple) = target_dir.file_name().and_then(|t| t.to_str()).map(str::to_string) {
                cmd.args(["--target", &triple]);
                target_dir = target_dir.parent().expect("a target directory").to_path_buf();
            }
        }
        match profile.as_str() {
            "debug" => {}
            "release" => {
                cmd.arg("--release");
            }
            other => {
                cmd.args(["--profile", other]);
            }
        }
        cmd.arg("--target-dir").arg(&target_dir);
        let out = cmd.output().map_err(|e| format!("cannot run cargo: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "building the examples failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(e) = built {
        panic!("{e}");
    }
    let path = dir.join("examples").join(name);
    assert!(path.exists(), "{} was not built", path.display());
    path
}

fn run(name: &str, args: &[&str]) -> Output {
    Command::new(example(name))
        .args(args)
        .output()
        .expect("the example runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(what: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("uring-examples-{}-{what}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A server process, killed on drop.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start a server example and wait for its "listening"/"serving" line.
fn start_server(name: &str, args: &[&str]) -> Server {
    let mut child = Command::new(example(name))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut line)
        .expect("the server's first line");
    let server = Server(child);
    assert!(
        line.contains("listening") || line.contains("serving"),
        "{name} said: {line:?}"
    );
    server
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Deterministic, not too compressible bytes.
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[test]
fn every_example_prints_usage_with_help_and_refuses_bad_arguments() {
    for name in ["cp", "echo_server", "http_server", "pagestore", "demo"] {
        let out = run(name, &["--help"]);
        assert!(out.status.success(), "{name} --help failed");
        assert!(
            stdout(&out).starts_with("usage: "),
            "{name} --help printed {:?}",
            stdout(&out)
        );
    }
    for name in ["cp", "echo_server", "http_server", "pagestore"] {
        let out = run(name, &[]);
        assert_eq!(out.status.code(), Some(2), "{name} without arguments");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("usage: "),
            "{name} without arguments"
        );
    }
    let out = run("cp", &["/nonexistent/uring-src", "/tmp/uring-never-written"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No such file"));
}

#[test]
fn cp_copies_verifies_and_counts_its_syscalls() {
    let dir = Scratch::new("cp");
    // An odd size: 5 MiB and a partial block.
    let data = pattern(5 * 1024 * 1024 + 12_345, 7);
    let (src, dst) = (dir.0.join("src"), dir.0.join("dst"));
    std::fs::write(&src, &data).unwrap();
    let out = run("cp", &[src.to_str().unwrap(), dst.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "cp failed: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&dst).unwrap(), data, "the copy differs");
    assert!(text.contains("verified:"), "{text}");
    let enters: u64 = text
        .split("io_uring_enter calls: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no syscall count in {text:?}"));
    // 42 blocks of 128 KiB, read and written, 16 in flight: at least one enter per
    // batch, at most a few per block.
    assert!((3..=4 * 42 + 8).contains(&enters), "{enters} enters");
    assert!(text.contains("per MiB"), "{text}");

    // The count is the real number of io_uring_enter calls.
    let strace = Command::new("strace").arg("-V").output();
    if !strace.is_ok_and(|o| o.status.success()) {
        missing_prerequisite("strace is not installed: the enter count is not cross-checked");
        return;
    }
    let dst2 = dir.0.join("dst2");
    let traced = Command::new("strace")
        .args(["-f", "-qq", "-c", "-e", "trace=io_uring_enter", "-o"])
        .arg(dir.0.join("trace"))
        .arg(example("cp"))
        .args([src.to_str().unwrap(), dst2.to_str().unwrap()])
        .output()
        .unwrap();
    let text = stdout(&traced);
    let summary = std::fs::read_to_string(dir.0.join("trace")).unwrap();
    if !traced.status.success() && summary.contains("PTRACE") {
        println!("SKIP (part): ptrace is not permitted here");
        return;
    }
    assert!(traced.status.success(), "cp under strace: {text}");
    let counted: u64 = text
        .split("io_uring_enter calls: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    let traced_calls: u64 = summary
        .lines()
        .find(|l| l.trim_end().ends_with("io_uring_enter"))
        .and_then(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            // % time, seconds, usecs/call, calls, [errors,] syscall
            fields.get(3).and_then(|c| c.parse().ok())
        })
        .unwrap_or_else(|| panic!("no io_uring_enter line in {summary}"));
    assert_eq!(counted, traced_calls, "cp's own count vs strace: {summary}");
}

#[test]
fn echo_server_echoes_to_several_clients_at_once() {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let _server = start_server("echo_server", &[&addr]);
    std::thread::scope(|s| {
        let clients: Vec<_> = (0..6u64)
            .map(|i| {
                let addr = addr.clone();
                s.spawn(move || {
                    // More than the 256 x 4 KiB buffer ring in total, so buffers recycle.
                    let data = pattern(400_000 + i as usize * 1000, i + 1);
                    let stream = TcpStream::connect(&addr).unwrap();
                    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                    let mut writer = stream.try_clone().unwrap();
                    let sent = data.clone();
                    let w = std::thread::spawn(move || {
                        for chunk in sent.chunks(7000) {
                            writer.write_all(chunk).unwrap();
                        }
                        writer.shutdown(Shutdown::Write).unwrap();
                    });
                    let mut back = Vec::new();
                    (&stream).read_to_end(&mut back).unwrap();
                    w.join().unwrap();
                    assert_eq!(back.len(), data.len(), "client {i}: length");
                    assert!(back == data, "client {i}: the echo differs");
                })
            })
            .collect();
        // A client that leaves at once must not disturb the others.
        drop(TcpStream::connect(&addr).unwrap());
        for c in clients {
            c.join().unwrap();
        }
    });
    // Still serving afterwards.
    let mut stream = TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(b"ping").unwrap();
    let mut buf = [0u8; 4];
    stream.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ping");
}

/// One HTTP response: status code, headers (lower-case names), body.
fn read_response(reader: &mut BufReader<TcpStream>, head_only: bool) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let code: u16 = status
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("status line {status:?}"));
    assert!(status.starts_with("HTTP/1.1 "), "{status:?}");
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap();
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("a Content-Length");
    let mut body = vec![0; if head_only { 0 } else { len }];
    reader.read_exact(&mut body).unwrap();
    (code, headers, body)
}

#[test]
fn http_server_serves_concurrent_keep_alive_clients() {
    let root = Scratch::new("http");
    let big = pattern(300_000, 99);
    std::fs::write(root.0.join("index.html"), b"<h1>uring</h1>\n").unwrap();
    std::fs::write(root.0.join("big.bin"), &big).unwrap();
    std::fs::create_dir(root.0.join("sub")).unwrap();
    std::fs::write(root.0.join("sub").join("a.txt"), b"alpha\n").unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let _server = start_server("http_server", &[root.0.to_str().unwrap(), &addr]);

    std::thread::scope(|s| {
        let clients: Vec<_> = (0..8)
            .map(|i| {
                let (addr, big) = (addr.clone(), &big);
                s.spawn(move || {
                    let stream = TcpStream::connect(&addr).unwrap();
                    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
                    let mut writer = stream.try_clone().unwrap();
                    let mut reader = BufReader::new(stream);
                    // Several requests on one connection (keep-alive).
                    for round in 0..3 {
                        writer.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                        let (code, _, body) = read_response(&mut reader, false);
                        assert_eq!((code, body.as_slice()), (200, &b"<h1>uring</h1>\n"[..]), "client {i} round {round}");
                        writer.write_all(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                        let (code, _, body) = read_response(&mut reader, false);
                        assert_eq!(code, 200);
                        assert!(body == *big, "client {i}: big.bin differs");
                        writer.write_all(b"GET /missing.txt HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                        assert_eq!(read_response(&mut reader, false).0, 404);
                    }
                    // Two requests in one write (pipelining), a HEAD, an escape attempt.
                    writer
                        .write_all(b"GET /sub/a.txt HTTP/1.1\r\n\r\nHEAD /big.bin HTTP/1.1\r\n\r\nGET /../../etc/passwd HTTP/1.1\r\n\r\n")
                        .unwrap();
                    let (code, headers, body) = read_response(&mut reader, false);
                    assert_eq!((code, body.as_slice()), (200, &b"alpha\n"[..]));
                    assert!(headers.iter().any(|(n, v)| n == "content-type" && v.starts_with("text/plain")));
                    let (code, headers, _) = read_response(&mut reader, true);
                    assert_eq!(code, 200);
                    assert!(headers.contains(&("content-length".into(), big.len().to_string())));
                    assert_eq!(read_response(&mut reader, false).0, 404);
                    // Connection: close ends it.
                    writer.write_all(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
                    assert_eq!(read_response(&mut reader, false).0, 200);
                    let mut rest = Vec::new();
                    reader.read_to_end(&mut rest).unwrap();
                    assert!(rest.is_empty(), "bytes after Connection: close");
                })
            })
            .collect();
        for c in clients {
            c.join().unwrap();
        }
    });
    // A method it does not serve.
    let stream = TcpStream::connect(&addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    (&stream).write_all(b"DELETE / HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut BufReader::new(stream), false).0, 405);
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[test]
fn pagestore_writes_pages_that_verify_independently() {
    let dir = Scratch::new("pagestore");
    let file = dir.0.join("pages.db");
    let out = run("pagestore", &[file.to_str().unwrap(), "--pages", "64"]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "pagestore failed: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("wrote 64 pages"), "{text}");
    assert!(text.contains("verified 64 pages: every checksum matches"), "{text}");
    if text.contains("falling back") {
        println!("note: this filesystem refused O_DIRECT; the buffered fallback was tested");
    } else {
        assert!(text.contains("(O_DIRECT)"), "{text}");
    }
    // Check the file without the example: page numbers and checksums.
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(bytes.len(), 64 * 4096);
    for (n, page) in bytes.chunks(4096).enumerate() {
        assert_eq!(page[..8], (n as u64).to_le_bytes(), "page {n}: number");
        assert_eq!(page[4088..], fnv1a(&page[..4088]).to_le_bytes(), "page {n}: checksum");
    }
    // The payloads differ from page to page (the checksum covers real data).
    assert_ne!(bytes[8..4088], bytes[4096 + 8..4096 + 4088]);
}

#[test]
fn demo_copies_and_verifies() {
    let out = run("demo", &[]);
    let text = stdout(&out);
    assert!(
        out.status.success(),
        "demo failed: {text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("verified: copy is identical to the source"), "{text}");
    assert!(text.contains("100000 NOPs"), "{text}");
}

include!("../../tests/support/prerequisites.rs");
