/*
 * Small library entry points: ring_dontfork, mlock_size, memory_size,
 * submit_and_get_events, get_events, sqring_wait, probes, set_iowait,
 * queue_mmap on a raw setup fd.
 *
 * The ring_dontfork child must die of SIGSEGV: AddressSanitizer is told not to
 * catch it (memcheck does not see the mapping go, and lets the signal through).
 * c-test-asan-options: handle_segv=0
 */
#include "test.h"

int main(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring_probe *probe;
	ssize_t sz;
	int ret;

	t_init(8, &ring, 0);

	/* ring_dontfork: 0; a child then can't touch the rings, parent still can. */
	EXPECT_EQ(io_uring_ring_dontfork(&ring), 0);
	{
		pid_t pid;
		int status;

		fflush(stdout);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			/* The SQ ring is not mapped in the child: this faults. */
			volatile unsigned h = *ring.sq.khead;
			(void)h;
			_exit(0);
		}
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	}
	CHECK_EQ(t_nop_roundtrip(&ring, 1, "after dontfork"), 0);

	/* mlock_size: 0 on kernels with FEAT_NATIVE_WORKERS, else the size. */
	sz = io_uring_mlock_size(8, 0);
	if (ring.features & IORING_FEAT_NATIVE_WORKERS)
		EXPECT_EQ(sz, 0);
	else
		EXPECT(sz > 0);
	{
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		sz = io_uring_mlock_size_params(8, &p);
		EXPECT(sz >= 0);
	}

#if T_NEW_API
	/* memory_size: page multiples, growing with entries */
	{
		ssize_t a = io_uring_memory_size(8, 0);
		ssize_t b = io_uring_memory_size(4096, 0);
		ssize_t c = io_uring_memory_size(8, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
		struct io_uring_params p;

		EXPECT(a > 0);
		EXPECT_EQ(a % 4096, 0);
		/* 8 SQEs: one page of SQEs + one page for 64 B + 16 CQEs (+ array) */
		EXPECT_EQ(a, 8192);
		EXPECT(b > a);
		EXPECT_EQ(b % 4096, 0);
		/* 4096 SQEs = 256 KiB; 8192 CQEs = 128 KiB + header (+ array 16 KiB) */
		EXPECT(b >= 262144 + 131072 + 64);
		EXPECT(c >= a);
		EXPECT_EQ(io_uring_memory_size(0, 0), -EINVAL);
		EXPECT_EQ(io_uring_memory_size(65536, 0), -EINVAL);
		EXPECT(io_uring_memory_size(65536, IORING_SETUP_CLAMP) > 0);
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 0;
		EXPECT_EQ(io_uring_memory_size_params(8, &p), -EINVAL);
		p.cq_entries = 4;
		EXPECT_EQ(io_uring_memory_size_params(8, &p), -EINVAL);
		p.cq_entries = 1024;
		sz = io_uring_memory_size_params(8, &p);
		EXPECT(sz >= 4096 + 1024 * 16);
		EXPECT_EQ(sz % 4096, 0);
	}
#endif

	/* submit_and_get_events: submits, and enters even with nothing to submit */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 2);
	EXPECT_EQ(io_uring_submit_and_get_events(&ring), 1);
	EXPECT_EQ(io_uring_cq_ready(&ring), 1);
	EXPECT_EQ(io_uring_submit_and_get_events(&ring), 0);
	CHECK_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 2);
	io_uring_cqe_seen(&ring, cqe);

	/* get_events with nothing pending: 0 */
	EXPECT_EQ(io_uring_get_events(&ring), 0);

	/* sqring_wait on a non-SQPOLL ring: 0 at once */
	EXPECT_EQ(io_uring_sqring_wait(&ring), 0);

	/* probes */
	probe = io_uring_get_probe_ring(&ring);
	CHECK(probe != NULL);
	EXPECT(probe->last_op >= IORING_OP_READ);
	EXPECT(io_uring_opcode_supported(probe, IORING_OP_NOP));
	EXPECT(io_uring_opcode_supported(probe, IORING_OP_READ));
	EXPECT(!io_uring_opcode_supported(probe, probe->last_op + 1));
	EXPECT(!io_uring_opcode_supported(probe, 255));
	io_uring_free_probe(probe);
	probe = io_uring_get_probe();
	CHECK(probe != NULL);
	EXPECT(io_uring_opcode_supported(probe, IORING_OP_NOP));
	io_uring_free_probe(probe);

#if T_NEW_API
	/* set_iowait: 0, or -EOPNOTSUPP without FEAT_NO_IOWAIT */
	ret = io_uring_set_iowait(&ring, false);
	if (ring.features & IORING_FEAT_NO_IOWAIT) {
		struct __kernel_timespec ts = { 0, 2000000 };

		EXPECT_EQ(ret, 0);
		CHECK_EQ(t_nop_roundtrip(&ring, 3, "no iowait"), 0);
		EXPECT_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
		EXPECT_EQ(io_uring_set_iowait(&ring, true), 0);
		CHECK_EQ(t_nop_roundtrip(&ring, 4, "iowait again"), 0);
	} else {
		EXPECT_EQ(ret, -EOPNOTSUPP);
	}
#endif
	io_uring_queue_exit(&ring);

	/* queue_mmap over a raw io_uring_setup fd */
	{
		struct io_uring_params p;
		int fd;

		memset(&p, 0, sizeof(p));
		fd = io_uring_setup(8, &p);
		CHECK(fd >= 0);
		ret = io_uring_queue_mmap(fd, &p, &ring);
		CHECK_EQ(ret, 0);
		EXPECT_EQ(ring.ring_fd, fd);
		EXPECT_EQ(ring.sq.ring_entries, 8);
		EXPECT_EQ(ring.cq.ring_entries, 16);
		EXPECT_EQ(ring.flags, p.flags);
#if T_NEW_API
		EXPECT_EQ(ring.features, p.features);	/* (2.3 left it 0) */
#endif
		/* queue_mmap does not fill the SQ array: do it ourselves */
		if (ring.sq.array) {
			for (unsigned i = 0; i < ring.sq.ring_entries; i++)
				ring.sq.array[i] = i;
		}
		CHECK_EQ(t_nop_roundtrip(&ring, 5, "queue_mmap ring"), 0);
		io_uring_queue_exit(&ring);
		EXPECT_EQ(fcntl(fd, F_GETFD), -1);	/* exit closed it */
	}

	/* queue_mmap of 128-byte SQEs and 32-byte CQEs: the slot strides come from the
	 * params' flags. Three NOPs in one batch land in slots 0-2, and their CQEs must
	 * come back in order: a 64-byte SQE stride would put the second NOP in the upper
	 * half of slot 0, a 16-byte CQE stride would read the second CQE from the first
	 * one's extra half. */
	{
		struct io_uring_params p;
		struct io_uring_sqe *sqe;
		int fd;

		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
		fd = io_uring_setup(8, &p);
		CHECK(fd >= 0);
		CHECK_EQ(io_uring_queue_mmap(fd, &p, &ring), 0);
		EXPECT_EQ(ring.flags, p.flags);
		if (ring.sq.array) {
			for (unsigned i = 0; i < ring.sq.ring_entries; i++)
				ring.sq.array[i] = i;
		}
		for (unsigned i = 0; i < 3; i++) {
			sqe = T_GET_SQE(&ring);
			EXPECT_EQ_U64((uint64_t)((char *)sqe - (char *)ring.sq.sqes), 128u * i);
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data64(sqe, 20 + i);
		}
		CHECK_EQ(io_uring_submit_and_wait(&ring, 3), 3);
		for (unsigned i = 0; i < 3; i++) {
			CHECK_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
			EXPECT_EQ_U64((uint64_t)((char *)cqe - (char *)ring.cq.cqes), 32u * i);
			EXPECT_EQ_U64(cqe->user_data, 20 + i);
			EXPECT_EQ(cqe->res, 0);
			io_uring_cqe_seen(&ring, cqe);
		}
		io_uring_queue_exit(&ring);
	}
	return t_done();
}
