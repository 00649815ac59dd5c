/*
 * A 4-entry CQ fed 64 NOPs in batches of 4 without reaping: on
 * FEAT_NODROP kernels every completion still arrives exactly once.
 */
#include "test.h"

#define TOTAL 64
#define BATCH 4

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int seen[TOTAL] = { 0 };
	int got = 0, submitted = 0, ret;
	int saw_overflow_flag = 0;
	uint64_t deadline;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	ret = io_uring_queue_init_params(4, &ring, &p);
	if (ret == -ENOSYS)
		t_skip("io_uring not available");
	CHECK_EQ(ret, 0);
	if (!(p.features & IORING_FEAT_NODROP))
		t_skip("kernel lacks IORING_FEAT_NODROP");
	CHECK_EQ(ring.sq.ring_entries, 4);
	CHECK_EQ(ring.cq.ring_entries, 4);

	while (submitted < TOTAL) {
		for (int i = 0; i < BATCH; i++) {
			struct io_uring_sqe *sqe = T_GET_SQE(&ring);

			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, (__u64)(submitted + i));
		}
		ret = io_uring_submit(&ring);
		if (ret == -EBUSY || ret == -EAGAIN) {
			/*
			 * Some kernels refuse new work while the overflow
			 * list is not empty: reap, then retry this batch.
			 */
			T_NOTE("submit of batch at %d: %s, reaping first", submitted, t_err(ret));
			while (io_uring_peek_cqe(&ring, &cqe) == 0) {
				__u64 ud = cqe->user_data;

				CHECK(ud < TOTAL);
				seen[ud]++;
				got++;
				io_uring_cqe_seen(&ring, cqe);
			}
			ret = io_uring_submit(&ring);
		}
		if (ret != BATCH)
			FAIL("submit of batch at %d returned %d (%s), expected %d",
			     submitted, ret, t_err(ret), BATCH);
		submitted += BATCH;
		if (io_uring_cq_has_overflow(&ring))
			saw_overflow_flag = 1;
	}
	T_NOTE("cq_ready %u before reaping, overflow flag %s",
	       io_uring_cq_ready(&ring), saw_overflow_flag ? "seen" : "not seen");
	EXPECT(io_uring_cq_ready(&ring) <= 4);

	deadline = t_now_ns() + 5000000000ull;
	while (got < TOTAL) {
		struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 100000000 };

		ret = io_uring_wait_cqe_timeout(&ring, &cqe, &ts);
		if (ret == 0) {
			__u64 ud = cqe->user_data;

			if (ud >= TOTAL)
				FAIL("unexpected user_data %llu", (unsigned long long)ud);
			EXPECT_EQ(cqe->res, 0);
			seen[ud]++;
			got++;
			io_uring_cqe_seen(&ring, cqe);
			continue;
		}
		if (ret != -ETIME && ret != -EAGAIN)
			FAIL("wait_cqe_timeout: %d (%s)", ret, t_err(ret));
		if (t_now_ns() > deadline)
			break;
	}
	for (int i = 0; i < TOTAL; i++) {
		if (seen[i] != 1) {
			t_report(__FILE__, __LINE__, "user_data %d seen %d times, expected once", i, seen[i]);
			t_failures++;
		}
	}
	EXPECT_EQ(got, TOTAL);
	EXPECT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
	EXPECT(!io_uring_cq_has_overflow(&ring));
	EXPECT_EQ(*ring.cq.koverflow, 0);

	/* The ring is still fine afterwards. */
	CHECK_EQ(t_nop_roundtrip(&ring, 4242, "after overflow"), 0);
	io_uring_queue_exit(&ring);
	return t_done();
}
