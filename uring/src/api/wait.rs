//! Waiting: for `n` completions, with timeouts (on every kernel), with a minimum wait,
//! and cancellable from another thread or a signal handler ([`WaitCanceller`]).
//!
//! Timed waits use `IORING_ENTER_EXT_ARG` where the kernel has it (5.11+), so the
//! kernel reads the timespec only during the call. Older kernels would need a timeout
//! SQE whose timespec outlives the call (liburing's way); instead these waits `ppoll`
//! the ring fd, which is readable while completions are ready, with the timeout as
//! `ppoll`'s own argument: nothing is left pointing at freed memory.

use core::time::Duration;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::prelude::rust_2021::*;
use std::sync::Arc;
use std::time::Instant;

use super::error::Error;
use super::op::timespec;
use super::{Completion, CompletionQueue, Ring};
use crate::cq;
use crate::errno::Errno;
use crate::ring::CompletionSide;
use crate::sys::*;

/// A handle that wakes a [`wait_cancellable`](CompletionQueue::wait_cancellable) blocked
/// in another thread, which then returns an [`Error`] with
/// [`is_cancelled`](Error::is_cancelled) (kind `Interrupted`).
///
/// It is an `eventfd`: `Clone` (the clones share it), `Send` and `Sync`. A cancel is
/// remembered until a cancellable wait consumes it: one made while no wait is blocked
/// makes the next cancellable wait that finds no completion ready return at once.
/// On `DEFER_TASKRUN` rings, whose fd cannot be polled for completions, the wait sleeps
/// in the kernel 10 ms at a time, so a cancel there is noticed within 10 ms.
/// [`cancel`](WaitCanceller::cancel) is a single `write(2)`, so it is
/// async-signal-safe: a signal handler may call it (reach the canceller through a
/// `static`, for example a `OnceLock<WaitCanceller>`).
///
/// ```
/// use std::time::Duration;
/// use uring::api::WaitCanceller;
///
/// let mut ring = uring::Ring::new(4)?;
/// let canceller = WaitCanceller::new()?;
/// let remote = canceller.clone();
/// let t = std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(20));
///     remote.cancel();
/// });
/// // Nothing was submitted: only the cancel can end this wait.
/// let err = ring.wait_cancellable(&canceller, None).unwrap_err();
/// assert!(err.is_cancelled());
/// assert_eq!(std::io::Error::from(err).kind(), std::io::ErrorKind::Interrupted);
/// t.join().unwrap();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct WaitCanceller {
    fd: Arc<OwnedFd>,
}

impl WaitCanceller {
    /// A new canceller (a non-blocking, close-on-exec eventfd).
    pub fn new() -> Result<WaitCanceller, Error> {
        // SAFETY: eventfd has no memory arguments; it returns a new fd or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(Error::os("WaitCanceller::new", Errno(last_errno())));
        }
        // SAFETY: `fd` is a fresh eventfd nothing else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(WaitCanceller { fd: Arc::new(fd) })
    }

    /// Wake the current (or next) cancellable wait. Async-signal-safe: one `write(2)`,
    /// no allocation, no lock. Cancelling twice before a wait consumes it is the same as
    /// once.
    pub fn cancel(&self) {
        let one: u64 = 1;
        // SAFETY: writes 8 bytes from a live local to our eventfd. The only failure that
        // can happen, EAGAIN (counter at its maximum), means a cancel is pending anyway.
        let _ = unsafe { libc::write(self.fd.as_raw_fd(), (&one as *const u64).cast(), 8) };
    }

    /// Consume a pending cancel; whether there was one.
    pub fn take(&self) -> bool {
        let mut count: u64 = 0;
        // SAFETY: reads at most 8 bytes into a live local from our non-blocking eventfd.
        let n = unsafe { libc::read(self.fd.as_raw_fd(), (&mut count as *mut u64).cast(), 8) };
        n == 8 && count > 0
    }
}

impl AsRawFd for WaitCanceller {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

/// What woke a `ppoll` on the ring fd.
enum Wake {
    Ring,
    Cancelled,
    TimedOut,
}

/// Sleep until the ring fd is readable (completions, or work to flush), `cancel_fd` is
/// readable, or `deadline` passes. A signal only makes the caller look again.
fn poll_ring(ring_fd: RawFd, cancel_fd: Option<RawFd>, deadline: Option<Instant>) -> Result<Wake, Errno> {
    let mut fds = [
        libc::pollfd {
            fd: ring_fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            fd: cancel_fd.unwrap_or(-1),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    let ts = match deadline {
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(Wake::TimedOut);
            }
            let ts = timespec(left);
            Some(libc::timespec {
                tv_sec: ts.tv_sec as libc::time_t,
                tv_nsec: ts.tv_nsec as libc::c_long,
            })
        }
        None => None,
    };
    let ts_ptr = ts.as_ref().map_or(core::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `fds` is a live local array of 2 pollfds (a negative fd is ignored by the
    // kernel); `ts_ptr` is NULL or a live local timespec; no signal mask is passed.
    let n = unsafe { libc::ppoll(fds.as_mut_ptr(), 2, ts_ptr, core::ptr::null()) };
    if n < 0 {
        let e = last_errno();
        return if e == libc::EINTR {
            Ok(Wake::Ring)
        } else {
            Err(Errno(e))
        };
    }
    if fds[1].revents & libc::POLLIN != 0 {
        return Ok(Wake::Cancelled);
    }
    if n == 0 {
        return Ok(Wake::TimedOut);
    }
    Ok(Wake::Ring)
}

/// Sleep, by polling the ring fd, until `wait_nr` completions are ready, the canceller
/// fires or the deadline passes.
fn poll_until_ready(
    side: &mut CompletionSide<'_>,
    wait_nr: u32,
    cancel: Option<&WaitCanceller>,
    deadline: Option<Instant>,
    op: &'static str,
) -> Result<(), Error> {
    let ring = side.ring();
    let wait_nr = wait_nr.max(1);
    // DEFER_TASKRUN rings post completions only when someone enters the kernel, and
    // IOPOLL rings only when someone polls: their fd never becomes readable by itself.
    let enter_only = ring.flags() & (IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_IOPOLL) != 0;
    if enter_only && ring.features() & IORING_FEAT_EXT_ARG != 0 {
        return wait_in_slices(side, wait_nr, cancel, deadline, op);
    }
    let ring_fd = ring.ring_fd();
    if ring_fd < 0 {
        // A REGISTERED_FD_ONLY ring has no fd to poll.
        return Err(Error::os(op, Errno::EBADF));
    }
    loop {
        // peek_cqe flushes overflowed completions and pending task work when the ring
        // flags say so, and skips filler CQEs.
        match side.peek_cqe().into_result() {
            Ok(_) if cq::cq_ready(ring) >= wait_nr => return Ok(()),
            Ok(_) | Err(Errno::EAGAIN) => {}
            Err(e) => return Err(Error::os(op, e)),
        }
        // With some but not enough completions ready the ring fd stays readable, so
        // polling it would spin: look again every PARTIAL_TICK instead.
        let partial = cq::cq_ready(ring) > 0;
        let (fd, until) = if partial {
            let tick = Instant::now() + PARTIAL_TICK;
            (-1, Some(deadline.map_or(tick, |d| d.min(tick))))
        } else {
            (ring_fd, deadline)
        };
        match poll_ring(fd, cancel.map(|c| c.as_raw_fd()), until).map_err(|e| Error::os(op, e))? {
            Wake::Cancelled => {
                if cancel.is_some_and(|c| c.take()) {
                    return Err(Error::cancelled(op));
                }
            }
            Wake::TimedOut => {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return Err(Error::os(op, Errno(libc::ETIME)));
                }
            }
            Wake::Ring => {
                // Readable without a visible CQE means work the kernel runs only on
                // enter (task work, overflow): run it, then look again.
                if cq::cq_ready(ring) == 0 {
                    crate::submit::get_events(ring).map_err(|e| Error::os(op, e))?;
                }
            }
        }
    }
}

/// How often a polling wait for several completions looks again once some are ready.
const PARTIAL_TICK: Duration = Duration::from_millis(1);

/// How long a DEFER_TASKRUN wait sleeps in the kernel before it looks at the canceller.
const CANCEL_SLICE: Duration = Duration::from_millis(10);

/// [`poll_until_ready`] for DEFER_TASKRUN rings, whose fd does not become readable
/// until someone enters the kernel to run the deferred completions: wait in the kernel
/// in slices of [`CANCEL_SLICE`], looking at the canceller between them.
fn wait_in_slices(
    side: &mut CompletionSide<'_>,
    wait_nr: u32,
    cancel: Option<&WaitCanceller>,
    deadline: Option<Instant>,
    op: &'static str,
) -> Result<(), Error> {
    let ring = side.ring();
    loop {
        match side.peek_cqe().into_result() {
            Ok(_) if cq::cq_ready(ring) >= wait_nr => return Ok(()),
            Ok(_) | Err(Errno::EAGAIN) => {}
            Err(e) => return Err(Error::os(op, e)),
        }
        if cancel.is_some_and(|c| c.take()) {
            return Err(Error::cancelled(op));
        }
        let mut slice = if cancel.is_some() { CANCEL_SLICE } else { Duration::MAX };
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::os(op, Errno(libc::ETIME)));
            }
            slice = slice.min(left);
        }
        let ts = timespec(slice);
        // SAFETY: ENTER-ARG: with EXT_ARG (checked by the caller) the kernel reads the
        // local `ts` only during the call, so no timeout SQE is queued and neither
        // SQ-OWNER nor SQE-MEM is needed; no sigmask.
        let waited = unsafe { side.wait_cqes(wait_nr, &ts, core::ptr::null()) };
        match waited.result {
            Ok(_) | Err(Errno::ETIME) | Err(Errno::EINTR) => {}
            Err(e) => return Err(Error::os(op, e)),
        }
    }
}

/// [`poll_until_ready`], then the first completion as a guard.
pub(super) fn wait_polling<'a>(
    mut side: CompletionSide<'a>,
    flags: u32,
    cancel: Option<&WaitCanceller>,
    deadline: Option<Instant>,
    op: &'static str,
) -> Result<Completion<'a>, Error> {
    poll_until_ready(&mut side, 1, cancel, deadline, op)?;
    match Completion::peek_from(side, flags) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(Error::os(op, Errno::EAGAIN)),
        Err(e) => Err(Error::os(op, e)),
    }
}

fn wait_nr_on(mut side: CompletionSide<'_>, flags: u32, wait_nr: u32) -> Result<Completion<'_>, Error> {
    let waited = side.wait_cqe_nr(wait_nr);
    Completion::from_waited(side, waited, flags).map_err(|e| Error::os("wait_nr", e))
}

fn wait_min_timeout_on(
    mut side: CompletionSide<'_>,
    flags: u32,
    wait_nr: u32,
    min_wait: Duration,
    timeout: Option<Duration>,
) -> Result<Completion<'_>, Error> {
    const OP: &str = "wait_min_timeout";
    if side.ring().features() & IORING_FEAT_MIN_TIMEOUT == 0 {
        return Err(Error::os(OP, Errno::EOPNOTSUPP));
    }
    let ts = timeout.map(timespec);
    let ts_ptr = ts.as_ref().map_or(core::ptr::null(), |t| t as *const __kernel_timespec);
    // SAFETY: ENTER-ARG: `ts_ptr` is NULL or a live local read only during the call
    // (MIN_TIMEOUT implies EXT_ARG, so no timeout SQE is queued); no sigmask.
    let waited = unsafe { side.wait_cqes_min_timeout(wait_nr, ts_ptr, min_wait_usec(min_wait), core::ptr::null()) };
    Completion::from_waited(side, waited, flags).map_err(|e| Error::os(OP, e))
}

fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    // A timeout too large to add is no timeout.
    timeout.and_then(|t| Instant::now().checked_add(t))
}

fn min_wait_usec(min_wait: Duration) -> u32 {
    u32::try_from(min_wait.as_micros()).unwrap_or(u32::MAX)
}

impl CompletionQueue<'_> {
    /// Wait until `wait_nr` completions are ready; returns the first.
    #[doc(alias = "io_uring_wait_cqe_nr")]
    pub fn wait_nr(&mut self, wait_nr: u32) -> Result<Completion<'_>, Error> {
        let flags = self.flags;
        wait_nr_on(self.reborrow(), flags, wait_nr)
    }

    /// Wait for the next completion, at most `timeout` (`None`: no limit), unless
    /// `canceller` fires first, in which case the result is an error with
    /// [`Error::is_cancelled`]. A completion already ready is returned without looking
    /// at the canceller. Works on every kernel (it `ppoll`s the ring fd); a time-out is
    /// an error with [`Error::is_timeout`].
    pub fn wait_cancellable(
        &mut self,
        canceller: &WaitCanceller,
        timeout: Option<Duration>,
    ) -> Result<Completion<'_>, Error> {
        let flags = self.flags;
        let deadline = deadline_after(timeout);
        wait_polling(self.reborrow(), flags, Some(canceller), deadline, "wait_cancellable")
    }

    /// Wait for `wait_nr` completions: once `min_wait` has passed, settle for at least
    /// one; give up after `timeout` (`None`: no limit). Needs
    /// `IORING_FEAT_MIN_TIMEOUT` (Linux 6.12); `EOPNOTSUPP` otherwise.
    #[doc(alias = "io_uring_wait_cqes_min_timeout")]
    pub fn wait_min_timeout(
        &mut self,
        wait_nr: u32,
        min_wait: Duration,
        timeout: Option<Duration>,
    ) -> Result<Completion<'_>, Error> {
        let flags = self.flags;
        wait_min_timeout_on(self.reborrow(), flags, wait_nr, min_wait, timeout)
    }
}

impl Ring {
    /// [`CompletionQueue::wait_nr`] on the whole ring.
    #[doc(alias = "io_uring_wait_cqe_nr")]
    pub fn wait_nr(&mut self, wait_nr: u32) -> Result<Completion<'_>, Error> {
        let cq = self.completion();
        wait_nr_on(cq.side, cq.flags, wait_nr)
    }

    /// [`CompletionQueue::wait_cancellable`] on the whole ring.
    pub fn wait_cancellable(
        &mut self,
        canceller: &WaitCanceller,
        timeout: Option<Duration>,
    ) -> Result<Completion<'_>, Error> {
        let cq = self.completion();
        wait_polling(
            cq.side,
            cq.flags,
            Some(canceller),
            deadline_after(timeout),
            "wait_cancellable",
        )
    }

    /// [`CompletionQueue::wait_min_timeout`] on the whole ring.
    #[doc(alias = "io_uring_wait_cqes_min_timeout")]
    pub fn wait_min_timeout(
        &mut self,
        wait_nr: u32,
        min_wait: Duration,
        timeout: Option<Duration>,
    ) -> Result<Completion<'_>, Error> {
        let cq = self.completion();
        wait_min_timeout_on(cq.side, cq.flags, wait_nr, min_wait, timeout)
    }

    /// Submit the pending entries and wait for `wait_nr` completions, at most
    /// `timeout`; returns how many entries were submitted (they stay submitted when the
    /// wait times out, which is an error with [`Error::is_timeout`]). Reap them with
    /// [`Ring::completions`] or [`Ring::peek`]. On kernels without EXT_ARG the wait
    /// `ppoll`s the ring fd: no timeout SQE, no timespec outliving the call.
    ///
    /// # Safety
    /// As for [`Submitter::push`](super::Submitter::push), for every pending entry.
    #[doc(alias = "io_uring_submit_and_wait_timeout")]
    pub unsafe fn submit_and_wait_timeout(&mut self, wait_nr: u32, timeout: Duration) -> Result<u32, Error> {
        const OP: &str = "submit_and_wait_timeout";
        let (mut sq, mut cq) = self.split();
        if sq.side.ring().features() & IORING_FEAT_EXT_ARG == 0 {
            // SAFETY: SQE-MEM for the pending entries is this function's contract.
            let n = unsafe { sq.side.submit() }.map_err(|e| Error::os(OP, e))?;
            poll_until_ready(&mut cq.side, wait_nr, None, deadline_after(Some(timeout)), OP)?;
            return Ok(n);
        }
        let ts = timespec(timeout);
        // SAFETY: ENTER-ARG: with EXT_ARG the kernel reads the local `ts` only during the
        // call, and no sigmask is passed; SQE-MEM for the pending entries is this
        // function's contract.
        let waited =
            unsafe { cq::submit_and_wait_timeout(&mut sq.side, &mut cq.side, wait_nr, &ts, core::ptr::null()) };
        timed_result(waited, wait_nr, OP)
    }

    /// Submit and wait for `wait_nr` completions, settling for fewer after `min_wait`
    /// and giving up after `timeout` (`None`: no limit); returns how many entries were
    /// submitted. Needs `IORING_FEAT_MIN_TIMEOUT`; `EOPNOTSUPP` otherwise.
    ///
    /// # Safety
    /// As for [`Submitter::push`](super::Submitter::push), for every pending entry.
    #[doc(alias = "io_uring_submit_and_wait_min_timeout")]
    pub unsafe fn submit_and_wait_min_timeout(
        &mut self,
        wait_nr: u32,
        min_wait: Duration,
        timeout: Option<Duration>,
    ) -> Result<u32, Error> {
        const OP: &str = "submit_and_wait_min_timeout";
        let (mut sq, mut cq) = self.split();
        if sq.side.ring().features() & IORING_FEAT_MIN_TIMEOUT == 0 {
            return Err(Error::os(OP, Errno::EOPNOTSUPP));
        }
        let ts = timeout.map(timespec);
        let ts_ptr = ts.as_ref().map_or(core::ptr::null(), |t| t as *const __kernel_timespec);
        // SAFETY: ENTER-ARG: `ts_ptr` is NULL or a live local read only during the call
        // (MIN_TIMEOUT implies EXT_ARG); SQE-MEM for the pending entries is this
        // function's contract.
        let waited = unsafe {
            cq::submit_and_wait_min_timeout(
                &mut sq.side,
                &mut cq.side,
                wait_nr,
                ts_ptr,
                min_wait_usec(min_wait),
                core::ptr::null(),
            )
        };
        timed_result(waited, wait_nr, OP)
    }
}

/// The submit count of a timed submit-and-wait. The core reports the count even when
/// the wait then timed out; a wait for completions that returns none timed out.
fn timed_result(waited: cq::Waited, wait_nr: u32, op: &'static str) -> Result<u32, Error> {
    let n = waited.result.map_err(|e| Error::os(op, e))?;
    if wait_nr > 0 && waited.cqe.is_none() {
        return Err(Error::os(op, Errno(libc::ETIME)));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::op;

    /// The path kernels without EXT_ARG take for timed waits, run on this kernel too.
    #[test]
    fn polling_wait_times_out_then_sees_a_late_completion() {
        let mut ring = Ring::new(4).expect("ring");
        let start = Instant::now();
        {
            let cq = ring.completion();
            let deadline = Instant::now() + Duration::from_millis(30);
            let err = wait_polling(cq.side, cq.flags, None, Some(deadline), "test").unwrap_err();
            assert!(err.is_timeout(), "{err:?}");
        }
        assert!(start.elapsed() >= Duration::from_millis(25));
        // A completion that arrives while the poll sleeps (a 20 ms timeout request).
        let ts = op::timespec(Duration::from_millis(20));
        let e = op::Timeout::new(&ts).build().user_data(9);
        // SAFETY: `ts` outlives the wait below, which reaps the timeout's completion.
        unsafe { ring.push(&e) }.unwrap();
        // SAFETY: SQE-MEM: the pending timeout's `ts` outlives the wait that reaps it.
        unsafe { ring.submit() }.unwrap();
        let cq = ring.completion();
        let deadline = Instant::now() + Duration::from_secs(5);
        let c = wait_polling(cq.side, cq.flags, None, Some(deadline), "test").expect("the timeout's completion");
        assert_eq!(c.user_data(), 9);
        assert_eq!(c.res(), -libc::ETIME);
    }

    /// Waiting for two when one is ready: the ring fd stays readable, and the wait must
    /// neither spin forever nor return early.
    #[test]
    fn polling_wait_for_two_with_one_ready() {
        let mut ring = Ring::new(4).expect("ring");
        ring.push_safe(&op::Nop::new().build().user_data(1)).unwrap();
        let ts = op::timespec(Duration::from_millis(30));
        let e = op::Timeout::new(&ts).build().user_data(2);
        // SAFETY: `ts` outlives the wait, which reaps the timeout's completion.
        unsafe { ring.push(&e) }.unwrap();
        // SAFETY: SQE-MEM: the pending NOP references nothing; the timeout's `ts` outlives its reaping.
        unsafe { ring.submit() }.unwrap();
        let start = Instant::now();
        {
            let mut cq = ring.completion();
            let deadline = Some(Instant::now() + Duration::from_secs(5));
            poll_until_ready(&mut cq.side, 2, None, deadline, "test").expect("two completions");
        }
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(20),
            "returned before the second: {waited:?}"
        );
        assert!(waited < Duration::from_secs(4));
        assert_eq!(ring.cq_ready(), 2);
        // And a deadline before the second arrives is an ETIME, not a spin: one NOP
        // ready (the partial path), a 300 ms timeout pending, 5 ms to wait.
        assert_eq!(ring.completions().count(), 2);
        ring.push_safe(&op::Nop::new().build().user_data(4)).unwrap();
        let ts2 = op::timespec(Duration::from_millis(300));
        let e = op::Timeout::new(&ts2).build().user_data(3);
        // SAFETY: `ts2` outlives the completions reaped below.
        unsafe { ring.push(&e) }.unwrap();
        // SAFETY: SQE-MEM: the pending NOP references nothing; `ts2` outlives the timeout's reaping.
        unsafe { ring.submit() }.unwrap();
        {
            let mut cq = ring.completion();
            let start = Instant::now();
            let deadline = Some(start + Duration::from_millis(5));
            let err = poll_until_ready(&mut cq.side, 2, None, deadline, "test");
            assert!(err.is_err_and(|e| e.is_timeout()), "{err:?}");
            assert!(start.elapsed() < Duration::from_millis(250), "{:?}", start.elapsed());
        }
        assert_eq!(ring.cq_ready(), 1, "the NOP, not the timeout");
        assert_eq!(ring.wait_nr(2).expect("both").user_data(), 4);
    }
}
