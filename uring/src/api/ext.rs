//! The extensions in the safe API: feature fallback on the [`Builder`], statistics and
//! checked mode on the [`Ring`] (see docs/extensions.md; the names are
//! [`crate::opcode_name`] and friends, the set-up diagnosis [`crate::diagnose`]).

use super::{Builder, Ring};
use crate::errno::Errno;
use crate::ext::{checked, fallback, stats};
use crate::ring::{io_uring, SubmissionSide};
use crate::setup;
use crate::sys::io_uring_params;

/// Set up `ring`: exactly as `p` asks when nothing is preferred, else through the
/// fallback ladder with the preferred flags optional.
///
/// # Safety
/// As for [`setup::queue_init_params`]: `ring` is overwritten.
pub(super) unsafe fn init(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    preferred: u32,
) -> Result<(), Errno> {
    if preferred == 0 {
        // SAFETY: this function's contract is queue_init_params's.
        unsafe { setup::queue_init_params(entries, ring, p) }
    } else {
        let required = p.flags & !preferred;
        // SAFETY: as above.
        unsafe { fallback::queue_init_fallback(entries, ring, p, required) }
    }
}

impl Builder {
    /// Ask for `IORING_SETUP_*` flags the ring can do without: where the kernel refuses
    /// them, [`Builder::build`] drops them one at a time in the order of
    /// [`fallback::DROP_ORDER`] and retries (`uring_queue_init_fallback`). Read what was
    /// granted with [`Ring::setup_flags`].
    #[doc(alias = "uring_queue_init_fallback")]
    pub fn prefer(mut self, flags: u32) -> Self {
        self.params.flags |= flags;
        self.preferred |= flags;
        self
    }

    /// Ask for `IORING_SETUP_*` flags the ring must have (the set-up fails without
    /// them); the same as [`Builder::flags`], and it overrides an earlier `prefer`.
    pub fn require(self, flags: u32) -> Self {
        self.flags(flags)
    }

    /// Checked mode on or off for the new ring, whatever `URING_CHECK` says (see
    /// [`Ring::set_checked`]).
    pub fn checked(mut self, on: bool) -> Self {
        self.checked = Some(on);
        self
    }
}

impl Ring {
    /// A snapshot of the ring's counters (`uring_ring_stats`): fill levels, overflow,
    /// dropped SQEs, SQPOLL and task-run state.
    #[doc(alias = "uring_ring_stats")]
    pub fn stats(&mut self) -> stats::uring_ring_stats {
        // SAFETY: SQ-OWNER: `&mut self` is held for the side's lifetime, so no submitter
        // split off this ring exists.
        let sq = unsafe { SubmissionSide::new(self.as_ring_ref()) };
        stats::ring_stats(&sq)
    }

    /// Checked mode on or off (`uring_set_checked`); returns whether it was on. While on,
    /// every submit validates the pending SQEs first and refuses the whole batch with
    /// `EINVAL` (printing one line per bad SQE on stderr) if one breaks a rule: see
    /// [`crate::ext::checked`].
    #[doc(alias = "uring_set_checked")]
    pub fn set_checked(&mut self, on: bool) -> bool {
        // SAFETY: OWNED: `&mut self` excludes every other access to the ring, and
        // changing the checked bit keeps it set up.
        checked::set_checked(unsafe { self.as_raw_mut() }, on)
    }

    /// Whether checked mode is on.
    pub fn is_checked(&self) -> bool {
        checked::is_on(self.as_ring_ref())
    }
}
