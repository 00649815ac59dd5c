/*
 * Registered ring fd: register/unregister return 1, double register is
 * -EEXIST, unregister when not registered is -EINVAL, close_ring_fd
 * keeps the ring usable through the registered index, and nothing leaks.
 */
#include "test.h"

int main(void)
{
	struct io_uring ring;
	int fds0 = t_count_fds();
	int fds_ring, ret, real_fd;

	t_init(8, &ring, 0);
	fds_ring = t_count_fds();
	EXPECT_EQ(fds_ring, fds0 + 1);
	real_fd = ring.ring_fd;
	EXPECT_EQ(ring.enter_ring_fd, ring.ring_fd);

	ret = io_uring_register_ring_fd(&ring);
	if (ret == -EINVAL || ret == -EOPNOTSUPP)
		t_skip("kernel cannot register ring fds (%s)", t_err(ret));
	CHECK_EQ(ret, 1);
	EXPECT_EQ(ring.ring_fd, real_fd);
	CHECK_EQ(t_nop_roundtrip(&ring, 1, "registered"), 0);

#if T_NEW_API
	/* (2.3 had neither check: it registered a second slot.) */
	EXPECT_EQ(io_uring_register_ring_fd(&ring), -EEXIST);
	CHECK_EQ(t_nop_roundtrip(&ring, 2, "after -EEXIST"), 0);
#endif

	EXPECT_EQ(io_uring_unregister_ring_fd(&ring), 1);
	EXPECT_EQ(ring.enter_ring_fd, ring.ring_fd);
#if T_NEW_API
	EXPECT_EQ(io_uring_unregister_ring_fd(&ring), -EINVAL);
#endif
	CHECK_EQ(t_nop_roundtrip(&ring, 3, "unregistered"), 0);

	/* Register / unregister cycles. */
	for (int i = 0; i < 50; i++) {
		CHECK_EQ(io_uring_register_ring_fd(&ring), 1);
		CHECK_EQ(t_nop_roundtrip(&ring, 100 + (unsigned)i, "cycle"), 0);
		CHECK_EQ(io_uring_unregister_ring_fd(&ring), 1);
	}
	EXPECT_EQ(t_count_fds(), fds_ring);

	CHECK_EQ(io_uring_register_ring_fd(&ring), 1);

#if T_NEW_API
	ret = io_uring_close_ring_fd(&ring);
	if (ret == -EOPNOTSUPP) {
		EXPECT(!(ring.features & IORING_FEAT_REG_REG_RING));
		printf("note: close_ring_fd not supported by the kernel (no FEAT_REG_REG_RING)\n");
	} else {
		struct io_uring_probe *probe;

		CHECK_EQ(ret, 1);
		EXPECT_EQ(ring.ring_fd, -1);
		EXPECT_EQ(t_count_fds(), fds0);
		EXPECT_EQ(fcntl(real_fd, F_GETFD), -1);
		EXPECT_EQ(io_uring_close_ring_fd(&ring), -EBADF);
		for (unsigned i = 0; i < 20; i++)
			CHECK_EQ(t_nop_roundtrip(&ring, 200 + i, "fd closed"), 0);
		/* register wrappers use the registered index too */
		probe = io_uring_get_probe_ring(&ring);
		EXPECT(probe != NULL);
		if (probe) {
			EXPECT(io_uring_opcode_supported(probe, IORING_OP_NOP));
			io_uring_free_probe(probe);
		}
		/* timed waits too */
		{
			struct __kernel_timespec ts = { 0, 5000000 };
			struct io_uring_cqe *cqe;

			EXPECT_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
		}
	}
#else
	printf("note: io_uring_close_ring_fd needs a 2.4+ header\n");
#endif

	io_uring_queue_exit(&ring);
	EXPECT_EQ(t_count_fds(), fds0);

	/* Exit while still registered (ring fd open) leaks nothing either. */
	t_init(8, &ring, 0);
	CHECK_EQ(io_uring_register_ring_fd(&ring), 1);
	CHECK_EQ(t_nop_roundtrip(&ring, 9, "registered, exit"), 0);
	io_uring_queue_exit(&ring);
	EXPECT_EQ(t_count_fds(), fds0);

#if T_NEW_API
	/* close_ring_fd without registering first: -EINVAL (or -EOPNOTSUPP). */
	t_init(8, &ring, 0);
	ret = io_uring_close_ring_fd(&ring);
	if (ring.features & IORING_FEAT_REG_REG_RING)
		EXPECT_EQ(ret, -EINVAL);
	else
		EXPECT_EQ(ret, -EOPNOTSUPP);
	EXPECT(ring.ring_fd >= 0);
	io_uring_queue_exit(&ring);
	EXPECT_EQ(t_count_fds(), fds0);
#endif
	return t_done();
}
