/*
 * Provided-buffer rings through the C API: a multishot recv over a
 * socketpair delivers every byte in order while 16 KiB flow through eight
 * 32-byte buffers that are re-added as CQEs arrive (io_uring_buf_ring_add +
 * io_uring_buf_ring_cq_advance), then IOU_PBUF_RING_INC splits one buffer
 * over several CQEs (IORING_CQE_F_BUF_MORE).
 */
#include "test.h"
#include <sys/socket.h>

#if T_NEW_API

#define NENT 8
#define BUFSZ 32
#define BGID 5

#ifndef IORING_CQE_F_BUF_MORE
#define IORING_CQE_F_BUF_MORE (1U << 4)
#endif
#ifndef IOU_PBUF_RING_INC
#define IOU_PBUF_RING_INC 2
#endif

static void send_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, 0);

		CHECK(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

static void arm(struct io_uring *ring, int fd, int bgid, int multishot)
{
	struct io_uring_sqe *sqe = T_GET_SQE(ring);

	if (multishot)
		io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	else
		io_uring_prep_recv(sqe, fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = bgid;
	io_uring_sqe_set_data64(sqe, 0xb0b);
	CHECK_EQ(io_uring_submit(ring), 1);
}

static int test_multishot(unsigned setup_flags)
{
	static unsigned char mem[NENT * BUFSZ];
	static unsigned char data[16384], got[16384];
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	size_t have = 0, sent = 0;
	int sv[2], err = 1, mask, i, rearm = 0;
	unsigned ncqe = 0;
	uint16_t head = 1;

	if (io_uring_queue_init(8, &ring, setup_flags) < 0) {
		T_NOTE("setup flags 0x%x not supported", setup_flags);
		return 0;
	}
	br = io_uring_setup_buf_ring(&ring, NENT, BGID, 0, &err);
	if (!br) {
		io_uring_queue_exit(&ring);
		if (err == -EINVAL)
			t_skip("provided-buffer rings not supported");
		FAIL("io_uring_setup_buf_ring = %d (%s)", err, t_err(err));
	}
	EXPECT_EQ(err, 0);
	mask = io_uring_buf_ring_mask(NENT);
	EXPECT_EQ(mask, NENT - 1);
	for (i = 0; i < NENT; i++)
		io_uring_buf_ring_add(br, mem + i * BUFSZ, BUFSZ, i, mask, i);
	EXPECT_EQ(io_uring_buf_ring_available(&ring, br, BGID), 0);
	io_uring_buf_ring_advance(br, NENT);
	EXPECT_EQ(io_uring_buf_ring_available(&ring, br, BGID), NENT);
	EXPECT_EQ(io_uring_buf_ring_head(&ring, BGID, &head), 0);
	EXPECT_EQ(head, 0);

	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (unsigned char)(i * 31 + (i >> 9));
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	arm(&ring, sv[0], BGID, 1);

	while (sent < sizeof(data)) {
		size_t chunk = sizeof(data) - sent < 200 ? sizeof(data) - sent : 200;

		send_all(sv[1], data + sent, chunk);
		sent += chunk;
		while (have < sent) {
			unsigned bid, more;

			CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
			CHECK_EQ_U64(cqe->user_data, 0xb0b);
			if (cqe->res <= 0) {
				FAIL("recv CQE res %d (%s) flags 0x%x after %zu bytes",
				     cqe->res, t_err(cqe->res), cqe->flags, have);
			}
			CHECK(cqe->flags & IORING_CQE_F_BUFFER);
			bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
			CHECK(bid < NENT);
			CHECK(cqe->res <= BUFSZ && have + (size_t)cqe->res <= sizeof(got));
			memcpy(got + have, mem + bid * BUFSZ, (size_t)cqe->res);
			have += (size_t)cqe->res;
			more = cqe->flags & IORING_CQE_F_MORE;
			/* Give the buffer back and mark the CQE seen, in one go. */
			io_uring_buf_ring_add(br, mem + bid * BUFSZ, BUFSZ, bid, mask, 0);
			io_uring_buf_ring_cq_advance(&ring, br, 1);
			ncqe++;
			if (!more) {
				/* Terminated although buffers were recycled: re-arm, count it. */
				rearm++;
				arm(&ring, sv[0], BGID, 1);
			}
		}
	}
	EXPECT_EQ(have, sizeof(data));
	EXPECT(memcmp(got, data, sizeof(data)) == 0);
	EXPECT_EQ(rearm, 0);
	EXPECT(ncqe >= sizeof(data) / BUFSZ);
	EXPECT_EQ(io_uring_buf_ring_available(&ring, br, BGID), NENT);
	EXPECT_EQ(io_uring_buf_ring_head(&ring, BGID, &head), 0);
	EXPECT_EQ(head, (uint16_t)ncqe);
	EXPECT_EQ(br->tail, (uint16_t)(NENT + ncqe));

	/* EOF ends the multishot: res 0 without F_MORE. */
	shutdown(sv[1], SHUT_WR);
	CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
	EXPECT_EQ(cqe->res, 0);
	EXPECT(!(cqe->flags & IORING_CQE_F_MORE));
	io_uring_cqe_seen(&ring, cqe);

	/* __io_uring_buf_ring_cq_advance with separate counts. */
	{
		struct io_uring_sqe *sqe = T_GET_SQE(&ring);
		uint16_t tail = br->tail;

		io_uring_prep_nop(sqe);
		CHECK_EQ(io_uring_submit_and_wait(&ring, 1), 1);
		EXPECT_EQ(io_uring_cq_ready(&ring), 1);
		__io_uring_buf_ring_cq_advance(&ring, br, 1, 0);
		EXPECT_EQ(io_uring_cq_ready(&ring), 0);
		EXPECT_EQ(br->tail, tail);
	}

	EXPECT_EQ(io_uring_free_buf_ring(&ring, br, NENT, BGID), 0);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
	return 0;
}

static void test_incremental(void)
{
	static unsigned char mem[1024];
	static const struct { char byte; size_t len; int more; } step[] = {
		{ 'A', 100, 1 }, { 'B', 100, 1 }, { 'C', 900, 0 },
	};
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	struct io_uring_cqe *cqe;
	unsigned char chunk[900];
	size_t off = 0;
	int sv[2], err;

	t_init(4, &ring, 0);
	br = io_uring_setup_buf_ring(&ring, 2, BGID, IOU_PBUF_RING_INC, &err);
	if (!br) {
		io_uring_queue_exit(&ring);
		T_NOTE("IOU_PBUF_RING_INC rejected by the kernel: %s", t_err(err));
		return;
	}
	io_uring_buf_ring_add(br, mem, sizeof(mem), 9, io_uring_buf_ring_mask(2), 0);
	io_uring_buf_ring_advance(br, 1);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);

	for (unsigned i = 0; i < sizeof(step) / sizeof(step[0]); i++) {
		size_t take = step[i].len < sizeof(mem) - off ? step[i].len : sizeof(mem) - off;

		memset(chunk, step[i].byte, step[i].len);
		send_all(sv[1], chunk, step[i].len);
		arm(&ring, sv[0], BGID, 0);
		CHECK_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
		CHECK(cqe->flags & IORING_CQE_F_BUFFER);
		EXPECT_EQ(cqe->flags >> IORING_CQE_BUFFER_SHIFT, 9);
		EXPECT_EQ(cqe->res, (int)take);
		EXPECT_EQ(!!(cqe->flags & IORING_CQE_F_BUF_MORE), step[i].more);
		io_uring_cqe_seen(&ring, cqe);
		/* This piece sits right after the previous one in the same buffer. */
		for (size_t j = 0; j < take; j++) {
			if (mem[off + j] != (unsigned char)step[i].byte) {
				t_report(__FILE__, __LINE__, "step %u: byte %zu is 0x%x", i, off + j, mem[off + j]);
				t_failures++;
				break;
			}
		}
		off += take;
	}
	EXPECT_EQ(io_uring_free_buf_ring(&ring, br, 2, BGID), 0);
	close(sv[0]);
	close(sv[1]);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	struct io_uring probe_ring;

	t_init(2, &probe_ring, 0);
	io_uring_queue_exit(&probe_ring);
	test_multishot(0);
	test_multishot(IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN);
	test_incremental();
	return t_done();
}

#else
int main(void)
{
	t_skip("needs the liburing 2.4+ API (io_uring_setup_buf_ring)");
}
#endif
