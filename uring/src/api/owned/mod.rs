//! The safe layer: operations that **own** their memory, so safe code cannot free or
//! move anything the kernel still uses.
//!
//! ```
//! use uring::api::owned::{ops::Read, Driver};
//!
//! let file = std::fs::File::open("Cargo.toml")?;
//! let mut driver = Driver::new(8)?;
//! // The buffer moves into the operation...
//! driver.push(Read::new(&file, Vec::with_capacity(64), 0), 1)?;
//! // ...and comes back with the completion.
//! let done = driver.wait()?;
//! assert_eq!(done.tag(), 1);
//! let (n, buf) = done.output::<Read<Vec<u8>>>().expect("a Read completed");
//! assert_eq!(n? as usize, buf.len());
//! assert!(buf.starts_with(b"[package]"));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # The rules
//!
//! 1. **An operation owns what the kernel touches.** [`Driver::push`] takes an
//!    [`Operation`] by value: its buffers ([`IoBuf`]/[`IoBufMut`]: `Vec<u8>`,
//!    `Box<[u8]>`, `String`, `&'static` data, [`FixedBuf`], [`BufGuard`], a [`Slice`] of
//!    any), its path, its timespec. The driver keeps it on the heap, in a table keyed by
//!    the SQE's `user_data`, until the **last** completion of that request has been
//!    reaped; only then does [`Done::output`] hand the resources back, as
//!    `(io::Result<u32>, B)` for I/O. Borrowed buffers (`&mut [u8]`, a non-`'static`
//!    `&[u8]`) are refused at compile time (see `tests/compile_fail/owned_*.rs`).
//! 2. **Nothing is freed early.** A completion nobody claims ([`Done`] dropped without
//!    [`Done::output`]) drops its resources *after* the kernel is done with them.
//!    Dropping the [`Driver`] with requests in flight cancels them all
//!    (`IORING_OP_ASYNC_CANCEL`) and waits for every last completion (up to
//!    [`DRAIN_LIMIT`]); what still has not completed then (a request the kernel cannot
//!    cancel and that does not finish) is **leaked on purpose**, never freed.
//! 3. **Registered memory outlives its registration.** Fixed buffers ([`FixedBufPool`])
//!    and buffer rings ([`BufRing`]) are reference counted; the driver's registration
//!    holds one reference and gives it up only after unregistering (or tearing the ring
//!    down), and every [`FixedBuf`], [`BufGuard`] and operation using them holds one too.
//!    An operation selecting from a [`BufRing`] is refused (`InvalidInput`) by every
//!    driver but the one the ring is registered with.
//! 4. **One submitter, one reaper.** [`Driver::split`] gives a [`SubmitHalf`] and a
//!    [`ReapHalf`], each `Send` and neither `Sync` nor `Clone` (liburing's threading
//!    contract), sharing the operation table behind a mutex. The driver stays borrowed
//!    while they live, so it cannot be dropped under them.
//! 5. **The raw ring stays private.** The driver never gives out an SQE or `&mut Ring`,
//!    so no unsafe `submit` contract is left for safe code to break: every SQE in the
//!    ring was written by an [`Operation::prepare`] whose memory the table owns. This is
//!    why submitting is safe here and `unsafe` on [`crate::Ring`].
//!
//! **Keys.** Completions are matched to operations by the key in `user_data`: a slot
//! index and a 44-bit random nonce drawn for each operation. A CQE whose key is not
//! that of an operation in flight is ignored, so a stale `user_data` cannot free memory
//! twice. Keys are not secrets (the kernel shows pending CQEs' `user_data` in
//! `/proc/self/fdinfo`), so safety must not rest on them: what protects the table is
//! that a CQE cannot be *forged* from safe code. `MSG_RING` posts a CQE with any
//! `user_data` and result into any ring whose fd one knows, and every way to send one
//! is `unsafe` with that in its contract: [`crate::register::misc::register_sync_msg`],
//! and [`crate::Ring::submit`] (whose SQEs may carry `IORING_OP_MSG_RING`). As a second
//! line, results are clamped to what the operation asked for before they become buffer
//! lengths.
//!
//! # Which layer?
//!
//! [`crate::Ring`] and [`crate::prep`] are the raw layer: no allocation, no table, any
//! opcode, but `unsafe` submission. The driver costs one heap allocation and a table
//! entry per operation (measured in `docs/performance.md`, "Safe layer overhead"), and
//! covers the common operations in [`ops`]; more can be added outside the crate by
//! implementing the `unsafe` trait [`Operation`].

use std::any::TypeId;
use std::fmt;
use std::io;
use std::os::fd::OwnedFd;
use std::prelude::rust_2021::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::api::{CompletionQueue, Cqe, Ring, SetupError, Submitter, WaitCanceller};
use crate::errno::Errno;
use crate::prep;
use crate::sys::*;

mod buf;
mod buf_ring;
pub mod ops;
mod registry;

pub use buf::{IoBuf, IoBufMut, Slice};
pub use buf_ring::{BufGuard, BufRing};
pub use ops::{Operation, Payload, Target};
pub use registry::{FixedBuf, FixedBufPool, Personality, RegistrationError, Restriction};

/// How long dropping a [`Driver`] waits for cancelled requests to complete before it
/// leaks their memory instead.
pub const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// Bits of a key that name the slot; the other 44 are a random nonce.
const INDEX_BITS: u32 = 20;
const INDEX_MASK: u64 = (1 << INDEX_BITS) - 1;
/// Slots that can exist: the all-ones index is never used (see INTERNAL).
const MAX_SLOTS: usize = INDEX_MASK as usize;

/// `user_data` of the driver's own requests (cancellations): never a table key, since
/// its slot index (all ones) is never allocated.
const INTERNAL: u64 = u64::MAX;

/// Identifies one operation while it is in flight, for [`Driver::cancel`]. Opaque: the
/// key it holds is never shown (see the module docs, "keys").
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct OpId(u64);

impl fmt::Debug for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OpId(..)")
    }
}

/// The type-erased operation the table keeps.
trait Erased: Send {
    fn prepare(&mut self, sqe: &mut io_uring_sqe);
    fn payload(&self, cqe: &Cqe) -> Payload;
    /// The concrete operation type, to hand it back typed.
    fn op_type(&self) -> TypeId;
    fn discard(self: Box<Self>, cqe: &Cqe);
}

impl<O: Operation> Erased for O {
    fn prepare(&mut self, sqe: &mut io_uring_sqe) {
        Operation::prepare(self, sqe)
    }
    fn payload(&self, cqe: &Cqe) -> Payload {
        Operation::payload(self, cqe)
    }
    fn op_type(&self) -> TypeId {
        TypeId::of::<O>()
    }
    fn discard(self: Box<Self>, cqe: &Cqe) {
        // The output owns the resources (buffers, descriptors): dropping it frees them,
        // now that the kernel is done.
        drop(O::complete(*self, cqe));
    }
}

struct Entry {
    tag: u64,
    /// `op.multishot()`, asked once at push.
    multishot: bool,
    op: Box<dyn Erased>,
}

struct Slot {
    /// The key of the operation in the slot (0 when empty).
    key: u64,
    entry: Option<Entry>,
}

/// The operations in flight, keyed by `user_data` = nonce << 20 | slot, where the nonce
/// is 44 random bits drawn for each operation.
struct Table {
    slots: Vec<Slot>,
    free: Vec<u32>,
    live: usize,
    /// splitmix64 state, seeded from the process's random hash keys.
    rng: u64,
}

impl Default for Table {
    fn default() -> Table {
        use std::hash::{BuildHasher, Hasher};
        Table {
            slots: Vec::new(),
            free: Vec::new(),
            live: 0,
            rng: std::collections::hash_map::RandomState::new().build_hasher().finish(),
        }
    }
}

impl Table {
    /// A slot is free or can be added.
    #[inline]
    fn has_room(&self) -> bool {
        !self.free.is_empty() || self.slots.len() < MAX_SLOTS
    }

    /// A fresh non-zero 44-bit nonce (splitmix64).
    #[inline]
    fn nonce(&mut self) -> u64 {
        self.rng = self.rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> INDEX_BITS).max(1)
    }

    /// Store `op` and return its key and a reference to it in its final place. The
    /// caller checked [`Table::has_room`].
    #[inline]
    fn insert(&mut self, tag: u64, multishot: bool, op: Box<dyn Erased>) -> (u64, &mut dyn Erased) {
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot { key: 0, entry: None });
                (self.slots.len() - 1) as u32
            }
        };
        let key = self.nonce() << INDEX_BITS | u64::from(index);
        let slot = &mut self.slots[index as usize];
        slot.key = key;
        self.live += 1;
        let entry = slot.entry.insert(Entry { tag, multishot, op });
        (key, &mut *entry.op)
    }

    /// Match a completion to its operation. The `Done` (and the operation) see the
    /// completion with the operation's tag in place of the key, so no key leaks out.
    #[inline]
    fn complete(&mut self, mut cqe: Cqe) -> Option<Done> {
        let key = cqe.user_data();
        let index = (key & INDEX_MASK) as u32;
        let slot = self.slots.get_mut(index as usize)?;
        if slot.key != key || key == 0 {
            return None;
        }
        let entry = slot.entry.as_ref()?;
        let tag = entry.tag;
        cqe.user_data = tag;
        if !entry.multishot {
            let entry = slot.entry.take()?;
            return Some(self.retire(index, key, tag, cqe, entry.op, Payload::None));
        }
        let payload = entry.op.payload(&cqe);
        if cqe.more() {
            return Some(Done {
                tag,
                key,
                cqe,
                op: None,
                payload,
            });
        }
        let entry = slot.entry.take()?;
        Some(self.retire(index, key, tag, cqe, entry.op, payload))
    }

    /// The operation in slot `index` completed for the last time: free the slot.
    #[inline]
    fn retire(&mut self, index: u32, key: u64, tag: u64, cqe: Cqe, op: Box<dyn Erased>, payload: Payload) -> Done {
        // The slot's next operation gets a new nonce, so a stale key never matches it.
        self.slots[index as usize].key = 0;
        self.free.push(index);
        self.live -= 1;
        Done {
            tag,
            key,
            cqe,
            op: Some(op),
            payload,
        }
    }

    fn keys(&self) -> Vec<u64> {
        self.slots.iter().filter(|s| s.entry.is_some()).map(|s| s.key).collect()
    }
}

/// SQE flags and personality for [`Driver::push_with`].
///
/// ```
/// use uring::api::owned::{ops::Nop, Driver, Options};
/// let mut driver = Driver::new(4)?;
/// driver.push_with(Nop, 1, Options::new().link())?; // the next push runs after this one
/// driver.push(Nop, 2)?;
/// assert_eq!(driver.wait()?.tag(), 1);
/// assert_eq!(driver.wait()?.tag(), 2);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    flags: u8,
    personality: u16,
}

impl Options {
    /// No flags.
    pub fn new() -> Options {
        Options::default()
    }
    /// The next operation pushed starts only after this one succeeds
    /// (`IOSQE_IO_LINK`).
    pub fn link(mut self) -> Options {
        self.flags |= IOSQE_IO_LINK;
        self
    }
    /// As [`Options::link`], but the chain continues even if this one fails
    /// (`IOSQE_IO_HARDLINK`).
    pub fn hard_link(mut self) -> Options {
        self.flags |= IOSQE_IO_HARDLINK;
        self
    }
    /// Start only after everything pushed before has completed (`IOSQE_IO_DRAIN`).
    pub fn drain(mut self) -> Options {
        self.flags |= IOSQE_IO_DRAIN;
        self
    }
    /// Go straight to a worker thread (`IOSQE_ASYNC`).
    pub fn force_async(mut self) -> Options {
        self.flags |= IOSQE_ASYNC;
        self
    }
    /// Run with a registered personality's credentials.
    pub fn personality(mut self, personality: Personality) -> Options {
        self.personality = personality.id();
        self
    }
}

/// An operation [`Driver::push`] could not queue, given back with the reason (the SQ
/// stayed full, or the submit that would have made room failed). Converts to
/// `io::Error`, so `?` works; the operation is then dropped, which is safe since the
/// kernel never saw it.
///
/// ```
/// use uring::api::owned::{ops::Write, Driver, Rejected};
/// # let file = std::fs::File::create("/tmp/uring-doc-rejected")?;
/// let mut driver = Driver::new(4)?;
/// match driver.push(Write::new(&file, b"data".to_vec(), 0), 0) {
///     Ok(_) => {}
///     // Keep the buffer to try again later.
///     Err(Rejected { error, op }) => eprintln!("not queued ({error}); {op:?} kept"),
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Rejected<O> {
    /// Why.
    pub error: io::Error,
    /// The operation, untouched.
    pub op: O,
}

impl<O> fmt::Debug for Rejected<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejected")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

impl<O> fmt::Display for Rejected<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "operation not queued: {}", self.error)
    }
}

impl<O> std::error::Error for Rejected<O> {}

impl<O> From<Rejected<O>> for io::Error {
    fn from(r: Rejected<O>) -> io::Error {
        r.error
    }
}

fn io_err(e: Errno) -> io::Error {
    io::Error::from_raw_os_error(e.0)
}

/// One reaped completion: the tag given at push, the result, and (on the operation's
/// last completion) the operation itself, whose resources [`Done::output`] hands back.
/// Dropping a `Done` unclaimed drops them (the kernel is finished with them).
#[must_use = "a completion carries the operation's buffers; claim them with output()"]
pub struct Done {
    tag: u64,
    key: u64,
    cqe: Cqe,
    op: Option<Box<dyn Erased>>,
    payload: Payload,
}

impl fmt::Debug for Done {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Done")
            .field("tag", &self.tag)
            .field("cqe", &self.cqe)
            .field("last", &self.op.is_some())
            .field("payload", &self.payload)
            .finish()
    }
}

impl Done {
    /// The tag given to [`Driver::push`].
    #[inline]
    pub fn tag(&self) -> u64 {
        self.tag
    }
    /// The operation's id.
    pub fn id(&self) -> OpId {
        OpId(self.key)
    }
    /// The completion, with the operation's tag as its `user_data` (the key the driver
    /// put there stays private).
    pub fn cqe(&self) -> Cqe {
        self.cqe
    }
    /// The result: bytes, a descriptor number, or 0; the error as `io::Error`.
    #[inline]
    pub fn result(&self) -> io::Result<u32> {
        ops::cqe_result(&self.cqe)
    }
    /// The operation is still in flight: a multishot operation will complete again.
    #[inline]
    pub fn more(&self) -> bool {
        self.op.is_none()
    }
    /// The operation is of type `O` (and this is its last completion).
    #[inline]
    pub fn is<O: Operation>(&self) -> bool {
        self.op.as_ref().is_some_and(|op| op.op_type() == TypeId::of::<O>())
    }
    /// The provided buffer this completion filled ([`ops::RecvMulti`]).
    ///
    /// ```
    /// use std::io::Write;
    /// use uring::api::owned::{ops::RecvMulti, Driver};
    /// let (socket, mut peer) = std::os::unix::net::UnixStream::pair()?;
    /// let mut driver = Driver::new(8)?;
    /// let ring = driver.register_buf_ring(1, 4, 256)?;
    /// driver.push(RecvMulti::new(&socket, &ring), 7)?;
    /// peer.write_all(b"hello")?;
    /// let mut done = driver.wait()?;
    /// assert!(done.more()); // the receive stays armed
    /// let buf = done.take_buffer().expect("a filled buffer");
    /// assert_eq!(&*buf, b"hello");
    /// assert_eq!(ring.available(), 3);
    /// drop(buf); // back to the ring
    /// assert_eq!(ring.available(), 4);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn take_buffer(&mut self) -> Option<BufGuard> {
        match std::mem::take(&mut self.payload) {
            Payload::Buffer(b) => Some(b),
            other => {
                self.payload = other;
                None
            }
        }
    }
    /// The descriptor this completion installed ([`ops::AcceptMulti`]).
    ///
    /// ```
    /// use uring::api::owned::{ops::AcceptMulti, Driver};
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let mut driver = Driver::new(8)?;
    /// driver.push(AcceptMulti::new(&listener), 0)?;
    /// driver.submit()?;
    /// let _client = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// let mut done = driver.wait()?;
    /// let socket: std::os::fd::OwnedFd = done.take_fd().expect("a connection");
    /// assert!(done.more());
    /// # drop(socket);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn take_fd(&mut self) -> Option<OwnedFd> {
        match std::mem::take(&mut self.payload) {
            Payload::Fd(fd) => Some(fd),
            other => {
                self.payload = other;
                None
            }
        }
    }
    /// The operation's output (its result and resources), if this is the last
    /// completion of an operation of type `O`; otherwise the `Done` back.
    #[inline]
    pub fn output<O: Operation>(mut self) -> Result<O::Output, Done> {
        let Some(op) = self.op.take_if(|op| op.op_type() == TypeId::of::<O>()) else {
            return Err(self);
        };
        // SAFETY: the box holds an `O` (its type id is O's: `Erased` is implemented only
        // by the blanket impl for operations, whose `op_type` is their own type), so the
        // data pointer of the `dyn Erased` box is a `Box<O>` allocation.
        let op = unsafe { Box::from_raw(Box::into_raw(op).cast::<O>()) };
        Ok(op.complete(&self.cqe))
    }
}

impl Drop for Done {
    #[inline]
    fn drop(&mut self) {
        if let Some(op) = self.op.take() {
            op.discard(&self.cqe);
        }
    }
}

static NEXT_DRIVER: AtomicU64 = AtomicU64::new(1);

/// A ring plus the table of operations in flight: the safe layer's entry point. See the
/// [module docs](self) for the rules it keeps.
///
/// `Send` but not `Sync`; [`Driver::split`] for two threads.
pub struct Driver {
    // Field order matters for Drop: the table is drained in `Drop::drop`, then the ring
    // is torn down, then the registrations' memory is released (if no one else holds it).
    ring: Ring,
    table: Mutex<Table>,
    enters: AtomicU64,
    /// Unique in the process: buffer rings remember the driver they belong to.
    id: u64,
    buf_rings: Vec<BufRing>,
    fixed: Option<FixedBufPool>,
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver")
            .field("fd", &self.ring.fd())
            .field("in_flight", &self.in_flight())
            .field("enters", &self.enter_count())
            .finish()
    }
}

impl Driver {
    /// A driver on a new ring of `entries` SQEs.
    ///
    /// ```
    /// let driver = uring::api::owned::Driver::new(16)?;
    /// assert_eq!(driver.in_flight(), 0);
    /// # Ok::<(), uring::SetupError>(())
    /// ```
    #[doc(alias = "io_uring_queue_init")]
    pub fn new(entries: u32) -> Result<Driver, SetupError> {
        Driver::with_builder(Ring::builder(entries))
    }

    /// A driver on a ring set up by `builder` (SQPOLL, `R_DISABLED`, CQ size, ...).
    ///
    /// The driver builds the ring itself rather than taking a [`Ring`]: a ring that
    /// safe code has used could hold prepared SQEs pointing at memory the driver does not
    /// own, or requests in flight whose `user_data` could collide with its keys.
    ///
    /// ```
    /// use uring::api::owned::Driver;
    /// let driver = Driver::with_builder(uring::Ring::builder(8).cq_entries(64))?;
    /// assert_eq!(driver.ring().params().cq_entries, 64);
    /// # Ok::<(), uring::SetupError>(())
    /// ```
    pub fn with_builder(builder: crate::Builder) -> Result<Driver, SetupError> {
        let mut ring = builder.build()?;
        // Checked mode (URING_CHECK=1, include/uring/ext.h) discards a whole batch when
        // one SQE breaks a rule, behind the driver's back: its table would keep those
        // operations in flight forever. The driver's SQEs are written by its operations,
        // so it turns the check off for its own ring.
        ring.set_checked(false);
        Ok(Driver {
            ring,
            table: Mutex::new(Table::default()),
            enters: AtomicU64::new(0),
            id: NEXT_DRIVER.fetch_add(1, Ordering::Relaxed),
            buf_rings: Vec::new(),
            fixed: None,
        })
    }

    /// The ring, read-only (parameters, features, fd).
    pub fn ring(&self) -> &Ring {
        &self.ring
    }

    /// Operations pushed and not yet completed for the last time.
    pub fn in_flight(&self) -> usize {
        self.table.lock().unwrap_or_else(PoisonError::into_inner).live
    }

    /// How many times this driver (and its halves) called `io_uring_enter(2)`.
    ///
    /// ```
    /// use uring::api::owned::{ops::Nop, Driver};
    /// let mut driver = Driver::new(64)?;
    /// for tag in 0..32 {
    ///     driver.push(Nop, tag)?;
    /// }
    /// driver.submit_and_wait(32)?; // one enter for 32 operations
    /// while let Some(done) = driver.peek()? {
    ///     done.result()?;
    /// }
    /// assert_eq!(driver.enter_count(), 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn enter_count(&self) -> u64 {
        self.enters.load(Ordering::Relaxed)
    }

    /// Queue `op` with a `tag` of your choice (it comes back in [`Done::tag`]). The SQE
    /// is submitted by the next [`Driver::submit`] or wait, or now if the SQ is full.
    ///
    /// ```
    /// use uring::api::owned::{ops::Nop, Driver};
    /// let mut driver = Driver::new(2)?;
    /// for tag in 0..5 {
    ///     driver.push(Nop, tag)?; // a full SQ is submitted to make room
    /// }
    /// let mut tags: Vec<u64> = (0..5).map(|_| driver.wait().map(|d| d.tag())).collect::<Result<_, _>>()?;
    /// tags.sort();
    /// assert_eq!(tags, [0, 1, 2, 3, 4]);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "io_uring_get_sqe")]
    #[inline]
    pub fn push<O: Operation>(&mut self, op: O, tag: u64) -> Result<OpId, Rejected<O>> {
        self.push_with(op, tag, Options::new())
    }

    /// [`Driver::push`] with SQE flags (links, drain, async) and a personality.
    #[inline]
    pub fn push_with<O: Operation>(&mut self, op: O, tag: u64, options: Options) -> Result<OpId, Rejected<O>> {
        let table = self.table.get_mut().unwrap_or_else(PoisonError::into_inner);
        push_on(
            &mut self.ring.submitter(),
            table,
            &self.enters,
            self.id,
            op,
            tag,
            options,
        )
    }

    /// Ask the kernel to cancel operation `id` (`IORING_OP_ASYNC_CANCEL`). It then
    /// completes as usual, with `ECANCELED` if the cancellation won; its resources come
    /// back with that completion.
    ///
    /// ```
    /// use uring::api::owned::{ops::Recv, Driver};
    /// let (socket, _peer) = std::os::unix::net::UnixStream::pair()?;
    /// let mut driver = Driver::new(4)?;
    /// let id = driver.push(Recv::new(&socket, Vec::with_capacity(64)), 0)?; // nothing will come
    /// driver.submit()?;
    /// driver.cancel(id)?;
    /// let (res, buf) = driver.wait()?.output::<Recv<Vec<u8>>>().unwrap();
    /// assert_eq!(res.unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    /// assert_eq!(buf.capacity(), 64); // the buffer is back
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "io_uring_prep_cancel64")]
    pub fn cancel(&mut self, id: OpId) -> io::Result<()> {
        queue_cancel(&mut self.ring.submitter(), &self.enters, id.0, 0)
    }

    /// Submit the queued SQEs; returns how many the kernel took.
    #[doc(alias = "io_uring_submit")]
    pub fn submit(&mut self) -> io::Result<u32> {
        self.release_buf_rings();
        submit_on(&mut self.ring.submitter(), &self.enters, 0)
    }

    /// Submit and wait until at least `want` completions are ready.
    #[doc(alias = "io_uring_submit_and_wait")]
    pub fn submit_and_wait(&mut self, want: u32) -> io::Result<u32> {
        self.release_buf_rings();
        submit_on(&mut self.ring.submitter(), &self.enters, want)
    }

    /// The next completion if one is ready, without entering the kernel.
    #[doc(alias = "io_uring_peek_cqe")]
    pub fn peek(&mut self) -> io::Result<Option<Done>> {
        let table = self.table.get_mut().unwrap_or_else(PoisonError::into_inner);
        peek_on(&mut self.ring.completion(), table)
    }

    /// Every completion ready now, without entering the kernel. The CQ head moves past
    /// each completion before its [`Done`] is handed out, so forgetting the iterator
    /// (`mem::forget`) cannot make a completion come back a second time: a replayed
    /// multishot completion would hand out a buffer or fd twice.
    ///
    /// ```
    /// use uring::api::owned::{ops::Nop, Driver};
    /// let mut driver = Driver::new(16)?;
    /// for tag in 0..10 {
    ///     driver.push(Nop, tag)?;
    /// }
    /// driver.submit_and_wait(10)?;
    /// let tags: u64 = driver.ready().map(|done| done.tag()).sum();
    /// assert_eq!(tags, 45);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "io_uring_for_each_cqe")]
    #[inline]
    pub fn ready(&mut self) -> Ready<'_> {
        let table = self.table.get_mut().unwrap_or_else(PoisonError::into_inner);
        let cq = self.ring.completion();
        let left = cq.ready();
        Ready { cq, left, table }
    }

    /// Submit what is queued, then wait for the next completion. `WouldBlock` if
    /// nothing is in flight (the wait could never end).
    ///
    /// ```
    /// use uring::api::owned::Driver;
    /// let mut driver = Driver::new(4)?;
    /// let err = driver.wait().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "io_uring_wait_cqe")]
    pub fn wait(&mut self) -> io::Result<Done> {
        self.release_buf_rings();
        loop {
            let table = self.table.get_mut().unwrap_or_else(PoisonError::into_inner);
            let (mut sub, mut cq) = self.ring.split();
            if let Some(done) = peek_on(&mut cq, table)? {
                return Ok(done);
            }
            if table.live == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "nothing in flight to wait for",
                ));
            }
            if sub.sq_ready() > 0 {
                submit_on(&mut sub, &self.enters, 1)?;
            } else if let Some(done) = wait_on(&mut cq, table, &self.enters)? {
                return Ok(done);
            }
        }
    }

    /// Like [`Driver::wait`], giving up after `timeout` (`Ok(None)`). The timeout is
    /// passed to the kernel for the call only (`IORING_FEAT_EXT_ARG`, Linux 5.11; before
    /// that the ring fd is polled), so no timespec outlives it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use uring::api::owned::{ops::Timeout, Driver};
    /// let mut driver = Driver::new(4)?;
    /// driver.push(Timeout::new(Duration::from_secs(60)), 0)?;
    /// assert!(driver.wait_timeout(Duration::from_millis(10))?.is_none());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    #[doc(alias = "io_uring_wait_cqe_timeout")]
    pub fn wait_timeout(&mut self, timeout: Duration) -> io::Result<Option<Done>> {
        self.submit()?;
        let table = self.table.get_mut().unwrap_or_else(PoisonError::into_inner);
        wait_timeout_on(&mut self.ring.completion(), table, &self.enters, timeout)
    }

    /// Like [`Driver::wait`], but another thread or a signal handler can wake it with
    /// `canceller` ([`WaitCanceller::cancel`]): it then returns an error of kind
    /// `Interrupted` and leaves every operation in flight, as it was. A completion that
    /// is already there is returned without looking at the canceller.
    ///
    /// ```
    /// use uring::api::owned::{ops::Timeout, Driver};
    /// use uring::api::WaitCanceller;
    /// use std::time::Duration;
    ///
    /// let mut driver = Driver::new(4)?;
    /// driver.push(Timeout::new(Duration::from_secs(60)), 0)?;
    /// let canceller = WaitCanceller::new()?;
    /// let remote = canceller.clone();
    /// std::thread::spawn(move || remote.cancel());
    /// let err = driver.wait_cancellable(&canceller).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::Interrupted);
    /// assert_eq!(driver.in_flight(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait_cancellable(&mut self, canceller: &WaitCanceller) -> io::Result<Done> {
        self.submit()?;
        let table = self.table.get_mut().unwrap_or_else(PoisonError::into_inner);
        let mut cq = self.ring.completion();
        loop {
            if let Some(done) = peek_on(&mut cq, table)? {
                return Ok(done);
            }
            if table.live == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    "nothing in flight to wait for",
                ));
            }
            let completion = cq.wait_cancellable(canceller, None).map_err(io::Error::from)?;
            let cqe = completion.cqe();
            completion.seen();
            if let Some(done) = table.complete(cqe) {
                return Ok(done);
            }
        }
    }

    /// Split into a submitting half and a reaping half for two threads (see the
    /// [module docs](self), rule 4). The halves share the operation table; the driver
    /// stays borrowed until both are gone.
    ///
    /// ```
    /// use uring::api::owned::{ops::Nop, Driver};
    /// let mut driver = Driver::new(8)?;
    /// let (mut submit, mut reap) = driver.split();
    /// std::thread::scope(|s| {
    ///     s.spawn(move || {
    ///         for tag in 0..100 {
    ///             submit.push(Nop, tag).unwrap();
    ///             submit.submit().unwrap();
    ///         }
    ///     });
    ///     let mut sum = 0;
    ///     for _ in 0..100 {
    ///         sum += reap.wait().unwrap().tag();
    ///     }
    ///     assert_eq!(sum, 4950);
    /// });
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn split(&mut self) -> (SubmitHalf<'_>, ReapHalf<'_>) {
        let (sub, cq) = self.ring.split();
        let shared = Shared {
            table: &self.table,
            enters: &self.enters,
            driver: self.id,
        };
        (SubmitHalf { sub, shared }, ReapHalf { cq, shared })
    }

    /// Cancel everything in flight and wait (up to `limit`) until it has all completed,
    /// dropping the outputs. Returns how many operations are still in flight (0 unless
    /// some could not be cancelled in time).
    pub fn cancel_all(&mut self, limit: Duration) -> io::Result<usize> {
        let keys = self.table.get_mut().unwrap_or_else(PoisonError::into_inner).keys();
        for key in keys {
            queue_cancel(&mut self.ring.submitter(), &self.enters, key, 0)?;
        }
        let deadline = Instant::now() + limit;
        loop {
            submit_on(&mut self.ring.submitter(), &self.enters, 0)?;
            let table = self.table.get_mut().unwrap_or_else(PoisonError::into_inner);
            if table.live == 0 {
                return Ok(0);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(table.live);
            }
            let mut cq = self.ring.completion();
            drop(wait_timeout_on(&mut cq, table, &self.enters, left)?);
        }
    }

    /// Unregister buffer rings that nothing but the registration holds any more.
    fn release_buf_rings(&mut self) {
        if self.buf_rings.is_empty() {
            return;
        }
        let ring = self.ring.as_ring_ref();
        self.buf_rings.retain(|br| {
            if std::sync::Arc::strong_count(&br.shared) > 1 {
                return true;
            }
            // Only the registration is left: no operation can select from it and no
            // guard reads it. If the kernel refuses, keep it (and its memory) registered.
            crate::buf_ring::unregister_buf_ring(ring, i32::from(br.group())).is_err()
        });
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let left = if self.table.get_mut().unwrap_or_else(PoisonError::into_inner).live == 0 {
            0
        } else {
            self.cancel_all(DRAIN_LIMIT).unwrap_or(usize::MAX)
        };
        if left != 0 {
            // The kernel may still write into what these operations own: leak it all,
            // and the registered memory too, rather than free it under the kernel.
            let table = std::mem::take(self.table.get_mut().unwrap_or_else(PoisonError::into_inner));
            std::mem::forget(table);
            std::mem::forget(std::mem::take(&mut self.buf_rings));
            std::mem::forget(self.fixed.take());
            return;
        }
        // Nothing is in flight: unregister explicitly so the memory is released now,
        // not after the kernel's deferred ring teardown.
        let ring = self.ring.as_ring_ref();
        for br in self.buf_rings.drain(..) {
            if crate::buf_ring::unregister_buf_ring(ring, i32::from(br.group())).is_err() {
                // Still registered for the kernel: the ring teardown frees it later, after
                // the memory would be gone; keep the memory instead.
                std::mem::forget(br);
            }
        }
        if let Some(pool) = self.fixed.take() {
            if crate::register::buffers::unregister_buffers(ring).is_err() {
                std::mem::forget(pool);
            }
        }
    }
}

/// The completions ready when [`Driver::ready`] was called, matched to their
/// operations.
pub struct Ready<'a> {
    cq: CompletionQueue<'a>,
    /// CQEs that were ready when the iterator was made and are not yet consumed.
    left: u32,
    table: &'a mut Table,
}

impl Iterator for Ready<'_> {
    type Item = Done;

    #[inline]
    fn next(&mut self) -> Option<Done> {
        while self.left > 0 {
            // Consumed (the CQ head moved) before the Done exists: see Driver::ready.
            let cqe = match self.cq.peek() {
                Ok(Some(c)) => {
                    let cqe = c.cqe();
                    c.seen();
                    cqe
                }
                Ok(None) | Err(_) => return None,
            };
            self.left -= 1;
            if let Some(done) = self.table.complete(cqe) {
                return Some(done);
            }
        }
        None
    }
}

/// What both halves share.
#[derive(Clone, Copy)]
struct Shared<'r> {
    table: &'r Mutex<Table>,
    enters: &'r AtomicU64,
    driver: u64,
}

impl Shared<'_> {
    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The submitting half of a split [`Driver`]: `Send`, not `Sync`, not `Clone`.
pub struct SubmitHalf<'r> {
    sub: Submitter<'r>,
    shared: Shared<'r>,
}

impl SubmitHalf<'_> {
    /// As [`Driver::push`].
    #[inline]
    pub fn push<O: Operation>(&mut self, op: O, tag: u64) -> Result<OpId, Rejected<O>> {
        self.push_with(op, tag, Options::new())
    }
    /// As [`Driver::push_with`].
    #[inline]
    pub fn push_with<O: Operation>(&mut self, op: O, tag: u64, options: Options) -> Result<OpId, Rejected<O>> {
        let mut table = self.shared.table();
        push_on(
            &mut self.sub,
            &mut table,
            self.shared.enters,
            self.shared.driver,
            op,
            tag,
            options,
        )
    }
    /// As [`Driver::cancel`].
    pub fn cancel(&mut self, id: OpId) -> io::Result<()> {
        queue_cancel(&mut self.sub, self.shared.enters, id.0, 0)
    }
    /// As [`Driver::submit`].
    pub fn submit(&mut self) -> io::Result<u32> {
        submit_on(&mut self.sub, self.shared.enters, 0)
    }
    /// Submit and wait until `want` completions are ready (for the reaping half).
    pub fn submit_and_wait(&mut self, want: u32) -> io::Result<u32> {
        submit_on(&mut self.sub, self.shared.enters, want)
    }
}

/// The reaping half of a split [`Driver`]: `Send`, not `Sync`, not `Clone`.
pub struct ReapHalf<'r> {
    cq: CompletionQueue<'r>,
    shared: Shared<'r>,
}

impl ReapHalf<'_> {
    /// As [`Driver::peek`].
    pub fn peek(&mut self) -> io::Result<Option<Done>> {
        let mut table = self.shared.table();
        peek_on(&mut self.cq, &mut table)
    }

    /// Wait for the next completion. Unlike [`Driver::wait`] this blocks even when
    /// nothing is in flight yet, since the submitting half may be about to submit; use
    /// [`ReapHalf::wait_timeout`] if it may never do so.
    pub fn wait(&mut self) -> io::Result<Done> {
        loop {
            if let Some(done) = self.peek()? {
                return Ok(done);
            }
            // Block without the table lock, so the submitter can push meanwhile; then
            // match what arrived.
            let cqe = {
                let c = self.cq.wait().map_err(io_err)?;
                self.shared.enters.fetch_add(1, Ordering::Relaxed);
                let cqe = c.cqe();
                c.seen();
                cqe
            };
            if let Some(done) = self.shared.table().complete(cqe) {
                return Ok(done);
            }
        }
    }

    /// Wait at most `timeout` for the next completion (`Ok(None)` when it expires).
    pub fn wait_timeout(&mut self, timeout: Duration) -> io::Result<Option<Done>> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(done) = self.peek()? {
                return Ok(Some(done));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let cqe = match self.cq.wait_timeout(left) {
                Ok(c) => {
                    let cqe = c.cqe();
                    c.seen();
                    cqe
                }
                Err(Errno::ETIME) => return Ok(None),
                Err(e) => return Err(io_err(e)),
            };
            self.shared.enters.fetch_add(1, Ordering::Relaxed);
            if let Some(done) = self.shared.table().complete(cqe) {
                return Ok(Some(done));
            }
        }
    }

    /// Operations in flight.
    pub fn in_flight(&self) -> usize {
        self.shared.table().live
    }
}

/// Queue `op`: a table entry first, then the SQE written from it in its final place.
#[inline]
fn push_on<O: Operation>(
    sub: &mut Submitter<'_>,
    table: &mut Table,
    enters: &AtomicU64,
    driver: u64,
    op: O,
    tag: u64,
    options: Options,
) -> Result<OpId, Rejected<O>> {
    if op.buf_ring().is_some_and(|br| br.shared.driver != driver) {
        let error = io::Error::new(
            io::ErrorKind::InvalidInput,
            "the buffer ring is registered with another driver",
        );
        return Err(Rejected { error, op });
    }
    if sub.sq_space_left() == 0 {
        if let Err(error) = submit_on(sub, enters, 0) {
            return Err(Rejected { error, op });
        }
    }
    if sub.sq_space_left() == 0 {
        let error = io::Error::new(
            io::ErrorKind::WouldBlock,
            "submission queue full (the kernel took nothing)",
        );
        return Err(Rejected { error, op });
    }
    if !table.has_room() {
        let error = io::Error::new(io::ErrorKind::OutOfMemory, "operation table full");
        return Err(Rejected { error, op });
    }
    // Asked here, where the type is known, rather than through the box.
    let multishot = op.multishot();
    let (key, stored) = table.insert(tag, multishot, Box::new(op));
    // Space was checked above, so a slot is there; if not, the entry is unreachable and
    // harmless (it is drained or leaked with the rest).
    let Some(sqe) = sub.get_sqe() else {
        return Ok(OpId(key));
    };
    stored.prepare(sqe);
    sqe.user_data = key;
    sqe.flags |= options.flags;
    sqe.personality = options.personality;
    Ok(OpId(key))
}

fn queue_cancel(sub: &mut Submitter<'_>, enters: &AtomicU64, key: u64, flags: i32) -> io::Result<()> {
    if sub.sq_space_left() == 0 {
        submit_on(sub, enters, 0)?;
    }
    let sqe = sub
        .get_sqe()
        .ok_or_else(|| io::Error::new(io::ErrorKind::WouldBlock, "submission queue full"))?;
    prep::cancel64(sqe, key, flags);
    sqe.user_data = INTERNAL;
    Ok(())
}

fn submit_on(sub: &mut Submitter<'_>, enters: &AtomicU64, want: u32) -> io::Result<u32> {
    if sub.sq_ready() > 0 || want > 0 {
        enters.fetch_add(1, Ordering::Relaxed);
    }
    // SAFETY: SQE-MEM: every SQE in this ring was queued by `push_on` or `queue_cancel`
    // (the driver gives out no raw SQE and no `&mut Ring`): each points only into an
    // operation the table owns until its last completion (Operation's contract), or
    // nowhere.
    unsafe { sub.submit_and_wait(want) }.map_err(io_err)
}

fn peek_on(cq: &mut CompletionQueue<'_>, table: &mut Table) -> io::Result<Option<Done>> {
    loop {
        let cqe = match cq.peek().map_err(io_err)? {
            Some(c) => {
                let cqe = c.cqe();
                c.seen();
                cqe
            }
            None => return Ok(None),
        };
        if let Some(done) = table.complete(cqe) {
            return Ok(Some(done));
        }
    }
}

fn wait_on(cq: &mut CompletionQueue<'_>, table: &mut Table, enters: &AtomicU64) -> io::Result<Option<Done>> {
    let c = cq.wait().map_err(io_err)?;
    enters.fetch_add(1, Ordering::Relaxed);
    let cqe = c.cqe();
    c.seen();
    Ok(table.complete(cqe))
}

fn wait_timeout_on(
    cq: &mut CompletionQueue<'_>,
    table: &mut Table,
    enters: &AtomicU64,
    timeout: Duration,
) -> io::Result<Option<Done>> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(done) = peek_on(cq, table)? {
            return Ok(Some(done));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(None);
        }
        let cqe = match cq.wait_timeout(left) {
            Ok(c) => {
                let cqe = c.cqe();
                c.seen();
                cqe
            }
            Err(Errno::ETIME) => return Ok(None),
            Err(e) => return Err(io_err(e)),
        };
        enters.fetch_add(1, Ordering::Relaxed);
        if let Some(done) = table.complete(cqe) {
            return Ok(Some(done));
        }
    }
}
