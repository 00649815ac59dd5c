//! liburing's own ring state: `struct io_uring`, `io_uring_sq`, `io_uring_cq`.
//!
//! C programs allocate `struct io_uring` themselves and read its fields directly (and
//! binaries built against older liburing headers inline code that does), so the layout
//! is ABI: it is liburing 2.15's, field for field, pads included. All ring logic in this
//! crate works on this struct; there is no second copy of the state.
#![allow(non_camel_case_types)]

use core::ptr;

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
#[repr(C)]
#[derive(Debug, Clone, Copy)]
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

    /// 1 on SQE128 rings (128-byte SQE slots), else 0.
    #[inline(always)]
    pub fn sqe_shift(&self) -> u32 {
        sqe_shift_from_flags(self.flags)
    }

    /// 1 on CQE32 rings (32-byte CQE slots), else 0.
    #[inline(always)]
    pub fn cqe_shift(&self) -> u32 {
        cqe_shift_from_flags(self.flags)
    }
}

impl Default for io_uring {
    fn default() -> Self {
        Self::zeroed()
    }
}

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
