/*
 * Invalid arguments give the documented -errno return values, and the raw
 * system-call wrappers leave errno alone (spec 5.1).
 */
#include "test.h"

static int init_p(unsigned entries, unsigned flags, unsigned cq_entries)
{
	struct io_uring_params p;
	struct io_uring ring;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.cq_entries = cq_entries;
	ret = io_uring_queue_init_params(entries, &ring, &p);
	if (ret == 0)
		io_uring_queue_exit(&ring);
	return ret;
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int fds0, ret, closed_fd, devnull;

	t_init(8, &ring, 0);
	io_uring_queue_exit(&ring);
	fds0 = t_count_fds();

	/* --- setup --- */
	EXPECT_EQ(io_uring_queue_init(0, &ring, 0), -EINVAL);
	EXPECT_EQ(io_uring_queue_init(1u << 20, &ring, 0), -EINVAL);
	EXPECT_EQ(io_uring_queue_init(65536, &ring, 0), -EINVAL);
	EXPECT_EQ(io_uring_queue_init(8, &ring, 1u << 31), -EINVAL);
	EXPECT_EQ(io_uring_queue_init(8, &ring, 1u << 30), -EINVAL);
	/* REGISTERED_FD_ONLY needs NO_MMAP */
	EXPECT_EQ(io_uring_queue_init(8, &ring, IORING_SETUP_REGISTERED_FD_ONLY), -EINVAL);
	/* CQSIZE: 0, fewer than the SQ, or above the limit without CLAMP */
	EXPECT_EQ(init_p(8, IORING_SETUP_CQSIZE, 0), -EINVAL);
	EXPECT_EQ(init_p(8, IORING_SETUP_CQSIZE, 4), -EINVAL);
	EXPECT_EQ(init_p(8, IORING_SETUP_CQSIZE, 1u << 20), -EINVAL);
	/* DEFER_TASKRUN needs SINGLE_ISSUER; TASKRUN_FLAG needs COOP/DEFER */
	EXPECT_EQ(init_p(8, IORING_SETUP_DEFER_TASKRUN, 0), -EINVAL);
	EXPECT_EQ(init_p(8, IORING_SETUP_TASKRUN_FLAG, 0), -EINVAL);
	/* non-zero reserved params fields */
	memset(&p, 0, sizeof(p));
	p.resv[1] = 1;
	EXPECT_EQ(io_uring_queue_init_params(8, &ring, &p), -EINVAL);
	EXPECT_EQ(t_count_fds(), fds0);

	/* --- raw wrappers: -errno, errno untouched --- */
	memset(&p, 0, sizeof(p));
	errno = 12345;
	ret = io_uring_setup(0, &p);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_EQ(errno, 12345);

	errno = 12345;
	ret = io_uring_setup(8, NULL);
	EXPECT_EQ(ret, -EFAULT);
	EXPECT_EQ(errno, 12345);

	/* a raw setup that works returns an fd */
	memset(&p, 0, sizeof(p));
	errno = 12345;
	ret = io_uring_setup(4, &p);
	CHECK(ret >= 0);
	EXPECT_EQ(errno, 12345);
	EXPECT_EQ(p.sq_entries, 4);
	close(ret);

	/* a high fd number that is not open (and won't be reused below) */
	closed_fd = 900;
	while (fcntl(closed_fd, F_GETFD) != -1)
		closed_fd++;
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(devnull >= 0);

	errno = 12345;
	ret = io_uring_enter((unsigned)closed_fd, 0, 0, 0, NULL);
	EXPECT_EQ(ret, -EBADF);
	EXPECT_EQ(errno, 12345);

	errno = 12345;
	ret = io_uring_enter((unsigned)devnull, 0, 0, 0, NULL);
	EXPECT_EQ(ret, -EOPNOTSUPP);
	EXPECT_EQ(errno, 12345);

	errno = 12345;
	ret = io_uring_enter2((unsigned)closed_fd, 0, 0, 0, NULL, 0);
	EXPECT_EQ(ret, -EBADF);
	EXPECT_EQ(errno, 12345);

	errno = 12345;
	ret = io_uring_register((unsigned)-1, IORING_REGISTER_PROBE, NULL, 0);
	/* 6.13+ kernels treat fd -1 as "no ring" and answer -EINVAL */
	if (ret != -EBADF && ret != -EINVAL) {
		t_report(__FILE__, __LINE__, "io_uring_register(-1) = %d (%s), expected -EBADF or -EINVAL",
			 ret, t_err(ret));
		t_failures++;
	}
	EXPECT_EQ(errno, 12345);

	errno = 12345;
	ret = io_uring_register((unsigned)closed_fd, IORING_REGISTER_PROBE, NULL, 0);
	EXPECT_EQ(ret, -EBADF);
	EXPECT_EQ(errno, 12345);

	errno = 12345;
	ret = io_uring_register((unsigned)devnull, IORING_REGISTER_PROBE, NULL, 0);
	EXPECT_EQ(ret, -EOPNOTSUPP);
	EXPECT_EQ(errno, 12345);

	/* --- on a real ring --- */
	t_init(8, &ring, 0);

	/* unknown register opcode */
	errno = 12345;
	ret = io_uring_register((unsigned)ring.ring_fd, 9999, NULL, 0);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_EQ(errno, 12345);

	/* unknown enter flag */
	errno = 12345;
	ret = io_uring_enter((unsigned)ring.ring_fd, 0, 0, 1u << 30, NULL);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_EQ(errno, 12345);

	/* EXT_ARG with a wrong argument size (the bytes past the struct are
	 * ours and initialised: only the size is wrong) */
	{
		struct {
			struct io_uring_getevents_arg arg;
			char more[8];
		} big;

		memset(&big, 0, sizeof(big));
		errno = 12345;
		ret = io_uring_enter2((unsigned)ring.ring_fd, 0, 1,
				      IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG,
				      (void *)&big.arg, sizeof(big.arg) + 8);
		EXPECT_EQ(ret, -EINVAL);
		EXPECT_EQ(errno, 12345);
	}

	/* read from a closed fd: the CQE carries -EBADF */
	{
		char buf[16];

		sqe = T_GET_SQE(&ring);
		io_uring_prep_read(sqe, closed_fd, buf, sizeof(buf), 0);
		io_uring_sqe_set_data64(sqe, 1);
		CHECK_EQ(io_uring_submit(&ring), 1);
		CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
		EXPECT_EQ_U64(cqe->user_data, 1);
		EXPECT_EQ(cqe->res, -EBADF);
		io_uring_cqe_seen(&ring, cqe);
	}

	/* an unknown opcode: the CQE carries -EINVAL */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	sqe->opcode = 250;
	io_uring_sqe_set_data64(sqe, 2);
	CHECK_EQ(io_uring_submit(&ring), 1);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 2);
	EXPECT_EQ(cqe->res, -EINVAL);
	io_uring_cqe_seen(&ring, cqe);

	/* an unknown SQE flag bit: -EINVAL in the CQE */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_flags(sqe, 0x80);
	io_uring_sqe_set_data64(sqe, 3);
	ret = io_uring_submit(&ring);
	EXPECT_EQ(ret, 1);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 3);
	EXPECT_EQ(cqe->res, -EINVAL);
	io_uring_cqe_seen(&ring, cqe);

	/* the ring still works */
	CHECK_EQ(t_nop_roundtrip(&ring, 4, "after errors"), 0);
	io_uring_queue_exit(&ring);

	/* queue_mmap on something that is not a ring fails cleanly */
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_mmap(devnull, &p, &ring);
	EXPECT(ret < 0);

	close(devnull);
	EXPECT_EQ(t_count_fds(), fds0);
	return t_done();
}
