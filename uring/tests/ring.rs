//! Integration tests of the Rust API and core on a real kernel ring, over a matrix of
//! setups. A setup the kernel refuses is reported as skipped (with the errno), never
//! passed silently; at least the default setup must work.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use std::io::Write;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use uring::sys::*;
use uring::{prep, Errno, Ring};

fn setups() -> Vec<(&'static str, uring::Builder)> {
    vec![
        ("default", Ring::builder(8)),
        (
            "SQE128|CQE32",
            Ring::builder(8).flags(IORING_SETUP_SQE128 | IORING_SETUP_CQE32),
        ),
        ("SQPOLL", Ring::builder(8).sqpoll(50)),
        (
            "SINGLE_ISSUER|DEFER_TASKRUN",
            Ring::builder(8).flags(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN),
        ),
        ("NO_SQARRAY", Ring::builder(8).flags(IORING_SETUP_NO_SQARRAY)),
        ("NO_MMAP", Ring::builder(8).flags(IORING_SETUP_NO_MMAP)),
        (
            "COOP_TASKRUN|TASKRUN_FLAG",
            Ring::builder(8).flags(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG),
        ),
        ("CQSIZE 64", Ring::builder(8).cq_entries(64)),
    ]
}

/// Run `f` on every setup the kernel accepts.
fn for_each_setup(test: &str, mut f: impl FnMut(&str, &mut Ring)) {
    let mut ran = 0;
    for (name, builder) in setups() {
        match builder.build() {
            Ok(mut ring) => {
                f(name, &mut ring);
                ran += 1;
            }
            Err(e) => eprintln!("{test}: setup {name} skipped: kernel refused it ({e})"),
        }
    }
    assert!(ran >= 1, "no setup could be created");
}

#[test]
fn nop_round_trip_with_user_data() {
    for_each_setup("nop", |name, ring| {
        for ud in [0u64, 1, 0xdead_beef_cafe, u64::MAX - 1] {
            let sqe = ring.get_sqe().expect("free SQE");
            prep::nop(sqe);
            sqe.user_data = ud;
            // SAFETY: NOPs reference no memory.
            let n = unsafe { ring.submit() }.unwrap();
            // Under SQPOLL the count is what the kernel thread has not taken yet: 0 when
            // it was quicker than our look at its head (liburing reports the same).
            let sqpoll = ring.params().flags & IORING_SETUP_SQPOLL != 0;
            assert!(n == 1 || (sqpoll && n == 0), "{name}: submit returned {n}");
            let cqe = ring.wait().unwrap();
            assert_eq!((cqe.user_data(), cqe.res()), (ud, 0), "{name}");
            cqe.seen();
            assert_eq!(ring.cq_ready(), 0, "{name}");
        }
    });
}

#[test]
fn sq_full_then_drains() {
    for_each_setup("sq_full", |name, ring| {
        let entries = ring.params().sq_entries;
        for i in 0..entries {
            let sqe = ring.get_sqe().unwrap_or_else(|| panic!("{name}: SQE {i} of {entries}"));
            prep::nop(sqe);
            sqe.user_data = i as u64;
        }
        assert!(ring.get_sqe().is_none(), "{name}: a full SQ must give None");
        assert_eq!(ring.sq_space_left(), 0);
        // SAFETY: NOPs reference no memory.
        unsafe { ring.submit_and_wait(entries) }.unwrap();
        let got: Vec<u64> = ring.completions().map(|c| c.user_data()).collect();
        assert_eq!(got, (0..entries as u64).collect::<Vec<_>>(), "{name}");
        assert!(
            ring.get_sqe().is_some(),
            "{name}: space after the kernel consumed the SQ"
        );
    });
}

#[test]
fn file_write_then_read_compares_bytes() {
    for_each_setup("file_rw", |name, ring| {
        let mut file = tempfile();
        let data: Vec<u8> = (0..65536u32).map(|i| (i * 7 + 3) as u8).collect();
        let fd = file.as_raw_fd();
        let sqe = ring.get_sqe().unwrap();
        prep::write(sqe, fd, data.as_ptr().cast(), data.len() as u32, 0);
        sqe.user_data = 1;
        // SAFETY: `data` outlives the wait below.
        unsafe { ring.submit_and_wait(1) }.unwrap();
        let cqe = ring.wait().unwrap();
        assert_eq!(cqe.result(), Ok(data.len() as u32), "{name}: write");
        cqe.seen();

        let mut back = vec![0u8; data.len()];
        let sqe = ring.get_sqe().unwrap();
        prep::read(sqe, fd, back.as_mut_ptr().cast(), back.len() as u32, 0);
        // SAFETY: `back` outlives the wait below.
        unsafe { ring.submit_and_wait(1) }.unwrap();
        let cqe = ring.wait().unwrap();
        assert_eq!(cqe.result(), Ok(data.len() as u32), "{name}: read");
        cqe.seen();
        assert!(back == data, "{name}: bytes read differ from bytes written");
        file.flush().unwrap();
    });
}

#[test]
fn wait_timeout_expires_with_etime() {
    for_each_setup("timeout", |name, ring| {
        let start = Instant::now();
        let r = ring.wait_timeout(Duration::from_millis(20));
        assert_eq!(r.unwrap_err(), Errno::ETIME, "{name}");
        assert!(
            start.elapsed() >= Duration::from_millis(15),
            "{name}: returned too early"
        );
    });
}

#[test]
fn closed_fd_in_sqe_completes_with_ebadf() {
    for_each_setup("ebadf", |name, ring| {
        // Not a number just closed: another test thread may be handed it at once. No fd
        // table reaches i32::MAX (`fs.nr_open` is at most 2^31 - 64), so this one is never
        // open.
        let r: RawFd = i32::MAX;
        let mut buf = [0u8; 8];
        let sqe = ring.get_sqe().unwrap();
        prep::read(sqe, r, buf.as_mut_ptr().cast(), 8, 0);
        // SAFETY: buf outlives the wait.
        unsafe { ring.submit_and_wait(1) }.unwrap();
        let cqe = ring.wait().unwrap();
        assert_eq!(cqe.res(), -libc::EBADF, "{name}");
        cqe.seen();
    });
}

#[test]
fn completion_guards_consume_exactly_once() {
    for_each_setup("guards", |name, ring| {
        assert!(ring.peek().unwrap().is_none(), "{name}: a CQE on a fresh ring");
        for ud in 0..4u64 {
            let sqe = ring.get_sqe().unwrap();
            prep::nop(sqe);
            sqe.user_data = ud;
        }
        // SAFETY: NOPs reference no memory.
        unsafe { ring.submit_and_wait(4) }.unwrap();
        assert_eq!(ring.cq_ready(), 4, "{name}");

        // Dropping a guard consumes its completion.
        let c = ring.peek().unwrap().expect("a ready CQE");
        assert_eq!((c.user_data(), c.res()), (0, 0), "{name}");
        drop(c);
        assert_eq!(ring.cq_ready(), 3, "{name}: drop did not consume");
        // So does seen(), once.
        let c = ring.wait().unwrap();
        assert_eq!(c.user_data(), 1, "{name}");
        let copy = c.cqe();
        c.seen();
        assert_eq!(ring.cq_ready(), 2, "{name}: seen() did not consume exactly one");
        assert_eq!(copy.user_data(), 1, "{name}: the copy outlives the guard");
        // The iterator consumes what it yielded, and only that.
        let mut it = ring.completions();
        assert_eq!(it.next().map(|c| c.user_data()), Some(2), "{name}");
        drop(it);
        assert_eq!(
            ring.cq_ready(),
            1,
            "{name}: the iterator consumed what it did not yield"
        );
        let rest: Vec<u64> = ring.completions().map(|c| c.user_data()).collect();
        assert_eq!(rest, [3], "{name}");
        assert_eq!(ring.cq_ready(), 0, "{name}");
        assert!(ring.peek().unwrap().is_none(), "{name}: a CQE after all were consumed");
    });
}

#[test]
fn split_halves_submit_and_reap_from_two_threads() {
    for_each_setup("split", |name, ring| {
        if ring.params().flags & IORING_SETUP_SINGLE_ISSUER != 0 {
            eprintln!("split: setup {name} skipped: a single-issuer ring is one thread's");
            return;
        }
        if ring.features() & IORING_FEAT_EXT_ARG == 0 {
            eprintln!("split: setup {name} skipped: no timed waits without IORING_FEAT_EXT_ARG");
            return;
        }
        let total = 200u64;
        let (mut sq, mut cq) = ring.split();
        let got = std::thread::scope(|s| {
            s.spawn(move || {
                for ud in 0..total {
                    loop {
                        if let Some(sqe) = sq.get_sqe() {
                            prep::nop(sqe);
                            sqe.user_data = ud;
                            break;
                        }
                        // SAFETY: NOPs reference no memory.
                        unsafe { sq.submit() }.unwrap();
                    }
                }
                // SAFETY: NOPs reference no memory.
                unsafe { sq.submit() }.unwrap();
            });
            let mut got = Vec::new();
            while (got.len() as u64) < total {
                let c = cq.wait_timeout(Duration::from_secs(5)).unwrap();
                assert_eq!(c.res(), 0, "{name}");
                got.push(c.user_data());
            }
            got
        });
        assert_eq!(got, (0..total).collect::<Vec<_>>(), "{name}: lost or reordered NOPs");
    });
}

#[test]
fn tiny_cq_overflow_loses_nothing() {
    let mut ring = match Ring::builder(4).cq_entries(4).build() {
        Ok(r) => r,
        Err(e) => panic!("CQSIZE ring: {e}"),
    };
    if ring.features() & IORING_FEAT_NODROP == 0 {
        eprintln!("overflow: skipped: kernel lacks IORING_FEAT_NODROP");
        return;
    }
    let total = 64u64;
    let mut next = 0;
    while next < total {
        for _ in 0..4 {
            let sqe = ring.get_sqe().unwrap();
            prep::nop(sqe);
            sqe.user_data = next;
            next += 1;
        }
        // SAFETY: NOPs reference no memory.
        unsafe { ring.submit() }.unwrap();
    }
    let mut seen = Vec::new();
    while (seen.len() as u64) < total {
        let cqe = ring.wait().unwrap();
        seen.push(cqe.user_data());
        cqe.seen();
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..total).collect::<Vec<_>>());
}

#[test]
fn bad_setup_input_is_an_error() {
    assert_eq!(Ring::new(0).err().map(|e| e.errno()), Some(Errno::EINVAL));
    assert_eq!(Ring::new(1 << 20).err().map(|e| e.errno()), Some(Errno::EINVAL));
    assert_eq!(
        Ring::builder(8).flags(1 << 31).build().err().map(|e| e.errno()),
        Some(Errno::EINVAL)
    );
    assert!(Ring::builder(1 << 20).flags(IORING_SETUP_CLAMP).build().is_ok());
}

#[test]
fn many_rings_leave_no_fds_behind() {
    let before = std::fs::read_dir("/proc/self/fd").unwrap().count();
    for _ in 0..500 {
        let mut ring = Ring::new(8).unwrap();
        let sqe = ring.get_sqe().unwrap();
        prep::nop(sqe);
        // SAFETY: NOPs reference no memory.
        unsafe { ring.submit_and_wait(1) }.unwrap();
    }
    let after = std::fs::read_dir("/proc/self/fd").unwrap().count();
    assert!(after <= before + 2, "fds leaked: {before} -> {after}");
}

fn tempfile() -> std::fs::File {
    let path = std::env::temp_dir().join(format!(
        "uring-ring-test-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    f
}

fn pipe() -> (i32, i32) {
    let mut fds = [0; 2];
    // SAFETY: fds has room for two descriptors.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    (fds[0], fds[1])
}

/// The safe API hands out zeroed SQEs: an SQE taken and never prepared is a NOP with
/// user_data 0, not a replay of the slot's previous request (whose buffer may be gone).
#[test]
fn unprepared_sqe_is_a_nop_not_a_replay() {
    let mut ring = Ring::new(1).expect("ring");
    let (rd, wr) = pipe();
    // SAFETY: `wr` is the pipe's write end, open until closed below; the buffer is a
    // static byte string.
    let written = unsafe { libc::write(wr, b"abc".as_ptr().cast(), 3) };
    assert_eq!(written, 3);
    let mut buf = vec![0u8; 3];
    let sqe = ring.get_sqe().expect("free SQE");
    prep::read(sqe, rd, buf.as_mut_ptr().cast(), 3, 0);
    sqe.user_data = 7;
    // SAFETY: `buf` outlives the read: it is reaped just below, before `buf` is dropped.
    unsafe { ring.submit_and_wait(1) }.expect("submit");
    let done = ring.wait().expect("read completion");
    assert_eq!((done.user_data(), done.res()), (7, 3));
    done.seen();
    assert_eq!(&buf, b"abc");
    drop(buf);
    // The one-entry ring hands out the same slot again; leave it unprepared.
    let again = ring.get_sqe().expect("the slot is free again");
    assert_eq!(again.opcode, IORING_OP_NOP);
    assert_eq!(again.user_data, 0);
    // SAFETY: the queued SQE is the zeroed NOP, which references no memory.
    unsafe { ring.submit_and_wait(1) }.expect("submit");
    let nop = ring.wait().expect("completion");
    assert_eq!((nop.user_data(), nop.res()), (0, 0), "the old read must not run again");
    nop.seen();
    // SAFETY: both ends are open fds of this test.
    unsafe { libc::close(rd) };
    // SAFETY: both ends are open fds of this test.
    unsafe { libc::close(wr) };
}
