/*
 * Extensions: uring_ring_stats.
 *
 * Each field moves as it must: prepared SQEs raise sq_unsubmitted and lower sq_space;
 * submitted NOPs show up in cq_ready; a CQ filled past its size holds completions back
 * (overflow_pending, the kernel's IORING_SQ_CQ_OVERFLOW) until they are reaped; the
 * overflow and dropped counters equal the kernel's words; task work on a DEFER_TASKRUN
 * ring shows in taskrun_pending; an idle SQPOLL thread in sqpoll_needs_wakeup; ring fd
 * registration and checked mode in their flags. out_size limits what is written.
 */
#include "test.h"

#include <poll.h>
#include <uring/ext.h>

static struct uring_ring_stats stats_of(struct io_uring *ring)
{
	struct uring_ring_stats st;

	memset(&st, 0xab, sizeof(st));
	CHECK_EQ(uring_ring_stats(ring, &st, sizeof(st)), 0);
	return st;
}

static void queue_nops(struct io_uring *ring, unsigned n, __u64 first_ud)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe = T_GET_SQE(ring);

		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, first_ud + i);
	}
}

static void reap_all(struct io_uring *ring, unsigned want)
{
	struct io_uring_cqe *cqe;
	unsigned got = 0;

	while (got < want) {
		CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
		io_uring_cqe_seen(ring, cqe);
		got++;
	}
}

int main(void)
{
	struct io_uring_params p;
	struct uring_ring_stats st;
	struct io_uring ring;
	int ret;

	/* The checked field is tested below; the suite may run with URING_CHECK=1. */
	CHECK(unsetenv("URING_CHECK") == 0);
	t_init(8, &ring, 0);

	/* Arguments. */
	EXPECT_EQ(uring_ring_stats(NULL, &st, sizeof(st)), -EINVAL);
	EXPECT_EQ(uring_ring_stats(&ring, NULL, sizeof(st)), -EFAULT);
	EXPECT_EQ(uring_ring_stats(&ring, &st, 0), -EINVAL);

	st = stats_of(&ring);
	EXPECT_EQ(st.sq_entries, 8);
	EXPECT_EQ(st.cq_entries, 16);
	EXPECT_EQ(st.sq_unsubmitted, 0);
	EXPECT_EQ(st.sq_space, 8);
	EXPECT_EQ(st.cq_ready, 0);
	EXPECT_EQ(st.cq_overflow, 0);
	EXPECT_EQ(st.sq_dropped, 0);
	EXPECT_EQ(st.overflow_pending, 0);
	EXPECT_EQ(st.sqpoll_needs_wakeup, 0);
	EXPECT_EQ(st.taskrun_pending, 0);
	EXPECT_EQ(st.ring_fd_registered, 0);
	EXPECT_EQ(st.checked, 0);

	/* Three prepared SQEs. */
	queue_nops(&ring, 3, 100);
	st = stats_of(&ring);
	EXPECT_EQ(st.sq_unsubmitted, 3);
	EXPECT_EQ(st.sq_space, 5);
	EXPECT_EQ(st.cq_ready, 0);
	CHECK_EQ(io_uring_submit(&ring), 3);
	st = stats_of(&ring);
	EXPECT_EQ(st.sq_unsubmitted, 0);
	EXPECT_EQ(st.sq_space, 8);
	EXPECT_EQ(st.cq_ready, 3);
	reap_all(&ring, 3);
	EXPECT_EQ(stats_of(&ring).cq_ready, 0);

	/* Overfill the CQ (16 entries) with 24 NOPs in three submits: 16 ready, 8 held
	 * back in the kernel (IORING_FEAT_NODROP) and counted from its fdinfo. */
	queue_nops(&ring, 8, 1000);
	CHECK_EQ(io_uring_submit(&ring), 8);
	queue_nops(&ring, 8, 1008);
	CHECK_EQ(io_uring_submit(&ring), 8);
	queue_nops(&ring, 8, 1016);
	CHECK_EQ(io_uring_submit(&ring), 8);
	st = stats_of(&ring);
	EXPECT_EQ(st.cq_ready, 16);
	if (ring.features & IORING_FEAT_NODROP) {
		EXPECT(io_uring_cq_has_overflow(&ring));
		EXPECT_EQ(st.overflow_pending, 8);
	}
	EXPECT_EQ(st.cq_overflow, *ring.cq.koverflow);
	EXPECT_EQ(st.sq_dropped, *ring.sq.kdropped);
	/* Reaping the 16 and entering flushes the 8 held back. */
	reap_all(&ring, 16);
	reap_all(&ring, 8);
	st = stats_of(&ring);
	EXPECT_EQ(st.overflow_pending, 0);
	EXPECT_EQ(st.cq_ready, 0);

	/* out_size: only the first two fields are written. */
	memset(&st, 0xab, sizeof(st));
	queue_nops(&ring, 2, 5000);
	CHECK_EQ(uring_ring_stats(&ring, &st, 2 * sizeof(unsigned)), 0);
	EXPECT_EQ(st.sq_entries, 8);
	EXPECT_EQ(st.sq_unsubmitted, 2);
	EXPECT_EQ_U64(st.sq_space, 0xababababu);
	CHECK_EQ(io_uring_submit(&ring), 2);
	reap_all(&ring, 2);

	/* Ring fd registration and checked mode. */
	if (io_uring_register_ring_fd(&ring) == 1) {
		EXPECT_EQ(stats_of(&ring).ring_fd_registered, 1);
		EXPECT_EQ(io_uring_unregister_ring_fd(&ring), 1);
		EXPECT_EQ(stats_of(&ring).ring_fd_registered, 0);
	}
	EXPECT_EQ(uring_set_checked(&ring, 1), 0);
	EXPECT_EQ(stats_of(&ring).checked, 1);
	EXPECT_EQ(uring_set_checked(&ring, 0), 1);
	EXPECT_EQ(stats_of(&ring).checked, 0);
	io_uring_queue_exit(&ring);

	/* Task work: a poll on a DEFER_TASKRUN ring whose pipe becomes readable is
	 * completed by task work that waits for the next enter. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
	ret = io_uring_queue_init_params(8, &ring, &p);
	if (ret == 0) {
		int fds[2];
		struct io_uring_sqe *sqe;
		char c = 'x';

		CHECK(pipe(fds) == 0);
		sqe = T_GET_SQE(&ring);
		io_uring_prep_poll_add(sqe, fds[0], POLLIN);
		CHECK_EQ(io_uring_submit(&ring), 1);
		EXPECT_EQ(stats_of(&ring).taskrun_pending, 0);
		CHECK(write(fds[1], &c, 1) == 1);
		st = stats_of(&ring);
		EXPECT_EQ(st.taskrun_pending, 1);
		EXPECT_EQ(st.cq_ready, 0);
		CHECK(io_uring_get_events(&ring) >= 0);
		st = stats_of(&ring);
		EXPECT_EQ(st.taskrun_pending, 0);
		EXPECT_EQ(st.cq_ready, 1);
		reap_all(&ring, 1);
		close(fds[0]);
		close(fds[1]);
		io_uring_queue_exit(&ring);
	} else {
		T_NOTE("DEFER_TASKRUN ring: %s; taskrun_pending not checked", t_err(ret));
	}

	/* SQPOLL: after its idle time the thread sleeps and asks to be woken. */
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	p.sq_thread_idle = 1;
	ret = io_uring_queue_init_params(8, &ring, &p);
	if (ret == 0) {
		int i;

		for (i = 0; i < 200 && !stats_of(&ring).sqpoll_needs_wakeup; i++)
			t_sleep_ms(10);
		EXPECT_EQ(stats_of(&ring).sqpoll_needs_wakeup, 1);
		EXPECT(t_nop_roundtrip(&ring, 9, "sqpoll") == 0);
		io_uring_queue_exit(&ring);
	} else {
		T_NOTE("SQPOLL ring: %s; sqpoll_needs_wakeup not checked", t_err(ret));
	}
	return t_done();
}
