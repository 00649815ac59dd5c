/* A static-file HTTP/1.1 server on io_uring.
 *
 *   examples/c/build/http-server ROOT 127.0.0.1:8080
 *
 * GET and HEAD of files under ROOT ("/" and "dir/" mean index.html), keep-alive (the
 * HTTP/1.1 default; "Connection: close" and HTTP/1.0 close), pipelined requests, 404 for
 * what is not a regular file under ROOT, 400 for a malformed request, 405 for other
 * methods. It runs until killed.
 *
 * Every socket operation goes through one ring: a multishot accept, a recv per request,
 * a send for the response header, and the file body with splice: file -> pipe linked to
 * pipe -> socket, so the data never enters user space. A connection has one operation
 * (or one linked splice pair) in flight at a time, which keeps its state machine small.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <liburing.h>

#define RING_ENTRIES 512
#define REQ_MAX 8192		/* request header limit */
#define HDR_MAX 512		/* response header (and error body) */
#define SPLICE_CHUNK 65536	/* a default pipe's capacity */

enum op_kind { OP_ACCEPT, OP_RECV, OP_SEND, OP_SPLICE_IN, OP_SPLICE_OUT };

struct conn;

struct op {
	enum op_kind kind;
	struct conn *conn;
};

struct conn {
	int fd;
	struct op recv, send, splice_in, splice_out;
	char req[REQ_MAX];
	size_t used;		/* bytes in req */
	size_t req_len;		/* length of the request being answered */
	int keep_alive;

	char hdr[HDR_MAX];	/* the response header (and an error's body) */
	size_t hdr_len, hdr_sent;
	int more;		/* a file body follows the header */

	int file;		/* the file being sent, or -1 */
	off_t file_off;
	off_t file_left;	/* bytes of the file not yet in the pipe */
	int pipe[2];		/* created on the first file sent */
	size_t in_pipe;		/* bytes in the pipe not yet sent */
	int pending;		/* CQEs to come for the splice(s) in flight */
	int pair;		/* in flight: file -> pipe -> socket (1), pipe -> socket (0) */
	int in_res, out_res;
};

static struct io_uring ring;
static int listen_fd, root_fd;
static struct op accept_op = { .kind = OP_ACCEPT };

static void die(const char *what, int err)
{
	fprintf(stderr, "http-server: %s: %s\n", what, strerror(err));
	exit(1);
}

static struct io_uring_sqe *get_sqe(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

	while (!sqe) {
		int ret = io_uring_submit(&ring);

		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
			die("io_uring_submit", -ret);
		sqe = io_uring_get_sqe(&ring);
	}
	return sqe;
}

static void arm_accept(void)
{
	struct io_uring_sqe *sqe = get_sqe();

	io_uring_prep_multishot_accept(sqe, listen_fd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data(sqe, &accept_op);
}

static void close_conn(struct conn *c)
{
	/* Called only when nothing of this connection is in flight. */
	if (c->file >= 0)
		close(c->file);
	if (c->pipe[0] >= 0) {
		close(c->pipe[0]);
		close(c->pipe[1]);
	}
	close(c->fd);
	free(c);
}

static void arm_recv(struct conn *c)
{
	struct io_uring_sqe *sqe = get_sqe();

	io_uring_prep_recv(sqe, c->fd, c->req + c->used, sizeof(c->req) - c->used, 0);
	io_uring_sqe_set_data(sqe, &c->recv);
}

static void send_header(struct conn *c)
{
	struct io_uring_sqe *sqe = get_sqe();

	/* MSG_MORE while a body follows: header and first data can share a segment. */
	io_uring_prep_send(sqe, c->fd, c->hdr + c->hdr_sent, c->hdr_len - c->hdr_sent,
			   MSG_NOSIGNAL | (c->more ? MSG_MORE : 0));
	io_uring_sqe_set_data(sqe, &c->send);
}

/* Move the next piece of the body: drain the pipe first, else a linked
 * file -> pipe -> socket pair. */
static void splice_body(struct conn *c)
{
	struct io_uring_sqe *sqe;
	unsigned n;

	c->in_res = c->out_res = 0;
	if (c->in_pipe > 0) {
		sqe = get_sqe();
		io_uring_prep_splice(sqe, c->pipe[0], -1, c->fd, -1, (unsigned)c->in_pipe,
				     SPLICE_F_MOVE);
		io_uring_sqe_set_data(sqe, &c->splice_out);
		c->pending = 1;
		c->pair = 0;
		return;
	}
	n = c->file_left > SPLICE_CHUNK ? SPLICE_CHUNK : (unsigned)c->file_left;
	sqe = get_sqe();
	io_uring_prep_splice(sqe, c->file, c->file_off, c->pipe[1], -1, n, SPLICE_F_MOVE);
	io_uring_sqe_set_data(sqe, &c->splice_in);
	/* A short splice into the pipe breaks the link: the second then completes with
	 * -ECANCELED and the next round drains what did arrive. */
	io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
	sqe = get_sqe();
	io_uring_prep_splice(sqe, c->pipe[0], -1, c->fd, -1, n, SPLICE_F_MOVE);
	io_uring_sqe_set_data(sqe, &c->splice_out);
	c->pending = 2;
	c->pair = 1;
}

static void handle_request(struct conn *c);

/* The response is out: next request, or close. */
static void finish_response(struct conn *c)
{
	if (c->file >= 0) {
		close(c->file);
		c->file = -1;
	}
	if (!c->keep_alive) {
		close_conn(c);
		return;
	}
	memmove(c->req, c->req + c->req_len, c->used - c->req_len);
	c->used -= c->req_len;
	c->req_len = 0;
	handle_request(c);
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 431: return "Request Header Fields Too Large";
	default: return "Internal Server Error";
	}
}

/* An error response with a one-line body; 400-type errors close the connection. */
static void respond_error(struct conn *c, int status, int head)
{
	char body[64];
	int blen = snprintf(body, sizeof(body), "%d %s\n", status, reason(status));
	int n;

	if (status != 404 && status != 405)
		c->keep_alive = 0;
	n = snprintf(c->hdr, sizeof(c->hdr),
		     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
		     "%s%s\r\n%s", status, reason(status), blen,
		     status == 405 ? "Allow: GET, HEAD\r\n" : "",
		     c->keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n",
		     head ? "" : body);
	c->hdr_len = (size_t)n;
	c->hdr_sent = 0;
	c->more = 0;
	send_header(c);
}

static const char *content_type(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".txt", "text/plain; charset=utf-8" },
		{ ".css", "text/css" }, { ".js", "text/javascript" },
		{ ".json", "application/json" }, { ".png", "image/png" },
		{ ".jpg", "image/jpeg" }, { ".svg", "image/svg+xml" },
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcasecmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* Percent-decode the path of a request target into out (relative to ROOT). Returns -1
 * for what no file can be: no leading '/', bad escapes, NUL, "..". */
static int decode_path(const char *target, size_t len, char *out, size_t outsz)
{
	size_t i, o = 0;

	if (len == 0 || target[0] != '/')
		return -1;
	for (i = 1; i < len && target[i] != '?' && target[i] != '#'; i++) {
		char ch = target[i];

		if (ch == '%') {
			char hex[3] = { 0 };

			if (i + 2 >= len || !isxdigit((unsigned char)target[i + 1]) ||
			    !isxdigit((unsigned char)target[i + 2]))
				return -1;
			hex[0] = target[i + 1];
			hex[1] = target[i + 2];
			ch = (char)strtol(hex, NULL, 16);
			if (ch == '\0')
				return -1;
			i += 2;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = ch;
	}
	out[o] = '\0';
	if (o == 0 || out[o - 1] == '/') {
		if (o + sizeof("index.html") > outsz)
			return -1;
		strcpy(out + o, "index.html");
	}
	/* openat2's RESOLVE_BENEATH refuses escapes too; refusing ".." here makes the
	 * answer a 400 rather than a 404 and covers kernels without openat2. */
	for (const char *seg = out; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL)
		if (!strncmp(seg, "..", 2) && (seg[2] == '/' || seg[2] == '\0'))
			return -1;
	return 0;
}

/* Open a file under ROOT, never above it. */
static int open_beneath(const char *rel)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH,
	};
	long fd = syscall(SYS_openat2, root_fd, rel, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)	/* before Linux 5.6; ".." is already refused */
		fd = openat(root_fd, rel, O_RDONLY | O_CLOEXEC);
	return (int)fd;
}

/* Is there a complete request header in the buffer? Answer it, or read more. */
static void handle_request(struct conn *c)
{
	char *end = memmem(c->req, c->used, "\r\n\r\n", 4);
	char *line_end, *sp1, *sp2, *h;
	char path[1024];
	struct stat st;
	int head, fd;

	if (!end) {
		if (c->used == sizeof(c->req)) {
			c->req_len = c->used;
			respond_error(c, 431, 0);
		} else {
			arm_recv(c);
		}
		return;
	}
	c->req_len = (size_t)(end - c->req) + 4;
	*end = '\0';	/* the header is now a C string (the \r\n\r\n is consumed) */

	line_end = strstr(c->req, "\r\n");
	if (line_end)
		*line_end = '\0';
	sp1 = strchr(c->req, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' ')) {
		c->keep_alive = 0;
		respond_error(c, 400, 0);
		return;
	}
	*sp1 = *sp2 = '\0';
	if (!strcmp(sp2 + 1, "HTTP/1.1")) {
		c->keep_alive = 1;
	} else if (!strcmp(sp2 + 1, "HTTP/1.0")) {
		c->keep_alive = 0;
	} else {
		c->keep_alive = 0;
		respond_error(c, 400, 0);
		return;
	}
	/* Headers: Connection decides keep-alive; a body is not something we accept. */
	for (h = line_end ? line_end + 2 : NULL; h && *h;) {
		char *next = strstr(h, "\r\n");

		if (next)
			*next = '\0';
		if (!strncasecmp(h, "Connection:", 11)) {
			const char *v = h + 11;

			while (*v == ' ' || *v == '\t')
				v++;
			if (!strcasecmp(v, "close"))
				c->keep_alive = 0;
			else if (!strcasecmp(v, "keep-alive"))
				c->keep_alive = 1;
		} else if (!strncasecmp(h, "Content-Length:", 15) && atol(h + 15) != 0) {
			c->keep_alive = 0;
			respond_error(c, 400, 0);
			return;
		} else if (!strncasecmp(h, "Transfer-Encoding:", 18)) {
			c->keep_alive = 0;
			respond_error(c, 400, 0);
			return;
		}
		h = next ? next + 2 : NULL;
	}

	head = !strcmp(c->req, "HEAD");
	if (!head && strcmp(c->req, "GET")) {
		respond_error(c, 405, 0);
		return;
	}
	if (decode_path(sp1 + 1, strlen(sp1 + 1), path, sizeof(path)) < 0) {
		respond_error(c, 400, head);
		return;
	}
	fd = open_beneath(path);
	if (fd < 0) {
		respond_error(c, 404, head);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		respond_error(c, 404, head);
		return;
	}
	if (!head && st.st_size > 0 && c->pipe[0] < 0 && pipe2(c->pipe, O_CLOEXEC) < 0) {
		fprintf(stderr, "http-server: pipe2: %s\n", strerror(errno));
		close(fd);
		respond_error(c, 500, 0);
		return;
	}
	c->hdr_len = (size_t)snprintf(c->hdr, sizeof(c->hdr),
				      "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %lld\r\n%s\r\n",
				      content_type(path), (long long)st.st_size,
				      c->keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
	c->hdr_sent = 0;
	if (head || st.st_size == 0) {
		close(fd);
		c->more = 0;
	} else {
		c->file = fd;
		c->file_off = 0;
		c->file_left = st.st_size;
		c->in_pipe = 0;
		c->more = 1;
	}
	send_header(c);
}

static void on_accept(const struct io_uring_cqe *cqe)
{
	struct conn *c;

	if (!(cqe->flags & IORING_CQE_F_MORE))
		arm_accept();
	if (cqe->res < 0) {
		if (cqe->res != -ECONNABORTED && cqe->res != -EINTR)
			fprintf(stderr, "http-server: accept: %s\n", strerror(-cqe->res));
		return;
	}
	c = malloc(sizeof(*c));
	if (!c) {
		fprintf(stderr, "http-server: out of memory, dropping a connection\n");
		close(cqe->res);
		return;
	}
	c->fd = cqe->res;
	c->recv = (struct op){ OP_RECV, c };
	c->send = (struct op){ OP_SEND, c };
	c->splice_in = (struct op){ OP_SPLICE_IN, c };
	c->splice_out = (struct op){ OP_SPLICE_OUT, c };
	c->used = c->req_len = 0;
	c->file = c->pipe[0] = c->pipe[1] = -1;
	c->keep_alive = 1;
	arm_recv(c);
}

static void on_recv(struct conn *c, int res)
{
	if (res <= 0) {
		/* 0: the client closed; an error: it is gone. */
		if (res < 0 && res != -ECONNRESET)
			fprintf(stderr, "http-server: recv: %s\n", strerror(-res));
		close_conn(c);
		return;
	}
	c->used += (size_t)res;
	handle_request(c);
}

static void on_send(struct conn *c, int res)
{
	if (res <= 0) {
		if (res < 0 && res != -EPIPE && res != -ECONNRESET)
			fprintf(stderr, "http-server: send: %s\n", strerror(-res));
		close_conn(c);
		return;
	}
	c->hdr_sent += (size_t)res;
	if (c->hdr_sent < c->hdr_len)
		send_header(c);
	else if (c->more)
		splice_body(c);
	else
		finish_response(c);
}

static void on_splice(struct conn *c, enum op_kind kind, int res)
{
	if (kind == OP_SPLICE_IN)
		c->in_res = res;
	else
		c->out_res = res;
	if (--c->pending > 0)
		return;
	if (c->in_res < 0 || (c->out_res < 0 && c->out_res != -ECANCELED)) {
		int err = c->in_res < 0 ? c->in_res : c->out_res;

		if (err != -EPIPE && err != -ECONNRESET)
			fprintf(stderr, "http-server: splice: %s\n", strerror(-err));
		close_conn(c);
		return;
	}
	if (c->pair ? c->in_res == 0 : c->out_res == 0) {
		/* EOF on the file: it shrank under us, and the promised length cannot be
		 * sent. (0 from the socket side would mean no progress at all.) */
		fprintf(stderr, "http-server: no progress sending a file (did it shrink?)\n");
		close_conn(c);
		return;
	}
	c->file_off += c->in_res;
	c->file_left -= c->in_res;
	c->in_pipe += (size_t)c->in_res;
	if (c->out_res > 0)
		c->in_pipe -= (size_t)c->out_res;
	if (c->file_left > 0 || c->in_pipe > 0)
		splice_body(c);
	else
		finish_response(c);
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

int main(int argc, char *argv[])
{
	struct sockaddr_in sa;
	int one = 1, ret;

	if (argc != 3 || parse_addr(argv[2], &sa) < 0) {
		fprintf(stderr, "usage: %s ROOT 127.0.0.1:PORT\n"
			"serve the files under ROOT over HTTP/1.1; runs until killed\n", argv[0]);
		return 2;
	}
	root_fd = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		die(argv[1], errno);

	listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0)
		die("socket", errno);
	if (setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR", errno);
	if (bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die(argv[2], errno);
	if (listen(listen_fd, 512) < 0)
		die("listen", errno);

	ret = io_uring_queue_init(RING_ENTRIES, &ring, 0);
	if (ret < 0)
		die("io_uring_queue_init", -ret);
	arm_accept();
	printf("http-server: serving %s on http://%s/\n", argv[1], argv[2]);
	fflush(stdout);

	for (;;) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;

		ret = io_uring_submit_and_wait(&ring, 1);
		if (ret == -EINTR)
			continue;
		if (ret < 0)
			die("io_uring_submit_and_wait", -ret);
		io_uring_for_each_cqe(&ring, head, cqe) {
			struct op *op = io_uring_cqe_get_data(cqe);

			seen++;
			switch (op->kind) {
			case OP_ACCEPT:
				on_accept(cqe);
				break;
			case OP_RECV:
				on_recv(op->conn, cqe->res);
				break;
			case OP_SEND:
				on_send(op->conn, cqe->res);
				break;
			case OP_SPLICE_IN:
			case OP_SPLICE_OUT:
				on_splice(op->conn, op->kind, cqe->res);
				break;
			}
		}
		io_uring_cq_advance(&ring, seen);
	}
}
