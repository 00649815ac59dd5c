//! Typed flag sets: small `bitflags`-style newtypes over the kernel's integer flags.
//!
//! Each type is a transparent wrapper over the integer the kernel reads, with one
//! associated constant per flag, the set operators (`|`, `&`, `-`, `!`), `contains`,
//! `empty`, `bits` and `from_bits_retain` (unknown bits are kept: newer kernels define
//! more flags than this crate may name). They are hand-written rather than taken from the
//! `bitflags` crate because twelve small types do not justify a dependency.
//!
//! ```
//! use uring::api::SqeFlags;
//!
//! let f = SqeFlags::IO_LINK | SqeFlags::ASYNC;
//! assert!(f.contains(SqeFlags::IO_LINK));
//! assert!(!f.contains(SqeFlags::IO_DRAIN));
//! assert_eq!(f.bits(), uring::sys::IOSQE_IO_LINK | uring::sys::IOSQE_ASYNC);
//! assert_eq!(format!("{f:?}"), "SqeFlags(IO_LINK | ASYNC)");
//! ```

use crate::sys::*;
use std::prelude::rust_2021::*;

macro_rules! flag_set {
    (
        $(#[$meta:meta])*
        $name:ident: $int:ty {
            $( $(#[$fmeta:meta])* $flag:ident = $value:expr; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[repr(transparent)]
        pub struct $name($int);

        impl $name {
            $( $(#[$fmeta])* pub const $flag: $name = $name($value as $int); )*

            /// No flag set.
            #[inline]
            pub const fn empty() -> $name {
                $name(0)
            }

            /// Every flag this type names.
            #[inline]
            pub const fn all() -> $name {
                $name(0 $( | ($value as $int) )*)
            }

            /// The integer the kernel reads.
            #[inline]
            pub const fn bits(self) -> $int {
                self.0
            }

            /// A set from raw bits, keeping bits this type does not name.
            #[inline]
            pub const fn from_bits_retain(bits: $int) -> $name {
                $name(bits)
            }

            /// A set from raw bits, or `None` if a bit is not named here.
            #[inline]
            pub const fn from_bits(bits: $int) -> Option<$name> {
                if bits & !Self::all().0 == 0 {
                    Some($name(bits))
                } else {
                    None
                }
            }

            /// No bit set.
            #[inline]
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Every bit of `other` is set in `self`.
            #[inline]
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }

            /// At least one bit of `other` is set in `self`.
            #[inline]
            pub const fn intersects(self, other: $name) -> bool {
                self.0 & other.0 != 0
            }

            /// `self` with the bits of `other` added.
            #[inline]
            pub const fn union(self, other: $name) -> $name {
                $name(self.0 | other.0)
            }

            /// Add the bits of `other`.
            #[inline]
            pub fn insert(&mut self, other: $name) {
                self.0 |= other.0;
            }

            /// Clear the bits of `other`.
            #[inline]
            pub fn remove(&mut self, other: $name) {
                self.0 &= !other.0;
            }
        }

        impl core::ops::BitOr for $name {
            type Output = $name;
            #[inline]
            fn bitor(self, rhs: $name) -> $name {
                $name(self.0 | rhs.0)
            }
        }

        impl core::ops::BitOrAssign for $name {
            #[inline]
            fn bitor_assign(&mut self, rhs: $name) {
                self.0 |= rhs.0;
            }
        }

        impl core::ops::BitAnd for $name {
            type Output = $name;
            #[inline]
            fn bitand(self, rhs: $name) -> $name {
                $name(self.0 & rhs.0)
            }
        }

        impl core::ops::BitAndAssign for $name {
            #[inline]
            fn bitand_assign(&mut self, rhs: $name) {
                self.0 &= rhs.0;
            }
        }

        impl core::ops::Sub for $name {
            type Output = $name;
            #[inline]
            fn sub(self, rhs: $name) -> $name {
                $name(self.0 & !rhs.0)
            }
        }

        impl core::ops::Not for $name {
            type Output = $name;
            #[inline]
            fn not(self) -> $name {
                $name(!self.0 & Self::all().0)
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "("))?;
                let mut rest = self.0;
                let mut first = true;
                $(
                    let v = $value as $int;
                    if v != 0 && self.0 & v == v {
                        if !first {
                            f.write_str(" | ")?;
                        }
                        f.write_str(stringify!($flag))?;
                        first = false;
                        rest &= !v;
                    }
                )*
                if rest != 0 {
                    if !first {
                        f.write_str(" | ")?;
                    }
                    write!(f, "{:#x}", rest)?;
                }
                f.write_str(")")
            }
        }
    };
}

flag_set! {
    /// `IOSQE_*`: per-entry flags, set with [`Entry::flags`](super::Entry::flags).
    #[doc(alias = "io_uring_sqe_set_flags")]
    SqeFlags: u8 {
        /// The fd is an index into the registered file table (set for you by
        /// [`Fixed`](super::Fixed) targets).
        FIXED_FILE = IOSQE_FIXED_FILE;
        /// Start only after every earlier entry has completed.
        IO_DRAIN = IOSQE_IO_DRAIN;
        /// The next entry starts after this one succeeds; a failure cancels the rest of
        /// the chain with `ECANCELED`.
        IO_LINK = IOSQE_IO_LINK;
        /// Like `IO_LINK`, but the chain continues whatever this entry's result.
        IO_HARDLINK = IOSQE_IO_HARDLINK;
        /// Go to the async worker pool at once instead of trying non-blocking first.
        ASYNC = IOSQE_ASYNC;
        /// Pick a provided buffer from the entry's buffer group.
        BUFFER_SELECT = IOSQE_BUFFER_SELECT;
        /// Post no completion when the entry succeeds.
        CQE_SKIP_SUCCESS = IOSQE_CQE_SKIP_SUCCESS;
    }
}

flag_set! {
    /// `IORING_SETUP_*`: ring setup flags, for [`Builder::setup_flags`](super::Builder::setup_flags).
    SetupFlags: u32 {
        /// Busy-poll for completions (O_DIRECT files on polled block devices only).
        IOPOLL = IORING_SETUP_IOPOLL;
        /// A kernel thread polls the SQ.
        SQPOLL = IORING_SETUP_SQPOLL;
        /// Pin the SQPOLL thread to `sq_thread_cpu`.
        SQ_AFF = IORING_SETUP_SQ_AFF;
        /// The CQ size is `cq_entries`.
        CQSIZE = IORING_SETUP_CQSIZE;
        /// Clamp too-large sizes instead of failing.
        CLAMP = IORING_SETUP_CLAMP;
        /// Share the async worker pool of the ring in `wq_fd`.
        ATTACH_WQ = IORING_SETUP_ATTACH_WQ;
        /// Start disabled; enable with `IORING_REGISTER_ENABLE_RINGS`.
        R_DISABLED = IORING_SETUP_R_DISABLED;
        /// Keep submitting a batch after an entry fails.
        SUBMIT_ALL = IORING_SETUP_SUBMIT_ALL;
        /// Run task work cooperatively (no IPIs).
        COOP_TASKRUN = IORING_SETUP_COOP_TASKRUN;
        /// Set `IORING_SQ_TASKRUN` when task work is pending.
        TASKRUN_FLAG = IORING_SETUP_TASKRUN_FLAG;
        /// 128-byte SQEs.
        SQE128 = IORING_SETUP_SQE128;
        /// 32-byte CQEs.
        CQE32 = IORING_SETUP_CQE32;
        /// Only one task submits.
        SINGLE_ISSUER = IORING_SETUP_SINGLE_ISSUER;
        /// Run task work only when the ring is waited on.
        DEFER_TASKRUN = IORING_SETUP_DEFER_TASKRUN;
        /// Ring memory provided by the application.
        NO_MMAP = IORING_SETUP_NO_MMAP;
        /// The ring is used through a registered ring index only.
        REGISTERED_FD_ONLY = IORING_SETUP_REGISTERED_FD_ONLY;
        /// No SQ index array (SQEs are consumed in order).
        NO_SQARRAY = IORING_SETUP_NO_SQARRAY;
        /// Sleep before polling (with `IOPOLL`).
        HYBRID_IOPOLL = IORING_SETUP_HYBRID_IOPOLL;
        /// 16- and 32-byte CQEs mixed in one CQ.
        CQE_MIXED = IORING_SETUP_CQE_MIXED;
        /// 64- and 128-byte SQEs mixed in one SQ.
        SQE_MIXED = IORING_SETUP_SQE_MIXED;
        /// The kernel reads the SQ from slot 0 on every submit (with `NO_SQARRAY`).
        SQ_REWIND = IORING_SETUP_SQ_REWIND;
    }
}

flag_set! {
    /// `IORING_FEAT_*`: what the running kernel granted at setup ([`Ring::granted_features`](super::Ring::granted_features)).
    Features: u32 {
        /// SQ and CQ rings share one mapping.
        SINGLE_MMAP = IORING_FEAT_SINGLE_MMAP;
        /// Completions are never dropped on CQ overflow.
        NODROP = IORING_FEAT_NODROP;
        /// Data referenced by an SQE is consumed at submission.
        SUBMIT_STABLE = IORING_FEAT_SUBMIT_STABLE;
        /// Offset -1 means the current file position.
        RW_CUR_POS = IORING_FEAT_RW_CUR_POS;
        /// Requests run with the submitter's credentials.
        CUR_PERSONALITY = IORING_FEAT_CUR_PERSONALITY;
        /// Internal polling instead of worker threads for pollable files.
        FAST_POLL = IORING_FEAT_FAST_POLL;
        /// 32-bit poll masks.
        POLL_32BITS = IORING_FEAT_POLL_32BITS;
        /// SQPOLL works with unregistered files.
        SQPOLL_NONFIXED = IORING_FEAT_SQPOLL_NONFIXED;
        /// `io_uring_enter` takes an extended argument (timed waits).
        EXT_ARG = IORING_FEAT_EXT_ARG;
        /// Workers are native threads.
        NATIVE_WORKERS = IORING_FEAT_NATIVE_WORKERS;
        /// Registered resources take tags.
        RSRC_TAGS = IORING_FEAT_RSRC_TAGS;
        /// `IOSQE_CQE_SKIP_SUCCESS` works.
        CQE_SKIP = IORING_FEAT_CQE_SKIP;
        /// Files of linked requests are resolved at execution.
        LINKED_FILE = IORING_FEAT_LINKED_FILE;
        /// Registered wait regions.
        REG_REG_RING = IORING_FEAT_REG_REG_RING;
        /// Bundled send/recv.
        RECVSEND_BUNDLE = IORING_FEAT_RECVSEND_BUNDLE;
        /// Minimum-timeout waits.
        MIN_TIMEOUT = IORING_FEAT_MIN_TIMEOUT;
        /// Read/write attributes.
        RW_ATTR = IORING_FEAT_RW_ATTR;
        /// Waits without iowait accounting.
        NO_IOWAIT = IORING_FEAT_NO_IOWAIT;
    }
}

flag_set! {
    /// `IORING_CQE_F_*`: flags of a completion ([`Cqe::cqe_flags`](super::Cqe::cqe_flags)).
    CqeFlags: u32 {
        /// The upper 16 bits hold the id of the provided buffer used.
        BUFFER = IORING_CQE_F_BUFFER;
        /// More completions follow for this (multishot) request.
        MORE = IORING_CQE_F_MORE;
        /// The socket had more data after this receive.
        SOCK_NONEMPTY = IORING_CQE_F_SOCK_NONEMPTY;
        /// A zero-copy send's notification: its buffer may be reused.
        NOTIF = IORING_CQE_F_NOTIF;
        /// The provided buffer was only partly consumed (incremental buffer rings).
        BUF_MORE = IORING_CQE_F_BUF_MORE;
        /// A filler CQE with no request behind it.
        SKIP = IORING_CQE_F_SKIP;
        /// A 32-byte CQE on a CQE_MIXED ring.
        F_32 = IORING_CQE_F_32;
    }
}

flag_set! {
    /// `IORING_TIMEOUT_*`: flags of [`op::Timeout`](super::op::Timeout) and friends.
    TimeoutFlags: u32 {
        /// The timespec is an absolute time.
        ABS = IORING_TIMEOUT_ABS;
        /// Update an existing timeout (set by [`op::TimeoutUpdate`](super::op::TimeoutUpdate)).
        UPDATE = IORING_TIMEOUT_UPDATE;
        /// Measure with `CLOCK_BOOTTIME`.
        BOOTTIME = IORING_TIMEOUT_BOOTTIME;
        /// Measure with `CLOCK_REALTIME`.
        REALTIME = IORING_TIMEOUT_REALTIME;
        /// Update a linked timeout.
        LINK_TIMEOUT_UPDATE = IORING_LINK_TIMEOUT_UPDATE;
        /// Expiry completes with 0 instead of `-ETIME`.
        ETIME_SUCCESS = IORING_TIMEOUT_ETIME_SUCCESS;
        /// Fire repeatedly (multishot timeout).
        MULTISHOT = IORING_TIMEOUT_MULTISHOT;
    }
}

flag_set! {
    /// `IORING_POLL_*`: flags of [`op::PollAdd`](super::op::PollAdd) and [`op::PollUpdate`](super::op::PollUpdate).
    PollFlags: u32 {
        /// Multishot poll: one CQE per event until cancelled.
        ADD_MULTI = IORING_POLL_ADD_MULTI;
        /// Update the event mask.
        UPDATE_EVENTS = IORING_POLL_UPDATE_EVENTS;
        /// Update the user data.
        UPDATE_USER_DATA = IORING_POLL_UPDATE_USER_DATA;
        /// Level-triggered poll.
        ADD_LEVEL = IORING_POLL_ADD_LEVEL;
    }
}

flag_set! {
    /// `IORING_RECVSEND_*` / `IORING_RECV_*` bits of a receive's `ioprio`.
    RecvFlags: u16 {
        /// Poll before trying to receive.
        POLL_FIRST = IORING_RECVSEND_POLL_FIRST;
        /// Multishot receive (set by the multishot builders).
        MULTISHOT = IORING_RECV_MULTISHOT;
        /// Receive into as many provided buffers as the data fills.
        BUNDLE = IORING_RECVSEND_BUNDLE;
    }
}

flag_set! {
    /// `IORING_RECVSEND_*` / `IORING_SEND_ZC_*` bits of a send's `ioprio`.
    SendFlags: u16 {
        /// Poll before trying to send.
        POLL_FIRST = IORING_RECVSEND_POLL_FIRST;
        /// The buffer is registered buffer `buf_index` (set by the fixed builders).
        FIXED_BUF = IORING_RECVSEND_FIXED_BUF;
        /// Zero-copy send: report in the notification whether data was copied.
        ZC_REPORT_USAGE = IORING_SEND_ZC_REPORT_USAGE;
        /// Send from as many provided buffers as there are.
        BUNDLE = IORING_RECVSEND_BUNDLE;
    }
}

flag_set! {
    /// `IORING_ACCEPT_*` bits of an accept's `ioprio`.
    AcceptFlags: u16 {
        /// Multishot accept (set by [`op::AcceptMulti`](super::op::AcceptMulti)).
        MULTISHOT = IORING_ACCEPT_MULTISHOT;
        /// Fail with `EAGAIN` instead of waiting for a connection.
        DONTWAIT = IORING_ACCEPT_DONTWAIT;
        /// Poll before trying to accept.
        POLL_FIRST = IORING_ACCEPT_POLL_FIRST;
    }
}

flag_set! {
    /// `IORING_ASYNC_CANCEL_*`: how [`op::AsyncCancel`](super::op::AsyncCancel) matches requests.
    CancelFlags: u32 {
        /// Cancel every match, not only the first.
        ALL = IORING_ASYNC_CANCEL_ALL;
        /// Match by fd.
        FD = IORING_ASYNC_CANCEL_FD;
        /// Match any request.
        ANY = IORING_ASYNC_CANCEL_ANY;
        /// The fd is a registered file index.
        FD_FIXED = IORING_ASYNC_CANCEL_FD_FIXED;
        /// Match by user data (the default).
        USERDATA = IORING_ASYNC_CANCEL_USERDATA;
        /// Match by opcode.
        OP = IORING_ASYNC_CANCEL_OP;
    }
}

flag_set! {
    /// `IORING_MSG_RING_*`: flags of [`op::MsgRingData`](super::op::MsgRingData).
    MsgRingFlags: u32 {
        /// Post no CQE on the target ring.
        CQE_SKIP = IORING_MSG_RING_CQE_SKIP;
        /// Pass the given CQE flags to the target (set by `.cqe_flags()`).
        FLAGS_PASS = IORING_MSG_RING_FLAGS_PASS;
    }
}

flag_set! {
    /// `IORING_FSYNC_*`: flags of [`op::Fsync`](super::op::Fsync).
    FsyncFlags: u32 {
        /// `fdatasync(2)` instead of `fsync(2)`.
        DATASYNC = IORING_FSYNC_DATASYNC;
    }
}

flag_set! {
    /// `IORING_ENTER_*`: flags of `io_uring_enter(2)` (for reference and raw calls).
    EnterFlags: u32 {
        /// Wait for completions.
        GETEVENTS = IORING_ENTER_GETEVENTS;
        /// Wake the SQPOLL thread.
        SQ_WAKEUP = IORING_ENTER_SQ_WAKEUP;
        /// Wait for SQ space (SQPOLL).
        SQ_WAIT = IORING_ENTER_SQ_WAIT;
        /// The argument is an `io_uring_getevents_arg`.
        EXT_ARG = IORING_ENTER_EXT_ARG;
        /// The fd is a registered ring index.
        REGISTERED_RING = IORING_ENTER_REGISTERED_RING;
        /// The timeout is absolute.
        ABS_TIMER = IORING_ENTER_ABS_TIMER;
        /// The argument is an offset into the registered wait region.
        EXT_ARG_REG = IORING_ENTER_EXT_ARG_REG;
        /// Do not count the wait as iowait.
        NO_IOWAIT = IORING_ENTER_NO_IOWAIT;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_and_debug() {
        let mut f = SqeFlags::IO_LINK | SqeFlags::FIXED_FILE;
        assert_eq!(f.bits(), IOSQE_IO_LINK | IOSQE_FIXED_FILE);
        f.remove(SqeFlags::IO_LINK);
        assert_eq!(f, SqeFlags::FIXED_FILE);
        assert_eq!((!SqeFlags::empty()), SqeFlags::all());
        assert_eq!(SqeFlags::all() - SqeFlags::ASYNC, !SqeFlags::ASYNC);
        assert_eq!(SetupFlags::from_bits(1 << 31), None);
        assert_eq!(
            format!("{:?}", SetupFlags::from_bits_retain(IORING_SETUP_SQPOLL | (1 << 31))),
            "SetupFlags(SQPOLL | 0x80000000)"
        );
        assert_eq!(format!("{:?}", CqeFlags::empty()), "CqeFlags()");
    }
}
