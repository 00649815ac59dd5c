/*
 * io_uring blocked by seccomp, as container runtimes and systemd's
 * SystemCallFilter= do it: io_uring_setup, io_uring_enter and
 * io_uring_register fail with ENOSYS ("no such call") or EPERM.  In one
 * child process per errno (a seccomp filter cannot be removed), every entry
 * point must return that error, without crashing and without leaking an fd
 * or a mapping:
 *
 *   - io_uring_setup, io_uring_queue_init, _params (plain, SQPOLL, CQSIZE,
 *     NO_MMAP) and io_uring_queue_init_mem return -errno;
 *   - io_uring_get_probe returns NULL;
 *   - io_uring_mlock_size returns the computed ring size, as liburing does
 *     when its throw-away ring cannot be created (it assumes an old kernel);
 *   - register calls, io_uring_enter and io_uring_get_events on the ring
 *     struct the failed init left behind (never set up: zeroed, ring_fd 0)
 *     return -errno; get_probe_ring returns NULL.
 *
 * tests/faults.rs runs this program against Debian's liburing too.
 * The Rust API's messages for the same situation are checked by
 * tests/unavailable.rs.
 */
#include "test.h"

#include "seccomp_filter.h"
#include <sys/eventfd.h>

/* 0, or -errno when the filter cannot be installed here. */
static int block_io_uring(int err)
{
	static const int calls[] = { __NR_io_uring_setup, __NR_io_uring_enter,
				     __NR_io_uring_register };

	return t_fail_syscalls(calls, 3, err);
}

static void check_blocked(int err)
{
	const int want = -err;
	struct io_uring_params p;
	struct io_uring ring;
	struct io_uring_probe *probe;
	unsigned int workers[2] = { 0, 0 };
	char small[64];
	struct iovec iov = { small, sizeof(small) };
	int efd, fds, maps, ret;
	ssize_t mlock;

	efd = eventfd(0, EFD_CLOEXEC);
	CHECK(efd >= 0);
	fds = t_count_fds();
	maps = t_count_maps();

	memset(&p, 0, sizeof(p));
	EXPECT_EQ(io_uring_setup(8, &p), want);
	EXPECT_EQ(io_uring_queue_init(8, &ring, 0), want);
	memset(&p, 0, sizeof(p));
	EXPECT_EQ(io_uring_queue_init_params(8, &ring, &p), want);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL;
	EXPECT_EQ(io_uring_queue_init_params(8, &ring, &p), want);
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 64;
	EXPECT_EQ(io_uring_queue_init_params(8, &ring, &p), want);
#if T_NEW_API
	{
		/* NO_MMAP: the library maps the ring memory before the syscall
		 * and must unmap it again. */
		static char buf[64 * 1024] __attribute__((aligned(4096)));

		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_NO_MMAP;
		EXPECT_EQ(io_uring_queue_init_params(8, &ring, &p), want);
		memset(&p, 0, sizeof(p));
		EXPECT_EQ(io_uring_queue_init_mem(8, &ring, &p, buf, sizeof(buf)), want);
	}
#endif
	EXPECT(io_uring_get_probe() == NULL);

	/* liburing cannot tell an old kernel from a blocked one here and
	 * reports the size an old kernel would lock. */
	mlock = io_uring_mlock_size(8, 0);
	EXPECT(mlock > 0);
#if T_NEW_API
	EXPECT_EQ(mlock, io_uring_memory_size(8, 0));
#endif

	/* The struct the last failed init left behind: never set up. */
	memset(&p, 0, sizeof(p));
	CHECK_EQ(io_uring_queue_init_params(8, &ring, &p), want);
	EXPECT_EQ(io_uring_register_buffers(&ring, &iov, 1), want);
	EXPECT_EQ(io_uring_unregister_buffers(&ring), want);
	EXPECT_EQ(io_uring_register_files(&ring, &efd, 1), want);
	EXPECT_EQ(io_uring_unregister_files(&ring), want);
	EXPECT_EQ(io_uring_register_eventfd(&ring, efd), want);
	EXPECT_EQ(io_uring_unregister_eventfd(&ring), want);
	EXPECT_EQ(io_uring_register_personality(&ring), want);
	EXPECT_EQ(io_uring_register_iowq_max_workers(&ring, workers), want);
	EXPECT(io_uring_get_probe_ring(&ring) == NULL);
	probe = calloc(1, sizeof(*probe) + 4 * sizeof(struct io_uring_probe_op));
	CHECK(probe != NULL);
	EXPECT_EQ(io_uring_register_probe(&ring, probe, 4), want);
	free(probe);
	EXPECT_EQ(io_uring_register_ring_fd(&ring), want);
	EXPECT_EQ(io_uring_enter((unsigned)ring.ring_fd, 0, 0, 0, NULL), want);
	EXPECT_EQ(io_uring_get_events(&ring), want);
#if T_NEW_API
	{
		struct io_uring_restriction res;

		memset(&res, 0, sizeof(res));
		res.opcode = IORING_RESTRICTION_SQE_OP;
		res.sqe_op = IORING_OP_NOP;
		EXPECT_EQ(io_uring_register_restrictions(&ring, &res, 1), want);
		EXPECT_EQ(io_uring_enable_rings(&ring), want);
	}
#endif

	ret = t_count_fds();
	EXPECT_EQ(ret, fds);
	ret = t_count_maps();
	EXPECT_EQ(ret, maps);
	close(efd);
}

/* 0 pass, 1 fail, 77 the filter cannot be installed. */
static int child(int err)
{
	int ret = block_io_uring(err);

	if (ret) {
		printf("SKIP: seccomp filter not installed (%s)\n", t_err(ret));
		return 77;
	}
	check_blocked(err);
	if (t_failures)
		fprintf(stderr, "with io_uring blocked by %s: %d failure(s)\n",
			strerrorname_np(err), t_failures);
	return t_failures ? 1 : 0;
}

int main(void)
{
	static const int errs[] = { ENOSYS, EPERM };
	struct io_uring ring;
	int passed = 0;

	/* Only meaningful where io_uring works to begin with. */
	t_init(2, &ring, 0);
	io_uring_queue_exit(&ring);

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		int status;
		pid_t pid;

		fflush(stdout);
		fflush(stderr);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			_exit(child(errs[i]));
		CHECK(waitpid(pid, &status, 0) == pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
			t_skip("seccomp filters are not available here");
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "child blocking with %s: %s %d\n", strerrorname_np(errs[i]),
				WIFSIGNALED(status) ? "killed by signal" : "exit",
				WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			t_failures++;
		} else {
			passed++;
		}
	}
	/* A filter in a child never reaches the parent. */
	t_init(2, &ring, 0);
	io_uring_queue_exit(&ring);
	CHECK(passed + t_failures == 2);
	return t_done();
}
