//! Registration wrappers on a real ring: every test checks an effect of the
//! registration (I/O through a registered buffer or file, an eventfd count, a refused
//! op, a canceled request, ...), not only the return value, plus the error paths.
//!
//! Features the kernel or machine lacks are skipped with a printed reason, after their
//! error path has been exercised (a negative errno, no crash).

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use std::fs::File;
use std::io::Write;
use std::os::fd::{AsRawFd, RawFd};
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU32, Ordering};

use libc::iovec;
use uring::register::{buffers, files, misc, ring_fd};
use uring::ring::{io_uring, CompletionSide, RingRef, SubmissionSide};
use uring::sys::*;
use uring::Errno;

// ---- a small test ring -------------------------------------------------------------------

/// A ring set up by [`Ring::try_new`].
///
/// Invariant **TEST-RING**: `self.0` is SET-UP (see [`io_uring`]) from `try_new` until
/// `Drop`, and the exclusive operations (ring-fd registration) only reach it through
/// `&mut self`.
struct Ring(io_uring);

impl Ring {
    fn try_new(entries: u32, flags: u32) -> Result<Ring, Errno> {
        let mut r = io_uring::zeroed();
        // SAFETY: a fresh ring struct nothing else refers to; on success it is SET-UP.
        unsafe { uring::setup::queue_init(entries, &mut r, flags) }?;
        Ok(Ring(r))
    }

    /// A shared handle, for register calls and queries.
    fn r(&self) -> RingRef<'_> {
        // SAFETY: TEST-RING: `self.0` is SET-UP while `self` is borrowed, and the shared
        // borrow keeps the exclusive operations (which need `&mut self`) away; the handle
        // only reads the struct.
        unsafe { RingRef::from_ptr(NonNull::from(&self.0)) }
    }

    /// Both sides of the ring; they borrow it exclusively.
    fn sides(&mut self) -> (SubmissionSide<'_>, CompletionSide<'_>) {
        // SAFETY: TEST-RING: `self.0` is SET-UP for the borrow, which is exclusive.
        let ring = unsafe { self.0.as_ring_ref() };
        // SAFETY: SQ-OWNER: the sides hold `&mut self`, and this is the only submission
        // side made from it.
        let sq = unsafe { SubmissionSide::new(ring) };
        // SAFETY: CQ-OWNER: as above, the only completion side.
        let cq = unsafe { CompletionSide::new(ring) };
        (sq, cq)
    }

    fn sq(&mut self) -> SubmissionSide<'_> {
        self.sides().0
    }

    fn cq(&mut self) -> CompletionSide<'_> {
        self.sides().1
    }

    fn sqe(&mut self) -> &mut io_uring_sqe {
        let sqe = self.sq().get_sqe().expect("SQ full");
        // SAFETY: SQ-OWNER: a slot just handed out is this ring's alone until it is
        // submitted, and the reference borrows `self` mutably, as submitting does.
        unsafe { &mut *sqe.as_ptr() }
    }

    /// Submit what is queued. The tests keep every buffer an SQE names alive until its
    /// completion has been reaped.
    fn submit(&mut self) -> u32 {
        // SAFETY: the queued SQEs name only memory that outlives their completions (the
        // tests' buffers, files and paths), as stated above.
        unsafe { self.sq().submit() }.expect("submit")
    }

    /// Wait up to `ms` for one CQE and consume it.
    fn wait_ms(&mut self, ms: i64) -> Option<io_uring_cqe> {
        let ts = __kernel_timespec {
            tv_sec: ms / 1000,
            tv_nsec: (ms % 1000) * 1_000_000,
        };
        // Without EXT_ARG the core queues a timeout SQE naming `ts` that may still be
        // pending when the wait returns: there, `ts` is leaked so that it outlives it.
        let ts: &__kernel_timespec = if self.r().features() & IORING_FEAT_EXT_ARG != 0 {
            &ts
        } else {
            Box::leak(Box::new(ts))
        };
        let mut cq = self.cq();
        // SAFETY: `ts` is valid for the call (and for good without EXT_ARG); `cq` borrows
        // the whole ring, so no submission side exists meanwhile (SQ-OWNER) and nothing
        // is left queued (callers submit first).
        let waited = unsafe { cq.wait_cqe_timeout(ts) };
        if waited.result == Err(Errno::ETIME) {
            return None;
        }
        assert_eq!(waited.result, Ok(0), "wait_cqe_timeout");
        let cqe = waited.cqe.expect("wait_cqe_timeout: Ok without a CQE");
        // SAFETY: CQ-OWNER: `cqe` is a published CQE at the head, which the kernel does
        // not write again until `cq` moves the head past it; copied before that.
        let c = unsafe { cqe.read() };
        // SAFETY: CQ-OWNER: `cqe` was peeked by `cq` and is not consumed yet.
        unsafe { cq.cqe_seen(cqe) };
        Some(c)
    }

    fn wait(&mut self) -> io_uring_cqe {
        self.wait_ms(5000).expect("no completion within 5 s")
    }

    /// Submit what is queued and wait for one CQE.
    fn run(&mut self) -> io_uring_cqe {
        assert!(self.submit() >= 1);
        self.wait()
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: TEST-RING: set up by try_new, torn down once, and `&mut self` means no
        // handle or side of it is alive.
        unsafe { uring::setup::queue_exit(&mut self.0) }
    }
}

/// A default ring, or `None` (with a SKIP line) when io_uring is unavailable.
fn ring(entries: u32, flags: u32) -> Option<Ring> {
    match Ring::try_new(entries, flags) {
        Ok(r) => Some(r),
        Err(e) if e == Errno(libc::ENOSYS) || e == Errno::EPERM => {
            println!("SKIP: io_uring not available ({e})");
            None
        }
        Err(e) => panic!("queue_init(flags {flags:#x}): {e:?}"),
    }
}

macro_rules! ring_or_skip {
    ($entries:expr, $flags:expr) => {
        match ring($entries, $flags) {
            Some(r) => r,
            None => return,
        }
    };
}

/// A temporary file with `data`, removed on drop.
struct TempFile {
    file: File,
    path: std::path::PathBuf,
}

impl TempFile {
    fn new(data: &[u8]) -> TempFile {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "uring-register-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let mut file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .expect("create temp file");
        file.write_all(data).unwrap();
        TempFile { file, path }
    }

    fn fd(&self) -> RawFd {
        self.file.as_raw_fd()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A NULL argument is refused by the kernel: `EFAULT` where it copies first, `EINVAL`
/// where it checks the pointer first (it varies by opcode and kernel version).
#[track_caller]
fn assert_null_refused(r: Result<i32, Errno>) {
    assert!(
        r == Err(Errno::EFAULT) || r == Err(Errno::EINVAL),
        "NULL argument: {r:?}"
    );
}

fn iov(buf: &mut [u8]) -> iovec {
    iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    }
}

fn pipe() -> (RawFd, RawFd) {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for two fds.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    (fds[0], fds[1])
}

fn close(fd: RawFd) {
    // SAFETY: closing a descriptor this test owns.
    unsafe { libc::close(fd) };
}

/// Queue a READ_FIXED of `len` bytes at file offset 0 into `buf` (registered index
/// `idx`).
fn prep_read_fixed(ring: &mut Ring, fd: RawFd, buf: *mut u8, len: u32, idx: i32, ud: u64) {
    let sqe = ring.sqe();
    uring::prep::read_fixed(sqe, fd, buf.cast(), len, 0, idx);
    sqe.user_data = ud;
}

/// Queue a plain READ of `len` bytes at offset 0 from fixed-file slot `slot`.
fn prep_read_slot(ring: &mut Ring, slot: i32, buf: &mut [u8], ud: u64) {
    let len = buf.len() as u32;
    let sqe = ring.sqe();
    uring::prep::read(sqe, slot, buf.as_mut_ptr().cast(), len, 0);
    sqe.flags |= IOSQE_FIXED_FILE;
    sqe.user_data = ud;
}

// ---- buffers -----------------------------------------------------------------------------

#[test]
fn buffers_read_fixed_sees_file_bytes() {
    let mut ring = ring_or_skip!(8, 0);
    let content: Vec<u8> = (0..3000u32).map(|i| (i * 7 + 3) as u8).collect();
    let tf = TempFile::new(&content);
    let mut buf = vec![0u8; 4096];
    let bufp = buf.as_mut_ptr();

    // SAFETY: `buf` outlives the registration (unregistered below).
    assert_eq!(unsafe { buffers::register_buffers(ring.r(), &[iov(&mut buf)]) }, Ok(0));
    assert_eq!(
        // SAFETY: `buf` outlives the registration (unregistered below).
        unsafe { buffers::register_buffers(ring.r(), &[iov(&mut buf)]) },
        Err(Errno(libc::EBUSY))
    );

    prep_read_fixed(&mut ring, tf.fd(), bufp, 4096, 0, 1);
    let cqe = ring.run();
    assert_eq!((cqe.user_data, cqe.res), (1, content.len() as i32));
    assert_eq!(&buf[..content.len()], &content[..]);

    // Outside the registered buffer: the kernel refuses the fixed read.
    let mut other = vec![0u8; 64];
    prep_read_fixed(&mut ring, tf.fd(), other.as_mut_ptr(), 64, 0, 2);
    assert_eq!(ring.run().res, -libc::EFAULT);
    // A buffer index that is not registered.
    prep_read_fixed(&mut ring, tf.fd(), bufp, 64, 1, 3);
    assert!(ring.run().res < 0);

    assert_eq!(buffers::unregister_buffers(ring.r()), Ok(0));
    assert_eq!(buffers::unregister_buffers(ring.r()), Err(Errno(libc::ENXIO)));
    // After unregistering, the fixed read fails.
    prep_read_fixed(&mut ring, tf.fd(), bufp, 64, 0, 4);
    assert!(ring.run().res < 0);
}

#[test]
fn buffers_bad_input() {
    let ring = ring_or_skip!(4, 0);
    // Memory that cannot be pinned: a PROT_NONE reservation (kept mapped for the whole
    // test, so no other thread's mapping can land there).
    // SAFETY: a fresh anonymous PROT_NONE mapping, unmapped at the end of the test.
    let hole = unsafe {
        libc::mmap(
            ptr::null_mut(),
            4096,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(hole, libc::MAP_FAILED);
    let bad = iovec {
        iov_base: hole,
        iov_len: 4096,
    };
    assert_eq!(
        // SAFETY: the kernel cannot pin the hole and refuses; nothing is registered.
        unsafe { buffers::register_buffers(ring.r(), &[bad]) },
        Err(Errno::EFAULT)
    );
    assert_eq!(
        // SAFETY: a NULL iovec array is rejected by the kernel.
        unsafe { buffers::register_buffers_raw(ring.r(), ptr::null(), 1) },
        Err(Errno::EFAULT)
    );
    // SAFETY: empty.
    assert_eq!(unsafe { buffers::register_buffers(ring.r(), &[]) }, Err(Errno::EINVAL));
    let mut b = [0u8; 16];
    assert_eq!(
        // SAFETY: length mismatch is refused before the kernel is asked.
        unsafe { buffers::register_buffers_tags(ring.r(), &[iov(&mut b)], &[]) },
        Err(Errno::EINVAL)
    );
    assert_eq!(buffers::unregister_buffers(ring.r()), Err(Errno(libc::ENXIO)));
    // SAFETY: our reservation, never registered.
    unsafe { libc::munmap(hole, 4096) };
}

#[test]
fn buffers_sparse_update_and_tags() {
    let mut ring = ring_or_skip!(8, 0);
    let tf = TempFile::new(b"sparse buffer table contents");
    let mut buf = vec![0u8; 256];
    let bufp = buf.as_mut_ptr();

    match buffers::register_buffers_sparse(ring.r(), 4) {
        Ok(0) => {}
        Err(e) if e == Errno::EINVAL => {
            println!("SKIP: sparse buffer tables not supported ({e})");
            return;
        }
        r => panic!("register_buffers_sparse: {r:?}"),
    }
    // Slot 0 is empty: a fixed read through it fails.
    prep_read_fixed(&mut ring, tf.fd(), bufp, 16, 0, 1);
    assert!(ring.run().res < 0);

    // Fill slot 2 with a tagged buffer; it returns the number of slots updated.
    let tag = 0x7a6_u64;
    assert_eq!(
        // SAFETY: `buf` outlives the registration.
        unsafe { buffers::register_buffers_update_tag(ring.r(), 2, &[iov(&mut buf)], &[tag]) },
        Ok(1)
    );
    prep_read_fixed(&mut ring, tf.fd(), bufp, 256, 2, 2);
    let cqe = ring.run();
    assert_eq!(cqe.res, 28);
    assert_eq!(&buf[..28], b"sparse buffer table contents");

    // Empty slot 2 again: the old buffer's tag comes back as a CQE once it is released.
    let empty = iovec {
        iov_base: ptr::null_mut(),
        iov_len: 0,
    };
    assert_eq!(
        // SAFETY: an empty iovec registers nothing.
        unsafe { buffers::register_buffers_update_tag(ring.r(), 2, &[empty], &[]) },
        Ok(1)
    );
    let tag_cqe = ring.wait();
    assert_eq!((tag_cqe.user_data, tag_cqe.res), (tag, 0));
    // Updating past the table is refused.
    assert_eq!(
        // SAFETY: an empty iovec registers nothing.
        unsafe { buffers::register_buffers_update_tag(ring.r(), 4, &[empty], &[]) },
        Err(Errno::EINVAL)
    );
    assert_eq!(buffers::unregister_buffers(ring.r()), Ok(0));

    // register_buffers_tags: the tag is posted when the table goes away.
    assert_eq!(
        // SAFETY: `buf` outlives the registration.
        unsafe { buffers::register_buffers_tags(ring.r(), &[iov(&mut buf)], &[0x51]) },
        Ok(0)
    );
    assert_eq!(buffers::unregister_buffers(ring.r()), Ok(0));
    let tag_cqe = ring.wait();
    assert_eq!((tag_cqe.user_data, tag_cqe.res), (0x51, 0));
}

#[test]
fn buffers_clone_between_rings() {
    // Declared before the rings, so it outlives every ring it is registered with.
    let mut buf = vec![0u8; 512];
    let bufp = buf.as_mut_ptr();
    let mut src = ring_or_skip!(4, 0);
    let mut dst = ring_or_skip!(4, 0);
    let tf = TempFile::new(b"cloned!");
    // SAFETY: `buf` outlives every ring below (declared first, dropped last).
    assert_eq!(unsafe { buffers::register_buffers(src.r(), &[iov(&mut buf)]) }, Ok(0));

    // SAFETY: REG-CLONE: `buf` outlives every ring here (declared first, dropped last).
    match unsafe { buffers::clone_buffers(dst.r(), src.r()) } {
        Ok(0) => {}
        Err(e) if e == Errno::EINVAL => {
            println!("SKIP: buffer cloning not supported ({e})");
            return;
        }
        r => panic!("clone_buffers: {r:?}"),
    }
    // The clone is usable on dst.
    prep_read_fixed(&mut dst, tf.fd(), bufp, 512, 0, 1);
    assert_eq!(dst.run().res, 7);
    assert_eq!(&buf[..7], b"cloned!");

    // dst already has a table: a plain clone is refused, DST_REPLACE replaces it.
    assert_eq!(
        // SAFETY: REG-CLONE: `buf` outlives every ring here (declared first, dropped last).
        unsafe { buffers::clone_buffers(dst.r(), src.r()) },
        Err(Errno(libc::EBUSY))
    );
    assert_eq!(
        // SAFETY: REG-CLONE: `buf` outlives every ring here (declared first, dropped last).
        unsafe { buffers::clone_buffers_offset(dst.r(), src.r(), 0, 0, 1, IORING_REGISTER_DST_REPLACE) },
        Ok(0)
    );
    // Out-of-range source window.
    // SAFETY: REG-CLONE: `buf` outlives every ring here (declared first, dropped last).
    assert!(unsafe { buffers::clone_buffers_offset(dst.r(), src.r(), 0, 1, 1, IORING_REGISTER_DST_REPLACE) }.is_err());

    // `__io_uring_clone_buffers` with flags 0 names src by its real fd.
    let mut dst2 = ring_or_skip!(4, 0);
    assert_eq!(
        // SAFETY: REG-CLONE: `buf` outlives every ring here (declared first, dropped last).
        unsafe { buffers::clone_buffers_with_flags(dst2.r(), src.r(), 0) },
        Ok(0)
    );
    prep_read_fixed(&mut dst2, tf.fd(), bufp, 4, 0, 2);
    assert_eq!(dst2.run().res, 4);

    // With a registered src ring fd (and REG_REG_RING), SRC_REGISTERED names it by index.
    // SAFETY: TEST-RING: `src` is SET-UP, and `&mut src.0` keeps every handle and side of
    // it away during this exclusive operation.
    if unsafe { ring_fd::register_ring_fd(&mut src.0) } == Ok(1) && src.r().features() & IORING_FEAT_REG_REG_RING != 0 {
        let mut dst3 = ring_or_skip!(4, 0);
        // SAFETY: REG-CLONE: `buf` outlives every ring here (declared first, dropped last).
        assert_eq!(unsafe { buffers::clone_buffers(dst3.r(), src.r()) }, Ok(0));
        prep_read_fixed(&mut dst3, tf.fd(), bufp, 7, 0, 3);
        assert_eq!(dst3.run().res, 7);
        // Same through the offset form, into a second slot of a fresh table.
        let dst4 = ring_or_skip!(4, 0);
        assert_eq!(
            // SAFETY: REG-CLONE: `buf` outlives every ring here (declared first, dropped last).
            unsafe {
                buffers::clone_buffers_offset_with_flags(dst4.r(), src.r(), 0, 0, 1, IORING_REGISTER_SRC_REGISTERED)
            },
            Ok(0)
        );
    }
    // A ring with no buffers cannot be cloned from.
    let empty = ring_or_skip!(4, 0);
    let dst5 = ring_or_skip!(4, 0);
    assert_eq!(
        // SAFETY: REG-CLONE: `buf` outlives every ring here (declared first, dropped last).
        unsafe { buffers::clone_buffers(dst5.r(), empty.r()) },
        Err(Errno(libc::ENXIO))
    );
    drop((src, dst, dst2));
}

// ---- files -------------------------------------------------------------------------------

#[test]
fn files_register_update_and_fixed_io() {
    let mut ring = ring_or_skip!(8, 0);
    let first = TempFile::new(b"first file");
    let second = TempFile::new(b"the second file");
    // Register a duplicate of `first` and close it: the kernel holds its own reference.
    // SAFETY: dup of a valid fd.
    let dup = unsafe { libc::dup(first.fd()) };
    assert!(dup >= 0);
    assert_eq!(files::register_files(ring.r(), &[dup, -1]), Ok(0));
    close(dup);
    assert_eq!(files::register_files(ring.r(), &[first.fd()]), Err(Errno(libc::EBUSY)));

    let mut buf = [0u8; 64];
    prep_read_slot(&mut ring, 0, &mut buf, 1);
    assert_eq!(ring.run().res, 10);
    assert_eq!(&buf[..10], b"first file");

    // Slot 1 is empty.
    prep_read_slot(&mut ring, 1, &mut buf, 2);
    assert_eq!(ring.run().res, -libc::EBADF);

    // Replace slot 0: the next fixed-file read goes to the new file.
    assert_eq!(files::register_files_update(ring.r(), 0, &[second.fd()]), Ok(1));
    let mut buf = [0u8; 64];
    prep_read_slot(&mut ring, 0, &mut buf, 3);
    assert_eq!(ring.run().res, 15);
    assert_eq!(&buf[..15], b"the second file");

    // IORING_REGISTER_FILES_SKIP leaves a slot as it is; -1 empties one.
    assert_eq!(
        files::register_files_update(ring.r(), 0, &[IORING_REGISTER_FILES_SKIP, first.fd()]),
        Ok(2)
    );
    prep_read_slot(&mut ring, 1, &mut buf, 4);
    assert_eq!(ring.run().res, 10);
    assert_eq!(files::register_files_update(ring.r(), 0, &[-1]), Ok(1));
    prep_read_slot(&mut ring, 0, &mut buf, 5);
    assert_eq!(ring.run().res, -libc::EBADF);
    // Out of range.
    assert!(files::register_files_update(ring.r(), 2, &[first.fd()]).is_err());

    assert_eq!(files::unregister_files(ring.r()), Ok(0));
    assert_eq!(files::unregister_files(ring.r()), Err(Errno(libc::ENXIO)));
    prep_read_slot(&mut ring, 1, &mut buf, 6);
    assert!(ring.run().res < 0);
}

#[test]
fn files_sparse_tags_and_alloc_range() {
    let mut ring = ring_or_skip!(8, 0);
    let tf = TempFile::new(b"sparse slot");
    assert_eq!(files::register_files_sparse(ring.r(), 8), Ok(0));
    let mut buf = [0u8; 32];

    // Fill slot 3 with a tag, read through it, then empty it: the tag CQE arrives.
    assert_eq!(
        files::register_files_update_tag(ring.r(), 3, &[tf.fd()], &[0xf11e]),
        Ok(1)
    );
    prep_read_slot(&mut ring, 3, &mut buf, 1);
    assert_eq!(ring.run().res, 11);
    assert_eq!(&buf[..11], b"sparse slot");
    assert_eq!(files::register_files_update_tag(ring.r(), 3, &[-1], &[]), Ok(1));
    let c = ring.wait();
    assert_eq!((c.user_data, c.res), (0xf11e, 0));
    assert_eq!(
        files::register_files_update_tag(ring.r(), 3, &[tf.fd()], &[1, 2]),
        Err(Errno::EINVAL)
    );

    // Allocation range: direct opens with IORING_FILE_INDEX_ALLOC land inside it.
    assert_eq!(files::register_file_alloc_range(ring.r(), 4, 4), Ok(0));
    assert_eq!(files::register_file_alloc_range(ring.r(), 6, 10), Err(Errno::EINVAL));
    let path = std::ffi::CString::new(tf.path.as_os_str().as_encoded_bytes()).unwrap();
    for i in 0..4 {
        let sqe = ring.sqe();
        uring::prep::openat_direct(
            sqe,
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::O_RDONLY,
            0,
            IORING_FILE_INDEX_ALLOC,
        );
        sqe.user_data = 10 + i;
        let c = ring.run();
        assert!((4..8).contains(&c.res), "allocated slot {} outside [4, 8)", c.res);
    }
    // The range is full now.
    let sqe = ring.sqe();
    uring::prep::openat_direct(
        sqe,
        libc::AT_FDCWD,
        path.as_ptr(),
        libc::O_RDONLY,
        0,
        IORING_FILE_INDEX_ALLOC,
    );
    assert_eq!(ring.run().res, -libc::ENFILE);
    assert_eq!(files::unregister_files(ring.r()), Ok(0));

    // register_files_tags: tag posted when the table goes away.
    assert_eq!(files::register_files_tags(ring.r(), &[tf.fd()], &[0x7a]), Ok(0));
    assert_eq!(files::unregister_files(ring.r()), Ok(0));
    let c = ring.wait();
    assert_eq!((c.user_data, c.res), (0x7a, 0));
    assert_eq!(
        files::register_files_tags(ring.r(), &[tf.fd()], &[]),
        Err(Errno::EINVAL)
    );
    // No table: the range cannot fit.
    assert_eq!(files::register_file_alloc_range(ring.r(), 0, 1), Err(Errno::EINVAL));
}

#[test]
fn files_bad_input() {
    let ring = ring_or_skip!(4, 0);
    let (r, w) = pipe();
    // A descriptor that is not open. Not a number just closed: the test threads run in
    // parallel and one of them may be handed that number again before the call. The kernel
    // caps a process's fd table below `i32::MAX` (`fs.nr_open` is at most 2^31 - 64), so
    // this one can never be open.
    let never_open: RawFd = i32::MAX;
    assert_eq!(files::register_files(ring.r(), &[r, never_open]), Err(Errno::EBADF));
    close(r);
    close(w);
    // An empty table.
    assert_eq!(files::register_files(ring.r(), &[]), Err(Errno::EINVAL));
    // A NULL array.
    assert_eq!(
        // SAFETY: the kernel rejects the NULL pointer.
        unsafe { files::register_files_raw(ring.r(), ptr::null(), 2) },
        Err(Errno::EFAULT)
    );
    // A table far larger than the kernel allows (1 << 20 slots) or the fd limit.
    let e = files::register_files_sparse(ring.r(), 1 << 22).unwrap_err();
    assert!(e == Errno::EMFILE || e == Errno::EINVAL, "{e:?}");
    assert_eq!(files::unregister_files(ring.r()), Err(Errno(libc::ENXIO)));
    assert_eq!(files::register_files_update(ring.r(), 0, &[0]), Err(Errno(libc::ENXIO)));
}

// ---- eventfd -----------------------------------------------------------------------------

fn eventfd() -> RawFd {
    // SAFETY: plain eventfd creation.
    let fd = unsafe { libc::eventfd(0, libc::EFD_NONBLOCK | libc::EFD_CLOEXEC) };
    assert!(fd >= 0);
    fd
}

/// The eventfd counter (and reset it), or 0 when it was not signalled.
fn eventfd_take(fd: RawFd) -> u64 {
    let mut v = 0u64;
    // SAFETY: reads 8 bytes into `v`.
    let n = unsafe { libc::read(fd, ptr::from_mut(&mut v).cast(), 8) };
    if n == 8 {
        v
    } else {
        0
    }
}

fn nop(ring: &mut Ring, ud: u64) -> io_uring_cqe {
    let sqe = ring.sqe();
    uring::prep::nop(sqe);
    sqe.user_data = ud;
    ring.run()
}

#[test]
fn eventfd_is_signalled_on_completion() {
    let mut ring = ring_or_skip!(4, 0);
    let efd = eventfd();
    nop(&mut ring, 1);
    assert_eq!(eventfd_take(efd), 0);

    assert_eq!(misc::register_eventfd(ring.r(), efd), Ok(0));
    assert_eq!(misc::register_eventfd(ring.r(), efd), Err(Errno(libc::EBUSY)));
    nop(&mut ring, 2);
    assert!(eventfd_take(efd) >= 1, "eventfd not signalled");

    assert_eq!(misc::unregister_eventfd(ring.r()), Ok(0));
    assert_eq!(misc::unregister_eventfd(ring.r()), Err(Errno(libc::ENXIO)));
    nop(&mut ring, 3);
    assert_eq!(eventfd_take(efd), 0, "signalled after unregister");

    // The async variant only signals for completions from async context: an inline NOP
    // does not count.
    assert_eq!(misc::register_eventfd_async(ring.r(), efd), Ok(0));
    nop(&mut ring, 4);
    assert_eq!(eventfd_take(efd), 0, "async eventfd signalled for an inline completion");
    assert_eq!(misc::unregister_eventfd(ring.r()), Ok(0));

    // Not an eventfd.
    let (r, w) = pipe();
    assert!(misc::register_eventfd(ring.r(), r).is_err());
    assert!(misc::register_eventfd(ring.r(), -1).is_err());
    close(r);
    close(w);
    close(efd);
}

// ---- personality ---------------------------------------------------------------------------

#[test]
fn personality_is_usable_until_unregistered() {
    let mut ring = ring_or_skip!(4, 0);
    let id = misc::register_personality(ring.r()).expect("register_personality");
    assert!(id > 0);
    let sqe = ring.sqe();
    uring::prep::nop(sqe);
    sqe.personality = id as u16;
    assert_eq!(ring.run().res, 0);

    assert_eq!(misc::unregister_personality(ring.r(), id), Ok(0));
    assert_eq!(misc::unregister_personality(ring.r(), id), Err(Errno::EINVAL));
    // The id is gone: a request naming it is refused.
    let sqe = ring.sqe();
    uring::prep::nop(sqe);
    sqe.personality = id as u16;
    assert_eq!(ring.run().res, -libc::EINVAL);
}

// ---- restrictions --------------------------------------------------------------------------

fn allow_sqe_op(op: u8) -> io_uring_restriction {
    io_uring_restriction {
        opcode: IORING_RESTRICTION_SQE_OP as u16,
        op: io_uring_restriction_op { sqe_op: op },
        resv: 0,
        resv2: [0; 3],
    }
}

#[test]
fn restrictions_refuse_ops_outside_the_allow_list() {
    // Restrictions need a disabled ring.
    let plain = ring_or_skip!(4, 0);
    assert_eq!(
        misc::register_restrictions(plain.r(), &[allow_sqe_op(IORING_OP_NOP)]),
        Err(Errno(libc::EBADFD))
    );

    let mut ring = ring_or_skip!(4, IORING_SETUP_R_DISABLED);
    assert_eq!(
        misc::register_restrictions(ring.r(), &[allow_sqe_op(IORING_OP_NOP)]),
        Ok(0)
    );
    assert_eq!(
        misc::register_restrictions(ring.r(), &[allow_sqe_op(IORING_OP_READ)]),
        Err(Errno(libc::EBUSY))
    );
    assert_eq!(ring_fd::enable_rings(ring.r()), Ok(0));

    assert_eq!(nop(&mut ring, 1).res, 0);
    let (r, w) = pipe();
    let mut buf = [0u8; 8];
    let sqe = ring.sqe();
    uring::prep::read(sqe, r, buf.as_mut_ptr().cast(), 8, 0);
    sqe.user_data = 2;
    let c = ring.run();
    assert_eq!((c.user_data, c.res), (2, -libc::EACCES));
    close(r);
    close(w);

    // Bad restriction entries.
    let mut bad = ring_or_skip!(4, IORING_SETUP_R_DISABLED);
    let junk = io_uring_restriction {
        opcode: 0xff,
        op: io_uring_restriction_op { sqe_op: 0 },
        resv: 0,
        resv2: [0; 3],
    };
    assert_eq!(misc::register_restrictions(bad.r(), &[junk]), Err(Errno::EINVAL));
    // SAFETY: the kernel rejects the NULL array.
    assert_null_refused(unsafe { misc::register_restrictions_raw(bad.r(), ptr::null(), 1) });
    assert_eq!(ring_fd::enable_rings(bad.r()), Ok(0));
    assert_eq!(nop(&mut bad, 3).res, 0);
}

// ---- io-wq -----------------------------------------------------------------------------------

#[test]
fn iowq_affinity_and_max_workers() {
    let ring = ring_or_skip!(4, 0);
    // SAFETY: an all-zero cpu_set_t is valid.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    assert_eq!(
        // SAFETY: sched_getaffinity writes at most sizeof(set) bytes.
        unsafe { libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) },
        0
    );
    assert_eq!(misc::register_iowq_aff(ring.r(), &set), Ok(0));
    assert_eq!(misc::unregister_iowq_aff(ring.r()), Ok(0));
    // cpusz >= 2^31 is refused without a syscall.
    assert_eq!(
        // SAFETY: never read.
        unsafe { misc::register_iowq_aff_raw(ring.r(), 1 << 31, &set) },
        Err(Errno::EINVAL)
    );
    // SAFETY: the kernel rejects the NULL mask.
    assert_null_refused(unsafe { misc::register_iowq_aff_raw(ring.r(), 8, ptr::null()) });
    // A short mask (one byte) is fine for the kernel too.
    // SAFETY: `set` has at least one readable byte.
    assert_eq!(unsafe { misc::register_iowq_aff_raw(ring.r(), 1, &set) }, Ok(0));
    assert_eq!(misc::unregister_iowq_aff(ring.r()), Ok(0));

    // Set limits (getting the old ones back), then read them back with zeros.
    let mut v = [2u32, 3];
    assert_eq!(misc::register_iowq_max_workers(ring.r(), &mut v), Ok(0));
    let mut now = [0u32, 0];
    assert_eq!(misc::register_iowq_max_workers(ring.r(), &mut now), Ok(0));
    assert_eq!(now, [2, 3]);
    // SAFETY: the kernel rejects the NULL array.
    assert_null_refused(unsafe { misc::register_iowq_max_workers_raw(ring.r(), ptr::null_mut()) });
}

// ---- synchronous cancel and message ------------------------------------------------------------

#[test]
fn sync_cancel_cancels_a_pending_read() {
    let mut ring = ring_or_skip!(4, 0);
    let (r, w) = pipe();
    let mut buf = [0u8; 16];
    let sqe = ring.sqe();
    uring::prep::read(sqe, r, buf.as_mut_ptr().cast(), 16, 0);
    sqe.user_data = 0x1234;
    assert_eq!(ring.submit(), 1);
    assert!(ring.wait_ms(50).is_none(), "read on an empty pipe completed");

    let mut reg = io_uring_sync_cancel_reg {
        addr: 0x9999,
        ..Default::default()
    };
    reg.timeout = __kernel_timespec { tv_sec: 1, tv_nsec: 0 };
    match misc::register_sync_cancel(ring.r(), &reg) {
        Err(e) if e == Errno::EINVAL => {
            println!("SKIP: sync cancel not supported ({e})");
            // EOF ends the pending read; reap it before `buf` goes away.
            close(w);
            assert_eq!(ring.wait().user_data, 0x1234);
            close(r);
            return;
        }
        r => assert_eq!(r, Err(Errno(libc::ENOENT)), "nothing has user_data 0x9999"),
    }
    reg.addr = 0x1234;
    assert_eq!(misc::register_sync_cancel(ring.r(), &reg), Ok(0));
    let c = ring.wait();
    assert_eq!(c.user_data, 0x1234);
    assert!(c.res == -libc::ECANCELED || c.res == -libc::EINTR, "res {}", c.res);

    // By fd, with nothing pending.
    reg.flags = IORING_ASYNC_CANCEL_FD;
    reg.fd = r;
    assert_eq!(misc::register_sync_cancel(ring.r(), &reg), Err(Errno(libc::ENOENT)));
    // SAFETY: the kernel rejects the NULL pointer.
    assert_null_refused(unsafe { misc::register_sync_cancel_raw(ring.r(), ptr::null()) });
    close(r);
    close(w);
}

#[test]
fn sync_msg_posts_to_the_target_ring() {
    let mut target = ring_or_skip!(4, 0);
    let mut sqe = io_uring_sqe::zeroed();
    uring::prep::msg_ring(&mut sqe, target.r().ring_fd(), 0x55, 0xfeed, 0);
    // SAFETY: the target is this test's own ring, which reads the CQE only as data.
    match unsafe { misc::register_sync_msg(&sqe) } {
        Ok(0) => {}
        Err(e) if e == Errno::EINVAL => {
            println!("SKIP: synchronous MSG_RING not supported ({e})");
            return;
        }
        r => panic!("register_sync_msg: {r:?}"),
    }
    let c = target.wait();
    assert_eq!((c.user_data, c.res), (0xfeed, 0x55));
    // Not a ring fd.
    let (r, w) = pipe();
    uring::prep::msg_ring(&mut sqe, r, 1, 2, 0);
    // SAFETY: the target is not a ring at all: the kernel refuses before posting.
    assert!(unsafe { misc::register_sync_msg(&sqe) }.is_err());
    close(r);
    close(w);
    // SAFETY: the kernel rejects the NULL pointer.
    assert_null_refused(unsafe { misc::register_sync_msg_raw(ptr::null()) });
}

// ---- clock, region, wait_reg -------------------------------------------------------------------

#[test]
fn clock_registration() {
    let ring = ring_or_skip!(4, 0);
    let boot = io_uring_clock_register {
        clockid: libc::CLOCK_BOOTTIME as u32,
        __resv: [0; 3],
    };
    match misc::register_clock(ring.r(), &boot) {
        Ok(0) => {}
        Err(e) => {
            println!("SKIP: IORING_REGISTER_CLOCK not supported ({e})");
            return;
        }
        r => panic!("{r:?}"),
    }
    let mono = io_uring_clock_register {
        clockid: libc::CLOCK_MONOTONIC as u32,
        __resv: [0; 3],
    };
    assert_eq!(misc::register_clock(ring.r(), &mono), Ok(0));
    let bad = io_uring_clock_register {
        clockid: 12345,
        __resv: [0; 3],
    };
    assert_eq!(misc::register_clock(ring.r(), &bad), Err(Errno::EINVAL));
    // SAFETY: the kernel rejects the NULL pointer.
    assert_null_refused(unsafe { misc::register_clock_raw(ring.r(), ptr::null()) });
}

#[test]
fn region_backs_registered_waits() {
    assert_eq!(
        misc::register_wait_reg(ring_or_skip!(4, 0).r(), ptr::null_mut(), 1),
        Err(Errno::EINVAL),
        "register_wait_reg is a stub"
    );
    let mut ring = ring_or_skip!(4, IORING_SETUP_R_DISABLED);
    // SAFETY: a fresh anonymous page, unmapped at the end of the test.
    let page = unsafe {
        libc::mmap(
            ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(page, libc::MAP_FAILED);
    let mut desc = io_uring_region_desc {
        user_addr: page as u64,
        size: 4096,
        flags: IORING_MEM_REGION_TYPE_USER,
        ..Default::default()
    };
    let mut reg = io_uring_mem_region_reg {
        region_uptr: ptr::from_mut(&mut desc) as u64,
        flags: u64::from(IORING_MEM_REGION_REG_WAIT_ARG),
        __resv: [0; 2],
    };
    // SAFETY: `desc` names a page that stays mapped until the ring is gone.
    match unsafe { misc::register_region(ring.r(), &mut reg) } {
        Ok(0) => {}
        Err(e) => {
            println!("SKIP: registered wait regions not supported ({e})");
            // SAFETY: our page.
            unsafe { libc::munmap(page, 4096) };
            return;
        }
        r => panic!("{r:?}"),
    }
    assert_eq!(ring_fd::enable_rings(ring.r()), Ok(0));
    // Slot 0 of the region: a 20 ms timeout; waiting with nothing pending times out.
    let w = page.cast::<io_uring_reg_wait>();
    // SAFETY: slot 0 lies in our page; the kernel reads it only during the wait below.
    unsafe {
        w.write(io_uring_reg_wait {
            ts: __kernel_timespec {
                tv_sec: 0,
                tv_nsec: 20_000_000,
            },
            flags: IORING_REG_WAIT_TS,
            ..Default::default()
        })
    };
    let (mut sq, mut cq) = ring.sides();
    // SAFETY: nothing is queued, so no SQE names any memory.
    let waited = unsafe { uring::cq::submit_and_wait_reg(&mut sq, &mut cq, 1, 0) };
    assert_eq!(waited.result, Err(Errno::ETIME));
    assert!(waited.cqe.is_none(), "a CQE on an idle ring");
    // A NOP with a registered wait completes.
    let sqe = ring.sqe();
    uring::prep::nop(sqe);
    sqe.user_data = 9;
    let (mut sq, mut cq) = ring.sides();
    // SAFETY: the queued NOP names no memory.
    let waited = unsafe { uring::cq::submit_and_wait_reg(&mut sq, &mut cq, 1, 0) };
    assert!(waited.result.is_ok(), "submit_and_wait_reg = {:?}", waited.result);
    let cqe = waited.cqe.expect("submit_and_wait_reg: no CQE");
    // SAFETY: CQ-OWNER: `cqe` is the published CQE at the head of `cq`, which is still
    // alive, so the kernel does not write it meanwhile.
    assert_eq!(unsafe { cqe.as_ref() }.user_data, 9);
    drop(ring);
    // SAFETY: the ring is gone; the page is ours.
    unsafe { libc::munmap(page, 4096) };
    // A second region on an enabled ring, and a NULL argument, fail cleanly.
    let plain = ring_or_skip!(4, 0);
    // SAFETY: the kernel rejects the NULL pointer.
    assert!(unsafe { misc::register_region(plain.r(), ptr::null_mut()) }.is_err());
}

// ---- features this machine may lack: error paths ---------------------------------------------

#[test]
fn napi_registration_or_its_error() {
    let ring = ring_or_skip!(4, 0);
    let mut napi = io_uring_napi {
        busy_poll_to: 50,
        prefer_busy_poll: 1,
        ..Default::default()
    };
    match misc::register_napi(ring.r(), &mut napi) {
        Ok(0) => {
            let mut old = io_uring_napi::default();
            assert_eq!(misc::unregister_napi(ring.r(), Some(&mut old)), Ok(0));
            assert_eq!(old.busy_poll_to, 50);
        }
        Err(e) => println!("SKIP: NAPI busy polling unavailable ({e})"),
        r => panic!("{r:?}"),
    }
    // SAFETY: the kernel rejects the NULL pointer (or does not know the opcode).
    assert!(unsafe { misc::register_napi_raw(ring.r(), ptr::null_mut()) }.is_err());
    let _ = misc::unregister_napi(ring.r(), None);
}

#[test]
fn zcrx_ifq_error_path() {
    let ring = ring_or_skip!(4, 0);
    // A zeroed request on a ring without DEFER_TASKRUN/CQE32 and no NIC queue: refused.
    let mut reg = io_uring_zcrx_ifq_reg::default();
    // SAFETY: the request names no memory.
    let e = unsafe { misc::register_ifq(ring.r(), &mut reg) }.unwrap_err();
    println!("SKIP: zero-copy receive needs a capable NIC and privileges (zeroed request: {e})");
    // SAFETY: all-zero is a valid zcrx_ctrl.
    let mut ctrl: zcrx_ctrl = unsafe { std::mem::zeroed() };
    ctrl.zcrx_id = 7;
    assert!(misc::register_zcrx_ctrl(ring.r(), &mut ctrl).is_err());
    // SAFETY: NULL is rejected by the kernel.
    assert!(unsafe { misc::register_ifq(ring.r(), ptr::null_mut()) }.is_err());
}

#[test]
fn bpf_filter_error_path() {
    let ring = ring_or_skip!(4, 0);
    // SAFETY: all-zero is a valid io_uring_bpf (cmd_type 0 is not a command).
    let mut bpf: io_uring_bpf = unsafe { std::mem::zeroed() };
    // SAFETY: the request names no program.
    let e = unsafe { misc::register_bpf_filter(ring.r(), &mut bpf) }.unwrap_err();
    // SAFETY: the request names no program.
    let e2 = unsafe { misc::register_bpf_filter_task(&mut bpf) }.unwrap_err();
    // SAFETY: NULL is rejected by the kernel.
    assert!(unsafe { misc::register_bpf_filter_task(ptr::null_mut()) }.is_err());
    println!("SKIP: no BPF filter loaded (zeroed requests: ring {e}, task {e2})");
}

#[test]
fn query_agrees_with_probe() {
    let mut op = io_uring_query_opcode::default();
    let mut hdr = io_uring_query_hdr {
        query_data: ptr::from_mut(&mut op) as u64,
        query_op: IO_URING_QUERY_OPCODES,
        size: size_of::<io_uring_query_opcode>() as u32,
        ..Default::default()
    };
    // SAFETY: `hdr` names `op`, both live across the call.
    match unsafe { misc::register_query(&mut hdr) } {
        Ok(0) => {}
        Err(e) => {
            println!("SKIP: IORING_REGISTER_QUERY not supported ({e})");
            return;
        }
        r => panic!("{r:?}"),
    }
    assert_eq!(hdr.result, 0);
    let probe = match uring::probe::Probe::new() {
        Ok(p) => p,
        Err(e) => panic!("query works but probe does not: {e:?}"),
    };
    assert_eq!(op.nr_request_opcodes, u32::from(probe.last_op()) + 1);
    assert!(op.nr_register_opcodes > IORING_REGISTER_QUERY);
    // An empty chain: nothing to answer (the kernel returns 0 on the versions that have
    // the opcode); it must not crash.
    // SAFETY: NULL is never dereferenced.
    let _ = unsafe { misc::register_query(ptr::null_mut()) };
}

// ---- the registered-ring path of do_register -----------------------------------------------------

#[test]
fn registration_through_a_registered_ring_fd() {
    let mut ring = ring_or_skip!(4, 0);
    // SAFETY: TEST-RING: `ring` is SET-UP, and `&mut ring.0` keeps every handle and side
    // of it away during this exclusive operation.
    if unsafe { ring_fd::register_ring_fd(&mut ring.0) } != Ok(1) {
        println!("SKIP: registered ring fds not supported");
        return;
    }
    let efd = eventfd();
    assert_eq!(misc::register_eventfd(ring.r(), efd), Ok(0));
    nop(&mut ring, 1);
    assert!(eventfd_take(efd) >= 1);
    assert_eq!(misc::unregister_eventfd(ring.r()), Ok(0));
    let tf = TempFile::new(b"via index");
    assert_eq!(files::register_files(ring.r(), &[tf.fd()]), Ok(0));
    let mut buf = [0u8; 16];
    prep_read_slot(&mut ring, 0, &mut buf, 2);
    assert_eq!(ring.run().res, 9);
    assert_eq!(&buf[..9], b"via index");
    close(efd);
}
