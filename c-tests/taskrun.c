/*
 * Completions that need task work: with COOP_TASKRUN|TASKRUN_FLAG the
 * kernel raises IORING_SQ_TASKRUN and peek_cqe must then enter to run it;
 * with DEFER_TASKRUN nothing shows up until io_uring_get_events (or a
 * wait) runs the deferred work.
 */
#include "test.h"

static int init_flags(struct io_uring *ring, unsigned flags)
{
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	return io_uring_queue_init_params(8, ring, &p);
}

static void submit_timeout(struct io_uring *ring, __u64 ud, long ns)
{
	static struct __kernel_timespec ts;
	struct io_uring_sqe *sqe = T_GET_SQE(ring);

	ts.tv_sec = 0;
	ts.tv_nsec = ns;
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	io_uring_sqe_set_data64(sqe, ud);
	CHECK_EQ(io_uring_submit(ring), 1);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret, tested = 0;

	/* 1. COOP_TASKRUN | TASKRUN_FLAG */
	ret = init_flags(&ring, IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG);
	if (ret == 0) {
		uint64_t deadline;

		tested++;
		submit_timeout(&ring, 11, 2000000);
		deadline = t_now_ns() + 2000000000ull;
		/* busy-wait: any system call would run the task work */
		while (!(IO_URING_READ_ONCE(*ring.sq.kflags) & IORING_SQ_TASKRUN) &&
		       io_uring_cq_ready(&ring) == 0 && t_now_ns() < deadline)
			;
		if (IO_URING_READ_ONCE(*ring.sq.kflags) & IORING_SQ_TASKRUN) {
			/* The CQE is not posted yet; peek has to enter to get it. */
			EXPECT_EQ(io_uring_cq_ready(&ring), 0);
			ret = io_uring_peek_cqe(&ring, &cqe);
			EXPECT_EQ(ret, 0);
			if (ret == 0) {
				EXPECT_EQ_U64(cqe->user_data, 11);
				EXPECT_EQ(cqe->res, -ETIME);
				io_uring_cqe_seen(&ring, cqe);
			}
		} else {
			/* the task work ran on an interrupt return: fine */
			T_NOTE("IORING_SQ_TASKRUN not observed; CQE already posted");
			CHECK_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
			io_uring_cqe_seen(&ring, cqe);
		}
		EXPECT_EQ(io_uring_cq_ready(&ring), 0);
		io_uring_queue_exit(&ring);
	} else {
		printf("note: COOP_TASKRUN|TASKRUN_FLAG refused (%s)\n", t_err(ret));
	}

	/* 2. SINGLE_ISSUER | DEFER_TASKRUN */
	ret = init_flags(&ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	if (ret == 0) {
		tested++;
		submit_timeout(&ring, 21, 2000000);
		t_sleep_ms(30);
		/* Deferred: not posted until we ask. */
		EXPECT_EQ(io_uring_cq_ready(&ring), 0);
		EXPECT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);
		EXPECT_EQ(io_uring_get_events(&ring), 0);
		EXPECT_EQ(io_uring_cq_ready(&ring), 1);
		CHECK_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
		EXPECT_EQ_U64(cqe->user_data, 21);
		EXPECT_EQ(cqe->res, -ETIME);
		io_uring_cqe_seen(&ring, cqe);

		/* wait_cqe runs it too */
		submit_timeout(&ring, 22, 2000000);
		CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
		EXPECT_EQ_U64(cqe->user_data, 22);
		io_uring_cqe_seen(&ring, cqe);

		/* and submit_and_get_events */
		submit_timeout(&ring, 23, 1000000);
		t_sleep_ms(20);
		EXPECT_EQ(io_uring_cq_ready(&ring), 0);
		EXPECT_EQ(io_uring_submit_and_get_events(&ring), 0);
		EXPECT_EQ(io_uring_cq_ready(&ring), 1);
		io_uring_cq_advance(&ring, 1);

		/* and a timed wait */
		{
			struct __kernel_timespec ts = { 1, 0 };

			submit_timeout(&ring, 24, 1000000);
			CHECK_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), 0);
			EXPECT_EQ_U64(cqe->user_data, 24);
			io_uring_cqe_seen(&ring, cqe);
		}
		io_uring_queue_exit(&ring);
	} else {
		printf("note: SINGLE_ISSUER|DEFER_TASKRUN refused (%s)\n", t_err(ret));
	}

	/*
	 * 3. DEFER_TASKRUN | TASKRUN_FLAG: the deferred completion raises
	 * IORING_SQ_TASKRUN and stays pending until someone enters, so
	 * peek_cqe / peek_batch_cqe / submit must enter by themselves.
	 */
	ret = init_flags(&ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
			 IORING_SETUP_TASKRUN_FLAG);
	if (ret == 0) {
		struct io_uring_cqe *batch[4];
		uint64_t deadline;

		tested++;
		for (int step = 0; step < 3; step++) {
			submit_timeout(&ring, 31 + (unsigned)step, 1000000);
			deadline = t_now_ns() + 2000000000ull;
			while (!(IO_URING_READ_ONCE(*ring.sq.kflags) & IORING_SQ_TASKRUN) &&
			       t_now_ns() < deadline)
				t_sleep_ms(1);
			if (!(IO_URING_READ_ONCE(*ring.sq.kflags) & IORING_SQ_TASKRUN))
				FAIL("step %d: IORING_SQ_TASKRUN not raised for deferred work", step);
			EXPECT_EQ(io_uring_cq_ready(&ring), 0);
			switch (step) {
			case 0:	/* peek_cqe enters (GETEVENTS) */
				CHECK_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
				EXPECT_EQ_U64(cqe->user_data, 31);
				EXPECT_EQ(cqe->res, -ETIME);
				io_uring_cqe_seen(&ring, cqe);
				break;
			case 1:	/* peek_batch_cqe runs get_events and retries */
				CHECK_EQ(io_uring_peek_batch_cqe(&ring, batch, 4), 1);
				EXPECT_EQ_U64(batch[0]->user_data, 32);
				io_uring_cq_advance(&ring, 1);
				break;
			case 2:	/* submit with nothing queued still flushes the CQ side */
				EXPECT_EQ(io_uring_submit(&ring), 0);
				EXPECT_EQ(io_uring_cq_ready(&ring), 1);
				io_uring_cq_advance(&ring, io_uring_cq_ready(&ring));
				break;
			}
			EXPECT(!(IO_URING_READ_ONCE(*ring.sq.kflags) & IORING_SQ_TASKRUN));
		}
		io_uring_queue_exit(&ring);
	} else {
		printf("note: SINGLE_ISSUER|DEFER_TASKRUN|TASKRUN_FLAG refused (%s)\n", t_err(ret));
	}

	if (!tested)
		t_skip("kernel supports neither TASKRUN_FLAG nor DEFER_TASKRUN");
	return t_done();
}
