//! Ring setup and teardown: `io_uring_queue_init*`, `io_uring_queue_mmap`,
//! `io_uring_queue_exit`, NO_MMAP memory, the memory-size helpers and ring resizing.

use core::ffi::c_void;
use core::ptr;
use core::sync::atomic::{AtomicUsize, Ordering};

use crate::errno::Errno;
use crate::register::do_register;
use crate::ring::{io_uring, io_uring_cq, io_uring_sq, sqe_shift_from_flags, INT_FLAG_APP_MEM, INT_FLAG_CQ_ENTER};
use crate::ring::{RingRef, INT_FLAG_REG_REG_RING, INT_FLAG_REG_RING};
use crate::sys::syscall;
use crate::sys::*;

/// Offset of the CQE array in the kernel's shared ring area (its header is one cache line).
const KRING_SIZE: usize = 64;
/// Largest SQ size the kernel accepts without IORING_SETUP_CLAMP.
const KERN_MAX_ENTRIES: u32 = 32768;
/// Largest CQ size the kernel accepts without IORING_SETUP_CLAMP.
const KERN_MAX_CQ_ENTRIES: u32 = 2 * KERN_MAX_ENTRIES;

const SQE_SIZE: usize = core::mem::size_of::<io_uring_sqe>();
const CQE_SIZE: usize = core::mem::size_of::<io_uring_cqe>();

/// Page size assumed if `sysconf(_SC_PAGESIZE)` gives no usable answer.
const FALLBACK_PAGE_SIZE: usize = 4096;
/// Huge page size assumed if `/proc/meminfo` gives no usable answer: liburing's fixed
/// choice, and the default huge page size of x86_64 and of 4K-page aarch64.
const FALLBACK_HUGE_PAGE_SIZE: usize = 2 * 1024 * 1024;

/// Cached [`page_size`]; 0 until first computed.
static PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);
/// Cached [`huge_page_size`]; 0 until first computed.
static HUGE_PAGE_SIZE: AtomicUsize = AtomicUsize::new(0);

/// The system's page size (`sysconf(_SC_PAGESIZE)`: 4 KiB on x86_64, 4, 16 or 64 KiB on
/// aarch64), asked once and cached.
///
/// Two threads racing on the first call both ask and store the same value, so relaxed
/// accesses are enough: the cache holds either 0 or the final answer.
///
/// Out of line: set-up and the size queries share one copy (it is never on a hot path).
#[inline(never)]
pub fn page_size() -> usize {
    let cached = PAGE_SIZE.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    // SAFETY: sysconf only reads a system constant; it takes and returns plain integers
    // and touches no memory of ours.
    let answer = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let size = usize::try_from(answer)
        .ok()
        .filter(|s| s.is_power_of_two())
        .unwrap_or(FALLBACK_PAGE_SIZE);
    PAGE_SIZE.store(size, Ordering::Relaxed);
    size
}

/// The system's default huge page size (`Hugepagesize:` in `/proc/meminfo`: 2 MiB on
/// x86_64, 2 MiB, 32 MiB or 512 MiB on aarch64 depending on its base page size), read
/// once and cached; 2 MiB if it cannot be read. Cached like [`page_size`].
pub fn huge_page_size() -> usize {
    let cached = HUGE_PAGE_SIZE.load(Ordering::Relaxed);
    if cached != 0 {
        return cached;
    }
    // Line by line with the extensions' byte helpers: no `str` parsing (its UTF-8
    // validation, Unicode trimming and integer parser are 1.5 KB of the C library).
    let mut size = None;
    let _ = crate::ext::os::for_each_line(c"/proc/meminfo", &mut |line| {
        size = parse_hugepagesize_line(line);
        size.is_none()
    });
    let size = size.unwrap_or(FALLBACK_HUGE_PAGE_SIZE);
    HUGE_PAGE_SIZE.store(size, Ordering::Relaxed);
    size
}

/// The size in bytes of a `Hugepagesize:` line of `/proc/meminfo`
/// (`Hugepagesize:       2048 kB`); None for other lines, a malformed value or one that
/// is not a power of two.
fn parse_hugepagesize_line(line: &[u8]) -> Option<usize> {
    use crate::ext::os::{parse_number, trim};
    let value = trim(line.strip_prefix(b"Hugepagesize:")?);
    let kib = trim(value.strip_suffix(b"kB")?);
    if kib.is_empty() || !kib.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let kib = usize::try_from(parse_number(kib)?).ok()?;
    kib.checked_mul(1024).filter(|b| b.is_power_of_two())
}

/// `n` rounded up to a multiple of `page` (a power of two).
fn page_align(n: usize, page: usize) -> usize {
    debug_assert!(page.is_power_of_two());
    (n + page - 1) & !(page - 1)
}

/// `io_uring_queue_init`: set up `ring` with `entries` SQEs and setup `flags`.
///
/// # Safety
/// `ring` is overwritten; any ring it held before is leaked, not torn down.
pub unsafe fn queue_init(entries: u32, ring: &mut io_uring, flags: u32) -> Result<(), Errno> {
    let mut p = io_uring_params {
        flags,
        ..Default::default()
    };
    // SAFETY: queue_init_params has the same single requirement as this function
    // (`ring` may be overwritten), and `p` is a live local.
    unsafe { queue_init_params(entries, ring, &mut p) }
}

/// `io_uring_queue_init_params`: set up `ring` as `p` asks; `p` receives the kernel's
/// answer (entries, features, offsets).
///
/// # Safety
/// As for [`queue_init`].
pub unsafe fn queue_init_params(entries: u32, ring: &mut io_uring, p: &mut io_uring_params) -> Result<(), Errno> {
    // SAFETY: with no caller buffer (None) init_prefer_no_sqarray has no memory
    // requirement: a NO_MMAP ring gets library-made mappings.
    unsafe { init_prefer_no_sqarray(entries, ring, p, None) }.map(|_| ())
}

/// `io_uring_queue_init_mem`: a NO_MMAP ring whose memory is the caller's `buf` (or, if
/// `buf` is NULL, memory the library maps). Returns the number of bytes the ring uses.
///
/// # Safety
/// `buf` must be valid for reads and writes of `buf_size` bytes, page aligned, and outlive
/// the ring (queue_exit does not free it).
///
/// "The ring" here is the kernel's: after `queue_exit` closes the fd, the kernel tears
/// the ring down asynchronously and may still write to `buf` meanwhile (it stores its
/// CQ tail there; measured on Linux 6.18 with raw syscalls, see docs/reliability.md).
/// So do not reuse `buf` for anything, another ring included, on the strength of
/// `queue_exit` having returned: unmap it (the kernel keeps the pages it pinned) and
/// map fresh memory for the next ring.
pub unsafe fn queue_init_mem(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    buf: *mut c_void,
    buf_size: usize,
) -> Result<usize, Errno> {
    p.flags |= IORING_SETUP_NO_MMAP;
    // A NULL buffer asks the library to map the ring memory itself.
    let mem = (!buf.is_null()).then_some((buf, buf_size));
    // SAFETY: a Some(mem) is the non-NULL `buf`, which this function's `# Safety`
    // requires to be valid for reads and writes of `buf_size` bytes: what
    // init_prefer_no_sqarray requires of it.
    unsafe { init_prefer_no_sqarray(entries, ring, p, mem) }
}

/// liburing's internal `__io_uring_queue_init_params`: setup exactly as `p` asks (no
/// NO_SQARRAY retry); a NULL `buf` with NO_MMAP lets the library map the memory.
/// Returns the bytes of ring memory used (0 without NO_MMAP).
///
/// # Safety
/// As for [`queue_init_mem`] when `buf` is non-NULL.
pub unsafe fn queue_init_params_exact(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    buf: *mut c_void,
    buf_size: usize,
) -> Result<usize, Errno> {
    let mem = (!buf.is_null()).then_some((buf, buf_size));
    // SAFETY: as in queue_init_mem, a Some(mem) is a buffer valid for `buf_size` bytes
    // of reads and writes (this function's `# Safety`), what init_ring requires.
    unsafe { init_ring(entries, ring, p, mem) }
}

/// Set up with IORING_SETUP_NO_SQARRAY unless the kernel refuses it, as liburing does:
/// the SQ index array is pure overhead when the library always submits in order.
///
/// # Safety
/// As for [`init_ring`].
#[inline(never)] // one copy for the four set-up entry points
unsafe fn init_prefer_no_sqarray(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    buf: Option<(*mut c_void, usize)>,
) -> Result<usize, Errno> {
    let asked = p.flags;
    p.flags |= IORING_SETUP_NO_SQARRAY;
    // SAFETY: `buf` is passed on unchanged, so init_ring's requirement on it (a buffer
    // valid for its size) is this function's own.
    match unsafe { init_ring(entries, ring, p, buf) } {
        Err(Errno::EINVAL) if asked & IORING_SETUP_NO_SQARRAY == 0 => {
            p.flags = asked;
            // SAFETY: as above; the failed attempt kept nothing of `buf` (init_ring
            // records it only on success).
            unsafe { init_ring(entries, ring, p, buf) }
        }
        other => other,
    }
}

/// The real setup (liburing's internal `__io_uring_queue_init_params`); a failure is
/// recorded for `uring_explain_setup_error` ([`crate::diagnose::note_failed_setup`]).
///
/// # Safety
/// As for [`init_ring_inner`].
unsafe fn init_ring(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    buf: Option<(*mut c_void, usize)>,
) -> Result<usize, Errno> {
    // SAFETY: the same contract, passed on.
    let result = unsafe { init_ring_inner(entries, ring, p, buf) };
    if let Err(e) = result {
        let request = crate::diagnose::SetupRequest {
            entries,
            flags: p.flags,
            cq_entries: p.cq_entries,
        };
        crate::diagnose::note_failed_setup(e.raw(), request);
    }
    result
}

/// The body of [`init_ring`].
///
/// # Safety
/// A `buf` of `Some((base, size))` must be valid for reads and writes of `size` bytes
/// for as long as the ring lives.
unsafe fn init_ring_inner(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    buf: Option<(*mut c_void, usize)>,
) -> Result<usize, Errno> {
    *ring = io_uring::zeroed();
    let no_mmap = p.flags & IORING_SETUP_NO_MMAP != 0;
    if p.flags & IORING_SETUP_REGISTERED_FD_ONLY != 0 && !no_mmap {
        return Err(Errno::EINVAL);
    }
    let mut mem_used = 0;
    if no_mmap {
        // SAFETY: `buf` is passed on unchanged; alloc_no_mmap_memory requires of it what
        // this function's `# Safety` guarantees.
        mem_used = unsafe { alloc_no_mmap_memory(entries, p, &mut ring.sq, &mut ring.cq, buf) }?;
        if buf.is_some() {
            ring.int_flags |= INT_FLAG_APP_MEM;
        }
    }

    // SAFETY: p is a valid, writable io_uring_params.
    let fd = unsafe { syscall::io_uring_setup(entries, p) };
    if fd < 0 {
        if no_mmap && ring.int_flags & INT_FLAG_APP_MEM == 0 {
            // SAFETY: these mappings were made just above and nothing else uses them.
            unsafe { unmap_no_mmap_memory(&ring.sq) };
        }
        return Err(Errno(-fd));
    }

    if no_mmap {
        let rings = ring.sq.ring_ptr;
        // SAFETY: the kernel laid its rings out in our memory at `rings` as p describes.
        unsafe { setup_ring_pointers(p, &mut ring.sq, &mut ring.cq, rings, rings) };
    } else {
        // SAFETY: fd is the ring we just created; p holds the kernel's offsets.
        if let Err(e) = unsafe { mmap_rings(fd, p, &mut ring.sq, &mut ring.cq) } {
            syscall::close(fd);
            return Err(e);
        }
    }

    if p.flags & IORING_SETUP_NO_SQARRAY == 0 {
        // SAFETY: sq.array has ring_entries slots in the shared SQ ring.
        unsafe { fill_identity_sq_array(&ring.sq) };
    }

    ring.features = p.features;
    ring.set_flags(p.flags);
    ring.enter_ring_fd = fd;
    if p.flags & IORING_SETUP_REGISTERED_FD_ONLY != 0 {
        // The kernel handed back a registered-ring index, not a file descriptor.
        ring.ring_fd = -1;
        ring.int_flags |= INT_FLAG_REG_RING | INT_FLAG_REG_REG_RING;
    } else {
        ring.ring_fd = fd;
    }
    if p.flags & IORING_SETUP_IOPOLL != 0 && p.flags & IORING_SETUP_SQPOLL == 0 {
        ring.int_flags |= INT_FLAG_CQ_ENTER;
    }
    if crate::ext::checked::env_requests_check() {
        ring.int_flags |= crate::ring::INT_FLAG_CHECKED;
    }
    Ok(mem_used)
}

/// Point every SQ slot at the SQE of the same index. The library always submits SQEs in
/// ring order, so the array is written once here and never again.
///
/// # Safety
/// `sq.array` must point to the live SQ index array of `sq.ring_entries` slots.
#[inline(never)] // one copy for set-up and resize
unsafe fn fill_identity_sq_array(sq: &io_uring_sq) {
    for i in 0..sq.ring_entries {
        // The kernel reads the array only below the tail we publish later (with a
        // release store or a syscall), so a relaxed store is enough.
        // SAFETY: i < ring_entries, the length of the live array (`# Safety`).
        let slot = unsafe { sq.array.add(i as usize) };
        // SAFETY: the slot is an aligned u32 inside the live SQ ring mapping.
        unsafe { syscall_free_write(slot, i) };
    }
}

/// Relaxed store into shared ring memory.
///
/// # Safety
/// `p` must point to an aligned `u32` inside a live ring mapping.
#[inline(always)]
unsafe fn syscall_free_write(p: *mut u32, v: u32) {
    // SAFETY: `p` is an aligned u32 in a live mapping (`# Safety`), all write_once needs.
    unsafe { crate::barrier::write_once(p, v) }
}

/// `io_uring_queue_mmap`: map the rings of an existing ring fd into `ring`.
///
/// Like liburing, this neither fills the SQ array nor sets the IOPOLL enter flag.
///
/// # Safety
/// `fd` must be an io_uring fd and `p` the params its setup returned.
pub unsafe fn queue_mmap(fd: i32, p: &io_uring_params, ring: &mut io_uring) -> Result<(), Errno> {
    *ring = io_uring::zeroed();
    // SAFETY: `fd` is an io_uring fd and `p` the params its setup returned (`# Safety`),
    // exactly what mmap_rings requires.
    unsafe { mmap_rings(fd, p, &mut ring.sq, &mut ring.cq) }?;
    ring.set_flags(p.flags);
    ring.features = p.features;
    ring.ring_fd = fd;
    ring.enter_ring_fd = fd;
    Ok(())
}

fn cqe_size(flags: u32) -> usize {
    if flags & IORING_SETUP_CQE32 != 0 {
        2 * CQE_SIZE
    } else {
        CQE_SIZE
    }
}

/// A fresh shared mapping of `len` bytes of `fd` at `offset`.
fn mmap_shared(fd: i32, len: usize, offset: u64) -> Result<*mut c_void, Errno> {
    // SAFETY: without MAP_FIXED the kernel picks an address no other mapping uses, so
    // the new mapping replaces nothing any Rust reference could point into.
    unsafe {
        syscall::mmap(
            ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_POPULATE,
            fd,
            offset,
        )
    }
    .map_err(|e| Errno(-e))
}

/// Bytes of the SQ ring mapping: up to the end of the SQ index array, or without one
/// (NO_SQARRAY) up to the end of the last SQ header word.
///
/// With NO_SQARRAY the kernel does not write `sq_off.array`: it is whatever the caller
/// left in the params (liburing adds the end of an array that is not there, so a stale
/// or garbage value there asked for a mapping of up to 4 GiB).
fn sq_ring_size(p: &io_uring_params) -> usize {
    if p.flags & IORING_SETUP_NO_SQARRAY == 0 {
        return p.sq_off.array as usize + p.sq_entries as usize * 4;
    }
    let o = &p.sq_off;
    [o.head, o.tail, o.ring_mask, o.ring_entries, o.flags, o.dropped]
        .into_iter()
        .max()
        .map_or(0, |last| last as usize + 4)
}

/// Map the SQ ring, CQ ring (unless the kernel shares one mapping) and the SQE array.
///
/// # Safety
/// `fd` must be an io_uring fd and `p` the params its setup (or resize) returned, so
/// that the offsets in `p` lie inside the mappings made from its sizes.
unsafe fn mmap_rings(fd: i32, p: &io_uring_params, sq: &mut io_uring_sq, cq: &mut io_uring_cq) -> Result<(), Errno> {
    let mut sq_ring_sz = sq_ring_size(p);
    let mut cq_ring_sz = p.cq_off.cqes as usize + p.cq_entries as usize * cqe_size(p.flags);
    let single = p.features & IORING_FEAT_SINGLE_MMAP != 0;
    if single {
        sq_ring_sz = sq_ring_sz.max(cq_ring_sz);
        cq_ring_sz = sq_ring_sz;
    }
    let sq_ptr = mmap_shared(fd, sq_ring_sz, IORING_OFF_SQ_RING)?;
    let cq_ptr = if single {
        sq_ptr
    } else {
        match mmap_shared(fd, cq_ring_sz, IORING_OFF_CQ_RING) {
            Ok(p) => p,
            Err(e) => {
                // SAFETY: the SQ mapping was made just above and is unused.
                unsafe { syscall::munmap(sq_ptr, sq_ring_sz) };
                return Err(e);
            }
        }
    };
    let sqes_sz = (p.sq_entries as usize * SQE_SIZE) << sqe_shift_from_flags(p.flags);
    let sqes = match mmap_shared(fd, sqes_sz, IORING_OFF_SQES) {
        Ok(s) => s,
        Err(e) => {
            // SAFETY: the SQ ring mapping of sq_ring_sz bytes was made above and its
            // address has not left this function.
            unsafe { syscall::munmap(sq_ptr, sq_ring_sz) };
            if cq_ptr != sq_ptr {
                // SAFETY: likewise the separate CQ ring mapping of cq_ring_sz bytes.
                unsafe { syscall::munmap(cq_ptr, cq_ring_sz) };
            }
            return Err(e);
        }
    };
    sq.ring_sz = sq_ring_sz;
    sq.sqes_sz = sqes_sz as u32;
    sq.sqes = sqes as *mut io_uring_sqe;
    cq.ring_sz = cq_ring_sz;
    // SAFETY: the mappings were made with the sizes p implies, and p comes from the
    // kernel for this fd (`# Safety`), so its offsets lie inside them.
    unsafe { setup_ring_pointers(p, sq, cq, sq_ptr, cq_ptr) };
    Ok(())
}

/// Fill the `k*` pointers from the kernel's offsets and cache mask and entries.
///
/// # Safety
/// `sq_ring` and `cq_ring` must be live ring mappings laid out as the kernel's offsets
/// in `p` describe (every offset inside its mapping, the mask and entries words set).
unsafe fn setup_ring_pointers(
    p: &io_uring_params,
    sq: &mut io_uring_sq,
    cq: &mut io_uring_cq,
    sq_ring: *mut c_void,
    cq_ring: *mut c_void,
) {
    let sqb = sq_ring as *mut u8;
    let cqb = cq_ring as *mut u8;
    let at = |base: *mut u8, off: u32| -> *mut u32 {
        // SAFETY: every offset in `p` lies inside the mapping it describes (`# Safety`).
        unsafe { base.add(off as usize) as *mut u32 }
    };
    sq.ring_ptr = sq_ring;
    sq.khead = at(sqb, p.sq_off.head);
    sq.ktail = at(sqb, p.sq_off.tail);
    sq.kring_mask = at(sqb, p.sq_off.ring_mask);
    sq.kring_entries = at(sqb, p.sq_off.ring_entries);
    sq.kflags = at(sqb, p.sq_off.flags);
    sq.kdropped = at(sqb, p.sq_off.dropped);
    sq.array = if p.flags & IORING_SETUP_NO_SQARRAY == 0 {
        at(sqb, p.sq_off.array)
    } else {
        ptr::null_mut()
    };
    if p.flags & IORING_SETUP_NO_MMAP != 0 {
        sq.sqes = p.sq_off.user_addr as *mut io_uring_sqe;
    }

    cq.ring_ptr = cq_ring;
    cq.khead = at(cqb, p.cq_off.head);
    cq.ktail = at(cqb, p.cq_off.tail);
    cq.kring_mask = at(cqb, p.cq_off.ring_mask);
    cq.kring_entries = at(cqb, p.cq_off.ring_entries);
    cq.koverflow = at(cqb, p.cq_off.overflow);
    cq.cqes = at(cqb, p.cq_off.cqes) as *mut io_uring_cqe;
    cq.kflags = if p.cq_off.flags != 0 {
        at(cqb, p.cq_off.flags)
    } else {
        ptr::null_mut()
    };

    // Mask and entries are written by the kernel at setup and never change; the setup
    // syscall and mmap ordered them before us, so relaxed reads are enough.
    // SAFETY: kring_mask was just pointed at its aligned word in the live SQ mapping.
    sq.ring_mask = unsafe { crate::barrier::read_once(sq.kring_mask) };
    // SAFETY: likewise kring_entries.
    sq.ring_entries = unsafe { crate::barrier::read_once(sq.kring_entries) };
    // SAFETY: likewise the CQ ring's mask, in the live CQ mapping.
    cq.ring_mask = unsafe { crate::barrier::read_once(cq.kring_mask) };
    // SAFETY: likewise the CQ ring's entries.
    cq.ring_entries = unsafe { crate::barrier::read_once(cq.kring_entries) };
}

/// SQ and CQ sizes the kernel will pick for `entries` and `p`, by its own rules.
fn ring_entries(entries: u32, p: &io_uring_params) -> Result<(u32, u32), Errno> {
    if entries == 0 {
        return Err(Errno::EINVAL);
    }
    let clamp = p.flags & IORING_SETUP_CLAMP != 0;
    let mut sq = entries;
    if sq > KERN_MAX_ENTRIES {
        if !clamp {
            return Err(Errno::EINVAL);
        }
        sq = KERN_MAX_ENTRIES;
    }
    let sq = sq.next_power_of_two();
    let cq = if p.flags & IORING_SETUP_CQSIZE != 0 {
        let mut cq = p.cq_entries;
        if cq == 0 {
            return Err(Errno::EINVAL);
        }
        if cq > KERN_MAX_CQ_ENTRIES {
            if !clamp {
                return Err(Errno::EINVAL);
            }
            cq = KERN_MAX_CQ_ENTRIES;
        }
        let cq = cq.next_power_of_two();
        if cq < sq {
            return Err(Errno::EINVAL);
        }
        cq
    } else {
        2 * sq
    };
    Ok((sq, cq))
}

/// Memory of a NO_MMAP ring, computed from `entries` and `p` by the kernel's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NoMmapSizes {
    /// The SQE array, rounded up to a page: the rings start on the page after it.
    sqes: usize,
    /// Ring header + CQEs (+ the SQ index array unless NO_SQARRAY), not rounded.
    rings: usize,
}

/// [`NoMmapSizes`] for `entries` and `p` with pages of `page` bytes. Out of line: set-up,
/// `io_uring_memory_size*` and `io_uring_mlock_size*` share one copy.
#[inline(never)]
fn no_mmap_sizes(entries: u32, p: &io_uring_params, page: usize) -> Result<NoMmapSizes, Errno> {
    let (sq, cq) = ring_entries(entries, p)?;
    let sqe_bytes = (SQE_SIZE << sqe_shift_from_flags(p.flags)) * sq as usize;
    let mut rings = KRING_SIZE + cqe_size(p.flags) * cq as usize;
    if p.flags & IORING_SETUP_NO_SQARRAY == 0 {
        rings += sq as usize * 4;
    }
    Ok(NoMmapSizes {
        sqes: page_align(sqe_bytes, page),
        rings,
    })
}

/// Bytes a NO_MMAP ring uses of a caller's buffer (what `io_uring_queue_init_mem`
/// returns): the SQEs, then the rings, rounded up to a page.
fn no_mmap_mem_used(sizes: NoMmapSizes, page: usize) -> usize {
    page_align(sizes.sqes + sizes.rings, page)
}

/// One anonymous mapping the library makes for a NO_MMAP ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Region {
    len: usize,
    /// Backed by huge pages (`len` is then the huge page size).
    huge: bool,
}

/// The mappings the library makes itself for a NO_MMAP ring without caller memory:
/// the SQEs go first in `sqes`; the rings follow them there, or get `rings` of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct NoMmapPlan {
    sqes: Region,
    rings: Option<Region>,
}

/// Lay out a NO_MMAP ring in library-made mappings, as liburing does: a part that fits
/// in one page gets a page, a bigger one a huge page of `huge` bytes; a part bigger than
/// a huge page is -ENOMEM. The rings share the SQE mapping when both fit in it.
fn no_mmap_plan(sizes: NoMmapSizes, page: usize, huge: usize) -> Result<NoMmapPlan, Errno> {
    if sizes.sqes > huge || sizes.rings > huge {
        return Err(Errno::ENOMEM);
    }
    // `io_uring_sq::sqes_sz` records the first mapping's size in 32 bits.
    if u32::try_from(huge).is_err() && sizes.sqes > page {
        return Err(Errno::ENOMEM);
    }
    let region = |bytes: usize| {
        if bytes <= page {
            Region { len: page, huge: false }
        } else {
            Region { len: huge, huge: true }
        }
    };
    let sqes = region(sizes.sqes);
    let rings = (sizes.sqes + sizes.rings > sqes.len).then(|| region(sizes.rings));
    Ok(NoMmapPlan { sqes, rings })
}

/// `MAP_*` flags for an anonymous mapping of `region`.
///
/// Huge regions are `region.len` bytes, the default huge page size from
/// [`huge_page_size`]. Plain MAP_HUGETLB would also map the default size, but only the
/// explicit size encoding (log2(size) << MAP_HUGE_SHIFT, as MAP_HUGE_2MB is for 2 MiB)
/// guarantees that the kernel maps exactly the size we record and later unmap: when
/// /proc/meminfo could not be read and we assumed 2 MiB, a system whose default differs
/// fails the mmap cleanly (or maps 2 MiB pages, if it has them) instead of handing back
/// a bigger mapping than `sqes_sz`/`ring_sz` say. When the size did come from
/// /proc/meminfo, the two spellings ask for the same pages.
fn anon_map_flags(region: Region) -> i32 {
    let mut flags = libc::MAP_SHARED | libc::MAP_ANONYMOUS;
    if region.huge {
        flags |= libc::MAP_HUGETLB | ((region.len.trailing_zeros() as i32) << libc::MAP_HUGE_SHIFT);
    }
    flags
}

/// A fresh anonymous shared mapping laid out as `region` says.
fn map_anon(region: Region) -> Result<*mut c_void, Errno> {
    let prot = libc::PROT_READ | libc::PROT_WRITE;
    // SAFETY: without MAP_FIXED the kernel picks an address no other mapping uses, so
    // the new mapping replaces nothing any Rust reference could point into.
    unsafe { syscall::mmap(ptr::null_mut(), region.len, prot, anon_map_flags(region), -1, 0) }.map_err(|e| Errno(-e))
}

/// Lay out (or allocate) the memory of a NO_MMAP ring and tell the kernel where it is
/// through `p->{sq,cq}_off.user_addr`. Returns the bytes used.
///
/// # Safety
/// A `buf` of `Some((base, size))` must be valid for reads and writes of `size` bytes.
unsafe fn alloc_no_mmap_memory(
    entries: u32,
    p: &mut io_uring_params,
    sq: &mut io_uring_sq,
    cq: &mut io_uring_cq,
    buf: Option<(*mut c_void, usize)>,
) -> Result<usize, Errno> {
    let page = page_size();
    let sizes = no_mmap_sizes(entries, p, page)?;
    let mem_used = no_mmap_mem_used(sizes, page);
    let (sqes, rings) = match buf {
        Some((base, size)) => {
            if mem_used > size {
                return Err(Errno::ENOMEM);
            }
            // liburing records no mapping sizes for memory it does not own.
            sq.sqes_sz = 0;
            sq.ring_sz = 0;
            cq.ring_sz = 0;
            // SAFETY: sizes.sqes < mem_used <= size, so the offset stays inside the
            // caller's buffer, which the function contract makes valid for size bytes.
            (base, unsafe { (base as *mut u8).add(sizes.sqes) } as *mut c_void)
        }
        None => {
            let plan = no_mmap_plan(sizes, page, huge_page_size())?;
            let first = map_anon(plan.sqes)?;
            // no_mmap_plan refused sizes that do not fit.
            sq.sqes_sz = plan.sqes.len as u32;
            match plan.rings {
                None => {
                    sq.ring_sz = 0;
                    // SAFETY: the plan puts the rings in the first mapping only when
                    // sizes.sqes + sizes.rings <= plan.sqes.len, so the offset is inside it.
                    (first, unsafe { (first as *mut u8).add(sizes.sqes) } as *mut c_void)
                }
                Some(region) => match map_anon(region) {
                    Ok(second) => {
                        sq.ring_sz = region.len;
                        (first, second)
                    }
                    Err(e) => {
                        // SAFETY: `first` is the mapping of plan.sqes.len bytes made just
                        // above; nothing has seen its address yet.
                        unsafe { syscall::munmap(first, plan.sqes.len) };
                        return Err(e);
                    }
                },
            }
        }
    };
    sq.sqes = sqes as *mut io_uring_sqe;
    sq.ring_ptr = rings;
    cq.ring_ptr = rings;
    p.sq_off.user_addr = sqes as u64;
    p.cq_off.user_addr = rings as u64;
    Ok(mem_used)
}

/// Undo [`alloc_no_mmap_memory`] when it mapped memory itself.
///
/// # Safety
/// `sq` must hold what `alloc_no_mmap_memory` recorded for library-made mappings
/// (`sqes`/`sqes_sz`, and `ring_ptr`/`ring_sz` when `ring_sz` is nonzero), unused since.
unsafe fn unmap_no_mmap_memory(sq: &io_uring_sq) {
    if !sq.sqes.is_null() {
        // SAFETY: `# Safety`: sqes/sqes_sz is a library-made mapping nobody uses.
        unsafe { syscall::munmap(sq.sqes as *mut c_void, sq.sqes_sz as usize) };
    }
    if sq.ring_sz != 0 {
        // SAFETY: `# Safety`: with a nonzero ring_sz, ring_ptr is the separate
        // library-made ring mapping, unused.
        unsafe { syscall::munmap(sq.ring_ptr, sq.ring_sz) };
    }
}

/// liburing's internal `io_uring_unmap_rings`: unmap the SQ ring mapping if it has a
/// recorded size, and the CQ ring mapping if it is a separate one with a recorded size.
/// The SQE array is left alone, and nothing in `sq` or `cq` is changed.
///
/// A size of 0 is how this library (and liburing) marks memory it did not map: the
/// caller's NO_MMAP buffer, or rings that live inside the SQE mapping.
///
/// # Safety
/// Each `ring_ptr`/`ring_sz` pair with a nonzero size must describe a mapping this
/// process made and that nothing uses any more.
pub unsafe fn unmap_sq_cq_rings(sq: &io_uring_sq, cq: &io_uring_cq) {
    if !sq.ring_ptr.is_null() && sq.ring_sz != 0 {
        // SAFETY: `# Safety`: a nonzero-sized ring_ptr/ring_sz pair is a mapping of this
        // process that nothing uses.
        unsafe { syscall::munmap(sq.ring_ptr, sq.ring_sz) };
    }
    if !cq.ring_ptr.is_null() && cq.ring_ptr != sq.ring_ptr && cq.ring_sz != 0 {
        // SAFETY: as above; a CQ ring sharing the SQ mapping was excluded.
        unsafe { syscall::munmap(cq.ring_ptr, cq.ring_sz) };
    }
}

/// Unmap whatever ring memory the library mapped (not the application's): the SQE
/// array, then the rings.
///
/// # Safety
/// The ring's mappings with nonzero recorded sizes must be its own and unused.
#[inline(never)] // one copy for exit and resize
unsafe fn unmap_rings(ring: &io_uring) {
    let sq = &ring.sq;
    if !sq.sqes.is_null() && sq.sqes_sz != 0 {
        // SAFETY: `# Safety`: sqes/sqes_sz with a nonzero size is the ring's own unused
        // SQE mapping.
        unsafe { syscall::munmap(sq.sqes as *mut c_void, sq.sqes_sz as usize) };
    }
    // SAFETY: `# Safety` makes the nonzero-sized ring mappings the ring's own and
    // unused, which is what unmap_sq_cq_rings requires.
    unsafe { unmap_sq_cq_rings(sq, &ring.cq) };
}

/// `io_uring_queue_exit`: unmap the rings, unregister a registered ring fd, close the fd.
///
/// The ring is left zeroed with `ring_fd == -1`, so a second exit is harmless.
///
/// # Safety
/// `ring` must have been set up by this library and no SQE/CQE pointer into it may be
/// used afterwards.
pub unsafe fn queue_exit(ring: &mut io_uring) {
    if ring.int_flags & INT_FLAG_APP_MEM == 0 {
        // SAFETY: without INT_FLAG_APP_MEM the mappings with nonzero sizes are the ones
        // this library made for the ring, and `# Safety` says nothing uses them any more.
        unsafe { unmap_rings(ring) };
    }
    if ring.int_flags & INT_FLAG_REG_RING != 0 {
        // Ignoring the result: the kernel drops the registration with the ring anyway.
        // SAFETY: the ring is still valid here.
        let _ = unsafe { crate::register::ring_fd::unregister_ring_fd(ring) };
    }
    if ring.ring_fd != -1 {
        syscall::close(ring.ring_fd);
    }
    *ring = io_uring::zeroed();
    ring.ring_fd = -1;
    ring.enter_ring_fd = -1;
}

/// `io_uring_ring_dontfork`: keep the ring mappings out of forked children. It only reads
/// set-up fields, so it may run while another thread submits or reaps.
pub fn ring_dontfork(ring: RingRef<'_>) -> Result<(), Errno> {
    if ring.sq_ring_ptr().is_null() || ring.sq_sqes().is_null() || ring.cq_ring_ptr().is_null() {
        return Err(Errno::EINVAL);
    }
    let sqes_len = (ring.sq_entries() as usize * SQE_SIZE) << ring.sqe_shift();
    // MADV_DONTFORK changes only what a child inherits; it reads and writes no memory.
    // SAFETY: SET-UP: the ring's SQE array, sqes_len bytes long.
    Errno::result(unsafe { syscall::madvise(ring.sq_sqes().cast(), sqes_len, libc::MADV_DONTFORK) })?;
    // SAFETY: SET-UP: the ring's SQ ring mapping, ring_sz bytes long.
    Errno::result(unsafe { syscall::madvise(ring.sq_ring_ptr(), ring.sq_ring_sz(), libc::MADV_DONTFORK) })?;
    if ring.cq_ring_ptr() != ring.sq_ring_ptr() {
        // SAFETY: SET-UP: the ring's separate CQ ring mapping, ring_sz bytes long.
        Errno::result(unsafe { syscall::madvise(ring.cq_ring_ptr(), ring.cq_ring_sz(), libc::MADV_DONTFORK) })?;
    }
    Ok(())
}

/// Bytes of memory a NO_MMAP ring of this shape needs with pages of `page` bytes: the
/// rings and the SQE array, each rounded up to a page.
fn memory_size_for(entries: u32, p: &io_uring_params, page: usize) -> Result<usize, Errno> {
    let sizes = no_mmap_sizes(entries, p, page)?;
    Ok(page_align(sizes.rings, page) + sizes.sqes)
}

/// Locked memory a ring of this shape is charged with pages of `page` bytes: nothing
/// when the kernel accounts ring memory to memcg (`memcg_accounted`), else its size.
fn mlock_size_for(entries: u32, p: &io_uring_params, page: usize, memcg_accounted: bool) -> Result<usize, Errno> {
    if memcg_accounted {
        return Ok(0);
    }
    memory_size_for(entries, p, page)
}

/// `io_uring_memory_size_params`: bytes of memory a NO_MMAP ring of this shape needs.
pub fn memory_size_params(entries: u32, p: &io_uring_params) -> Result<usize, Errno> {
    memory_size_for(entries, p, page_size())
}

/// `io_uring_memory_size`.
pub fn memory_size(entries: u32, flags: u32) -> Result<usize, Errno> {
    memory_size_params(
        entries,
        &io_uring_params {
            flags,
            ..Default::default()
        },
    )
}

/// `io_uring_mlock_size_params`: locked memory the ring would be charged. Kernels with
/// IORING_FEAT_NATIVE_WORKERS (5.12+) account ring memory to memcg, not RLIMIT_MEMLOCK.
pub fn mlock_size_params(entries: u32, p: &io_uring_params) -> Result<usize, Errno> {
    // A throw-away ring of the same size tells whether the kernel is new enough; if it
    // cannot be created (bad size, no memlock left on an old kernel), the features stay 0
    // and the size is computed (or rejected) below.
    let mut probe = io_uring_params::default();
    // SAFETY: `probe` is a live, writable io_uring_params, the only memory the kernel
    // touches; the fd it may return is ours alone and closed right below.
    let fd = unsafe { syscall::io_uring_setup(entries, &mut probe) };
    if fd >= 0 {
        syscall::close(fd);
    }
    let memcg = fd >= 0 && probe.features & IORING_FEAT_NATIVE_WORKERS != 0;
    mlock_size_for(entries, p, page_size(), memcg)
}

/// `io_uring_mlock_size`.
pub fn mlock_size(entries: u32, flags: u32) -> Result<usize, Errno> {
    mlock_size_params(
        entries,
        &io_uring_params {
            flags,
            ..Default::default()
        },
    )
}

/// `io_uring_resize_rings`: ask the kernel for new SQ/CQ sizes and remap.
/// `p->flags` is 0 afterwards whatever happens, as in liburing. `EBADF` if the ring fd
/// was closed (`io_uring_close_ring_fd`): the new rings could not be mapped.
///
/// # Safety
/// `ring` must be a set-up ring; no SQE or CQE pointer into the old rings may be used
/// afterwards.
pub unsafe fn resize_rings(ring: &mut io_uring, p: &mut io_uring_params) -> Result<(), Errno> {
    // SAFETY: resize_rings_inner has exactly this function's requirements (a set-up
    // ring, no pointers into the old rings used afterwards).
    let r = unsafe { resize_rings_inner(ring, p) };
    p.flags = 0;
    r
}

/// # Safety
/// As for [`resize_rings`].
unsafe fn resize_rings_inner(ring: &mut io_uring, p: &mut io_uring_params) -> Result<(), Errno> {
    if ring.flags & IORING_SETUP_NO_MMAP != 0 {
        return Err(Errno::EINVAL);
    }
    // The new rings are mapped from the ring fd. Once `io_uring_close_ring_fd` has closed
    // it, the kernel would still resize (through the registered index) but the mapping
    // would fail, leaving the ring on the old memory the kernel no longer reads: refuse
    // before asking the kernel. (liburing asks anyway and breaks the ring.)
    if ring.ring_fd < 0 {
        return Err(Errno::EBADF);
    }
    p.sq_off = io_sqring_offsets::default();
    p.cq_off = io_cqring_offsets::default();
    // SAFETY: SET-UP, by this function's contract; the `&mut` borrow is exclusive.
    let handle = unsafe { ring.as_ring_ref() };
    // SAFETY: REG-ARG: p is a valid params struct the kernel reads and fills.
    unsafe { do_register(handle, IORING_REGISTER_RESIZE_RINGS, p as *mut _ as *const c_void, 1) }?;
    let mut sq = io_uring_sq::zeroed();
    let mut cq = io_uring_cq::zeroed();
    // SAFETY: ring_fd is the ring's real fd; p now holds the new offsets.
    unsafe { mmap_rings(ring.ring_fd, p, &mut sq, &mut cq) }?;
    sq.sqe_head = ring.sq.sqe_head;
    sq.sqe_tail = ring.sq.sqe_tail;
    // SAFETY: the old mappings are replaced; the caller holds no pointers into them.
    unsafe { unmap_rings(ring) };
    ring.sq = sq;
    ring.cq = cq;
    if p.flags & IORING_SETUP_NO_SQARRAY == 0 {
        // SAFETY: the new SQ array has ring_entries slots.
        unsafe { fill_identity_sq_array(&ring.sq) };
    }
    Ok(())
}

// Run by `cargo test -p uring`; not again in the C library's test binaries, which compile
// these files too (tests/support/c_library.rs; the `uring_c_library` cfg is set by build.rs).
#[cfg(all(test, not(uring_c_library)))]
mod tests {
    //! The size rules for 4, 16 and 64 KiB pages, against values worked out by hand from
    //! the kernel ABI: an SQE is 64 bytes (128 with SQE128), a CQE 16 (32 with CQE32),
    //! the rings' shared header 64 bytes, and the SQ index array 4 bytes per SQ entry
    //! unless NO_SQARRAY. The 4 KiB values are what the library computed before it
    //! asked the system for its page size.

    use std::prelude::rust_2021::*;

    use super::*;

    const K4: usize = 4 << 10;
    const K16: usize = 16 << 10;
    const K64: usize = 64 << 10;
    const M2: usize = 2 << 20;
    const M512: usize = 512 << 20;

    fn params(flags: u32) -> io_uring_params {
        io_uring_params {
            flags,
            ..Default::default()
        }
    }

    fn sizes(sqes: usize, rings: usize) -> NoMmapSizes {
        NoMmapSizes { sqes, rings }
    }

    #[test]
    fn runtime_page_size_is_the_systems() {
        // SAFETY: sysconf reads a system constant and touches no memory of ours.
        let direct = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        assert_eq!(page_size() as libc::c_long, direct);
        assert_eq!(page_size(), page_size(), "cached value is stable");
        let huge = huge_page_size();
        assert!(huge.is_power_of_two() && huge > page_size(), "huge page size {huge}");
    }

    fn parse_hugepagesize(meminfo: &str) -> Option<usize> {
        meminfo.lines().find_map(|l| parse_hugepagesize_line(l.as_bytes()))
    }

    #[test]
    fn hugepagesize_line_parsing() {
        let meminfo =
            "MemTotal:       16318480 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\nHugetlb:  0 kB\n";
        assert_eq!(parse_hugepagesize(meminfo), Some(M2));
        assert_eq!(parse_hugepagesize("Hugepagesize:     524288 kB\n"), Some(M512));
        assert_eq!(parse_hugepagesize("Hugepagesize:      32768 kB"), Some(32 << 20));
        assert_eq!(parse_hugepagesize("MemTotal: 1 kB\n"), None);
        assert_eq!(parse_hugepagesize("Hugepagesize: 3000 kB\n"), None);
        assert_eq!(parse_hugepagesize("Hugepagesize: lots\n"), None);
        assert_eq!(parse_hugepagesize("Hugepagesize: 2048 MB\n"), None);
        assert_eq!(parse_hugepagesize("Hugepagesize: 0x800 kB\n"), None);
        assert_eq!(parse_hugepagesize("Hugepagesize: kB\n"), None);
    }

    #[test]
    fn page_alignment() {
        for page in [K4, K16, K64] {
            assert_eq!(page_align(0, page), 0);
            assert_eq!(page_align(1, page), page);
            assert_eq!(page_align(page, page), page);
            assert_eq!(page_align(page + 1, page), 2 * page);
        }
    }

    #[test]
    fn no_mmap_sizes_small_ring() {
        // 8 SQEs: 512 bytes of SQEs; 16 CQEs: 64 + 256 + 8 * 4 = 352 bytes of rings.
        for page in [K4, K16, K64] {
            assert_eq!(no_mmap_sizes(8, &params(0), page), Ok(sizes(page, 352)));
            // NO_SQARRAY drops the 32-byte index array.
            assert_eq!(
                no_mmap_sizes(8, &params(IORING_SETUP_NO_SQARRAY), page),
                Ok(sizes(page, 320))
            );
        }
    }

    #[test]
    fn memory_size_for_each_page_size() {
        // 8 entries: one page of SQEs + one page for 352 bytes of rings.
        assert_eq!(memory_size_for(8, &params(0), K4), Ok(8192));
        assert_eq!(memory_size_for(8, &params(0), K16), Ok(32768));
        assert_eq!(memory_size_for(8, &params(0), K64), Ok(131072));
        // 5 entries round up to 8: same as above.
        assert_eq!(memory_size_for(5, &params(0), K16), Ok(32768));

        // 4096 SQEs = 256 KiB (a multiple of every page size); 8192 CQEs:
        // 64 + 131072 + 16384 (array) = 147520 bytes of rings = 36.02 4K pages -> 37,
        // 9.004 16K pages -> 10, 2.25 64K pages -> 3.
        assert_eq!(memory_size_for(4096, &params(0), K4), Ok(262144 + 37 * K4));
        assert_eq!(memory_size_for(4096, &params(0), K4), Ok(413696));
        assert_eq!(memory_size_for(4096, &params(0), K16), Ok(262144 + 10 * K16));
        assert_eq!(memory_size_for(4096, &params(0), K16), Ok(425984));
        assert_eq!(memory_size_for(4096, &params(0), K64), Ok(262144 + 3 * K64));
        assert_eq!(memory_size_for(4096, &params(0), K64), Ok(458752));

        // 100 entries -> 128 SQEs of 128 bytes = 16384; 256 CQEs of 32 bytes + 64 =
        // 8256 bytes of rings (no array): 4K: 16384 + 12288; 16K: 16384 + 16384;
        // 64K: 65536 + 65536.
        let big = params(IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | IORING_SETUP_NO_SQARRAY);
        assert_eq!(memory_size_for(100, &big, K4), Ok(28672));
        assert_eq!(memory_size_for(100, &big, K16), Ok(32768));
        assert_eq!(memory_size_for(100, &big, K64), Ok(131072));

        // CQSIZE: 8 SQEs, 1000 -> 1024 CQEs: 64 + 16384 + 32 = 16480 bytes of rings:
        // 4K: 4096 + 20480; 16K: 16384 + 32768; 64K: 65536 + 65536.
        let mut cq = params(IORING_SETUP_CQSIZE);
        cq.cq_entries = 1000;
        assert_eq!(memory_size_for(8, &cq, K4), Ok(24576));
        assert_eq!(memory_size_for(8, &cq, K16), Ok(49152));
        assert_eq!(memory_size_for(8, &cq, K64), Ok(131072));
    }

    #[test]
    fn memory_size_rejects_what_the_kernel_rejects() {
        for page in [K4, K16, K64] {
            assert_eq!(memory_size_for(0, &params(0), page), Err(Errno::EINVAL));
            assert_eq!(memory_size_for(65536, &params(0), page), Err(Errno::EINVAL));
            // CLAMP caps at 32768 SQEs (2 MiB) and 65536 CQEs (1 MiB + 64 + 128 KiB).
            let rings = 64 + 65536 * 16 + 32768 * 4;
            assert_eq!(
                memory_size_for(65536, &params(IORING_SETUP_CLAMP), page),
                Ok(M2 + page_align(rings, page))
            );
            let mut cq = params(IORING_SETUP_CQSIZE);
            assert_eq!(memory_size_for(8, &cq, page), Err(Errno::EINVAL));
            cq.cq_entries = 4;
            assert_eq!(memory_size_for(8, &cq, page), Err(Errno::EINVAL));
        }
    }

    #[test]
    fn mlock_size_for_each_page_size() {
        assert_eq!(mlock_size_for(8, &params(0), K4, true), Ok(0));
        assert_eq!(mlock_size_for(8, &params(0), K4, false), Ok(8192));
        assert_eq!(mlock_size_for(8, &params(0), K16, false), Ok(32768));
        assert_eq!(mlock_size_for(8, &params(0), K64, false), Ok(131072));
        assert_eq!(mlock_size_for(0, &params(0), K64, false), Err(Errno::EINVAL));
    }

    #[test]
    fn queue_init_mem_bytes_used() {
        // SQEs then rings, rounded up once: 8 entries use two pages of any size.
        for page in [K4, K16, K64] {
            let s = no_mmap_sizes(8, &params(0), page).unwrap();
            assert_eq!(no_mmap_mem_used(s, page), 2 * page);
        }
        // 4096 entries: 262144 + 147520 = 409664 bytes = 100.02 4K pages -> 101,
        // 25.004 16K pages -> 26, 6.25 64K pages -> 7.
        let used = |page| no_mmap_mem_used(no_mmap_sizes(4096, &params(0), page).unwrap(), page);
        assert_eq!(used(K4), 101 * K4);
        assert_eq!(used(K16), 26 * K16);
        assert_eq!(used(K64), 7 * K64);
    }

    fn small(len: usize) -> Region {
        Region { len, huge: false }
    }

    fn huge(len: usize) -> Region {
        Region { len, huge: true }
    }

    #[test]
    fn no_mmap_plan_small_rings_use_two_pages() {
        // 8 entries: the SQEs fill their page, the rings get a second one.
        for page in [K4, K16, K64] {
            let s = no_mmap_sizes(8, &params(0), page).unwrap();
            assert_eq!(
                no_mmap_plan(s, page, M2),
                Ok(NoMmapPlan {
                    sqes: small(page),
                    rings: Some(small(page))
                })
            );
        }
    }

    #[test]
    fn no_mmap_plan_depends_on_the_page_size() {
        // 1024 entries: 65536 bytes of SQEs, 64 + 2048 * 16 + 4096 = 36928 bytes of rings.
        let s = |page| no_mmap_sizes(1024, &params(0), page).unwrap();
        // 4K and 16K pages: the SQEs need a huge page, and the rings fit behind them.
        for page in [K4, K16] {
            assert_eq!(
                no_mmap_plan(s(page), page, M2),
                Ok(NoMmapPlan {
                    sqes: huge(M2),
                    rings: None
                })
            );
        }
        // 64K pages: one page of SQEs, one page of rings, no huge page at all.
        assert_eq!(
            no_mmap_plan(s(K64), K64, M512),
            Ok(NoMmapPlan {
                sqes: small(K64),
                rings: Some(small(K64))
            })
        );
    }

    #[test]
    fn no_mmap_plan_huge_page_limits() {
        // 32768 SQE128 entries: 4 MiB of SQEs, more than a 2 MiB huge page...
        let p = params(IORING_SETUP_SQE128 | IORING_SETUP_NO_SQARRAY);
        let s = no_mmap_sizes(32768, &p, K4).unwrap();
        assert_eq!(s, sizes(4 << 20, 64 + 65536 * 16));
        assert_eq!(no_mmap_plan(s, K4, M2), Err(Errno::ENOMEM));
        // ...but they fit, with the rings, in the 512 MiB huge page of a 64K-page system.
        let s = no_mmap_sizes(32768, &p, K64).unwrap();
        assert_eq!(
            no_mmap_plan(s, K64, M512),
            Ok(NoMmapPlan {
                sqes: huge(M512),
                rings: None
            })
        );
        // SQEs that fill a huge page exactly leave the rings a mapping of their own.
        assert_eq!(
            no_mmap_plan(sizes(M2, 100), K4, M2),
            Ok(NoMmapPlan {
                sqes: huge(M2),
                rings: Some(small(K4))
            })
        );
        assert_eq!(
            no_mmap_plan(sizes(M2, K4 + 1), K4, M2),
            Ok(NoMmapPlan {
                sqes: huge(M2),
                rings: Some(huge(M2))
            })
        );
        assert_eq!(no_mmap_plan(sizes(K4, M2 + 1), K4, M2), Err(Errno::ENOMEM));
    }

    /// Whether every page of `[p, p + len)` is mapped.
    fn mapped(p: *mut c_void, len: usize) -> bool {
        // SAFETY: msync with MS_ASYNC only looks the range up in our page tables (ENOMEM
        // if part of it is unmapped); it reads and writes no memory of ours.
        unsafe { libc::msync(p, len, libc::MS_ASYNC) == 0 }
    }

    #[test]
    fn unmap_sq_cq_rings_unmaps_the_rings_but_not_the_sqes() {
        let mut ring = io_uring::zeroed();
        // SAFETY: `ring` is a fresh local that holds no ring yet.
        match unsafe { queue_init(8, &mut ring, 0) } {
            Err(Errno(libc::ENOSYS)) | Err(Errno::EPERM) => return, // no io_uring here
            r => r.expect("queue_init"),
        }
        let (sq, cq) = (ring.sq.ring_ptr, ring.cq.ring_ptr);
        let (sq_len, cq_len) = (ring.sq.ring_sz, ring.cq.ring_sz);
        let (sqes, sqes_len) = (ring.sq.sqes as *mut c_void, ring.sq.sqes_sz as usize);
        assert!(mapped(sq, sq_len) && mapped(cq, cq_len) && mapped(sqes, sqes_len));

        // Sizes of 0 mean "not the library's": nothing is unmapped.
        let mut sq_app = ring.sq;
        let mut cq_app = ring.cq;
        sq_app.ring_sz = 0;
        cq_app.ring_sz = 0;
        // SAFETY: with both sizes 0 the function unmaps nothing.
        unsafe { unmap_sq_cq_rings(&sq_app, &cq_app) };
        assert!(mapped(sq, sq_len) && mapped(cq, cq_len));

        // SAFETY: the ring's own mappings; nothing reads the rings after this (the exit
        // below is told they are gone).
        unsafe { unmap_sq_cq_rings(&ring.sq, &ring.cq) };
        assert!(!mapped(sq, sq_len), "SQ ring still mapped");
        assert!(!mapped(cq, cq_len), "CQ ring still mapped");
        assert!(mapped(sqes, sqes_len), "the SQEs are not unmap_rings' business");

        ring.sq.ring_sz = 0;
        ring.cq.ring_sz = 0;
        // SAFETY: the ring was set up above; its ring mappings are marked as not ours,
        // so the exit unmaps only the SQEs and closes the fd.
        unsafe { queue_exit(&mut ring) };
        assert!(!mapped(sqes, sqes_len));
    }

    #[test]
    fn anon_map_flags_encode_the_huge_page_size() {
        let base = libc::MAP_SHARED | libc::MAP_ANONYMOUS;
        assert_eq!(anon_map_flags(small(K16)), base);
        // For 2 MiB, the encoding is the kernel's MAP_HUGE_2MB.
        assert_eq!(anon_map_flags(huge(M2)), base | libc::MAP_HUGETLB | libc::MAP_HUGE_2MB);
        assert_eq!(
            anon_map_flags(huge(M512)),
            base | libc::MAP_HUGETLB | libc::MAP_HUGE_512MB
        );
        assert_eq!(
            anon_map_flags(huge(1 << 30)),
            base | libc::MAP_HUGETLB | libc::MAP_HUGE_1GB
        );
    }
}
