/* A TCP echo server on io_uring: one multishot accept for every connection, one multishot
 * recv per connection that picks its buffers from a provided-buffer ring, and a send per
 * received chunk. The buffer goes back to the ring when its send has completed.
 *
 *   examples/c/build/echo-server 127.0.0.1:7777 [--sqpoll]
 *
 * --sqpoll sets the ring up with IORING_SETUP_SQPOLL: a kernel thread polls the SQ, so
 * submitting costs no system call while that thread is awake. It runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <liburing.h>

#define RING_ENTRIES 256
#define BUF_GROUP 0		/* the provided-buffer group of every recv */
#define NR_BUFS 256		/* a power of two, as buffer rings require */
#define BUF_SIZE 4096

enum op_kind { OP_ACCEPT, OP_RECV, OP_SEND };

struct conn;

/* What a CQE belongs to: its user_data points at one of these. */
struct op {
	enum op_kind kind;
	struct conn *conn;	/* OP_RECV, OP_SEND */
	unsigned short bid;	/* OP_SEND: the buffer being sent */
	unsigned len, done;	/* OP_SEND: bytes to send, bytes sent */
	struct op *next;	/* OP_SEND: the connection's next send */
};

struct conn {
	int fd;
	struct op recv;		/* the multishot recv, re-armed when it ends */
	int recv_armed;
	/* Sends waiting, oldest first; only the first is in flight, because two sends in
	 * flight on one stream socket may complete out of order or short. */
	struct op *send_head, *send_tail;
	int closing;		/* EOF or error seen: close once the sends are done */
	int failed;		/* a send failed: drop what is still queued */
	struct conn *next_starved;	/* in the list of connections waiting for buffers */
	int starved;
};

struct server {
	struct io_uring ring;
	int listen_fd;
	struct op accept;
	struct io_uring_buf_ring *br;
	char *bufs;
	struct conn *starved;	/* recv stopped with -ENOBUFS: re-arm when a buffer returns */
};

static void die(const char *what, int err)
{
	fprintf(stderr, "echo-server: %s: %s\n", what, strerror(err));
	exit(1);
}

/* An SQE, submitting what is queued first if the SQ is full. */
static struct io_uring_sqe *get_sqe(struct server *s)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&s->ring);

	while (!sqe) {
		int ret = io_uring_submit(&s->ring);

		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
			die("io_uring_submit", -ret);
		sqe = io_uring_get_sqe(&s->ring);
	}
	return sqe;
}

static void arm_accept(struct server *s)
{
	struct io_uring_sqe *sqe = get_sqe(s);

	io_uring_prep_multishot_accept(sqe, s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data(sqe, &s->accept);
}

static void arm_recv(struct server *s, struct conn *c)
{
	struct io_uring_sqe *sqe = get_sqe(s);

	io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
	/* No buffer of its own: the kernel takes one from group BUF_GROUP per CQE. */
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BUF_GROUP;
	io_uring_sqe_set_data(sqe, &c->recv);
	c->recv_armed = 1;
}

static char *buf_addr(struct server *s, unsigned short bid)
{
	return s->bufs + (size_t)bid * BUF_SIZE;
}

/* Free a connection once nothing in flight refers to it. */
static void maybe_free(struct conn *c)
{
	if (c->closing && !c->recv_armed && !c->send_head && !c->starved) {
		close(c->fd);
		free(c);
	}
}

/* Give buffer bid back to the kernel, and wake connections that ran out. */
static void return_buf(struct server *s, unsigned short bid)
{
	io_uring_buf_ring_add(s->br, buf_addr(s, bid), BUF_SIZE, bid,
			      io_uring_buf_ring_mask(NR_BUFS), 0);
	io_uring_buf_ring_advance(s->br, 1);
	while (s->starved) {
		struct conn *c = s->starved;

		s->starved = c->next_starved;
		c->starved = 0;
		if (c->closing)
			maybe_free(c);
		else
			arm_recv(s, c);
	}
}

/* Put the first queued send (or the rest of it) in flight. */
static void issue_send(struct server *s, struct op *op)
{
	struct io_uring_sqe *sqe = get_sqe(s);

	/* MSG_NOSIGNAL: a client that went away gives -EPIPE, not a SIGPIPE. */
	io_uring_prep_send(sqe, op->conn->fd, buf_addr(s, op->bid) + op->done,
			   op->len - op->done, MSG_NOSIGNAL);
	io_uring_sqe_set_data(sqe, op);
}

static void queue_send(struct server *s, struct conn *c, struct op *op)
{
	op->next = NULL;
	if (c->send_tail) {
		c->send_tail->next = op;
		c->send_tail = op;
		return;
	}
	c->send_head = c->send_tail = op;
	issue_send(s, op);
}

static void on_accept(struct server *s, const struct io_uring_cqe *cqe)
{
	if (!(cqe->flags & IORING_CQE_F_MORE))
		/* The multishot accept ended (an error, or the kernel stopped it): re-arm. */
		arm_accept(s);
	if (cqe->res < 0) {
		if (cqe->res != -ECONNABORTED && cqe->res != -EINTR)
			fprintf(stderr, "echo-server: accept: %s\n", strerror(-cqe->res));
		return;
	}
	struct conn *c = calloc(1, sizeof(*c));

	if (!c) {
		fprintf(stderr, "echo-server: out of memory, dropping a connection\n");
		close(cqe->res);
		return;
	}
	c->fd = cqe->res;
	c->recv = (struct op){ .kind = OP_RECV, .conn = c };
	arm_recv(s, c);
}

static void on_recv(struct server *s, struct conn *c, const struct io_uring_cqe *cqe)
{
	int more = cqe->flags & IORING_CQE_F_MORE;

	if (!more)
		c->recv_armed = 0;
	if (cqe->res > 0) {
		struct op *send;

		if (!(cqe->flags & IORING_CQE_F_BUFFER)) {
			fprintf(stderr, "echo-server: recv completed without a buffer\n");
			exit(1);
		}
		send = malloc(sizeof(*send));
		if (!send) {
			fprintf(stderr, "echo-server: out of memory, closing a connection\n");
			return_buf(s, (unsigned short)(cqe->flags >> IORING_CQE_BUFFER_SHIFT));
			c->closing = 1;
			shutdown(c->fd, SHUT_RDWR);
			return;
		}
		*send = (struct op){
			.kind = OP_SEND,
			.conn = c,
			.bid = (unsigned short)(cqe->flags >> IORING_CQE_BUFFER_SHIFT),
			.len = (unsigned)cqe->res,
		};
		queue_send(s, c, send);
		if (!more && !c->closing)
			arm_recv(s, c);	/* the multishot recv ended with data: go on */
		return;
	}
	if (cqe->res == -ENOBUFS && !c->closing) {
		/* Every buffer is out in a send: wait for one to come back. */
		if (!c->recv_armed && !c->starved) {
			c->starved = 1;
			c->next_starved = s->starved;
			s->starved = c;
		}
		return;
	}
	/* 0 is the client's EOF; anything else an error on this connection. */
	if (cqe->res < 0 && cqe->res != -ECONNRESET)
		fprintf(stderr, "echo-server: recv: %s\n", strerror(-cqe->res));
	c->closing = 1;
	if (c->recv_armed)
		shutdown(c->fd, SHUT_RD);	/* makes the armed recv end with EOF */
	maybe_free(c);
}

static void on_send(struct server *s, struct op *op, const struct io_uring_cqe *cqe)
{
	struct conn *c = op->conn;

	if (cqe->res > 0 && op->done + (unsigned)cqe->res < op->len) {
		op->done += (unsigned)cqe->res;	/* short send: send the rest */
		issue_send(s, op);
		return;
	}
	if (cqe->res <= 0 && !c->closing) {
		if (cqe->res < 0 && cqe->res != -EPIPE && cqe->res != -ECONNRESET)
			fprintf(stderr, "echo-server: send: %s\n", strerror(-cqe->res));
		c->closing = 1;
		c->failed = 1;
		if (c->recv_armed)
			shutdown(c->fd, SHUT_RD);
	}
	c->send_head = op->next;
	if (!c->send_head)
		c->send_tail = NULL;
	return_buf(s, op->bid);
	free(op);
	/* The next send, unless the connection failed: then drop what is queued. After
	 * the client's EOF the queue is still sent. */
	while (c->send_head && c->failed) {
		struct op *next = c->send_head->next;

		return_buf(s, c->send_head->bid);
		free(c->send_head);
		c->send_head = next;
	}
	if (!c->send_head)
		c->send_tail = NULL;
	else
		issue_send(s, c->send_head);
	maybe_free(c);
}

static int parse_addr(const char *arg, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(arg, ':');
	char *end;
	long port;

	if (!colon || (size_t)(colon - arg) >= sizeof(host))
		return -1;
	memcpy(host, arg, (size_t)(colon - arg));
	host[colon - arg] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || colon[1] == '\0' || port < 0 || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s 127.0.0.1:PORT [--sqpoll]\n"
		"echo every byte received back to its sender; runs until killed\n", prog);
	exit(2);
}

int main(int argc, char *argv[])
{
	struct server s = { .accept = { .kind = OP_ACCEPT } };
	struct io_uring_params p = { 0 };
	struct sockaddr_in sa;
	const char *addr = NULL;
	int sqpoll = 0, one = 1, ret, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sqpoll"))
			sqpoll = 1;
		else if (!addr && argv[i][0] != '-')
			addr = argv[i];
		else
			usage(argv[0]);
	}
	if (!addr || parse_addr(addr, &sa) < 0)
		usage(argv[0]);

	s.listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s.listen_fd < 0)
		die("socket", errno);
	if (setsockopt(s.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR", errno);
	if (bind(s.listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(addr, errno);
	if (listen(s.listen_fd, 512) < 0)
		die("listen", errno);

	if (sqpoll) {
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 100;	/* ms the SQ thread polls before it sleeps */
	}
	ret = io_uring_queue_init_params(RING_ENTRIES, &s.ring, &p);
	if (ret < 0)
		die(sqpoll ? "io_uring_queue_init_params(SQPOLL)" : "io_uring_queue_init_params", -ret);

	s.br = io_uring_setup_buf_ring(&s.ring, NR_BUFS, BUF_GROUP, 0, &ret);
	if (!s.br)
		die("io_uring_setup_buf_ring (needs Linux 5.19)", -ret);
	s.bufs = malloc((size_t)NR_BUFS * BUF_SIZE);
	if (!s.bufs)
		die("malloc", ENOMEM);
	for (i = 0; i < NR_BUFS; i++)
		io_uring_buf_ring_add(s.br, buf_addr(&s, (unsigned short)i), BUF_SIZE,
				      (unsigned short)i, io_uring_buf_ring_mask(NR_BUFS), i);
	io_uring_buf_ring_advance(s.br, NR_BUFS);

	arm_accept(&s);
	printf("echo-server: listening on %s%s\n", addr, sqpoll ? " (SQPOLL)" : "");
	fflush(stdout);

	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		ret = io_uring_submit_and_wait(&s.ring, 1);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			die("io_uring_submit_and_wait", -ret);
		io_uring_for_each_cqe(&s.ring, head, cqe) {
			struct op *op = io_uring_cqe_get_data(cqe);

			seen++;
			switch (op->kind) {
			case OP_ACCEPT:
				on_accept(&s, cqe);
				break;
			case OP_RECV:
				on_recv(&s, op->conn, cqe);
				break;
			case OP_SEND:
				on_send(&s, op, cqe);
				break;
			}
		}
		io_uring_cq_advance(&s.ring, seen);
	}
}
