/*
 * Provided-buffer ring setup and teardown through the C API: bad counts and
 * flags fail with the kernel's error and leave no mapping behind, a group id
 * in use gives -EEXIST, a double free gets -ENOENT without touching memory,
 * io_uring_register_buf_ring works on caller memory, and
 * io_uring_buf_ring_add never overwrites the tail that shares entry 0.
 */
#include "test.h"

static T_UNUSED void expect_setup_fails(struct io_uring *ring, unsigned n, int bgid,
			       unsigned flags, int want)
{
#if T_NEW_API
	int maps = t_count_maps();
	int err = 12345;
	struct io_uring_buf_ring *br = io_uring_setup_buf_ring(ring, n, bgid, flags, &err);

	if (br) {
		t_report(__FILE__, __LINE__, "setup_buf_ring(%u, %d, 0x%x) succeeded", n, bgid, flags);
		t_failures++;
		return;
	}
	if (err != want) {
		t_report(__FILE__, __LINE__, "setup_buf_ring(%u, %d, 0x%x): err %d (%s), expected %d (%s)",
			 n, bgid, flags, err, t_err(err), want, t_err(want));
		t_failures++;
	}
	EXPECT_EQ(t_count_maps(), maps);
#else
	(void)ring; (void)n; (void)bgid; (void)flags; (void)want;
#endif
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_buf_reg reg;
	struct io_uring_buf *bufs;
	struct io_uring_buf_ring *br;
	void *mem;
	int ret;

	t_init(4, &ring, 0);

	/* Caller memory: register_buf_ring on a page of our own. */
	mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED);
	br = mem;
	bufs = mem;
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long)mem;
	reg.ring_entries = 8;
	reg.bgid = 4;
	ret = io_uring_register_buf_ring(&ring, &reg, 0);
	if (ret == -EINVAL)
		t_skip("provided-buffer rings not supported");
	CHECK_EQ(ret, 0);
#if T_NEW_API
	EXPECT_EQ(reg.flags, 0);
#endif
	EXPECT_EQ(io_uring_register_buf_ring(&ring, &reg, 0), -EEXIST);

	/* add() at entry 0 leaves the tail (bufs[0].resv) alone. */
	io_uring_buf_ring_init(br);
	io_uring_buf_ring_advance(br, 5);
	io_uring_buf_ring_add(br, (void *)0x1000, 77, 42, io_uring_buf_ring_mask(8), 3);
	EXPECT_EQ(br->tail, 5);
	EXPECT_EQ(bufs[0].resv, 5);
	EXPECT_EQ_U64(bufs[0].addr, 0x1000);
	EXPECT_EQ(bufs[0].len, 77);
	EXPECT_EQ(bufs[0].bid, 42);
	io_uring_buf_ring_add(br, (void *)0x2000, 88, 43, io_uring_buf_ring_mask(8), 0);
	EXPECT_EQ_U64(bufs[5].addr, 0x2000);
	EXPECT_EQ(bufs[5].bid, 43);
	io_uring_buf_ring_init(br);
	EXPECT_EQ(br->tail, 0);
	EXPECT_EQ_U64(bufs[0].addr, 0x1000);
	EXPECT_EQ(io_uring_unregister_buf_ring(&ring, 4), 0);
	EXPECT_EQ(io_uring_unregister_buf_ring(&ring, 4), -ENOENT);
	munmap(mem, 4096);

	ret = io_uring_register_buf_ring(&ring, NULL, 0);
	EXPECT(ret == -EFAULT || ret == -EINVAL);

#if T_NEW_API
	{
		int err = 1, maps;
		uint16_t head;

		/* Bad counts and flags: the kernel's error, no mapping left behind. */
		expect_setup_fails(&ring, 0, 1, 0, -EINVAL);
		expect_setup_fails(&ring, 3, 1, 0, -EINVAL);
		expect_setup_fails(&ring, 65536, 1, 0, -EINVAL);
		expect_setup_fails(&ring, 8, 1, 0x8000, -EINVAL);
		EXPECT_EQ(io_uring_unregister_buf_ring(&ring, 1), -ENOENT);

		maps = t_count_maps();
		br = io_uring_setup_buf_ring(&ring, 8, 1, 0, &err);
		CHECK(br != NULL);
		EXPECT_EQ(err, 0);
		EXPECT_EQ(br->tail, 0);
		expect_setup_fails(&ring, 8, 1, 0, -EEXIST);
		EXPECT_EQ(io_uring_buf_ring_head(&ring, 1, &head), 0);
		EXPECT_EQ(head, 0);
		EXPECT_EQ(io_uring_buf_ring_available(&ring, br, 1), 0);

		/* Double free: the second call fails in the kernel and touches nothing. */
		EXPECT_EQ(io_uring_free_buf_ring(&ring, br, 8, 1), 0);
		EXPECT_EQ(t_count_maps(), maps);
		EXPECT_EQ(io_uring_free_buf_ring(&ring, br, 8, 1), -ENOENT);
		EXPECT_EQ(io_uring_buf_ring_head(&ring, 1, &head), -ENOENT);
		EXPECT_EQ(io_uring_buf_ring_available(&ring, br, 1), -ENOENT);
	}
#endif
	io_uring_queue_exit(&ring);
	return t_done();
}
