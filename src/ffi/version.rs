//! C exports: library version.

use crate::version;

/// liburing: `int io_uring_major_version(void)`.
#[no_mangle]
pub extern "C" fn io_uring_major_version() -> i32 {
    version::MAJOR
}

/// liburing: `int io_uring_minor_version(void)`.
#[no_mangle]
pub extern "C" fn io_uring_minor_version() -> i32 {
    version::MINOR
}

/// liburing: `bool io_uring_check_version(int major, int minor)`.
#[no_mangle]
pub extern "C" fn io_uring_check_version(major: i32, minor: i32) -> bool {
    version::check_version(major, minor)
}
