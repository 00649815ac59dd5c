/*
 * NULL ring / params pointers: our library returns -EFAULT or -EINVAL
 * instead of crashing.  (Upstream liburing dereferences them; this is a
 * robustness requirement of this project, so Debian's 2.3 fails here.)
 * Each call runs in a child so that a crash is reported, not fatal.
 */
#include "test.h"

enum { C_INIT_NULL_RING, C_INIT_PARAMS_NULL_P, C_INIT_PARAMS_NULL_RING, C_NR };

static const char *const names[C_NR] = {
	"io_uring_queue_init(8, NULL, 0)",
	"io_uring_queue_init_params(8, &ring, NULL)",
	"io_uring_queue_init_params(8, NULL, &p)",
};

static int call(int which)
{
	struct io_uring ring;
	struct io_uring_params p;

	memset(&p, 0, sizeof(p));
	switch (which) {
	case C_INIT_NULL_RING:
		return io_uring_queue_init(8, NULL, 0);
	case C_INIT_PARAMS_NULL_P:
		return io_uring_queue_init_params(8, &ring, NULL);
	case C_INIT_PARAMS_NULL_RING:
		return io_uring_queue_init_params(8, NULL, &p);
	}
	return 0;
}

int main(void)
{
	struct io_uring ring;
	int fds0;

	t_init(8, &ring, 0);
	io_uring_queue_exit(&ring);
	fds0 = t_count_fds();

	for (int i = 0; i < C_NR; i++) {
		int status;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			int ret = call(i);
			int fds = t_count_fds();

			if (ret != -EFAULT && ret != -EINVAL) {
				fprintf(stderr, "%s = %d (%s), expected -EFAULT or -EINVAL\n",
					names[i], ret, t_err(ret));
				_exit(1);
			}
			if (fds != fds0) {
				fprintf(stderr, "%s leaked an fd (%d -> %d)\n", names[i], fds0, fds);
				_exit(1);
			}
			_exit(0);
		}
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status)) {
			t_report(__FILE__, __LINE__, "%s crashed with signal %d (%s)",
				 names[i], WTERMSIG(status), strsignal(WTERMSIG(status)));
			t_failures++;
		} else if (WEXITSTATUS(status) != 0) {
			t_failures++;
		}
	}
	return t_done();
}
