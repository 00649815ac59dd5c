//! The memory-ordering primitives shared ring words are accessed with (our `barrier.h`).
//!
//! Ring words are written by the kernel concurrently with us, so they are only ever
//! touched through atomics. Each call site states what it pairs with on the kernel side.

use core::sync::atomic::{fence, AtomicU16, AtomicU32, Ordering};

/// View a shared ring word as an atomic.
///
/// # Safety
/// `p` must be non-null, 4-byte aligned and point into a live ring mapping.
#[inline(always)]
unsafe fn word<'a>(p: *const u32) -> &'a AtomicU32 {
    // SAFETY: AtomicU32 has the same layout as u32; validity is the caller's contract.
    unsafe { AtomicU32::from_ptr(p as *mut u32) }
}

/// Acquire load (`io_uring_smp_load_acquire`).
///
/// # Safety
/// `p` must be non-null, 4-byte aligned and point into a live ring mapping.
#[inline(always)]
pub unsafe fn load_acquire(p: *const u32) -> u32 {
    // SAFETY: caller contract.
    unsafe { word(p) }.load(Ordering::Acquire)
}

/// Release store (`io_uring_smp_store_release`).
///
/// # Safety
/// `p` must be non-null, 4-byte aligned and point into a live ring mapping.
#[inline(always)]
pub unsafe fn store_release(p: *mut u32, v: u32) {
    // SAFETY: caller contract.
    unsafe { word(p) }.store(v, Ordering::Release)
}

/// Relaxed load (`IO_URING_READ_ONCE`).
///
/// # Safety
/// `p` must be non-null, 4-byte aligned and point into a live ring mapping.
#[inline(always)]
pub unsafe fn read_once(p: *const u32) -> u32 {
    // SAFETY: caller contract.
    unsafe { word(p) }.load(Ordering::Relaxed)
}

/// Relaxed store (`IO_URING_WRITE_ONCE`).
///
/// # Safety
/// `p` must be non-null, 4-byte aligned and point into a live ring mapping.
#[inline(always)]
pub unsafe fn write_once(p: *mut u32, v: u32) {
    // SAFETY: caller contract.
    unsafe { word(p) }.store(v, Ordering::Relaxed)
}

/// Release store of a 16-bit word (the provided-buffer ring tail).
///
/// # Safety
/// `p` must be non-null, 2-byte aligned and point into live shared memory.
#[inline(always)]
pub unsafe fn store_release_u16(p: *mut u16, v: u16) {
    // SAFETY: AtomicU16 has u16's layout; validity is the caller's contract.
    unsafe { AtomicU16::from_ptr(p) }.store(v, Ordering::Release)
}

/// Relaxed load of a 16-bit word.
///
/// # Safety
/// As for [`store_release_u16`].
#[inline(always)]
pub unsafe fn read_once_u16(p: *const u16) -> u16 {
    // SAFETY: as above.
    unsafe { AtomicU16::from_ptr(p as *mut u16) }.load(Ordering::Relaxed)
}

/// Full sequentially consistent fence (`io_uring_smp_mb`).
#[inline(always)]
pub fn smp_mb() {
    fence(Ordering::SeqCst);
}
