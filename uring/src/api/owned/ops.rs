//! Operations that own their memory: each one holds every buffer, path and timespec the
//! kernel will touch, and hands them back in its [`Operation::Output`] when it completes.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd, RawFd};
use std::prelude::rust_2021::*;
use std::time::Duration;

use super::buf::{IoBuf, IoBufMut};
use super::buf_ring::{BufGuard, BufRing};
use super::registry::FixedBuf;
use crate::api::Cqe;
use crate::prep;
use crate::sys::*;

/// Which file an operation works on: a plain descriptor or a slot of the ring's
/// registered file table (see [`super::Driver::register_files`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A file descriptor. The kernel takes its own reference to the file when the
    /// operation starts, so closing the descriptor early is not a memory error.
    Fd(RawFd),
    /// Index into the registered file table (`IOSQE_FIXED_FILE`).
    Fixed(u32),
}

impl Target {
    fn raw(self) -> i32 {
        match self {
            Target::Fd(fd) => fd,
            Target::Fixed(i) => i as i32,
        }
    }

    /// Mark the SQE after the preparer wrote `fd`.
    fn mark(self, sqe: &mut io_uring_sqe) {
        if let Target::Fixed(_) = self {
            sqe.flags |= IOSQE_FIXED_FILE;
        }
    }
}

impl From<RawFd> for Target {
    fn from(fd: RawFd) -> Target {
        Target::Fd(fd)
    }
}

impl<T: AsFd> From<&T> for Target {
    fn from(file: &T) -> Target {
        Target::Fd(file.as_fd().as_raw_fd())
    }
}

/// What a completion carries beside its result, made when the CQE is reaped so that
/// nothing the kernel handed over can be lost: a descriptor a multishot accept
/// installed, or a provided buffer the kernel filled. Dropping it closes the descriptor
/// or returns the buffer to its ring.
#[derive(Debug, Default)]
pub enum Payload {
    /// Nothing beyond the result.
    #[default]
    None,
    /// A new descriptor (multishot accept).
    Fd(OwnedFd),
    /// A provided buffer from a [`BufRing`].
    Buffer(BufGuard),
}

/// An operation the safe layer can run.
///
/// The driver moves the operation onto the heap, calls [`Operation::prepare`] on it
/// there, and does not move or touch it again until its last completion has arrived,
/// when it calls [`Operation::complete`] (or drops that output, if nobody claims it).
///
/// # Safety
/// Every address `prepare` writes into the SQE must lead to memory that stays valid,
/// and is not otherwise accessed in a way that conflicts with the kernel's access, until
/// the last completion: memory owned by `self` (inline fields count, since `self` does
/// not move while in flight, or heap blocks it owns), or `'static` memory. `payload`
/// must not read memory the kernel may write. [`Operation::multishot`] must be true if
/// the SQE can produce more than one completion.
pub unsafe trait Operation: core::marker::Send + 'static {
    /// What the final completion hands back (results and the owned resources).
    type Output;

    /// Write the SQE. `user_data` and the driver's own flags are set afterwards.
    fn prepare(&mut self, sqe: &mut io_uring_sqe);

    /// Turn the final completion into the output.
    fn complete(self, cqe: &Cqe) -> Self::Output;

    /// Extra resources a completion carries: called for every completion of a
    /// [multishot](Operation::multishot) operation, the final one included, in the
    /// reaping thread (single-shot operations hand everything back in `complete`).
    fn payload(&self, _cqe: &Cqe) -> Payload {
        Payload::None
    }

    /// The operation may complete more than once (`IORING_CQE_F_MORE`). Asked once,
    /// when the operation is pushed.
    fn multishot(&self) -> bool {
        false
    }

    /// The buffer ring the operation selects from, if any: the driver refuses it
    /// (`EINVAL`) unless the ring is registered with that driver, so a guard is only
    /// ever made for a buffer of the ring the kernel actually picked from.
    fn buf_ring(&self) -> Option<&BufRing> {
        None
    }
}

/// The result of a read-like operation into `buf`, with `buf` told how many bytes the
/// kernel wrote. The count is clamped to what the SQE asked for: a larger one cannot come
/// from the kernel, only from a forged completion (an `unsafe` MSG_RING), and must not
/// turn into uninitialised bytes.
fn filled<B: IoBufMut>(cqe: &Cqe, mut buf: B) -> (io::Result<u32>, B) {
    let res = cqe_result(cqe);
    if let Ok(n) = res {
        let n = (n as usize).min(buf.bytes_total());
        // SAFETY: the kernel wrote the first `n` bytes of the `bytes_total` it was given
        // (IoBufMut), and `n <= bytes_total` by the clamp above.
        unsafe { buf.set_init(n) };
    }
    (res, buf)
}

/// A result as `io::Result`.
pub(crate) fn cqe_result(cqe: &Cqe) -> io::Result<u32> {
    cqe.result().map_err(|e| io::Error::from_raw_os_error(e.0))
}

fn len_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Does nothing (`IORING_OP_NOP`); completes with 0.
#[doc(alias = "io_uring_prep_nop")]
#[derive(Debug, Default)]
pub struct Nop;

// SAFETY: a NOP carries no address.
unsafe impl Operation for Nop {
    type Output = io::Result<u32>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        prep::nop(sqe);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<u32> {
        cqe_result(cqe)
    }
}

/// `pread(2)` into an owned buffer (`IORING_OP_READ`), filling it from its start up to
/// its [`IoBuf::bytes_total`]. Gives back `(bytes read, buffer)`.
#[doc(alias = "io_uring_prep_read")]
#[derive(Debug)]
pub struct Read<B> {
    target: Target,
    buf: B,
    offset: u64,
    limit: usize,
}

impl<B: IoBufMut> Read<B> {
    /// Read from `file` at `offset` (`u64::MAX`: the file position) into `buf`.
    pub fn new(file: impl Into<Target>, buf: B, offset: u64) -> Read<B> {
        Read {
            target: file.into(),
            buf,
            offset,
            limit: usize::MAX,
        }
    }

    /// Read at most `len` bytes (default: the buffer's whole capacity).
    ///
    /// ```
    /// use uring::api::owned::{ops::Read, Driver};
    /// let file = std::fs::File::open("Cargo.toml")?;
    /// let mut driver = Driver::new(4)?;
    /// driver.push(Read::new(&file, vec![0u8; 64], 0).len(7), 0)?;
    /// let (n, buf) = driver.wait()?.output::<Read<Vec<u8>>>().unwrap();
    /// assert_eq!(n?, 7);
    /// assert_eq!(&buf[..7], b"[packag");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn len(mut self, len: usize) -> Read<B> {
        self.limit = len;
        self
    }
}

// SAFETY: the address is `buf`'s, which the operation owns (IoBufMut: stable, writable
// for bytes_total bytes).
unsafe impl<B: IoBufMut> Operation for Read<B> {
    type Output = (io::Result<u32>, B);
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let len = len_u32(self.buf.bytes_total().min(self.limit));
        prep::read(
            sqe,
            self.target.raw(),
            self.buf.stable_mut_ptr().cast(),
            len,
            self.offset,
        );
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> Self::Output {
        filled(cqe, self.buf)
    }
}

/// `pwrite(2)` of an owned buffer's initialised bytes (`IORING_OP_WRITE`). Gives back
/// `(bytes written, buffer)`.
#[doc(alias = "io_uring_prep_write")]
#[derive(Debug)]
pub struct Write<B> {
    target: Target,
    buf: B,
    offset: u64,
}

impl<B: IoBuf> Write<B> {
    /// Write `buf` to `file` at `offset` (`u64::MAX`: the file position).
    pub fn new(file: impl Into<Target>, buf: B, offset: u64) -> Write<B> {
        Write {
            target: file.into(),
            buf,
            offset,
        }
    }
}

// SAFETY: the address is `buf`'s, which the operation owns (IoBuf: stable, readable).
unsafe impl<B: IoBuf> Operation for Write<B> {
    type Output = (io::Result<u32>, B);
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let len = len_u32(self.buf.bytes_init());
        prep::write(sqe, self.target.raw(), self.buf.stable_ptr().cast(), len, self.offset);
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> Self::Output {
        (cqe_result(cqe), self.buf)
    }
}

/// Read into a registered buffer (`IORING_OP_READ_FIXED`): the whole buffer, or the
/// first `len` bytes.
#[doc(alias = "io_uring_prep_read_fixed")]
#[derive(Debug)]
pub struct ReadFixed {
    target: Target,
    buf: FixedBuf,
    len: u32,
    offset: u64,
}

impl ReadFixed {
    /// Read `buf.capacity()` bytes from `file` at `offset` into `buf`.
    pub fn new(file: impl Into<Target>, buf: FixedBuf, offset: u64) -> ReadFixed {
        let len = len_u32(buf.capacity());
        ReadFixed {
            target: file.into(),
            buf,
            len,
            offset,
        }
    }

    /// Read only `len` bytes (clamped to the buffer's capacity).
    pub fn len(mut self, len: usize) -> ReadFixed {
        self.len = len_u32(len.min(self.buf.capacity()));
        self
    }
}

// SAFETY: the address is the registered buffer's, owned by the FixedBuf the operation
// holds (which keeps the pool's memory alive), `len` bounded by its capacity.
unsafe impl Operation for ReadFixed {
    type Output = (io::Result<u32>, FixedBuf);
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let (ptr, index) = (self.buf.as_mut_ptr(), self.buf.index());
        prep::read_fixed(
            sqe,
            self.target.raw(),
            ptr.cast(),
            self.len,
            self.offset,
            i32::from(index),
        );
        self.target.mark(sqe);
    }
    fn complete(mut self, cqe: &Cqe) -> Self::Output {
        let res = cqe_result(cqe);
        if let Ok(n) = res {
            self.buf.set_len(n as usize);
        }
        (res, self.buf)
    }
}

/// Write a registered buffer's bytes (`IORING_OP_WRITE_FIXED`).
#[doc(alias = "io_uring_prep_write_fixed")]
#[derive(Debug)]
pub struct WriteFixed {
    target: Target,
    buf: FixedBuf,
    offset: u64,
}

impl WriteFixed {
    /// Write `buf`'s [`FixedBuf::len`] bytes to `file` at `offset`.
    pub fn new(file: impl Into<Target>, buf: FixedBuf, offset: u64) -> WriteFixed {
        WriteFixed {
            target: file.into(),
            buf,
            offset,
        }
    }
}

// SAFETY: as for ReadFixed; the kernel only reads.
unsafe impl Operation for WriteFixed {
    type Output = (io::Result<u32>, FixedBuf);
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let (ptr, index, len) = (self.buf.as_ptr(), self.buf.index(), len_u32(self.buf.len()));
        prep::write_fixed(sqe, self.target.raw(), ptr.cast(), len, self.offset, i32::from(index));
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> Self::Output {
        (cqe_result(cqe), self.buf)
    }
}

/// `fsync(2)` / `fdatasync(2)` (`IORING_OP_FSYNC`).
#[doc(alias = "io_uring_prep_fsync")]
#[derive(Debug)]
pub struct Fsync {
    target: Target,
    flags: u32,
}

impl Fsync {
    /// Flush `file`'s data and metadata.
    pub fn new(file: impl Into<Target>) -> Fsync {
        Fsync {
            target: file.into(),
            flags: 0,
        }
    }

    /// Only what is needed to read the data back (`IORING_FSYNC_DATASYNC`).
    pub fn datasync(mut self) -> Fsync {
        self.flags |= IORING_FSYNC_DATASYNC;
        self
    }
}

// SAFETY: an fsync carries no address.
unsafe impl Operation for Fsync {
    type Output = io::Result<()>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        prep::fsync(sqe, self.target.raw(), self.flags);
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<()> {
        cqe_result(cqe).map(drop)
    }
}

/// A timer (`IORING_OP_TIMEOUT`) that owns its timespec: completes with `Ok(())` when
/// it expires, or when `count` other completions have arrived first.
#[doc(alias = "io_uring_prep_timeout")]
#[derive(Debug)]
pub struct Timeout {
    ts: __kernel_timespec,
    count: u32,
}

impl Timeout {
    /// Expire after `after`.
    pub fn new(after: Duration) -> Timeout {
        Timeout {
            ts: __kernel_timespec {
                tv_sec: i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
                tv_nsec: i64::from(after.subsec_nanos()),
            },
            count: 0,
        }
    }

    /// Also complete once `count` other completions have been posted.
    pub fn count(mut self, count: u32) -> Timeout {
        self.count = count;
        self
    }
}

// SAFETY: the timespec is an inline field of the operation, which does not move while in
// flight; the kernel only reads it.
unsafe impl Operation for Timeout {
    type Output = io::Result<()>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        prep::timeout(sqe, &self.ts, self.count, 0);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<()> {
        match cqe.res() {
            r if r == -libc::ETIME => Ok(()),
            _ => cqe_result(cqe).map(drop),
        }
    }
}

/// Accept one connection (`IORING_OP_ACCEPT`, close-on-exec); gives back the new
/// socket.
#[doc(alias = "io_uring_prep_accept")]
#[derive(Debug)]
pub struct Accept {
    target: Target,
}

impl Accept {
    /// Accept on listening socket `listener`.
    pub fn new(listener: impl Into<Target>) -> Accept {
        Accept {
            target: listener.into(),
        }
    }
}

/// The descriptor a successful accept/open installed.
fn owned_fd(cqe: &Cqe) -> io::Result<OwnedFd> {
    let fd = cqe_result(cqe)?;
    // SAFETY: the kernel just installed descriptor `fd` for this request and nobody
    // else knows it: it is open and ours to own (the CQE came from our own request,
    // matched by the driver's user_data key).
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

// SAFETY: no address: the peer address is not asked for.
unsafe impl Operation for Accept {
    type Output = io::Result<OwnedFd>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let flags = libc::SOCK_CLOEXEC;
        prep::accept(
            sqe,
            self.target.raw(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            flags,
        );
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<OwnedFd> {
        owned_fd(cqe)
    }
}

/// Accept connections until cancelled or failed (`IORING_ACCEPT_MULTISHOT`, Linux
/// 5.19). Each completion carries the new socket as [`Payload::Fd`] (see
/// [`super::Done::take_fd`]); the final one's output is its error, if any.
#[doc(alias = "io_uring_prep_multishot_accept")]
#[derive(Debug)]
pub struct AcceptMulti {
    target: Target,
}

impl AcceptMulti {
    /// Accept on listening socket `listener`.
    pub fn new(listener: impl Into<Target>) -> AcceptMulti {
        AcceptMulti {
            target: listener.into(),
        }
    }
}

// SAFETY: no address; multishot is reported.
unsafe impl Operation for AcceptMulti {
    type Output = io::Result<()>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let flags = libc::SOCK_CLOEXEC;
        prep::multishot_accept(
            sqe,
            self.target.raw(),
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            flags,
        );
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<()> {
        // A successful final completion carried a descriptor, taken as payload.
        cqe_result(cqe).map(drop)
    }
    fn payload(&self, cqe: &Cqe) -> Payload {
        match owned_fd(cqe) {
            Ok(fd) => Payload::Fd(fd),
            Err(_) => Payload::None,
        }
    }
    fn multishot(&self) -> bool {
        true
    }
}

/// `recv(2)` into an owned buffer (`IORING_OP_RECV`). Gives back `(bytes, buffer)`;
/// 0 bytes means the peer closed.
#[doc(alias = "io_uring_prep_recv")]
#[derive(Debug)]
pub struct Recv<B> {
    target: Target,
    buf: B,
    flags: i32,
}

impl<B: IoBufMut> Recv<B> {
    /// Receive from `socket` into `buf` (up to its [`IoBuf::bytes_total`]).
    pub fn new(socket: impl Into<Target>, buf: B) -> Recv<B> {
        Recv {
            target: socket.into(),
            buf,
            flags: 0,
        }
    }
}

// SAFETY: the address is `buf`'s, owned by the operation (IoBufMut).
unsafe impl<B: IoBufMut> Operation for Recv<B> {
    type Output = (io::Result<u32>, B);
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let len = self.buf.bytes_total().min(u32::MAX as usize);
        prep::recv(
            sqe,
            self.target.raw(),
            self.buf.stable_mut_ptr().cast(),
            len,
            self.flags,
        );
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> Self::Output {
        filled(cqe, self.buf)
    }
}

/// Receive until cancelled, failed or end of stream, each chunk into a buffer the
/// kernel picks from a [`BufRing`] (`IORING_RECV_MULTISHOT` + `IOSQE_BUFFER_SELECT`,
/// Linux 6.0). Each completion with data carries a [`BufGuard`] as
/// [`Payload::Buffer`] (see [`super::Done::take_buffer`]), which returns the buffer to
/// the ring when dropped. The final completion's output is its error, if any (0 bytes
/// and no `more()`: the peer closed; `ENOBUFS`: the ring ran dry, submit it again).
#[doc(alias = "io_uring_prep_recv_multishot")]
#[derive(Debug)]
pub struct RecvMulti {
    target: Target,
    ring: BufRing,
}

impl RecvMulti {
    /// Receive from `socket` into buffers of `ring`.
    pub fn new(socket: impl Into<Target>, ring: &BufRing) -> RecvMulti {
        RecvMulti {
            target: socket.into(),
            ring: ring.clone(),
        }
    }
}

// SAFETY: the SQE holds no address (the kernel takes buffers from the ring, whose memory
// this operation keeps alive through its BufRing handle); multishot is reported; the
// payload only reads the CQE and the ring's bookkeeping, not buffer memory.
unsafe impl Operation for RecvMulti {
    type Output = io::Result<()>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        prep::recv_multishot(sqe, self.target.raw(), core::ptr::null_mut(), 0, 0);
        self.target.mark(sqe);
        sqe.flags |= IOSQE_BUFFER_SELECT;
        sqe.buf.buf_group = self.ring.group();
    }
    fn complete(self, cqe: &Cqe) -> io::Result<()> {
        cqe_result(cqe).map(drop)
    }
    fn payload(&self, cqe: &Cqe) -> Payload {
        self.ring.guard_for(cqe).map_or(Payload::None, Payload::Buffer)
    }
    fn multishot(&self) -> bool {
        true
    }
    fn buf_ring(&self) -> Option<&BufRing> {
        Some(&self.ring)
    }
}

/// `send(2)` of an owned buffer (`IORING_OP_SEND`, `MSG_NOSIGNAL`). Gives back
/// `(bytes sent, buffer)`; a short send is possible, resend the rest (for example with
/// [`IoBuf::slice`]).
#[doc(alias = "io_uring_prep_send")]
#[derive(Debug)]
pub struct Send<B> {
    target: Target,
    buf: B,
    flags: i32,
}

impl<B: IoBuf> Send<B> {
    /// Send `buf`'s initialised bytes on `socket`.
    pub fn new(socket: impl Into<Target>, buf: B) -> Send<B> {
        Send {
            target: socket.into(),
            buf,
            flags: libc::MSG_NOSIGNAL,
        }
    }
}

// SAFETY: the address is `buf`'s, owned by the operation (IoBuf).
unsafe impl<B: IoBuf> Operation for Send<B> {
    type Output = (io::Result<u32>, B);
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let len = self.buf.bytes_init().min(u32::MAX as usize);
        prep::send(sqe, self.target.raw(), self.buf.stable_ptr().cast(), len, self.flags);
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> Self::Output {
        (cqe_result(cqe), self.buf)
    }
}

/// Close a descriptor through the ring (`IORING_OP_CLOSE`). It takes the [`OwnedFd`],
/// so the descriptor cannot be used or closed twice.
#[doc(alias = "io_uring_prep_close")]
#[derive(Debug)]
pub struct Close {
    fd: Option<OwnedFd>,
}

impl Close {
    /// Close `fd`.
    pub fn new(fd: OwnedFd) -> Close {
        Close { fd: Some(fd) }
    }
}

// SAFETY: no address.
unsafe impl Operation for Close {
    type Output = io::Result<()>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        // From here on the kernel owns the descriptor: it is closed exactly once, by it.
        let fd = self.fd.take().map_or(-1, IntoRawFd::into_raw_fd);
        prep::close(sqe, fd);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<()> {
        cqe_result(cqe).map(drop)
    }
}

/// `openat(2)` relative to the working directory (`IORING_OP_OPENAT`, close-on-exec);
/// owns the path and gives back the new descriptor.
#[doc(alias = "io_uring_prep_openat")]
#[derive(Debug)]
pub struct OpenAt {
    path: CString,
    flags: i32,
    mode: u32,
}

impl OpenAt {
    /// Open `path` with `open(2)` `flags` (`O_CLOEXEC` is added) and `mode`. `EINVAL` if
    /// the path holds a NUL byte.
    pub fn new(path: impl AsRef<std::path::Path>, flags: i32, mode: u32) -> io::Result<OpenAt> {
        use std::os::unix::ffi::OsStrExt;
        let path = CString::new(path.as_ref().as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
        Ok(OpenAt {
            path,
            flags: flags | libc::O_CLOEXEC,
            mode,
        })
    }
}

// SAFETY: the path is a CString owned by the operation (its heap block does not move);
// the kernel only reads it.
unsafe impl Operation for OpenAt {
    type Output = io::Result<OwnedFd>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        prep::openat(sqe, libc::AT_FDCWD, self.path.as_ptr(), self.flags, self.mode);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<OwnedFd> {
        owned_fd(cqe)
    }
}

/// The socket address a [`Connect`] owns, in the kernel's layout.
#[repr(C)]
#[derive(Clone, Copy)]
union SockAddr {
    v4: libc::sockaddr_in,
    v6: libc::sockaddr_in6,
}

/// `connect(2)` to an address the operation owns (`IORING_OP_CONNECT`).
#[doc(alias = "io_uring_prep_connect")]
pub struct Connect {
    target: Target,
    addr: SockAddr,
    len: libc::socklen_t,
}

impl core::fmt::Debug for Connect {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Connect")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl Connect {
    /// Connect `socket` (a socket of the address's family) to `addr`.
    ///
    /// ```
    /// use uring::api::owned::{ops::{Connect, Socket}, Driver};
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let mut driver = Driver::new(4)?;
    /// driver.push(Socket::tcp_v4(), 0)?;
    /// let socket = driver.wait()?.output::<Socket>().unwrap()?;
    /// driver.push(Connect::new(&socket, listener.local_addr()?), 1)?;
    /// driver.wait()?.output::<Connect>().unwrap()?;
    /// assert!(listener.accept().is_ok());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn new(socket: impl Into<Target>, addr: std::net::SocketAddr) -> Connect {
        let (addr, len) = match addr {
            std::net::SocketAddr::V4(a) => (
                SockAddr {
                    v4: libc::sockaddr_in {
                        sin_family: libc::AF_INET as libc::sa_family_t,
                        sin_port: a.port().to_be(),
                        sin_addr: libc::in_addr {
                            s_addr: u32::from_ne_bytes(a.ip().octets()),
                        },
                        sin_zero: [0; 8],
                    },
                },
                core::mem::size_of::<libc::sockaddr_in>(),
            ),
            std::net::SocketAddr::V6(a) => (
                SockAddr {
                    v6: libc::sockaddr_in6 {
                        sin6_family: libc::AF_INET6 as libc::sa_family_t,
                        sin6_port: a.port().to_be(),
                        sin6_flowinfo: a.flowinfo().to_be(),
                        sin6_addr: libc::in6_addr {
                            s6_addr: a.ip().octets(),
                        },
                        sin6_scope_id: a.scope_id(),
                    },
                },
                core::mem::size_of::<libc::sockaddr_in6>(),
            ),
        };
        Connect {
            target: socket.into(),
            addr,
            len: len as libc::socklen_t,
        }
    }
}

// SAFETY: the address is an inline field of the operation, which does not move while in
// flight; the kernel only reads `len` bytes of it.
unsafe impl Operation for Connect {
    type Output = io::Result<()>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let addr = core::ptr::from_ref(&self.addr).cast::<libc::sockaddr>();
        prep::connect(sqe, self.target.raw(), addr, self.len);
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<()> {
        cqe_result(cqe).map(drop)
    }
}

/// `shutdown(2)` (`IORING_OP_SHUTDOWN`): `how` is `std::net::Shutdown`.
#[doc(alias = "io_uring_prep_shutdown")]
#[derive(Debug)]
pub struct Shutdown {
    target: Target,
    how: i32,
}

impl Shutdown {
    /// Shut down the read side, the write side or both of `socket`.
    pub fn new(socket: impl Into<Target>, how: std::net::Shutdown) -> Shutdown {
        let how = match how {
            std::net::Shutdown::Read => libc::SHUT_RD,
            std::net::Shutdown::Write => libc::SHUT_WR,
            std::net::Shutdown::Both => libc::SHUT_RDWR,
        };
        Shutdown {
            target: socket.into(),
            how,
        }
    }
}

// SAFETY: no address.
unsafe impl Operation for Shutdown {
    type Output = io::Result<()>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        prep::shutdown(sqe, self.target.raw(), self.how);
        self.target.mark(sqe);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<()> {
        cqe_result(cqe).map(drop)
    }
}

/// A deadline for the operation pushed just before it with [`super::Options::link`]
/// (`IORING_OP_LINK_TIMEOUT`); owns its timespec. The output is `Ok(true)` if the
/// deadline passed (the linked operation is then cancelled, `ECANCELED`), `Ok(false)`
/// if the operation finished first.
///
/// ```
/// use std::time::Duration;
/// use uring::api::owned::{ops::{LinkTimeout, Recv}, Driver, Options};
/// let (socket, _peer) = std::os::unix::net::UnixStream::pair()?;
/// let mut driver = Driver::new(4)?;
/// driver.push_with(Recv::new(&socket, Vec::with_capacity(16)), 1, Options::new().link())?;
/// driver.push(LinkTimeout::new(Duration::from_millis(10)), 2)?;
/// for _ in 0..2 {
///     let done = driver.wait()?;
///     match done.tag() {
///         1 => assert_eq!(done.result().unwrap_err().raw_os_error(), Some(libc::ECANCELED)),
///         _ => assert!(done.output::<LinkTimeout>().unwrap()?), // the deadline passed
///     }
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
#[doc(alias = "io_uring_prep_link_timeout")]
#[derive(Debug)]
pub struct LinkTimeout {
    ts: __kernel_timespec,
}

impl LinkTimeout {
    /// Cancel the linked operation if it has not completed after `after`.
    pub fn new(after: Duration) -> LinkTimeout {
        LinkTimeout {
            ts: Timeout::new(after).ts,
        }
    }
}

// SAFETY: the timespec is an inline field of the operation, which does not move while in
// flight; the kernel only reads it.
unsafe impl Operation for LinkTimeout {
    type Output = io::Result<bool>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        prep::link_timeout(sqe, &self.ts, 0);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<bool> {
        match cqe.res() {
            r if r == -libc::ETIME => Ok(true),
            r if r == -libc::ECANCELED || r == -libc::EALREADY || r >= 0 => Ok(false),
            _ => cqe_result(cqe).map(|_| false),
        }
    }
}

/// `socket(2)` through the ring (`IORING_OP_SOCKET`, Linux 5.19, close-on-exec); gives
/// back the new socket.
#[doc(alias = "io_uring_prep_socket")]
#[derive(Debug)]
pub struct Socket {
    domain: i32,
    kind: i32,
    protocol: i32,
}

impl Socket {
    /// A socket of `domain` (`libc::AF_INET`, ...), `kind` (`libc::SOCK_STREAM`, ...)
    /// and `protocol`.
    pub fn new(domain: i32, kind: i32, protocol: i32) -> Socket {
        Socket {
            domain,
            kind: kind | libc::SOCK_CLOEXEC,
            protocol,
        }
    }

    /// An IPv4 TCP socket.
    pub fn tcp_v4() -> Socket {
        Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0)
    }
}

// SAFETY: no address.
unsafe impl Operation for Socket {
    type Output = io::Result<OwnedFd>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        prep::socket(sqe, self.domain, self.kind, self.protocol, 0);
    }
    fn complete(self, cqe: &Cqe) -> io::Result<OwnedFd> {
        owned_fd(cqe)
    }
}

/// `statx(2)` of a path (`IORING_OP_STATX`): owns the path and the buffer the kernel
/// fills, and gives back a copy of it.
///
/// ```
/// use uring::api::owned::{ops::Statx, Driver};
/// let mut driver = Driver::new(4)?;
/// driver.push(Statx::new("Cargo.toml")?, 0)?;
/// let stat = driver.wait()?.output::<Statx>().unwrap()?;
/// assert_eq!(stat.stx_size, std::fs::metadata("Cargo.toml")?.len());
/// # Ok::<(), std::io::Error>(())
/// ```
#[doc(alias = "io_uring_prep_statx")]
pub struct Statx {
    path: CString,
    /// A heap `statx` the kernel writes: reached only through this raw pointer (never a
    /// reference) until the completion, and freed in Drop.
    buf: core::ptr::NonNull<libc::statx>,
}

// SAFETY: the heap buffer is owned by the operation alone (like a Box), and is touched
// only by the kernel while in flight and by `complete` afterwards.
unsafe impl core::marker::Send for Statx {}

impl core::fmt::Debug for Statx {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Statx")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Statx {
    /// Stat `path` (relative to the working directory), following symlinks, asking for
    /// the basic fields (`STATX_BASIC_STATS`). `InvalidInput` if the path holds a NUL.
    pub fn new(path: impl AsRef<std::path::Path>) -> io::Result<Statx> {
        use std::os::unix::ffi::OsStrExt;
        let path = CString::new(path.as_ref().as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))?;
        // SAFETY: statx is plain integers: all zeroes is a valid value.
        let zeroed: libc::statx = unsafe { core::mem::zeroed() };
        let buf = core::ptr::NonNull::from(Box::leak(Box::new(zeroed)));
        Ok(Statx { path, buf })
    }
}

impl Drop for Statx {
    fn drop(&mut self) {
        // SAFETY: `buf` came from Box::leak in `new` and is freed only here; the driver
        // drops an operation only after its completion, so the kernel is done with it.
        drop(unsafe { Box::from_raw(self.buf.as_ptr()) });
    }
}

// SAFETY: the path is a CString and the output a heap block, both owned by the operation
// and stable while it is in flight; the kernel reads the one and writes the other.
unsafe impl Operation for Statx {
    type Output = io::Result<libc::statx>;
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        let mask = libc::STATX_BASIC_STATS;
        prep::statx(sqe, libc::AT_FDCWD, self.path.as_ptr(), 0, mask, self.buf.as_ptr());
    }
    fn complete(self, cqe: &Cqe) -> io::Result<libc::statx> {
        cqe_result(cqe)?;
        // SAFETY: the kernel filled the buffer and is done (this is the completion); it
        // is live until `self` drops at the end of this function.
        Ok(unsafe { self.buf.as_ptr().read() })
    }
}
