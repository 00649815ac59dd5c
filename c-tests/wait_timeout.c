/*
 * Timed waits: wait_cqe_timeout, wait_cqes, submit_and_wait_timeout and
 * their return values (spec 5.5), plus peek on an empty ring.
 */
#include "test.h"

static void queue_nops(struct io_uring *ring, int n, __u64 base)
{
	for (int i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = T_GET_SQE(ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, base + (unsigned)i);
	}
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts10 = { .tv_sec = 0, .tv_nsec = 10000000 };
	struct __kernel_timespec ts1s = { .tv_sec = 1, .tv_nsec = 0 };
	uint64_t t0, el;
	int ret;

	t_init(8, &ring, 0);
	if (!(ring.features & IORING_FEAT_EXT_ARG))
		T_NOTE("kernel lacks FEAT_EXT_ARG: timeouts use the internal timeout SQE");

	/* Empty ring: peek gives -EAGAIN. */
	cqe = (struct io_uring_cqe *)1;
	EXPECT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);

	/* Empty ring: a 10 ms wait returns -ETIME after >= ~10 ms. */
	t0 = t_now_ns();
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts10);
	el = t_now_ns() - t0;
	EXPECT_EQ(ret, -ETIME);
	if (el < 9500000ull) {
		t_report(__FILE__, __LINE__, "wait_cqe_timeout(10ms) returned after %llu ns", (unsigned long long)el);
		t_failures++;
	}
	if (el > 2000000000ull) {
		t_report(__FILE__, __LINE__, "wait_cqe_timeout(10ms) took %llu ns", (unsigned long long)el);
		t_failures++;
	}
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* wait_cqes with nothing in flight and wait_nr 2: -ETIME too. */
	t0 = t_now_ns();
	EXPECT_EQ(io_uring_wait_cqes(&ring, &cqe, 2, &ts10, NULL), -ETIME);
	EXPECT(t_now_ns() - t0 >= 9500000ull);

	/*
	 * submit_and_wait_timeout with 2 NOPs: it enters once, and returns
	 * the number submitted, with a CQE.
	 */
	queue_nops(&ring, 2, 10);
	cqe = NULL;
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts1s, NULL);
	EXPECT_EQ(ret, 2);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 10);
	EXPECT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(io_uring_cq_ready(&ring), 1);

	/* A CQE is already there and nothing to submit: returns 0 at once. */
	cqe = NULL;
	t0 = t_now_ns();
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts1s, NULL);
	EXPECT_EQ(ret, 0);
	EXPECT(t_now_ns() - t0 < 500000000ull);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 11);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* Nothing to submit, nothing arrives: -ETIME. */
	cqe = (struct io_uring_cqe *)1;
	t0 = t_now_ns();
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts10, NULL);
	EXPECT_EQ(ret, -ETIME);
	EXPECT(t_now_ns() - t0 >= 9500000ull);

	/* wait_cqes(ts, wait_nr 2) after 2 NOPs were submitted. */
	queue_nops(&ring, 2, 20);
	CHECK_EQ(io_uring_submit(&ring), 2);
	cqe = NULL;
	ret = io_uring_wait_cqes(&ring, &cqe, 2, &ts1s, NULL);
	EXPECT_EQ(ret, 0);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 20);
	EXPECT_EQ(io_uring_cq_ready(&ring), 2);
	io_uring_cq_advance(&ring, 2);

	/* wait_cqes without a timeout. */
	queue_nops(&ring, 1, 30);
	CHECK_EQ(io_uring_submit(&ring), 1);
	CHECK_EQ(io_uring_wait_cqes(&ring, &cqe, 1, NULL, NULL), 0);
	EXPECT_EQ_U64(cqe->user_data, 30);
	io_uring_cqe_seen(&ring, cqe);

	/* wait_cqe_timeout when a CQE is there: 0, and no waiting. */
	queue_nops(&ring, 1, 40);
	CHECK_EQ(io_uring_submit(&ring), 1);
	t0 = t_now_ns();
	CHECK_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts1s), 0);
	EXPECT(t_now_ns() - t0 < 500000000ull);
	EXPECT_EQ_U64(cqe->user_data, 40);
	io_uring_cqe_seen(&ring, cqe);

	/*
	 * Documented quirk: SQEs were submitted, but nothing completes
	 * before the wait times out -> the submit count comes back, with
	 * *cqe_ptr == NULL.  A 10 s timeout SQE stays in flight.
	 */
	if (ring.features & IORING_FEAT_EXT_ARG) {
		struct __kernel_timespec long_ts = { .tv_sec = 10, .tv_nsec = 0 };
		struct io_uring_sqe *sqe = T_GET_SQE(&ring);

		io_uring_prep_timeout(sqe, &long_ts, 0, 0);
		io_uring_sqe_set_data64(sqe, 50);
		cqe = (struct io_uring_cqe *)1;
		t0 = t_now_ns();
		ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts10, NULL);
		el = t_now_ns() - t0;
		EXPECT_EQ(ret, 1);
		EXPECT(cqe == NULL);
		EXPECT(el >= 9500000ull && el < 5000000000ull);
		EXPECT_EQ(io_uring_cq_ready(&ring), 0);

		/* Remove the pending timeout; both CQEs then arrive. */
		sqe = T_GET_SQE(&ring);
		io_uring_prep_timeout_remove(sqe, 50, 0);
		io_uring_sqe_set_data64(sqe, 51);
		CHECK_EQ(io_uring_submit_and_wait(&ring, 2), 1);
		for (int i = 0; i < 2; i++) {
			CHECK_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts1s), 0);
			if (cqe->user_data == 50)
				EXPECT_EQ(cqe->res, -ECANCELED);
			else if (cqe->user_data == 51)
				EXPECT_EQ(cqe->res, 0);
			else
				FAIL("unexpected user_data %llu", (unsigned long long)cqe->user_data);
			io_uring_cqe_seen(&ring, cqe);
		}
	}

	/* A timeout SQE that fires gives res -ETIME through the CQ. */
	{
		struct __kernel_timespec short_ts = { .tv_sec = 0, .tv_nsec = 5000000 };
		struct io_uring_sqe *sqe = T_GET_SQE(&ring);

		io_uring_prep_timeout(sqe, &short_ts, 0, 0);
		io_uring_sqe_set_data64(sqe, 60);
		CHECK_EQ(io_uring_submit(&ring), 1);
		CHECK_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts1s), 0);
		EXPECT_EQ_U64(cqe->user_data, 60);
		EXPECT_EQ(cqe->res, -ETIME);
		io_uring_cqe_seen(&ring, cqe);
	}

	EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	EXPECT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	io_uring_queue_exit(&ring);
	return t_done();
}
