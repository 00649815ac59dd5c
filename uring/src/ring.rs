//! liburing's own ring state: `struct io_uring`, `io_uring_sq`, `io_uring_cq`.
//!
//! C programs allocate `struct io_uring` themselves and read its fields directly (and
//! binaries built against older liburing headers inline code that does), so the layout
//! is ABI: it is liburing 2.15's, field for field, pads included. All ring logic in this
//! crate works on this struct; there is no second copy of the state.
//!
//! # Threading: who may touch what
//!
//! liburing lets one thread submit while another reaps, and C code reads the struct while
//! our functions run. The core therefore never forms a `&` or `&mut` reference to a whole
//! `io_uring` in a function that may run concurrently with the other side. It reaches the
//! struct through three handles, each of which states the part it may touch:
//!
//! * [`RingRef`]: shared, read-only access to the fields set up once (pointers, masks,
//!   flags, fds), plus atomic access to the kernel-shared words. Register calls, probes
//!   and queries use it.
//! * [`SubmissionSide`]: a `RingRef` plus ownership of the submission-local state
//!   (`sq.sqe_head`, `sq.sqe_tail`) and of the SQE slots it hands out.
//! * [`CompletionSide`]: a `RingRef` plus the right to read published CQEs and to
//!   advance the CQ head.
//!
//! Operations that rewrite the set-up fields (setup, exit, resize, ring-fd registration,
//! `set_iowait`) take `&mut io_uring`: like liburing, they must not run concurrently with
//! anything else on the ring.
#![allow(non_camel_case_types)]

use core::marker::PhantomData;
use core::ptr::{self, NonNull};

use crate::sys::{io_uring_cqe, io_uring_sqe, io_uring_zcrx_rqe, IORING_SETUP_CQE32, IORING_SETUP_SQE128};

/// `struct io_uring_sq`: the submission queue as the library sees it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct io_uring_sq {
    /// Kernel SQ head (consumer index, written by the kernel).
    pub khead: *mut u32,
    /// Kernel SQ tail (producer index, written by us).
    pub ktail: *mut u32,
    /// Deprecated: use `ring_mask`.
    pub kring_mask: *mut u32,
    /// Deprecated: use `ring_entries`.
    pub kring_entries: *mut u32,
    /// `IORING_SQ_*` flags word.
    pub kflags: *mut u32,
    pub kdropped: *mut u32,
    /// SQ index array; NULL with `IORING_SETUP_NO_SQARRAY`.
    pub array: *mut u32,
    pub sqes: *mut io_uring_sqe,
    /// The tail value last published to the kernel.
    pub sqe_head: u32,
    /// The next free SQE index (advanced by `io_uring_get_sqe`).
    pub sqe_tail: u32,
    /// Length of the SQ ring mapping (0 when there is nothing of ours to unmap).
    pub ring_sz: usize,
    pub ring_ptr: *mut core::ffi::c_void,
    pub ring_mask: u32,
    pub ring_entries: u32,
    /// Byte length of the SQE mapping.
    pub sqes_sz: u32,
    pub pad: u32,
}

/// `struct io_uring_cq`: the completion queue as the library sees it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct io_uring_cq {
    /// CQ head (consumer index, written by us).
    pub khead: *mut u32,
    /// CQ tail (producer index, written by the kernel).
    pub ktail: *mut u32,
    pub kring_mask: *mut u32,
    pub kring_entries: *mut u32,
    /// `IORING_CQ_*` flags word; NULL when the kernel has none.
    pub kflags: *mut u32,
    pub koverflow: *mut u32,
    pub cqes: *mut io_uring_cqe,
    pub ring_sz: usize,
    pub ring_ptr: *mut core::ffi::c_void,
    pub ring_mask: u32,
    pub ring_entries: u32,
    pub pad: [u32; 2],
}

/// `struct io_uring`: one ring.
///
/// # Invariants
///
/// The core's SAFETY comments cite these by name.
///
/// * **SET-UP**: the struct was filled by a successful setup (`queue_init*`,
///   `queue_mmap`) and not yet torn down by `queue_exit`. Then `sq.khead`, `sq.ktail`,
///   `sq.kflags`, `sq.kdropped`, `cq.khead`, `cq.ktail`, `cq.koverflow` point to 4-byte
///   aligned words of the live ring mapping (`cq.kflags` and `sq.array` may be NULL);
///   `sq.sqes` holds `sq.ring_entries << sqe_shift` 64-byte slots and `cq.cqes` holds
///   `cq.ring_entries << cqe_shift` 16-byte slots; both entry counts are powers of two
///   and the masks are `entries - 1`; `sqe_shift`/`cqe_shift` are the cached
///   `pad[PAD_SQE_SHIFT]`/`pad[PAD_CQE_SHIFT]`, which setup sets from `flags` (see
///   [`io_uring::set_flags`]). None of these fields, nor `flags`, `features`, `ring_fd`,
///   `enter_ring_fd`, `int_flags` and `pad`, changes while a [`RingRef`] is in use.
/// * **SQ-OWNER**: at most one [`SubmissionSide`] exists at a time. It alone reads and
///   writes `sq.sqe_head`/`sq.sqe_tail`, writes the kernel's SQ tail and writes the SQE
///   slots from `sqe_head` up to `sqe_tail`, which the kernel does not read before they
///   are published (tail - head < entries keeps them apart from the slots it reads).
/// * **CQ-OWNER**: at most one [`CompletionSide`] exists at a time. It alone writes the
///   CQ head. The CQEs between the head and an acquired tail are published: the kernel
///   does not write them again until the head moves past them.
/// * **KERNEL-WORDS**: the words behind `k*` pointers are shared with the kernel (and with
///   the other side) and are only accessed through [`crate::barrier`] atomics.
#[repr(C)]
#[derive(Debug)]
pub struct io_uring {
    pub sq: io_uring_sq,
    pub cq: io_uring_cq,
    /// The setup flags actually used (including a NO_SQARRAY the library added).
    pub flags: u32,
    /// The ring fd, or -1 (REGISTERED_FD_ONLY rings, or after `io_uring_close_ring_fd`).
    pub ring_fd: i32,
    /// `IORING_FEAT_*` reported by the kernel.
    pub features: u32,
    /// The fd passed to `io_uring_enter`: the ring fd or its registered index.
    pub enter_ring_fd: i32,
    /// Private library bits (`INT_FLAG_*`).
    pub int_flags: u8,
    /// Private to the library, do not write: `pad[0]` and `pad[1]` cache the SQE and
    /// CQE slot shifts of `flags` (1 on `IORING_SETUP_SQE128` / `IORING_SETUP_CQE32`
    /// rings, else 0), set together with `flags` at setup, so that handing out an SQE or
    /// reading a CQE loads the shift instead of deriving it (two instructions fewer).
    /// liburing leaves these bytes unused, so code built against its header never reads
    /// them. A `struct io_uring` is valid only as setup filled it: copy it whole
    /// (assignment, `memcpy`), never field by field, and never write these bytes; a
    /// wrong value makes the library address SQEs and CQEs out of bounds.
    pub pad: [u8; 3],
    pub pad2: u32,
}

/// `struct io_uring_cqe_iter`: a snapshot of the ready CQEs.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct io_uring_cqe_iter {
    pub cqes: *mut io_uring_cqe,
    pub mask: u32,
    pub shift: u32,
    pub head: u32,
    pub tail: u32,
}

/// `struct io_uring_zcrx_rq`: a zero-copy receive refill queue.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct io_uring_zcrx_rq {
    pub khead: *mut u32,
    pub ktail: *mut u32,
    pub rq_tail: u32,
    pub ring_entries: u32,
    pub rqes: *mut io_uring_zcrx_rqe,
    pub ring_ptr: *mut core::ffi::c_void,
}

/// `int_flags`: the ring fd is registered and register calls may use it too.
pub const INT_FLAG_REG_REG_RING: u8 = 0x01;
/// `int_flags`: the ring memory belongs to the application (queue_init_mem with a buffer).
pub const INT_FLAG_APP_MEM: u8 = 0x02;
/// `int_flags`: completions must be reaped by entering the kernel (IOPOLL without SQPOLL).
pub const INT_FLAG_CQ_ENTER: u8 = 0x04;
/// `int_flags`: the ring fd is registered (same bit as `IORING_ENTER_REGISTERED_RING`).
pub const INT_FLAG_REG_RING: u8 = 0x10;
/// `int_flags`: waits do not count as iowait (same bit as `IORING_ENTER_NO_IOWAIT`).
pub const INT_FLAG_NO_IOWAIT: u8 = 0x80;
/// The `int_flags` bits that are also `io_uring_enter` flags.
pub const INT_FLAGS_ENTER_MASK: u8 = INT_FLAG_REG_RING | INT_FLAG_NO_IOWAIT;
/// `int_flags`: checked mode (an extension, see `crate::ext::checked`): every submit
/// validates the pending SQEs first. A bit liburing leaves unused and outside
/// [`INT_FLAGS_ENTER_MASK`], so it never reaches `io_uring_enter`.
pub const INT_FLAG_CHECKED: u8 = 0x40;

impl io_uring_sq {
    pub const fn zeroed() -> Self {
        io_uring_sq {
            khead: ptr::null_mut(),
            ktail: ptr::null_mut(),
            kring_mask: ptr::null_mut(),
            kring_entries: ptr::null_mut(),
            kflags: ptr::null_mut(),
            kdropped: ptr::null_mut(),
            array: ptr::null_mut(),
            sqes: ptr::null_mut(),
            sqe_head: 0,
            sqe_tail: 0,
            ring_sz: 0,
            ring_ptr: ptr::null_mut(),
            ring_mask: 0,
            ring_entries: 0,
            sqes_sz: 0,
            pad: 0,
        }
    }
}

impl io_uring_cq {
    pub const fn zeroed() -> Self {
        io_uring_cq {
            khead: ptr::null_mut(),
            ktail: ptr::null_mut(),
            kring_mask: ptr::null_mut(),
            kring_entries: ptr::null_mut(),
            kflags: ptr::null_mut(),
            koverflow: ptr::null_mut(),
            cqes: ptr::null_mut(),
            ring_sz: 0,
            ring_ptr: ptr::null_mut(),
            ring_mask: 0,
            ring_entries: 0,
            pad: [0; 2],
        }
    }
}

impl io_uring {
    /// An all-zero ring, the state `io_uring_queue_init` starts from.
    pub const fn zeroed() -> Self {
        io_uring {
            sq: io_uring_sq::zeroed(),
            cq: io_uring_cq::zeroed(),
            flags: 0,
            ring_fd: 0,
            features: 0,
            enter_ring_fd: 0,
            int_flags: 0,
            pad: [0; 3],
            pad2: 0,
        }
    }

    /// A shared handle on this ring for as long as it stays exclusively borrowed: how
    /// the exclusive operations reach the shared-handle functions (register calls).
    ///
    /// # Safety
    /// The ring must be SET-UP.
    #[inline(always)]
    pub unsafe fn as_ring_ref(&mut self) -> RingRef<'_> {
        // SAFETY: SET-UP by this function's contract, and the `&mut` borrow keeps every
        // other access (including exclusive operations) away for the handle's lifetime.
        unsafe { RingRef::from_ptr(NonNull::from(self)) }
    }

    /// Set the setup flags and the slot shifts cached from them (see `pad`).
    #[inline]
    pub fn set_flags(&mut self, flags: u32) {
        self.flags = flags;
        self.pad[PAD_SQE_SHIFT] = sqe_shift_from_flags(flags) as u8;
        self.pad[PAD_CQE_SHIFT] = cqe_shift_from_flags(flags) as u8;
    }

    /// 1 on SQE128 rings (128-byte SQE slots), else 0.
    #[inline(always)]
    pub fn sqe_shift(&self) -> u32 {
        u32::from(self.pad[PAD_SQE_SHIFT])
    }

    /// 1 on CQE32 rings (32-byte CQE slots), else 0.
    #[inline(always)]
    pub fn cqe_shift(&self) -> u32 {
        u32::from(self.pad[PAD_CQE_SHIFT])
    }
}

/// Shared access to a set-up ring: the set-up fields by value, the kernel-shared words
/// atomically. It never forms a reference to the `io_uring`, so a submitter and a reaper
/// may each hold one while the other changes its own state.
///
/// Invariant: the pointee is SET-UP for `'a` (see [`io_uring`]).
#[derive(Clone, Copy)]
pub struct RingRef<'a> {
    ptr: NonNull<io_uring>,
    _ring: PhantomData<&'a io_uring>,
}

/// Read one set-up field through the handle's pointer without referencing the struct.
macro_rules! setup_field {
    ($name:ident, $($path:ident).+, $ty:ty, $doc:literal) => {
        #[doc = $doc]
        #[inline(always)]
        pub fn $name(self) -> $ty {
            // SAFETY: SET-UP: the pointee is live for 'a and this field is not written
            // while the handle exists, so a plain read of just this field cannot race.
            unsafe { (*self.ptr.as_ptr()).$($path).+ }
        }
    };
}

impl<'a> RingRef<'a> {
    /// A handle on `ring`.
    ///
    /// # Safety
    /// `ring` must point to a `struct io_uring` that is SET-UP for all of `'a`, and no
    /// exclusive operation (setup, exit, resize, ring-fd (un)registration, `set_iowait`)
    /// may run on it during `'a`.
    #[inline(always)]
    pub unsafe fn from_ptr(ring: NonNull<io_uring>) -> RingRef<'a> {
        RingRef {
            ptr: ring,
            _ring: PhantomData,
        }
    }

    /// The raw pointer, for C-facing code.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut io_uring {
        self.ptr.as_ptr()
    }

    setup_field!(flags, flags, u32, "The setup flags in effect (`io_uring.flags`).");
    setup_field!(features, features, u32, "`IORING_FEAT_*` reported by the kernel.");
    setup_field!(ring_fd, ring_fd, i32, "The ring fd, or -1.");
    setup_field!(
        enter_fd,
        enter_ring_fd,
        i32,
        "The fd (or registered index) used to enter."
    );
    setup_field!(int_flags, int_flags, u8, "The library's private `INT_FLAG_*` bits.");
    setup_field!(sq_khead, sq.khead, *mut u32, "The kernel's SQ head word.");
    setup_field!(sq_ktail, sq.ktail, *mut u32, "The kernel's SQ tail word.");
    setup_field!(sq_kflags, sq.kflags, *mut u32, "The `IORING_SQ_*` flags word.");
    setup_field!(sq_sqes, sq.sqes, *mut io_uring_sqe, "The SQE array.");
    setup_field!(sq_mask, sq.ring_mask, u32, "SQ entries - 1.");
    setup_field!(sq_entries, sq.ring_entries, u32, "SQ entries.");
    setup_field!(sq_ring_ptr, sq.ring_ptr, *mut core::ffi::c_void, "The SQ ring mapping.");
    setup_field!(sq_ring_sz, sq.ring_sz, usize, "Length of the SQ ring mapping.");
    setup_field!(cq_ring_ptr, cq.ring_ptr, *mut core::ffi::c_void, "The CQ ring mapping.");
    setup_field!(cq_ring_sz, cq.ring_sz, usize, "Length of the CQ ring mapping.");
    setup_field!(cq_khead, cq.khead, *mut u32, "The CQ head word (ours to write).");
    setup_field!(cq_ktail, cq.ktail, *mut u32, "The kernel's CQ tail word.");
    setup_field!(cq_kflags, cq.kflags, *mut u32, "The `IORING_CQ_*` flags word, or NULL.");
    setup_field!(
        cq_koverflow,
        cq.koverflow,
        *mut u32,
        "The kernel's CQ overflow counter."
    );
    setup_field!(cq_cqes, cq.cqes, *mut io_uring_cqe, "The CQE array.");
    setup_field!(cq_mask, cq.ring_mask, u32, "CQ entries - 1.");
    setup_field!(cq_entries, cq.ring_entries, u32, "CQ entries.");

    /// 1 on SQE128 rings, else 0 (cached in `pad`, see [`io_uring::set_flags`]).
    #[inline(always)]
    pub fn sqe_shift(self) -> u32 {
        // SAFETY: SET-UP: the pointee is live for 'a and `pad` is not written while the
        // handle exists, so a plain read of this byte cannot race.
        u32::from(unsafe { (*self.ptr.as_ptr()).pad[PAD_SQE_SHIFT] })
    }

    /// 1 on CQE32 rings, else 0 (cached in `pad`, see [`io_uring::set_flags`]).
    #[inline(always)]
    pub fn cqe_shift(self) -> u32 {
        // SAFETY: SET-UP: as for `sqe_shift`.
        u32::from(unsafe { (*self.ptr.as_ptr()).pad[PAD_CQE_SHIFT] })
    }
}

/// The submission side of a ring: the only code that touches `sq.sqe_head`,
/// `sq.sqe_tail`, the kernel's SQ tail and the SQE slots not yet published.
///
/// Invariant: SQ-OWNER for `'a` (and SET-UP, through the inner [`RingRef`]).
pub struct SubmissionSide<'a> {
    ring: RingRef<'a>,
}

impl<'a> SubmissionSide<'a> {
    /// Claim the submission side of `ring`.
    ///
    /// # Safety
    /// No other `SubmissionSide` of this ring may be used during `'a` (SQ-OWNER): C
    /// callers serialise submitters, as liburing requires.
    #[inline(always)]
    pub unsafe fn new(ring: RingRef<'a>) -> SubmissionSide<'a> {
        SubmissionSide { ring }
    }

    /// Shared access to the rest of the ring.
    #[inline(always)]
    pub fn ring(&self) -> RingRef<'a> {
        self.ring
    }

    /// `sq.sqe_tail`: the next SQE to hand out.
    #[inline(always)]
    pub(crate) fn sqe_tail(&self) -> u32 {
        // SAFETY: SQ-OWNER: only this side accesses sqe_tail, and the pointee is live
        // (SET-UP); a raw field read forms no reference to the struct.
        unsafe { (*self.ring.as_ptr()).sq.sqe_tail }
    }

    #[inline(always)]
    pub(crate) fn set_sqe_tail(&mut self, tail: u32) {
        // SAFETY: SQ-OWNER: only this side accesses sqe_tail, and `&mut self` makes this
        // the only access; SET-UP: the pointee is live. No reference to the struct is
        // formed.
        unsafe { (*self.ring.as_ptr()).sq.sqe_tail = tail }
    }

    /// `sq.sqe_head`: the tail value last published to the kernel.
    #[inline(always)]
    pub(crate) fn sqe_head(&self) -> u32 {
        // SAFETY: SQ-OWNER: only this side accesses sqe_head; SET-UP: the pointee is live.
        // A raw field read forms no reference to the struct.
        unsafe { (*self.ring.as_ptr()).sq.sqe_head }
    }

    #[inline(always)]
    pub(crate) fn set_sqe_head(&mut self, head: u32) {
        // SAFETY: SQ-OWNER: only this side accesses sqe_head, and `&mut self` makes this
        // the only access; SET-UP: the pointee is live. No reference to the struct is
        // formed.
        unsafe { (*self.ring.as_ptr()).sq.sqe_head = head }
    }
}

/// The completion side of a ring: the only code that reads CQEs and moves the CQ head.
///
/// Invariant: CQ-OWNER for `'a` (and SET-UP, through the inner [`RingRef`]).
pub struct CompletionSide<'a> {
    ring: RingRef<'a>,
}

impl<'a> CompletionSide<'a> {
    /// Claim the completion side of `ring`.
    ///
    /// # Safety
    /// No other `CompletionSide` of this ring may be used during `'a` (CQ-OWNER): C
    /// callers reap from one thread at a time, as liburing requires.
    #[inline(always)]
    pub unsafe fn new(ring: RingRef<'a>) -> CompletionSide<'a> {
        CompletionSide { ring }
    }

    /// Shared access to the rest of the ring.
    #[inline(always)]
    pub fn ring(&self) -> RingRef<'a> {
        self.ring
    }

    /// This completion side as a value, for as long as `self` is borrowed: CQ-OWNER
    /// passes to the returned handle and comes back when it is dropped. It lets an
    /// out-of-line slow path take the handle in a register (and be a tail call) instead
    /// of taking `&mut self`, which would make its caller keep the handle in memory.
    #[inline(always)]
    pub fn reborrow(&mut self) -> CompletionSide<'_> {
        CompletionSide { ring: self.ring }
    }
}

/// Index in `io_uring.pad` of the cached SQE slot shift (see [`io_uring::set_flags`]).
pub const PAD_SQE_SHIFT: usize = 0;
/// Index in `io_uring.pad` of the cached CQE slot shift (see [`io_uring::set_flags`]).
pub const PAD_CQE_SHIFT: usize = 1;

/// `io_uring_sqe_shift_from_flags`.
#[inline(always)]
pub fn sqe_shift_from_flags(flags: u32) -> u32 {
    (flags & IORING_SETUP_SQE128 != 0) as u32
}

/// `io_uring_cqe_shift_from_flags`.
#[inline(always)]
pub fn cqe_shift_from_flags(flags: u32) -> u32 {
    (flags & IORING_SETUP_CQE32 != 0) as u32
}
