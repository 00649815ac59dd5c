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

impl Errno {
    /// The C library's message for this errno (`strerror_r`), written into `buf`; the
    /// returned text borrows `buf`. Without the standard library this is what
    /// `Display` uses, so the core stays `no_std` and prints the same text as
    /// `std::io::Error` does.
    fn message(self, buf: &mut [u8; 128]) -> &str {
        // SAFETY: `buf` is a live, writable 128-byte buffer and its length is passed;
        // the XSI strerror_r (what the libc crate binds on Linux) NUL-terminates within
        // it and touches nothing else.
        let rc = unsafe { libc::strerror_r(self.0, buf.as_mut_ptr().cast(), buf.len()) };
        if rc != 0 {
            return "Unknown error";
        }
        let len = buf.iter().position(|&b| b == 0).unwrap_or(0);
        core::str::from_utf8(&buf[..len]).unwrap_or("Unknown error")
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 128];
        write!(f, "Errno({}: {} (os error {}))", self.0, self.message(&mut buf), self.0)
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 128];
        write!(f, "{} (os error {})", self.message(&mut buf), self.0)
    }
}

impl core::error::Error for Errno {}
