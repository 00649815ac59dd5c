/*
 * The other registration calls through the C API, each checked by an effect:
 * a registered eventfd is signalled, a personality is usable until it is
 * unregistered, a restricted ring refuses an op outside its allow-list,
 * io-wq limits read back, sync_cancel cancels a pending read, sync_msg
 * posts into another ring.  Features this machine may lack (NAPI, zcrx,
 * BPF filters, query, clock) have their error path checked: a negative
 * errno, no crash.
 */
#include "test.h"
#include <sys/eventfd.h>

static int nop(struct io_uring *ring, __u64 ud, unsigned short personality)
{
	struct io_uring_sqe *sqe = T_GET_SQE(ring);
	struct io_uring_cqe *cqe;
	int res;

	io_uring_prep_nop(sqe);
	sqe->personality = personality;
	io_uring_sqe_set_data64(sqe, ud);
	CHECK_EQ(io_uring_submit(ring), 1);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, ud);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

static uint64_t eventfd_take(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static void test_eventfd(struct io_uring *ring)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int p[2];

	CHECK(efd >= 0);
	EXPECT_EQ(nop(ring, 1, 0), 0);
	EXPECT_EQ(eventfd_take(efd), 0);
	EXPECT_EQ(io_uring_register_eventfd(ring, efd), 0);
	EXPECT_EQ(io_uring_register_eventfd(ring, efd), -EBUSY);
	EXPECT_EQ(nop(ring, 2, 0), 0);
	EXPECT(eventfd_take(efd) >= 1);
	EXPECT_EQ(io_uring_unregister_eventfd(ring), 0);
	EXPECT_EQ(io_uring_unregister_eventfd(ring), -ENXIO);
	EXPECT_EQ(nop(ring, 3, 0), 0);
	EXPECT_EQ(eventfd_take(efd), 0);
	/* Async-only: an inline NOP completion does not signal it. */
	EXPECT_EQ(io_uring_register_eventfd_async(ring, efd), 0);
	EXPECT_EQ(nop(ring, 4, 0), 0);
	EXPECT_EQ(eventfd_take(efd), 0);
	EXPECT_EQ(io_uring_unregister_eventfd(ring), 0);
	/* Not an eventfd. */
	CHECK(pipe(p) == 0);
	EXPECT(io_uring_register_eventfd(ring, p[0]) < 0);
	close(p[0]);
	close(p[1]);
	close(efd);
}

static void test_personality(struct io_uring *ring)
{
	int id = io_uring_register_personality(ring);

	CHECK(id > 0);
	EXPECT_EQ(nop(ring, 5, (unsigned short)id), 0);
	EXPECT_EQ(io_uring_unregister_personality(ring, id), 0);
	EXPECT_EQ(io_uring_unregister_personality(ring, id), -EINVAL);
	EXPECT_EQ(nop(ring, 6, (unsigned short)id), -EINVAL);
}

static void test_restrictions(void)
{
#if T_NEW_API
	struct io_uring ring, plain;
	struct io_uring_restriction res;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char buf[8];
	int p[2];

	memset(&res, 0, sizeof(res));
	res.opcode = IORING_RESTRICTION_SQE_OP;
	res.sqe_op = IORING_OP_NOP;

	t_init(4, &plain, 0);
	EXPECT_EQ(io_uring_register_restrictions(&plain, &res, 1), -EBADFD);
	io_uring_queue_exit(&plain);

	t_init(4, &ring, IORING_SETUP_R_DISABLED);
	EXPECT_EQ(io_uring_register_restrictions(&ring, &res, 1), 0);
	EXPECT_EQ(io_uring_register_restrictions(&ring, &res, 1), -EBUSY);
	EXPECT_EQ(io_uring_enable_rings(&ring), 0);
	EXPECT_EQ(nop(&ring, 7, 0), 0);

	CHECK(pipe(p) == 0);
	sqe = T_GET_SQE(&ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	io_uring_sqe_set_data64(sqe, 8);
	CHECK_EQ(io_uring_submit(&ring), 1);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 8);
	EXPECT_EQ(cqe->res, -EACCES);
	io_uring_cqe_seen(&ring, cqe);
	close(p[0]);
	close(p[1]);
	io_uring_queue_exit(&ring);
#endif
}

static void test_iowq(struct io_uring *ring)
{
	cpu_set_t set;
	unsigned int v[2] = { 2, 3 };

	CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
	EXPECT_EQ(io_uring_register_iowq_aff(ring, sizeof(set), &set), 0);
	EXPECT_EQ(io_uring_unregister_iowq_aff(ring), 0);
	/* cpusz >= 2^31 is refused by the library. */
	EXPECT_EQ(io_uring_register_iowq_aff(ring, 1UL << 31, &set), -EINVAL);
	EXPECT_EQ(io_uring_register_iowq_aff(ring, ~(size_t)0, &set), -EINVAL);

	EXPECT_EQ(io_uring_register_iowq_max_workers(ring, v), 0);
	v[0] = v[1] = 0;
	EXPECT_EQ(io_uring_register_iowq_max_workers(ring, v), 0);
	EXPECT_EQ(v[0], 2);
	EXPECT_EQ(v[1], 3);
}

static void test_sync_cancel(struct io_uring *ring)
{
	struct io_uring_sync_cancel_reg reg;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	char buf[16];
	int p[2], ret;

	CHECK(pipe(p) == 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_read(sqe, p[0], buf, sizeof(buf), 0);
	io_uring_sqe_set_data64(sqe, 0x1234);
	CHECK_EQ(io_uring_submit(ring), 1);
	EXPECT_EQ(io_uring_peek_cqe(ring, &cqe), -EAGAIN);

	memset(&reg, 0, sizeof(reg));
	reg.addr = 0x9999;
	reg.timeout.tv_sec = 1;
	ret = io_uring_register_sync_cancel(ring, &reg);
	EXPECT_EQ(ret, -ENOENT);
	reg.addr = 0x1234;
	EXPECT_EQ(io_uring_register_sync_cancel(ring, &reg), 0);
	CHECK_EQ(io_uring_wait_cqe(ring, &cqe), 0);
	EXPECT_EQ_U64(cqe->user_data, 0x1234);
	EXPECT(cqe->res == -ECANCELED || cqe->res == -EINTR);
	io_uring_cqe_seen(ring, cqe);
	ret = io_uring_register_sync_cancel(ring, NULL);
	EXPECT(ret == -EFAULT || ret == -EINVAL);
	close(p[0]);
	close(p[1]);
}

static void test_newer(struct io_uring *ring)
{
#if T_NEW_API
	struct io_uring target;
	struct io_uring_sqe sqe;
	struct io_uring_cqe *cqe;
	struct io_uring_napi napi;
	struct io_uring_clock_register clk;
	struct io_uring_zcrx_ifq_reg ifq;
	struct zcrx_ctrl ctrl;
	struct io_uring_bpf bpf;
	struct io_uring_query_hdr hdr;
	struct io_uring_query_opcode qop;
	struct io_uring_probe *probe;
	int ret;

	/* The registered-wait stub. */
	EXPECT_EQ(io_uring_register_wait_reg(ring, NULL, 0), -EINVAL);

	/* sync_msg: a MSG_RING without a source ring. */
	t_init(4, &target, 0);
	memset(&sqe, 0, sizeof(sqe));
	io_uring_prep_msg_ring(&sqe, target.ring_fd, 0x55, 0xfeed, 0);
	ret = io_uring_register_sync_msg(&sqe);
	if (ret == -EINVAL) {
		T_NOTE("sync MSG_RING not supported");
	} else {
		EXPECT_EQ(ret, 0);
		CHECK_EQ(io_uring_wait_cqe(&target, &cqe), 0);
		EXPECT_EQ_U64(cqe->user_data, 0xfeed);
		EXPECT_EQ(cqe->res, 0x55);
		io_uring_cqe_seen(&target, cqe);
	}
	io_uring_queue_exit(&target);

	/* NAPI: registered or refused, never a crash. */
	memset(&napi, 0, sizeof(napi));
	napi.busy_poll_to = 50;
	ret = io_uring_register_napi(ring, &napi);
	if (ret == 0) {
		memset(&napi, 0, sizeof(napi));
		EXPECT_EQ(io_uring_unregister_napi(ring, &napi), 0);
		EXPECT_EQ(napi.busy_poll_to, 50);
	} else {
		EXPECT(ret < 0);
		T_NOTE("NAPI unavailable: %s", t_err(ret));
	}

	/* Clock. */
	memset(&clk, 0, sizeof(clk));
	clk.clockid = CLOCK_BOOTTIME;
	ret = io_uring_register_clock(ring, &clk);
	EXPECT(ret == 0 || ret == -EINVAL);
	clk.clockid = 12345;
	EXPECT_EQ(io_uring_register_clock(ring, &clk), -EINVAL);

	/* zcrx and BPF filters: no capable NIC / no program here; the error comes back. */
	memset(&ifq, 0, sizeof(ifq));
	ret = io_uring_register_ifq(ring, &ifq);
	EXPECT(ret < 0);
	T_NOTE("zcrx ifq with a zeroed request: %s", t_err(ret));
	memset(&ctrl, 0, sizeof(ctrl));
	EXPECT(io_uring_register_zcrx_ctrl(ring, &ctrl) < 0);
	memset(&bpf, 0, sizeof(bpf));
	EXPECT(io_uring_register_bpf_filter(ring, &bpf) < 0);
	EXPECT(io_uring_register_bpf_filter_task(&bpf) < 0);

	/* Query: when the kernel has it, it agrees with the probe. */
	memset(&hdr, 0, sizeof(hdr));
	memset(&qop, 0, sizeof(qop));
	hdr.query_op = IO_URING_QUERY_OPCODES;
	hdr.query_data = (__u64)(uintptr_t)&qop;
	hdr.size = sizeof(qop);
	ret = io_uring_register_query(&hdr);
	if (ret == 0 && hdr.result == 0) {
		probe = io_uring_get_probe_ring(ring);
		CHECK(probe != NULL);
		EXPECT_EQ(qop.nr_request_opcodes, probe->last_op + 1u);
		io_uring_free_probe(probe);
	} else {
		T_NOTE("IORING_REGISTER_QUERY: %s / result %d", t_err(ret), hdr.result);
	}
#else
	(void)ring;
#endif
}

int main(void)
{
	struct io_uring ring;

	t_init(8, &ring, 0);
	test_eventfd(&ring);
	test_personality(&ring);
	test_restrictions();
	test_iowq(&ring);
	test_sync_cancel(&ring);
	test_newer(&ring);
	io_uring_queue_exit(&ring);
	return t_done();
}
