//! Reading the output of a multishot `recvmsg` ([`super::recvmsg_multishot`]).
//!
//! Each completion fills one provided buffer laid out as:
//!
//! ```text
//! [ io_uring_recvmsg_out (16 bytes) ][ name: msg_namelen ][ control: msg_controllen ][ payload ... ]
//! ```
//!
//! where `msg_namelen` and `msg_controllen` are the sizes the application put in the
//! `msghdr` it passed to the preparer (the areas are reserved at those sizes even when
//! the kernel writes less). The header says how much of each area was actually used.
//!
//! Two interfaces: the raw-pointer functions that mirror liburing's C helpers (used by
//! the C exports), and [`RecvMsgOut`], a bounds-checked view over a byte slice for Rust
//! callers. All arithmetic is overflow-checked; nothing reads outside the areas the
//! `msghdr` describes.
//!
//! # Invariant
//!
//! The raw-pointer readers rely on one invariant, cited by name:
//!
//! * **RECVMSG-BUF**: `o` is NULL or points to a buffer that [`recvmsg_validate`] accepts
//!   for `msgh`, and that stays readable for the call: the 16-byte header followed by the
//!   `msg_namelen`-byte name area and the `msg_controllen`-byte control area. Nothing
//!   else is assumed of the bytes: the walk over the control messages is bounded by
//!   `min(controllen, msg_controllen)` ([`control_len`]), so a header that claims more
//!   control data than the area holds cannot lead it out of the buffer. The buffer is a
//!   provided buffer at any alignment, so every field is read with `read_unaligned`, and
//!   only through raw pointers (no reference into it is formed).

// `msg_controllen` and `cmsg_len` are `size_t` on glibc but `socklen_t` on musl: the
// `as usize` casts are needed there.
#![allow(clippy::unnecessary_cast)]

use core::ffi::c_void;
use core::mem::size_of;
use core::ptr;

use libc::{cmsghdr, msghdr};

use crate::sys::io_uring_recvmsg_out;

/// Size of the `io_uring_recvmsg_out` header at the start of the buffer.
const OUT_LEN: usize = size_of::<io_uring_recvmsg_out>();
/// Size of a control-message header.
const CMSG_HDR_LEN: usize = size_of::<cmsghdr>();

/// `CMSG_ALIGN`: round up to the alignment of `size_t`, or `None` on overflow.
#[inline]
fn cmsg_align(len: usize) -> Option<usize> {
    const A: usize = size_of::<usize>();
    Some(len.checked_add(A - 1)? & !(A - 1))
}

/// Header + name area + control area, or `None` on overflow.
#[inline]
fn areas_len(msgh: &msghdr) -> Option<usize> {
    OUT_LEN
        .checked_add(msgh.msg_namelen as usize)?
        .checked_add(msgh.msg_controllen as usize)
}

/// Check that a buffer of `buf_len` bytes holds at least the header and the name and
/// control areas `msgh` reserves; returns `buf` as the header, or NULL if it does not
/// (or `buf_len` is negative, or the sizes overflow).
#[doc(alias = "io_uring_recvmsg_validate")]
#[inline]
pub fn recvmsg_validate(buf: *mut c_void, buf_len: i32, msgh: &msghdr) -> *mut io_uring_recvmsg_out {
    let Ok(len) = usize::try_from(buf_len) else {
        return ptr::null_mut();
    };
    match areas_len(msgh) {
        Some(need) if len >= need => buf.cast(),
        _ => ptr::null_mut(),
    }
}

/// Bytes of control data the cmsg walk may read: the `controllen` the kernel wrote,
/// clamped to the `msg_controllen`-byte area that `msgh` reserves (the part of the
/// buffer [`recvmsg_validate`] checked).
///
/// For a header the kernel wrote for this `msghdr` the clamp changes nothing: the
/// kernel's `controllen` is the control data it stored, which never exceeds the area it
/// was given. liburing bounds the walk by `controllen` alone; the two differ only for a
/// header that does not match `msgh` (another `msghdr`, a reused or forged buffer), where
/// liburing reads past the area it validated.
///
/// # Safety
/// `o` must be non-NULL and point to a readable header (RECVMSG-BUF).
#[inline]
unsafe fn control_len(o: *mut io_uring_recvmsg_out, msgh: &msghdr) -> usize {
    // SAFETY: RECVMSG-BUF: `o` is a readable header (this function's contract); the
    // projection forms no reference.
    let field = unsafe { ptr::addr_of!((*o).controllen) };
    // SAFETY: RECVMSG-BUF: a field of the readable header, read unaligned because a
    // provided buffer need not be 4-byte aligned.
    let controllen = unsafe { field.read_unaligned() };
    (controllen as usize).min(msgh.msg_controllen as usize)
}

/// The start of the name area (right after the 16-byte header). Pure address
/// arithmetic: nothing is read.
#[doc(alias = "io_uring_recvmsg_name")]
#[inline]
pub fn recvmsg_name(o: *mut io_uring_recvmsg_out) -> *mut c_void {
    o.cast::<u8>().wrapping_add(OUT_LEN).cast()
}

/// The first control message, or NULL if the kernel wrote less than one header's worth
/// of control data (or the reserved `msg_controllen`-byte control area is smaller
/// than one header).
///
/// # Safety
/// `o` must be NULL or point to a readable `io_uring_recvmsg_out` (as returned by
/// [`recvmsg_validate`]): RECVMSG-BUF.
#[doc(alias = "io_uring_recvmsg_cmsg_firsthdr")]
#[inline]
pub unsafe fn recvmsg_cmsg_firsthdr(o: *mut io_uring_recvmsg_out, msgh: &msghdr) -> *mut cmsghdr {
    if o.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: RECVMSG-BUF: `o` is non-NULL here, so it is a readable header.
    if unsafe { control_len(o, msgh) } < CMSG_HDR_LEN {
        return ptr::null_mut();
    }
    recvmsg_name(o)
        .cast::<u8>()
        .wrapping_add(msgh.msg_namelen as usize)
        .cast()
}

/// The control message after `cmsg`, or NULL when `cmsg` is the last one, when its
/// `cmsg_len` is smaller than a header, or when the next one would not fit in the
/// control data the kernel wrote (`o->controllen`, clamped to the reserved
/// `msg_controllen`-byte area).
///
/// # Safety
/// `o` must be NULL or point to a readable header followed by the name and control
/// areas that `msgh` describes (RECVMSG-BUF); `cmsg` must be NULL or a pointer obtained
/// from [`recvmsg_cmsg_firsthdr`] / this function for the same buffer. A `cmsg` outside
/// the control area gives NULL without being read.
#[doc(alias = "io_uring_recvmsg_cmsg_nexthdr")]
#[inline]
pub unsafe fn recvmsg_cmsg_nexthdr(o: *mut io_uring_recvmsg_out, msgh: &msghdr, cmsg: *mut cmsghdr) -> *mut cmsghdr {
    // SAFETY: RECVMSG-BUF for `o` and `msgh`, this function's contract.
    let first = unsafe { recvmsg_cmsg_firsthdr(o, msgh) };
    if first.is_null() || cmsg.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: RECVMSG-BUF: `first` is non-NULL, so `o` is non-NULL and a readable header.
    let ctl_len = unsafe { control_len(o, msgh) };
    // Offset of `cmsg` inside the control area; its header must fit to be read.
    let Some(pos) = (cmsg as usize).checked_sub(first as usize) else {
        return ptr::null_mut();
    };
    if pos > ctl_len || ctl_len - pos < CMSG_HDR_LEN {
        return ptr::null_mut();
    }
    // SAFETY: RECVMSG-BUF: `cmsg` lies inside the readable control area with a whole
    // header before its end (checked above); the projection forms no reference.
    let field = unsafe { ptr::addr_of!((*cmsg).cmsg_len) };
    // SAFETY: RECVMSG-BUF: a field of that in-bounds header, read unaligned.
    let len = unsafe { field.read_unaligned() } as usize;
    if len < CMSG_HDR_LEN {
        return ptr::null_mut();
    }
    let Some(next) = cmsg_align(len).and_then(|step| pos.checked_add(step)) else {
        return ptr::null_mut();
    };
    if next > ctl_len || ctl_len - next < CMSG_HDR_LEN {
        return ptr::null_mut();
    }
    let next_ptr = first.cast::<u8>().wrapping_add(next).cast::<cmsghdr>();
    // SAFETY: RECVMSG-BUF: a whole header fits at `next` inside the readable control
    // area (checked above); the projection forms no reference.
    let field = unsafe { ptr::addr_of!((*next_ptr).cmsg_len) };
    // SAFETY: RECVMSG-BUF: a field of that in-bounds header, read unaligned.
    let next_len = unsafe { field.read_unaligned() } as usize;
    match cmsg_align(next_len) {
        Some(n) if n <= ctl_len - next => next_ptr,
        _ => ptr::null_mut(),
    }
}

/// The start of the payload: after the header and the reserved name and control
/// areas. Pure address arithmetic: nothing is read.
#[doc(alias = "io_uring_recvmsg_payload")]
#[inline]
pub fn recvmsg_payload(o: *mut io_uring_recvmsg_out, msgh: &msghdr) -> *mut c_void {
    recvmsg_name(o)
        .cast::<u8>()
        .wrapping_add(msgh.msg_namelen as usize)
        .wrapping_add(msgh.msg_controllen as usize)
        .cast()
}

/// How many payload bytes a buffer of `buf_len` bytes at `o` holds after the header and
/// the reserved areas: `(o + buf_len) - payload`, or 0 if that is not positive or
/// `buf_len` is negative. Pure address arithmetic (wrapping, as in C): nothing is read.
#[doc(alias = "io_uring_recvmsg_payload_length")]
#[inline]
pub fn recvmsg_payload_length(o: *mut io_uring_recvmsg_out, buf_len: i32, msgh: &msghdr) -> u32 {
    let Ok(len) = usize::try_from(buf_len) else {
        return 0;
    };
    let start = recvmsg_payload(o, msgh) as usize;
    let end = (o as usize).wrapping_add(len);
    if start >= end {
        return 0;
    }
    (end - start) as u32
}

/// A bounds-checked view of one multishot-`recvmsg` buffer.
#[derive(Clone, Copy, Debug)]
pub struct RecvMsgOut<'a> {
    header: io_uring_recvmsg_out,
    name: &'a [u8],
    control: &'a [u8],
    payload: &'a [u8],
}

impl<'a> RecvMsgOut<'a> {
    /// Split `buf` (the bytes of the completion's provided buffer, as long as the CQE
    /// result says) using the `msghdr` the request was prepared with. `None` if the
    /// buffer is shorter than the header plus the reserved name and control areas.
    #[doc(alias = "io_uring_recvmsg_validate")]
    pub fn parse(buf: &'a [u8], msgh: &msghdr) -> Option<Self> {
        let name_cap = msgh.msg_namelen as usize;
        let ctl_cap = msgh.msg_controllen as usize;
        let (head, rest) = buf.split_at_checked(OUT_LEN)?;
        let (name_area, rest) = rest.split_at_checked(name_cap)?;
        let (ctl_area, payload_area) = rest.split_at_checked(ctl_cap)?;
        let word = |i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&head[i..i + 4]);
            u32::from_ne_bytes(w)
        };
        let header = io_uring_recvmsg_out {
            namelen: word(0),
            controllen: word(4),
            payloadlen: word(8),
            flags: word(12),
        };
        let name = &name_area[..(header.namelen as usize).min(name_cap)];
        let control = &ctl_area[..(header.controllen as usize).min(ctl_cap)];
        let payload_len = (header.payloadlen as usize).min(payload_area.len());
        Some(Self {
            header,
            name,
            control,
            payload: &payload_area[..payload_len],
        })
    }

    /// The raw header the kernel wrote (`namelen`, `controllen`, `payloadlen` are the
    /// real sizes, which may exceed what fit; `flags` are the `MSG_*` result flags).
    pub fn header(&self) -> &io_uring_recvmsg_out {
        &self.header
    }

    /// The source address bytes that fit in the name area.
    #[doc(alias = "io_uring_recvmsg_name")]
    pub fn name(&self) -> &'a [u8] {
        self.name
    }

    /// The control data that fit in the control area.
    pub fn control(&self) -> &'a [u8] {
        self.control
    }

    /// The payload bytes present in the buffer.
    #[doc(alias = "io_uring_recvmsg_payload")]
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// Whether the kernel had more name, control or payload data than fit.
    pub fn is_truncated(&self) -> bool {
        self.header.namelen as usize > self.name.len()
            || self.header.controllen as usize > self.control.len()
            || self.header.payloadlen as usize > self.payload.len()
    }

    /// The control messages, in order.
    #[doc(alias = "io_uring_recvmsg_cmsg_firsthdr")]
    #[doc(alias = "io_uring_recvmsg_cmsg_nexthdr")]
    pub fn cmsgs(&self) -> Cmsgs<'a> {
        Cmsgs { rest: self.control }
    }
}

/// One control message: `cmsg_level`, `cmsg_type` and its data bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cmsg<'a> {
    /// `cmsg_level` (`SOL_SOCKET`, `IPPROTO_IP`, ...).
    pub level: i32,
    /// `cmsg_type` (`SCM_RIGHTS`, `IP_PKTINFO`, ...).
    pub ty: i32,
    /// The data after the header (`cmsg_len` minus the header size).
    pub data: &'a [u8],
}

/// Iterator over the control messages of a [`RecvMsgOut`].
#[derive(Clone, Debug)]
pub struct Cmsgs<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Cmsgs<'a> {
    type Item = Cmsg<'a>;

    fn next(&mut self) -> Option<Cmsg<'a>> {
        let hdr = self.rest.get(..CMSG_HDR_LEN)?;
        let mut len_bytes = [0u8; size_of::<usize>()];
        len_bytes.copy_from_slice(&hdr[..size_of::<usize>()]);
        let len = usize::from_ne_bytes(len_bytes);
        let int_at = |i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&hdr[i..i + 4]);
            i32::from_ne_bytes(w)
        };
        let level = int_at(size_of::<usize>());
        let ty = int_at(size_of::<usize>() + 4);
        if len < CMSG_HDR_LEN || len > self.rest.len() {
            self.rest = &[];
            return None;
        }
        let data = &self.rest[CMSG_HDR_LEN..len];
        let step = cmsg_align(len).unwrap_or(usize::MAX);
        self.rest = self.rest.get(step..).unwrap_or(&[]);
        Some(Cmsg { level, ty, data })
    }
}

// Run by `cargo test -p uring`; not again in the C library's test binaries, which compile
// these files too (tests/support/c_library.rs; the `uring_c_library` cfg is set by build.rs).
#[cfg(all(test, not(uring_c_library)))]
mod tests {
    use std::prelude::rust_2021::*;

    use super::*;

    fn msgh(namelen: u32, controllen: usize) -> msghdr {
        // SAFETY: msghdr is plain data; all-zero is a valid value.
        let mut m: msghdr = unsafe { core::mem::zeroed() };
        m.msg_namelen = namelen;
        m.msg_controllen = controllen as _;
        m
    }

    #[repr(C, align(8))]
    struct Buf([u8; 256]);

    fn put_usize(b: &mut [u8], at: usize, v: usize) {
        b[at..at + size_of::<usize>()].copy_from_slice(&v.to_ne_bytes());
    }

    fn put_u32(b: &mut [u8], at: usize, v: u32) {
        b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
    }

    #[test]
    fn validate_and_lengths() {
        let mut b = Buf([0; 256]);
        let p = b.0.as_mut_ptr().cast::<c_void>();
        let m = msgh(16, 64);
        assert!(recvmsg_validate(p, -1, &m).is_null());
        assert!(recvmsg_validate(p, 95, &m).is_null());
        assert_eq!(recvmsg_validate(p, 96, &m), p.cast());
        let huge = msgh(u32::MAX, usize::MAX - 4);
        assert!(recvmsg_validate(p, i32::MAX, &huge).is_null());
        let o = p.cast::<io_uring_recvmsg_out>();
        assert_eq!(recvmsg_name(o) as usize, p as usize + 16);
        assert_eq!(recvmsg_payload(o, &m) as usize, p as usize + 96);
        assert_eq!(recvmsg_payload_length(o, 100, &m), 4);
        assert_eq!(recvmsg_payload_length(o, 96, &m), 0);
        assert_eq!(recvmsg_payload_length(o, 50, &m), 0);
        assert_eq!(recvmsg_payload_length(o, -5, &m), 0);
        assert_eq!(recvmsg_payload_length(o, 100, &huge), 0);
        // Pure address arithmetic, as in liburing: even a NULL header gives NULL + 16.
        assert_eq!(recvmsg_name(ptr::null_mut()) as usize, 16);
    }

    #[test]
    fn cmsg_walk() {
        let mut b = Buf([0; 256]);
        let m = msgh(16, 64);
        // Header: namelen 16, controllen 40 (one 20-byte cmsg padded to 24, then a
        // 16-byte one), payloadlen 4.
        put_u32(&mut b.0, 0, 16);
        put_u32(&mut b.0, 4, 40);
        put_u32(&mut b.0, 8, 4);
        let ctl = 32;
        put_usize(&mut b.0, ctl, 20);
        put_u32(&mut b.0, ctl + 8, 1);
        put_u32(&mut b.0, ctl + 12, 2);
        put_usize(&mut b.0, ctl + 24, 16);
        put_u32(&mut b.0, ctl + 32, 3);
        put_u32(&mut b.0, ctl + 36, 4);
        b.0[96..100].copy_from_slice(b"data");

        let o = b.0.as_mut_ptr().cast::<io_uring_recvmsg_out>();
        // Each call below relies on RECVMSG-BUF: `o` points to a 256-byte buffer laid out
        // as `m` describes, with a header whose controllen (40) fits `m`'s 64.
        // SAFETY: RECVMSG-BUF for `o` and `m` (above).
        let c1 = unsafe { recvmsg_cmsg_firsthdr(o, &m) };
        assert_eq!(c1 as usize, o as usize + ctl);
        // SAFETY: RECVMSG-BUF for `o` and `m`; `c1` came from firsthdr.
        let c2 = unsafe { recvmsg_cmsg_nexthdr(o, &m, c1) };
        assert_eq!(c2 as usize, o as usize + ctl + 24);
        // SAFETY: RECVMSG-BUF for `o` and `m`; `c2` came from nexthdr.
        assert!(unsafe { recvmsg_cmsg_nexthdr(o, &m, c2) }.is_null());
        // A pointer outside the control area is refused without being read.
        // SAFETY: RECVMSG-BUF for `o` and `m`; a `cmsg` outside the control area is not
        // read.
        assert!(unsafe { recvmsg_cmsg_nexthdr(o, &m, o.cast()) }.is_null());
        // SAFETY: RECVMSG-BUF for `o` and `m`; a NULL `cmsg` is not read.
        assert!(unsafe { recvmsg_cmsg_nexthdr(o, &m, ptr::null_mut()) }.is_null());

        let view = RecvMsgOut::parse(&b.0[..100], &m).unwrap();
        assert_eq!(view.name().len(), 16);
        assert_eq!(view.control().len(), 40);
        assert_eq!(view.payload(), b"data");
        assert!(!view.is_truncated());
        let all: Vec<_> = view.cmsgs().collect();
        assert_eq!(all.len(), 2);
        assert_eq!((all[0].level, all[0].ty, all[0].data.len()), (1, 2, 4));
        assert_eq!((all[1].level, all[1].ty, all[1].data.len()), (3, 4, 0));
        assert!(RecvMsgOut::parse(&b.0[..95], &m).is_none());
    }

    #[test]
    fn short_control_has_no_first_header() {
        let mut b = Buf([0; 256]);
        let m = msgh(0, 8);
        put_u32(&mut b.0, 4, 8);
        let o = b.0.as_mut_ptr().cast::<io_uring_recvmsg_out>();
        // SAFETY: RECVMSG-BUF: `o` points to a readable 256-byte buffer with a header.
        assert!(unsafe { recvmsg_cmsg_firsthdr(o, &m) }.is_null());
        // SAFETY: RECVMSG-BUF allows a NULL `o`, which is not read.
        assert!(unsafe { recvmsg_cmsg_firsthdr(ptr::null_mut(), &m) }.is_null());
    }
}
