/*
 * Load: a TCP echo server on our library with 10,000 concurrent connections
 * on 127.0.0.1, and clients that send messages through them and check every
 * byte that comes back.
 *
 * The server runs in a forked child (so that its RSS is its own) on one
 * ring: a multishot accept, a multishot receive per connection that takes
 * its buffers from a provided-buffer ring, and one send at a time per
 * connection that echoes the received chunks in order and then gives their
 * buffers back to the ring.  When the buffer ring runs dry (-ENOBUFS) the
 * connection waits until buffers come back and its receive is re-armed.
 *
 * The clients run in the parent on a second ring: they connect every
 * socket first (so that all connections are open at once), then each
 * connection sends one message at a time -- 16 to 1024 bytes, contents
 * derived from (connection, sequence number) -- and receives the echo
 * (MSG_WAITALL, short transfers continued) before sending the next.  Every
 * echoed byte is compared with what was sent.
 *
 * Two rounds, each with its own server: "starved" (1,000 connections,
 * 20,000 messages, 16 buffers: receives must run out of buffers and recover)
 * and "load" (10,000 connections, 1,000,000 messages, 1,024 buffers).
 *
 * Checked: every message echoed intact, the server saw exactly the
 * connections and bytes the clients made, the connections were all open at
 * once, the server's VmRSS after the run is within RSS_BOUND_KB of its
 * VmRSS after set-up (so nothing grows with the number of messages), both
 * sides are back to their fd counts, and the whole run finishes within the
 * deadline.  RLIMIT_NOFILE is raised as far as needed (the hard limit too,
 * where permitted); if that is impossible the test skips with the reason.
 *
 * Environment (for the load round): URING_LOAD_CONNS (default 10000),
 * URING_LOAD_MESSAGES (default 1000000), URING_LOAD_BUFFERS (default 1024),
 * URING_LOAD_DEADLINE (seconds for both rounds, default 240: a hang guard, not a
 * speed limit; an unloaded 2-core machine needs about 15).
 *
 * Smaller under the sanitizers and memcheck in `cargo test`; the long runs
 * (docs/reliability.md) use the full size with more time:
 * c-test-asan: URING_LOAD_CONNS=2000 URING_LOAD_MESSAGES=100000
 * c-test-memcheck: URING_LOAD_CONNS=1000 URING_LOAD_MESSAGES=20000
 * c-test-asan-full: URING_LOAD_DEADLINE=200
 * c-test-valgrind-full: URING_LOAD_DEADLINE=1200
 * c-test-timeout: 300
 */
#include "test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define DEFAULT_CONNS 10000
#define DEFAULT_MESSAGES 1000000
#define DEFAULT_DEADLINE_S 240

#define MSG_MIN 16
#define MSG_MAX 1024

/* Server: provided buffers of MSG_MAX bytes (a power of two). */
#define DEFAULT_NBUF 1024
#define BGID 7
/*
 * Allowed growth of the server's VmRSS: from after set-up (ring, buffers and
 * connection table allocated and touched) to the end, and from the moment
 * all connections were accepted to the end (while the messages flow).
 */
#define RSS_BOUND_KB (2 * 1024)
#define RSS_MESSAGES_BOUND_KB 256

/* The starved round: few buffers for many connections, so receives hit -ENOBUFS. */
#define STARVED_CONNS 1000
#define STARVED_MESSAGES 20000
#define STARVED_NBUF 16

#define RING_ENTRIES 4096
#define CQ_ENTRIES 32768
#define MAX_CONNECTING 512

enum kind { K_ACCEPT = 1, K_RECV, K_SEND, K_CLOSE, K_CONNECT };

static inline __u64 ud(enum kind k, unsigned idx)
{
	return (__u64)k << 32 | idx;
}

/* A ring for a busy loop: DEFER_TASKRUN where the kernel has it. */
static int ring_init(struct io_uring *ring)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
	p.cq_entries = CQ_ENTRIES;
	ret = io_uring_queue_init_params(RING_ENTRIES, ring, &p);
	if (ret == -EINVAL) {
		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = CQ_ENTRIES;
		ret = io_uring_queue_init_params(RING_ENTRIES, ring, &p);
	}
	return ret;
}

/* An SQE, submitting what is queued first if the SQ is full. */
static struct io_uring_sqe *get_sqe(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		int ret = io_uring_submit(ring);

		if (ret < 0)
			FAIL("submit with a full SQ: %d (%s)", ret, t_err(ret));
		sqe = io_uring_get_sqe(ring);
		if (!sqe)
			FAIL("no SQE after submitting a full SQ");
	}
	return sqe;
}

/* ---- the server (child process) ---------------------------------------- */

struct server_stats {
	int failed;
	unsigned accepted, closed, max_open;
	unsigned long long bytes, recvs, sends, short_sends, enobufs, rearms;
	long rss_setup_kb, rss_connected_kb, rss_end_kb, hwm_kb;
	double seconds;
};

struct sconn {
	int head, tail;		/* FIFO of buffer ids waiting to be echoed (-1: empty) */
	unsigned off;		/* bytes of the head buffer already sent */
	bool open, sending, eof, starved;
};

struct server {
	struct io_uring ring;
	struct io_uring_buf_ring *br;
	char *bufs;
	int *next;		/* per buffer id: the next in its connection's FIFO */
	unsigned *len;		/* per buffer id: bytes received into it */
	struct sconn *conns;	/* indexed by fd */
	int maxfd, lfd;
	unsigned nbuf;
	int *starved;		/* FIFO of fds waiting for buffers */
	unsigned st_head, st_tail;
	unsigned bufs_out, returned;
	unsigned open;
	struct server_stats st;
};

static void s_arm_recv(struct server *s, int fd)
{
	struct io_uring_sqe *sqe = get_sqe(&s->ring);

	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, ud(K_RECV, (unsigned)fd));
}

static void s_arm_accept(struct server *s)
{
	struct io_uring_sqe *sqe = get_sqe(&s->ring);

	io_uring_prep_multishot_accept(sqe, s->lfd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data64(sqe, ud(K_ACCEPT, 0));
}

static void s_send_head(struct server *s, int fd)
{
	struct sconn *c = &s->conns[fd];
	int bid = c->head;
	struct io_uring_sqe *sqe = get_sqe(&s->ring);

	io_uring_prep_send(sqe, fd, s->bufs + (size_t)bid * MSG_MAX + c->off,
			   s->len[bid] - c->off, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, ud(K_SEND, (unsigned)fd));
	c->sending = true;
	s->st.sends++;
}

static void s_close(struct server *s, int fd)
{
	struct io_uring_sqe *sqe = get_sqe(&s->ring);

	io_uring_prep_close(sqe, fd);
	io_uring_sqe_set_data64(sqe, ud(K_CLOSE, (unsigned)fd));
	/* The fd number may be reused by an accept before the CLOSE completion. */
	memset(&s->conns[fd], 0, sizeof(s->conns[fd]));
	s->open--;
}

static int s_fail(struct server *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int s_fail(struct server *s, const char *fmt, ...)
{
	va_list ap;

	fputs("server: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	s->st.failed = 1;
	return -1;
}

static int s_handle(struct server *s, struct io_uring_cqe *cqe, unsigned conns)
{
	__u64 data = io_uring_cqe_get_data64(cqe);
	enum kind k = (enum kind)(data >> 32);
	int fd = (int)(data & 0xffffffffu), res = cqe->res;
	struct sconn *c;

	switch (k) {
	case K_ACCEPT:
		if (res < 0)
			return s_fail(s, "accept: %d (%s)", res, t_err(res));
		if (res >= s->maxfd)
			return s_fail(s, "accepted fd %d beyond the table (%d)", res, s->maxfd);
		if (s->st.accepted >= conns)
			return s_fail(s, "more connections than the %u clients made", conns);
		s->st.accepted++;
		c = &s->conns[res];
		c->head = c->tail = -1;
		c->open = true;
		if (++s->open > s->st.max_open)
			s->st.max_open = s->open;
		if (s->st.accepted == conns)
			s->st.rss_connected_kb = t_status_kb("VmRSS");
		s_arm_recv(s, res);
		if (!(cqe->flags & IORING_CQE_F_MORE) && s->st.accepted < conns)
			s_arm_accept(s);
		return 0;
	case K_RECV:
		c = &s->conns[fd];
		if (!c->open)
			return s_fail(s, "receive completion for fd %d, which is not open", fd);
		if (res == -ENOBUFS) {
			s->st.enobufs++;
			c->starved = true;
			s->starved[s->st_tail++ % (unsigned)s->maxfd] = fd;
			return 0;
		}
		if (res < 0)
			return s_fail(s, "recv fd %d: %d (%s)", fd, res, t_err(res));
		if (res == 0) {
			/* The client is done: close once everything is echoed. */
			c->eof = true;
			if (!c->sending)
				s_close(s, fd);
			return 0;
		}
		if (!(cqe->flags & IORING_CQE_F_BUFFER))
			return s_fail(s, "recv fd %d: %d bytes without a buffer", fd, res);
		{
			int bid = (int)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);

			if ((unsigned)bid >= s->nbuf || res > MSG_MAX)
				return s_fail(s, "recv fd %d: buffer %d, %d bytes", fd, bid, res);
			s->len[bid] = (unsigned)res;
			s->next[bid] = -1;
			if (c->tail >= 0)
				s->next[c->tail] = bid;
			else
				c->head = bid;
			c->tail = bid;
			s->bufs_out++;
			s->st.recvs++;
			s->st.bytes += (unsigned)res;
		}
		if (!c->sending)
			s_send_head(s, fd);
		if (!(cqe->flags & IORING_CQE_F_MORE)) {
			/* Multishot ended without an error (e.g. CQ pressure): re-arm. */
			s->st.rearms++;
			s_arm_recv(s, fd);
		}
		return 0;
	case K_SEND:
		c = &s->conns[fd];
		if (!c->open || !c->sending || c->head < 0)
			return s_fail(s, "send completion for fd %d in the wrong state", fd);
		if (res <= 0)
			return s_fail(s, "send fd %d: %d (%s)", fd, res, t_err(res));
		c->sending = false;
		c->off += (unsigned)res;
		if (c->off < s->len[c->head]) {
			s->st.short_sends++;
			s_send_head(s, fd);
			return 0;
		}
		{
			int bid = c->head;

			c->head = s->next[bid];
			if (c->head < 0)
				c->tail = -1;
			c->off = 0;
			io_uring_buf_ring_add(s->br, s->bufs + (size_t)bid * MSG_MAX, MSG_MAX,
					      (unsigned short)bid, io_uring_buf_ring_mask(s->nbuf),
					      (int)s->returned++);
			s->bufs_out--;
		}
		if (c->head >= 0)
			s_send_head(s, fd);
		else if (c->eof)
			s_close(s, fd);
		return 0;
	case K_CLOSE:
		if (res < 0)
			return s_fail(s, "close fd %d: %d (%s)", fd, res, t_err(res));
		s->st.closed++;
		return 0;
	default:
		return s_fail(s, "unknown completion 0x%llx res %d", (unsigned long long)data, res);
	}
}

/* See server_main. */
static struct server *server_live;

static void server_main(int lfd, unsigned conns, unsigned nbuf, int maxfd, uint64_t deadline_ns,
			int out, pid_t parent)
{
	struct server *s = calloc(1, sizeof(*s));
	struct __kernel_timespec ts = { .tv_sec = 1, .tv_nsec = 0 };
	uint64_t t0;
	int ret;

	/* The server's memory lives until the child's exit(): keep it reachable
	 * for LeakSanitizer's exit-time check. */
	server_live = s;

	/* Die with the clients (also if they died before this line). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		exit(1);
	if (!s)
		exit(1);
	s->lfd = lfd;
	s->maxfd = maxfd;
	s->nbuf = nbuf;
	ret = ring_init(&s->ring);
	if (ret) {
		s_fail(s, "ring set-up: %d (%s)", ret, t_err(ret));
		goto out;
	}
	s->br = io_uring_setup_buf_ring(&s->ring, s->nbuf, BGID, 0, &ret);
	if (!s->br) {
		s_fail(s, "setup_buf_ring: %d (%s)", ret, t_err(ret));
		goto out;
	}
	s->bufs = malloc((size_t)s->nbuf * MSG_MAX);
	s->next = malloc(s->nbuf * sizeof(int));
	s->len = malloc(s->nbuf * sizeof(unsigned));
	s->conns = calloc((size_t)maxfd, sizeof(struct sconn));
	s->starved = malloc((size_t)maxfd * sizeof(int));
	if (!s->bufs || !s->next || !s->len || !s->conns || !s->starved) {
		s_fail(s, "out of memory");
		goto out;
	}
	/* Touch everything now, so that the baseline RSS includes it. */
	memset(s->bufs, 0, (size_t)s->nbuf * MSG_MAX);
	memset(s->next, 0, s->nbuf * sizeof(int));
	memset(s->len, 0, s->nbuf * sizeof(unsigned));
	memset(s->conns, 0, (size_t)maxfd * sizeof(struct sconn));
	memset(s->starved, 0, (size_t)maxfd * sizeof(int));
	for (unsigned i = 0; i < s->nbuf; i++)
		io_uring_buf_ring_add(s->br, s->bufs + (size_t)i * MSG_MAX, MSG_MAX,
				      (unsigned short)i, io_uring_buf_ring_mask(s->nbuf), (int)i);
	io_uring_buf_ring_advance(s->br, (int)s->nbuf);
	s->st.rss_setup_kb = t_status_kb("VmRSS");

	t0 = t_now_ns();
	s_arm_accept(s);
	while (!s->st.failed && !(s->st.accepted == conns && s->st.closed == conns)) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;

		ret = io_uring_submit_and_wait_timeout(&s->ring, &cqe, 1, &ts, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR) {
			s_fail(s, "submit_and_wait_timeout: %d (%s)", ret, t_err(ret));
			break;
		}
		io_uring_for_each_cqe(&s->ring, head, cqe) {
			n++;
			if (s_handle(s, cqe, conns))
				break;
		}
		io_uring_cq_advance(&s->ring, n);
		/* Publish the buffers given back in this batch. */
		if (s->returned) {
			io_uring_buf_ring_advance(s->br, (int)s->returned);
			s->returned = 0;
		}
		/* Re-arm starved receives, one per free buffer. */
		for (unsigned free_bufs = s->nbuf - s->bufs_out;
		     s->st_head != s->st_tail && free_bufs > 0; free_bufs--) {
			int fd = s->starved[s->st_head++ % (unsigned)s->maxfd];

			if (s->conns[fd].open && s->conns[fd].starved) {
				s->conns[fd].starved = false;
				s->st.rearms++;
				s_arm_recv(s, fd);
			}
		}
		if (t_now_ns() > deadline_ns) {
			s_fail(s, "deadline passed: %u accepted, %u closed, %llu bytes echoed",
			       s->st.accepted, s->st.closed, s->st.bytes);
			break;
		}
	}
	s->st.seconds = (double)(t_now_ns() - t0) / 1e9;
	if (!s->st.failed) {
		if (s->bufs_out != 0)
			s_fail(s, "%u buffers not given back", s->bufs_out);
		if (s->open != 0)
			s_fail(s, "%u connections still open", s->open);
	}
	s->st.rss_end_kb = t_status_kb("VmRSS");
	s->st.hwm_kb = t_status_kb("VmHWM");
	io_uring_free_buf_ring(&s->ring, s->br, s->nbuf, BGID);
	io_uring_queue_exit(&s->ring);
out:
	if (write(out, &s->st, sizeof(s->st)) != sizeof(s->st))
		exit(1);
	exit(s->st.failed ? 1 : 0);
}

/* ---- the clients (parent process) -------------------------------------- */

struct cconn {
	int fd;
	unsigned seq, nmsgs;	/* message being sent, messages to send */
	unsigned len, sent, received;
	bool connected, closed;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* Length and contents of message `seq` of connection `i`. */
static unsigned msg_len(unsigned i, unsigned seq)
{
	return MSG_MIN + (unsigned)(mix((uint64_t)i << 32 | seq) % (MSG_MAX - MSG_MIN + 1));
}

static void msg_fill(unsigned char *p, unsigned len, unsigned i, unsigned seq)
{
	uint64_t x = mix(((uint64_t)seq << 32 | i) ^ 0x9e3779b97f4a7c15ull) | 1;

	memcpy(p, &i, 4);
	memcpy(p + 4, &seq, 4);
	for (unsigned k = 8; k < len; k += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(p + k, &x, len - k < 8 ? len - k : 8);
	}
}

struct client {
	struct io_uring ring;
	struct cconn *c;
	unsigned char *tx, *rx;
	unsigned conns, connected, connecting, next_connect, done;
	unsigned long long messages, bytes, short_sends, short_recvs;
	struct sockaddr_in addr;
};

static void c_send(struct client *cl, unsigned i)
{
	struct cconn *c = &cl->c[i];
	struct io_uring_sqe *sqe = get_sqe(&cl->ring);

	io_uring_prep_send(sqe, c->fd, cl->tx + (size_t)i * MSG_MAX + c->sent, c->len - c->sent,
			   MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, ud(K_SEND, i));
}

static void c_recv(struct client *cl, unsigned i)
{
	struct cconn *c = &cl->c[i];
	struct io_uring_sqe *sqe = get_sqe(&cl->ring);

	io_uring_prep_recv(sqe, c->fd, cl->rx + (size_t)i * MSG_MAX + c->received,
			   c->len - c->received, MSG_WAITALL);
	io_uring_sqe_set_data64(sqe, ud(K_RECV, i));
}

/* Start the next message of connection i, or close it when it has sent them all. */
static void c_next(struct client *cl, unsigned i)
{
	struct cconn *c = &cl->c[i];

	if (c->seq == c->nmsgs) {
		struct io_uring_sqe *sqe = get_sqe(&cl->ring);

		io_uring_prep_close(sqe, c->fd);
		io_uring_sqe_set_data64(sqe, ud(K_CLOSE, i));
		return;
	}
	c->len = msg_len(i, c->seq);
	c->sent = c->received = 0;
	msg_fill(cl->tx + (size_t)i * MSG_MAX, c->len, i, c->seq);
	memset(cl->rx + (size_t)i * MSG_MAX, 0, c->len);
	c_send(cl, i);
	c_recv(cl, i);
}

static void c_connect_more(struct client *cl)
{
	while (cl->connecting < MAX_CONNECTING && cl->next_connect < cl->conns) {
		unsigned i = cl->next_connect++;
		struct io_uring_sqe *sqe = get_sqe(&cl->ring);

		io_uring_prep_connect(sqe, cl->c[i].fd, (struct sockaddr *)&cl->addr,
				      sizeof(cl->addr));
		io_uring_sqe_set_data64(sqe, ud(K_CONNECT, i));
		cl->connecting++;
	}
}

static void c_message_done(struct client *cl, unsigned i)
{
	struct cconn *c = &cl->c[i];
	const unsigned char *tx = cl->tx + (size_t)i * MSG_MAX, *rx = cl->rx + (size_t)i * MSG_MAX;

	if (memcmp(tx, rx, c->len) != 0) {
		unsigned k = 0;

		while (tx[k] == rx[k])
			k++;
		FAIL("connection %u message %u (%u bytes): byte %u is 0x%02x, sent 0x%02x", i,
		     c->seq, c->len, k, rx[k], tx[k]);
	}
	cl->messages++;
	cl->bytes += c->len;
	c->seq++;
	c_next(cl, i);
}

static void c_handle(struct client *cl, struct io_uring_cqe *cqe)
{
	__u64 data = io_uring_cqe_get_data64(cqe);
	enum kind k = (enum kind)(data >> 32);
	unsigned i = (unsigned)(data & 0xffffffffu);
	int res = cqe->res;
	struct cconn *c;

	if (i >= cl->conns)
		FAIL("completion 0x%llx for an unknown connection", (unsigned long long)data);
	c = &cl->c[i];
	switch (k) {
	case K_CONNECT:
		if (res < 0)
			FAIL("connect %u: %d (%s)", i, res, t_err(res));
		c->connected = true;
		cl->connecting--;
		cl->connected++;
		if (cl->connected == cl->conns) {
			/* All connections are open: start the messages. */
			for (unsigned j = 0; j < cl->conns; j++)
				c_next(cl, j);
		} else {
			c_connect_more(cl);
		}
		break;
	case K_SEND:
		if (res <= 0)
			FAIL("send %u/%u: %d (%s)", i, c->seq, res, t_err(res));
		c->sent += (unsigned)res;
		if (c->sent > c->len)
			FAIL("send %u/%u: %u of %u bytes", i, c->seq, c->sent, c->len);
		if (c->sent < c->len) {
			cl->short_sends++;
			c_send(cl, i);
		} else if (c->received == c->len) {
			c_message_done(cl, i);
		}
		break;
	case K_RECV:
		if (res < 0)
			FAIL("recv %u/%u: %d (%s)", i, c->seq, res, t_err(res));
		if (res == 0)
			FAIL("recv %u/%u: the server closed the connection after %u of %u bytes", i,
			     c->seq, c->received, c->len);
		c->received += (unsigned)res;
		if (c->received > c->len)
			FAIL("recv %u/%u: %u of %u bytes", i, c->seq, c->received, c->len);
		if (c->received < c->len) {
			cl->short_recvs++;
			c_recv(cl, i);
		} else if (c->sent == c->len) {
			c_message_done(cl, i);
		}
		break;
	case K_CLOSE:
		if (res < 0)
			FAIL("close %u: %d (%s)", i, res, t_err(res));
		c->closed = true;
		cl->done++;
		break;
	default:
		FAIL("unknown completion 0x%llx res %d", (unsigned long long)data, res);
	}
}

/* Raise RLIMIT_NOFILE to `need` (soft and, if necessary, hard); skip if impossible. */
static void raise_nofile(rlim_t need, unsigned conns)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		FAIL("getrlimit: %s", strerror(errno));
	if (rl.rlim_cur >= need)
		return;
	if (rl.rlim_max < need) {
		struct rlimit up = { need, need };

		if (setrlimit(RLIMIT_NOFILE, &up))
			t_skip("%llu connections need RLIMIT_NOFILE %llu; the hard limit is %llu and cannot be raised (%s)",
			       (unsigned long long)conns,
			       (unsigned long long)need, (unsigned long long)rl.rlim_max,
			       strerror(errno));
		return;
	}
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		FAIL("setrlimit(RLIMIT_NOFILE, %llu): %s", (unsigned long long)need, strerror(errno));
}

/*
 * One round: a server child with `nbuf` buffers, `conns` client connections,
 * `total` messages.  Fails the program (exit 1) on any error.
 */
static void run_round(const char *name, unsigned conns, unsigned long long total, unsigned nbuf,
		      uint64_t deadline_ns, bool expect_starved)
{
	struct __kernel_timespec ts = { .tv_sec = 1, .tv_nsec = 0 };
	struct server_stats st;
	struct client *cl;
	socklen_t alen;
	uint64_t t0, t_conn = 0;
	int lfd, one = 1, pipefd[2], status, fds0, ret;
	unsigned long long expect_bytes = 0;
	pid_t pid, parent;

	fds0 = t_count_fds();
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		FAIL("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		FAIL("out of memory");
	cl->addr.sin_family = AF_INET;
	cl->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&cl->addr, sizeof(cl->addr)) || listen(lfd, 4096))
		FAIL("bind/listen: %s", strerror(errno));
	alen = sizeof(cl->addr);
	if (getsockname(lfd, (struct sockaddr *)&cl->addr, &alen))
		FAIL("getsockname: %s", strerror(errno));

	if (pipe2(pipefd, O_CLOEXEC))
		FAIL("pipe2: %s", strerror(errno));
	t0 = t_now_ns();
	parent = getpid();
	pid = fork();
	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0) {
		/* The parent's; the server child does not use it (and LeakSanitizer
		 * would report it at the child's exit). */
		free(cl);
		close(pipefd[0]);
		server_main(lfd, conns, nbuf, (int)conns + 64, deadline_ns + 2000000000ull,
			    pipefd[1], parent);
	}
	close(pipefd[1]);
	close(lfd);

	/* The clients. */
	cl->conns = conns;
	cl->c = calloc(conns, sizeof(*cl->c));
	cl->tx = malloc((size_t)conns * MSG_MAX);
	cl->rx = malloc((size_t)conns * MSG_MAX);
	if (!cl->c || !cl->tx || !cl->rx)
		FAIL("out of memory");
	ret = ring_init(&cl->ring);
	if (ret)
		FAIL("client ring set-up: %d (%s)", ret, t_err(ret));
	for (unsigned i = 0; i < conns; i++) {
		struct cconn *c = &cl->c[i];

		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c->fd < 0)
			FAIL("socket %u: %s", i, strerror(errno));
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->nmsgs = (unsigned)(total / conns + (i < total % conns));
		for (unsigned s = 0; s < c->nmsgs; s++)
			expect_bytes += msg_len(i, s);
	}
	c_connect_more(cl);
	while (cl->done < conns) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;

		ret = io_uring_submit_and_wait_timeout(&cl->ring, &cqe, 1, &ts, NULL);
		if (ret < 0 && ret != -ETIME && ret != -EINTR)
			FAIL("client submit_and_wait_timeout: %d (%s)", ret, t_err(ret));
		io_uring_for_each_cqe(&cl->ring, head, cqe) {
			n++;
			c_handle(cl, cqe);
		}
		io_uring_cq_advance(&cl->ring, n);
		if (!t_conn && cl->connected == conns)
			t_conn = t_now_ns();
		if (t_now_ns() > deadline_ns) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			FAIL("[%s] deadline passed: %u/%u connected, %llu of %llu messages, %u connections done",
			     name, cl->connected, conns, cl->messages, total, cl->done);
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			FAIL("[%s] the server exited early (status 0x%x) after %llu messages", name,
			     status, cl->messages);
	}
	io_uring_queue_exit(&cl->ring);

	/* The server stops by itself once every connection is closed. */
	while ((ret = (int)waitpid(pid, &status, WNOHANG)) == 0) {
		if (t_now_ns() > deadline_ns + 5000000000ull) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			FAIL("[%s] the server did not stop after the clients finished", name);
		}
		t_sleep_ms(5);
	}
	memset(&st, 0, sizeof(st));
	if (read(pipefd[0], &st, sizeof(st)) != sizeof(st))
		FAIL("[%s] no statistics from the server (status 0x%x)", name, status);
	close(pipefd[0]);
	{
		double el = (double)(t_now_ns() - t0) / 1e9;
		double conn_s = (double)(t_conn - t0) / 1e9;

		printf("[%s] %u connections (all open at once: server saw %u) connected in %.2f s; %llu messages, %llu bytes echoed and checked in %.2f s (%.0f messages/s)\n",
		       name, conns, st.max_open, conn_s, cl->messages, cl->bytes, el - conn_s,
		       (double)cl->messages / (el - conn_s));
		printf("[%s] server: %u buffers; %llu recv completions, %llu sends (%llu short), %llu -ENOBUFS, %llu multishot re-arms; VmRSS %ld KiB after set-up, %ld KiB when all connected, %ld KiB at the end (VmHWM %ld KiB)\n",
		       name, nbuf, st.recvs, st.sends, st.short_sends, st.enobufs, st.rearms,
		       st.rss_setup_kb, st.rss_connected_kb, st.rss_end_kb, st.hwm_kb);
		printf("[%s] clients: %llu short sends, %llu short receives\n", name,
		       cl->short_sends, cl->short_recvs);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || st.failed)
		FAIL("[%s] the server failed (status 0x%x)", name, status);
	EXPECT_EQ(cl->messages, total);
	EXPECT_EQ(cl->bytes, expect_bytes);
	EXPECT_EQ(st.bytes, expect_bytes);
	EXPECT_EQ(st.accepted, conns);
	EXPECT_EQ(st.closed, conns);
	EXPECT_EQ(st.max_open, conns);
	if (st.rss_end_kb - st.rss_setup_kb > RSS_BOUND_KB) {
		fprintf(stderr, "[%s] server VmRSS grew from %ld KiB after set-up to %ld KiB (bound %d KiB)\n",
			name, st.rss_setup_kb, st.rss_end_kb, RSS_BOUND_KB);
		t_failures++;
	}
	if (st.rss_end_kb - st.rss_connected_kb > RSS_MESSAGES_BOUND_KB) {
		fprintf(stderr, "[%s] server VmRSS grew from %ld KiB with all connections open to %ld KiB after the messages (bound %d KiB)\n",
			name, st.rss_connected_kb, st.rss_end_kb, RSS_MESSAGES_BOUND_KB);
		t_failures++;
	}
	/*
	 * With STARVED_NBUF buffers for STARVED_CONNS connections that all send
	 * at once, the receives must have run out of buffers.
	 */
	if (expect_starved && st.enobufs == 0) {
		fprintf(stderr, "[%s] no receive ran out of buffers: the -ENOBUFS path went untested\n",
			name);
		t_failures++;
	}
	for (unsigned i = 0; i < conns; i++)
		EXPECT(cl->c[i].closed);
	EXPECT_EQ(t_count_fds(), fds0);
	free(cl->c);
	free(cl->tx);
	free(cl->rx);
	free(cl);
}

int main(void)
{
	unsigned conns = (unsigned)t_env_ulong("URING_LOAD_CONNS", DEFAULT_CONNS);
	unsigned long long total = t_env_ulong("URING_LOAD_MESSAGES", DEFAULT_MESSAGES);
	unsigned long deadline_s = t_env_ulong("URING_LOAD_DEADLINE", DEFAULT_DEADLINE_S);
	unsigned nbuf = (unsigned)t_env_ulong("URING_LOAD_BUFFERS", DEFAULT_NBUF);
	struct io_uring probe_ring;
	uint64_t deadline_ns;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (conns == 0 || conns > 1000000)
		FAIL("URING_LOAD_CONNS=%u out of range", conns);
	if (nbuf == 0 || nbuf > 32768 || (nbuf & (nbuf - 1)))
		FAIL("URING_LOAD_BUFFERS=%u: a power of two up to 32768", nbuf);
	t_init(8, &probe_ring, 0);
	io_uring_queue_exit(&probe_ring);

	/* Each side holds one fd per connection, plus a few of its own. */
	raise_nofile((rlim_t)conns + 64, conns);
	{
		FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
		unsigned lo = 0, hi = 0;

		if (f && fscanf(f, "%u %u", &lo, &hi) == 2 && hi >= lo && hi - lo + 1 < conns)
			t_skip("%u connections to one port need %u local ports; ip_local_port_range has %u",
			       conns, conns, hi - lo + 1);
		if (f)
			fclose(f);
	}
	signal(SIGPIPE, SIG_IGN);

	deadline_ns = t_now_ns() + (uint64_t)deadline_s * 1000000000ull;
	run_round("starved", conns < STARVED_CONNS ? conns : STARVED_CONNS, STARVED_MESSAGES,
		  STARVED_NBUF, deadline_ns, conns >= STARVED_CONNS);
	run_round("load", conns, total, nbuf, deadline_ns, false);
	return t_done();
}
