//! The safe layer's extra cost per operation: the same NOP (or 4 KiB page-cache read)
//! loop through the raw ring (`uring::Ring` + `uring::prep`, unsafe submit) and through
//! the safe layer (`uring::api::owned::Driver`, owned buffers).
//!
//! ```text
//! safe_overhead nop  <raw|safe> <batch> <ops>
//! safe_overhead read <raw|safe> <batch> <ops> <file>
//! ```
//!
//! Meant for callgrind (`bench/safe_overhead.sh` runs it at two operation counts and
//! divides the difference, so setup cancels out). Prints `RESULT ops_per_sec`; a wrong
//! completion prints `FAIL: ...` and exits 1.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::process::exit;
use std::time::Instant;

use uring::api::owned::{
    ops::{Nop, Read},
    Driver,
};
use uring::{prep, Ring};

const ENTRIES: u32 = 128;
const BS: usize = 4096;

fn fail(what: &str) -> ! {
    eprintln!("FAIL[safe_overhead]: {what}");
    exit(1)
}

fn raw(batch: u32, ops: u64, file: Option<&File>) {
    let mut ring = Ring::new(ENTRIES).unwrap_or_else(|_| fail("Ring::new"));
    let mut bufs = vec![vec![0u8; BS]; batch as usize];
    let mut done = 0u64;
    while done < ops {
        for (i, buf) in bufs.iter_mut().enumerate() {
            let sqe = ring.get_sqe().unwrap_or_else(|| fail("SQ full"));
            match file {
                Some(f) => prep::read(sqe, f.as_raw_fd(), buf.as_mut_ptr().cast(), BS as u32, ((done + i as u64) % 256) * BS as u64),
                None => prep::nop(sqe),
            }
            sqe.user_data = i as u64;
        }
        // SAFETY: NOPs reference no memory; reads point into `bufs`, which outlives
        // every completion (all are reaped before the next batch).
        unsafe { ring.submit_and_wait(batch) }.unwrap_or_else(|_| fail("submit_and_wait"));
        let mut got = 0;
        while got < batch {
            for cqe in ring.completions() {
                let want = if file.is_some() { BS as i32 } else { 0 };
                if cqe.res() != want {
                    fail("bad result");
                }
                got += 1;
            }
        }
        done += u64::from(batch);
    }
}

fn safe(batch: u32, ops: u64, file: Option<&File>) {
    let mut driver = Driver::new(ENTRIES).unwrap_or_else(|_| fail("Driver::new"));
    let mut spare: Vec<Vec<u8>> = (0..batch).map(|_| Vec::with_capacity(BS)).collect();
    let mut done = 0u64;
    while done < ops {
        for i in 0..u64::from(batch) {
            let pushed = match file {
                Some(f) => {
                    let buf = spare.pop().unwrap_or_else(|| fail("no spare buffer"));
                    driver.push(Read::new(f, buf, ((done + i) % 256) * BS as u64), i).is_ok()
                }
                None => driver.push(Nop, i).is_ok(),
            };
            if !pushed {
                fail("push");
            }
        }
        driver.submit_and_wait(batch).unwrap_or_else(|_| fail("submit_and_wait"));
        let mut got = 0;
        while got < batch {
            for d in driver.ready() {
                if file.is_some() {
                    let (res, buf) = d.output::<Read<Vec<u8>>>().unwrap_or_else(|_| fail("not a read"));
                    if res.ok() != Some(BS as u32) {
                        fail("bad read");
                    }
                    spare.push(buf);
                } else if !matches!(d.output::<Nop>(), Ok(Ok(0))) {
                    fail("bad nop");
                }
                got += 1;
            }
        }
        done += u64::from(batch);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, layer, batch, ops) = match args.as_slice() {
        [m, l, b, o, ..] => (m.as_str(), l.as_str(), b.parse::<u32>(), o.parse::<u64>()),
        _ => fail("usage: safe_overhead <nop|read> <raw|safe> <batch> <ops> [file]"),
    };
    let (Ok(batch), Ok(ops)) = (batch, ops) else { fail("batch and ops are numbers") };
    if batch == 0 || batch > ENTRIES {
        fail("batch must be 1..=128");
    }
    let file = match mode {
        "nop" => None,
        "read" => Some(File::open(args.get(4).unwrap_or_else(|| fail("read needs a file"))).unwrap_or_else(|_| fail("open"))),
        _ => fail("mode is nop or read"),
    };
    let ops = ops.div_ceil(u64::from(batch)) * u64::from(batch);
    let started = Instant::now();
    match layer {
        "raw" => raw(batch, ops, file.as_ref()),
        "safe" => safe(batch, ops, file.as_ref()),
        _ => fail("layer is raw or safe"),
    }
    println!("RESULT {:.0}", ops as f64 / started.elapsed().as_secs_f64());
}
