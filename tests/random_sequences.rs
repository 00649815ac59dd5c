//! Randomized API sequences (issue 11): a seeded, replayable generator drives random
//! sequences of calls through the C ABI ([`capi`]) and, smaller, through the safe Rust
//! API ([`rustapi`]), and checks after every sequence that each submitted SQE completed
//! exactly once (IOSQE_CQE_SKIP_SUCCESS, failed links, timeouts and multishot rules
//! accounted for, see [`model`]), that no completion carried an unknown `user_data`,
//! and that nothing crashed or hung; after each batch, that fds, mappings and heap are
//! back where they started.
//!
//! A `harness = false` test: it prints libtest-style lines and exits non-zero on any
//! failure. Every failure prints its seed and sequence number.
//!
//! Environment:
//! * `URING_RANDOM_SEED=S` (decimal or 0x-hex): run only seed `S` (default: a fixed
//!   list plus one seed from the clock, printed).
//! * `URING_RANDOM_SEQS=N`: sequences per seed for the C ABI generator (default 150);
//!   the Rust API generator runs a quarter as many.
//! * `URING_RANDOM_FIRST=K`: start at sequence `K` (to replay one sequence:
//!   `URING_RANDOM_SEED=S URING_RANDOM_FIRST=K URING_RANDOM_SEQS=1`).
//! * `URING_RANDOM_TRACE=1`: print every call (use with a replay).
//! * `URING_RANDOM_TIMEOUT=SECS`: a sequence running longer than this is a hang
//!   (default 10).
//!
//! Long run: `URING_RANDOM_SEQS=100000 cargo test --release --test random_sequences`.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

#[path = "random_sequences/capi.rs"]
mod capi;
#[path = "random_sequences/model.rs"]
mod model;
#[path = "random_sequences/rustapi.rs"]
mod rustapi;

use std::ffi::CString;
use std::fs;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use model::{pattern, DATA_LEN};

include!("support/c_library.rs");

// ---- randomness -----------------------------------------------------------------------

/// xorshift64*, seeded through splitmix64: small, fast, and reproducible everywhere.
pub struct Rng(u64);

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(splitmix(seed) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in `lo..hi` (`hi > lo`).
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo)
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    pub fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
}

/// The seed of sequence `i` of run seed `seed`: each sequence can be replayed alone.
pub fn seq_seed(seed: u64, i: u64) -> u64 {
    splitmix(seed ^ splitmix(i.wrapping_add(0x5eed)))
}

// ---- storage ----------------------------------------------------------------------------

/// A zeroed, 64-byte-aligned heap buffer reached only through its raw pointer (the
/// kernel writes into it while requests are in flight, so no Rust reference may cover
/// it meanwhile). Freed on drop.
pub struct RawBuf {
    pub ptr: *mut u8,
    layout: std::alloc::Layout,
}

impl RawBuf {
    pub fn new(len: usize) -> RawBuf {
        let layout = std::alloc::Layout::from_size_align(len.max(1), 64).expect("layout");
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        assert!(!ptr.is_null(), "out of memory");
        RawBuf { ptr, layout }
    }
}

impl Drop for RawBuf {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout, freed once.
        unsafe { std::alloc::dealloc(self.ptr, self.layout) };
    }
}

// ---- environment -------------------------------------------------------------------------

/// Files shared by all sequences: a read-only data file with known bytes, a scratch
/// file for writes, and paths for openat/statx.
pub struct Env {
    pub dir: PathBuf,
    data: fs::File,
    scratch: fs::File,
    pub data_fd: i32,
    pub scratch_fd: i32,
    pub data_path: CString,
    pub missing_path: CString,
}

impl Env {
    fn new() -> Env {
        let dir = std::env::temp_dir().join(format!("uring-random-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let data_path = dir.join("data");
        let bytes: Vec<u8> = (0..DATA_LEN).map(pattern).collect();
        fs::write(&data_path, &bytes).expect("write data file");
        let data = fs::File::open(&data_path).expect("open data file");
        let scratch = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.join("scratch"))
            .expect("scratch file");
        Env {
            data_fd: data.as_raw_fd(),
            scratch_fd: scratch.as_raw_fd(),
            data,
            scratch,
            data_path: CString::new(data_path.to_str().expect("utf-8 path")).expect("path"),
            missing_path: CString::new(dir.join("missing").to_str().expect("utf-8 path")).expect("path"),
            dir,
        }
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        let _ = (&self.data, &self.scratch);
        let _ = fs::remove_dir_all(&self.dir);
    }
}

// ---- the watchdog -------------------------------------------------------------------------

/// What the running sequence is doing, for the watchdog's hang report.
struct Current {
    what: String,
    started: Option<Instant>,
    last_calls: [&'static str; 16],
    n: usize,
}

static CURRENT: Mutex<Current> = Mutex::new(Current {
    what: String::new(),
    started: None,
    last_calls: [""; 16],
    n: 0,
});
static CALLS: AtomicU64 = AtomicU64::new(0);

/// Record a call (for the hang report and the call count).
pub fn note(name: &'static str) {
    CALLS.fetch_add(1, Ordering::Relaxed);
    let mut c = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    let i = c.n % 16;
    c.last_calls[i] = name;
    c.n += 1;
}

fn begin(what: String) {
    let mut c = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    c.what = what;
    c.started = Some(Instant::now());
    c.n = 0;
}

fn end() {
    CURRENT.lock().unwrap_or_else(|e| e.into_inner()).started = None;
}

/// The running ring's CQ head and tail, for the watchdog's rescue.
static RESCUE_HEAD: AtomicPtr<u32> = AtomicPtr::new(std::ptr::null_mut());
static RESCUE_TAIL: AtomicPtr<u32> = AtomicPtr::new(std::ptr::null_mut());

/// Tell the watchdog where the live ring's CQ head and tail are (NULL: no ring).
pub fn set_rescue(head: *mut u32, tail: *mut u32) {
    RESCUE_HEAD.store(head, Ordering::SeqCst);
    RESCUE_TAIL.store(tail, Ordering::SeqCst);
}

/// Before giving up on a hung sequence, consume every posted CQE on the thread's
/// behalf: a wait stuck in the kernel (Linux 6.18 can spin in io_cqring_wait without
/// ever checking for signals) then sees progress and returns, so the process can exit
/// instead of staying unkillable.
fn rescue() {
    let head = RESCUE_HEAD.load(Ordering::SeqCst);
    let tail = RESCUE_TAIL.load(Ordering::SeqCst);
    if head.is_null() || tail.is_null() {
        return;
    }
    for _ in 0..50 {
        // SAFETY: the pointers lead into the live ring's CQ mapping (set after set-up,
        // cleared before teardown); the kernel's words are u32 and 4-byte aligned, and
        // are only touched atomically. The sequence's thread is blocked in the kernel.
        let t = unsafe { AtomicU32::from_ptr(tail) }.load(Ordering::Acquire);
        // SAFETY: the same live, aligned, atomics-only CQ head word of the stuck ring.
        unsafe { AtomicU32::from_ptr(head) }.store(t, Ordering::Release);
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A thread that ends the process with a report when a sequence runs too long.
fn watchdog(limit: Duration) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(200));
        let c = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = c.started {
            if t.elapsed() > limit {
                let k = c.n.min(16);
                let last: Vec<&str> = (0..k).map(|j| c.last_calls[(c.n - k + j) % 16]).collect();
                println!(
                    "HANG: {} ran longer than {:?}; last calls: {}",
                    c.what,
                    limit,
                    last.join(", ")
                );
                println!("test result: FAILED. 0 passed; 1 failed");
                let _ = std::io::stdout().flush();
                drop(c);
                rescue();
                std::process::exit(1);
            }
        }
    });
}

// ---- resources ------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
struct Resources {
    fds: usize,
    maps: usize,
    rss_kib: u64,
    heap: usize,
}

fn resources() -> Resources {
    let fds = fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0);
    // Under valgrind (tests/memcheck.rs sets URING_UNDER_VALGRIND) the tool maps and
    // unmaps anonymous memory of its own as the program runs, so only named mappings
    // (files, `anon_inode:[io_uring]` rings, [heap], ...) are compared there; memcheck
    // checks the heap itself.
    let named_only = std::env::var_os("URING_UNDER_VALGRIND").is_some();
    let maps = fs::read_to_string("/proc/self/maps")
        .map(|s| {
            s.lines()
                .filter(|l| !named_only || l.split_whitespace().nth(5).is_some())
                .count()
        })
        .unwrap_or(0);
    let rss_kib = fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0);
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let mi = unsafe { libc::mallinfo2() };
    Resources {
        fds,
        maps,
        rss_kib,
        heap: mi.uordblks + mi.hblkhd,
    }
}

// ---- running ------------------------------------------------------------------------------

/// What one sequence did.
pub struct SeqOutcome {
    pub failures: Vec<String>,
    pub calls: u64,
    pub sqes: u64,
    pub cqes: u64,
    /// The drain failed, so the sequence's memory was leaked on purpose (the kernel may
    /// still write into it).
    pub leaked_storage: bool,
}

#[derive(Default)]
struct Totals {
    sequences: u64,
    rings: u64,
    calls: u64,
    sqes: u64,
    cqes: u64,
    failed: u64,
    leaked: bool,
}

/// One sequence through the C ABI; `None` if set-up was refused.
fn c_sequence(env: &Env, seed: u64, i: u64, trace: bool) -> (bool, SeqOutcome) {
    let s = seq_seed(seed, i);
    let mut r = Rng::new(s ^ 0x57e9);
    let steps = match r.below(10) {
        0 => r.range(0, 5),
        1..=6 => r.range(5, 60),
        _ => r.range(60, 300),
    } as u32;
    let mut seq = capi::CSeq::new(env, s, trace);
    let live = seq.setup();
    if live {
        seq.run(steps);
    }
    (live, seq.finish_seq())
}

fn rust_sequence(env: &Env, seed: u64, i: u64, trace: bool) -> (bool, SeqOutcome) {
    let s = seq_seed(seed ^ 0x2a5f, i);
    rustapi::sequence(env, s, trace)
}

type SeqFn = fn(&Env, u64, u64, bool) -> (bool, SeqOutcome);

#[allow(clippy::too_many_arguments)]
fn run_batch(name: &str, f: SeqFn, env: &Env, seed: u64, first: u64, count: u64, trace: bool, t: &mut Totals) {
    for i in first..first + count {
        begin(format!("{name} seed {seed:#x} sequence {i}"));
        if trace {
            eprintln!("{name} seed {seed:#x} sequence {i}");
        }
        let (live, out) = f(env, seed, i, trace);
        end();
        if (i + 1 - first) % 5000 == 0 {
            println!(
                "  progress: {name} seed {seed:#x}: {} sequences done, {} failed so far",
                i + 1 - first,
                t.failed
            );
        }
        t.sequences += 1;
        t.rings += u64::from(live);
        t.calls += out.calls;
        t.sqes += out.sqes;
        t.cqes += out.cqes;
        t.leaked |= out.leaked_storage;
        if !out.failures.is_empty() {
            t.failed += 1;
            println!("FAIL: {name} seed {seed:#x} sequence {i}:");
            for f in &out.failures {
                println!("    {f}");
            }
            println!(
                "    replay: URING_RANDOM_SEED={seed:#x} URING_RANDOM_FIRST={i} URING_RANDOM_SEQS=1 URING_RANDOM_TRACE=1 \
                 cargo test --test random_sequences"
            );
        }
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    match v.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok(),
        None => v.parse().ok(),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        println!("random_sequences: test");
        return ExitCode::SUCCESS;
    }
    // libtest-style filters: run only when no filter or a matching one is given.
    let filters: Vec<&String> = args.iter().skip(1).filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "random_sequences".contains(f.as_str())) {
        println!("\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 1 filtered out\n");
        return ExitCode::SUCCESS;
    }
    let started = Instant::now();
    let trace = std::env::var("URING_RANDOM_TRACE").is_ok_and(|v| v != "0");
    let limit = Duration::from_secs(env_u64("URING_RANDOM_TIMEOUT").unwrap_or(10));
    let first = env_u64("URING_RANDOM_FIRST").unwrap_or(0);
    let per_seed = env_u64("URING_RANDOM_SEQS").unwrap_or(150);
    let seeds: Vec<u64> = match env_u64("URING_RANDOM_SEED") {
        Some(s) => vec![s],
        None => {
            let clock = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
            vec![1, 0xdead_beef, 0x1234_5678_9abc, clock]
        }
    };
    println!("\nrunning 1 test");
    println!(
        "random_sequences: seeds {} ({} C-ABI + {} Rust-API sequences per seed, from #{first})",
        seeds.iter().map(|s| format!("{s:#x}")).collect::<Vec<_>>().join(", "),
        per_seed,
        per_seed.div_ceil(4)
    );
    watchdog(limit);
    let env = Env::new();

    // Warm up (allocator arenas, lazily created kernel objects, caches) so the
    // resource baseline is the steady state.
    let mut warm = Totals::default();
    let replay = per_seed <= 2;
    if !replay {
        run_batch("warm-up (C ABI)", c_sequence, &env, 0x3a3a, 0, 30, false, &mut warm);
        run_batch(
            "warm-up (Rust API)",
            rust_sequence,
            &env,
            0x3a3a,
            0,
            10,
            false,
            &mut warm,
        );
    }
    let before = resources();
    let mut c = Totals::default();
    let mut rs = Totals::default();
    for &seed in &seeds {
        run_batch("C ABI", c_sequence, &env, seed, first, per_seed, trace, &mut c);
        run_batch(
            "Rust API",
            rust_sequence,
            &env,
            seed,
            first,
            per_seed.div_ceil(4),
            trace,
            &mut rs,
        );
    }
    let after = resources();
    let mut failed = c.failed + rs.failed + warm.failed;
    println!(
        "C ABI:    {} sequences ({} rings set up, {} refused), {} calls, {} SQEs, {} CQEs, {} failed",
        c.sequences,
        c.rings,
        c.sequences - c.rings,
        c.calls,
        c.sqes,
        c.cqes,
        c.failed
    );
    println!(
        "Rust API: {} sequences ({} rings set up, {} refused), {} calls, {} SQEs, {} CQEs, {} failed",
        rs.sequences,
        rs.rings,
        rs.sequences - rs.rings,
        rs.calls,
        rs.sqes,
        rs.cqes,
        rs.failed
    );
    println!(
        "resources before/after: fds {}/{}, mappings {}/{}, RSS {}/{} KiB, heap {}/{} bytes",
        before.fds, after.fds, before.maps, after.maps, before.rss_kib, after.rss_kib, before.heap, after.heap
    );
    if !(replay || c.leaked || rs.leaked) {
        let mut leak = Vec::new();
        if after.fds != before.fds {
            let targets: Vec<String> = fs::read_dir("/proc/self/fd")
                .map(|d| {
                    d.filter_map(|e| e.ok())
                        .filter_map(|e| fs::read_link(e.path()).ok())
                        .map(|p| p.display().to_string())
                        .collect()
                })
                .unwrap_or_default();
            leak.push(format!(
                "fd count {} -> {} (open now: {})",
                before.fds,
                after.fds,
                targets.join(", ")
            ));
        }
        if after.maps != before.maps {
            leak.push(format!("mapping count {} -> {}", before.maps, after.maps));
        }
        // The heap is exact (bytes in use); 256 KiB of slack covers the allocator's
        // own bookkeeping. RSS gets more room (page cache of the allocator).
        if after.heap > before.heap + 256 * 1024 {
            leak.push(format!("heap in use {} -> {} bytes", before.heap, after.heap));
        }
        if after.rss_kib > before.rss_kib + 64 * 1024 {
            leak.push(format!("RSS {} -> {} KiB", before.rss_kib, after.rss_kib));
        }
        if !leak.is_empty() {
            println!("FAIL: resources not back where they started: {}", leak.join(", "));
            failed += 1;
        }
    }
    println!("(random_sequences finished in {:.2}s)", started.elapsed().as_secs_f64());
    if c.rings + rs.rings == 0 && failed == 0 {
        // Every set-up was refused: io_uring is unavailable here (kernel.io_uring_disabled,
        // seccomp, a container), so nothing was tested.
        println!(
            "SKIP: no ring could be set up in {} sequences (is io_uring disabled?)",
            c.sequences + rs.sequences
        );
        println!("test random_sequences ... ignored");
        println!("\ntest result: ok. 0 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out\n");
        return ExitCode::SUCCESS;
    }
    let ok = failed == 0;
    println!("test random_sequences ... {}", if ok { "ok" } else { "FAILED" });
    println!(
        "\ntest result: {}. {} passed; {} failed; 0 ignored; 0 measured; 0 filtered out\n",
        if ok { "ok" } else { "FAILED" },
        u64::from(ok),
        u64::from(!ok)
    );
    drop(env);
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
