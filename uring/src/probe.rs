//! Opcode probes: which `IORING_OP_*` the running kernel supports.
//!
//! A probe is `struct io_uring_probe` (16 bytes) followed by 256 `io_uring_probe_op`
//! entries (8 bytes each), 2064 bytes in all, allocated with the C allocator (`calloc`)
//! so that C programs may release it with `io_uring_free_probe` or plain `free()`.
//! Rust code uses [`Probe`], which owns the allocation and frees it on drop.
//!
//! # Invariants
//!
//! * **PROBE-SHAPE**: a probe pointer points to a readable `io_uring_probe` header
//!   followed by at least `ops_len` readable `io_uring_probe_op` entries. Every probe the
//!   kernel filled has that shape: it fills `ops_len = min(nr, ops it knows)` entries of
//!   the `nr` it was given. (`last_op` is no bound: the kernel always reports its own
//!   last opcode there, however few entries the caller's probe has room for.)
//! * **PROBE-ALLOC**: a [`Probe`] owns `p`, a `calloc` block of [`PROBE_SIZE`] bytes
//!   (header + [`PROBE_OPS`] entries), fully initialised (zeroed, then written only by the
//!   kernel inside `register_probe`) and never written after construction; it is freed
//!   exactly once, by `Drop` or by whoever [`Probe::into_raw`] hands it to. Since
//!   `ops_len` is a `u8` and there are 256 entries, a PROBE-ALLOC block is always
//!   PROBE-SHAPE, whatever the kernel wrote.

use core::mem::size_of;
use core::ptr::{self, NonNull};

use crate::errno::Errno;
use crate::register::do_register;
use crate::ring::RingRef;
use crate::sys::{
    io_uring_params, io_uring_probe, io_uring_probe_op, syscall, IORING_REGISTER_PROBE, IO_URING_OP_SUPPORTED,
};

/// How many op entries a library-allocated probe has room for (and asks the kernel for).
pub const PROBE_OPS: u32 = 256;

/// Bytes of a library-allocated probe: header + [`PROBE_OPS`] entries (2064).
pub const PROBE_SIZE: usize = size_of::<io_uring_probe>() + PROBE_OPS as usize * size_of::<io_uring_probe_op>();

/// `io_uring_register_probe`: fill `p` (header + `nr` op entries) with what the kernel
/// supports (`IORING_REGISTER_PROBE`, nr = `nr`). The kernel wants the whole area zeroed
/// (`EINVAL` otherwise) and fills at most as many entries as it knows opcodes.
///
/// # Safety
/// `p` must be NULL or point to `16 + 8 * nr` writable bytes.
#[doc(alias = "io_uring_register_probe")]
pub unsafe fn register_probe(ring: RingRef<'_>, p: *mut io_uring_probe, nr: u32) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads and writes `16 + 8 * nr` bytes at `p`, which by
    // this function's contract are NULL or writable.
    unsafe { do_register(ring, IORING_REGISTER_PROBE, p.cast_const().cast(), nr) }
}

/// `io_uring_opcode_supported`: whether `p` says opcode `op` is supported: false when
/// `op` is negative, above `p.last_op` or not below `p.ops_len` (an entry the probe did
/// not have room for), else the `IO_URING_OP_SUPPORTED` bit of `ops[op]`.
///
/// liburing bounds `op` by `last_op` only. The kernel sets `last_op` to its own last
/// opcode whatever the number of entries it was given, so for a probe registered with
/// fewer entries liburing reads past the probe. Here those ops are "not supported":
/// the answer liburing gives whenever its read stays in bounds, since entries the kernel
/// did not fill are the zeroes it insists on.
///
/// # Safety
/// `p` must satisfy PROBE-SHAPE: a probe header followed by at least `ops_len` entries
/// (any probe the kernel filled).
#[doc(alias = "io_uring_opcode_supported")]
pub unsafe fn opcode_supported(p: *const io_uring_probe, op: i32) -> bool {
    // SAFETY: PROBE-SHAPE (this function's contract): `p` points to a readable header.
    let last = unsafe { (*p).last_op };
    // SAFETY: as above, another field of the readable header.
    let len = unsafe { (*p).ops_len };
    if op < 0 || op > i32::from(last) || op >= i32::from(len) {
        return false;
    }
    // The entries start right after the 16-byte header (`ops` is the flexible array
    // member).
    // SAFETY: PROBE-SHAPE: `p` points to a readable header; the projection forms no
    // reference.
    let ops = unsafe { ptr::addr_of!((*p).ops) }.cast::<io_uring_probe_op>();
    // SAFETY: PROBE-SHAPE: `0 <= op < ops_len` and `ops_len` entries follow the header,
    // so entry `op` is in bounds.
    let entry = unsafe { ops.add(op as usize) };
    // SAFETY: PROBE-SHAPE: `entry` is a readable, aligned, in-bounds entry (above).
    let flags = unsafe { (*entry).flags };
    u32::from(flags) & IO_URING_OP_SUPPORTED != 0
}

/// A probe owned by Rust: allocated with the C allocator, freed on drop.
#[doc(alias = "io_uring_probe")]
pub struct Probe {
    p: NonNull<io_uring_probe>,
}

// SAFETY: PROBE-ALLOC: a Probe is a plain C heap buffer nothing else references; moving
// it to another thread (and freeing it there with `free`) is fine.
unsafe impl Send for Probe {}
// SAFETY: PROBE-ALLOC: the block is never written after construction, and `&Probe`
// methods only read it.
unsafe impl Sync for Probe {}

impl Probe {
    /// A zeroed, unfilled probe with room for [`PROBE_OPS`] entries.
    fn alloc() -> Result<Probe, Errno> {
        // SAFETY: calloc has no preconditions; it returns NULL or a zeroed block of
        // PROBE_SIZE bytes, suitably aligned for any type: PROBE-ALLOC once wrapped.
        let raw = unsafe { libc::calloc(1, PROBE_SIZE) };
        NonNull::new(raw.cast()).map(|p| Probe { p }).ok_or(Errno::ENOMEM)
    }

    /// `io_uring_get_probe_ring`: probe the kernel through `ring`.
    #[doc(alias = "io_uring_get_probe_ring")]
    pub fn for_ring(ring: RingRef<'_>) -> Result<Probe, Errno> {
        let probe = Probe::alloc()?;
        // SAFETY: REG-ARG: PROBE-ALLOC gives `16 + 8 * PROBE_OPS` zeroed, writable bytes
        // that only this call writes. On error `probe` is dropped, which frees it.
        unsafe { register_probe(ring, probe.p.as_ptr(), PROBE_OPS) }?;
        Ok(probe)
    }

    /// `io_uring_get_probe`: probe the kernel through a temporary two-entry ring.
    ///
    /// The ring is created with a bare `io_uring_setup(2)` and closed right after: the
    /// probe needs only the fd, so the ring memory is never mapped.
    #[doc(alias = "io_uring_get_probe")]
    pub fn new() -> Result<Probe, Errno> {
        let mut params = io_uring_params::default();
        // SAFETY: SYSCALL-ARGS: `params` is a zeroed, writable local io_uring_params.
        let fd = Errno::result(unsafe { syscall::io_uring_setup(2, &mut params) })?;
        let probe = Probe::alloc();
        let ret = match &probe {
            // SAFETY: SYSCALL-ARGS: PROBE-ALLOC gives `16 + 8 * PROBE_OPS` zeroed,
            // writable bytes for IORING_REGISTER_PROBE; `fd` is our own ring.
            Ok(pr) => Errno::result(unsafe {
                syscall::io_uring_register(
                    fd as u32,
                    IORING_REGISTER_PROBE,
                    pr.p.as_ptr().cast_const().cast(),
                    PROBE_OPS,
                )
            }),
            Err(e) => Err(*e),
        };
        // The temporary ring is ours alone; a close error cannot affect the result.
        let _ = syscall::close(fd);
        ret?;
        probe
    }

    /// The highest opcode the kernel knows.
    pub fn last_op(&self) -> u8 {
        self.header().last_op
    }

    /// The entries the kernel filled in (`ops_len` of them; index = opcode).
    pub fn ops(&self) -> &[io_uring_probe_op] {
        let len = usize::from(self.header().ops_len).min(PROBE_OPS as usize);
        // SAFETY: PROBE-ALLOC: `p` is a live header; the projection forms no reference.
        let ops = unsafe { ptr::addr_of!((*self.p.as_ptr()).ops) }.cast::<io_uring_probe_op>();
        // SAFETY: PROBE-ALLOC: PROBE_OPS initialised, aligned entries follow the header,
        // never written while `&self` is borrowed; `len` does not exceed PROBE_OPS.
        unsafe { core::slice::from_raw_parts(ops, len) }
    }

    /// Whether opcode `op` (an `IORING_OP_*` value) is supported.
    #[doc(alias = "io_uring_opcode_supported")]
    pub fn is_supported(&self, op: u8) -> bool {
        // SAFETY: PROBE-SHAPE holds for every PROBE-ALLOC block (PROBE_OPS entries
        // exceed any u8 ops_len).
        unsafe { opcode_supported(self.p.as_ptr(), i32::from(op)) }
    }

    /// The raw `io_uring_probe`, still owned by `self`.
    pub fn as_ptr(&self) -> *const io_uring_probe {
        self.p.as_ptr()
    }

    /// Hand the allocation over to C: release it with `io_uring_free_probe` or `free()`.
    pub fn into_raw(self) -> *mut io_uring_probe {
        let p = self.p.as_ptr();
        core::mem::forget(self);
        p
    }

    fn header(&self) -> &io_uring_probe {
        // SAFETY: PROBE-ALLOC: `p` is a live, initialised, aligned header owned by `self`
        // and not written while `&self` is borrowed.
        unsafe { self.p.as_ref() }
    }
}

impl core::fmt::Debug for Probe {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        /// The supported opcodes as a list, formatted straight from the probe (the core
        /// does not allocate).
        struct Supported<'p>(&'p Probe);
        impl core::fmt::Debug for Supported<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_list()
                    .entries(
                        self.0
                            .ops()
                            .iter()
                            .filter(|o| u32::from(o.flags) & IO_URING_OP_SUPPORTED != 0)
                            .map(|o| o.op),
                    )
                    .finish()
            }
        }
        f.debug_struct("Probe")
            .field("last_op", &self.last_op())
            .field("supported", &Supported(self))
            .finish()
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        // SAFETY: PROBE-ALLOC: `p` came from calloc and is freed exactly once, here
        // (into_raw forgets `self` instead).
        unsafe { free_probe(self.p.as_ptr()) }
    }
}

/// `io_uring_free_probe`: release a probe from [`Probe::into_raw`] (or the C getters).
///
/// # Safety
/// `p` must be NULL or a probe allocated by this library and not yet freed.
#[doc(alias = "io_uring_free_probe")]
pub unsafe fn free_probe(p: *mut io_uring_probe) {
    // SAFETY: by this function's contract `p` is NULL (a no-op for free) or a
    // PROBE-ALLOC block from calloc that nothing uses any more.
    unsafe { libc::free(p.cast()) }
}
