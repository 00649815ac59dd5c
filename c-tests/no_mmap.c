/*
 * io_uring_queue_init_mem: the rings live in caller memory
 * (IORING_SETUP_NO_MMAP).  It returns the bytes used, refuses a too-small
 * buffer with -ENOMEM, and queue_exit leaves the caller's memory alone.
 */
#include "test.h"

#define BUF_SZ (2u << 20)

#if !T_NEW_API
int main(void)
{
	t_skip("io_uring_queue_init_mem needs a liburing 2.5+ header");
}
#else

static void *map_buf(size_t sz)
{
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

static void one(unsigned entries, unsigned extra_flags)
{
	struct io_uring_params p, psize;
	struct io_uring ring;
	unsigned char *buf = map_buf(BUF_SZ);
	int fds = t_count_fds();
	ssize_t expect;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = extra_flags;
	ret = io_uring_queue_init_mem(entries, &ring, &p, buf, BUF_SZ);
	if (ret == -EINVAL) {
		printf("note: kernel refused NO_MMAP ring (entries %u, flags 0x%x)\n", entries, extra_flags);
		munmap(buf, BUF_SZ);
		if (entries == 8 && !extra_flags)
			t_skip("kernel has no IORING_SETUP_NO_MMAP");
		return;
	}
	if (ret <= 0)
		FAIL("init_mem(%u): %d (%s), expected bytes used", entries, ret, t_err(ret));
	CHECK(ret <= (int)BUF_SZ);
	EXPECT_EQ(ret % 4096, 0);
	EXPECT(p.flags & IORING_SETUP_NO_MMAP);
	EXPECT(ring.flags & IORING_SETUP_NO_MMAP);

	/* Same size rules as io_uring_memory_size_params. */
	memset(&psize, 0, sizeof(psize));
	psize.flags = p.flags;
	expect = io_uring_memory_size_params(entries, &psize);
	EXPECT_EQ(ret, expect);

	/* The SQEs are at the start of the buffer, the rings after them. */
	EXPECT((void *)ring.sq.sqes == (void *)buf);
	EXPECT((unsigned char *)ring.sq.ring_ptr >= buf + (size_t)entries * 64 * ((p.flags & IORING_SETUP_SQE128) ? 2 : 1));
	EXPECT((unsigned char *)ring.sq.ring_ptr < buf + ret);
	EXPECT((unsigned char *)ring.cq.cqes < buf + ret);
	EXPECT((unsigned char *)ring.sq.khead >= buf && (unsigned char *)ring.sq.khead < buf + ret);
	EXPECT((unsigned char *)ring.cq.ktail >= buf && (unsigned char *)ring.cq.ktail < buf + ret);
	EXPECT_EQ(ring.sq.ring_entries, entries);

	for (unsigned i = 0; i < 3 * entries && i < 100; i++)
		CHECK_EQ(t_nop_roundtrip(&ring, 77000 + i, "no_mmap NOP"), 0);

	io_uring_queue_exit(&ring);
	EXPECT_EQ(t_count_fds(), fds);
	/* Still mapped and writable: this would fault if exit unmapped it. */
	memset(buf, 0xa5, BUF_SZ);
	EXPECT_EQ(buf[BUF_SZ - 1], 0xa5);
	CHECK_EQ(munmap(buf, BUF_SZ), 0);
	printf("note: entries %u flags 0x%x: %d bytes used\n", entries, extra_flags, ret);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_params p;
	unsigned char *buf;
	int ret;

	t_init(8, &ring, 0);
	io_uring_queue_exit(&ring);

	one(8, 0);
	one(64, 0);
	one(256, 0);
	one(8, IORING_SETUP_SQE128);
	one(8, IORING_SETUP_CQE32);

	/* Too small: -ENOMEM, and nothing happens to the buffer. */
	buf = map_buf(BUF_SZ);
	memset(buf, 0x11, 4096);
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(8, &ring, &p, buf, 4096);
	EXPECT_EQ(ret, -ENOMEM);
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(256, &ring, &p, buf, 16384);
	EXPECT_EQ(ret, -ENOMEM);

	/* Exactly the size it needs is enough. */
	memset(&p, 0, sizeof(p));
	ret = io_uring_queue_init_mem(8, &ring, &p, buf, BUF_SZ);
	CHECK(ret > 0);
	io_uring_queue_exit(&ring);
	{
		int need = ret;

		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_mem(8, &ring, &p, buf, (size_t)need);
		EXPECT_EQ(ret, need);
		if (ret > 0) {
			EXPECT_EQ(t_nop_roundtrip(&ring, 5, "exact-size buffer"), 0);
			io_uring_queue_exit(&ring);
		}
		memset(&p, 0, sizeof(p));
		ret = io_uring_queue_init_mem(8, &ring, &p, buf, (size_t)need - 1);
		EXPECT_EQ(ret, -ENOMEM);
	}
	munmap(buf, BUF_SZ);
	return t_done();
}
#endif
