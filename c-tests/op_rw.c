/*
 * Kernel round trips for the read/write family, checking effects:
 * read/write/readv2/writev2 bytes, registered-buffer read_fixed/write_fixed,
 * fsync/fdatasync/sync_file_range, fallocate and ftruncate (file size),
 * fadvise/madvise, splice and tee through pipes, the pipe opcode, provided
 * buffers (provide/remove + IOSQE_BUFFER_SELECT) and read_multishot.
 */
#include "op_util.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>

#define SZ 8192

static unsigned char wbuf[SZ], rbuf[SZ];

static int tmp_fd(void)
{
	char path[] = "/tmp/uring-op_rw-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	unlink(path);
	return fd;
}

static off_t fsize(int fd)
{
	struct stat st;

	CHECK_EQ(fstat(fd, &st), 0);
	return st.st_size;
}

static void test_read_write(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	struct iovec iov[2];
	int fd = tmp_fd();

	op_begin("read/write", IORING_OP_WRITE);
	sqe = T_GET_SQE(ring);
	io_uring_prep_write(sqe, fd, wbuf, SZ, 0);
	CHECK_EQ(OP_RUN(ring, sqe, 1), SZ);
	CHECK_EQ(pread(fd, rbuf, SZ, 0), SZ);
	EXPECT(memcmp(rbuf, wbuf, SZ) == 0);

	/* the generic io_uring_prep_rw with IORING_OP_READ */
	memset(rbuf, 0, SZ);
	sqe = T_GET_SQE(ring);
	io_uring_prep_rw(IORING_OP_READ, sqe, fd, rbuf, 64, 128);
	CHECK_EQ(OP_RUN(ring, sqe, 9), 64);
	EXPECT(memcmp(rbuf, wbuf + 128, 64) == 0);

	memset(rbuf, 0, SZ);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, fd, rbuf, SZ, 0);
	CHECK_EQ(OP_RUN(ring, sqe, 2), SZ);
	EXPECT(memcmp(rbuf, wbuf, SZ) == 0);

	/* offset -1: current file position (0 after pread/pwrite) */
	memset(rbuf, 0, SZ);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, fd, rbuf, 100, (__u64)-1);
	CHECK_EQ(OP_RUN(ring, sqe, 3), 100);
	EXPECT(memcmp(rbuf, wbuf, 100) == 0);
	EXPECT_EQ(lseek(fd, 0, SEEK_CUR), 100);

	/* short read at EOF */
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, fd, rbuf, SZ, SZ - 10);
	CHECK_EQ(OP_RUN(ring, sqe, 4), 10);

	/* writev2 / readv2 with two iovecs and RWF_DSYNC / no flags */
	iov[0].iov_base = wbuf + 100;
	iov[0].iov_len = 1000;
	iov[1].iov_base = wbuf + 3000;
	iov[1].iov_len = 24;
	sqe = T_GET_SQE(ring);
	io_uring_prep_writev2(sqe, fd, iov, 2, SZ, RWF_DSYNC);
	CHECK_EQ(OP_RUN(ring, sqe, 5), 1024);
	EXPECT_EQ(fsize(fd), SZ + 1024);
	memset(rbuf, 0, SZ);
	iov[0].iov_base = rbuf;
	iov[0].iov_len = 24;
	iov[1].iov_base = rbuf + 24;
	iov[1].iov_len = 1000;
	sqe = T_GET_SQE(ring);
	io_uring_prep_readv2(sqe, fd, iov, 2, SZ, 0);
	CHECK_EQ(OP_RUN(ring, sqe, 6), 1024);
	EXPECT(memcmp(rbuf, wbuf + 100, 1000) == 0);
	EXPECT(memcmp(rbuf + 1000, wbuf + 3000, 24) == 0);

	/* readv / writev at an offset */
	iov[0].iov_base = wbuf;
	iov[0].iov_len = 10;
	sqe = T_GET_SQE(ring);
	io_uring_prep_writev(sqe, fd, iov, 1, 50);
	CHECK_EQ(OP_RUN(ring, sqe, 7), 10);
	iov[0].iov_base = rbuf;
	sqe = T_GET_SQE(ring);
	io_uring_prep_readv(sqe, fd, iov, 1, 50);
	CHECK_EQ(OP_RUN(ring, sqe, 8), 10);
	EXPECT(memcmp(rbuf, wbuf, 10) == 0);
	close(fd);
}

static void test_fixed_buffers(struct io_uring *ring)
{
	static unsigned char fixed[2][4096];
	struct iovec reg[2] = { { fixed[0], 4096 }, { fixed[1], 4096 } };
	struct io_uring_sqe *sqe;
	int fd = tmp_fd(), ret;

	if (!op_begin("read_fixed/write_fixed", IORING_OP_READ_FIXED))
		return;
	ret = io_uring_register_buffers(ring, reg, 2);
	if (ret) {
		T_NOTE("register_buffers = %d (%s), fixed-buffer test skipped", ret, t_err(ret));
		op_ran--;
		op_skipped++;
		close(fd);
		return;
	}
	memcpy(fixed[1], wbuf, 4096);
	sqe = T_GET_SQE(ring);
	io_uring_prep_write_fixed(sqe, fd, fixed[1] + 96, 4000, 0, 1);
	CHECK_EQ(OP_RUN(ring, sqe, 10), 4000);
	CHECK_EQ(pread(fd, rbuf, 4000, 0), 4000);
	EXPECT(memcmp(rbuf, wbuf + 96, 4000) == 0);

	memset(fixed[0], 0, 4096);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read_fixed(sqe, fd, fixed[0], 4000, 0, 0);
	CHECK_EQ(OP_RUN(ring, sqe, 11), 4000);
	EXPECT(memcmp(fixed[0], wbuf + 96, 4000) == 0);

	/* a buffer outside the registered one is refused */
	sqe = T_GET_SQE(ring);
	io_uring_prep_read_fixed(sqe, fd, rbuf, 16, 0, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 12), -EFAULT);

	if (op_supported(IORING_OP_READV_FIXED)) {
		struct iovec v = { fixed[1], 100 };

		memset(fixed[1], 0, 100);
		sqe = T_GET_SQE(ring);
		io_uring_prep_readv_fixed(sqe, fd, &v, 1, 0, 0, 1);
		CHECK_EQ(OP_RUN(ring, sqe, 13), 100);
		EXPECT(memcmp(fixed[1], wbuf + 96, 100) == 0);
	}
	if (op_supported(IORING_OP_WRITEV_FIXED)) {
		struct iovec v[2] = { { fixed[0] + 10, 5 }, { fixed[0] + 100, 7 } };

		memcpy(fixed[0] + 10, "hello", 5);
		memcpy(fixed[0] + 100, ", world", 7);
		sqe = T_GET_SQE(ring);
		io_uring_prep_writev_fixed(sqe, fd, v, 2, 5000, 0, 0);
		CHECK_EQ(OP_RUN(ring, sqe, 14), 12);
		memset(rbuf, 0, 16);
		CHECK_EQ(pread(fd, rbuf, 12, 5000), 12);
		EXPECT(memcmp(rbuf, "hello, world", 12) == 0);
	}
	CHECK_EQ(io_uring_unregister_buffers(ring), 0);
	close(fd);
}

static void test_sync_alloc_trunc(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	int fd = tmp_fd(), res;

	op_begin("fsync", IORING_OP_FSYNC);
	CHECK_EQ(pwrite(fd, wbuf, 100, 0), 100);
	sqe = T_GET_SQE(ring);
	io_uring_prep_fsync(sqe, fd, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 20), 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
	EXPECT_EQ(OP_RUN(ring, sqe, 21), 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_fsync(sqe, -1, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 22), -EBADF);

	if (op_begin("sync_file_range", IORING_OP_SYNC_FILE_RANGE)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_sync_file_range(sqe, fd, 100, 0, SYNC_FILE_RANGE_WRITE);
		EXPECT_EQ(OP_RUN(ring, sqe, 23), 0);
	}

	if (op_begin("fallocate", IORING_OP_FALLOCATE)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_fallocate(sqe, fd, 0, 0, 1 << 20);
		res = OP_RUN(ring, sqe, 24);
		if (!op_unsupported_res("fallocate", res)) {
			EXPECT_EQ(res, 0);
			EXPECT_EQ(fsize(fd), 1 << 20);
			/* KEEP_SIZE: blocks but no size change */
			sqe = T_GET_SQE(ring);
			io_uring_prep_fallocate(sqe, fd, FALLOC_FL_KEEP_SIZE, 1 << 20, 1 << 20);
			EXPECT_EQ(OP_RUN(ring, sqe, 25), 0);
			EXPECT_EQ(fsize(fd), 1 << 20);
		}
	}

	if (op_begin("ftruncate", IORING_OP_FTRUNCATE)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_ftruncate(sqe, fd, 12345);
		res = OP_RUN(ring, sqe, 26);
		if (!op_unsupported_res("ftruncate", res)) {
			EXPECT_EQ(res, 0);
			EXPECT_EQ(fsize(fd), 12345);
			sqe = T_GET_SQE(ring);
			io_uring_prep_ftruncate(sqe, fd, -1);
			EXPECT_EQ(OP_RUN(ring, sqe, 27), -EINVAL);
		}
	}

	if (op_begin("fadvise", IORING_OP_FADVISE)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_fadvise(sqe, fd, 0, 4096, POSIX_FADV_DONTNEED);
		EXPECT_EQ(OP_RUN(ring, sqe, 28), 0);
		sqe = T_GET_SQE(ring);
		io_uring_prep_fadvise64(sqe, fd, 0, 1LL << 33, POSIX_FADV_SEQUENTIAL);
		EXPECT_EQ(OP_RUN(ring, sqe, 29), 0);
		sqe = T_GET_SQE(ring);
		io_uring_prep_fadvise(sqe, fd, 0, 4096, 12345); /* bad advice */
		EXPECT_EQ(OP_RUN(ring, sqe, 30), -EINVAL);
	}

	if (op_begin("madvise", IORING_OP_MADVISE)) {
		size_t len = 4 * 4096;
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		CHECK(m != MAP_FAILED);
		m[0] = 42;
		sqe = T_GET_SQE(ring);
		io_uring_prep_madvise(sqe, m, (__u32)len, MADV_DONTNEED);
		res = OP_RUN(ring, sqe, 31);
		if (!op_unsupported_res("madvise", res)) {
			EXPECT_EQ(res, 0);
			/* DONTNEED on private anonymous memory: it reads back as zero */
			EXPECT_EQ(m[0], 0);
			m[0] = 43;
			sqe = T_GET_SQE(ring);
			io_uring_prep_madvise64(sqe, m, (off_t)len, MADV_DONTNEED);
			EXPECT_EQ(OP_RUN(ring, sqe, 32), 0);
			EXPECT_EQ(m[0], 0);
		}
		munmap(m, len);
	}
	close(fd);
}

static void test_splice_tee_pipe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	int in = tmp_fd(), out = tmp_fd();
	int p1[2], p2[2], res;

	CHECK_EQ(pwrite(in, wbuf, 4096, 0), 4096);
	CHECK_EQ(pipe(p1), 0);
	CHECK_EQ(pipe(p2), 0);

	if (op_begin("splice", IORING_OP_SPLICE)) {
		/* file (offset 1000) -> pipe */
		sqe = T_GET_SQE(ring);
		io_uring_prep_splice(sqe, in, 1000, p1[1], -1, 2000, 0);
		EXPECT_EQ(OP_RUN(ring, sqe, 40), 2000);
		if (op_begin("tee", IORING_OP_TEE)) {
			/* duplicate the pipe contents into p2 without consuming them */
			sqe = T_GET_SQE(ring);
			io_uring_prep_tee(sqe, p1[0], p2[1], 2000, 0);
			EXPECT_EQ(OP_RUN(ring, sqe, 41), 2000);
			memset(rbuf, 0, SZ);
			EXPECT_EQ(read(p2[0], rbuf, SZ), 2000);
			EXPECT(memcmp(rbuf, wbuf + 1000, 2000) == 0);
		}
		/* pipe -> file at offset 10 */
		sqe = T_GET_SQE(ring);
		io_uring_prep_splice(sqe, p1[0], -1, out, 10, 2000, 0);
		EXPECT_EQ(OP_RUN(ring, sqe, 42), 2000);
		memset(rbuf, 0, SZ);
		EXPECT_EQ(pread(out, rbuf, SZ, 0), 2010);
		EXPECT(memcmp(rbuf + 10, wbuf + 1000, 2000) == 0);
		/* with no pipe end: -EINVAL */
		sqe = T_GET_SQE(ring);
		io_uring_prep_splice(sqe, in, 0, out, 0, 10, 0);
		EXPECT_EQ(OP_RUN(ring, sqe, 43), -EINVAL);
	}

	if (op_begin("pipe", IORING_OP_PIPE)) {
		int fds[2] = { -1, -1 };

		sqe = T_GET_SQE(ring);
		io_uring_prep_pipe(sqe, fds, O_CLOEXEC);
		res = OP_RUN(ring, sqe, 44);
		if (!op_unsupported_res("pipe", res)) {
			EXPECT_EQ(res, 0);
			CHECK(fds[0] >= 0 && fds[1] >= 0);
			EXPECT_EQ(write(fds[1], "xyz", 3), 3);
			memset(rbuf, 0, 4);
			EXPECT_EQ(read(fds[0], rbuf, 4), 3);
			EXPECT(memcmp(rbuf, "xyz", 3) == 0);
			EXPECT(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
			close(fds[0]);
			close(fds[1]);
		}
	}
	close(p1[0]);
	close(p1[1]);
	close(p2[0]);
	close(p2[1]);
	close(in);
	close(out);
}

static void test_provided_buffers(struct io_uring *ring)
{
	static unsigned char pool[4][256];
	struct io_uring_sqe *sqe;
	unsigned flags;
	__u64 ud;
	int p[2], res;

	if (!op_begin("provide_buffers", IORING_OP_PROVIDE_BUFFERS))
		return;
	CHECK_EQ(pipe(p), 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_provide_buffers(sqe, pool, 256, 4, 7, 100);
	res = OP_RUN(ring, sqe, 50);
	if (op_unsupported_res("provide_buffers", res)) {
		close(p[0]);
		close(p[1]);
		return;
	}
	EXPECT_EQ(res, 0);

	CHECK_EQ(write(p[1], "hello", 5), 5);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, p[0], NULL, 256, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, 7);
	io_uring_sqe_set_data64(sqe, 51);
	OP_SUBMIT(ring, 1);
	res = OP_WAIT(ring, &ud, &flags);
	EXPECT_EQ(res, 5);
	EXPECT(flags & IORING_CQE_F_BUFFER);
	{
		unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;

		EXPECT(bid >= 100 && bid < 104);
		if (bid >= 100 && bid < 104)
			EXPECT(memcmp(pool[bid - 100], "hello", 5) == 0);
	}
	/* 3 buffers left in group 7: removing 10 removes 3 */
	sqe = T_GET_SQE(ring);
	io_uring_prep_remove_buffers(sqe, 10, 7);
	EXPECT_EQ(OP_RUN(ring, sqe, 52), 3);
	/* a group that never existed */
	sqe = T_GET_SQE(ring);
	io_uring_prep_remove_buffers(sqe, 1, 77);
	EXPECT_EQ(OP_RUN(ring, sqe, 53), -ENOENT);

	if (op_begin("read_multishot", IORING_OP_READ_MULTISHOT)) {
		struct io_uring_buf_ring *br;
		static unsigned char bufs[8][64];
		int err, i, got = 0;

		br = io_uring_setup_buf_ring(ring, 8, 9, 0, &err);
		if (!br) {
			T_NOTE("setup_buf_ring = %d (%s), read_multishot skipped", err, t_err(err));
			op_ran--;
			op_skipped++;
		} else {
			for (i = 0; i < 8; i++)
				io_uring_buf_ring_add(br, bufs[i], 64, (unsigned short)i,
						      io_uring_buf_ring_mask(8), i);
			io_uring_buf_ring_advance(br, 8);
			sqe = T_GET_SQE(ring);
			io_uring_prep_read_multishot(sqe, p[0], 0, 0, 9);
			EXPECT_EQ(sqe->flags, IOSQE_BUFFER_SELECT);
			io_uring_sqe_set_data64(sqe, 54);
			OP_SUBMIT(ring, 1);
			for (i = 0; i < 2; i++) {
				CHECK_EQ(write(p[1], "abc", 3), 3);
				res = OP_WAIT(ring, &ud, &flags);
				EXPECT_EQ_U64(ud, 54);
				EXPECT_EQ(res, 3);
				EXPECT(flags & IORING_CQE_F_BUFFER);
				EXPECT(flags & IORING_CQE_F_MORE);
				if (res == 3 && memcmp(bufs[flags >> IORING_CQE_BUFFER_SHIFT], "abc", 3) == 0)
					got++;
			}
			EXPECT_EQ(got, 2);
			/* closing the write end ends the multishot read (res 0, no MORE) */
			close(p[1]);
			p[1] = -1;
			res = OP_WAIT(ring, &ud, &flags);
			EXPECT_EQ(res, 0);
			EXPECT(!(flags & IORING_CQE_F_MORE));
			io_uring_free_buf_ring(ring, br, 8, 9);
		}
	}
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
}

int main(void)
{
	struct io_uring ring;

	for (size_t i = 0; i < SZ; i++)
		wbuf[i] = (unsigned char)(i * 31 + (i >> 8));
	t_init(16, &ring, 0);
	op_probe_init(&ring);

	test_read_write(&ring);
	test_fixed_buffers(&ring);
	test_sync_alloc_trunc(&ring);
	test_splice_tee_pipe(&ring);
	test_provided_buffers(&ring);

	io_uring_queue_exit(&ring);
	return op_done();
}
