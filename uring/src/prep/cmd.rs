//! Passthrough commands (`IORING_OP_URING_CMD`): socket options, block discard and
//! zone reset, and the raw form for driver-specific commands.

use core::ffi::c_void;

use libc::{sockaddr, socklen_t};

use super::ptr_to_u64;
use crate::sys::*;

/// `BLOCK_URING_CMD_DISCARD` = `_IO(0x12, 0)`: discard a range of a block device.
pub const BLOCK_URING_CMD_DISCARD: u32 = 0x1200;
/// `BLOCK_URING_CMD_ZONE_RESET_ALL` = `_IO(0x12, 1)`: reset every zone of a zoned
/// block device.
pub const BLOCK_URING_CMD_ZONE_RESET_ALL: u32 = 0x1201;

/// The base of the command family: stores `opcode` = `op`, `fd`, `cmd_op` in the low
/// 32 bits of the `off` slot with the high 32 bits (`__pad1`) zeroed, and zeroes `addr`
/// and `len`. The command payload (from offset 48) is the caller's.
#[doc(alias = "__io_uring_prep_uring_cmd")]
#[inline]
pub fn uring_cmd_base(sqe: &mut io_uring_sqe, op: u8, cmd_op: u32, fd: i32) {
    sqe.opcode = op;
    sqe.fd = fd;
    sqe.off.cmd = io_uring_sqe_cmd_op { cmd_op, __pad1: 0 };
    sqe.addr.addr = 0;
    sqe.len = 0;
}

/// A driver command `cmd_op` on `fd` (`IORING_OP_URING_CMD`).
#[doc(alias = "io_uring_prep_uring_cmd")]
#[inline]
pub fn uring_cmd(sqe: &mut io_uring_sqe, cmd_op: i32, fd: i32) {
    uring_cmd_base(sqe, IORING_OP_URING_CMD, cmd_op as u32, fd);
}

/// A driver command with an 80-byte payload (`IORING_OP_URING_CMD128`, for
/// `IORING_SETUP_SQE_MIXED` rings). Writes only the first 64 bytes.
#[doc(alias = "io_uring_prep_uring_cmd128")]
#[inline]
pub fn uring_cmd128(sqe: &mut io_uring_sqe, cmd_op: i32, fd: i32) {
    uring_cmd_base(sqe, IORING_OP_URING_CMD128, cmd_op as u32, fd);
}

/// A socket command (`SOCKET_URING_OP_*`: `SIOCINQ`, `SIOCOUTQ`, `GETSOCKOPT`,
/// `SETSOCKOPT`, ...): `level`/`optname` share the `addr` slot, `optval` is stored at
/// offset 48 and `optlen` at offset 44.
#[doc(alias = "io_uring_prep_cmd_sock")]
#[inline]
pub fn cmd_sock(
    sqe: &mut io_uring_sqe,
    cmd_op: i32,
    fd: i32,
    level: i32,
    optname: i32,
    optval: *mut c_void,
    optlen: i32,
) {
    uring_cmd(sqe, cmd_op, fd);
    sqe.tail.optval = ptr_to_u64(optval);
    sqe.addr.sockopt = io_uring_sqe_sockopt {
        level: level as u32,
        optname: optname as u32,
    };
    sqe.file.optlen = optlen as u32;
}

/// `getsockname(2)` (or `getpeername(2)` when `peer` is non-zero) as a socket command.
#[doc(alias = "io_uring_prep_cmd_getsockname")]
#[inline]
pub fn cmd_getsockname(
    sqe: &mut io_uring_sqe,
    fd: i32,
    sockaddr: *mut sockaddr,
    sockaddr_len: *mut socklen_t,
    peer: i32,
) {
    uring_cmd(sqe, SOCKET_URING_OP_GETSOCKNAME as i32, fd);
    sqe.addr.addr = ptr_to_u64(sockaddr);
    sqe.tail.addr3.addr3 = ptr_to_u64(sockaddr_len);
    sqe.file.optlen = peer as u32;
}

/// Discard `nbytes` at byte `offset` of the block device `fd`.
#[doc(alias = "io_uring_prep_cmd_discard")]
#[inline]
pub fn cmd_discard(sqe: &mut io_uring_sqe, fd: i32, offset: u64, nbytes: u64) {
    uring_cmd(sqe, BLOCK_URING_CMD_DISCARD as i32, fd);
    sqe.addr.addr = offset;
    sqe.tail.addr3.addr3 = nbytes;
}

/// Reset all zones of the zoned block device `fd`.
#[doc(alias = "io_uring_prep_cmd_zone_reset_all")]
#[inline]
pub fn cmd_zone_reset_all(sqe: &mut io_uring_sqe, fd: i32) {
    uring_cmd(sqe, BLOCK_URING_CMD_ZONE_RESET_ALL as i32, fd);
}
