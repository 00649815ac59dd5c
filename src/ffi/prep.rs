//! C exports of the 105 preparers (`io_uring_prep_*` and `__io_uring_prep_uring_cmd`),
//! with liburing 2.15's exact prototypes. Each one ignores a NULL `sqe` and otherwise
//! calls the Rust core in [`crate::prep`]; no logic lives here.
#![allow(clippy::missing_safety_doc, clippy::too_many_arguments)]

use super::ctypes::*;
use crate::prep;
use crate::sys::{__kernel_timespec, io_uring_sqe};

/// `io_uring_prep_rw`: see [`prep::rw`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_rw(
    op: c_int,
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *const c_void,
    len: c_uint,
    offset: __u64,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::rw(op as u8, sqe, fd, addr as usize as u64, len, offset);
    }
}

/// `io_uring_prep_splice`: see [`prep::splice`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_splice(
    sqe: *mut io_uring_sqe,
    fd_in: c_int,
    off_in: i64,
    fd_out: c_int,
    off_out: i64,
    nbytes: c_uint,
    splice_flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::splice(sqe, fd_in, off_in, fd_out, off_out, nbytes, splice_flags);
    }
}

/// `io_uring_prep_tee`: see [`prep::tee`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_tee(
    sqe: *mut io_uring_sqe,
    fd_in: c_int,
    fd_out: c_int,
    nbytes: c_uint,
    splice_flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::tee(sqe, fd_in, fd_out, nbytes, splice_flags);
    }
}

/// `io_uring_prep_readv`: see [`prep::readv`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_readv(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::readv(sqe, fd, iovecs, nr_vecs, offset);
    }
}

/// `io_uring_prep_readv2`: see [`prep::readv2`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_readv2(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::readv2(sqe, fd, iovecs, nr_vecs, offset, flags);
    }
}

/// `io_uring_prep_read_fixed`: see [`prep::read_fixed`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_read_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *mut c_void,
    nbytes: c_uint,
    offset: __u64,
    buf_index: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::read_fixed(sqe, fd, buf, nbytes, offset, buf_index);
    }
}

/// `io_uring_prep_readv_fixed`: see [`prep::readv_fixed`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_readv_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
    flags: c_int,
    buf_index: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::readv_fixed(sqe, fd, iovecs, nr_vecs, offset, flags, buf_index);
    }
}

/// `io_uring_prep_writev`: see [`prep::writev`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_writev(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::writev(sqe, fd, iovecs, nr_vecs, offset);
    }
}

/// `io_uring_prep_writev2`: see [`prep::writev2`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_writev2(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::writev2(sqe, fd, iovecs, nr_vecs, offset, flags);
    }
}

/// `io_uring_prep_write_fixed`: see [`prep::write_fixed`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_write_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *const c_void,
    nbytes: c_uint,
    offset: __u64,
    buf_index: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::write_fixed(sqe, fd, buf, nbytes, offset, buf_index);
    }
}

/// `io_uring_prep_writev_fixed`: see [`prep::writev_fixed`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_writev_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    iovecs: *const iovec,
    nr_vecs: c_uint,
    offset: __u64,
    flags: c_int,
    buf_index: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::writev_fixed(sqe, fd, iovecs, nr_vecs, offset, flags, buf_index);
    }
}

/// `io_uring_prep_recvmsg`: see [`prep::recvmsg`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_recvmsg(sqe: *mut io_uring_sqe, fd: c_int, msg: *mut msghdr, flags: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::recvmsg(sqe, fd, msg, flags);
    }
}

/// `io_uring_prep_recvmsg_multishot`: see [`prep::recvmsg_multishot`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_recvmsg_multishot(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    msg: *mut msghdr,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::recvmsg_multishot(sqe, fd, msg, flags);
    }
}

/// `io_uring_prep_sendmsg`: see [`prep::sendmsg`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sendmsg(sqe: *mut io_uring_sqe, fd: c_int, msg: *const msghdr, flags: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sendmsg(sqe, fd, msg, flags);
    }
}

/// `io_uring_prep_poll_add`: see [`prep::poll_add`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_poll_add(sqe: *mut io_uring_sqe, fd: c_int, poll_mask: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::poll_add(sqe, fd, poll_mask);
    }
}

/// `io_uring_prep_poll_multishot`: see [`prep::poll_multishot`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_poll_multishot(sqe: *mut io_uring_sqe, fd: c_int, poll_mask: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::poll_multishot(sqe, fd, poll_mask);
    }
}

/// `io_uring_prep_poll_remove`: see [`prep::poll_remove`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_poll_remove(sqe: *mut io_uring_sqe, user_data: __u64) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::poll_remove(sqe, user_data);
    }
}

/// `io_uring_prep_poll_update`: see [`prep::poll_update`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_poll_update(
    sqe: *mut io_uring_sqe,
    old_user_data: __u64,
    new_user_data: __u64,
    poll_mask: c_uint,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::poll_update(sqe, old_user_data, new_user_data, poll_mask, flags);
    }
}

/// `io_uring_prep_fsync`: see [`prep::fsync`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fsync(sqe: *mut io_uring_sqe, fd: c_int, fsync_flags: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::fsync(sqe, fd, fsync_flags);
    }
}

/// `io_uring_prep_nop`: see [`prep::nop`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_nop(sqe: *mut io_uring_sqe) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::nop(sqe);
    }
}

/// `io_uring_prep_nop128`: see [`prep::nop128`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_nop128(sqe: *mut io_uring_sqe) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::nop128(sqe);
    }
}

/// `io_uring_prep_timeout`: see [`prep::timeout`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_timeout(
    sqe: *mut io_uring_sqe,
    ts: *const __kernel_timespec,
    count: c_uint,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::timeout(sqe, ts, count, flags);
    }
}

/// `io_uring_prep_timeout_remove`: see [`prep::timeout_remove`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_timeout_remove(sqe: *mut io_uring_sqe, user_data: __u64, flags: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::timeout_remove(sqe, user_data, flags);
    }
}

/// `io_uring_prep_timeout_update`: see [`prep::timeout_update`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_timeout_update(
    sqe: *mut io_uring_sqe,
    ts: *const __kernel_timespec,
    user_data: __u64,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::timeout_update(sqe, ts, user_data, flags);
    }
}

/// `io_uring_prep_accept`: see [`prep::accept`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_accept(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::accept(sqe, fd, addr, addrlen, flags);
    }
}

/// `io_uring_prep_accept_direct`: see [`prep::accept_direct`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_accept_direct(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: c_int,
    file_index: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::accept_direct(sqe, fd, addr, addrlen, flags, file_index);
    }
}

/// `io_uring_prep_multishot_accept`: see [`prep::multishot_accept`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_multishot_accept(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::multishot_accept(sqe, fd, addr, addrlen, flags);
    }
}

/// `io_uring_prep_multishot_accept_direct`: see [`prep::multishot_accept_direct`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_multishot_accept_direct(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *mut sockaddr,
    addrlen: *mut socklen_t,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::multishot_accept_direct(sqe, fd, addr, addrlen, flags);
    }
}

/// `io_uring_prep_cancel64`: see [`prep::cancel64`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cancel64(sqe: *mut io_uring_sqe, user_data: __u64, flags: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::cancel64(sqe, user_data, flags);
    }
}

/// `io_uring_prep_cancel`: see [`prep::cancel`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cancel(sqe: *mut io_uring_sqe, user_data: *const c_void, flags: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::cancel(sqe, user_data, flags);
    }
}

/// `io_uring_prep_cancel_fd`: see [`prep::cancel_fd`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cancel_fd(sqe: *mut io_uring_sqe, fd: c_int, flags: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::cancel_fd(sqe, fd, flags);
    }
}

/// `io_uring_prep_link_timeout`: see [`prep::link_timeout`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_link_timeout(
    sqe: *mut io_uring_sqe,
    ts: *const __kernel_timespec,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::link_timeout(sqe, ts, flags);
    }
}

/// `io_uring_prep_connect`: see [`prep::connect`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_connect(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *const sockaddr,
    addrlen: socklen_t,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::connect(sqe, fd, addr, addrlen);
    }
}

/// `io_uring_prep_bind`: see [`prep::bind`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_bind(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    addr: *const sockaddr,
    addrlen: socklen_t,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::bind(sqe, fd, addr, addrlen);
    }
}

/// `io_uring_prep_listen`: see [`prep::listen`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_listen(sqe: *mut io_uring_sqe, fd: c_int, backlog: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::listen(sqe, fd, backlog);
    }
}

/// `io_uring_prep_epoll_wait`: see [`prep::epoll_wait`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_epoll_wait(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    events: *mut epoll_event,
    maxevents: c_int,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::epoll_wait(sqe, fd, events, maxevents, flags);
    }
}

/// `io_uring_prep_files_update`: see [`prep::files_update`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_files_update(
    sqe: *mut io_uring_sqe,
    fds: *mut c_int,
    nr_fds: c_uint,
    offset: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::files_update(sqe, fds, nr_fds, offset);
    }
}

/// `io_uring_prep_fallocate`: see [`prep::fallocate`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fallocate(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    mode: c_int,
    offset: __u64,
    len: __u64,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::fallocate(sqe, fd, mode, offset, len);
    }
}

/// `io_uring_prep_openat`: see [`prep::openat`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_openat(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: mode_t,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::openat(sqe, dfd, path, flags, mode);
    }
}

/// `io_uring_prep_openat_direct`: see [`prep::openat_direct`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_openat_direct(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    flags: c_int,
    mode: mode_t,
    file_index: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::openat_direct(sqe, dfd, path, flags, mode, file_index);
    }
}

/// `io_uring_prep_open`: see [`prep::open`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_open(sqe: *mut io_uring_sqe, path: *const c_char, flags: c_int, mode: mode_t) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::open(sqe, path, flags, mode);
    }
}

/// `io_uring_prep_open_direct`: see [`prep::open_direct`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_open_direct(
    sqe: *mut io_uring_sqe,
    path: *const c_char,
    flags: c_int,
    mode: mode_t,
    file_index: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::open_direct(sqe, path, flags, mode, file_index);
    }
}

/// `io_uring_prep_close`: see [`prep::close`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_close(sqe: *mut io_uring_sqe, fd: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::close(sqe, fd);
    }
}

/// `io_uring_prep_close_direct`: see [`prep::close_direct`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_close_direct(sqe: *mut io_uring_sqe, file_index: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::close_direct(sqe, file_index);
    }
}

/// `io_uring_prep_read`: see [`prep::read`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_read(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *mut c_void,
    nbytes: c_uint,
    offset: __u64,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::read(sqe, fd, buf, nbytes, offset);
    }
}

/// `io_uring_prep_read_multishot`: see [`prep::read_multishot`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_read_multishot(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    nbytes: c_uint,
    offset: __u64,
    buf_group: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::read_multishot(sqe, fd, nbytes, offset, buf_group);
    }
}

/// `io_uring_prep_write`: see [`prep::write`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_write(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    buf: *const c_void,
    nbytes: c_uint,
    offset: __u64,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::write(sqe, fd, buf, nbytes, offset);
    }
}

/// `io_uring_prep_statx`: see [`prep::statx`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_statx(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    flags: c_int,
    mask: c_uint,
    statxbuf: *mut statx,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::statx(sqe, dfd, path, flags, mask, statxbuf);
    }
}

/// `io_uring_prep_fadvise`: see [`prep::fadvise`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fadvise(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    offset: __u64,
    len: __u32,
    advice: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::fadvise(sqe, fd, offset, len, advice);
    }
}

/// `io_uring_prep_madvise`: see [`prep::madvise`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_madvise(
    sqe: *mut io_uring_sqe,
    addr: *mut c_void,
    length: __u32,
    advice: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::madvise(sqe, addr, length, advice);
    }
}

/// `io_uring_prep_fadvise64`: see [`prep::fadvise64`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fadvise64(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    offset: __u64,
    len: off_t,
    advice: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::fadvise64(sqe, fd, offset, len, advice);
    }
}

/// `io_uring_prep_madvise64`: see [`prep::madvise64`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_madvise64(
    sqe: *mut io_uring_sqe,
    addr: *mut c_void,
    length: off_t,
    advice: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::madvise64(sqe, addr, length, advice);
    }
}

/// `io_uring_prep_send`: see [`prep::send`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::send(sqe, sockfd, buf, len, flags);
    }
}

/// `io_uring_prep_send_bundle`: see [`prep::send_bundle`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send_bundle(sqe: *mut io_uring_sqe, sockfd: c_int, len: size_t, flags: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::send_bundle(sqe, sockfd, len, flags);
    }
}

/// `io_uring_prep_send_set_addr`: see [`prep::send_set_addr`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send_set_addr(
    sqe: *mut io_uring_sqe,
    dest_addr: *const sockaddr,
    addr_len: __u16,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::send_set_addr(sqe, dest_addr, addr_len);
    }
}

/// `io_uring_prep_sendto`: see [`prep::sendto`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sendto(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    addr: *const sockaddr,
    addrlen: socklen_t,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sendto(sqe, sockfd, buf, len, flags, addr, addrlen);
    }
}

/// `io_uring_prep_send_zc`: see [`prep::send_zc`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send_zc(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    zc_flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::send_zc(sqe, sockfd, buf, len, flags, zc_flags);
    }
}

/// `io_uring_prep_send_zc_fixed`: see [`prep::send_zc_fixed`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_send_zc_fixed(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *const c_void,
    len: size_t,
    flags: c_int,
    zc_flags: c_uint,
    buf_index: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::send_zc_fixed(sqe, sockfd, buf, len, flags, zc_flags, buf_index);
    }
}

/// `io_uring_prep_sendmsg_zc`: see [`prep::sendmsg_zc`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sendmsg_zc(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    msg: *const msghdr,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sendmsg_zc(sqe, fd, msg, flags);
    }
}

/// `io_uring_prep_sendmsg_zc_fixed`: see [`prep::sendmsg_zc_fixed`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sendmsg_zc_fixed(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    msg: *const msghdr,
    flags: c_uint,
    buf_index: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sendmsg_zc_fixed(sqe, fd, msg, flags, buf_index);
    }
}

/// `io_uring_prep_recv`: see [`prep::recv`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_recv(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::recv(sqe, sockfd, buf, len, flags);
    }
}

/// `io_uring_prep_recv_multishot`: see [`prep::recv_multishot`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_recv_multishot(
    sqe: *mut io_uring_sqe,
    sockfd: c_int,
    buf: *mut c_void,
    len: size_t,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::recv_multishot(sqe, sockfd, buf, len, flags);
    }
}

/// `io_uring_prep_openat2`: see [`prep::openat2`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_openat2(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    how: *const open_how,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::openat2(sqe, dfd, path, how.cast());
    }
}

/// `io_uring_prep_openat2_direct`: see [`prep::openat2_direct`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_openat2_direct(
    sqe: *mut io_uring_sqe,
    dfd: c_int,
    path: *const c_char,
    how: *const open_how,
    file_index: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::openat2_direct(sqe, dfd, path, how.cast(), file_index);
    }
}

/// `io_uring_prep_epoll_ctl`: see [`prep::epoll_ctl`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_epoll_ctl(
    sqe: *mut io_uring_sqe,
    epfd: c_int,
    fd: c_int,
    op: c_int,
    ev: *const epoll_event,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::epoll_ctl(sqe, epfd, fd, op, ev);
    }
}

/// `io_uring_prep_provide_buffers`: see [`prep::provide_buffers`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_provide_buffers(
    sqe: *mut io_uring_sqe,
    addr: *mut c_void,
    len: c_int,
    nr: c_int,
    bgid: c_int,
    bid: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::provide_buffers(sqe, addr, len, nr, bgid, bid);
    }
}

/// `io_uring_prep_remove_buffers`: see [`prep::remove_buffers`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_remove_buffers(sqe: *mut io_uring_sqe, nr: c_int, bgid: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::remove_buffers(sqe, nr, bgid);
    }
}

/// `io_uring_prep_shutdown`: see [`prep::shutdown`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_shutdown(sqe: *mut io_uring_sqe, fd: c_int, how: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::shutdown(sqe, fd, how);
    }
}

/// `io_uring_prep_unlinkat`: see [`prep::unlinkat`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_unlinkat(sqe: *mut io_uring_sqe, dfd: c_int, path: *const c_char, flags: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::unlinkat(sqe, dfd, path, flags);
    }
}

/// `io_uring_prep_unlink`: see [`prep::unlink`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_unlink(sqe: *mut io_uring_sqe, path: *const c_char, flags: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::unlink(sqe, path, flags);
    }
}

/// `io_uring_prep_renameat`: see [`prep::renameat`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_renameat(
    sqe: *mut io_uring_sqe,
    olddfd: c_int,
    oldpath: *const c_char,
    newdfd: c_int,
    newpath: *const c_char,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::renameat(sqe, olddfd, oldpath, newdfd, newpath, flags);
    }
}

/// `io_uring_prep_rename`: see [`prep::rename`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_rename(sqe: *mut io_uring_sqe, oldpath: *const c_char, newpath: *const c_char) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::rename(sqe, oldpath, newpath);
    }
}

/// `io_uring_prep_sync_file_range`: see [`prep::sync_file_range`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_sync_file_range(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    len: c_uint,
    offset: __u64,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sync_file_range(sqe, fd, len, offset, flags);
    }
}

/// `io_uring_prep_mkdirat`: see [`prep::mkdirat`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_mkdirat(sqe: *mut io_uring_sqe, dfd: c_int, path: *const c_char, mode: mode_t) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::mkdirat(sqe, dfd, path, mode);
    }
}

/// `io_uring_prep_mkdir`: see [`prep::mkdir`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_mkdir(sqe: *mut io_uring_sqe, path: *const c_char, mode: mode_t) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::mkdir(sqe, path, mode);
    }
}

/// `io_uring_prep_symlinkat`: see [`prep::symlinkat`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_symlinkat(
    sqe: *mut io_uring_sqe,
    target: *const c_char,
    newdirfd: c_int,
    linkpath: *const c_char,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::symlinkat(sqe, target, newdirfd, linkpath);
    }
}

/// `io_uring_prep_symlink`: see [`prep::symlink`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_symlink(sqe: *mut io_uring_sqe, target: *const c_char, linkpath: *const c_char) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::symlink(sqe, target, linkpath);
    }
}

/// `io_uring_prep_linkat`: see [`prep::linkat`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_linkat(
    sqe: *mut io_uring_sqe,
    olddfd: c_int,
    oldpath: *const c_char,
    newdfd: c_int,
    newpath: *const c_char,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::linkat(sqe, olddfd, oldpath, newdfd, newpath, flags);
    }
}

/// `io_uring_prep_link`: see [`prep::link`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_link(
    sqe: *mut io_uring_sqe,
    oldpath: *const c_char,
    newpath: *const c_char,
    flags: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::link(sqe, oldpath, newpath, flags);
    }
}

/// `io_uring_prep_msg_ring_cqe_flags`: see [`prep::msg_ring_cqe_flags`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_msg_ring_cqe_flags(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    len: c_uint,
    data: __u64,
    flags: c_uint,
    cqe_flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::msg_ring_cqe_flags(sqe, fd, len, data, flags, cqe_flags);
    }
}

/// `io_uring_prep_msg_ring`: see [`prep::msg_ring`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_msg_ring(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    len: c_uint,
    data: __u64,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::msg_ring(sqe, fd, len, data, flags);
    }
}

/// `io_uring_prep_msg_ring_fd`: see [`prep::msg_ring_fd`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_msg_ring_fd(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    source_fd: c_int,
    target_fd: c_int,
    data: __u64,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::msg_ring_fd(sqe, fd, source_fd, target_fd, data, flags);
    }
}

/// `io_uring_prep_msg_ring_fd_alloc`: see [`prep::msg_ring_fd_alloc`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_msg_ring_fd_alloc(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    source_fd: c_int,
    data: __u64,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::msg_ring_fd_alloc(sqe, fd, source_fd, data, flags);
    }
}

/// `io_uring_prep_getxattr`: see [`prep::getxattr`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_getxattr(
    sqe: *mut io_uring_sqe,
    name: *const c_char,
    value: *mut c_char,
    path: *const c_char,
    len: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::getxattr(sqe, name, value, path, len);
    }
}

/// `io_uring_prep_setxattr`: see [`prep::setxattr`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_setxattr(
    sqe: *mut io_uring_sqe,
    name: *const c_char,
    value: *const c_char,
    path: *const c_char,
    flags: c_int,
    len: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::setxattr(sqe, name, value, path, flags, len);
    }
}

/// `io_uring_prep_fgetxattr`: see [`prep::fgetxattr`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fgetxattr(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    name: *const c_char,
    value: *mut c_char,
    len: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::fgetxattr(sqe, fd, name, value, len);
    }
}

/// `io_uring_prep_fsetxattr`: see [`prep::fsetxattr`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fsetxattr(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    name: *const c_char,
    value: *const c_char,
    flags: c_int,
    len: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::fsetxattr(sqe, fd, name, value, flags, len);
    }
}

/// `io_uring_prep_socket`: see [`prep::socket`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_socket(
    sqe: *mut io_uring_sqe,
    domain: c_int,
    r#type: c_int,
    protocol: c_int,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::socket(sqe, domain, r#type, protocol, flags);
    }
}

/// `io_uring_prep_socket_direct`: see [`prep::socket_direct`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_socket_direct(
    sqe: *mut io_uring_sqe,
    domain: c_int,
    r#type: c_int,
    protocol: c_int,
    file_index: c_uint,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::socket_direct(sqe, domain, r#type, protocol, file_index, flags);
    }
}

/// `io_uring_prep_socket_direct_alloc`: see [`prep::socket_direct_alloc`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_socket_direct_alloc(
    sqe: *mut io_uring_sqe,
    domain: c_int,
    r#type: c_int,
    protocol: c_int,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::socket_direct_alloc(sqe, domain, r#type, protocol, flags);
    }
}

/// `__io_uring_prep_uring_cmd`: see [`prep::uring_cmd_base`].
#[no_mangle]
pub unsafe extern "C" fn __io_uring_prep_uring_cmd(sqe: *mut io_uring_sqe, op: c_int, cmd_op: __u32, fd: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::uring_cmd_base(sqe, op as u8, cmd_op, fd);
    }
}

/// `io_uring_prep_uring_cmd`: see [`prep::uring_cmd`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_uring_cmd(sqe: *mut io_uring_sqe, cmd_op: c_int, fd: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::uring_cmd(sqe, cmd_op, fd);
    }
}

/// `io_uring_prep_uring_cmd128`: see [`prep::uring_cmd128`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_uring_cmd128(sqe: *mut io_uring_sqe, cmd_op: c_int, fd: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::uring_cmd128(sqe, cmd_op, fd);
    }
}

/// `io_uring_prep_cmd_sock`: see [`prep::cmd_sock`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cmd_sock(
    sqe: *mut io_uring_sqe,
    cmd_op: c_int,
    fd: c_int,
    level: c_int,
    optname: c_int,
    optval: *mut c_void,
    optlen: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::cmd_sock(sqe, cmd_op, fd, level, optname, optval, optlen);
    }
}

/// `io_uring_prep_cmd_getsockname`: see [`prep::cmd_getsockname`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cmd_getsockname(
    sqe: *mut io_uring_sqe,
    fd: c_int,
    sockaddr: *mut sockaddr,
    sockaddr_len: *mut socklen_t,
    peer: c_int,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::cmd_getsockname(sqe, fd, sockaddr, sockaddr_len, peer);
    }
}

/// `io_uring_prep_waitid`: see [`prep::waitid`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_waitid(
    sqe: *mut io_uring_sqe,
    idtype: idtype_t,
    id: id_t,
    infop: *mut siginfo_t,
    options: c_int,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::waitid(sqe, idtype, id, infop, options, flags);
    }
}

/// `io_uring_prep_futex_wake`: see [`prep::futex_wake`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_futex_wake(
    sqe: *mut io_uring_sqe,
    futex: *const u32,
    val: u64,
    mask: u64,
    futex_flags: u32,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::futex_wake(sqe, futex, val, mask, futex_flags, flags);
    }
}

/// `io_uring_prep_futex_wait`: see [`prep::futex_wait`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_futex_wait(
    sqe: *mut io_uring_sqe,
    futex: *const u32,
    val: u64,
    mask: u64,
    futex_flags: u32,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::futex_wait(sqe, futex, val, mask, futex_flags, flags);
    }
}

/// `io_uring_prep_futex_waitv`: see [`prep::futex_waitv`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_futex_waitv(
    sqe: *mut io_uring_sqe,
    futex: *const futex_waitv,
    nr_futex: u32,
    flags: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::futex_waitv(sqe, futex.cast(), nr_futex, flags);
    }
}

/// `io_uring_prep_fixed_fd_install`: see [`prep::fixed_fd_install`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_fixed_fd_install(sqe: *mut io_uring_sqe, fd: c_int, flags: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::fixed_fd_install(sqe, fd, flags);
    }
}

/// `io_uring_prep_ftruncate`: see [`prep::ftruncate`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_ftruncate(sqe: *mut io_uring_sqe, fd: c_int, len: loff_t) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::ftruncate(sqe, fd, len);
    }
}

/// `io_uring_prep_cmd_discard`: see [`prep::cmd_discard`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cmd_discard(sqe: *mut io_uring_sqe, fd: c_int, offset: u64, nbytes: u64) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::cmd_discard(sqe, fd, offset, nbytes);
    }
}

/// `io_uring_prep_cmd_zone_reset_all`: see [`prep::cmd_zone_reset_all`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_cmd_zone_reset_all(sqe: *mut io_uring_sqe, fd: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::cmd_zone_reset_all(sqe, fd);
    }
}

/// `io_uring_prep_pipe`: see [`prep::pipe`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_pipe(sqe: *mut io_uring_sqe, fds: *mut c_int, pipe_flags: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::pipe(sqe, fds, pipe_flags);
    }
}

/// `io_uring_prep_pipe_direct`: see [`prep::pipe_direct`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_prep_pipe_direct(
    sqe: *mut io_uring_sqe,
    fds: *mut c_int,
    pipe_flags: c_int,
    file_index: c_uint,
) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`, which is ignored.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::pipe_direct(sqe, fds, pipe_flags, file_index);
    }
}
