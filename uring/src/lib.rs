//! # uring
//!
//! liburing, rewritten in Rust. One implementation serves three surfaces:
//!
//! * the **Rust core** (`setup`, `submit`, `cq`, `register`, `prep`, ...): plain functions
//!   on [`ring::io_uring`] returning `Result<_, Errno>`, `no_std`, depending on `libc`
//!   only;
//! * the **safe Rust API** ([`Ring`], behind the default `std` feature);
//! * the **C ABI**: a drop-in `liburing.so.2` exporting every liburing function. It is a
//!   separate package of this repository (the workspace root) that compiles these same
//!   core modules under a thin `extern "C"` shim; nothing of it is built for a Rust user.
//!
//! Layout: `sys` is the kernel ABI, `ring` liburing's ring structs, `setup` / `submit` /
//! `cq` / `register` the ring core, `prep` the SQE preparers and `api` the safe Rust API.
//!
//! # Features
//! * `std` (default): the safe API ([`Ring`], [`Builder`], ...) and the conversion of
//!   [`Errno`] into `std::io::Error`. With `default-features = false` the crate is
//!   `#![no_std]` and offers the core alone, for embedded, musl and no-libc users.
//!
//! SAFETY comments argue from invariants named in capitals, each stated once: SET-UP,
//! SQ-OWNER, CQ-OWNER and KERNEL-WORDS on [`ring::io_uring`]; OWNED on [`Ring`];
//! SQE-MEM and ENTER-ARG in [`submit`]; SHARED-WORD in [`barrier`]; REG-ARG in
//! [`register`]; LIVE-BR in [`buf_ring`]; PROBE-SHAPE and PROBE-ALLOC in [`probe`];
//! RECVMSG-BUF with [`prep::recvmsg_validate`]; SYSCALL-ARGS in `sys::syscall` (crate-private); and
//! C-CONTRACT in the C library's shim (`src/ffi/` of the workspace root).

#![no_std]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

// The safe API (and the core's unit tests) use std's macros (`vec!`, `format!`, ...).
#[cfg(any(feature = "std", test))]
#[macro_use]
extern crate std;

#[cfg(feature = "std")]
pub mod api;
pub mod barrier;
pub mod buf_ring;
pub mod cq;
pub mod diagnose;
pub mod errno;
pub mod ext;
pub mod prep;
pub mod probe;
pub mod register;
pub mod ring;
pub mod setup;
pub mod submit;
pub mod sys;
pub mod version;

#[cfg(test)]
mod fake_ring;

#[cfg(feature = "std")]
pub use api::{Builder, Completion, CompletionQueue, Completions, Cqe, Ring, SetupError, Submitter};
pub use errno::Errno;
pub use ext::names::{feature_name, opcode_name, register_op_name, setup_flag_name};
pub use ext::stats::uring_ring_stats as RingStats;

#[cfg(feature = "std")]
impl From<Errno> for std::io::Error {
    fn from(e: Errno) -> Self {
        std::io::Error::from_raw_os_error(e.0)
    }
}
