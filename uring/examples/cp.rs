//! Copy a file through io_uring's safe layer: a queue of reads and writes with owned
//! buffers, a byte-for-byte check of the copy, and the number of `io_uring_enter(2)`
//! calls it took per MiB.
//!
//! `cargo run --release --example cp -- SRC DST`

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _};
use std::process::ExitCode;
use std::time::Instant;

use uring::api::owned::{
    ops::{Read, Write},
    Driver,
};

const BLOCK: usize = 128 * 1024;
const IN_FLIGHT: usize = 16;
/// Tags: the file offset, with this bit set for writes.
const WRITE: u64 = 1 << 63;

const USAGE: &str = "usage: cp SRC DST

Copies SRC to DST with io_uring (up to 16 reads/writes of 128 KiB in flight), checks
that DST is identical to SRC, and prints how many io_uring_enter calls it took per MiB.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let [src, dst] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(src, dst) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cp: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(src_path: &str, dst_path: &str) -> io::Result<()> {
    let src = File::open(src_path)?;
    let len = src.metadata()?.len();
    let dst = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(dst_path)?;
    let mut driver = Driver::new(2 * IN_FLIGHT as u32)?;

    let started = Instant::now();
    copy(&mut driver, &src, &dst, len)?;
    let elapsed = started.elapsed();
    dst.sync_all()?;

    verify(src_path, dst_path)?;
    let mib = len as f64 / (1024.0 * 1024.0);
    let enters = driver.enter_count();
    println!("copied {len} bytes in {:.1} ms", elapsed.as_secs_f64() * 1e3);
    println!("verified: {dst_path} is identical to {src_path}");
    println!(
        "io_uring_enter calls: {enters} ({:.2} per MiB)",
        if mib > 0.0 { enters as f64 / mib } else { 0.0 }
    );
    Ok(())
}

/// Keep up to IN_FLIGHT blocks moving: each read's buffer, once filled, becomes the
/// write's buffer, and comes back to be read into again.
fn copy(driver: &mut Driver, src: &File, dst: &File, len: u64) -> io::Result<()> {
    let mut spare: Vec<Vec<u8>> = (0..IN_FLIGHT).map(|_| Vec::with_capacity(BLOCK)).collect();
    // Reads in flight: offset -> bytes asked for.
    let mut reading = std::collections::HashMap::new();
    let mut next_read = 0u64;
    let mut written = 0u64;
    while written < len {
        while next_read < len {
            let Some(mut buf) = spare.pop() else { break };
            buf.clear();
            let want = (len - next_read).min(BLOCK as u64) as usize;
            buf.reserve_exact(want);
            driver.push(Read::new(src, buf, next_read).len(want), next_read)?;
            reading.insert(next_read, want);
            next_read += want as u64;
        }
        let done = driver.wait()?;
        let tag = done.tag();
        if tag & WRITE == 0 {
            let want = reading.remove(&tag).unwrap_or(0);
            let (n, buf) = done
                .output::<Read<Vec<u8>>>()
                .map_err(|_| io::Error::other("unexpected completion"))?;
            let n = n? as usize;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "source shrank while copying",
                ));
            }
            if n < want {
                // A short read: write what came, read the rest of the block again.
                let rest = Vec::with_capacity(want - n);
                let at = tag + n as u64;
                driver.push(Read::new(src, rest, at).len(want - n), at)?;
                reading.insert(at, want - n);
            }
            driver.push(Write::new(dst, buf, tag), tag | WRITE)?;
        } else {
            let offset = tag & !WRITE;
            let (n, mut buf) = done
                .output::<Write<Vec<u8>>>()
                .map_err(|_| io::Error::other("unexpected completion"))?;
            let n = n? as usize;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    "the destination took no bytes",
                ));
            }
            written += n as u64;
            if n < buf.len() {
                buf.drain(..n);
                let at = offset + n as u64;
                driver.push(Write::new(dst, buf, at), at | WRITE)?;
            } else if buf.capacity() >= BLOCK {
                spare.push(buf);
            }
        }
    }
    Ok(())
}

/// Compare the two files block by block.
fn verify(a: &str, b: &str) -> io::Result<()> {
    let (mut a_file, mut b_file) = (File::open(a)?, File::open(b)?);
    let (mut a_buf, mut b_buf) = (vec![0u8; BLOCK], vec![0u8; BLOCK]);
    let mut offset = 0u64;
    loop {
        let n = read_full(&mut a_file, &mut a_buf)?;
        let m = read_full(&mut b_file, &mut b_buf)?;
        if n != m || a_buf[..n] != b_buf[..m] {
            return Err(io::Error::other(format!(
                "the copy differs from the source near offset {offset}"
            )));
        }
        if n == 0 {
            return Ok(());
        }
        offset += n as u64;
    }
}

fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}
