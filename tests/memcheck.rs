//! The Rust test binaries under valgrind memcheck.
//!
//! A `harness = false` test that prints libtest-style lines. It asks cargo for the
//! package's test executables (`cargo test --no-run --message-format=json`, with this
//! binary's profile and target directory: when `cargo test` runs this, every test binary
//! is already built and the call only lists them; `cargo test --test memcheck` alone
//! builds them first), and runs each one under
//!
//! ```text
//! valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
//!     --errors-for-leak-kinds=definite --show-leak-kinds=definite \
//!     --suppressions=tests/memcheck.supp --fair-sched=yes <binary> --test-threads=1
//! ```
//!
//! two at a time. A binary passes when valgrind exits 0, every process it ran printed
//! `ERROR SUMMARY: 0 errors`, and the binary's own `test result:` line says ok. The
//! library's unit tests (`src/lib.rs`) and every `tests/*.rs` run, except the targets
//! in [`EXCLUDED`] and the single tests in [`SKIPPED`], each printed as a skip with its
//! reason. A new test file is run under memcheck without being listed anywhere.
//!
//! Before the binaries, a self-check: this binary re-run under the same valgrind
//! command with a probe that our library allocated and that is never freed must be
//! reported; otherwise the step would pass without checking anything.
//!
//! Arguments: positional filters (substring of the target's source path, e.g.
//! `cargo test --test memcheck -- ring`), `--exact`, `--skip FILTER`, `--list`,
//! `--test-threads N` (binaries at a time, default 2), `--nocapture` (print valgrind's
//! output of every run). `URING_MEMCHECK_TIMEOUT` (seconds, default 300) limits each
//! binary. Skipped with the reason when valgrind is not installed.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::Write;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

include!("support/c_library.rs");

/// Test targets that are not run under memcheck, and why.
const EXCLUDED: &[(&str, &str)] = &[
    ("memcheck", "this runner"),
    (
        "c_programs",
        "compiles the C test programs and runs them, each also under memcheck ([valgrind memcheck] lines of that test)",
    ),
    (
        "thread_contract",
        "runs itself under memcheck (its valgrind_memcheck test), in the no-block mode valgrind needs",
    ),
    (
        "unavailable",
        "installs seccomp filters and flips kernel.io_uring_disabled, in child processes it re-executes (outside valgrind)",
    ),
    ("qemu", "runs qemu-img and qemu-io, separate programs, on the library"),
    ("install", "runs make, the C compiler and pkg-config: no library code in this process"),
    (
        "examples_c",
        "builds the C examples with make and runs them, the Python and Go examples: separate programs",
    ),
    ("exports", "reads the built library's symbol tables with readelf and nm: no library code"),
    ("compile_fail", "runs rustc (trybuild) on programs that must not compile: no library code"),
    (
        "size",
        "builds liburing.so/.a and C programs and inspects them with binutils: no library code in this process",
    ),
    ("workspace", "runs cargo tree: no library code"),
    ("generated_fresh", "runs the generator (xtask): no library code"),
];

/// Single tests skipped inside targets that do run: (target, test, why).
const SKIPPED: &[(&str, &str, &str)] = &[
    (
        "ring",
        "split_halves_submit_and_reap_from_two_threads",
        "the reaper waits in io_uring_enter for NOPs that another thread has still to submit; \
         under valgrind that thread never runs while the reaper waits, and the 5 s wait times out \
         (valgrind 3.19 runs one thread at a time and does not know io_uring_enter can block)",
    ),
    (
        "faults",
        "rust_api_waits_return_eintr_like_liburing",
        "the signals come from a helper thread while the test thread waits in io_uring_enter: \
         the helper never runs and the wait never ends (valgrind 3.19 runs one thread at a time \
         and does not know io_uring_enter can block)",
    ),
    (
        "faults",
        "c_tests_pass_on_debian_liburing",
        "compiles C programs and runs them against Debian's liburing, in child processes: \
         no library code of ours",
    ),
    (
        "register",
        "buffers_bad_input",
        "passes a NULL iovec array to io_uring_register on purpose (the kernel's -EFAULT is the \
         point); memcheck reports the pointer, under a parameter name valgrind 3.19 leaves empty, \
         which no suppression can name",
    ),
    (
        "register",
        "files_bad_input",
        "passes a NULL fd array to io_uring_register on purpose (the kernel's -EFAULT is the \
         point); memcheck reports the pointer, under a parameter name valgrind 3.19 leaves empty, \
         which no suppression can name",
    ),
];

const VALGRIND_ERROR_EXIT: i32 = 99;
const DEFAULT_TIMEOUT_SECS: u64 = 300;
const SELF_CHECK_ENV: &str = "URING_MEMCHECK_SELF_CHECK";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The valgrind command every run uses.
fn valgrind() -> Command {
    let mut c = Command::new("valgrind");
    // Tests that count their own mappings need to know valgrind adds anonymous ones.
    c.env("URING_UNDER_VALGRIND", "1");
    c.args([
        "--tool=memcheck",
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite",
        "--show-leak-kinds=definite",
        "--fair-sched=yes",
    ]);
    c.arg(format!(
        "--suppressions={}",
        repo_root().join("tests/memcheck.supp").display()
    ));
    c
}

/// One test executable of the package.
#[derive(Debug)]
struct Target {
    /// Cargo's target name: `ring`, `uring` (the library's unit tests).
    name: String,
    /// Source path relative to the repository: `uring/tests/ring.rs`, `src/lib.rs`.
    src: String,
    exe: PathBuf,
}

/// The value of the JSON string that follows `key` (e.g. `"name":`) in `line`.
fn json_string_after(line: &str, key: &str) -> Option<String> {
    let rest = &line[line.find(key)? + key.len()..];
    let rest = rest.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// Where this binary lives: `(target dir, profile dir name, target triple)`.
fn build_layout() -> Result<(PathBuf, String, Option<String>), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    // <target>/[<triple>/]<profile>/deps/memcheck-<hash>
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| format!("unexpected test binary path {}", exe.display()))?;
    let profile = profile_dir
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let up = profile_dir.parent().ok_or("no target directory")?;
    if up.join("CACHEDIR.TAG").is_file() {
        return Ok((up.to_path_buf(), profile, None));
    }
    let up2 = up.parent().ok_or("no target directory")?;
    if up2.join("CACHEDIR.TAG").is_file() {
        let triple = up.file_name().unwrap_or_default().to_string_lossy().into_owned();
        return Ok((up2.to_path_buf(), profile, Some(triple)));
    }
    Err(format!("cannot tell the target directory of {}", exe.display()))
}

/// The package's test executables, from `cargo test --no-run --message-format=json`.
fn test_targets() -> Result<Vec<Target>, String> {
    let root = repo_root();
    let (target_dir, profile, triple) = build_layout()?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut cmd = Command::new(&cargo);
    cmd.args(["test", "--no-run", "--message-format=json", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    if let Some(t) = &triple {
        cmd.args(["--target", t]);
    }
    cmd.env_remove("CARGO_TARGET_DIR")
        .current_dir(&root)
        .stdin(Stdio::null());
    let shown = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let root_prefix = format!("{}/", root.display());
    let mut targets = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        if !line.contains(r#""reason":"compiler-artifact""#) || !line.contains(r#""executable":""#) {
            continue;
        }
        let Some(target) = line.find(r#""target":{"#).map(|i| &line[i..]) else {
            continue;
        };
        // Test harnesses only (examples are built by `cargo test` too, not as tests).
        let profile = line.find(r#""profile":{"#).map(|i| &line[i..]).unwrap_or("");
        let profile = &profile[..profile.find('}').unwrap_or(profile.len())];
        if !profile.contains(r#""test":true"#) {
            continue;
        }
        let (Some(name), Some(src), Some(exe)) = (
            json_string_after(target, r#""name":"#),
            json_string_after(target, r#""src_path":"#),
            json_string_after(line, r#""executable":"#),
        ) else {
            continue;
        };
        let src = src.strip_prefix(&root_prefix).unwrap_or(&src).to_string();
        targets.push(Target {
            name,
            src,
            exe: PathBuf::from(exe),
        });
    }
    if targets.is_empty() {
        return Err(format!("{shown} listed no test executable"));
    }
    targets.sort_by(|a, b| a.src.cmp(&b.src));
    Ok(targets)
}

enum Outcome {
    Passed,
    Failed(String),
    /// A target or test that cannot run under memcheck at all (listed in `EXCLUDED` /
    /// `SKIPPED` with the reason): reported, not counted as a skip.
    NotApplicable(String),
}

struct RunResult {
    name: String,
    outcome: Outcome,
    details: String,
    duration: Duration,
    errors: usize,
    tests_run: usize,
}

/// The sum of every `ERROR SUMMARY: N errors` in valgrind's output (`None`: none).
fn valgrind_errors(stderr: &str) -> Option<usize> {
    let mut total = None;
    for l in stderr.lines() {
        if let Some((_, rest)) = l.split_once("ERROR SUMMARY: ") {
            let n: usize = rest.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(1);
            *total.get_or_insert(0) += n;
        }
    }
    total
}

/// `N passed` from a libtest `test result:` line.
fn tests_passed(stdout: &str) -> usize {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|rest| rest.split_whitespace().next()?.parse::<usize>().ok())
        .sum()
}

/// Run `cmd` in its own process group with a limit; `(status, stdout, stderr, timed out)`.
fn run_with_limit(
    mut cmd: Command,
    limit: Duration,
) -> Result<(std::process::ExitStatus, String, String, bool), String> {
    let dir = std::env::temp_dir().join(format!("uring-memcheck-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("mkdir {}: {e}", dir.display()))?;
    static SEQ: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (out_path, err_path) = (dir.join(format!("{n}.out")), dir.join(format!("{n}.err")));
    let out_f = std::fs::File::create(&out_path).map_err(|e| e.to_string())?;
    let err_f = std::fs::File::create(&err_path).map_err(|e| e.to_string())?;
    cmd.stdin(Stdio::null()).stdout(out_f).stderr(err_f).process_group(0);
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let pgid = child.id() as libc::pid_t;
    let deadline = Instant::now() + limit;
    let mut timed_out = false;
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if Instant::now() >= deadline {
            // SIGKILL: valgrind holds SIGTERM while its thread sits in a system call.
            // SAFETY: kill(2) on the process group the child leads; no memory involved.
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
            timed_out = true;
            break child.wait().map_err(|e| e.to_string())?;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    let _ = std::fs::remove_dir(&dir);
    Ok((status, stdout, stderr, timed_out))
}

fn limit() -> Duration {
    Duration::from_secs(
        std::env::var("URING_MEMCHECK_TIMEOUT")
            .ok()
            .and_then(|v| v.parse().ok())
            .filter(|&s: &u64| s > 0)
            .unwrap_or(DEFAULT_TIMEOUT_SECS),
    )
}

include!("support/prerequisites.rs");

/// One test binary under memcheck, with the skips of [`SKIPPED`].
fn run_target(t: &Target) -> RunResult {
    let start = Instant::now();
    let name = format!("{} [valgrind memcheck]", t.src);
    let result = |outcome, details, errors, tests_run| RunResult {
        name: name.clone(),
        outcome,
        details,
        duration: start.elapsed(),
        errors,
        tests_run,
    };
    let mut cmd = valgrind();
    cmd.arg(&t.exe).args(["--test-threads=1", "--exact"]);
    for (target, test, _) in SKIPPED {
        if *target == t.name {
            cmd.args(["--skip", test]);
        }
    }
    cmd.current_dir(repo_root());
    let (status, stdout, stderr, timed_out) = match run_with_limit(cmd, limit()) {
        Ok(r) => r,
        Err(e) => return result(Outcome::Failed(e), String::new(), 0, 0),
    };
    let details = format!("---- stdout ----\n{stdout}---- stderr ----\n{stderr}");
    let errors = valgrind_errors(&stderr);
    let tests_run = tests_passed(&stdout);
    let outcome = if timed_out {
        Outcome::Failed(format!("timed out after {} s, killed", limit().as_secs()))
    } else if errors.unwrap_or(0) > 0 || status.code() == Some(VALGRIND_ERROR_EXIT) {
        Outcome::Failed(format!("memcheck reported {} errors", errors.unwrap_or(0)))
    } else if errors.is_none() {
        Outcome::Failed(format!("valgrind printed no ERROR SUMMARY ({status})"))
    } else if !status.success() {
        Outcome::Failed(match status.signal() {
            Some(sig) => format!("killed by signal {sig}"),
            None => format!("the tests failed ({status})"),
        })
    } else if !stdout.contains("test result: ok") {
        Outcome::Failed("no `test result: ok` line".into())
    } else {
        Outcome::Passed
    };
    result(outcome, details, errors.unwrap_or(0), tests_run)
}

/// This binary under the same valgrind command, leaking a probe our library allocated:
/// passes only if memcheck reports it.
fn self_check() -> RunResult {
    let start = Instant::now();
    let mut cmd = valgrind();
    cmd.arg(std::env::current_exe().expect("current_exe"))
        .env(SELF_CHECK_ENV, "1");
    let (outcome, details) = match run_with_limit(cmd, limit()) {
        Err(e) => (Outcome::Failed(e), String::new()),
        Ok((status, stdout, stderr, timed_out)) => {
            let details = format!("---- stdout ----\n{stdout}---- stderr ----\n{stderr}");
            let lost = stderr.contains("definitely lost in loss record");
            let outcome = if timed_out {
                Outcome::Failed("timed out".into())
            } else if !stdout.contains("probe lost") {
                Outcome::Failed("the planted leak did not run".into())
            } else if status.code() == Some(VALGRIND_ERROR_EXIT) && valgrind_errors(&stderr).unwrap_or(0) > 0 && lost {
                Outcome::Passed
            } else {
                Outcome::Failed(format!("the planted leak was not reported ({status})"))
            };
            (outcome, details)
        }
    };
    RunResult {
        name: "self-check: a leaked probe is reported [valgrind memcheck]".into(),
        outcome,
        details,
        duration: start.elapsed(),
        errors: 0,
        tests_run: 0,
    }
}

// The library's C exports, for the self-check's planted leak (named so that the rlib,
// which holds them, is linked in).
extern crate uring;

// The C exports, declared from api/functions.toml (see tests/generated/).
include!("generated/capi.rs");

/// The planted leak of [`self_check`], in a function of its own so that no copy of the
/// pointer stays in `main`'s frame.
#[inline(never)]
fn lose_a_probe() -> bool {
    // SAFETY: C-CONTRACT: io_uring_get_probe takes no argument and returns a heap probe
    // or NULL; not freeing it is the point.
    let probe = unsafe { io_uring_get_probe() };
    !probe.is_null()
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
            let val = if WITH_VALUE.contains(&key.as_str()) && inline_val.is_none() {
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
                _ => {}
            }
        } else if arg == "-Z" {
            args.next();
        } else if !arg.starts_with('-') {
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
        !self.skips.iter().any(hit) && (self.filters.is_empty() || self.filters.iter().any(hit))
    }
}

fn print_line(r: &RunResult, show_output: bool) {
    let mut so = std::io::stdout().lock();
    let _ = match &r.outcome {
        Outcome::Passed => writeln!(so, "test {} ... ok", r.name),
        Outcome::Failed(why) => writeln!(so, "test {} ... FAILED ({why})", r.name),
        Outcome::NotApplicable(why) => writeln!(so, "test {} ... not applicable: {why}", r.name),
    };
    if show_output && !r.details.is_empty() {
        let _ = write!(so, "{}", r.details);
    }
    let _ = so.flush();
}

fn main() -> ExitCode {
    if std::env::var_os(SELF_CHECK_ENV).is_some() {
        let lost = lose_a_probe();
        println!(
            "{}",
            if lost {
                "probe lost"
            } else {
                "io_uring_get_probe returned NULL"
            }
        );
        return ExitCode::SUCCESS;
    }
    let opts = parse_args();
    let started = Instant::now();

    let targets = match test_targets() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot list the test binaries: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Every exclusion must name a target that exists, every skip a test that exists.
    let mut stale = Vec::new();
    for (name, _) in EXCLUDED {
        if !targets.iter().any(|t| t.name == *name) {
            stale.push(format!("EXCLUDED names {name}, which is not a test target"));
        }
    }
    for (target, test, _) in SKIPPED {
        match targets.iter().find(|t| t.name == *target) {
            None => stale.push(format!("SKIPPED names target {target}, which does not exist")),
            Some(t) => {
                let listed = Command::new(&t.exe).args(["--list", "--format", "terse"]).output();
                let found = listed.is_ok_and(|o| {
                    String::from_utf8_lossy(&o.stdout)
                        .lines()
                        .any(|l| l == format!("{test}: test"))
                });
                if !found {
                    stale.push(format!(
                        "SKIPPED names {target}::{test}, which `{} --list` does not list",
                        t.src
                    ));
                }
            }
        }
    }
    if !stale.is_empty() {
        for s in &stale {
            eprintln!("error: {s}");
        }
        return ExitCode::FAILURE;
    }

    let excluded = |t: &Target| EXCLUDED.iter().find(|(n, _)| *n == t.name).map(|(_, why)| *why);
    let selected: Vec<&Target> = targets.iter().filter(|t| opts.selects(&t.src)).collect();
    if opts.list {
        for t in &selected {
            println!("{} [valgrind memcheck]: test", t.src);
        }
        return ExitCode::SUCCESS;
    }

    let single_skips = SKIPPED
        .iter()
        .filter(|(target, _, _)| selected.iter().any(|t| t.name == *target))
        .count();
    println!();
    println!("running {} tests", 1 + selected.len() + single_skips);
    let have_valgrind = Command::new("valgrind")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_valgrind {
        // .ci/run installs valgrind; a developer machine may lack it.
        if prerequisites_required() {
            println!("test self-check [valgrind memcheck] ... FAILED: valgrind is not installed and CI is set");
            println!("\ntest result: FAILED. 0 passed; 1 failed; 0 skipped\n");
            return ExitCode::FAILURE;
        }
        println!(
            "test self-check [valgrind memcheck] ... skipped: valgrind is not installed (apt-get install valgrind)"
        );
        println!(
            "\ntest result: ok. 0 passed; 0 failed; {} skipped\n",
            1 + selected.len() + single_skips
        );
        return ExitCode::SUCCESS;
    }

    let mut results = Vec::new();
    let check = self_check();
    print_line(&check, opts.show_output);
    results.push(check);
    for t in &selected {
        if let Some(why) = excluded(t) {
            let r = RunResult {
                name: format!("{} [valgrind memcheck]", t.src),
                outcome: Outcome::NotApplicable(why.into()),
                details: String::new(),
                duration: Duration::ZERO,
                errors: 0,
                tests_run: 0,
            };
            print_line(&r, false);
            results.push(r);
        }
        for (target, test, why) in SKIPPED {
            if *target == t.name && excluded(t).is_none() {
                let r = RunResult {
                    name: format!("{}::{test} [valgrind memcheck]", t.src),
                    outcome: Outcome::NotApplicable((*why).into()),
                    details: String::new(),
                    duration: Duration::ZERO,
                    errors: 0,
                    tests_run: 0,
                };
                print_line(&r, false);
                results.push(r);
            }
        }
    }

    let queue: Mutex<VecDeque<&Target>> =
        Mutex::new(selected.iter().copied().filter(|t| excluded(t).is_none()).collect());
    let done = Mutex::new(Vec::new());
    let workers = opts.threads.unwrap_or(2);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some(t) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let r = run_target(t);
                print_line(&r, opts.show_output);
                done.lock().unwrap().push(r);
            });
        }
    });
    results.extend(done.into_inner().unwrap());

    let mut failed = Vec::new();
    // Nothing is skipped here: without valgrind the runner stops earlier, saying so.
    let (mut passed, skipped, mut not_applicable) = (0, 0, 0);
    for r in &results {
        match &r.outcome {
            Outcome::Passed => passed += 1,
            Outcome::NotApplicable(_) => not_applicable += 1,
            Outcome::Failed(why) => failed.push((r, why)),
        }
    }
    if !failed.is_empty() {
        println!("\nfailures:");
        for (r, why) in &failed {
            println!(
                "\n==== {} ({why}, {:.1}s) ====\n{}",
                r.name,
                r.duration.as_secs_f64(),
                r.details
            );
        }
        println!("\nfailures:");
        for (r, _) in &failed {
            println!("    {}", r.name);
        }
    }
    let ran: Vec<&RunResult> = results.iter().filter(|r| r.tests_run > 0).collect();
    eprintln!(
        "(memcheck: {} binaries, {} tests under memcheck, {} tests not applicable, {} errors; {:.1}s of run time, {:.1}s wall)",
        ran.len(),
        ran.iter().map(|r| r.tests_run).sum::<usize>(),
        single_skips,
        results.iter().map(|r| r.errors).sum::<usize>(),
        results.iter().map(|r| r.duration.as_secs_f64()).sum::<f64>(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "\ntest result: {}. {passed} passed; {} failed; {skipped} skipped; {not_applicable} not applicable\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
