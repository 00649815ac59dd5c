//! Registered (fixed) files: `io_uring_register_files*`, `io_uring_unregister_files`,
//! `io_uring_register_file_alloc_range`.
//!
//! The kernel takes its own reference on every registered file, so closing the original
//! descriptor afterwards is fine: requests with `IOSQE_FIXED_FILE` name the table slot.
//! Registering never hands the kernel memory to keep, so the slice forms are safe.

use crate::sys::RawFd;
use core::ffi::c_void;
use core::ptr;

use super::buffers::{count, rsrc_register, rsrc_update2, RSRC_ARG_SIZE};
use super::do_register;
use crate::errno::Errno;
use crate::ring::RingRef;
use crate::sys::{
    io_uring_file_index_range, io_uring_files_update, syscall, IORING_REGISTER_FILES, IORING_REGISTER_FILES2,
    IORING_REGISTER_FILES_UPDATE, IORING_REGISTER_FILES_UPDATE2, IORING_REGISTER_FILE_ALLOC_RANGE,
    IORING_RSRC_REGISTER_SPARSE, IORING_UNREGISTER_FILES,
};

/// The kernel refuses a file table larger than `RLIMIT_NOFILE` with `EMFILE`. Like
/// liburing, raise the soft limit by `nr` when it is below `nr` (up to the hard limit:
/// the kernel rejects anything above it, and that error is ignored), so that the one
/// retry can succeed. Uses the raw `prlimit64` system call so `errno` stays untouched.
/// Out of line: one copy for the three registrations that retry.
#[inline(never)]
fn raise_nofile_limit(nr: u32) {
    let mut lim = libc::rlimit64 {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: SYSCALL-ARGS: prlimit64(0 = this process, RLIMIT_NOFILE, no new limit,
    // &lim) writes one rlimit64 into the local `lim`, which lives across the call.
    let got = unsafe {
        syscall::raw6(
            libc::SYS_prlimit64,
            0,
            libc::RLIMIT_NOFILE as usize,
            0,
            ptr::from_mut(&mut lim) as usize,
            0,
            0,
        )
    };
    if got < 0 || lim.rlim_cur >= u64::from(nr) {
        return;
    }
    lim.rlim_cur = lim.rlim_cur.saturating_add(u64::from(nr));
    // SAFETY: SYSCALL-ARGS: prlimit64(0, RLIMIT_NOFILE, &lim, NULL) only reads the local
    // `lim`. A failure (the new soft limit above the hard one) is ignored: the retry then
    // fails like the first try.
    let _ = unsafe {
        syscall::raw6(
            libc::SYS_prlimit64,
            0,
            libc::RLIMIT_NOFILE as usize,
            ptr::from_ref(&lim) as usize,
            0,
            0,
            0,
        )
    };
}

/// Run a file-table registration, retrying it once after `EMFILE` with a raised
/// `RLIMIT_NOFILE` (spec 5.1).
fn with_emfile_retry(nr: u32, mut reg: impl FnMut() -> Result<i32, Errno>) -> Result<i32, Errno> {
    match reg() {
        Err(Errno::EMFILE) => {
            raise_nofile_limit(nr);
            reg()
        }
        r => r,
    }
}

/// `io_uring_register_files`: register `nr_files` descriptors as the fixed-file table
/// (`IORING_REGISTER_FILES`). An fd of -1 leaves its slot empty. Retries once after
/// `EMFILE` as described in [`register_files`].
///
/// # Safety
/// `files` must be NULL or point to `nr_files` readable ints (the kernel answers a bad
/// pointer with `EFAULT`).
#[doc(alias = "io_uring_register_files")]
pub unsafe fn register_files_raw(ring: RingRef<'_>, files: *const RawFd, nr_files: u32) -> Result<i32, Errno> {
    with_emfile_retry(nr_files, || {
        // SAFETY: REG-ARG: the kernel reads `nr_files` ints at `files`, NULL or readable
        // by this function's contract.
        unsafe { do_register(ring, IORING_REGISTER_FILES, files.cast(), nr_files) }
    })
}

/// `io_uring_register_files` over a slice.
///
/// `EBUSY` if a table exists, `EINVAL` for an empty slice, `EBADF` for a closed fd,
/// `EMFILE` for more files than `RLIMIT_NOFILE` (after raising the soft limit by the
/// count and retrying once, as liburing does) or than the kernel's table maximum.
#[doc(alias = "io_uring_register_files")]
pub fn register_files(ring: RingRef<'_>, files: &[RawFd]) -> Result<i32, Errno> {
    let nr = count(files)?;
    // SAFETY: REG-ARG, as register_files_raw states it: the slice holds `nr` readable ints.
    unsafe { register_files_raw(ring, files.as_ptr(), nr) }
}

/// `io_uring_register_files_tags`: register `nr` files with a tag each
/// (`IORING_REGISTER_FILES2`); a non-zero tag posts a CQE when its file is released.
///
/// # Safety
/// `files` must be NULL or point to `nr` ints, `tags` NULL or to `nr` u64s.
#[doc(alias = "io_uring_register_files_tags")]
pub unsafe fn register_files_tags_raw(
    ring: RingRef<'_>,
    files: *const RawFd,
    tags: *const u64,
    nr: u32,
) -> Result<i32, Errno> {
    let reg = rsrc_register(nr, 0, files.cast::<c_void>(), tags);
    with_emfile_retry(nr, || {
        // SAFETY: REG-ARG: `reg` is a local that lives across the call; the `nr` fds and
        // tags it names are NULL or readable by this function's contract.
        unsafe { do_register(ring, IORING_REGISTER_FILES2, ptr::from_ref(&reg).cast(), RSRC_ARG_SIZE) }
    })
}

/// [`register_files_tags_raw`] over slices; `EINVAL` if their lengths differ.
#[doc(alias = "io_uring_register_files_tags")]
pub fn register_files_tags(ring: RingRef<'_>, files: &[RawFd], tags: &[u64]) -> Result<i32, Errno> {
    if files.len() != tags.len() {
        return Err(Errno::EINVAL);
    }
    let nr = count(files)?;
    // SAFETY: REG-ARG, as register_files_tags_raw states it: both slices hold `nr` readable
    // elements.
    unsafe { register_files_tags_raw(ring, files.as_ptr(), tags.as_ptr(), nr) }
}

/// `io_uring_register_files_sparse`: a fixed-file table of `nr` empty slots (for
/// `*_direct` opens/accepts and [`register_files_update`]). Retries once after `EMFILE`.
#[doc(alias = "io_uring_register_files_sparse")]
pub fn register_files_sparse(ring: RingRef<'_>, nr: u32) -> Result<i32, Errno> {
    let reg = rsrc_register(nr, IORING_RSRC_REGISTER_SPARSE, ptr::null(), ptr::null());
    with_emfile_retry(nr, || {
        // SAFETY: REG-ARG: `reg` is a local rsrc_register that lives across the call and
        // names no arrays.
        unsafe { do_register(ring, IORING_REGISTER_FILES2, ptr::from_ref(&reg).cast(), RSRC_ARG_SIZE) }
    })
}

/// `io_uring_register_files_update`: replace `nr_files` table slots from `off`
/// (`IORING_REGISTER_FILES_UPDATE`). -1 empties a slot, `IORING_REGISTER_FILES_SKIP`
/// leaves it. Returns the number of slots updated.
///
/// # Safety
/// `files` must be NULL or point to `nr_files` ints.
#[doc(alias = "io_uring_register_files_update")]
pub unsafe fn register_files_update_raw(
    ring: RingRef<'_>,
    off: u32,
    files: *const RawFd,
    nr_files: u32,
) -> Result<i32, Errno> {
    let up = io_uring_files_update {
        offset: off,
        resv: 0,
        fds: files as u64,
    };
    // SAFETY: REG-ARG: `up` is a local that lives across the call; the `nr_files` fds it
    // names are NULL or readable by this function's contract.
    unsafe { do_register(ring, IORING_REGISTER_FILES_UPDATE, ptr::from_ref(&up).cast(), nr_files) }
}

/// [`register_files_update_raw`] over a slice.
#[doc(alias = "io_uring_register_files_update")]
pub fn register_files_update(ring: RingRef<'_>, off: u32, files: &[RawFd]) -> Result<i32, Errno> {
    let nr = count(files)?;
    // SAFETY: REG-ARG, as register_files_update_raw states it: the slice holds `nr`
    // readable ints.
    unsafe { register_files_update_raw(ring, off, files.as_ptr(), nr) }
}

/// `io_uring_register_files_update_tag`: [`register_files_update`] with tags
/// (`IORING_REGISTER_FILES_UPDATE2`). Returns the number of slots updated.
///
/// # Safety
/// `files` must be NULL or point to `nr_files` ints, `tags` NULL or to `nr_files` u64s.
#[doc(alias = "io_uring_register_files_update_tag")]
pub unsafe fn register_files_update_tag_raw(
    ring: RingRef<'_>,
    off: u32,
    files: *const RawFd,
    tags: *const u64,
    nr_files: u32,
) -> Result<i32, Errno> {
    let up = rsrc_update2(off, files.cast::<c_void>(), tags, nr_files);
    // SAFETY: REG-ARG: `up` is a local that lives across the call; the `nr_files` fds
    // and tags it names are NULL or readable by this function's contract.
    unsafe {
        do_register(
            ring,
            IORING_REGISTER_FILES_UPDATE2,
            ptr::from_ref(&up).cast(),
            RSRC_ARG_SIZE,
        )
    }
}

/// [`register_files_update_tag_raw`] over slices (`tags` may be empty for "no tags");
/// `EINVAL` if a non-empty `tags` differs in length from `files`.
#[doc(alias = "io_uring_register_files_update_tag")]
pub fn register_files_update_tag(ring: RingRef<'_>, off: u32, files: &[RawFd], tags: &[u64]) -> Result<i32, Errno> {
    let tags = match tags.len() {
        0 => ptr::null(),
        n if n == files.len() => tags.as_ptr(),
        _ => return Err(Errno::EINVAL),
    };
    let nr = count(files)?;
    // SAFETY: REG-ARG, as register_files_update_tag_raw states it: `files` holds `nr`
    // readable ints, `tags` is NULL or holds `nr` u64s.
    unsafe { register_files_update_tag_raw(ring, off, files.as_ptr(), tags, nr) }
}

/// `io_uring_unregister_files` (`IORING_UNREGISTER_FILES`): `ENXIO` without a table.
#[doc(alias = "io_uring_unregister_files")]
pub fn unregister_files(ring: RingRef<'_>) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: UNREGISTER_FILES takes no argument, and NULL is passed.
    unsafe { do_register(ring, IORING_UNREGISTER_FILES, ptr::null(), 0) }
}

/// `io_uring_register_file_alloc_range`: restrict the slots the kernel picks for
/// `IORING_FILE_INDEX_ALLOC` to `[off, off + len)` (`IORING_REGISTER_FILE_ALLOC_RANGE`,
/// nr_args 0). `EINVAL` if the range does not fit the table (a ring without a table has
/// one of size 0, so only an empty range fits).
#[doc(alias = "io_uring_register_file_alloc_range")]
pub fn register_file_alloc_range(ring: RingRef<'_>, off: u32, len: u32) -> Result<i32, Errno> {
    let range = io_uring_file_index_range { off, len, resv: 0 };
    // SAFETY: REG-ARG: `range` is a local io_uring_file_index_range that lives across
    // the call and names no memory.
    unsafe { do_register(ring, IORING_REGISTER_FILE_ALLOC_RANGE, ptr::from_ref(&range).cast(), 0) }
}
