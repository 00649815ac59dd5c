//! Faults on a working ring: signals during the Rust API's waits (EINTR as liburing),
//! kernel errors from the enter path that can be provoked here (EEXIST, EBADFD), and
//! restricted rings (`IORING_SETUP_R_DISABLED` + restrictions + `enable_rings`).
//!
//! The C side of the signal tests is `c-tests/wait_eintr.c` (run by `c_programs`
//! against our library); `c_tests_pass_on_debian_liburing` below runs it, and
//! `c-tests/unavailable_seccomp.c`, against Debian's liburing, so the expectations in
//! them are liburing's own.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use uring::probe::Probe;
use uring::register::{files, misc, ring_fd};
use uring::sys::*;
use uring::{prep, Errno, Ring};

// ---- signals -------------------------------------------------------------------------------

/// SIGUSR1 deliveries since the last reset.
static HITS: AtomicU32 = AtomicU32::new(0);
/// Tests that send signals run one at a time, so that HITS counts one test's signals.
static SIGNALS: Mutex<()> = Mutex::new(());

extern "C" fn on_sigusr1(_sig: libc::c_int) {
    HITS.fetch_add(1, Ordering::Relaxed);
}

/// Install the SIGUSR1 handler, without SA_RESTART.
fn install_handler() {
    // SAFETY: an all-zero sigaction is a valid value (no flags, empty mask).
    let mut sa: libc::sigaction = unsafe { core::mem::zeroed() };
    sa.sa_sigaction = on_sigusr1 as extern "C" fn(libc::c_int) as usize;
    // SAFETY: sigemptyset writes the live local's mask.
    unsafe { libc::sigemptyset(&mut sa.sa_mask) };
    // SAFETY: `sa` is a valid sigaction whose handler only touches an atomic.
    let r = unsafe { libc::sigaction(libc::SIGUSR1, &sa, core::ptr::null_mut()) };
    assert_eq!(r, 0, "sigaction");
}

/// A thread that sends SIGUSR1 to the creating thread every 20 ms until dropped: a
/// signal that lands before the waiter enters the kernel only delays the test.
struct Pinger {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    started: Instant,
}

impl Pinger {
    fn start() -> Pinger {
        HITS.store(0, Ordering::Relaxed);
        // SAFETY: pthread_self has no preconditions.
        let target = unsafe { libc::pthread_self() };
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(20));
                if flag.load(Ordering::Acquire) {
                    break;
                }
                // SAFETY: `target` is the test thread, which joins this thread (Drop)
                // before it can exit, so the id is live.
                unsafe { libc::pthread_kill(target, libc::SIGUSR1) };
            }
        });
        Pinger {
            stop,
            thread: Some(thread),
            started: Instant::now(),
        }
    }

    /// Stop signalling; returns the time since `start` and the signals delivered.
    fn finish(mut self) -> (Duration, u32) {
        let took = self.started.elapsed();
        self.halt();
        (took, HITS.load(Ordering::Relaxed))
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(t) = self.thread.take() {
            t.join().expect("pinger thread");
        }
    }
}

impl Drop for Pinger {
    fn drop(&mut self) {
        self.halt();
    }
}

fn pipe() -> (OwnedFd, OwnedFd) {
    let mut p = [0; 2];
    // SAFETY: pipe writes two fds into the live array.
    assert_eq!(unsafe { libc::pipe(p.as_mut_ptr()) }, 0);
    // SAFETY: the read end was just created and is owned by nobody else.
    let r = unsafe { OwnedFd::from_raw_fd(p[0]) };
    // SAFETY: likewise the write end.
    let w = unsafe { OwnedFd::from_raw_fd(p[1]) };
    (r, w)
}

fn write_byte(fd: RawFd) {
    // SAFETY: writes one byte from a live static.
    assert_eq!(unsafe { libc::write(fd, b"x".as_ptr().cast(), 1) }, 1);
}

fn setups() -> Vec<(&'static str, uring::Builder)> {
    vec![
        ("default", Ring::builder(8)),
        ("SQPOLL", Ring::builder(8).sqpoll(1000)),
        (
            "SINGLE_ISSUER|DEFER_TASKRUN",
            Ring::builder(8).flags(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN),
        ),
    ]
}

/// A ring of this setup, or None with a printed reason.
fn build(name: &str, b: uring::Builder) -> Option<Ring> {
    match b.build() {
        Ok(r) => Some(r),
        Err(e) if e.is_unavailable() => {
            println!("SKIP: {name}: {e}");
            None
        }
        Err(e) if e == Errno::EINVAL => {
            println!("note: {name} refused by this kernel: {e}");
            None
        }
        Err(e) => panic!("{name}: {e}"),
    }
}

/// Run one wait with signals arriving and check it was interrupted, quickly.
fn interrupted<T: std::fmt::Debug>(what: &str, wait: impl FnOnce() -> Result<T, Errno>) -> Duration {
    let p = Pinger::start();
    let r = wait();
    let (took, hits) = p.finish();
    assert!(hits >= 1, "{what}: no signal was delivered ({r:?})");
    match r {
        Err(e) => assert_eq!(e, Errno::EINTR, "{what}: after {took:?}"),
        Ok(v) => panic!("{what}: returned {v:?} after {took:?}, expected EINTR"),
    }
    assert!(took < Duration::from_secs(2), "{what}: took {took:?}, not interrupted");
    took
}

/// One NOP through the ring: it still works after an interrupted wait.
fn nop_round_trip(ring: &mut Ring, ud: u64) {
    let sqe = ring.get_sqe().expect("free SQE");
    prep::nop(sqe);
    sqe.user_data = ud;
    // SAFETY: a NOP references no memory.
    unsafe { ring.submit() }.expect("submit");
    let c = ring.wait_timeout(Duration::from_secs(5)).expect("NOP completion");
    assert_eq!((c.user_data(), c.res()), (ud, 0));
}

#[test]
fn rust_api_waits_return_eintr_like_liburing() {
    let _serial = SIGNALS.lock().unwrap_or_else(|e| e.into_inner());
    install_handler();
    let mut ran = 0;
    for (name, b) in setups() {
        let Some(mut ring) = build(name, b) else { continue };
        let has_ext_arg = ring.features() & IORING_FEAT_EXT_ARG != 0;

        interrupted(&format!("{name}: Ring::wait"), || ring.wait().map(|c| c.cqe()));
        if has_ext_arg {
            interrupted(&format!("{name}: Ring::wait_timeout(5 s)"), || {
                ring.wait_timeout(Duration::from_secs(5)).map(|c| c.cqe())
            });
        }
        // SAFETY: nothing is queued, so nothing is submitted.
        interrupted(
            &format!("{name}: Ring::submit_and_wait(1), nothing queued"),
            || unsafe { ring.submit_and_wait(1) },
        );
        nop_round_trip(&mut ring, 1);

        {
            let (mut sq, mut cq) = ring.split();
            interrupted(&format!("{name}: CompletionQueue::wait"), || cq.wait().map(|c| c.cqe()));
            if has_ext_arg {
                interrupted(&format!("{name}: CompletionQueue::wait_timeout(5 s)"), || {
                    cq.wait_timeout(Duration::from_secs(5)).map(|c| c.cqe())
                });
            }
            // SAFETY: nothing is queued, so nothing is submitted.
            interrupted(&format!("{name}: Submitter::submit_and_wait(1)"), || unsafe {
                sq.submit_and_wait(1)
            });
        }

        // A read of an empty pipe, submitted by the interrupted enter: the kernel reports
        // the submission (1), as liburing's io_uring_submit_and_wait does, and the read
        // is not lost: it completes once the pipe has data.
        let (r, w) = pipe();
        let mut buf = [0u8; 4];
        let sqe = ring.get_sqe().expect("free SQE");
        prep::read(sqe, r.as_raw_fd(), buf.as_mut_ptr().cast(), 4, 0);
        sqe.user_data = 0x5eed;
        let p = Pinger::start();
        // SAFETY: `buf` and the pipe outlive the read: it is reaped below.
        let submitted = unsafe { ring.submit_and_wait(1) };
        let (took, hits) = p.finish();
        assert!(hits >= 1, "{name}: no signal was delivered");
        assert_eq!(
            submitted,
            Ok(1),
            "{name}: submit_and_wait with a read queued, after {took:?}"
        );
        assert_eq!(ring.cq_ready(), 0, "{name}: the read cannot have completed");
        interrupted(&format!("{name}: Ring::wait with a read in flight"), || {
            ring.wait().map(|c| c.cqe())
        });
        write_byte(w.as_raw_fd());
        let c = ring.wait_timeout(Duration::from_secs(5)).expect("the read completes");
        assert_eq!((c.user_data(), c.res()), (0x5eed, 1), "{name}");
        drop(c);
        assert_eq!(buf[0], b'x');
        assert!(ring.peek().expect("peek").is_none(), "{name}: an extra completion");
        ran += 1;
    }
    assert!(ran >= 1, "no ring setup could be created");
}

#[test]
fn wrong_thread_on_single_issuer_rings_is_eexist_not_a_hang() {
    let Some(mut ring) = build(
        "SINGLE_ISSUER|DEFER_TASKRUN",
        Ring::builder(4).flags(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN),
    ) else {
        return;
    };
    // The ring belongs to the task that created it: this thread.
    nop_round_trip(&mut ring, 1);
    {
        let (mut sq, mut cq) = ring.split();
        let sqe = sq.get_sqe().expect("free SQE");
        prep::nop(sqe);
        sqe.user_data = 2;
        std::thread::scope(|s| {
            s.spawn(|| {
                // DEFER_TASKRUN completions run on the owner task: waiting elsewhere is
                // refused at once, not a wait that never ends.
                let started = Instant::now();
                let r = cq.wait_timeout(Duration::from_secs(5)).map(|c| c.cqe());
                assert_eq!(r.err(), Some(Errno::EEXIST), "wait from another thread");
                assert!(started.elapsed() < Duration::from_secs(2));
                // SAFETY: a NOP references no memory.
                assert_eq!(unsafe { sq.submit() }, Err(Errno::EEXIST), "submit from another thread");
            });
        });
    }
    // The refused submit left the NOP published; the owner submits and reaps it.
    // SAFETY: a NOP references no memory.
    assert_eq!(unsafe { ring.submit_and_wait(1) }, Ok(1));
    let c = ring.wait().expect("the NOP");
    assert_eq!((c.user_data(), c.res()), (2, 0));
}

// ---- restrictions --------------------------------------------------------------------------
// uring/tests/register.rs covers an SQE opcode outside the allow-list (-EACCES in its CQE) and
// the registration errors of register_restrictions itself; these add register opcodes,
// SQE flag restrictions, and a disabled ring's refusals.

fn restriction(opcode: u32, value: u8) -> io_uring_restriction {
    io_uring_restriction {
        opcode: opcode as u16,
        op: io_uring_restriction_op { sqe_op: value },
        resv: 0,
        resv2: [0; 3],
    }
}

/// Submit one SQE prepared by `prep_fn` with `flags`, and return its CQE result.
fn run_one(ring: &mut Ring, ud: u64, flags: u8, prep_fn: impl FnOnce(&mut io_uring_sqe)) -> i32 {
    let sqe = ring.get_sqe().expect("free SQE");
    prep_fn(sqe);
    sqe.flags |= flags;
    sqe.user_data = ud;
    // SAFETY: the callers' SQEs name only memory that lives until the completion is
    // reaped below.
    unsafe { ring.submit() }.expect("submit");
    let c = ring.wait_timeout(Duration::from_secs(5)).expect("completion");
    assert_eq!(c.user_data(), ud);
    c.res()
}

#[test]
fn restricted_ring_refuses_register_ops_and_sqe_flags_outside_its_allow_list() {
    let Some(mut ring) = build("R_DISABLED", Ring::builder(8).flags(IORING_SETUP_R_DISABLED)) else {
        return;
    };
    // A disabled ring takes no submissions and no waits until enabled.
    let sqe = ring.get_sqe().expect("free SQE");
    prep::nop(sqe);
    sqe.user_data = 1;
    // SAFETY: a NOP references no memory.
    assert_eq!(unsafe { ring.submit() }, Err(Errno(libc::EBADFD)));
    assert_eq!(uring::submit::get_events(ring.as_ring_ref()), Err(Errno(libc::EBADFD)));

    let allow = [
        restriction(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP),
        restriction(IORING_RESTRICTION_SQE_OP, IORING_OP_READ),
        restriction(IORING_RESTRICTION_REGISTER_OP, IORING_REGISTER_PROBE as u8),
        restriction(IORING_RESTRICTION_SQE_FLAGS_ALLOWED, IOSQE_IO_LINK | IOSQE_ASYNC),
        restriction(IORING_RESTRICTION_SQE_FLAGS_REQUIRED, IOSQE_ASYNC),
    ];
    assert_eq!(misc::register_restrictions(ring.as_ring_ref(), &allow), Ok(0));
    assert_eq!(ring_fd::enable_rings(ring.as_ring_ref()), Ok(0));

    // The NOP published before enabling lacks the required IOSQE_ASYNC.
    // SAFETY: a NOP references no memory.
    assert_eq!(unsafe { ring.submit() }, Ok(1));
    let c = ring.wait_timeout(Duration::from_secs(5)).expect("the early NOP");
    assert_eq!((c.user_data(), c.res()), (1, -libc::EACCES));
    drop(c);

    // SQE flags: required ASYNC, allowed LINK, nothing else.
    assert_eq!(run_one(&mut ring, 2, IOSQE_ASYNC, prep::nop), 0);
    assert_eq!(run_one(&mut ring, 3, IOSQE_ASYNC | IOSQE_IO_LINK, prep::nop), 0);
    assert_eq!(run_one(&mut ring, 4, 0, prep::nop), -libc::EACCES);
    assert_eq!(
        run_one(&mut ring, 5, IOSQE_ASYNC | IOSQE_IO_DRAIN, prep::nop),
        -libc::EACCES
    );
    // An allowed opcode does real I/O; one outside the list is refused.
    let (r, w) = pipe();
    write_byte(w.as_raw_fd());
    let mut buf = [0u8; 4];
    let n = run_one(&mut ring, 6, IOSQE_ASYNC, |s| {
        prep::read(s, r.as_raw_fd(), buf.as_mut_ptr().cast(), 4, 0)
    });
    assert_eq!((n, buf[0]), (1, b'x'));
    let n = run_one(&mut ring, 7, IOSQE_ASYNC, |s| {
        prep::write(s, w.as_raw_fd(), b"y".as_ptr().cast(), 1, 0)
    });
    assert_eq!(n, -libc::EACCES);

    // Register opcodes: only PROBE is allowed.
    let probe = Probe::for_ring(ring.as_ring_ref()).expect("the allowed probe");
    assert!(probe.is_supported(IORING_OP_NOP));
    let refused = Err(Errno::EACCES);
    let efd = r.as_raw_fd();
    assert_eq!(misc::register_eventfd(ring.as_ring_ref(), efd), refused, "eventfd");
    assert_eq!(files::register_files(ring.as_ring_ref(), &[efd]), refused, "files");
    assert_eq!(misc::register_personality(ring.as_ring_ref()), refused, "personality");
    let iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: the registration is refused; `buf` outlives the call anyway.
    let regbuf = unsafe { uring::register::buffers::register_buffers(ring.as_ring_ref(), &[iov]) };
    assert_eq!(regbuf, refused, "buffers");
    assert_eq!(ring_fd::enable_rings(ring.as_ring_ref()), refused, "enable again");
    assert_eq!(
        misc::register_restrictions(ring.as_ring_ref(), &allow),
        refused,
        "restrictions again"
    );
}

#[test]
fn restrictions_without_register_ops_refuse_every_register_op() {
    let Some(ring) = build("R_DISABLED", Ring::builder(4).flags(IORING_SETUP_R_DISABLED)) else {
        return;
    };
    let only_nop = [restriction(IORING_RESTRICTION_SQE_OP, IORING_OP_NOP)];
    assert_eq!(misc::register_restrictions(ring.as_ring_ref(), &only_nop), Ok(0));
    assert_eq!(ring_fd::enable_rings(ring.as_ring_ref()), Ok(0));
    assert_eq!(Probe::for_ring(ring.as_ring_ref()).err(), Some(Errno::EACCES));
    assert_eq!(misc::register_personality(ring.as_ring_ref()), Err(Errno::EACCES));

    // Without restrictions, enabling lifts nothing but the disabled state, once.
    let Some(mut open) = build("R_DISABLED", Ring::builder(4).flags(IORING_SETUP_R_DISABLED)) else {
        return;
    };
    assert_eq!(ring_fd::enable_rings(open.as_ring_ref()), Ok(0));
    assert_eq!(ring_fd::enable_rings(open.as_ring_ref()), Err(Errno(libc::EBADFD)));
    assert!(Probe::for_ring(open.as_ring_ref()).is_ok());
    assert_eq!(run_one(&mut open, 1, IOSQE_ASYNC | IOSQE_IO_DRAIN, prep::nop), 0);
}

// ---- the C programs against Debian's liburing ----------------------------------------------

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compile `c-tests/<name>.c` against Debian's headers and liburing.so.2 and run it
/// there: Ok(None) passed, Ok(Some(reason)) skipped, Err(report) failed.
fn run_on_debian(name: &str, out: &Path) -> Result<Option<String>, String> {
    let src = repo().join("c-tests").join(format!("{name}.c"));
    let bin = out.join(name);
    let cc = std::env::var_os("CC").unwrap_or_else(|| "cc".into());
    let compiled = Command::new(&cc)
        .args([
            "-std=gnu11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-D_GNU_SOURCE",
            "-g",
            "-O1",
        ])
        // c-tests/ for test.h only: <liburing.h> comes from /usr/include.
        .arg("-iquote")
        .arg(repo().join("c-tests"))
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .arg("-l:liburing.so.2")
        .arg("-lpthread")
        .output()
        .map_err(|e| format!("{cc:?}: {e}"))?;
    if !compiled.status.success() {
        return Err(format!(
            "{name}: compile against Debian's liburing failed:\n{}",
            String::from_utf8_lossy(&compiled.stderr)
        ));
    }
    let run = Command::new(&bin)
        .env_remove("LD_LIBRARY_PATH")
        .env_remove("LD_PRELOAD")
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    match run.status.code() {
        Some(0) => Ok(None),
        Some(77) => Ok(Some(
            stdout
                .lines()
                .find(|l| l.starts_with("SKIP:"))
                .unwrap_or("SKIP")
                .to_string(),
        )),
        _ => Err(format!(
            "{name} on Debian's liburing: {}\n{stdout}{}",
            run.status,
            String::from_utf8_lossy(&run.stderr)
        )),
    }
}

include!("support/prerequisites.rs");

#[test]
fn c_tests_pass_on_debian_liburing() {
    let lib = PathBuf::from(format!("/usr/lib/{}-linux-gnu/liburing.so.2", std::env::consts::ARCH));
    if !Path::new("/usr/include/liburing.h").is_file() || !lib.exists() {
        missing_prerequisite("Debian's liburing-dev is not installed (apt-get install -y liburing-dev)");
        return;
    }
    let out = repo().join("target/faults-debian");
    std::fs::create_dir_all(&out).expect("mkdir target/faults-debian");
    let mut passed = 0;
    for name in ["wait_eintr", "unavailable_seccomp"] {
        match run_on_debian(name, &out) {
            Ok(None) => passed += 1,
            Ok(Some(skip)) => println!("{name} on Debian's liburing: {skip}"),
            Err(report) => panic!("{report}"),
        }
    }
    assert!(passed >= 1, "every reference run skipped");
}
