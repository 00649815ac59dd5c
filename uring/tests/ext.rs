//! The extensions through the Rust API (docs/extensions.md): names, the builder's
//! `prefer`/`require` fallback, `Ring::stats`, checked mode and the set-up diagnosis.
//! The C side of the same functions is tested by `c-tests/ext_*.c`.

use uring::diagnose::{self, Cause, SetupRequest, SystemFacts};
use uring::probe::Probe;
use uring::sys::*;
use uring::{prep, Errno, Ring};

/// Held by the tests whose set-ups fail: the last failed set-up is recorded per process,
/// and one test reads it back.
static FAILING_SETUPS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A ring, or a printed skip when io_uring is not available at all.
fn ring_or_skip(entries: u32) -> Option<Ring> {
    match Ring::new(entries) {
        Ok(r) => Some(r),
        Err(e) if e.is_unavailable() => {
            println!("SKIP: io_uring is not available: {e}");
            None
        }
        Err(e) => panic!("Ring::new({entries}): {e}"),
    }
}

#[test]
fn every_supported_opcode_has_its_kernel_name() {
    let Some(ring) = ring_or_skip(2) else { return };
    let probe = Probe::for_ring(ring.as_ring_ref()).expect("probe");
    let mut supported = 0;
    for op in 0..=probe.last_op() {
        if probe.is_supported(op) {
            supported += 1;
            assert!(uring::opcode_name(u32::from(op)).is_some(), "opcode {op} has no name");
        }
    }
    assert!(supported > 40, "only {supported} opcodes supported?");
    assert_eq!(uring::opcode_name(u32::from(IORING_OP_SEND_ZC)), Some("SEND_ZC"));
    assert_eq!(uring::opcode_name(u32::from(IORING_OP_LAST)), None);
    assert_eq!(
        uring::setup_flag_name(IORING_SETUP_DEFER_TASKRUN),
        Some("DEFER_TASKRUN")
    );
    assert_eq!(uring::feature_name(IORING_FEAT_EXT_ARG), Some("EXT_ARG"));
    assert_eq!(uring::register_op_name(IORING_REGISTER_PROBE), Some("REGISTER_PROBE"));
    for bit in 0..32 {
        if ring.features() & (1 << bit) != 0 {
            assert!(uring::feature_name(1 << bit).is_some(), "feature bit {bit} has no name");
        }
    }
}

#[test]
fn prefer_drops_what_the_kernel_refuses_and_require_keeps() {
    if ring_or_skip(2).is_none() {
        return;
    }
    let _serial = FAILING_SETUPS.lock().unwrap_or_else(|e| e.into_inner());
    // DEFER_TASKRUN cannot be combined with SQPOLL: the kernel refuses the set, so the
    // optional DEFER_TASKRUN (first in the drop order) goes and the rest is granted.
    let ring = Ring::builder(8)
        .require(IORING_SETUP_SQPOLL)
        .prefer(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER)
        .build()
        .expect("fallback set-up");
    let granted = ring.setup_flags().bits() & !IORING_SETUP_NO_SQARRAY;
    assert_eq!(granted, IORING_SETUP_SQPOLL | IORING_SETUP_SINGLE_ISSUER);
    assert_eq!(ring.params().flags, ring.setup_flags().bits());
    drop(ring);

    // The other way round: SQPOLL optional goes.
    let ring = Ring::builder(8)
        .prefer(IORING_SETUP_SQPOLL)
        .require(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER)
        .build()
        .expect("fallback set-up");
    assert_eq!(
        ring.setup_flags().bits() & !IORING_SETUP_NO_SQARRAY,
        IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER
    );
    drop(ring);

    // require() after prefer() makes the flag required: nothing optional is left.
    let err = Ring::builder(8)
        .prefer(IORING_SETUP_SQPOLL)
        .require(IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER)
        .build()
        .expect_err("an impossible required set fails");
    assert_eq!(err.errno(), Errno::EINVAL);

    // Without prefer(), flags() is exact as before: the same request fails.
    let err = Ring::builder(8)
        .flags(IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER)
        .build()
        .expect_err("exact set-up of a refused combination fails");
    assert_eq!(err.errno(), Errno::EINVAL);
}

#[test]
fn stats_follow_the_rings() {
    let Some(mut ring) = ring_or_skip(8) else { return };
    let st = ring.stats();
    assert_eq!(
        (st.sq_entries, st.cq_entries, st.sq_unsubmitted, st.sq_space),
        (8, 16, 0, 8)
    );
    for ud in 0..3 {
        let sqe = ring.get_sqe().expect("free SQE");
        prep::nop(sqe);
        sqe.user_data = ud;
    }
    let st = ring.stats();
    assert_eq!((st.sq_unsubmitted, st.sq_space, st.cq_ready), (3, 5, 0));
    // SAFETY: SQE-MEM: NOPs reference no memory.
    assert_eq!(unsafe { ring.submit() }, Ok(3));
    let st = ring.stats();
    assert_eq!((st.sq_unsubmitted, st.sq_space, st.cq_ready), (0, 8, 3));
    for _ in 0..3 {
        ring.wait().expect("completion").seen();
    }
    assert_eq!(ring.stats().cq_ready, 0);
}

#[test]
fn checked_mode_refuses_a_bad_batch_and_passes_good_ones() {
    let Some(mut ring) = ring_or_skip(8) else { return };
    assert!(!ring.is_checked() || std::env::var_os("URING_CHECK").is_some());
    ring.set_checked(true);
    assert!(ring.is_checked());
    assert_eq!(ring.stats().checked, 1);

    // A write whose buffer was forgotten, after a valid NOP.
    let sqe = ring.get_sqe().expect("free SQE");
    prep::nop(sqe);
    sqe.user_data = 1;
    let sqe = ring.get_sqe().expect("free SQE");
    prep::write(sqe, 1, std::ptr::null(), 16, 0);
    sqe.user_data = 2;
    // SAFETY: SQE-MEM: the NOP references nothing; the write is refused before the
    // kernel sees it (and a NULL buffer would be refused by the kernel anyway).
    assert_eq!(unsafe { ring.submit() }, Err(Errno::EINVAL));
    assert_eq!(ring.sq_ready(), 0, "the refused batch is discarded");
    assert!(ring.peek().expect("peek").is_none(), "nothing was submitted");

    // A valid batch goes through.
    let sqe = ring.get_sqe().expect("free SQE");
    prep::nop(sqe);
    sqe.user_data = 3;
    // SAFETY: SQE-MEM: a NOP references no memory.
    assert_eq!(unsafe { ring.submit() }, Ok(1));
    assert_eq!(ring.wait().expect("completion").user_data(), 3);

    assert!(ring.set_checked(false));
    assert!(!ring.is_checked());

    // Builder::checked sets it at build time.
    let ring = Ring::builder(4).checked(true).build().expect("ring");
    assert!(ring.is_checked());
}

#[test]
fn diagnosis_of_a_real_failed_setup_names_the_rule() {
    if ring_or_skip(2).is_none() {
        return;
    }
    let _serial = FAILING_SETUPS.lock().unwrap_or_else(|e| e.into_inner());
    let err = Ring::builder(8)
        .flags(IORING_SETUP_DEFER_TASKRUN)
        .build()
        .expect_err("DEFER_TASKRUN without SINGLE_ISSUER fails");
    let (errno, request) = diagnose::last_failed_setup().expect("the failed set-up was recorded");
    assert_eq!(errno, err.errno().raw());
    assert!(request.flags & IORING_SETUP_DEFER_TASKRUN != 0);
    let d = diagnose::diagnose(errno, Some(&request), &SystemFacts::read());
    assert!(matches!(d.cause, Cause::FlagCombination { .. }), "{d:?}");
    let text = d.to_string();
    assert!(text.contains("needs IORING_SETUP_SINGLE_ISSUER"), "{text}");
    assert!(text.ends_with("(EINVAL, errno 22)"), "{text}");
}

#[test]
fn every_cause_has_its_own_text() {
    let facts = SystemFacts {
        io_uring_disabled: Some(1),
        io_uring_group: Some(42),
        in_io_uring_group: Some(false),
        seccomp: Some(0),
        cap_sys_admin: Some(false),
        memlock: Some((8 << 20, 8 << 20)),
        nr_hugepages: Some(0),
    };
    let req = |entries, flags, cq_entries| SetupRequest {
        entries,
        flags,
        cq_entries,
    };
    let cases: &[(i32, Option<SetupRequest>, SystemFacts, &str, &str)] = &[
        (libc::ENOSYS, None, facts, "not-built-in", "built without it"),
        (
            libc::ENOSYS,
            None,
            SystemFacts {
                seccomp: Some(2),
                ..facts
            },
            "blocked-by-seccomp",
            "Seccomp: 2",
        ),
        (
            libc::EPERM,
            None,
            SystemFacts {
                io_uring_disabled: Some(2),
                ..facts
            },
            "disabled-by-sysctl",
            "io_uring_disabled is 2",
        ),
        (libc::EPERM, None, facts, "not-in-io-uring-group", "gid 42"),
        (libc::EACCES, None, facts, "security-policy", "security module"),
        (libc::ENOMEM, Some(req(4096, 0, 0)), facts, "locked-memory", "now 8 MiB"),
        (
            libc::ENOMEM,
            Some(req(4096, IORING_SETUP_NO_MMAP, 0)),
            facts,
            "locked-memory",
            "vm.nr_hugepages is 0",
        ),
        (libc::EINVAL, Some(req(0, 0, 0)), facts, "no-entries", "entries is 0"),
        (
            libc::EINVAL,
            Some(req(40000, 0, 0)),
            facts,
            "too-many-entries",
            "40000 entries",
        ),
        (
            libc::EINVAL,
            Some(req(8, IORING_SETUP_CQSIZE, 3)),
            facts,
            "bad-cq-size",
            "cq_entries 3",
        ),
        (
            libc::EINVAL,
            Some(req(8, 1 << 29, 0)),
            facts,
            "unknown-flags",
            "0x20000000",
        ),
        (
            libc::EINVAL,
            Some(req(8, IORING_SETUP_SQ_AFF, 0)),
            facts,
            "flag-combination",
            "IORING_SETUP_SQ_AFF needs IORING_SETUP_SQPOLL",
        ),
        (
            libc::EINVAL,
            Some(req(8, IORING_SETUP_NO_SQARRAY, 0)),
            facts,
            "unsupported-flag",
            "(NO_SQARRAY) is newer",
        ),
        (libc::EMFILE, None, facts, "no-file-descriptors", "RLIMIT_NOFILE"),
        (libc::EFAULT, None, facts, "bad-address", "not valid memory"),
        (libc::EXDEV, None, facts, "other", "could not be set up"),
    ];
    let mut texts = Vec::new();
    for (errno, request, facts, id, needle) in cases {
        let d = diagnose::diagnose(-errno, request.as_ref(), facts);
        assert_eq!(d.cause.id(), *id, "errno {errno} {request:?}");
        let text = d.to_string();
        assert!(text.contains(needle), "{id}: {text:?} lacks {needle:?}");
        assert!(text.contains(&format!("errno {errno})")), "{text}");
        // The same text through a fixed buffer (what the C function writes).
        let mut buf = [0u8; 1024];
        let n = d.write_nul(&mut buf);
        assert_eq!(&buf[..n], text.as_bytes());
        assert_eq!(buf[n], 0);
        texts.push(text);
    }
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), cases.len(), "two causes share a text");
}

/// One bad SQE per rule after a valid NOP, through the Rust API: the submit is refused
/// with EINVAL, nothing is pending or completed afterwards, and the ring still works.
/// (The stderr line of each is checked by c-tests/ext_checked_rules.c.)
#[test]
fn checked_mode_catches_each_rule_through_the_rust_api() {
    if ring_or_skip(2).is_none() {
        return;
    }
    let mut ring = Ring::builder(8).checked(true).build().expect("ring");
    let (rd, wr) = {
        let mut fds = [0i32; 2];
        // SAFETY: pipe writes two descriptors into the live local array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        (fds[0], fds[1])
    };
    let mut buf = [0u8; 16];
    let bufp = buf.as_mut_ptr().cast::<libc::c_void>();
    type Prep = Box<dyn Fn(&mut io_uring_sqe)>;
    let cases: Vec<(&str, Prep)> = vec![
        ("unknown opcode", Box::new(|s| s.opcode = IORING_OP_LAST + 1)),
        ("unknown IOSQE flag", Box::new(|s| s.flags = 0x80)),
        (
            "BUFFER_SELECT on write",
            Box::new(move |s| {
                prep::write(s, wr, bufp, 16, 0);
                s.flags = IOSQE_BUFFER_SELECT;
            }),
        ),
        ("FIXED_FILE on NOP", Box::new(|s| s.flags = IOSQE_FIXED_FILE)),
        (
            "FIXED_FD_INSTALL without FIXED_FILE",
            Box::new(|s| {
                prep::fixed_fd_install(s, 0, 0);
                s.flags &= !IOSQE_FIXED_FILE;
            }),
        ),
        (
            "multishot recv without buffer select",
            Box::new(move |s| prep::recv_multishot(s, rd, std::ptr::null_mut(), 0, 0)),
        ),
        (
            "multishot with CQE_SKIP_SUCCESS",
            Box::new(move |s| {
                prep::poll_multishot(s, rd, libc::POLLIN as u32);
                s.flags |= IOSQE_CQE_SKIP_SUCCESS;
            }),
        ),
        // Not a number that was just closed, which a parallel test thread may reuse: no fd
        // table reaches i32::MAX (`fs.nr_open` is at most 2^31 - 64).
        ("closed fd", Box::new(move |s| prep::read(s, i32::MAX, bufp, 16, 0))),
        (
            "fixed index without registered files",
            Box::new(move |s| {
                prep::read(s, 0, bufp, 16, 0);
                s.flags |= IOSQE_FIXED_FILE;
            }),
        ),
        (
            "NULL buffer",
            Box::new(move |s| prep::write(s, wr, std::ptr::null(), 16, 0)),
        ),
        (
            "timeout without timespec",
            Box::new(|s| prep::timeout(s, std::ptr::null(), 0, 0)),
        ),
        ("unterminated link", Box::new(|s| s.flags = IOSQE_IO_LINK)),
    ];
    for (what, prepare) in &cases {
        let sqe = ring.get_sqe().expect("free SQE");
        prep::nop(sqe);
        sqe.user_data = 1;
        let sqe = ring.get_sqe().expect("free SQE");
        prep::nop(sqe);
        prepare(sqe);
        sqe.user_data = 2;
        // SAFETY: SQE-MEM: the batch is refused before the kernel sees it (the assert
        // below), and `buf` outlives the ring anyway.
        let got = unsafe { ring.submit() };
        assert_eq!(got, Err(Errno::EINVAL), "{what}");
        assert_eq!(ring.sq_ready(), 0, "{what}: the batch is discarded");
        assert!(ring.peek().expect("peek").is_none(), "{what}: nothing was submitted");
    }
    // The ring still works.
    let sqe = ring.get_sqe().expect("free SQE");
    prep::nop(sqe);
    sqe.user_data = 3;
    // SAFETY: SQE-MEM: a NOP references no memory.
    assert_eq!(unsafe { ring.submit() }, Ok(1));
    assert_eq!(ring.wait().expect("completion").user_data(), 3);
    drop(ring);
    // SAFETY: closing the two descriptors this test opened.
    unsafe {
        libc::close(rd);
    }
    // SAFETY: as above.
    unsafe {
        libc::close(wr);
    }
}
