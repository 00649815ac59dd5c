//! Extended attributes.

use core::ffi::c_char;

use super::{ptr_to_u64, rw};
use crate::sys::*;

/// `getxattr(2)`: attribute `name` of `path` into `value` (`len` bytes).
#[doc(alias = "io_uring_prep_getxattr")]
#[inline]
pub fn getxattr(sqe: &mut io_uring_sqe, name: *const c_char, value: *mut c_char, path: *const c_char, len: u32) {
    rw(IORING_OP_GETXATTR, sqe, 0, ptr_to_u64(name), len, ptr_to_u64(value));
    sqe.tail.addr3.addr3 = ptr_to_u64(path);
    sqe.op_flags.xattr_flags = 0;
}

/// `setxattr(2)`: set attribute `name` of `path` to `len` bytes of `value`.
#[doc(alias = "io_uring_prep_setxattr")]
#[inline]
pub fn setxattr(
    sqe: &mut io_uring_sqe,
    name: *const c_char,
    value: *const c_char,
    path: *const c_char,
    flags: i32,
    len: u32,
) {
    rw(IORING_OP_SETXATTR, sqe, 0, ptr_to_u64(name), len, ptr_to_u64(value));
    sqe.tail.addr3.addr3 = ptr_to_u64(path);
    sqe.op_flags.xattr_flags = flags as u32;
}

/// `fgetxattr(2)`.
#[doc(alias = "io_uring_prep_fgetxattr")]
#[inline]
pub fn fgetxattr(sqe: &mut io_uring_sqe, fd: i32, name: *const c_char, value: *mut c_char, len: u32) {
    rw(IORING_OP_FGETXATTR, sqe, fd, ptr_to_u64(name), len, ptr_to_u64(value));
    sqe.op_flags.xattr_flags = 0;
}

/// `fsetxattr(2)`.
#[doc(alias = "io_uring_prep_fsetxattr")]
#[inline]
pub fn fsetxattr(sqe: &mut io_uring_sqe, fd: i32, name: *const c_char, value: *const c_char, flags: i32, len: u32) {
    rw(IORING_OP_FSETXATTR, sqe, fd, ptr_to_u64(name), len, ptr_to_u64(value));
    sqe.op_flags.xattr_flags = flags as u32;
}
