/*
 * NOP round trips: user_data through set_data64 and set_data, submit
 * counts, SQ/CQ accounting before and after.
 */
#include "test.h"
#include <dlfcn.h>

int main(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	static int marker;
	int ret;

	t_init(8, &ring, 0);

	EXPECT_EQ(ring.sq.ring_entries, 8);
	EXPECT_EQ(ring.cq.ring_entries, 16);
	EXPECT_EQ(io_uring_sq_ready(&ring), 0);
	EXPECT_EQ(io_uring_sq_space_left(&ring), 8);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* Nothing queued: submit returns 0. */
	EXPECT_EQ(io_uring_submit(&ring), 0);

	/* 1. user_data via set_data64 */
	sqe = T_GET_SQE(&ring);
	EXPECT_EQ(io_uring_sq_ready(&ring), 1);
	EXPECT_EQ(io_uring_sq_space_left(&ring), 7);
	io_uring_prep_nop(sqe);
	EXPECT_EQ(sqe->opcode, IORING_OP_NOP);
	io_uring_sqe_set_data64(sqe, 0xdeadbeefcafef00dULL);
	EXPECT_EQ_U64(sqe->user_data, 0xdeadbeefcafef00dULL);

	ret = io_uring_submit(&ring);
	CHECK_EQ(ret, 1);
	EXPECT_EQ(io_uring_sq_ready(&ring), 0);
	EXPECT_EQ(io_uring_sq_space_left(&ring), 8);

	cqe = NULL;
	ret = io_uring_wait_cqe(&ring, &cqe);
	CHECK_EQ(ret, 0);
	CHECK(cqe != NULL);
	EXPECT_EQ(cqe->res, 0);
	EXPECT_EQ(cqe->flags, 0);
	EXPECT_EQ_U64(cqe->user_data, 0xdeadbeefcafef00dULL);
	EXPECT_EQ_U64(io_uring_cqe_get_data64(cqe), 0xdeadbeefcafef00dULL);
	EXPECT_EQ(io_uring_cq_ready(&ring), 1);
	/* Peeking again returns the same, unconsumed CQE. */
	{
		struct io_uring_cqe *again = NULL;

		EXPECT_EQ(io_uring_peek_cqe(&ring, &again), 0);
		EXPECT(again == cqe);
	}
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	EXPECT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);

	/* 2. user_data via set_data (a pointer) */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data(sqe, &marker);
	EXPECT_EQ_U64(sqe->user_data, (uintptr_t)&marker);
	CHECK_EQ(io_uring_submit(&ring), 1);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT(io_uring_cqe_get_data(cqe) == (void *)&marker);
	EXPECT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* 3. Three NOPs in one submit, with submit_and_wait. */
	for (int i = 0; i < 3; i++) {
		sqe = T_GET_SQE(&ring);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 100 + (unsigned)i);
	}
	EXPECT_EQ(io_uring_sq_ready(&ring), 3);
	EXPECT_EQ(io_uring_sq_space_left(&ring), 5);
	ret = io_uring_submit_and_wait(&ring, 3);
	CHECK_EQ(ret, 3);
	EXPECT_EQ(io_uring_cq_ready(&ring), 3);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
		EXPECT_EQ_U64(cqe->user_data, 100 + (unsigned)i);
		EXPECT_EQ(cqe->res, 0);
		io_uring_cqe_seen(&ring, cqe);
	}
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* 4. wait_cqe_nr */
	for (int i = 0; i < 2; i++) {
		sqe = T_GET_SQE(&ring);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 200 + (unsigned)i);
	}
	CHECK_EQ(io_uring_submit(&ring), 2);
	CHECK_EQ(io_uring_wait_cqe_nr(&ring, &cqe, 2), 0);
	EXPECT_EQ_U64(cqe->user_data, 200);
	EXPECT_EQ(io_uring_cq_ready(&ring), 2);
	io_uring_cq_advance(&ring, 2);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/*
	 * 5. The library also exports a real io_uring_get_sqe (for binaries
	 * built against very old headers).  It hands out the next slot.
	 */
	{
		struct io_uring_sqe *(*ext_get_sqe)(struct io_uring *);
		struct io_uring_sqe *a, *b;

		*(void **)&ext_get_sqe = dlsym(RTLD_DEFAULT, "io_uring_get_sqe");
		CHECK(ext_get_sqe != NULL);
		a = ext_get_sqe(&ring);
		CHECK(a != NULL);
		EXPECT_EQ(io_uring_sq_ready(&ring), 1);
		b = io_uring_get_sqe(&ring);
		CHECK(b != NULL);
		EXPECT(a != b);
		io_uring_prep_nop(a);
		io_uring_sqe_set_data64(a, 301);
		io_uring_prep_nop(b);
		io_uring_sqe_set_data64(b, 302);
		CHECK_EQ(io_uring_submit_and_wait(&ring, 2), 2);
		CHECK_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
		EXPECT_EQ_U64(cqe->user_data, 301);
		io_uring_cqe_seen(&ring, cqe);
		CHECK_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
		EXPECT_EQ_U64(cqe->user_data, 302);
		io_uring_cqe_seen(&ring, cqe);
	}

	/* 6. Many round trips: head/tail wrap several times. */
	for (unsigned i = 0; i < 100; i++)
		CHECK_EQ(t_nop_roundtrip(&ring, 1000 + i, "wrap"), 0);

	io_uring_queue_exit(&ring);
	return t_done();
}
