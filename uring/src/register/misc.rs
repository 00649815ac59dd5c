//! The remaining `io_uring_register(2)` wrappers: eventfd, personalities, restrictions,
//! io-wq tuning, synchronous cancel and message, NAPI, clock, memory regions, zero-copy
//! receive, BPF filters and the capability query.
//!
//! Each one builds its argument, issues the register call with the `nr_args` liburing
//! uses (spec 5.2) and passes the kernel's answer through. Where the argument is a plain
//! struct without pointers inside, there is a safe function over a reference and a
//! `*_raw` function over a pointer (which the C ABI uses, so a NULL or bad pointer gets
//! the kernel's own answer, normally `EFAULT`). Arguments that carry addresses the kernel
//! will use only exist in the `unsafe` pointer form.

use crate::sys::RawFd;
use core::ptr;

use libc::cpu_set_t;

use super::buffers::count;
use super::{do_register, do_register_ringless};
use crate::errno::Errno;
use crate::ring::RingRef;
use crate::sys::{
    io_uring_bpf, io_uring_clock_register, io_uring_mem_region_reg, io_uring_napi, io_uring_query_hdr,
    io_uring_reg_wait, io_uring_restriction, io_uring_sqe, io_uring_sync_cancel_reg, io_uring_zcrx_ifq_reg, zcrx_ctrl,
    IORING_REGISTER_BPF_FILTER, IORING_REGISTER_CLOCK, IORING_REGISTER_EVENTFD, IORING_REGISTER_EVENTFD_ASYNC,
    IORING_REGISTER_IOWQ_AFF, IORING_REGISTER_IOWQ_MAX_WORKERS, IORING_REGISTER_MEM_REGION, IORING_REGISTER_NAPI,
    IORING_REGISTER_PERSONALITY, IORING_REGISTER_QUERY, IORING_REGISTER_RESTRICTIONS, IORING_REGISTER_SEND_MSG_RING,
    IORING_REGISTER_SYNC_CANCEL, IORING_REGISTER_ZCRX_CTRL, IORING_REGISTER_ZCRX_IFQ, IORING_UNREGISTER_EVENTFD,
    IORING_UNREGISTER_IOWQ_AFF, IORING_UNREGISTER_NAPI, IORING_UNREGISTER_PERSONALITY,
};

// ---- eventfd -------------------------------------------------------------------------

/// `io_uring_register_eventfd`: signal eventfd `fd` whenever a CQE is posted
/// (`IORING_REGISTER_EVENTFD`, arg = the int's address, nr 1). `EBUSY` if one is
/// already registered, `EBADF` if `fd` is not an eventfd.
#[doc(alias = "io_uring_register_eventfd")]
pub fn register_eventfd(ring: RingRef<'_>, fd: RawFd) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads one int at the address of the local `fd`, which
    // lives across the call.
    unsafe { do_register(ring, IORING_REGISTER_EVENTFD, ptr::from_ref(&fd).cast(), 1) }
}

/// `io_uring_register_eventfd_async`: as [`register_eventfd`], but only completions
/// that were punted to async context signal it (`IORING_REGISTER_EVENTFD_ASYNC`).
#[doc(alias = "io_uring_register_eventfd_async")]
pub fn register_eventfd_async(ring: RingRef<'_>, fd: RawFd) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads one int at the address of the local `fd`, which
    // lives across the call.
    unsafe { do_register(ring, IORING_REGISTER_EVENTFD_ASYNC, ptr::from_ref(&fd).cast(), 1) }
}

/// `io_uring_unregister_eventfd` (`IORING_UNREGISTER_EVENTFD`): `ENXIO` if none.
#[doc(alias = "io_uring_unregister_eventfd")]
pub fn unregister_eventfd(ring: RingRef<'_>) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: UNREGISTER_EVENTFD takes no argument, and NULL is passed.
    unsafe { do_register(ring, IORING_UNREGISTER_EVENTFD, ptr::null(), 0) }
}

// ---- personalities -------------------------------------------------------------------

/// `io_uring_register_personality`: register the caller's current credentials; returns
/// the personality id to put in `sqe.personality`.
#[doc(alias = "io_uring_register_personality")]
pub fn register_personality(ring: RingRef<'_>) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: REGISTER_PERSONALITY takes no argument, and NULL is passed.
    unsafe { do_register(ring, IORING_REGISTER_PERSONALITY, ptr::null(), 0) }
}

/// `io_uring_unregister_personality`: drop personality `id` (passed as `nr_args`, NULL
/// arg). `EINVAL` for an unknown id.
#[doc(alias = "io_uring_unregister_personality")]
pub fn unregister_personality(ring: RingRef<'_>, id: i32) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: NULL argument (the id travels in nr_args), nothing is read.
    unsafe { do_register(ring, IORING_UNREGISTER_PERSONALITY, ptr::null(), id as u32) }
}

// ---- restrictions --------------------------------------------------------------------

/// `io_uring_register_restrictions`: install an allow-list on a ring created with
/// `IORING_SETUP_R_DISABLED` (`IORING_REGISTER_RESTRICTIONS`, nr = count); enable the
/// ring afterwards. `EBADFD` if the ring is not disabled, `EBUSY` if restrictions exist.
///
/// # Safety
/// `res` must be NULL or point to `nr_res` readable entries.
#[doc(alias = "io_uring_register_restrictions")]
pub unsafe fn register_restrictions_raw(
    ring: RingRef<'_>,
    res: *const io_uring_restriction,
    nr_res: u32,
) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads `nr_res` entries at `res`, NULL or readable by
    // this function's contract.
    unsafe { do_register(ring, IORING_REGISTER_RESTRICTIONS, res.cast(), nr_res) }
}

/// [`register_restrictions_raw`] over a slice.
#[doc(alias = "io_uring_register_restrictions")]
pub fn register_restrictions(ring: RingRef<'_>, res: &[io_uring_restriction]) -> Result<i32, Errno> {
    let nr = count(res)?;
    // SAFETY: REG-ARG, as register_restrictions_raw states it: the slice holds `nr`
    // readable entries.
    unsafe { register_restrictions_raw(ring, res.as_ptr(), nr) }
}

// ---- io-wq ---------------------------------------------------------------------------

/// `io_uring_register_iowq_aff`: bind the ring's io-wq workers to the CPUs in the
/// first `cpusz` bytes of `mask` (`IORING_REGISTER_IOWQ_AFF`, nr = `cpusz`). `EINVAL`
/// without a syscall when `cpusz >= 2^31`, as liburing.
///
/// # Safety
/// `mask` must be NULL or point to `cpusz` readable bytes.
#[doc(alias = "io_uring_register_iowq_aff")]
pub unsafe fn register_iowq_aff_raw(ring: RingRef<'_>, cpusz: usize, mask: *const cpu_set_t) -> Result<i32, Errno> {
    let nr = match u32::try_from(cpusz) {
        Ok(n) if n < 1 << 31 => n,
        _ => return Err(Errno::EINVAL),
    };
    // SAFETY: REG-ARG: the kernel reads `cpusz` bytes at `mask`, NULL or readable by this
    // function's contract.
    unsafe { do_register(ring, IORING_REGISTER_IOWQ_AFF, mask.cast(), nr) }
}

/// [`register_iowq_aff_raw`] with a whole `cpu_set_t`.
#[doc(alias = "io_uring_register_iowq_aff")]
pub fn register_iowq_aff(ring: RingRef<'_>, mask: &cpu_set_t) -> Result<i32, Errno> {
    // SAFETY: REG-ARG, as register_iowq_aff_raw states it: `mask` is a reference to a
    // whole, readable cpu_set_t of the size passed.
    unsafe { register_iowq_aff_raw(ring, core::mem::size_of::<cpu_set_t>(), mask) }
}

/// `io_uring_unregister_iowq_aff` (`IORING_UNREGISTER_IOWQ_AFF`).
#[doc(alias = "io_uring_unregister_iowq_aff")]
pub fn unregister_iowq_aff(ring: RingRef<'_>) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: UNREGISTER_IOWQ_AFF takes no argument, and NULL is passed.
    unsafe { do_register(ring, IORING_UNREGISTER_IOWQ_AFF, ptr::null(), 0) }
}

/// `io_uring_register_iowq_max_workers`: `values[0]` bounded workers and `values[1]`
/// unbounded workers (0 = leave unchanged); on return both hold the previous limits
/// (`IORING_REGISTER_IOWQ_MAX_WORKERS`, nr 2).
///
/// # Safety
/// `values` must be NULL or point to two readable and writable `unsigned int`s.
#[doc(alias = "io_uring_register_iowq_max_workers")]
pub unsafe fn register_iowq_max_workers_raw(ring: RingRef<'_>, values: *mut u32) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads and writes two u32 at `values`, NULL or readable
    // and writable by this function's contract.
    unsafe { do_register(ring, IORING_REGISTER_IOWQ_MAX_WORKERS, values.cast_const().cast(), 2) }
}

/// [`register_iowq_max_workers_raw`] over an array.
#[doc(alias = "io_uring_register_iowq_max_workers")]
pub fn register_iowq_max_workers(ring: RingRef<'_>, values: &mut [u32; 2]) -> Result<i32, Errno> {
    // SAFETY: REG-ARG, as register_iowq_max_workers_raw states it: `values` is an exclusive
    // reference to two u32.
    unsafe { register_iowq_max_workers_raw(ring, values.as_mut_ptr()) }
}

// ---- synchronous cancel and message --------------------------------------------------

/// `io_uring_register_sync_cancel`: cancel matching requests and wait for them, up to
/// `reg.timeout` (`IORING_REGISTER_SYNC_CANCEL`, nr 1). 0 when something was canceled,
/// `ENOENT` when nothing matched, `ETIME` on timeout.
///
/// # Safety
/// `reg` must be NULL or point to a readable `io_uring_sync_cancel_reg`.
#[doc(alias = "io_uring_register_sync_cancel")]
pub unsafe fn register_sync_cancel_raw(ring: RingRef<'_>, reg: *const io_uring_sync_cancel_reg) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads one struct at `reg`, NULL or readable by this
    // function's contract.
    unsafe { do_register(ring, IORING_REGISTER_SYNC_CANCEL, reg.cast(), 1) }
}

/// [`register_sync_cancel_raw`] over a reference.
#[doc(alias = "io_uring_register_sync_cancel")]
pub fn register_sync_cancel(ring: RingRef<'_>, reg: &io_uring_sync_cancel_reg) -> Result<i32, Errno> {
    // SAFETY: REG-ARG, as register_sync_cancel_raw states it: `reg` is a reference, so
    // readable.
    unsafe { register_sync_cancel_raw(ring, reg) }
}

/// `io_uring_register_sync_msg`: post a `IORING_OP_MSG_RING` message described by `sqe`
/// synchronously, without a source ring (`IORING_REGISTER_SEND_MSG_RING`, fd -1, nr 1).
///
/// # Safety
/// `sqe` must be NULL or point to a readable SQE.
#[doc(alias = "io_uring_register_sync_msg")]
pub unsafe fn register_sync_msg_raw(sqe: *const io_uring_sqe) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads (copies) one SQE at `sqe`, NULL or readable by
    // this function's contract; the message it sends names no memory of ours.
    unsafe { do_register_ringless(IORING_REGISTER_SEND_MSG_RING, sqe.cast(), 1) }
}

/// [`register_sync_msg_raw`] over a reference.
///
/// # Safety
/// The message posts a completion with a `user_data` and result of the caller's choice
/// into the ring `sqe.fd` names (a raw fd number). Whoever reaps that ring must expect
/// it: a completion is a claim that an operation ended, and a ring driven by
/// `uring::api::owned::Driver` (or any code that frees a request's memory on its
/// completion) would free buffers the kernel still writes. Send only to rings whose
/// completions you own.
#[doc(alias = "io_uring_register_sync_msg")]
pub unsafe fn register_sync_msg(sqe: &io_uring_sqe) -> Result<i32, Errno> {
    // SAFETY: REG-ARG, as register_sync_msg_raw states it: `sqe` is a reference, so
    // readable; the target ring's completions are the caller's (this function's
    // contract).
    unsafe { register_sync_msg_raw(sqe) }
}

// ---- NAPI ----------------------------------------------------------------------------

/// `io_uring_register_napi`: enable NAPI busy polling with `napi`'s settings
/// (`IORING_REGISTER_NAPI`, nr 1); the kernel writes the previous settings back.
///
/// # Safety
/// `napi` must be NULL or point to a readable and writable `io_uring_napi`.
#[doc(alias = "io_uring_register_napi")]
pub unsafe fn register_napi_raw(ring: RingRef<'_>, napi: *mut io_uring_napi) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads and writes one struct at `napi`, NULL or
    // readable and writable by this function's contract.
    unsafe { do_register(ring, IORING_REGISTER_NAPI, napi.cast_const().cast(), 1) }
}

/// [`register_napi_raw`] over a reference.
#[doc(alias = "io_uring_register_napi")]
pub fn register_napi(ring: RingRef<'_>, napi: &mut io_uring_napi) -> Result<i32, Errno> {
    // SAFETY: REG-ARG, as register_napi_raw states it: `napi` is an exclusive reference, so
    // readable and writable.
    unsafe { register_napi_raw(ring, napi) }
}

/// `io_uring_unregister_napi` (`IORING_UNREGISTER_NAPI`, nr 1): the kernel writes the
/// settings that were in force into `napi` when it is not NULL.
///
/// # Safety
/// `napi` must be NULL or point to a writable `io_uring_napi`.
#[doc(alias = "io_uring_unregister_napi")]
pub unsafe fn unregister_napi_raw(ring: RingRef<'_>, napi: *mut io_uring_napi) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel writes one struct at `napi` unless it is NULL;
    // writable by this function's contract.
    unsafe { do_register(ring, IORING_UNREGISTER_NAPI, napi.cast_const().cast(), 1) }
}

/// [`unregister_napi_raw`] over an optional reference.
#[doc(alias = "io_uring_unregister_napi")]
pub fn unregister_napi(ring: RingRef<'_>, napi: Option<&mut io_uring_napi>) -> Result<i32, Errno> {
    let p = napi.map_or(ptr::null_mut(), ptr::from_mut);
    // SAFETY: REG-ARG, as unregister_napi_raw states it: `p` is NULL or from an exclusive
    // reference, so writable.
    unsafe { unregister_napi_raw(ring, p) }
}

// ---- clock ---------------------------------------------------------------------------

/// `io_uring_register_clock`: the clock used for wait timeouts (`IORING_REGISTER_CLOCK`,
/// nr 0): `CLOCK_MONOTONIC` or `CLOCK_BOOTTIME`, else `EINVAL`.
///
/// # Safety
/// `arg` must be NULL or point to a readable `io_uring_clock_register`.
#[doc(alias = "io_uring_register_clock")]
pub unsafe fn register_clock_raw(ring: RingRef<'_>, arg: *const io_uring_clock_register) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads one struct at `arg`, NULL or readable by this
    // function's contract.
    unsafe { do_register(ring, IORING_REGISTER_CLOCK, arg.cast(), 0) }
}

/// [`register_clock_raw`] over a reference.
#[doc(alias = "io_uring_register_clock")]
pub fn register_clock(ring: RingRef<'_>, arg: &io_uring_clock_register) -> Result<i32, Errno> {
    // SAFETY: REG-ARG, as register_clock_raw states it: `arg` is a reference, so readable.
    unsafe { register_clock_raw(ring, arg) }
}

// ---- memory regions and registered waits ---------------------------------------------

/// `io_uring_register_region`: register a memory region (`IORING_REGISTER_MEM_REGION`,
/// nr 1), e.g. the registered-wait argument area used by `submit_and_wait_reg`. Only
/// allowed while the ring is still `IORING_SETUP_R_DISABLED` for wait regions.
///
/// # Safety
/// `reg` must be NULL or point to a readable and writable `io_uring_mem_region_reg`
/// whose `region_uptr` points to an `io_uring_region_desc`; user memory named by that
/// descriptor must stay valid for the life of the ring.
#[doc(alias = "io_uring_register_region")]
pub unsafe fn register_region(ring: RingRef<'_>, reg: *mut io_uring_mem_region_reg) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads and writes `reg` and reads the descriptor it
    // names; by this function's contract both are valid and the user memory the
    // descriptor names stays valid for the life of the ring.
    unsafe { do_register(ring, IORING_REGISTER_MEM_REGION, reg.cast_const().cast(), 1) }
}

/// `io_uring_register_wait_reg`: a stub kept for ABI compatibility that always fails
/// with `EINVAL`, as in liburing; registered waits go through [`register_region`].
#[doc(alias = "io_uring_register_wait_reg")]
pub fn register_wait_reg(_ring: RingRef<'_>, _reg: *mut io_uring_reg_wait, _nr: i32) -> Result<i32, Errno> {
    Err(Errno::EINVAL)
}

// ---- zero-copy receive -----------------------------------------------------------------

/// `io_uring_register_ifq`: register a zero-copy receive interface queue
/// (`IORING_REGISTER_ZCRX_IFQ`, nr 1). Needs `CAP_NET_ADMIN`, a DEFER_TASKRUN ring with
/// CQE32, and a NIC that supports header split; otherwise the kernel's error.
///
/// # Safety
/// `reg` must be NULL or point to a readable and writable `io_uring_zcrx_ifq_reg`
/// whose area and region pointers describe memory that stays valid while registered.
#[doc(alias = "io_uring_register_ifq")]
pub unsafe fn register_ifq(ring: RingRef<'_>, reg: *mut io_uring_zcrx_ifq_reg) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads and writes `reg` and the memory it names, which
    // by this function's contract are valid and stay so while registered.
    unsafe { do_register(ring, IORING_REGISTER_ZCRX_IFQ, reg.cast_const().cast(), 1) }
}

/// `io_uring_register_zcrx_ctrl`: a control operation on a registered zcrx instance
/// (`IORING_REGISTER_ZCRX_CTRL`, nr 0).
///
/// # Safety
/// `ctrl` must be NULL or point to a readable and writable `zcrx_ctrl`.
#[doc(alias = "io_uring_register_zcrx_ctrl")]
pub unsafe fn register_zcrx_ctrl_raw(ring: RingRef<'_>, ctrl: *mut zcrx_ctrl) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads and writes one struct at `ctrl`, NULL or
    // readable and writable by this function's contract.
    unsafe { do_register(ring, IORING_REGISTER_ZCRX_CTRL, ctrl.cast_const().cast(), 0) }
}

/// [`register_zcrx_ctrl_raw`] over a reference.
#[doc(alias = "io_uring_register_zcrx_ctrl")]
pub fn register_zcrx_ctrl(ring: RingRef<'_>, ctrl: &mut zcrx_ctrl) -> Result<i32, Errno> {
    // SAFETY: REG-ARG, as register_zcrx_ctrl_raw states it: `ctrl` is an exclusive
    // reference, so readable and writable.
    unsafe { register_zcrx_ctrl_raw(ring, ctrl) }
}

// ---- BPF filters -----------------------------------------------------------------------

/// `io_uring_register_bpf_filter`: attach a BPF filter to the ring
/// (`IORING_REGISTER_BPF_FILTER`, nr 1).
///
/// # Safety
/// `bpf` must be NULL or point to a readable `io_uring_bpf` whose filter pointer names
/// `filter_len` readable instructions.
#[doc(alias = "io_uring_register_bpf_filter")]
pub unsafe fn register_bpf_filter(ring: RingRef<'_>, bpf: *mut io_uring_bpf) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads `bpf` and the `filter_len` instructions it
    // names, NULL or readable by this function's contract.
    unsafe { do_register(ring, IORING_REGISTER_BPF_FILTER, bpf.cast_const().cast(), 1) }
}

/// `io_uring_register_bpf_filter_task`: attach a BPF filter to the calling task's future
/// rings (`IORING_REGISTER_BPF_FILTER` with fd -1, nr 1).
///
/// # Safety
/// As for [`register_bpf_filter`].
#[doc(alias = "io_uring_register_bpf_filter_task")]
pub unsafe fn register_bpf_filter_task(bpf: *mut io_uring_bpf) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads `bpf` and the `filter_len` instructions it
    // names, NULL or readable by this function's contract (register_bpf_filter's).
    unsafe { do_register_ringless(IORING_REGISTER_BPF_FILTER, bpf.cast_const().cast(), 1) }
}

// ---- query -----------------------------------------------------------------------------

/// `io_uring_register_query`: ask the kernel what it supports (`IORING_REGISTER_QUERY`,
/// fd -1, nr 0). Each header in the `next_entry` chain gets its `result` filled in and
/// its `query_data` buffer (of `size` bytes) written.
///
/// # Safety
/// `query` must be NULL or point to a chain of readable and writable headers whose data
/// pointers name writable buffers of the stated sizes.
#[doc(alias = "io_uring_register_query")]
pub unsafe fn register_query(query: *mut io_uring_query_hdr) -> Result<i32, Errno> {
    // SAFETY: REG-ARG: the kernel reads and writes the header chain and the buffers it
    // names, NULL or valid at their stated sizes by this function's contract.
    unsafe { do_register_ringless(IORING_REGISTER_QUERY, query.cast_const().cast(), 0) }
}
