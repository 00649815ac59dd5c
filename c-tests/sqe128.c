/*
 * io_uring_get_sqe128: NULL on a plain ring, 128-byte slots on an SQE128
 * ring, and on an SQE_MIXED ring (if the kernel has it) two 64-byte slots
 * with a skip NOP at the wrap point.  Also CQE32 rings.
 */
#include "test.h"

#if !T_NEW_API
int main(void)
{
	t_skip("io_uring_get_sqe128 needs a liburing 2.13+ header");
}
#else

static void reap(struct io_uring *ring, unsigned n, __u64 first_ud)
{
	struct io_uring_cqe *cqe;

	for (unsigned i = 0; i < n; i++) {
		CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
		EXPECT_EQ_U64(cqe->user_data, first_ud + i);
		EXPECT_EQ(cqe->res, 0);
		io_uring_cqe_seen(ring, cqe);
	}
	EXPECT_EQ(io_uring_cq_ready(ring), 0);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_sqe *a, *b;
	int ret;

	/* plain ring: no 128-byte SQEs */
	t_init(8, &ring, 0);
	EXPECT(io_uring_get_sqe128(&ring) == NULL);
	EXPECT_EQ(io_uring_sq_ready(&ring), 0);
	io_uring_queue_exit(&ring);

	/* SQE128 ring */
	ret = io_uring_queue_init(8, &ring, IORING_SETUP_SQE128);
	if (ret == 0) {
		a = io_uring_get_sqe128(&ring);
		b = io_uring_get_sqe(&ring);
		CHECK(a && b);
		EXPECT_EQ((char *)b - (char *)a, 128);
		EXPECT_EQ(io_uring_sq_ready(&ring), 2);
		io_uring_prep_nop(a);
		io_uring_sqe_set_data64(a, 1);
		io_uring_prep_nop(b);
		io_uring_sqe_set_data64(b, 2);
		CHECK_EQ(io_uring_submit(&ring), 2);
		reap(&ring, 2, 1);
		/* fill it: 8 slots, then NULL */
		for (int i = 0; i < 8; i++) {
			a = io_uring_get_sqe128(&ring);
			CHECK(a != NULL);
			io_uring_prep_nop(a);
			io_uring_sqe_set_data64(a, 10 + (unsigned)i);
		}
		EXPECT(io_uring_get_sqe128(&ring) == NULL);
		CHECK_EQ(io_uring_submit(&ring), 8);
		reap(&ring, 8, 10);
		io_uring_queue_exit(&ring);
	} else {
		printf("note: SQE128 refused (%s)\n", t_err(ret));
	}

	/* CQE32 ring: CQEs are 32 bytes apart */
	ret = io_uring_queue_init(8, &ring, IORING_SETUP_CQE32);
	if (ret == 0) {
		struct io_uring_cqe *c[2];

		for (int i = 0; i < 2; i++) {
			a = T_GET_SQE(&ring);
			io_uring_prep_nop(a);
			io_uring_sqe_set_data64(a, 20 + (unsigned)i);
		}
		CHECK_EQ(io_uring_submit(&ring), 2);
		CHECK_EQ(io_uring_peek_batch_cqe(&ring, c, 2), 2);
		EXPECT_EQ((char *)c[1] - (char *)c[0], 32);
		EXPECT_EQ_U64(c[0]->user_data, 20);
		EXPECT_EQ_U64(c[1]->user_data, 21);
		io_uring_cq_advance(&ring, 2);
		for (unsigned i = 0; i < 40; i++)
			CHECK_EQ(t_nop_roundtrip(&ring, 100 + i, "CQE32"), 0);
		io_uring_queue_exit(&ring);
	} else {
		printf("note: CQE32 refused (%s)\n", t_err(ret));
	}

	/* SQE_MIXED ring */
	ret = io_uring_queue_init(8, &ring, IORING_SETUP_SQE_MIXED);
	if (ret == 0) {
		unsigned tail;

		/* a 64-byte and a 128-byte SQE side by side */
		a = T_GET_SQE(&ring);
		io_uring_prep_nop(a);
		io_uring_sqe_set_data64(a, 30);
		b = io_uring_get_sqe128(&ring);
		CHECK(b != NULL);
		EXPECT_EQ((char *)b - (char *)a, 64);
		io_uring_prep_nop128(b);
		io_uring_sqe_set_data64(b, 31);
		EXPECT_EQ(io_uring_sq_ready(&ring), 3);
		CHECK_EQ(io_uring_submit(&ring), 3);
		reap(&ring, 2, 30);

		/* move the tail to the last slot, then ask for a 128-byte SQE */
		tail = ring.sq.sqe_tail;
		while (((tail + 1) & ring.sq.ring_mask) != 0) {
			a = T_GET_SQE(&ring);
			io_uring_prep_nop(a);
			io_uring_sqe_set_data64(a, 1000 + tail);
			CHECK_EQ(io_uring_submit(&ring), 1);
			reap(&ring, 1, 1000 + tail);
			tail = ring.sq.sqe_tail;
		}
		b = io_uring_get_sqe128(&ring);
		CHECK(b != NULL);
		/* it wrapped to slot 0; the last slot holds a skip NOP */
		EXPECT(b == &ring.sq.sqes[0]);
		EXPECT_EQ(ring.sq.sqe_tail, tail + 3);
		EXPECT_EQ(ring.sq.sqes[tail & ring.sq.ring_mask].opcode, IORING_OP_NOP);
		EXPECT(ring.sq.sqes[tail & ring.sq.ring_mask].flags & IOSQE_CQE_SKIP_SUCCESS);
		io_uring_prep_nop128(b);
		io_uring_sqe_set_data64(b, 40);
		CHECK_EQ(io_uring_submit(&ring), 3);
		reap(&ring, 1, 40);	/* only the real one posts a CQE */
		io_uring_queue_exit(&ring);
	} else {
		printf("note: SQE_MIXED refused (%s)\n", t_err(ret));
	}
	return t_done();
}
#endif
