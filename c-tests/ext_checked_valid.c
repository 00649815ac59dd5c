/*
 * Extensions: checked mode lets valid SQEs through.
 *
 * A representative valid workload with checked mode on, one batch per preparer family
 * (read/write in all forms with plain, fixed and registered buffers and files; file
 * system ops; sockets incl. multishot receive with buffer selection; poll; timeouts,
 * link timeouts and updates; cancel; MSG_RING; xattrs; sync; splice/tee; futex; epoll;
 * pipes), each submitted whole (submit returns the batch size, never -EINVAL) and
 * completing with the kernel's expected results.
 */
#include "test.h"

#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/xattr.h>
#include <linux/futex.h>
#include <uring/ext.h>

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#endif

#define MAXB 16

static struct io_uring ring;
static char page[4096] __attribute__((aligned(4096)));
static int res_of[64];
static unsigned flags_of[64];

/* Submit what is pending (expect `n` SQEs taken), then reap `reap` CQEs into res_of. */
static void run(unsigned n, unsigned reap, const char *what)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit(&ring);
	unsigned i;

	if (ret != (int)n) {
		t_report(__FILE__, __LINE__, "%s: submit = %d (%s), expected %u", what, ret, t_err(ret), n);
		exit(1);
	}
	for (i = 0; i < reap; i++) {
		ret = io_uring_wait_cqe(&ring, &cqe);
		if (ret < 0) {
			t_report(__FILE__, __LINE__, "%s: wait = %s", what, t_err(ret));
			exit(1);
		}
		if (cqe->user_data < 64) {
			res_of[cqe->user_data] = cqe->res;
			flags_of[cqe->user_data] = cqe->flags;
		}
		io_uring_cqe_seen(&ring, cqe);
	}
}

static struct io_uring_sqe *sqe_ud(__u64 ud)
{
	struct io_uring_sqe *sqe = T_GET_SQE(&ring);

	io_uring_sqe_set_data64(sqe, ud);
	return sqe;
}

int main(void)
{
	static char dir[] = "/tmp/ext_checked_valid.XXXXXX";
	char path[256], buf[4096], buf2[4096], bufs[MAXB * 64];
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };
	struct __kernel_timespec long_ts = { .tv_sec = 10 };
	struct iovec iov[2], reg;
	struct msghdr msg;
	struct statx stx;
	struct epoll_event ev, evs[4];
	struct uring_ring_stats st;
	uint32_t futex_word = 0;
	int fd, dfd, pipefd[2], pipe2fd[2], sv[2], epfd, files[2];
	int newpipe[2] = { -1, -1 }; /* kernel-filled: initialised for memcheck */
	struct io_uring_sqe *sqe;

	t_init(64, &ring, 0);
	CHECK(uring_set_checked(&ring, 1) >= 0); /* 1 when run with URING_CHECK=1 */
	CHECK(mkdtemp(dir) != NULL);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	snprintf(path, sizeof(path), "%s/file", dir);
	CHECK(pipe(pipefd) == 0);
	CHECK(pipe(pipe2fd) == 0);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	memset(buf, 'a', sizeof(buf));

	/* fs: open, write, fsync, fallocate, fadvise, statx, sync_file_range, ftruncate. */
	sqe = sqe_ud(1);
	io_uring_prep_openat(sqe, AT_FDCWD, path, O_CREAT | O_RDWR, 0600);
	run(1, 1, "openat");
	fd = res_of[1];
	CHECK(fd >= 0);
	io_uring_prep_write(sqe_ud(2), fd, buf, sizeof(buf), 0);
	io_uring_prep_fsync(sqe_ud(3), fd, 0);
	io_uring_prep_fallocate(sqe_ud(4), fd, 0, 0, 8192);
	io_uring_prep_fadvise(sqe_ud(5), fd, 0, 4096, POSIX_FADV_NORMAL);
	io_uring_prep_statx(sqe_ud(6), dfd, "file", 0, STATX_SIZE, &stx);
	io_uring_prep_sync_file_range(sqe_ud(7), fd, 4096, 0, 0);
	io_uring_prep_madvise(sqe_ud(8), page, sizeof(page), MADV_NORMAL);
	run(7, 7, "fs batch");
	EXPECT_EQ(res_of[2], 4096);
	EXPECT_EQ(res_of[3], 0);
	EXPECT_EQ(res_of[4], 0);
	EXPECT_EQ(res_of[5], 0);
	EXPECT_EQ(res_of[6], 0);
	EXPECT_EQ(res_of[7], 0);
	EXPECT_EQ(res_of[8], 0);

	/* rw: read, readv, writev (linked), and a zero-length read with no buffer. */
	iov[0].iov_base = buf2;
	iov[0].iov_len = 100;
	iov[1].iov_base = buf2 + 100;
	iov[1].iov_len = 100;
	sqe = sqe_ud(10);
	io_uring_prep_read(sqe, fd, buf2, 512, 0);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_prep_readv(sqe_ud(11), fd, iov, 2, 0);
	io_uring_prep_writev(sqe_ud(12), fd, iov, 2, 4096);
	io_uring_prep_read(sqe_ud(13), fd, NULL, 0, 0);
	run(4, 4, "rw batch");
	EXPECT_EQ(res_of[10], 512);
	EXPECT_EQ(res_of[11], 200);
	EXPECT_EQ(res_of[12], 200);
	EXPECT_EQ(res_of[13], 0);

	/* Registered buffers and files. */
	reg.iov_base = buf2;
	reg.iov_len = sizeof(buf2);
	CHECK_EQ(io_uring_register_buffers(&ring, &reg, 1), 0);
	files[0] = fd;
	files[1] = pipefd[1];
	CHECK_EQ(io_uring_register_files(&ring, files, 2), 0);
	io_uring_prep_read_fixed(sqe_ud(14), fd, buf2, 1024, 0, 0);
	sqe = sqe_ud(15);
	io_uring_prep_write_fixed(sqe, 0, buf2, 16, 8192, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	sqe = sqe_ud(16);
	io_uring_prep_write(sqe, 1, "p", 1, 0);
	sqe->flags |= IOSQE_FIXED_FILE;
	run(3, 3, "fixed batch");
	EXPECT_EQ(res_of[14], 1024);
	EXPECT_EQ(res_of[15], 16);
	EXPECT_EQ(res_of[16], 1);
	CHECK(read(pipefd[0], buf2, 1) == 1);
	CHECK_EQ(io_uring_unregister_files(&ring), 0);
	CHECK_EQ(io_uring_unregister_buffers(&ring), 0);

	/* Buffer selection: provided buffers, a read that picks one. */
	io_uring_prep_provide_buffers(sqe_ud(17), bufs, 64, MAXB, 7, 0);
	run(1, 1, "provide_buffers");
	EXPECT_EQ(res_of[17], 0);
	sqe = sqe_ud(18);
	io_uring_prep_read(sqe, fd, NULL, 64, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 7;
	run(1, 1, "buffer-select read");
	EXPECT_EQ(res_of[18], 64);
	EXPECT(flags_of[18] & IORING_CQE_F_BUFFER);

	/* net: send/recv, sendmsg/recvmsg, multishot recv with buffer selection, shutdown. */
	io_uring_prep_send(sqe_ud(20), sv[0], "hello", 5, 0);
	io_uring_prep_recv(sqe_ud(21), sv[1], buf2, sizeof(buf2), 0);
	run(2, 2, "send/recv");
	EXPECT_EQ(res_of[20], 5);
	EXPECT_EQ(res_of[21], 5);
	memset(&msg, 0, sizeof(msg));
	iov[0].iov_base = "world";
	iov[0].iov_len = 5;
	msg.msg_iov = iov;
	msg.msg_iovlen = 1;
	io_uring_prep_sendmsg(sqe_ud(22), sv[0], &msg, 0);
	run(1, 1, "sendmsg");
	EXPECT_EQ(res_of[22], 5);
	{
		struct msghdr rmsg;
		struct iovec riov = { .iov_base = buf2, .iov_len = sizeof(buf2) };

		memset(&rmsg, 0, sizeof(rmsg));
		rmsg.msg_iov = &riov;
		rmsg.msg_iovlen = 1;
		io_uring_prep_recvmsg(sqe_ud(23), sv[1], &rmsg, 0);
		run(1, 1, "recvmsg");
		EXPECT_EQ(res_of[23], 5);
	}
	sqe = sqe_ud(24);
	io_uring_prep_recv_multishot(sqe, sv[1], NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = 7;
	run(1, 0, "recv multishot");
	CHECK(write(sv[0], "x", 1) == 1);
	{
		struct io_uring_cqe *cqe;

		CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
		EXPECT_EQ(cqe->user_data, 24);
		EXPECT_EQ(cqe->res, 1);
		EXPECT(cqe->flags & IORING_CQE_F_MORE);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_prep_cancel64(sqe_ud(25), 24, 0);
	run(1, 2, "cancel multishot");
	EXPECT_EQ(res_of[25], 0);
	EXPECT_EQ(res_of[24], -ECANCELED);
	io_uring_prep_shutdown(sqe_ud(26), sv[0], SHUT_WR);
	io_uring_prep_socket(sqe_ud(27), AF_UNIX, SOCK_DGRAM, 0, 0);
	run(2, 2, "shutdown/socket");
	EXPECT_EQ(res_of[26], 0);
	EXPECT(res_of[27] >= 0);
	if (res_of[27] >= 0)
		close(res_of[27]);

	/* poll: one-shot, multishot (removed), poll_remove. */
	io_uring_prep_poll_add(sqe_ud(30), pipefd[1], POLLOUT);
	run(1, 1, "poll_add");
	EXPECT(res_of[30] & POLLOUT);
	io_uring_prep_poll_multishot(sqe_ud(31), pipefd[0], POLLIN);
	run(1, 0, "poll multishot");
	io_uring_prep_poll_remove(sqe_ud(32), 31);
	run(1, 2, "poll_remove");
	EXPECT_EQ(res_of[32], 0);
	EXPECT_EQ(res_of[31], -ECANCELED);

	/* timeouts: a timeout, a linked timeout, an update and a removal. */
	io_uring_prep_timeout(sqe_ud(33), &ts, 0, 0);
	run(1, 1, "timeout");
	EXPECT_EQ(res_of[33], -ETIME);
	sqe = sqe_ud(34);
	io_uring_prep_read(sqe, pipefd[0], buf2, 1, 0);
	sqe->flags |= IOSQE_IO_LINK;
	io_uring_prep_link_timeout(sqe_ud(35), &ts, 0);
	run(2, 2, "link_timeout");
	EXPECT_EQ(res_of[34], -ECANCELED);
	EXPECT_EQ(res_of[35], -ETIME);
	io_uring_prep_timeout(sqe_ud(36), &long_ts, 0, 0);
	run(1, 0, "long timeout");
	io_uring_prep_timeout_update(sqe_ud(37), &ts, 36, 0);
	run(1, 2, "timeout_update");
	EXPECT_EQ(res_of[37], 0);
	EXPECT_EQ(res_of[36], -ETIME);
	io_uring_prep_timeout(sqe_ud(38), &long_ts, 0, 0);
	io_uring_prep_timeout_remove(sqe_ud(39), 38, 0);
	run(2, 2, "timeout_remove");
	EXPECT_EQ(res_of[39], 0);
	EXPECT_EQ(res_of[38], -ECANCELED);

	/* msg_ring to ourselves, futex wake, epoll, splice/tee, pipe. */
	io_uring_prep_msg_ring(sqe_ud(40), ring.ring_fd, 17, 41, 0);
	run(1, 2, "msg_ring");
	EXPECT_EQ(res_of[40], 0);
	EXPECT_EQ(res_of[41], 17);
	io_uring_prep_futex_wake(sqe_ud(42), &futex_word, 1, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 0);
	run(1, 1, "futex_wake");
	EXPECT_EQ(res_of[42], 0);
	epfd = epoll_create1(0);
	CHECK(epfd >= 0);
	ev.events = EPOLLIN;
	ev.data.u64 = 5;
	io_uring_prep_epoll_ctl(sqe_ud(43), epfd, pipefd[0], EPOLL_CTL_ADD, &ev);
	run(1, 1, "epoll_ctl");
	EXPECT_EQ(res_of[43], 0);
	CHECK(write(pipefd[1], "s", 1) == 1);
	io_uring_prep_epoll_wait(sqe_ud(44), epfd, evs, 4, 0);
	run(1, 1, "epoll_wait");
	EXPECT_EQ(res_of[44], 1);
	io_uring_prep_tee(sqe_ud(45), pipefd[0], pipe2fd[1], 1, 0);
	run(1, 1, "tee");
	EXPECT_EQ(res_of[45], 1);
	io_uring_prep_splice(sqe_ud(46), pipefd[0], -1, fd, 0, 1, 0);
	run(1, 1, "splice");
	EXPECT_EQ(res_of[46], 1);
	io_uring_prep_pipe(sqe_ud(47), newpipe, 0);
	run(1, 1, "pipe");
	EXPECT_EQ(res_of[47], 0);
	if (res_of[47] == 0) {
		close(newpipe[0]);
		close(newpipe[1]);
	}

	/* xattr: the file system may not have user xattrs (tmpfs before 6.6): any result
	 * but a refused submit is fine. */
	io_uring_prep_fsetxattr(sqe_ud(48), fd, "user.uring", "v", 0, 1);
	io_uring_prep_fgetxattr(sqe_ud(49), fd, "user.uring", buf2, sizeof(buf2));
	run(2, 2, "xattr");

	/* fs: ftruncate, mkdirat, renameat, symlinkat, linkat, unlinkat, close. */
	io_uring_prep_ftruncate(sqe_ud(50), fd, 100);
	io_uring_prep_mkdirat(sqe_ud(51), dfd, "sub", 0700);
	io_uring_prep_renameat(sqe_ud(52), dfd, "file", dfd, "renamed", 0);
	run(3, 3, "ftruncate/mkdir/rename");
	EXPECT_EQ(res_of[50], 0);
	EXPECT_EQ(res_of[51], 0);
	EXPECT_EQ(res_of[52], 0);
	io_uring_prep_symlinkat(sqe_ud(53), "renamed", dfd, "sym");
	io_uring_prep_linkat(sqe_ud(54), dfd, "renamed", dfd, "hard", 0);
	run(2, 2, "symlink/link");
	EXPECT_EQ(res_of[53], 0);
	EXPECT_EQ(res_of[54], 0);
	io_uring_prep_unlinkat(sqe_ud(55), dfd, "sym", 0);
	io_uring_prep_unlinkat(sqe_ud(56), dfd, "hard", 0);
	io_uring_prep_unlinkat(sqe_ud(57), dfd, "renamed", 0);
	io_uring_prep_unlinkat(sqe_ud(58), dfd, "sub", AT_REMOVEDIR);
	io_uring_prep_close(sqe_ud(59), fd);
	run(5, 5, "unlink/close");
	EXPECT_EQ(res_of[55], 0);
	EXPECT_EQ(res_of[56], 0);
	EXPECT_EQ(res_of[57], 0);
	EXPECT_EQ(res_of[58], 0);
	EXPECT_EQ(res_of[59], 0);

	/* Checked mode was on all along and nothing was dropped. */
	CHECK_EQ(uring_ring_stats(&ring, &st, sizeof(st)), 0);
	EXPECT_EQ(st.checked, 1);
	EXPECT_EQ(st.sq_dropped, 0);
	EXPECT_EQ(st.cq_ready, 0);

	io_uring_queue_exit(&ring);
	close(epfd);
	close(dfd);
	rmdir(dir);
	close(pipefd[0]);
	close(pipefd[1]);
	close(pipe2fd[0]);
	close(pipe2fd[1]);
	close(sv[0]);
	close(sv[1]);
	return t_done();
}
