//! liburing.so / liburing.a: the C library.
//!
//! This crate is the `extern "C"` shim (`ffi`, the only place with `extern "C"`) over the
//! Rust core of the `uring` crate. It compiles the core's source files (`uring/src/`) as
//! its own modules rather than depending on the `uring` package: a dependency would share
//! one build of `uring` with every other workspace member, and Cargo's feature
//! unification would then switch on `uring`'s default `std` feature here too, linking
//! Rust's standard library (its unwinder, backtrace symbolizer and thread-locals) into a
//! C library that needs none of it. docs/architecture.md has the measurements.
//!
//! The library is `#![no_std]`: it needs `core` and the system call interface only. A
//! panic cannot unwind across `extern "C"`, and no C path of the core is meant to panic;
//! should one anyway, the panic handler below aborts the process, as a failed assertion
//! in a C library would.

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

// `cargo clippy --all-targets` checks the core's unit tests in this crate too; they use
// std (the tests themselves run in the `uring` package).
#[cfg(test)]
#[macro_use]
extern crate std;

// The core's source files, compiled as this crate's own modules (see above), and the
// shim. tests/support/c_library.rs repeats this list for the Rust tests that call the C
// ABI in-process; tests/exports.rs checks that the two lists agree.
#[path = "../uring/src/barrier.rs"]
pub mod barrier;
#[path = "../uring/src/buf_ring.rs"]
pub mod buf_ring;
#[path = "../uring/src/cq.rs"]
pub mod cq;
#[path = "../uring/src/diagnose.rs"]
pub mod diagnose;
#[path = "../uring/src/errno.rs"]
pub mod errno;
#[path = "../uring/src/ext/mod.rs"]
pub mod ext;
#[path = "../uring/src/prep/mod.rs"]
pub mod prep;
#[path = "../uring/src/probe.rs"]
pub mod probe;
#[path = "../uring/src/register/mod.rs"]
pub mod register;
#[path = "../uring/src/ring.rs"]
pub mod ring;
#[path = "../uring/src/setup.rs"]
pub mod setup;
#[path = "../uring/src/submit.rs"]
pub mod submit;
#[path = "../uring/src/sys/mod.rs"]
pub mod sys;
#[path = "../uring/src/version.rs"]
pub mod version;

pub mod ffi;

/// Abort on a panic: the C library has no unwinder and no stderr of its own to print to.
#[cfg(not(test))]
#[panic_handler]
fn abort_on_panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    // SAFETY: abort(3) has no preconditions; it ends the process without unwinding.
    unsafe { libc::abort() }
}
