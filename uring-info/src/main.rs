//! `uring-info`: what io_uring can do on this machine, why it cannot when it cannot, and
//! a self-test of the C library (`liburing.so`). See docs/uring-info.md.
//!
//! Exit status: 0 io_uring is usable, 1 it is not, 2 bad command line, 3 usable but a
//! self-test check of the C library failed.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

mod capabilities;
mod diagnose;
mod json;
mod names;
mod report;
mod selftest;
mod system;

use std::process::ExitCode;

const USAGE: &str = "\
usage: uring-info [--json] [--no-selftest]

Reports what io_uring can do on this machine: kernel, whether io_uring works for this
process (and if not, why and what to do), feature bits, setup flags, opcodes, register
operations, ring size limits; then runs a self-test through liburing.so.

  --json          print the report as JSON (schema: docs/uring-info.md)
  --no-selftest   skip the self-test of the C library
  -h, --help      this text

Environment:
  URING_LIB=PATH             the liburing.so to self-test (default: liburing.so.2 or
                             liburing.so next to this program, then the system's)
  URING_INFO_SYSCTL_DIR=DIR  read io_uring_disabled and io_uring_group from DIR instead
                             of /proc/sys/kernel (for testing the diagnosis)

Exit status: 0 io_uring is usable, 1 it is not, 2 bad usage, 3 the self-test failed.";

/// The number of open file descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn main() -> ExitCode {
    let mut as_json = false;
    let mut selftest = true;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => as_json = true,
            "--no-selftest" => selftest = false,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("uring-info: unknown argument {other:?}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let fds = open_fds();
    let report = report::Report::gather(selftest);
    // Every ring, file and socket the report opens is closed again; a difference here is
    // a bug in this program (or the library under test), worth a loud line.
    let left = open_fds().saturating_sub(fds);
    if left > 0 {
        eprintln!("uring-info: internal error: {left} file descriptor(s) left open by the report");
    }
    if as_json {
        println!("{}", report.to_json().to_pretty());
    } else {
        print!("{}", report.to_text());
    }
    ExitCode::from(report.exit_code())
}
