//! Runs the C (and C++) test programs in `c-tests/` against our
//! `liburing.so.2`.
//!
//! This is a `harness = false` integration test that prints libtest-style
//! output.  Steps:
//!
//! 1. `cargo build --release --lib --target-dir <repo>/target/c-abi` so that
//!    `target/c-abi/release/liburing.so` is current, then a private library
//!    directory `target/c-abi/lib/` with `liburing.so` and `liburing.so.2`
//!    symlinks to it, so that both `-L dir -luring` and
//!    `LD_LIBRARY_PATH=dir` resolve to our file.
//! 2. Compile every `c-tests/*.c` / `c-tests/*.cpp` against `include/` and
//!    our library (with an rpath), and every `c-tests/debian-abi/*.c`
//!    against Debian's system headers and Debian's `liburing.so.2`
//!    (no rpath).
//! 3. Run each program (60 s limit, two at a time) with
//!    `LD_LIBRARY_PATH=<libdir>` and `URING_LIB_UNDER_TEST=<our .so>`.
//!    Exit 0 = pass, 77 = skip (reason from a `SKIP: ...` line on stdout),
//!    anything else, a signal, a timeout or a compile error = failure.
//!
//! Arguments: positional filters (substring match on the test name, e.g.
//! `cargo test --test c_programs -- nop`), `--exact`, `--skip FILTER`,
//! `--list`, `--ignored` (there are none), `--test-threads N`,
//! `--nocapture` / `--show-output` (print every program's output).  Other
//! libtest flags are accepted and ignored.
//!
//! Environment overrides (for testing the runner itself):
//! `URING_C_TESTS_DIR` (default `<repo>/c-tests`) and
//! `URING_C_TEST_TIMEOUT` (seconds, default 60).
//!
//! Per-program settings, read from marker lines in a `c-tests/*.c` source
//! (usually inside its opening comment):
//! - `c-test-timeout: SECS` gives that program a longer limit than the
//!   default (the larger of the two wins).
//! - `c-test-valgrind: TOOL[,TOOL...] [KEY=VALUE...]` also runs the program
//!   under each valgrind tool (`memcheck`, `helgrind`, `drd`), as extra tests
//!   named `<program> [valgrind TOOL]`, with the given environment (e.g. a
//!   smaller operation count).  Any valgrind error fails the test
//!   (`--error-exitcode`); they are skipped when valgrind is not installed.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const DEFAULT_TIMEOUT_SECS: u64 = 60;
const DEFAULT_PARALLEL: usize = 2;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `c-tests/*.c`: our headers, our library (rpath).
    C,
    /// `c-tests/*.cpp`: same, compiled as C++17.
    Cxx,
    /// `c-tests/debian-abi/*.c`: Debian's headers and link library, run
    /// with our library through LD_LIBRARY_PATH.
    DebianAbi,
    /// `c-tests/<dir>/` holding `ref.c` (compiled against Debian's headers, so it
    /// uses their inline code) and `main.c` (compiled against ours), linked into one
    /// program that compares the two.
    Differential,
}

struct TestProgram {
    /// Display name, e.g. `c-tests/nop.c`.
    name: String,
    src: PathBuf,
    kind: Kind,
    /// From a `c-test-timeout:` marker.
    timeout_secs: Option<u64>,
    /// Run under this valgrind tool (a variant made from a `c-test-valgrind:` marker).
    valgrind: Option<String>,
    /// Extra environment for the run.
    env: EnvVars,
}

/// Environment variables for one run.
type EnvVars = Vec<(String, String)>;

/// Marker lines in a C source: `(c-test-timeout, [(valgrind tool, env)])`.
fn read_markers(src: &Path) -> (Option<u64>, Vec<(String, EnvVars)>) {
    let text = fs::read_to_string(src).unwrap_or_default();
    let mut timeout = None;
    let mut valgrind = Vec::new();
    for line in text.lines() {
        if let Some((_, rest)) = line.split_once("c-test-timeout:") {
            timeout = rest.split_whitespace().next().and_then(|v| v.parse().ok());
        }
        if let Some((_, rest)) = line.split_once("c-test-valgrind:") {
            let mut words = rest.split_whitespace();
            let tools = words.next().unwrap_or("");
            let env: EnvVars = words
                .filter_map(|w| w.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            for tool in tools.split(',').filter(|t| !t.is_empty()) {
                valgrind.push((tool.to_string(), env.clone()));
            }
        }
    }
    (timeout, valgrind)
}

enum Outcome {
    Passed,
    Failed(String),
    Skipped(String),
}

struct TestResult {
    name: String,
    outcome: Outcome,
    /// Compiler output, stdout and stderr of the program, for reports.
    details: String,
    duration: Duration,
}

#[derive(Default)]
struct Options {
    filters: Vec<String>,
    skips: Vec<String>,
    exact: bool,
    list: bool,
    ignored_only: bool,
    show_output: bool,
    threads: Option<usize>,
}

fn parse_args() -> Options {
    let mut o = Options::default();
    let mut args = std::env::args().skip(1);
    // libtest options that take a value (as `--opt value` or `--opt=value`).
    const WITH_VALUE: &[&str] = &[
        "--test-threads",
        "--color",
        "--format",
        "--skip",
        "--logfile",
        "-Z",
        "--shuffle-seed",
    ];
    while let Some(arg) = args.next() {
        if let Some(rest) = arg.strip_prefix("--") {
            let (key, inline_val) = match rest.split_once('=') {
                Some((k, v)) => (format!("--{k}"), Some(v.to_string())),
                None => (arg.clone(), None),
            };
            let takes_value = WITH_VALUE.contains(&key.as_str());
            let val = if takes_value && inline_val.is_none() {
                args.next()
            } else {
                inline_val
            };
            match key.as_str() {
                "--list" => o.list = true,
                "--exact" => o.exact = true,
                "--ignored" => o.ignored_only = true,
                "--nocapture" | "--show-output" => o.show_output = true,
                "--skip" => o.skips.extend(val),
                "--test-threads" => o.threads = val.and_then(|v| v.parse().ok()).filter(|&n: &usize| n > 0),
                _ => {} // --include-ignored, --quiet, --color, --format, --bench ...
            }
        } else if arg == "-Z" {
            args.next();
        } else if arg.starts_with('-') {
            // -q and friends
        } else {
            o.filters.push(arg);
        }
    }
    o
}

impl Options {
    fn selects(&self, name: &str) -> bool {
        if self.ignored_only {
            return false;
        }
        let hit = |f: &String| {
            if self.exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        };
        if self.skips.iter().any(hit) {
            return false;
        }
        self.filters.is_empty() || self.filters.iter().any(hit)
    }
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn discover(root: &Path) -> Vec<TestProgram> {
    let mut out = Vec::new();
    let mut scan = |dir: &Path, prefix: &str, debian: bool| {
        let Ok(rd) = fs::read_dir(dir) else { return };
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
            .filter_map(|e| e.file_name().into_string().ok())
            .collect();
        names.sort();
        for n in names {
            let kind = if n.ends_with(".c") {
                if debian {
                    Kind::DebianAbi
                } else {
                    Kind::C
                }
            } else if n.ends_with(".cpp") && !debian {
                Kind::Cxx
            } else {
                continue;
            };
            let src = dir.join(&n);
            let (timeout_secs, valgrind) = if kind == Kind::C {
                read_markers(&src)
            } else {
                (None, Vec::new())
            };
            out.push(TestProgram {
                name: format!("{prefix}{n}"),
                src: src.clone(),
                kind,
                timeout_secs,
                valgrind: None,
                env: Vec::new(),
            });
            for (tool, env) in valgrind {
                out.push(TestProgram {
                    name: format!("{prefix}{n} [valgrind {tool}]"),
                    src: src.clone(),
                    kind,
                    timeout_secs,
                    valgrind: Some(tool),
                    env,
                });
            }
        }
    };
    let dir = std::env::var_os("URING_C_TESTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("c-tests"));
    scan(&dir, "c-tests/", false);
    scan(&dir.join("debian-abi"), "c-tests/debian-abi/", true);
    let mut diffs: Vec<String> = fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("ref.c").is_file() && e.path().join("main.c").is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    diffs.sort();
    for d in diffs {
        out.push(TestProgram {
            name: format!("c-tests/{d}/"),
            src: dir.join(&d),
            kind: Kind::Differential,
            timeout_secs: None,
            valgrind: None,
            env: Vec::new(),
        });
    }
    out
}

/// Build the shared library with cargo; returns the path of liburing.so.
fn build_library(root: &Path) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let target_dir = root.join("target/c-abi");
    eprintln!(
        "building liburing.so: cargo build --release --lib --target-dir {}",
        target_dir.display()
    );
    let out = Command::new(&cargo)
        .arg("build")
        .arg("--release")
        .arg("--lib")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET")
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run {cargo:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo build --release --lib failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let so = target_dir.join("release/liburing.so");
    if !so.is_file() {
        return Err(format!(
            "cargo build succeeded but {} does not exist (is crate-type cdylib set?)",
            so.display()
        ));
    }
    Ok(so)
}

/// Atomically point `link` at `target` (absolute), replacing what was there.
fn replace_symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    let tmp = link.with_file_name(format!(
        ".{}.tmp.{}",
        link.file_name().unwrap().to_string_lossy(),
        std::process::id()
    ));
    let _ = fs::remove_file(&tmp);
    std::os::unix::fs::symlink(target, &tmp)?;
    fs::rename(&tmp, link)
}

/// `target/c-abi/lib/` with `liburing.so` and `liburing.so.2` -> our file.
fn make_libdir(root: &Path, so: &Path) -> Result<PathBuf, String> {
    let libdir = root.join("target/c-abi/lib");
    fs::create_dir_all(&libdir).map_err(|e| format!("mkdir {}: {e}", libdir.display()))?;
    for name in ["liburing.so", "liburing.so.2"] {
        replace_symlink(so, &libdir.join(name)).map_err(|e| format!("symlink {}/{name}: {e}", libdir.display()))?;
    }
    Ok(libdir)
}

fn debian_libdir() -> PathBuf {
    PathBuf::from(format!("/usr/lib/{}-linux-gnu", std::env::consts::ARCH))
}

/// Why Debian-ABI tests cannot run here, if they cannot.
fn debian_missing() -> Option<String> {
    let hdr = Path::new("/usr/include/liburing.h");
    let lib = debian_libdir().join("liburing.so.2");
    if !hdr.is_file() {
        return Some(format!(
            "Debian liburing-dev is not installed ({} missing)",
            hdr.display()
        ));
    }
    if !lib.exists() {
        return Some(format!("Debian liburing2 is not installed ({} missing)", lib.display()));
    }
    None
}

/// Why valgrind tests cannot run here, if they cannot.
fn valgrind_missing() -> Option<String> {
    match Command::new("valgrind").arg("--version").stdin(Stdio::null()).output() {
        Ok(out) if out.status.success() => None,
        Ok(out) => Some(format!("valgrind --version failed ({})", out.status)),
        Err(e) => Some(format!("valgrind is not installed ({e})")),
    }
}

/// Exit status valgrind is told to use when it found errors.
const VALGRIND_ERROR_EXIT: i32 = 99;

/// Tool-specific valgrind options.
fn valgrind_tool_args(tool: &str) -> &'static [&'static str] {
    match tool {
        "memcheck" => &[
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect",
            "--track-origins=yes",
        ],
        _ => &[],
    }
}

fn c_compiler() -> OsString {
    std::env::var_os("CC").unwrap_or_else(|| OsString::from("cc"))
}

fn cxx_compiler() -> OsString {
    std::env::var_os("CXX").unwrap_or_else(|| OsString::from("c++"))
}

struct Env {
    root: PathBuf,
    so: PathBuf,
    libdir: PathBuf,
    outdir: PathBuf,
    debian_missing: Option<String>,
    valgrind_missing: Option<String>,
}

/// Compile one program; Ok(binary) or Err(compiler output).
fn compile(env: &Env, t: &TestProgram) -> Result<PathBuf, String> {
    let name = t.name.strip_prefix("c-tests/").unwrap_or(&t.name);
    let name = name.split(" [").next().unwrap_or(name);
    let mut rel = match t.kind {
        Kind::Differential => format!("{}/main", name.trim_end_matches('/')),
        _ => name.rsplit_once('.').map(|(stem, _)| stem.to_string()).unwrap(),
    };
    if let Some(tool) = &t.valgrind {
        // A binary of its own: the variants may be compiled at the same time.
        rel = format!("{rel}.vg-{tool}");
    }
    let bin = env.outdir.join(&rel);
    if let Some(parent) = bin.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("mkdir {}: {e}", parent.display()))?;
    }
    let tmp = bin.with_file_name(format!(
        "{}.tmp.{}",
        bin.file_name().unwrap().to_string_lossy(),
        std::process::id()
    ));
    let include = env.root.join("include");
    let mut cmd = match t.kind {
        Kind::C if name.starts_with("strict_") => {
            // The header must also compile in strict ISO C11 with no feature macro.
            let mut c = Command::new(c_compiler());
            c.args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1"]);
            c
        }
        Kind::C | Kind::DebianAbi | Kind::Differential => {
            let mut c = Command::new(c_compiler());
            c.args([
                "-std=gnu11",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-D_GNU_SOURCE",
                "-g",
                "-O1",
            ]);
            c
        }
        Kind::Cxx => {
            let mut c = Command::new(cxx_compiler());
            c.args([
                "-std=c++17",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-D_GNU_SOURCE",
                "-g",
                "-O1",
            ]);
            c
        }
    };
    match t.kind {
        Kind::C | Kind::Cxx => {
            cmd.arg("-I").arg(&include);
            cmd.arg("-o").arg(&tmp).arg(&t.src);
            cmd.arg("-L").arg(&env.libdir).arg("-luring");
            let mut rpath = OsString::from("-Wl,-rpath,");
            rpath.push(&env.libdir);
            cmd.arg(rpath);
        }
        Kind::DebianAbi => {
            // System include path only (Debian's /usr/include/liburing.h).
            cmd.arg("-o").arg(&tmp).arg(&t.src);
            cmd.arg("-L").arg(debian_libdir()).arg("-l:liburing.so.2");
        }
        Kind::Differential => {
            // ref.c sees only the system headers (Debian's inline preparers); main.c
            // sees ours. Two translation units, one program.
            let obj = tmp.with_extension("ref.o");
            let mut refc = Command::new(c_compiler());
            refc.args([
                "-std=gnu11",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-D_GNU_SOURCE",
                "-g",
                "-O1",
                "-c",
            ]);
            refc.arg("-o").arg(&obj).arg(t.src.join("ref.c")).stdin(Stdio::null());
            let shown = format!("{refc:?}");
            let out = refc
                .output()
                .map_err(|e| format!("could not run compiler: {shown}: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "compile failed ({}):\n$ {shown}\n{}{}",
                    out.status,
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            cmd.arg("-I").arg(&include);
            cmd.arg("-o").arg(&tmp).arg(t.src.join("main.c")).arg(&obj);
            cmd.arg("-L").arg(&env.libdir).arg("-luring");
            let mut rpath = OsString::from("-Wl,-rpath,");
            rpath.push(&env.libdir);
            cmd.arg(rpath);
        }
    }
    cmd.stdin(Stdio::null());
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .map_err(|e| format!("could not run compiler: {shown}: {e}"))?;
    if !out.status.success() {
        let _ = fs::remove_file(&tmp);
        return Err(format!(
            "compile failed ({}):\n$ {shown}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    fs::rename(&tmp, &bin).map_err(|e| format!("rename {}: {e}", bin.display()))?;
    Ok(bin)
}

fn timeout(t: &TestProgram) -> Duration {
    let secs = std::env::var("URING_C_TEST_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&s: &u64| s > 0)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    Duration::from_secs(secs.max(t.timeout_secs.unwrap_or(0)))
}

fn kill_group(pgid: u32) {
    // The child was started in its own process group (pgid == its pid).
    unsafe {
        libc::kill(-(pgid as libc::pid_t), libc::SIGKILL);
    }
}

/// Wait for every remaining member of process group `pgid` that became our
/// child (after SIGKILL they exit promptly).
fn reap_group(pgid: u32) {
    loop {
        let mut status = 0;
        let r = unsafe { libc::waitpid(-(pgid as libc::pid_t), &mut status, 0) };
        if r <= 0 {
            break;
        }
    }
}

fn run_one(env: &Env, t: &TestProgram) -> TestResult {
    let start = Instant::now();
    let result = |outcome, details| TestResult {
        name: t.name.clone(),
        outcome,
        details,
        duration: start.elapsed(),
    };

    if matches!(t.kind, Kind::DebianAbi | Kind::Differential) {
        if let Some(why) = &env.debian_missing {
            return result(Outcome::Skipped(why.clone()), String::new());
        }
    }
    if t.valgrind.is_some() {
        if let Some(why) = &env.valgrind_missing {
            return result(Outcome::Skipped(why.clone()), String::new());
        }
    }
    let bin = match compile(env, t) {
        Ok(b) => b,
        Err(msg) => return result(Outcome::Failed("compile error".into()), msg),
    };

    let out_path = bin.with_file_name(format!("{}.stdout", bin.file_name().unwrap().to_string_lossy()));
    let err_path = bin.with_file_name(format!("{}.stderr", bin.file_name().unwrap().to_string_lossy()));
    let (Ok(out_f), Ok(err_f)) = (fs::File::create(&out_path), fs::File::create(&err_path)) else {
        return result(
            Outcome::Failed("cannot create output files".into()),
            format!("{} / {}", out_path.display(), err_path.display()),
        );
    };

    let mut cmd = match &t.valgrind {
        None => Command::new(&bin),
        Some(tool) => {
            let mut c = Command::new("valgrind");
            c.arg(format!("--tool={tool}"))
                .arg("-q")
                .arg(format!("--error-exitcode={VALGRIND_ERROR_EXIT}"))
                .args(valgrind_tool_args(tool))
                .arg(&bin);
            c
        }
    };
    cmd.envs(t.env.iter().map(|(k, v)| (k, v)));
    cmd.env("LD_LIBRARY_PATH", &env.libdir)
        .env("URING_LIB_UNDER_TEST", &env.so)
        .current_dir(&env.outdir)
        .stdin(Stdio::null())
        .stdout(out_f)
        .stderr(err_f)
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return result(
                Outcome::Failed("cannot start".into()),
                format!("{}: {e}", bin.display()),
            )
        }
    };
    let pid = child.id();
    let limit = timeout(t);
    let deadline = Instant::now() + limit;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break Some(st),
            Ok(None) => {}
            Err(_) => break None,
        }
        if Instant::now() >= deadline {
            timed_out = true;
            kill_group(pid);
            break child.wait().ok();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // Leftover grandchildren (forked helpers) go too.  We are their
    // subreaper (see main), so reap them here.
    kill_group(pid);
    reap_group(pid);

    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let mut details = String::new();
    if !stdout.is_empty() {
        details.push_str(&format!("---- stdout ----\n{stdout}"));
        if !stdout.ends_with('\n') {
            details.push('\n');
        }
    }
    if !stderr.is_empty() {
        details.push_str(&format!("---- stderr ----\n{stderr}"));
        if !stderr.ends_with('\n') {
            details.push('\n');
        }
    }

    use std::os::unix::process::ExitStatusExt;
    let outcome = if timed_out {
        Outcome::Failed(format!("timed out after {} s, killed", limit.as_secs()))
    } else {
        match status {
            None => Outcome::Failed("could not wait for the program".into()),
            Some(st) => match (st.code(), st.signal()) {
                (Some(0), _) => Outcome::Passed,
                (Some(77), _) => {
                    let reason = stdout
                        .lines()
                        .find_map(|l| l.strip_prefix("SKIP:"))
                        .map(|r| r.trim().to_string())
                        .unwrap_or_else(|| "(exit 77 without a SKIP: line)".into());
                    Outcome::Skipped(reason)
                }
                (Some(VALGRIND_ERROR_EXIT), _) if t.valgrind.is_some() => Outcome::Failed(format!(
                    "valgrind {} reported errors (exit status {VALGRIND_ERROR_EXIT})",
                    t.valgrind.as_deref().unwrap_or("")
                )),
                (Some(code), _) => Outcome::Failed(format!("exit status {code}")),
                (None, Some(sig)) => Outcome::Failed(format!("killed by signal {sig}")),
                (None, None) => Outcome::Failed(format!("{st}")),
            },
        }
    };
    result(outcome, details)
}

fn main() -> ExitCode {
    let opts = parse_args();
    // Orphaned grandchildren of the test programs get reparented to us, so
    // that they can be killed and reaped with their test.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    let root = repo_root();
    let tests: Vec<TestProgram> = discover(&root).into_iter().filter(|t| opts.selects(&t.name)).collect();

    if opts.list {
        for t in &tests {
            println!("{}: test", t.name);
        }
        return ExitCode::SUCCESS;
    }

    println!();
    println!("running {} tests", tests.len());
    if tests.is_empty() {
        println!();
        println!("test result: ok. 0 passed; 0 failed; 0 skipped");
        println!();
        return ExitCode::SUCCESS;
    }

    let so = match build_library(&root) {
        Ok(so) => so,
        Err(msg) => {
            eprintln!("\nerror: could not build our liburing.so:\n{msg}");
            println!();
            println!("test result: FAILED. 0 passed; {} failed; 0 skipped", tests.len());
            return ExitCode::FAILURE;
        }
    };
    let so = fs::canonicalize(&so).unwrap_or(so);
    let libdir = match make_libdir(&root, &so) {
        Ok(d) => d,
        Err(msg) => {
            eprintln!("\nerror: {msg}");
            println!("test result: FAILED. 0 passed; {} failed; 0 skipped", tests.len());
            return ExitCode::FAILURE;
        }
    };
    let outdir = root.join("target/c-abi/tests");
    if let Err(e) = fs::create_dir_all(&outdir) {
        eprintln!("error: mkdir {}: {e}", outdir.display());
        return ExitCode::FAILURE;
    }
    let env = Env {
        root: root.clone(),
        so,
        libdir,
        outdir,
        debian_missing: debian_missing(),
        valgrind_missing: valgrind_missing(),
    };

    let started = Instant::now();
    let queue: Mutex<VecDeque<usize>> = Mutex::new((0..tests.len()).collect());
    let results: Mutex<Vec<Option<TestResult>>> = Mutex::new((0..tests.len()).map(|_| None).collect());
    let print_lock = Mutex::new(());
    let workers = opts.threads.unwrap_or(DEFAULT_PARALLEL).min(tests.len()).max(1);

    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some(i) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let r = run_one(&env, &tests[i]);
                {
                    let _g = print_lock.lock().unwrap();
                    let mut so = std::io::stdout().lock();
                    let _ = match &r.outcome {
                        Outcome::Passed => writeln!(so, "test {} ... ok", r.name),
                        Outcome::Failed(why) => writeln!(so, "test {} ... FAILED ({why})", r.name),
                        Outcome::Skipped(why) => writeln!(so, "test {} ... skipped: {why}", r.name),
                    };
                    if opts.show_output && !r.details.is_empty() {
                        let _ = write!(so, "{}", r.details);
                    }
                    let _ = so.flush();
                }
                results.lock().unwrap()[i] = Some(r);
            });
        }
    });

    let results: Vec<TestResult> = results.into_inner().unwrap().into_iter().flatten().collect();
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    for r in &results {
        match &r.outcome {
            Outcome::Passed => passed += 1,
            Outcome::Skipped(_) => skipped += 1,
            Outcome::Failed(why) => {
                failed += 1;
                failures.push((r, why));
            }
        }
    }

    if !failures.is_empty() {
        println!();
        println!("failures:");
        for (r, why) in &failures {
            println!();
            println!("==== {} ({why}, {:.2}s) ====", r.name, r.duration.as_secs_f64());
            print!("{}", r.details);
        }
        println!();
        println!("failures:");
        for (r, _) in &failures {
            println!("    {}", r.name);
        }
    }
    println!();
    println!(
        "test result: {}. {passed} passed; {failed} failed; {skipped} skipped",
        if failed == 0 { "ok" } else { "FAILED" }
    );
    eprintln!("(c_programs finished in {:.2}s)", started.elapsed().as_secs_f64());
    println!();
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
