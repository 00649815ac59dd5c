// The C library's code, compiled into a Rust test binary: the core's source files and the
// `extern "C"` shim, as src/lib.rs declares them (tests/exports.rs checks the lists agree).
//
// A test that calls the C ABI in-process does `include!("support/c_library.rs");` at its
// crate root: the `#[no_mangle]` functions are then defined in the test binary itself, and
// the shim's `crate::ring`, `crate::sys`, ... paths resolve to these modules. (The C
// library package builds only liburing.so and liburing.a, which a Rust test cannot link.)
// Paths are relative to this file (tests/support/), as rustc resolves them.

#[path = "../../uring/src/barrier.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod barrier;
#[path = "../../uring/src/buf_ring.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod buf_ring;
#[path = "../../uring/src/cq.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod cq;
#[path = "../../uring/src/diagnose.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod diagnose;
#[path = "../../uring/src/errno.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod errno;
#[path = "../../uring/src/ext/mod.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod ext;
#[path = "../../uring/src/prep/mod.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod prep;
#[path = "../../uring/src/probe.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod probe;
#[path = "../../uring/src/register/mod.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod register;
#[path = "../../uring/src/ring.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod ring;
#[path = "../../uring/src/setup.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod setup;
#[path = "../../uring/src/submit.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod submit;
#[path = "../../uring/src/sys/mod.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod sys;
#[path = "../../uring/src/version.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod version;

#[path = "../../src/ffi/mod.rs"]
#[allow(dead_code, unused_imports, clippy::all)]
pub mod ffi;
