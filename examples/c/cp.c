/* cp(1) through io_uring: a queue of reads and writes, each read linked to the write of
 * the same block, into registered (fixed) buffers. Then it verifies the copy and compares
 * the number of system calls with a plain read()/write() loop over the same blocks.
 *
 *   make -C examples/c
 *   examples/c/build/cp SRC DST
 *
 * Why it needs fewer system calls: one io_uring_enter() submits every queued request and
 * waits for several completions, while the plain loop pays one read() and one write() per
 * block. The program counts its own io_uring_enter() calls: every one goes through
 * io_uring_submit_and_wait() with wait_nr >= 1, which always enters the kernel once, and
 * the completions are reaped with io_uring_peek_cqe(), which does not enter.
 *
 * Output (the last line is for scripts):
 *   syscalls-per-MiB: uring=U plain=P ratio=R enter-calls=N
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <liburing.h>

#define QUEUE_DEPTH 8		/* blocks in flight */
#define BLOCK (128 * 1024)	/* bytes per block */

/* One block being copied: a linked read -> write pair, or a lone write that finishes a
 * block whose read or write came back short. */
struct slot {
	off_t off;		/* file offset of the block */
	unsigned len;		/* bytes this block should copy */
	unsigned have;		/* bytes read into the buffer (valid data) */
	unsigned put;		/* bytes of `have` written so far */
	int pending;		/* CQEs still to come for the requests in flight */
	int read_res, write_res;
	int pair;		/* in flight: a linked pair (1) or a lone write (0) */
};

struct copy {
	struct io_uring ring;
	int in, out;
	off_t size, next_off;	/* file size, first offset not yet handed to a slot */
	int fixed;		/* buffers are registered */
	char *bufs[QUEUE_DEPTH];
	struct slot slots[QUEUE_DEPTH];
	unsigned inflight;	/* requests submitted or queued whose CQE has not arrived */
	unsigned long enters;	/* io_uring_enter() calls made */
};

/* user_data: slot index * 2 + (0 read, 1 write) */
#define UD(slot, is_write) ((__u64)(slot) * 2 + (is_write))

static struct io_uring_sqe *get_sqe(struct copy *c)
{
	/* The SQ has room for every request QUEUE_DEPTH slots can have queued. */
	struct io_uring_sqe *sqe = io_uring_get_sqe(&c->ring);

	if (sqe)
		c->inflight++;
	return sqe;
}

static void prep_read_block(struct copy *c, struct io_uring_sqe *sqe, int i, char *buf,
			    unsigned len, off_t off)
{
	if (c->fixed)
		io_uring_prep_read_fixed(sqe, c->in, buf, len, off, i);
	else
		io_uring_prep_read(sqe, c->in, buf, len, off);
	io_uring_sqe_set_data64(sqe, UD(i, 0));
}

static void prep_write_block(struct copy *c, struct io_uring_sqe *sqe, int i,
			     const char *buf, unsigned len, off_t off)
{
	if (c->fixed)
		io_uring_prep_write_fixed(sqe, c->out, buf, len, off, i);
	else
		io_uring_prep_write(sqe, c->out, buf, len, off);
	io_uring_sqe_set_data64(sqe, UD(i, 1));
}

/* Queue a linked read -> write of [off, off + len) through slot i. */
static int start_block(struct copy *c, int i, off_t off, unsigned len)
{
	struct slot *s = &c->slots[i];
	struct io_uring_sqe *rd = get_sqe(c), *wr;

	if (!rd)
		return -EBUSY;
	wr = get_sqe(c);
	if (!wr)
		return -EBUSY;
	*s = (struct slot){ .off = off, .len = len, .pending = 2, .pair = 1 };
	prep_read_block(c, rd, i, c->bufs[i], len, off);
	/* The write starts only when the read has completed in full; a short read breaks
	 * the link and the write completes with -ECANCELED. */
	io_uring_sqe_set_flags(rd, IOSQE_IO_LINK);
	prep_write_block(c, wr, i, c->bufs[i], len, off);
	return 0;
}

/* Hand the next block of the file to slot i, if any is left. */
static int next_block(struct copy *c, int i)
{
	off_t left = c->size - c->next_off;
	unsigned len = left > BLOCK ? BLOCK : (unsigned)left;
	int ret;

	if (len == 0)
		return 0;
	ret = start_block(c, i, c->next_off, len);
	if (ret == 0)
		c->next_off += len;
	return ret;
}

/* Every CQE of slot i's requests has arrived: decide what comes next. */
static int advance_slot(struct copy *c, int i)
{
	struct slot *s = &c->slots[i];
	struct io_uring_sqe *sqe;

	if (s->pair) {
		if (s->read_res < 0)
			return s->read_res;
		if (s->read_res == 0)
			return -ENODATA;	/* the source shrank while we copied it */
		s->have = (unsigned)s->read_res;
		if (s->write_res < 0 && s->write_res != -ECANCELED)
			return s->write_res;
		s->put = s->write_res > 0 ? (unsigned)s->write_res : 0;
	} else {
		if (s->write_res < 0)
			return s->write_res;
		if (s->write_res == 0)
			return -EIO;
		s->put += (unsigned)s->write_res;
	}

	if (s->put < s->have) {
		/* A short read (write cancelled) or a short write: write the rest. */
		sqe = get_sqe(c);
		if (!sqe)
			return -EBUSY;
		prep_write_block(c, sqe, i, c->bufs[i] + s->put, s->have - s->put, s->off + s->put);
		s->pending = 1;
		s->pair = 0;
		return 0;
	}
	if (s->have < s->len)
		/* The read was short: copy the rest of the block. */
		return start_block(c, i, s->off + s->have, s->len - s->have);
	return next_block(c, i);
}

static int handle_cqe(struct copy *c, const struct io_uring_cqe *cqe)
{
	__u64 ud = io_uring_cqe_get_data64(cqe);
	int i = (int)(ud / 2);
	struct slot *s;

	if (i >= QUEUE_DEPTH)
		return -EPROTO;
	s = &c->slots[i];
	c->inflight--;
	if (ud & 1)
		s->write_res = cqe->res;
	else
		s->read_res = cqe->res;
	if (--s->pending > 0)
		return 0;
	return advance_slot(c, i);
}

static int copy_with_uring(struct copy *c)
{
	struct io_uring_cqe *cqe;
	int i, ret;

	for (i = 0; i < QUEUE_DEPTH; i++) {
		ret = next_block(c, i);
		if (ret < 0)
			return ret;
	}
	while (c->inflight > 0) {
		/* Wait for half of what is in flight: each enter then finishes several blocks,
		 * and the queue never runs dry while we refill it. */
		unsigned want = c->inflight / 2 ? c->inflight / 2 : 1;

		ret = io_uring_submit_and_wait(&c->ring, want);
		c->enters++;
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			return ret;
		while (io_uring_peek_cqe(&c->ring, &cqe) == 0) {
			ret = handle_cqe(c, cqe);
			io_uring_cqe_seen(&c->ring, cqe);
			if (ret < 0)
				return ret;
		}
	}
	return 0;
}

/* The baseline: the same blocks through read() and write(). Writes go to /dev/null so the
 * destination is not rewritten; the count is what a copy would cost. */
static int copy_plain(int in, unsigned long *calls)
{
	static char buf[BLOCK];
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (null < 0)
		return -errno;
	*calls = 0;
	for (;;) {
		n = read(in, buf, sizeof(buf));
		++*calls;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(null, buf + done, (size_t)(n - done));

			++*calls;
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				n = -1;
				break;
			}
			done += w;
		}
		if (n < 0)
			break;
	}
	if (n < 0) {
		int err = -errno;

		close(null);
		return err;
	}
	close(null);
	return 0;
}

/* Compare the two files block by block. */
static int verify(const char *src, const char *dst, off_t size)
{
	static char a[BLOCK], b[BLOCK];
	int fa = open(src, O_RDONLY | O_CLOEXEC), fb = open(dst, O_RDONLY | O_CLOEXEC);
	int ret = 0;
	off_t off;
	struct stat st;

	if (fa < 0 || fb < 0) {
		ret = -errno;
		goto out;
	}
	if (fstat(fb, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (st.st_size != size) {
		fprintf(stderr, "verify: %s has %lld bytes, %s has %lld\n", dst,
			(long long)st.st_size, src, (long long)size);
		ret = -EIO;
		goto out;
	}
	for (off = 0; off < size; off += BLOCK) {
		size_t len = size - off > BLOCK ? BLOCK : (size_t)(size - off);
		ssize_t na = pread(fa, a, len, off), nb = pread(fb, b, len, off);

		if (na < 0 || nb < 0) {
			ret = -errno;
			goto out;
		}
		if ((size_t)na != len || (size_t)nb != len || memcmp(a, b, len)) {
			fprintf(stderr, "verify: %s and %s differ in the block at offset %lld\n",
				src, dst, (long long)off);
			ret = -EIO;
			goto out;
		}
	}
out:
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return ret;
}

int main(int argc, char *argv[])
{
	struct copy c = { .in = -1, .out = -1 };
	struct iovec iov[QUEUE_DEPTH];
	unsigned long plain_calls = 0;
	struct stat st;
	double mib, uring_per_mib, plain_per_mib;
	int i, ret, status = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SRC DST\n"
			"copy SRC to DST through io_uring, verify the copy and compare the\n"
			"system calls with a plain read/write loop\n", argv[0]);
		return 2;
	}
	c.in = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (c.in < 0) {
		perror(argv[1]);
		return 1;
	}
	if (fstat(c.in, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "%s: not a regular file\n", argv[1]);
		close(c.in);
		return 1;
	}
	c.size = st.st_size;
	c.out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (c.out < 0) {
		perror(argv[2]);
		close(c.in);
		return 1;
	}

	/* Two SQEs per slot for the linked pair, which is the most a slot ever queues. */
	ret = io_uring_queue_init(2 * QUEUE_DEPTH, &c.ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		goto close_files;
	}
	for (i = 0; i < QUEUE_DEPTH; i++) {
		c.bufs[i] = aligned_alloc(4096, BLOCK);
		if (!c.bufs[i]) {
			fprintf(stderr, "out of memory\n");
			goto free_bufs;
		}
		iov[i] = (struct iovec){ .iov_base = c.bufs[i], .iov_len = BLOCK };
	}
	ret = io_uring_register_buffers(&c.ring, iov, QUEUE_DEPTH);
	if (ret == 0) {
		c.fixed = 1;
	} else {
		/* Pinning memory can be refused (RLIMIT_MEMLOCK on old kernels, -ENOMEM):
		 * the copy still works with ordinary buffers. */
		fprintf(stderr, "io_uring_register_buffers: %s; using unregistered buffers\n",
			strerror(-ret));
	}

	ret = copy_with_uring(&c);
	if (ret < 0) {
		fprintf(stderr, "copy %s -> %s: %s\n", argv[1], argv[2], strerror(-ret));
		goto free_bufs;
	}
	if (fsync(c.out) < 0) {
		perror("fsync");
		goto free_bufs;
	}
	ret = verify(argv[1], argv[2], c.size);
	if (ret < 0) {
		if (ret != -EIO)
			fprintf(stderr, "verify: %s\n", strerror(-ret));
		goto free_bufs;
	}
	if (lseek(c.in, 0, SEEK_SET) < 0) {
		perror("lseek");
		goto free_bufs;
	}
	ret = copy_plain(c.in, &plain_calls);
	if (ret < 0) {
		fprintf(stderr, "plain copy: %s\n", strerror(-ret));
		goto free_bufs;
	}

	mib = (double)c.size / (1024 * 1024);
	if (mib < 1.0 / 1024)
		mib = 1.0 / 1024;	/* an empty file: avoid dividing by zero */
	uring_per_mib = c.enters / mib;
	plain_per_mib = plain_calls / mib;
	printf("copied %lld bytes (%.2f MiB) from %s to %s in %u-KiB blocks, %d in flight, "
	       "%s buffers; verified\n", (long long)c.size, (double)c.size / (1024 * 1024),
	       argv[1], argv[2], BLOCK / 1024, QUEUE_DEPTH, c.fixed ? "registered" : "plain");
	printf("io_uring: %lu io_uring_enter calls (%.1f per MiB)\n", c.enters, uring_per_mib);
	printf("plain read/write loop: %lu read+write calls (%.1f per MiB)\n", plain_calls,
	       plain_per_mib);
	printf("syscalls-per-MiB: uring=%.2f plain=%.2f ratio=%.2f enter-calls=%lu\n",
	       uring_per_mib, plain_per_mib,
	       c.enters ? (double)plain_calls / c.enters : 0.0, c.enters);
	status = 0;

free_bufs:
	io_uring_queue_exit(&c.ring);
	for (i = 0; i < QUEUE_DEPTH; i++)
		free(c.bufs[i]);
close_files:
	close(c.in);
	if (close(c.out) < 0 && status == 0) {
		perror(argv[2]);
		status = 1;
	}
	return status;
}
