/*
 * When the submit functions enter the kernel, on every kind of ring their fast path
 * tells apart: a plain ring, an IOPOLL ring (which must enter with GETEVENTS on every
 * submit, even with nothing to submit, to reap polled completions), and both of them
 * in checked mode (uring_set_checked), which sends the submit through the same
 * out-of-line path as IOPOLL.
 *
 * An IOPOLL ring with SQPOLL must not: its SQ thread reaps.
 *
 * A child makes io_uring_enter fail with a seccomp filter: with ENOTRECOVERABLE when
 * the call's flags hold IORING_ENTER_GETEVENTS, with EOWNERDEAD when not.  So a submit
 * that entered returns one of the two, telling how it entered, and one that did not
 * returns its count.  Before that, a real O_DIRECT write and read go through the
 * IOPOLL ring with the data checked.
 */
#include "test.h"
#include <uring/ext.h>
#include "seccomp_filter.h"

#define ENTERED_GETEVENTS ENOTRECOVERABLE
#define ENTERED_PLAIN EOWNERDEAD

/* An O_DIRECT write, then a read of the same block, through the IOPOLL ring. */
static void iopoll_roundtrip(struct io_uring *ring)
{
	static char out[4096] __attribute__((aligned(4096)));
	static char in[4096] __attribute__((aligned(4096)));
	char path[] = "submit_enter_XXXXXX";
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	int fd, ret;

	/* mkstemp only picks a free name: it cannot open with O_DIRECT. */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_DIRECT, 0600);
	if (fd < 0) {
		T_NOTE("O_DIRECT not available here (%s): no data round trip", t_err(-errno));
		return;
	}
	unlink(path);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 3);

	sqe = T_GET_SQE(ring);
	io_uring_prep_write(sqe, fd, out, sizeof(out), 0);
	io_uring_sqe_set_data64(sqe, 1);
	CHECK_EQ(io_uring_submit(ring), 1);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 1);
	if (cqe->res == -EOPNOTSUPP) {
		T_NOTE("this file system does not poll O_DIRECT I/O: no data round trip");
		io_uring_cqe_seen(ring, cqe);
		close(fd);
		return;
	}
	CHECK_EQ(cqe->res, (int)sizeof(out));
	io_uring_cqe_seen(ring, cqe);

	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, fd, in, sizeof(in), 0);
	io_uring_sqe_set_data64(sqe, 2);
	ret = io_uring_submit_and_wait(ring, 1);
	CHECK_EQ(ret, 1);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 2);
	if (cqe->res == -EOPNOTSUPP) {
		T_NOTE("this file system polls O_DIRECT writes but not reads: write checked only");
		io_uring_cqe_seen(ring, cqe);
		close(fd);
		return;
	}
	CHECK_EQ(cqe->res, (int)sizeof(in));
	io_uring_cqe_seen(ring, cqe);
	EXPECT(memcmp(in, out, sizeof(in)) == 0);
	close(fd);
}

/* In the child, with io_uring_enter forbidden: which submits entered? */
static int enter_child(struct io_uring *plain, struct io_uring *iopoll,
		       struct io_uring *iopoll_sqpoll)
{
	struct io_uring_sqe *sqe;
	int ret;

	ret = t_mark_io_uring_enter(ENTERED_GETEVENTS, ENTERED_PLAIN);
	if (ret) {
		printf("note: seccomp filter not installed (%s)\n", t_err(ret));
		return 77;
	}
	if (io_uring_enter((unsigned)plain->ring_fd, 0, 0, 0, NULL) != -ENTERED_PLAIN ||
	    io_uring_enter((unsigned)plain->ring_fd, 0, 0, IORING_ENTER_GETEVENTS, NULL) !=
		    -ENTERED_GETEVENTS) {
		fprintf(stderr, "child: seccomp filter did not take effect\n");
		return 1;
	}

	for (int checked = 0; checked <= 1; checked++) {
		EXPECT(uring_set_checked(plain, checked) >= 0);
		EXPECT(uring_set_checked(iopoll, checked) >= 0);

		/* Nothing pending: a plain ring has no reason to enter... */
		EXPECT_EQ(io_uring_submit(plain), 0);
		EXPECT_EQ(io_uring_submit_and_wait(plain, 0), 0);
		/* ...an IOPOLL ring always enters to reap polled completions... */
		EXPECT_EQ(io_uring_submit(iopoll), -ENTERED_GETEVENTS);
		EXPECT_EQ(io_uring_submit_and_wait(iopoll, 0), -ENTERED_GETEVENTS);
		/* ...unless an SQ thread does the reaping... */
		if (iopoll_sqpoll) {
			EXPECT(uring_set_checked(iopoll_sqpoll, checked) >= 0);
			EXPECT_EQ(io_uring_submit(iopoll_sqpoll), 0);
			EXPECT_EQ(io_uring_submit_and_wait(iopoll_sqpoll, 0), 0);
		}
		/* ...and submit_and_get_events and a wait always enter to reap. */
		EXPECT_EQ(io_uring_submit_and_get_events(plain), -ENTERED_GETEVENTS);
		EXPECT_EQ(io_uring_submit_and_wait(plain, 1), -ENTERED_GETEVENTS);

		/* A batch checked mode refuses is refused before any enter. */
		if (checked) {
			sqe = T_GET_SQE(iopoll);
			io_uring_prep_nop(sqe);
			sqe->flags |= IOSQE_IO_LINK;	/* a chain that never ends */
			EXPECT_EQ(io_uring_submit(iopoll), -EINVAL);
			EXPECT_EQ(io_uring_sq_ready(iopoll), 0u);
		}
	}

	/* Something pending: the ring enters to submit it, without GETEVENTS on a plain
	 * ring (checked mode is on now, and the NOP passes its rules). The failed enter
	 * left the SQE published: still pending, so from here on every submit on this
	 * ring enters. */
	sqe = T_GET_SQE(plain);
	io_uring_prep_nop(sqe);
	EXPECT_EQ(io_uring_submit(plain), -ENTERED_PLAIN);
	EXPECT_EQ(io_uring_sq_ready(plain), 1u);
	EXPECT(uring_set_checked(plain, 0) >= 0);
	EXPECT_EQ(io_uring_submit(plain), -ENTERED_PLAIN);
	/* An IOPOLL ring submits and reaps in the same enter. */
	EXPECT(uring_set_checked(iopoll, 0) >= 0);
	sqe = T_GET_SQE(iopoll);
	io_uring_prep_nop(sqe);
	EXPECT_EQ(io_uring_submit(iopoll), -ENTERED_GETEVENTS);
	return t_done();
}

int main(void)
{
	struct io_uring plain, iopoll, iopoll_sqpoll;
	int ret, status, have_iopoll_sqpoll;
	pid_t pid;

	CHECK_EQ(io_uring_queue_init(8, &plain, 0), 0);
	ret = io_uring_queue_init(8, &iopoll, IORING_SETUP_IOPOLL);
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		t_skip("IOPOLL ring not available (%s)", t_err(ret));
	CHECK_EQ(ret, 0);

	iopoll_roundtrip(&iopoll);
	ret = io_uring_queue_init(8, &iopoll_sqpoll, IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL);
	have_iopoll_sqpoll = ret == 0;
	if (!have_iopoll_sqpoll)
		T_NOTE("IOPOLL+SQPOLL ring refused (%s): that part is not checked", t_err(ret));
	else
		EXPECT(iopoll_sqpoll.flags & IORING_SETUP_SQPOLL);

	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(enter_child(&plain, &iopoll, have_iopoll_sqpoll ? &iopoll_sqpoll : NULL));
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		FAIL("child killed by signal %d", WTERMSIG(status));
	if (WEXITSTATUS(status) == 77)
		t_skip("seccomp filters are not available here");
	if (WEXITSTATUS(status) != 0)
		FAIL("child failed (exit %d)", WEXITSTATUS(status));

	if (have_iopoll_sqpoll)
		io_uring_queue_exit(&iopoll_sqpoll);
	io_uring_queue_exit(&iopoll);
	io_uring_queue_exit(&plain);
	return t_done();
}
