//! [`Opcode`]: every `IORING_OP_*` by name, and [`Probe`]: which of them this kernel
//! supports.
//!
//! ```
//! use uring::api::Opcode;
//!
//! assert_eq!(Opcode::SendZc.name(), "SEND_ZC");
//! assert_eq!(Opcode::from_u8(uring::sys::IORING_OP_READ), Some(Opcode::Read));
//! assert_eq!(Opcode::ALL.len(), usize::from(uring::sys::IORING_OP_LAST));
//! ```

use core::fmt;
use std::prelude::rust_2021::*;

use super::error::Error;
use super::Ring;
use crate::sys::*;

macro_rules! opcodes {
    ($( $name:ident = $value:ident, $kernel:literal; )*) => {
        /// An io_uring operation (`IORING_OP_*`), named as in the kernel's enum.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        #[non_exhaustive]
        pub enum Opcode {
            $(
                #[doc = concat!("`IORING_OP_", $kernel, "`")]
                $name = $value,
            )*
        }

        impl Opcode {
            /// Every opcode this crate knows, in kernel order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$name),*];

            /// The kernel's name without the `IORING_OP_` prefix (`"SEND_ZC"`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(Opcode::$name => $kernel,)*
                }
            }

            /// The opcode with this value, if this crate knows it.
            pub const fn from_u8(op: u8) -> Option<Opcode> {
                match op {
                    $($value => Some(Opcode::$name),)*
                    _ => None,
                }
            }
        }
    };
}

opcodes! {
    Nop = IORING_OP_NOP, "NOP";
    Readv = IORING_OP_READV, "READV";
    Writev = IORING_OP_WRITEV, "WRITEV";
    Fsync = IORING_OP_FSYNC, "FSYNC";
    ReadFixed = IORING_OP_READ_FIXED, "READ_FIXED";
    WriteFixed = IORING_OP_WRITE_FIXED, "WRITE_FIXED";
    PollAdd = IORING_OP_POLL_ADD, "POLL_ADD";
    PollRemove = IORING_OP_POLL_REMOVE, "POLL_REMOVE";
    SyncFileRange = IORING_OP_SYNC_FILE_RANGE, "SYNC_FILE_RANGE";
    SendMsg = IORING_OP_SENDMSG, "SENDMSG";
    RecvMsg = IORING_OP_RECVMSG, "RECVMSG";
    Timeout = IORING_OP_TIMEOUT, "TIMEOUT";
    TimeoutRemove = IORING_OP_TIMEOUT_REMOVE, "TIMEOUT_REMOVE";
    Accept = IORING_OP_ACCEPT, "ACCEPT";
    AsyncCancel = IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL";
    LinkTimeout = IORING_OP_LINK_TIMEOUT, "LINK_TIMEOUT";
    Connect = IORING_OP_CONNECT, "CONNECT";
    Fallocate = IORING_OP_FALLOCATE, "FALLOCATE";
    OpenAt = IORING_OP_OPENAT, "OPENAT";
    Close = IORING_OP_CLOSE, "CLOSE";
    FilesUpdate = IORING_OP_FILES_UPDATE, "FILES_UPDATE";
    Statx = IORING_OP_STATX, "STATX";
    Read = IORING_OP_READ, "READ";
    Write = IORING_OP_WRITE, "WRITE";
    Fadvise = IORING_OP_FADVISE, "FADVISE";
    Madvise = IORING_OP_MADVISE, "MADVISE";
    Send = IORING_OP_SEND, "SEND";
    Recv = IORING_OP_RECV, "RECV";
    OpenAt2 = IORING_OP_OPENAT2, "OPENAT2";
    EpollCtl = IORING_OP_EPOLL_CTL, "EPOLL_CTL";
    Splice = IORING_OP_SPLICE, "SPLICE";
    ProvideBuffers = IORING_OP_PROVIDE_BUFFERS, "PROVIDE_BUFFERS";
    RemoveBuffers = IORING_OP_REMOVE_BUFFERS, "REMOVE_BUFFERS";
    Tee = IORING_OP_TEE, "TEE";
    Shutdown = IORING_OP_SHUTDOWN, "SHUTDOWN";
    RenameAt = IORING_OP_RENAMEAT, "RENAMEAT";
    UnlinkAt = IORING_OP_UNLINKAT, "UNLINKAT";
    MkdirAt = IORING_OP_MKDIRAT, "MKDIRAT";
    SymlinkAt = IORING_OP_SYMLINKAT, "SYMLINKAT";
    LinkAt = IORING_OP_LINKAT, "LINKAT";
    MsgRing = IORING_OP_MSG_RING, "MSG_RING";
    FSetXattr = IORING_OP_FSETXATTR, "FSETXATTR";
    SetXattr = IORING_OP_SETXATTR, "SETXATTR";
    FGetXattr = IORING_OP_FGETXATTR, "FGETXATTR";
    GetXattr = IORING_OP_GETXATTR, "GETXATTR";
    Socket = IORING_OP_SOCKET, "SOCKET";
    UringCmd = IORING_OP_URING_CMD, "URING_CMD";
    SendZc = IORING_OP_SEND_ZC, "SEND_ZC";
    SendMsgZc = IORING_OP_SENDMSG_ZC, "SENDMSG_ZC";
    ReadMultishot = IORING_OP_READ_MULTISHOT, "READ_MULTISHOT";
    WaitId = IORING_OP_WAITID, "WAITID";
    FutexWait = IORING_OP_FUTEX_WAIT, "FUTEX_WAIT";
    FutexWake = IORING_OP_FUTEX_WAKE, "FUTEX_WAKE";
    FutexWaitv = IORING_OP_FUTEX_WAITV, "FUTEX_WAITV";
    FixedFdInstall = IORING_OP_FIXED_FD_INSTALL, "FIXED_FD_INSTALL";
    Ftruncate = IORING_OP_FTRUNCATE, "FTRUNCATE";
    Bind = IORING_OP_BIND, "BIND";
    Listen = IORING_OP_LISTEN, "LISTEN";
    RecvZc = IORING_OP_RECV_ZC, "RECV_ZC";
    EpollWait = IORING_OP_EPOLL_WAIT, "EPOLL_WAIT";
    ReadvFixed = IORING_OP_READV_FIXED, "READV_FIXED";
    WritevFixed = IORING_OP_WRITEV_FIXED, "WRITEV_FIXED";
    Pipe = IORING_OP_PIPE, "PIPE";
    Nop128 = IORING_OP_NOP128, "NOP128";
    UringCmd128 = IORING_OP_URING_CMD128, "URING_CMD128";
}

impl Opcode {
    /// The `IORING_OP_*` value.
    #[inline]
    pub const fn value(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl From<Opcode> for u8 {
    #[inline]
    fn from(op: Opcode) -> u8 {
        op as u8
    }
}

/// What the running kernel supports: a probe taken through a ring
/// ([`Ring::probe`]) or without one ([`Probe::new`]).
///
/// ```
/// use uring::api::Opcode;
///
/// let ring = uring::Ring::new(4)?;
/// let probe = ring.probe()?;
/// assert!(probe.is_supported(Opcode::Nop));
/// assert!(probe.supported().any(|op| op == Opcode::Read));
/// # Ok::<(), uring::api::Error>(())
/// ```
#[doc(alias = "io_uring_probe")]
pub struct Probe(crate::probe::Probe);

impl Probe {
    /// Probe through a temporary ring.
    #[doc(alias = "io_uring_get_probe")]
    pub fn new() -> Result<Probe, Error> {
        crate::probe::Probe::new().map(Probe).map_err(|e| Error::os("probe", e))
    }

    /// Whether the kernel supports `op`.
    #[doc(alias = "io_uring_opcode_supported")]
    #[inline]
    pub fn is_supported(&self, op: Opcode) -> bool {
        self.0.is_supported(op as u8)
    }

    /// The supported opcodes this crate knows.
    pub fn supported(&self) -> impl Iterator<Item = Opcode> + '_ {
        Opcode::ALL.iter().copied().filter(|op| self.is_supported(*op))
    }

    /// The highest opcode value the kernel knows (it may know opcodes this crate does
    /// not).
    pub fn last_op(&self) -> u8 {
        self.0.last_op()
    }

    /// The core probe underneath.
    pub fn as_core(&self) -> &crate::probe::Probe {
        &self.0
    }
}

impl fmt::Debug for Probe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Probe")
            .field("last_op", &self.last_op())
            .field("supported", &self.supported().map(Opcode::name).collect::<Vec<_>>())
            .finish()
    }
}

impl Ring {
    /// Which operations the kernel supports, probed through this ring.
    #[doc(alias = "io_uring_get_probe_ring")]
    pub fn probe(&self) -> Result<Probe, Error> {
        crate::probe::Probe::for_ring(self.as_ring_ref())
            .map(Probe)
            .map_err(|e| Error::os("probe", e))
    }
}
