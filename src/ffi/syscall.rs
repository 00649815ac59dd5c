//! C exports: the raw system-call wrappers. They return the kernel's result (`-errno`
//! on failure) and leave `errno` alone, as liburing's do on x86_64.

use super::ctypes::*;
use crate::sys::{io_uring_params, syscall};

/// liburing: `int io_uring_setup(unsigned int entries, struct io_uring_params *p)`.
///
/// # Safety
/// `p` must be NULL (the kernel answers -EFAULT) or a valid params struct.
#[no_mangle]
pub unsafe extern "C" fn io_uring_setup(entries: c_uint, p: *mut io_uring_params) -> c_int {
    // SAFETY: SYSCALL-ARGS: by C-CONTRACT `p` is NULL (the kernel answers -EFAULT) or a
    // writable io_uring_params; it is passed through untouched.
    unsafe { syscall::io_uring_setup(entries, p) }
}

/// liburing: `int io_uring_enter(unsigned int fd, unsigned int to_submit, unsigned int min_complete, unsigned int flags, sigset_t *sig)`.
///
/// # Safety
/// `sig` must be NULL or a valid sigset.
#[no_mangle]
pub unsafe extern "C" fn io_uring_enter(
    fd: c_uint,
    to_submit: c_uint,
    min_complete: c_uint,
    flags: c_uint,
    sig: *mut sigset_t,
) -> c_int {
    // SAFETY: SYSCALL-ARGS: by C-CONTRACT `sig` is NULL or a readable sigset (of at
    // least the _NSIG/8 bytes passed), and the SQEs submitted satisfy SQE-MEM.
    unsafe { syscall::io_uring_enter(fd, to_submit, min_complete, flags, sig as *const c_void, 65 / 8) }
}

/// liburing: `int io_uring_enter2(unsigned int fd, unsigned int to_submit, unsigned int min_complete, unsigned int flags, void *arg, size_t sz)`.
///
/// # Safety
/// `arg` must be NULL or valid for `sz` bytes of what `flags` says.
#[no_mangle]
pub unsafe extern "C" fn io_uring_enter2(
    fd: c_uint,
    to_submit: c_uint,
    min_complete: c_uint,
    flags: c_uint,
    arg: *mut c_void,
    sz: size_t,
) -> c_int {
    // SAFETY: SYSCALL-ARGS: by C-CONTRACT `arg` is NULL or valid for `sz` bytes of what
    // `flags` says it is (ENTER-ARG), and the SQEs submitted satisfy SQE-MEM.
    unsafe { syscall::io_uring_enter(fd, to_submit, min_complete, flags, arg, sz) }
}

/// liburing: `int io_uring_register(unsigned int fd, unsigned int opcode, const void *arg, unsigned int nr_args)`.
///
/// # Safety
/// `arg` must be valid for `opcode` and `nr_args`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register(fd: c_uint, opcode: c_uint, arg: *const c_void, nr_args: c_uint) -> c_int {
    // SAFETY: SYSCALL-ARGS: by C-CONTRACT `arg` is valid for `opcode` and `nr_args`
    // (REG-ARG).
    unsafe { syscall::io_uring_register(fd, opcode, arg, nr_args) }
}
