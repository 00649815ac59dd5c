/* liburing's local (static, never exported) header helpers, used the way code written
 * against liburing 2.15 uses them:
 *
 *   __io_uring_set_target_fixed_file  slot n stored as n + 1 in sqe->file_index
 *   __io_uring_prep_poll_mask         the mask as poll32_events holds it
 *   io_uring_skip_cqe                 consume F_SKIP fillers and, without EXT_ARG, the
 *                                     library's own timeout CQEs (negative res -> *err)
 *
 * io_uring_skip_cqe is checked on a hand-made ring first (every branch, exact head
 * movement), then on real rings: internal-timeout CQEs posted by the kernel, and a real
 * filler CQE on a CQE_MIXED ring when the kernel has them. */
#include "test.h"

#include <poll.h>

static void test_target_fixed_file(void)
{
	struct io_uring_sqe sqe, want;

	memset(&sqe, 0xab, sizeof(sqe));
	memcpy(&want, &sqe, sizeof(sqe));
	__io_uring_set_target_fixed_file(&sqe, 0);
	want.file_index = 1;
	EXPECT(memcmp(&sqe, &want, sizeof(sqe)) == 0);

	__io_uring_set_target_fixed_file(&sqe, 41);
	EXPECT_EQ(sqe.file_index, 42);
	/* unsigned arithmetic: the last slot number wraps to "no slot" */
	__io_uring_set_target_fixed_file(&sqe, 0xffffffffu);
	EXPECT_EQ(sqe.file_index, 0);
	/* only file_index (bytes 44..47) was written */
	want.file_index = 0;
	EXPECT(memcmp(&sqe, &want, sizeof(sqe)) == 0);

	/* the same encoding the _direct preparers use */
	io_uring_prep_close_direct(&want, 6);
	__io_uring_set_target_fixed_file(&sqe, 6);
	EXPECT_EQ(sqe.file_index, want.file_index);
}

static void test_poll_mask(void)
{
	static const unsigned masks[] = {
		0, POLLIN, POLLOUT, POLLIN | POLLOUT | POLLERR | POLLHUP,
		0x12345678u, 0xffff0000u, 0x0000ffffu, 0xffffffffu,
	};
	struct io_uring_sqe sqe;
	unsigned i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		unsigned m = masks[i];
		unsigned want = m;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		want = (m << 16) | (m >> 16);
#endif
		EXPECT_EQ_U64(__io_uring_prep_poll_mask(m), want);
		/* and what the exported preparer stores */
		memset(&sqe, 0, sizeof(sqe));
		io_uring_prep_poll_add(&sqe, 3, m);
		EXPECT_EQ_U64(sqe.poll32_events, __io_uring_prep_poll_mask(m));
	}
#if !(defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__)
	EXPECT_EQ_U64(__io_uring_prep_poll_mask(0x12345678u), 0x12345678u);
#endif
}

/* A CQ ring in ordinary memory: io_uring_skip_cqe reads the CQE and ring->features
 * and moves the head through io_uring_cq_advance(). */
struct fake_cq {
	struct io_uring ring;
	unsigned head, tail;
	struct io_uring_cqe cqes[8];
};

static void fake_init(struct fake_cq *f, unsigned features)
{
	memset(f, 0, sizeof(*f));
	f->ring.features = features;
	f->ring.cq.khead = &f->head;
	f->ring.cq.ktail = &f->tail;
	f->ring.cq.cqes = f->cqes;
	f->ring.cq.ring_mask = 7;
	f->ring.cq.ring_entries = 8;
	f->head = 100;
	f->tail = 108;
}

static struct io_uring_cqe *fake_head_cqe(struct fake_cq *f, __u64 ud, __s32 res,
					  __u32 flags)
{
	struct io_uring_cqe *cqe = &f->cqes[f->head & 7];

	cqe->user_data = ud;
	cqe->res = res;
	cqe->flags = flags;
	return cqe;
}

static void test_skip_cqe_fake(void)
{
	struct io_uring_cqe *cqe;
	struct fake_cq f;
	int err;

	for (int ext = 0; ext < 2; ext++) {
		unsigned features = ext ? IORING_FEAT_EXT_ARG : 0;

		/* an application CQE is never skipped nor consumed */
		fake_init(&f, features);
		cqe = fake_head_cqe(&f, 5, 0, 0);
		err = 0;
		EXPECT(!io_uring_skip_cqe(&f.ring, cqe, &err));
		EXPECT_EQ(f.head, 100);
		EXPECT_EQ(err, 0);
		cqe = fake_head_cqe(&f, 5, -EIO, IORING_CQE_F_MORE);
		EXPECT(!io_uring_skip_cqe(&f.ring, cqe, &err));
		EXPECT_EQ(f.head, 100);
		EXPECT_EQ(err, 0);

		/* a filler is consumed, with or without EXT_ARG */
		cqe = fake_head_cqe(&f, 0, 0, IORING_CQE_F_SKIP);
		EXPECT(io_uring_skip_cqe(&f.ring, cqe, &err));
		EXPECT_EQ(f.head, 101);
		EXPECT_EQ(err, 0);
		/* a 32-byte filler covers two slots */
		cqe = fake_head_cqe(&f, 0, 0, IORING_CQE_F_SKIP | IORING_CQE_F_32);
		EXPECT(io_uring_skip_cqe(&f.ring, cqe, &err));
		EXPECT_EQ(f.head, 103);
		EXPECT_EQ(err, 0);
		/* a filler while *err is already set: consumed, but "stop" */
		err = -EINTR;
		cqe = fake_head_cqe(&f, 0, 0, IORING_CQE_F_SKIP);
		EXPECT(!io_uring_skip_cqe(&f.ring, cqe, &err));
		EXPECT_EQ(f.head, 104);
		EXPECT_EQ(err, -EINTR);
	}

	/* With EXT_ARG the library queues no timeouts: LIBURING_UDATA_TIMEOUT is just
	 * another user_data. */
	fake_init(&f, IORING_FEAT_EXT_ARG);
	err = 0;
	cqe = fake_head_cqe(&f, LIBURING_UDATA_TIMEOUT, -ETIME, 0);
	EXPECT(!io_uring_skip_cqe(&f.ring, cqe, &err));
	EXPECT_EQ(f.head, 100);
	EXPECT_EQ(err, 0);

	/* Without EXT_ARG it is the library's timeout: consumed; a fired one (negative
	 * res) is reported through *err and ends the search. */
	fake_init(&f, 0);
	cqe = fake_head_cqe(&f, LIBURING_UDATA_TIMEOUT, 0, 0);
	EXPECT(io_uring_skip_cqe(&f.ring, cqe, &err));
	EXPECT_EQ(f.head, 101);
	EXPECT_EQ(err, 0);
	cqe = fake_head_cqe(&f, LIBURING_UDATA_TIMEOUT, -ETIME, 0);
	EXPECT(!io_uring_skip_cqe(&f.ring, cqe, &err));
	EXPECT_EQ(f.head, 102);
	EXPECT_EQ(err, -ETIME);
	/* the tail is the kernel's: never touched */
	EXPECT_EQ(f.tail, 108);
}

/* The CQE at the head of a real ring, without consuming it (NULL if none). */
static struct io_uring_cqe *head_cqe(struct io_uring *ring)
{
	unsigned head = *ring->cq.khead;
	unsigned shift = (ring->flags & IORING_SETUP_CQE32) ? 1 : 0;

	if (io_uring_cq_ready(ring) == 0)
		return NULL;
	return &ring->cq.cqes[(head & ring->cq.ring_mask) << shift];
}

static void test_skip_cqe_internal_timeouts(void)
{
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int err = 0;

	t_init(8, &ring, 0);
	/* As on a kernel without EXT_ARG (this one has it; the bit is what the helper
	 * consults). */
	ring.features &= ~IORING_FEAT_EXT_ARG;

	/* The kernel posts, in order: an application NOP, a NOP that looks like the
	 * library's timeout (res 0), and a library timeout that fired (-ETIME). */
	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 9);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, LIBURING_UDATA_TIMEOUT);
	sqe->flags |= IOSQE_IO_LINK;
	sqe = T_GET_SQE(&ring);
	io_uring_prep_timeout(sqe, &ts, 0, 0);
	io_uring_sqe_set_data64(sqe, LIBURING_UDATA_TIMEOUT);
	CHECK_EQ(io_uring_submit_and_wait(&ring, 3), 3);
	CHECK_EQ(io_uring_cq_ready(&ring), 3);

	cqe = head_cqe(&ring);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 9);
	EXPECT(!io_uring_skip_cqe(&ring, cqe, &err));
	EXPECT_EQ(io_uring_cq_ready(&ring), 3);
	io_uring_cqe_seen(&ring, cqe);

	cqe = head_cqe(&ring);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, LIBURING_UDATA_TIMEOUT);
	EXPECT_EQ(cqe->res, 0);
	EXPECT(io_uring_skip_cqe(&ring, cqe, &err));
	EXPECT_EQ(err, 0);
	EXPECT_EQ(io_uring_cq_ready(&ring), 1);

	cqe = head_cqe(&ring);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, LIBURING_UDATA_TIMEOUT);
	EXPECT_EQ(cqe->res, -ETIME);
	EXPECT(!io_uring_skip_cqe(&ring, cqe, &err));
	EXPECT_EQ(err, -ETIME);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	io_uring_queue_exit(&ring);
}

/* A real filler: on a CQE_MIXED ring a 32-byte CQE never wraps, so when only the
 * last slot is left the kernel posts an IORING_CQE_F_SKIP filler there first. */
static void test_skip_cqe_real_filler(void)
{
	struct io_uring_params p;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int ret, i, err = 0;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQE_MIXED | IORING_SETUP_CQSIZE;
	p.cq_entries = 4;
	ret = io_uring_queue_init_params(4, &ring, &p);
	if (ret == -EINVAL) {
		T_NOTE("no CQE_MIXED rings on this kernel: real filler not checked");
		return;
	}
	if (ret == -ENOSYS || ret == -EPERM)
		t_skip("io_uring not available (%s)", t_err(ret));
	CHECK_EQ(ret, 0);
	CHECK_EQ(ring.cq.ring_entries, 4);

	/* Three 16-byte CQEs, consumed: the head is on the last slot. */
	for (i = 0; i < 3; i++) {
		sqe = T_GET_SQE(&ring);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, 1);
	}
	CHECK_EQ(io_uring_submit_and_wait(&ring, 3), 3);
	CHECK_EQ(io_uring_cq_ready(&ring), 3);
	io_uring_cq_advance(&ring, 3);

	sqe = T_GET_SQE(&ring);
	io_uring_prep_nop(sqe);
	sqe->nop_flags = IORING_NOP_CQE32;
	io_uring_sqe_set_data64(sqe, 2);
	CHECK_EQ(io_uring_submit_and_wait(&ring, 1), 1);

	cqe = head_cqe(&ring);
	CHECK(cqe != NULL);
	if (!(cqe->flags & IORING_CQE_F_SKIP)) {
		/* A kernel without IORING_NOP_CQE32 completes the NOP with -EINVAL. */
		if (cqe->user_data == 2 && cqe->res == -EINVAL) {
			T_NOTE("no IORING_NOP_CQE32 on this kernel: real filler not checked");
			io_uring_queue_exit(&ring);
			return;
		}
		FAIL("expected a filler at the last slot, got user_data %llu res %d flags 0x%x",
		     (unsigned long long)cqe->user_data, cqe->res, cqe->flags);
	}
	/* 1 filler slot + 2 slots of the 32-byte CQE */
	EXPECT_EQ(io_uring_cq_ready(&ring), 3);
	EXPECT(io_uring_skip_cqe(&ring, cqe, &err));
	EXPECT_EQ(err, 0);
	EXPECT_EQ(io_uring_cq_ready(&ring), 2);

	cqe = head_cqe(&ring);
	CHECK(cqe != NULL);
	EXPECT_EQ_U64(cqe->user_data, 2);
	EXPECT(cqe->flags & IORING_CQE_F_32);
	EXPECT(!io_uring_skip_cqe(&ring, cqe, &err));
	EXPECT_EQ(io_uring_cq_ready(&ring), 2);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	io_uring_queue_exit(&ring);
}

int main(void)
{
	test_target_fixed_file();
	test_poll_mask();
	test_skip_cqe_fake();
	test_skip_cqe_internal_timeouts();
	test_skip_cqe_real_filler();
	return t_done();
}
