//! Typed accessors of [`Cqe`] for multishot and zero-copy completions.

use super::flags::CqeFlags;
use super::Cqe;
use crate::sys::*;
use std::prelude::rust_2021::*;

impl Cqe {
    /// The flags as a typed set.
    ///
    /// ```
    /// use uring::api::CqeFlags;
    /// let cqe = uring::Cqe::from_parts(1, 0, uring::sys::IORING_CQE_F_MORE);
    /// assert_eq!(cqe.cqe_flags(), CqeFlags::MORE);
    /// assert!(cqe.more());
    /// ```
    #[inline]
    pub fn cqe_flags(&self) -> CqeFlags {
        CqeFlags::from_bits_retain(self.flags)
    }

    /// The socket still had data after this receive (`IORING_CQE_F_SOCK_NONEMPTY`).
    #[inline]
    pub fn sock_nonempty(&self) -> bool {
        self.flags & IORING_CQE_F_SOCK_NONEMPTY != 0
    }

    /// A zero-copy send's notification: the kernel is done with the buffer
    /// (`IORING_CQE_F_NOTIF`).
    #[inline]
    pub fn notif(&self) -> bool {
        self.flags & IORING_CQE_F_NOTIF != 0
    }

    /// The provided buffer was only partly used and stays with the kernel for the next
    /// completion (incremental buffer rings, `IORING_CQE_F_BUF_MORE`).
    #[inline]
    pub fn buf_more(&self) -> bool {
        self.flags & IORING_CQE_F_BUF_MORE != 0
    }

    /// The result as an `io::Result`: the count (bytes, fd, poll mask, ...) or the
    /// error. ([`Cqe::result`] gives the same as `Result<u32, Errno>`, which `?` also
    /// turns into an `io::Error`.)
    ///
    /// ```
    /// let ok = uring::Cqe::from_parts(1, 42, 0);
    /// assert_eq!(ok.io_result().unwrap(), 42);
    /// let err = uring::Cqe::from_parts(1, -libc::ECANCELED, 0);
    /// assert_eq!(err.io_result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    /// ```
    #[inline]
    pub fn io_result(&self) -> std::io::Result<u32> {
        self.result().map_err(std::io::Error::from)
    }

    /// A completion with these parts (for tests and for code that replays CQEs).
    ///
    /// ```
    /// let cqe = uring::Cqe::from_parts(7, -libc::ENOENT, 0);
    /// assert_eq!(cqe.user_data(), 7);
    /// assert_eq!(cqe.io_result().unwrap_err().raw_os_error(), Some(libc::ENOENT));
    /// ```
    #[inline]
    pub fn from_parts(user_data: u64, res: i32, flags: u32) -> Cqe {
        Cqe {
            user_data,
            res,
            flags,
            big: [0; 2],
        }
    }
}
