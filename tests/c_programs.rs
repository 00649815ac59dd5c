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
//! Every program is run three ways, each its own test line:
//! - `c-tests/nop.c`: as built above;
//! - `c-tests/nop.c [asan+ubsan]`: built with
//!   `-fsanitize=address,undefined -fno-sanitize-recover=undefined
//!   -fno-omit-frame-pointer` (LeakSanitizer on): any sanitizer report fails
//!   the test, whatever the exit status;
//! - `c-tests/nop.c [valgrind memcheck]`: the plain binary under valgrind
//!   memcheck (`--leak-check=full`, definite and indirect leaks are errors),
//!   with the reduced sizes of its `c-test-memcheck:` marker; any error in
//!   any process of the run (`ERROR SUMMARY` not 0) fails the test.
//!
//! Arguments: positional filters (substring match on the test name, e.g.
//! `cargo test --test c_programs -- nop`, or `-- asan` for the sanitizer
//! runs only), `--exact`, `--skip FILTER`, `--list`, `--ignored` (there are
//! none), `--test-threads N`, `--nocapture` / `--show-output` (print every
//! program's output), `--report-time` (each test's duration).  Other libtest
//! flags are accepted and ignored.
//!
//! Environment:
//! - `URING_C_TESTS_VALGRIND=TOOL` (`memcheck`, `helgrind` or `drd`): the
//!   long run: every program only under that tool, at the sizes it uses
//!   outside valgrind (the reduced-size markers are ignored; a
//!   `c-test-valgrind-full:` marker may still set what valgrind cannot run,
//!   such as a deadline), with 20 times the time limit.
//! - `URING_C_TESTS_ASAN=1`: the long sanitizer run: every program only as
//!   its `[asan+ubsan]` build, at full size (`c-test-asan-full:` markers),
//!   with 4 times the time limit.
//! - `URING_C_TESTS_DIR` (default `<repo>/c-tests`) and
//!   `URING_C_TEST_TIMEOUT` (seconds, default 60), for testing the runner
//!   itself.
//!
//! Per-program settings, read from marker lines in a program's source
//! (`main.c` for a two-file program), usually inside its opening comment:
//! - `c-test-timeout: SECS` gives that program a longer limit than the
//!   default (the larger of the two wins).
//! - `c-test-memcheck: KEY=VALUE...` is the environment of its memcheck run
//!   in `cargo test`: smaller sizes (memcheck runs 20 to 50 times slower).
//! - `c-test-asan: KEY=VALUE...`: the same for the sanitizer run.
//! - `c-test-asan-options: OPT=V[:OPT=V...]`: added to the runner's
//!   `ASAN_OPTIONS` in every sanitizer run of the program.
//! - `c-test-no-memcheck: REASON` / `c-test-no-asan: REASON`: the program
//!   cannot run that way; the variant is reported as skipped with REASON.
//! - `c-test-valgrind: TOOL[,TOOL...] [KEY=VALUE...]` also runs the program
//!   under each valgrind tool (`helgrind`, `drd`; `memcheck` here is the same
//!   as a `c-test-memcheck:` marker), as extra tests named
//!   `<program> [valgrind TOOL]`, with the given environment (e.g. a smaller
//!   operation count).
//! - `c-test-valgrind-full: KEY=VALUE...` / `c-test-asan-full: KEY=VALUE...`:
//!   environment for the long valgrind / sanitizer run (see below).
//!
//! Self-checks: each `c-tests/self-check/*.c` program has an error planted in
//! it and a `c-test-self-check: asan,memcheck` marker naming the runs that
//! must report it.  Those runs (and no others) are tests that pass only when
//! the tool does report, so a sanitizer or memcheck step that silently stopped
//! checking fails.
//!
//! Valgrind and sanitizer variants are skipped (with the reason) when
//! valgrind or the sanitizer runtimes are not installed.
use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

#[path = "support/c_build.rs"]
mod c_build;

const DEFAULT_TIMEOUT_SECS: u64 = 60;
const DEFAULT_PARALLEL: usize = 2;
/// In the long valgrind run (`URING_C_TESTS_VALGRIND`) every limit is this many times
/// the normal one: programs run at full size, 20 to 50 times slower.
const FULL_VALGRIND_TIMEOUT_FACTOR: u64 = 20;
/// The same for the long sanitizer run (`URING_C_TESTS_ASAN`): about 2 to 3 times slower.
const FULL_ASAN_TIMEOUT_FACTOR: u64 = 4;

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

/// How a program is built and run.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Variant {
    /// Built normally, run directly.
    Plain,
    /// Built with AddressSanitizer, LeakSanitizer and UndefinedBehaviorSanitizer.
    Sanitized,
    /// The plain binary under this valgrind tool.
    Valgrind(String),
}

impl Variant {
    /// The suffix of the test name: `""`, `" [asan+ubsan]"`, `" [valgrind memcheck]"`.
    fn suffix(&self) -> String {
        match self {
            Variant::Plain => String::new(),
            Variant::Sanitized => " [asan+ubsan]".into(),
            Variant::Valgrind(tool) => format!(" [valgrind {tool}]"),
        }
    }

    /// A short label for the summary.
    fn label(&self) -> String {
        match self {
            Variant::Plain => "plain".into(),
            Variant::Sanitized => "asan+ubsan".into(),
            Variant::Valgrind(tool) => format!("valgrind {tool}"),
        }
    }
}

struct TestProgram {
    /// Display name, e.g. `c-tests/nop.c` or `c-tests/nop.c [asan+ubsan]`.
    name: String,
    /// The program's name without the variant, e.g. `c-tests/nop.c`.
    program: String,
    src: PathBuf,
    kind: Kind,
    /// From a `c-test-timeout:` marker.
    timeout_secs: Option<u64>,
    variant: Variant,
    /// Extra environment for the run.
    env: EnvVars,
    /// From a `c-test-no-asan:` / `c-test-no-memcheck:` marker: why this variant cannot
    /// run; it is reported as skipped with this reason.
    excluded: Option<String>,
    /// From a `c-test-asan-options:` marker.
    asan_options: Option<String>,
    /// A self-check (`c-tests/self-check/`): passes only if the tool reports the
    /// error planted in the program.
    expect_reports: bool,
}

/// Environment variables for one run.
type EnvVars = Vec<(String, String)>;

/// The marker lines of one program (see the module documentation).
#[derive(Default)]
struct Markers {
    timeout: Option<u64>,
    /// `c-test-valgrind:` tools, each with its environment.
    valgrind: Vec<(String, EnvVars)>,
    /// `c-test-memcheck:`
    memcheck_env: Option<EnvVars>,
    /// `c-test-asan:`
    asan_env: EnvVars,
    /// `c-test-valgrind-full:`
    valgrind_full_env: EnvVars,
    /// `c-test-asan-full:`
    asan_full_env: EnvVars,
    /// `c-test-asan-options:`
    asan_options: Option<String>,
    /// `c-test-self-check:` the variants (`asan`, `memcheck`) that must report.
    self_check: Vec<String>,
    /// `c-test-no-asan:`
    no_asan: Option<String>,
    /// `c-test-no-memcheck:`
    no_memcheck: Option<String>,
}

fn env_words(rest: &str) -> EnvVars {
    rest.split_whitespace()
        .filter_map(|w| w.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A marker's free text: the rest of the line, without a closing `*/`.
fn marker_reason(rest: &str) -> String {
    let r = rest.trim();
    r.strip_suffix("*/").unwrap_or(r).trim().to_string()
}

fn read_markers(src: &Path) -> Markers {
    let text = fs::read_to_string(src).unwrap_or_default();
    let mut m = Markers::default();
    for line in text.lines() {
        if let Some((_, rest)) = line.split_once("c-test-timeout:") {
            m.timeout = rest.split_whitespace().next().and_then(|v| v.parse().ok());
        }
        if let Some((_, rest)) = line.split_once("c-test-valgrind:") {
            let tools = rest.split_whitespace().next().unwrap_or("");
            let env = env_words(rest);
            for tool in tools.split(',').filter(|t| !t.is_empty()) {
                m.valgrind.push((tool.to_string(), env.clone()));
            }
        }
        if let Some((_, rest)) = line.split_once("c-test-valgrind-full:") {
            m.valgrind_full_env = env_words(rest);
        }
        if let Some((_, rest)) = line.split_once("c-test-self-check:") {
            let list = rest.split_whitespace().next().unwrap_or("");
            m.self_check = list.split(',').filter(|v| !v.is_empty()).map(str::to_string).collect();
        }
        if let Some((_, rest)) = line.split_once("c-test-asan-options:") {
            m.asan_options = rest.split_whitespace().next().map(str::to_string);
        }
        if let Some((_, rest)) = line.split_once("c-test-asan-full:") {
            m.asan_full_env = env_words(rest);
        }
        if let Some((_, rest)) = line.split_once("c-test-memcheck:") {
            m.memcheck_env = Some(env_words(rest));
        }
        if let Some((_, rest)) = line.split_once("c-test-asan:") {
            m.asan_env = env_words(rest);
        }
        if let Some((_, rest)) = line.split_once("c-test-no-asan:") {
            m.no_asan = Some(marker_reason(rest));
        }
        if let Some((_, rest)) = line.split_once("c-test-no-memcheck:") {
            m.no_memcheck = Some(marker_reason(rest));
        }
    }
    if m.memcheck_env.is_none() {
        m.memcheck_env = m
            .valgrind
            .iter()
            .find(|(tool, _)| tool == "memcheck")
            .map(|(_, env)| env.clone());
    }
    m
}

/// What a run of the runner does.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Mode {
    /// `cargo test`: every program plain, with sanitizers and under memcheck (reduced
    /// sizes), and under the tools its `c-test-valgrind:` marker names.
    Normal,
    /// `URING_C_TESTS_VALGRIND=TOOL`: every program under TOOL only, full size.
    FullValgrind(String),
    /// `URING_C_TESTS_ASAN=1`: every program with sanitizers only, full size.
    FullAsan,
}

impl Mode {
    fn from_env() -> Result<Mode, String> {
        let valgrind = std::env::var("URING_C_TESTS_VALGRIND").unwrap_or_default();
        let asan = std::env::var("URING_C_TESTS_ASAN").unwrap_or_default();
        match (valgrind.as_str(), asan.as_str()) {
            ("", "" | "0") => Ok(Mode::Normal),
            ("", _) => Ok(Mode::FullAsan),
            (tool @ ("memcheck" | "helgrind" | "drd"), "" | "0") => Ok(Mode::FullValgrind(tool.into())),
            (tool, "" | "0") => Err(format!(
                "URING_C_TESTS_VALGRIND={tool}: expected memcheck, helgrind or drd"
            )),
            _ => Err("URING_C_TESTS_VALGRIND and URING_C_TESTS_ASAN are two separate runs: set one".into()),
        }
    }

    /// The long runs multiply every time limit.
    fn timeout_factor(&self) -> u64 {
        match self {
            Mode::Normal => 1,
            Mode::FullValgrind(_) => FULL_VALGRIND_TIMEOUT_FACTOR,
            Mode::FullAsan => FULL_ASAN_TIMEOUT_FACTOR,
        }
    }
}

/// The variants of one program, each with its environment and exclusion.
fn variants(m: &Markers, mode: &Mode) -> Vec<(Variant, EnvVars, Option<String>)> {
    match mode {
        Mode::Normal => {}
        Mode::FullValgrind(tool) => {
            let excluded = if tool == "memcheck" {
                m.no_memcheck.clone()
            } else {
                None
            };
            return vec![(Variant::Valgrind(tool.clone()), m.valgrind_full_env.clone(), excluded)];
        }
        Mode::FullAsan => return vec![(Variant::Sanitized, m.asan_full_env.clone(), m.no_asan.clone())],
    }
    let mut out = vec![
        (Variant::Plain, Vec::new(), None),
        (Variant::Sanitized, m.asan_env.clone(), m.no_asan.clone()),
        (
            Variant::Valgrind("memcheck".into()),
            m.memcheck_env.clone().unwrap_or_default(),
            m.no_memcheck.clone(),
        ),
    ];
    for (tool, env) in &m.valgrind {
        if tool != "memcheck" {
            out.push((Variant::Valgrind(tool.clone()), env.clone(), None));
        }
    }
    out
}

enum Outcome {
    Passed,
    Failed(String),
    /// The machine lacks what the run needs (a toolchain, a kernel feature).
    Skipped(String),
    /// The run cannot exist at all (a `c-test-no-*:` marker: e.g. a program valgrind
    /// cannot run); listed with its reason, not counted as a skip.
    NotApplicable(String),
}

struct TestResult {
    name: String,
    variant: Variant,
    outcome: Outcome,
    /// Compiler output, stdout and stderr of the program, for reports.
    details: String,
    duration: Duration,
    /// Sanitizer reports or valgrind errors found in the output (0 for plain runs).
    reports: usize,
    /// A self-check: `reports` are the planted errors.
    self_check: bool,
}

#[derive(Default)]
struct Options {
    filters: Vec<String>,
    skips: Vec<String>,
    exact: bool,
    list: bool,
    ignored_only: bool,
    show_output: bool,
    report_time: bool,
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
                "--report-time" => o.report_time = true,
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

fn discover(root: &Path, mode: &Mode) -> Vec<TestProgram> {
    let mut programs: Vec<(String, PathBuf, Kind, Markers)> = Vec::new();
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
            let markers = read_markers(&src);
            programs.push((format!("{prefix}{n}"), src, kind, markers));
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
        let src = dir.join(&d);
        let markers = read_markers(&src.join("main.c"));
        programs.push((format!("c-tests/{d}/"), src, Kind::Differential, markers));
    }

    // The self-checks: programs with a planted error that a tool must report.
    let mut planted: Vec<(String, PathBuf, Kind, Markers)> = Vec::new();
    scan_into(&dir.join("self-check"), "c-tests/self-check/", &mut planted);

    let mut out = Vec::new();
    for (program, src, kind, markers) in programs {
        for (variant, env, excluded) in variants(&markers, mode) {
            out.push(TestProgram {
                name: format!("{program}{}", variant.suffix()),
                program: program.clone(),
                src: src.clone(),
                kind,
                timeout_secs: markers.timeout,
                variant,
                env,
                excluded,
                asan_options: markers.asan_options.clone(),
                expect_reports: false,
            });
        }
    }
    for (program, src, kind, markers) in planted {
        for (variant, env, excluded) in variants(&markers, mode) {
            let wanted = match &variant {
                Variant::Sanitized => "asan",
                Variant::Valgrind(tool) => tool.as_str(),
                Variant::Plain => continue,
            };
            if !markers.self_check.iter().any(|v| v == wanted) {
                continue;
            }
            out.push(TestProgram {
                name: format!("{program}{}", variant.suffix()),
                program: program.clone(),
                src: src.clone(),
                kind,
                timeout_secs: markers.timeout,
                variant,
                env,
                excluded,
                asan_options: markers.asan_options.clone(),
                expect_reports: true,
            });
        }
    }
    out
}

/// The `*.c` programs of `dir` (not recursive), sorted.
fn scan_into(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf, Kind, Markers)>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".c"))
        .collect();
    names.sort();
    for n in names {
        let src = dir.join(&n);
        let markers = read_markers(&src);
        out.push((format!("{prefix}{n}"), src, Kind::C, markers));
    }
}

/// Build the shared library with cargo; returns the path of liburing.so.
fn build_library(_root: &Path) -> Result<PathBuf, String> {
    eprintln!("building liburing.so: cargo build --release --lib -p liburing --target-dir target/c-abi");
    Ok(c_build::build_c_library()?.join("liburing.so"))
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

include!("support/prerequisites.rs");

/// A system package the test needs is missing: a skip on a developer machine, a failure
/// in CI (see tests/support/prerequisites.rs).
fn missing_package(why: &str) -> Outcome {
    if prerequisites_required() {
        Outcome::Failed(format!(
            "{why} (CI is set: a missing prerequisite fails; .ci/run installs it)"
        ))
    } else {
        Outcome::Skipped(why.to_string())
    }
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
/// Exit status the sanitizers are told to use when they report.
const SANITIZER_ERROR_EXIT: i32 = 98;

/// Compiler flags of the sanitizer builds: every UB check is fatal, frame pointers for
/// the reports' stacks.
const SANITIZER_FLAGS: &[&str] = &[
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=undefined",
    "-fno-omit-frame-pointer",
];

/// Runtime options of the sanitizer runs. LeakSanitizer is on (x86-64 default, made
/// explicit); a report ends the program with SANITIZER_ERROR_EXIT.
const ASAN_OPTIONS: &str = "detect_leaks=1:halt_on_error=1:abort_on_error=0:exitcode=98:\
                            strict_string_checks=1:detect_stack_use_after_return=1:\
                            check_initialization_order=1";
const UBSAN_OPTIONS: &str = "print_stacktrace=1:halt_on_error=1:exitcode=98";

/// Tool-specific valgrind options.
fn valgrind_tool_args(tool: &str) -> &'static [&'static str] {
    match tool {
        "memcheck" => &[
            "--leak-check=full",
            "--show-leak-kinds=definite,indirect",
            "--errors-for-leak-kinds=definite,indirect",
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

/// Why sanitizer builds cannot run here, if they cannot: a trivial program must
/// compile, link and run with the sanitizer flags.
fn sanitizers_missing(outdir: &Path) -> Option<String> {
    let src = outdir.join(format!(".sanitizer-probe.{}.c", std::process::id()));
    let bin = outdir.join(format!(".sanitizer-probe.{}", std::process::id()));
    if let Err(e) = fs::write(&src, "int main(void) { return 0; }\n") {
        return Some(format!("cannot write {}: {e}", src.display()));
    }
    let out = Command::new(c_compiler())
        .args(SANITIZER_FLAGS)
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .stdin(Stdio::null())
        .output();
    let _ = fs::remove_file(&src);
    let why = match out {
        Err(e) => Some(format!("cannot run the C compiler ({e})")),
        Ok(o) if !o.status.success() => Some(format!(
            "the C compiler cannot build with {} (install libasan8 and libubsan1): {}",
            SANITIZER_FLAGS[0],
            String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("")
        )),
        Ok(_) => match Command::new(&bin)
            .env("ASAN_OPTIONS", ASAN_OPTIONS)
            .env("UBSAN_OPTIONS", UBSAN_OPTIONS)
            .stdin(Stdio::null())
            .output()
        {
            Ok(o) if o.status.success() => None,
            Ok(o) => Some(format!(
                "a sanitizer build cannot run here ({}): {}",
                o.status,
                String::from_utf8_lossy(&o.stderr).lines().next().unwrap_or("")
            )),
            Err(e) => Some(format!("a sanitizer build cannot run here ({e})")),
        },
    };
    let _ = fs::remove_file(&bin);
    why
}

/// Sanitizer reports in a run's stderr (every process of the run writes there).
fn count_sanitizer_reports(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|l| {
            l.contains("ERROR: AddressSanitizer")
                || l.contains("ERROR: LeakSanitizer")
                || l.contains(": runtime error: ")
        })
        .count()
}

/// Valgrind errors in a run's stderr: the sum of every process's `ERROR SUMMARY`
/// (forked children have their own). `None` when no process printed a summary.
fn count_valgrind_errors(stderr: &str) -> Option<usize> {
    let mut total = None;
    for l in stderr.lines() {
        if let Some((_, rest)) = l.split_once("ERROR SUMMARY: ") {
            let n: usize = rest.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(1);
            *total.get_or_insert(0) += n;
        }
    }
    total
}

struct Env {
    root: PathBuf,
    so: PathBuf,
    libdir: PathBuf,
    outdir: PathBuf,
    debian_missing: Option<String>,
    valgrind_missing: Option<String>,
    sanitizers_missing: Option<String>,
    /// `tests/memcheck.supp`, if it exists.
    suppressions: Option<PathBuf>,
    /// Binaries by output path: the plain binary is shared by the plain run and the
    /// valgrind runs, and built once by whichever needs it first.
    built: Mutex<HashMap<PathBuf, Arc<BuildCell>>>,
}

/// A binary built once: its path, or the compiler's complaint.
type BuildCell = OnceLock<Result<PathBuf, String>>;

/// The binary of a test, built on first use (plain and valgrind variants share one).
fn binary(env: &Env, t: &TestProgram) -> Result<PathBuf, String> {
    let bin = binary_path(env, t);
    let cell = env.built.lock().unwrap().entry(bin.clone()).or_default().clone();
    cell.get_or_init(|| compile(env, t, &bin)).clone()
}

/// `target/c-abi/tests/<name>`, `<name>.asan` for the sanitizer build.
fn binary_path(env: &Env, t: &TestProgram) -> PathBuf {
    let name = t.program.strip_prefix("c-tests/").unwrap_or(&t.program);
    let mut rel = match t.kind {
        Kind::Differential => format!("{}/main", name.trim_end_matches('/')),
        _ => name.rsplit_once('.').map(|(stem, _)| stem.to_string()).unwrap(),
    };
    if t.variant == Variant::Sanitized {
        rel.push_str(".asan");
    }
    env.outdir.join(rel)
}

/// Compile one program into `bin`; Ok(bin) or Err(compiler output).
fn compile(env: &Env, t: &TestProgram, bin: &Path) -> Result<PathBuf, String> {
    let name = t.program.strip_prefix("c-tests/").unwrap_or(&t.program);
    let sanitize: &[&str] = if t.variant == Variant::Sanitized {
        SANITIZER_FLAGS
    } else {
        &[]
    };
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
    cmd.args(sanitize);
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
            refc.args(sanitize);
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
    fs::rename(&tmp, bin).map_err(|e| format!("rename {}: {e}", bin.display()))?;
    Ok(bin.to_path_buf())
}

fn timeout(t: &TestProgram, mode: &Mode) -> Duration {
    let secs = std::env::var("URING_C_TEST_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&s: &u64| s > 0)
        .unwrap_or(DEFAULT_TIMEOUT_SECS);
    Duration::from_secs(secs.max(t.timeout_secs.unwrap_or(0)) * mode.timeout_factor())
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

fn run_one(env: &Env, t: &TestProgram, mode: &Mode) -> TestResult {
    let start = Instant::now();
    let result = |outcome, details, reports| TestResult {
        name: t.name.clone(),
        variant: t.variant.clone(),
        outcome,
        details,
        duration: start.elapsed(),
        reports,
        self_check: t.expect_reports,
    };

    if let Some(why) = &t.excluded {
        return result(Outcome::NotApplicable(why.clone()), String::new(), 0);
    }
    if matches!(t.kind, Kind::DebianAbi | Kind::Differential) {
        if let Some(why) = &env.debian_missing {
            return result(missing_package(why), String::new(), 0);
        }
    }
    match &t.variant {
        Variant::Plain => {}
        Variant::Sanitized => {
            // The runtime may be present but unusable here (no ASan under some
            // sandboxes): a skip, never a missing package.
            if let Some(why) = &env.sanitizers_missing {
                return result(Outcome::Skipped(why.clone()), String::new(), 0);
            }
        }
        Variant::Valgrind(_) => {
            if let Some(why) = &env.valgrind_missing {
                return result(missing_package(why), String::new(), 0);
            }
        }
    }
    let bin = match binary(env, t) {
        Ok(b) => b,
        Err(msg) => return result(Outcome::Failed("compile error".into()), msg, 0),
    };

    // Output files of their own: variants sharing a binary may run at the same time.
    let stem = format!(
        "{}{}",
        bin.file_name().unwrap().to_string_lossy(),
        match &t.variant {
            Variant::Valgrind(tool) => format!(".vg-{tool}"),
            _ => String::new(),
        }
    );
    let out_path = bin.with_file_name(format!("{stem}.stdout"));
    let err_path = bin.with_file_name(format!("{stem}.stderr"));
    let (Ok(out_f), Ok(err_f)) = (fs::File::create(&out_path), fs::File::create(&err_path)) else {
        return result(
            Outcome::Failed("cannot create output files".into()),
            format!("{} / {}", out_path.display(), err_path.display()),
            0,
        );
    };

    let mut cmd = match &t.variant {
        Variant::Plain | Variant::Sanitized => Command::new(&bin),
        Variant::Valgrind(tool) => {
            let mut c = Command::new("valgrind");
            c.arg(format!("--tool={tool}"))
                .arg(format!("--error-exitcode={VALGRIND_ERROR_EXIT}"))
                .args(valgrind_tool_args(tool));
            if let Some(supp) = &env.suppressions {
                c.arg(format!("--suppressions={}", supp.display()));
            }
            c.arg(&bin);
            c
        }
    };
    if t.variant == Variant::Sanitized {
        // The program's own options come after ours (later ones win).
        let asan = match &t.asan_options {
            Some(more) => format!("{ASAN_OPTIONS}:{more}"),
            None => ASAN_OPTIONS.to_string(),
        };
        cmd.env("ASAN_OPTIONS", asan).env("UBSAN_OPTIONS", UBSAN_OPTIONS);
    }
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
                0,
            )
        }
    };
    let pid = child.id();
    let limit = timeout(t, mode);
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

    let (reports, summaries) = match &t.variant {
        Variant::Plain => (0, true),
        Variant::Sanitized => (count_sanitizer_reports(&stderr), true),
        Variant::Valgrind(_) => match count_valgrind_errors(&stderr) {
            Some(n) => (n, true),
            None => (0, false),
        },
    };

    use std::os::unix::process::ExitStatusExt;
    let outcome = if timed_out {
        Outcome::Failed(format!("timed out after {} s, killed", limit.as_secs()))
    } else if t.expect_reports {
        if reports > 0 {
            Outcome::Passed
        } else {
            Outcome::Failed(format!(
                "the planted error was not reported ({})",
                status.map_or("no status".into(), |s| s.to_string())
            ))
        }
    } else if reports > 0 {
        Outcome::Failed(match &t.variant {
            Variant::Valgrind(tool) => format!("valgrind {tool} reported {reports} errors"),
            _ => format!("{reports} sanitizer reports"),
        })
    } else {
        match status {
            None => Outcome::Failed("could not wait for the program".into()),
            Some(st) => match (st.code(), st.signal()) {
                (Some(0), _) if !summaries => Outcome::Failed("valgrind printed no ERROR SUMMARY".into()),
                (Some(0), _) => Outcome::Passed,
                (Some(77), _) => {
                    let reason = stdout
                        .lines()
                        .find_map(|l| l.strip_prefix("SKIP:"))
                        .map(|r| r.trim().to_string())
                        .unwrap_or_else(|| "(exit 77 without a SKIP: line)".into());
                    Outcome::Skipped(reason)
                }
                (Some(VALGRIND_ERROR_EXIT), _) if matches!(t.variant, Variant::Valgrind(_)) => {
                    Outcome::Failed(format!(
                        "valgrind {} reported errors (exit status {VALGRIND_ERROR_EXIT})",
                        t.variant.label()
                    ))
                }
                (Some(SANITIZER_ERROR_EXIT), _) if t.variant == Variant::Sanitized => Outcome::Failed(format!(
                    "a sanitizer reported an error (exit status {SANITIZER_ERROR_EXIT})"
                )),
                (Some(code), _) => Outcome::Failed(format!("exit status {code}")),
                (None, Some(sig)) => Outcome::Failed(format!("killed by signal {sig}")),
                (None, None) => Outcome::Failed(format!("{st}")),
            },
        }
    };
    result(outcome, details, reports)
}

fn main() -> ExitCode {
    let opts = parse_args();
    // Orphaned grandchildren of the test programs get reparented to us, so
    // that they can be killed and reaped with their test.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    let root = repo_root();
    let mode = match Mode::from_env() {
        Ok(mode) => mode,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::FAILURE;
        }
    };
    let tests: Vec<TestProgram> = discover(&root, &mode)
        .into_iter()
        .filter(|t| opts.selects(&t.name))
        .collect();

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
    let suppressions = root.join("tests/memcheck.supp");
    let env = Env {
        root: root.clone(),
        so,
        libdir,
        debian_missing: debian_missing(),
        valgrind_missing: valgrind_missing(),
        sanitizers_missing: if tests.iter().any(|t| t.variant == Variant::Sanitized) {
            sanitizers_missing(&outdir)
        } else {
            None
        },
        outdir,
        suppressions: suppressions.is_file().then_some(suppressions),
        built: Mutex::new(HashMap::new()),
    };

    let started = Instant::now();
    // The slow runs first (valgrind runs 20 to 50 times slower), so that two workers
    // finish together rather than one waiting for a valgrind run started last.
    let mut order: Vec<usize> = (0..tests.len()).collect();
    order.sort_by_key(|&i| !matches!(tests[i].variant, Variant::Valgrind(_)));
    let queue: Mutex<VecDeque<usize>> = Mutex::new(order.into_iter().collect());
    let results: Mutex<Vec<Option<TestResult>>> = Mutex::new((0..tests.len()).map(|_| None).collect());
    let print_lock = Mutex::new(());
    let workers = opts.threads.unwrap_or(DEFAULT_PARALLEL).min(tests.len()).max(1);

    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let Some(i) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let r = run_one(&env, &tests[i], &mode);
                {
                    let _g = print_lock.lock().unwrap();
                    let mut so = std::io::stdout().lock();
                    let time = if opts.report_time {
                        format!(" <{:.3}s>", r.duration.as_secs_f64())
                    } else {
                        String::new()
                    };
                    let _ = match &r.outcome {
                        Outcome::Passed => writeln!(so, "test {} ... ok{time}", r.name),
                        Outcome::Failed(why) => writeln!(so, "test {} ... FAILED ({why}){time}", r.name),
                        Outcome::Skipped(why) => writeln!(so, "test {} ... skipped: {why}{time}", r.name),
                        Outcome::NotApplicable(why) => writeln!(so, "test {} ... not applicable: {why}", r.name),
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
    let (mut passed, mut failed, mut skipped, mut not_applicable) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for r in &results {
        match &r.outcome {
            Outcome::Passed => passed += 1,
            Outcome::Skipped(_) => skipped += 1,
            Outcome::NotApplicable(_) => not_applicable += 1,
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
        "test result: {}. {passed} passed; {failed} failed; {skipped} skipped; {not_applicable} not applicable",
        if failed == 0 { "ok" } else { "FAILED" }
    );
    // Figures per variant: runs, outcomes, reports found, summed run time.
    let mut labels: Vec<String> = Vec::new();
    for r in results.iter().filter(|r| !r.self_check) {
        if !labels.contains(&r.variant.label()) {
            labels.push(r.variant.label());
        }
    }
    for label in labels {
        let of: Vec<&TestResult> = results
            .iter()
            .filter(|r| !r.self_check && r.variant.label() == label)
            .collect();
        let count = |f: fn(&Outcome) -> bool| of.iter().filter(|r| f(&r.outcome)).count();
        eprintln!(
            "({label}: {} runs, {} passed, {} failed, {} skipped, {} reports, {:.1}s of run time)",
            of.len(),
            count(|o| matches!(o, Outcome::Passed)),
            count(|o| matches!(o, Outcome::Failed(_))),
            count(|o| matches!(o, Outcome::Skipped(_))),
            of.iter().map(|r| r.reports).sum::<usize>(),
            of.iter().map(|r| r.duration.as_secs_f64()).sum::<f64>()
        );
    }
    let checks: Vec<&TestResult> = results.iter().filter(|r| r.self_check).collect();
    if !checks.is_empty() {
        eprintln!(
            "(self-checks: {} runs with a planted error, {} reported)",
            checks.len(),
            checks.iter().filter(|r| matches!(r.outcome, Outcome::Passed)).count()
        );
    }
    eprintln!("(c_programs finished in {:.2}s)", started.elapsed().as_secs_f64());
    println!();
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
