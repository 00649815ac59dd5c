//! C exports: the raw system-call wrappers. They return the kernel's result (`-errno`
//! on failure) and leave `errno` alone, as liburing's do on x86_64.

use super::ctypes::*;
use crate::sys::{io_uring_params, syscall};

/// The raw io_uring_setup(2) system call: creates an io_uring instance with `entries`
/// entries and the parameters in `*p`, and returns its file descriptor. The rings are not
/// mapped: see io_uring_queue_mmap().
///
/// Returns the new file descriptor, or a negative errno straight from the kernel (errno is
/// not set): -EINVAL, -EFAULT, -ENOMEM, -EMFILE, -ENFILE, -EPERM.
///
/// Since liburing 2.3; exported as `io_uring_setup@@LIBURING_2.3`.
///
/// # Safety
/// `p` must be NULL (the kernel answers -EFAULT) or a valid params struct.
#[no_mangle]
pub unsafe extern "C" fn io_uring_setup(entries: c_uint, p: *mut io_uring_params) -> c_int {
    // SAFETY: SYSCALL-ARGS: by C-CONTRACT `p` is NULL (the kernel answers -EFAULT) or a
    // writable io_uring_params; it is passed through untouched.
    unsafe { syscall::io_uring_setup(entries, p) }
}

/// The raw io_uring_enter(2) system call on ring file descriptor `fd`: submits `to_submit`
/// SQEs and, with `IORING_ENTER_GETEVENTS` in `flags`, waits for `min_complete`
/// completions, with the signal mask `sig` (may be NULL) in place while waiting.
///
/// Returns the number of SQEs consumed, or a negative errno from the kernel (errno is not
/// set): -EAGAIN, -EBADF, -EBUSY, -EFAULT, -EINTR, -EINVAL, -ETIME, and others.
///
/// Since liburing 2.3; exported as `io_uring_enter@@LIBURING_2.3`.
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

/// The raw io_uring_enter(2) system call with an explicit argument: `arg` is a signal mask,
/// or with `IORING_ENTER_EXT_ARG` in `flags` a `struct io_uring_getevents_arg` (timeout and
/// signal mask), and `sz` is its size.
///
/// Returns the number of SQEs consumed, or a negative errno from the kernel (errno is not
/// set), as for io_uring_enter().
///
/// Since liburing 2.3; exported as `io_uring_enter2@@LIBURING_2.3`.
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

/// The raw io_uring_register(2) system call: runs registration `opcode`
/// (`IORING_REGISTER_*`) on ring file descriptor `fd` with argument `arg` and count
/// `nr_args`.
///
/// Returns the kernel's non-negative result, or a negative errno (errno is not set):
/// -EBADF, -EBUSY, -EFAULT, -EINVAL, -ENOMEM, -ENXIO, -EOPNOTSUPP, and others.
///
/// Since liburing 2.3; exported as `io_uring_register@@LIBURING_2.3`.
///
/// # Safety
/// `arg` must be valid for `opcode` and `nr_args`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register(fd: c_uint, opcode: c_uint, arg: *const c_void, nr_args: c_uint) -> c_int {
    // SAFETY: SYSCALL-ARGS: by C-CONTRACT `arg` is valid for `opcode` and `nr_args`
    // (REG-ARG).
    unsafe { syscall::io_uring_register(fd, opcode, arg, nr_args) }
}
