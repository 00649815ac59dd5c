//! C exports of the SQE/CQE field helpers and the multishot-`recvmsg` output helpers.
//! NULL pointers are ignored (setters) or give NULL / 0 (getters); no logic lives here.
#![allow(clippy::missing_safety_doc)]

use super::ctypes::*;
use crate::prep;
use crate::sys::{io_uring_cqe, io_uring_recvmsg_out, io_uring_sqe};

/// Stores pointer `data` as the SQE's user_data: the kernel copies it into the completion,
/// where io_uring_cqe_get_data() returns it. Returns nothing; a NULL `sqe` is ignored.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sqe_set_data@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_data(sqe: *mut io_uring_sqe, data: *mut c_void) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sqe_set_data(sqe, data);
    }
}

/// Stores the 64-bit value `data` as the SQE's user_data, returned in the completion
/// (io_uring_cqe_get_data64()). Returns nothing; a NULL `sqe` is ignored.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sqe_set_data64@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_data64(sqe: *mut io_uring_sqe, data: __u64) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sqe_set_data64(sqe, data);
    }
}

/// Sets the SQE's flags to `flags` (`IOSQE_*`: link, drain, async, fixed file, buffer
/// select, skip success CQE), replacing the previous value. Returns nothing; a NULL `sqe`
/// is ignored.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sqe_set_flags@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_flags(sqe: *mut io_uring_sqe, flags: c_uint) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sqe_set_flags(sqe, flags);
    }
}

/// Sets the SQE's buffer group to `bgid`: with `IOSQE_BUFFER_SELECT` the kernel picks the
/// request's buffer from that provided-buffer group. Returns nothing; a NULL `sqe` is
/// ignored.
///
/// Since liburing 2.9 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_sqe_set_buf_group@@LIBURING_2.9`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_sqe_set_buf_group(sqe: *mut io_uring_sqe, bgid: c_int) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::sqe_set_buf_group(sqe, bgid);
    }
}

/// Clears the fields of `sqe` that io_uring_get_sqe() clears: flags, ioprio, rw_flags,
/// buf_index, personality, file_index, addr3 and the padding word. A NULL `sqe` is ignored.
/// Returns nothing.
///
/// Since liburing 2.6 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_initialize_sqe@@LIBURING_2.6`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_initialize_sqe(sqe: *mut io_uring_sqe) {
    // SAFETY: C-CONTRACT: `sqe` is NULL or an SQE the caller may write, not accessed
    // elsewhere during the call; `as_mut` turns NULL into `None`.
    if let Some(sqe) = unsafe { sqe.as_mut() } {
        prep::initialize_sqe(sqe);
    }
}

/// Returns the completion's user_data as a pointer (what io_uring_sqe_set_data() stored);
/// NULL for a NULL `cqe`.
///
/// Since liburing 2.0 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cqe_get_data@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_get_data(cqe: *const io_uring_cqe) -> *mut c_void {
    // SAFETY: C-CONTRACT: `cqe` is NULL or a readable CQE the kernel no longer writes (it
    // was peeked and not yet seen); `as_ref` turns NULL into `None`.
    match unsafe { cqe.as_ref() } {
        Some(cqe) => prep::cqe_get_data(cqe),
        None => core::ptr::null_mut(),
    }
}

/// Returns the completion's user_data as a 64-bit value (what io_uring_sqe_set_data64()
/// stored); 0 for a NULL `cqe`.
///
/// Since liburing 2.2 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cqe_get_data64@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_get_data64(cqe: *const io_uring_cqe) -> __u64 {
    // SAFETY: C-CONTRACT: `cqe` is NULL or a readable CQE the kernel no longer writes (it
    // was peeked and not yet seen); `as_ref` turns NULL into `None`.
    match unsafe { cqe.as_ref() } {
        Some(cqe) => prep::cqe_get_data64(cqe),
        None => 0,
    }
}

/// Returns the number of CQ slots completion `cqe` occupies: 2 for a 32-byte CQE on an
/// `IORING_SETUP_CQE_MIXED` ring (`IORING_CQE_F_32`), else 1.
///
/// Since liburing 2.13 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_cqe_nr@@LIBURING_2.12`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_cqe_nr(cqe: *const io_uring_cqe) -> c_uint {
    // SAFETY: C-CONTRACT: `cqe` is NULL or a readable CQE the kernel no longer writes (it
    // was peeked and not yet seen); `as_ref` turns NULL into `None`.
    match unsafe { cqe.as_ref() } {
        Some(cqe) => prep::cqe_nr(cqe),
        None => 0,
    }
}

/// Checks that a buffer `buf` of `buf_len` bytes filled by a multishot recvmsg
/// (io_uring_prep_recvmsg_multishot()) holds the header, name and control parts that `msgh`
/// (the msghdr given to the request) describes.
///
/// Returns `buf` as a `struct io_uring_recvmsg_out *` for the other io_uring_recvmsg_*
/// helpers, or NULL when the buffer is too short (or an argument is NULL or negative).
///
/// Since liburing 2.3 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_recvmsg_validate@@LIBURING_2.4`.
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

/// Returns a pointer to the source address in a multishot recvmsg buffer (right after its
/// `struct io_uring_recvmsg_out` header).
///
/// Since liburing 2.3 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_recvmsg_name@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_name(o: *mut io_uring_recvmsg_out) -> *mut c_void {
    prep::recvmsg_name(o)
}

/// Returns the first control message of a multishot recvmsg buffer, or NULL when the
/// received control data is shorter than one `struct cmsghdr`.
///
/// Since liburing 2.3 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_recvmsg_cmsg_firsthdr@@LIBURING_2.4`.
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

/// Returns the control message after `cmsg` in a multishot recvmsg buffer, or NULL when
/// `cmsg` is the last or its length is invalid.
///
/// Since liburing 2.3 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_recvmsg_cmsg_nexthdr@@LIBURING_2.4`.
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

/// Returns a pointer to the payload of a multishot recvmsg buffer (after the header, name
/// and control data).
///
/// Since liburing 2.3 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_recvmsg_payload@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_recvmsg_payload(o: *mut io_uring_recvmsg_out, msgh: *mut msghdr) -> *mut c_void {
    // SAFETY: C-CONTRACT: `msgh` is NULL or a readable msghdr; `as_ref` turns NULL into
    // `None`.
    match unsafe { msgh.as_ref() } {
        Some(msgh) => prep::recvmsg_payload(o, msgh),
        None => core::ptr::null_mut(),
    }
}

/// Returns the number of payload bytes in a multishot recvmsg buffer of `buf_len` bytes:
/// what remains after the header, name and control data (0 if nothing or `buf_len` is
/// negative).
///
/// Since liburing 2.3 (an inline function in liburing's own liburing.h); exported as
/// `io_uring_recvmsg_payload_length@@LIBURING_2.4`.
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
