//! Extensions beyond liburing (C header `include/uring/ext.h`, symbols under the
//! `URING_EXT_1` version node; see docs/extensions.md):
//!
//! * [`names`]: the kernel's names of opcodes, setup flags, features, register opcodes;
//! * [`fallback`]: set-up that drops optional flags the kernel refuses, in a fixed order;
//! * [`stats`]: ring statistics (fill levels, overflow, dropped SQEs, wake-up state);
//! * [`checked`]: checked mode, which validates every SQE before the kernel sees it;
//! * the set-up failure explanation lives in [`crate::diagnose`], shared with `uring-info`.
//!
//! Core code: `core` only, no allocation, no `errno` (raw system calls in [`os`]).

pub mod checked;
pub mod fallback;
pub mod names;
pub mod os;
pub mod stats;
