//! [`Error`]: the error of the low-level layer's calls, naming the operation that
//! failed, and converting to [`std::io::Error`].

use core::fmt;
use std::io;
use std::prelude::rust_2021::*;

use super::entry::PushError;
use crate::errno::Errno;

/// What went wrong, and in which operation.
///
/// ```
/// use uring::api::Error;
///
/// let e = Error::os("wait", uring::Errno(libc::ETIME));
/// assert_eq!(e.operation(), "wait");
/// assert_eq!(e.errno(), Some(uring::Errno(libc::ETIME)));
/// assert!(e.to_string().starts_with("io_uring wait: "));
/// let io: std::io::Error = e.into();
/// assert_eq!(io.raw_os_error(), Some(libc::ETIME));
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Error {
    op: &'static str,
    kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Os(Errno),
    Cancelled,
    Push(PushError),
}

impl Error {
    /// A system error (`errno`) from operation `op`.
    #[inline]
    pub fn os(op: &'static str, errno: Errno) -> Error {
        Error {
            op,
            kind: Kind::Os(errno),
        }
    }

    /// A wait woken by a [`WaitCanceller`](super::WaitCanceller).
    #[inline]
    pub fn cancelled(op: &'static str) -> Error {
        Error {
            op,
            kind: Kind::Cancelled,
        }
    }

    /// An entry that could not be pushed.
    #[inline]
    pub fn push(op: &'static str, e: PushError) -> Error {
        Error {
            op,
            kind: Kind::Push(e),
        }
    }

    /// The operation that failed (`"wait"`, `"submit"`, `"probe"`, ...).
    #[inline]
    pub fn operation(&self) -> &'static str {
        self.op
    }

    /// The `errno`, for system errors.
    #[inline]
    pub fn errno(&self) -> Option<Errno> {
        match self.kind {
            Kind::Os(e) => Some(e),
            _ => None,
        }
    }

    /// The wait was cancelled through a [`WaitCanceller`](super::WaitCanceller).
    #[inline]
    pub fn is_cancelled(&self) -> bool {
        self.kind == Kind::Cancelled
    }

    /// A timed wait ran out of time (`ETIME`).
    #[inline]
    pub fn is_timeout(&self) -> bool {
        self.kind == Kind::Os(Errno(libc::ETIME))
    }

    /// The `std::io::ErrorKind` this error converts to.
    pub fn kind(&self) -> io::ErrorKind {
        match self.kind {
            Kind::Os(e) => io::Error::from_raw_os_error(e.0).kind(),
            Kind::Cancelled => io::ErrorKind::Interrupted,
            Kind::Push(PushError::QueueFull) => io::ErrorKind::WouldBlock,
            Kind::Push(_) => io::ErrorKind::InvalidInput,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Os(e) => write!(f, "io_uring {}: {}", self.op, io::Error::from_raw_os_error(e.0)),
            Kind::Cancelled => write!(f, "io_uring {}: cancelled through its WaitCanceller", self.op),
            Kind::Push(e) => write!(f, "io_uring {}: {}", self.op, e),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("op", &self.op)
            .field("kind", &self.kind)
            .field("message", &format_args!("{self}"))
            .finish()
    }
}

impl std::error::Error for Error {}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        match e.kind {
            // Keep the raw errno reachable (`raw_os_error`), as callers match on it; the
            // operation name is in `Error`'s own Display for those who log it.
            Kind::Os(errno) => io::Error::from_raw_os_error(errno.0),
            _ => io::Error::new(e.kind(), e),
        }
    }
}

impl From<Error> for Errno {
    /// The errno (`EINTR` for a cancelled wait, `EAGAIN`/`EINVAL` for push errors).
    fn from(e: Error) -> Errno {
        match e.kind {
            Kind::Os(errno) => errno,
            Kind::Cancelled => Errno(libc::EINTR),
            Kind::Push(PushError::QueueFull) => Errno(libc::EAGAIN),
            Kind::Push(_) => Errno(libc::EINVAL),
        }
    }
}

impl From<super::SetupError> for Error {
    /// The setup failure's errno, as operation `"setup"` (the [`SetupError`](super::SetupError)
    /// itself explains it in words).
    fn from(e: super::SetupError) -> Error {
        Error::os("setup", e.errno())
    }
}

impl From<PushError> for Error {
    fn from(e: PushError) -> Error {
        Error::push("push", e)
    }
}
