//! Raw system calls.
//!
//! liburing issues the `syscall` instruction itself on x86_64 and aarch64, so the kernel's
//! `-errno` comes back as the return value and the C `errno` is never touched. We do the
//! same: every function here returns the raw kernel result (`>= 0` or `-errno`).
//! On other architectures we go through libc's `syscall()` and restore `errno`.
//!
//! # Invariant
//!
//! The kernel reads and writes our memory through the arguments, so every wrapper but
//! `close` is `unsafe` for one reason, stated once:
//!
//! * **SYSCALL-ARGS**: every argument the system call interprets as a user address is
//!   NULL (where the call accepts that) or valid, for the whole call, for the reads and
//!   writes that call makes through it given the other arguments (lengths, counts,
//!   flags); and memory whose mapping the call changes (`munmap`, `mmap` over an
//!   existing range, a discarding `madvise`) is not used by anything any more.
//!
//! Each wrapper's `# Safety` section spells SYSCALL-ARGS out for its call.

use core::ffi::c_void;

use super::types::io_uring_params;

/// Issue a system call with up to six arguments and return the raw kernel result.
///
/// # Safety
/// SYSCALL-ARGS for system call `nr`: pointers the kernel may read or write are valid
/// for the lengths it will use.
#[inline]
pub unsafe fn raw6(nr: i64, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize, a6: usize) -> isize {
    #[cfg(target_arch = "x86_64")]
    {
        let ret: isize;
        // SAFETY: the x86_64 Linux syscall ABI: number in rax, arguments in rdi, rsi, rdx,
        // r10, r8, r9; the kernel clobbers rcx and r11, returns in rax and touches no user
        // stack. Its memory effects are sound by SYSCALL-ARGS (this function's contract),
        // so there is no `nomem`/`readonly` option.
        unsafe {
            core::arch::asm!(
                "syscall",
                inlateout("rax") nr as isize => ret,
                in("rdi") a1, in("rsi") a2, in("rdx") a3,
                in("r10") a4, in("r8") a5, in("r9") a6,
                lateout("rcx") _, lateout("r11") _,
                options(nostack)
            )
        };
        ret
    }
    #[cfg(target_arch = "aarch64")]
    {
        let ret: isize;
        // SAFETY: the aarch64 Linux syscall ABI: number in x8, arguments in x0..x5, result
        // in x0, no user stack touched. Its memory effects are sound by SYSCALL-ARGS (this
        // function's contract).
        unsafe {
            core::arch::asm!(
                "svc 0",
                in("x8") nr,
                inlateout("x0") a1 as isize => ret,
                in("x1") a2, in("x2") a3, in("x3") a4, in("x4") a5, in("x5") a6,
                options(nostack)
            )
        };
        ret
    }
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    {
        // SAFETY: `__errno_location` has no preconditions.
        let errno = unsafe { libc::__errno_location() };
        // SAFETY: `errno` is this thread's errno slot, live and aligned for the thread's
        // lifetime, and only this thread accesses it.
        let saved = unsafe { *errno };
        // SAFETY: SYSCALL-ARGS for `nr`, by this function's contract.
        let r = unsafe { libc::syscall(nr as libc::c_long, a1, a2, a3, a4, a5, a6) } as isize;
        // SAFETY: `errno` is this thread's live errno slot (see `saved`).
        let out = if r == -1 { -(unsafe { *errno } as isize) } else { r };
        // SAFETY: `errno` is this thread's live errno slot (see `saved`); restoring it
        // keeps errno untouched for our callers.
        unsafe { *errno = saved };
        out
    }
}

/// `io_uring_setup(2)`.
///
/// # Safety
/// SYSCALL-ARGS: `p` must point to a writable `io_uring_params` (or be NULL, which the
/// kernel rejects).
#[inline]
pub unsafe fn io_uring_setup(entries: u32, p: *mut io_uring_params) -> i32 {
    // SAFETY: SYSCALL-ARGS: `p` is NULL or one writable io_uring_params, all the kernel
    // reads and writes for io_uring_setup (this function's contract).
    unsafe { raw6(libc::SYS_io_uring_setup, entries as usize, p as usize, 0, 0, 0, 0) as i32 }
}

/// `io_uring_enter(2)` with an explicit argument size (the `enter2` form).
///
/// # Safety
/// SYSCALL-ARGS: `arg` must be NULL or point to `size` readable bytes of what `flags`
/// says it is (and whatever pointers that holds must be valid in turn); SQEs this call
/// submits must reference only memory that stays valid for the kernel's use until their
/// completions (SQE-MEM, see [`crate::submit`]).
#[inline]
pub unsafe fn io_uring_enter(
    fd: u32,
    to_submit: u32,
    min_complete: u32,
    flags: u32,
    arg: *const c_void,
    size: usize,
) -> i32 {
    // SAFETY: SYSCALL-ARGS: `arg` is valid for `flags` and `size`, and the SQEs this
    // enter submits satisfy SQE-MEM, both by this function's contract.
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
/// SYSCALL-ARGS: `arg` must be valid for `opcode` with `nr_args`.
#[inline]
pub unsafe fn io_uring_register(fd: u32, opcode: u32, arg: *const c_void, nr_args: u32) -> i32 {
    // SAFETY: SYSCALL-ARGS: `arg` is valid for `opcode` with `nr_args` by this
    // function's contract; no other argument is an address.
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
/// SYSCALL-ARGS: the mapping must not replace memory still in use (we never pass
/// MAP_FIXED over live memory).
#[inline]
pub unsafe fn mmap(
    addr: *mut c_void,
    len: usize,
    prot: i32,
    flags: i32,
    fd: i32,
    off: u64,
) -> Result<*mut c_void, i32> {
    // SAFETY: SYSCALL-ARGS: mmap reads and writes no memory through its arguments, and
    // by this function's contract the new mapping replaces nothing still in use.
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
/// SYSCALL-ARGS: `[addr, addr+len)` must be a mapping nothing references any more.
#[inline]
pub unsafe fn munmap(addr: *mut c_void, len: usize) -> i32 {
    // SAFETY: SYSCALL-ARGS: nothing uses `[addr, addr+len)` any more (this function's
    // contract), so removing the mapping leaves no dangling use.
    unsafe { raw6(libc::SYS_munmap, addr as usize, len, 0, 0, 0, 0) as i32 }
}

/// `madvise(2)`.
///
/// # Safety
/// SYSCALL-ARGS: `[addr, addr+len)` must be mapped memory; advice values that discard
/// data must only be used on memory the caller owns.
#[inline]
pub unsafe fn madvise(addr: *mut c_void, len: usize, advice: i32) -> i32 {
    // SAFETY: SYSCALL-ARGS: the range is mapped, and discarding advice only reaches
    // memory the caller owns (this function's contract).
    unsafe { raw6(libc::SYS_madvise, addr as usize, len, advice as usize, 0, 0, 0) as i32 }
}

/// `close(2)` returning `0` or `-errno`, leaving `errno` alone. Crate-private: closing
/// an fd someone else owns would break I/O safety, so only the ring's own fds go here.
pub(crate) fn close(fd: i32) -> i32 {
    // SAFETY: SYSCALL-ARGS: close takes no address, and closing a descriptor changes no
    // mapping of this process.
    unsafe { raw6(libc::SYS_close, fd as isize as usize, 0, 0, 0, 0, 0) as i32 }
}
