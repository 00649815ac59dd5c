//! The memory-ordering primitives shared ring words are accessed with (our `barrier.h`).
//!
//! Ring words are written by the kernel concurrently with us, so they are only ever
//! touched through atomics. Each call site states what it pairs with on the kernel side.
//!
//! # Invariant
//!
//! Every function here is `unsafe` for the same reason, stated once:
//!
//! * **SHARED-WORD**: `p` is non-null, aligned to the size of the word it names (4 bytes,
//!   2 for the `_u16` forms), and points into memory that stays mapped for the whole call
//!   (a ring mapping or a provided-buffer ring). Every access to that word, by us, by
//!   another thread or by the kernel, is atomic and of the same size, so viewing it as an
//!   `AtomicU32`/`AtomicU16` for the call cannot race with a plain access.
//!
//! Callers argue SHARED-WORD from the ring's SET-UP and KERNEL-WORDS invariants (see
//! [`crate::ring::io_uring`]) or from a live buffer ring (LIVE-BR, [`crate::buf_ring`]).

use core::sync::atomic::{fence, AtomicU16, AtomicU32, Ordering};

/// View a shared ring word as an atomic.
///
/// # Safety
/// `p` must satisfy SHARED-WORD (4-byte word) for as long as the result is used.
#[inline(always)]
unsafe fn word<'a>(p: *const u32) -> &'a AtomicU32 {
    // SAFETY: SHARED-WORD: `p` is non-null, 4-byte aligned (AtomicU32's alignment) and
    // live, and the word is only ever accessed atomically, which is what
    // `AtomicU32::from_ptr` requires; AtomicU32 has u32's size and layout.
    unsafe { AtomicU32::from_ptr(p as *mut u32) }
}

/// View a shared 16-bit word as an atomic.
///
/// # Safety
/// `p` must satisfy SHARED-WORD (2-byte word) for as long as the result is used.
#[inline(always)]
unsafe fn half_word<'a>(p: *const u16) -> &'a AtomicU16 {
    // SAFETY: SHARED-WORD: `p` is non-null, 2-byte aligned (AtomicU16's alignment) and
    // live, and the word is only ever accessed atomically, which is what
    // `AtomicU16::from_ptr` requires; AtomicU16 has u16's size and layout.
    unsafe { AtomicU16::from_ptr(p as *mut u16) }
}

/// Acquire load (`io_uring_smp_load_acquire`).
///
/// # Safety
/// `p` must satisfy SHARED-WORD (4-byte word).
#[inline(always)]
pub unsafe fn load_acquire(p: *const u32) -> u32 {
    // SAFETY: SHARED-WORD, passed on from this function's contract.
    unsafe { word(p) }.load(Ordering::Acquire)
}

/// Release store (`io_uring_smp_store_release`).
///
/// # Safety
/// `p` must satisfy SHARED-WORD (4-byte word).
#[inline(always)]
pub unsafe fn store_release(p: *mut u32, v: u32) {
    // SAFETY: SHARED-WORD, passed on from this function's contract.
    unsafe { word(p) }.store(v, Ordering::Release)
}

/// Relaxed load (`IO_URING_READ_ONCE`).
///
/// # Safety
/// `p` must satisfy SHARED-WORD (4-byte word).
#[inline(always)]
pub unsafe fn read_once(p: *const u32) -> u32 {
    // SAFETY: SHARED-WORD, passed on from this function's contract.
    unsafe { word(p) }.load(Ordering::Relaxed)
}

/// Relaxed store (`IO_URING_WRITE_ONCE`).
///
/// # Safety
/// `p` must satisfy SHARED-WORD (4-byte word).
#[inline(always)]
pub unsafe fn write_once(p: *mut u32, v: u32) {
    // SAFETY: SHARED-WORD, passed on from this function's contract.
    unsafe { word(p) }.store(v, Ordering::Relaxed)
}

/// Release store of a 16-bit word (the provided-buffer ring tail).
///
/// # Safety
/// `p` must satisfy SHARED-WORD (2-byte word).
#[inline(always)]
pub unsafe fn store_release_u16(p: *mut u16, v: u16) {
    // SAFETY: SHARED-WORD, passed on from this function's contract.
    unsafe { half_word(p) }.store(v, Ordering::Release)
}

/// Relaxed load of a 16-bit word.
///
/// # Safety
/// `p` must satisfy SHARED-WORD (2-byte word).
#[inline(always)]
pub unsafe fn read_once_u16(p: *const u16) -> u16 {
    // SAFETY: SHARED-WORD, passed on from this function's contract.
    unsafe { half_word(p) }.load(Ordering::Relaxed)
}

/// Full sequentially consistent fence (`io_uring_smp_mb`).
#[inline(always)]
pub fn smp_mb() {
    fence(Ordering::SeqCst);
}
