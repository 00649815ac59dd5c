/* Database-style I/O on io_uring: a file of fixed-size pages written with O_DIRECT from
 * registered buffers through a registered file, made durable by group commit (a chain of
 * page writes linked to one fdatasync), then read back after a reopen and verified by
 * checksum.
 *
 *   examples/c/build/pagestore FILE             # write PAGES pages, reopen, verify
 *   examples/c/build/pagestore --verify FILE    # verify an existing store only
 *   PAGES=N (default 256) sets how many pages the first form writes.
 *
 * If the filesystem refuses O_DIRECT (tmpfs does), it says so and uses buffered I/O.
 * Exit status: 0 all pages verified, 1 an error or a page that fails its checksum,
 * 2 bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <liburing.h>

#define PAGE_SIZE 4096		/* a multiple of every logical block size O_DIRECT needs */
#define GROUP 16		/* pages per group commit, and registered buffers */
#define PAGE_MAGIC 0x45474150474e4952ULL	/* "RINGPAGE" */

/* The page header; the rest of the page is payload. */
struct page_header {
	uint64_t magic;
	uint64_t page_no;
	uint64_t checksum;	/* FNV-1a 64 of the page with this field zero */
	uint64_t reserved;
};

struct store {
	struct io_uring ring;
	int fd;
	int direct;		/* the file is open with O_DIRECT */
	int buffered_only;	/* O_DIRECT was refused: do not try it again */
	char *bufs[GROUP];
};

static uint64_t page_checksum(const char *page)
{
	const struct page_header *h = (const void *)page;
	uint64_t sum = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < PAGE_SIZE; i++) {
		unsigned char byte = page[i];

		if (i >= offsetof(struct page_header, checksum) &&
		    i < offsetof(struct page_header, checksum) + sizeof(h->checksum))
			byte = 0;
		sum = (sum ^ byte) * 0x100000001b3ULL;
	}
	return sum;
}

/* Payload bytes are a function of the page number, so a misplaced page fails too. */
static void fill_page(char *page, uint64_t page_no)
{
	struct page_header *h = (void *)page;
	uint64_t x = page_no * 0x9e3779b97f4a7c15ULL + 1;
	size_t i;

	for (i = sizeof(*h); i < PAGE_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		page[i] = (char)x;
	}
	h->magic = PAGE_MAGIC;
	h->page_no = page_no;
	h->reserved = 0;
	h->checksum = page_checksum(page);
}

static const char *check_page(const char *page, uint64_t page_no)
{
	const struct page_header *h = (const void *)page;

	if (h->magic != PAGE_MAGIC)
		return "bad magic";
	if (h->page_no != page_no)
		return "page number does not match its position";
	if (h->checksum != page_checksum(page))
		return "checksum mismatch";
	return NULL;
}

/* Open FILE, O_DIRECT if the filesystem allows it, and register it as fixed file 0. */
static int open_store(struct store *st, const char *path, int flags)
{
	int ret;

	st->direct = 0;
	if (!st->buffered_only) {
		st->fd = open(path, flags | O_DIRECT | O_CLOEXEC, 0644);
		st->direct = st->fd >= 0;
		if (st->fd < 0 && errno == EINVAL) {
			st->buffered_only = 1;
			fprintf(stderr, "pagestore: %s: the filesystem refuses O_DIRECT; "
				"using buffered I/O\n", path);
		}
	}
	if (st->buffered_only)
		st->fd = open(path, flags | O_CLOEXEC, 0644);
	if (st->fd < 0) {
		ret = -errno;
		fprintf(stderr, "pagestore: %s: %s\n", path, strerror(errno));
		return ret;
	}
	ret = io_uring_register_files(&st->ring, &st->fd, 1);
	if (ret < 0) {
		fprintf(stderr, "pagestore: io_uring_register_files: %s\n", strerror(-ret));
		close(st->fd);
		st->fd = -1;
	}
	return ret;
}

static int close_store(struct store *st)
{
	int ret = io_uring_unregister_files(&st->ring);

	if (ret < 0)
		fprintf(stderr, "pagestore: io_uring_unregister_files: %s\n", strerror(-ret));
	if (close(st->fd) < 0 && ret == 0) {
		ret = -errno;
		perror("pagestore: close");
	}
	st->fd = -1;
	return ret;
}

/* Submit what is queued and reap exactly `count` CQEs into res[user_data]. */
static int reap(struct store *st, int count, int *res)
{
	struct io_uring_cqe *cqe;
	int ret, i;

	do
		ret = io_uring_submit_and_wait(&st->ring, (unsigned)count);
	while (ret == -EINTR);	/* a signal before anything was submitted: again */
	if (ret < 0) {
		fprintf(stderr, "pagestore: io_uring_submit_and_wait: %s\n", strerror(-ret));
		return ret;
	}
	for (i = 0; i < count; i++) {
		ret = io_uring_wait_cqe(&st->ring, &cqe);
		if (ret < 0) {
			fprintf(stderr, "pagestore: io_uring_wait_cqe: %s\n", strerror(-ret));
			return ret;
		}
		if (cqe->user_data < (__u64)count)
			res[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(&st->ring, cqe);
	}
	return 0;
}

/* One group commit: pages [first, first + n) as a chain of writes linked to an
 * fdatasync, so the sync runs after the last write and only if every write succeeded. */
static int commit_group(struct store *st, uint64_t first, int n)
{
	int res[GROUP + 1], i, ret;

	for (i = 0; i <= n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&st->ring);

		if (!sqe)
			return -EBUSY;	/* the ring is sized for a whole group */
		if (i < n) {
			fill_page(st->bufs[i], first + (uint64_t)i);
			/* fd 0 is the registered file's index, buffer i the registered buffer. */
			io_uring_prep_write_fixed(sqe, 0, st->bufs[i], PAGE_SIZE,
						  (first + (uint64_t)i) * PAGE_SIZE, i);
			io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE | IOSQE_IO_LINK);
		} else {
			io_uring_prep_fsync(sqe, 0, IORING_FSYNC_DATASYNC);
			io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
		}
		io_uring_sqe_set_data64(sqe, (__u64)i);
	}
	ret = reap(st, n + 1, res);
	if (ret < 0)
		return ret;
	for (i = 0; i < n; i++) {
		if (res[i] < 0)
			return res[i];
		if (res[i] != PAGE_SIZE)
			return -EIO;	/* a short write broke the chain */
	}
	return res[n] < 0 ? res[n] : 0;
}

/* Read every page back, GROUP at a time (independent reads, in parallel). */
static int verify_pages(struct store *st, uint64_t pages)
{
	int res[GROUP], ret, i;
	uint64_t first;

	for (first = 0; first < pages; first += GROUP) {
		int n = pages - first < GROUP ? (int)(pages - first) : GROUP;

		for (i = 0; i < n; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&st->ring);

			if (!sqe)
				return -EBUSY;
			io_uring_prep_read_fixed(sqe, 0, st->bufs[i], PAGE_SIZE,
						 (first + (uint64_t)i) * PAGE_SIZE, i);
			io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
			io_uring_sqe_set_data64(sqe, (__u64)i);
		}
		ret = reap(st, n, res);
		if (ret < 0)
			return ret;
		for (i = 0; i < n; i++) {
			const char *why;

			if (res[i] < 0) {
				fprintf(stderr, "pagestore: read of page %llu: %s\n",
					(unsigned long long)(first + i), strerror(-res[i]));
				return res[i];
			}
			if (res[i] != PAGE_SIZE) {
				fprintf(stderr, "pagestore: page %llu: short read (%d bytes)\n",
					(unsigned long long)(first + i), res[i]);
				return -EIO;
			}
			why = check_page(st->bufs[i], first + (uint64_t)i);
			if (why) {
				fprintf(stderr, "pagestore: page %llu: %s\n",
					(unsigned long long)(first + i), why);
				return -EIO;
			}
		}
	}
	return 0;
}

static int verify_store(struct store *st, const char *path)
{
	struct stat sb;
	uint64_t pages;
	int ret = open_store(st, path, O_RDONLY);

	if (ret < 0)
		return ret;
	if (fstat(st->fd, &sb) < 0) {
		ret = -errno;
		perror("pagestore: fstat");
		close_store(st);
		return ret;
	}
	if (sb.st_size == 0 || sb.st_size % PAGE_SIZE) {
		fprintf(stderr, "pagestore: %s: %lld bytes is not a whole number of %d-byte pages\n",
			path, (long long)sb.st_size, PAGE_SIZE);
		close_store(st);
		return -EINVAL;
	}
	pages = (uint64_t)sb.st_size / PAGE_SIZE;
	ret = verify_pages(st, pages);
	if (close_store(st) < 0 && ret == 0)
		ret = -EIO;
	if (ret == 0)
		printf("pagestore: %s: %llu pages read back (%s), every checksum verified\n",
		       path, (unsigned long long)pages, st->direct ? "O_DIRECT" : "buffered");
	return ret;
}

static int write_store(struct store *st, const char *path, uint64_t pages)
{
	uint64_t first, commits = 0;
	int ret = open_store(st, path, O_RDWR | O_CREAT | O_TRUNC);

	if (ret < 0)
		return ret;
	for (first = 0; first < pages; first += GROUP) {
		int n = pages - first < GROUP ? (int)(pages - first) : GROUP;

		ret = commit_group(st, first, n);
		if (ret == -EINVAL && st->direct && first == 0) {
			/* Some filesystems accept O_DIRECT at open and refuse the I/O. */
			fprintf(stderr, "pagestore: %s: O_DIRECT writes refused; "
				"using buffered I/O\n", path);
			close_store(st);
			st->buffered_only = 1;
			ret = open_store(st, path, O_RDWR);
			if (ret < 0)
				return ret;
			ret = commit_group(st, first, n);
		}
		if (ret < 0) {
			fprintf(stderr, "pagestore: group commit of pages %llu..%llu: %s\n",
				(unsigned long long)first, (unsigned long long)(first + n - 1),
				strerror(-ret));
			close_store(st);
			return ret;
		}
		commits++;
	}
	ret = close_store(st);
	if (ret < 0)
		return ret;
	printf("pagestore: %s: wrote %llu pages of %d bytes (%s, registered file and "
	       "buffers) in %llu group commits\n", path, (unsigned long long)pages, PAGE_SIZE,
	       st->direct ? "O_DIRECT" : "buffered", (unsigned long long)commits);
	return 0;
}

int main(int argc, char *argv[])
{
	struct store st = { .fd = -1 };
	struct iovec iov[GROUP];
	const char *path, *env = getenv("PAGES");
	uint64_t pages = 256;
	int verify_only = 0, ret, i;

	if (argc == 3 && !strcmp(argv[1], "--verify")) {
		verify_only = 1;
		path = argv[2];
	} else if (argc == 2 && argv[1][0] != '-') {
		path = argv[1];
	} else {
		fprintf(stderr, "usage: %s [--verify] FILE\n"
			"write PAGES (default 256) checksummed pages with O_DIRECT and group commit,\n"
			"then reopen FILE and verify them; --verify only verifies\n", argv[0]);
		return 2;
	}
	if (env) {
		char *end;
		unsigned long long v = strtoull(env, &end, 10);

		if (*end || v == 0 || v > (1ULL << 30)) {
			fprintf(stderr, "pagestore: PAGES=%s: expected a page count\n", env);
			return 2;
		}
		pages = v;
	}

	/* A chain of GROUP writes plus its fsync must fit in the SQ. */
	ret = io_uring_queue_init(2 * GROUP, &st.ring, 0);
	if (ret < 0) {
		fprintf(stderr, "pagestore: io_uring_queue_init: %s\n", strerror(-ret));
		return 1;
	}
	for (i = 0; i < GROUP; i++) {
		/* O_DIRECT needs buffers aligned to the logical block size. */
		st.bufs[i] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		if (!st.bufs[i]) {
			fprintf(stderr, "pagestore: out of memory\n");
			ret = -ENOMEM;
			goto out;
		}
		iov[i] = (struct iovec){ .iov_base = st.bufs[i], .iov_len = PAGE_SIZE };
	}
	ret = io_uring_register_buffers(&st.ring, iov, GROUP);
	if (ret < 0) {
		fprintf(stderr, "pagestore: io_uring_register_buffers: %s\n", strerror(-ret));
		goto out;
	}
	ret = 0;
	if (!verify_only)
		ret = write_store(&st, path, pages);
	if (ret == 0)
		ret = verify_store(&st, path);
out:
	io_uring_queue_exit(&st.ring);
	for (i = 0; i < GROUP; i++)
		free(st.bufs[i]);
	return ret < 0;
}
