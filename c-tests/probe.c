/*
 * Opcode probes through the C API: io_uring_get_probe and
 * io_uring_get_probe_ring agree, the kernel agrees with the probe (an op it
 * calls unsupported is refused), probes come from malloc (plain free() works),
 * and io_uring_register_probe fills caller memory.
 */
#include "test.h"

/* Submit an SQE with `op` and everything else zero; returns cqe->res. */
static int submit_op(struct io_uring *ring, int op)
{
	struct io_uring_sqe *sqe = T_GET_SQE(ring);
	struct io_uring_cqe *cqe;
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = (__u8)op;
	sqe->fd = -1;
	io_uring_sqe_set_data64(sqe, 0x900 + op);
	CHECK_EQ(io_uring_submit(ring), 1);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 0x900 + op);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

int main(void)
{
	struct io_uring ring;
	struct io_uring_probe *p, *q, *mine;
	size_t size;
	int i, res;

	t_init(4, &ring, 0);
	p = io_uring_get_probe_ring(&ring);
	q = io_uring_get_probe();
	CHECK(p != NULL && q != NULL);

	EXPECT_EQ(p->last_op, q->last_op);
	EXPECT_EQ(p->ops_len, p->last_op + 1);
	size = sizeof(*p) + (size_t)p->ops_len * sizeof(p->ops[0]);
	EXPECT(memcmp(p, q, size) == 0);
	for (i = 0; i < p->ops_len; i++)
		EXPECT_EQ(p->ops[i].op, i);

	EXPECT_EQ(io_uring_opcode_supported(p, IORING_OP_NOP), 1);
	EXPECT_EQ(io_uring_opcode_supported(p, IORING_OP_READ), 1);
	EXPECT_EQ(io_uring_opcode_supported(p, -1), 0);
	EXPECT_EQ(io_uring_opcode_supported(p, p->last_op + 1), 0);
	EXPECT_EQ(io_uring_opcode_supported(p, 255), 0);
	EXPECT_EQ(submit_op(&ring, IORING_OP_NOP), 0);

	/* The kernel agrees: past the last op is refused with -EINVAL. */
	EXPECT_EQ(submit_op(&ring, p->last_op + 1), -EINVAL);
	if (!io_uring_opcode_supported(p, IORING_OP_LAST))
		EXPECT_EQ(submit_op(&ring, IORING_OP_LAST), -EINVAL);
	/* Known but unsupported (compiled out): refused before anything runs. */
	for (i = 0; i <= p->last_op; i++) {
		if (io_uring_opcode_supported(p, i))
			continue;
		res = submit_op(&ring, i);
		if (res != -EOPNOTSUPP && res != -EINVAL) {
			t_report(__FILE__, __LINE__, "unsupported op %d gave %d (%s)", i, res, t_err(res));
			t_failures++;
		}
	}

	/* Library probes come from malloc: free() and io_uring_free_probe both work. */
	free(q);
	io_uring_free_probe(p);
	io_uring_free_probe(NULL);

	/* register_probe into caller memory: only `nr` entries are filled. */
	size = sizeof(*mine) + 256 * sizeof(mine->ops[0]);
	mine = calloc(1, size);
	CHECK(mine != NULL);
	EXPECT_EQ(io_uring_register_probe(&ring, mine, 4), 0);
	EXPECT_EQ(mine->ops_len, 4);
	EXPECT(mine->last_op >= IORING_OP_READ);
	EXPECT_EQ(mine->ops[4].op, 0);
	EXPECT_EQ(mine->ops[4].flags, 0);
	/* The kernel wants it zeroed. */
	mine->ops[10].flags = 1;
	EXPECT_EQ(io_uring_register_probe(&ring, mine, 256), -EINVAL);
	free(mine);
	res = io_uring_register_probe(&ring, NULL, 4);
	EXPECT(res == -EFAULT || res == -EINVAL);

	io_uring_queue_exit(&ring);
	return t_done();
}
