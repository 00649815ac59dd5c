//! The kernel ABI, and nothing else: `#[repr(C)]` uapi structures with named unions,
//! every uapi constant, and the raw system calls.
//!
//! The raw system calls (`syscall`) are crate-private: they return the kernel's own
//! `>= 0` / `-errno` convention, which only the C shim (liburing's `io_uring_setup`,
//! `io_uring_enter`, `io_uring_register` exports) passes on as such; the core turns every
//! result into `Result<_, Errno>` right at the call.

pub mod consts;
pub(crate) mod syscall;
pub mod types;

/// A file descriptor, as the kernel and `std::os::fd::RawFd` know it (the core is
/// `no_std`, so it names the type itself).
pub type RawFd = core::ffi::c_int;

pub use consts::*;
pub use types::*;
