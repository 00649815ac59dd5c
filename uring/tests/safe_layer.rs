//! The safe layer (`uring::api::owned`) on a real ring: owned buffers come back with
//! their completions, nothing is freed while the kernel may use it, registrations work
//! as owned resources, and the split halves work from two threads.

use std::io::{self, Read as _, Write as _};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use uring::api::owned::ops::*;
use uring::api::owned::{Driver, IoBuf, IoBufMut, Options, RegistrationError, Restriction};
use uring::sys::*;

fn scratch(name: &str, contents: &[u8]) -> (std::path::PathBuf, std::fs::File) {
    let path = std::env::temp_dir().join(format!("uring-safe-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    let file = std::fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
    (path, file)
}

/// An empty buffer with room for `n` bytes. Its bytes are initialised (zeroed first):
/// valgrind cannot see the kernel fill a buffer through the ring, and would report
/// reading a `Vec::with_capacity` buffer's new bytes as uninitialised.
fn cap(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    v.clear();
    v
}

/// Skip (with the reason) when the kernel lacks a registration.
fn skip_if_unsupported(r: io::Result<()>, what: &str) -> bool {
    match r {
        Ok(()) => false,
        Err(e) => {
            let reg = e.get_ref().and_then(|e| e.downcast_ref::<RegistrationError>()).copied();
            match reg {
                Some(reg) if reg.is_unsupported() => {
                    println!("SKIP: {what}: {e}");
                    true
                }
                _ => panic!("{what}: {e}"),
            }
        }
    }
}

/// A buffer that counts its drops, to see when the safe layer lets go of it.
struct Tracked {
    bytes: Vec<u8>,
    drops: Arc<AtomicUsize>,
}

impl Drop for Tracked {
    fn drop(&mut self) {
        self.drops.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: the bytes are the Vec's heap block; it does not move with the Tracked.
unsafe impl IoBuf for Tracked {
    fn stable_ptr(&self) -> *const u8 {
        self.bytes.as_ptr()
    }
    fn bytes_init(&self) -> usize {
        self.bytes.len()
    }
    fn bytes_total(&self) -> usize {
        self.bytes.capacity()
    }
}

// SAFETY: as above; the whole capacity is writable.
unsafe impl IoBufMut for Tracked {
    fn stable_mut_ptr(&mut self) -> *mut u8 {
        self.bytes.as_mut_ptr()
    }
    unsafe fn set_init(&mut self, n: usize) {
        // SAFETY: the caller's promise.
        unsafe { self.bytes.set_init(n) }
    }
}

#[test]
fn owned_buffers_come_back_with_their_results() {
    let (path, file) = scratch("rw", b"0123456789abcdef");
    let mut driver = Driver::new(8).unwrap();
    driver.push(Read::new(&file, cap(10), 2), 1).unwrap();
    driver
        .push(Read::new(&file, vec![0u8; 4].into_boxed_slice(), 12), 2)
        .unwrap();
    let mut seen = 0;
    for _ in 0..2 {
        let done = driver.wait().unwrap();
        match done.tag() {
            1 => {
                // The wrong type gives the completion back, untouched.
                let done = done.output::<Read<Box<[u8]>>>().unwrap_err();
                let (n, buf) = done.output::<Read<Vec<u8>>>().unwrap();
                assert_eq!((n.unwrap(), buf.as_slice()), (10, &b"23456789ab"[..]));
            }
            2 => {
                let (n, buf) = done.output::<Read<Box<[u8]>>>().unwrap();
                assert_eq!((n.unwrap(), &*buf), (4, &b"cdef"[..]));
            }
            t => panic!("tag {t}"),
        }
        seen += 1;
    }
    assert_eq!(seen, 2);
    // Writes of every owned kind, then read back.
    driver.push(Write::new(&file, b"AB".to_vec(), 0), 3).unwrap();
    driver.push(Write::new(&file, String::from("CD"), 2), 4).unwrap();
    driver.push(Write::new(&file, &b"EF"[..], 4), 5).unwrap();
    driver
        .push(Write::new(&file, b"xxGHxx".to_vec().slice(2..4), 6), 6)
        .unwrap();
    for _ in 0..4 {
        assert_eq!(driver.wait().unwrap().result().unwrap(), 2);
    }
    assert_eq!(&std::fs::read(&path).unwrap()[..8], b"ABCDEFGH");
    assert_eq!(driver.in_flight(), 0);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn an_unclaimed_completion_frees_its_buffer_only_after_the_kernel_is_done() {
    let (path, file) = scratch("unclaimed", b"hello");
    let drops = Arc::new(AtomicUsize::new(0));
    let mut driver = Driver::new(4).unwrap();
    let buf = Tracked {
        bytes: cap(16),
        drops: drops.clone(),
    };
    driver.push(Read::new(&file, buf, 0), 0).unwrap();
    driver.submit().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 0, "held while in flight");
    let done = driver.wait().unwrap();
    assert_eq!(drops.load(Ordering::SeqCst), 0, "held by the completion");
    drop(done);
    assert_eq!(drops.load(Ordering::SeqCst), 1, "dropped with the completion");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn dropping_the_driver_cancels_and_waits_for_operations_in_flight() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let drops = Arc::new(AtomicUsize::new(0));
    let mut driver = Driver::new(8).unwrap();
    for tag in 0..3 {
        let buf = Tracked {
            bytes: cap(64),
            drops: drops.clone(),
        };
        // Nothing will ever arrive: only a cancellation ends these.
        driver.push(Recv::new(&ours, buf), tag).unwrap();
    }
    driver.push(Timeout::new(Duration::from_secs(3600)), 9).unwrap();
    driver.submit().unwrap();
    assert!(driver.wait_timeout(Duration::from_millis(20)).unwrap().is_none());
    assert_eq!(driver.in_flight(), 4);
    let started = Instant::now();
    drop(driver);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "drop took {:?}",
        started.elapsed()
    );
    assert_eq!(
        drops.load(Ordering::SeqCst),
        3,
        "every buffer freed after its cancellation"
    );
    // The receives are gone: data sent now stays unread in the socket.
    (&theirs).write_all(b"late").unwrap();
    let mut buf = [0u8; 4];
    (&ours).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"late");
}

#[test]
fn cancel_returns_the_buffer_with_ecanceled() {
    let (ours, _theirs) = UnixStream::pair().unwrap();
    let mut driver = Driver::new(8).unwrap();
    let id = driver.push(Recv::new(&ours, cap(32)), 5).unwrap();
    driver.submit().unwrap();
    driver.cancel(id).unwrap();
    let done = driver.wait().unwrap();
    assert_eq!(done.tag(), 5);
    let (res, buf) = done.output::<Recv<Vec<u8>>>().unwrap();
    assert_eq!(res.unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    assert_eq!(buf.capacity(), 32);
    assert_eq!(driver.in_flight(), 0);
}

#[test]
fn waiting_with_nothing_in_flight_is_an_error_not_a_hang() {
    let mut driver = Driver::new(4).unwrap();
    assert_eq!(driver.wait().unwrap_err().kind(), io::ErrorKind::WouldBlock);
    assert!(driver.peek().unwrap().is_none());
}

#[test]
fn a_full_submission_queue_is_submitted_to_make_room() {
    let mut driver = Driver::new(2).unwrap();
    for tag in 0..200 {
        driver.push(Nop, tag).unwrap();
    }
    let mut seen = [false; 200];
    for _ in 0..200 {
        let done = driver.wait().unwrap();
        assert!(
            !std::mem::replace(&mut seen[done.tag() as usize], true),
            "tag {} twice",
            done.tag()
        );
        assert_eq!(done.output::<Nop>().unwrap().unwrap(), 0);
    }
    assert!(seen.iter().all(|&s| s));
    assert_eq!(driver.in_flight(), 0);
}

#[test]
fn timeouts_own_their_timespec() {
    let mut driver = Driver::new(8).unwrap();
    let started = Instant::now();
    // The Timeout value is moved into the table; nothing of it lives on this stack.
    driver.push(Timeout::new(Duration::from_millis(30)), 1).unwrap();
    let done = driver.wait().unwrap();
    assert!(started.elapsed() >= Duration::from_millis(25));
    done.output::<Timeout>().unwrap().unwrap();
    // A count-based timeout completes once that many other completions are posted.
    driver.push(Timeout::new(Duration::from_secs(60)).count(1), 2).unwrap();
    driver.push(Nop, 3).unwrap();
    let mut tags = [driver.wait().unwrap().tag(), driver.wait().unwrap().tag()];
    tags.sort();
    assert_eq!(tags, [2, 3]);
}

#[test]
fn linked_write_then_fsync_and_a_broken_link() {
    let (path, file) = scratch("link", b"");
    let mut driver = Driver::new(8).unwrap();
    driver
        .push_with(Write::new(&file, b"durable".to_vec(), 0), 1, Options::new().link())
        .unwrap();
    driver.push(Fsync::new(&file).datasync(), 2).unwrap();
    assert_eq!(driver.wait().unwrap().tag(), 1);
    let done = driver.wait().unwrap();
    assert_eq!(done.tag(), 2);
    done.output::<Fsync>().unwrap().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"durable");
    // A failing head (a read-only fd) cancels the linked fsync.
    let ro = std::fs::File::open(&path).unwrap();
    driver
        .push_with(Write::new(&ro, b"x".to_vec(), 0), 3, Options::new().link())
        .unwrap();
    driver.push(Fsync::new(&ro), 4).unwrap();
    let mut results = std::collections::HashMap::new();
    for _ in 0..2 {
        let done = driver.wait().unwrap();
        results.insert(done.tag(), done.result().map_err(|e| e.raw_os_error()));
    }
    assert_eq!(results[&3], Err(Some(libc::EBADF)));
    assert_eq!(results[&4], Err(Some(libc::ECANCELED)));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn open_and_close_through_the_ring() {
    let (path, _file) = scratch("open", b"opened");
    let mut driver = Driver::new(8).unwrap();
    driver.push(OpenAt::new(&path, libc::O_RDONLY, 0).unwrap(), 1).unwrap();
    let fd: OwnedFd = driver.wait().unwrap().output::<OpenAt>().unwrap().unwrap();
    driver.push(Read::new(&fd, cap(16), 0), 2).unwrap();
    let (n, buf) = driver.wait().unwrap().output::<Read<Vec<u8>>>().unwrap();
    assert_eq!((n.unwrap(), buf.as_slice()), (6, &b"opened"[..]));
    let raw = fd.as_raw_fd();
    let file_id = |fd: RawFd| {
        // SAFETY: `stat` is plain integers, for which all-zero bytes are a valid value.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: fstat only reads the descriptor table and writes the live, correctly
        // sized buffer. Whatever the number names by now (nothing, or another thread's
        // file), the call is harmless: it fails with EBADF or describes that file.
        let ok = unsafe { libc::fstat(fd, &mut st) } == 0;
        ok.then_some((st.st_dev, st.st_ino))
    };
    let opened = file_id(raw).expect("the ring opened a descriptor");
    driver.push(Close::new(fd), 3).unwrap();
    driver.wait().unwrap().output::<Close>().unwrap().unwrap();
    // The number no longer names the file. It may already name another one: a parallel
    // test thread can be handed the freed number at once.
    assert_ne!(file_id(raw), Some(opened), "the ring closed the descriptor");
    assert!(OpenAt::new("a\0b", 0, 0).is_err());
    driver
        .push(OpenAt::new("/nonexistent/uring", libc::O_RDONLY, 0).unwrap(), 4)
        .unwrap();
    let err = driver.wait().unwrap().output::<OpenAt>().unwrap().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::NotFound);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn multishot_accept_and_receive_into_a_buffer_ring() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut driver = Driver::new(32).unwrap();
    let ring = match driver.register_buf_ring(3, 8, 64) {
        Ok(r) => r,
        Err(e) => {
            println!("SKIP: buffer rings: {e}");
            return;
        }
    };
    assert_eq!(ring.available(), 8);
    driver.push(AcceptMulti::new(&listener), 100).unwrap();
    driver.submit().unwrap();
    let clients: Vec<_> = (0..3).map(|_| std::net::TcpStream::connect(addr).unwrap()).collect();
    let mut conns = Vec::new();
    while conns.len() < 3 {
        let mut done = driver.wait().unwrap();
        assert_eq!(done.tag(), 100);
        assert!(done.more(), "the accept stays armed");
        conns.push(done.take_fd().expect("a new socket"));
    }
    for (i, conn) in conns.iter().enumerate() {
        driver.push(RecvMulti::new(conn, &ring), i as u64).unwrap();
    }
    for (i, mut c) in clients.iter().enumerate() {
        c.write_all(format!("client {i}").as_bytes()).unwrap();
    }
    let mut guards = Vec::new();
    while guards.len() < 3 {
        let mut done = driver.wait().unwrap();
        let guard = done.take_buffer().expect("a filled buffer");
        assert_eq!(&*guard, format!("client {}", done.tag()).as_bytes());
        guards.push(guard);
    }
    assert_eq!(ring.available(), 5, "three buffers handed out");
    // A guard can be sent as it is; it returns to the ring after the send.
    let guard = guards.pop().unwrap();
    driver.push(Send::new(&conns[0], guard), 50).unwrap();
    let done = driver.wait().unwrap();
    let (n, guard) = done.output::<Send<uring::api::owned::BufGuard>>().unwrap();
    assert_eq!(n.unwrap() as usize, guard.len());
    drop(guard);
    drop(guards);
    assert_eq!(ring.available(), 8, "every guard returned its buffer");
    // The peer closing ends the multishot receive.
    drop(clients);
    let mut ended = 0;
    while ended < 3 {
        let done = driver.wait().unwrap();
        if done.tag() < 3 && !done.more() {
            ended += 1;
            // Client 0 closed with our echo unread: a reset, not an orderly end.
            match done.output::<RecvMulti>().unwrap() {
                Ok(()) => {}
                Err(e) => assert_eq!(e.kind(), io::ErrorKind::ConnectionReset),
            }
        }
    }
    // Releasing every handle unregisters the group: the id can be used again.
    drop(ring);
    driver.cancel_all(Duration::from_secs(5)).unwrap();
    driver.submit().unwrap();
    let again = driver.register_buf_ring(3, 8, 64).unwrap();
    assert_eq!(again.group(), 3);
}

#[test]
fn incremental_buffer_ring_hands_out_chunks_of_one_buffer() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut driver = Driver::new(16).unwrap();
    let ring = match driver.register_buf_ring_incremental(4, 2, 4096) {
        Ok(r) => r,
        Err(e) => {
            let unsupported = e
                .get_ref()
                .and_then(|e| e.downcast_ref::<RegistrationError>())
                .is_some_and(|r| r.is_unsupported());
            assert!(unsupported, "{e}");
            println!("SKIP: incremental buffer rings (Linux 6.12): {e}");
            return;
        }
    };
    assert!(ring.is_incremental());
    driver.push(RecvMulti::new(&ours, &ring), 1).unwrap();
    driver.submit().unwrap();
    let mut chunks = Vec::new();
    for msg in [&b"first"[..], b"second", b"third"] {
        (&theirs).write_all(msg).unwrap();
        let mut done = driver.wait().unwrap();
        chunks.push(done.take_buffer().expect("a chunk"));
    }
    assert_eq!(
        chunks.iter().map(|c| c.to_vec()).collect::<Vec<_>>(),
        [b"first".to_vec(), b"second".to_vec(), b"third".to_vec()]
    );
    // Chunks of one buffer, one after the other.
    assert_eq!(chunks[0].buffer_id(), chunks[1].buffer_id());
    assert_eq!(chunks[1].offset(), 5);
    assert_eq!(chunks[2].offset(), 11);
    drop(chunks);
    driver.cancel_all(Duration::from_secs(5)).unwrap();
}

#[test]
fn fixed_buffers_are_lent_and_returned() {
    let (path, file) = scratch("fixed", &[0u8; 8192]);
    let mut driver = Driver::new(8).unwrap();
    let pool = driver.register_buffers(2, 4096).unwrap();
    assert_eq!((pool.count(), pool.buf_size(), pool.available()), (2, 4096, 2));
    let second = driver.register_buffers(1, 4096).unwrap_err();
    assert_eq!(second.raw_os_error(), None);
    assert!(second.to_string().contains("fixed buffers"), "{second}");
    let mut a = pool.take().unwrap();
    let b = pool.take().unwrap();
    assert!(pool.take().is_none());
    assert_eq!(a.fill_from(&[7u8; 4096]), 4096);
    driver.push(WriteFixed::new(&file, a, 4096), 1).unwrap();
    let (n, a) = driver.wait().unwrap().output::<WriteFixed>().unwrap();
    assert_eq!(n.unwrap(), 4096);
    drop(a);
    assert_eq!(pool.available(), 1);
    driver.push(ReadFixed::new(&file, b, 4096).len(100), 2).unwrap();
    let (n, b) = driver.wait().unwrap().output::<ReadFixed>().unwrap();
    assert_eq!((n.unwrap(), b.len()), (100, 100));
    assert!(b.iter().all(|&x| x == 7));
    drop(b);
    driver.unregister_buffers().unwrap();
    // The pool outlives the registration; a buffer used now fails cleanly.
    let c = pool.take().unwrap();
    driver.push(ReadFixed::new(&file, c, 0), 3).unwrap();
    let (res, _c) = driver.wait().unwrap().output::<ReadFixed>().unwrap();
    assert!(res.is_err());
    std::fs::remove_file(path).unwrap();
}

#[test]
fn registered_files_dense_sparse_and_updated() {
    let (path_a, a) = scratch("file-a", b"AAAA");
    let (path_b, b) = scratch("file-b", b"BBBB");
    let mut driver = Driver::new(8).unwrap();
    driver.register_files(&[a.as_raw_fd(), -1]).unwrap();
    driver.push(Read::new(Target::Fixed(0), cap(4), 0), 1).unwrap();
    let (_, buf) = driver.wait().unwrap().output::<Read<Vec<u8>>>().unwrap();
    assert_eq!(buf, b"AAAA");
    // An empty slot is an error, not a crash.
    driver.push(Read::new(Target::Fixed(1), cap(4), 0), 2).unwrap();
    assert_eq!(
        driver.wait().unwrap().result().unwrap_err().raw_os_error(),
        Some(libc::EBADF)
    );
    driver.unregister_files().unwrap();
    match driver.register_files_sparse(4) {
        Ok(()) => {
            assert_eq!(driver.update_files(2, &[b.as_raw_fd()]).unwrap(), 1);
            driver.push(Read::new(Target::Fixed(2), cap(4), 0), 3).unwrap();
            let (_, buf) = driver.wait().unwrap().output::<Read<Vec<u8>>>().unwrap();
            assert_eq!(buf, b"BBBB");
        }
        Err(e) => println!("SKIP: sparse file tables: {e}"),
    }
    std::fs::remove_file(path_a).unwrap();
    std::fs::remove_file(path_b).unwrap();
}

#[test]
fn eventfd_personality_ring_fd_and_io_wq_settings() {
    let mut driver = Driver::new(8).unwrap();
    // SAFETY: eventfd(2) takes no pointers.
    let efd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC) };
    assert!(efd >= 0);
    // SAFETY: a fresh descriptor nobody else owns.
    let efd: OwnedFd = unsafe { std::os::fd::FromRawFd::from_raw_fd(efd) };
    driver.register_eventfd(&efd, false).unwrap();
    driver.push(Nop, 1).unwrap();
    driver.wait().unwrap().output::<Nop>().unwrap().unwrap();
    let mut count = [0u8; 8];
    (&std::fs::File::from(efd.try_clone().unwrap()))
        .read_exact(&mut count)
        .unwrap();
    assert!(u64::from_ne_bytes(count) >= 1);
    driver.unregister_eventfd().unwrap();

    let personality = driver.register_personality().unwrap();
    driver
        .push_with(Nop, 2, Options::new().personality(personality))
        .unwrap();
    driver.wait().unwrap().result().unwrap();
    driver.unregister_personality(personality).unwrap();
    // An unknown personality is refused per request.
    driver
        .push_with(Nop, 3, Options::new().personality(personality))
        .unwrap();
    assert_eq!(
        driver.wait().unwrap().result().unwrap_err().raw_os_error(),
        Some(libc::EINVAL)
    );

    if !skip_if_unsupported(driver.register_ring_fd(), "ring fd registration") {
        driver.push(Nop, 4).unwrap();
        driver.wait().unwrap().result().unwrap();
        assert!(driver.register_ring_fd().is_err(), "twice");
        driver.unregister_ring_fd().unwrap();
    }
    if !skip_if_unsupported(driver.set_iowq_affinity(&[0]), "io-wq affinity") {
        driver.clear_iowq_affinity().unwrap();
    }
    assert!(driver.set_iowq_affinity(&[1 << 20]).is_err());
    match driver.set_iowq_max_workers([0, 0]) {
        Ok(old) => {
            let set = driver.set_iowq_max_workers([2, 2]).unwrap();
            assert_eq!(set, old, "returns the previous limits");
            assert_eq!(driver.set_iowq_max_workers([0, 0]).unwrap(), [2, 2]);
        }
        Err(e) => assert!(skip_if_unsupported(Err(e), "io-wq max workers")),
    }
    if !skip_if_unsupported(driver.register_napi(10, false), "NAPI") {
        driver.unregister_napi().unwrap();
    }
    let clock = driver.register_clock(libc::CLOCK_BOOTTIME);
    if !skip_if_unsupported(clock, "wait clock") {
        driver.register_clock(libc::CLOCK_MONOTONIC).unwrap();
    }
}

#[test]
fn restrictions_on_a_disabled_ring_then_enabled() {
    let mut driver = Driver::with_builder(uring::Ring::builder(8).flags(IORING_SETUP_R_DISABLED)).unwrap();
    let restricted = driver.register_restrictions(&[Restriction::SqeOp(IORING_OP_NOP)]);
    if skip_if_unsupported(restricted, "restrictions") {
        return;
    }
    driver.enable().unwrap();
    driver.push(Nop, 1).unwrap();
    driver.wait().unwrap().result().unwrap();
    let (path, file) = scratch("restricted", b"data");
    driver.push(Read::new(&file, cap(4), 0), 2).unwrap();
    let (res, _) = driver.wait().unwrap().output::<Read<Vec<u8>>>().unwrap();
    assert_eq!(res.unwrap_err().raw_os_error(), Some(libc::EACCES));
    // Restrictions are set once, before enabling.
    let again = driver
        .register_restrictions(&[Restriction::SqeOp(IORING_OP_READ)])
        .unwrap_err();
    assert!(again.to_string().contains("restrictions"), "{again}");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn the_halves_submit_and_reap_from_two_threads() {
    fn send<T: std::marker::Send>(_: &T) {}
    let (path, file) = scratch("split", &(0..=255u8).collect::<Vec<u8>>());
    let mut driver = Driver::new(32).unwrap();
    const OPS: u64 = 20_000;
    {
        let (mut submit, mut reap) = driver.split();
        send(&submit);
        send(&reap);
        std::thread::scope(|s| {
            let file = &file;
            s.spawn(move || {
                for tag in 0..OPS {
                    if tag % 10 == 0 {
                        let offset = tag % 250;
                        submit.push(Read::new(file, cap(4), offset), tag).unwrap();
                    } else {
                        submit.push(Nop, tag).unwrap();
                    }
                    if tag % 8 == 7 {
                        submit.submit().unwrap();
                    }
                }
                submit.submit().unwrap();
            });
            let mut seen = vec![false; OPS as usize];
            for _ in 0..OPS {
                let done = loop {
                    match reap.wait_timeout(Duration::from_millis(100)).unwrap() {
                        Some(d) => break d,
                        None => continue,
                    }
                };
                let tag = done.tag();
                assert!(!std::mem::replace(&mut seen[tag as usize], true), "tag {tag} twice");
                if tag % 10 == 0 {
                    let (n, buf) = done.output::<Read<Vec<u8>>>().unwrap();
                    let o = (tag % 250) as u8;
                    assert_eq!((n.unwrap(), buf), (4, vec![o, o + 1, o + 2, o + 3]));
                } else {
                    assert_eq!(done.output::<Nop>().unwrap().unwrap(), 0);
                }
            }
            assert!(seen.iter().all(|&s| s));
        });
    }
    assert_eq!(driver.in_flight(), 0);
    assert!(driver.enter_count() > 0);
    std::fs::remove_file(path).unwrap();
}

/// Forging a completion takes `unsafe` (`register_sync_msg`, or a MSG_RING SQE through
/// `Ring::submit`), and that is what keeps the table sound. This test breaks that
/// contract on purpose, with guesses that are not keys, to check the second line of
/// defence: a CQE whose key matches no operation in flight is ignored.
#[test]
fn forged_completions_cannot_free_an_operation_in_flight() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut driver = Driver::new(8).unwrap();
    let id = driver.push(Recv::new(&ours, cap(16)), 77).unwrap();
    driver.submit().unwrap();
    assert_eq!(format!("{id:?}"), "OpId(..)", "the key is not shown");
    // MSG_RING from safe code: post CQEs with guessed user_data into the driver's ring.
    let ring_fd = driver.ring().fd();
    let mut posted = 0;
    for guess in [0u64, 1, u64::MAX, 1 << 20, 2 << 20, 77]
        .into_iter()
        .chain((0..2000).map(|n| n << 20))
    {
        let mut sqe = io_uring_sqe::zeroed();
        uring::prep::msg_ring(&mut sqe, ring_fd, 5, guess, 0);
        // SAFETY: the contract of register_sync_msg is broken on purpose, but no guess
        // is a key in flight: keys carry a 44-bit random nonce per operation, and these
        // values are fixed before the driver drew its one nonce, so a match has a
        // probability of about 2^-33 over the whole loop (and the assertion below would
        // report it).
        match unsafe { uring::register::misc::register_sync_msg(&sqe) } {
            Ok(_) => posted += 1,
            Err(e) => {
                println!("SKIP: synchronous MSG_RING (Linux 6.13) refused: {e}");
                break;
            }
        }
    }
    if posted > 0 {
        // Every forged CQE is ignored: the receive is still in flight with its buffer.
        assert!(driver.peek().unwrap().is_none());
        assert_eq!(driver.in_flight(), 1);
    }
    (&theirs).write_all(b"real").unwrap();
    let done = driver.wait().unwrap();
    assert_eq!(done.cqe().user_data(), 77, "the tag, not the key");
    let (n, buf) = done.output::<Recv<Vec<u8>>>().unwrap();
    assert_eq!((n.unwrap(), buf.as_slice()), (4, &b"real"[..]));
}

#[test]
fn socket_connect_shutdown_and_link_timeouts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut driver = Driver::new(8).unwrap();
    driver.push(Socket::tcp_v4(), 1).unwrap();
    let socket = driver.wait().unwrap().output::<Socket>().unwrap().unwrap();
    driver
        .push(Connect::new(&socket, listener.local_addr().unwrap()), 2)
        .unwrap();
    driver.wait().unwrap().output::<Connect>().unwrap().unwrap();
    let (mut peer, _) = listener.accept().unwrap();
    driver.push(Send::new(&socket, &b"bye"[..]), 3).unwrap();
    driver
        .push(Shutdown::new(&socket, std::net::Shutdown::Write), 4)
        .unwrap();
    for _ in 0..2 {
        driver.wait().unwrap().result().unwrap();
    }
    let mut got = Vec::new();
    peer.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"bye", "data, then end of stream");

    // Nothing listens on a port just released: refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    driver.push(Socket::tcp_v4(), 5).unwrap();
    let other = driver.wait().unwrap().output::<Socket>().unwrap().unwrap();
    driver.push(Connect::new(&other, port), 6).unwrap();
    let err = driver.wait().unwrap().output::<Connect>().unwrap().unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);

    // A link timeout that fires cancels the receive; one that does not reports so.
    let (a, b) = UnixStream::pair().unwrap();
    driver
        .push_with(Recv::new(&a, cap(8)), 7, Options::new().link())
        .unwrap();
    driver.push(LinkTimeout::new(Duration::from_millis(20)), 8).unwrap();
    let mut fired = None;
    for _ in 0..2 {
        let done = driver.wait().unwrap();
        if done.tag() == 7 {
            assert_eq!(done.result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));
        } else {
            fired = Some(done.output::<LinkTimeout>().unwrap().unwrap());
        }
    }
    assert_eq!(fired, Some(true));
    (&b).write_all(b"now").unwrap();
    driver
        .push_with(Recv::new(&a, cap(8)), 9, Options::new().link())
        .unwrap();
    driver.push(LinkTimeout::new(Duration::from_secs(30)), 10).unwrap();
    for _ in 0..2 {
        let done = driver.wait().unwrap();
        if done.tag() == 9 {
            assert_eq!(done.result().unwrap(), 3);
        } else {
            assert!(!done.output::<LinkTimeout>().unwrap().unwrap(), "the receive won");
        }
    }
}

#[test]
fn random_mix_drops_every_buffer_exactly_once() {
    let (path, file) = scratch("mix", &[5u8; 8192]);
    let (quiet, _peer) = UnixStream::pair().unwrap();
    let made = Arc::new(AtomicUsize::new(0));
    let drops = Arc::new(AtomicUsize::new(0));
    let tracked = |n: usize| {
        made.fetch_add(1, Ordering::SeqCst);
        Tracked {
            bytes: cap(n),
            drops: drops.clone(),
        }
    };
    let mut rng = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let mut driver = Driver::new(16).unwrap();
    let mut ids = Vec::new();
    let (mut reads_checked, mut cancelled) = (0, 0);
    for step in 0..3000u64 {
        match next() % 8 {
            0..=2 => ids.push(driver.push(Read::new(&file, tracked(64), next() % 8000), 1).unwrap()),
            // Receives that only a cancellation (or the final drop) ends.
            3 => ids.push(driver.push(Recv::new(&quiet, tracked(32)), 2).unwrap()),
            4 => ids.push(
                driver
                    .push(Timeout::new(Duration::from_micros(next() % 500)), 3)
                    .unwrap(),
            ),
            5 if !ids.is_empty() => {
                let id = ids.swap_remove((next() % ids.len() as u64) as usize);
                driver.cancel(id).unwrap();
            }
            _ => {
                driver.submit().unwrap();
                while let Some(done) = driver.peek().unwrap() {
                    ids.retain(|&id| id != done.id());
                    if done.result().is_err_and(|e| e.raw_os_error() == Some(libc::ECANCELED)) {
                        cancelled += 1;
                    }
                    match (done.tag(), step % 2) {
                        // Claim half of the reads and check them; drop the rest unclaimed.
                        (1, 0) => {
                            let (n, buf) = done.output::<Read<Tracked>>().unwrap();
                            let n = n.unwrap() as usize;
                            assert!(buf.bytes[..n].iter().all(|&b| b == 5));
                            reads_checked += 1;
                        }
                        _ => drop(done),
                    }
                }
            }
        }
    }
    let in_flight = driver.in_flight();
    assert!(in_flight > 0, "some receives are still in flight when the driver goes");
    assert!(drops.load(Ordering::SeqCst) < made.load(Ordering::SeqCst));
    drop(driver);
    assert_eq!(
        drops.load(Ordering::SeqCst),
        made.load(Ordering::SeqCst),
        "every buffer dropped, once"
    );
    assert!(
        reads_checked > 50 && cancelled > 10,
        "{reads_checked} reads checked, {cancelled} cancelled"
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_buffer_ring_only_serves_the_driver_it_is_registered_with() {
    let (socket, _peer) = UnixStream::pair().unwrap();
    let mut a = Driver::new(4).unwrap();
    let mut b = Driver::new(4).unwrap();
    let ring = a.register_buf_ring(9, 4, 64).unwrap();
    let refused = b.push(RecvMulti::new(&socket, &ring), 0).unwrap_err();
    assert_eq!(refused.error.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(b.in_flight(), 0);
    // The operation comes back untouched and works where the ring belongs.
    a.push(refused.op, 1).unwrap();
    a.submit().unwrap();
    assert_eq!(a.in_flight(), 1);
}

#[test]
fn statx_fills_a_buffer_the_operation_owns() {
    let (path, _file) = scratch("statx", &[1u8; 12345]);
    let mut driver = Driver::new(4).unwrap();
    driver.push(Statx::new(&path).unwrap(), 1).unwrap();
    driver.push(Statx::new("/nonexistent/uring").unwrap(), 2).unwrap();
    for _ in 0..2 {
        let done = driver.wait().unwrap();
        let tag = done.tag();
        let res = done.output::<Statx>().unwrap();
        match tag {
            1 => assert_eq!(res.unwrap().stx_size, 12345),
            _ => assert_eq!(res.unwrap_err().kind(), io::ErrorKind::NotFound),
        }
    }
    assert!(Statx::new("a\0b").is_err());
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_blocked_driver_wait_can_be_cancelled_from_another_thread() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let mut driver = Driver::new(8).unwrap();
    driver.push(Recv::new(&ours, cap(16)), 5).unwrap();
    let canceller = uring::api::WaitCanceller::new().unwrap();
    let remote = canceller.clone();
    let waker = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        remote.cancel();
    });
    let err = driver.wait_cancellable(&canceller).unwrap_err();
    waker.join().unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::Interrupted);
    // The receive is still in flight with its buffer, and completes normally later.
    assert_eq!(driver.in_flight(), 1);
    (&theirs).write_all(b"late").unwrap();
    let done = driver.wait_cancellable(&canceller).unwrap();
    assert_eq!(done.tag(), 5);
    let (n, buf) = done.output::<Recv<Vec<u8>>>().unwrap();
    assert_eq!((n.unwrap(), buf.as_slice()), (4, &b"late"[..]));
}

/// Forgetting the batch iterator must not let a completion come back: a replayed
/// multishot accept would hand out the same fd twice (a double close), a replayed
/// multishot receive a buffer the kernel owns again (found by review).
#[test]
// The attack is `mem::forget` of the iterator; that `Ready` no longer needs a `Drop` to
// move the CQ head is the fix, which is what clippy notices here.
#[allow(clippy::forget_non_drop)]
fn forgetting_ready_does_not_replay_a_completion() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut driver = Driver::new(8).unwrap();
    driver.push(AcceptMulti::new(&listener), 9).unwrap();
    driver.submit().unwrap();
    let _client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let mut first = loop {
        let mut ready = driver.ready();
        if let Some(done) = ready.next() {
            std::mem::forget(ready);
            break done;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    let fd = first.take_fd().expect("an accepted connection");
    assert!(fd.as_raw_fd() >= 0);
    // The accept is still armed, and nothing else has completed: no second Done.
    assert!(driver.peek().unwrap().is_none(), "a completion came back after forget");
    assert_eq!(driver.in_flight(), 1);
}
