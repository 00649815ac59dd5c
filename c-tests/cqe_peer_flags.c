/* A MSG_RING sender chooses every flag bit of the CQE it posts to another
 * ring (IORING_MSG_RING_FLAGS_PASS), IORING_CQE_F_32 and IORING_CQE_F_SKIP
 * included, and the kernel posts it into one slot unless the target ring is
 * CQE_MIXED.  The consumers that know the ring must count slots by its
 * layout (docs/security.md):
 *
 *   - io_uring_for_each_cqe (a header macro): stepping two slots for a
 *     peer's F_32 CQE on a plain or CQE32 ring skipped the next completion;
 *   - io_uring_cqe_seen / io_uring_peek_cqe: consuming two slots lost the
 *     next completion, or moved the head past the tail when the peer's CQE
 *     was the last one (io_uring_cq_ready then said 4294967295).
 *
 * Each kind of ring (plain, CQE32, CQE_MIXED) gets a peer CQE with F_32, one
 * followed by nothing, and one with F_32 | F_SKIP.
 */
#include "test.h"

#define PEER	0x7e57ULL
#define SENDER	1ULL
#define NOP	2ULL

/* Queue a MSG_RING to 'ring' itself that posts PEER with 'cqe_flags'. */
static void queue_message(struct io_uring *ring, unsigned cqe_flags, int quiet)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	CHECK(sqe != NULL);
	io_uring_prep_msg_ring_cqe_flags(sqe, ring->ring_fd, 5, PEER, 0,
					 cqe_flags);
	sqe->user_data = SENDER;
	if (quiet)
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
}

static void queue_nop(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	CHECK(sqe != NULL);
	io_uring_prep_nop(sqe);
	sqe->user_data = NOP;
}

/* Reap with peek + seen; return how many CQEs, their user_data in 'ud'. */
static int reap_seen(struct io_uring *ring, unsigned long long *ud, int max)
{
	struct io_uring_cqe *cqe;
	int n = 0;

	while (n < max && io_uring_peek_cqe(ring, &cqe) == 0) {
		ud[n++] = cqe->user_data;
		io_uring_cqe_seen(ring, cqe);
	}
	return n;
}

/* Whether 'ud[0..n)' holds exactly the values in 'want[0..m)' (any order). */
static int same_set(const unsigned long long *ud, int n,
		    const unsigned long long *want, int m)
{
	int used[8] = { 0 };

	if (n != m)
		return 0;
	for (int i = 0; i < n; i++) {
		int hit = 0;

		for (int j = 0; j < m && !hit; j++) {
			if (!used[j] && want[j] == ud[i]) {
				used[j] = 1;
				hit = 1;
			}
		}
		if (!hit)
			return 0;
	}
	return 1;
}

static void check_ring(unsigned setup_flags, const char *name)
{
	static const unsigned long long all[] = { PEER, SENDER, NOP };
	static const unsigned long long peer[] = { PEER };
	static const unsigned long long no_peer[] = { SENDER, NOP };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	unsigned long long ud[8];
	unsigned head;
	int n, ret;

	ret = io_uring_queue_init(8, &ring, setup_flags);
	if (ret < 0) {
		T_NOTE("%s ring unavailable (%s), not checked", name, t_err(ret));
		return;
	}

	/* io_uring_for_each_cqe visits all three CQEs. */
	queue_message(&ring, IORING_CQE_F_32, 0);
	queue_nop(&ring);
	CHECK_EQ(io_uring_submit_and_wait(&ring, 3), 2);
	n = 0;
	io_uring_for_each_cqe(&ring, head, cqe) {
		if (n < 8)
			ud[n] = cqe->user_data;
		n++;
	}
	if (!same_set(ud, n, all, 3)) {
		t_report(__FILE__, __LINE__, "%s: for_each_cqe visited %d CQEs",
			 name, n);
		t_failures++;
	}
	io_uring_cq_advance(&ring, io_uring_cq_ready(&ring));

	/* peek + seen: the same three, nothing lost. */
	queue_message(&ring, IORING_CQE_F_32, 0);
	queue_nop(&ring);
	CHECK_EQ(io_uring_submit_and_wait(&ring, 3), 2);
	n = reap_seen(&ring, ud, 8);
	if (!same_set(ud, n, all, 3)) {
		t_report(__FILE__, __LINE__, "%s: peek/seen reaped %d CQEs",
			 name, n);
		t_failures++;
	}
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* The peer's CQE last: the head must stay at the tail. */
	queue_message(&ring, IORING_CQE_F_32, 1);
	CHECK_EQ(io_uring_submit_and_wait(&ring, 1), 1);
	n = reap_seen(&ring, ud, 8);
	EXPECT(same_set(ud, n, peer, 1));
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	/* F_32 | F_SKIP: silently consumed, and only its own slots. */
	queue_message(&ring, IORING_CQE_F_32 | IORING_CQE_F_SKIP, 0);
	queue_nop(&ring);
	CHECK_EQ(io_uring_submit_and_wait(&ring, 3), 2);
	n = reap_seen(&ring, ud, 8);
	if (!same_set(ud, n, no_peer, 2)) {
		t_report(__FILE__, __LINE__, "%s: reaped %d CQEs after a skipped one",
			 name, n);
		t_failures++;
	}
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);

	io_uring_queue_exit(&ring);
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	int ret, found = 0;

	/* MSG_RING with IORING_MSG_RING_FLAGS_PASS needs Linux 6.3. */
	ret = io_uring_queue_init(4, &ring, 0);
	if (ret < 0)
		t_skip("io_uring unavailable (%s)", t_err(ret));
	queue_message(&ring, 0, 0);
	CHECK(io_uring_submit_and_wait(&ring, 1) >= 0);
	while (io_uring_peek_cqe(&ring, &cqe) == 0) {
		if (cqe->user_data == SENDER && cqe->res < 0)
			t_skip("MSG_RING flag passing unsupported (%s)",
			       t_err(cqe->res));
		found |= cqe->user_data == PEER;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	if (!found)
		t_skip("MSG_RING posted nothing");

	check_ring(0, "plain");
	check_ring(IORING_SETUP_CQE32, "CQE32");
	check_ring(IORING_SETUP_CQE_MIXED, "CQE_MIXED");
	return t_done();
}
