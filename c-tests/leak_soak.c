/*
 * Leak soak: many init/exit cycles across set-up flag combinations, with
 * registered resources on some of them, and nothing may be left behind.
 *
 * Each cycle sets a ring up with one configuration (default, CQSIZE, big
 * rings, SQE128|CQE32, NO_SQARRAY, COOP_TASKRUN, R_DISABLED + enable_rings,
 * SINGLE_ISSUER|DEFER_TASKRUN, NO_MMAP on memory the library maps, NO_MMAP on
 * caller memory through io_uring_queue_init_mem, REGISTERED_FD_ONLY, and
 * SQPOLL on one cycle in SQPOLL_EVERY), then adds a
 * random set of extras: a registered ring fd (sometimes with the real fd
 * closed afterwards), registered files (a table or a sparse table filled by
 * an update), registered buffers, a provided-buffer ring, an eventfd.  The
 * ring does real work through what was registered (a NOP; a write through a
 * fixed file; a read into a fixed buffer or a buffer picked from the buffer
 * ring, data checked; the eventfd counter), and then either unregisters
 * everything explicitly or leaves it to io_uring_queue_exit.
 *
 * Checked: after every cycle the fd count (/proc/self/fd) and the mapping
 * count (/proc/self/maps) equal those of the start; at the end RSS and the
 * malloc heap in use have grown by less than small bounds.
 *
 * URING_SOAK_CYCLES sets the number of cycles (default 10000; the long run
 * documented in docs/reliability.md uses 100000), URING_SOAK_SEED the seed
 * of the extras (default: time-based, printed).
 *
 * Under AddressSanitizer and valgrind (the "[asan+ubsan]" and "[valgrind
 * memcheck]" runs) the RSS and heap bounds are not checked: the tool's
 * shadow memory, quarantine and own allocations grow with use, and
 * mallinfo2() does not see the heap they manage.  LeakSanitizer or memcheck
 * checks the heap at exit instead; the plain run checks the bounds.
 *
 * c-test-asan: URING_SOAK_CYCLES=2000
 * c-test-memcheck: URING_SOAK_CYCLES=500
 */
#include "test.h"

#include <malloc.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>

#define DEFAULT_CYCLES 10000
#define SQPOLL_EVERY 50
/* Growth allowed over the whole run, after a warm-up that ran every config. */
#define RSS_BOUND_KB 1024
#define HEAP_BOUND_BYTES 4096

enum mode {
	M_INIT,		/* io_uring_queue_init(entries, flags) */
	M_PARAMS,	/* io_uring_queue_init_params */
	M_ENABLE,	/* R_DISABLED, then io_uring_enable_rings */
	/*
	 * io_uring_queue_init_mem on a mapping made for the cycle and unmapped
	 * after io_uring_queue_exit.  Not one buffer reused every cycle: the
	 * kernel tears a ring down asynchronously after its fd is closed and may
	 * still write the old CQ tail into caller memory then (see
	 * docs/reliability.md), so reusing that memory at once for the next
	 * ring is a race in the caller.  Unmapping is safe: the kernel keeps
	 * its pinned pages, and a new mapping gets new ones.
	 */
	M_MEM_FRESH,
};

struct cfg {
	const char *name;
	unsigned flags;
	unsigned entries;
	unsigned cq_entries;
	enum mode mode;
	int supported;		/* filled by the warm-up */
	unsigned long cycles;	/* how often it ran */
	uint64_t ns;		/* and for how long */
};

static struct cfg cfgs[] = {
	{ "default", 0, 8, 0, M_INIT, 0, 0, 0 },
	{ "CQSIZE", IORING_SETUP_CQSIZE, 8, 64, M_PARAMS, 0, 0, 0 },
	{ "big(1024/4096)", IORING_SETUP_CQSIZE, 1024, 4096, M_PARAMS, 0, 0, 0 },
	{ "SQE128|CQE32", IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 16, 0, M_INIT, 0, 0, 0 },
	{ "NO_SQARRAY", IORING_SETUP_NO_SQARRAY, 8, 0, M_PARAMS, 0, 0, 0 },
	{ "COOP_TASKRUN|TASKRUN_FLAG", IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG, 8, 0, M_INIT, 0, 0, 0 },
	{ "R_DISABLED+enable_rings", IORING_SETUP_R_DISABLED, 8, 0, M_ENABLE, 0, 0, 0 },
	{ "SINGLE_ISSUER|DEFER_TASKRUN", IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, 8, 0, M_INIT, 0, 0, 0 },
	{ "NO_MMAP(library memory)", IORING_SETUP_NO_MMAP, 8, 0, M_PARAMS, 0, 0, 0 },
	{ "NO_MMAP(caller memory)", IORING_SETUP_NO_MMAP, 8, 0, M_MEM_FRESH, 0, 0, 0 },
	{ "NO_MMAP|DEFER_TASKRUN(caller memory)", IORING_SETUP_NO_MMAP | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN, 64, 0, M_MEM_FRESH, 0, 0, 0 },
	{ "NO_MMAP|SQE128|CQE32(caller memory)", IORING_SETUP_NO_MMAP | IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 32, 0, M_MEM_FRESH, 0, 0, 0 },
	{ "REGISTERED_FD_ONLY|NO_MMAP(caller memory)", IORING_SETUP_REGISTERED_FD_ONLY | IORING_SETUP_NO_MMAP, 8, 0, M_MEM_FRESH, 0, 0, 0 },
	/* Last: picked only on one cycle in SQPOLL_EVERY. */
	{ "SQPOLL", IORING_SETUP_SQPOLL, 8, 0, M_PARAMS, 0, 0, 0 },
};
#define NCFG ((int)(sizeof(cfgs) / sizeof(cfgs[0])))
#define SQPOLL_CFG (NCFG - 1)

enum extra {
	E_RINGFD = 1 << 0,	/* io_uring_register_ring_fd */
	E_CLOSE_RINGFD = 1 << 1,	/* ... then io_uring_close_ring_fd */
	E_FILES = 1 << 2,	/* io_uring_register_files */
	E_FILES_SPARSE = 1 << 3,	/* ... as a sparse table + update */
	E_BUFS = 1 << 4,	/* io_uring_register_buffers */
	E_BUFRING = 1 << 5,	/* io_uring_setup_buf_ring */
	E_EVENTFD = 1 << 6,	/* io_uring_register_eventfd */
	E_UNREGISTER = 1 << 7,	/* unregister explicitly before exit */
	E_ALL = (1 << 8) - 1,
};

#define MEM_SIZE (64 * 1024)
static char fixed_buf[2][4096] __attribute__((aligned(4096)));
#define BR_ENTRIES 8
#define BR_BUF 64
static char br_bufs[BR_ENTRIES][BR_BUF];

static int pipe_fds[2];
static int have_reg_reg_ring = -1;
static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

/* Wait (5 s at most) for one CQE and check it; returns its res through *res. */
static int reap_one(struct io_uring *ring, __u64 ud, int *res, unsigned *flags, const char *what)
{
	struct __kernel_timespec ts = { .tv_sec = 5, .tv_nsec = 0 };
	struct io_uring_cqe *cqe = NULL;
	int ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);

	if (ret != 0 || !cqe) {
		fprintf(stderr, "%s: wait_cqe_timeout = %d (%s)\n", what, ret, t_err(ret));
		return -1;
	}
	if (cqe->user_data != ud) {
		fprintf(stderr, "%s: user_data 0x%llx, expected 0x%llx\n", what,
			(unsigned long long)cqe->user_data, (unsigned long long)ud);
		io_uring_cqe_seen(ring, cqe);
		return -1;
	}
	*res = cqe->res;
	if (flags)
		*flags = cqe->flags;
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

static int submit_one(struct io_uring *ring, const char *what)
{
	int ret = io_uring_submit(ring);

	/* Under SQPOLL the count is what the SQ thread has not taken yet: 0 is fine. */
	if (ret < 1 && !(ret == 0 && (ring->flags & IORING_SETUP_SQPOLL))) {
		fprintf(stderr, "%s: submit = %d (%s)\n", what, ret, t_err(ret));
		return -1;
	}
	return 0;
}

/* Retry a registration that the kernel's lazy teardown of earlier rings
 * (pinned-page accounting for non-root users) may refuse with -ENOMEM. */
static unsigned long enomem_retries;

static int set_up(struct cfg *c, struct io_uring *ring, void **fresh)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = c->flags;
	p.cq_entries = c->cq_entries;
	*fresh = NULL;
	switch (c->mode) {
	case M_INIT:
		return io_uring_queue_init(c->entries, ring, c->flags);
	case M_PARAMS:
		return io_uring_queue_init_params(c->entries, ring, &p);
	case M_ENABLE:
		ret = io_uring_queue_init_params(c->entries, ring, &p);
		if (ret)
			return ret;
		ret = io_uring_enable_rings(ring);
		if (ret) {
			io_uring_queue_exit(ring);
			return ret == -EINVAL ? -EIO : ret;
		}
		return 0;
	case M_MEM_FRESH:
		*fresh = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (*fresh == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		ret = io_uring_queue_init_mem(c->entries, ring, &p, *fresh, MEM_SIZE);
		if (ret <= 0) {
			munmap(*fresh, MEM_SIZE);
			*fresh = NULL;
		}
		return ret > 0 ? 0 : ret == 0 ? -EIO : ret;
	}
	return -EINVAL;
}

/*
 * One cycle.  Returns 0 on success, -1 after printing the failure.
 */
static int cycle(unsigned long n, struct cfg *c, unsigned extras)
{
	struct io_uring ring;
	struct io_uring_buf_ring *br = NULL;
	void *fresh;
	int efd = -1, ret, res;
	unsigned cflags;
	int rc = 0, files_registered = 0, bufs_registered = 0, ringfd_registered = 0;
	int bgid = (int)(n % 4096);
	uint64_t token = 0x5eed000000000000ull | n, got;
	char what[160];

	snprintf(what, sizeof(what), "cycle %lu [%s, extras 0x%x]", n, c->name, extras);
	ret = set_up(c, &ring, &fresh);
	if (ret) {
		fprintf(stderr, "%s: set-up = %d (%s)\n", what, ret, t_err(ret));
		return -1;
	}

	if (extras & E_RINGFD) {
		ret = io_uring_register_ring_fd(&ring);
		if (c->flags & IORING_SETUP_REGISTERED_FD_ONLY) {
			/* Registered by set-up already. */
			if (ret != -EEXIST) {
				fprintf(stderr, "%s: register_ring_fd on a REGISTERED_FD_ONLY ring = %d, expected -EEXIST\n",
					what, ret);
				rc = -1;
			}
		} else if (ret != 1) {
			fprintf(stderr, "%s: register_ring_fd = %d (%s), expected 1\n", what, ret, t_err(ret));
			rc = -1;
		} else {
			ringfd_registered = 1;
		}
		if (ringfd_registered && (extras & E_CLOSE_RINGFD) && have_reg_reg_ring) {
			ret = io_uring_close_ring_fd(&ring);
			if (ret != 1 || ring.ring_fd != -1) {
				fprintf(stderr, "%s: close_ring_fd = %d (%s), ring_fd %d\n",
					what, ret, t_err(ret), ring.ring_fd);
				rc = -1;
			}
		}
	}

	if (rc == 0 && (extras & E_FILES)) {
		int files[4] = { pipe_fds[0], pipe_fds[1], -1, -1 };

		if (extras & E_FILES_SPARSE) {
			ret = io_uring_register_files_sparse(&ring, 16);
			if (ret == 0) {
				ret = io_uring_register_files_update(&ring, 0, files, 2);
				ret = ret == 2 ? 0 : ret < 0 ? ret : -EIO;
			}
		} else {
			ret = io_uring_register_files(&ring, files, 4);
		}
		if (ret) {
			fprintf(stderr, "%s: register files = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		} else {
			files_registered = 1;
		}
	}
	if (rc == 0 && (extras & E_BUFS)) {
		struct iovec iov[2] = {
			{ fixed_buf[0], sizeof(fixed_buf[0]) },
			{ fixed_buf[1], sizeof(fixed_buf[1]) },
		};

		for (int tries = 0; tries < 1000; tries++) {
			ret = io_uring_register_buffers(&ring, iov, 2);
			if (ret != -ENOMEM)
				break;
			enomem_retries++;
			t_sleep_ms(1);
		}
		if (ret) {
			fprintf(stderr, "%s: register_buffers = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		} else {
			bufs_registered = 1;
		}
	}
	if (rc == 0 && (extras & E_BUFRING)) {
		br = io_uring_setup_buf_ring(&ring, BR_ENTRIES, bgid, 0, &ret);
		if (!br) {
			fprintf(stderr, "%s: setup_buf_ring = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		} else {
			for (int i = 0; i < BR_ENTRIES; i++)
				io_uring_buf_ring_add(br, br_bufs[i], BR_BUF, (unsigned short)i,
						      io_uring_buf_ring_mask(BR_ENTRIES), i);
			io_uring_buf_ring_advance(br, BR_ENTRIES);
		}
	}
	if (rc == 0 && (extras & E_EVENTFD)) {
		efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efd < 0) {
			perror("eventfd");
			exit(1);
		}
		ret = io_uring_register_eventfd(&ring, efd);
		if (ret) {
			fprintf(stderr, "%s: register_eventfd = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		}
	}

	/* Work through what was registered. */
	if (rc == 0 && t_nop_roundtrip(&ring, 0x1000 + n, what))
		rc = -1;
	if (rc == 0 && efd >= 0) {
		/* The kernel may signal the eventfd a little after the CQE is
		 * visible (from the SQPOLL thread, or deferred through RCU). */
		struct pollfd pfd = { .fd = efd, .events = POLLIN };
		uint64_t v = 0;

		if (poll(&pfd, 1, 5000) != 1 || read(efd, &v, sizeof(v)) != sizeof(v) || v == 0) {
			fprintf(stderr, "%s: eventfd not signalled within 5 s of a completion\n", what);
			rc = -1;
		}
	}
	if (rc == 0 && (extras & (E_FILES | E_BUFS | E_BUFRING))) {
		struct io_uring_sqe *sqe;
		void *dst = &got;

		/* Put the token in the pipe: through fixed file 1 when files are registered. */
		if (files_registered) {
			sqe = T_GET_SQE(&ring);
			io_uring_prep_write(sqe, 1, &token, sizeof(token), 0);
			io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
			sqe->user_data = 1;
			if (submit_one(&ring, what) || reap_one(&ring, 1, &res, NULL, what))
				rc = -1;
			else if (res != (int)sizeof(token)) {
				fprintf(stderr, "%s: fixed-file write = %d (%s)\n", what, res, t_err(res));
				rc = -1;
			}
		} else if (write(pipe_fds[1], &token, sizeof(token)) != sizeof(token)) {
			perror("write pipe");
			exit(1);
		}
		/* Read it back: into a fixed buffer, a ring buffer, or with read(2). */
		if (rc == 0 && (bufs_registered || br)) {
			sqe = T_GET_SQE(&ring);
			if (bufs_registered) {
				dst = fixed_buf[n & 1];
				io_uring_prep_read_fixed(sqe, pipe_fds[0], dst, sizeof(token), 0,
							 (int)(n & 1));
			} else {
				io_uring_prep_read(sqe, pipe_fds[0], NULL, sizeof(token), 0);
				io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
				sqe->buf_group = (__u16)bgid;
			}
			sqe->user_data = 2;
			cflags = 0;
			if (submit_one(&ring, what) || reap_one(&ring, 2, &res, &cflags, what)) {
				rc = -1;
			} else if (res != (int)sizeof(token)) {
				fprintf(stderr, "%s: read back = %d (%s)\n", what, res, t_err(res));
				rc = -1;
			} else if (!bufs_registered) {
				unsigned bid = cflags >> IORING_CQE_BUFFER_SHIFT;

				if (!(cflags & IORING_CQE_F_BUFFER) || bid >= BR_ENTRIES) {
					fprintf(stderr, "%s: read with buffer select: cqe flags 0x%x\n",
						what, cflags);
					rc = -1;
				} else {
					dst = br_bufs[bid];
				}
			}
		} else if (rc == 0 && read(pipe_fds[0], &got, sizeof(got)) != sizeof(got)) {
			perror("read pipe");
			exit(1);
		}
		if (rc == 0 && memcmp(dst, &token, sizeof(token)) != 0) {
			fprintf(stderr, "%s: read back the wrong bytes\n", what);
			rc = -1;
		}
	}

	if (extras & E_UNREGISTER) {
		if (efd >= 0 && (ret = io_uring_unregister_eventfd(&ring)) != 0) {
			fprintf(stderr, "%s: unregister_eventfd = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		}
		if (br && (ret = io_uring_free_buf_ring(&ring, br, BR_ENTRIES, bgid)) != 0) {
			fprintf(stderr, "%s: free_buf_ring = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		} else {
			br = NULL;
		}
		if (bufs_registered && (ret = io_uring_unregister_buffers(&ring)) != 0) {
			fprintf(stderr, "%s: unregister_buffers = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		}
		if (files_registered && (ret = io_uring_unregister_files(&ring)) != 0) {
			fprintf(stderr, "%s: unregister_files = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		}
		if (ringfd_registered && (ret = io_uring_unregister_ring_fd(&ring)) != 1) {
			fprintf(stderr, "%s: unregister_ring_fd = %d (%s)\n", what, ret, t_err(ret));
			rc = -1;
		}
	}
	io_uring_queue_exit(&ring);
	/* A buffer ring left registered went with the ring; its memory is ours. */
	if (br)
		munmap(br, BR_ENTRIES * sizeof(struct io_uring_buf));
	if (efd >= 0)
		close(efd);
	if (fresh) {
		/* The caller's memory is still the caller's after exit. */
		memset(fresh, 0xa5, MEM_SIZE);
		munmap(fresh, MEM_SIZE);
	}
	return rc;
}

static unsigned pick_extras(void)
{
	unsigned e = 0;

	uint64_t r = rnd();

	if (r & 1)
		e |= E_RINGFD;
	if ((r >> 1 & 3) == 0)
		e |= E_CLOSE_RINGFD;
	if ((r >> 3) % 3 == 0)
		e |= E_FILES;
	if (r >> 8 & 1)
		e |= E_FILES_SPARSE;
	if ((r >> 9) % 3 == 0)
		e |= E_BUFS;
	if ((r >> 14) % 3 == 0)
		e |= E_BUFRING;
	if ((r >> 19 & 3) == 0)
		e |= E_EVENTFD;
	if (r >> 21 & 1)
		e |= E_UNREGISTER;
	if (!(e & E_RINGFD))
		e &= ~E_CLOSE_RINGFD;
	if (!(e & E_FILES))
		e &= ~E_FILES_SPARSE;
	return e;
}

int main(void)
{
	struct io_uring ring;
	unsigned long cycles = t_env_ulong("URING_SOAK_CYCLES", DEFAULT_CYCLES);
	uint64_t seed = t_env_ulong("URING_SOAK_SEED", 0);
	unsigned long counts[2][8] = { { 0 } };	/* [unregistered explicitly][extra bit] */
	int fds0, maps0, fds, maps, supported = 0;
	long rss0, rss1, hwm1;
	size_t heap0, heap1;
	uint64_t t0, el;
	struct rlimit rl;

	t_init(8, &ring, 0);
	have_reg_reg_ring = !!(ring.features & IORING_FEAT_REG_REG_RING);
	io_uring_queue_exit(&ring);
	if (pipe2(pipe_fds, O_CLOEXEC)) {
		perror("pipe2");
		return 1;
	}
	if (!seed)
		seed = t_now_ns() | 1;
	rng_state = seed;
	printf("seed %llu (replay with URING_SOAK_SEED=%llu)\n",
	       (unsigned long long)seed, (unsigned long long)seed);
	if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		printf("RLIMIT_MEMLOCK %llu KiB\n", (unsigned long long)rl.rlim_cur / 1024);

	/*
	 * Warm-up: every configuration with every extra, twice (with and
	 * without explicit unregistration), so that lazily allocated state in
	 * libc and the library exists before the baseline is taken.  A
	 * configuration the kernel refuses is skipped with a note.
	 */
	for (int i = 0; i < NCFG; i++) {
		struct cfg *c = &cfgs[i];
		void *fresh;
		int ret = set_up(c, &ring, &fresh);

		if (ret == -EINVAL || (ret == -EPERM && (c->flags & IORING_SETUP_SQPOLL))) {
			printf("  %-40s not supported here (%s): left out\n", c->name, t_err(ret));
			continue;
		}
		if (ret) {
			fprintf(stderr, "[%s] set-up = %d (%s)\n", c->name, ret, t_err(ret));
			return 1;
		}
		io_uring_queue_exit(&ring);
		if (fresh)
			munmap(fresh, MEM_SIZE);
		c->supported = 1;
		supported++;
		if (cycle(0, c, E_ALL) || cycle(0, c, E_ALL & ~E_UNREGISTER) ||
		    cycle(0, c, 0))
			return 1;
	}
	if (supported < 2)
		t_skip("only %d ring configurations are supported here", supported);
	if (!cfgs[0].supported)
		t_skip("the default ring configuration is refused");

	fds0 = t_count_fds();
	maps0 = t_count_maps();
	rss0 = t_status_kb("VmRSS");
	heap0 = mallinfo2().uordblks;
	t0 = t_now_ns();
	for (unsigned long n = 1; n <= cycles; n++) {
		int ci;
		unsigned extras = pick_extras();

		if (n % SQPOLL_EVERY == 0 && cfgs[SQPOLL_CFG].supported) {
			ci = SQPOLL_CFG;
		} else {
			do
				ci = (int)(rnd() % (SQPOLL_CFG));
			while (!cfgs[ci].supported);
		}
		uint64_t c0 = t_now_ns();

		if (cycle(n, &cfgs[ci], extras)) {
			fprintf(stderr, "FAILED at cycle %lu (seed %llu)\n", n,
				(unsigned long long)seed);
			return 1;
		}
		cfgs[ci].cycles++;
		cfgs[ci].ns += t_now_ns() - c0;
		for (int b = 0; b < 8; b++)
			if (extras & (1u << b))
				counts[!!(extras & E_UNREGISTER)][b]++;
		fds = t_count_fds();
		maps = t_count_maps();
		if (fds != fds0 || maps != maps0) {
			fprintf(stderr, "cycle %lu [%s, extras 0x%x]: %d fds and %d mappings after exit, %d and %d at the start (seed %llu)\n",
				n, cfgs[ci].name, extras, fds, maps, fds0, maps0,
				(unsigned long long)seed);
			return 1;
		}
		if (n % 10000 == 0)
			printf("  %lu cycles, %.1f s, VmRSS %ld KiB\n", n,
			       (double)(t_now_ns() - t0) / 1e9, t_status_kb("VmRSS"));
	}
	el = t_now_ns() - t0;
	rss1 = t_status_kb("VmRSS");
	heap1 = mallinfo2().uordblks;
	hwm1 = t_status_kb("VmHWM");

	printf("%lu cycles in %.2f s (%.1f us/cycle)\n", cycles, (double)el / 1e9,
	       (double)el / 1e3 / (double)cycles);
	for (int i = 0; i < NCFG; i++)
		if (cfgs[i].supported)
			printf("  %-42s %6lu cycles, %6.1f us/cycle\n", cfgs[i].name,
			       cfgs[i].cycles,
			       cfgs[i].cycles ? (double)cfgs[i].ns / 1e3 / (double)cfgs[i].cycles : 0.0);
	printf("  extras (explicitly unregistered / left to exit): ring fd %lu/%lu, closed ring fd %lu/%lu, files %lu/%lu (sparse %lu/%lu), buffers %lu/%lu, buffer ring %lu/%lu, eventfd %lu/%lu\n",
	       counts[1][0], counts[0][0], counts[1][1], counts[0][1], counts[1][2], counts[0][2],
	       counts[1][3], counts[0][3], counts[1][4], counts[0][4], counts[1][5], counts[0][5],
	       counts[1][6], counts[0][6]);
	printf("fds %d -> %d, mappings %d -> %d, VmRSS %ld -> %ld KiB (VmHWM %ld), heap in use %zu -> %zu bytes, ENOMEM retries %lu\n",
	       fds0, t_count_fds(), maps0, t_count_maps(), rss0, rss1, hwm1, heap0, heap1,
	       enomem_retries);

	EXPECT_EQ(t_count_fds(), fds0);
	EXPECT_EQ(t_count_maps(), maps0);
	if (T_ASAN || t_on_valgrind()) {
		printf("note: RSS and heap bounds not checked under %s (it checks the heap at exit)\n",
		       T_ASAN ? "AddressSanitizer" : "valgrind");
	} else if (rss1 - rss0 > RSS_BOUND_KB) {
		fprintf(stderr, "VmRSS grew by %ld KiB (bound %d KiB)\n", rss1 - rss0, RSS_BOUND_KB);
		t_failures++;
	}
	if (!T_ASAN && !t_on_valgrind() && heap1 > heap0 && heap1 - heap0 > HEAP_BOUND_BYTES) {
		fprintf(stderr, "heap in use grew by %zu bytes (bound %d)\n", heap1 - heap0,
			HEAP_BOUND_BYTES);
		t_failures++;
	}
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	return t_done();
}
