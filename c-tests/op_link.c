/*
 * Kernel round trips for the SQE flags set through io_uring_sqe_set_flags:
 * IOSQE_IO_LINK (a failing link cancels the rest with -ECANCELED; a good
 * chain runs in order), IOSQE_IO_HARDLINK (the chain goes on after a
 * failure), IOSQE_IO_DRAIN (waits for everything before it), IOSQE_ASYNC,
 * IOSQE_CQE_SKIP_SUCCESS (no CQE on success, a CQE on failure) and
 * IOSQE_FIXED_FILE with registered files.  Also the 128-byte SQE preparers
 * (nop128, uring_cmd128) on an IORING_SETUP_SQE_MIXED ring.
 */
#include "op_util.h"

/* Collect `n` CQEs into res[user_data] (user_data 0..15); returns the order seen. */
static void collect(struct io_uring *ring, unsigned n, int *res, __u64 *order)
{
	for (unsigned i = 0; i < n; i++) {
		__u64 ud;
		int r = OP_WAIT(ring, &ud, NULL);

		CHECK(ud < 16);
		res[ud] = r;
		if (order)
			order[i] = ud;
	}
}

static void test_link(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	int res[16], p[2], fd;
	__u64 order[16];
	char buf[8];

	op_begin("IOSQE_IO_LINK", IORING_OP_NOP);
	/* write -> read chain on a file: the read sees the write */
	fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		char path[] = "/tmp/uring-op_link-XXXXXX";

		fd = mkstemp(path);
		CHECK(fd >= 0);
		unlink(path);
	}
	sqe = T_GET_SQE(ring);
	io_uring_prep_write(sqe, fd, "linked", 6, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 1);
	sqe = T_GET_SQE(ring);
	memset(buf, 0, sizeof(buf));
	io_uring_prep_read(sqe, fd, buf, 6, 0);
	io_uring_sqe_set_data64(sqe, 2);
	OP_SUBMIT(ring, 2);
	collect(ring, 2, res, order);
	EXPECT_EQ(res[1], 6);
	EXPECT_EQ(res[2], 6);
	EXPECT(memcmp(buf, "linked", 6) == 0);
	EXPECT_EQ_U64(order[0], 1);
	EXPECT_EQ_U64(order[1], 2);
	close(fd);

	/* a failing head cancels the rest of the chain */
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, -1, buf, 1, 0); /* -EBADF */
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 3);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 4);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 5);
	OP_SUBMIT(ring, 3);
	collect(ring, 3, res, NULL);
	EXPECT_EQ(res[3], -EBADF);
	EXPECT_EQ(res[4], -ECANCELED);
	EXPECT_EQ(res[5], -ECANCELED);

	/* a short read also breaks a (soft) link */
	CHECK_EQ(pipe(p), 0);
	CHECK_EQ(write(p[1], "ab", 2), 2);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, p[0], buf, 8, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	io_uring_sqe_set_data64(sqe, 6);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 7);
	OP_SUBMIT(ring, 2);
	collect(ring, 2, res, NULL);
	EXPECT_EQ(res[6], 2);
	EXPECT_EQ(res[7], -ECANCELED);

	/* IOSQE_IO_HARDLINK: the chain continues after a failure */
	op_begin("IOSQE_IO_HARDLINK", IORING_OP_NOP);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, -1, buf, 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_HARDLINK);
	io_uring_sqe_set_data64(sqe, 8);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 9);
	OP_SUBMIT(ring, 2);
	collect(ring, 2, res, NULL);
	EXPECT_EQ(res[8], -EBADF);
	EXPECT_EQ(res[9], 0);
	close(p[0]);
	close(p[1]);
}

static void test_drain_async_skip(struct io_uring *ring)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 30 * 1000000 };
	struct io_uring_sqe *sqe;
	int res[16];
	__u64 order[16];

	/* IOSQE_IO_DRAIN: the NOP waits for the 30 ms timeout queued before it */
	op_begin("IOSQE_IO_DRAIN", IORING_OP_NOP);
	sqe = T_GET_SQE(ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	io_uring_sqe_set_data64(sqe, 1);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_IO_DRAIN);
	io_uring_sqe_set_data64(sqe, 2);
	OP_SUBMIT(ring, 2);
	collect(ring, 2, res, order);
	EXPECT_EQ(res[1], -ETIME);
	EXPECT_EQ(res[2], 0);
	EXPECT_EQ_U64(order[0], 1);
	EXPECT_EQ_U64(order[1], 2);

	/* without DRAIN the NOP overtakes the timeout */
	sqe = T_GET_SQE(ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	io_uring_sqe_set_data64(sqe, 3);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 4);
	OP_SUBMIT(ring, 2);
	collect(ring, 2, res, order);
	EXPECT_EQ_U64(order[0], 4);
	EXPECT_EQ_U64(order[1], 3);

	op_begin("IOSQE_ASYNC", IORING_OP_NOP);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_ASYNC);
	EXPECT_EQ(OP_RUN(ring, sqe, 5), 0);

	/* IOSQE_CQE_SKIP_SUCCESS: only the failure posts a CQE */
	op_begin("IOSQE_CQE_SKIP_SUCCESS", IORING_OP_NOP);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
	io_uring_sqe_set_data64(sqe, 6);
	sqe = T_GET_SQE(ring);
	io_uring_prep_fsync(sqe, -1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_CQE_SKIP_SUCCESS);
	io_uring_sqe_set_data64(sqe, 7);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 8);
	OP_SUBMIT(ring, 3);
	res[6] = res[7] = res[8] = 1;
	collect(ring, 2, res, NULL);
	EXPECT_EQ(res[6], 1); /* untouched: no CQE */
	EXPECT_EQ(res[7], -EBADF);
	EXPECT_EQ(res[8], 0);
	EXPECT(!op_cqe_within(ring, 20));
}

static void test_fixed_files(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	int p[2], files[3], ret;
	char buf[8] = { 0 };

	op_begin("IOSQE_FIXED_FILE", IORING_OP_NOP);
	CHECK_EQ(pipe(p), 0);
	files[0] = -1;
	files[1] = p[0];
	files[2] = p[1];
	ret = io_uring_register_files(ring, files, 3);
	CHECK_EQ(ret, 0);
	/* write through slot 2, read through slot 1 */
	sqe = T_GET_SQE(ring);
	io_uring_prep_write(sqe, 2, "fixed", 5, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	EXPECT_EQ(OP_RUN(ring, sqe, 1), 5);
	/* the registered file stays usable after closing the original fds */
	close(p[0]);
	close(p[1]);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, 1, buf, sizeof(buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	EXPECT_EQ(OP_RUN(ring, sqe, 2), 5);
	EXPECT(memcmp(buf, "fixed", 5) == 0);
	/* an empty slot and an out-of-range slot */
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, 0, buf, 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	EXPECT_EQ(OP_RUN(ring, sqe, 3), -EBADF);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, 7, buf, 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	EXPECT_EQ(OP_RUN(ring, sqe, 4), -EBADF);
	CHECK_EQ(io_uring_unregister_files(ring), 0);
}

static void test_sqe128(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int ret, res, p[2];

	if (!op_supported(IORING_OP_NOP128)) {
		T_NOTE("nop128: not supported by this kernel, skipped");
		op_skipped++;
		return;
	}
	ret = io_uring_queue_init(8, &ring, IORING_SETUP_SQE_MIXED);
	if (ret) {
		T_NOTE("IORING_SETUP_SQE_MIXED: %s, nop128 skipped", t_err(ret));
		op_skipped++;
		return;
	}
	op_ran++;
	/* a normal NOP, then a 128-byte NOP, then a normal one again */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 1);
	sqe = io_uring_get_sqe128(&ring);
	CHECK(sqe != NULL);
	io_uring_prep_nop128(sqe);
	io_uring_sqe_set_data64(sqe, 2);
	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 3);
	ret = io_uring_submit(&ring);
	EXPECT(ret >= 3);
	for (int i = 0; i < 3; i++) {
		__u64 ud;

		res = OP_WAIT(&ring, &ud, NULL);
		EXPECT_EQ(res, 0);
		EXPECT(ud >= 1 && ud <= 3);
	}

	/* uring_cmd128: SIOCINQ on a socket through a 128-byte command SQE */
	if (op_supported(IORING_OP_URING_CMD128)) {
		CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, p), 0);
		CHECK_EQ(write(p[0], "1234", 4), 4);
		sqe = io_uring_get_sqe128(&ring);
		CHECK(sqe != NULL);
		io_uring_prep_uring_cmd128(sqe, SOCKET_URING_OP_SIOCINQ, p[1]);
		res = OP_RUN(&ring, sqe, 4);
		if (res == 4)
			op_ran++;
		else
			T_NOTE("uring_cmd128 SIOCINQ on a unix socket: %d (%s), not counted", res, t_err(res));
		close(p[0]);
		close(p[1]);
	}
	io_uring_queue_exit(&ring);
}

int main(void)
{
	struct io_uring ring;

	t_init(16, &ring, 0);
	op_probe_init(&ring);

	test_link(&ring);
	test_drain_async_skip(&ring);
	test_fixed_files(&ring);
	test_sqe128();

	EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
	return op_done();
}
