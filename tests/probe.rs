//! Opcode probes against the running kernel: the probe agrees with itself (ring vs
//! temporary ring), with the kernel (an op it calls unsupported is refused), and the C
//! exports allocate with the C allocator (plain `free()` releases them).

use std::ptr;

use uring::probe::{self, Probe, PROBE_OPS, PROBE_SIZE};
use uring::ring::io_uring;
use uring::sys::*;
use uring::Errno;

extern "C" {
    fn io_uring_get_probe() -> *mut io_uring_probe;
    fn io_uring_get_probe_ring(ring: *mut io_uring) -> *mut io_uring_probe;
    fn io_uring_free_probe(probe: *mut io_uring_probe);
    fn io_uring_opcode_supported(p: *const io_uring_probe, op: i32) -> i32;
    fn io_uring_register_probe(ring: *mut io_uring, p: *mut io_uring_probe, nr: u32) -> i32;
}

struct Ring(io_uring);

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: set up once, torn down once.
        unsafe { uring::setup::queue_exit(&mut self.0) }
    }
}

fn ring() -> Option<Ring> {
    let mut r = io_uring::zeroed();
    // SAFETY: a fresh ring struct.
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
    // SAFETY: a set-up ring.
    let sqe = unsafe { uring::submit::get_sqe(&mut ring.0) };
    assert!(!sqe.is_null());
    // SAFETY: a fresh SQE slot.
    unsafe {
        *sqe = io_uring_sqe::zeroed();
        (*sqe).opcode = opcode;
        (*sqe).fd = -1;
        (*sqe).user_data = 0x900 + u64::from(opcode);
    }
    let mut cqe = ptr::null_mut();
    // SAFETY: a set-up ring.
    assert_eq!(unsafe { uring::submit::submit_and_wait(&mut ring.0, 1) }, Ok(1));
    // SAFETY: as above.
    assert_eq!(unsafe { uring::cq::wait_cqe(&mut ring.0, &mut cqe) }, 0);
    // SAFETY: the head CQE, copied before release.
    let c = unsafe { *cqe };
    // SAFETY: as above.
    unsafe { uring::cq::cqe_seen(&mut ring.0, &c) };
    assert_eq!(c.user_data, 0x900 + u64::from(opcode));
    c.res
}

#[test]
fn probe_agrees_with_itself_and_the_kernel() {
    let mut ring = ring_or_skip!();
    let p = Probe::for_ring(&ring.0).expect("probe through a ring");
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
    unsafe {
        assert!(!probe::opcode_supported(p.as_ptr(), -1));
        assert!(probe::opcode_supported(p.as_ptr(), 0));
        assert!(!probe::opcode_supported(p.as_ptr(), 256));
    }
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
    assert_eq!(unsafe { probe::register_probe(&ring.0, p, 4) }, Ok(0));
    let full = Probe::for_ring(&ring.0).unwrap();
    // SAFETY: the header was written by the kernel.
    let (last, len) = unsafe { ((*p).last_op, (*p).ops_len) };
    assert_eq!((last, len), (full.last_op(), 4));
    // Entry 4 was not touched.
    assert!(buf.0[16 + 4 * 8..16 + 5 * 8].iter().all(|&b| b == 0));

    // The kernel insists on a zeroed probe.
    let mut dirty = Buf([0; PROBE_SIZE]);
    dirty.0[16 + 8 * 10] = 1;
    // SAFETY: as above.
    assert_eq!(
        unsafe { probe::register_probe(&ring.0, dirty.0.as_mut_ptr().cast(), PROBE_OPS) },
        Err(Errno::EINVAL)
    );
    // NULL.
    // SAFETY: the kernel refuses NULL.
    let r = unsafe { probe::register_probe(&ring.0, ptr::null_mut(), 4) };
    assert!(r == Err(Errno::EFAULT) || r == Err(Errno::EINVAL), "{r:?}");
}

#[test]
fn c_exports_use_the_c_allocator() {
    let mut ring = ring_or_skip!();
    // SAFETY: plain calls into our C exports with valid or NULL arguments.
    unsafe {
        let p = io_uring_get_probe();
        assert!(!p.is_null());
        assert_eq!(io_uring_opcode_supported(p, i32::from(IORING_OP_NOP)), 1);
        assert_eq!(io_uring_opcode_supported(p, -5), 0);
        assert_eq!(io_uring_opcode_supported(p, i32::from((*p).last_op) + 1), 0);
        assert_eq!(io_uring_opcode_supported(ptr::null(), 0), 0);
        // Released with plain free(): it came from the C allocator.
        libc::free(p.cast());

        let p = io_uring_get_probe_ring(&mut ring.0);
        assert!(!p.is_null());
        assert_eq!(io_uring_opcode_supported(p, i32::from(IORING_OP_READ)), 1);
        io_uring_free_probe(p);
        io_uring_free_probe(ptr::null_mut());

        assert!(io_uring_get_probe_ring(ptr::null_mut()).is_null());
        assert_eq!(
            io_uring_register_probe(ptr::null_mut(), ptr::null_mut(), 0),
            -libc::EINVAL
        );

        // A probe on a closed ring fails cleanly: NULL, nothing leaked.
        let mut closed = io_uring::zeroed();
        closed.ring_fd = -1;
        closed.enter_ring_fd = -1;
        assert!(io_uring_get_probe_ring(&mut closed).is_null());
    }
    // The Rust type hands its allocation over and takes none back.
    let raw = Probe::new().unwrap().into_raw();
    // SAFETY: from into_raw, freed once.
    unsafe { probe::free_probe(raw) };
}
