//! Typed operations: one builder per kernel opcode (and per liburing preparer family).
//!
//! Each builder takes the required arguments in `new`, optional ones through setters,
//! and `build()`s an [`Entry`] (or a [`SafeEntry`] for operations that reference no
//! memory, or an [`Entry128`] for 128-byte commands). `build` starts from a zeroed SQE
//! and calls the same [`crate::prep`] function the C library exports, so an entry is
//! byte for byte what `io_uring_get_sqe` + `io_uring_prep_*` would have written.
//!
//! Targets are [`Fd`](super::Fd) or [`Fixed`](super::Fixed); a `Fixed` target sets
//! `IOSQE_FIXED_FILE`. Pointers are raw: this is the `unsafe` layer, and the contract is
//! on [`Submitter::push`](super::Submitter::push).
//!
//! ```
//! use uring::api::{op, Fd, SqeFlags};
//!
//! let buf = vec![0u8; 4096];
//! let write = op::Write::new(Fd(1), buf.as_ptr(), 4096).offset(0).build().user_data(1);
//! let fsync = op::Fsync::new(Fd(1)).build().user_data(2);
//! let linked = write.flags(SqeFlags::IO_LINK);
//! assert_eq!(linked.get_flags(), SqeFlags::IO_LINK);
//! assert_eq!(fsync.into_entry().get_opcode(), uring::sys::IORING_OP_FSYNC);
//! ```
#![allow(clippy::new_ret_no_self, clippy::too_many_arguments, clippy::new_without_default)]

use core::ffi::{c_char, c_void};
use std::prelude::rust_2021::*;

use libc::{epoll_event, iovec, msghdr, open_how, siginfo_t, sockaddr, socklen_t};

use super::entry::{Entry, Entry128, SafeEntry, Target};
use super::flags::*;
use crate::prep;
use crate::sys::*;

/// Let the kernel pick a free slot of the registered file table (for `file_index`).
pub const FILE_INDEX_ALLOC: u32 = IORING_FILE_INDEX_ALLOC;

/// The timespec the kernel reads for timeouts (`struct __kernel_timespec`).
pub type Timespec = __kernel_timespec;

/// A [`Timespec`] from a `Duration` (seconds saturate at `i64::MAX`).
///
/// ```
/// let ts = uring::api::op::timespec(std::time::Duration::from_millis(1500));
/// assert_eq!((ts.tv_sec, ts.tv_nsec), (1, 500_000_000));
/// ```
#[inline]
pub fn timespec(d: core::time::Duration) -> Timespec {
    Timespec {
        tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(d.subsec_nanos()),
    }
}

macro_rules! op {
    (
        $(#[$meta:meta])*
        $name:ident [$($t:ident),*] ( $($req:ident : $rty:ty),* ) {
            $( $(#[$ometa:meta])* $opt:ident : $oty:ty = $odef:expr ),* $(,)?
        }
        $kind:ident => |$s:ident, $sqe:ident| $body:block
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug)]
        #[must_use = "a builder does nothing until built and pushed"]
        pub struct $name {
            $( $t: Target, )*
            $( $req: $rty, )*
            $( $opt: $oty, )*
        }

        impl $name {
            /// The operation with its required arguments; the others default to 0.
            #[inline]
            pub fn new($($t: impl Into<Target>,)* $($req: $rty),*) -> Self {
                $name { $( $t: $t.into(), )* $( $req, )* $( $opt: $odef, )* }
            }

            $(
                $(#[$ometa])*
                #[inline]
                pub fn $opt(mut self, $opt: $oty) -> Self {
                    self.$opt = $opt;
                    self
                }
            )*

            /// The entry, ready to push.
            #[inline]
            pub fn build(self) -> op!(@ret $kind) {
                let $s = self;
                let mut entry = Entry::zeroed();
                {
                    let $sqe = entry.sqe_mut();
                    $body
                    $( $s.$t.mark($sqe); )*
                }
                op!(@wrap $kind entry)
            }
        }
    };
    (@ret entry) => { Entry };
    (@ret safe) => { SafeEntry };
    (@wrap entry $e:ident) => { $e };
    (@wrap safe $e:ident) => { SafeEntry($e) };
}

op! {
    /// Any opcode through the base writer every preparer builds on: `opcode`, `fd`,
    /// `addr`, `len` and `off`, nothing else (set the rest with
    /// [`Entry::as_sqe_mut`]). For opcodes newer than this crate.
    #[doc(alias = "io_uring_prep_rw")]
    Raw[fd](opcode: u8, addr: u64, len: u32, off: u64) {}
    entry => |s, sqe| {
        prep::rw(s.opcode, sqe, s.fd.raw(), s.addr, s.len, s.off);
    }
}

// ------------------------------------------------------------------ no-ops, read/write

op! {
    /// A no-op: completes with result 0. References no memory.
    ///
    /// ```
    /// let e = uring::api::op::Nop::new().build().user_data(3);
    /// assert_eq!(e.into_entry().get_user_data(), 3);
    /// ```
    #[doc(alias = "io_uring_prep_nop")]
    Nop[]() {
        /// `IORING_NOP_*` flags (for example `IORING_NOP_INJECT_RESULT` with `len` as the
        /// result to inject).
        nop_flags: u32 = 0,
        /// The result to inject with `IORING_NOP_INJECT_RESULT`.
        inject_result: u32 = 0,
    }
    safe => |s, sqe| {
        prep::nop(sqe);
        sqe.op_flags.nop_flags = s.nop_flags;
        sqe.len = s.inject_result;
    }
}

/// A no-op in a 128-byte slot (`IORING_OP_NOP128`, for `SQE_MIXED` rings).
///
/// ```
/// let e = uring::api::op::Nop128::new().build().user_data(5);
/// assert_eq!(e.as_sqe().opcode, uring::sys::IORING_OP_NOP128);
/// ```
#[doc(alias = "io_uring_prep_nop128")]
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until built and pushed"]
pub struct Nop128 {}

impl Nop128 {
    /// The operation.
    #[inline]
    pub fn new() -> Nop128 {
        Nop128 {}
    }

    /// The entry, ready to push with [`Submitter::push128`](super::Submitter::push128).
    #[inline]
    pub fn build(self) -> Entry128 {
        let mut e = Entry128::zeroed();
        prep::nop128(&mut e.sqe);
        e
    }
}

op! {
    /// `pread(2)`: read `len` bytes at `offset` (`u64::MAX`: the file position) into `buf`.
    ///
    /// ```
    /// use uring::api::{op, Fd};
    /// let mut buf = [0u8; 512];
    /// let e = op::Read::new(Fd(3), buf.as_mut_ptr(), 512).offset(4096).build();
    /// let mut want = uring::sys::io_uring_sqe::zeroed();
    /// uring::prep::read(&mut want, 3, buf.as_mut_ptr().cast(), 512, 4096);
    /// assert_eq!(e.as_bytes(), want.as_bytes());
    /// ```
    #[doc(alias = "io_uring_prep_read")]
    Read[fd](buf: *mut u8, len: u32) {
        /// File offset (default 0).
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
        /// I/O priority.
        ioprio: u16 = 0,
    }
    entry => |s, sqe| {
        prep::read(sqe, s.fd.raw(), s.buf.cast(), s.len, s.offset);
        sqe.op_flags.rw_flags = s.rw_flags;
        sqe.ioprio = s.ioprio;
    }
}

op! {
    /// `pwrite(2)`: write `len` bytes of `buf` at `offset`.
    ///
    /// ```
    /// use uring::api::{op, Fd};
    ///
    /// let mut ring = uring::Ring::new(4)?;
    /// let file = std::fs::File::create(std::env::temp_dir().join("uring-doc-write"))?;
    /// let data = b"written by io_uring";
    /// let e = op::Write::new(Fd::of(&file), data.as_ptr(), data.len() as u32).build().user_data(1);
    /// // SAFETY: `data` and `file` outlive the wait below.
    /// unsafe { ring.push(&e)? };
    /// unsafe { ring.submit_and_wait(1)? };
    /// assert_eq!(ring.wait()?.result()?, data.len() as u32);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_prep_write")]
    Write[fd](buf: *const u8, len: u32) {
        /// File offset (default 0; `u64::MAX`: the file position).
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
        /// I/O priority.
        ioprio: u16 = 0,
    }
    entry => |s, sqe| {
        prep::write(sqe, s.fd.raw(), s.buf.cast(), s.len, s.offset);
        sqe.op_flags.rw_flags = s.rw_flags;
        sqe.ioprio = s.ioprio;
    }
}

op! {
    /// `preadv2(2)`: scatter read into `nr_vecs` iovecs.
    #[doc(alias = "io_uring_prep_readv")]
    #[doc(alias = "io_uring_prep_readv2")]
    Readv[fd](iovecs: *const iovec, nr_vecs: u32) {
        /// File offset.
        offset: u64 = 0,
        /// `RWF_*` flags (`io_uring_prep_readv2`).
        rw_flags: i32 = 0,
        /// I/O priority.
        ioprio: u16 = 0,
    }
    entry => |s, sqe| {
        prep::readv2(sqe, s.fd.raw(), s.iovecs, s.nr_vecs, s.offset, s.rw_flags);
        sqe.ioprio = s.ioprio;
    }
}

op! {
    /// `pwritev2(2)`: gather write from `nr_vecs` iovecs.
    #[doc(alias = "io_uring_prep_writev")]
    #[doc(alias = "io_uring_prep_writev2")]
    Writev[fd](iovecs: *const iovec, nr_vecs: u32) {
        /// File offset.
        offset: u64 = 0,
        /// `RWF_*` flags (`io_uring_prep_writev2`).
        rw_flags: i32 = 0,
        /// I/O priority.
        ioprio: u16 = 0,
    }
    entry => |s, sqe| {
        prep::writev2(sqe, s.fd.raw(), s.iovecs, s.nr_vecs, s.offset, s.rw_flags);
        sqe.ioprio = s.ioprio;
    }
}

op! {
    /// Read into registered buffer `buf_index` (`buf` must lie inside it).
    #[doc(alias = "io_uring_prep_read_fixed")]
    ReadFixed[fd](buf: *mut u8, len: u32, buf_index: u16) {
        /// File offset.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
        /// I/O priority.
        ioprio: u16 = 0,
    }
    entry => |s, sqe| {
        prep::read_fixed(sqe, s.fd.raw(), s.buf.cast(), s.len, s.offset, i32::from(s.buf_index));
        sqe.op_flags.rw_flags = s.rw_flags;
        sqe.ioprio = s.ioprio;
    }
}

op! {
    /// Write from registered buffer `buf_index` (`buf` must lie inside it).
    #[doc(alias = "io_uring_prep_write_fixed")]
    WriteFixed[fd](buf: *const u8, len: u32, buf_index: u16) {
        /// File offset.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
        /// I/O priority.
        ioprio: u16 = 0,
    }
    entry => |s, sqe| {
        prep::write_fixed(sqe, s.fd.raw(), s.buf.cast(), s.len, s.offset, i32::from(s.buf_index));
        sqe.op_flags.rw_flags = s.rw_flags;
        sqe.ioprio = s.ioprio;
    }
}

op! {
    /// Vectored read whose iovecs lie in registered buffer `buf_index`.
    #[doc(alias = "io_uring_prep_readv_fixed")]
    ReadvFixed[fd](iovecs: *const iovec, nr_vecs: u32, buf_index: u16) {
        /// File offset.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
    }
    entry => |s, sqe| {
        prep::readv_fixed(sqe, s.fd.raw(), s.iovecs, s.nr_vecs, s.offset, s.rw_flags, i32::from(s.buf_index));
    }
}

op! {
    /// Vectored write whose iovecs lie in registered buffer `buf_index`.
    #[doc(alias = "io_uring_prep_writev_fixed")]
    WritevFixed[fd](iovecs: *const iovec, nr_vecs: u32, buf_index: u16) {
        /// File offset.
        offset: u64 = 0,
        /// `RWF_*` flags.
        rw_flags: i32 = 0,
    }
    entry => |s, sqe| {
        prep::writev_fixed(sqe, s.fd.raw(), s.iovecs, s.nr_vecs, s.offset, s.rw_flags, i32::from(s.buf_index));
    }
}

op! {
    /// Multishot read: one completion per chunk, each in a buffer picked from provided
    /// buffer group `buf_group` ([`Cqe::buffer_id`](super::Cqe::buffer_id)); `more()`
    /// stays set until the read ends. Sets `BUFFER_SELECT`.
    #[doc(alias = "io_uring_prep_read_multishot")]
    ReadMulti[fd](len: u32, buf_group: u16) {
        /// File offset.
        offset: u64 = 0,
    }
    entry => |s, sqe| {
        prep::read_multishot(sqe, s.fd.raw(), s.len, s.offset, i32::from(s.buf_group));
    }
}

/// `splice(2)`: move `len` bytes from `fd_in` (at `off_in`, -1 for none) to `fd_out`
/// (at `off_out`). A `Fixed` `fd_in` sets `SPLICE_F_FD_IN_FIXED`; a `Fixed` `fd_out`
/// sets `IOSQE_FIXED_FILE`.
#[doc(alias = "io_uring_prep_splice")]
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until built and pushed"]
pub struct Splice {
    fd_in: Target,
    off_in: i64,
    fd_out: Target,
    off_out: i64,
    len: u32,
    flags: u32,
}

impl Splice {
    /// The operation.
    #[inline]
    pub fn new(fd_in: impl Into<Target>, off_in: i64, fd_out: impl Into<Target>, off_out: i64, len: u32) -> Splice {
        Splice {
            fd_in: fd_in.into(),
            off_in,
            fd_out: fd_out.into(),
            off_out,
            len,
            flags: 0,
        }
    }

    /// `SPLICE_F_*` flags.
    #[inline]
    pub fn flags(mut self, flags: u32) -> Splice {
        self.flags = flags;
        self
    }

    /// The entry, ready to push.
    #[inline]
    pub fn build(self) -> SafeEntry {
        let mut e = Entry::zeroed();
        let in_fixed = if self.fd_in.is_fixed() { SPLICE_F_FD_IN_FIXED } else { 0 };
        prep::splice(
            e.sqe_mut(),
            self.fd_in.raw(),
            self.off_in,
            self.fd_out.raw(),
            self.off_out,
            self.len,
            self.flags | in_fixed,
        );
        self.fd_out.mark(e.sqe_mut());
        SafeEntry(e)
    }
}

/// `tee(2)`: duplicate `len` bytes from pipe `fd_in` into pipe `fd_out`.
#[doc(alias = "io_uring_prep_tee")]
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until built and pushed"]
pub struct Tee {
    fd_in: Target,
    fd_out: Target,
    len: u32,
    flags: u32,
}

impl Tee {
    /// The operation.
    #[inline]
    pub fn new(fd_in: impl Into<Target>, fd_out: impl Into<Target>, len: u32) -> Tee {
        Tee {
            fd_in: fd_in.into(),
            fd_out: fd_out.into(),
            len,
            flags: 0,
        }
    }

    /// `SPLICE_F_*` flags.
    #[inline]
    pub fn flags(mut self, flags: u32) -> Tee {
        self.flags = flags;
        self
    }

    /// The entry, ready to push.
    #[inline]
    pub fn build(self) -> SafeEntry {
        let mut e = Entry::zeroed();
        let in_fixed = if self.fd_in.is_fixed() { SPLICE_F_FD_IN_FIXED } else { 0 };
        prep::tee(
            e.sqe_mut(),
            self.fd_in.raw(),
            self.fd_out.raw(),
            self.len,
            self.flags | in_fixed,
        );
        self.fd_out.mark(e.sqe_mut());
        SafeEntry(e)
    }
}

// ------------------------------------------------------------------------- network

op! {
    /// `recvmsg(2)` into the buffers `msg` describes.
    #[doc(alias = "io_uring_prep_recvmsg")]
    RecvMsg[fd](msg: *mut msghdr) {
        /// `MSG_*` flags.
        flags: u32 = 0,
        /// `IORING_RECVSEND_*` flags.
        ioprio: RecvFlags = RecvFlags::empty(),
    }
    entry => |s, sqe| {
        prep::recvmsg(sqe, s.fd.raw(), s.msg, s.flags);
        sqe.ioprio |= s.ioprio.bits();
    }
}

op! {
    /// Multishot `recvmsg(2)`: each completion's provided buffer holds an
    /// `io_uring_recvmsg_out` header, then name, control and payload (parse it with
    /// [`crate::prep::RecvMsgOut`]). Use with [`Entry::buf_group`].
    #[doc(alias = "io_uring_prep_recvmsg_multishot")]
    RecvMsgMulti[fd](msg: *const msghdr, buf_group: u16) {
        /// `MSG_*` flags.
        flags: u32 = 0,
        /// More `IORING_RECVSEND_*` flags.
        ioprio: RecvFlags = RecvFlags::empty(),
    }
    entry => |s, sqe| {
        prep::recvmsg_multishot(sqe, s.fd.raw(), s.msg.cast_mut(), s.flags);
        sqe.ioprio |= s.ioprio.bits();
        sqe.buf.buf_group = s.buf_group;
        sqe.flags |= IOSQE_BUFFER_SELECT;
    }
}

op! {
    /// `sendmsg(2)`.
    #[doc(alias = "io_uring_prep_sendmsg")]
    SendMsg[fd](msg: *const msghdr) {
        /// `MSG_*` flags.
        flags: u32 = 0,
        /// `IORING_RECVSEND_*` flags.
        ioprio: SendFlags = SendFlags::empty(),
    }
    entry => |s, sqe| {
        prep::sendmsg(sqe, s.fd.raw(), s.msg, s.flags);
        sqe.ioprio |= s.ioprio.bits();
    }
}

op! {
    /// Zero-copy `sendmsg(2)`: the buffers must stay untouched until the notification
    /// completion ([`Cqe::notif`](super::Cqe::notif)).
    #[doc(alias = "io_uring_prep_sendmsg_zc")]
    #[doc(alias = "io_uring_prep_sendmsg_zc_fixed")]
    SendMsgZc[fd](msg: *const msghdr) {
        /// `MSG_*` flags.
        flags: u32 = 0,
        /// Registered buffer the iovecs lie in (`io_uring_prep_sendmsg_zc_fixed`).
        buf_index: Option<u16> = None,
        /// `IORING_RECVSEND_*` / `IORING_SEND_ZC_*` flags.
        ioprio: SendFlags = SendFlags::empty(),
    }
    entry => |s, sqe| {
        match s.buf_index {
            Some(i) => prep::sendmsg_zc_fixed(sqe, s.fd.raw(), s.msg, s.flags, u32::from(i)),
            None => prep::sendmsg_zc(sqe, s.fd.raw(), s.msg, s.flags),
        }
        sqe.ioprio |= s.ioprio.bits();
    }
}

op! {
    /// `send(2)`, or `sendto(2)` with [`dest_addr`](Send::dest_addr).
    #[doc(alias = "io_uring_prep_send")]
    #[doc(alias = "io_uring_prep_sendto")]
    #[doc(alias = "io_uring_prep_send_set_addr")]
    Send[fd](buf: *const u8, len: u32) {
        /// `MSG_*` flags.
        flags: i32 = 0,
        /// Destination address and its length (`sendto`).
        dest_addr: Option<(*const sockaddr, socklen_t)> = None,
        /// `IORING_RECVSEND_*` flags.
        ioprio: SendFlags = SendFlags::empty(),
    }
    entry => |s, sqe| {
        match s.dest_addr {
            Some((a, l)) => prep::sendto(sqe, s.fd.raw(), s.buf.cast(), s.len as usize, s.flags, a, l),
            None => prep::send(sqe, s.fd.raw(), s.buf.cast(), s.len as usize, s.flags),
        }
        sqe.ioprio |= s.ioprio.bits();
    }
}

op! {
    /// Send from as many buffers of provided buffer group `buf_group` as are queued, in
    /// one request (`IORING_RECVSEND_BUNDLE`). Sets `BUFFER_SELECT`.
    #[doc(alias = "io_uring_prep_send_bundle")]
    SendBundle[fd](len: u32, buf_group: u16) {
        /// `MSG_*` flags.
        flags: i32 = 0,
    }
    entry => |s, sqe| {
        prep::send_bundle(sqe, s.fd.raw(), s.len as usize, s.flags);
        sqe.buf.buf_group = s.buf_group;
        sqe.flags |= IOSQE_BUFFER_SELECT;
    }
}

op! {
    /// Zero-copy `send(2)`: completes twice, first with the result (`more()` set), then
    /// a notification (`notif()`) once the buffer may be reused.
    #[doc(alias = "io_uring_prep_send_zc")]
    #[doc(alias = "io_uring_prep_send_zc_fixed")]
    SendZc[fd](buf: *const u8, len: u32) {
        /// `MSG_*` flags.
        flags: i32 = 0,
        /// `IORING_RECVSEND_*` / `IORING_SEND_ZC_*` flags.
        zc_flags: SendFlags = SendFlags::empty(),
        /// Registered buffer `buf` lies in (`io_uring_prep_send_zc_fixed`).
        buf_index: Option<u16> = None,
        /// Destination address and its length.
        dest_addr: Option<(*const sockaddr, socklen_t)> = None,
    }
    entry => |s, sqe| {
        let zc = u32::from(s.zc_flags.bits());
        match s.buf_index {
            Some(i) => prep::send_zc_fixed(sqe, s.fd.raw(), s.buf.cast(), s.len as usize, s.flags, zc, u32::from(i)),
            None => prep::send_zc(sqe, s.fd.raw(), s.buf.cast(), s.len as usize, s.flags, zc),
        }
        if let Some((a, l)) = s.dest_addr {
            prep::send_set_addr(sqe, a, l as u16);
        }
    }
}

op! {
    /// `recv(2)` into `buf` (or, with a null `buf` and [`Entry::buf_group`], into a
    /// provided buffer).
    #[doc(alias = "io_uring_prep_recv")]
    Recv[fd](buf: *mut u8, len: u32) {
        /// `MSG_*` flags.
        flags: i32 = 0,
        /// `IORING_RECVSEND_*` flags.
        ioprio: RecvFlags = RecvFlags::empty(),
    }
    entry => |s, sqe| {
        prep::recv(sqe, s.fd.raw(), s.buf.cast(), s.len as usize, s.flags);
        sqe.ioprio |= s.ioprio.bits();
    }
}

op! {
    /// Multishot `recv(2)`: one completion per arrival, each in a buffer of provided
    /// buffer group `buf_group` ([`Cqe::buffer_id`](super::Cqe::buffer_id)), `more()`
    /// set while it stays armed. Sets `BUFFER_SELECT`. `RecvFlags::BUNDLE` in `ioprio`
    /// fills several buffers per completion.
    ///
    /// ```
    /// use uring::api::{op, Fd, SqeFlags};
    /// let e = op::RecvMulti::new(Fd(5), 3).build();
    /// assert!(e.get_flags().contains(SqeFlags::BUFFER_SELECT));
    /// assert_eq!(e.as_sqe().ioprio, uring::sys::IORING_RECV_MULTISHOT as u16);
    /// ```
    #[doc(alias = "io_uring_prep_recv_multishot")]
    RecvMulti[fd](buf_group: u16) {
        /// `MSG_*` flags.
        flags: i32 = 0,
        /// More `IORING_RECVSEND_*` flags.
        ioprio: RecvFlags = RecvFlags::empty(),
        /// Stop after this many bytes in all (0: no limit).
        len: u32 = 0,
    }
    entry => |s, sqe| {
        prep::recv_multishot(sqe, s.fd.raw(), core::ptr::null_mut(), s.len as usize, s.flags);
        sqe.ioprio |= s.ioprio.bits();
        sqe.buf.buf_group = s.buf_group;
        sqe.flags |= IOSQE_BUFFER_SELECT;
    }
}

op! {
    /// Zero-copy receive into the interface queue `ifq` registered with
    /// `IORING_REGISTER_ZCRX_IFQ` (multishot; no liburing preparer exists, the fields
    /// are the kernel's: `len` 0 = no limit).
    RecvZc[fd](ifq: u32) {
        /// Bytes to receive in all (0: no limit).
        len: u32 = 0,
        /// `MSG_*` flags.
        flags: u32 = 0,
    }
    entry => |s, sqe| {
        prep::rw(IORING_OP_RECV_ZC, sqe, s.fd.raw(), 0, s.len, 0);
        sqe.op_flags.msg_flags = s.flags;
        sqe.ioprio = IORING_RECV_MULTISHOT as u16;
        sqe.file.zcrx_ifq_idx = s.ifq;
    }
}

op! {
    /// `accept4(2)`; with [`file_index`](Accept::file_index) the new socket goes into the
    /// registered file table instead (`io_uring_prep_accept_direct`).
    #[doc(alias = "io_uring_prep_accept")]
    #[doc(alias = "io_uring_prep_accept_direct")]
    Accept[fd](addr: *mut sockaddr, addrlen: *mut socklen_t) {
        /// `SOCK_*` flags (`SOCK_CLOEXEC`, `SOCK_NONBLOCK`).
        flags: i32 = 0,
        /// Registered file slot for the new socket ([`FILE_INDEX_ALLOC`]: any free one).
        file_index: Option<u32> = None,
        /// `IORING_ACCEPT_*` flags.
        ioprio: AcceptFlags = AcceptFlags::empty(),
    }
    entry => |s, sqe| {
        match s.file_index {
            Some(i) => prep::accept_direct(sqe, s.fd.raw(), s.addr, s.addrlen, s.flags, i),
            None => prep::accept(sqe, s.fd.raw(), s.addr, s.addrlen, s.flags),
        }
        sqe.ioprio |= s.ioprio.bits();
    }
}

op! {
    /// Multishot accept: one completion per connection (its fd, or its registered slot
    /// with [`direct`](AcceptMulti::direct)), `more()` set while armed. Writes no
    /// address, so it references no memory.
    ///
    /// ```
    /// use uring::api::{op, Fd};
    ///
    /// let mut ring = uring::Ring::new(4)?;
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// ring.push_safe(&op::AcceptMulti::new(Fd::of(&listener)).build().user_data(1))?;
    /// // SAFETY: a multishot accept references no memory.
    /// unsafe { ring.submit()? };
    /// let _client = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let cqe = ring.wait()?;
    /// assert!(cqe.more(), "still armed for the next connection");
    /// assert!(cqe.result()? > 2, "an fd");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_prep_multishot_accept")]
    #[doc(alias = "io_uring_prep_multishot_accept_direct")]
    AcceptMulti[fd]() {
        /// `SOCK_*` flags.
        flags: i32 = 0,
        /// Put each socket in a free registered file slot.
        direct: bool = false,
        /// More `IORING_ACCEPT_*` flags.
        ioprio: AcceptFlags = AcceptFlags::empty(),
    }
    safe => |s, sqe| {
        let (a, l) = (core::ptr::null_mut(), core::ptr::null_mut());
        if s.direct {
            prep::multishot_accept_direct(sqe, s.fd.raw(), a, l, s.flags);
        } else {
            prep::multishot_accept(sqe, s.fd.raw(), a, l, s.flags);
        }
        sqe.ioprio |= s.ioprio.bits();
    }
}

op! {
    /// `connect(2)`.
    #[doc(alias = "io_uring_prep_connect")]
    Connect[fd](addr: *const sockaddr, addrlen: socklen_t) {}
    entry => |s, sqe| {
        prep::connect(sqe, s.fd.raw(), s.addr, s.addrlen);
    }
}

op! {
    /// `bind(2)`.
    #[doc(alias = "io_uring_prep_bind")]
    Bind[fd](addr: *const sockaddr, addrlen: socklen_t) {}
    entry => |s, sqe| {
        prep::bind(sqe, s.fd.raw(), s.addr, s.addrlen);
    }
}

op! {
    /// `listen(2)`.
    #[doc(alias = "io_uring_prep_listen")]
    Listen[fd](backlog: i32) {}
    safe => |s, sqe| {
        prep::listen(sqe, s.fd.raw(), s.backlog);
    }
}

op! {
    /// `shutdown(2)`.
    #[doc(alias = "io_uring_prep_shutdown")]
    Shutdown[fd](how: i32) {}
    safe => |s, sqe| {
        prep::shutdown(sqe, s.fd.raw(), s.how);
    }
}

op! {
    /// `socket(2)`; with [`file_index`](Socket::file_index) into the registered file
    /// table.
    ///
    /// ```
    /// use uring::api::op;
    ///
    /// let mut ring = uring::Ring::new(4)?;
    /// if !ring.probe()?.is_supported(uring::api::Opcode::Socket) {
    ///     return Ok(()); // Linux < 5.19
    /// }
    /// ring.push_safe(&op::Socket::new(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0).build())?;
    /// // SAFETY: a socket request references no memory.
    /// unsafe { ring.submit_and_wait(1)? };
    /// let fd = ring.wait()?.result()? as i32;
    /// // SAFETY: the new socket is ours to close.
    /// unsafe { libc::close(fd) };
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_prep_socket")]
    #[doc(alias = "io_uring_prep_socket_direct")]
    #[doc(alias = "io_uring_prep_socket_direct_alloc")]
    Socket[](domain: i32, socket_type: i32, protocol: i32) {
        /// Registered file slot ([`FILE_INDEX_ALLOC`]: any free one).
        file_index: Option<u32> = None,
    }
    safe => |s, sqe| {
        match s.file_index {
            Some(FILE_INDEX_ALLOC) => prep::socket_direct_alloc(sqe, s.domain, s.socket_type, s.protocol, 0),
            Some(i) => prep::socket_direct(sqe, s.domain, s.socket_type, s.protocol, i, 0),
            None => prep::socket(sqe, s.domain, s.socket_type, s.protocol, 0),
        }
    }
}

// ----------------------------------------------------------------------- files

op! {
    /// `fsync(2)` (`fdatasync` with `FsyncFlags::DATASYNC`).
    #[doc(alias = "io_uring_prep_fsync")]
    Fsync[fd]() {
        /// `IORING_FSYNC_*` flags.
        flags: FsyncFlags = FsyncFlags::empty(),
    }
    safe => |s, sqe| {
        prep::fsync(sqe, s.fd.raw(), s.flags.bits());
    }
}

op! {
    /// `sync_file_range(2)`.
    #[doc(alias = "io_uring_prep_sync_file_range")]
    SyncFileRange[fd](len: u32) {
        /// Start offset.
        offset: u64 = 0,
        /// `SYNC_FILE_RANGE_*` flags.
        flags: u32 = 0,
    }
    safe => |s, sqe| {
        prep::sync_file_range(sqe, s.fd.raw(), s.len, s.offset, s.flags as i32);
    }
}

op! {
    /// `fallocate(2)`.
    #[doc(alias = "io_uring_prep_fallocate")]
    Fallocate[fd](len: u64) {
        /// Start offset.
        offset: u64 = 0,
        /// `FALLOC_FL_*` mode.
        mode: i32 = 0,
    }
    safe => |s, sqe| {
        prep::fallocate(sqe, s.fd.raw(), s.mode, s.offset, s.len);
    }
}

op! {
    /// `posix_fadvise(2)`.
    #[doc(alias = "io_uring_prep_fadvise")]
    #[doc(alias = "io_uring_prep_fadvise64")]
    Fadvise[fd](len: i64, advice: i32) {
        /// Start offset.
        offset: u64 = 0,
    }
    safe => |s, sqe| {
        prep::fadvise64(sqe, s.fd.raw(), s.offset, s.len, s.advice);
    }
}

op! {
    /// `madvise(2)` on `len` bytes at `addr`.
    #[doc(alias = "io_uring_prep_madvise")]
    #[doc(alias = "io_uring_prep_madvise64")]
    Madvise[](addr: *mut c_void, len: i64, advice: i32) {}
    entry => |s, sqe| {
        prep::madvise64(sqe, s.addr, s.len, s.advice);
    }
}

op! {
    /// `ftruncate(2)`.
    #[doc(alias = "io_uring_prep_ftruncate")]
    Ftruncate[fd](len: u64) {}
    safe => |s, sqe| {
        prep::ftruncate(sqe, s.fd.raw(), s.len as i64);
    }
}

op! {
    /// `openat(2)` relative to `dirfd` (`libc::AT_FDCWD` for the working directory, as
    /// `io_uring_prep_open`); with [`file_index`](OpenAt::file_index) into the registered
    /// file table.
    ///
    /// ```
    /// use std::os::fd::FromRawFd;
    /// use uring::api::{op, Fd};
    ///
    /// let mut ring = uring::Ring::new(4)?;
    /// let path = c"/dev/null";
    /// let e = op::OpenAt::new(Fd(libc::AT_FDCWD), path.as_ptr()).flags(libc::O_RDONLY | libc::O_CLOEXEC).build();
    /// // SAFETY: `path` is a static string.
    /// unsafe { ring.push(&e)? };
    /// unsafe { ring.submit_and_wait(1)? };
    /// let fd = ring.wait()?.result()? as i32;
    /// // SAFETY: the kernel opened this fd for us.
    /// let _file = unsafe { std::fs::File::from_raw_fd(fd) };
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_prep_openat")]
    #[doc(alias = "io_uring_prep_openat_direct")]
    #[doc(alias = "io_uring_prep_open")]
    #[doc(alias = "io_uring_prep_open_direct")]
    OpenAt[dirfd](path: *const c_char) {
        /// `O_*` flags.
        flags: i32 = 0,
        /// Creation mode.
        mode: u32 = 0,
        /// Registered file slot ([`FILE_INDEX_ALLOC`]: any free one).
        file_index: Option<u32> = None,
    }
    entry => |s, sqe| {
        match s.file_index {
            Some(i) => prep::openat_direct(sqe, s.dirfd.raw(), s.path, s.flags, s.mode, i),
            None => prep::openat(sqe, s.dirfd.raw(), s.path, s.flags, s.mode),
        }
    }
}

op! {
    /// `openat2(2)` with an `open_how`.
    #[doc(alias = "io_uring_prep_openat2")]
    #[doc(alias = "io_uring_prep_openat2_direct")]
    OpenAt2[dirfd](path: *const c_char, how: *const open_how) {
        /// Registered file slot ([`FILE_INDEX_ALLOC`]: any free one).
        file_index: Option<u32> = None,
    }
    entry => |s, sqe| {
        match s.file_index {
            Some(i) => prep::openat2_direct(sqe, s.dirfd.raw(), s.path, s.how, i),
            None => prep::openat2(sqe, s.dirfd.raw(), s.path, s.how),
        }
    }
}

/// `close(2)` of a plain fd, or release of a registered file slot
/// (`io_uring_prep_close_direct`). Closing a raw fd number the program may still use
/// elsewhere is why this builds an [`Entry`]; [`CloseFixed`] is the safe form.
#[doc(alias = "io_uring_prep_close")]
#[doc(alias = "io_uring_prep_close_direct")]
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until built and pushed"]
pub struct Close {
    fd: Target,
}

impl Close {
    /// The operation.
    #[inline]
    pub fn new(fd: impl Into<Target>) -> Close {
        Close { fd: fd.into() }
    }

    /// The entry, ready to push.
    #[inline]
    pub fn build(self) -> Entry {
        let mut e = Entry::zeroed();
        match self.fd {
            Target::Fd(fd) => prep::close(e.sqe_mut(), fd),
            Target::Fixed(i) => prep::close_direct(e.sqe_mut(), i),
        }
        e
    }
}

op! {
    /// Release registered file slot `index` (the ring owns the table, so this is safe).
    #[doc(alias = "io_uring_prep_close_direct")]
    CloseFixed[](index: u32) {}
    safe => |s, sqe| {
        prep::close_direct(sqe, s.index);
    }
}

op! {
    /// `statx(2)` into `statxbuf`.
    #[doc(alias = "io_uring_prep_statx")]
    Statx[dirfd](path: *const c_char, statxbuf: *mut libc::statx) {
        /// `AT_*` flags.
        flags: i32 = 0,
        /// `STATX_*` mask.
        mask: u32 = 0,
    }
    entry => |s, sqe| {
        prep::statx(sqe, s.dirfd.raw(), s.path, s.flags, s.mask, s.statxbuf);
    }
}

op! {
    /// `unlinkat(2)` (`io_uring_prep_unlink` with `libc::AT_FDCWD`).
    #[doc(alias = "io_uring_prep_unlinkat")]
    #[doc(alias = "io_uring_prep_unlink")]
    UnlinkAt[dirfd](path: *const c_char) {
        /// `AT_REMOVEDIR` to remove a directory.
        flags: i32 = 0,
    }
    entry => |s, sqe| {
        prep::unlinkat(sqe, s.dirfd.raw(), s.path, s.flags);
    }
}

op! {
    /// `renameat2(2)` (`io_uring_prep_rename` with `libc::AT_FDCWD` twice).
    #[doc(alias = "io_uring_prep_renameat")]
    #[doc(alias = "io_uring_prep_rename")]
    RenameAt[olddirfd, newdirfd](oldpath: *const c_char, newpath: *const c_char) {
        /// `RENAME_*` flags.
        flags: u32 = 0,
    }
    entry => |s, sqe| {
        prep::renameat(sqe, s.olddirfd.raw(), s.oldpath, s.newdirfd.raw(), s.newpath, s.flags);
    }
}

op! {
    /// `mkdirat(2)` (`io_uring_prep_mkdir` with `libc::AT_FDCWD`).
    #[doc(alias = "io_uring_prep_mkdirat")]
    #[doc(alias = "io_uring_prep_mkdir")]
    MkdirAt[dirfd](path: *const c_char) {
        /// Mode.
        mode: u32 = 0,
    }
    entry => |s, sqe| {
        prep::mkdirat(sqe, s.dirfd.raw(), s.path, s.mode);
    }
}

op! {
    /// `symlinkat(2)`: make `linkpath` (relative to `newdirfd`) point to `target`.
    #[doc(alias = "io_uring_prep_symlinkat")]
    #[doc(alias = "io_uring_prep_symlink")]
    SymlinkAt[newdirfd](target: *const c_char, linkpath: *const c_char) {}
    entry => |s, sqe| {
        prep::symlinkat(sqe, s.target, s.newdirfd.raw(), s.linkpath);
    }
}

op! {
    /// `linkat(2)`.
    #[doc(alias = "io_uring_prep_linkat")]
    #[doc(alias = "io_uring_prep_link")]
    LinkAt[olddirfd, newdirfd](oldpath: *const c_char, newpath: *const c_char) {
        /// `AT_*` flags.
        flags: i32 = 0,
    }
    entry => |s, sqe| {
        prep::linkat(sqe, s.olddirfd.raw(), s.oldpath, s.newdirfd.raw(), s.newpath, s.flags);
    }
}

op! {
    /// Update `nr` registered files from slot `offset` with the fds at `fds`.
    #[doc(alias = "io_uring_prep_files_update")]
    FilesUpdate[](fds: *mut i32, nr: u32) {
        /// First slot (`IORING_FILE_INDEX_ALLOC`: any free ones; the fds array receives
        /// the slots picked).
        offset: i32 = 0,
    }
    entry => |s, sqe| {
        prep::files_update(sqe, s.fds, s.nr, s.offset);
    }
}

op! {
    /// Install registered file `index` as a regular fd (the result).
    #[doc(alias = "io_uring_prep_fixed_fd_install")]
    FixedFdInstall[](index: u32) {
        /// `IORING_FIXED_FD_NO_CLOEXEC`.
        flags: u32 = 0,
    }
    safe => |s, sqe| {
        prep::fixed_fd_install(sqe, s.index as i32, s.flags);
    }
}

op! {
    /// `pipe2(2)`: the two fds are written to `fds`; with
    /// [`file_index`](Pipe::file_index) into the registered file table.
    #[doc(alias = "io_uring_prep_pipe")]
    #[doc(alias = "io_uring_prep_pipe_direct")]
    Pipe[](fds: *mut i32) {
        /// `O_*` flags.
        flags: i32 = 0,
        /// First registered slot ([`FILE_INDEX_ALLOC`]: any free ones).
        file_index: Option<u32> = None,
    }
    entry => |s, sqe| {
        match s.file_index {
            Some(i) => prep::pipe_direct(sqe, s.fds, s.flags, i),
            None => prep::pipe(sqe, s.fds, s.flags),
        }
    }
}

// ------------------------------------------------------------------------ poll

op! {
    /// `poll(2)` one fd for `events` (`POLLIN`, ...); the result is the ready mask.
    /// [`multi`](PollAdd::multi) keeps it armed (one completion per event, `more()` set).
    ///
    /// ```
    /// use uring::api::{op, Fd};
    ///
    /// let mut ring = uring::Ring::new(4)?;
    /// let (r, w) = std::os::unix::net::UnixStream::pair()?;
    /// ring.push_safe(&op::PollAdd::new(Fd::of(&r), libc::POLLIN as u32).build().user_data(1))?;
    /// // SAFETY: a poll references no memory.
    /// unsafe { ring.submit()? };
    /// std::io::Write::write_all(&mut &w, b"x")?;
    /// assert_eq!(ring.wait()?.result()? & libc::POLLIN as u32, libc::POLLIN as u32);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_prep_poll_add")]
    #[doc(alias = "io_uring_prep_poll_multishot")]
    PollAdd[fd](events: u32) {
        /// Multishot.
        multi: bool = false,
        /// Level-triggered (`IORING_POLL_ADD_LEVEL`).
        level: bool = false,
    }
    safe => |s, sqe| {
        if s.multi {
            prep::poll_multishot(sqe, s.fd.raw(), s.events);
        } else {
            prep::poll_add(sqe, s.fd.raw(), s.events);
        }
        if s.level {
            sqe.len |= IORING_POLL_ADD_LEVEL;
        }
    }
}

op! {
    /// Remove the poll whose `user_data` is `target`.
    #[doc(alias = "io_uring_prep_poll_remove")]
    PollRemove[](target: u64) {}
    safe => |s, sqe| {
        prep::poll_remove(sqe, s.target);
    }
}

op! {
    /// Update the poll whose `user_data` is `old_user_data`: its mask and/or user data,
    /// as `flags` say (`PollFlags::UPDATE_EVENTS`, `UPDATE_USER_DATA`, `ADD_MULTI`).
    #[doc(alias = "io_uring_prep_poll_update")]
    PollUpdate[](old_user_data: u64, new_user_data: u64) {
        /// The new event mask.
        events: u32 = 0,
        /// What to update.
        flags: PollFlags = PollFlags::empty(),
    }
    safe => |s, sqe| {
        prep::poll_update(sqe, s.old_user_data, s.new_user_data, s.events, s.flags.bits());
    }
}

op! {
    /// `epoll_ctl(2)` on epoll instance `epfd`.
    #[doc(alias = "io_uring_prep_epoll_ctl")]
    EpollCtl[epfd](fd: i32, op: i32, event: *const epoll_event) {}
    entry => |s, sqe| {
        prep::epoll_ctl(sqe, s.epfd.raw(), s.fd, s.op, s.event);
    }
}

op! {
    /// `epoll_wait(2)` into `events`.
    #[doc(alias = "io_uring_prep_epoll_wait")]
    EpollWait[epfd](events: *mut epoll_event, max_events: i32) {
        /// Flags.
        flags: u32 = 0,
    }
    entry => |s, sqe| {
        prep::epoll_wait(sqe, s.epfd.raw(), s.events, s.max_events, s.flags);
    }
}

// ---------------------------------------------------------------------- timeouts

op! {
    /// A timeout: completes with `-ETIME` after `*ts`, or with 0 once `count`
    /// completions have been posted. `*ts` must stay valid until the completion.
    ///
    /// ```
    /// use uring::api::op;
    /// let ts = op::timespec(std::time::Duration::from_millis(5));
    /// let e = op::Timeout::new(&ts).count(2).build();
    /// assert_eq!(e.get_opcode(), uring::sys::IORING_OP_TIMEOUT);
    /// ```
    #[doc(alias = "io_uring_prep_timeout")]
    Timeout[](ts: *const Timespec) {
        /// Complete after this many other completions (0: only on expiry).
        count: u32 = 0,
        /// `IORING_TIMEOUT_*` flags.
        flags: TimeoutFlags = TimeoutFlags::empty(),
    }
    entry => |s, sqe| {
        prep::timeout(sqe, s.ts, s.count, s.flags.bits());
    }
}

op! {
    /// Remove the timeout whose `user_data` is `target`.
    #[doc(alias = "io_uring_prep_timeout_remove")]
    TimeoutRemove[](target: u64) {
        /// `IORING_TIMEOUT_*` flags.
        flags: TimeoutFlags = TimeoutFlags::empty(),
    }
    safe => |s, sqe| {
        prep::timeout_remove(sqe, s.target, s.flags.bits());
    }
}

op! {
    /// Change the timeout whose `user_data` is `target` to `*ts` (read at submission).
    #[doc(alias = "io_uring_prep_timeout_update")]
    TimeoutUpdate[](ts: *const Timespec, target: u64) {
        /// `IORING_TIMEOUT_*` flags (`UPDATE` is added).
        flags: TimeoutFlags = TimeoutFlags::empty(),
    }
    entry => |s, sqe| {
        prep::timeout_update(sqe, s.ts, s.target, s.flags.bits());
    }
}

op! {
    /// A timeout for the previous entry of a link chain (push it right after an entry
    /// with `IO_LINK`): cancels it if it has not completed after `*ts`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use uring::api::{op, Fd, SqeFlags};
    ///
    /// let mut ring = uring::Ring::new(4)?;
    /// let (_a, b) = std::os::unix::net::UnixStream::pair()?;
    /// let mut buf = [0u8; 8];
    /// let ts = op::timespec(Duration::from_millis(10));
    /// let recv = op::Recv::new(Fd::of(&b), buf.as_mut_ptr(), 8).build().user_data(1);
    /// let limit = op::LinkTimeout::new(&ts).build().user_data(2);
    /// // SAFETY: `buf` and `ts` outlive the two completions reaped below.
    /// unsafe { ring.push_multiple(&[recv.flags(SqeFlags::IO_LINK), limit])? };
    /// unsafe { ring.submit_and_wait(2)? };
    /// let mut errs: Vec<i32> = ring.completions().map(|c| -c.res()).collect();
    /// errs.sort();
    /// assert_eq!(errs, [libc::ETIME, libc::ECANCELED]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_prep_link_timeout")]
    LinkTimeout[](ts: *const Timespec) {
        /// `IORING_TIMEOUT_*` flags.
        flags: TimeoutFlags = TimeoutFlags::empty(),
    }
    entry => |s, sqe| {
        prep::link_timeout(sqe, s.ts, s.flags.bits());
    }
}

// ---------------------------------------------------------------------- cancel

op! {
    /// Cancel the request whose `user_data` is `target` (with `CancelFlags::ANY`, any
    /// request; `ALL`: every match). Completes with 0, `-ENOENT` or `-EALREADY`.
    ///
    /// ```
    /// use uring::api::op;
    ///
    /// let mut ring = uring::Ring::new(4)?;
    /// ring.push_safe(&op::AsyncCancel::new(12345).build().user_data(1))?;
    /// // SAFETY: a cancel references no memory.
    /// unsafe { ring.submit_and_wait(1)? };
    /// // Nothing had that user_data.
    /// assert_eq!(ring.wait()?.io_result().unwrap_err().raw_os_error(), Some(libc::ENOENT));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_prep_cancel64")]
    #[doc(alias = "io_uring_prep_cancel")]
    AsyncCancel[](target: u64) {
        /// `IORING_ASYNC_CANCEL_*` flags.
        flags: CancelFlags = CancelFlags::empty(),
    }
    safe => |s, sqe| {
        prep::cancel64(sqe, s.target, s.flags.bits() as i32);
    }
}

/// Cancel requests on file `fd` (a `Fixed` target sets `CancelFlags::FD_FIXED`, not
/// `IOSQE_FIXED_FILE`).
#[doc(alias = "io_uring_prep_cancel_fd")]
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until built and pushed"]
pub struct AsyncCancelFd {
    fd: Target,
    flags: CancelFlags,
}

impl AsyncCancelFd {
    /// The operation.
    #[inline]
    pub fn new(fd: impl Into<Target>) -> AsyncCancelFd {
        AsyncCancelFd {
            fd: fd.into(),
            flags: CancelFlags::empty(),
        }
    }

    /// More `IORING_ASYNC_CANCEL_*` flags (`ALL`).
    #[inline]
    pub fn flags(mut self, flags: CancelFlags) -> AsyncCancelFd {
        self.flags = flags;
        self
    }

    /// The entry, ready to push.
    #[inline]
    pub fn build(self) -> SafeEntry {
        let mut e = Entry::zeroed();
        let fixed = if self.fd.is_fixed() {
            IORING_ASYNC_CANCEL_FD_FIXED
        } else {
            0
        };
        prep::cancel_fd(e.sqe_mut(), self.fd.raw(), self.flags.bits() | fixed);
        SafeEntry(e)
    }
}

// ----------------------------------------------------------------- messages

op! {
    /// Post a completion with `res` = `len` and `user_data` = `data` on the ring
    /// `ring_fd` (may be this one). References no memory; submitting it is bound by
    /// [`crate::Ring::submit`]'s rule on MSG_RING targets.
    ///
    /// ```
    /// use uring::api::{op, Fd};
    ///
    /// let mut a = uring::Ring::new(4)?;
    /// let mut b = uring::Ring::new(4)?;
    /// a.push_safe(&op::MsgRingData::new(Fd::of(&b), 7, 0xfeed).build().user_data(1))?;
    /// // SAFETY: a message references no memory, and its target `b` is a plain ring whose
    /// // completions this code owns (see `Ring::submit` on MSG_RING).
    /// unsafe { a.submit_and_wait(1)? };
    /// let got = b.wait()?;
    /// assert_eq!((got.user_data(), got.result()?), (0xfeed, 7));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_prep_msg_ring")]
    #[doc(alias = "io_uring_prep_msg_ring_cqe_flags")]
    MsgRingData[ring_fd](len: u32, data: u64) {
        /// `IORING_MSG_RING_*` flags.
        flags: MsgRingFlags = MsgRingFlags::empty(),
        /// CQE flags for the target's completion (sets `FLAGS_PASS`).
        cqe_flags: Option<u32> = None,
    }
    safe => |s, sqe| {
        match s.cqe_flags {
            Some(f) => prep::msg_ring_cqe_flags(sqe, s.ring_fd.raw(), s.len, s.data, s.flags.bits(), f),
            None => prep::msg_ring(sqe, s.ring_fd.raw(), s.len, s.data, s.flags.bits()),
        }
    }
}

op! {
    /// Send this ring's registered file `source` into the registered file table of
    /// ring `ring_fd`, at slot `target` ([`FILE_INDEX_ALLOC`]: any free one).
    #[doc(alias = "io_uring_prep_msg_ring_fd")]
    #[doc(alias = "io_uring_prep_msg_ring_fd_alloc")]
    MsgRingSendFd[ring_fd](source: u32, target: u32, data: u64) {
        /// `IORING_MSG_RING_*` flags.
        flags: MsgRingFlags = MsgRingFlags::empty(),
    }
    safe => |s, sqe| {
        if s.target == FILE_INDEX_ALLOC {
            prep::msg_ring_fd_alloc(sqe, s.ring_fd.raw(), s.source as i32, s.data, s.flags.bits());
        } else {
            prep::msg_ring_fd(sqe, s.ring_fd.raw(), s.source as i32, s.target as i32, s.data, s.flags.bits());
        }
    }
}

// ------------------------------------------------------------- processes, futexes

op! {
    /// `waitid(2)`, writing the `siginfo_t` to `infop`.
    #[doc(alias = "io_uring_prep_waitid")]
    WaitId[](idtype: u32, id: u32, infop: *mut siginfo_t, options: i32) {
        /// Flags (none defined yet).
        flags: u32 = 0,
    }
    entry => |s, sqe| {
        prep::waitid(sqe, s.idtype, s.id, s.infop, s.options, s.flags);
    }
}

op! {
    /// Wait on the futex word at `futex` while it holds `val` (`FUTEX2_*` size flags in
    /// `futex_flags`).
    #[doc(alias = "io_uring_prep_futex_wait")]
    FutexWait[](futex: *const u32, val: u64, mask: u64, futex_flags: u32) {}
    entry => |s, sqe| {
        prep::futex_wait(sqe, s.futex, s.val, s.mask, s.futex_flags, 0);
    }
}

op! {
    /// Wake up to `val` waiters of the futex word at `futex`.
    #[doc(alias = "io_uring_prep_futex_wake")]
    FutexWake[](futex: *const u32, val: u64, mask: u64, futex_flags: u32) {}
    entry => |s, sqe| {
        prep::futex_wake(sqe, s.futex, s.val, s.mask, s.futex_flags, 0);
    }
}

op! {
    /// Wait on `nr` futexes (an array of `struct futex_waitv`).
    #[doc(alias = "io_uring_prep_futex_waitv")]
    FutexWaitv[](futexv: *const c_void, nr: u32) {}
    entry => |s, sqe| {
        prep::futex_waitv(sqe, s.futexv, s.nr, 0);
    }
}

// ---------------------------------------------------------------------- xattrs

op! {
    /// `getxattr(2)`.
    #[doc(alias = "io_uring_prep_getxattr")]
    GetXattr[](name: *const c_char, value: *mut c_char, path: *const c_char, len: u32) {}
    entry => |s, sqe| {
        prep::getxattr(sqe, s.name, s.value, s.path, s.len);
    }
}

op! {
    /// `setxattr(2)`.
    #[doc(alias = "io_uring_prep_setxattr")]
    SetXattr[](name: *const c_char, value: *const c_char, path: *const c_char, len: u32) {
        /// `XATTR_*` flags.
        flags: i32 = 0,
    }
    entry => |s, sqe| {
        prep::setxattr(sqe, s.name, s.value, s.path, s.flags, s.len);
    }
}

op! {
    /// `fgetxattr(2)`.
    #[doc(alias = "io_uring_prep_fgetxattr")]
    FGetXattr[fd](name: *const c_char, value: *mut c_char, len: u32) {}
    entry => |s, sqe| {
        prep::fgetxattr(sqe, s.fd.raw(), s.name, s.value, s.len);
    }
}

op! {
    /// `fsetxattr(2)`.
    #[doc(alias = "io_uring_prep_fsetxattr")]
    FSetXattr[fd](name: *const c_char, value: *const c_char, len: u32) {
        /// `XATTR_*` flags.
        flags: i32 = 0,
    }
    entry => |s, sqe| {
        prep::fsetxattr(sqe, s.fd.raw(), s.name, s.value, s.flags, s.len);
    }
}

// -------------------------------------------------------------- provided buffers

op! {
    /// Hand `nr` buffers of `len` bytes at `addr` to buffer group `bgid`, ids from `bid`.
    #[doc(alias = "io_uring_prep_provide_buffers")]
    ProvideBuffers[](addr: *mut u8, len: i32, nr: u16, bgid: u16, bid: u16) {}
    entry => |s, sqe| {
        prep::provide_buffers(sqe, s.addr.cast(), s.len, i32::from(s.nr), i32::from(s.bgid), i32::from(s.bid));
    }
}

op! {
    /// Take back up to `nr` buffers of group `bgid` (the result says how many).
    #[doc(alias = "io_uring_prep_remove_buffers")]
    RemoveBuffers[](nr: u16, bgid: u16) {}
    safe => |s, sqe| {
        prep::remove_buffers(sqe, i32::from(s.nr), i32::from(s.bgid));
    }
}

// ------------------------------------------------------------------ commands

op! {
    /// A driver command (`IORING_OP_URING_CMD`) in a 64-byte SQE: 16 command bytes.
    /// What the driver does with them (pointers included) is its business.
    #[doc(alias = "io_uring_prep_uring_cmd")]
    UringCmd16[fd](cmd_op: u32) {
        /// The 16 command bytes (SQE bytes 48..64).
        cmd: [u8; 16] = [0; 16],
    }
    entry => |s, sqe| {
        prep::uring_cmd(sqe, s.cmd_op as i32, s.fd.raw());
        sqe.tail.addr3 = cmd16(&s.cmd);
    }
}

/// A driver command with 80 command bytes (`IORING_OP_URING_CMD` in a 128-byte SQE of
/// an `SQE128` ring).
#[doc(alias = "io_uring_prep_uring_cmd")]
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until built and pushed"]
pub struct UringCmd80 {
    fd: Target,
    cmd_op: u32,
    cmd: [u8; 80],
}

impl UringCmd80 {
    /// The operation.
    #[inline]
    pub fn new(fd: impl Into<Target>, cmd_op: u32) -> UringCmd80 {
        UringCmd80 {
            fd: fd.into(),
            cmd_op,
            cmd: [0; 80],
        }
    }

    /// The 80 command bytes (SQE bytes 48..128).
    #[inline]
    pub fn cmd(mut self, cmd: [u8; 80]) -> UringCmd80 {
        self.cmd = cmd;
        self
    }

    /// The entry, ready to push with [`Submitter::push128`](super::Submitter::push128).
    #[inline]
    pub fn build(self) -> Entry128 {
        build_cmd80(IORING_OP_URING_CMD, self.fd, self.cmd_op, &self.cmd)
    }
}

/// A driver command in a 128-byte slot of an `SQE_MIXED` ring (`IORING_OP_URING_CMD128`).
#[doc(alias = "io_uring_prep_uring_cmd128")]
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until built and pushed"]
pub struct UringCmd128 {
    fd: Target,
    cmd_op: u32,
    cmd: [u8; 80],
}

impl UringCmd128 {
    /// The operation.
    #[inline]
    pub fn new(fd: impl Into<Target>, cmd_op: u32) -> UringCmd128 {
        UringCmd128 {
            fd: fd.into(),
            cmd_op,
            cmd: [0; 80],
        }
    }

    /// The 80 command bytes (SQE bytes 48..128).
    #[inline]
    pub fn cmd(mut self, cmd: [u8; 80]) -> UringCmd128 {
        self.cmd = cmd;
        self
    }

    /// The entry, ready to push with [`Submitter::push128`](super::Submitter::push128).
    #[inline]
    pub fn build(self) -> Entry128 {
        build_cmd80(IORING_OP_URING_CMD128, self.fd, self.cmd_op, &self.cmd)
    }
}

fn build_cmd80(op: u8, fd: Target, cmd_op: u32, cmd: &[u8; 80]) -> Entry128 {
    let mut e = Entry128::zeroed();
    if op == IORING_OP_URING_CMD {
        prep::uring_cmd(&mut e.sqe, cmd_op as i32, fd.raw());
    } else {
        prep::uring_cmd128(&mut e.sqe, cmd_op as i32, fd.raw());
    }
    fd.mark(&mut e.sqe);
    let mut head = [0u8; 16];
    head.copy_from_slice(&cmd[..16]);
    e.sqe.tail.addr3 = cmd16(&head);
    e.cmd.copy_from_slice(&cmd[16..]);
    e
}

/// The 16 command bytes at SQE offset 48, as the `addr3` view of that union writes them.
#[inline]
fn cmd16(cmd: &[u8; 16]) -> io_uring_sqe_addr3 {
    let mut lo = [0u8; 8];
    let mut hi = [0u8; 8];
    lo.copy_from_slice(&cmd[..8]);
    hi.copy_from_slice(&cmd[8..]);
    io_uring_sqe_addr3 {
        addr3: u64::from_ne_bytes(lo),
        __pad2: [u64::from_ne_bytes(hi)],
    }
}

op! {
    /// A socket command (`SOCKET_URING_OP_*`: `SIOCINQ`, `SIOCOUTQ`, `GETSOCKOPT`,
    /// `SETSOCKOPT`, `TX_TIMESTAMP`) with an option value buffer.
    #[doc(alias = "io_uring_prep_cmd_sock")]
    CmdSock[fd](cmd_op: u32, level: i32, optname: i32, optval: *mut c_void, optlen: i32) {}
    entry => |s, sqe| {
        prep::cmd_sock(sqe, s.cmd_op as i32, s.fd.raw(), s.level, s.optname, s.optval, s.optlen);
    }
}

op! {
    /// `getsockname(2)` (or `getpeername(2)` with `peer`) as a socket command.
    #[doc(alias = "io_uring_prep_cmd_getsockname")]
    CmdGetsockname[fd](addr: *mut sockaddr, addrlen: *mut socklen_t) {
        /// The peer's address instead of ours.
        peer: bool = false,
    }
    entry => |s, sqe| {
        prep::cmd_getsockname(sqe, s.fd.raw(), s.addr, s.addrlen, i32::from(s.peer));
    }
}

op! {
    /// Discard `len` bytes at `offset` of a block device (`BLOCK_URING_CMD_DISCARD`).
    #[doc(alias = "io_uring_prep_cmd_discard")]
    CmdDiscard[fd](offset: u64, len: u64) {}
    entry => |s, sqe| {
        prep::cmd_discard(sqe, s.fd.raw(), s.offset, s.len);
    }
}

op! {
    /// Reset every zone of a zoned block device (`BLOCK_URING_CMD_ZONE_RESET_ALL`).
    #[doc(alias = "io_uring_prep_cmd_zone_reset_all")]
    CmdZoneResetAll[fd]() {}
    entry => |s, sqe| {
        prep::cmd_zone_reset_all(sqe, s.fd.raw());
    }
}
