//! Submission entries built by [`op`](super::op) and pushed with [`Submitter::push`].
//!
//! An [`Entry`] is one 64-byte SQE held by value: building it touches no ring memory,
//! and pushing copies it into the next free slot. An [`Entry128`] is a 128-byte SQE for
//! the operations that need one (`URING_CMD` with an 80-byte command, `NOP128`,
//! `URING_CMD128`). A [`SafeEntry`] is an entry whose operation references no memory of
//! this process, so pushing it needs no `unsafe`.

use core::fmt;
use core::ptr::NonNull;
use std::os::fd::{AsRawFd, RawFd};
use std::prelude::rust_2021::*;

use super::flags::SqeFlags;
use super::{Ring, Submitter};
use crate::sys::*;

/// One 64-byte submission queue entry, built by an [`op`](super::op) builder.
///
/// ```
/// use uring::api::{op, SqeFlags, Fd};
///
/// let mut buf = [0u8; 16];
/// let e = op::Read::new(Fd(0), buf.as_mut_ptr(), buf.len() as u32)
///     .offset(4096)
///     .build()
///     .user_data(7)
///     .flags(SqeFlags::IO_LINK);
/// assert_eq!(e.get_user_data(), 7);
/// assert_eq!(e.get_opcode(), uring::sys::IORING_OP_READ);
/// assert_eq!(e.get_flags(), SqeFlags::IO_LINK);
/// ```
#[derive(Clone)]
#[repr(transparent)]
pub struct Entry(Words);

/// An SQE held as eight plain words: moving and copying words lets the compiler keep an
/// entry in registers and store it straight into the ring slot, where the SQE struct's
/// unions made it stage bytes through the stack (measured: ~10 instructions a push).
type Words = [u64; 8];

impl Entry {
    /// An all-zero SQE: a NOP on fd 0. Builders start from it.
    #[inline(always)]
    pub(crate) const fn zeroed() -> Entry {
        Entry([0; 8])
    }

    /// The words as the SQE they are.
    #[inline(always)]
    pub(crate) fn sqe(&self) -> &io_uring_sqe {
        // SAFETY: Words and io_uring_sqe are both 64 bytes with 8-byte alignment, and
        // every bit pattern is a valid io_uring_sqe (plain integers and unions of them).
        unsafe { &*(&self.0 as *const Words).cast::<io_uring_sqe>() }
    }

    /// The words as the SQE they are, mutable.
    #[inline(always)]
    pub(crate) fn sqe_mut(&mut self) -> &mut io_uring_sqe {
        // SAFETY: as in `sqe`; any bytes written through the SQE are valid words.
        unsafe { &mut *(&mut self.0 as *mut Words).cast::<io_uring_sqe>() }
    }

    /// Set the `user_data` the completion will carry.
    #[doc(alias = "io_uring_sqe_set_data64")]
    #[doc(alias = "io_uring_sqe_set_data")]
    #[inline(always)]
    pub fn user_data(mut self, user_data: u64) -> Entry {
        self.sqe_mut().user_data = user_data;
        self
    }

    /// Add SQE flags (`IOSQE_*`) to those the builder set (for example `FIXED_FILE` for
    /// a [`Fixed`] target). Unlike `io_uring_sqe_set_flags`, this ORs.
    #[doc(alias = "io_uring_sqe_set_flags")]
    #[inline(always)]
    pub fn flags(mut self, flags: SqeFlags) -> Entry {
        self.sqe_mut().flags |= flags.bits();
        self
    }

    /// Run the request with the credentials of registered personality `id`.
    #[inline(always)]
    pub fn personality(mut self, id: u16) -> Entry {
        self.sqe_mut().personality = id;
        self
    }

    /// Select provided buffers from group `bgid` and set `BUFFER_SELECT`.
    #[doc(alias = "io_uring_sqe_set_buf_group")]
    #[inline]
    pub fn buf_group(mut self, bgid: u16) -> Entry {
        self.sqe_mut().buf.buf_group = bgid;
        self.sqe_mut().flags |= IOSQE_BUFFER_SELECT;
        self
    }

    /// The `user_data` set so far.
    #[inline]
    pub fn get_user_data(&self) -> u64 {
        self.sqe().user_data
    }

    /// The SQE flags set so far.
    #[inline]
    pub fn get_flags(&self) -> SqeFlags {
        SqeFlags::from_bits_retain(self.sqe().flags)
    }

    /// The opcode (`IORING_OP_*`).
    #[inline]
    pub fn get_opcode(&self) -> u8 {
        self.sqe().opcode
    }

    /// The SQE as the kernel will read it.
    #[inline]
    pub fn as_sqe(&self) -> &io_uring_sqe {
        self.sqe()
    }

    /// The SQE, mutable, for fields no builder sets. Writing integers is safe; what they
    /// mean to the kernel is the business of the `unsafe` [`Submitter::push`].
    #[inline]
    pub fn as_sqe_mut(&mut self) -> &mut io_uring_sqe {
        self.sqe_mut()
    }

    /// An entry from a raw SQE (for example one filled by a [`crate::prep`] function).
    #[inline]
    pub fn from_sqe(sqe: io_uring_sqe) -> Entry {
        let mut e = Entry::zeroed();
        *e.sqe_mut() = sqe;
        e
    }

    /// The 64 bytes of the SQE.
    #[inline]
    pub fn as_bytes(&self) -> &[u8; 64] {
        self.sqe().as_bytes()
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let opcode = super::opcode::Opcode::from_u8(self.sqe().opcode);
        f.debug_struct("Entry")
            .field("opcode", &opcode.map_or("?", |o| o.name()))
            .field("flags", &self.get_flags())
            .field("fd", &self.sqe().fd)
            .field("user_data", &self.sqe().user_data)
            .field("bytes", self.as_bytes())
            .finish()
    }
}

/// A 128-byte submission entry: a 64-byte SQE followed by 64 more bytes of command
/// (`URING_CMD` on `SQE128` rings, `NOP128`/`URING_CMD128` on `SQE_MIXED` rings).
///
/// ```
/// use uring::api::{op, Fd};
///
/// let e = op::UringCmd80::new(Fd(3), 0x1234).cmd([0xab; 80]).build().user_data(1);
/// assert_eq!(e.as_bytes()[48], 0xab);
/// assert_eq!(e.as_bytes()[127], 0xab);
/// assert_eq!(e.get_user_data(), 1);
/// ```
#[derive(Clone)]
#[repr(C)]
pub struct Entry128 {
    pub(crate) sqe: io_uring_sqe,
    pub(crate) cmd: [u8; 64],
}

impl Entry128 {
    #[inline(always)]
    pub(crate) const fn zeroed() -> Entry128 {
        Entry128 {
            sqe: io_uring_sqe::zeroed(),
            cmd: [0; 64],
        }
    }

    /// Set the `user_data` the completion will carry.
    #[inline(always)]
    pub fn user_data(mut self, user_data: u64) -> Entry128 {
        self.sqe.user_data = user_data;
        self
    }

    /// Add SQE flags (`IOSQE_*`).
    #[inline(always)]
    pub fn flags(mut self, flags: SqeFlags) -> Entry128 {
        self.sqe.flags |= flags.bits();
        self
    }

    /// Run the request with the credentials of registered personality `id`.
    #[inline(always)]
    pub fn personality(mut self, id: u16) -> Entry128 {
        self.sqe.personality = id;
        self
    }

    /// The `user_data` set so far.
    #[inline]
    pub fn get_user_data(&self) -> u64 {
        self.sqe.user_data
    }

    /// The first 64 bytes, as an SQE.
    #[inline]
    pub fn as_sqe(&self) -> &io_uring_sqe {
        &self.sqe
    }

    /// The whole 128 bytes.
    #[inline]
    pub fn as_bytes(&self) -> &[u8; 128] {
        // SAFETY: Entry128 is repr(C): a 64-byte SQE of plain integers and 64 bytes,
        // no padding, so it is 128 initialised bytes with alignment >= 1.
        unsafe { &*(self as *const Entry128).cast::<[u8; 128]>() }
    }
}

impl fmt::Debug for Entry128 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry128")
            .field("sqe", &Entry::from_sqe(self.sqe))
            .field("cmd", &self.cmd)
            .finish()
    }
}

/// An entry whose operation makes the kernel touch no memory of this process (a NOP,
/// `fsync`, a cancel by `user_data`, a poll, a close of a registered file, ...), so
/// [`Submitter::push_safe`] needs no `unsafe` (submitting stays `unsafe` in this layer,
/// since safe code can also fill raw SQEs from [`Ring::get_sqe`]). The builders of such operations return
/// one; it converts into an [`Entry`] for the `unsafe` push.
///
/// Safe here means memory safe. A raw fd number is still only a number: if it is
/// closed before the kernel runs the request, the request fails with `EBADF` or acts on
/// whatever file took the number, as with any raw-fd API.
///
/// ```
/// use uring::api::op;
///
/// let mut ring = uring::Ring::new(4)?;
/// ring.push_safe(&op::Nop::new().build().user_data(9))?;
/// // SAFETY: SQE-MEM: the only pending entry is a NOP, which references no memory.
/// unsafe { ring.submit_and_wait(1)? };
/// assert_eq!(ring.wait()?.user_data(), 9);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
#[repr(transparent)]
pub struct SafeEntry(pub(crate) Entry);

impl SafeEntry {
    /// Set the `user_data` the completion will carry.
    #[inline(always)]
    pub fn user_data(self, user_data: u64) -> SafeEntry {
        SafeEntry(self.0.user_data(user_data))
    }

    /// Add SQE flags (`IOSQE_*`).
    #[inline(always)]
    pub fn flags(self, flags: SqeFlags) -> SafeEntry {
        SafeEntry(self.0.flags(flags))
    }

    /// Run the request with the credentials of registered personality `id`.
    #[inline(always)]
    pub fn personality(self, id: u16) -> SafeEntry {
        SafeEntry(self.0.personality(id))
    }

    /// The entry, for [`Submitter::push`] or inspection.
    #[inline]
    pub fn into_entry(self) -> Entry {
        self.0
    }
}

impl AsRef<Entry> for SafeEntry {
    #[inline]
    fn as_ref(&self) -> &Entry {
        &self.0
    }
}

impl From<SafeEntry> for Entry {
    #[inline]
    fn from(e: SafeEntry) -> Entry {
        e.0
    }
}

/// A plain file descriptor target.
///
/// ```
/// use uring::api::{Fd, Target};
/// assert_eq!(Target::from(Fd(5)), Target::Fd(5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fd(pub RawFd);

impl Fd {
    /// The raw fd of anything that has one (a `File`, a socket, ...). The number is
    /// copied: the object must outlive the requests that use it.
    #[inline]
    pub fn of(f: &impl AsRawFd) -> Fd {
        Fd(f.as_raw_fd())
    }
}

/// A registered file: an index into the ring's file table (`IOSQE_FIXED_FILE`).
///
/// ```
/// use uring::api::{op, Fixed, SqeFlags};
/// let e = op::Fsync::new(Fixed(2)).build().into_entry();
/// assert!(e.get_flags().contains(SqeFlags::FIXED_FILE));
/// assert_eq!(e.as_sqe().fd, 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Fixed(pub u32);

/// The file an operation acts on: a plain fd or a registered file index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A file descriptor.
    Fd(RawFd),
    /// A registered file index.
    Fixed(u32),
}

impl Target {
    /// The value the SQE's `fd` field holds.
    #[inline(always)]
    pub fn raw(self) -> i32 {
        match self {
            Target::Fd(fd) => fd,
            Target::Fixed(i) => i as i32,
        }
    }

    /// A registered file index.
    #[inline(always)]
    pub fn is_fixed(self) -> bool {
        matches!(self, Target::Fixed(_))
    }

    /// Mark the SQE `IOSQE_FIXED_FILE` when this is a registered file.
    #[inline(always)]
    pub(crate) fn mark(self, sqe: &mut io_uring_sqe) {
        if self.is_fixed() {
            sqe.flags |= IOSQE_FIXED_FILE;
        }
    }
}

impl From<Fd> for Target {
    #[inline(always)]
    fn from(fd: Fd) -> Target {
        Target::Fd(fd.0)
    }
}

impl From<Fixed> for Target {
    #[inline(always)]
    fn from(f: Fixed) -> Target {
        Target::Fixed(f.0)
    }
}

/// Why an entry could not be pushed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushError {
    /// The submission queue has no free slot: submit first.
    QueueFull,
    /// A 128-byte entry on a ring set up with neither `SQE128` nor `SQE_MIXED`.
    NeedsBigSqe,
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PushError::QueueFull => "submission queue is full",
            PushError::NeedsBigSqe => "a 128-byte entry needs a ring set up with SQE128 or SQE_MIXED",
        })
    }
}

impl std::error::Error for PushError {}

impl From<PushError> for std::io::Error {
    fn from(e: PushError) -> std::io::Error {
        let kind = match e {
            PushError::QueueFull => std::io::ErrorKind::WouldBlock,
            PushError::NeedsBigSqe => std::io::ErrorKind::InvalidInput,
        };
        std::io::Error::new(kind, e)
    }
}

/// Copy `entry` into a free 64-byte slot.
///
/// # Safety
/// SQ-OWNER: `slot` was just handed out by the submission side, which the caller holds
/// mutably, so nothing else reads or writes it until it is published.
#[inline(always)]
pub(super) unsafe fn write_slot(slot: NonNull<io_uring_sqe>, entry: &Entry, ring_flags: u32) {
    // SAFETY: SQ-OWNER: the slot is ours until published (this function's contract), so
    // this is the only reference to it; SET-UP: it is a live, aligned SQE slot.
    let dst = unsafe { &mut *slot.as_ptr() };
    let src = entry.sqe();
    // Field by field, not as one 64-byte copy: each load then matches the store a
    // builder made, so the compiler keeps the entry in registers (often constants) and
    // stores it straight into the slot instead of staging bytes on the stack.
    dst.opcode = src.opcode;
    dst.flags = src.flags;
    dst.ioprio = src.ioprio;
    dst.fd = src.fd;
    dst.off = src.off;
    dst.addr = src.addr;
    dst.len = src.len;
    dst.op_flags = src.op_flags;
    dst.user_data = src.user_data;
    dst.buf = src.buf;
    dst.personality = src.personality;
    dst.file = src.file;
    // The tail union as two plain words: a 16-byte union (or array) copy is staged on
    // the stack.
    // SAFETY: reading the addr3 view of a union of plain integers: any bits are valid.
    let lo = unsafe { src.tail.addr3.addr3 };
    // SAFETY: the second word of the same plain-integer union view: any bits are valid.
    let hi = unsafe { src.tail.addr3.__pad2[0] };
    dst.tail.addr3 = io_uring_sqe_addr3 {
        addr3: lo,
        __pad2: [hi],
    };
    // Only driver commands read the upper half of a 128-byte slot; testing the opcode
    // first lets the compiler drop the test for entries built with a constant opcode.
    if (src.opcode == IORING_OP_URING_CMD || src.opcode == IORING_OP_URING_CMD128)
        && ring_flags & IORING_SETUP_SQE128 != 0
    {
        // A 64-byte command on an SQE128 ring: clear the upper half so no earlier
        // request's command bytes are passed on to the driver.
        // SAFETY: SET-UP: on SQE128 rings each slot is 128 bytes, so the SQE after
        // `slot` is its upper half, inside the array.
        let upper = unsafe { slot.as_ptr().add(1) };
        // SAFETY: SQ-OWNER: the upper half belongs to the same handed-out slot.
        unsafe { upper.write(io_uring_sqe::zeroed()) };
    }
}

impl Submitter<'_> {
    /// Copy `entry` into the next free SQ slot; it is submitted by the next
    /// [`submit`](Submitter::submit) (or at once on SQPOLL rings, whose kernel thread may
    /// pick it up as soon as it is published).
    ///
    /// # Safety
    /// Every address the entry holds (buffers, iovecs, `msghdr`s, paths, timespecs,
    /// `sockaddr`s, futex words, ...) must point to memory that stays valid, and is not
    /// moved, freed or (for memory the kernel writes) accessed by the program, until the
    /// entry's completion has been reaped; for multishot requests, until the last
    /// completion (the one without `more()`), and for zero-copy sends until the
    /// notification completion (`notif()`). A `Fixed` index or `buf_index` must name a
    /// registered resource of this ring if the kernel is not to fail the request.
    #[doc(alias = "io_uring_get_sqe")]
    #[inline]
    pub unsafe fn push(&mut self, entry: &Entry) -> Result<(), PushError> {
        let flags = self.side.ring().flags();
        let slot = self.side.next_slot().ok_or(PushError::QueueFull)?;
        // SAFETY: SQ-OWNER: `next_slot` just handed the slot to this side, held by
        // `&mut self`.
        unsafe { write_slot(slot, entry, flags) };
        Ok(())
    }

    /// Push an entry that references no memory: as [`push`](Submitter::push), without
    /// `unsafe`.
    #[inline]
    pub fn push_safe(&mut self, entry: &SafeEntry) -> Result<(), PushError> {
        // SAFETY: SQE-MEM holds vacuously: a SafeEntry's operation references no memory
        // of this process.
        unsafe { self.push(&entry.0) }
    }

    /// Push every entry of `entries`, or none if they do not all fit.
    ///
    /// # Safety
    /// As for [`push`](Submitter::push), for every entry.
    #[inline]
    pub unsafe fn push_multiple(&mut self, entries: &[Entry]) -> Result<(), PushError> {
        if (self.side.sq_space_left() as usize) < entries.len() {
            return Err(PushError::QueueFull);
        }
        for e in entries {
            // SAFETY: this function's contract is push's, for each entry.
            unsafe { self.push(e) }?;
        }
        Ok(())
    }

    /// Push a 128-byte entry: into one slot of an `SQE128` ring, or two consecutive
    /// slots of an `SQE_MIXED` ring (with a skipped NOP as padding when the pair would
    /// wrap the ring end). [`PushError::NeedsBigSqe`] on other rings.
    ///
    /// # Safety
    /// As for [`push`](Submitter::push).
    #[doc(alias = "io_uring_get_sqe128")]
    #[inline]
    pub unsafe fn push128(&mut self, entry: &Entry128) -> Result<(), PushError> {
        if self.side.ring().flags() & (IORING_SETUP_SQE128 | IORING_SETUP_SQE_MIXED) == 0 {
            return Err(PushError::NeedsBigSqe);
        }
        let slot = self.side.get_sqe128().ok_or(PushError::QueueFull)?;
        // SAFETY: SQ-OWNER: `get_sqe128` just handed this side a 128-byte slot (one
        // SQE128 slot or two consecutive mixed slots), held by `&mut self`; SET-UP: the
        // 128 bytes lie inside the SQE array.
        unsafe { slot.as_ptr().cast::<Entry128>().write(entry.clone()) };
        Ok(())
    }
}

impl Ring {
    /// [`Submitter::push`] on the whole ring.
    ///
    /// # Safety
    /// As for [`Submitter::push`].
    #[inline]
    pub unsafe fn push(&mut self, entry: &Entry) -> Result<(), PushError> {
        // SAFETY: Submitter::push's contract is this function's.
        unsafe { self.submitter().push(entry) }
    }

    /// [`Submitter::push_safe`] on the whole ring.
    #[inline]
    pub fn push_safe(&mut self, entry: &SafeEntry) -> Result<(), PushError> {
        self.submitter().push_safe(entry)
    }

    /// [`Submitter::push_multiple`] on the whole ring.
    ///
    /// # Safety
    /// As for [`Submitter::push`], for every entry.
    #[inline]
    pub unsafe fn push_multiple(&mut self, entries: &[Entry]) -> Result<(), PushError> {
        // SAFETY: Submitter::push_multiple's contract is this function's.
        unsafe { self.submitter().push_multiple(entries) }
    }

    /// [`Submitter::push128`] on the whole ring.
    ///
    /// # Safety
    /// As for [`Submitter::push`].
    #[inline]
    pub unsafe fn push128(&mut self, entry: &Entry128) -> Result<(), PushError> {
        // SAFETY: Submitter::push128's contract is this function's.
        unsafe { self.submitter().push128(entry) }
    }
}
