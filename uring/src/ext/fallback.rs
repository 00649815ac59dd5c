//! Feature fallback: set a ring up with the flags asked for, and where the kernel refuses,
//! drop the optional ones in a fixed order and retry (`uring_queue_init_fallback`).
//!
//! Programs that want DEFER_TASKRUN, SINGLE_ISSUER, NO_SQARRAY, ... on new kernels and a
//! working ring on old ones otherwise each write this ladder themselves.

use crate::errno::Errno;
use crate::ring::io_uring;
use crate::setup;
use crate::sys::*;

/// The order in which optional flags are dropped, first to last: roughly the newest and
/// most specialised first, so that the flags that matter most for correctness and
/// speed on older kernels (SQPOLL, IOPOLL, the SQE/CQE sizes) are kept longest. Each entry
/// is the flag and the flags that cannot stay without it (dropped together; when one of
/// those is required, the entry is skipped).
pub const DROP_ORDER: &[(u32, u32)] = &[
    (IORING_SETUP_SQ_REWIND, 0),
    (IORING_SETUP_SQE_MIXED, 0),
    (IORING_SETUP_CQE_MIXED, 0),
    (IORING_SETUP_HYBRID_IOPOLL, 0),
    (IORING_SETUP_NO_SQARRAY, 0),
    (IORING_SETUP_REGISTERED_FD_ONLY, 0),
    (IORING_SETUP_NO_MMAP, IORING_SETUP_REGISTERED_FD_ONLY),
    (IORING_SETUP_DEFER_TASKRUN, 0),
    (IORING_SETUP_SINGLE_ISSUER, IORING_SETUP_DEFER_TASKRUN),
    (IORING_SETUP_TASKRUN_FLAG, 0),
    (IORING_SETUP_COOP_TASKRUN, 0),
    (IORING_SETUP_SUBMIT_ALL, 0),
    (IORING_SETUP_R_DISABLED, 0),
    (IORING_SETUP_CLAMP, 0),
    (IORING_SETUP_ATTACH_WQ, 0),
    (IORING_SETUP_SQ_AFF, 0),
    (IORING_SETUP_SQPOLL, IORING_SETUP_SQ_AFF),
    (IORING_SETUP_CQE32, 0),
    (IORING_SETUP_SQE128, 0),
    (IORING_SETUP_IOPOLL, IORING_SETUP_HYBRID_IOPOLL),
    (IORING_SETUP_CQSIZE, 0),
];

/// Whether an error means "the kernel refused these flags" (worth a retry without one):
/// `EINVAL` for unknown flags and refused combinations, `EPERM` for SQPOLL without
/// privilege on kernels before 5.11.
fn is_refusal(e: Errno) -> bool {
    e == Errno::EINVAL || e == Errno::EPERM
}

/// The fallback ladder over any set-up attempt (the real one is [`queue_init_fallback`];
/// tests simulate old kernels with their own `attempt`).
///
/// Asks for `p.flags | required`. On a refusal (`EINVAL`/`EPERM`) it drops the first
/// optional flag of [`DROP_ORDER`] still set (with the flags that need it) and retries,
/// until the set-up succeeds or no optional flag is left; other errors (`ENOMEM`,
/// `EMFILE`, `ENOSYS`, ...) end it at once. Every attempt starts from a copy of the
/// caller's `p` with only `flags` changed. On success `p` is what the successful attempt
/// left (its `flags` are the ones granted, with any flag the set-up added itself such as
/// NO_SQARRAY); on failure `p.flags` is the original request and the error is the last
/// attempt's.
pub fn fallback_ladder(
    p: &mut io_uring_params,
    required: u32,
    mut attempt: impl FnMut(&mut io_uring_params) -> Result<(), Errno>,
) -> Result<(), Errno> {
    let original = *p;
    let mut flags = p.flags | required;
    loop {
        let mut trial = original;
        trial.flags = flags;
        let err = match attempt(&mut trial) {
            Ok(()) => {
                *p = trial;
                return Ok(());
            }
            Err(e) => e,
        };
        // `black_box`: a plain loop over the table, not LLVM's unrolling of all 21
        // entries into straight-line code (half a KB of the C library for a set-up
        // path); it only hides the table's contents from the optimiser.
        let next = is_refusal(err)
            .then(|| {
                core::hint::black_box(DROP_ORDER)
                    .iter()
                    .find(|(flag, needs_it)| flags & flag != 0 && (flag | needs_it) & required == 0)
            })
            .flatten();
        match next {
            Some((flag, needs_it)) => flags &= !(flag | needs_it),
            None => {
                *p = original;
                p.flags = original.flags | required;
                return Err(err);
            }
        }
    }
}

/// `uring_queue_init_fallback`: [`fallback_ladder`] over `io_uring_queue_init_params`.
///
/// # Safety
/// As for [`setup::queue_init_params`]: `ring` is overwritten.
pub unsafe fn queue_init_fallback(
    entries: u32,
    ring: &mut io_uring,
    p: &mut io_uring_params,
    required: u32,
) -> Result<(), Errno> {
    fallback_ladder(p, required, |trial| {
        // SAFETY: queue_init_params only overwrites `ring`, which this function's
        // contract allows; a failed attempt leaves no ring behind.
        unsafe { setup::queue_init_params(entries, ring, trial) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kernel that refuses every flag in `unsupported` with EINVAL; `n` counts the
    /// attempts.
    fn old_kernel(unsupported: u32, n: &mut usize) -> impl FnMut(&mut io_uring_params) -> Result<(), Errno> + '_ {
        move |p: &mut io_uring_params| {
            *n += 1;
            if p.flags & unsupported != 0 {
                Err(Errno::EINVAL)
            } else {
                p.features = 0x5a;
                Ok(())
            }
        }
    }

    #[test]
    fn drops_optional_flags_in_order_until_accepted() {
        let mut p = io_uring_params {
            flags: IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN,
            ..Default::default()
        };
        let mut n = 0;
        // A 5.19-like kernel: COOP_TASKRUN yes, SINGLE_ISSUER/DEFER_TASKRUN no.
        let r = fallback_ladder(
            &mut p,
            0,
            old_kernel(IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER, &mut n),
        );
        assert_eq!(r, Ok(()));
        assert_eq!(p.flags, IORING_SETUP_COOP_TASKRUN);
        assert_eq!(p.features, 0x5a);
        // Three attempts: all, without DEFER_TASKRUN, without SINGLE_ISSUER.
        assert_eq!(n, 3);
    }

    #[test]
    fn dropping_a_flag_drops_what_needs_it() {
        let mut p = io_uring_params {
            flags: IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF,
            ..Default::default()
        };
        let mut n = 0;
        // SQ_AFF comes before SQPOLL in the order; the kernel refuses SQPOLL itself.
        let r = fallback_ladder(&mut p, 0, old_kernel(IORING_SETUP_SQPOLL, &mut n));
        assert_eq!(r, Ok(()));
        assert_eq!(p.flags, 0);
        assert_eq!(n, 3);
    }

    #[test]
    fn required_flags_are_never_dropped() {
        let asked = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN;
        let mut p = io_uring_params {
            flags: asked,
            sq_thread_idle: 7,
            ..Default::default()
        };
        let mut n = 0;
        let r = fallback_ladder(
            &mut p,
            IORING_SETUP_SINGLE_ISSUER,
            old_kernel(IORING_SETUP_SINGLE_ISSUER, &mut n),
        );
        assert_eq!(r, Err(Errno::EINVAL));
        assert_eq!(p.flags, asked, "p.flags is restored on failure");
        assert_eq!(p.sq_thread_idle, 7);
        assert_eq!(n, 2, "COOP_TASKRUN was dropped once, then nothing optional was left");
        // A required flag keeps the flags it needs (DEFER_TASKRUN required keeps
        // SINGLE_ISSUER): that entry is skipped.
        let mut p = io_uring_params {
            flags: IORING_SETUP_SINGLE_ISSUER,
            ..Default::default()
        };
        let mut n = 0;
        let r = fallback_ladder(
            &mut p,
            IORING_SETUP_DEFER_TASKRUN,
            old_kernel(IORING_SETUP_SINGLE_ISSUER, &mut n),
        );
        assert_eq!(r, Err(Errno::EINVAL));
        assert_eq!(n, 1);
    }

    #[test]
    fn other_errors_end_the_ladder() {
        let mut p = io_uring_params {
            flags: IORING_SETUP_SQPOLL,
            ..Default::default()
        };
        let mut n = 0;
        let r = fallback_ladder(&mut p, 0, |_| {
            n += 1;
            Err(Errno::ENOMEM)
        });
        assert_eq!(r, Err(Errno::ENOMEM));
        assert_eq!(n, 1);
    }

    #[test]
    fn drop_order_names_every_setup_flag_once() {
        let mut all = 0u32;
        for (flag, _) in DROP_ORDER {
            assert_eq!(all & flag, 0);
            all |= flag;
        }
        let known = super::super::names::SETUP_FLAGS.iter().fold(0, |a, f| a | f);
        assert_eq!(all, known, "every IORING_SETUP_* flag has a place in the order");
    }
}
