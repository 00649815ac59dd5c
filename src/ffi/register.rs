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

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_buffers_sparse(ring: *mut io_uring, nr: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| buffers::register_buffers_sparse(r, nr)) }
}

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

#[no_mangle]
pub unsafe extern "C" fn io_uring_clone_buffers(dst: *mut io_uring, src: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `dst` and `src` are each NULL or SET-UP with no exclusive
    // operation running.
    unsafe { with_rings(dst, src, buffers::clone_buffers) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_clone_buffers_offset(
    dst: *mut io_uring,
    src: *mut io_uring,
    dst_off: c_uint,
    src_off: c_uint,
    nr: c_uint,
    flags: c_uint,
) -> c_int {
    // SAFETY: C-CONTRACT: `dst` and `src` are each NULL or SET-UP with no exclusive
    // operation running.
    unsafe {
        with_rings(dst, src, |d, s| {
            buffers::clone_buffers_offset(d, s, dst_off, src_off, nr, flags)
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn __io_uring_clone_buffers(dst: *mut io_uring, src: *mut io_uring, flags: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: `dst` and `src` are each NULL or SET-UP with no exclusive
    // operation running.
    unsafe { with_rings(dst, src, |d, s| buffers::clone_buffers_with_flags(d, s, flags)) }
}

#[no_mangle]
pub unsafe extern "C" fn __io_uring_clone_buffers_offset(
    dst: *mut io_uring,
    src: *mut io_uring,
    dst_off: c_uint,
    src_off: c_uint,
    nr: c_uint,
    flags: c_uint,
) -> c_int {
    // SAFETY: C-CONTRACT: `dst` and `src` are each NULL or SET-UP with no exclusive
    // operation running.
    unsafe {
        with_rings(dst, src, |d, s| {
            buffers::clone_buffers_offset_with_flags(d, s, dst_off, src_off, nr, flags)
        })
    }
}

// ---- files ---------------------------------------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files(ring: *mut io_uring, files: *const c_int, nr_files: c_uint) -> c_int {
    let register = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `files` is NULL or `nr_files` readable ints.
        unsafe { files::register_files_raw(r, files, nr_files) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, register) }
}

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

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_files_sparse(ring: *mut io_uring, nr: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| files::register_files_sparse(r, nr)) }
}

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

#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_files(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, files::unregister_files) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_file_alloc_range(ring: *mut io_uring, off: c_uint, len: c_uint) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| files::register_file_alloc_range(r, off, len)) }
}

// ---- eventfd, personality, restrictions, io-wq ------------------------------------------

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_eventfd(ring: *mut io_uring, fd: c_int) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| misc::register_eventfd(r, fd)) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_eventfd_async(ring: *mut io_uring, fd: c_int) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| misc::register_eventfd_async(r, fd)) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_eventfd(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, misc::unregister_eventfd) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_personality(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, misc::register_personality) }
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_personality(ring: *mut io_uring, id: c_int) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, |r| misc::unregister_personality(r, id)) }
}

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

#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_iowq_aff(ring: *mut io_uring) -> c_int {
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, misc::unregister_iowq_aff) }
}

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

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_sync_msg(sqe: *mut io_uring_sqe) -> c_int {
    // SAFETY: REG-ARG: by C-CONTRACT `sqe` is NULL or a readable SQE, which the kernel
    // copies (or answers with EFAULT).
    to_c(unsafe { misc::register_sync_msg_raw(sqe) })
}

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

#[no_mangle]
pub unsafe extern "C" fn io_uring_unregister_napi(ring: *mut io_uring, napi: *mut io_uring_napi) -> c_int {
    let unregister = |r: RingRef<'_>| {
        // SAFETY: REG-ARG: by C-CONTRACT `napi` is NULL or a writable io_uring_napi.
        unsafe { misc::unregister_napi_raw(r, napi) }
    };
    // SAFETY: C-CONTRACT: `ring` is NULL or SET-UP with no exclusive operation running.
    unsafe { with_ring(ring, unregister) }
}

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

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_bpf_filter_task(bpf: *mut io_uring_bpf) -> c_int {
    // SAFETY: REG-ARG: by C-CONTRACT `bpf` is NULL or a readable io_uring_bpf whose
    // filter names `filter_len` readable instructions; the kernel copies them.
    to_c(unsafe { misc::register_bpf_filter_task(bpf) })
}

#[no_mangle]
pub unsafe extern "C" fn io_uring_register_query(query: *mut io_uring_query_hdr) -> c_int {
    // SAFETY: REG-ARG: by C-CONTRACT `query` is NULL or a chain of readable and writable
    // headers whose data pointers name writable buffers of the stated sizes.
    to_c(unsafe { misc::register_query(query) })
}
