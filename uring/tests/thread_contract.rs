//! liburing's threading contract through the safe Rust API: one reaper thread and one or
//! four submitter threads (serialised by a mutex) on one ring, with every reaping style
//! the API offers, NOPs and file reads, and a configuration whose CQ overflows. Every
//! completion must arrive exactly once, with the right result (and, for reads, the right
//! bytes).
//!
//! `URING_CONTRACT_OPS` sets the operations per configuration (default 1,000,000; the
//! valgrind runs use a few thousand). `URING_CONTRACT_NO_BLOCK=1` makes the reaper poll
//! instead of sleeping in the kernel: valgrind runs one thread at a time and does not
//! know `io_uring_enter` can block, so a reaper blocked in a wait would starve the
//! submitters forever. `valgrind_memcheck` re-runs this binary under valgrind that way.

use std::fs::File;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use uring::{prep, CompletionQueue, Errno, Ring, Submitter};

/// How the reaper takes completions.
#[derive(Clone, Copy, Debug)]
enum Reap {
    /// `wait()` for each one (io_uring_wait_cqe + cqe_seen).
    Wait,
    /// `wait_timeout()` with a short timeout, retrying on ETIME.
    WaitTimeout,
    /// `completions()` over everything ready (peek_batch / for_each + cq_advance), and a
    /// blocking `wait()` when nothing is.
    Batch,
    /// `peek()`, and a blocking `wait()` when nothing is ready.
    Peek,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Nop,
    Read,
}

/// 8-byte records in the file read by the read configurations; record `k` holds
/// `pattern(k)`.
const RECORDS: u64 = 4096;

fn pattern(k: u64) -> u64 {
    k.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xA5A5
}

fn no_block() -> bool {
    std::env::var_os("URING_CONTRACT_NO_BLOCK").is_some()
}

fn ops_per_config() -> u64 {
    std::env::var("URING_CONTRACT_OPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// State shared by the submitters and the reaper.
struct Shared {
    total: u64,
    next_id: AtomicU64,
    in_flight: AtomicU32,
    limit: u32,
    /// Read buffers: the kernel writes one record into a slot; the slot is reused only
    /// after its completion has been reaped.
    buffers: Box<[AtomicU64]>,
    free_slots: Mutex<Vec<u32>>,
    overflow_seen: AtomicBool,
    failed: AtomicBool,
}

/// Encode an operation id and its buffer slot in user_data.
fn user_data(id: u64, slot: u32) -> u64 {
    (id << 16) | u64::from(slot)
}

fn submitter_loop(shared: &Shared, submitter: &Mutex<Submitter<'_>>, op: Op, fd: i32) {
    loop {
        if shared.failed.load(Ordering::Relaxed) {
            return;
        }
        // Bound the requests in flight (and so the kernel's overflow list): reserve one
        // of the `limit` places before preparing anything.
        let reserved = shared.in_flight.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < shared.limit).then_some(n + 1)
        });
        if reserved.is_err() {
            std::thread::yield_now();
            continue;
        }
        let slot = match op {
            Op::Nop => None,
            Op::Read => match shared.free_slots.lock().unwrap().pop() {
                Some(s) => Some(s),
                None => {
                    consumed(shared, 1);
                    std::thread::yield_now();
                    continue;
                }
            },
        };
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        if id >= shared.total {
            if let Some(s) = slot {
                shared.free_slots.lock().unwrap().push(s);
            }
            consumed(shared, 1);
            return;
        }
        let slot = slot.unwrap_or(0);
        let mut sub = submitter.lock().unwrap();
        while sub.sq_space_left() == 0 {
            // SQ full: push what is queued to the kernel.
            submit_retrying(&mut sub);
        }
        let sqe = sub.get_sqe().expect("the SQ has space");
        match op {
            Op::Nop => prep::nop(sqe),
            Op::Read => {
                let record = id % RECORDS;
                let buf = shared.buffers[slot as usize].as_ptr().cast();
                prep::read(sqe, fd, buf, 8, record * 8);
            }
        }
        sqe.user_data = user_data(id, slot);
        submit_retrying(&mut sub);
    }
}

fn submit_retrying(sub: &mut Submitter<'_>) {
    loop {
        // SAFETY: queued reads point into `Shared::buffers`, which outlives every request:
        // `run` joins all threads, and the reaper reaps every completion, before it
        // drops the buffers.
        match unsafe { sub.submit() } {
            Ok(_) => return,
            Err(e) if e == Errno::EAGAIN || e == Errno(libc::EBUSY) || e == Errno(libc::EINTR) => {
                std::thread::yield_now()
            }
            Err(e) => panic!("submit: {e}"),
        }
    }
}

/// Check one completion and retire it; returns false on a mismatch.
fn retire(shared: &Shared, seen: &mut [u8], op: Op, user_data: u64, res: i32) -> Result<(), String> {
    let id = user_data >> 16;
    let slot = (user_data & 0xffff) as u32;
    if id >= shared.total {
        return Err(format!("unknown user_data {user_data:#x}"));
    }
    let count = &mut seen[id as usize];
    *count += 1;
    if *count != 1 {
        return Err(format!("completion {id} arrived {count} times"));
    }
    match op {
        Op::Nop if res != 0 => return Err(format!("NOP {id}: res {res}")),
        Op::Read => {
            if res != 8 {
                return Err(format!("read {id}: res {res}"));
            }
            // The CQE (acquired by the reaper) orders the kernel's write of the buffer
            // before this load.
            let got = shared.buffers[slot as usize].load(Ordering::Acquire);
            let want = pattern(id % RECORDS);
            if got != want {
                return Err(format!("read {id}: got {got:#x}, want {want:#x}"));
            }
            shared.buffers[slot as usize].store(0, Ordering::Relaxed);
            shared.free_slots.lock().unwrap().push(slot);
        }
        Op::Nop => {}
    }
    Ok(())
}

/// `n` completions were consumed (the CQ head moved past them): their CQ slots are free
/// again, so the submitters may put that many more requests in flight. Counting them
/// only now keeps requests in flight + CQEs not yet consumed within the CQ size, so the
/// normal configurations cannot overflow.
fn consumed(shared: &Shared, n: u64) {
    shared.in_flight.fetch_sub(n as u32, Ordering::AcqRel);
}

/// In no-block mode, poll until `wait()` will not sleep in the kernel: a completion is
/// in the CQ, or the kernel holds overflowed ones (which the wait's enter flushes
/// without sleeping). Otherwise return at once and let `wait()` block.
fn wait_ready(cq: &mut CompletionQueue<'_>) {
    if no_block() {
        while cq.ready() == 0 && !cq.has_overflow() {
            std::thread::sleep(Duration::from_micros(50));
        }
    }
}

fn reaper_loop(shared: &Shared, cq: &mut CompletionQueue<'_>, reap: Reap, op: Op, slow: bool) -> Result<u64, String> {
    let mut seen = vec![0u8; shared.total as usize];
    let mut reaped = 0u64;
    let fail = |e: String| {
        shared.failed.store(true, Ordering::Relaxed);
        e
    };
    while reaped < shared.total {
        if cq.has_overflow() {
            shared.overflow_seen.store(true, Ordering::Relaxed);
        }
        if slow && reaped % 4096 == 0 {
            // Let the submitters run ahead so the CQ overflows.
            std::thread::sleep(Duration::from_millis(2));
        }
        match reap {
            Reap::Wait => {
                wait_ready(cq);
                let c = cq.wait().map_err(|e| fail(format!("wait: {e}")))?;
                retire(shared, &mut seen, op, c.user_data(), c.res()).map_err(fail)?;
                c.seen();
                consumed(shared, 1);
                reaped += 1;
            }
            Reap::WaitTimeout => match cq.wait_timeout(if no_block() {
                Duration::ZERO
            } else {
                Duration::from_millis(5)
            }) {
                Ok(c) => {
                    retire(shared, &mut seen, op, c.user_data(), c.res()).map_err(fail)?;
                    drop(c);
                    consumed(shared, 1);
                    reaped += 1;
                }
                Err(e) if e == Errno::ETIME || e == Errno(libc::EINTR) => {
                    if no_block() {
                        // Let the submitters run (valgrind runs one thread at a time).
                        std::thread::sleep(Duration::from_micros(50));
                    }
                }
                Err(e) => return Err(fail(format!("wait_timeout: {e}"))),
            },
            Reap::Batch => {
                let mut batch = 0;
                for c in cq.completions() {
                    retire(shared, &mut seen, op, c.user_data(), c.res()).map_err(fail)?;
                    batch += 1;
                }
                // The iterator is gone: the head moved past the whole batch.
                consumed(shared, batch);
                reaped += batch;
                if batch == 0 {
                    wait_ready(cq);
                    let c = cq.wait().map_err(|e| fail(format!("wait: {e}")))?;
                    retire(shared, &mut seen, op, c.user_data(), c.res()).map_err(fail)?;
                    c.seen();
                    consumed(shared, 1);
                    reaped += 1;
                }
            }
            Reap::Peek => {
                // Consuming the CQE before checking it is fine: the buffer is ours once
                // the completion is posted, whatever happens to the CQ slot.
                let peeked = cq.peek().map_err(|e| fail(format!("peek: {e}")))?;
                let (user_data, res) = match peeked.map(|c| (c.user_data(), c.res())) {
                    Some(got) => got,
                    None => {
                        wait_ready(cq);
                        let c = cq.wait().map_err(|e| fail(format!("wait: {e}")))?;
                        (c.user_data(), c.res())
                    }
                };
                retire(shared, &mut seen, op, user_data, res).map_err(fail)?;
                consumed(shared, 1);
                reaped += 1;
            }
        }
    }
    if let Some(id) = seen.iter().position(|&n| n != 1) {
        return Err(format!("completion {id} arrived {} times", seen[id]));
    }
    Ok(reaped)
}

struct Config {
    submitters: usize,
    reap: Reap,
    op: Op,
    /// CQ entries, and the in-flight bound: above the CQ size the CQ overflows.
    cq_entries: u32,
    limit: u32,
    slow_reaper: bool,
    /// A kernel submission thread (IORING_SETUP_SQPOLL): submitters publish the tail and
    /// enter only to wake it.
    sqpoll: bool,
}

fn run(cfg: Config) {
    // The SQPOLL thread competes with the test's threads for two cores in CI: it gets a
    // fifth of the operations (still hundreds of thousands by default).
    let total = if cfg.sqpoll {
        ops_per_config() / 5
    } else {
        ops_per_config()
    };
    // One directory per configuration: tests run in parallel threads of one process.
    let dir = std::env::temp_dir().join(format!(
        "uring-contract-{}-{:?}-{:?}-{}-{}-{}",
        std::process::id(),
        cfg.op,
        cfg.reap,
        cfg.submitters,
        cfg.slow_reaper,
        cfg.sqpoll
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("records");
    let mut f = File::create(&path).unwrap();
    for k in 0..RECORDS {
        f.write_all(&pattern(k).to_ne_bytes()).unwrap();
    }
    drop(f);
    let file = File::open(&path).unwrap();

    let mut builder = Ring::builder(32).cq_entries(cfg.cq_entries);
    if cfg.sqpoll {
        builder = builder.sqpoll(10);
    }
    let mut ring = match builder.build() {
        Ok(r) => r,
        Err(e) => panic!("ring setup: {e}"),
    };
    let slots = cfg.limit.max(1);
    let shared = Shared {
        total,
        next_id: AtomicU64::new(0),
        in_flight: AtomicU32::new(0),
        limit: cfg.limit,
        buffers: (0..slots).map(|_| AtomicU64::new(0)).collect(),
        free_slots: Mutex::new((0..slots).collect()),
        overflow_seen: AtomicBool::new(false),
        failed: AtomicBool::new(false),
    };
    let (submitter, mut cq) = ring.split();
    let submitter = Mutex::new(submitter);
    let fd = file.as_raw_fd();
    let reaped = std::thread::scope(|s| {
        let reaper = s.spawn(|| reaper_loop(&shared, &mut cq, cfg.reap, cfg.op, cfg.slow_reaper));
        for _ in 0..cfg.submitters {
            s.spawn(|| submitter_loop(&shared, &submitter, cfg.op, fd));
        }
        reaper.join().expect("reaper panicked")
    });
    let reaped = reaped.unwrap_or_else(|e| panic!("{:?} {:?} x{}: {e}", cfg.op, cfg.reap, cfg.submitters));
    assert_eq!(reaped, total);
    assert_eq!(shared.in_flight.load(Ordering::Relaxed), 0);
    if cfg.slow_reaper && cfg.limit > cfg.cq_entries {
        assert!(
            shared.overflow_seen.load(Ordering::Relaxed),
            "the overflow configuration never overflowed the CQ"
        );
    } else {
        assert!(
            !shared.overflow_seen.load(Ordering::Relaxed),
            "a configuration bounded by the CQ size overflowed: the library consumed CQEs late"
        );
    }
    assert_eq!(cq.dropped(), 0, "the kernel dropped completions");
    drop(ring);
    drop(file);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn matrix(op: Op, reap: Reap) {
    for submitters in [1, 4] {
        run(Config {
            submitters,
            reap,
            op,
            cq_entries: 64,
            limit: 64,
            slow_reaper: false,
            sqpoll: false,
        });
    }
}

#[test]
fn nops_wait() {
    matrix(Op::Nop, Reap::Wait);
}

#[test]
fn nops_wait_timeout() {
    matrix(Op::Nop, Reap::WaitTimeout);
}

#[test]
fn nops_batch() {
    matrix(Op::Nop, Reap::Batch);
}

#[test]
fn nops_peek() {
    matrix(Op::Nop, Reap::Peek);
}

#[test]
fn reads_wait() {
    matrix(Op::Read, Reap::Wait);
}

#[test]
fn reads_wait_timeout() {
    matrix(Op::Read, Reap::WaitTimeout);
}

#[test]
fn reads_batch() {
    matrix(Op::Read, Reap::Batch);
}

#[test]
fn reads_peek() {
    matrix(Op::Read, Reap::Peek);
}

/// A CQ of 32 with up to 1024 requests in flight and a reaper that pauses: the kernel
/// parks completions on its overflow list (IORING_FEAT_NODROP) and nothing is lost.
#[test]
fn overflow_nothing_lost() {
    for (op, reap) in [(Op::Nop, Reap::Batch), (Op::Read, Reap::Wait)] {
        run(Config {
            submitters: 4,
            reap,
            op,
            cq_entries: 32,
            limit: 1024,
            slow_reaper: true,
            sqpoll: false,
        });
    }
}

/// The same contract on an SQPOLL ring: submitters publish the SQ tail with a release
/// store and the kernel thread picks it up; with and without overflow (a fifth of the
/// operations of the other configurations).
#[test]
fn sqpoll_nops_and_reads() {
    for (op, reap, slow_reaper, limit) in [
        (Op::Nop, Reap::Batch, false, 64),
        (Op::Read, Reap::Wait, false, 64),
        (Op::Read, Reap::Peek, true, 1024),
    ] {
        run(Config {
            submitters: 4,
            reap,
            op,
            cq_entries: if slow_reaper { 32 } else { 64 },
            limit,
            slow_reaper,
            sqpoll: true,
        });
    }
}

/// This binary again, under valgrind memcheck, with a few thousand operations per
/// configuration in no-block mode: no invalid access, no uninitialised read, no definite
/// leak in the library or the API while two to five threads share the ring.
///
/// Helgrind and drd are run on the C versions of these tests (c-tests/thread_contract_*.c)
/// instead: Rust's std `Mutex` and thread parking are built on raw futexes, which those
/// tools do not model, so every lock handoff in this binary would be reported as a race.
#[test]
fn valgrind_memcheck() {
    if std::env::var_os("URING_CONTRACT_UNDER_VALGRIND").is_some() {
        return; // the nested run itself
    }
    let have_valgrind = std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_valgrind {
        // .ci/run installs valgrind; a developer machine may lack it.
        println!("SKIP: valgrind is not installed (apt-get install valgrind)");
        return;
    }
    let exe = std::env::current_exe().expect("test binary path");
    let out = std::process::Command::new("valgrind")
        .args([
            "--tool=memcheck",
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--fair-sched=yes",
        ])
        .arg(&exe)
        .args(["--test-threads=1", "--skip", "valgrind"])
        .env("URING_CONTRACT_UNDER_VALGRIND", "1")
        .env("URING_CONTRACT_NO_BLOCK", "1")
        .env("URING_CONTRACT_OPS", "5000")
        .output()
        .expect("run valgrind");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "valgrind memcheck failed ({:?}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("test result: ok"),
        "the nested run did not pass:\n{stdout}"
    );
    assert!(
        stderr.contains("ERROR SUMMARY: 0 errors"),
        "memcheck reported errors:\n{stderr}"
    );
}
