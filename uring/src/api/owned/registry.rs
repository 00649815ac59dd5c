//! Registered resources as owned values: fixed buffers ([`FixedBufPool`] lending
//! [`FixedBuf`]s), registered files, buffer rings, eventfd, personalities, restrictions,
//! the ring fd, NAPI, the wait clock and io-wq settings. Each registration that the
//! running kernel lacks fails with a [`RegistrationError`] naming it and the Linux
//! version that added it.

use std::alloc::{self, Layout};
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::prelude::rust_2021::*;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, PoisonError};

use super::buf_ring::BufRing;
use super::Driver;
use crate::errno::Errno;
use crate::register;
use crate::sys::*;

/// A registration the kernel refused, with the operation and the kernel version that
/// introduced it. Wrapped in an `io::Error` whose kind follows the errno
/// (`Unsupported` when the kernel does not know the operation).
///
/// ```
/// # use uring::api::owned::{Driver, RegistrationError};
/// let mut driver = Driver::new(8)?;
/// if let Err(e) = driver.register_napi(50, false) {
///     let why = e.get_ref().and_then(|e| e.downcast_ref::<RegistrationError>());
///     println!("no NAPI busy polling: {e} ({:?})", why.map(|w| w.errno()));
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationError {
    what: &'static str,
    since: &'static str,
    errno: Errno,
}

impl RegistrationError {
    /// The registration that failed (e.g. `"NAPI busy polling"`).
    pub fn what(&self) -> &'static str {
        self.what
    }
    /// The raw error.
    pub fn errno(&self) -> Errno {
        self.errno
    }
    /// The first Linux version that has this registration.
    pub fn since(&self) -> &'static str {
        self.since
    }
    /// The error means "this kernel does not have it" (`EINVAL` for an unknown register
    /// opcode or flag, `EOPNOTSUPP`, `ENOSYS`), rather than a bad argument or a limit.
    pub fn is_unsupported(&self) -> bool {
        matches!(self.errno, Errno::EINVAL | Errno::EOPNOTSUPP | Errno::ENOSYS)
    }
}

impl fmt::Display for RegistrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "registering {} failed: {}", self.what, self.errno)?;
        if self.is_unsupported() {
            write!(f, " (it needs Linux {} or later; this kernel may lack it)", self.since)?;
        }
        Ok(())
    }
}

impl std::error::Error for RegistrationError {}

/// Wrap a register error.
pub(super) fn reg_err(what: &'static str, since: &'static str) -> impl Fn(Errno) -> io::Error {
    move |errno| {
        let e = RegistrationError { what, since, errno };
        let kind = if matches!(errno, Errno::EOPNOTSUPP | Errno::ENOSYS) {
            io::ErrorKind::Unsupported
        } else {
            io::Error::from_raw_os_error(errno.0).kind()
        };
        io::Error::new(kind, e)
    }
}

/// Registered buffers (`IORING_REGISTER_BUFFERS`): `count` page-aligned buffers of
/// `size` bytes, allocated and registered by [`Driver::register_buffers`]. The pool
/// lends them out as [`FixedBuf`]s for [`super::ops::ReadFixed`] and
/// [`super::ops::WriteFixed`]; a dropped `FixedBuf` comes back to the pool.
///
/// The memory is freed only when the pool, every `FixedBuf`, every operation holding
/// one, and the driver's registration are all gone, so the kernel never writes a
/// registered buffer that has been freed.
#[derive(Clone)]
pub struct FixedBufPool {
    shared: Arc<PoolShared>,
}

pub(super) struct PoolShared {
    mem: NonNull<u8>,
    layout: Layout,
    count: u16,
    size: usize,
    free: Mutex<Vec<u16>>,
}

// SAFETY: `mem` is a heap block owned by the pool; each buffer's bytes are touched only
// by the one FixedBuf that holds its index (the free list is under the Mutex).
unsafe impl Send for PoolShared {}
// SAFETY: as above.
unsafe impl Sync for PoolShared {}

impl Drop for PoolShared {
    fn drop(&mut self) {
        // SAFETY: allocated in `FixedBufPool::new` with this layout; the last holder is
        // gone, the driver's registration among them, so the kernel no longer uses it.
        unsafe { alloc::dealloc(self.mem.as_ptr(), self.layout) };
    }
}

impl fmt::Debug for FixedBufPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixedBufPool")
            .field("count", &self.shared.count)
            .field("size", &self.shared.size)
            .field("free", &self.available())
            .finish()
    }
}

impl FixedBufPool {
    fn new(count: u16, size: usize) -> io::Result<FixedBufPool> {
        let bad = || {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "fixed buffers: count and size must be non-zero and fit in memory",
            )
        };
        if count == 0 || size == 0 {
            return Err(bad());
        }
        let total = usize::from(count).checked_mul(size).ok_or_else(bad)?;
        let layout = Layout::from_size_align(total, 4096).map_err(|_| bad())?;
        // SAFETY: the layout has a non-zero size.
        let mem = NonNull::new(unsafe { alloc::alloc_zeroed(layout) })
            .ok_or_else(|| io::Error::from(io::ErrorKind::OutOfMemory))?;
        Ok(FixedBufPool {
            shared: Arc::new(PoolShared {
                mem,
                layout,
                count,
                size,
                free: Mutex::new((0..count).rev().collect()),
            }),
        })
    }

    fn iovecs(&self) -> Vec<libc::iovec> {
        (0..self.shared.count)
            .map(|i| libc::iovec {
                iov_base: self
                    .shared
                    .mem
                    .as_ptr()
                    .wrapping_add(usize::from(i) * self.shared.size)
                    .cast(),
                iov_len: self.shared.size,
            })
            .collect()
    }

    /// Borrow a free buffer (length 0, capacity [`FixedBufPool::buf_size`]), or `None`
    /// if all are lent out.
    pub fn take(&self) -> Option<FixedBuf> {
        let index = self.shared.free.lock().unwrap_or_else(PoisonError::into_inner).pop()?;
        Some(FixedBuf {
            pool: Arc::clone(&self.shared),
            index,
            len: 0,
        })
    }

    /// Buffers not lent out.
    pub fn available(&self) -> usize {
        self.shared.free.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Size of each buffer.
    pub fn buf_size(&self) -> usize {
        self.shared.size
    }

    /// Number of buffers.
    pub fn count(&self) -> u16 {
        self.shared.count
    }
}

/// One registered buffer, lent by a [`FixedBufPool`]. It derefs to its first
/// [`FixedBuf::len`] bytes; [`FixedBuf::set_len`] grows or shrinks that window within
/// the capacity (the memory starts zeroed, so every byte is always initialised).
/// Not `Clone`: one owner per buffer. Dropping it returns it to the pool.
pub struct FixedBuf {
    pool: Arc<PoolShared>,
    index: u16,
    len: usize,
}

impl fmt::Debug for FixedBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FixedBuf")
            .field("index", &self.index)
            .field("len", &self.len)
            .finish()
    }
}

impl FixedBuf {
    /// The registered buffer index (`sqe.buf_index`).
    pub fn index(&self) -> u16 {
        self.index
    }
    /// Bytes the buffer holds.
    pub fn capacity(&self) -> usize {
        self.pool.size
    }
    /// Bytes in use (what a write sends, what a read filled).
    pub fn len(&self) -> usize {
        self.len
    }
    /// No bytes in use.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Set the bytes in use, clamped to the capacity.
    pub fn set_len(&mut self, len: usize) {
        self.len = len.min(self.capacity());
    }
    /// Replace the contents with `data` (truncated to the capacity); returns the length.
    pub fn fill_from(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(self.capacity());
        self.set_len(n);
        self[..n].copy_from_slice(&data[..n]);
        n
    }
    pub(super) fn as_ptr(&self) -> *const u8 {
        self.pool
            .mem
            .as_ptr()
            .wrapping_add(usize::from(self.index) * self.pool.size)
    }
    pub(super) fn as_mut_ptr(&mut self) -> *mut u8 {
        self.pool
            .mem
            .as_ptr()
            .wrapping_add(usize::from(self.index) * self.pool.size)
    }
}

impl core::ops::Deref for FixedBuf {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: buffer `index` is `len <= size` initialised (zeroed at allocation)
        // bytes of the pool's block, kept alive by `pool`, and only this FixedBuf holds
        // the index; it is not in flight while `&self` is held.
        unsafe { core::slice::from_raw_parts(self.as_ptr(), self.len) }
    }
}

impl core::ops::DerefMut for FixedBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        let len = self.len;
        // SAFETY: as for Deref, and `&mut self` makes this the only access.
        unsafe { core::slice::from_raw_parts_mut(self.as_mut_ptr(), len) }
    }
}

impl Drop for FixedBuf {
    fn drop(&mut self) {
        self.pool
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(self.index);
    }
}

/// A personality id from [`Driver::register_personality`], for
/// [`super::Options::personality`]: requests carrying it run with the credentials the
/// registering task had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Personality(pub(super) u16);

impl Personality {
    /// The raw id (`sqe.personality`).
    pub fn id(self) -> u16 {
        self.0
    }
}

/// One restriction for a ring created with `IORING_SETUP_R_DISABLED` (see
/// [`Driver::register_restrictions`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restriction {
    /// Allow this `IORING_REGISTER_*` opcode.
    RegisterOp(u8),
    /// Allow this `IORING_OP_*` opcode in SQEs.
    SqeOp(u8),
    /// SQE flags (`IOSQE_*`) that may be set.
    SqeFlagsAllowed(u8),
    /// SQE flags that must be set.
    SqeFlagsRequired(u8),
}

impl Restriction {
    fn raw(self) -> io_uring_restriction {
        let (opcode, op) = match self {
            Restriction::RegisterOp(o) => (
                IORING_RESTRICTION_REGISTER_OP,
                io_uring_restriction_op { register_op: o },
            ),
            Restriction::SqeOp(o) => (IORING_RESTRICTION_SQE_OP, io_uring_restriction_op { sqe_op: o }),
            Restriction::SqeFlagsAllowed(f) => (
                IORING_RESTRICTION_SQE_FLAGS_ALLOWED,
                io_uring_restriction_op { sqe_flags: f },
            ),
            Restriction::SqeFlagsRequired(f) => (
                IORING_RESTRICTION_SQE_FLAGS_REQUIRED,
                io_uring_restriction_op { sqe_flags: f },
            ),
        };
        io_uring_restriction {
            opcode: opcode as u16,
            op,
            resv: 0,
            resv2: [0; 3],
        }
    }
}

impl Driver {
    /// Allocate `count` page-aligned buffers of `size` bytes and register them
    /// (`io_uring_register_buffers`); lend them with [`FixedBufPool::take`]. One pool per
    /// driver at a time (`EBUSY` otherwise, as the kernel answers).
    ///
    /// ```
    /// use uring::api::owned::{ops::WriteFixed, Driver};
    /// # let file = std::fs::File::create("/tmp/uring-doc-fixed")?;
    /// let mut driver = Driver::new(8)?;
    /// let pool = driver.register_buffers(4, 4096)?;
    /// let mut buf = pool.take().expect("4 free buffers");
    /// buf.fill_from(b"page one");
    /// driver.push(WriteFixed::new(&file, buf, 0), 0)?;
    /// let (written, buf) = driver.wait()?.output::<WriteFixed>().unwrap();
    /// assert_eq!(written?, 8);
    /// drop(buf); // back to the pool
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "io_uring_register_buffers")]
    pub fn register_buffers(&mut self, count: u16, size: usize) -> io::Result<FixedBufPool> {
        if self.fixed.is_some() {
            return Err(reg_err("fixed buffers", "5.1")(Errno::EBUSY));
        }
        let pool = FixedBufPool::new(count, size)?;
        let iovecs = pool.iovecs();
        // SAFETY: REG-ARG: the iovecs name the pool's block, which the driver keeps alive
        // (`self.fixed`) until it unregisters them or the ring is gone.
        unsafe { register::buffers::register_buffers(self.ring.as_ring_ref(), &iovecs) }
            .map_err(reg_err("fixed buffers", "5.1"))?;
        self.fixed = Some(pool.clone());
        Ok(pool)
    }

    /// Unregister the fixed buffers. Operations in flight keep theirs (the kernel holds
    /// a reference until they complete, and they hold the memory).
    #[doc(alias = "io_uring_unregister_buffers")]
    pub fn unregister_buffers(&mut self) -> io::Result<()> {
        register::buffers::unregister_buffers(self.ring.as_ring_ref()).map_err(reg_err("fixed buffers", "5.1"))?;
        self.fixed = None;
        Ok(())
    }

    /// Register files (`io_uring_register_files`); use them with
    /// [`super::ops::Target::Fixed`] and their index. `-1` entries are empty slots.
    ///
    /// ```
    /// use std::os::fd::AsRawFd;
    /// use uring::api::owned::{ops::{Read, Target}, Driver};
    /// let file = std::fs::File::open("Cargo.toml")?;
    /// let mut driver = Driver::new(4)?;
    /// driver.register_files(&[file.as_raw_fd()])?;
    /// driver.push(Read::new(Target::Fixed(0), Vec::with_capacity(9), 0), 0)?;
    /// let (_, buf) = driver.wait()?.output::<Read<Vec<u8>>>().unwrap();
    /// assert_eq!(buf, b"[package]");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "io_uring_register_files")]
    pub fn register_files(&mut self, fds: &[RawFd]) -> io::Result<()> {
        register::files::register_files(self.ring.as_ring_ref(), fds).map_err(reg_err("files", "5.1"))?;
        Ok(())
    }

    /// Register a table of `count` empty file slots (`io_uring_register_files_sparse`),
    /// filled with [`Driver::update_files`].
    #[doc(alias = "io_uring_register_files_sparse")]
    pub fn register_files_sparse(&mut self, count: u32) -> io::Result<()> {
        register::files::register_files_sparse(self.ring.as_ring_ref(), count)
            .map_err(reg_err("sparse files", "5.19"))?;
        Ok(())
    }

    /// Replace the registered files from slot `offset` on (`-1` empties a slot);
    /// returns how many were updated.
    #[doc(alias = "io_uring_register_files_update")]
    pub fn update_files(&mut self, offset: u32, fds: &[RawFd]) -> io::Result<u32> {
        let n = register::files::register_files_update(self.ring.as_ring_ref(), offset, fds)
            .map_err(reg_err("file update", "5.5"))?;
        Ok(n as u32)
    }

    /// Drop the registered file table.
    #[doc(alias = "io_uring_unregister_files")]
    pub fn unregister_files(&mut self) -> io::Result<()> {
        register::files::unregister_files(self.ring.as_ring_ref()).map_err(reg_err("files", "5.1"))?;
        Ok(())
    }

    /// Register a provided-buffer ring of `entries` (a power of two up to 32768)
    /// buffers of `buf_len` bytes as group `group`, all published. See [`BufRing`].
    ///
    /// ```
    /// use uring::api::owned::Driver;
    /// let mut driver = Driver::new(8)?;
    /// let ring = driver.register_buf_ring(7, 64, 4096)?;
    /// assert_eq!((ring.group(), ring.available()), (7, 64));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "io_uring_setup_buf_ring")]
    pub fn register_buf_ring(&mut self, group: u16, entries: u16, buf_len: u32) -> io::Result<BufRing> {
        self.add_buf_ring(group, entries, buf_len, false)
    }

    /// [`Driver::register_buf_ring`] with incremental consumption (`IOU_PBUF_RING_INC`,
    /// Linux 6.12): the kernel fills a buffer in several chunks, each completion
    /// carrying the next part of it (see [`super::BufGuard::offset`]).
    pub fn register_buf_ring_incremental(&mut self, group: u16, entries: u16, buf_len: u32) -> io::Result<BufRing> {
        self.add_buf_ring(group, entries, buf_len, true)
    }

    fn add_buf_ring(&mut self, group: u16, entries: u16, buf_len: u32, inc: bool) -> io::Result<BufRing> {
        let (what, since) = if inc {
            ("an incremental buffer ring", "6.12")
        } else {
            ("a buffer ring", "5.19")
        };
        let ring = BufRing::register(self.ring.as_ring_ref(), self.id, group, entries, buf_len, inc)
            .map_err(reg_err(what, since))?;
        self.buf_rings.push(ring.clone());
        Ok(ring)
    }

    /// Signal `eventfd` on every completion (`io_uring_register_eventfd`), or only on
    /// completions of requests that went async (`async_only`).
    #[doc(alias = "io_uring_register_eventfd")]
    pub fn register_eventfd(&mut self, eventfd: &impl AsFd, async_only: bool) -> io::Result<()> {
        let fd = eventfd.as_fd().as_raw_fd();
        let ring = self.ring.as_ring_ref();
        if async_only {
            register::misc::register_eventfd_async(ring, fd).map_err(reg_err("an async eventfd", "5.6"))?;
        } else {
            register::misc::register_eventfd(ring, fd).map_err(reg_err("an eventfd", "5.2"))?;
        }
        Ok(())
    }

    /// Stop signalling the eventfd.
    #[doc(alias = "io_uring_unregister_eventfd")]
    pub fn unregister_eventfd(&mut self) -> io::Result<()> {
        register::misc::unregister_eventfd(self.ring.as_ring_ref()).map_err(reg_err("an eventfd", "5.2"))?;
        Ok(())
    }

    /// Register the calling task's credentials (`io_uring_register_personality`).
    #[doc(alias = "io_uring_register_personality")]
    pub fn register_personality(&mut self) -> io::Result<Personality> {
        let id =
            register::misc::register_personality(self.ring.as_ring_ref()).map_err(reg_err("a personality", "5.6"))?;
        Ok(Personality(id as u16))
    }

    /// Forget a personality.
    #[doc(alias = "io_uring_unregister_personality")]
    pub fn unregister_personality(&mut self, personality: Personality) -> io::Result<()> {
        register::misc::unregister_personality(self.ring.as_ring_ref(), i32::from(personality.0))
            .map_err(reg_err("a personality", "5.6"))?;
        Ok(())
    }

    /// Restrict what the ring may do (`io_uring_register_restrictions`): only on a ring
    /// built with `IORING_SETUP_R_DISABLED` and not yet enabled (`EBADFD` otherwise);
    /// then [`Driver::enable`] it.
    ///
    /// ```
    /// use uring::api::owned::{ops::Nop, Driver, Restriction};
    /// use uring::sys::{IORING_OP_NOP, IORING_SETUP_R_DISABLED};
    /// let mut driver = Driver::with_builder(uring::Ring::builder(8).flags(IORING_SETUP_R_DISABLED))?;
    /// driver.register_restrictions(&[Restriction::SqeOp(IORING_OP_NOP)])?;
    /// driver.enable()?;
    /// driver.push(Nop, 0)?;
    /// assert!(driver.wait()?.result().is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "io_uring_register_restrictions")]
    pub fn register_restrictions(&mut self, restrictions: &[Restriction]) -> io::Result<()> {
        let raw: Vec<io_uring_restriction> = restrictions.iter().map(|r| r.raw()).collect();
        register::misc::register_restrictions(self.ring.as_ring_ref(), &raw)
            .map_err(reg_err("restrictions", "5.10"))?;
        Ok(())
    }

    /// Start a ring built with `IORING_SETUP_R_DISABLED` (`io_uring_enable_rings`).
    #[doc(alias = "io_uring_enable_rings")]
    pub fn enable(&mut self) -> io::Result<()> {
        register::ring_fd::enable_rings(self.ring.as_ring_ref()).map_err(reg_err("ring enabling", "5.10"))?;
        Ok(())
    }

    /// Register the ring fd with itself (`io_uring_register_ring_fd`), so entering skips
    /// the fd lookup. `EEXIST` if already done.
    #[doc(alias = "io_uring_register_ring_fd")]
    pub fn register_ring_fd(&mut self) -> io::Result<()> {
        // SAFETY: OWNED: `&mut self` holds the ring exclusively (no half, no guard), as
        // the exclusive group requires.
        let raw = unsafe { self.ring.as_raw_mut() };
        // SAFETY: the ring is set up (OWNED).
        unsafe { register::ring_fd::register_ring_fd(raw) }.map_err(reg_err("the ring fd", "5.18"))?;
        Ok(())
    }

    /// Undo [`Driver::register_ring_fd`].
    #[doc(alias = "io_uring_unregister_ring_fd")]
    pub fn unregister_ring_fd(&mut self) -> io::Result<()> {
        // SAFETY: OWNED, exclusively held (as above).
        let raw = unsafe { self.ring.as_raw_mut() };
        // SAFETY: the ring is set up (OWNED).
        unsafe { register::ring_fd::unregister_ring_fd(raw) }.map_err(reg_err("the ring fd", "5.18"))?;
        Ok(())
    }

    /// Busy-poll network receives for `busy_poll_us` microseconds
    /// (`io_uring_register_napi`, Linux 6.9).
    #[doc(alias = "io_uring_register_napi")]
    pub fn register_napi(&mut self, busy_poll_us: u32, prefer_busy_poll: bool) -> io::Result<()> {
        let mut napi = io_uring_napi {
            busy_poll_to: busy_poll_us,
            prefer_busy_poll: u8::from(prefer_busy_poll),
            pad: [0; 3],
            resv: 0,
        };
        register::misc::register_napi(self.ring.as_ring_ref(), &mut napi)
            .map_err(reg_err("NAPI busy polling", "6.9"))?;
        Ok(())
    }

    /// Stop NAPI busy polling.
    #[doc(alias = "io_uring_unregister_napi")]
    pub fn unregister_napi(&mut self) -> io::Result<()> {
        register::misc::unregister_napi(self.ring.as_ring_ref(), None).map_err(reg_err("NAPI busy polling", "6.9"))?;
        Ok(())
    }

    /// The clock for wait timeouts (`io_uring_register_clock`, Linux 6.12):
    /// `libc::CLOCK_MONOTONIC` or `libc::CLOCK_BOOTTIME`.
    #[doc(alias = "io_uring_register_clock")]
    pub fn register_clock(&mut self, clock_id: libc::clockid_t) -> io::Result<()> {
        let arg = io_uring_clock_register {
            clockid: clock_id as u32,
            __resv: [0; 3],
        };
        register::misc::register_clock(self.ring.as_ring_ref(), &arg).map_err(reg_err("a wait clock", "6.12"))?;
        Ok(())
    }

    /// Pin the ring's io-wq workers to `cpus` (`io_uring_register_iowq_aff`).
    #[doc(alias = "io_uring_register_iowq_aff")]
    pub fn set_iowq_affinity(&mut self, cpus: &[usize]) -> io::Result<()> {
        // SAFETY: cpu_set_t is a plain bit array; all zeroes is the empty set.
        let mut set: libc::cpu_set_t = unsafe { core::mem::zeroed() };
        for &cpu in cpus {
            if cpu >= libc::CPU_SETSIZE as usize {
                return Err(io::Error::new(io::ErrorKind::InvalidInput, "CPU number out of range"));
            }
            // SAFETY: `cpu < CPU_SETSIZE` (checked above), so the bit is inside `set`.
            unsafe { libc::CPU_SET(cpu, &mut set) };
        }
        register::misc::register_iowq_aff(self.ring.as_ring_ref(), &set).map_err(reg_err("io-wq affinity", "5.14"))?;
        Ok(())
    }

    /// Let io-wq workers run anywhere again.
    #[doc(alias = "io_uring_unregister_iowq_aff")]
    pub fn clear_iowq_affinity(&mut self) -> io::Result<()> {
        register::misc::unregister_iowq_aff(self.ring.as_ring_ref()).map_err(reg_err("io-wq affinity", "5.14"))?;
        Ok(())
    }

    /// Limit io-wq workers, `[bounded, unbounded]` (0 leaves a limit as it is); returns
    /// the previous limits (`io_uring_register_iowq_max_workers`).
    #[doc(alias = "io_uring_register_iowq_max_workers")]
    pub fn set_iowq_max_workers(&mut self, limits: [u32; 2]) -> io::Result<[u32; 2]> {
        let mut values = limits;
        register::misc::register_iowq_max_workers(self.ring.as_ring_ref(), &mut values)
            .map_err(reg_err("io-wq worker limits", "5.15"))?;
        Ok(values)
    }
}
