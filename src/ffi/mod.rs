//! The C ABI: the only place with `extern "C"`.
//!
//! Each function is one line of work: turn pointers into references (a NULL ring or
//! SQE gives `-EINVAL`/`-EFAULT` or a no-op instead of a crash), call the Rust core, and
//! map `Result<_, Errno>` to `-errno`. No logic lives here.

pub mod ctypes;

mod buf_ring;
mod cq;
mod helpers;
mod prep;
mod probe;
mod register;
mod setup;
mod submit;
mod syscall;
mod version;
