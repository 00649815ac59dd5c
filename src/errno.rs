//! The error type of the Rust core: a positive `errno` value.

use core::fmt;

/// A Linux `errno` value (always positive). The C layer returns it as `-errno`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

impl Errno {
    pub const EPERM: Errno = Errno(libc::EPERM);
    pub const EINTR: Errno = Errno(libc::EINTR);
    pub const EIO: Errno = Errno(libc::EIO);
    pub const EBADF: Errno = Errno(libc::EBADF);
    pub const EAGAIN: Errno = Errno(libc::EAGAIN);
    pub const ENOMEM: Errno = Errno(libc::ENOMEM);
    pub const EACCES: Errno = Errno(libc::EACCES);
    pub const EFAULT: Errno = Errno(libc::EFAULT);
    pub const EBUSY: Errno = Errno(libc::EBUSY);
    pub const EEXIST: Errno = Errno(libc::EEXIST);
    pub const EINVAL: Errno = Errno(libc::EINVAL);
    pub const EMFILE: Errno = Errno(libc::EMFILE);
    pub const ENOSYS: Errno = Errno(libc::ENOSYS);
    pub const ETIME: Errno = Errno(libc::ETIME);
    pub const EOPNOTSUPP: Errno = Errno(libc::EOPNOTSUPP);

    /// Turn a raw kernel return (`>= 0` or `-errno`) into a `Result`.
    ///
    /// Any negative value is an error, `i32::MIN` included: a CQE's `res` can be any
    /// 32-bit value (a `MSG_RING` sender chooses it), so the negation wraps instead of
    /// overflowing.
    #[inline]
    pub fn result(ret: i32) -> Result<i32, Errno> {
        if ret < 0 {
            Err(Errno(ret.wrapping_neg()))
        } else {
            Ok(ret)
        }
    }

    /// The value the C ABI returns for this error (wrapping, so `Errno(i32::MIN)` gives
    /// back `i32::MIN`).
    #[inline]
    pub fn to_neg(self) -> i32 {
        self.0.wrapping_neg()
    }

    /// The raw positive errno value.
    #[inline]
    pub fn raw(self) -> i32 {
        self.0
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Errno({}: {})", self.0, std::io::Error::from_raw_os_error(self.0))
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&std::io::Error::from_raw_os_error(self.0), f)
    }
}

impl std::error::Error for Errno {}

impl From<Errno> for std::io::Error {
    fn from(e: Errno) -> Self {
        std::io::Error::from_raw_os_error(e.0)
    }
}
