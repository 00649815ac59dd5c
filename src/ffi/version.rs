//! C exports: library version.

use super::ctypes::c_int;
use crate::version;

/// Returns the major version of the liburing API this library implements: 2.
///
/// Since liburing 2.4; exported as `io_uring_major_version@@LIBURING_2.4`.
#[no_mangle]
pub extern "C" fn io_uring_major_version() -> c_int {
    version::MAJOR
}

/// Returns the minor version of the liburing API this library implements: 15.
///
/// Since liburing 2.4; exported as `io_uring_minor_version@@LIBURING_2.4`.
#[no_mangle]
pub extern "C" fn io_uring_minor_version() -> c_int {
    version::MINOR
}

/// Returns true if version `major`.`minor` is newer than this library's (2.15), so a
/// program can refuse to run on an older library than it needs; false otherwise. The macro
/// IO_URING_CHECK_VERSION does the same at compile time.
///
/// Since liburing 2.4; exported as `io_uring_check_version@@LIBURING_2.4`.
#[no_mangle]
pub extern "C" fn io_uring_check_version(major: c_int, minor: c_int) -> bool {
    version::check_version(major, minor)
}
