//! The main demo: copy a file through io_uring with the Rust API, verify the copy byte
//! for byte, and time a burst of NOPs.
//!
//! Run it with `cargo run --release --example demo`.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::Instant;

use uring::{prep, Errno, Ring};

const BLOCK: usize = 64 * 1024;
const FILE_SIZE: usize = 8 * 1024 * 1024;
const QUEUE_DEPTH: u32 = 16;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("uring-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let src_path = dir.join("source");
    let dst_path = dir.join("copy");

    // A source file with a recognisable pattern.
    let pattern: Vec<u8> = (0..FILE_SIZE).map(|i| (i * 31 % 251) as u8).collect();
    File::create(&src_path)?.write_all(&pattern)?;

    let mut ring = Ring::new(QUEUE_DEPTH)?;
    println!(
        "ring: {} SQ entries, {} CQ entries, features {:#x}",
        ring.params().sq_entries,
        ring.params().cq_entries,
        ring.features()
    );

    let src = File::open(&src_path)?;
    let dst = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&dst_path)?;
    let started = Instant::now();
    let copied = copy(&mut ring, src.as_raw_fd(), dst.as_raw_fd(), FILE_SIZE)?;
    let elapsed = started.elapsed();
    println!(
        "copied {} bytes in {:.1} ms ({:.0} MiB/s) with {} x {} KiB blocks",
        copied,
        elapsed.as_secs_f64() * 1e3,
        copied as f64 / (1024.0 * 1024.0) / elapsed.as_secs_f64(),
        QUEUE_DEPTH / 2,
        BLOCK / 1024
    );

    let mut back = Vec::new();
    File::open(&dst_path)?.read_to_end(&mut back)?;
    if back != pattern {
        return Err("the copy differs from the source".into());
    }
    println!("verified: copy is identical to the source");

    let nops = 100_000;
    let started = Instant::now();
    nop_burst(&mut ring, nops)?;
    let elapsed = started.elapsed();
    println!(
        "{} NOPs in batches of {}: {:.0} ns per NOP",
        nops,
        QUEUE_DEPTH,
        elapsed.as_nanos() as f64 / nops as f64
    );

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Copy `len` bytes: each block is read into its own buffer, then written out when the
/// read completes. Up to QUEUE_DEPTH / 2 blocks are in flight.
///
/// The kernel writes into `buffers` while reads are in flight, so no path out of this
/// function may drop them early: on an error, new work stops and every request still in
/// flight is reaped first. If even that fails, the buffers are leaked rather than freed
/// under the kernel.
fn copy(ring: &mut Ring, src: i32, dst: i32, len: usize) -> Result<usize, Errno> {
    let slots = (QUEUE_DEPTH / 2) as usize;
    let mut buffers = vec![vec![0u8; BLOCK]; slots];
    let mut in_flight = 0u32;
    let result = copy_blocks(ring, &mut buffers, &mut in_flight, src, dst, len);
    if in_flight != 0 {
        if let Err(e) = drain(ring, &mut in_flight) {
            eprintln!("cannot reap {in_flight} requests ({e}); leaking their buffers");
            std::mem::forget(buffers);
            return Err(e);
        }
    }
    result
}

/// The copy loop proper; `in_flight` counts requests the kernel still owns.
fn copy_blocks(
    ring: &mut Ring,
    buffers: &mut [Vec<u8>],
    in_flight: &mut u32,
    src: i32,
    dst: i32,
    len: usize,
) -> Result<usize, Errno> {
    let mut offsets = vec![0u64; buffers.len()];
    let mut free: Vec<usize> = (0..buffers.len()).collect();
    let mut next_offset = 0usize;
    let mut written = 0usize;

    // user_data: slot index, with bit 32 set for writes.
    const WRITE: u64 = 1 << 32;
    while written < len {
        while next_offset < len {
            let Some(slot) = free.pop() else { break };
            let n = BLOCK.min(len - next_offset);
            // Never a panic here: unwinding would free `buffers` under in-flight reads.
            // A full SQ cannot happen (slots <= entries), but it is an error, not a crash.
            let sqe = ring.get_sqe().ok_or(Errno::EBUSY)?;
            prep::read(
                sqe,
                src,
                buffers[slot].as_mut_ptr().cast(),
                n as u32,
                next_offset as u64,
            );
            sqe.user_data = slot as u64;
            offsets[slot] = next_offset as u64;
            next_offset += n;
            *in_flight += 1;
        }
        // SAFETY: every SQE points into `buffers`, which `copy` keeps alive until every
        // request has completed (or leaks them).
        unsafe { ring.submit_and_wait(1)? };
        // `let else` rather than `while let`: the `?` temporary of a `while let` scrutinee
        // would keep the ring borrowed (it holds a Completion) for the whole loop body.
        loop {
            let Some(cqe) = ring.peek()? else { break };
            let (res, user_data) = (cqe.result(), cqe.user_data());
            cqe.seen();
            *in_flight -= 1;
            let done = res? as usize;
            let slot = (user_data & 0xffff_ffff) as usize;
            if user_data & WRITE != 0 {
                if done != offsets_len(&offsets, slot, len) {
                    return Err(Errno::EIO);
                }
                written += done;
                free.push(slot);
                continue;
            }
            let sqe = ring.get_sqe().ok_or(Errno::EBUSY)?;
            prep::write(sqe, dst, buffers[slot].as_ptr().cast(), done as u32, offsets[slot]);
            sqe.user_data = slot as u64 | WRITE;
            *in_flight += 1;
        }
    }
    Ok(written)
}

/// The length of the block starting at `offsets[slot]`.
fn offsets_len(offsets: &[u64], slot: usize, len: usize) -> usize {
    BLOCK.min(len - offsets[slot] as usize)
}

/// Submit whatever is queued and reap until nothing is in flight.
fn drain(ring: &mut Ring, in_flight: &mut u32) -> Result<(), Errno> {
    // SAFETY: the queued SQEs point into buffers our caller keeps alive until this
    // returns Ok, or leaks.
    unsafe { ring.submit()? };
    while *in_flight > 0 {
        ring.wait()?.seen();
        *in_flight -= 1;
    }
    Ok(())
}

fn nop_burst(ring: &mut Ring, total: u32) -> Result<(), Errno> {
    let mut done = 0;
    while done < total {
        let batch = QUEUE_DEPTH.min(total - done);
        for i in 0..batch {
            let sqe = ring.get_sqe().ok_or(Errno::EBUSY)?;
            prep::nop(sqe);
            sqe.user_data = (done + i) as u64;
        }
        // SAFETY: NOPs reference no memory.
        unsafe { ring.submit_and_wait(batch)? };
        let mut seen = 0;
        for cqe in ring.completions() {
            if cqe.user_data() != (done + seen) as u64 || cqe.res() != 0 {
                return Err(Errno::EINVAL);
            }
            seen += 1;
        }
        done += seen;
    }
    Ok(())
}
