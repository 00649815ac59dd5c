/* Helpers for the c-tests/op_*.c kernel round-trip tests (one program per op family).
 *
 * Each program runs several sub-tests.  A sub-test whose opcode the running kernel
 * does not support (per io_uring_get_probe_ring, or -EINVAL/-EOPNOTSUPP from the
 * kernel) is reported with a "note:" line and not counted; a program in which no
 * sub-test could run exits 77 with a SKIP line.  Any wrong effect is a failure.
 */
#ifndef URING_C_TESTS_OP_UTIL_H
#define URING_C_TESTS_OP_UTIL_H

#include "test.h"

#include <poll.h>

static struct io_uring_probe *op_probe_ptr;
static int op_ran;		/* sub-tests that ran */
static int op_skipped;		/* sub-tests skipped for lack of kernel support */

static inline T_UNUSED void op_probe_init(struct io_uring *ring)
{
	op_probe_ptr = io_uring_get_probe_ring(ring);
}

/* Whether the kernel supports opcode `op` (assume yes if probing failed). */
static inline T_UNUSED int op_supported(int op)
{
	if (!op_probe_ptr)
		return 1;
	return io_uring_opcode_supported(op_probe_ptr, op);
}

/* Start a sub-test needing opcode `op`; returns 0 (and notes it) when unsupported. */
static inline T_UNUSED int op_begin(const char *what, int op)
{
	if (!op_supported(op)) {
		T_NOTE("%s: opcode %d not supported by this kernel, skipped", what, op);
		op_skipped++;
		return 0;
	}
	op_ran++;
	return 1;
}

/* A result meaning "this kernel does not do that": note it and let the caller skip. */
static inline T_UNUSED int op_unsupported_res(const char *what, int res)
{
	if (res == -EINVAL || res == -EOPNOTSUPP || res == -ENOTSUP || res == -ENOSYS) {
		T_NOTE("%s: kernel returned %s, treated as unsupported", what, t_err(res));
		op_ran--;
		op_skipped++;
		return 1;
	}
	return 0;
}

/* Wait (up to 5 s) for one CQE; returns its res, stores user_data and flags. */
static inline T_UNUSED int op_wait(struct io_uring *ring, __u64 *ud, unsigned *flags,
				   const char *file, int line)
{
	struct __kernel_timespec ts = { .tv_sec = 5, .tv_nsec = 0 };
	struct io_uring_cqe *cqe = NULL;
	int ret, res;

	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	if (ret != 0 || !cqe) {
		t_report(file, line, "no CQE: io_uring_wait_cqe_timeout = %d (%s)", ret, t_err(ret));
		exit(1);
	}
	res = cqe->res;
	if (ud)
		*ud = cqe->user_data;
	if (flags)
		*flags = cqe->flags;
	io_uring_cqe_seen(ring, cqe);
	return res;
}
#define OP_WAIT(ring, ud, flags) op_wait((ring), (ud), (flags), __FILE__, __LINE__)

/* Whether a CQE arrives within `ms` milliseconds (it is left in the ring). */
static inline T_UNUSED int op_cqe_within(struct io_uring *ring, unsigned ms)
{
	struct __kernel_timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	struct io_uring_cqe *cqe = NULL;

	return io_uring_wait_cqe_timeout(ring, &cqe, &ts) == 0 && cqe;
}

/* Set user_data, submit the one SQE, wait for its CQE, check user_data, return res. */
static inline T_UNUSED int op_run(struct io_uring *ring, struct io_uring_sqe *sqe, __u64 ud,
				  const char *file, int line)
{
	__u64 got;
	int ret, res;

	io_uring_sqe_set_data64(sqe, ud);
	ret = io_uring_submit(ring);
	/* Under SQPOLL the count is everything the SQ thread has not released yet (its
	 * head can trail the CQEs it already posted), so it may exceed 1. */
	if (ret != 1 && !((ring->flags & IORING_SETUP_SQPOLL) && ret > 1)) {
		t_report(file, line, "io_uring_submit = %d (%s), expected 1", ret, t_err(ret));
		exit(1);
	}
	res = op_wait(ring, &got, NULL, file, line);
	if (got != ud) {
		t_report(file, line, "CQE user_data 0x%llx, expected 0x%llx",
			 (unsigned long long)got, (unsigned long long)ud);
		exit(1);
	}
	return res;
}
#define OP_RUN(ring, sqe, ud) op_run((ring), (sqe), (ud), __FILE__, __LINE__)

/* Submit exactly `n` SQEs. */
#define OP_SUBMIT(ring, n) CHECK_EQ(io_uring_submit(ring), (n))

/* End of main(): fail, skip (nothing ran) or pass. */
static inline T_UNUSED int op_done(void)
{
	if (op_probe_ptr)
		io_uring_free_probe(op_probe_ptr);
	if (t_failures)
		return t_done();
	if (op_ran == 0)
		t_skip("none of the %d sub-tests is supported by this kernel", op_skipped);
	printf("%d sub-tests passed, %d skipped\n", op_ran, op_skipped);
	return 0;
}

/* A temporary directory under `base` (e.g. "/tmp"), removed by the caller. */
static inline T_UNUSED void op_mkdtemp(char *out, size_t n, const char *base, const char *tag)
{
	snprintf(out, n, "%s/uring-%s-XXXXXX", base, tag);
	if (!mkdtemp(out)) {
		fprintf(stderr, "mkdtemp %s: %s\n", out, strerror(errno));
		exit(1);
	}
}

#endif
