/*
 * Extensions: checked mode catches each rule (uring_set_checked, URING_CHECK=1).
 *
 * For every rule: a valid NOP followed by one bad SQE; io_uring_submit must return
 * -EINVAL, print exactly one line on stderr naming the SQE index, the opcode, the
 * user_data and the rule, submit nothing (no completion ever arrives, not even the
 * NOP's) and leave the SQ empty; the next valid NOP then goes through. Also: every
 * violation of a batch is reported, the submit-and-wait functions refuse the same way,
 * checked mode off lets the kernel see the SQE again, and URING_CHECK=1 turns it on at
 * set-up.
 */
#include "test.h"

#include <poll.h>
#include <sys/socket.h>
#include <uring/ext.h>

static char captured[8192];

/* Run `submit` (0: io_uring_submit, 1: submit_and_wait(1), 2: submit_and_wait_timeout)
 * with stderr captured into `captured`. */
static int submit_captured(struct io_uring *ring, int how)
{
	struct __kernel_timespec ts = { .tv_sec = 1 };
	struct io_uring_cqe *cqe = NULL;
	FILE *tmp = tmpfile();
	int saved, ret;
	size_t n;

	CHECK(tmp != NULL);
	fflush(stderr);
	saved = dup(2);
	CHECK(saved >= 0);
	CHECK(dup2(fileno(tmp), 2) == 2);
	if (how == 0)
		ret = io_uring_submit(ring);
	else if (how == 1)
		ret = io_uring_submit_and_wait(ring, 1);
	else
		ret = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, NULL);
	CHECK(dup2(saved, 2) == 2);
	close(saved);
	rewind(tmp);
	n = fread(captured, 1, sizeof(captured) - 1, tmp);
	captured[n] = 0;
	fclose(tmp);
	return ret;
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* The batch was refused: -EINVAL, `lines` stderr lines, each needle present, nothing
 * pending, no completion. */
static void expect_refused(struct io_uring *ring, int ret, unsigned lines, const char *const *needles, int line)
{
	struct io_uring_cqe *cqe;
	int ok = 1;

	if (ret != -EINVAL || count_lines(captured) != lines || io_uring_sq_ready(ring) != 0)
		ok = 0;
	for (; *needles; needles++)
		if (!strstr(captured, *needles)) {
			t_report(__FILE__, line, "stderr lacks \"%s\"", *needles);
			ok = 0;
		}
	if (io_uring_peek_cqe(ring, &cqe) != -EAGAIN) {
		t_report(__FILE__, line, "a completion arrived from a refused batch");
		ok = 0;
	}
	if (!ok) {
		t_report(__FILE__, line, "submit = %d (%s), sq_ready %u, stderr:\n%s", ret, t_err(ret),
			 io_uring_sq_ready(ring), captured);
		t_failures++;
	}
	/* The ring still works. */
	if (t_nop_roundtrip(ring, 77, "after a refused batch") != 0)
		t_failures++;
}

#define REFUSED(ring, ret, lines, ...) do {				\
	const char *const t_needles_[] = { __VA_ARGS__, NULL };		\
	expect_refused((ring), (ret), (lines), t_needles_, __LINE__);	\
} while (0)

/* A valid NOP with user_data 1, then the SQE under test with user_data 0x1234. */
static struct io_uring_sqe *nop_then_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = T_GET_SQE(ring);

	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 1);
	sqe = T_GET_SQE(ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 0x1234);
	return sqe;
}

#define UD "user_data 4660 (0x1234)"

int main(void)
{
	struct io_uring_probe *probe;
	struct io_uring_sqe *sqe;
	struct uring_ring_stats st;
	struct io_uring ring;
	char buf[64];
	int pipefd[2], sv[2], closed_fd, files[2], ret;
	unsigned op;

	CHECK(unsetenv("URING_CHECK") == 0);
	t_init(16, &ring, 0);
	CHECK(pipe(pipefd) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	/* A descriptor that was open and is closed (high, so that the capture files opened
	 * later do not reuse the number). */
	closed_fd = dup2(pipefd[0], 900);
	CHECK_EQ(closed_fd, 900);
	close(closed_fd);

	EXPECT_EQ(uring_set_checked(NULL, 1), -EINVAL);
	EXPECT_EQ(uring_set_checked(&ring, 1), 0);
	EXPECT_EQ(uring_set_checked(&ring, 1), 1);

	/* Valid SQEs pass. */
	EXPECT(t_nop_roundtrip(&ring, 5, "checked NOP") == 0);

	/* 1. Unknown opcode. */
	sqe = nop_then_sqe(&ring);
	sqe->opcode = IORING_OP_LAST + 3;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "SQE 1 of 2 pending", UD, "unknown opcode");

	/* 1. An opcode this kernel does not support, where there is one. */
	probe = io_uring_get_probe_ring(&ring);
	CHECK(probe != NULL);
	for (op = 0; op < IORING_OP_LAST; op++)
		if (!io_uring_opcode_supported(probe, op))
			break;
	if (op < IORING_OP_LAST) {
		sqe = nop_then_sqe(&ring);
		sqe->opcode = op;
		REFUSED(&ring, submit_captured(&ring, 0), 1, uring_opcode_name(op), "not supported by this kernel");
	} else {
		T_NOTE("this kernel supports every opcode the library knows; the unsupported-opcode rule is a unit test");
	}
	io_uring_free_probe(probe);

	/* 2. Unknown IOSQE flag bits. */
	sqe = nop_then_sqe(&ring);
	sqe->flags = 0x80;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "NOP", UD, "unknown IOSQE flag bits 0x80");

	/* 2. BUFFER_SELECT on an operation that selects no buffer. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_write(sqe, pipefd[1], buf, sizeof(buf), 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "WRITE", UD, "IOSQE_BUFFER_SELECT on an operation that selects no buffer");

	/* 2. FIXED_FILE on an operation that takes no file. */
	sqe = nop_then_sqe(&ring);
	sqe->flags |= IOSQE_FIXED_FILE;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "NOP", UD, "IOSQE_FIXED_FILE on an operation that takes no file");

	/* 2. FIXED_FD_INSTALL without FIXED_FILE. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_fixed_fd_install(sqe, 0, 0);
	sqe->flags &= ~IOSQE_FIXED_FILE;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "FIXED_FD_INSTALL", UD, "needs IOSQE_FIXED_FILE");

	/* 3. Multishot recv without buffer selection. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_recv_multishot(sqe, sv[0], NULL, 0, 0);
	REFUSED(&ring, submit_captured(&ring, 0), 1, "RECV", UD, "multishot request without IOSQE_BUFFER_SELECT");

	/* 3. Multishot with CQE_SKIP_SUCCESS. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_poll_multishot(sqe, pipefd[0], POLLIN);
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "POLL_ADD", UD, "multishot request with IOSQE_CQE_SKIP_SUCCESS");

	/* 4. A closed file descriptor. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_read(sqe, closed_fd, buf, sizeof(buf), 0);
	REFUSED(&ring, submit_captured(&ring, 0), 1, "READ", UD, "fd 900 is not an open file descriptor");

	/* 4. A fixed file on a ring without registered files. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_write(sqe, 0, buf, 1, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "WRITE", UD, "fixed file index 0 is not below the 0 registered files");

	/* 4. A fixed-file index beyond the registered files; one within passes. */
	files[0] = pipefd[0];
	files[1] = pipefd[1];
	CHECK_EQ(io_uring_register_files(&ring, files, 2), 0);
	sqe = nop_then_sqe(&ring);
	io_uring_prep_write(sqe, 5, buf, 1, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "WRITE", UD, "fixed file index 5 is not below the 2 registered files");
	sqe = T_GET_SQE(&ring);
	io_uring_prep_write(sqe, 1, "z", 1, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	EXPECT_EQ(io_uring_submit_and_wait(&ring, 1), 1);
	{
		struct io_uring_cqe *cqe;

		CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
		EXPECT_EQ(cqe->res, 1);
		io_uring_cqe_seen(&ring, cqe);
		CHECK(read(pipefd[0], buf, 1) == 1);
	}
	CHECK_EQ(io_uring_unregister_files(&ring), 0);

	/* 5. A NULL buffer with a length. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_write(sqe, pipefd[1], NULL, 16, 0);
	REFUSED(&ring, submit_captured(&ring, 0), 1, "WRITE", UD, "buffer address is NULL with length 16");

	/* 6. A timeout without a timespec. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_timeout(sqe, NULL, 0, 0);
	REFUSED(&ring, submit_captured(&ring, 0), 1, "TIMEOUT", UD, "timeout without a timespec");

	/* 7. A link chain that does not end. */
	sqe = nop_then_sqe(&ring);
	sqe->flags |= IOSQE_IO_LINK;
	REFUSED(&ring, submit_captured(&ring, 0), 1, "NOP", UD, "link chain does not end");

	/* Several violations: one line each. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_write(sqe, pipefd[1], NULL, 8, 0);
	sqe = T_GET_SQE(&ring);
	io_uring_prep_read(sqe, closed_fd, buf, 8, 0);
	io_uring_sqe_set_data64(sqe, 9);
	REFUSED(&ring, submit_captured(&ring, 0), 2, "SQE 1 of 3 pending", "SQE 2 of 3 pending", "user_data 9 (0x9)");

	/* The waiting submits refuse the same way, without waiting. */
	sqe = nop_then_sqe(&ring);
	io_uring_prep_write(sqe, pipefd[1], NULL, 8, 0);
	REFUSED(&ring, submit_captured(&ring, 1), 1, "buffer address is NULL");
	sqe = nop_then_sqe(&ring);
	io_uring_prep_write(sqe, pipefd[1], NULL, 8, 0);
	REFUSED(&ring, submit_captured(&ring, 2), 1, "buffer address is NULL");

	/* Off: the kernel sees the bad SQE (and fails it in its CQE). */
	EXPECT_EQ(uring_set_checked(&ring, 0), 1);
	sqe = T_GET_SQE(&ring);
	io_uring_prep_read(sqe, closed_fd, buf, 8, 0);
	ret = submit_captured(&ring, 1);
	EXPECT_EQ(ret, 1);
	EXPECT_EQ(count_lines(captured), 0);
	{
		struct io_uring_cqe *cqe;

		CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
		EXPECT_EQ(cqe->res, -EBADF);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);

	/* URING_CHECK=1 at set-up turns it on; other values do not. */
	CHECK(setenv("URING_CHECK", "1", 1) == 0);
	t_init(4, &ring, 0);
	CHECK_EQ(uring_ring_stats(&ring, &st, sizeof(st)), 0);
	EXPECT_EQ(st.checked, 1);
	sqe = nop_then_sqe(&ring);
	io_uring_prep_timeout(sqe, NULL, 0, 0);
	REFUSED(&ring, submit_captured(&ring, 0), 1, "TIMEOUT", "timeout without a timespec");
	io_uring_queue_exit(&ring);
	/* Exactly "1": a longer value starting with 1, or an empty one, is not. */
	static const char *const not_on[] = { "0", "10", "" };
	for (size_t i = 0; i < sizeof(not_on) / sizeof(not_on[0]); i++) {
		CHECK(setenv("URING_CHECK", not_on[i], 1) == 0);
		t_init(4, &ring, 0);
		CHECK_EQ(uring_ring_stats(&ring, &st, sizeof(st)), 0);
		EXPECT_EQ(st.checked, 0);
		io_uring_queue_exit(&ring);
	}
	CHECK(unsetenv("URING_CHECK") == 0);

	close(pipefd[0]);
	close(pipefd[1]);
	close(sv[0]);
	close(sv[1]);
	return t_done();
}
