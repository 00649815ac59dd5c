//! Provided-buffer rings as owned values: [`BufRing`] and the [`BufGuard`] a completion
//! hands over.

use std::alloc::{self, Layout};
use std::fmt;
use std::prelude::rust_2021::*;
use std::ptr::NonNull;
use std::sync::{Arc, Mutex, PoisonError};

use crate::api::Cqe;
use crate::buf_ring as core_br;
use crate::sys::{io_uring_buf_reg, io_uring_buf_ring, IORING_CQE_F_BUFFER, IORING_CQE_F_BUF_MORE, IOU_PBUF_RING_INC};

/// A provided-buffer ring (`IORING_REGISTER_PBUF_RING`, Linux 5.19) with its buffers,
/// registered on one [`super::Driver`] as a buffer group. Made by
/// [`super::Driver::register_buf_ring`].
///
/// Ownership: the ring and its buffers are freed when the last of these hold them: this
/// handle and its clones, operations in flight that select from it ([`super::ops::RecvMulti`]),
/// the [`BufGuard`]s it lent, and the driver's registration. The driver unregisters the
/// group once nothing but its registration is left (checked on its next `submit` or
/// `wait`), or when it is dropped. So the kernel never picks a buffer from freed memory,
/// and a guard never reads memory the kernel may write.
#[derive(Clone)]
pub struct BufRing {
    pub(super) shared: Arc<Shared>,
}

/// The ring's memory and bookkeeping, shared by every holder.
pub(super) struct Shared {
    ring: NonNull<io_uring_buf_ring>,
    ring_layout: Layout,
    bufs: NonNull<u8>,
    bufs_layout: Layout,
    entries: u16,
    buf_len: u32,
    group: u16,
    incremental: bool,
    state: Mutex<State>,
    /// The driver it is registered with: operations selecting from it may only run there.
    pub(super) driver: u64,
}

/// Who holds each buffer id.
struct State {
    /// The kernel may write the buffer (it is published in the ring, or, incremental,
    /// partly consumed and still the kernel's).
    kernel_owned: Vec<bool>,
    /// Guards alive for the buffer.
    guards: Vec<u32>,
    /// Incremental mode: bytes of the buffer the kernel has already filled and handed
    /// out.
    consumed: Vec<u32>,
}

// SAFETY: the raw pointers lead to heap memory owned by `Shared` (freed in its Drop);
// the ring words are touched through the core's atomics (LIVE-BR), the bookkeeping
// through the Mutex, and buffer bytes only by the guard that holds them.
unsafe impl Send for Shared {}
// SAFETY: as above: every shared access is atomic or under the Mutex.
unsafe impl Sync for Shared {}

impl fmt::Debug for BufRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufRing")
            .field("group", &self.shared.group)
            .field("entries", &self.shared.entries)
            .field("buf_len", &self.shared.buf_len)
            .field("incremental", &self.shared.incremental)
            .finish()
    }
}

impl BufRing {
    /// Allocate `entries` buffers of `buf_len` bytes, register them as group `group` on
    /// `ring` and publish them all.
    pub(super) fn register(
        ring: crate::ring::RingRef<'_>,
        driver: u64,
        group: u16,
        entries: u16,
        buf_len: u32,
        incremental: bool,
    ) -> Result<BufRing, crate::Errno> {
        if entries == 0 || !entries.is_power_of_two() || entries > 32768 || buf_len == 0 {
            return Err(crate::Errno::EINVAL);
        }
        let ring_layout = Layout::from_size_align(usize::from(entries) * 16, 4096).map_err(|_| crate::Errno::EINVAL)?;
        let bufs_size = usize::from(entries)
            .checked_mul(buf_len as usize)
            .ok_or(crate::Errno::EINVAL)?;
        let bufs_layout = Layout::from_size_align(bufs_size, 64).map_err(|_| crate::Errno::EINVAL)?;
        // SAFETY: the layout has a non-zero size (entries >= 1).
        let ring_mem = NonNull::new(unsafe { alloc::alloc_zeroed(ring_layout) }).ok_or(crate::Errno::ENOMEM)?;
        // SAFETY: the layout has a non-zero size (entries, buf_len >= 1).
        let Some(bufs) = NonNull::new(unsafe { alloc::alloc_zeroed(bufs_layout) }) else {
            // SAFETY: allocated just above with this layout, never shared.
            unsafe { alloc::dealloc(ring_mem.as_ptr(), ring_layout) };
            return Err(crate::Errno::ENOMEM);
        };
        let shared = Shared {
            ring: ring_mem.cast(),
            ring_layout,
            bufs,
            bufs_layout,
            entries,
            buf_len,
            group,
            incremental,
            driver,
            state: Mutex::new(State {
                kernel_owned: vec![true; usize::from(entries)],
                guards: vec![0; usize::from(entries)],
                consumed: vec![0; usize::from(entries)],
            }),
        };
        // Freed by Shared's Drop on every path below.
        let mut reg = io_uring_buf_reg {
            ring_addr: shared.ring.as_ptr() as u64,
            ring_entries: u32::from(entries),
            bgid: group,
            ..Default::default()
        };
        let flags = if incremental { IOU_PBUF_RING_INC } else { 0 };
        // SAFETY: REG-ARG: `reg` is a writable local; the ring memory it names is
        // page-aligned, `entries * 16` bytes, and owned by `shared`, which the caller
        // (the driver) keeps alive until the group is unregistered or the ring is gone.
        unsafe { core_br::register_buf_ring(ring, &mut reg, flags) }?;
        let mask = core_br::buf_ring_mask(u32::from(entries));
        for bid in 0..entries {
            // SAFETY: LIVE-BR: `shared.ring` is the registered ring of `entries`
            // entries; none is published yet, so the kernel reads none of them.
            unsafe {
                core_br::buf_ring_add(
                    shared.ring.as_ptr(),
                    shared.buf_ptr(bid).cast(),
                    buf_len,
                    bid,
                    mask,
                    i32::from(bid),
                )
            };
        }
        // SAFETY: LIVE-BR, as above; publishes the entries just written.
        unsafe { core_br::buf_ring_advance(shared.ring.as_ptr(), i32::from(entries)) };
        Ok(BufRing {
            shared: Arc::new(shared),
        })
    }

    /// The buffer group id (`sqe.buf_group`).
    pub fn group(&self) -> u16 {
        self.shared.group
    }

    /// Number of buffers.
    pub fn entries(&self) -> u16 {
        self.shared.entries
    }

    /// Size of each buffer.
    pub fn buf_len(&self) -> u32 {
        self.shared.buf_len
    }

    /// Registered with incremental consumption (`IOU_PBUF_RING_INC`).
    pub fn is_incremental(&self) -> bool {
        self.shared.incremental
    }

    /// Buffers the kernel may currently pick (published and not handed out).
    pub fn available(&self) -> usize {
        let state = self.shared.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.kernel_owned.iter().filter(|&&k| k).count()
    }

    /// The guard for the buffer `cqe` reports, if it reports one of this ring's buffers
    /// that the kernel held. Called once per CQE by the reaper.
    pub(super) fn guard_for(&self, cqe: &Cqe) -> Option<BufGuard> {
        if cqe.flags() & IORING_CQE_F_BUFFER == 0 {
            return None;
        }
        let bid = cqe.buffer_id()?;
        let s = &*self.shared;
        let index = usize::from(bid);
        let len = u32::try_from(cqe.res()).unwrap_or(0);
        let mut state = s.state.lock().unwrap_or_else(PoisonError::into_inner);
        // A buffer the kernel does not hold cannot be handed over twice.
        if index >= state.kernel_owned.len() || !state.kernel_owned[index] {
            return None;
        }
        let offset = if s.incremental { state.consumed[index] } else { 0 };
        if u64::from(offset) + u64::from(len) > u64::from(s.buf_len) {
            return None;
        }
        let kernel_keeps = s.incremental && cqe.flags() & IORING_CQE_F_BUF_MORE != 0;
        if kernel_keeps {
            state.consumed[index] = offset + len;
        } else {
            state.kernel_owned[index] = false;
        }
        state.guards[index] += 1;
        Some(BufGuard {
            ring: self.clone(),
            bid,
            offset,
            len,
        })
    }
}

impl Shared {
    fn buf_ptr(&self, bid: u16) -> *mut u8 {
        self.bufs
            .as_ptr()
            .wrapping_add(usize::from(bid) * self.buf_len as usize)
    }

    /// Give buffer `bid` back to the kernel if no guard and no kernel use remains.
    fn release(&self, bid: u16) {
        let index = usize::from(bid);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.guards[index] -= 1;
        if state.guards[index] != 0 || state.kernel_owned[index] {
            return;
        }
        state.consumed[index] = 0;
        state.kernel_owned[index] = true;
        let mask = core_br::buf_ring_mask(u32::from(self.entries));
        // SAFETY: LIVE-BR: the ring memory lives as long as `self`; the producer side is
        // serialised by the state lock held here; the entry at the tail is not published.
        unsafe { core_br::buf_ring_add(self.ring.as_ptr(), self.buf_ptr(bid).cast(), self.buf_len, bid, mask, 0) };
        // SAFETY: LIVE-BR, as above; publishes that one entry (release store).
        unsafe { core_br::buf_ring_advance(self.ring.as_ptr(), 1) };
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // The last holder is gone, and the driver's registration was among the holders:
        // the group is unregistered or the ring torn down, so the kernel uses neither
        // allocation any more.
        // SAFETY: allocated in `register` with these layouts, freed once, here.
        unsafe { alloc::dealloc(self.ring.as_ptr().cast(), self.ring_layout) };
        // SAFETY: as above.
        unsafe { alloc::dealloc(self.bufs.as_ptr(), self.bufs_layout) };
    }
}

/// A filled buffer of a [`BufRing`], handed over by a completion. It derefs to the bytes
/// received; dropping it gives the buffer back to the ring (in incremental mode, once the
/// kernel has finished with the whole buffer and no other guard of it is alive). It can
/// be sent as it is ([`super::IoBuf`]), which returns it after the send completes.
pub struct BufGuard {
    ring: BufRing,
    bid: u16,
    offset: u32,
    len: u32,
}

impl BufGuard {
    /// The buffer id the kernel reported.
    pub fn buffer_id(&self) -> u16 {
        self.bid
    }

    /// Where this chunk starts in the buffer (non-zero only in incremental mode).
    pub fn offset(&self) -> u32 {
        self.offset
    }
}

impl fmt::Debug for BufGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufGuard")
            .field("group", &self.ring.group())
            .field("bid", &self.bid)
            .field("offset", &self.offset)
            .field("len", &self.len)
            .finish()
    }
}

impl core::ops::Deref for BufGuard {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        let start = self.ring.shared.buf_ptr(self.bid).wrapping_add(self.offset as usize);
        // SAFETY: `guard_for` checked `offset + len <= buf_len`, so the bytes lie inside
        // the buffer allocation (zero-initialised, then written by the kernel), which the
        // ring handle keeps alive. The kernel no longer writes them: the buffer left its
        // hands (or, incremental, it writes only past `offset + len`), and it is not
        // published again while this guard lives.
        unsafe { core::slice::from_raw_parts(start, self.len as usize) }
    }
}

// SAFETY: the bytes are the guard's own (see Deref), stay in place while it is moved,
// and stay valid until it is dropped.
unsafe impl super::IoBuf for BufGuard {
    fn stable_ptr(&self) -> *const u8 {
        self.ring.shared.buf_ptr(self.bid).wrapping_add(self.offset as usize)
    }
    fn bytes_init(&self) -> usize {
        self.len as usize
    }
    fn bytes_total(&self) -> usize {
        self.len as usize
    }
}

impl Drop for BufGuard {
    fn drop(&mut self) {
        self.ring.shared.release(self.bid);
    }
}
