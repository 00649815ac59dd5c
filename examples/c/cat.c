/* cat(1) through io_uring: read each file in 64 KiB blocks with io_uring_prep_read and
 * write them to stdout with io_uring_prep_write.
 *
 *   gcc -I include examples/c/cat.c -L target/release -luring -o cat
 *   LD_LIBRARY_PATH=target/release ./cat README.md
 * or `make -C examples/c` (builds examples/c/build/cat with an rpath).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <liburing.h>

#define BLOCK 65536

/* Write all of buf to stdout; a pipe may take less than asked, so loop. */
static int write_all(struct io_uring *ring, const char *buf, int len)
{
	while (len > 0) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		struct io_uring_cqe *cqe;
		int ret;

		if (!sqe)
			return -EBUSY;	/* cannot happen: one request at a time */
		io_uring_prep_write(sqe, STDOUT_FILENO, buf, len, -1);
		ret = io_uring_submit_and_wait(ring, 1);
		if (ret < 0)
			return ret;
		ret = io_uring_wait_cqe(ring, &cqe);
		if (ret < 0)
			return ret;
		ret = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		if (ret <= 0)
			return ret < 0 ? ret : -EIO;
		buf += ret;
		len -= ret;
	}
	return 0;
}

static int cat_fd(struct io_uring *ring, int fd)
{
	static char buf[BLOCK];
	off_t off = 0;

	for (;;) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		struct io_uring_cqe *cqe;
		int ret, n;

		if (!sqe)
			return -EBUSY;
		io_uring_prep_read(sqe, fd, buf, sizeof(buf), off);
		ret = io_uring_submit_and_wait(ring, 1);
		if (ret < 0)
			return ret;
		ret = io_uring_wait_cqe(ring, &cqe);
		if (ret < 0)
			return ret;
		n = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		if (n <= 0)
			return n;

		ret = write_all(ring, buf, n);
		if (ret < 0)
			return ret;
		off += n;
	}
}

int main(int argc, char *argv[])
{
	struct io_uring ring;
	int i, ret, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	for (i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);

		if (fd < 0) {
			perror(argv[i]);
			status = 1;
			continue;
		}
		ret = cat_fd(&ring, fd);
		close(fd);
		if (ret < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(-ret));
			status = 1;
		}
	}
	io_uring_queue_exit(&ring);
	return status;
}
