//! Ring statistics: how full the rings are, what the kernel dropped or holds back, in one
//! snapshot (`uring_ring_stats`).

use core::mem::{offset_of, size_of};

use crate::barrier;
use crate::cq;
use crate::ring::{SubmissionSide, INT_FLAG_CHECKED, INT_FLAG_REG_RING};
use crate::sys::*;

use super::os;

/// `struct uring_ring_stats` (include/uring/ext.h). Every field is an `unsigned`; new
/// fields are only ever appended, and callers pass the size they know
/// (`uring_ring_stats(ring, &st, sizeof st)`), so old binaries keep working.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub struct uring_ring_stats {
    /// SQ ring entries.
    pub sq_entries: u32,
    /// SQEs handed out by `get_sqe` that the kernel has not consumed yet (prepared and
    /// not submitted, or published and not yet read by an SQPOLL thread):
    /// `io_uring_sq_ready`.
    pub sq_unsubmitted: u32,
    /// Free SQ slots: `io_uring_sq_space_left`.
    pub sq_space: u32,
    /// CQ ring entries.
    pub cq_entries: u32,
    /// Completions ready to be reaped: `io_uring_cq_ready`.
    pub cq_ready: u32,
    /// The kernel's CQ overflow counter (`*cq.koverflow`): completions lost for want of
    /// room (with IORING_FEAT_NODROP only when even the overflow list failed).
    pub cq_overflow: u32,
    /// SQEs the kernel dropped as invalid (`*sq.kdropped`).
    pub sq_dropped: u32,
    /// Completions held back in the kernel's overflow list because the CQ was full: they
    /// are posted once the CQ has room and the ring is entered. Counted from the ring's
    /// `/proc/self/fdinfo` entry; 1 ("at least one") when only the overflow flag can be
    /// read (a ring without a file descriptor, or fdinfo unreadable); 0 without the flag.
    pub overflow_pending: u32,
    /// 1 when the SQPOLL thread sleeps and the next submit must wake it.
    pub sqpoll_needs_wakeup: u32,
    /// 1 when the kernel has task work for this ring (IORING_SQ_TASKRUN: with
    /// COOP_TASKRUN + TASKRUN_FLAG or DEFER_TASKRUN rings).
    pub taskrun_pending: u32,
    /// 1 when the ring fd is registered (`io_uring_register_ring_fd`).
    pub ring_fd_registered: u32,
    /// 1 when checked mode is on.
    pub checked: u32,
}

const _: () = assert!(size_of::<uring_ring_stats>() == 48);
const _: () = assert!(offset_of!(uring_ring_stats, sq_entries) == 0);
const _: () = assert!(offset_of!(uring_ring_stats, sq_unsubmitted) == 4);
const _: () = assert!(offset_of!(uring_ring_stats, sq_space) == 8);
const _: () = assert!(offset_of!(uring_ring_stats, cq_entries) == 12);
const _: () = assert!(offset_of!(uring_ring_stats, cq_ready) == 16);
const _: () = assert!(offset_of!(uring_ring_stats, cq_overflow) == 20);
const _: () = assert!(offset_of!(uring_ring_stats, sq_dropped) == 24);
const _: () = assert!(offset_of!(uring_ring_stats, overflow_pending) == 28);
const _: () = assert!(offset_of!(uring_ring_stats, sqpoll_needs_wakeup) == 32);
const _: () = assert!(offset_of!(uring_ring_stats, taskrun_pending) == 36);
const _: () = assert!(offset_of!(uring_ring_stats, ring_fd_registered) == 40);
const _: () = assert!(offset_of!(uring_ring_stats, checked) == 44);

/// A snapshot of the ring's counters.
///
/// It reads the submission-local tail, so it belongs to the submission side of the
/// threading contract: it may run while another thread reaps, not while another submits.
/// The kernel words are read with relaxed atomics (acquire on the CQ tail): each field is
/// exact when read, the set is not one atomic snapshot.
pub fn ring_stats(sq: &SubmissionSide<'_>) -> uring_ring_stats {
    let ring = sq.ring();
    // Relaxed: statistics; the kernel updates these words under its own locking.
    // SAFETY: SET-UP: sq.kflags is a live aligned word; KERNEL-WORDS: atomic read.
    let sq_flags = unsafe { barrier::read_once(ring.sq_kflags()) };
    // SAFETY: SET-UP: the pointee is live and `sq.kdropped` is a set-up field nothing
    // writes while a handle exists; a raw field read forms no reference to the struct.
    let kdropped = unsafe { (*ring.as_ptr()).sq.kdropped };
    // SAFETY: SET-UP: sq.kdropped is a live aligned word of the SQ ring; KERNEL-WORDS:
    // atomic read.
    let sq_dropped = unsafe { barrier::read_once(kdropped) };
    let overflowed = sq_flags & IORING_SQ_CQ_OVERFLOW != 0;
    let overflow_pending = if overflowed {
        overflow_list_len(ring.ring_fd()).unwrap_or(1).max(1)
    } else {
        0
    };
    let sq_ready = sq.sq_ready();
    uring_ring_stats {
        sq_entries: ring.sq_entries(),
        sq_unsubmitted: sq_ready,
        sq_space: ring.sq_entries().wrapping_sub(sq_ready),
        cq_entries: ring.cq_entries(),
        cq_ready: cq::cq_ready(ring),
        cq_overflow: cq::cq_dropped(ring),
        sq_dropped,
        overflow_pending,
        sqpoll_needs_wakeup: u32::from(
            ring.flags() & IORING_SETUP_SQPOLL != 0 && sq_flags & IORING_SQ_NEED_WAKEUP != 0,
        ),
        taskrun_pending: u32::from(sq_flags & IORING_SQ_TASKRUN != 0),
        ring_fd_registered: u32::from(ring.int_flags() & INT_FLAG_REG_RING != 0),
        checked: u32::from(ring.int_flags() & INT_FLAG_CHECKED != 0),
    }
}

/// `/proc/self/fdinfo/<fd>` of a ring, as a NUL-terminated path in `buf`. (Out of
/// line: the statistics and checked mode both use it.)
#[inline(never)]
pub(crate) fn fdinfo_path(fd: i32, buf: &mut [u8; 40]) -> Option<&core::ffi::CStr> {
    use os::TextOut;
    let mut w = os::FixedWriter::new(buf);
    w.str("/proc/self/fdinfo/");
    w.signed(i64::from(fd));
    w.finish_nul();
    core::ffi::CStr::from_bytes_until_nul(buf).ok()
}

/// How many completions the kernel lists in the ring's overflow list (the
/// `CqOverflowList:` section of its fdinfo, one `  user_data=...` line each).
fn overflow_list_len(ring_fd: i32) -> Option<u32> {
    if ring_fd < 0 {
        return None;
    }
    let mut path = [0u8; 40];
    let path = fdinfo_path(ring_fd, &mut path)?;
    let mut in_list = false;
    let mut seen_list = false;
    let mut count = 0u32;
    os::for_each_line(path, &mut |line| {
        if line.starts_with(b"CqOverflowList:") {
            in_list = true;
            seen_list = true;
            return true;
        }
        if in_list {
            if os::trim(line).starts_with(b"user_data=") {
                count += 1;
            } else if !line.starts_with(b" ") && !line.starts_with(b"\t") {
                return false;
            }
        }
        true
    })
    .ok()?;
    seen_list.then_some(count)
}
