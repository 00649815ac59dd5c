/*
 * Extensions: uring_queue_init_fallback.
 *
 * The kernel refuses some flag combinations outright (DEFER_TASKRUN with SQPOLL,
 * REGISTERED_FD_ONLY without NO_MMAP, SQE128 with SQE_MIXED): those make a kernel
 * "refuse" on any machine. Checks: optional flags are dropped in the documented order
 * (docs/extensions.md) until the kernel accepts; required flags are never dropped (the
 * error comes back and p->flags is what was asked); p->flags holds what was granted and
 * matches ring.flags; other errors (bad entries) end it at once.
 */
#include "test.h"

#include <uring/ext.h>

/* Set up with `flags`, `required`; return the result, the granted flags in *granted. */
static int try_fallback(unsigned flags, unsigned required, unsigned *granted, unsigned entries)
{
	struct io_uring_params p;
	struct io_uring ring;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.sq_thread_idle = 10;
	ret = uring_queue_init_fallback(entries, &ring, &p, required);
	*granted = p.flags;
	if (ret == 0) {
		EXPECT_EQ_U64(ring.flags, p.flags);
		EXPECT(t_nop_roundtrip(&ring, 7, "granted ring") == 0);
		io_uring_queue_exit(&ring);
	}
	return ret;
}

int main(void)
{
	unsigned granted, want;
	struct io_uring probe_ring;
	int ret;

	t_init(2, &probe_ring, 0);
	io_uring_queue_exit(&probe_ring);

	/* Nothing refused: everything asked is granted (plus NO_SQARRAY, which the set-up
	 * adds where the kernel has it). */
	ret = try_fallback(IORING_SETUP_COOP_TASKRUN, 0, &granted, 8);
	EXPECT_EQ(ret, 0);
	EXPECT(granted & IORING_SETUP_COOP_TASKRUN);

	/* SQPOLL required, DEFER_TASKRUN + SINGLE_ISSUER optional: DEFER_TASKRUN cannot
	 * be combined with SQPOLL, and it comes first in the order, so only it goes. */
	ret = try_fallback(IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER,
			   IORING_SETUP_SQPOLL, &granted, 8);
	EXPECT_EQ(ret, 0);
	want = IORING_SETUP_SQPOLL | IORING_SETUP_SINGLE_ISSUER;
	EXPECT_EQ_U64(granted & ~IORING_SETUP_NO_SQARRAY, want);

	/* DEFER_TASKRUN + SINGLE_ISSUER required, SQPOLL optional: SQPOLL goes. */
	ret = try_fallback(IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER,
			   IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER, &granted, 8);
	EXPECT_EQ(ret, 0);
	want = IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	EXPECT_EQ_U64(granted & ~IORING_SETUP_NO_SQARRAY, want);

	/* Everything required: the kernel's error comes back, p->flags is the request. */
	want = IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	ret = try_fallback(want, want, &granted, 8);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_EQ_U64(granted, want);

	/* required_flags beyond p->flags are asked for too. */
	ret = try_fallback(0, IORING_SETUP_DEFER_TASKRUN, &granted, 8);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_EQ_U64(granted, IORING_SETUP_DEFER_TASKRUN);

	/* REGISTERED_FD_ONLY without NO_MMAP is refused; it is optional, so it goes. */
	ret = try_fallback(IORING_SETUP_REGISTERED_FD_ONLY | IORING_SETUP_COOP_TASKRUN, 0, &granted, 8);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ_U64(granted & ~IORING_SETUP_NO_SQARRAY, IORING_SETUP_COOP_TASKRUN);

	/* SQE128 and SQE_MIXED exclude each other: SQE_MIXED comes earlier in the order
	 * (newest first), so SQE128 is kept. */
	ret = try_fallback(IORING_SETUP_SQE128 | IORING_SETUP_SQE_MIXED, 0, &granted, 8);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ_U64(granted & ~IORING_SETUP_NO_SQARRAY, IORING_SETUP_SQE128);
	/* ... unless SQE_MIXED is required: then SQE128 goes, where the kernel has
	 * SQE_MIXED at all (Linux 6.18); older kernels refuse it with -EINVAL. */
	ret = try_fallback(IORING_SETUP_SQE128 | IORING_SETUP_SQE_MIXED, IORING_SETUP_SQE_MIXED, &granted, 8);
	if (ret == 0)
		EXPECT_EQ_U64(granted & ~IORING_SETUP_NO_SQARRAY, IORING_SETUP_SQE_MIXED);
	else
		EXPECT_EQ(ret, -EINVAL);

	/* Bad arguments are refused before any attempt. (That errors other than
	 * EINVAL/EPERM end the ladder at once is a unit test in src/ext/fallback.rs,
	 * with a simulated kernel.) */
	{
		struct io_uring ring;

		EXPECT_EQ(uring_queue_init_fallback(8, &ring, NULL, 0), -EFAULT);
		EXPECT_EQ(uring_queue_init_fallback(8, NULL, NULL, 0), -EINVAL);
	}

	/* A refused optional flag whose dependent is required is kept (DEFER_TASKRUN
	 * required keeps SINGLE_ISSUER): SQPOLL + DEFER_TASKRUN + SINGLE_ISSUER with
	 * DEFER_TASKRUN required drops SQPOLL only. */
	ret = try_fallback(IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER,
			   IORING_SETUP_DEFER_TASKRUN, &granted, 8);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ_U64(granted & ~IORING_SETUP_NO_SQARRAY, IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER);

	return t_done();
}
