//! The C types that appear in liburing's prototypes, under their C names, so that the
//! exported signatures (and the cbindgen-generated header) match liburing exactly.
//! `__u64` is `unsigned long long` while `uint64_t` is `unsigned long`: prototypes that
//! say `__u64` in liburing must say `__u64` here too.
#![allow(non_camel_case_types)]

pub use core::ffi::{c_char, c_int, c_uint, c_ushort, c_void};
pub use libc::{
    cmsghdr, cpu_set_t, epoll_event, id_t, idtype_t, iovec, loff_t, mode_t, msghdr, off_t, siginfo_t, sigset_t, size_t,
    sockaddr, socklen_t, ssize_t, statx,
};

pub type __u8 = u8;
pub type __u16 = u16;
pub type __u32 = u32;
pub type __s32 = i32;
pub type __u64 = u64;

/// `struct open_how` (only ever used through a pointer).
#[repr(C)]
pub struct open_how {
    _opaque: [u8; 0],
}

/// `struct futex_waitv` (only ever used through a pointer).
#[repr(C)]
pub struct futex_waitv {
    _opaque: [u8; 0],
}
