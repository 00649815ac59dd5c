/*
 * uring/ext.h: extensions of uring beyond liburing's API.
 *
 * Hand-written (liburing.h is generated and never includes this file). The functions are
 * exported by the same liburing.so / liburing.a under the version node URING_EXT_1,
 * outside liburing's namespace: programs that use them need uring's library, programs
 * that do not are unaffected. Documented in docs/extensions.md.
 */
#ifndef URING_EXT_H
#define URING_EXT_H

#include <stddef.h>
#include <liburing.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Names ---------------------------------------------------------------------------
 * The kernel's spelling without the prefix ("READ", "SEND_ZC"; "SQPOLL"; "NODROP";
 * "REGISTER_FILES"), static strings; NULL for values this library does not know. The
 * flag/feature functions take one bit. */
const char *uring_opcode_name(unsigned op);
const char *uring_setup_flag_name(unsigned flag);
const char *uring_feature_name(unsigned feature);
const char *uring_register_op_name(unsigned op);

/* ---- Feature fallback ----------------------------------------------------------------
 * Set up with p->flags | required_flags; where the kernel refuses (-EINVAL, -EPERM),
 * drop the optional flags (those not in required_flags) one at a time in the documented
 * order and retry. On success returns 0 and p->flags holds what was granted; on failure
 * returns the last attempt's -errno and p->flags is what was asked. */
int uring_queue_init_fallback(unsigned entries, struct io_uring *ring, struct io_uring_params *p,
			      unsigned required_flags);

/* ---- Ring statistics -----------------------------------------------------------------
 * Fields are only ever appended; pass sizeof(struct uring_ring_stats) as you know it:
 * the library writes min(out_size, its size) bytes. Returns 0, -EINVAL (NULL ring,
 * out_size 0) or -EFAULT (NULL out). Reads the submission-local tail: call it from the
 * ring's submitter (it may run while another thread reaps). */
struct uring_ring_stats {
	unsigned sq_entries;
	unsigned sq_unsubmitted;	/* handed out by get_sqe, not yet consumed by the kernel */
	unsigned sq_space;		/* free SQ slots */
	unsigned cq_entries;
	unsigned cq_ready;		/* completions ready to reap */
	unsigned cq_overflow;		/* the kernel's overflow counter (*cq.koverflow) */
	unsigned sq_dropped;		/* SQEs the kernel dropped as invalid (*sq.kdropped) */
	unsigned overflow_pending;	/* completions held back in the kernel's overflow list */
	unsigned sqpoll_needs_wakeup;	/* 1: the SQPOLL thread sleeps */
	unsigned taskrun_pending;	/* 1: the kernel has task work for this ring */
	unsigned ring_fd_registered;	/* 1: io_uring_register_ring_fd is in effect */
	unsigned checked;		/* 1: checked mode is on */
};

#if defined(__cplusplus)
static_assert(sizeof(struct uring_ring_stats) == 48, "struct uring_ring_stats size");
static_assert(offsetof(struct uring_ring_stats, overflow_pending) == 28, "overflow_pending");
static_assert(offsetof(struct uring_ring_stats, checked) == 44, "checked");
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct uring_ring_stats) == 48, "struct uring_ring_stats size");
_Static_assert(offsetof(struct uring_ring_stats, sq_entries) == 0, "sq_entries");
_Static_assert(offsetof(struct uring_ring_stats, sq_unsubmitted) == 4, "sq_unsubmitted");
_Static_assert(offsetof(struct uring_ring_stats, sq_space) == 8, "sq_space");
_Static_assert(offsetof(struct uring_ring_stats, cq_entries) == 12, "cq_entries");
_Static_assert(offsetof(struct uring_ring_stats, cq_ready) == 16, "cq_ready");
_Static_assert(offsetof(struct uring_ring_stats, cq_overflow) == 20, "cq_overflow");
_Static_assert(offsetof(struct uring_ring_stats, sq_dropped) == 24, "sq_dropped");
_Static_assert(offsetof(struct uring_ring_stats, overflow_pending) == 28, "overflow_pending");
_Static_assert(offsetof(struct uring_ring_stats, sqpoll_needs_wakeup) == 32, "sqpoll_needs_wakeup");
_Static_assert(offsetof(struct uring_ring_stats, taskrun_pending) == 36, "taskrun_pending");
_Static_assert(offsetof(struct uring_ring_stats, ring_fd_registered) == 40, "ring_fd_registered");
_Static_assert(offsetof(struct uring_ring_stats, checked) == 44, "checked");
#endif

int uring_ring_stats(const struct io_uring *ring, struct uring_ring_stats *out, size_t out_size);

/* ---- Checked mode --------------------------------------------------------------------
 * On (on != 0) or off for this ring; returns 1 if it was on, 0 if not, -EINVAL for a
 * NULL ring. Also on for every ring set up while URING_CHECK=1 is in the environment.
 * When on, every submit validates each pending SQE first; a violation prints one line
 * per bad SQE on stderr, discards all pending SQEs (nothing is submitted) and the submit
 * returns -EINVAL. Not concurrent with anything else on the ring. */
int uring_set_checked(struct io_uring *ring, int on);

/* ---- Set-up failures -----------------------------------------------------------------
 * Explain set-up error err (-errno as returned, or errno) in words into buf
 * (NUL-terminated, cut to len). Returns the full length of the explanation, as
 * snprintf does (>= len: it was cut), -EINVAL for err == 0, -EFAULT for a NULL buf with
 * len > 0. Reads the system now (sysctls, groups, seccomp, RLIMIT_MEMLOCK) and the
 * parameters of the process's last failed set-up. */
int uring_explain_setup_error(int err, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* URING_EXT_H */
