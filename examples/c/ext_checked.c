/* Checked mode catching two real mistakes before the kernel sees them.
 *
 * A copy loop reads a block from one file and writes it to another, linked so that the
 * write runs after the read. Two bugs: the input file is closed too early (a cleanup
 * moved up by a refactor), and the write is left marked IOSQE_IO_LINK although nothing
 * follows it. Without checked mode the kernel answers with a bare -EBADF in a CQE for
 * the read, and the broken chain cancels the write. With checked mode each mistake is
 * named on stderr and the batch is refused whole, before anything is submitted.
 *
 *   gcc -I include examples/c/ext_checked.c -L target/release -luring -o ext_checked
 *   LD_LIBRARY_PATH=target/release ./ext_checked
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <liburing.h>
#include <uring/ext.h>

#define BLOCK 4096

static char buf[BLOCK];

/* Queue "read a block from in, then write it to out" as a linked pair. */
static int queue_copy(struct io_uring *ring, int in, int out, unsigned last_flags)
{
	struct io_uring_sqe *rd = io_uring_get_sqe(ring);
	struct io_uring_sqe *wr = io_uring_get_sqe(ring);

	if (!rd || !wr)
		return -EBUSY;
	io_uring_prep_read(rd, in, buf, BLOCK, 0);
	io_uring_sqe_set_data64(rd, 1);
	rd->flags |= IOSQE_IO_LINK;
	io_uring_prep_write(wr, out, buf, BLOCK, 0);
	io_uring_sqe_set_data64(wr, 2);
	wr->flags |= last_flags;
	return 0;
}

int main(void)
{
	char in_path[] = "/tmp/ext_checked_in.XXXXXX";
	char out_path[] = "/tmp/ext_checked_out.XXXXXX";
	struct io_uring ring;
	int in, out, early, ret, i;

	in = mkstemp(in_path);
	out = mkstemp(out_path);
	if (in < 0 || out < 0) {
		perror("mkstemp");
		return 1;
	}
	unlink(in_path);
	unlink(out_path);
	memset(buf, 'x', sizeof(buf));
	if (write(in, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		perror("write");
		return 1;
	}

	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		char why[512];

		uring_explain_setup_error(ret, why, sizeof(why));
		fprintf(stderr, "io_uring_queue_init: %s\n", why);
		return 1;
	}
	uring_set_checked(&ring, 1);

	/* The buggy version: the descriptor it reads was closed by a cleanup that ran too
	 * early, and the chain is left open. */
	early = dup(in);
	if (early < 0) {
		perror("dup");
		return 1;
	}
	close(early);
	ret = queue_copy(&ring, early, out, IOSQE_IO_LINK);
	if (ret < 0)
		return 1;
	ret = io_uring_submit(&ring);
	printf("buggy batch: io_uring_submit returned %d (%s); %u SQEs left pending\n", ret,
	       ret < 0 ? strerror(-ret) : "ok", io_uring_sq_ready(&ring));

	/* The fixed version. */
	ret = queue_copy(&ring, in, out, 0);
	if (ret < 0)
		return 1;
	ret = io_uring_submit_and_wait(&ring, 2);
	printf("fixed batch: io_uring_submit returned %d\n", ret);
	for (i = 0; i < 2 && ret >= 0; i++) {
		struct io_uring_cqe *cqe;

		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0)
			break;
		printf("  completion user_data %llu: res %d\n", (unsigned long long)cqe->user_data, cqe->res);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	close(in);
	close(out);
	return ret < 0 ? 1 : 0;
}
