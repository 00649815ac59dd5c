/*
 * Write a 64 KiB pattern to a temporary file with IORING_OP_WRITE, read
 * it back with IORING_OP_READ and compare.  Also readv/writev and short
 * reads at EOF.
 */
#include "test.h"
#include <sys/uio.h>

#define SZ (64 * 1024)

static int tmpfile_fd(void)
{
	char path[] = "/tmp/uring-file_rw-XXXXXX";
	int fd = open("/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0)
		return fd;
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	unlink(path);
	return fd;
}

static int run_one(struct io_uring *ring, struct io_uring_sqe *sqe, __u64 ud)
{
	struct io_uring_cqe *cqe;
	int res;

	io_uring_sqe_set_data64(sqe, ud);
	CHECK_EQ(io_uring_submit(ring), 1);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, ud);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

int main(void)
{
	static unsigned char wbuf[SZ], rbuf[SZ];
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	int fd;

	for (size_t i = 0; i < SZ; i++)
		wbuf[i] = (unsigned char)((i * 7 + (i >> 8) * 13 + 1) & 0xff);

	t_init(8, &ring, 0);
	fd = tmpfile_fd();

	/* write */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_write(sqe, fd, wbuf, SZ, 0);
	CHECK_EQ(run_one(&ring, sqe, 1), SZ);

	/* the file really has it (checked with plain pread) */
	{
		static unsigned char chk[SZ];

		CHECK_EQ(pread(fd, chk, SZ, 0), SZ);
		EXPECT(memcmp(chk, wbuf, SZ) == 0);
	}

	/* read */
	memset(rbuf, 0, SZ);
	sqe = T_GET_SQE(&ring);
	io_uring_prep_read(sqe, fd, rbuf, SZ, 0);
	CHECK_EQ(run_one(&ring, sqe, 2), SZ);
	if (memcmp(rbuf, wbuf, SZ) != 0) {
		for (size_t i = 0; i < SZ; i++) {
			if (rbuf[i] != wbuf[i]) {
				FAIL("read data differs at byte %zu: expected 0x%02x, got 0x%02x",
				     i, wbuf[i], rbuf[i]);
			}
		}
	}

	/* read at an offset, partly past EOF: short read */
	memset(rbuf, 0, SZ);
	sqe = T_GET_SQE(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 8192, SZ - 1000);
	CHECK_EQ(run_one(&ring, sqe, 3), 1000);
	EXPECT(memcmp(rbuf, wbuf + SZ - 1000, 1000) == 0);

	/* read at EOF: 0 */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 4096, SZ);
	CHECK_EQ(run_one(&ring, sqe, 4), 0);

	/* writev of two pieces at the end, readv back */
	{
		struct iovec wv[2] = {
			{ .iov_base = wbuf, .iov_len = 100 },
			{ .iov_base = wbuf + 1000, .iov_len = 300 },
		};
		unsigned char a[100], b[300];
		struct iovec rv[2] = {
			{ .iov_base = a, .iov_len = sizeof(a) },
			{ .iov_base = b, .iov_len = sizeof(b) },
		};

		/* Filled by the kernel in the background, where memcheck cannot
		 * see it: start from known bytes. */
		memset(a, 0, sizeof(a));
		memset(b, 0, sizeof(b));

		sqe = T_GET_SQE(&ring);
		io_uring_prep_writev(sqe, fd, wv, 2, SZ);
		CHECK_EQ(run_one(&ring, sqe, 5), 400);
		sqe = T_GET_SQE(&ring);
		io_uring_prep_readv(sqe, fd, rv, 2, SZ);
		CHECK_EQ(run_one(&ring, sqe, 6), 400);
		EXPECT(memcmp(a, wbuf, 100) == 0);
		EXPECT(memcmp(b, wbuf + 1000, 300) == 0);
	}

	/* fsync, then a linked write+read pair */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_fsync(sqe, fd, 0);
	CHECK_EQ(run_one(&ring, sqe, 7), 0);

	{
		static const char msg[] = "linked write then read";
		char back[sizeof(msg)] = { 0 };
		struct io_uring_cqe *cqe;

		sqe = T_GET_SQE(&ring);
		io_uring_prep_write(sqe, fd, msg, sizeof(msg), 4096);
		io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
		io_uring_sqe_set_data64(sqe, 8);
		sqe = T_GET_SQE(&ring);
		io_uring_prep_read(sqe, fd, back, sizeof(back), 4096);
		io_uring_sqe_set_data64(sqe, 9);
		CHECK_EQ(io_uring_submit_and_wait(&ring, 2), 2);
		for (int i = 0; i < 2; i++) {
			CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
			EXPECT_EQ_U64(cqe->user_data, 8 + (unsigned)i);
			EXPECT_EQ(cqe->res, (int)sizeof(msg));
			io_uring_cqe_seen(&ring, cqe);
		}
		EXPECT(memcmp(back, msg, sizeof(msg)) == 0);
	}

	close(fd);
	io_uring_queue_exit(&ring);
	return t_done();
}
