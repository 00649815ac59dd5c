/*
 * Kernel round trips for the filesystem family, checking effects on the
 * filesystem: openat/open/openat2 (+ close), statx, mkdirat/mkdir,
 * symlinkat/symlink, linkat/link, renameat/rename, unlinkat/unlink, the
 * direct-descriptor variants (openat_direct, close_direct, files_update,
 * fixed_fd_install) and extended attributes (setxattr/getxattr and the fd
 * forms, on a file under /tmp and under /dev/shm; skipped where the
 * filesystem says EOPNOTSUPP).
 */
#include "op_util.h"

#include <linux/openat2.h>
#include <linux/stat.h>
#include <sys/stat.h>
#include <sys/xattr.h>

static char dir[256];

static const char *at(const char *name)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static void test_open_close_statx(struct io_uring *ring, int dfd)
{
	struct io_uring_sqe *sqe;
	struct statx stx;
	char buf[16] = { 0 };
	int fd, res;

	op_begin("openat", IORING_OP_OPENAT);
	sqe = T_GET_SQE(ring);
	io_uring_prep_openat(sqe, dfd, "a", O_CREAT | O_RDWR | O_CLOEXEC, 0640);
	fd = OP_RUN(ring, sqe, 1);
	CHECK(fd >= 0);
	EXPECT(exists(at("a")));
	EXPECT_EQ(write(fd, "0123456789", 10), 10);
	EXPECT(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	op_begin("close", IORING_OP_CLOSE);
	sqe = T_GET_SQE(ring);
	io_uring_prep_close(sqe, fd);
	EXPECT_EQ(OP_RUN(ring, sqe, 2), 0);
	EXPECT(fcntl(fd, F_GETFD) == -1 && errno == EBADF);

	/* O_EXCL on an existing file */
	sqe = T_GET_SQE(ring);
	io_uring_prep_openat(sqe, dfd, "a", O_CREAT | O_EXCL | O_RDWR, 0640);
	EXPECT_EQ(OP_RUN(ring, sqe, 3), -EEXIST);

	/* open (AT_FDCWD) with an absolute path */
	sqe = T_GET_SQE(ring);
	io_uring_prep_open(sqe, at("a"), O_RDONLY, 0);
	fd = OP_RUN(ring, sqe, 4);
	CHECK(fd >= 0);
	EXPECT_EQ(read(fd, buf, sizeof(buf)), 10);
	EXPECT(memcmp(buf, "0123456789", 10) == 0);
	close(fd);

	if (op_begin("statx", IORING_OP_STATX)) {
		memset(&stx, 0, sizeof(stx));
		sqe = T_GET_SQE(ring);
		io_uring_prep_statx(sqe, dfd, "a", 0, STATX_SIZE | STATX_MODE, &stx);
		EXPECT_EQ(OP_RUN(ring, sqe, 5), 0);
		EXPECT_EQ(stx.stx_size, 10);
		EXPECT_EQ(stx.stx_mode & 0777, 0640);
		EXPECT(S_ISREG(stx.stx_mode));
		sqe = T_GET_SQE(ring);
		io_uring_prep_statx(sqe, dfd, "missing", 0, STATX_SIZE, &stx);
		EXPECT_EQ(OP_RUN(ring, sqe, 6), -ENOENT);
	}

	if (op_begin("openat2", IORING_OP_OPENAT2)) {
		struct open_how how;

		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY;
		how.resolve = RESOLVE_BENEATH;
		sqe = T_GET_SQE(ring);
		io_uring_prep_openat2(sqe, dfd, "a", &how);
		res = OP_RUN(ring, sqe, 7);
		CHECK(res >= 0);
		close(res);
		/* RESOLVE_BENEATH refuses an absolute path */
		sqe = T_GET_SQE(ring);
		io_uring_prep_openat2(sqe, dfd, "/etc/hostname", &how);
		EXPECT_EQ(OP_RUN(ring, sqe, 8), -EXDEV);
	}
}

static void test_paths(struct io_uring *ring, int dfd)
{
	struct io_uring_sqe *sqe;
	struct stat st;
	char target[64];
	ssize_t n;
	int res;

	if (op_begin("mkdirat", IORING_OP_MKDIRAT)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_mkdirat(sqe, dfd, "d", 0750);
		EXPECT_EQ(OP_RUN(ring, sqe, 10), 0);
		EXPECT(stat(at("d"), &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 0777) == 0750);
		sqe = T_GET_SQE(ring);
		io_uring_prep_mkdir(sqe, at("d2"), 0700);
		EXPECT_EQ(OP_RUN(ring, sqe, 11), 0);
		EXPECT(stat(at("d2"), &st) == 0 && S_ISDIR(st.st_mode));
		sqe = T_GET_SQE(ring);
		io_uring_prep_mkdirat(sqe, dfd, "d", 0750);
		EXPECT_EQ(OP_RUN(ring, sqe, 12), -EEXIST);
	}

	if (op_begin("symlinkat", IORING_OP_SYMLINKAT)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_symlinkat(sqe, "a", dfd, "sym");
		EXPECT_EQ(OP_RUN(ring, sqe, 13), 0);
		n = readlink(at("sym"), target, sizeof(target) - 1);
		EXPECT_EQ(n, 1);
		EXPECT(n == 1 && target[0] == 'a');
		sqe = T_GET_SQE(ring);
		io_uring_prep_symlink(sqe, "/nonexistent/target", at("sym2"));
		EXPECT_EQ(OP_RUN(ring, sqe, 14), 0);
		n = readlink(at("sym2"), target, sizeof(target) - 1);
		EXPECT_EQ(n, 19);
	}

	if (op_begin("linkat", IORING_OP_LINKAT)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_linkat(sqe, dfd, "a", dfd, "hard", 0);
		EXPECT_EQ(OP_RUN(ring, sqe, 15), 0);
		EXPECT(stat(at("a"), &st) == 0 && st.st_nlink == 2);
		sqe = T_GET_SQE(ring);
		io_uring_prep_link(sqe, at("a"), at("hard2"), 0);
		EXPECT_EQ(OP_RUN(ring, sqe, 16), 0);
		EXPECT(stat(at("a"), &st) == 0 && st.st_nlink == 3);
		/* AT_SYMLINK_FOLLOW links the target of "sym" (= "a") */
		sqe = T_GET_SQE(ring);
		io_uring_prep_linkat(sqe, dfd, "sym", dfd, "hard3", AT_SYMLINK_FOLLOW);
		EXPECT_EQ(OP_RUN(ring, sqe, 17), 0);
		EXPECT(lstat(at("hard3"), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 4);
	}

	if (op_begin("renameat", IORING_OP_RENAMEAT)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_renameat(sqe, dfd, "hard", dfd, "renamed", 0);
		EXPECT_EQ(OP_RUN(ring, sqe, 18), 0);
		EXPECT(!exists(at("hard")) && exists(at("renamed")));
		sqe = T_GET_SQE(ring);
		io_uring_prep_rename(sqe, at("renamed"), at("renamed2"));
		EXPECT_EQ(OP_RUN(ring, sqe, 19), 0);
		EXPECT(!exists(at("renamed")) && exists(at("renamed2")));
		/* RENAME_NOREPLACE onto an existing name */
		sqe = T_GET_SQE(ring);
		io_uring_prep_renameat(sqe, dfd, "renamed2", dfd, "a", RENAME_NOREPLACE);
		EXPECT_EQ(OP_RUN(ring, sqe, 20), -EEXIST);
	}

	if (op_begin("unlinkat", IORING_OP_UNLINKAT)) {
		const char *files[] = { "renamed2", "hard2", "hard3", "sym", "sym2" };

		for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			sqe = T_GET_SQE(ring);
			io_uring_prep_unlinkat(sqe, dfd, files[i], 0);
			res = OP_RUN(ring, sqe, 21);
			if (res != -ENOENT) /* absent when a sub-test above was skipped */
				EXPECT_EQ(res, 0);
			EXPECT(!exists(at(files[i])));
		}
		sqe = T_GET_SQE(ring);
		io_uring_prep_unlinkat(sqe, dfd, "d", 0);
		res = OP_RUN(ring, sqe, 22);
		if (exists(at("d")))
			EXPECT(res == -EISDIR || res == -EPERM);
		sqe = T_GET_SQE(ring);
		io_uring_prep_unlinkat(sqe, dfd, "d", AT_REMOVEDIR);
		res = OP_RUN(ring, sqe, 23);
		EXPECT(res == 0 || res == -ENOENT);
		EXPECT(!exists(at("d")));
		sqe = T_GET_SQE(ring);
		io_uring_prep_unlink(sqe, at("d2"), AT_REMOVEDIR);
		res = OP_RUN(ring, sqe, 24);
		EXPECT(res == 0 || res == -ENOENT);
		EXPECT(!exists(at("d2")));
	}
}

static void test_direct(struct io_uring *ring, int dfd)
{
	struct io_uring_sqe *sqe;
	char buf[16] = { 0 };
	int res, fd, fds[2];

	if (!op_begin("openat_direct", IORING_OP_OPENAT))
		return;
	res = io_uring_register_files_sparse(ring, 4);
	if (res) {
		T_NOTE("register_files_sparse = %d (%s), direct tests skipped", res, t_err(res));
		op_ran--;
		op_skipped++;
		return;
	}
	/* open straight into slot 2, read through it as a fixed file */
	sqe = T_GET_SQE(ring);
	io_uring_prep_openat_direct(sqe, dfd, "a", O_RDONLY, 0, 2);
	EXPECT_EQ(OP_RUN(ring, sqe, 30), 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, 2, buf, 10, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	EXPECT_EQ(OP_RUN(ring, sqe, 31), 10);
	EXPECT(memcmp(buf, "0123456789", 10) == 0);

	/* IORING_FILE_INDEX_ALLOC: the kernel picks a free slot and returns it */
	sqe = T_GET_SQE(ring);
	io_uring_prep_open_direct(sqe, at("a"), O_RDONLY, 0, IORING_FILE_INDEX_ALLOC);
	res = OP_RUN(ring, sqe, 32);
	EXPECT(res >= 0 && res < 4 && res != 2);

	if (op_begin("fixed_fd_install", IORING_OP_FIXED_FD_INSTALL)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_fixed_fd_install(sqe, 2, 0);
		fd = OP_RUN(ring, sqe, 33);
		if (!op_unsupported_res("fixed_fd_install", fd)) {
			CHECK(fd >= 0);
			memset(buf, 0, sizeof(buf));
			EXPECT_EQ(pread(fd, buf, 4, 2), 4);
			EXPECT(memcmp(buf, "2345", 4) == 0);
			EXPECT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
			close(fd);
		}
	}

	op_begin("close_direct", IORING_OP_CLOSE);
	sqe = T_GET_SQE(ring);
	io_uring_prep_close_direct(sqe, 2);
	EXPECT_EQ(OP_RUN(ring, sqe, 34), 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, 2, buf, 10, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	EXPECT_EQ(OP_RUN(ring, sqe, 35), -EBADF);

	if (op_begin("files_update", IORING_OP_FILES_UPDATE)) {
		CHECK_EQ(pipe(fds), 0);
		sqe = T_GET_SQE(ring);
		io_uring_prep_files_update(sqe, fds, 2, 2);
		EXPECT_EQ(OP_RUN(ring, sqe, 36), 2);
		EXPECT_EQ(write(fds[1], "pq", 2), 2);
		memset(buf, 0, sizeof(buf));
		sqe = T_GET_SQE(ring);
		io_uring_prep_read(sqe, 2, buf, 2, 0);
		io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
		EXPECT_EQ(OP_RUN(ring, sqe, 37), 2);
		EXPECT(memcmp(buf, "pq", 2) == 0);
		close(fds[0]);
		close(fds[1]);
	}
	if (op_supported(IORING_OP_OPENAT2)) {
		struct open_how how;

		/* openat2_direct into slot 0 */
		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY;
		sqe = T_GET_SQE(ring);
		io_uring_prep_openat2_direct(sqe, dfd, "a", &how, 0);
		EXPECT_EQ(OP_RUN(ring, sqe, 38), 0);
		memset(buf, 0, sizeof(buf));
		sqe = T_GET_SQE(ring);
		io_uring_prep_read(sqe, 0, buf, 3, 7);
		io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
		EXPECT_EQ(OP_RUN(ring, sqe, 39), 3);
		EXPECT(memcmp(buf, "789", 3) == 0);
	}

	if (op_begin("pipe_direct", IORING_OP_PIPE)) {
		int pfds[2] = { -1, -1 };

		/* slots 2 and 3 still hold the pipe from files_update: empty them first */
		sqe = T_GET_SQE(ring);
		io_uring_prep_close_direct(sqe, 2);
		OP_RUN(ring, sqe, 46);
		sqe = T_GET_SQE(ring);
		io_uring_prep_close_direct(sqe, 3);
		OP_RUN(ring, sqe, 47);
		sqe = T_GET_SQE(ring);
		io_uring_prep_pipe_direct(sqe, pfds, 0, 2);
		res = OP_RUN(ring, sqe, 48);
		if (!op_unsupported_res("pipe_direct", res)) {
			EXPECT_EQ(res, 0);
			/* the slots are reported back in fds[] */
			EXPECT_EQ(pfds[0], 2);
			EXPECT_EQ(pfds[1], 3);
			sqe = T_GET_SQE(ring);
			io_uring_prep_write(sqe, 3, "dp", 2, 0);
			io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
			EXPECT_EQ(OP_RUN(ring, sqe, 49), 2);
			memset(buf, 0, sizeof(buf));
			sqe = T_GET_SQE(ring);
			io_uring_prep_read(sqe, 2, buf, 2, 0);
			io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
			EXPECT_EQ(OP_RUN(ring, sqe, 50), 2);
			EXPECT(memcmp(buf, "dp", 2) == 0);
		}
	}
	CHECK_EQ(io_uring_unregister_files(ring), 0);
}

static void test_xattr_in(struct io_uring *ring, const char *base)
{
	struct io_uring_sqe *sqe;
	char path[300], value[64];
	int fd, res;

	snprintf(path, sizeof(path), "%s/uring-op_fs-xattr-%d", base, (int)getpid());
	fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		T_NOTE("xattr in %s: cannot create a file (%s), skipped", base, strerror(errno));
		return;
	}
	if (!op_begin("setxattr", IORING_OP_SETXATTR))
		goto out;
	sqe = T_GET_SQE(ring);
	io_uring_prep_setxattr(sqe, "user.uring", "value-1", path, 0, 7);
	res = OP_RUN(ring, sqe, 40);
	if (res == -EOPNOTSUPP || res == -ENOTSUP) {
		T_NOTE("xattr in %s: filesystem has no user xattrs, skipped", base);
		op_ran--;
		op_skipped++;
		goto out;
	}
	EXPECT_EQ(res, 0);
	memset(value, 0, sizeof(value));
	EXPECT_EQ(getxattr(path, "user.uring", value, sizeof(value)), 7);
	EXPECT(memcmp(value, "value-1", 7) == 0);

	memset(value, 0, sizeof(value));
	sqe = T_GET_SQE(ring);
	io_uring_prep_getxattr(sqe, "user.uring", value, path, sizeof(value));
	EXPECT_EQ(OP_RUN(ring, sqe, 41), 7);
	EXPECT(memcmp(value, "value-1", 7) == 0);

	/* XATTR_CREATE on an existing attribute */
	sqe = T_GET_SQE(ring);
	io_uring_prep_setxattr(sqe, "user.uring", "x", path, XATTR_CREATE, 1);
	EXPECT_EQ(OP_RUN(ring, sqe, 42), -EEXIST);

	sqe = T_GET_SQE(ring);
	io_uring_prep_fsetxattr(sqe, fd, "user.uring2", "fd-value", 0, 8);
	EXPECT_EQ(OP_RUN(ring, sqe, 43), 0);
	memset(value, 0, sizeof(value));
	EXPECT_EQ(fgetxattr(fd, "user.uring2", value, sizeof(value)), 8);
	EXPECT(memcmp(value, "fd-value", 8) == 0);

	memset(value, 0, sizeof(value));
	sqe = T_GET_SQE(ring);
	io_uring_prep_fgetxattr(sqe, fd, "user.uring", value, sizeof(value));
	EXPECT_EQ(OP_RUN(ring, sqe, 44), 7);
	EXPECT(memcmp(value, "value-1", 7) == 0);

	sqe = T_GET_SQE(ring);
	io_uring_prep_fgetxattr(sqe, fd, "user.missing", value, sizeof(value));
	EXPECT_EQ(OP_RUN(ring, sqe, 45), -ENODATA);
out:
	close(fd);
	unlink(path);
}

int main(void)
{
	struct io_uring ring;
	int dfd;

	t_init(16, &ring, 0);
	op_probe_init(&ring);
	op_mkdtemp(dir, sizeof(dir), "/tmp", "op_fs");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(dfd >= 0);

	test_open_close_statx(&ring, dfd);
	test_paths(&ring, dfd);
	test_direct(&ring, dfd);
	test_xattr_in(&ring, "/tmp");
	test_xattr_in(&ring, "/dev/shm");

	unlink(at("a"));
	close(dfd);
	if (rmdir(dir))
		T_NOTE("rmdir %s: %s", dir, strerror(errno));
	io_uring_queue_exit(&ring);
	return op_done();
}
