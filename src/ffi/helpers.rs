//! C exports of the SQE/CQE field helpers and the multishot-`recvmsg` output helpers.
//! NULL pointers are ignored (setters) or give NULL / 0 (getters); no logic lives here.
#![allow(clippy::missing_safety_doc)]

use super::ctypes::*;
use crate::prep;
use crate::sys::{io_uring_cqe, io_uring_recvmsg_out, io_uring_sqe};

/// `io_uring_sqe_set_data`: see [`prep::sqe_set_data`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_data(sqe: *mut io_uring_sqe, data: *mut c_void) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sqe_set_data(sqe, data);
    }
}

/// `io_uring_sqe_set_data64`: see [`prep::sqe_set_data64`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_data64(sqe: *mut io_uring_sqe, data: __u64) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sqe_set_data64(sqe, data);
    }
}

/// `io_uring_sqe_set_flags`: see [`prep::sqe_set_flags`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_flags(sqe: *mut io_uring_sqe, flags: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sqe_set_flags(sqe, flags);
    }
}

/// `io_uring_sqe_set_buf_group`: see [`prep::sqe_set_buf_group`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_buf_group(sqe: *mut io_uring_sqe, bgid: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sqe_set_buf_group(sqe, bgid);
    }
}

/// `io_uring_initialize_sqe`: see [`prep::initialize_sqe`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_initialize_sqe(sqe: *mut io_uring_sqe) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::initialize_sqe(sqe);
    }
}

/// `io_uring_cqe_get_data`: see [`prep::cqe_get_data`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_get_data(cqe: *const io_uring_cqe) -> *mut c_void {
    // SAFETY: C-CONTRACT: `cqe` is NULL or a readable CQE the kernel no longer writes (it
    // was peeked and not yet seen); `as_ref` turns NULL into `None`.
    match unsafe { cqe.as_ref() } {
        Some(cqe) => prep::cqe_get_data(cqe),
        None => core::ptr::null_mut(),
    }
}

/// `io_uring_cqe_get_data64`: see [`prep::cqe_get_data64`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_get_data64(cqe: *const io_uring_cqe) -> __u64 {
    // SAFETY: C-CONTRACT: `cqe` is NULL or a readable CQE the kernel no longer writes (it
    // was peeked and not yet seen); `as_ref` turns NULL into `None`.
    match unsafe { cqe.as_ref() } {
        Some(cqe) => prep::cqe_get_data64(cqe),
        None => 0,
    }
}

/// `io_uring_cqe_nr`: see [`prep::cqe_nr`]. A NULL `cqe` gives 0.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_nr(cqe: *const io_uring_cqe) -> c_uint {
    // SAFETY: C-CONTRACT: `cqe` is NULL or a readable CQE the kernel no longer writes (it
    // was peeked and not yet seen); `as_ref` turns NULL into `None`.
    match unsafe { cqe.as_ref() } {
        Some(cqe) => prep::cqe_nr(cqe),
        None => 0,
    }
}

/// `io_uring_recvmsg_validate`: see [`prep::recvmsg_validate`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_validate(
    buf: *mut c_void,
    buf_len: c_int,
    msgh: *mut msghdr,
) -> *mut io_uring_recvmsg_out {
    // SAFETY: C-CONTRACT: `msgh` is NULL or a readable msghdr; `as_ref` turns NULL into
    // `None`.
    match unsafe { msgh.as_ref() } {
        Some(msgh) if !buf.is_null() => prep::recvmsg_validate(buf, buf_len, msgh),
        _ => core::ptr::null_mut(),
    }
}

/// `io_uring_recvmsg_name`: see [`prep::recvmsg_name`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_name(o: *mut io_uring_recvmsg_out) -> *mut c_void {
    prep::recvmsg_name(o)
}

/// `io_uring_recvmsg_cmsg_firsthdr`: see [`prep::recvmsg_cmsg_firsthdr`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_cmsg_firsthdr(
    o: *mut io_uring_recvmsg_out,
    msgh: *mut msghdr,
) -> *mut cmsghdr {
    // SAFETY: C-CONTRACT: `msgh` is NULL or a readable msghdr; `as_ref` turns NULL into
    // `None`.
    let Some(msgh) = (unsafe { msgh.as_ref() }) else {
        return core::ptr::null_mut();
    };
    // SAFETY: RECVMSG-BUF: by C-CONTRACT, `o` is NULL or a buffer accepted by
    // io_uring_recvmsg_validate for this `msgh`, as liburing documents.
    unsafe { prep::recvmsg_cmsg_firsthdr(o, msgh) }
}

/// `io_uring_recvmsg_cmsg_nexthdr`: see [`prep::recvmsg_cmsg_nexthdr`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_cmsg_nexthdr(
    o: *mut io_uring_recvmsg_out,
    msgh: *mut msghdr,
    cmsg: *mut cmsghdr,
) -> *mut cmsghdr {
    // SAFETY: C-CONTRACT: `msgh` is NULL or a readable msghdr; `as_ref` turns NULL into
    // `None`.
    let Some(msgh) = (unsafe { msgh.as_ref() }) else {
        return core::ptr::null_mut();
    };
    // SAFETY: RECVMSG-BUF: by C-CONTRACT, `o` is NULL or a buffer accepted by
    // io_uring_recvmsg_validate for this `msgh`, and `cmsg` is NULL or came from the
    // first/next helpers for it, as liburing documents; a `cmsg` outside the control
    // area is not read.
    unsafe { prep::recvmsg_cmsg_nexthdr(o, msgh, cmsg) }
}

/// `io_uring_recvmsg_payload`: see [`prep::recvmsg_payload`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_payload(o: *mut io_uring_recvmsg_out, msgh: *mut msghdr) -> *mut c_void {
    // SAFETY: C-CONTRACT: `msgh` is NULL or a readable msghdr; `as_ref` turns NULL into
    // `None`.
    match unsafe { msgh.as_ref() } {
        Some(msgh) => prep::recvmsg_payload(o, msgh),
        None => core::ptr::null_mut(),
    }
}

/// `io_uring_recvmsg_payload_length`: see [`prep::recvmsg_payload_length`].
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_payload_length(
    o: *mut io_uring_recvmsg_out,
    buf_len: c_int,
    msgh: *mut msghdr,
) -> c_uint {
    // SAFETY: C-CONTRACT: `msgh` is NULL or a readable msghdr; `as_ref` turns NULL into
    // `None`.
    match unsafe { msgh.as_ref() } {
        Some(msgh) => prep::recvmsg_payload_length(o, buf_len, msgh),
        None => 0,
    }
}
