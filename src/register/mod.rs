//! `io_uring_register(2)` wrappers.
