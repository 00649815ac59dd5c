/*
 * Kernel round trips for poll, timeouts, cancellation and epoll:
 * poll_add (ready mask), poll_multishot (F_MORE per event), poll_remove
 * (target -ECANCELED), poll_update; timeout -ETIME, timeout with a count,
 * timeout_remove (-ECANCELED), timeout_update, link_timeout; cancel64,
 * cancel (pointer user_data), cancel_fd; epoll_ctl and epoll_wait.
 */
#include "op_util.h"

#include <sys/epoll.h>

/* Wait for the CQE with user_data `ud` among `n` expected; returns its res. */
static int wait_ud(struct io_uring *ring, unsigned n, __u64 want, int *other_res, unsigned *flags)
{
	int res = 0x7fffffff;

	for (unsigned i = 0; i < n; i++) {
		__u64 ud;
		unsigned f;
		int r = OP_WAIT(ring, &ud, &f);

		if (ud == want) {
			res = r;
			if (flags)
				*flags = f;
		} else if (other_res) {
			*other_res = r;
		}
	}
	return res;
}

static void test_poll(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	unsigned flags;
	__u64 ud;
	int p[2], res, other = 0;
	char c;

	CHECK_EQ(pipe(p), 0);
	op_begin("poll_add", IORING_OP_POLL_ADD);
	sqe = T_GET_SQE(ring);
	io_uring_prep_poll_add(sqe, p[0], POLLIN);
	io_uring_sqe_set_data64(sqe, 1);
	OP_SUBMIT(ring, 1);
	EXPECT(!op_cqe_within(ring, 50)); /* nothing to read yet */
	CHECK_EQ(write(p[1], "x", 1), 1);
	res = OP_WAIT(ring, &ud, NULL);
	EXPECT_EQ_U64(ud, 1);
	EXPECT(res & POLLIN);
	CHECK_EQ(read(p[0], &c, 1), 1);

	/* POLLOUT on the write end is immediate */
	sqe = T_GET_SQE(ring);
	io_uring_prep_poll_add(sqe, p[1], POLLOUT);
	res = OP_RUN(ring, sqe, 2);
	EXPECT(res & POLLOUT);

	/* multishot: one CQE per readiness edge, each with F_MORE */
	sqe = T_GET_SQE(ring);
	io_uring_prep_poll_multishot(sqe, p[0], POLLIN);
	io_uring_sqe_set_data64(sqe, 3);
	OP_SUBMIT(ring, 1);
	for (int i = 0; i < 2; i++) {
		CHECK_EQ(write(p[1], "y", 1), 1);
		res = OP_WAIT(ring, &ud, &flags);
		EXPECT_EQ_U64(ud, 3);
		EXPECT(res & POLLIN);
		EXPECT(flags & IORING_CQE_F_MORE);
		CHECK_EQ(read(p[0], &c, 1), 1);
	}
	/* poll_update: change the user_data of the multishot poll to 33 */
	sqe = T_GET_SQE(ring);
	io_uring_prep_poll_update(sqe, 3, 33, 0, IORING_POLL_UPDATE_USER_DATA);
	io_uring_sqe_set_data64(sqe, 4);
	OP_SUBMIT(ring, 1);
	EXPECT_EQ(OP_WAIT(ring, &ud, NULL), 0);
	EXPECT_EQ_U64(ud, 4);
	CHECK_EQ(write(p[1], "z", 1), 1);
	res = OP_WAIT(ring, &ud, &flags);
	EXPECT_EQ_U64(ud, 33);
	EXPECT(res & POLLIN);
	CHECK_EQ(read(p[0], &c, 1), 1);

	/* poll_remove: the poll ends with -ECANCELED, the remove with 0 */
	op_begin("poll_remove", IORING_OP_POLL_REMOVE);
	sqe = T_GET_SQE(ring);
	io_uring_prep_poll_remove(sqe, 33);
	io_uring_sqe_set_data64(sqe, 5);
	OP_SUBMIT(ring, 1);
	res = wait_ud(ring, 2, 5, &other, NULL);
	EXPECT_EQ(res, 0);
	EXPECT_EQ(other, -ECANCELED);
	sqe = T_GET_SQE(ring);
	io_uring_prep_poll_remove(sqe, 12345);
	EXPECT_EQ(OP_RUN(ring, sqe, 6), -ENOENT);
	close(p[0]);
	close(p[1]);
}

static void test_timeouts(struct io_uring *ring)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 20 * 1000000 };
	struct __kernel_timespec longts = { .tv_sec = 10, .tv_nsec = 0 };
	struct io_uring_sqe *sqe;
	uint64_t t0;
	int res, other = 0, p[2];
	char buf[8];

	op_begin("timeout", IORING_OP_TIMEOUT);
	t0 = t_now_ns();
	sqe = T_GET_SQE(ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 10), -ETIME);
	EXPECT(t_now_ns() - t0 >= 15 * 1000000ull);

	/* count 2: completes with 0 once two other CQEs were posted */
	sqe = T_GET_SQE(ring);
	io_uring_prep_timeout(sqe, &longts, 2, 0);
	io_uring_sqe_set_data64(sqe, 11);
	for (int i = 0; i < 2; i++) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 100 + i);
	}
	OP_SUBMIT(ring, 3);
	res = wait_ud(ring, 3, 11, NULL, NULL);
	EXPECT_EQ(res, 0);

	op_begin("timeout_remove", IORING_OP_TIMEOUT_REMOVE);
	sqe = T_GET_SQE(ring);
	io_uring_prep_timeout(sqe, &longts, 0, 0);
	io_uring_sqe_set_data64(sqe, 12);
	OP_SUBMIT(ring, 1);
	sqe = T_GET_SQE(ring);
	io_uring_prep_timeout_remove(sqe, 12, 0);
	io_uring_sqe_set_data64(sqe, 13);
	OP_SUBMIT(ring, 1);
	res = wait_ud(ring, 2, 13, &other, NULL);
	EXPECT_EQ(res, 0);
	EXPECT_EQ(other, -ECANCELED);

	/* timeout_update: shorten a 10 s timeout to 20 ms */
	sqe = T_GET_SQE(ring);
	io_uring_prep_timeout(sqe, &longts, 0, 0);
	io_uring_sqe_set_data64(sqe, 14);
	OP_SUBMIT(ring, 1);
	t0 = t_now_ns();
	sqe = T_GET_SQE(ring);
	io_uring_prep_timeout_update(sqe, &ts, 14, 0);
	io_uring_sqe_set_data64(sqe, 15);
	OP_SUBMIT(ring, 1);
	other = 0;
	res = wait_ud(ring, 2, 15, &other, NULL);
	EXPECT_EQ(res, 0);
	EXPECT_EQ(other, -ETIME);
	EXPECT(t_now_ns() - t0 < 5ull * 1000000000ull);

	/* link_timeout: a read on an empty pipe is cut off */
	op_begin("link_timeout", IORING_OP_LINK_TIMEOUT);
	CHECK_EQ(pipe(p), 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 16);
	sqe = T_GET_SQE(ring);
	io_uring_prep_link_timeout(sqe, &ts, 0);
	io_uring_sqe_set_data64(sqe, 17);
	OP_SUBMIT(ring, 2);
	other = 0;
	res = wait_ud(ring, 2, 16, &other, NULL);
	EXPECT_EQ(res, -ECANCELED);
	EXPECT_EQ(other, -ETIME);
	close(p[0]);
	close(p[1]);
}

static void test_cancel(struct io_uring *ring)
{
	static int marker;
	struct io_uring_sqe *sqe;
	int p[2], res, other = 0;
	char buf[8];

	CHECK_EQ(pipe(p), 0);
	op_begin("cancel64", IORING_OP_ASYNC_CANCEL);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	io_uring_sqe_set_data64(sqe, 20);
	OP_SUBMIT(ring, 1);
	sqe = T_GET_SQE(ring);
	io_uring_prep_cancel64(sqe, 20, 0);
	io_uring_sqe_set_data64(sqe, 21);
	OP_SUBMIT(ring, 1);
	res = wait_ud(ring, 2, 21, &other, NULL);
	EXPECT_EQ(res, 0);
	EXPECT_EQ(other, -ECANCELED);

	/* nothing to cancel */
	sqe = T_GET_SQE(ring);
	io_uring_prep_cancel64(sqe, 999, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 22), -ENOENT);

	/* cancel by pointer user_data (io_uring_sqe_set_data) */
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	io_uring_sqe_set_data(sqe, &marker);
	OP_SUBMIT(ring, 1);
	sqe = T_GET_SQE(ring);
	io_uring_prep_cancel(sqe, &marker, 0);
	io_uring_sqe_set_data64(sqe, 23);
	OP_SUBMIT(ring, 1);
	other = 0;
	res = wait_ud(ring, 2, 23, &other, NULL);
	EXPECT_EQ(res, 0);
	EXPECT_EQ(other, -ECANCELED);

	/* cancel_fd with CANCEL_ALL: two reads on the same fd */
	for (int i = 0; i < 2; i++) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
		io_uring_sqe_set_data64(sqe, 24);
	}
	OP_SUBMIT(ring, 2);
	sqe = T_GET_SQE(ring);
	io_uring_prep_cancel_fd(sqe, p[0], IORING_ASYNC_CANCEL_ALL);
	io_uring_sqe_set_data64(sqe, 25);
	OP_SUBMIT(ring, 1);
	{
		int cancelled = 0, cres = -1;

		for (int i = 0; i < 3; i++) {
			__u64 ud;
			int r = OP_WAIT(ring, &ud, NULL);

			if (ud == 25)
				cres = r;
			else if (r == -ECANCELED)
				cancelled++;
		}
		EXPECT_EQ(cres, 2);
		EXPECT_EQ(cancelled, 2);
	}
	close(p[0]);
	close(p[1]);
}

static void test_epoll(struct io_uring *ring)
{
	struct epoll_event ev, out[4];
	struct io_uring_sqe *sqe;
	int ep, p[2], res;

	if (!op_begin("epoll_ctl", IORING_OP_EPOLL_CTL))
		return;
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	CHECK_EQ(pipe(p), 0);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.u64 = 0xabcdef;
	sqe = T_GET_SQE(ring);
	io_uring_prep_epoll_ctl(sqe, ep, p[0], EPOLL_CTL_ADD, &ev);
	res = OP_RUN(ring, sqe, 30);
	if (op_unsupported_res("epoll_ctl", res))
		goto out;
	EXPECT_EQ(res, 0);
	CHECK_EQ(write(p[1], "e", 1), 1);
	memset(out, 0, sizeof(out));
	EXPECT_EQ(epoll_wait(ep, out, 4, 1000), 1);
	EXPECT_EQ_U64(out[0].data.u64, 0xabcdef);
	/* adding it twice: -EEXIST */
	sqe = T_GET_SQE(ring);
	io_uring_prep_epoll_ctl(sqe, ep, p[0], EPOLL_CTL_ADD, &ev);
	EXPECT_EQ(OP_RUN(ring, sqe, 31), -EEXIST);

	if (op_begin("epoll_wait", IORING_OP_EPOLL_WAIT)) {
		memset(out, 0, sizeof(out));
		sqe = T_GET_SQE(ring);
		io_uring_prep_epoll_wait(sqe, ep, out, 4, 0);
		res = OP_RUN(ring, sqe, 32);
		if (!op_unsupported_res("epoll_wait", res)) {
			EXPECT_EQ(res, 1);
			EXPECT_EQ_U64(out[0].data.u64, 0xabcdef);
		}
	}

	sqe = T_GET_SQE(ring);
	io_uring_prep_epoll_ctl(sqe, ep, p[0], EPOLL_CTL_DEL, NULL);
	EXPECT_EQ(OP_RUN(ring, sqe, 33), 0);
	EXPECT_EQ(epoll_wait(ep, out, 4, 0), 0);
out:
	close(p[0]);
	close(p[1]);
	close(ep);
}

int main(void)
{
	struct io_uring ring;

	t_init(16, &ring, 0);
	op_probe_init(&ring);

	test_poll(&ring);
	test_timeouts(&ring);
	test_cancel(&ring);
	test_epoll(&ring);

	EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
	return op_done();
}
