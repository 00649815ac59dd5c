//! SQE preparers (`io_uring_prep_*`), written once and used by both the C exports and
//! the Rust API.
