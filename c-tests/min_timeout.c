/*
 * 2.8+/2.9+ waits: io_uring_wait_cqes_min_timeout,
 * io_uring_submit_and_wait_min_timeout and io_uring_submit_and_wait_reg
 * (registered wait regions).  Return values follow spec 5.5.
 */
#include "test.h"

#if !T_NEW_API
int main(void)
{
	t_skip("min-timeout / registered-wait functions need a liburing 2.9+ header");
}
#else

static void queue_nops(struct io_uring *ring, int n, __u64 base)
{
	for (int i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = T_GET_SQE(ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, base + (unsigned)i);
	}
}

static void test_min_timeout(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts;
	uint64_t t0, el;
	int ret;

	t_init(8, &ring, 0);
	if (!(ring.features & IORING_FEAT_MIN_TIMEOUT)) {
		ts.tv_sec = 0;
		ts.tv_nsec = 1000000;
		EXPECT_EQ(io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts, 100, NULL), -EINVAL);
		EXPECT_EQ(io_uring_submit_and_wait_min_timeout(&ring, &cqe, 1, &ts, 100, NULL), -EINVAL);
		printf("note: kernel lacks FEAT_MIN_TIMEOUT, only -EINVAL checked\n");
		io_uring_queue_exit(&ring);
		return;
	}

	/* Empty ring: the overall timeout (20 ms) decides: -ETIME. */
	ts.tv_sec = 0;
	ts.tv_nsec = 20000000;
	t0 = t_now_ns();
	ret = io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts, 1000, NULL);
	el = t_now_ns() - t0;
	EXPECT_EQ(ret, -ETIME);
	EXPECT(el >= 19000000ull);

	/*
	 * One CQE ready, asking for 8 with a 1 s timeout but a 5 ms minimum:
	 * the kernel returns after the minimum because a CQE is there.  This
	 * only happens if min_wait_usec reached the kernel.
	 */
	queue_nops(&ring, 1, 1);
	CHECK_EQ(io_uring_submit(&ring), 1);
	ts.tv_sec = 1;
	ts.tv_nsec = 0;
	cqe = NULL;
	t0 = t_now_ns();
	ret = io_uring_wait_cqes_min_timeout(&ring, &cqe, 8, &ts, 5000, NULL);
	el = t_now_ns() - t0;
	EXPECT_EQ(ret, 0);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 1);
	if (el >= 900000000ull) {
		t_report(__FILE__, __LINE__, "wait_cqes_min_timeout(wait_nr 8, ts 1 s, min 5 ms) "
			 "with a CQE ready took %.1f ms: min_wait_usec not passed?", (double)el / 1e6);
		t_failures++;
	}
	io_uring_cqe_seen(&ring, cqe);

	/* submit_and_wait_min_timeout with 2 NOPs returns the submit count. */
	queue_nops(&ring, 2, 10);
	cqe = NULL;
	ret = io_uring_submit_and_wait_min_timeout(&ring, &cqe, 1, &ts, 1000, NULL);
	EXPECT_EQ(ret, 2);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 10);
	EXPECT_EQ(io_uring_cq_ready(&ring), 2);
	io_uring_cq_advance(&ring, 2);

	/* ...and without a timespec (plain submit + wait). */
	queue_nops(&ring, 2, 20);
	cqe = NULL;
	ret = io_uring_submit_and_wait_min_timeout(&ring, &cqe, 2, NULL, 0, NULL);
	EXPECT_EQ(ret, 2);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 20);
	EXPECT_EQ(io_uring_cq_ready(&ring), 2);
	io_uring_cq_advance(&ring, 2);

	/* Nothing to submit, nothing arrives: -ETIME after ~10 ms. */
	ts.tv_sec = 0;
	ts.tv_nsec = 10000000;
	t0 = t_now_ns();
	ret = io_uring_submit_and_wait_min_timeout(&ring, &cqe, 1, &ts, 500, NULL);
	EXPECT_EQ(ret, -ETIME);
	EXPECT(t_now_ns() - t0 >= 9500000ull);

	/* min 0 behaves like wait_cqes. */
	queue_nops(&ring, 1, 30);
	CHECK_EQ(io_uring_submit(&ring), 1);
	ts.tv_sec = 1;
	ts.tv_nsec = 0;
	CHECK_EQ(io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts, 0, NULL), 0);
	EXPECT_EQ_U64(cqe->user_data, 30);
	io_uring_cqe_seen(&ring, cqe);

	io_uring_queue_exit(&ring);
}

static void test_wait_reg(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct io_uring_region_desc rd;
	struct io_uring_mem_region_reg mr;
	struct io_uring_reg_wait *rw;
	uint64_t t0;
	int ret;

	CHECK_EQ(io_uring_queue_init(8, &ring, IORING_SETUP_R_DISABLED), 0);

	rw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(rw != MAP_FAILED);
	memset(rw, 0, 4096);

	/* The old registration call is a stub now. */
	EXPECT_EQ(io_uring_register_wait_reg(&ring, rw, 1), -EINVAL);

	memset(&rd, 0, sizeof(rd));
	rd.user_addr = (__u64)(uintptr_t)rw;
	rd.size = 4096;
	rd.flags = IORING_MEM_REGION_TYPE_USER;
	memset(&mr, 0, sizeof(mr));
	mr.region_uptr = (__u64)(uintptr_t)&rd;
	mr.flags = IORING_MEM_REGION_REG_WAIT_ARG;
	ret = io_uring_register_region(&ring, &mr);
	if (ret == -EINVAL || ret == -EOPNOTSUPP) {
		printf("note: kernel refused a registered-wait region (%s)\n", t_err(ret));
		io_uring_queue_exit(&ring);
		munmap(rw, 4096);
		return;
	}
	CHECK_EQ(ret, 0);
	CHECK_EQ(io_uring_enable_rings(&ring), 0);

	/* slot 0: 10 ms; slot 2: 1 s */
	rw[0].ts.tv_sec = 0;
	rw[0].ts.tv_nsec = 10000000;
	rw[0].flags = IORING_REG_WAIT_TS;
	rw[2].ts.tv_sec = 1;
	rw[2].ts.tv_nsec = 0;
	rw[2].flags = IORING_REG_WAIT_TS;

	/* empty ring, slot 0: -ETIME after ~10 ms */
	t0 = t_now_ns();
	ret = io_uring_submit_and_wait_reg(&ring, &cqe, 1, 0);
	EXPECT_EQ(ret, -ETIME);
	EXPECT(t_now_ns() - t0 >= 9500000ull);
	EXPECT(t_now_ns() - t0 < 900000000ull);

	/* 2 NOPs with slot 2: returns the submit count and a CQE */
	queue_nops(&ring, 2, 40);
	cqe = NULL;
	t0 = t_now_ns();
	ret = io_uring_submit_and_wait_reg(&ring, &cqe, 2, 2);
	EXPECT_EQ(ret, 2);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 40);
	EXPECT(t_now_ns() - t0 < 900000000ull);
	EXPECT_EQ(io_uring_cq_ready(&ring), 2);
	io_uring_cq_advance(&ring, 2);

	/* slot 2 really is used (1 s), not slot 0 (10 ms): wait for 1 of 0 */
	{
		struct io_uring_sqe *sqe = T_GET_SQE(&ring);
		static struct __kernel_timespec t50 = { 0, 50000000 };

		/* a 50 ms timeout SQE completes well within slot 2's 1 s */
		io_uring_prep_timeout(sqe, &t50, 0, 0);
		io_uring_sqe_set_data64(sqe, 50);
		cqe = NULL;
		ret = io_uring_submit_and_wait_reg(&ring, &cqe, 1, 2);
		EXPECT_EQ(ret, 1);
		CHECK(cqe != NULL);
		EXPECT_EQ_U64(cqe->user_data, 50);
		EXPECT_EQ(cqe->res, -ETIME);
		io_uring_cqe_seen(&ring, cqe);
	}

	io_uring_queue_exit(&ring);
	munmap(rw, 4096);
}

int main(void)
{
	test_min_timeout();
	test_wait_reg();
	return t_done();
}
#endif
