/*
 * Scenario 5: TCP echo over 127.0.0.1, an io_uring server against an epoll server.
 *
 *   echo <uring|epoll> pingpong <conns> <requests>
 *   echo <uring|epoll> connect  <unused> <connections>
 *
 * The process forks the server (the child) and runs the client itself; the client is the
 * same epoll/blocking code whatever the server is. At the end the server is killed with
 * SIGTERM and its CPU time (user + system, all its threads, from wait4's rusage) is
 * divided by the work done.
 *
 * pingpong: <conns> connections, each with one 64-byte message in flight; the server
 *           echoes it, the client checks every byte (connection id, sequence number and a
 *           pattern) and sends the next, until <requests> echoes have come back.
 * connect:  <connections> sequential cycles of socket + connect + 64-byte echo + close
 *           (the client closes with SO_LINGER 0, i.e. a RST, so no TIME_WAIT builds up).
 *
 * io_uring server: a multishot accept; per connection a multishot recv that picks its
 * buffer from a provided-buffer ring (buffer group 0, 1024 x 2 KiB); each received chunk
 * is sent back from the same buffer with io_uring_prep_send, and the buffer is returned to
 * the ring when the send completes; EOF closes with io_uring_prep_close. One
 * io_uring_submit_and_wait(ring, 1) per loop, completions reaped with io_uring_for_each_cqe.
 * The buffer ring: the reference (liburing 2.3) build mmaps it and registers it with
 * io_uring_register_buf_ring; our build uses io_uring_setup_buf_ring (liburing >= 2.4).
 *
 * epoll server: level-triggered epoll_wait, accept4(SOCK_NONBLOCK) until EAGAIN, read(2)
 * one chunk per readiness event and write(2) it back, close(2) on EOF.
 *
 * Prints RESULT per_sec and RESULT server_cpu_us (per request or per connection).
 */
#include "common.h"
#include <liburing.h>
#include <netinet/in.h>
#include <sched.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef BENCH_OURS
/* Our library exports everything; a function not implemented yet makes the row n/a. */
#pragma weak io_uring_prep_multishot_accept
#pragma weak io_uring_prep_recv_multishot
#pragma weak io_uring_prep_send
#pragma weak io_uring_prep_close
#pragma weak io_uring_setup_buf_ring
#pragma weak io_uring_buf_ring_add
#pragma weak io_uring_buf_ring_advance
#endif

#define MSG 64
#define NBUFS 1024
#define BUFSZ 2048
#define BGID 0

enum { UD_ACCEPT = 1, UD_RECV, UD_SEND, UD_CLOSE };
#define UD(type, val) (((uint64_t)(type) << 56) | (uint64_t)(val))
#define UD_TYPE(ud) ((unsigned)((ud) >> 56))
#define UD_VAL(ud) ((uint32_t)(ud))

/* ---------------------------------------------------------------- io_uring server */

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static char *bufbase;
static struct {
	int fd;
	unsigned off, len;
} sendst[NBUFS];

static struct io_uring_sqe *sqe_get(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	if (!sqe) {
		int ret = io_uring_submit(&ring);
		if (ret < 0)
			fail("server submit: %s", strerror(-ret));
		sqe = io_uring_get_sqe(&ring);
		if (!sqe)
			fail("server: no SQE after submit");
	}
	return sqe;
}

static void arm_accept(int lfd)
{
	struct io_uring_sqe *sqe = sqe_get();
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, 0);
	io_uring_sqe_set_data64(sqe, UD(UD_ACCEPT, 0));
}

static void arm_recv(int fd)
{
	struct io_uring_sqe *sqe = sqe_get();
	io_uring_prep_recv_multishot(sqe, fd, NULL, 0, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_BUFFER_SELECT);
	sqe->buf_group = BGID;
	io_uring_sqe_set_data64(sqe, UD(UD_RECV, fd));
}

static void send_chunk(unsigned bid)
{
	struct io_uring_sqe *sqe = sqe_get();
	io_uring_prep_send(sqe, sendst[bid].fd, bufbase + (size_t)bid * BUFSZ + sendst[bid].off,
			   sendst[bid].len - sendst[bid].off, MSG_NOSIGNAL);
	io_uring_sqe_set_data64(sqe, UD(UD_SEND, bid));
}

static void close_fd(int fd)
{
	struct io_uring_sqe *sqe = sqe_get();
	io_uring_prep_close(sqe, fd);
	io_uring_sqe_set_data64(sqe, UD(UD_CLOSE, fd));
}

static void setup_buffers(void)
{
	bufbase = mmap(NULL, (size_t)NBUFS * BUFSZ, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (bufbase == MAP_FAILED)
		fail("mmap buffers: %s", strerror(errno));
#ifdef BENCH_OURS
	int err = 0;
	br = io_uring_setup_buf_ring(&ring, NBUFS, BGID, 0, &err);
	if (!br)
		fail("io_uring_setup_buf_ring: %s", strerror(-err));
#else
	size_t sz = NBUFS * sizeof(struct io_uring_buf);
	br = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (br == MAP_FAILED)
		fail("mmap buffer ring: %s", strerror(errno));
	struct io_uring_buf_reg reg;
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long)br;
	reg.ring_entries = NBUFS;
	reg.bgid = BGID;
	int ret = io_uring_register_buf_ring(&ring, &reg, 0);
	if (ret < 0)
		fail("io_uring_register_buf_ring: %s", strerror(-ret));
	io_uring_buf_ring_init(br);
#endif
	for (unsigned i = 0; i < NBUFS; i++)
		io_uring_buf_ring_add(br, bufbase + (size_t)i * BUFSZ, BUFSZ, i, NBUFS - 1, i);
	io_uring_buf_ring_advance(br, NBUFS);
}

__attribute__((noreturn)) static void uring_server(int lfd)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = 4096;
	int ret = io_uring_queue_init_params(512, &ring, &p);
	if (ret < 0)
		fail("server queue_init: %s", strerror(-ret));
	setup_buffers();
	arm_accept(lfd);
	for (;;) {
		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret < 0 && ret != -EINTR)
			fail("server submit_and_wait: %s", strerror(-ret));
		struct io_uring_cqe *cqe;
		unsigned head, n = 0, returned = 0;
		io_uring_for_each_cqe(&ring, head, cqe)
		{
			n++;
			uint64_t ud = io_uring_cqe_get_data64(cqe);
			int res = cqe->res;
			switch (UD_TYPE(ud)) {
			case UD_ACCEPT:
				if (res < 0)
					fail("server accept: %s", strerror(-res));
				arm_recv(res);
				if (!(cqe->flags & IORING_CQE_F_MORE))
					arm_accept(lfd);
				break;
			case UD_RECV: {
				int fd = (int)UD_VAL(ud);
				if (res > 0) {
					if (!(cqe->flags & IORING_CQE_F_BUFFER))
						fail("server recv completion without a buffer");
					unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
					if (bid >= NBUFS)
						fail("server: buffer id %u out of range", bid);
					sendst[bid].fd = fd;
					sendst[bid].off = 0;
					sendst[bid].len = (unsigned)res;
					send_chunk(bid);
					if (!(cqe->flags & IORING_CQE_F_MORE))
						arm_recv(fd);
				} else if (res == -ENOBUFS) {
					if (!(cqe->flags & IORING_CQE_F_MORE))
						arm_recv(fd);
				} else if (res == 0 || res == -ECONNRESET) {
					close_fd(fd);
				} else {
					fail("server recv: %s", strerror(-res));
				}
				break;
			}
			case UD_SEND: {
				unsigned bid = UD_VAL(ud);
				if (res > 0 && sendst[bid].off + (unsigned)res < sendst[bid].len) {
					sendst[bid].off += (unsigned)res;
					send_chunk(bid);
					break;
				}
				if (res < 0 && res != -EPIPE && res != -ECONNRESET)
					fail("server send: %s", strerror(-res));
				io_uring_buf_ring_add(br, bufbase + (size_t)bid * BUFSZ, BUFSZ, bid,
						      NBUFS - 1, returned++);
				break;
			}
			case UD_CLOSE:
				if (res < 0)
					fail("server close: %s", strerror(-res));
				break;
			default:
				fail("server: unknown user_data %llx", (unsigned long long)ud);
			}
		}
		io_uring_cq_advance(&ring, n);
		if (returned)
			io_uring_buf_ring_advance(br, returned);
	}
}

/* ------------------------------------------------------------------- epoll server */

__attribute__((noreturn)) static void epoll_server(int lfd)
{
	int ep = epoll_create1(0);
	if (ep < 0)
		fail("epoll_create1: %s", strerror(errno));
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = lfd};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) < 0)
		fail("epoll_ctl: %s", strerror(errno));
	static char buf[BUFSZ];
	struct epoll_event evs[256];
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("epoll_wait: %s", strerror(errno));
		}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == lfd) {
				for (;;) {
					int c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
					if (c < 0) {
						if (errno == EAGAIN || errno == EINTR)
							break;
						fail("accept4: %s", strerror(errno));
					}
					struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
					if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) < 0)
						fail("epoll_ctl add: %s", strerror(errno));
				}
				continue;
			}
			ssize_t r = read(fd, buf, sizeof(buf));
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0) {
				if (r < 0 && errno != ECONNRESET)
					fail("server read: %s", strerror(errno));
				close(fd);
				continue;
			}
			for (ssize_t off = 0; off < r;) {
				ssize_t w = write(fd, buf + off, (size_t)(r - off));
				if (w < 0) {
					if (errno == EPIPE || errno == ECONNRESET)
						break;
					/* 64-byte echoes never fill a socket buffer; if one did, the
					 * measurement would be wrong, so stop rather than spin. */
					fail("server write: %s", strerror(errno));
				}
				off += w;
			}
		}
	}
}

/* ------------------------------------------------------------------------- client */

static void make_msg(unsigned char *m, uint32_t conn, uint32_t seq)
{
	memcpy(m, &conn, 4);
	memcpy(m + 4, &seq, 4);
	for (unsigned i = 8; i < MSG; i++)
		m[i] = (unsigned char)(conn * 31u + seq * 7u + i);
}

static void check_msg(const unsigned char *m, uint32_t conn, uint32_t seq)
{
	unsigned char want[MSG];
	make_msg(want, conn, seq);
	if (memcmp(m, want, MSG))
		fail("client: echo on connection %u, message %u differs from what was sent", conn, seq);
}

static int client_socket(const struct sockaddr_in *sa, int nonblock)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		fail("socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct timeval tv = {.tv_sec = 10};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
		fail("connect: %s", strerror(errno));
	if (nonblock) {
		int fl = 1;
		if (ioctl(fd, FIONBIO, &fl) < 0)
			fail("FIONBIO: %s", strerror(errno));
	}
	return fd;
}

static void write_all(int fd, const unsigned char *m, size_t len)
{
	while (len) {
		ssize_t w = write(fd, m, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			fail("client write: %s", strerror(errno));
		}
		m += w;
		len -= (size_t)w;
	}
}

struct conn {
	int fd;
	uint32_t seq;
	unsigned got;
	unsigned char buf[MSG];
};

static unsigned long client_pingpong(const struct sockaddr_in *sa, unsigned nconns,
				     unsigned long requests)
{
	struct conn *c = calloc(nconns, sizeof(*c));
	int ep = epoll_create1(0);
	if (!c || ep < 0)
		fail("client setup");
	for (unsigned i = 0; i < nconns; i++) {
		c[i].fd = client_socket(sa, 1);
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = i};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev) < 0)
			fail("client epoll_ctl: %s", strerror(errno));
	}
	unsigned long sent = 0, done = 0;
	unsigned char m[MSG];
	for (unsigned i = 0; i < nconns && sent < requests; i++, sent++) {
		make_msg(m, i, 0);
		write_all(c[i].fd, m, MSG);
	}
	struct epoll_event evs[256];
	while (done < requests) {
		int n = epoll_wait(ep, evs, 256, 10000);
		if (n == 0)
			fail("client: no echo for 10 s (%lu/%lu done)", done, requests);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fail("client epoll_wait: %s", strerror(errno));
		}
		for (int k = 0; k < n; k++) {
			struct conn *cc = &c[evs[k].data.u32];
			ssize_t r = read(cc->fd, cc->buf + cc->got, MSG - cc->got);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (r <= 0)
				fail("client read: %s", r < 0 ? strerror(errno) : "server closed");
			cc->got += (unsigned)r;
			if (cc->got < MSG)
				continue;
			check_msg(cc->buf, evs[k].data.u32, cc->seq);
			cc->got = 0;
			cc->seq++;
			done++;
			if (sent < requests) {
				make_msg(m, evs[k].data.u32, cc->seq);
				write_all(cc->fd, m, MSG);
				sent++;
			}
		}
	}
	for (unsigned i = 0; i < nconns; i++)
		close(c[i].fd);
	close(ep);
	free(c);
	return done;
}

static int rst_close = 1;

static unsigned long client_connect(const struct sockaddr_in *sa, unsigned long cycles)
{
	unsigned char m[MSG], in[MSG];
	for (unsigned long i = 0; i < cycles; i++) {
		int fd = client_socket(sa, 0);
		make_msg(m, (uint32_t)i, 1);
		write_all(fd, m, MSG);
		unsigned got = 0;
		while (got < MSG) {
			ssize_t r = read(fd, in + got, MSG - got);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				fail("client read: %s", r < 0 ? strerror(errno) : "server closed");
			got += (unsigned)r;
		}
		check_msg(in, (uint32_t)i, 1);
		/* Abortive close (RST): no TIME_WAIT socket is left behind, so thousands of
		 * cycles per run do not fill the connection hash and slow later runs down. */
		if (rst_close) {
			struct linger lg = {.l_onoff = 1, .l_linger = 0};
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		close(fd);
	}
	return cycles;
}

static void pin_to(int cpu)
{
	if (cpu < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		fail("sched_setaffinity(%d): %s", cpu, strerror(errno));
}

int main(int argc, char **argv)
{
	if (argc != 5)
		fail("usage: echo <uring|epoll> <pingpong|connect> <conns> <count>");
	int use_uring = !strcmp(argv[1], "uring");
	if (!use_uring && strcmp(argv[1], "epoll"))
		fail("server must be uring or epoll");
	int pingpong = !strcmp(argv[2], "pingpong");
	if (!pingpong && strcmp(argv[2], "connect"))
		fail("workload must be pingpong or connect");
	unsigned nconns = arg_ulong(argv[3]);
	rst_close = env_ulong("BENCH_ECHO_RST", 1) != 0;
	unsigned long count = arg_ulong(argv[4]);
	if (pingpong && (nconns == 0 || nconns > 10000))
		fail("bad connection count");

#ifdef BENCH_OURS
	if (use_uring &&
	    (!io_uring_prep_multishot_accept || !io_uring_prep_recv_multishot || !io_uring_prep_send ||
	     !io_uring_prep_close || !io_uring_setup_buf_ring || !io_uring_buf_ring_add ||
	     !io_uring_buf_ring_advance))
		not_available("a buffer-ring or multishot function is not exported");
#endif

	int lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		fail("socket: %s", strerror(errno));
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(lfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t slen = sizeof(sa);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &slen) < 0 || listen(lfd, 4096) < 0)
		fail("bind/listen: %s", strerror(errno));
	if (!use_uring) {
		int fl = 1;
		ioctl(lfd, FIONBIO, &fl);
	}

	/* Placement: on this 2-vCPU VM a cross-CPU wakeup per message costs more than the
	 * server's own work, and where the scheduler puts the two processes depends on what
	 * else runs; so pin them. "same" (default): client and server on CPU 0, the exchange
	 * serialized on one core (measures software cost); "split": client CPU 0, server
	 * CPU 1; "off": no pinning. */
	const char *pin = getenv("BENCH_ECHO_PIN");
	if (!pin || !*pin)
		pin = "same";
	int cpu_client = -1, cpu_server = -1;
	if (!strcmp(pin, "same")) {
		cpu_client = cpu_server = 0;
	} else if (!strcmp(pin, "split")) {
		cpu_client = 0;
		cpu_server = 1;
	} else if (strcmp(pin, "off")) {
		fail("BENCH_ECHO_PIN must be same, split or off");
	}

	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		pin_to(cpu_server);
		if (use_uring)
			uring_server(lfd);
		epoll_server(lfd);
	}
	close(lfd);
	pin_to(cpu_client);

	double t0 = now_sec();
	unsigned long done = pingpong ? client_pingpong(&sa, nconns, count) : client_connect(&sa, count);
	double t1 = now_sec();

	int status;
	struct rusage ru;
	kill(pid, SIGTERM);
	if (wait4(pid, &status, 0, &ru) != pid)
		fail("wait4: %s", strerror(errno));
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM)
		fail("the server stopped before the client was done (status %#x)", status);
	if (done != count)
		fail("client finished %lu of %lu", done, count);
	double cpu_us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	printf("RESULT per_sec %.0f\n", (double)done / (t1 - t0));
	printf("RESULT server_cpu_us %.3f\n", cpu_us / (double)done);
	return 0;
}
