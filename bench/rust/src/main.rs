//! Scenario 6: the NOP and file-read scenarios through our Rust API (`uring::Ring`,
//! `uring::prep`; `uring-op`: the typed layer, `uring::api::op` + `push`) and through the
//! `io-uring` crate, with the same loops as the C programs.
//!
//! ```text
//! rbench nop  <uring|uring-op|io-uring> <batch> <ops>
//! rbench read <uring|io-uring> <read|fixed> <buffered|direct> <qd> <nreads> <file>
//! ```
//!
//! Prints `RESULT ops_per_sec` / `RESULT iops`; a wrong completion or a wrong block
//! prints `FAIL: ...` and exits 1.

use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::process::exit;
use std::time::Instant;

const RING_ENTRIES: u32 = 128;
const BS: usize = 4096;

macro_rules! fail {
    ($($arg:tt)*) => {{
        eprintln!("FAIL[rust]: {}", format!($($arg)*));
        exit(1)
    }};
}

/// Checks a batch's completions: each user_data in `base..base + batch`, once, res 0.
struct BatchCheck {
    seen: Vec<bool>,
    base: u64,
    got: u32,
}

impl BatchCheck {
    fn new() -> Self {
        BatchCheck {
            seen: vec![false; RING_ENTRIES as usize],
            base: 0,
            got: 0,
        }
    }

    fn start(&mut self, base: u64, batch: u32) {
        self.base = base;
        self.got = 0;
        self.seen[..batch as usize].fill(false);
    }

    #[inline]
    fn check(&mut self, user_data: u64, res: i32, batch: u32) {
        let idx = user_data.wrapping_sub(self.base);
        if idx >= batch as u64 || self.seen[idx as usize] || res != 0 {
            fail!("nop: unexpected completion user_data={user_data} res={res}");
        }
        self.seen[idx as usize] = true;
        self.got += 1;
    }
}

fn nop_uring(batch: u32, ops: u64) -> (u64, f64) {
    use uring::{prep, Ring};
    let mut ring = Ring::new(RING_ENTRIES).unwrap_or_else(|e| fail!("Ring::new: {e:?}"));
    let mut chk = BatchCheck::new();
    let mut run = |ring: &mut Ring, ops: u64| -> u64 {
        let (mut next, mut done) = (1u64, 0u64);
        while done < ops {
            chk.start(next, batch);
            for _ in 0..batch {
                let sqe = ring.get_sqe().unwrap_or_else(|| fail!("get_sqe: SQ full"));
                prep::nop(sqe);
                sqe.user_data = next;
                next += 1;
            }
            // SAFETY: NOPs reference no memory.
            let n = unsafe { ring.submit_and_wait(batch) }.unwrap_or_else(|e| fail!("submit_and_wait: {e:?}"));
            if n != batch {
                fail!("submit_and_wait returned {n}, expected {batch}");
            }
            for cqe in ring.completions() {
                chk.check(cqe.user_data(), cqe.res(), batch);
            }
            if chk.got != batch {
                fail!("nop: {} completions for a batch of {batch}", chk.got);
            }
            done += batch as u64;
        }
        done
    };
    run(&mut ring, batch as u64 * 16); // warm-up, not timed
    let t0 = Instant::now();
    let done = run(&mut ring, ops);
    (done, t0.elapsed().as_secs_f64())
}

fn nop_io_uring(batch: u32, ops: u64) -> (u64, f64) {
    use io_uring::{opcode, IoUring};
    let mut ring = IoUring::new(RING_ENTRIES).unwrap_or_else(|e| fail!("IoUring::new: {e}"));
    let mut chk = BatchCheck::new();
    let mut run = |ring: &mut IoUring, ops: u64| -> u64 {
        let (mut next, mut done) = (1u64, 0u64);
        while done < ops {
            chk.start(next, batch);
            {
                let mut sq = ring.submission();
                for _ in 0..batch {
                    let e = opcode::Nop::new().build().user_data(next);
                    // SAFETY: NOPs reference no memory.
                    unsafe { sq.push(&e) }.unwrap_or_else(|_| fail!("push: SQ full"));
                    next += 1;
                }
            }
            let n = ring
                .submit_and_wait(batch as usize)
                .unwrap_or_else(|e| fail!("submit_and_wait: {e}"));
            if n != batch as usize {
                fail!("submit_and_wait returned {n}, expected {batch}");
            }
            for cqe in ring.completion() {
                chk.check(cqe.user_data(), cqe.result(), batch);
            }
            if chk.got != batch {
                fail!("nop: {} completions for a batch of {batch}", chk.got);
            }
            done += batch as u64;
        }
        done
    };
    run(&mut ring, batch as u64 * 16); // warm-up, not timed
    let t0 = Instant::now();
    let done = run(&mut ring, ops);
    (done, t0.elapsed().as_secs_f64())
}

/// The typed low-level layer (`uring::api::op`, `SubmissionQueue::push_safe`,
/// `completions_raw`): the same loop
/// as `nop_io_uring`, entry for entry.
fn nop_uring_op(batch: u32, ops: u64) -> (u64, f64) {
    use uring::api::op;
    use uring::Ring;
    let mut ring = Ring::new(RING_ENTRIES).unwrap_or_else(|e| fail!("Ring::new: {e:?}"));
    let mut chk = BatchCheck::new();
    let mut run = |ring: &mut Ring, ops: u64| -> u64 {
        let (mut next, mut done) = (1u64, 0u64);
        while done < ops {
            chk.start(next, batch);
            {
                let mut sq = ring.submission();
                for _ in 0..batch {
                    let e = op::Nop::new().build().user_data(next);
                    sq.push_safe(&e).unwrap_or_else(|_| fail!("push: SQ full"));
                    next += 1;
                }
            }
            // SAFETY: NOPs reference no memory.
            let n = unsafe { ring.submit_and_wait(batch) }.unwrap_or_else(|e| fail!("submit_and_wait: {e:?}"));
            if n != batch {
                fail!("submit_and_wait returned {n}, expected {batch}");
            }
            for cqe in ring.completions_raw() {
                chk.check(cqe.user_data(), cqe.res(), batch);
            }
            if chk.got != batch {
                fail!("nop: {} completions for a batch of {batch}", chk.got);
            }
            done += batch as u64;
        }
        done
    };
    run(&mut ring, batch as u64 * 16); // warm-up, not timed
    let t0 = Instant::now();
    let done = run(&mut ring, ops);
    (done, t0.elapsed().as_secs_f64())
}

// ------------------------------------------------------------------------------ reads

fn pattern_word(off: u64) -> u64 {
    off.wrapping_mul(0x9E3779B97F4A7C15) ^ 0x0123456789ABCDEF
}

#[inline(never)] // the same machine code for both libraries
fn check_block(buf: &[u8], off: u64) {
    for (i, w) in buf.chunks_exact(8).enumerate() {
        let v = u64::from_ne_bytes(w.try_into().unwrap());
        if v != pattern_word(off + i as u64 * 8) {
            fail!("read: block at offset {off} has a wrong word at byte {}", i * 8);
        }
    }
}

/// xorshift64*, the same stream as the C programs.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545F4914F6CDD1D)
    }
}

/// 4 KiB-aligned buffers, one per queue slot.
struct Buffers {
    ptr: *mut u8,
    qd: usize,
}
impl Buffers {
    fn new(qd: usize) -> Self {
        let layout = std::alloc::Layout::from_size_align(qd * BS, BS).unwrap();
        // SAFETY: non-zero size.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        if ptr.is_null() {
            fail!("alloc");
        }
        Buffers { ptr, qd }
    }
    fn slot(&self, i: usize) -> *mut u8 {
        // SAFETY: i < qd.
        unsafe { self.ptr.add(i * BS) }
    }
    fn block(&self, i: usize) -> &[u8] {
        // SAFETY: the slot's read has completed; nothing writes it now.
        unsafe { std::slice::from_raw_parts(self.slot(i), BS) }
    }
    fn iovecs(&self) -> Vec<libc::iovec> {
        (0..self.qd)
            .map(|i| libc::iovec {
                iov_base: self.slot(i).cast(),
                iov_len: BS,
            })
            .collect()
    }
}

struct ReadJob {
    fd: i32,
    nblocks: u64,
    qd: usize,
    nreads: u64,
    fixed: bool,
}

fn read_uring(job: &ReadJob) -> f64 {
    use uring::{prep, sys::IOSQE_FIXED_FILE, Ring};
    let mut ring = Ring::new(job.qd as u32).unwrap_or_else(|e| fail!("Ring::new: {e:?}"));
    let bufs = Buffers::new(job.qd);
    let mut file = job.fd;
    if job.fixed {
        #[cfg(have_register)]
        {
            let iov = bufs.iovecs();
            // SAFETY: the buffers live until the end of this function, after the ring is done.
            unsafe { uring::register::buffers::register_buffers(ring.as_ring_ref(), &iov) }
                .unwrap_or_else(|e| fail!("register_buffers: {e:?}"));
            uring::register::files::register_files(ring.as_ring_ref(), &[job.fd])
                .unwrap_or_else(|e| fail!("register_files: {e:?}"));
            file = 0;
        }
        #[cfg(not(have_register))]
        {
            println!("NA");
            eprintln!("N/A[rust]: uring::register::{{buffers::register_buffers, files::register_files}} missing");
            exit(77);
        }
    }
    let mut rng = Rng(0x9E3779B97F4A7C15);
    let mut ready: Vec<(u64, i32)> = Vec::with_capacity(job.qd);
    let (mut issued, mut completed) = (0u64, 0u64);
    let issue = |ring: &mut Ring, slot: usize, rng: &mut Rng| -> u64 {
        let off = (rng.next() % job.nblocks) * BS as u64;
        let sqe = ring.get_sqe().unwrap_or_else(|| fail!("get_sqe: SQ full"));
        if job.fixed {
            prep::read_fixed(sqe, file, bufs.slot(slot).cast(), BS as u32, off, slot as i32);
            sqe.flags |= IOSQE_FIXED_FILE;
        } else {
            prep::read(sqe, file, bufs.slot(slot).cast(), BS as u32, off);
        }
        sqe.user_data = slot as u64;
        off
    };
    let t0 = Instant::now();
    let mut offs = vec![0u64; job.qd];
    for (slot, off) in offs.iter_mut().enumerate().take(job.nreads as usize) {
        *off = issue(&mut ring, slot, &mut rng);
        issued += 1;
    }
    while completed < job.nreads {
        // SAFETY: the buffers outlive the ring's use of them (the loop drains every read).
        unsafe { ring.submit_and_wait(1) }.unwrap_or_else(|e| fail!("submit_and_wait: {e:?}"));
        ready.clear();
        ready.extend(ring.completions().map(|c| (c.user_data(), c.res())));
        for &(slot, res) in &ready {
            let slot = slot as usize;
            if slot >= job.qd {
                fail!("completion with bad user_data {slot}");
            }
            if res != BS as i32 {
                fail!("read at {}: res {res}", offs[slot]);
            }
            check_block(bufs.block(slot), offs[slot]);
            completed += 1;
            if issued < job.nreads {
                offs[slot] = issue(&mut ring, slot, &mut rng);
                issued += 1;
            }
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    if issued != job.nreads || completed != job.nreads {
        fail!("issued {issued}, completed {completed}");
    }
    drop(ring);
    job.nreads as f64 / secs
}

fn read_io_uring(job: &ReadJob) -> f64 {
    use io_uring::{opcode, squeue, types, IoUring};
    let mut ring = IoUring::new(job.qd as u32).unwrap_or_else(|e| fail!("IoUring::new: {e}"));
    let bufs = Buffers::new(job.qd);
    if job.fixed {
        let iov = bufs.iovecs();
        // SAFETY: the buffers live until the end of this function, after the ring is done.
        unsafe { ring.submitter().register_buffers(&iov) }.unwrap_or_else(|e| fail!("register_buffers: {e}"));
        ring.submitter()
            .register_files(&[job.fd])
            .unwrap_or_else(|e| fail!("register_files: {e}"));
    }
    let mut rng = Rng(0x9E3779B97F4A7C15);
    let mut ready: Vec<(u64, i32)> = Vec::with_capacity(job.qd);
    let (mut issued, mut completed) = (0u64, 0u64);
    let issue = |ring: &mut IoUring, slot: usize, rng: &mut Rng| -> u64 {
        let off = (rng.next() % job.nblocks) * BS as u64;
        let e: squeue::Entry = if job.fixed {
            opcode::ReadFixed::new(types::Fixed(0), bufs.slot(slot), BS as u32, slot as u16)
                .offset(off)
                .build()
        } else {
            opcode::Read::new(types::Fd(job.fd), bufs.slot(slot), BS as u32)
                .offset(off)
                .build()
        };
        // SAFETY: the buffer outlives the read (the loop drains every read).
        unsafe { ring.submission().push(&e.user_data(slot as u64)) }.unwrap_or_else(|_| fail!("push: SQ full"));
        off
    };
    let t0 = Instant::now();
    let mut offs = vec![0u64; job.qd];
    for (slot, off) in offs.iter_mut().enumerate().take(job.nreads as usize) {
        *off = issue(&mut ring, slot, &mut rng);
        issued += 1;
    }
    while completed < job.nreads {
        ring.submit_and_wait(1)
            .unwrap_or_else(|e| fail!("submit_and_wait: {e}"));
        ready.clear();
        ready.extend(ring.completion().map(|c| (c.user_data(), c.result())));
        for &(slot, res) in &ready {
            let slot = slot as usize;
            if slot >= job.qd {
                fail!("completion with bad user_data {slot}");
            }
            if res != BS as i32 {
                fail!("read at {}: res {res}", offs[slot]);
            }
            check_block(bufs.block(slot), offs[slot]);
            completed += 1;
            if issued < job.nreads {
                offs[slot] = issue(&mut ring, slot, &mut rng);
                issued += 1;
            }
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    if issued != job.nreads || completed != job.nreads {
        fail!("issued {issued}, completed {completed}");
    }
    drop(ring);
    job.nreads as f64 / secs
}

fn num(s: &str) -> u64 {
    s.parse().unwrap_or_else(|_| fail!("bad number {s}"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    match a.get(1..) {
        Some(["nop", which, batch, ops]) => {
            let batch = num(batch) as u32;
            if batch == 0 || batch > RING_ENTRIES {
                fail!("batch must be 1..{RING_ENTRIES}");
            }
            let ops = num(ops) / batch as u64 * batch as u64;
            let (done, secs) = match *which {
                "uring" => nop_uring(batch, ops),
                "uring-op" => nop_uring_op(batch, ops),
                "io-uring" => nop_io_uring(batch, ops),
                _ => fail!("library must be uring, uring-op or io-uring"),
            };
            if done != ops {
                fail!("{done} completions for {ops} NOPs");
            }
            println!("RESULT ops_per_sec {:.0}", ops as f64 / secs);
        }
        Some(["read", which, mode, cache, qd, nreads, path]) => {
            let direct = match *cache {
                "direct" => true,
                "buffered" => false,
                _ => fail!("cache must be buffered or direct"),
            };
            let fixed = match *mode {
                "fixed" => true,
                "read" => false,
                _ => fail!("mode must be read or fixed"),
            };
            let f = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(if direct { libc::O_DIRECT } else { 0 })
                .open(path)
                .unwrap_or_else(|e| fail!("open {path}: {e}"));
            let len = f.metadata().unwrap_or_else(|e| fail!("stat: {e}")).len();
            let job = ReadJob {
                fd: f.as_raw_fd(),
                nblocks: len / BS as u64,
                qd: num(qd) as usize,
                nreads: num(nreads),
                fixed,
            };
            if job.nblocks == 0 || job.qd == 0 || job.qd > 1024 {
                fail!("bad file size or queue depth");
            }
            let iops = match *which {
                "uring" => read_uring(&job),
                "io-uring" => read_io_uring(&job),
                _ => fail!("library must be uring or io-uring"),
            };
            drop::<File>(f);
            println!("RESULT iops {iops:.0}");
        }
        _ => fail!(
            "usage: rbench nop <uring|uring-op|io-uring> <batch> <ops> | rbench read <uring|io-uring> <read|fixed> <buffered|direct> <qd> <nreads> <file>"
        ),
    }
}
