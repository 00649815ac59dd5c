/*
 * Kernel round trips for sockets over loopback: socket (plain and direct),
 * bind, listen, accept, connect, send/recv, sendmsg/recvmsg, sendto over UDP,
 * multishot accept taking 3 connections (IORING_CQE_F_MORE each), send_zc and
 * sendmsg_zc (result CQE with F_MORE, then a notification CQE with
 * IORING_CQE_F_NOTIF), recv_multishot with a buffer ring, recvmsg_multishot
 * read back through the io_uring_recvmsg_* helpers, uring_cmd socket commands
 * (SIOCINQ, GETSOCKOPT returning what setsockopt set, SETSOCKOPT), and
 * shutdown (the peer then reads EOF).
 */
#include "op_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

static struct sockaddr_in loopback(unsigned short port)
{
	struct sockaddr_in a;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static unsigned short port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	CHECK_EQ(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

/* A listening TCP socket on 127.0.0.1, made with socket/bind/listen ops when the
 * kernel has them (falling back to the system calls). */
static int make_listener(struct io_uring *ring)
{
	struct sockaddr_in a = loopback(0);
	struct io_uring_sqe *sqe;
	int fd, res;

	op_begin("socket", IORING_OP_SOCKET);
	sqe = T_GET_SQE(ring);
	io_uring_prep_socket(sqe, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0);
	fd = OP_RUN(ring, sqe, 1);
	if (fd == -EINVAL) {
		op_unsupported_res("socket", fd);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	CHECK(fd >= 0);
	EXPECT(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	res = -EINVAL;
	if (op_begin("bind", IORING_OP_BIND)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_bind(sqe, fd, (struct sockaddr *)&a, sizeof(a));
		res = OP_RUN(ring, sqe, 2);
		if (!op_unsupported_res("bind", res))
			EXPECT_EQ(res, 0);
	}
	if (res != 0)
		CHECK_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);

	res = -EINVAL;
	if (op_begin("listen", IORING_OP_LISTEN)) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_listen(sqe, fd, 16);
		res = OP_RUN(ring, sqe, 3);
		if (!op_unsupported_res("listen", res))
			EXPECT_EQ(res, 0);
	}
	if (res != 0)
		CHECK_EQ(listen(fd, 16), 0);
	return fd;
}

/* Connect a new client to `port` with prep_connect while prep_accept waits on
 * `lfd`; returns the client fd and stores the accepted one in *srv. */
static int connect_pair(struct io_uring *ring, int lfd, unsigned short port, int *srv)
{
	struct sockaddr_in a = loopback(port), peer;
	socklen_t plen = sizeof(peer);
	struct io_uring_sqe *sqe;
	int cfd, res_accept = -1, res_connect = -1;

	/* Written by the kernel in the background, where memcheck cannot see it. */
	memset(&peer, 0, sizeof(peer));
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(cfd >= 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_accept(sqe, lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, 10);
	sqe = T_GET_SQE(ring);
	io_uring_prep_connect(sqe, cfd, (struct sockaddr *)&a, sizeof(a));
	io_uring_sqe_set_data64(sqe, 11);
	OP_SUBMIT(ring, 2);
	for (int i = 0; i < 2; i++) {
		__u64 ud;
		int r = OP_WAIT(ring, &ud, NULL);

		if (ud == 10)
			res_accept = r;
		else if (ud == 11)
			res_connect = r;
	}
	CHECK_EQ(res_connect, 0);
	CHECK(res_accept >= 0);
	/* accept wrote the peer address: the client's local port */
	EXPECT_EQ(plen, sizeof(peer));
	EXPECT_EQ(ntohs(peer.sin_port), port_of(cfd));
	*srv = res_accept;
	return cfd;
}

static void test_stream(struct io_uring *ring, int cfd, int sfd)
{
	struct io_uring_sqe *sqe;
	struct msghdr msg;
	struct iovec iov[2];
	char buf[64];

	op_begin("send/recv", IORING_OP_SEND);
	sqe = T_GET_SQE(ring);
	io_uring_prep_send(sqe, cfd, "hello, ring", 11, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 20), 11);
	memset(buf, 0, sizeof(buf));
	sqe = T_GET_SQE(ring);
	io_uring_prep_recv(sqe, sfd, buf, sizeof(buf), 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 21), 11);
	EXPECT(memcmp(buf, "hello, ring", 11) == 0);

	/* MSG_DONTWAIT on an empty socket */
	sqe = T_GET_SQE(ring);
	io_uring_prep_recv(sqe, sfd, buf, sizeof(buf), MSG_DONTWAIT);
	EXPECT_EQ(OP_RUN(ring, sqe, 22), -EAGAIN);

	op_begin("sendmsg/recvmsg", IORING_OP_SENDMSG);
	iov[0].iov_base = "abc";
	iov[0].iov_len = 3;
	iov[1].iov_base = "defgh";
	iov[1].iov_len = 5;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	sqe = T_GET_SQE(ring);
	io_uring_prep_sendmsg(sqe, sfd, &msg, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 23), 8);
	memset(buf, 0, sizeof(buf));
	iov[0].iov_base = buf;
	iov[0].iov_len = 2;
	iov[1].iov_base = buf + 2;
	iov[1].iov_len = 30;
	sqe = T_GET_SQE(ring);
	io_uring_prep_recvmsg(sqe, cfd, &msg, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 24), 8);
	EXPECT(memcmp(buf, "abcdefgh", 8) == 0);
}

static void test_send_zc(struct io_uring *ring, int cfd, int sfd)
{
	static char payload[4096];
	struct io_uring_sqe *sqe;
	struct msghdr msg;
	struct iovec iov;
	unsigned flags;
	char buf[sizeof(payload)];
	__u64 ud;
	int res, got = 0, n;

	if (!op_begin("send_zc", IORING_OP_SEND_ZC))
		return;
	memset(payload, 'z', sizeof(payload));
	sqe = T_GET_SQE(ring);
	io_uring_prep_send_zc(sqe, cfd, payload, sizeof(payload), 0, 0);
	io_uring_sqe_set_data64(sqe, 30);
	OP_SUBMIT(ring, 1);
	res = OP_WAIT(ring, &ud, &flags);
	if (op_unsupported_res("send_zc", res))
		return;
	EXPECT_EQ_U64(ud, 30);
	EXPECT_EQ(res, (int)sizeof(payload));
	EXPECT(flags & IORING_CQE_F_MORE); /* a notification follows */
	if (flags & IORING_CQE_F_MORE) {
		OP_WAIT(ring, &ud, &flags);
		EXPECT_EQ_U64(ud, 30);
		EXPECT(flags & IORING_CQE_F_NOTIF);
		EXPECT(!(flags & IORING_CQE_F_MORE));
	}
	while (got < (int)sizeof(payload) && (n = (int)recv(sfd, buf + got, sizeof(buf) - (size_t)got, 0)) > 0)
		got += n;
	EXPECT_EQ(got, (int)sizeof(payload));
	EXPECT(buf[0] == 'z' && buf[sizeof(buf) - 1] == 'z');

	if (op_begin("sendmsg_zc", IORING_OP_SENDMSG_ZC)) {
		iov.iov_base = payload;
		iov.iov_len = 100;
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		sqe = T_GET_SQE(ring);
		io_uring_prep_sendmsg_zc(sqe, cfd, &msg, 0);
		io_uring_sqe_set_data64(sqe, 31);
		OP_SUBMIT(ring, 1);
		res = OP_WAIT(ring, &ud, &flags);
		EXPECT_EQ(res, 100);
		if (flags & IORING_CQE_F_MORE) {
			OP_WAIT(ring, &ud, &flags);
			EXPECT(flags & IORING_CQE_F_NOTIF);
		}
		EXPECT_EQ(recv(sfd, buf, sizeof(buf), 0), 100);
	}
}

static void test_multishot_accept(struct io_uring *ring, int lfd, unsigned short port)
{
	struct sockaddr_in a = loopback(port);
	struct io_uring_sqe *sqe;
	int clients[3], accepted = 0, res;
	unsigned flags;
	__u64 ud;

	if (!op_begin("multishot_accept", IORING_OP_ACCEPT))
		return;
	sqe = T_GET_SQE(ring);
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, 40);
	OP_SUBMIT(ring, 1);
	for (int i = 0; i < 3; i++) {
		clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(clients[i] >= 0);
		CHECK_EQ(connect(clients[i], (struct sockaddr *)&a, sizeof(a)), 0);
		res = OP_WAIT(ring, &ud, &flags);
		EXPECT_EQ_U64(ud, 40);
		EXPECT(res >= 0);
		EXPECT(flags & IORING_CQE_F_MORE);
		if (res >= 0) {
			accepted++;
			close(res);
		}
	}
	EXPECT_EQ(accepted, 3);
	/* cancel it: the last CQE is -ECANCELED without F_MORE */
	sqe = T_GET_SQE(ring);
	io_uring_prep_cancel64(sqe, 40, 0);
	io_uring_sqe_set_data64(sqe, 41);
	OP_SUBMIT(ring, 1);
	for (int i = 0; i < 2; i++) {
		res = OP_WAIT(ring, &ud, &flags);
		if (ud == 40) {
			EXPECT_EQ(res, -ECANCELED);
			EXPECT(!(flags & IORING_CQE_F_MORE));
		} else {
			EXPECT_EQ(res, 0);
		}
	}
	for (int i = 0; i < 3; i++)
		close(clients[i]);
}

static void test_recv_multishot(struct io_uring *ring, int cfd, int sfd)
{
	static char bufs[4][64];
	struct io_uring_buf_ring *br;
	struct io_uring_sqe *sqe;
	unsigned flags;
	__u64 ud;
	int err, res;

	if (!op_begin("recv_multishot", IORING_OP_RECV))
		return;
	br = io_uring_setup_buf_ring(ring, 4, 3, 0, &err);
	if (!br) {
		T_NOTE("setup_buf_ring = %d (%s), recv_multishot skipped", err, t_err(err));
		op_ran--;
		op_skipped++;
		return;
	}
	for (int i = 0; i < 4; i++)
		io_uring_buf_ring_add(br, bufs[i], 64, (unsigned short)i, io_uring_buf_ring_mask(4), i);
	io_uring_buf_ring_advance(br, 4);
	sqe = T_GET_SQE(ring);
	io_uring_prep_recv_multishot(sqe, sfd, NULL, 0, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, 3);
	io_uring_sqe_set_data64(sqe, 50);
	OP_SUBMIT(ring, 1);
	for (int i = 0; i < 2; i++) {
		char msg[16];

		snprintf(msg, sizeof(msg), "msg%d", i);
		CHECK_EQ(send(cfd, msg, 4, 0), 4);
		res = OP_WAIT(ring, &ud, &flags);
		EXPECT_EQ_U64(ud, 50);
		EXPECT_EQ(res, 4);
		EXPECT(flags & IORING_CQE_F_BUFFER);
		EXPECT(flags & IORING_CQE_F_MORE);
		if (res == 4 && (flags & IORING_CQE_F_BUFFER))
			EXPECT(memcmp(bufs[flags >> IORING_CQE_BUFFER_SHIFT], msg, 4) == 0);
	}
	sqe = T_GET_SQE(ring);
	io_uring_prep_cancel64(sqe, 50, 0);
	io_uring_sqe_set_data64(sqe, 51);
	OP_SUBMIT(ring, 1);
	for (int i = 0; i < 2; i++) {
		res = OP_WAIT(ring, &ud, &flags);
		if (ud == 50)
			EXPECT(res == -ECANCELED || res == -ENOBUFS);
	}
	io_uring_free_buf_ring(ring, br, 4, 3);
}

static void test_udp(struct io_uring *ring)
{
	static unsigned char bufs[2][256];
	struct io_uring_buf_ring *br;
	struct sockaddr_in a = loopback(0), from;
	struct io_uring_sqe *sqe;
	struct msghdr msg;
	unsigned flags;
	__u64 ud;
	int rx, tx, err, res;
	char buf[32];

	rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(rx >= 0 && tx >= 0);
	CHECK_EQ(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	CHECK_EQ(bind(tx, (struct sockaddr *)&a, sizeof(a)), 0);
	a = loopback(port_of(rx));

	op_begin("sendto", IORING_OP_SEND);
	sqe = T_GET_SQE(ring);
	io_uring_prep_sendto(sqe, tx, "dgram", 5, 0, (struct sockaddr *)&a, sizeof(a));
	res = OP_RUN(ring, sqe, 60);
	if (!op_unsupported_res("sendto", res)) {
		EXPECT_EQ(res, 5);
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ(recv(rx, buf, sizeof(buf), 0), 5);
		EXPECT(memcmp(buf, "dgram", 5) == 0);
	}

	/* recvmsg_multishot: parse the buffer with the io_uring_recvmsg_* helpers */
	if (!op_begin("recvmsg_multishot", IORING_OP_RECVMSG))
		goto out;
	br = io_uring_setup_buf_ring(ring, 2, 4, 0, &err);
	if (!br) {
		op_ran--;
		op_skipped++;
		goto out;
	}
	for (int i = 0; i < 2; i++)
		io_uring_buf_ring_add(br, bufs[i], sizeof(bufs[i]), (unsigned short)i,
				      io_uring_buf_ring_mask(2), i);
	io_uring_buf_ring_advance(br, 2);
	memset(&msg, 0, sizeof(msg));
	msg.msg_namelen = sizeof(struct sockaddr_in);
	msg.msg_controllen = 0;
	sqe = T_GET_SQE(ring);
	io_uring_prep_recvmsg_multishot(sqe, rx, &msg, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	io_uring_sqe_set_buf_group(sqe, 4);
	io_uring_sqe_set_data64(sqe, 61);
	OP_SUBMIT(ring, 1);
	CHECK_EQ(sendto(tx, "multishot!", 10, 0, (struct sockaddr *)&a, sizeof(a)), 10);
	res = OP_WAIT(ring, &ud, &flags);
	EXPECT_EQ_U64(ud, 61);
	EXPECT(flags & IORING_CQE_F_BUFFER);
	EXPECT(flags & IORING_CQE_F_MORE);
	if (res > 0 && (flags & IORING_CQE_F_BUFFER)) {
		void *b = bufs[flags >> IORING_CQE_BUFFER_SHIFT];
		struct io_uring_recvmsg_out *o = io_uring_recvmsg_validate(b, res, &msg);

		CHECK(o != NULL);
		EXPECT_EQ(o->namelen, sizeof(struct sockaddr_in));
		EXPECT_EQ(o->payloadlen, 10);
		memcpy(&from, io_uring_recvmsg_name(o), sizeof(from));
		EXPECT_EQ(ntohs(from.sin_port), port_of(tx));
		EXPECT(io_uring_recvmsg_cmsg_firsthdr(o, &msg) == NULL);
		EXPECT_EQ(io_uring_recvmsg_payload_length(o, res, &msg), 10);
		EXPECT(memcmp(io_uring_recvmsg_payload(o, &msg), "multishot!", 10) == 0);
		EXPECT((char *)io_uring_recvmsg_payload(o, &msg) ==
		       (char *)b + sizeof(*o) + sizeof(struct sockaddr_in));
	} else {
		t_report(__FILE__, __LINE__, "recvmsg_multishot res %d flags 0x%x", res, flags);
		t_failures++;
	}
	sqe = T_GET_SQE(ring);
	io_uring_prep_cancel64(sqe, 61, 0);
	io_uring_sqe_set_data64(sqe, 62);
	OP_SUBMIT(ring, 1);
	OP_WAIT(ring, NULL, NULL);
	OP_WAIT(ring, NULL, NULL);
	io_uring_free_buf_ring(ring, br, 2, 4);
out:
	close(rx);
	close(tx);
}

static void test_cmd_sock(struct io_uring *ring, int cfd, int sfd)
{
	struct io_uring_sqe *sqe;
	int val = 0, one = 1, res;
	socklen_t len = sizeof(val);
	char buf[8];

	if (!op_begin("cmd_sock", IORING_OP_URING_CMD))
		return;
	/* SIOCINQ: bytes waiting to be read */
	CHECK_EQ(send(cfd, "12345", 5, 0), 5);
	t_sleep_ms(10);
	sqe = T_GET_SQE(ring);
	io_uring_prep_cmd_sock(sqe, SOCKET_URING_OP_SIOCINQ, sfd, 0, 0, NULL, 0);
	res = OP_RUN(ring, sqe, 70);
	if (op_unsupported_res("cmd_sock SIOCINQ", res))
		return;
	EXPECT_EQ(res, 5);
	CHECK_EQ(recv(sfd, buf, sizeof(buf), 0), 5);

	/* GETSOCKOPT returns what setsockopt(2) set */
	CHECK_EQ(setsockopt(sfd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)), 0);
	val = 0;
	sqe = T_GET_SQE(ring);
	io_uring_prep_cmd_sock(sqe, SOCKET_URING_OP_GETSOCKOPT, sfd, SOL_SOCKET, SO_KEEPALIVE,
			       &val, sizeof(val));
	res = OP_RUN(ring, sqe, 71);
	if (op_unsupported_res("cmd_sock GETSOCKOPT", res))
		return;
	EXPECT(res >= 0);
	EXPECT_EQ(val, 1);

	/* SETSOCKOPT, read back with getsockopt(2) */
	val = 1;
	sqe = T_GET_SQE(ring);
	io_uring_prep_cmd_sock(sqe, SOCKET_URING_OP_SETSOCKOPT, sfd, IPPROTO_TCP, TCP_NODELAY,
			       &val, sizeof(val));
	EXPECT_EQ(OP_RUN(ring, sqe, 72), 0);
	val = 0;
	CHECK_EQ(getsockopt(sfd, IPPROTO_TCP, TCP_NODELAY, &val, &len), 0);
	EXPECT(val != 0);

	if (op_supported(IORING_OP_URING_CMD)) {
		struct sockaddr_in me;
		socklen_t mlen = sizeof(me);

		/* GETSOCKNAME is new (2.13 API); older kernels say -EINVAL/-EOPNOTSUPP */
		memset(&me, 0, sizeof(me));
		sqe = T_GET_SQE(ring);
		io_uring_prep_cmd_getsockname(sqe, cfd, (struct sockaddr *)&me, &mlen, 0);
		res = OP_RUN(ring, sqe, 73);
		if (res == 0) {
			EXPECT_EQ(ntohs(me.sin_port), port_of(cfd));
			EXPECT_EQ(mlen, sizeof(me));
		} else {
			T_NOTE("cmd_getsockname: %s (not supported by this kernel)", t_err(res));
		}
	}
}

static void test_shutdown(struct io_uring *ring, int cfd, int sfd)
{
	struct io_uring_sqe *sqe;
	char buf[8];
	int res;

	if (!op_begin("shutdown", IORING_OP_SHUTDOWN))
		return;
	sqe = T_GET_SQE(ring);
	io_uring_prep_shutdown(sqe, cfd, SHUT_WR);
	res = OP_RUN(ring, sqe, 80);
	if (op_unsupported_res("shutdown", res))
		return;
	EXPECT_EQ(res, 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_recv(sqe, sfd, buf, sizeof(buf), 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 81), 0); /* EOF */
	sqe = T_GET_SQE(ring);
	io_uring_prep_send(sqe, cfd, "x", 1, MSG_NOSIGNAL);
	EXPECT_EQ(OP_RUN(ring, sqe, 82), -EPIPE);
}

static void test_direct(struct io_uring *ring, int lfd, unsigned short port)
{
	struct sockaddr_in a = loopback(port);
	struct io_uring_sqe *sqe;
	int res, c1, c2[2];
	unsigned flags;
	char buf[8] = { 0 };
	__u64 ud;

	if (!op_begin("socket_direct", IORING_OP_SOCKET))
		return;
	if (io_uring_register_files_sparse(ring, 8)) {
		op_ran--;
		op_skipped++;
		return;
	}
	sqe = T_GET_SQE(ring);
	io_uring_prep_socket_direct(sqe, AF_INET, SOCK_DGRAM, 0, 1, 0);
	EXPECT_EQ(OP_RUN(ring, sqe, 90), 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_socket_direct_alloc(sqe, AF_INET, SOCK_DGRAM, 0, 0);
	res = OP_RUN(ring, sqe, 91);
	EXPECT(res >= 0 && res < 8 && res != 1);
	sqe = T_GET_SQE(ring);
	io_uring_prep_close_direct(sqe, 1);
	EXPECT_EQ(OP_RUN(ring, sqe, 92), 0);
	sqe = T_GET_SQE(ring);
	io_uring_prep_close_direct(sqe, 1);
	EXPECT_EQ(OP_RUN(ring, sqe, 93), -EBADF);
	if (res >= 0 && res < 8) {
		sqe = T_GET_SQE(ring);
		io_uring_prep_close_direct(sqe, (unsigned)res);
		EXPECT_EQ(OP_RUN(ring, sqe, 94), 0);
	}

	/* accept_direct into slot 5, then receive through the fixed file */
	op_begin("accept_direct", IORING_OP_ACCEPT);
	sqe = T_GET_SQE(ring);
	io_uring_prep_accept_direct(sqe, lfd, NULL, NULL, 0, 5);
	io_uring_sqe_set_data64(sqe, 95);
	OP_SUBMIT(ring, 1);
	c1 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(c1 >= 0);
	CHECK_EQ(connect(c1, (struct sockaddr *)&a, sizeof(a)), 0);
	res = OP_WAIT(ring, &ud, NULL);
	EXPECT_EQ_U64(ud, 95);
	EXPECT_EQ(res, 0);
	CHECK_EQ(send(c1, "dx", 2, 0), 2);
	sqe = T_GET_SQE(ring);
	io_uring_prep_recv(sqe, 5, buf, sizeof(buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	EXPECT_EQ(OP_RUN(ring, sqe, 96), 2);
	EXPECT(memcmp(buf, "dx", 2) == 0);

	/* multishot_accept_direct: each connection lands in a kernel-picked slot */
	sqe = T_GET_SQE(ring);
	io_uring_prep_multishot_accept_direct(sqe, lfd, NULL, NULL, 0);
	io_uring_sqe_set_data64(sqe, 97);
	OP_SUBMIT(ring, 1);
	for (int i = 0; i < 2; i++) {
		c2[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(c2[i] >= 0);
		CHECK_EQ(connect(c2[i], (struct sockaddr *)&a, sizeof(a)), 0);
		res = OP_WAIT(ring, &ud, &flags);
		EXPECT_EQ_U64(ud, 97);
		EXPECT(res >= 0 && res < 8 && res != 5);
		EXPECT(flags & IORING_CQE_F_MORE);
	}
	sqe = T_GET_SQE(ring);
	io_uring_prep_cancel64(sqe, 97, 0);
	io_uring_sqe_set_data64(sqe, 98);
	OP_SUBMIT(ring, 1);
	OP_WAIT(ring, NULL, NULL);
	OP_WAIT(ring, NULL, NULL);
	close(c1);
	close(c2[0]);
	close(c2[1]);
	io_uring_unregister_files(ring);
}

static void test_zc_fixed_and_bundle(struct io_uring *ring, int cfd, int sfd)
{
	static char fixed[4096];
	struct iovec reg = { fixed, sizeof(fixed) };
	struct io_uring_sqe *sqe;
	unsigned flags;
	char buf[64];
	__u64 ud;
	int res;

	if (op_begin("send_zc_fixed", IORING_OP_SEND_ZC) && io_uring_register_buffers(ring, &reg, 1) == 0) {
		memcpy(fixed + 100, "zero-copy fixed", 15);
		sqe = T_GET_SQE(ring);
		io_uring_prep_send_zc_fixed(sqe, cfd, fixed + 100, 15, 0, 0, 0);
		io_uring_sqe_set_data64(sqe, 100);
		OP_SUBMIT(ring, 1);
		res = OP_WAIT(ring, &ud, &flags);
		EXPECT_EQ(res, 15);
		if (flags & IORING_CQE_F_MORE) {
			OP_WAIT(ring, &ud, &flags);
			EXPECT(flags & IORING_CQE_F_NOTIF);
		}
		memset(buf, 0, sizeof(buf));
		EXPECT_EQ(recv(sfd, buf, sizeof(buf), 0), 15);
		EXPECT(memcmp(buf, "zero-copy fixed", 15) == 0);

		if (op_begin("sendmsg_zc_fixed", IORING_OP_SENDMSG_ZC)) {
			struct iovec iov = { fixed + 100, 9 };
			struct msghdr msg;

			memset(&msg, 0, sizeof(msg));
			msg.msg_iov = &iov;
			msg.msg_iovlen = 1;
			sqe = T_GET_SQE(ring);
			io_uring_prep_sendmsg_zc_fixed(sqe, cfd, &msg, 0, 0);
			io_uring_sqe_set_data64(sqe, 101);
			OP_SUBMIT(ring, 1);
			res = OP_WAIT(ring, &ud, &flags);
			if (flags & IORING_CQE_F_MORE)
				OP_WAIT(ring, NULL, NULL);
			if (!op_unsupported_res("sendmsg_zc_fixed", res)) {
				EXPECT_EQ(res, 9);
				memset(buf, 0, sizeof(buf));
				EXPECT_EQ(recv(sfd, buf, sizeof(buf), 0), 9);
				EXPECT(memcmp(buf, "zero-copy", 9) == 0);
			}
		}
		io_uring_unregister_buffers(ring);
	}

	if (!(ring->features & IORING_FEAT_RECVSEND_BUNDLE)) {
		T_NOTE("send_bundle: no IORING_FEAT_RECVSEND_BUNDLE, skipped");
		op_skipped++;
		return;
	}
	if (op_begin("send_bundle", IORING_OP_SEND)) {
		static char parts[3][2] = { { 'a', 'a' }, { 'b', 'b' }, { 'c', 'c' } };
		struct io_uring_buf_ring *br;
		int err;

		br = io_uring_setup_buf_ring(ring, 4, 6, 0, &err);
		if (!br) {
			op_ran--;
			op_skipped++;
			return;
		}
		for (int i = 0; i < 3; i++)
			io_uring_buf_ring_add(br, parts[i], 2, (unsigned short)i, io_uring_buf_ring_mask(4), i);
		io_uring_buf_ring_advance(br, 3);
		sqe = T_GET_SQE(ring);
		io_uring_prep_send_bundle(sqe, cfd, 0, 0);
		io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
		io_uring_sqe_set_buf_group(sqe, 6);
		res = OP_RUN(ring, sqe, 102);
		EXPECT_EQ(res, 6);
		memset(buf, 0, sizeof(buf));
		t_sleep_ms(10);
		EXPECT_EQ(recv(sfd, buf, sizeof(buf), 0), 6);
		EXPECT(memcmp(buf, "aabbcc", 6) == 0);
		io_uring_free_buf_ring(ring, br, 4, 6);
	}
}

int main(void)
{
	struct io_uring ring;
	unsigned short port;
	int lfd, cfd, sfd;

	t_init(32, &ring, 0);
	op_probe_init(&ring);

	lfd = make_listener(&ring);
	port = port_of(lfd);
	op_begin("accept/connect", IORING_OP_ACCEPT);
	cfd = connect_pair(&ring, lfd, port, &sfd);

	test_stream(&ring, cfd, sfd);
	test_send_zc(&ring, cfd, sfd);
	test_recv_multishot(&ring, cfd, sfd);
	test_cmd_sock(&ring, cfd, sfd);
	test_multishot_accept(&ring, lfd, port);
	test_udp(&ring);
	test_direct(&ring, lfd, port);
	test_zc_fixed_and_bundle(&ring, cfd, sfd);
	test_shutdown(&ring, cfd, sfd);

	close(cfd);
	close(sfd);
	close(lfd);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);
	return op_done();
}
