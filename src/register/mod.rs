//! `io_uring_register(2)` wrappers.
//!
//! Every wrapper goes through [`do_register`], which picks the fd (the registered ring
//! index when the kernel allows registered-ring registration, else the real fd).

use core::ffi::c_void;

use crate::errno::Errno;
use crate::ring::{io_uring, INT_FLAG_REG_REG_RING};
use crate::sys::{syscall, IORING_REGISTER_USE_REGISTERED_RING};

pub mod ring_fd;

/// Issue `io_uring_register(2)` for `ring`, returning the kernel's non-negative result.
///
/// # Safety
/// `arg` must be valid for `opcode` with `nr_args` (what the kernel reads or writes).
pub unsafe fn do_register(ring: &io_uring, opcode: u32, arg: *const c_void, nr_args: u32) -> Result<i32, Errno> {
    let (fd, opcode) = if ring.int_flags & INT_FLAG_REG_REG_RING != 0 {
        (ring.enter_ring_fd, opcode | IORING_REGISTER_USE_REGISTERED_RING)
    } else {
        (ring.ring_fd, opcode)
    };
    // SAFETY: forwarded caller contract on `arg`.
    Errno::result(unsafe { syscall::io_uring_register(fd as u32, opcode, arg, nr_args) })
}

/// Issue `io_uring_register(2)` without a ring (fd -1): sync msg, task BPF filters, query.
///
/// # Safety
/// As for [`do_register`].
pub unsafe fn do_register_ringless(opcode: u32, arg: *const c_void, nr_args: u32) -> Result<i32, Errno> {
    // SAFETY: forwarded caller contract on `arg`.
    Errno::result(unsafe { syscall::io_uring_register(u32::MAX, opcode, arg, nr_args) })
}

pub mod buffers;
pub mod files;
pub mod misc;
