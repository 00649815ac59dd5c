/*
 * Kernel round trips for ring messages and process/futex synchronisation:
 * msg_ring to a second ring (target CQE carries len as res and data as
 * user_data), msg_ring_cqe_flags (target CQE flags), msg_ring_fd and
 * msg_ring_fd_alloc (a registered file passed to the other ring's table,
 * then used there), futex_wait + futex_wake, futex_waitv, and waitid on a
 * forked child's exit status.
 */
#include "op_util.h"

#include <linux/futex.h>
#include <signal.h>

#ifndef FUTEX2_SIZE_U32
#define FUTEX2_SIZE_U32 0x02
#endif
#ifndef FUTEX_BITSET_MATCH_ANY
#define FUTEX_BITSET_MATCH_ANY 0xffffffff
#endif

static void test_msg_ring(struct io_uring *ring)
{
	struct io_uring ring2;
	struct io_uring_sqe *sqe;
	unsigned flags;
	__u64 ud;
	int res;

	if (!op_begin("msg_ring", IORING_OP_MSG_RING))
		return;
	t_init(8, &ring2, 0);

	sqe = T_GET_SQE(ring);
	io_uring_prep_msg_ring(sqe, ring2.ring_fd, 0x55, 0xdead0001, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 1), 0);
	res = OP_WAIT(&ring2, &ud, &flags);
	EXPECT_EQ(res, 0x55);
	EXPECT_EQ_U64(ud, 0xdead0001);

	/* IORING_MSG_RING_CQE_SKIP: no CQE on the target */
	sqe = T_GET_SQE(ring);
	io_uring_prep_msg_ring(sqe, ring2.ring_fd, 1, 2, IORING_MSG_RING_CQE_SKIP);
	res = OP_RUN(ring, sqe, 2);
	if (res == 0)
		EXPECT(!op_cqe_within(&ring2, 50));
	else
		EXPECT_EQ(res, -EINVAL); /* kernel without CQE_SKIP */

	/* msg_ring_cqe_flags: the target CQE gets our flags */
	sqe = T_GET_SQE(ring);
	io_uring_prep_msg_ring_cqe_flags(sqe, ring2.ring_fd, 7, 0xdead0003, 0, 0x00ab0000);
	res = OP_RUN(ring, sqe, 3);
	if (!op_unsupported_res("msg_ring_cqe_flags", res)) {
		op_ran++;
		EXPECT_EQ(res, 0);
		res = OP_WAIT(&ring2, &ud, &flags);
		EXPECT_EQ(res, 7);
		EXPECT_EQ_U64(ud, 0xdead0003);
		EXPECT_EQ(flags, 0x00ab0000);
	}

	/* msg_ring to something that is not a ring */
	sqe = T_GET_SQE(ring);
	io_uring_prep_msg_ring(sqe, 0, 1, 2, 0);
	res = OP_RUN(ring, sqe, 4);
	EXPECT(res == -EBADFD || res == -EBADF);

	/* msg_ring_fd: pass registered file 0 of ring 1 into slot 3 of ring 2 */
	{
		int p[2], reg[1], slot;
		char buf[8] = { 0 };

		CHECK_EQ(pipe(p), 0);
		reg[0] = p[1];
		CHECK_EQ(io_uring_register_files(ring, reg, 1), 0);
		CHECK_EQ(io_uring_register_files_sparse(&ring2, 8), 0);

		sqe = T_GET_SQE(ring);
		io_uring_prep_msg_ring_fd(sqe, ring2.ring_fd, 0, 3, 0xdead0005, 0);
		EXPECT_EQ(OP_RUN(ring, sqe, 5), 0);
		res = OP_WAIT(&ring2, &ud, NULL);
		EXPECT_EQ(res, 0);
		EXPECT_EQ_U64(ud, 0xdead0005);
		/* ring 2 writes to the pipe through its new slot 3 */
		sqe = T_GET_SQE(&ring2);
		io_uring_prep_write(sqe, 3, "via3", 4, 0);
		io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
		EXPECT_EQ(OP_RUN(&ring2, sqe, 6), 4);
		EXPECT_EQ(read(p[0], buf, sizeof(buf)), 4);
		EXPECT(memcmp(buf, "via3", 4) == 0);

		/* msg_ring_fd_alloc: the target ring picks the slot; both CQEs report it */
		sqe = T_GET_SQE(ring);
		io_uring_prep_msg_ring_fd_alloc(sqe, ring2.ring_fd, 0, 0xdead0007, 0);
		slot = OP_RUN(ring, sqe, 7);
		EXPECT(slot >= 0 && slot < 8 && slot != 3);
		EXPECT_EQ(OP_WAIT(&ring2, &ud, NULL), slot);
		EXPECT_EQ_U64(ud, 0xdead0007);
		if (slot >= 0 && slot < 8) {
			sqe = T_GET_SQE(&ring2);
			io_uring_prep_write(sqe, slot, "alloc", 5, 0);
			io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
			EXPECT_EQ(OP_RUN(&ring2, sqe, 8), 5);
			memset(buf, 0, sizeof(buf));
			EXPECT_EQ(read(p[0], buf, sizeof(buf)), 5);
			EXPECT(memcmp(buf, "alloc", 5) == 0);
		}
		close(p[0]);
		close(p[1]);
		io_uring_unregister_files(ring);
	}
	io_uring_queue_exit(&ring2);
}

static void test_futex(struct io_uring *ring)
{
	static uint32_t fut, fut2;
	struct io_uring_sqe *sqe;
	__u64 ud;
	int res, wres = -1, wkres = -1;

	if (!op_begin("futex_wait", IORING_OP_FUTEX_WAIT))
		return;
	fut = 0;
	sqe = T_GET_SQE(ring);
	io_uring_prep_futex_wait(sqe, &fut, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 0);
	io_uring_sqe_set_data64(sqe, 10);
	OP_SUBMIT(ring, 1);
	if (op_cqe_within(ring, 50)) {
		res = OP_WAIT(ring, &ud, NULL);
		if (op_unsupported_res("futex_wait", res))
			return;
		FAIL("futex_wait completed early: res %d (%s)", res, t_err(res));
	}
	sqe = T_GET_SQE(ring);
	io_uring_prep_futex_wake(sqe, &fut, 1, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 0);
	io_uring_sqe_set_data64(sqe, 11);
	OP_SUBMIT(ring, 1);
	for (int i = 0; i < 2; i++) {
		res = OP_WAIT(ring, &ud, NULL);
		if (ud == 10)
			wres = res;
		else if (ud == 11)
			wkres = res;
	}
	EXPECT_EQ(wres, 0);
	EXPECT_EQ(wkres, 1); /* one waiter woken */

	/* the value does not match: -EAGAIN at once */
	fut = 5;
	sqe = T_GET_SQE(ring);
	io_uring_prep_futex_wait(sqe, &fut, 0, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 12), -EAGAIN);

	/* no waiters: wake returns 0 */
	sqe = T_GET_SQE(ring);
	io_uring_prep_futex_wake(sqe, &fut, 1, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 13), 0);

	if (op_begin("futex_waitv", IORING_OP_FUTEX_WAITV)) {
		struct futex_waitv fw[2];

		fut = 0;
		fut2 = 0;
		memset(fw, 0, sizeof(fw));
		fw[0].val = 0;
		fw[0].uaddr = (uintptr_t)&fut;
		fw[0].flags = FUTEX2_SIZE_U32;
		fw[1].val = 0;
		fw[1].uaddr = (uintptr_t)&fut2;
		fw[1].flags = FUTEX2_SIZE_U32;
		sqe = T_GET_SQE(ring);
		io_uring_prep_futex_waitv(sqe, fw, 2, 0);
		io_uring_sqe_set_data64(sqe, 14);
		OP_SUBMIT(ring, 1);
		EXPECT(!op_cqe_within(ring, 50));
		sqe = T_GET_SQE(ring);
		io_uring_prep_futex_wake(sqe, &fut2, 1, FUTEX_BITSET_MATCH_ANY, FUTEX2_SIZE_U32, 0);
		io_uring_sqe_set_data64(sqe, 15);
		OP_SUBMIT(ring, 1);
		wres = wkres = -1;
		for (int i = 0; i < 2; i++) {
			res = OP_WAIT(ring, &ud, NULL);
			if (ud == 14)
				wres = res;
			else if (ud == 15)
				wkres = res;
		}
		EXPECT_EQ(wres, 1); /* index of the futex that woke us */
		EXPECT_EQ(wkres, 1);
	}
}

static void test_waitid(struct io_uring *ring)
{
	struct io_uring_sqe *sqe;
	siginfo_t si;
	pid_t pid;
	int res;

	if (!op_begin("waitid", IORING_OP_WAITID))
		return;
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		t_sleep_ms(20);
		_exit(42);
	}
	memset(&si, 0, sizeof(si));
	sqe = T_GET_SQE(ring);
	io_uring_prep_waitid(sqe, P_PID, (id_t)pid, &si, WEXITED, 0);
	res = OP_RUN(ring, sqe, 20);
	if (op_unsupported_res("waitid", res)) {
		waitpid(pid, NULL, 0);
		return;
	}
	EXPECT_EQ(res, 0);
	EXPECT_EQ(si.si_pid, pid);
	EXPECT_EQ(si.si_code, CLD_EXITED);
	EXPECT_EQ(si.si_status, 42);
	/* reaped: nothing left to wait for */
	EXPECT(waitpid(pid, NULL, WNOHANG) == -1 && errno == ECHILD);

	/* a pid that is not our child */
	sqe = T_GET_SQE(ring);
	io_uring_prep_waitid(sqe, P_PID, 1, &si, WEXITED, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 21), -ECHILD);
}

int main(void)
{
	struct io_uring ring;

	t_init(16, &ring, 0);
	op_probe_init(&ring);

	test_msg_ring(&ring);
	test_futex(&ring);
	test_waitid(&ring);

	io_uring_queue_exit(&ring);
	return op_done();
}
