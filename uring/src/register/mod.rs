//! `io_uring_register(2)` wrappers.
//!
//! Every wrapper goes through [`do_register`], which picks the fd (the registered ring
//! index when the kernel allows registered-ring registration, else the real fd).
//!
//! # Invariant
//!
//! The wrappers' SAFETY comments cite one invariant of the argument they pass on:
//!
//! * **REG-ARG**: `arg` is NULL or valid, for the whole call, for every read and write the
//!   kernel makes for `opcode` with `nr_args` (including memory the argument points to in
//!   turn: iovec arrays, tag arrays, region descriptors, ...); and memory the opcode hands
//!   the kernel to keep using (registered buffers, buffer rings, regions) stays valid
//!   until it is unregistered or the ring is torn down. (A NULL `arg` is fine: the kernel
//!   answers it with `EFAULT` or ignores it, and touches no memory.)
//!
//! The ring handle itself is a [`RingRef`], so the ring is SET-UP (see
//! [`crate::ring::io_uring`]) and its fds are readable for the call.

use core::ffi::c_void;

use crate::errno::Errno;
use crate::ring::{RingRef, INT_FLAG_REG_REG_RING};
use crate::sys::{syscall, IORING_REGISTER_USE_REGISTERED_RING};

pub mod ring_fd;

/// Issue `io_uring_register(2)` for `ring`, returning the kernel's non-negative result.
///
/// # Safety
/// `arg` must satisfy REG-ARG for `opcode` with `nr_args`.
pub unsafe fn do_register(ring: RingRef<'_>, opcode: u32, arg: *const c_void, nr_args: u32) -> Result<i32, Errno> {
    let (fd, opcode) = if ring.int_flags() & INT_FLAG_REG_REG_RING != 0 {
        (ring.enter_fd(), opcode | IORING_REGISTER_USE_REGISTERED_RING)
    } else {
        (ring.ring_fd(), opcode)
    };
    // SAFETY: SYSCALL-ARGS for io_uring_register is REG-ARG on `arg`, this function's
    // contract; `fd` is the ring's own (SET-UP through the RingRef).
    Errno::result(unsafe { syscall::io_uring_register(fd as u32, opcode, arg, nr_args) })
}

/// Issue `io_uring_register(2)` without a ring (fd -1): sync msg, task BPF filters, query.
///
/// # Safety
/// `arg` must satisfy REG-ARG for `opcode` with `nr_args`.
pub unsafe fn do_register_ringless(opcode: u32, arg: *const c_void, nr_args: u32) -> Result<i32, Errno> {
    // SAFETY: SYSCALL-ARGS for io_uring_register is REG-ARG on `arg`, this function's
    // contract; fd -1 names no ring.
    Errno::result(unsafe { syscall::io_uring_register(u32::MAX, opcode, arg, nr_args) })
}

pub mod buffers;
pub mod files;
pub mod misc;
