/*
 * NULL rings and NULL output pointers for the registration, buffer-ring and
 * probe calls: -EINVAL (or NULL, or a no-op for the void helpers) instead of
 * a crash.  Upstream liburing dereferences them; not crashing is this
 * project's requirement.  Each call runs in a child so a crash is reported.
 */
#include "test.h"

#define CASES(X)								\
	X(io_uring_register_buffers(NULL, NULL, 0))				\
	X(io_uring_register_buffers_tags(NULL, NULL, NULL, 0))			\
	X(io_uring_register_buffers_sparse(NULL, 1))				\
	X(io_uring_register_buffers_update_tag(NULL, 0, NULL, NULL, 0))		\
	X(io_uring_unregister_buffers(NULL))					\
	X(io_uring_clone_buffers(NULL, NULL))					\
	X(io_uring_clone_buffers(&ring, NULL))					\
	X(io_uring_clone_buffers(NULL, &ring))					\
	X(io_uring_clone_buffers_offset(NULL, &ring, 0, 0, 0, 0))		\
	X(__io_uring_clone_buffers(&ring, NULL, 0))				\
	X(__io_uring_clone_buffers_offset(NULL, NULL, 0, 0, 0, 0))		\
	X(io_uring_register_files(NULL, NULL, 0))				\
	X(io_uring_register_files_tags(NULL, NULL, NULL, 0))			\
	X(io_uring_register_files_sparse(NULL, 1))				\
	X(io_uring_register_files_update(NULL, 0, NULL, 0))			\
	X(io_uring_register_files_update_tag(NULL, 0, NULL, NULL, 0))		\
	X(io_uring_unregister_files(NULL))					\
	X(io_uring_register_file_alloc_range(NULL, 0, 1))			\
	X(io_uring_register_eventfd(NULL, 0))					\
	X(io_uring_register_eventfd_async(NULL, 0))				\
	X(io_uring_unregister_eventfd(NULL))					\
	X(io_uring_register_personality(NULL))					\
	X(io_uring_unregister_personality(NULL, 1))				\
	X(io_uring_register_restrictions(NULL, NULL, 0))			\
	X(io_uring_register_iowq_aff(NULL, 0, NULL))				\
	X(io_uring_unregister_iowq_aff(NULL))					\
	X(io_uring_register_iowq_max_workers(NULL, NULL))			\
	X(io_uring_register_sync_cancel(NULL, NULL))				\
	X(io_uring_register_napi(NULL, NULL))					\
	X(io_uring_unregister_napi(NULL, NULL))					\
	X(io_uring_register_clock(NULL, NULL))					\
	X(io_uring_register_region(NULL, NULL))					\
	X(io_uring_register_wait_reg(NULL, NULL, 0))				\
	X(io_uring_register_ifq(NULL, NULL))					\
	X(io_uring_register_zcrx_ctrl(NULL, NULL))				\
	X(io_uring_register_bpf_filter(NULL, NULL))				\
	X(io_uring_register_buf_ring(NULL, NULL, 0))				\
	X(io_uring_unregister_buf_ring(NULL, 0))				\
	X(io_uring_free_buf_ring(NULL, NULL, 0, 0))				\
	X(io_uring_buf_ring_head(NULL, 0, &head))				\
	X(io_uring_buf_ring_available(NULL, (struct io_uring_buf_ring *)fake, 0)) \
	X(io_uring_register_probe(NULL, NULL, 0))

#define NAME(call) #call,
static const char *const names[] = { CASES(NAME) };
#define NCASES ((int)(sizeof(names) / sizeof(names[0])))

static int call(int which)
{
	struct io_uring ring;
	uint16_t head = 0;
	static uint64_t fake[8];
	int i = 0;

	memset(&ring, 0, sizeof(ring));
	ring.ring_fd = -1;
	ring.enter_ring_fd = -1;
#define RUN(c) if (which == i++) return (c);
	CASES(RUN)
#undef RUN
	return 12345;
}

/* Run `fn(arg)` in a child; its return value comes back through a pipe. */
static int in_child(int (*fn)(int), int arg, int *out)
{
	int p[2], status;
	pid_t pid;

	CHECK(pipe(p) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int v = fn(arg);

		close(p[0]);
		if (write(p[1], &v, sizeof(v)) != sizeof(v))
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	CHECK(waitpid(pid, &status, 0) == pid);
	if (read(p[0], out, sizeof(*out)) != sizeof(*out))
		*out = 0;
	close(p[0]);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* Pointer-returning and void calls. */
static int other(int which)
{
	uint16_t head = 7;
	int err = 1;
	static uint64_t fake[8];

	switch (which) {
	case 0:
		return io_uring_setup_buf_ring(NULL, 8, 0, 0, &err) == NULL && err == -EINVAL ? 0 : 1;
	case 1:
		return io_uring_setup_buf_ring(NULL, 8, 0, 0, NULL) == NULL ? 0 : 1;
	case 2:
		return io_uring_get_probe_ring(NULL) == NULL ? 0 : 1;
	case 3:
		io_uring_free_probe(NULL);
		return io_uring_opcode_supported(NULL, 0) == 0 ? 0 : 1;
	case 4:
		/* void helpers on a NULL buffer ring / NULL ring: no-ops. */
		io_uring_buf_ring_init(NULL);
		io_uring_buf_ring_add(NULL, fake, 8, 0, 7, 0);
		io_uring_buf_ring_advance(NULL, 1);
		io_uring_buf_ring_cq_advance(NULL, (struct io_uring_buf_ring *)fake, 1);
		__io_uring_buf_ring_cq_advance(NULL, (struct io_uring_buf_ring *)fake, 1, 1);
		return fake[0] == 0 && fake[1] == 0 ? 0 : 1;
	case 5: {
		/* A NULL head pointer on a real ring: as in liburing the kernel is asked
		 * first (group 0 is not registered: -ENOENT); with a registered group the
		 * NULL pointer is refused with -EFAULT instead of written through. */
		struct io_uring_buf_ring *br;
		struct io_uring ring;
		int ret, ret2, err;

		if (io_uring_queue_init(4, &ring, 0) < 0)
			return 0;
		ret = io_uring_buf_ring_head(&ring, 0, NULL);
		br = io_uring_setup_buf_ring(&ring, 4, 1, 0, &err);
		ret2 = br ? io_uring_buf_ring_head(&ring, 1, NULL) : -EFAULT;
		io_uring_queue_exit(&ring);
		return ret == -ENOENT && ret2 == -EFAULT ? 0 : 1;
	}
	case 6:
		/* NULL buffer ring for available(). */
		return io_uring_buf_ring_available(NULL, NULL, 0) == -EINVAL ? 0 : 1;
	}
	(void)head;
	return 1;
}

int main(void)
{
	int i, v;

	for (i = 0; i < NCASES; i++) {
		if (in_child(call, i, &v) < 0) {
			t_report(__FILE__, __LINE__, "%s crashed", names[i]);
			t_failures++;
		} else if (v != -EINVAL) {
			t_report(__FILE__, __LINE__, "%s = %d (%s), expected -EINVAL", names[i], v, t_err(v));
			t_failures++;
		}
	}
	for (i = 0; i <= 6; i++) {
		if (in_child(other, i, &v) < 0) {
			t_report(__FILE__, __LINE__, "pointer/void case %d crashed", i);
			t_failures++;
		} else if (v != 0) {
			t_report(__FILE__, __LINE__, "pointer/void case %d gave the wrong answer", i);
			t_failures++;
		}
	}
	return t_done();
}
