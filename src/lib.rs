//! # uring
//!
//! liburing, rewritten in Rust. One implementation serves three surfaces:
//!
//! * the **C ABI** (`src/ffi/`): a drop-in `liburing.so.2` exporting every liburing
//!   function, including the ones liburing only has as `static inline`;
//! * the **Rust core** (`setup`, `submit`, `cq`, `register`, `prep`, ...): plain functions
//!   on [`ring::io_uring`] returning `Result<_, Errno>`;
//! * the **safe Rust API** ([`Ring`]).
//!
//! Layout: `sys` is the kernel ABI, `ring` liburing's ring structs, `setup` / `submit` /
//! `cq` / `register` the ring core, `prep` the SQE preparers, `ffi` the C shim and `api`
//! the safe Rust API.
//!
//! SAFETY comments argue from invariants named in capitals, each stated once: SET-UP,
//! SQ-OWNER, CQ-OWNER and KERNEL-WORDS on [`ring::io_uring`]; OWNED on [`Ring`];
//! SQE-MEM and ENTER-ARG in [`submit`]; SHARED-WORD in [`barrier`]; REG-ARG in
//! [`register`]; LIVE-BR in [`buf_ring`]; PROBE-SHAPE and PROBE-ALLOC in [`probe`];
//! RECVMSG-BUF with [`prep::recvmsg_validate`]; SYSCALL-ARGS in `sys::syscall` (crate-private); and
//! C-CONTRACT in the (private) `ffi` module.

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

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

mod ffi;

#[cfg(test)]
mod fake_ring;

pub use api::{Builder, Completion, CompletionQueue, Completions, Cqe, Ring, SetupError, Submitter};
pub use errno::Errno;
pub use ext::names::{feature_name, opcode_name, register_op_name, setup_flag_name};
pub use ext::stats::uring_ring_stats as RingStats;
