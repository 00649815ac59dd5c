//! The kernel ABI, and nothing else: `#[repr(C)]` uapi structures with named unions,
//! every uapi constant, and the raw system calls.

pub mod consts;
pub mod syscall;
pub mod types;

pub use consts::*;
pub use types::*;
