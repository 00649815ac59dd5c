//! The main demo: copy a file through io_uring with the safe Rust API, verify the copy
//! byte for byte, and time a burst of NOPs. Safe code only: buffers move into the
//! operations and come back with their completions.
//!
//! Run it with `cargo run --release --example demo`.

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::time::Instant;

use uring::api::owned::{
    ops::{Nop, Read, Write},
    Driver,
};

const BLOCK: usize = 64 * 1024;
const FILE_SIZE: usize = 8 * 1024 * 1024;
const QUEUE_DEPTH: u32 = 16;
/// Tags: the block's offset, with this bit set for writes.
const WRITE: u64 = 1 << 63;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().any(|a| a == "--help" || a == "-h") {
        println!("usage: demo\n\nCopies an 8 MiB temporary file through io_uring, verifies the copy, times NOPs.");
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("uring-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let src_path = dir.join("source");
    let dst_path = dir.join("copy");

    // A source file with a recognisable pattern.
    let pattern: Vec<u8> = (0..FILE_SIZE).map(|i| (i * 31 % 251) as u8).collect();
    File::create(&src_path)?.write_all(&pattern)?;

    let mut driver = Driver::new(QUEUE_DEPTH)?;
    let params = driver.ring().params();
    println!(
        "ring: {} SQ entries, {} CQ entries, features {:#x}",
        params.sq_entries,
        params.cq_entries,
        driver.ring().features()
    );

    let src = File::open(&src_path)?;
    let dst = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&dst_path)?;
    let started = Instant::now();
    let copied = copy(&mut driver, &src, &dst, FILE_SIZE)?;
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
    nop_burst(&mut driver, nops)?;
    let elapsed = started.elapsed();
    println!(
        "{} NOPs in batches of {}: {:.0} ns per NOP",
        nops,
        QUEUE_DEPTH,
        elapsed.as_nanos() as f64 / f64::from(nops)
    );

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// Copy `len` bytes: each block is read into its own buffer, which then becomes the
/// write's buffer. Up to QUEUE_DEPTH / 2 blocks are in flight. If anything fails, the
/// driver (dropped by the caller) cancels and waits for whatever is still in flight
/// before the buffers are freed.
fn copy(driver: &mut Driver, src: &File, dst: &File, len: usize) -> io::Result<usize> {
    let mut spare: Vec<Vec<u8>> = (0..QUEUE_DEPTH / 2).map(|_| Vec::with_capacity(BLOCK)).collect();
    let (mut next, mut written) = (0usize, 0usize);
    while written < len {
        while next < len {
            let Some(mut buf) = spare.pop() else { break };
            buf.clear();
            let n = BLOCK.min(len - next);
            driver.push(Read::new(src, buf, next as u64).len(n), next as u64)?;
            next += n;
        }
        let done = driver.wait()?;
        let offset = done.tag() & !WRITE;
        if done.tag() & WRITE == 0 {
            let (res, buf) = done
                .output::<Read<Vec<u8>>>()
                .map_err(|_| io::Error::other("unexpected completion"))?;
            if res? as usize != BLOCK.min(len - offset as usize) {
                return Err(io::Error::other("short read"));
            }
            driver.push(Write::new(dst, buf, offset), offset | WRITE)?;
        } else {
            let (res, buf) = done
                .output::<Write<Vec<u8>>>()
                .map_err(|_| io::Error::other("unexpected completion"))?;
            let n = res? as usize;
            if n != buf.len() {
                return Err(io::Error::other("short write"));
            }
            written += n;
            spare.push(buf);
        }
    }
    Ok(written)
}

fn nop_burst(driver: &mut Driver, total: u32) -> io::Result<()> {
    let mut done = 0;
    while done < total {
        let batch = QUEUE_DEPTH.min(total - done);
        for i in 0..batch {
            driver.push(Nop, u64::from(done + i))?;
        }
        driver.submit_and_wait(batch)?;
        for _ in 0..batch {
            let completion = driver.wait()?;
            if completion.result()? != 0 {
                return Err(io::Error::other("a NOP failed"));
            }
        }
        done += batch;
    }
    Ok(())
}
