//! The library version: liburing 2.15 compatible.

/// `IO_URING_VERSION_MAJOR`.
pub const MAJOR: i32 = 2;
/// `IO_URING_VERSION_MINOR`.
pub const MINOR: i32 = 15;

/// `io_uring_check_version`: true when (`major`, `minor`) is NEWER than this library,
/// i.e. true means "too old for what you asked".
pub fn check_version(major: i32, minor: i32) -> bool {
    major > MAJOR || (major == MAJOR && minor > MINOR)
}
