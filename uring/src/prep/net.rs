//! Sockets: send/receive (plain, message, zero-copy, multishot, bundles), accept,
//! connect, bind, listen, shutdown and socket creation.

use core::ffi::c_void;

use libc::{msghdr, sockaddr, socklen_t};

use super::{ptr_to_u64, rw, set_direct_slot};
use crate::sys::*;

/// `recvmsg(2)`.
#[doc(alias = "io_uring_prep_recvmsg")]
#[inline]
pub fn recvmsg(sqe: &mut io_uring_sqe, fd: i32, msg: *mut msghdr, flags: u32) {
    rw(IORING_OP_RECVMSG, sqe, fd, ptr_to_u64(msg), 1, 0);
    sqe.op_flags.msg_flags = flags;
}

/// Multishot [`recvmsg`]: one CQE per message, each into a provided buffer laid out as
/// `io_uring_recvmsg_out` + name + control + payload (see [`super::recvmsg_validate`]).
#[doc(alias = "io_uring_prep_recvmsg_multishot")]
#[inline]
pub fn recvmsg_multishot(sqe: &mut io_uring_sqe, fd: i32, msg: *mut msghdr, flags: u32) {
    recvmsg(sqe, fd, msg, flags);
    sqe.ioprio |= IORING_RECV_MULTISHOT as u16;
}

/// `sendmsg(2)`.
#[doc(alias = "io_uring_prep_sendmsg")]
#[inline]
pub fn sendmsg(sqe: &mut io_uring_sqe, fd: i32, msg: *const msghdr, flags: u32) {
    rw(IORING_OP_SENDMSG, sqe, fd, ptr_to_u64(msg), 1, 0);
    sqe.op_flags.msg_flags = flags;
}

/// Zero-copy [`sendmsg`]: a second CQE (`IORING_CQE_F_NOTIF`) says when the buffers
/// may be reused.
#[doc(alias = "io_uring_prep_sendmsg_zc")]
#[inline]
pub fn sendmsg_zc(sqe: &mut io_uring_sqe, fd: i32, msg: *const msghdr, flags: u32) {
    rw(IORING_OP_SENDMSG_ZC, sqe, fd, ptr_to_u64(msg), 1, 0);
    sqe.op_flags.msg_flags = flags;
}

/// [`sendmsg_zc`] from registered buffer `buf_index`.
#[doc(alias = "io_uring_prep_sendmsg_zc_fixed")]
#[inline]
pub fn sendmsg_zc_fixed(sqe: &mut io_uring_sqe, fd: i32, msg: *const msghdr, flags: u32, buf_index: u32) {
    sendmsg_zc(sqe, fd, msg, flags);
    sqe.ioprio |= IORING_RECVSEND_FIXED_BUF as u16;
    sqe.buf.buf_index = buf_index as u16;
}

/// `send(2)`. The length is stored as 32 bits.
#[doc(alias = "io_uring_prep_send")]
#[inline]
pub fn send(sqe: &mut io_uring_sqe, sockfd: i32, buf: *const c_void, len: usize, flags: i32) {
    rw(IORING_OP_SEND, sqe, sockfd, ptr_to_u64(buf), len as u32, 0);
    sqe.op_flags.msg_flags = flags as u32;
}

/// Bundle send: sends from as many provided buffers as are ready (select the group
/// with [`super::sqe_set_buf_group`] and `IOSQE_BUFFER_SELECT`).
#[doc(alias = "io_uring_prep_send_bundle")]
#[inline]
pub fn send_bundle(sqe: &mut io_uring_sqe, sockfd: i32, len: usize, flags: i32) {
    send(sqe, sockfd, core::ptr::null(), len, flags);
    sqe.ioprio |= IORING_RECVSEND_BUNDLE as u16;
}

/// Add a destination address to a prepared send (`addr2` and `addr_len`); touches
/// nothing else.
#[doc(alias = "io_uring_prep_send_set_addr")]
#[inline]
pub fn send_set_addr(sqe: &mut io_uring_sqe, dest_addr: *const sockaddr, addr_len: u16) {
    sqe.off.addr2 = ptr_to_u64(dest_addr);
    sqe.file.addr_len.addr_len = addr_len;
}

/// `sendto(2)`: [`send`] plus [`send_set_addr`] (`addrlen` is stored as 16 bits).
#[doc(alias = "io_uring_prep_sendto")]
#[inline]
pub fn sendto(
    sqe: &mut io_uring_sqe,
    sockfd: i32,
    buf: *const c_void,
    len: usize,
    flags: i32,
    addr: *const sockaddr,
    addrlen: socklen_t,
) {
    send(sqe, sockfd, buf, len, flags);
    send_set_addr(sqe, addr, addrlen as u16);
}

/// Zero-copy send. `zc_flags` (`IORING_RECVSEND_*`, `IORING_SEND_ZC_*`) is assigned to
/// `ioprio`, replacing whatever was there.
#[doc(alias = "io_uring_prep_send_zc")]
#[inline]
pub fn send_zc(sqe: &mut io_uring_sqe, sockfd: i32, buf: *const c_void, len: usize, flags: i32, zc_flags: u32) {
    rw(IORING_OP_SEND_ZC, sqe, sockfd, ptr_to_u64(buf), len as u32, 0);
    sqe.op_flags.msg_flags = flags as u32;
    sqe.ioprio = zc_flags as u16;
}

/// [`send_zc`] from registered buffer `buf_index`.
#[doc(alias = "io_uring_prep_send_zc_fixed")]
#[inline]
#[allow(clippy::too_many_arguments)]
pub fn send_zc_fixed(
    sqe: &mut io_uring_sqe,
    sockfd: i32,
    buf: *const c_void,
    len: usize,
    flags: i32,
    zc_flags: u32,
    buf_index: u32,
) {
    send_zc(sqe, sockfd, buf, len, flags, zc_flags);
    sqe.ioprio |= IORING_RECVSEND_FIXED_BUF as u16;
    sqe.buf.buf_index = buf_index as u16;
}

/// `recv(2)`. The length is stored as 32 bits.
#[doc(alias = "io_uring_prep_recv")]
#[inline]
pub fn recv(sqe: &mut io_uring_sqe, sockfd: i32, buf: *mut c_void, len: usize, flags: i32) {
    rw(IORING_OP_RECV, sqe, sockfd, ptr_to_u64(buf), len as u32, 0);
    sqe.op_flags.msg_flags = flags as u32;
}

/// Multishot [`recv`]: one CQE per chunk, normally into provided buffers.
#[doc(alias = "io_uring_prep_recv_multishot")]
#[inline]
pub fn recv_multishot(sqe: &mut io_uring_sqe, sockfd: i32, buf: *mut c_void, len: usize, flags: i32) {
    recv(sqe, sockfd, buf, len, flags);
    sqe.ioprio |= IORING_RECV_MULTISHOT as u16;
}

/// `accept4(2)`: the peer address is written to `addr`/`addrlen` (both may be NULL).
#[doc(alias = "io_uring_prep_accept")]
#[inline]
pub fn accept(sqe: &mut io_uring_sqe, fd: i32, addr: *mut sockaddr, addrlen: *mut socklen_t, flags: i32) {
    rw(IORING_OP_ACCEPT, sqe, fd, ptr_to_u64(addr), 0, ptr_to_u64(addrlen));
    sqe.op_flags.accept_flags = flags as u32;
}

/// [`accept`] into direct-descriptor slot `file_index`.
#[doc(alias = "io_uring_prep_accept_direct")]
#[inline]
pub fn accept_direct(
    sqe: &mut io_uring_sqe,
    fd: i32,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: i32,
    file_index: u32,
) {
    accept(sqe, fd, addr, addrlen, flags);
    set_direct_slot(sqe, file_index);
}

/// Multishot [`accept`]: one CQE per accepted connection.
#[doc(alias = "io_uring_prep_multishot_accept")]
#[inline]
pub fn multishot_accept(sqe: &mut io_uring_sqe, fd: i32, addr: *mut sockaddr, addrlen: *mut socklen_t, flags: i32) {
    accept(sqe, fd, addr, addrlen, flags);
    sqe.ioprio |= IORING_ACCEPT_MULTISHOT as u16;
}

/// Multishot [`accept`] into kernel-allocated direct descriptors.
#[doc(alias = "io_uring_prep_multishot_accept_direct")]
#[inline]
pub fn multishot_accept_direct(
    sqe: &mut io_uring_sqe,
    fd: i32,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: i32,
) {
    multishot_accept(sqe, fd, addr, addrlen, flags);
    set_direct_slot(sqe, IORING_FILE_INDEX_ALLOC);
}

/// `connect(2)`: `addrlen` is stored by value in `off`.
#[doc(alias = "io_uring_prep_connect")]
#[inline]
pub fn connect(sqe: &mut io_uring_sqe, fd: i32, addr: *const sockaddr, addrlen: socklen_t) {
    rw(IORING_OP_CONNECT, sqe, fd, ptr_to_u64(addr), 0, u64::from(addrlen));
}

/// `bind(2)`: `addrlen` is stored by value in `off`.
#[doc(alias = "io_uring_prep_bind")]
#[inline]
pub fn bind(sqe: &mut io_uring_sqe, fd: i32, addr: *const sockaddr, addrlen: socklen_t) {
    rw(IORING_OP_BIND, sqe, fd, ptr_to_u64(addr), 0, u64::from(addrlen));
}

/// `listen(2)`: the backlog goes in `len`.
#[doc(alias = "io_uring_prep_listen")]
#[inline]
pub fn listen(sqe: &mut io_uring_sqe, fd: i32, backlog: i32) {
    rw(IORING_OP_LISTEN, sqe, fd, 0, backlog as u32, 0);
}

/// `shutdown(2)`: `how` goes in `len`.
#[doc(alias = "io_uring_prep_shutdown")]
#[inline]
pub fn shutdown(sqe: &mut io_uring_sqe, fd: i32, how: i32) {
    rw(IORING_OP_SHUTDOWN, sqe, fd, 0, how as u32, 0);
}

/// `socket(2)`: the domain goes in `fd`, the protocol in `len`, the type in `off`.
#[doc(alias = "io_uring_prep_socket")]
#[inline]
pub fn socket(sqe: &mut io_uring_sqe, domain: i32, r#type: i32, protocol: i32, flags: u32) {
    rw(IORING_OP_SOCKET, sqe, domain, 0, protocol as u32, r#type as u64);
    sqe.op_flags.rw_flags = flags as i32;
}

/// [`socket`] into direct-descriptor slot `file_index`.
#[doc(alias = "io_uring_prep_socket_direct")]
#[inline]
pub fn socket_direct(sqe: &mut io_uring_sqe, domain: i32, r#type: i32, protocol: i32, file_index: u32, flags: u32) {
    socket(sqe, domain, r#type, protocol, flags);
    set_direct_slot(sqe, file_index);
}

/// [`socket`] into a kernel-allocated direct descriptor (the slot is the result).
#[doc(alias = "io_uring_prep_socket_direct_alloc")]
#[inline]
pub fn socket_direct_alloc(sqe: &mut io_uring_sqe, domain: i32, r#type: i32, protocol: i32, flags: u32) {
    socket(sqe, domain, r#type, protocol, flags);
    set_direct_slot(sqe, IORING_FILE_INDEX_ALLOC);
}
