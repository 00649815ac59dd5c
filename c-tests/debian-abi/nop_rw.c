/*
 * Built against Debian's liburing 2.3 headers (its inline get_sqe,
 * peek_cqe, cqe_seen, prep_* and the old for_each_cqe macro) and run with
 * our liburing.so.2: init, NOPs, file write + read, timed waits, exit.
 */
#include "../test.h"

#define SZ (64 * 1024)

int main(void)
{
	static unsigned char wbuf[SZ], rbuf[SZ];
	struct __kernel_timespec ts10 = { 0, 10000000 };
	struct __kernel_timespec ts1s = { 1, 0 };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char path[] = "/tmp/uring-abi-XXXXXX";
	int fds0, fd, ret;
	unsigned head, count;
	uint64_t t0;

	t_require_lib_under_test();
	fds0 = t_count_fds();

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret == -ENOSYS)
		t_skip("io_uring not available");
	CHECK_EQ(ret, 0);
	EXPECT_EQ(ring.sq.ring_entries, 8);
	EXPECT_EQ(ring.cq.ring_entries, 16);

	/* NOP round trip with the old inline code */
	sqe = io_uring_get_sqe(&ring);
	CHECK(sqe != NULL);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0x1122334455667788ULL);
	CHECK_EQ(io_uring_submit(&ring), 1);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT_EQ(cqe->res, 0);
	EXPECT_EQ_U64(cqe->user_data, 0x1122334455667788ULL);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	EXPECT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);

	/* SQ full with the old inline get_sqe */
	for (int i = 0; i < 8; i++) {
		sqe = io_uring_get_sqe(&ring);
		CHECK(sqe != NULL);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, (__u64)i);
	}
	CHECK(io_uring_get_sqe(&ring) == NULL);
	CHECK_EQ(io_uring_submit_and_wait(&ring, 8), 8);
	count = 0;
	io_uring_for_each_cqe(&ring, head, cqe) {
		EXPECT_EQ_U64(cqe->user_data, count);
		count++;
	}
	EXPECT_EQ(count, 8);
	io_uring_cq_advance(&ring, count);

	/* file write + read back */
	for (size_t i = 0; i < SZ; i++)
		wbuf[i] = (unsigned char)(i * 31 + 7);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	unlink(path);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, wbuf, SZ, 0);
	io_uring_sqe_set_data64(sqe, 100);
	CHECK_EQ(io_uring_submit(&ring), 1);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 100);
	EXPECT_EQ(cqe->res, SZ);
	io_uring_cqe_seen(&ring, cqe);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, SZ, 0);
	io_uring_sqe_set_data64(sqe, 101);
	CHECK_EQ(io_uring_submit(&ring), 1);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 101);
	EXPECT_EQ(cqe->res, SZ);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT(memcmp(wbuf, rbuf, SZ) == 0);
	close(fd);

	/* timed waits */
	t0 = t_now_ns();
	EXPECT_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts10), -ETIME);
	EXPECT(t_now_ns() - t0 >= 9500000ull);
	for (int i = 0; i < 2; i++) {
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 200 + (unsigned)i);
	}
	cqe = NULL;
	EXPECT_EQ(io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts1s, NULL), 2);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 200);
	io_uring_cqe_seen(&ring, cqe);
	CHECK_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts1s), 0);
	EXPECT_EQ_U64(cqe->user_data, 201);
	io_uring_cqe_seen(&ring, cqe);

	/* peek_batch */
	{
		struct io_uring_cqe *batch[8];

		for (int i = 0; i < 3; i++) {
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, 300 + (unsigned)i);
		}
		CHECK_EQ(io_uring_submit(&ring), 3);
		CHECK_EQ(io_uring_peek_batch_cqe(&ring, batch, 8), 3);
		for (unsigned i = 0; i < 3; i++)
			EXPECT_EQ_U64(batch[i]->user_data, 300 + i);
		io_uring_cq_advance(&ring, 3);
	}

	/* registered ring fd through the old inline paths */
	CHECK_EQ(io_uring_register_ring_fd(&ring), 1);
	CHECK_EQ(t_nop_roundtrip(&ring, 400, "registered"), 0);
	EXPECT_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts10), -ETIME);
	CHECK_EQ(io_uring_unregister_ring_fd(&ring), 1);

	io_uring_queue_exit(&ring);
	EXPECT_EQ(t_count_fds(), fds0);
	return t_done();
}
