/* The timed-wait fallback for kernels without IORING_FEAT_EXT_ARG: the library queues
 * its own IORING_OP_TIMEOUT SQE (user_data LIBURING_UDATA_TIMEOUT), submits everything
 * pending with it, reports -ETIME when it fires and hides its CQE otherwise.
 *
 * This kernel has EXT_ARG, so the test clears the feature bit in ring.features (a public
 * field liburing's code consults) to take the old path on a real kernel. */
#include "test.h"

static long long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000LL + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

int main(void)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 30 * 1000000 };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct timespec t0;
	int ret, i;

	CHECK_EQ(io_uring_queue_init(8, &ring, 0), 0);
	ring.features &= ~IORING_FEAT_EXT_ARG;

	/* 1. Empty ring: the internal timeout fires and its own CQE is consumed. liburing's
	 *    wait loop keeps the count its first io_uring_enter submitted (the timeout SQE)
	 *    as the return value, so the result is that count (1) with no CQE; -ETIME is what
	 *    a plain peek reports for the fired timeout. Either way no CQE is handed out. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cqe = (void *)1;
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	EXPECT(ret == -ETIME || ret == 1);
	EXPECT(cqe == NULL);
	EXPECT(ms_since(&t0) >= 25);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* The fired timeout seen through the raw peek: -ETIME, consumed. (io_uring_peek_cqe
	 * then retries through the wait loop and reports -EAGAIN, as liburing's does.) */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	io_uring_sqe_set_data64(sqe, LIBURING_UDATA_TIMEOUT);
	EXPECT_EQ(io_uring_submit(&ring), 1);
	usleep(60 * 1000);
	EXPECT_EQ(__io_uring_peek_cqe(&ring, &cqe, NULL), -ETIME);
	EXPECT(cqe == NULL);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* 2. A pending NOP is submitted by the wait itself (with the timeout SQE), and the
	 *    wait returns the NOP, not the timeout. */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 77);
	ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
	EXPECT(ret >= 0);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 77);
	io_uring_cqe_seen(&ring, cqe);

	/* The timeout (count 1) completes with res 0 once the NOP has completed, or fires;
	 * either way peek must never hand LIBURING_UDATA_TIMEOUT to the application. */
	usleep(50 * 1000);
	for (i = 0; i < 4; i++) {
		ret = io_uring_peek_cqe(&ring, &cqe);
		if (ret == -EAGAIN)
			break;
		if (ret == -ETIME)
			continue;
		CHECK_EQ(ret, 0);
		EXPECT(cqe->user_data != LIBURING_UDATA_TIMEOUT);
		io_uring_cqe_seen(&ring, cqe);
	}
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* 3. submit_and_wait_timeout on the old path submits the pending SQEs too. */
	for (i = 0; i < 2; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 100 + i);
	}
	ret = io_uring_submit_and_wait_timeout(&ring, &cqe, 2, &ts, NULL);
	EXPECT(ret >= 0);
	usleep(50 * 1000);
	{
		int got = 0;

		while (io_uring_peek_cqe(&ring, &cqe) == 0) {
			EXPECT(cqe->user_data == 100 || cqe->user_data == 101);
			got++;
			io_uring_cqe_seen(&ring, cqe);
		}
		EXPECT_EQ(got, 2);
	}

	io_uring_queue_exit(&ring);
	return t_done();
}
