/*
 * Scenario 4: 4 KiB random reads from the data file (made by mkdata), every block checked
 * against the pattern of common.h.
 *
 *   read <pread|read|fixed> <buffered|direct> <qd> <nreads> <file>
 *
 *   pread  a plain pread(2) loop (queue depth 1; no liburing involved)
 *   read   io_uring_prep_read, `qd` reads in flight
 *   fixed  io_uring_prep_read_fixed into buffers registered with io_uring_register_buffers,
 *          on the file registered with io_uring_register_files (IOSQE_FIXED_FILE)
 *
 * The io_uring loop keeps `qd` reads in flight: io_uring_submit_and_wait(ring, 1), then
 * every ready completion is checked (res == 4096 and the block's content), and its slot
 * is refilled with the next random block. `direct` opens the file with O_DIRECT.
 * Block numbers come from a fixed-seed generator, the same sequence for every variant.
 *
 * Prints RESULT iops. Exits 77 ("n/a") if the library lacks the registration functions.
 */
#include "common.h"
#include <fcntl.h>
#include <liburing.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

/* Resolved at load time; NULL if this liburing.so lacks them (the row becomes n/a). */
#pragma weak io_uring_register_buffers
#pragma weak io_uring_register_files

#define BS 4096
#define MAX_QD 1024

static struct io_uring ring;
static uint64_t slot_off[MAX_QD];

/* Out of line: the same machine code in both builds. */
__attribute__((noinline)) static void check_block(const void *buf, uint64_t off)
{
	long bad = pattern_check(buf, off, BS);
	if (bad >= 0)
		fail("read: block at offset %llu has a wrong word at byte %ld",
		     (unsigned long long)off, bad * 8);
}

int main(int argc, char **argv)
{
	if (argc != 6)
		fail("usage: read <pread|read|fixed> <buffered|direct> <qd> <nreads> <file>");
	const char *mode = argv[1];
	int direct = !strcmp(argv[2], "direct");
	if (!direct && strcmp(argv[2], "buffered"))
		fail("cache mode must be buffered or direct");
	unsigned qd = arg_ulong(argv[3]);
	unsigned long nreads = arg_ulong(argv[4]);
	int use_pread = !strcmp(mode, "pread"), fixed = !strcmp(mode, "fixed");
	if (!use_pread && !fixed && strcmp(mode, "read"))
		fail("mode must be pread, read or fixed");
	if (qd == 0 || qd > MAX_QD || (use_pread && qd != 1))
		fail("bad queue depth %u", qd);

	int fd = open(argv[5], O_RDONLY | (direct ? O_DIRECT : 0));
	if (fd < 0)
		fail("open %s: %s", argv[5], strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0)
		fail("fstat: %s", strerror(errno));
	uint64_t nblocks = (uint64_t)st.st_size / BS;
	if (nblocks == 0)
		fail("%s is empty", argv[5]);

	char *bufs;
	if (posix_memalign((void **)&bufs, BS, (size_t)qd * BS))
		fail("posix_memalign failed");
	memset(bufs, 0, (size_t)qd * BS);
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	double t0, t1;

	if (use_pread) {
		t0 = now_sec();
		for (unsigned long i = 0; i < nreads; i++) {
			uint64_t off = (rng_next(&seed) % nblocks) * BS;
			ssize_t r = pread(fd, bufs, BS, (off_t)off);
			if (r != BS)
				fail("pread at %llu returned %zd (%s)", (unsigned long long)off, r,
				     r < 0 ? strerror(errno) : "short");
			check_block(bufs, off);
		}
		t1 = now_sec();
		printf("RESULT iops %.0f\n", (double)nreads / (t1 - t0));
		return 0;
	}

	int ret = io_uring_queue_init(qd, &ring, 0);
	if (ret < 0)
		fail("queue_init(%u): %s", qd, strerror(-ret));

	int file = fd;
	if (fixed) {
		if (!io_uring_register_buffers || !io_uring_register_files)
			not_available("io_uring_register_buffers/io_uring_register_files not exported");
		struct iovec iov[MAX_QD];
		for (unsigned i = 0; i < qd; i++) {
			iov[i].iov_base = bufs + (size_t)i * BS;
			iov[i].iov_len = BS;
		}
		ret = io_uring_register_buffers(&ring, iov, qd);
		if (ret == -ENOSYS || ret == -EOPNOTSUPP)
			not_available("io_uring_register_buffers: %s", strerror(-ret));
		if (ret < 0)
			fail("io_uring_register_buffers: %s", strerror(-ret));
		ret = io_uring_register_files(&ring, &fd, 1);
		if (ret == -ENOSYS || ret == -EOPNOTSUPP)
			not_available("io_uring_register_files: %s", strerror(-ret));
		if (ret < 0)
			fail("io_uring_register_files: %s", strerror(-ret));
		file = 0; /* index into the registered file table */
	}

	unsigned long issued = 0, completed = 0;
	t0 = now_sec();
	for (unsigned slot = 0; slot < qd && issued < nreads; slot++, issued++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		if (!sqe)
			fail("get_sqe returned NULL while filling the queue");
		uint64_t off = (rng_next(&seed) % nblocks) * BS;
		slot_off[slot] = off;
		if (fixed) {
			io_uring_prep_read_fixed(sqe, file, bufs + (size_t)slot * BS, BS, off, slot);
			io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
		} else {
			io_uring_prep_read(sqe, file, bufs + (size_t)slot * BS, BS, off);
		}
		io_uring_sqe_set_data64(sqe, slot);
	}
	while (completed < nreads) {
		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0)
			fail("submit_and_wait: %s", strerror(-ret));
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		io_uring_for_each_cqe(&ring, head, cqe)
		{
			n++;
			uint64_t slot = io_uring_cqe_get_data64(cqe);
			if (slot >= qd)
				fail("completion with bad user_data %llu", (unsigned long long)slot);
			if (cqe->res != BS)
				fail("read at %llu: res %d (%s)", (unsigned long long)slot_off[slot],
				     cqe->res, cqe->res < 0 ? strerror(-cqe->res) : "short");
			check_block(bufs + slot * BS, slot_off[slot]);
			completed++;
			if (issued < nreads) {
				struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
				if (!sqe)
					fail("get_sqe returned NULL with a free slot");
				uint64_t off = (rng_next(&seed) % nblocks) * BS;
				slot_off[slot] = off;
				if (fixed) {
					io_uring_prep_read_fixed(sqe, file, bufs + slot * BS, BS, off, (int)slot);
					io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
				} else {
					io_uring_prep_read(sqe, file, bufs + slot * BS, BS, off);
				}
				io_uring_sqe_set_data64(sqe, slot);
				issued++;
			}
		}
		io_uring_cq_advance(&ring, n);
	}
	t1 = now_sec();
	if (issued != nreads || completed != nreads)
		fail("issued %lu, completed %lu, expected %lu", issued, completed, nreads);
	io_uring_queue_exit(&ring);
	printf("RESULT iops %.0f\n", (double)nreads / (t1 - t0));
	return 0;
}
