//! The few system services the extensions need, without `std` and without touching the
//! C `errno` (raw system calls, as everywhere else in the library): reading small files
//! from `/proc` line by line into fixed buffers, checking a descriptor, writing one line
//! to stderr, the process's groups and its memlock limit; and [`TextOut`], the small
//! text writer the extensions' messages are written with ([`FixedWriter`] into a
//! caller's byte buffer, [`FmtOut`] into a `fmt::Formatter` for the Rust `Display`
//! impls).
//!
//! Nothing here indexes or slices in a way that can fail (`get`, slice patterns,
//! iterators): the C library links no panic machinery (tests/size.rs checks it).

use core::ffi::CStr;
use core::fmt;

use crate::errno::Errno;
use crate::sys::syscall::{self, raw6};

/// A raw system call result as `Result`.
fn result(ret: isize) -> Result<usize, Errno> {
    if ret < 0 {
        Err(Errno(-ret as i32))
    } else {
        Ok(ret as usize)
    }
}

/// `openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC)`.
fn open_read_only(path: &CStr) -> Result<i32, Errno> {
    // SAFETY: SYSCALL-ARGS for openat: `path` is a NUL-terminated string the kernel only
    // reads, live for the call.
    let ret = unsafe {
        raw6(
            libc::SYS_openat,
            libc::AT_FDCWD as usize,
            path.as_ptr() as usize,
            (libc::O_RDONLY | libc::O_CLOEXEC) as usize,
            0,
            0,
            0,
        )
    };
    result(ret).map(|fd| fd as i32)
}

/// `read(fd, buf)`.
fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: SYSCALL-ARGS for read: `buf` is writable for `buf.len()` bytes for the call.
    let ret = unsafe {
        raw6(
            libc::SYS_read,
            fd as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            0,
            0,
            0,
        )
    };
    result(ret)
}

/// Whether `fd` is an open file descriptor of this process (`fcntl(fd, F_GETFD)`).
pub fn fd_is_open(fd: i32) -> bool {
    if fd < 0 {
        return false;
    }
    // SAFETY: SYSCALL-ARGS for fcntl(F_GETFD): no pointer argument.
    let ret = unsafe { raw6(libc::SYS_fcntl, fd as usize, libc::F_GETFD as usize, 0, 0, 0, 0) };
    ret >= 0
}

/// Write all of `bytes` to `fd` (a short write is retried; errors are dropped: this is
/// for diagnostics on stderr, which must never fail the caller).
pub fn write_all(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: SYSCALL-ARGS for write: `bytes` is readable for its length for the call.
        let ret = unsafe {
            raw6(
                libc::SYS_write,
                fd as usize,
                bytes.as_ptr() as usize,
                bytes.len(),
                0,
                0,
                0,
            )
        };
        match result(ret) {
            Ok(0) => return,
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(Errno::EINTR) => {}
            Err(_) => return,
        }
    }
}

/// Longest line [`for_each_line`] hands over whole; longer lines are cut to this.
pub const LINE_MAX: usize = 256;

/// Call `f` with each line of the file at `path` (without the newline; lines longer than
/// [`LINE_MAX`] cut short) until it returns `false` or the file ends. Reads in small
/// chunks into fixed buffers: no allocation, any file size. `f` is a `dyn` closure so
/// that the C library holds one copy of this loop, not one per caller.
#[inline(never)]
pub fn for_each_line(path: &CStr, f: &mut dyn FnMut(&[u8]) -> bool) -> Result<(), Errno> {
    let fd = open_read_only(path)?;
    // One array for both buffers: one `memset` to zero it, not an unrolled store loop.
    let mut buffers = [0u8; 512 + LINE_MAX];
    let (chunk, line) = buffers.split_at_mut(512);
    let mut len = 0usize;
    let outcome = 'file: loop {
        let n = match read(fd, chunk) {
            Ok(0) => {
                if len > 0 {
                    f(line.get(..len).unwrap_or_default());
                }
                break 'file Ok(());
            }
            Ok(n) => n,
            Err(Errno::EINTR) => continue,
            Err(e) => break 'file Err(e),
        };
        for &b in chunk.get(..n).unwrap_or_default() {
            if b == b'\n' {
                if !f(line.get(..len).unwrap_or_default()) {
                    break 'file Ok(());
                }
                len = 0;
            } else if let Some(slot) = line.get_mut(len) {
                *slot = b;
                len += 1;
            }
        }
    };
    syscall::close(fd);
    outcome
}

/// The value of the first `key:` line of `path` (`Seccomp:`, `UserFiles:`), leading
/// blanks removed, as a decimal or `0x` hexadecimal number; `None` when the file cannot
/// be read, the key is absent or the value is not a number.
pub fn read_key_number(path: &CStr, key: &[u8]) -> Option<u64> {
    let mut value = None;
    for_each_line(path, &mut |line| {
        if let Some(rest) = line.strip_prefix(key) {
            value = parse_number(rest);
            return false;
        }
        true
    })
    .ok()?;
    value
}

/// A file holding one number (a sysctl): its value, `None` if unreadable. Out of line:
/// `uring_explain_setup_error` reads three of them.
#[inline(never)]
pub fn read_number_file(path: &CStr) -> Option<i64> {
    let mut value = None;
    for_each_line(path, &mut |line| {
        let text = trim(line);
        value = match text.strip_prefix(b"-") {
            Some(digits) => parse_number(digits).and_then(|v| i64::try_from(v).ok()).map(|v| -v),
            None => parse_number(text).and_then(|v| i64::try_from(v).ok()),
        };
        false
    })
    .ok()?;
    value
}

/// `line` without leading and trailing blanks. (Out of line, as `parse_digits`: the
/// parsers are called from many places of the C library's cold paths.)
#[inline(never)]
pub fn trim(mut line: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = line {
        if !first.is_ascii_whitespace() {
            break;
        }
        line = rest;
    }
    while let [rest @ .., last] = line {
        if !last.is_ascii_whitespace() {
            break;
        }
        line = rest;
    }
    line
}

/// A decimal, or hexadecimal with `0x`, after leading blanks (hexadecimal lines without
/// the prefix, such as `CapEff:`, are parsed with [`parse_hex`]); the first non-digit
/// ends it. `None` without digits or on overflow.
#[inline(never)]
pub fn parse_number(text: &[u8]) -> Option<u64> {
    let text = trim(text);
    match text.strip_prefix(b"0x") {
        Some(hex) => parse_digits(hex, 16),
        None => parse_digits(text, 10),
    }
}

/// Hexadecimal digits (no prefix) after leading blanks.
pub fn parse_hex(text: &[u8]) -> Option<u64> {
    parse_digits(trim(text), 16)
}

/// The number the leading digits of `text` in `base` (10 or 16) spell; `None` without
/// digits or on overflow.
#[inline(never)]
fn parse_digits(text: &[u8], base: u64) -> Option<u64> {
    let mut v: u64 = 0;
    let mut any = false;
    for &c in text {
        let digit = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => break,
        };
        if u64::from(digit) >= base {
            break;
        }
        v = v.checked_mul(base)?.checked_add(u64::from(digit))?;
        any = true;
    }
    any.then_some(v)
}

/// The real and effective group ids and up to `buf.len()` supplementary groups; returns
/// how many supplementary groups were stored, `None` if there were more than fit.
pub fn groups(buf: &mut [u32]) -> (u32, u32, Option<usize>) {
    // SAFETY: SYSCALL-ARGS for getgid/getegid: no arguments.
    let gid = unsafe { raw6(libc::SYS_getgid, 0, 0, 0, 0, 0, 0) } as u32;
    // SAFETY: as above.
    let egid = unsafe { raw6(libc::SYS_getegid, 0, 0, 0, 0, 0, 0) } as u32;
    // SAFETY: SYSCALL-ARGS for getgroups: `buf` is writable for `buf.len()` gid_t (u32).
    let n = unsafe { raw6(libc::SYS_getgroups, buf.len(), buf.as_mut_ptr() as usize, 0, 0, 0, 0) };
    (gid, egid, result(n).ok())
}

/// RLIMIT_MEMLOCK as (soft, hard), `u64::MAX` meaning unlimited.
pub fn memlock_limit() -> Option<(u64, u64)> {
    let mut r = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: SYSCALL-ARGS for prlimit64(0, RLIMIT_MEMLOCK, NULL, &r): no new limit is
    // read; one `struct rlimit` (two u64 on Linux) is written into a live local.
    let ret = unsafe {
        raw6(
            libc::SYS_prlimit64,
            0,
            libc::RLIMIT_MEMLOCK as usize,
            0,
            core::ptr::addr_of_mut!(r) as usize,
            0,
            0,
        )
    };
    result(ret).ok()?;
    let conv = |v: libc::rlim_t| if v == libc::RLIM_INFINITY { u64::MAX } else { v };
    Some((conv(r.rlim_cur), conv(r.rlim_max)))
}

/// Where the extensions' texts are written: a few appends instead of `write!`, so the C
/// library links none of `core::fmt` (its padding, integer formatting and `fmt::write`
/// machinery are several KB, more than all the messages). The texts are ASCII.
pub trait TextOut {
    /// Append `text` (UTF-8, a whole number of characters).
    fn put(&mut self, text: &[u8]);

    /// Append `s`.
    #[inline]
    fn str(&mut self, s: &str) {
        self.put(s.as_bytes());
    }

    // The number writers are out of line: one copy each, not one per message part.

    /// Append `v` in `base` (10 or 16, lower-case digits).
    #[inline(never)]
    fn number(&mut self, v: u64, base: u64) {
        let mut digits = [0u8; 20];
        self.put(digits_of(v, base, &mut digits));
    }

    /// Append `v` in decimal.
    #[inline(never)]
    fn dec(&mut self, v: u64) {
        self.number(v, 10);
    }

    /// Append `v` in decimal, with a `-` when negative.
    #[inline(never)]
    fn signed(&mut self, v: i64) {
        if v < 0 {
            self.put(b"-");
        }
        self.number(v.unsigned_abs(), 10);
    }

    /// Append `v` in hexadecimal with a `0x` prefix (as `{:#x}`).
    #[inline(never)]
    fn hex(&mut self, v: u64) {
        self.put(b"0x");
        self.number(v, 16);
    }
}

/// The digits of `v` in `base` (10 or 16, lower case), at the end of `buf` (20 bytes
/// hold every u64 in either base).
fn digits_of(mut v: u64, base: u64, buf: &mut [u8]) -> &[u8] {
    // A loop on `v` rather than over `buf`: it is not unrolled 20 times.
    let mut start = buf.len();
    loop {
        let d = (v % base) as u8;
        start -= 1;
        if let Some(slot) = buf.get_mut(start) {
            *slot = if d < 10 { b'0' + d } else { b'a' + d - 10 };
        }
        v /= base;
        if v == 0 || start == 0 {
            break;
        }
    }
    buf.get(start..).unwrap_or_default()
}

/// [`TextOut`] into a fixed byte buffer, keeping the last byte for a NUL: text that does
/// not fit is cut (at a byte; a cut multi-byte character is dropped whole).
pub struct FixedWriter<'a> {
    buf: &'a mut [u8],
    len: usize,
    wanted: usize,
}

impl<'a> FixedWriter<'a> {
    /// A writer over `buf` (which may be empty: then nothing is stored).
    pub fn new(buf: &'a mut [u8]) -> FixedWriter<'a> {
        FixedWriter { buf, len: 0, wanted: 0 }
    }

    /// The text written so far (what fits).
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
    }

    /// Bytes the whole text needs, without the NUL (more than was stored if it was cut).
    pub fn wanted(&self) -> usize {
        self.wanted
    }

    /// Store the terminating NUL after the text (nothing for an empty buffer); returns
    /// the length of the text.
    pub fn finish_nul(self) -> usize {
        if let Some(b) = self.buf.get_mut(self.len) {
            *b = 0;
        }
        self.len
    }
}

impl TextOut for FixedWriter<'_> {
    #[inline(never)]
    fn put(&mut self, text: &[u8]) {
        self.wanted = self.wanted.saturating_add(text.len());
        let room = self.buf.len().saturating_sub(1).saturating_sub(self.len);
        let mut take = text.len().min(room);
        // Never cut before a UTF-8 continuation byte (10xxxxxx): that would split a
        // character.
        while take > 0 && text.get(take).is_some_and(|b| b & 0xc0 == 0x80) {
            take -= 1;
        }
        let dst = self.buf.get_mut(self.len..).and_then(|rest| rest.get_mut(..take));
        if let (Some(dst), Some(src)) = (dst, text.get(..take)) {
            if dst.len() == src.len() {
                dst.copy_from_slice(src);
                self.len += take;
            }
        }
    }
}

/// [`TextOut`] into a `fmt::Formatter`: the Rust `Display` impls of the extensions'
/// texts (not reachable from C, so the C library does not link it).
pub struct FmtOut<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    result: fmt::Result,
}

impl<'a, 'b> FmtOut<'a, 'b> {
    /// Run `write` over `f`; the first error of the formatter is the result.
    pub fn display(f: &'a mut fmt::Formatter<'b>, write: impl FnOnce(&mut dyn TextOut)) -> fmt::Result {
        let mut out = FmtOut { f, result: Ok(()) };
        write(&mut out);
        out.result
    }
}

impl TextOut for FmtOut<'_, '_> {
    fn put(&mut self, text: &[u8]) {
        if self.result.is_ok() {
            self.result = match core::str::from_utf8(text) {
                Ok(s) => self.f.write_str(s),
                Err(_) => Err(fmt::Error),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_writer_cuts_and_terminates() {
        let mut buf = [0xffu8; 8];
        let mut w = FixedWriter::new(&mut buf);
        w.str("hello ");
        w.dec(12345);
        assert_eq!(w.as_bytes(), b"hello 1");
        assert_eq!(w.wanted(), 11);
        assert_eq!(w.finish_nul(), 7);
        assert_eq!(&buf, b"hello 1\0");
        let mut empty: [u8; 0] = [];
        let mut w = FixedWriter::new(&mut empty);
        w.str("x");
        assert_eq!(w.finish_nul(), 0);
        // A multi-byte character that does not fit is dropped whole.
        let mut buf = [0u8; 3];
        let mut w = FixedWriter::new(&mut buf);
        w.str("a\u{e9}");
        assert_eq!(w.as_bytes(), b"a");
    }

    #[test]
    fn numbers_are_written_as_fmt_writes_them() {
        let mut buf = [0u8; 128];
        let mut w = FixedWriter::new(&mut buf);
        for v in [0, 7, 10, 4096, u64::MAX] {
            w.dec(v);
            w.str(" ");
            w.hex(v);
            w.str(" ");
        }
        for v in [0, -1, i64::MIN, i64::MAX] {
            w.signed(v);
            w.str(" ");
        }
        let mut want = std::string::String::new();
        for v in [0, 7, 10, 4096, u64::MAX] {
            want += &format!("{v} {v:#x} ");
        }
        for v in [0, -1, i64::MIN, i64::MAX] {
            want += &format!("{v} ");
        }
        assert_eq!(w.as_bytes(), want.as_bytes());
    }

    #[test]
    fn blanks_are_trimmed() {
        assert_eq!(trim(b" \t a b \n"), b"a b");
        assert_eq!(trim(b"   "), b"");
        assert_eq!(trim(b""), b"");
    }

    #[test]
    fn numbers_parse() {
        assert_eq!(parse_number(b"\t2"), Some(2));
        assert_eq!(parse_number(b"  17 kB"), Some(17));
        assert_eq!(parse_number(b"0x1f"), Some(31));
        assert_eq!(parse_number(b"x"), None);
        assert_eq!(parse_hex(b"\t000001ffffffffff"), Some(0x1ff_ffff_ffff));
        assert_eq!(parse_number(b"99999999999999999999999"), None);
        assert_eq!(parse_number(b"12ab"), Some(12));
        assert_eq!(parse_number(b"0xFFz"), Some(255));
        assert_eq!(parse_hex(b"0x10"), Some(0), "no prefix in parse_hex: 0 then x");
        assert_eq!(parse_hex(b" Ag"), Some(10));
        assert_eq!(parse_hex(b"ffffffffffffffff"), Some(u64::MAX));
        assert_eq!(parse_hex(b"10000000000000000"), None);
    }

    #[test]
    fn proc_lines_are_read() {
        // Every Linux process has a Pid: line whose value is its pid.
        let pid = read_key_number(c"/proc/self/status", b"Pid:").expect("Pid: in /proc/self/status");
        // SAFETY: getpid has no preconditions.
        assert_eq!(pid, unsafe { libc::getpid() } as u64);
        assert_eq!(read_key_number(c"/proc/self/status", b"NoSuchKey:"), None);
        assert!(read_key_number(c"/nonexistent/file", b"Pid:").is_none());
        assert!(fd_is_open(0) || fd_is_open(1) || fd_is_open(2));
        assert!(!fd_is_open(-1));
        assert!(!fd_is_open(1 << 28));
    }
}
