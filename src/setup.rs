//! Ring setup and teardown: `io_uring_queue_init*`, `io_uring_queue_mmap`,
//! `io_uring_queue_exit`, NO_MMAP memory, the memory-size helpers and ring resizing.

use core::ffi::c_void;
use core::ptr;

use crate::errno::Errno;
use crate::register::do_register;
use crate::ring::{io_uring, io_uring_cq, io_uring_sq, sqe_shift_from_flags, INT_FLAG_APP_MEM, INT_FLAG_CQ_ENTER};
use crate::ring::{INT_FLAG_REG_REG_RING, INT_FLAG_REG_RING};
use crate::sys::syscall;
use crate::sys::*;

/// Page size the ring memory calculations use (liburing assumes 4 KiB on x86_64 too).
const PAGE_SIZE: usize = 4096;
/// Offset of the CQE array in the kernel's shared ring area (its header is one cache line).
const KRING_SIZE: usize = 64;
/// Largest SQ size the kernel accepts without IORING_SETUP_CLAMP.
const KERN_MAX_ENTRIES: u32 = 32768;
/// Largest CQ size the kernel accepts without IORING_SETUP_CLAMP.
const KERN_MAX_CQ_ENTRIES: u32 = 2 * KERN_MAX_ENTRIES;
/// Size of the huge page NO_MMAP rings fall back to when a normal page is too small.
const HUGE_PAGE_SIZE: usize = 2 * 1024 * 1024;

const SQE_SIZE: usize = core::mem::size_of::<io_uring_sqe>();
const CQE_SIZE: usize = core::mem::size_of::<io_uring_cqe>();

fn page_align(n: usize) -> usize {
    (n + PAGE_SIZE - 1) & !(PAGE_SIZE - 1)
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
    // SAFETY: forwarded caller contract.
    unsafe { queue_init_params(entries, ring, &mut p) }
}

/// `io_uring_queue_init_params`: set up `ring` as `p` asks; `p` receives the kernel's
/// answer (entries, features, offsets).
///
/// # Safety
/// As for [`queue_init`].
pub unsafe fn queue_init_params(entries: u32, ring: &mut io_uring, p: &mut io_uring_params) -> Result<(), Errno> {
    // SAFETY: no caller memory (NO_MMAP without a buffer maps its own).
    unsafe { init_prefer_no_sqarray(entries, ring, p, None) }.map(|_| ())
}

/// `io_uring_queue_init_mem`: a NO_MMAP ring whose memory is the caller's `buf` (or, if
/// `buf` is NULL, memory the library maps). Returns the number of bytes the ring uses.
///
/// # Safety
/// `buf` must be valid for reads and writes of `buf_size` bytes, page aligned, and outlive
/// the ring (queue_exit does not free it).
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
    // SAFETY: forwarded caller contract on buf.
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
    // SAFETY: forwarded caller contract on buf.
    unsafe { init_ring(entries, ring, p, mem) }
}

/// Set up with IORING_SETUP_NO_SQARRAY unless the kernel refuses it, as liburing does:
/// the SQ index array is pure overhead when the library always submits in order.
unsafe fn init_prefer_no_sqarray(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    buf: Option<(*mut c_void, usize)>,
) -> Result<usize, Errno> {
    let asked = p.flags;
    p.flags |= IORING_SETUP_NO_SQARRAY;
    // SAFETY: forwarded caller contract.
    match unsafe { init_ring(entries, ring, p, buf) } {
        Err(Errno::EINVAL) if asked & IORING_SETUP_NO_SQARRAY == 0 => {
            p.flags = asked;
            // SAFETY: as above.
            unsafe { init_ring(entries, ring, p, buf) }
        }
        other => other,
    }
}

/// The real setup (liburing's internal `__io_uring_queue_init_params`).
unsafe fn init_ring(
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
        // SAFETY: forwarded caller contract on buf.
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
    ring.flags = p.flags;
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
    Ok(mem_used)
}

/// Point every SQ slot at the SQE of the same index. The library always submits SQEs in
/// ring order, so the array is written once here and never again.
unsafe fn fill_identity_sq_array(sq: &io_uring_sq) {
    for i in 0..sq.ring_entries {
        // The kernel reads the array only below the tail we publish later (with a
        // release store or a syscall), so a relaxed store is enough.
        // SAFETY: i < ring_entries, the array's length.
        unsafe { syscall_free_write(sq.array.add(i as usize), i) };
    }
}

/// Relaxed store into shared ring memory.
#[inline(always)]
unsafe fn syscall_free_write(p: *mut u32, v: u32) {
    // SAFETY: caller guarantees p is inside a live ring mapping.
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
    // SAFETY: forwarded caller contract.
    unsafe { mmap_rings(fd, p, &mut ring.sq, &mut ring.cq) }?;
    ring.flags = p.flags;
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

unsafe fn mmap_shared(fd: i32, len: usize, offset: u64) -> Result<*mut c_void, Errno> {
    // SAFETY: a fresh mapping chosen by the kernel (no MAP_FIXED); it replaces nothing.
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

/// Map the SQ ring, CQ ring (unless the kernel shares one mapping) and the SQE array.
unsafe fn mmap_rings(fd: i32, p: &io_uring_params, sq: &mut io_uring_sq, cq: &mut io_uring_cq) -> Result<(), Errno> {
    let mut sq_ring_sz = p.sq_off.array as usize + p.sq_entries as usize * 4;
    let mut cq_ring_sz = p.cq_off.cqes as usize + p.cq_entries as usize * cqe_size(p.flags);
    let single = p.features & IORING_FEAT_SINGLE_MMAP != 0;
    if single {
        sq_ring_sz = sq_ring_sz.max(cq_ring_sz);
        cq_ring_sz = sq_ring_sz;
    }
    // SAFETY: fd is an io_uring fd; the offsets are the kernel's documented mmap offsets.
    let sq_ptr = unsafe { mmap_shared(fd, sq_ring_sz, IORING_OFF_SQ_RING) }?;
    let cq_ptr = if single {
        sq_ptr
    } else {
        // SAFETY: as above.
        match unsafe { mmap_shared(fd, cq_ring_sz, IORING_OFF_CQ_RING) } {
            Ok(p) => p,
            Err(e) => {
                // SAFETY: the SQ mapping was made just above and is unused.
                unsafe { syscall::munmap(sq_ptr, sq_ring_sz) };
                return Err(e);
            }
        }
    };
    let sqes_sz = (p.sq_entries as usize * SQE_SIZE) << sqe_shift_from_flags(p.flags);
    // SAFETY: as above.
    let sqes = match unsafe { mmap_shared(fd, sqes_sz, IORING_OFF_SQES) } {
        Ok(s) => s,
        Err(e) => {
            // SAFETY: both mappings were made above and are unused.
            unsafe {
                syscall::munmap(sq_ptr, sq_ring_sz);
                if cq_ptr != sq_ptr {
                    syscall::munmap(cq_ptr, cq_ring_sz);
                }
            }
            return Err(e);
        }
    };
    sq.ring_sz = sq_ring_sz;
    sq.sqes_sz = sqes_sz as u32;
    sq.sqes = sqes as *mut io_uring_sqe;
    cq.ring_sz = cq_ring_sz;
    // SAFETY: the mappings hold the layout p describes.
    unsafe { setup_ring_pointers(p, sq, cq, sq_ptr, cq_ptr) };
    Ok(())
}

/// Fill the `k*` pointers from the kernel's offsets and cache mask and entries.
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
        // SAFETY: every offset the kernel reports lies inside the mapping it describes.
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
    // SAFETY: the k* pointers were just set inside the live mappings.
    unsafe {
        sq.ring_mask = crate::barrier::read_once(sq.kring_mask);
        sq.ring_entries = crate::barrier::read_once(sq.kring_entries);
        cq.ring_mask = crate::barrier::read_once(cq.kring_mask);
        cq.ring_entries = crate::barrier::read_once(cq.kring_entries);
    }
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

/// Bytes of SQEs and bytes of ring header + CQEs (+ SQ array) for a NO_MMAP ring.
fn no_mmap_sizes(entries: u32, p: &io_uring_params) -> Result<(usize, usize), Errno> {
    let (sq, cq) = ring_entries(entries, p)?;
    let sqe_bytes = (SQE_SIZE << sqe_shift_from_flags(p.flags)) * sq as usize;
    let mut ring_bytes = KRING_SIZE + cqe_size(p.flags) * cq as usize;
    if p.flags & IORING_SETUP_NO_SQARRAY == 0 {
        ring_bytes += sq as usize * 4;
    }
    Ok((page_align(sqe_bytes), ring_bytes))
}

unsafe fn map_anon(len: usize) -> Result<*mut c_void, Errno> {
    let mut flags = libc::MAP_SHARED | libc::MAP_ANONYMOUS;
    if len > PAGE_SIZE {
        flags |= libc::MAP_HUGETLB | libc::MAP_HUGE_2MB;
    }
    // SAFETY: a fresh anonymous mapping; replaces nothing.
    unsafe { syscall::mmap(ptr::null_mut(), len, libc::PROT_READ | libc::PROT_WRITE, flags, -1, 0) }
        .map_err(|e| Errno(-e))
}

/// Lay out (or allocate) the memory of a NO_MMAP ring and tell the kernel where it is
/// through `p->{sq,cq}_off.user_addr`. Returns the bytes used.
unsafe fn alloc_no_mmap_memory(
    entries: u32,
    p: &mut io_uring_params,
    sq: &mut io_uring_sq,
    cq: &mut io_uring_cq,
    buf: Option<(*mut c_void, usize)>,
) -> Result<usize, Errno> {
    let (sqes_mem, ring_mem) = no_mmap_sizes(entries, p)?;
    let mem_used = page_align(sqes_mem + ring_mem);
    let (sqes, rings) = match buf {
        Some((base, size)) => {
            if mem_used > size {
                return Err(Errno::ENOMEM);
            }
            // liburing records no SQE mapping size for memory it does not own.
            sq.sqes_sz = 0;
            sq.ring_sz = 0;
            cq.ring_sz = 0;
            // SAFETY: the caller's buffer holds at least mem_used bytes.
            (base, unsafe { (base as *mut u8).add(sqes_mem) } as *mut c_void)
        }
        None => {
            if sqes_mem > HUGE_PAGE_SIZE || ring_mem > HUGE_PAGE_SIZE {
                return Err(Errno::ENOMEM);
            }
            let first_len = if sqes_mem <= PAGE_SIZE {
                PAGE_SIZE
            } else {
                HUGE_PAGE_SIZE
            };
            // SAFETY: fresh mapping.
            let first = unsafe { map_anon(first_len) }?;
            sq.sqes_sz = first_len as u32;
            if sqes_mem + ring_mem <= first_len {
                sq.ring_sz = 0;
                // SAFETY: sqes_mem + ring_mem fit in the first mapping.
                (first, unsafe { (first as *mut u8).add(sqes_mem) } as *mut c_void)
            } else {
                let second_len = if ring_mem <= PAGE_SIZE {
                    PAGE_SIZE
                } else {
                    HUGE_PAGE_SIZE
                };
                // SAFETY: fresh mapping.
                let second = match unsafe { map_anon(second_len) } {
                    Ok(s) => s,
                    Err(e) => {
                        // SAFETY: `first` was mapped above and is unused.
                        unsafe { syscall::munmap(first, first_len) };
                        return Err(e);
                    }
                };
                sq.ring_sz = second_len;
                (first, second)
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
unsafe fn unmap_no_mmap_memory(sq: &io_uring_sq) {
    // SAFETY: caller guarantees these are the library's own mappings, no longer in use.
    unsafe {
        if !sq.sqes.is_null() {
            syscall::munmap(sq.sqes as *mut c_void, sq.sqes_sz as usize);
        }
        if sq.ring_sz != 0 {
            syscall::munmap(sq.ring_ptr, sq.ring_sz);
        }
    }
}

/// Unmap whatever ring memory the library mapped (not the application's).
unsafe fn unmap_rings(ring: &io_uring) {
    let sq = &ring.sq;
    let cq = &ring.cq;
    // SAFETY: the ring is being torn down; these are its own mappings.
    unsafe {
        if !sq.sqes.is_null() && sq.sqes_sz != 0 {
            syscall::munmap(sq.sqes as *mut c_void, sq.sqes_sz as usize);
        }
        if !sq.ring_ptr.is_null() && sq.ring_sz != 0 {
            syscall::munmap(sq.ring_ptr, sq.ring_sz);
        }
        if !cq.ring_ptr.is_null() && cq.ring_ptr != sq.ring_ptr && cq.ring_sz != 0 {
            syscall::munmap(cq.ring_ptr, cq.ring_sz);
        }
    }
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
        // SAFETY: caller contract.
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

/// `io_uring_ring_dontfork`: keep the ring mappings out of forked children.
///
/// # Safety
/// `ring` must be a set-up ring (or zeroed, which gives -EINVAL).
pub unsafe fn ring_dontfork(ring: &io_uring) -> Result<(), Errno> {
    if ring.sq.ring_ptr.is_null() || ring.sq.sqes.is_null() || ring.cq.ring_ptr.is_null() {
        return Err(Errno::EINVAL);
    }
    let sqes_len = (ring.sq.ring_entries as usize * SQE_SIZE) << ring.sqe_shift();
    // SAFETY: these ranges are the ring's own mappings.
    unsafe {
        Errno::result(syscall::madvise(
            ring.sq.sqes as *mut c_void,
            sqes_len,
            libc::MADV_DONTFORK,
        ))?;
        Errno::result(syscall::madvise(ring.sq.ring_ptr, ring.sq.ring_sz, libc::MADV_DONTFORK))?;
        if ring.cq.ring_ptr != ring.sq.ring_ptr {
            Errno::result(syscall::madvise(ring.cq.ring_ptr, ring.cq.ring_sz, libc::MADV_DONTFORK))?;
        }
    }
    Ok(())
}

/// `io_uring_memory_size_params`: bytes of memory a NO_MMAP ring of this shape needs.
pub fn memory_size_params(entries: u32, p: &io_uring_params) -> Result<usize, Errno> {
    let (sqes_mem, ring_mem) = no_mmap_sizes(entries, p)?;
    Ok(page_align(ring_mem) + sqes_mem)
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
    // SAFETY: probe is a valid params struct; the fd is closed right away.
    let fd = unsafe { syscall::io_uring_setup(entries, &mut probe) };
    if fd >= 0 {
        syscall::close(fd);
        if probe.features & IORING_FEAT_NATIVE_WORKERS != 0 {
            return Ok(0);
        }
    }
    memory_size_params(entries, p)
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
/// `p->flags` is 0 afterwards whatever happens, as in liburing.
///
/// # Safety
/// `ring` must be a set-up ring; no SQE or CQE pointer into the old rings may be used
/// afterwards.
pub unsafe fn resize_rings(ring: &mut io_uring, p: &mut io_uring_params) -> Result<(), Errno> {
    // SAFETY: forwarded caller contract.
    let r = unsafe { resize_rings_inner(ring, p) };
    p.flags = 0;
    r
}

unsafe fn resize_rings_inner(ring: &mut io_uring, p: &mut io_uring_params) -> Result<(), Errno> {
    if ring.flags & IORING_SETUP_NO_MMAP != 0 {
        return Err(Errno::EINVAL);
    }
    p.sq_off = io_sqring_offsets::default();
    p.cq_off = io_cqring_offsets::default();
    // SAFETY: p is a valid params struct the kernel reads and fills.
    unsafe {
        do_register(
            ring.as_ring_ref(),
            IORING_REGISTER_RESIZE_RINGS,
            p as *mut _ as *const c_void,
            1,
        )
    }?;
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
