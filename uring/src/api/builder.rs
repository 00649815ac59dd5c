//! Typed setup options on [`Builder`], the granted [`Features`] of a [`Ring`], and
//! `AsFd`/`AsRawFd`/`Debug` on the ring and its halves.

use core::fmt;
use core::time::Duration;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::prelude::rust_2021::*;

use super::flags::{Features, SetupFlags};
use super::{Builder, CompletionQueue, Ring, Submitter};
use crate::sys::*;

impl Builder {
    /// Add setup flags (`IORING_SETUP_*`). The setters below set the flags their field
    /// needs; this is for the flags without a field.
    ///
    /// ```
    /// use uring::api::SetupFlags;
    ///
    /// let ring = uring::Ring::builder(8)
    ///     .setup_flags(SetupFlags::SUBMIT_ALL | SetupFlags::COOP_TASKRUN)
    ///     .build()?;
    /// assert!(ring.setup_flags().contains(SetupFlags::SUBMIT_ALL));
    /// # Ok::<(), uring::SetupError>(())
    /// ```
    #[inline]
    pub fn setup_flags(mut self, flags: SetupFlags) -> Builder {
        self.params.flags |= flags.bits();
        self
    }

    /// A kernel thread polls the SQ (`IORING_SETUP_SQPOLL`) and sleeps after `idle`
    /// without work (`sq_thread_idle`, in milliseconds; 0 = the kernel's default).
    #[inline]
    pub fn sqpoll_idle(mut self, idle: Duration) -> Builder {
        self.params.flags |= IORING_SETUP_SQPOLL;
        self.params.sq_thread_idle = u32::try_from(idle.as_millis()).unwrap_or(u32::MAX);
        self
    }

    /// Pin the SQPOLL thread to `cpu` (`IORING_SETUP_SQ_AFF` + `sq_thread_cpu`; only
    /// with SQPOLL).
    #[inline]
    pub fn sqpoll_cpu(mut self, cpu: u32) -> Builder {
        self.params.flags |= IORING_SETUP_SQ_AFF;
        self.params.sq_thread_cpu = cpu;
        self
    }

    /// Share the async worker pool (and, with SQPOLL, the SQ thread) of the ring `fd`
    /// (`IORING_SETUP_ATTACH_WQ` + `wq_fd`).
    #[inline]
    pub fn attach_wq(mut self, fd: &impl AsRawFd) -> Builder {
        self.params.flags |= IORING_SETUP_ATTACH_WQ;
        self.params.wq_fd = fd.as_raw_fd() as u32;
        self
    }

    /// Clamp too-large SQ/CQ sizes to the maximum instead of failing
    /// (`IORING_SETUP_CLAMP`).
    #[inline]
    pub fn clamp(self) -> Builder {
        self.setup_flags(SetupFlags::CLAMP)
    }

    /// Only one thread submits (`IORING_SETUP_SINGLE_ISSUER`): the kernel can skip
    /// locking. Submitting or waiting from another thread fails with `EEXIST`.
    #[inline]
    pub fn single_issuer(self) -> Builder {
        self.setup_flags(SetupFlags::SINGLE_ISSUER)
    }

    /// Run completion work only when the ring is waited on
    /// (`IORING_SETUP_DEFER_TASKRUN`, which needs `SINGLE_ISSUER`; this sets both).
    #[inline]
    pub fn defer_taskrun(self) -> Builder {
        self.setup_flags(SetupFlags::DEFER_TASKRUN | SetupFlags::SINGLE_ISSUER)
    }

    /// Cooperative task running (`IORING_SETUP_COOP_TASKRUN`).
    #[inline]
    pub fn coop_taskrun(self) -> Builder {
        self.setup_flags(SetupFlags::COOP_TASKRUN)
    }

    /// Busy-poll for completions (`IORING_SETUP_IOPOLL`; O_DIRECT on polled devices).
    #[inline]
    pub fn iopoll(self) -> Builder {
        self.setup_flags(SetupFlags::IOPOLL)
    }

    /// Keep submitting a batch after an entry fails (`IORING_SETUP_SUBMIT_ALL`).
    #[inline]
    pub fn submit_all(self) -> Builder {
        self.setup_flags(SetupFlags::SUBMIT_ALL)
    }

    /// Start disabled (`IORING_SETUP_R_DISABLED`): register restrictions, then enable.
    #[inline]
    pub fn r_disabled(self) -> Builder {
        self.setup_flags(SetupFlags::R_DISABLED)
    }

    /// 128-byte SQEs (`IORING_SETUP_SQE128`), for [`Submitter::push128`].
    #[inline]
    pub fn sqe128(self) -> Builder {
        self.setup_flags(SetupFlags::SQE128)
    }

    /// 32-byte CQEs (`IORING_SETUP_CQE32`): [`Cqe::big_cqe`](super::Cqe::big_cqe).
    #[inline]
    pub fn cqe32(self) -> Builder {
        self.setup_flags(SetupFlags::CQE32)
    }

    /// No SQ index array (`IORING_SETUP_NO_SQARRAY`, Linux 6.6).
    #[inline]
    pub fn no_sqarray(self) -> Builder {
        self.setup_flags(SetupFlags::NO_SQARRAY)
    }

    /// The `io_uring_params` the kernel will receive (for inspection).
    ///
    /// ```
    /// let b = uring::Ring::builder(8).cq_entries(64).sqpoll_idle(std::time::Duration::from_millis(5));
    /// assert_eq!(b.params().cq_entries, 64);
    /// assert_eq!(b.params().sq_thread_idle, 5);
    /// ```
    #[inline]
    pub fn params(&self) -> &io_uring_params {
        &self.params
    }
}

impl Ring {
    /// The features the kernel granted at setup (`IORING_FEAT_*`).
    ///
    /// ```
    /// use uring::api::Features;
    /// let ring = uring::Ring::new(4)?;
    /// // Every kernel this crate supports maps both rings at once.
    /// assert!(ring.granted_features().contains(Features::SINGLE_MMAP));
    /// # Ok::<(), uring::SetupError>(())
    /// ```
    #[inline]
    pub fn granted_features(&self) -> Features {
        Features::from_bits_retain(self.params.features)
    }

    /// The setup flags in effect.
    #[inline]
    pub fn setup_flags(&self) -> SetupFlags {
        SetupFlags::from_bits_retain(self.as_ring_ref().flags())
    }

    /// SQ entries (the kernel may round the requested number up).
    #[inline]
    pub fn sq_entries(&self) -> u32 {
        self.as_ring_ref().sq_entries()
    }

    /// CQ entries.
    #[inline]
    pub fn cq_entries(&self) -> u32 {
        self.as_ring_ref().cq_entries()
    }
}

impl AsRawFd for Ring {
    /// The ring fd (-1 for a `REGISTERED_FD_ONLY` ring).
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.fd()
    }
}

impl AsFd for Ring {
    /// The ring fd.
    ///
    /// # Panics
    /// On a ring set up with `IORING_SETUP_REGISTERED_FD_ONLY`, which has no fd (use
    /// [`AsRawFd`], which gives -1, to check).
    fn as_fd(&self) -> BorrowedFd<'_> {
        let fd = self.fd();
        assert!(fd >= 0, "a REGISTERED_FD_ONLY ring has no file descriptor");
        // SAFETY: OWNED: the ring fd is open from setup until Drop, and the borrow
        // cannot outlive `self`.
        unsafe { BorrowedFd::borrow_raw(fd) }
    }
}

impl fmt::Debug for Ring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.as_ring_ref();
        f.debug_struct("Ring")
            .field("fd", &r.ring_fd())
            .field("sq_entries", &r.sq_entries())
            .field("cq_entries", &r.cq_entries())
            .field("setup_flags", &self.setup_flags())
            .field("features", &self.granted_features())
            .finish()
    }
}

impl AsRawFd for Submitter<'_> {
    /// The ring fd (-1 for a `REGISTERED_FD_ONLY` ring).
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.side.ring().ring_fd()
    }
}

impl fmt::Debug for Submitter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Submitter")
            .field("fd", &self.side.ring().ring_fd())
            .field("sq_ready", &self.sq_ready())
            .field("sq_space_left", &self.sq_space_left())
            .finish()
    }
}

impl AsRawFd for CompletionQueue<'_> {
    /// The ring fd (-1 for a `REGISTERED_FD_ONLY` ring).
    #[inline]
    fn as_raw_fd(&self) -> RawFd {
        self.side.ring().ring_fd()
    }
}

impl fmt::Debug for CompletionQueue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompletionQueue")
            .field("fd", &self.side.ring().ring_fd())
            .field("ready", &self.ready())
            .field("has_overflow", &self.has_overflow())
            .finish()
    }
}
