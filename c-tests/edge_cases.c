/* Edge cases where liburing 2.15's behaviour is easy to get wrong:
 *  - io_uring_wait_cqes_min_timeout with ts == NULL still honours the minimum wait
 *    (it must not turn into an unbounded wait for wait_nr completions);
 *  - io_uring_queue_init_mem with a NULL buffer maps the memory itself;
 *  - with a user buffer, sq.sqes_sz stays 0 (nothing of ours to unmap);
 *  - io_uring_peek_batch_cqe does not enter the kernel while CQEs are ready, even if
 *    more are held back in the overflow list. */
#include "test.h"

#include <signal.h>

static void on_alarm(int sig)
{
	(void)sig;
	fprintf(stderr, "timed out: a wait that should have returned blocked\n");
	_exit(1);
}

static void min_timeout_without_ts(void)
{
	struct io_uring_cqe *cqe = NULL;
	struct io_uring ring;
	int ret;

	CHECK_EQ(io_uring_queue_init(8, &ring, 0), 0);
	if (!(ring.features & IORING_FEAT_MIN_TIMEOUT)) {
		T_NOTE("no IORING_FEAT_MIN_TIMEOUT: min-timeout check skipped");
		io_uring_queue_exit(&ring);
		return;
	}
	t_nop_roundtrip(&ring, 1, "warm-up");
	{
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 5);
		CHECK_EQ(io_uring_submit(&ring), 1);
	}
	signal(SIGALRM, on_alarm);
	alarm(5);
	/* One CQE will ever arrive; asking for two with a 20 ms minimum wait must come back
	 * with the one after the minimum wait. */
	ret = io_uring_wait_cqes_min_timeout(&ring, &cqe, 2, NULL, 20000, NULL);
	alarm(0);
	EXPECT(ret >= 0);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 5);
	io_uring_cqe_seen(&ring, cqe);
	io_uring_queue_exit(&ring);
}

static void init_mem_null_buffer(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	int ret;

	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(8, &ring, &p, NULL, 0);
	CHECK(ret > 0);
	EXPECT(ring.flags & IORING_SETUP_NO_MMAP);
	EXPECT(ring.sq.sqes_sz != 0);
	CHECK_EQ(t_nop_roundtrip(&ring, 9, "init_mem(NULL)"), 0);
	io_uring_queue_exit(&ring);
}

static void init_mem_user_buffer_sqes_sz(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	void *buf;
	int ret;

	buf = mmap(NULL, 1 << 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(buf != MAP_FAILED);
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(8, &ring, &p, buf, 1 << 16);
	CHECK(ret > 0);
	EXPECT_EQ(ring.sq.sqes_sz, 0);
	EXPECT_EQ(ring.sq.ring_sz, 0);
	CHECK_EQ(t_nop_roundtrip(&ring, 10, "init_mem(buf)"), 0);
	io_uring_queue_exit(&ring);
	munmap(buf, 1 << 16);
}

static void peek_batch_does_not_flush_while_ready(void)
{
	struct io_uring_cqe *cqes[8];
	struct io_uring_params p;
	struct io_uring ring;
	unsigned n;
	int i;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	CHECK_EQ(io_uring_queue_init_params(4, &ring, &p), 0);
	for (i = 0; i < 8; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, i);
		if (i % 4 == 3)
			CHECK_EQ(io_uring_submit(&ring), 4);
	}
	CHECK_EQ(io_uring_cq_ready(&ring), 4);
	if (!io_uring_cq_has_overflow(&ring)) {
		T_NOTE("kernel posted no overflow; flush check skipped");
	} else {
		n = io_uring_peek_batch_cqe(&ring, cqes, 0);
		EXPECT_EQ(n, 0);
		EXPECT_EQ(io_uring_cq_ready(&ring), 4);
		n = io_uring_peek_batch_cqe(&ring, cqes, 8);
		EXPECT_EQ(n, 4);
		EXPECT_EQ(io_uring_cq_ready(&ring), 4);
	}
	/* Consuming everything then peeking flushes the overflowed four. */
	io_uring_cq_advance(&ring, io_uring_cq_ready(&ring));
	n = io_uring_peek_batch_cqe(&ring, cqes, 8);
	EXPECT_EQ(n, 4);
	io_uring_cq_advance(&ring, n);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	min_timeout_without_ts();
	init_mem_null_buffer();
	init_mem_user_buffer_sqes_sz();
	peek_batch_does_not_flush_while_ready();
	return t_done();
}
