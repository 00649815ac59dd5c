/*
 * Set up and tear down a ring with every setup flag (alone or in the
 * combination it needs).  Each configuration either works -- and a NOP
 * makes a round trip -- or the kernel refuses it with -EINVAL, which is
 * reported as a per-flag skip.  Any other outcome is a failure.
 */
#include "test.h"

enum mode { M_PLAIN, M_ENABLE_RINGS, M_INIT_MEM, M_ATTACH_WQ };

struct cfg {
	const char *name;
	unsigned flags;
	unsigned entries;
	unsigned cq_entries;	/* for CQSIZE */
	unsigned sq_thread_idle;
	unsigned sq_thread_cpu;
	enum mode mode;
};

static const struct cfg cfgs[] = {
	{ "none", 0, 8, 0, 0, 0, M_PLAIN },
	{ "IOPOLL", IORING_SETUP_IOPOLL, 8, 0, 0, 0, M_PLAIN },
	{ "SQPOLL", IORING_SETUP_SQPOLL, 8, 0, 0, 0, M_PLAIN },
	{ "SQPOLL|SQ_AFF(cpu 0)", IORING_SETUP_SQPOLL | IORING_SETUP_SQ_AFF, 8, 0, 0, 0, M_PLAIN },
	{ "SQPOLL(idle 50ms)", IORING_SETUP_SQPOLL, 8, 0, 50, 0, M_PLAIN },
	{ "SQPOLL|IOPOLL", IORING_SETUP_SQPOLL | IORING_SETUP_IOPOLL, 8, 0, 0, 0, M_PLAIN },
	{ "CQSIZE(4x)", IORING_SETUP_CQSIZE, 8, 32, 0, 0, M_PLAIN },
	{ "CLAMP(1<<20 entries)", IORING_SETUP_CLAMP, 1u << 20, 0, 0, 0, M_PLAIN },
	{ "CQSIZE|CLAMP(cq 1<<24)", IORING_SETUP_CQSIZE | IORING_SETUP_CLAMP, 8, 1u << 24, 0, 0, M_PLAIN },
	{ "ATTACH_WQ", IORING_SETUP_ATTACH_WQ, 8, 0, 0, 0, M_ATTACH_WQ },
	{ "R_DISABLED+enable_rings", IORING_SETUP_R_DISABLED, 8, 0, 0, 0, M_ENABLE_RINGS },
	{ "SUBMIT_ALL", IORING_SETUP_SUBMIT_ALL, 8, 0, 0, 0, M_PLAIN },
	{ "COOP_TASKRUN", IORING_SETUP_COOP_TASKRUN, 8, 0, 0, 0, M_PLAIN },
	{ "COOP_TASKRUN|TASKRUN_FLAG", IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, 8, 0, 0, 0, M_PLAIN },
	{ "SQE128", IORING_SETUP_SQE128, 8, 0, 0, 0, M_PLAIN },
	{ "CQE32", IORING_SETUP_CQE32, 8, 0, 0, 0, M_PLAIN },
	{ "SQE128|CQE32", IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 8, 0, 0, 0, M_PLAIN },
	{ "SINGLE_ISSUER", IORING_SETUP_SINGLE_ISSUER, 8, 0, 0, 0, M_PLAIN },
	{ "SINGLE_ISSUER|DEFER_TASKRUN", IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, 8, 0, 0, 0, M_PLAIN },
	{ "NO_SQARRAY", IORING_SETUP_NO_SQARRAY, 8, 0, 0, 0, M_PLAIN },
	{ "CQE_MIXED", IORING_SETUP_CQE_MIXED, 8, 0, 0, 0, M_PLAIN },
	{ "SQE_MIXED", IORING_SETUP_SQE_MIXED, 8, 0, 0, 0, M_PLAIN },
	{ "SQ_REWIND", IORING_SETUP_SQ_REWIND, 8, 0, 0, 0, M_PLAIN },
	{ "IOPOLL|HYBRID_IOPOLL", IORING_SETUP_IOPOLL | IORING_SETUP_HYBRID_IOPOLL, 8, 0, 0, 0, M_PLAIN },
	{ "NO_MMAP(init_mem)", IORING_SETUP_NO_MMAP, 8, 0, 0, 0, M_INIT_MEM },
	{ "REGISTERED_FD_ONLY|NO_MMAP(init_mem)", IORING_SETUP_REGISTERED_FD_ONLY | IORING_SETUP_NO_MMAP, 8, 0, 0, 0, M_INIT_MEM },
	{ "SINGLE_ISSUER|DEFER_TASKRUN|NO_MMAP(init_mem)", IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_NO_MMAP, 8, 0, 0, 0, M_INIT_MEM },
};

#define MEM_SIZE (2u << 20)

static int accepted_no_sqarray = -1;

/* Returns 0 = works, 1 = refused with -EINVAL (skip), -1 = failure. */
static int run_cfg(const struct cfg *c)
{
	struct io_uring_params p;
	struct io_uring ring, wq_ring;
	int have_wq_ring = 0;
	void *mem = NULL;
	int fds_before = t_count_fds();
	int maps_before = t_count_maps();
	int ret, rc = 0;

	memset(&p, 0, sizeof(p));
	p.flags = c->flags;
	p.cq_entries = c->cq_entries;
	p.sq_thread_idle = c->sq_thread_idle;
	p.sq_thread_cpu = c->sq_thread_cpu;

	if (c->mode == M_INIT_MEM) {
		mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			perror("mmap");
			return -1;
		}
	}
	if (c->mode == M_ATTACH_WQ) {
		ret = io_uring_queue_init(8, &wq_ring, 0);
		if (ret) {
			fprintf(stderr, "[%s] first ring: %d (%s)\n", c->name, ret, t_err(ret));
			return -1;
		}
		have_wq_ring = 1;
		p.wq_fd = (unsigned)wq_ring.ring_fd;
	}

#if !T_NEW_API
	/*
	 * Libraries older than 2.5 don't know NO_SQARRAY: they would write
	 * the SQ index array over the ring header.  Nothing to test there.
	 */
	if (c->flags & IORING_SETUP_NO_SQARRAY) {
		printf("  %-45s skipped: NO_SQARRAY needs a 2.5+ header\n", c->name);
		return 1;
	}
#endif
	if (c->mode == M_INIT_MEM) {
#if T_NEW_API
		ret = io_uring_queue_init_mem(c->entries, &ring, &p, mem, MEM_SIZE);
		if (ret > 0 && (size_t)ret > MEM_SIZE) {
			fprintf(stderr, "[%s] init_mem used %d bytes of %u\n", c->name, ret, MEM_SIZE);
			rc = -1;
		}
		if (ret > 0)
			ret = 0;
		else if (ret == 0) {
			fprintf(stderr, "[%s] init_mem returned 0, expected bytes used\n", c->name);
			rc = -1;
		}
#else
		printf("  %-45s skipped: io_uring_queue_init_mem needs a 2.5+ header\n", c->name);
		munmap(mem, MEM_SIZE);
		return 1;
#endif
	} else {
		ret = io_uring_queue_init_params(c->entries, &ring, &p);
	}

	if (ret == -EINVAL ||
	    (ret == -EPERM && (c->flags & IORING_SETUP_SQPOLL))) {
		printf("  %-45s skipped: kernel refused (%s)\n", c->name, t_err(ret));
		if (c->flags == IORING_SETUP_NO_SQARRAY)
			accepted_no_sqarray = 0;
		if (have_wq_ring)
			io_uring_queue_exit(&wq_ring);
		if (mem)
			munmap(mem, MEM_SIZE);
		return 1;
	}
	if (ret != 0) {
		fprintf(stderr, "[%s] init: %d (%s), expected 0 or -EINVAL\n",
			c->name, ret, t_err(ret));
		if (have_wq_ring)
			io_uring_queue_exit(&wq_ring);
		return -1;
	}
	if (c->flags == IORING_SETUP_NO_SQARRAY)
		accepted_no_sqarray = 1;

	/* The flags that were asked for are all in ring.flags and p.flags. */
	if ((ring.flags & c->flags) != c->flags) {
		fprintf(stderr, "[%s] ring.flags 0x%x lacks requested 0x%x\n",
			c->name, ring.flags, c->flags);
		rc = -1;
	}
	if (ring.flags != p.flags) {
		fprintf(stderr, "[%s] ring.flags 0x%x != params.flags 0x%x\n",
			c->name, ring.flags, p.flags);
		rc = -1;
	}
	if (ring.features != p.features) {
		fprintf(stderr, "[%s] ring.features 0x%x != params.features 0x%x\n",
			c->name, ring.features, p.features);
		rc = -1;
	}
	if (ring.sq.ring_entries != p.sq_entries || ring.cq.ring_entries != p.cq_entries ||
	    ring.sq.ring_mask != p.sq_entries - 1 || ring.cq.ring_mask != p.cq_entries - 1) {
		fprintf(stderr, "[%s] sq %u/%u cq %u/%u vs params sq %u cq %u\n", c->name,
			ring.sq.ring_entries, ring.sq.ring_mask, ring.cq.ring_entries,
			ring.cq.ring_mask, p.sq_entries, p.cq_entries);
		rc = -1;
	}
	if (c->flags & IORING_SETUP_CQSIZE) {
		unsigned want = c->cq_entries;

		if (want > 65536)	/* CLAMP caps it */
			want = 65536;
		if (ring.cq.ring_entries != want) {
			fprintf(stderr, "[%s] cq entries %u, expected %u\n",
				c->name, ring.cq.ring_entries, want);
			rc = -1;
		}
	} else if (ring.cq.ring_entries != 2 * ring.sq.ring_entries) {
		fprintf(stderr, "[%s] cq entries %u, expected 2 * %u\n",
			c->name, ring.cq.ring_entries, ring.sq.ring_entries);
		rc = -1;
	}
	if (c->flags & IORING_SETUP_CLAMP && c->entries > 32768 &&
	    ring.sq.ring_entries != 32768) {
		fprintf(stderr, "[%s] clamped sq entries %u, expected 32768\n",
			c->name, ring.sq.ring_entries);
		rc = -1;
	}
	if (!(c->flags & IORING_SETUP_CLAMP) && ring.sq.ring_entries != c->entries) {
		fprintf(stderr, "[%s] sq entries %u, expected %u\n",
			c->name, ring.sq.ring_entries, c->entries);
		rc = -1;
	}
	if (c->flags & IORING_SETUP_REGISTERED_FD_ONLY) {
		if (ring.ring_fd != -1) {
			fprintf(stderr, "[%s] ring_fd %d, expected -1\n", c->name, ring.ring_fd);
			rc = -1;
		}
		if (t_count_fds() != fds_before) {
			fprintf(stderr, "[%s] fd count %d, expected %d (no ring fd installed)\n",
				c->name, t_count_fds(), fds_before);
			rc = -1;
		}
	} else if (ring.ring_fd < 0) {
		fprintf(stderr, "[%s] ring_fd %d\n", c->name, ring.ring_fd);
		rc = -1;
	}
#if T_NEW_API
	if ((ring.flags & IORING_SETUP_NO_SQARRAY) && ring.sq.array != NULL) {
		fprintf(stderr, "[%s] NO_SQARRAY ring has sq.array %p\n",
			c->name, (void *)ring.sq.array);
		rc = -1;
	}
	if (!(ring.flags & IORING_SETUP_NO_SQARRAY) && ring.sq.array == NULL) {
		fprintf(stderr, "[%s] ring with SQ array has sq.array NULL\n", c->name);
		rc = -1;
	}
	if (c->mode == M_INIT_MEM && (void *)ring.sq.sqes != mem) {
		fprintf(stderr, "[%s] sqes %p, expected the caller buffer %p\n",
			c->name, (void *)ring.sq.sqes, mem);
		rc = -1;
	}
#endif

	if (c->mode == M_ENABLE_RINGS) {
		/* A disabled ring refuses submission until enabled. */
		struct io_uring_sqe *sqe = T_GET_SQE(&ring);

		io_uring_prep_nop(sqe);
		ret = io_uring_submit(&ring);
		if (ret != -EBADFD) {
			fprintf(stderr, "[%s] submit on disabled ring: %d (%s), expected -EBADFD\n",
				c->name, ret, t_err(ret));
			rc = -1;
		}
#if T_NEW_API
		ret = io_uring_enable_rings(&ring);
#else
		/* 2.3 declares io_uring_enable_rings but does not export it. */
		ret = io_uring_register((unsigned)ring.ring_fd,
					IORING_REGISTER_ENABLE_RINGS, NULL, 0);
#endif
		if (ret != 0) {
			fprintf(stderr, "[%s] io_uring_enable_rings: %d (%s)\n", c->name, ret, t_err(ret));
			rc = -1;
		}
		/* The NOP queued above is still pending: submit and reap it. */
		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret != 1) {
			fprintf(stderr, "[%s] submit after enable: %d (%s)\n", c->name, ret, t_err(ret));
			rc = -1;
		} else {
			io_uring_cq_advance(&ring, io_uring_cq_ready(&ring));
		}
	}

	for (int i = 0; i < 3 && rc == 0; i++) {
		char what[128];

		snprintf(what, sizeof(what), "[%s] NOP #%d", c->name, i);
		if (t_nop_roundtrip(&ring, 0x1000 + (unsigned)i, what))
			rc = -1;
	}

	/* More NOPs than SQ entries, to wrap the rings (small rings only). */
	if (rc == 0 && ring.sq.ring_entries <= 8) {
		for (unsigned i = 0; i < 3 * ring.sq.ring_entries; i++) {
			char what[128];

			snprintf(what, sizeof(what), "[%s] wrap NOP #%u", c->name, i);
			if (t_nop_roundtrip(&ring, 0xabc00000u + i, what)) {
				rc = -1;
				break;
			}
		}
	}

	io_uring_queue_exit(&ring);
	if (have_wq_ring)
		io_uring_queue_exit(&wq_ring);

	if (c->mode == M_INIT_MEM) {
		/* The caller's memory is still ours after queue_exit. */
		memset(mem, 0x5a, MEM_SIZE);
		munmap(mem, MEM_SIZE);
	}
	if (t_count_fds() != fds_before) {
		fprintf(stderr, "[%s] fd count %d after exit, expected %d\n",
			c->name, t_count_fds(), fds_before);
		rc = -1;
	}
	if (t_count_maps() != maps_before) {
		fprintf(stderr, "[%s] /proc/self/maps has %d lines after exit, expected %d\n",
			c->name, t_count_maps(), maps_before);
		rc = -1;
	}
	if (rc == 0)
		printf("  %-45s ok (sq %u, cq %u, flags 0x%x)\n", c->name,
		       p.sq_entries, p.cq_entries, p.flags);
	return rc;
}

int main(void)
{
	struct io_uring ring;
	int failed = 0, worked = 0;

	t_init(8, &ring, 0);
	io_uring_queue_exit(&ring);

	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		int r = run_cfg(&cfgs[i]);

		if (r < 0) {
			fprintf(stderr, "FAILED: %s\n", cfgs[i].name);
			failed++;
		} else if (r == 0) {
			worked++;
		}
	}

	/*
	 * io_uring_queue_init adds NO_SQARRAY by itself (2.6+) whenever the
	 * kernel accepts it, and then there is no SQ array.
	 */
#if T_NEW_API
	if (accepted_no_sqarray == 1) {
		struct io_uring_params p;

		t_init(8, &ring, 0);
		EXPECT(ring.flags & IORING_SETUP_NO_SQARRAY);
		EXPECT(ring.sq.array == NULL);
		io_uring_queue_exit(&ring);

		memset(&p, 0, sizeof(p));
		CHECK_EQ(io_uring_queue_init_params(8, &ring, &p), 0);
		EXPECT(p.flags & IORING_SETUP_NO_SQARRAY);
		EXPECT(ring.flags & IORING_SETUP_NO_SQARRAY);
		EXPECT(ring.sq.array == NULL);
		EXPECT_EQ(t_nop_roundtrip(&ring, 7, "default ring"), 0);
		io_uring_queue_exit(&ring);
	} else {
		printf("  kernel lacks NO_SQARRAY: default-init check skipped\n");
	}
#endif
	/* Entries are rounded up to a power of two. */
	{
		struct io_uring_params p;

		memset(&p, 0, sizeof(p));
		CHECK_EQ(io_uring_queue_init_params(5, &ring, &p), 0);
		EXPECT_EQ(ring.sq.ring_entries, 8);
		EXPECT_EQ(p.sq_entries, 8);
		EXPECT_EQ(ring.cq.ring_entries, 16);
		io_uring_queue_exit(&ring);
	}

	printf("%d configurations worked, %d failed\n", worked, failed);
	if (failed)
		return 1;
	return t_done();
}
