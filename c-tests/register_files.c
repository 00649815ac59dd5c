/*
 * Fixed files through the C API: I/O on a registered index, files_update
 * switching the file the next I/O uses, tags, sparse tables, and the
 * RLIMIT_NOFILE retry of io_uring_register_files* (liburing raises the
 * soft limit by the table size once after -EMFILE, then retries).
 */
#include "test.h"
#include <sys/resource.h>

static int make_file(const char *data)
{
	char path[] = "/tmp/uring-register-files-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	unlink(path);
	CHECK(write(fd, data, strlen(data)) == (ssize_t)strlen(data));
	return fd;
}

/* Read up to `len` bytes at offset 0 from fixed slot `slot`; returns cqe->res. */
static int read_slot(struct io_uring *ring, int slot, char *buf, unsigned len)
{
	struct io_uring_sqe *sqe = T_GET_SQE(ring);
	struct io_uring_cqe *cqe;
	int ret;

	memset(buf, 0, len);
	io_uring_prep_read(sqe, slot, buf, len, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data64(sqe, 0x5107 + slot);
	CHECK_EQ(io_uring_submit(ring), 1);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 0x5107 + slot);
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

static struct rlimit get_nofile(void)
{
	struct rlimit rl;

	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	return rl;
}

static void set_nofile_soft(rlim_t cur)
{
	struct rlimit rl = get_nofile();

	rl.rlim_cur = cur;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	char buf[64];
	int a, b, ret, fds[2];
	__u64 tags[2];

	t_init(8, &ring, 0);
	a = make_file("alpha");
	b = make_file("bravo!");

	/* Register, close the original: the kernel keeps its own reference. */
	fds[0] = dup(a);
	fds[1] = -1;
	CHECK_EQ(io_uring_register_files(&ring, fds, 2), 0);
	close(fds[0]);
	EXPECT_EQ(io_uring_register_files(&ring, fds, 1), -EBUSY);
	EXPECT_EQ(read_slot(&ring, 0, buf, sizeof(buf)), 5);
	EXPECT(memcmp(buf, "alpha", 5) == 0);
	EXPECT_EQ(read_slot(&ring, 1, buf, sizeof(buf)), -EBADF);

	/* files_update returns the number of slots updated; the next read uses the new file. */
	EXPECT_EQ(io_uring_register_files_update(&ring, 0, &b, 1), 1);
	EXPECT_EQ(read_slot(&ring, 0, buf, sizeof(buf)), 6);
	EXPECT(memcmp(buf, "bravo!", 6) == 0);
	fds[0] = IORING_REGISTER_FILES_SKIP;
	fds[1] = a;
	EXPECT_EQ(io_uring_register_files_update(&ring, 0, fds, 2), 2);
	EXPECT_EQ(read_slot(&ring, 0, buf, sizeof(buf)), 6);
	EXPECT_EQ(read_slot(&ring, 1, buf, sizeof(buf)), 5);
	EXPECT_EQ(io_uring_unregister_files(&ring), 0);
	EXPECT_EQ(io_uring_unregister_files(&ring), -ENXIO);
	EXPECT_EQ(io_uring_register_files_update(&ring, 0, &a, 1), -ENXIO);

	/* Bad input: a closed fd, an empty table, a NULL array. */
	fds[0] = a;
	fds[1] = 1000000;
	EXPECT_EQ(io_uring_register_files(&ring, fds, 2), -EBADF);
	EXPECT_EQ(io_uring_register_files(&ring, fds, 0), -EINVAL);
	t_bad_pointer_begin();
	ret = io_uring_register_files(&ring, NULL, 2);
	t_bad_pointer_end();
	EXPECT_EQ(ret, -EFAULT);

	/* Tags: removing a tagged file posts a CQE carrying the tag. */
	tags[0] = 0xaa11;
	CHECK_EQ(io_uring_register_files_tags(&ring, &a, tags, 1), 0);
	EXPECT_EQ(read_slot(&ring, 0, buf, sizeof(buf)), 5);
	fds[0] = -1;
	EXPECT_EQ(io_uring_register_files_update_tag(&ring, 0, fds, NULL, 1), 1);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 0xaa11);
	EXPECT_EQ(cqe->res, 0);
	io_uring_cqe_seen(&ring, cqe);
	EXPECT_EQ(io_uring_unregister_files(&ring), 0);

	/* Sparse table + update_tag + allocation range. */
	CHECK_EQ(io_uring_register_files_sparse(&ring, 4), 0);
	tags[0] = 0;
	EXPECT_EQ(io_uring_register_files_update_tag(&ring, 2, &b, tags, 1), 1);
	EXPECT_EQ(read_slot(&ring, 2, buf, sizeof(buf)), 6);
	EXPECT_EQ(read_slot(&ring, 3, buf, sizeof(buf)), -EBADF);
	EXPECT_EQ(io_uring_register_file_alloc_range(&ring, 1, 3), 0);
	EXPECT_EQ(io_uring_register_file_alloc_range(&ring, 2, 3), -EINVAL);
	EXPECT_EQ(io_uring_unregister_files(&ring), 0);

	/*
	 * RLIMIT_NOFILE retry: with the soft limit at 64, a 100-slot table
	 * first fails with -EMFILE; the library raises the soft limit by 100
	 * and the retry succeeds.
	 */
	{
		struct rlimit before = get_nofile();

		if (before.rlim_max < 164) {
			T_NOTE("hard RLIMIT_NOFILE %llu too low for the retry check",
			       (unsigned long long)before.rlim_max);
		} else if (t_on_valgrind()) {
			/* Valgrind keeps the program's RLIMIT_NOFILE to itself:
			 * the kernel never sees the lowered limit. */
			T_NOTE("under valgrind: RLIMIT_NOFILE retry check not run");
		} else {
			set_nofile_soft(64);
			ret = io_uring_register_files_sparse(&ring, 100);
			EXPECT_EQ(ret, 0);
			EXPECT_EQ(get_nofile().rlim_cur, 164);
			EXPECT_EQ(io_uring_unregister_files(&ring), 0);

			/* The plain and tagged variants retry the same way. */
			set_nofile_soft(64);
			{
				int many[100];

				for (int i = 0; i < 100; i++)
					many[i] = -1;
				many[7] = a;
				EXPECT_EQ(io_uring_register_files(&ring, many, 100), 0);
				EXPECT_EQ(get_nofile().rlim_cur, 164);
				EXPECT_EQ(read_slot(&ring, 7, buf, sizeof(buf)), 5);
				EXPECT_EQ(io_uring_unregister_files(&ring), 0);

				set_nofile_soft(64);
				EXPECT_EQ(io_uring_register_files_tags(&ring, many, NULL, 100), 0);
				EXPECT_EQ(get_nofile().rlim_cur, 164);
				EXPECT_EQ(io_uring_unregister_files(&ring), 0);
			}

			/* Already above the count: the limit is left alone. */
			set_nofile_soft(200);
			EXPECT_EQ(io_uring_register_files_sparse(&ring, 100), 0);
			EXPECT_EQ(get_nofile().rlim_cur, 200);
			EXPECT_EQ(io_uring_unregister_files(&ring), 0);

			/*
			 * More than the hard limit: raising fails (ignored), the
			 * retry fails too, and -EMFILE comes back.
			 */
			set_nofile_soft(64);
			{
				struct rlimit rl = get_nofile();

				rl.rlim_max = 128;
				if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
					EXPECT_EQ(io_uring_register_files_sparse(&ring, 100), -EMFILE);
					EXPECT_EQ(get_nofile().rlim_cur, 64);
				}
			}
		}
	}

	/* Far beyond the kernel's table maximum. */
	ret = io_uring_register_files_sparse(&ring, 1U << 22);
	if (ret != -EMFILE && ret != -EINVAL) {
		t_report(__FILE__, __LINE__, "sparse 1<<22 = %d (%s), expected -EMFILE or -EINVAL",
			 ret, t_err(ret));
		t_failures++;
	}

	close(a);
	close(b);
	io_uring_queue_exit(&ring);
	return t_done();
}
