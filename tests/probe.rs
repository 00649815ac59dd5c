//! Opcode probes against the running kernel: the probe agrees with itself (ring vs
//! temporary ring), with the kernel (an op it calls unsupported is refused), and the C
//! exports allocate with the C allocator (plain `free()` releases them).

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use std::ptr::{self, NonNull};

use uring::probe as rust_probe;
use uring::probe::{Probe, PROBE_OPS, PROBE_SIZE};
use uring::ring::{io_uring, CompletionSide, RingRef, SubmissionSide};
use uring::sys::*;
use uring::Errno;

// The C library compiled into this test, and its exports declared from
// api/functions.toml (see tests/generated/).
include!("support/c_library.rs");
include!("generated/capi.rs");

/// A ring set up by [`ring`].
///
/// Invariant **TEST-RING**: `self.0` is SET-UP (see [`io_uring`]) from `ring()` until
/// `Drop`; no exclusive operation runs on it in between.
struct Ring(io_uring);

impl Ring {
    /// A shared handle, for register calls and probes.
    fn r(&self) -> RingRef<'_> {
        // SAFETY: TEST-RING: `self.0` is SET-UP while `self` is borrowed, and the shared
        // borrow keeps the exclusive operations (which need `&mut self`) away; the handle
        // only reads the struct.
        unsafe { RingRef::from_ptr(NonNull::from(&self.0)) }
    }

    /// Both sides of the ring; they borrow it exclusively.
    fn sides(&mut self) -> (SubmissionSide<'_>, CompletionSide<'_>) {
        // SAFETY: TEST-RING: `self.0` is SET-UP for the borrow, which is exclusive.
        let ring = unsafe { self.0.as_ring_ref() };
        // SAFETY: SQ-OWNER: the sides hold `&mut self`, and this is the only submission
        // side made from it.
        let sq = unsafe { SubmissionSide::new(ring) };
        // SAFETY: CQ-OWNER: as above, the only completion side.
        let cq = unsafe { CompletionSide::new(ring) };
        (sq, cq)
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: TEST-RING: set up once, torn down once, and `&mut self` means no handle
        // or side of it is alive.
        unsafe { uring::setup::queue_exit(&mut self.0) }
    }
}

fn ring() -> Option<Ring> {
    let mut r = io_uring::zeroed();
    // SAFETY: a fresh ring struct nothing else refers to; on success it is SET-UP.
    match unsafe { uring::setup::queue_init(4, &mut r, 0) } {
        Ok(()) => Some(Ring(r)),
        Err(e) => {
            println!("SKIP: io_uring not available ({e})");
            None
        }
    }
}

macro_rules! ring_or_skip {
    () => {
        match ring() {
            Some(r) => r,
            None => return,
        }
    };
}

/// Submit one SQE with `opcode` (everything else zero) and return the CQE's res.
fn submit_opcode(ring: &mut Ring, opcode: u8) -> i32 {
    let (mut sq, mut cq) = ring.sides();
    let sqe = sq.get_sqe().expect("SQ full");
    // SAFETY: SQ-OWNER: a slot just handed out is `sq`'s alone until it is submitted.
    let sqe = unsafe { &mut *sqe.as_ptr() };
    *sqe = io_uring_sqe::zeroed();
    sqe.opcode = opcode;
    sqe.fd = -1;
    sqe.user_data = 0x900 + u64::from(opcode);
    // SAFETY: the SQE names no memory (every address and length in it is zero).
    assert_eq!(unsafe { sq.submit_and_wait(1) }, Ok(1));
    let waited = cq.wait_cqe();
    assert_eq!(waited.result, Ok(0));
    let cqe = waited.cqe.expect("wait_cqe: Ok without a CQE");
    // SAFETY: CQ-OWNER: `cqe` is a published CQE at the head, which the kernel does not
    // write again until `cq` moves the head past it; copied before that.
    let c = unsafe { cqe.read() };
    // SAFETY: CQ-OWNER: `cqe` was peeked by `cq` and is not consumed yet.
    unsafe { cq.cqe_seen(cqe) };
    assert_eq!(c.user_data, 0x900 + u64::from(opcode));
    c.res
}

#[test]
fn probe_agrees_with_itself_and_the_kernel() {
    let mut ring = ring_or_skip!();
    let p = Probe::for_ring(ring.r()).expect("probe through a ring");
    let q = Probe::new().expect("probe through a temporary ring");
    assert_eq!(p.last_op(), q.last_op());
    assert_eq!(format!("{p:?}"), format!("{q:?}"));

    // The kernel fills one entry per opcode it knows, indexed by opcode.
    let ops = p.ops();
    assert_eq!(ops.len(), usize::from(p.last_op()) + 1);
    for (i, o) in ops.iter().enumerate() {
        assert_eq!(usize::from(o.op), i);
    }
    for op in [
        IORING_OP_NOP,
        IORING_OP_READV,
        IORING_OP_READ,
        IORING_OP_WRITE,
        IORING_OP_ASYNC_CANCEL,
    ] {
        assert!(p.is_supported(op), "opcode {op} reported unsupported");
    }
    assert_eq!(submit_opcode(&mut ring, IORING_OP_NOP), 0);

    // Past the last op: unsupported per the probe, and refused by the kernel.
    let past = p.last_op().checked_add(1).expect("last_op 255");
    assert!(!p.is_supported(past));
    assert_eq!(submit_opcode(&mut ring, past), -libc::EINVAL);
    if !p.is_supported(IORING_OP_LAST) {
        assert_eq!(submit_opcode(&mut ring, IORING_OP_LAST), -libc::EINVAL);
    }
    assert!(!p.is_supported(255));
    // Known to the kernel but unsupported (compiled out): refused before anything runs.
    for o in ops.iter().filter(|o| u32::from(o.flags) & IO_URING_OP_SUPPORTED == 0) {
        let res = submit_opcode(&mut ring, o.op);
        assert!(
            res == -libc::EOPNOTSUPP || res == -libc::EINVAL,
            "unsupported op {} gave {res}",
            o.op
        );
    }
    // SAFETY: the probe has PROBE_OPS entries.
    assert!(!unsafe { rust_probe::opcode_supported(p.as_ptr(), -1) });
    // SAFETY: the probe has PROBE_OPS entries.
    assert!(unsafe { rust_probe::opcode_supported(p.as_ptr(), 0) });
    // SAFETY: the probe has PROBE_OPS entries.
    assert!(!unsafe { rust_probe::opcode_supported(p.as_ptr(), 256) });
}

#[test]
fn register_probe_rules() {
    let ring = ring_or_skip!();
    // A short probe: only `nr` entries are filled, last_op is still the kernel's.
    #[repr(C, align(8))]
    struct Buf([u8; PROBE_SIZE]);
    let mut buf = Buf([0; PROBE_SIZE]);
    let p = buf.0.as_mut_ptr().cast::<io_uring_probe>();
    // SAFETY: `buf` holds a header and PROBE_OPS entries, zeroed.
    assert_eq!(unsafe { rust_probe::register_probe(ring.r(), p, 4) }, Ok(0));
    let full = Probe::for_ring(ring.r()).unwrap();
    // SAFETY: `p` points into `buf`; the header was written by the kernel.
    let header = unsafe { p.read() };
    let (last, len) = (header.last_op, header.ops_len);
    assert_eq!((last, len), (full.last_op(), 4));
    // Entry 4 was not touched.
    assert!(buf.0[16 + 4 * 8..16 + 5 * 8].iter().all(|&b| b == 0));

    // The kernel insists on a zeroed probe.
    let mut dirty = Buf([0; PROBE_SIZE]);
    dirty.0[16 + 8 * 10] = 1;
    assert_eq!(
        // SAFETY: `p` points into `buf`; the header was written by the kernel.
        unsafe { rust_probe::register_probe(ring.r(), dirty.0.as_mut_ptr().cast(), PROBE_OPS) },
        Err(Errno::EINVAL)
    );
    // NULL.
    // SAFETY: the kernel refuses NULL.
    let r = unsafe { rust_probe::register_probe(ring.r(), ptr::null_mut(), 4) };
    assert!(r == Err(Errno::EFAULT) || r == Err(Errno::EINVAL), "{r:?}");
}

#[test]
fn c_exports_use_the_c_allocator() {
    let mut ring = ring_or_skip!();
    // SAFETY: no arguments.
    let p = unsafe { io_uring_get_probe() };
    assert!(!p.is_null());
    // SAFETY: `p` is a live probe from io_uring_get_probe.
    assert_eq!(unsafe { io_uring_opcode_supported(p, i32::from(IORING_OP_NOP)) }, 1);
    // SAFETY: `p` is a live probe from io_uring_get_probe.
    assert_eq!(unsafe { io_uring_opcode_supported(p, -5) }, 0);
    // SAFETY: as above; the header is readable.
    let last_op = unsafe { (*p).last_op };
    // SAFETY: `p` is a live probe from io_uring_get_probe.
    assert_eq!(unsafe { io_uring_opcode_supported(p, i32::from(last_op) + 1) }, 0);
    // SAFETY: NULL is accepted (and answered with 0).
    assert_eq!(unsafe { io_uring_opcode_supported(ptr::null(), 0) }, 0);
    // Released with plain free(): it came from the C allocator.
    // SAFETY: `p` came from the C allocator and is freed once.
    unsafe { libc::free(p.cast()) };

    // SAFETY: TEST-RING: `ring.0` is SET-UP, and `&mut ring.0` keeps every handle and
    // side of it away during the call.
    let p = unsafe { io_uring_get_probe_ring(&mut ring.0) };
    assert!(!p.is_null());
    // SAFETY: `p` is a live probe from io_uring_get_probe_ring.
    assert_eq!(unsafe { io_uring_opcode_supported(p, i32::from(IORING_OP_READ)) }, 1);
    // SAFETY: as above, freed once.
    unsafe { io_uring_free_probe(p) };
    // SAFETY: NULL is accepted (a no-op).
    unsafe { io_uring_free_probe(ptr::null_mut()) };

    // SAFETY: NULL is refused with NULL.
    assert!(unsafe { io_uring_get_probe_ring(ptr::null_mut()) }.is_null());
    assert_eq!(
        // SAFETY: a NULL ring is refused with -EINVAL.
        unsafe { io_uring_register_probe(ptr::null_mut(), ptr::null_mut(), 0) },
        -libc::EINVAL
    );

    // A probe on a closed ring fails cleanly: NULL, nothing leaked.
    let mut closed = io_uring::zeroed();
    closed.ring_fd = -1;
    closed.enter_ring_fd = -1;
    // SAFETY: a valid (never set up) struct; the C export only registers through its fd.
    assert!(unsafe { io_uring_get_probe_ring(&mut closed) }.is_null());
    // The Rust type hands its allocation over and takes none back.
    let raw = Probe::new().unwrap().into_raw();
    // SAFETY: from into_raw, freed once.
    unsafe { rust_probe::free_probe(raw) };
}
