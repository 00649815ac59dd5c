//! SQE preparers (`io_uring_prep_*`), written once and used by both the C exports and
//! the Rust API.
//!
//! Every preparer is a plain, safe function on `&mut io_uring_sqe`. They are layered
//! the way liburing layers them:
//!
//! * one base writer, [`rw()`], stores exactly five fields: `opcode`, `fd`, `off`, `addr`
//!   and `len`;
//! * each variant calls it (or another variant) and then stores the one or two fields
//!   that make it special (`rw_flags`, `buf_index`, `msg_flags`, ...);
//! * the `*_direct` variants store a direct-descriptor slot as `index + 1` through one
//!   private helper, which passes `IORING_FILE_INDEX_ALLOC` through unchanged;
//! * the multishot variants OR a bit into `ioprio`.
//!
//! Preparers do **not** clear the fields they do not own: [`initialize_sqe`] (called by
//! `io_uring_get_sqe`) does that, exactly as in liburing 2.15. `user_data` is left to
//! the caller (see [`sqe_set_data64`]).
//!
//! Pointer arguments are taken as raw pointers and only stored, as integers; nothing
//! here dereferences them. Whatever they point to must stay valid until the operation
//! completes: that is the caller's business (the safe Rust API tracks it).

use crate::sys::{io_uring_sqe, IORING_FILE_INDEX_ALLOC};

mod buffers;
mod cancel;
mod cmd;
mod fs;
mod helpers;
mod msg;
mod net;
mod poll;
mod recvmsg;
mod rw;
mod sync;
mod timeout;
mod xattr;

pub use buffers::*;
pub use cancel::*;
pub use cmd::*;
pub use fs::*;
pub use helpers::*;
pub use msg::*;
pub use net::*;
pub use poll::*;
pub use recvmsg::*;
pub use rw::*;
pub use sync::*;
pub use timeout::*;
pub use xattr::*;

/// The base writer every preparer builds on: stores `opcode`, `fd`, `off`, `addr` and
/// `len`, and nothing else.
#[doc(alias = "io_uring_prep_rw")]
#[inline]
pub fn rw(op: u8, sqe: &mut io_uring_sqe, fd: i32, addr: u64, len: u32, off: u64) {
    sqe.opcode = op;
    sqe.fd = fd;
    sqe.off.off = off;
    sqe.addr.addr = addr;
    sqe.len = len;
}

/// Reset the fields a preparer does not own (`flags`, `ioprio`, `rw_flags`, `buf_index`,
/// `personality`, `file_index`, `addr3` and `__pad2[0]`), as `io_uring_get_sqe` does
/// for every SQE it hands out. `user_data` is left alone.
#[doc(alias = "io_uring_initialize_sqe")]
#[inline]
pub fn initialize_sqe(sqe: &mut io_uring_sqe) {
    sqe.flags = 0;
    sqe.ioprio = 0;
    sqe.op_flags.rw_flags = 0;
    sqe.buf.buf_index = 0;
    sqe.personality = 0;
    sqe.file.file_index = 0;
    sqe.tail.addr3.addr3 = 0;
    sqe.tail.addr3.__pad2 = [0];
}

/// A pointer as the integer the kernel expects in an SQE address slot.
#[inline]
pub(crate) fn ptr_to_u64<T: ?Sized>(ptr: *const T) -> u64 {
    ptr.cast::<u8>() as usize as u64
}

/// Store a direct-descriptor slot: the kernel reads `file_index` as `slot + 1` (0 means
/// "no direct descriptor"). The addition wraps like C's unsigned arithmetic.
///
/// liburing's header-local `__io_uring_set_target_fixed_file`; the `*_direct`
/// preparers use it (through a helper that passes `IORING_FILE_INDEX_ALLOC` through).
#[doc(alias = "__io_uring_set_target_fixed_file")]
#[inline]
pub fn set_target_fixed_file(sqe: &mut io_uring_sqe, file_index: u32) {
    sqe.file.file_index = file_index.wrapping_add(1);
}

/// Like [`set_target_fixed_file`], except that `IORING_FILE_INDEX_ALLOC` ("let the
/// kernel pick a free slot") is stored unchanged instead of wrapping to 0.
#[inline]
pub(crate) fn set_direct_slot(sqe: &mut io_uring_sqe, file_index: u32) {
    let slot = if file_index == IORING_FILE_INDEX_ALLOC {
        file_index - 1
    } else {
        file_index
    };
    set_target_fixed_file(sqe, slot);
}

// Run by `cargo test -p uring`; not again in the C library's test binaries, which compile
// these files too (tests/support/c_library.rs; the `uring_c_library` cfg is set by build.rs).
#[cfg(all(test, not(uring_c_library)))]
mod tests {
    use std::prelude::rust_2021::*;

    use super::*;

    #[test]
    fn rw_writes_only_its_five_fields() {
        let mut bytes = [0xA5u8; 64];
        // SAFETY: io_uring_sqe is 64 bytes of plain integers; any bit pattern is valid.
        let mut sqe = unsafe { core::mem::transmute::<[u8; 64], io_uring_sqe>(bytes) };
        rw(0x16, &mut sqe, 7, 0x1122_3344_5566_7788, 0x99, 0xAABB);
        bytes[0] = 0x16;
        bytes[4..8].copy_from_slice(&7i32.to_le_bytes());
        bytes[8..16].copy_from_slice(&0xAABBu64.to_le_bytes());
        bytes[16..24].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
        bytes[24..28].copy_from_slice(&0x99u32.to_le_bytes());
        assert_eq!(sqe.as_bytes(), &bytes);
    }

    #[test]
    fn initialize_clears_exactly_the_get_sqe_fields() {
        let bytes = [0xFFu8; 64];
        // SAFETY: io_uring_sqe is 64 bytes of plain integers; any bit pattern is valid.
        let mut sqe = unsafe { core::mem::transmute::<[u8; 64], io_uring_sqe>(bytes) };
        initialize_sqe(&mut sqe);
        let mut exp = [0xFFu8; 64];
        for r in [1..2, 2..4, 28..32, 40..42, 42..44, 44..48, 48..56, 56..64] {
            exp[r].fill(0);
        }
        assert_eq!(sqe.as_bytes(), &exp);
    }

    #[test]
    fn direct_slot_encoding() {
        let mut sqe = io_uring_sqe::zeroed();
        set_direct_slot(&mut sqe, 0);
        // SAFETY: reading a u32 union member of a plain-integer union.
        assert_eq!(unsafe { sqe.file.file_index }, 1);
        set_direct_slot(&mut sqe, IORING_FILE_INDEX_ALLOC);
        // SAFETY: reading a u32 member of a union of plain integers: any bits are valid.
        assert_eq!(unsafe { sqe.file.file_index }, IORING_FILE_INDEX_ALLOC);
        set_target_fixed_file(&mut sqe, IORING_FILE_INDEX_ALLOC);
        // SAFETY: reading a u32 member of a union of plain integers: any bits are valid.
        assert_eq!(unsafe { sqe.file.file_index }, 0);
        set_target_fixed_file(&mut sqe, 41);
        // SAFETY: the same plain-integer union member as above: any bits are valid.
        assert_eq!(unsafe { sqe.file.file_index }, 42);
    }

    #[test]
    fn poll_mask_is_what_poll32_events_holds() {
        let swap = cfg!(target_endian = "big");
        for m in [0u32, 1, 4, 0x1234_5678, 0xFFFF_0000, 0xFFFF_FFFF] {
            let want = if swap { m.rotate_left(16) } else { m };
            assert_eq!(poll_mask(m), want, "mask {m:#x}");
            let mut sqe = io_uring_sqe::zeroed();
            poll_add(&mut sqe, 3, m);
            // SAFETY: reading a u32 union member of a plain-integer union.
            assert_eq!(unsafe { sqe.op_flags.poll32_events }, want);
        }
        // Little endian (x86_64, aarch64): the mask as it is.
        if !swap {
            assert_eq!(poll_mask(0x1234_5678), 0x1234_5678);
        }
    }
}
