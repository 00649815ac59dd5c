/*
 * The seed's "fewer syscalls" criterion: copying a file with batched io_uring reads and
 * writes against a read(2)/write(2) loop.
 *
 *   copy <uring|rw> <src> <dst> <MiB> <block KiB> <qd>
 *
 * Copies the first <MiB> MiB of <src> to <dst> (created/truncated) in blocks of <block KiB>:
 *   rw     read(2) a block, write(2) it, repeat (qd is ignored);
 *   uring  <qd> blocks in flight: every free slot gets an io_uring_prep_read; when a read
 *          completes its slot gets an io_uring_prep_write of the same bytes; when the
 *          write completes the slot is free again. One io_uring_submit_and_wait(ring, 1)
 *          per loop, then every ready completion is reaped (io_uring_for_each_cqe).
 * Then it checks that <dst> holds the same bytes as <src> (both mapped) and prints
 * RESULT mib_per_sec (0 for a 0 MiB run). The runner counts the syscalls with `strace -f -c`
 * on a 0 MiB run (setup only) and a full one and takes the difference per MiB, so setup and
 * the final check cancel out.
 */
#include "common.h"
#include <fcntl.h>
#include <liburing.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_QD 256

enum { FREE, READING, WRITING };

struct slot {
	int state;
	uint64_t off;
	unsigned len;
	char *buf;
};

/* Compares the two files through mmap, so the check adds no syscall per block. */
static void verify(int src, int dst, uint64_t total)
{
	if (total == 0)
		return;
	const char *a = mmap(NULL, total, PROT_READ, MAP_SHARED, src, 0);
	const char *b = mmap(NULL, total, PROT_READ, MAP_SHARED, dst, 0);
	if (a == MAP_FAILED || b == MAP_FAILED)
		fail("copy: verify: mmap: %s", strerror(errno));
	for (uint64_t off = 0; off < total; off += 1 << 20) {
		size_t len = total - off < (1 << 20) ? (size_t)(total - off) : (size_t)(1 << 20);
		if (memcmp(a + off, b + off, len))
			fail("copy: verify: bytes differ in the MiB at %llu", (unsigned long long)off);
	}
	munmap((void *)a, total);
	munmap((void *)b, total);
}

static void copy_rw(int src, int dst, uint64_t total, size_t bs, char *buf)
{
	for (uint64_t off = 0; off < total; off += bs) {
		size_t len = total - off < bs ? (size_t)(total - off) : bs;
		ssize_t r = read(src, buf, len);
		if (r != (ssize_t)len)
			fail("copy: read returned %zd at %llu", r, (unsigned long long)off);
		ssize_t w = write(dst, buf, len);
		if (w != (ssize_t)len)
			fail("copy: write returned %zd at %llu", w, (unsigned long long)off);
	}
}

static void copy_uring(int src, int dst, uint64_t total, size_t bs, unsigned qd, char *mem)
{
	struct io_uring ring;
	struct slot slots[MAX_QD];
	int ret = io_uring_queue_init(qd * 2, &ring, 0);
	if (ret < 0)
		fail("copy: queue_init: %s", strerror(-ret));
	for (unsigned i = 0; i < qd; i++)
		slots[i] = (struct slot){ FREE, 0, 0, mem + (size_t)i * bs };
	uint64_t next = 0, written = 0;
	unsigned busy = 0;
	while (written < total) {
		for (unsigned i = 0; i < qd && next < total; i++) {
			if (slots[i].state != FREE)
				continue;
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			if (!sqe)
				fail("copy: get_sqe NULL");
			slots[i].off = next;
			slots[i].len = total - next < bs ? (unsigned)(total - next) : (unsigned)bs;
			slots[i].state = READING;
			io_uring_prep_read(sqe, src, slots[i].buf, slots[i].len, slots[i].off);
			io_uring_sqe_set_data64(sqe, i);
			next += slots[i].len;
			busy++;
		}
		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0)
			fail("copy: submit_and_wait: %s", strerror(-ret));
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		io_uring_for_each_cqe(&ring, head, cqe)
		{
			n++;
			uint64_t i = io_uring_cqe_get_data64(cqe);
			if (i >= qd)
				fail("copy: bad user_data %llu", (unsigned long long)i);
			struct slot *s = &slots[i];
			if (cqe->res != (int)s->len)
				fail("copy: %s of %u bytes at %llu returned %d", s->state == READING ? "read" : "write",
				     s->len, (unsigned long long)s->off, cqe->res);
			if (s->state == READING) {
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
				if (!sqe)
					fail("copy: get_sqe NULL (write)");
				io_uring_prep_write(sqe, dst, s->buf, s->len, s->off);
				io_uring_sqe_set_data64(sqe, i);
				s->state = WRITING;
			} else {
				s->state = FREE;
				written += s->len;
				busy--;
			}
		}
		io_uring_cq_advance(&ring, n);
	}
	if (busy)
		fail("copy: %u slots still busy", busy);
	io_uring_queue_exit(&ring);
}

int main(int argc, char **argv)
{
	if (argc != 7)
		fail("usage: copy <uring|rw> <src> <dst> <MiB> <block KiB> <qd>");
	int uring = !strcmp(argv[1], "uring");
	if (!uring && strcmp(argv[1], "rw"))
		fail("mode must be uring or rw");
	uint64_t total = (uint64_t)arg_ulong(argv[4]) << 20;
	size_t bs = (size_t)arg_ulong(argv[5]) << 10;
	unsigned qd = arg_ulong(argv[6]);
	if (bs == 0 || qd == 0 || qd > MAX_QD)
		fail("block must be > 0 and qd 1..%d", MAX_QD);
	int src = open(argv[2], O_RDONLY);
	if (src < 0)
		fail("open %s: %s", argv[2], strerror(errno));
	struct stat st;
	if (fstat(src, &st) || (uint64_t)st.st_size < total)
		fail("%s is smaller than %llu bytes", argv[2], (unsigned long long)total);
	int dst = open(argv[3], O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (dst < 0)
		fail("open %s: %s", argv[3], strerror(errno));
	char *mem = malloc(bs * (uring ? qd : 2) + bs);
	if (!mem)
		fail("out of memory");
	double t0 = now_sec();
	if (uring)
		copy_uring(src, dst, total, bs, qd, mem);
	else
		copy_rw(src, dst, total, bs, mem);
	double t1 = now_sec();
	verify(src, dst, total);
	close(src);
	close(dst);
	unlink(argv[3]);
	free(mem);
	printf("RESULT mib_per_sec %.1f\n", total ? (double)(total >> 20) / (t1 - t0) : 0.0);
	return 0;
}
