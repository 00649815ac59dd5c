/*
 * Registered buffers through the C API: read_fixed into a registered buffer
 * sees the file's bytes, sparse tables + update_tag, tags, cloning into a
 * second ring, and the error paths (bad address, nothing registered).
 */
#include "test.h"

static const char text[] = "registered buffers hold the file's bytes";

static int make_file(void)
{
	char path[] = "/tmp/uring-register-buffers-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	unlink(path);
	CHECK(write(fd, text, sizeof(text)) == (ssize_t)sizeof(text));
	return fd;
}

/* READ_FIXED of `len` bytes into `buf` (registered index `idx`); returns res. */
static int read_fixed(struct io_uring *ring, int fd, void *buf, unsigned len, int idx)
{
	struct io_uring_sqe *sqe = T_GET_SQE(ring);
	struct io_uring_cqe *cqe;
	int ret;

	io_uring_prep_read_fixed(sqe, fd, buf, len, 0, idx);
	io_uring_sqe_set_data64(sqe, 0xf1ed);
	CHECK_EQ(io_uring_submit(ring), 1);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 0xf1ed);
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

static void expect_tag_cqe(struct io_uring *ring, __u64 tag)
{
	struct io_uring_cqe *cqe;

	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, tag);
	EXPECT_EQ(cqe->res, 0);
	io_uring_cqe_seen(ring, cqe);
}

int main(void)
{
	struct io_uring ring, dst;
	static char buf[4096] __attribute__((aligned(4096)));
	char other[64];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct iovec empty = { .iov_base = NULL, .iov_len = 0 };
	struct iovec bad;
	__u64 tag;
	void *hole;
	int fd, ret;

	t_init(8, &ring, 0);
	fd = make_file();

	CHECK_EQ(io_uring_register_buffers(&ring, &iov, 1), 0);
	EXPECT_EQ(io_uring_register_buffers(&ring, &iov, 1), -EBUSY);
	EXPECT_EQ(read_fixed(&ring, fd, buf, sizeof(buf), 0), (int)sizeof(text));
	EXPECT(memcmp(buf, text, sizeof(text)) == 0);
	/* Not inside the registered buffer. */
	EXPECT_EQ(read_fixed(&ring, fd, other, sizeof(other), 0), -EFAULT);
	EXPECT_EQ(io_uring_unregister_buffers(&ring), 0);
	EXPECT_EQ(io_uring_unregister_buffers(&ring), -ENXIO);
	EXPECT(read_fixed(&ring, fd, buf, 16, 0) < 0);

	/* PROT_NONE memory cannot be pinned. */
	hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(hole != MAP_FAILED);
	bad.iov_base = hole;
	bad.iov_len = 4096;
	EXPECT_EQ(io_uring_register_buffers(&ring, &bad, 1), -EFAULT);
	munmap(hole, 4096);
	t_bad_pointer_begin();
	ret = io_uring_register_buffers(&ring, NULL, 1);
	t_bad_pointer_end();
	EXPECT_EQ(ret, -EFAULT);
	EXPECT_EQ(io_uring_register_buffers(&ring, &iov, 0), -EINVAL);

	/* Tagged registration: the tag is posted once the buffer is released. */
	tag = 0x7a61;
	CHECK_EQ(io_uring_register_buffers_tags(&ring, &iov, &tag, 1), 0);
	EXPECT_EQ(io_uring_unregister_buffers(&ring), 0);
	expect_tag_cqe(&ring, 0x7a61);

	/* Sparse table; fill slot 1, use it, empty it (tag CQE). */
	CHECK_EQ(io_uring_register_buffers_sparse(&ring, 2), 0);
	EXPECT(read_fixed(&ring, fd, buf, 16, 1) < 0);
	tag = 0x5107;
	EXPECT_EQ(io_uring_register_buffers_update_tag(&ring, 1, &iov, &tag, 1), 1);
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(read_fixed(&ring, fd, buf, sizeof(buf), 1), (int)sizeof(text));
	EXPECT(memcmp(buf, text, sizeof(text)) == 0);
	EXPECT_EQ(io_uring_register_buffers_update_tag(&ring, 1, &empty, NULL, 1), 1);
	expect_tag_cqe(&ring, 0x5107);
	EXPECT_EQ(io_uring_register_buffers_update_tag(&ring, 2, &iov, NULL, 1), -EINVAL);
	EXPECT_EQ(io_uring_unregister_buffers(&ring), 0);

#if T_NEW_API
	/* Cloning: dst gets src's table and can read_fixed through it. */
	CHECK_EQ(io_uring_register_buffers(&ring, &iov, 1), 0);
	t_init(4, &dst, 0);
	ret = io_uring_clone_buffers(&dst, &ring);
	if (ret == -EINVAL) {
		T_NOTE("buffer cloning not supported (%s)", t_err(ret));
	} else {
		EXPECT_EQ(ret, 0);
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ(read_fixed(&dst, fd, buf, sizeof(buf), 0), (int)sizeof(text));
		EXPECT(memcmp(buf, text, sizeof(text)) == 0);
		EXPECT_EQ(io_uring_clone_buffers(&dst, &ring), -EBUSY);
		EXPECT_EQ(io_uring_clone_buffers_offset(&dst, &ring, 0, 0, 1,
							IORING_REGISTER_DST_REPLACE), 0);
		EXPECT_EQ(__io_uring_clone_buffers_offset(&dst, &ring, 0, 0, 1,
							  IORING_REGISTER_DST_REPLACE), 0);
		EXPECT_EQ(io_uring_unregister_buffers(&dst), 0);
		EXPECT_EQ(__io_uring_clone_buffers(&dst, &ring, 0), 0);
		EXPECT_EQ(read_fixed(&dst, fd, buf, 8, 0), 8);
		/* With src's ring fd registered, SRC_REGISTERED names it by index. */
		if (io_uring_register_ring_fd(&ring) == 1) {
			EXPECT_EQ(io_uring_unregister_buffers(&dst), 0);
			EXPECT_EQ(io_uring_clone_buffers(&dst, &ring), 0);
			EXPECT_EQ(read_fixed(&dst, fd, buf, 8, 0), 8);
		}
	}
	io_uring_queue_exit(&dst);
	EXPECT_EQ(io_uring_unregister_buffers(&ring), 0);
#else
	(void)dst;
	(void)ret;
#endif

	close(fd);
	io_uring_queue_exit(&ring);
	return t_done();
}
