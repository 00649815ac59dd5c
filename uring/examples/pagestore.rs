//! A database-style page store on io_uring's safe layer: fixed-size pages written with
//! O_DIRECT from registered buffers to a registered file, each write linked to an
//! fdatasync, then the file reopened and every page's checksum verified.
//!
//! `cargo run --release --example pagestore -- FILE [--pages N]`

use std::fs::{File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::process::ExitCode;

use uring::api::owned::{
    ops::{Fsync, ReadFixed, Target, WriteFixed},
    Driver, Options,
};

const PAGE: usize = 4096;
/// Pages in flight (and registered buffers).
const DEPTH: u16 = 16;
/// The registered file's slot.
const FILE: Target = Target::Fixed(0);

const USAGE: &str = "usage: pagestore FILE [--pages N]

Writes N (default 256) checksummed 4 KiB pages to FILE with O_DIRECT, from registered
buffers to a registered file, each write linked to an fdatasync; then reopens FILE and
verifies every page. Falls back to buffered I/O (and says so) if the filesystem refuses
O_DIRECT.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (path, pages) = match args.as_slice() {
        [path] => (path, 256),
        [path, flag, n] if flag == "--pages" => match n.parse::<u64>() {
            Ok(n) if n > 0 => (path, n),
            _ => {
                eprintln!("pagestore: --pages wants a positive number\n{USAGE}");
                return ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(path, pages) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("pagestore: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(path: &str, pages: u64) -> io::Result<bool> {
    let mut direct = true;
    let written = loop {
        let file = match open(path, true, direct) {
            Err(e) if direct && e.raw_os_error() == Some(libc::EINVAL) => {
                println!("pagestore: the filesystem refuses O_DIRECT ({e}); falling back to buffered I/O");
                direct = false;
                continue;
            }
            other => other?,
        };
        match write_pages(&file, pages) {
            // Some filesystems accept the O_DIRECT open and refuse the I/O.
            Err(e) if direct && e.raw_os_error() == Some(libc::EINVAL) => {
                println!("pagestore: O_DIRECT writes refused ({e}); falling back to buffered I/O");
                direct = false;
            }
            other => break other?,
        }
    };
    println!(
        "pagestore: wrote {written} pages of {PAGE} bytes ({}), each write linked to an fdatasync",
        if direct { "O_DIRECT" } else { "buffered" }
    );
    let file = open(path, false, direct)?;
    let bad = verify_pages(&file, pages)?;
    if bad == 0 {
        println!("pagestore: reopened {path} and verified {pages} pages: every checksum matches");
        Ok(true)
    } else {
        println!("pagestore: {bad} of {pages} pages are corrupt");
        Ok(false)
    }
}

fn open(path: &str, create: bool, direct: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true);
    if create {
        options.write(true).create(true).truncate(true);
    }
    if direct {
        options.custom_flags(libc::O_DIRECT);
    }
    options.open(path)
}

/// Page `n`: its number, a payload derived from it, and an FNV-1a checksum at the end.
fn fill_page(n: u64, page: &mut [u8]) {
    page[..8].copy_from_slice(&n.to_le_bytes());
    let mut state = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for chunk in page[8..PAGE - 8].chunks_mut(8) {
        // xorshift64
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
    }
    let sum = fnv1a(&page[..PAGE - 8]);
    page[PAGE - 8..].copy_from_slice(&sum.to_le_bytes());
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A page is intact: its checksum matches and it is the page it should be.
fn page_ok(n: u64, page: &[u8]) -> bool {
    page.len() == PAGE && page[..8] == n.to_le_bytes() && page[PAGE - 8..] == fnv1a(&page[..PAGE - 8]).to_le_bytes()
}

/// A driver with `file` registered in slot 0 and DEPTH registered page buffers.
fn setup(file: &File) -> io::Result<(Driver, uring::api::owned::FixedBufPool)> {
    let mut driver = Driver::new(2 * u32::from(DEPTH))?;
    driver.register_files(&[file.as_raw_fd()])?;
    let pool = driver.register_buffers(DEPTH, PAGE)?;
    Ok((driver, pool))
}

/// Tags: page number << 1, with bit 0 set for the fsync.
fn write_pages(file: &File, pages: u64) -> io::Result<u64> {
    let (mut driver, pool) = setup(file)?;
    let (mut next, mut synced) = (0u64, 0u64);
    while synced < pages {
        while next < pages {
            let Some(mut buf) = pool.take() else { break };
            buf.set_len(PAGE);
            fill_page(next, &mut buf);
            // The fsync starts only once this write has succeeded.
            driver.push_with(
                WriteFixed::new(FILE, buf, next * PAGE as u64),
                next << 1,
                Options::new().link(),
            )?;
            driver.push(Fsync::new(FILE).datasync(), next << 1 | 1)?;
            next += 1;
        }
        let done = driver.wait()?;
        let page = done.tag() >> 1;
        if done.tag() & 1 == 0 {
            let (res, _buf) = done
                .output::<WriteFixed>()
                .map_err(|_| io::Error::other("unexpected completion"))?;
            let n = res?;
            if n as usize != PAGE {
                return Err(io::Error::other(format!("page {page}: short write of {n} bytes")));
            }
            // `_buf` goes back to the pool here.
        } else {
            done.output::<Fsync>()
                .map_err(|_| io::Error::other("unexpected completion"))?
                .map_err(|e| io::Error::new(e.kind(), format!("page {page}: fdatasync: {e}")))?;
            synced += 1;
        }
    }
    Ok(synced)
}

fn verify_pages(file: &File, pages: u64) -> io::Result<u64> {
    let (mut driver, pool) = setup(file)?;
    let (mut next, mut checked, mut bad) = (0u64, 0u64, 0u64);
    while checked < pages {
        while next < pages {
            let Some(buf) = pool.take() else { break };
            driver.push(ReadFixed::new(FILE, buf, next * PAGE as u64), next)?;
            next += 1;
        }
        let done = driver.wait()?;
        let page = done.tag();
        let (res, buf) = done
            .output::<ReadFixed>()
            .map_err(|_| io::Error::other("unexpected completion"))?;
        res?;
        if !page_ok(page, &buf) {
            eprintln!("pagestore: page {page} does not match its checksum");
            bad += 1;
        }
        checked += 1;
    }
    Ok(bad)
}
