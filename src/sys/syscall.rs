//! Raw system calls.
//!
//! liburing issues the `syscall` instruction itself on x86_64 and aarch64, so the kernel's
//! `-errno` comes back as the return value and the C `errno` is never touched. We do the
//! same: every function here returns the raw kernel result (`>= 0` or `-errno`).
//! On other architectures we go through libc's `syscall()` and restore `errno`.

use core::ffi::c_void;

use super::types::io_uring_params;

/// Issue a system call with up to six arguments and return the raw kernel result.
///
/// # Safety
/// The caller must pass arguments that are valid for system call `nr` (pointers that
/// the kernel may read or write, with the lengths it will use).
#[inline]
pub unsafe fn raw6(nr: i64, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize, a6: usize) -> isize {
    #[cfg(target_arch = "x86_64")]
    {
        let ret: isize;
        // SAFETY: the x86_64 Linux syscall ABI: number in rax, arguments in rdi, rsi, rdx,
        // r10, r8, r9; the kernel clobbers rcx and r11 and returns in rax. Memory effects
        // are the caller's contract (see # Safety), so no `nomem`/`readonly` option.
        core::arch::asm!(
            "syscall",
            inlateout("rax") nr as isize => ret,
            in("rdi") a1, in("rsi") a2, in("rdx") a3,
            in("r10") a4, in("r8") a5, in("r9") a6,
            lateout("rcx") _, lateout("r11") _,
            options(nostack)
        );
        ret
    }
    #[cfg(target_arch = "aarch64")]
    {
        let ret: isize;
        // SAFETY: the aarch64 Linux syscall ABI: number in x8, arguments in x0..x5, result
        // in x0. Memory effects are the caller's contract (see # Safety).
        core::arch::asm!(
            "svc 0",
            in("x8") nr,
            inlateout("x0") a1 as isize => ret,
            in("x1") a2, in("x2") a3, in("x3") a4, in("x4") a5, in("x5") a6,
            options(nostack)
        );
        ret
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        let errno = libc::__errno_location();
        // SAFETY: errno_location always returns this thread's errno slot.
        let saved = *errno;
        // SAFETY: arguments as the caller promised.
        let r = libc::syscall(nr as libc::c_long, a1, a2, a3, a4, a5, a6) as isize;
        let out = if r == -1 { -(*errno as isize) } else { r };
        *errno = saved;
        out
    }
}

/// `io_uring_setup(2)`.
///
/// # Safety
/// `p` must point to a writable `io_uring_params` (or be NULL, which the kernel rejects).
#[inline]
pub unsafe fn io_uring_setup(entries: u32, p: *mut io_uring_params) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { raw6(libc::SYS_io_uring_setup, entries as usize, p as usize, 0, 0, 0, 0) as i32 }
}

/// `io_uring_enter(2)` with an explicit argument size (the `enter2` form).
///
/// # Safety
/// `arg` must be NULL or point to `size` readable bytes of what `flags` says it is.
#[inline]
pub unsafe fn io_uring_enter(
    fd: u32,
    to_submit: u32,
    min_complete: u32,
    flags: u32,
    arg: *const c_void,
    size: usize,
) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        raw6(
            libc::SYS_io_uring_enter,
            fd as usize,
            to_submit as usize,
            min_complete as usize,
            flags as usize,
            arg as usize,
            size,
        ) as i32
    }
}

/// `io_uring_register(2)`.
///
/// # Safety
/// `arg` must be valid for `opcode` with `nr_args`.
#[inline]
pub unsafe fn io_uring_register(fd: u32, opcode: u32, arg: *const c_void, nr_args: u32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe {
        raw6(
            libc::SYS_io_uring_register,
            fd as usize,
            opcode as usize,
            arg as usize,
            nr_args as usize,
            0,
            0,
        ) as i32
    }
}

/// `mmap(2)` returning the address or `-errno` (as an `isize`).
///
/// # Safety
/// As for mmap: the mapping must not replace memory still in use (we never pass MAP_FIXED
/// over live memory).
#[inline]
pub unsafe fn mmap(
    addr: *mut c_void,
    len: usize,
    prot: i32,
    flags: i32,
    fd: i32,
    off: u64,
) -> Result<*mut c_void, i32> {
    // SAFETY: forwarded caller contract.
    let r = unsafe {
        raw6(
            libc::SYS_mmap,
            addr as usize,
            len,
            prot as usize,
            flags as usize,
            fd as isize as usize,
            off as usize,
        )
    };
    if (-4095..0).contains(&r) {
        Err(r as i32)
    } else {
        Ok(r as *mut c_void)
    }
}

/// `munmap(2)`.
///
/// # Safety
/// `[addr, addr+len)` must be a mapping nothing references any more.
#[inline]
pub unsafe fn munmap(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { raw6(libc::SYS_munmap, addr as usize, len, 0, 0, 0, 0) as i32 }
}

/// `madvise(2)`.
///
/// # Safety
/// `[addr, addr+len)` must be mapped memory; advice values that discard data must only
/// be used on memory the caller owns.
#[inline]
pub unsafe fn madvise(addr: *mut c_void, len: usize, advice: i32) -> i32 {
    // SAFETY: forwarded caller contract.
    unsafe { raw6(libc::SYS_madvise, addr as usize, len, advice as usize, 0, 0, 0) as i32 }
}

/// `close(2)` returning `0` or `-errno`, leaving `errno` alone.
pub fn close(fd: i32) -> i32 {
    // SAFETY: closing a descriptor has no memory effects on this process.
    unsafe { raw6(libc::SYS_close, fd as isize as usize, 0, 0, 0, 0, 0) as i32 }
}
