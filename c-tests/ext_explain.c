/*
 * Extensions: uring_explain_setup_error.
 *
 * Real set-up failures the library can provoke on any kernel (0 entries, too many
 * entries, a refused flag combination, a CQ smaller than the SQ, an unknown flag) are
 * explained with the rule they break, using the parameters of the failed set-up;
 * errnos given without a failed set-up get the generic text of their cause; the buffer
 * is cut and NUL-terminated like snprintf's, with the full length returned. The texts
 * of the system causes (sysctl, group, seccomp, memlock) are tested with synthetic
 * system facts in src/diagnose.rs.
 */
#include "test.h"

#include <uring/ext.h>

static char text[1024];

/* Explain `err` and check that the text contains `needle`. */
static void expect_text(int err, const char *needle, int line)
{
	int n = uring_explain_setup_error(err, text, sizeof(text));

	if (n <= 0 || (size_t)n >= sizeof(text) || strlen(text) != (size_t)n || !strstr(text, needle)) {
		t_report(__FILE__, line, "explain(%d) = %d \"%s\": expected a text with \"%s\"", err, n, text, needle);
		t_failures++;
	}
}
#define EXPECT_TEXT(err, needle) expect_text((err), (needle), __LINE__)

int main(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	char small[12];
	int ret, n;

	t_init(2, &ring, 0);
	io_uring_queue_exit(&ring);

	EXPECT_EQ(uring_explain_setup_error(0, text, sizeof(text)), -EINVAL);
	EXPECT_EQ(uring_explain_setup_error(-EINVAL, NULL, 10), -EFAULT);
	n = uring_explain_setup_error(-ENOSYS, NULL, 0);
	EXPECT(n > 20);

	ret = io_uring_queue_init(0, &ring, 0);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_TEXT(ret, "entries is 0");
	EXPECT_TEXT(ret, "(EINVAL, errno 22)");
	/* A positive errno is taken too. */
	EXPECT_TEXT(EINVAL, "entries is 0");

	ret = io_uring_queue_init(100000, &ring, 0);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_TEXT(ret, "100000 entries is above the kernel's maximum");

	ret = io_uring_queue_init(8, &ring, IORING_SETUP_DEFER_TASKRUN);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_TEXT(ret, "IORING_SETUP_DEFER_TASKRUN needs IORING_SETUP_SINGLE_ISSUER");

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 2;
	ret = io_uring_queue_init_params(8, &ring, &p);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_TEXT(ret, "cq_entries 2");

	/* Refused by the library itself, before the kernel: recorded the same way. */
	ret = io_uring_queue_init(8, &ring, IORING_SETUP_REGISTERED_FD_ONLY);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_TEXT(ret, "IORING_SETUP_REGISTERED_FD_ONLY needs IORING_SETUP_NO_MMAP");

	ret = io_uring_queue_init(8, &ring, 1u << 30);
	EXPECT_EQ(ret, -EINVAL);
	EXPECT_TEXT(ret, "unknown setup flag bits 0x40000000");

	/* Without a matching failed set-up the cause comes from the errno and the system. */
	EXPECT_TEXT(-ENOMEM, "RLIMIT_MEMLOCK");
	EXPECT_TEXT(-EMFILE, "no file descriptor left");
	EXPECT_TEXT(-EFAULT, "not valid memory");
	EXPECT_TEXT(-ENOSYS, "io_uring");
	EXPECT_TEXT(-ENOSYS, "(ENOSYS, errno 38)");
	EXPECT_TEXT(-EPERM, "(EPERM, errno 1)");
	EXPECT_TEXT(-EACCES, "security module");

	/* Cut like snprintf: NUL-terminated, the full length returned. */
	memset(small, 'Z', sizeof(small));
	n = uring_explain_setup_error(-EMFILE, small, sizeof(small));
	EXPECT(n > (int)sizeof(small));
	EXPECT_EQ(small[sizeof(small) - 1], 0);
	EXPECT_EQ(strlen(small), sizeof(small) - 1);
	EXPECT(strncmp(small, "no file des", sizeof(small) - 1) == 0);
	return t_done();
}
