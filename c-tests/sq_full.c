/*
 * io_uring_get_sqe hands out exactly `entries` SQEs and then NULL; it
 * never submits on its own.  After a submit it works again.
 */
#include "test.h"

#define ENTRIES 8

int main(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqes[ENTRIES];
	struct io_uring_cqe *cqe;

	t_init(ENTRIES, &ring, 0);

	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < ENTRIES; i++) {
			sqes[i] = io_uring_get_sqe(&ring);
			if (!sqes[i])
				FAIL("round %d: get_sqe #%d returned NULL before the SQ was full", round, i);
			for (int j = 0; j < i; j++)
				CHECK(sqes[j] != sqes[i]);
			io_uring_prep_nop(sqes[i]);
			io_uring_sqe_set_data64(sqes[i], (__u64)(round * 100 + i));
		}
		EXPECT_EQ(io_uring_sq_ready(&ring), ENTRIES);
		EXPECT_EQ(io_uring_sq_space_left(&ring), 0);

		/* Full: NULL, repeatedly, and nothing got submitted. */
		CHECK(io_uring_get_sqe(&ring) == NULL);
		CHECK(io_uring_get_sqe(&ring) == NULL);
		EXPECT_EQ(io_uring_sq_ready(&ring), ENTRIES);
		EXPECT_EQ(io_uring_cq_ready(&ring), 0);

		CHECK_EQ(io_uring_submit(&ring), ENTRIES);
		EXPECT_EQ(io_uring_sq_space_left(&ring), ENTRIES);

		for (int i = 0; i < ENTRIES; i++) {
			CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
			EXPECT_EQ_U64(cqe->user_data, (__u64)(round * 100 + i));
			EXPECT_EQ(cqe->res, 0);
			io_uring_cqe_seen(&ring, cqe);
		}
		EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	}

	/* Partially filled, submitted, then filled again up to the limit. */
	for (int i = 0; i < 3; i++)
		io_uring_prep_nop(T_GET_SQE(&ring));
	CHECK_EQ(io_uring_submit(&ring), 3);
	for (int i = 0; i < ENTRIES; i++)
		io_uring_prep_nop(T_GET_SQE(&ring));
	CHECK(io_uring_get_sqe(&ring) == NULL);
	CHECK_EQ(io_uring_submit(&ring), ENTRIES);
	CHECK_EQ(io_uring_wait_cqe_nr(&ring, &cqe, 3 + ENTRIES), 0);
	EXPECT_EQ(io_uring_cq_ready(&ring), 3 + ENTRIES);
	io_uring_cq_advance(&ring, 3 + ENTRIES);

	CHECK_EQ(t_nop_roundtrip(&ring, 42, "after full"), 0);
	io_uring_queue_exit(&ring);
	return t_done();
}
