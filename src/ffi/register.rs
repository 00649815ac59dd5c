//! C exports: the `io_uring_register(2)` wrappers (spec 1.2, "Registration"), except the
//! registered-ring-fd group and `io_uring_enable_rings` (in the ring-fd module).
//!
//! Every export takes liburing's exact prototype, returns -EINVAL for a NULL ring, and
//! hands the pointers it gets to the core unchanged, so a NULL or bad argument pointer
//! gets the kernel's own answer (normally -EFAULT), as with liburing.

use super::ctypes::{__u64, c_int, c_uint, cpu_set_t, iovec, size_t};
use super::{ring_ref, to_c, CReturn};
use crate::errno::Errno;
use crate::register::{buffers, files, misc};
use crate::ring::{io_uring, RingRef};
use crate::sys::{
    io_uring_bpf, io_uring_clock_register, io_uring_mem_region_reg, io_uring_napi, io_uring_query_hdr,
    io_uring_reg_wait, io_uring_restriction, io_uring_sqe, io_uring_sync_cancel_reg, io_uring_zcrx_ifq_reg, zcrx_ctrl,
};

/// Run `f` on the ring behind `ring` and return its result in the C convention, or
/// -EINVAL when `ring` is NULL.
///
/// # Safety
/// `ring` must be NULL or a SET-UP ring with no exclusive operation running on it (the
/// C contract of every register call; submitting and reaping may go on meanwhile).
#[inline(always)]
pub(super) unsafe fn with_ring<T: CReturn>(
    ring: *const io_uring,
    f: impl FnOnce(RingRef<'_>) -> Result<T, Errno>,
) -> c_int {
    // SAFETY: C-CONTRACT for `ring` (NULL or SET-UP, no exclusive operation running) is
    // this function's contract.
    to_c(unsafe { ring_ref(ring) }.and_then(f))
}

// ---- buffers -------------------------------------------------------------------------

/// Registers `nr_iovecs` buffers described by `iovecs` as fixed buffers: the kernel pins
/// and maps them once, and fixed-buffer requests (io_uring_prep_read_fixed() and friends)
/// name them by index. Pinned pages count against RLIMIT_MEMLOCK on older kernels.
///
/// Returns 0 on success, or a negative errno: -EBUSY when buffers are already registered,
/// -EINVAL for bad counts or lengths (or a NULL ring), -EFAULT for bad addresses, -ENOMEM,
/// -EOVERFLOW.
///
/// Since liburing 2.0; exported as `io_uring_register_buffers@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers(
    ring: *mut io_uring,
    iovecs: *const iovec,
    nr_iovecs: c_uint,
) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `iovecs` is NULL or `nr_iovecs` readable iovecs
        // whose buffers stay valid while registered.
        unsafe { buffers::register_buffers_raw(r, iovecs, nr_iovecs) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Registers `nr` fixed buffers with a 64-bit tag each (`tags` may be NULL): when a tagged
/// buffer is later replaced or unregistered and no longer in use, the kernel posts a
/// completion with user_data 0 and the tag in res's place (see IORING_REGISTER_BUFFERS2).
///
/// Returns 0 on success, or a negative errno as for io_uring_register_buffers().
///
/// Since liburing 2.1; exported as `io_uring_register_buffers_tags@@LIBURING_2.1`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers_tags(
    ring: *mut io_uring,
    iovecs: *const iovec,
    tags: *const __u64,
    nr: c_uint,
) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `iovecs` is NULL or `nr` readable iovecs whose
        // buffers stay valid while registered, and `tags` NULL or `nr` readable u64s.
        unsafe { buffers::register_buffers_tags_raw(r, iovecs, tags, nr) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Registers a fixed-buffer table of `nr` empty slots, to be filled later with
/// io_uring_register_buffers_update_tag().
///
/// Returns 0 on success, or a negative errno: -EBUSY when buffers are already registered,
/// -EINVAL, -ENOMEM.
///
/// Since liburing 2.2; exported as `io_uring_register_buffers_sparse@@LIBURING_2.2`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers_sparse(ring: *mut io_uring, nr: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| buffers::register_buffers_sparse(r, nr)) }
}

/// Replaces `nr` fixed buffers starting at slot `off` with `iovecs` and their `tags` (may
/// be NULL).
///
/// Returns the number of slots updated on success, or a negative errno: -ENXIO when no
/// buffer table is registered, -EINVAL for a range outside the table, -EFAULT, -ENOMEM.
///
/// Since liburing 2.1; exported as `io_uring_register_buffers_update_tag@@LIBURING_2.1`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers_update_tag(
    ring: *mut io_uring,
    off: c_uint,
    iovecs: *const iovec,
    tags: *const __u64,
    nr: c_uint,
) -> c_int {
    let update = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `iovecs` is NULL or `nr` readable iovecs whose
        // buffers stay valid while registered, and `tags` NULL or `nr` readable u64s.
        unsafe { buffers::register_buffers_update_tag_raw(r, off, iovecs, tags, nr) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, update) }
}

/// Unregisters all fixed buffers of the ring.
///
/// Returns 0 on success, or a negative errno: -ENXIO when none are registered, -EINVAL for
/// a NULL ring.
///
/// Since liburing 2.0; exported as `io_uring_unregister_buffers@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_buffers(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, buffers::unregister_buffers) }
}

/// Both rings of a clone call, or -EINVAL if either is NULL.
///
/// # Safety
/// Each pointer must be NULL or a ring as for [`with_ring`] (shared handles, so
/// `dst == src` is fine).
unsafe fn with_rings(
    dst: *const io_uring,
    src: *const io_uring,
    f: impl FnOnce(RingRef<'_>, RingRef<'_>) -> Result<i32, Errno>,
) -> c_int {
    // SAFETY: C-CONTRACT for `dst` (NULL or SET-UP, no exclusive operation running) is
    // this function's contract.
    let dst = unsafe { ring_ref(dst) };
    // SAFETY: C-CONTRACT for `src`, likewise; two shared handles on one ring are fine.
    let src = unsafe { ring_ref(src) };
    match (dst, src) {
        (Ok(d), Ok(s)) => to_c(f(d, s)),
        _ => Errno::EINVAL.to_neg(),
    }
}

/// Copies the fixed-buffer table of ring `src` into ring `dst`, which must have none
/// registered; both rings then share the buffers (`src` may be referenced by its registered
/// ring fd).
///
/// Returns 0 on success, or a negative errno: -EBUSY when `dst` already has buffers, -ENXIO
/// when `src` has none, -EINVAL (also for NULL rings), -EBADF.
///
/// Since liburing 2.8; exported as `io_uring_clone_buffers@@LIBURING_2.8`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_clone_buffers(dst: *mut io_uring, src: *mut io_uring) -> c_int {
    let clone = |d: RingRef<'_>, s: RingRef<'_>| {
        // SAFETY: REG-CLONE: by C-CONTRACT the caller keeps `src`'s registered buffers
        // allocated while `dst` uses them (liburing's rule for cloned buffers).
        unsafe { buffers::clone_buffers(d, s) }
    };
    // SAFETY: C-CONTRACT: `dst` and `src` are each NULL or SET-UP with no exclusive
    // operation running.
    unsafe { with_rings(dst, src, clone) }
}

/// Clones `nr` fixed buffers of `src`, starting at `src_off`, into `dst` starting at
/// `dst_off` (`nr` 0: all of them). With `IORING_REGISTER_DST_REPLACE` in `flags` existing
/// buffers of `dst` in that range are replaced.
///
/// Returns 0 on success, or a negative errno: -EBUSY, -ENXIO, -EINVAL for bad ranges or
/// flags (or NULL rings), -EOVERFLOW.
///
/// Since liburing 2.9; exported as `io_uring_clone_buffers_offset@@LIBURING_2.9`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_clone_buffers_offset(
    dst: *mut io_uring,
    src: *mut io_uring,
    dst_off: c_uint,
    src_off: c_uint,
    nr: c_uint,
    flags: c_uint,
) -> c_int {
    let clone = |d: RingRef<'_>, s: RingRef<'_>| {
        // SAFETY: REG-CLONE: by C-CONTRACT the caller keeps `src`'s registered buffers
        // allocated while `dst` uses them (liburing's rule for cloned buffers).
        unsafe { buffers::clone_buffers_offset(d, s, dst_off, src_off, nr, flags) }
    };
    // SAFETY: C-CONTRACT: `dst` and `src` are each NULL or SET-UP with no exclusive
    // operation running.
    unsafe { with_rings(dst, src, clone) }
}

/// io_uring_clone_buffers() with explicit clone `flags`; `IORING_REGISTER_SRC_REGISTERED`
/// is honoured only when `src` uses a registered ring fd.
///
/// Returns 0 on success, or a negative errno as for io_uring_clone_buffers().
///
/// Since liburing 2.10; exported as `__io_uring_clone_buffers@@LIBURING_2.10`.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_clone_buffers(dst: *mut io_uring, src: *mut io_uring, flags: c_uint) -> c_int {
    let clone = |d: RingRef<'_>, s: RingRef<'_>| {
        // SAFETY: REG-CLONE: by C-CONTRACT the caller keeps `src`'s registered buffers
        // allocated while `dst` uses them (liburing's rule for cloned buffers).
        unsafe { buffers::clone_buffers_with_flags(d, s, flags) }
    };
    // SAFETY: C-CONTRACT: `dst` and `src` are each NULL or SET-UP with no exclusive
    // operation running.
    unsafe { with_rings(dst, src, clone) }
}

/// io_uring_clone_buffers_offset() with `flags` passed as given
/// (`IORING_REGISTER_SRC_REGISTERED` only when `src` uses a registered ring fd).
///
/// Returns 0 on success, or a negative errno as for io_uring_clone_buffers_offset().
///
/// Since liburing 2.10; exported as `__io_uring_clone_buffers_offset@@LIBURING_2.10`.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_clone_buffers_offset(
    dst: *mut io_uring,
    src: *mut io_uring,
    dst_off: c_uint,
    src_off: c_uint,
    nr: c_uint,
    flags: c_uint,
) -> c_int {
    let clone = |d: RingRef<'_>, s: RingRef<'_>| {
        // SAFETY: REG-CLONE: by C-CONTRACT the caller keeps `src`'s registered buffers
        // allocated while `dst` uses them (liburing's rule for cloned buffers).
        unsafe { buffers::clone_buffers_offset_with_flags(d, s, dst_off, src_off, nr, flags) }
    };
    // SAFETY: C-CONTRACT: `dst` and `src` are each NULL or SET-UP with no exclusive
    // operation running.
    unsafe { with_rings(dst, src, clone) }
}

// ---- files ---------------------------------------------------------------------------

/// Registers the `nr_files` file descriptors in `files` as fixed files: requests with
/// `IOSQE_FIXED_FILE` name them by index and skip the per-request file lookup. Entries of
/// -1 are empty slots. On -EMFILE the library raises RLIMIT_NOFILE if it can and retries
/// once.
///
/// Returns 0 on success, or a negative errno: -EBUSY when files are already registered,
/// -EBADF for an invalid descriptor, -EINVAL, -EMFILE, -ENOMEM.
///
/// Since liburing 2.0; exported as `io_uring_register_files@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files(ring: *mut io_uring, files: *const c_int, nr_files: c_uint) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `files` is NULL or `nr_files` readable ints.
        unsafe { files::register_files_raw(r, files, nr_files) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Registers `nr` fixed files with a 64-bit tag each (`tags` may be NULL); a completion
/// with the tag is posted when a tagged file is removed and no longer in use.
///
/// Returns 0 on success, or a negative errno as for io_uring_register_files().
///
/// Since liburing 2.1; exported as `io_uring_register_files_tags@@LIBURING_2.1`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_tags(
    ring: *mut io_uring,
    files: *const c_int,
    tags: *const __u64,
    nr: c_uint,
) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `files` is NULL or `nr` readable ints and `tags`
        // NULL or `nr` readable u64s.
        unsafe { files::register_files_tags_raw(r, files, tags, nr) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Registers a fixed-file table of `nr` empty slots, to be filled with
/// io_uring_register_files_update() or direct-descriptor requests.
///
/// Returns 0 on success, or a negative errno: -EBUSY, -EINVAL, -EMFILE, -ENOMEM.
///
/// Since liburing 2.2; exported as `io_uring_register_files_sparse@@LIBURING_2.2`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_sparse(ring: *mut io_uring, nr: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| files::register_files_sparse(r, nr)) }
}

/// Replaces `nr_files` fixed files starting at slot `off` with the descriptors in `files`
/// (-1 clears a slot, `IORING_REGISTER_FILES_SKIP` leaves it).
///
/// Returns the number of slots updated, or a negative errno: -ENXIO when no file table is
/// registered, -EINVAL for a range outside the table, -EBADF, -EFAULT.
///
/// Since liburing 2.0; exported as `io_uring_register_files_update@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_update(
    ring: *mut io_uring,
    off: c_uint,
    files: *const c_int,
    nr_files: c_uint,
) -> c_int {
    let update = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `files` is NULL or `nr_files` readable ints.
        unsafe { files::register_files_update_raw(r, off, files, nr_files) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, update) }
}

/// As io_uring_register_files_update(), with a tag for each new file (`tags` may be NULL).
///
/// Returns the number of slots updated, or a negative errno as for
/// io_uring_register_files_update().
///
/// Since liburing 2.1; exported as `io_uring_register_files_update_tag@@LIBURING_2.1`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_update_tag(
    ring: *mut io_uring,
    off: c_uint,
    files: *const c_int,
    tags: *const __u64,
    nr_files: c_uint,
) -> c_int {
    let update = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `files` is NULL or `nr_files` readable ints and
        // `tags` NULL or `nr_files` readable u64s.
        unsafe { files::register_files_update_tag_raw(r, off, files, tags, nr_files) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, update) }
}

/// Unregisters the ring's fixed-file table.
///
/// Returns 0 on success, or a negative errno: -ENXIO when none is registered, -EINVAL for a
/// NULL ring.
///
/// Since liburing 2.0; exported as `io_uring_unregister_files@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_files(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, files::unregister_files) }
}

/// Restricts the slots the kernel picks for `IORING_FILE_INDEX_ALLOC` direct descriptors to
/// `len` slots starting at `off`.
///
/// Returns 0 on success, or a negative errno: -ENXIO when no file table is registered,
/// -EINVAL for a range outside it.
///
/// Since liburing 2.3; exported as `io_uring_register_file_alloc_range@@LIBURING_2.3`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_file_alloc_range(ring: *mut io_uring, off: c_uint, len: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| files::register_file_alloc_range(r, off, len)) }
}

// ---- eventfd, personality, restrictions, io-wq ------------------------------------------

/// Registers eventfd `fd`: the kernel signals it whenever a completion is posted to this
/// ring.
///
/// Returns 0 on success, or a negative errno: -EBUSY when an eventfd is already registered,
/// -EBADF when `fd` is not an eventfd, -EINVAL for a NULL ring.
///
/// Since liburing 2.0; exported as `io_uring_register_eventfd@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_eventfd(ring: *mut io_uring, fd: c_int) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| misc::register_eventfd(r, fd)) }
}

/// As io_uring_register_eventfd(), but the eventfd is signalled only for requests that
/// completed asynchronously (not inline at submission).
///
/// Returns 0 on success, or a negative errno as for io_uring_register_eventfd().
///
/// Since liburing 2.0; exported as `io_uring_register_eventfd_async@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_eventfd_async(ring: *mut io_uring, fd: c_int) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| misc::register_eventfd_async(r, fd)) }
}

/// Unregisters the ring's eventfd.
///
/// Returns 0 on success, or a negative errno: -ENXIO when none is registered, -EINVAL for a
/// NULL ring.
///
/// Since liburing 2.0; exported as `io_uring_unregister_eventfd@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_eventfd(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, misc::unregister_eventfd) }
}

/// Registers the calling thread's current credentials with the ring. A request whose SQE
/// carries the returned id in `personality` runs with those credentials.
///
/// Returns the personality id (positive) on success, or a negative errno: -ENOMEM, -EINVAL
/// for a NULL ring.
///
/// Since liburing 2.0; exported as `io_uring_register_personality@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_personality(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, misc::register_personality) }
}

/// Unregisters the personality `id` obtained from io_uring_register_personality().
///
/// Returns 0 on success, or a negative errno: -EINVAL for an unknown id or a NULL ring.
///
/// Since liburing 2.0; exported as `io_uring_unregister_personality@@LIBURING_2.0`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_personality(ring: *mut io_uring, id: c_int) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| misc::unregister_personality(r, id)) }
}

/// Installs `nr_res` restrictions (allowed opcodes, register operations, SQE flags) on a
/// ring created with `IORING_SETUP_R_DISABLED`, before io_uring_enable_rings().
///
/// Returns 0 on success, or a negative errno: -EBADFD when the ring is not disabled, -EBUSY
/// when restrictions are already set, -EINVAL for a bad restriction, -EFAULT.
///
/// Since liburing 2.0; exported as `io_uring_register_restrictions@@LIBURING_2.4`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_restrictions(
    ring: *mut io_uring,
    res: *mut io_uring_restriction,
    nr_res: c_uint,
) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `res` is NULL or `nr_res` readable entries.
        unsafe { misc::register_restrictions_raw(r, res, nr_res) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Sets the CPU affinity of the ring's async worker threads to the `cpusz`-byte CPU set
/// `mask`.
///
/// Returns 0 on success, or a negative errno: -EINVAL for an empty or oversized set
/// (`cpusz` of 2^31 or more) or a NULL ring, -EFAULT.
///
/// Since liburing 2.1; exported as `io_uring_register_iowq_aff@@LIBURING_2.1`. Declared
/// only when `_GNU_SOURCE` is defined.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_iowq_aff(
    ring: *mut io_uring,
    cpusz: size_t,
    mask: *const cpu_set_t,
) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `mask` is NULL or `cpusz` readable bytes.
        unsafe { misc::register_iowq_aff_raw(r, cpusz, mask) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Restores the default CPU affinity of the ring's async worker threads.
///
/// Returns 0 on success, or a negative errno (-EINVAL for a NULL ring).
///
/// Since liburing 2.1; exported as `io_uring_unregister_iowq_aff@@LIBURING_2.1`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_iowq_aff(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, misc::unregister_iowq_aff) }
}

/// Sets the maximum number of bounded (`values[0]`) and unbounded (`values[1]`) async
/// workers per NUMA node; a 0 leaves that limit unchanged. On return `values` holds the
/// previous limits.
///
/// Returns 0 on success, or a negative errno: -EINVAL, -EFAULT.
///
/// Since liburing 2.1; exported as `io_uring_register_iowq_max_workers@@LIBURING_2.1`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_iowq_max_workers(ring: *mut io_uring, values: *mut c_uint) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `values` is NULL or two readable and writable
        // unsigned ints.
        unsafe { misc::register_iowq_max_workers_raw(r, values) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

// ---- cancel, msg, napi, clock, region, zcrx, bpf, query --------------------------------

/// Cancels matching requests synchronously: waits until the requests `reg` describes (by
/// user_data, fd or any, with the `IORING_ASYNC_CANCEL_*` flags and an optional timeout)
/// have been cancelled.
///
/// Returns 0 on success (the number cancelled with `IORING_ASYNC_CANCEL_ALL`), or a
/// negative errno: -ENOENT when nothing matched, -EALREADY, -ETIME when the timeout
/// expired, -EINVAL.
///
/// Since liburing 2.3; exported as `io_uring_register_sync_cancel@@LIBURING_2.3`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_sync_cancel(
    ring: *mut io_uring,
    reg: *mut io_uring_sync_cancel_reg,
) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `reg` is NULL or a readable
        // io_uring_sync_cancel_reg.
        unsafe { misc::register_sync_cancel_raw(r, reg) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Sends the message that `sqe` describes (prepared with io_uring_prep_msg_ring()) to its
/// target ring synchronously, without a source ring.
///
/// Returns 0 on success, or a negative errno: -EINVAL for a NULL or unsupported SQE,
/// -EBADFD or -EBADF for a bad target ring, -EOVERFLOW when the target CQ is full.
///
/// Since liburing 2.12; exported as `io_uring_register_sync_msg@@LIBURING_2.11`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_sync_msg(sqe: *mut io_uring_sqe) -> c_int {
    // SAFETY: REG-ARG: by C-CONTRACT `sqe` is NULL or a readable SQE, which the kernel
    // copies (or answers with EFAULT).
    to_c(unsafe { misc::register_sync_msg_raw(sqe) })
}

/// Enables NAPI busy polling for the ring's network requests with the settings in `*napi`
/// (busy-poll timeout, prefer busy poll).
///
/// Returns 0 on success, or a negative errno: -EINVAL for bad settings or a NULL ring,
/// -EFAULT.
///
/// Since liburing 2.6; exported as `io_uring_register_napi@@LIBURING_2.6`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_napi(ring: *mut io_uring, napi: *mut io_uring_napi) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `napi` is NULL or a readable and writable
        // io_uring_napi.
        unsafe { misc::register_napi_raw(r, napi) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Disables NAPI busy polling; the previous settings are stored in `*napi` when it is not
/// NULL.
///
/// Returns 0 on success, or a negative errno (-EINVAL for a NULL ring).
///
/// Since liburing 2.6; exported as `io_uring_unregister_napi@@LIBURING_2.6`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_napi(ring: *mut io_uring, napi: *mut io_uring_napi) -> c_int {
    let unregister = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `napi` is NULL or a writable io_uring_napi.
        unsafe { misc::unregister_napi_raw(r, napi) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, unregister) }
}

/// Selects the clock (`CLOCK_MONOTONIC` or `CLOCK_BOOTTIME`) the ring's wait timeouts use.
///
/// Returns 0 on success, or a negative errno: -EINVAL for an unsupported clock or a NULL
/// ring, -EFAULT.
///
/// Since liburing 2.8; exported as `io_uring_register_clock@@LIBURING_2.8`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_clock(ring: *mut io_uring, arg: *mut io_uring_clock_register) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `arg` is NULL or a readable
        // io_uring_clock_register.
        unsafe { misc::register_clock_raw(r, arg) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Registers a memory region with the ring (for example the wait-argument region
/// io_uring_submit_and_wait_reg() reads), described by `*reg`.
///
/// Returns 0 on success, or a negative errno: -EINVAL for a bad description or a NULL ring,
/// -EFAULT, -ENOMEM, -EEXIST.
///
/// Since liburing 2.9; exported as `io_uring_register_region@@LIBURING_2.9`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_region(ring: *mut io_uring, reg: *mut io_uring_mem_region_reg) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `reg` is NULL or a valid io_uring_mem_region_reg
        // whose descriptor and user memory stay valid for the life of the ring.
        unsafe { misc::register_region(r, reg) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Kept for binary compatibility: registered wait arguments now go through
/// io_uring_register_region().
///
/// Always returns -EINVAL.
///
/// Since liburing 2.9; exported as `io_uring_register_wait_reg@@LIBURING_2.9`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_wait_reg(
    ring: *mut io_uring,
    reg: *mut io_uring_reg_wait,
    nr: c_int,
) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running;
    // the stub never touches `reg`.
    unsafe { with_ring(ring, |r| misc::register_wait_reg(r, reg, nr)) }
}

/// Registers a zero-copy receive interface queue (`*reg`: network interface, RX queue,
/// buffer area and refill ring) with the ring.
///
/// Returns 0 on success, or a negative errno: -EINVAL, -EOPNOTSUPP when the device or
/// kernel cannot do zero-copy receive, -EPERM, -EFAULT, -ENOMEM.
///
/// Since liburing 2.10; exported as `io_uring_register_ifq@@LIBURING_2.10`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_ifq(ring: *mut io_uring, reg: *mut io_uring_zcrx_ifq_reg) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `reg` is NULL or a valid io_uring_zcrx_ifq_reg
        // whose area and region memory stay valid while registered.
        unsafe { misc::register_ifq(r, reg) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Runs a control operation (`*ctrl`: flush the refill queue, export the area) on a
/// registered zero-copy receive queue.
///
/// Returns 0 or the operation's result on success, or a negative errno: -EINVAL, -ENOENT
/// for an unknown queue, -EFAULT.
///
/// Since liburing 2.15; exported as `io_uring_register_zcrx_ctrl@@LIBURING_2.15`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_zcrx_ctrl(ring: *mut io_uring, ctrl: *mut zcrx_ctrl) -> c_int {
    let control = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `ctrl` is NULL or a readable and writable
        // zcrx_ctrl.
        unsafe { misc::register_zcrx_ctrl_raw(r, ctrl) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, control) }
}

/// Installs the BPF filter `*bpf` on the ring: it decides which requests the ring accepts.
///
/// Returns 0 on success, or a negative errno: -EINVAL for a bad filter or a NULL ring,
/// -EPERM, -EFAULT, -EOPNOTSUPP on kernels without filter support.
///
/// Since liburing 2.15; exported as `io_uring_register_bpf_filter@@LIBURING_2.15`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_bpf_filter(ring: *mut io_uring, bpf: *mut io_uring_bpf) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `bpf` is NULL or a readable io_uring_bpf whose
        // filter names `filter_len` readable instructions.
        unsafe { misc::register_bpf_filter(r, bpf) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

/// Installs the BPF filter `*bpf` for the calling task: it applies to every ring the task
/// creates from now on.
///
/// Returns 0 on success, or a negative errno: -EINVAL, -EPERM, -EFAULT, -EOPNOTSUPP.
///
/// Since liburing 2.15; exported as `io_uring_register_bpf_filter_task@@LIBURING_2.15`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_bpf_filter_task(bpf: *mut io_uring_bpf) -> c_int {
    // SAFETY: REG-ARG: by C-CONTRACT `bpf` is NULL or a readable io_uring_bpf whose
    // filter names `filter_len` readable instructions; the kernel copies them.
    to_c(unsafe { misc::register_bpf_filter_task(bpf) })
}

/// Asks the kernel about its io_uring capabilities (supported opcodes, flags, zero-copy
/// receive, SQ/CQ limits): `*query` heads a chain of query requests the kernel fills in. No
/// ring is needed.
///
/// Returns 0 on success, or a negative errno: -EINVAL, -EFAULT, and errors reported per
/// query in its header.
///
/// Since liburing 2.15; exported as `io_uring_register_query@@LIBURING_2.15`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_query(query: *mut io_uring_query_hdr) -> c_int {
    // SAFETY: REG-ARG: by C-CONTRACT `query` is NULL or a chain of readable and writable
    // headers whose data pointers name writable buffers of the stated sizes.
    to_c(unsafe { misc::register_query(query) })
}
