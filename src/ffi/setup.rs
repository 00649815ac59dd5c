//! C exports: ring setup and teardown, ring fd registration, enable, iowait.

use super::ctypes::*;
use super::to_c;
use super::{ring_exclusive, ring_ref};
use crate::errno::Errno;
use crate::register::ring_fd;
use crate::ring::{io_uring, io_uring_cq, io_uring_sq};
use crate::setup;
use crate::sys::io_uring_params;

/// Unpack a C ring pointer (NULL: -EINVAL) and params pointer (NULL: -EFAULT).
///
/// # Safety
/// C-CONTRACT for an exclusive operation: non-NULL pointers are valid and nothing else
/// uses them during the call.
unsafe fn with_ring_params<T>(
    ring: *mut io_uring,
    p: *mut io_uring_params,
    f: impl FnOnce(&mut io_uring, &mut io_uring_params) -> Result<T, Errno>,
) -> Result<T, Errno> {
    // SAFETY: C-CONTRACT: NULL or a ring no one else uses during this exclusive call.
    let ring = unsafe { ring_exclusive(ring) }?;
    // SAFETY: C-CONTRACT: NULL or a valid params struct, unaliased for the call.
    let p = unsafe { p.as_mut() }.ok_or(Errno::EFAULT)?;
    f(ring, p)
}

/// A size result in the C convention (`ssize_t`: the size or `-errno`).
fn size_to_c(r: Result<usize, Errno>) -> ssize_t {
    match r {
        Ok(n) => n as ssize_t,
        Err(e) => e.to_neg() as ssize_t,
    }
}

/// Sets up an io_uring instance with room for `entries` submission queue entries (rounded
/// up to a power of two by the kernel) and maps its rings into `*ring`. `flags` are
/// `IORING_SETUP_*` flags; all other parameters take their defaults.
/// `IORING_SETUP_NO_SQARRAY` is tried first and dropped again if the kernel rejects it.
///
/// Returns 0 on success, or a negative errno: -EINVAL for a NULL ring, zero or too many
/// entries, or unknown or conflicting flags; -ENOMEM or -EMFILE when the kernel cannot
/// allocate the ring or a file descriptor; -EPERM or -ENOSYS when io_uring is disabled or
/// unavailable. Release the ring with io_uring_queue_exit().
///
/// Since liburing 2.0; exported as `io_uring_queue_init@@LIBURING_2.0`.
///
/// # Safety
/// `ring` must be NULL or writable memory for a `struct io_uring`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_init(entries: c_uint, ring: *mut io_uring, flags: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: NULL or memory for a ring no one else uses during setup.
    let ring = unsafe { ring_exclusive(ring) };
    // SAFETY: setup only needs writable memory for the struct, which `ring` is.
    to_c(ring.and_then(|r| unsafe { setup::queue_init(entries, r, flags) }))
}

/// Sets up an io_uring instance like io_uring_queue_init(), with the full set of parameters
/// in `*p` (flags, SQPOLL thread CPU and idle time, CQ size, an existing work queue to
/// attach to). On return the kernel has filled in `p` (ring sizes, offsets, `features`),
/// and `p->flags` may include `IORING_SETUP_NO_SQARRAY`, which the library adds when the
/// kernel supports it.
///
/// Returns 0 on success, or a negative errno: -EINVAL for a NULL ring, bad entry counts or
/// flags; -EFAULT for a NULL `p`; -ENOMEM, -EMFILE, -EPERM or -ENOSYS as for
/// io_uring_queue_init().
///
/// Since liburing 2.0; exported as `io_uring_queue_init_params@@LIBURING_2.0`.
///
/// # Safety
/// `ring` and `p` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_init_params(
    entries: c_uint,
    ring: *mut io_uring,
    p: *mut io_uring_params,
) -> c_int {
    // SAFETY: setup only needs writable memory for the struct, which `ring` is.
    let init = |ring: &mut io_uring, p: &mut io_uring_params| unsafe { setup::queue_init_params(entries, ring, p) };
    // SAFETY: C-CONTRACT: NULL or valid pointers, unaliased during setup.
    to_c(unsafe { with_ring_params(ring, p, init) })
}

/// Sets up an io_uring instance whose rings live in caller-provided memory `buf` of
/// `buf_size` bytes (`IORING_SETUP_NO_MMAP` is forced), for example a huge page. The memory
/// must stay valid until io_uring_queue_exit() and is not freed by the library.
///
/// Returns the number of bytes of `buf` used (at least 0) on success, or a negative errno:
/// -ENOMEM when `buf_size` is too small; -EINVAL or -EFAULT as for
/// io_uring_queue_init_params().
///
/// Since liburing 2.5; exported as `io_uring_queue_init_mem@@LIBURING_2.5`.
///
/// # Safety
/// `ring` and `p` must be NULL or valid; `buf` valid for `buf_size` bytes and outliving
/// the ring. The kernel's ring outlives `io_uring_queue_exit`: see
/// [`setup::queue_init_mem`] before reusing `buf`.
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_init_mem(
    entries: c_uint,
    ring: *mut io_uring,
    p: *mut io_uring_params,
    buf: *mut c_void,
    buf_size: size_t,
) -> c_int {
    // SAFETY: C-CONTRACT: `buf` is NULL or valid for `buf_size` bytes and outlives the
    // ring, as queue_init_mem requires.
    let init = |ring: &mut io_uring, p: &mut io_uring_params| unsafe {
        setup::queue_init_mem(entries, ring, p, buf, buf_size)
    };
    // SAFETY: C-CONTRACT: NULL or valid pointers, unaliased during setup.
    let r = unsafe { with_ring_params(ring, p, init) };
    to_c(r.map(|n| n as i32))
}

/// Maps the rings of an io_uring file descriptor `fd` that the caller set up with
/// io_uring_setup() (with the parameters `*p` the kernel returned) into `*ring`. It does
/// not fill the SQ index array: on a ring without `IORING_SETUP_NO_SQARRAY` the caller must
/// do that itself.
///
/// Returns 0 on success, or a negative errno: -EINVAL for NULL arguments; -ENOMEM, -EBADF
/// or another mmap(2) error when a mapping fails.
///
/// Since liburing 2.0; exported as `io_uring_queue_mmap@@LIBURING_2.0`.
///
/// # Safety
/// `p` must be the params `fd`'s setup returned; `ring` writable.
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_mmap(fd: c_int, p: *mut io_uring_params, ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: NULL or memory for a ring no one else uses during setup.
    let ring = unsafe { ring_exclusive(ring) };
    // SAFETY: C-CONTRACT: NULL or the params `fd`'s setup returned.
    let p = unsafe { p.as_ref() }.ok_or(Errno::EFAULT);
    // SAFETY: queue_mmap maps `fd` with the offsets of the matching params (C-CONTRACT).
    let map = |ring: &mut io_uring| p.and_then(|p| unsafe { setup::queue_mmap(fd, p, ring) });
    to_c(ring.and_then(map))
}

/// Marks the ring's memory with madvise(MADV_DONTFORK) so that a child created by fork(2)
/// does not inherit the mappings (useful for programs that fork while rings are in use).
///
/// Returns 0 on success, or a negative errno: -EINVAL when the ring is NULL or not mapped,
/// or the first error madvise(2) reports.
///
/// Since liburing 2.0; exported as `io_uring_ring_dontfork@@LIBURING_2.0`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_ring_dontfork(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring (a zeroed one has NULL mapping
    // pointers, which ring_dontfork refuses with -EINVAL after reading them alone).
    to_c(unsafe { ring_ref(ring) }.and_then(setup::ring_dontfork))
}

/// Tears down a ring set up by one of the io_uring_queue_init functions: unmaps the rings
/// the library mapped, unregisters a registered ring fd and closes the ring's file
/// descriptor. Requests still in flight are cancelled by the kernel. A NULL ring is
/// ignored. Returns nothing.
///
/// Since liburing 2.0; exported as `io_uring_queue_exit@@LIBURING_2.0`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring; nothing may use its SQEs/CQEs afterwards.
#[no_mangle]
pub unsafe extern "C" fn io_uring_queue_exit(ring: *mut io_uring) {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring, with nothing else running on it.
    if let Ok(ring) = unsafe { ring_exclusive(ring) } {
        // SAFETY: C-CONTRACT: a SET-UP ring whose SQEs/CQEs nobody uses afterwards.
        unsafe { setup::queue_exit(ring) }
    }
}

/// Resizes the SQ and CQ rings of a live ring to the sizes in
/// `p->sq_entries`/`p->cq_entries` (with `IORING_SETUP_CQSIZE` in `p->flags` for an
/// explicit CQ size), keeping pending entries. The kernel requires the ring to be set up
/// with `IORING_SETUP_DEFER_TASKRUN` (Linux 6.13+). `p->flags` is 0 on return.
///
/// Returns 0 on success, or a negative errno: -EINVAL for a NULL argument, a ring set up
/// with `IORING_SETUP_NO_MMAP` or sizes the kernel rejects; -EOVERFLOW when the pending
/// CQEs do not fit; -EFAULT; or the kernel's error (-EINVAL on kernels without resize
/// support).
///
/// Since liburing 2.9; exported as `io_uring_resize_rings@@LIBURING_2.9`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring, `p` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_resize_rings(ring: *mut io_uring, p: *mut io_uring_params) -> c_int {
    // SAFETY: C-CONTRACT: a SET-UP ring, with nothing else running on it.
    let resize = |ring: &mut io_uring, p: &mut io_uring_params| unsafe { setup::resize_rings(ring, p) };
    // SAFETY: C-CONTRACT: NULL or valid pointers, unaliased during the resize.
    to_c(unsafe { with_ring_params(ring, p, resize) })
}

/// Reports how much locked memory a ring with `entries` entries and setup `flags` would
/// need. On kernels that account ring memory to the memory cgroup instead of RLIMIT_MEMLOCK
/// (Linux 5.12+, `IORING_FEAT_NATIVE_WORKERS`) this is 0.
///
/// Returns the size in bytes, or a negative errno: -EINVAL for bad entry counts or flags,
/// or the error of the probe ring it sets up.
///
/// Since liburing 2.1; exported as `io_uring_mlock_size@@LIBURING_2.1`.
#[no_mangle]
pub extern "C" fn io_uring_mlock_size(entries: c_uint, flags: c_uint) -> ssize_t {
    size_to_c(setup::mlock_size(entries, flags))
}

/// As io_uring_mlock_size(), with the full parameters in `*p`.
///
/// Returns the size in bytes (0 on kernels that do not charge RLIMIT_MEMLOCK), or a
/// negative errno: -EINVAL for bad entry counts or flags, -EFAULT for a NULL `p`.
///
/// Since liburing 2.1; exported as `io_uring_mlock_size_params@@LIBURING_2.1`.
///
/// # Safety
/// `p` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_mlock_size_params(entries: c_uint, p: *mut io_uring_params) -> ssize_t {
    // SAFETY: C-CONTRACT: NULL or a valid params struct.
    let p = unsafe { p.as_ref() };
    size_to_c(
        p.ok_or(Errno::EFAULT)
            .and_then(|p| setup::mlock_size_params(entries, p)),
    )
}

/// Computes the memory a ring with `entries` entries and setup `flags` occupies (SQEs, CQ
/// ring and SQ index array, each rounded to pages): the size to give
/// io_uring_queue_init_mem().
///
/// Returns the size in bytes, or -EINVAL for zero or too many entries (without
/// `IORING_SETUP_CLAMP`).
///
/// Since liburing 2.11; exported as `io_uring_memory_size@@LIBURING_2.11`.
#[no_mangle]
pub extern "C" fn io_uring_memory_size(entries: c_uint, flags: c_uint) -> ssize_t {
    size_to_c(setup::memory_size(entries, flags))
}

/// As io_uring_memory_size(), with the full parameters in `*p` (`IORING_SETUP_CQSIZE` and
/// `cq_entries` included).
///
/// Returns the size in bytes, or a negative errno: -EINVAL for bad entry counts, -EFAULT
/// for a NULL `p`.
///
/// Since liburing 2.11; exported as `io_uring_memory_size_params@@LIBURING_2.11`.
///
/// # Safety
/// `p` must be NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn io_uring_memory_size_params(entries: c_uint, p: *mut io_uring_params) -> ssize_t {
    // SAFETY: C-CONTRACT: NULL or a valid params struct.
    let p = unsafe { p.as_ref() };
    size_to_c(
        p.ok_or(Errno::EFAULT)
            .and_then(|p| setup::memory_size_params(entries, p)),
    )
}

/// Registers the ring's own file descriptor with the ring, so that later io_uring_enter(2)
/// calls skip the file-table lookup. The library uses the registered index automatically
/// from then on.
///
/// Returns 1 on success, or a negative errno: -EEXIST when already registered, -EINVAL for
/// a NULL ring or an old kernel, -EBUSY.
///
/// Since liburing 2.2; exported as `io_uring_register_ring_fd@@LIBURING_2.2`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_register_ring_fd(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring, with nothing else running on it.
    let ring = unsafe { ring_exclusive(ring) };
    // SAFETY: SET-UP, as above.
    to_c(ring.and_then(|r| unsafe { ring_fd::register_ring_fd(r) }))
}

/// Undoes io_uring_register_ring_fd(): later calls use the real ring fd again.
///
/// Returns 1 on success, or a negative errno: -EINVAL when the ring fd is not registered.
///
/// Since liburing 2.2; exported as `io_uring_unregister_ring_fd@@LIBURING_2.2`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_ring_fd(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring, with nothing else running on it.
    let ring = unsafe { ring_exclusive(ring) };
    // SAFETY: SET-UP, as above.
    to_c(ring.and_then(|r| unsafe { ring_fd::unregister_ring_fd(r) }))
}

/// Closes the ring's real file descriptor after it was registered with
/// io_uring_register_ring_fd(), so the ring lives on only through the registered index
/// (this needs `IORING_FEAT_REG_REG_RING`).
///
/// Returns 1 on success, or a negative errno: -EOPNOTSUPP without the feature, -EINVAL when
/// the ring fd is not registered, -EBADF when it is already closed.
///
/// Since liburing 2.4; exported as `io_uring_close_ring_fd@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_close_ring_fd(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring, with nothing else running on it.
    let ring = unsafe { ring_exclusive(ring) };
    // SAFETY: SET-UP, as above.
    to_c(ring.and_then(|r| unsafe { ring_fd::close_ring_fd(r) }))
}

/// Enables a ring created with `IORING_SETUP_R_DISABLED` (after its restrictions are
/// registered): submissions are accepted from now on.
///
/// Returns 0 on success, or a negative errno: -EBADFD when the ring is not disabled,
/// -EINVAL for a NULL ring.
///
/// Since liburing 2.0; exported as `io_uring_enable_rings@@LIBURING_2.4`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_enable_rings(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring.
    to_c(unsafe { ring_ref(ring) }.and_then(ring_fd::enable_rings))
}

/// Chooses whether waiting for completions on this ring counts as I/O wait for the CPU-time
/// accounting (it does by default); disabling it needs `IORING_FEAT_NO_IOWAIT` (Linux
/// 6.15+).
///
/// Returns 0 on success, or a negative errno: -EOPNOTSUPP when the kernel lacks the
/// feature, -EINVAL for a NULL ring.
///
/// Since liburing 2.10; exported as `io_uring_set_iowait@@LIBURING_2.10`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_set_iowait(ring: *mut io_uring, enable_iowait: bool) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring, with nothing else running on it.
    to_c(unsafe { ring_exclusive(ring) }.and_then(|r| ring_fd::set_iowait(r, enable_iowait)))
}

/// The ring set-up behind io_uring_queue_init_params() and io_uring_queue_init_mem(),
/// without the NO_SQARRAY retry: `buf`/`buf_size` are the caller's memory for
/// `IORING_SETUP_NO_MMAP` (NULL: the library maps it).
///
/// Returns 0 (or, with caller memory, the bytes used) on success, or a negative errno as
/// for io_uring_queue_init_params().
///
/// Since liburing 2.5; library-internal (liburing's own tests call it): global in
/// liburing.a, not exported by liburing.so.
///
/// # Safety
/// `ring` and `p` must be NULL or valid; `buf` NULL or valid for `buf_size` bytes.
#[no_mangle]
pub unsafe extern "C" fn __io_uring_queue_init_params(
    entries: c_uint,
    ring: *mut io_uring,
    p: *mut io_uring_params,
    buf: *mut c_void,
    buf_size: size_t,
) -> c_int {
    // SAFETY: C-CONTRACT: `buf` is NULL or valid for `buf_size` bytes and outlives the
    // ring.
    let init = |ring: &mut io_uring, p: &mut io_uring_params| unsafe {
        setup::queue_init_params_exact(entries, ring, p, buf, buf_size)
    };
    // SAFETY: C-CONTRACT: NULL or valid pointers, unaliased during setup.
    let r = unsafe { with_ring_params(ring, p, init) };
    to_c(r.map(|n| n as i32))
}

/// Unmaps the SQ and CQ ring memory of `sq` and `cq` (as io_uring_queue_exit() does,
/// without closing the ring fd). NULL arguments are ignored. Returns nothing.
///
/// Since liburing 2.0; library-internal (liburing's own tests call it): global in
/// liburing.a, not exported by liburing.so.
///
/// # Safety
/// `sq` and `cq` must be NULL or valid; their nonzero-sized ring mappings must be
/// unused from now on.
#[no_mangle]
pub unsafe extern "C" fn io_uring_unmap_rings(sq: *mut io_uring_sq, cq: *mut io_uring_cq) {
    // SAFETY: C-CONTRACT: a non-NULL `sq` is valid for reads.
    let sq = unsafe { sq.as_ref() };
    // SAFETY: C-CONTRACT: likewise for `cq`.
    let cq = unsafe { cq.as_ref() };
    if let (Some(sq), Some(cq)) = (sq, cq) {
        // SAFETY: the function contract hands over the ring mappings with nonzero sizes
        // as unused, which is what unmap_sq_cq_rings requires.
        unsafe { setup::unmap_sq_cq_rings(sq, cq) }
    }
}
