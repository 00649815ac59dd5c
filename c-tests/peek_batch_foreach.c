/*
 * peek_batch_cqe and io_uring_for_each_cqe look at CQEs without
 * consuming them; cq_advance consumes.
 */
#include "test.h"

#define N 8

int main(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqes[16];
	struct io_uring_cqe *cqe;
	unsigned head, n, count;

	t_init(16, &ring, 0);

	/* Empty CQ. */
	EXPECT_EQ(io_uring_peek_batch_cqe(&ring, cqes, 16), 0);

	for (int i = 0; i < N; i++) {
		struct io_uring_sqe *sqe = T_GET_SQE(&ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 500 + (unsigned)i);
	}
	CHECK_EQ(io_uring_submit(&ring), N);
	CHECK_EQ(io_uring_cq_ready(&ring), N);

	n = io_uring_peek_batch_cqe(&ring, cqes, 16);
	CHECK_EQ(n, N);
	for (unsigned i = 0; i < n; i++) {
		EXPECT_EQ_U64(cqes[i]->user_data, 500 + i);
		EXPECT_EQ(cqes[i]->res, 0);
	}
	/* Not consumed. */
	EXPECT_EQ(io_uring_cq_ready(&ring), N);

	/* A smaller batch returns the first ones again. */
	{
		struct io_uring_cqe *three[3];

		EXPECT_EQ(io_uring_peek_batch_cqe(&ring, three, 3), 3);
		for (int i = 0; i < 3; i++)
			EXPECT(three[i] == cqes[i]);
	}

	/* for_each visits the same CQEs, in order, with increasing head. */
	count = 0;
	io_uring_for_each_cqe(&ring, head, cqe) {
		if (count < N) {
			EXPECT(cqe == cqes[count]);
			EXPECT_EQ_U64(cqe->user_data, 500 + count);
		}
		EXPECT_EQ(head, *ring.cq.khead + count);
		count++;
	}
	EXPECT_EQ(count, N);
	EXPECT_EQ(io_uring_cq_ready(&ring), N);

	io_uring_cq_advance(&ring, N);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	EXPECT_EQ(io_uring_peek_batch_cqe(&ring, cqes, 16), 0);
	count = 0;
	io_uring_for_each_cqe(&ring, head, cqe)
		count++;
	EXPECT_EQ(count, 0);
	(void)head;

	/* Wrap the CQ (16 entries) a few times with batches of 5. */
	for (unsigned round = 0; round < 10; round++) {
		for (unsigned i = 0; i < 5; i++) {
			struct io_uring_sqe *sqe = T_GET_SQE(&ring);

			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, round * 10 + i);
		}
		CHECK_EQ(io_uring_submit(&ring), 5);
		n = io_uring_peek_batch_cqe(&ring, cqes, 16);
		CHECK_EQ(n, 5);
		for (unsigned i = 0; i < n; i++)
			EXPECT_EQ_U64(cqes[i]->user_data, round * 10 + i);
		count = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			EXPECT_EQ_U64(cqe->user_data, round * 10 + count);
			count++;
		}
		EXPECT_EQ(count, 5);
		io_uring_cq_advance(&ring, count);
		EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	}

	io_uring_queue_exit(&ring);
	return t_done();
}
