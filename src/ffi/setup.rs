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

/// liburing: `int io_uring_queue_init(unsigned entries, struct io_uring *ring, unsigned flags)`.
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

/// liburing: `int io_uring_queue_init_params(unsigned entries, struct io_uring *ring, struct io_uring_params *p)`.
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

/// liburing: `int io_uring_queue_init_mem(unsigned entries, struct io_uring *ring, struct io_uring_params *p, void *buf, size_t buf_size)`.
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

/// liburing: `int io_uring_queue_mmap(int fd, struct io_uring_params *p, struct io_uring *ring)`.
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

/// liburing: `int io_uring_ring_dontfork(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_ring_dontfork(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring (a zeroed one has NULL mapping
    // pointers, which ring_dontfork refuses with -EINVAL after reading them alone).
    to_c(unsafe { ring_ref(ring) }.and_then(setup::ring_dontfork))
}

/// liburing: `void io_uring_queue_exit(struct io_uring *ring)`.
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

/// liburing: `int io_uring_resize_rings(struct io_uring *ring, struct io_uring_params *p)`.
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

/// liburing: `ssize_t io_uring_mlock_size(unsigned entries, unsigned flags)`.
#[no_mangle]
pub extern "C" fn io_uring_mlock_size(entries: c_uint, flags: c_uint) -> ssize_t {
    size_to_c(setup::mlock_size(entries, flags))
}

/// liburing: `ssize_t io_uring_mlock_size_params(unsigned entries, struct io_uring_params *p)`.
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

/// liburing: `ssize_t io_uring_memory_size(unsigned entries, unsigned flags)`.
#[no_mangle]
pub extern "C" fn io_uring_memory_size(entries: c_uint, flags: c_uint) -> ssize_t {
    size_to_c(setup::memory_size(entries, flags))
}

/// liburing: `ssize_t io_uring_memory_size_params(unsigned entries, struct io_uring_params *p)`.
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

/// liburing: `int io_uring_register_ring_fd(struct io_uring *ring)`.
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

/// liburing: `int io_uring_unregister_ring_fd(struct io_uring *ring)`.
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

/// liburing: `int io_uring_close_ring_fd(struct io_uring *ring)`.
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

/// liburing: `int io_uring_enable_rings(struct io_uring *ring)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_enable_rings(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring.
    to_c(unsafe { ring_ref(ring) }.and_then(ring_fd::enable_rings))
}

/// liburing: `int io_uring_set_iowait(struct io_uring *ring, bool enable_iowait)`.
///
/// # Safety
/// `ring` must be NULL or a set-up ring.
#[no_mangle]
pub unsafe extern "C" fn io_uring_set_iowait(ring: *mut io_uring, enable_iowait: bool) -> c_int {
    // SAFETY: C-CONTRACT: NULL or a SET-UP ring, with nothing else running on it.
    to_c(unsafe { ring_exclusive(ring) }.and_then(|r| ring_fd::set_iowait(r, enable_iowait)))
}

/// liburing (internal, used by its tests to keep the SQ array): `int __io_uring_queue_init_params(unsigned entries, struct io_uring *ring, struct io_uring_params *p, void *buf, size_t buf_size)`.
/// Not version-exported from the shared object, as in liburing; present in `liburing.a`.
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

/// liburing (internal, used by its tests): `void io_uring_unmap_rings(struct io_uring_sq *sq, struct io_uring_cq *cq)`.
/// Unmaps the SQ ring mapping and, if separate, the CQ ring mapping (not the SQEs);
/// a ring size of 0 means "not ours, leave it". Does nothing if either pointer is NULL.
/// Not version-exported from the shared object, as in liburing; present in `liburing.a`.
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
