/*
 * 10,000 init/exit cycles leak neither file descriptors nor mappings.
 */
#include "test.h"

#define CYCLES 10000

int main(void)
{
	struct io_uring ring;
	int fds, maps;
	uint64_t t0, el;

	/* Warm up (lazy allocations in libc etc.). */
	t_init(8, &ring, 0);
	CHECK_EQ(t_nop_roundtrip(&ring, 1, "warm-up"), 0);
	io_uring_queue_exit(&ring);

	fds = t_count_fds();
	maps = t_count_maps();
	t0 = t_now_ns();
	for (int i = 0; i < CYCLES; i++) {
		int ret = io_uring_queue_init(8, &ring, 0);

		if (ret)
			FAIL("cycle %d: io_uring_queue_init = %d (%s)", i, ret, t_err(ret));
		if (i % 1000 == 0 && t_nop_roundtrip(&ring, (__u64)i, "cycle NOP"))
			FAIL("cycle %d: NOP failed", i);
		io_uring_queue_exit(&ring);
	}
	el = t_now_ns() - t0;
	printf("note: %d cycles in %.2f s\n", CYCLES, (double)el / 1e9);
	EXPECT_EQ(t_count_fds(), fds);
	EXPECT_EQ(t_count_maps(), maps);

	/* Same with a registered ring fd and with params. */
	for (int i = 0; i < 1000; i++) {
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = 64;
		CHECK_EQ(io_uring_queue_init_params(8, &ring, &p), 0);
		CHECK_EQ(io_uring_register_ring_fd(&ring), 1);
		io_uring_queue_exit(&ring);
	}
	EXPECT_EQ(t_count_fds(), fds);
	EXPECT_EQ(t_count_maps(), maps);

	/* Failed inits leak nothing. */
	for (int i = 0; i < 1000; i++) {
		CHECK_EQ(io_uring_queue_init(0, &ring, 0), -EINVAL);
		CHECK_EQ(io_uring_queue_init(8, &ring, 1u << 31), -EINVAL);
	}
	EXPECT_EQ(t_count_fds(), fds);
	EXPECT_EQ(t_count_maps(), maps);

	/* Probes are freed. */
	for (int i = 0; i < 1000; i++) {
		struct io_uring_probe *probe = io_uring_get_probe();

		CHECK(probe != NULL);
		io_uring_free_probe(probe);
	}
	EXPECT_EQ(t_count_fds(), fds);
	EXPECT_EQ(t_count_maps(), maps);

#if T_NEW_API
	{
		static char buf[64 * 1024] __attribute__((aligned(4096)));

		for (int i = 0; i < 1000; i++) {
			struct io_uring_params p;
			int ret;

			memset(&p, 0, sizeof(p));
			ret = io_uring_queue_init_mem(8, &ring, &p, buf, sizeof(buf));
			if (ret == -EINVAL)
				break;	/* kernel without NO_MMAP */
			CHECK(ret > 0);
			io_uring_queue_exit(&ring);
		}
		EXPECT_EQ(t_count_fds(), fds);
		EXPECT_EQ(t_count_maps(), maps);
	}
#endif
	return t_done();
}
