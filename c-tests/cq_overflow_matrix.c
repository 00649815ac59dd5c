/*
 * CQ overflow without loss, over a matrix of configurations.
 *
 * A ring with a tiny CQ (4 entries by default) is kept under sustained
 * load, and the reaper is held back until many more completions are owed
 * than the CQ can hold, so the kernel parks them on its overflow list
 * (IORING_FEAT_NODROP).  Every configuration checks that each completion
 * arrives exactly once and that nothing was dropped.
 *
 * The matrix:
 *   set-up:    plain, SQPOLL, DEFER_TASKRUN + SINGLE_ISSUER, and the same
 *              with TASKRUN_FLAG (defer_tf: the kernel then flags pending
 *              task work in the SQ flags, and peek_cqe / peek_batch_cqe
 *              enter to run it instead of finding the CQ empty)
 *   threads:   1 (one thread submits and reaps), or 2 (a submitter thread
 *              and a reaper thread; not with DEFER_TASKRUN, whose
 *              SINGLE_ISSUER ring only lets its own task enter it)
 *   reaping:   io_uring_wait_cqe + io_uring_cqe_seen,
 *              io_uring_wait_cqe_timeout + io_uring_cqe_seen,
 *              io_uring_peek_batch_cqe + io_uring_cq_advance,
 *              io_uring_for_each_cqe + io_uring_cq_advance,
 *              io_uring_submit_and_wait + io_uring_peek_cqe/cqe_seen
 *              (1 thread only: it is both sides at once)
 *   workload:  nop; read (8..64-byte reads of a temp file, data checked);
 *              timeout (relative 20..90 us timeouts that fire, -ETIME, the
 *              timespec kept alive until the CQE is reaped); recv_unix and
 *              recv_tcp (one multishot recv with a provided-buffer ring on
 *              an AF_UNIX SOCK_SEQPACKET pair / a TCP loopback connection,
 *              fed by many small send(2)s; re-armed whenever a CQE comes
 *              without IORING_CQE_F_MORE, e.g. after -ENOBUFS; every byte
 *              checked against the stream's known content, in order, and
 *              on the SEQPACKET pair every CQE is exactly one message).
 * DEFER_TASKRUN together with SQPOLL is not a valid set-up: the kernel must
 * refuse it with -EINVAL, which is checked once.
 *
 * The operation workloads use a pool of URING_OVF_SLOTS slots (user_data =
 * id << 16 | slot; the slot owns the read buffer or the timespec).  The
 * submitter fills the whole pool before the reaper may start a round (for
 * timeouts it then sleeps until they have fired), so every round begins
 * with SLOTS > CQ completions owed.  One thread: produce a full pool, reap
 * down to a quarter, repeat.  Two threads: the reaper waits at a gate that
 * the submitter opens when the pool is empty; the reaper reaps (slots go
 * back as it goes, and the submitter refills them concurrently) until it
 * finds the CQ empty and the overflow flag clear, then closes the gate.
 * The recv workloads do the same with a window of messages sent but not yet
 * received; received buffers are handed back to the buffer ring only at the
 * end of a reaping round or after -ENOBUFS, so both the "CQ full" and the
 * "out of buffers" ends of a multishot recv happen.  After the last
 * message the sender shuts its side and the recv must end with res 0.
 *
 * Checks per configuration: every id completed exactly once with the right
 * res/flags/data (multishot: bytes sent == bytes received, every message's
 * content in order, each buffer id handed out once per loan, each CQE from
 * the armed recv); IORING_SQ_CQ_OVERFLOW observed at least once (the
 * overflow path was really taken); *cq.koverflow == 0 throughout; no
 * io_uring_peek_cqe, io_uring_peek_batch_cqe or io_uring_wait_cqe_timeout
 * comes back empty when the overflow flag was set before the call (the
 * library must enter and flush the overflow list, as liburing does; checked
 * with one thread and no SQPOLL, see missed_flush()); at the
 * end nothing ready, no overflow, peek_cqe -EAGAIN.  -EBUSY / -EAGAIN from
 * a submit is handled as liburing's callers must: the caller reaps (one
 * thread) or lets the reaper run (two threads) and retries; the counts are
 * printed so a run shows whether the kernel ever returned them.  A
 * completion that never comes is caught by a watchdog (SIGALRM after
 * URING_OVF_STALL_S seconds without progress) that prints the state.
 *
 * Environment (all optional):
 *   URING_OVF_OPS    operations per nop/read/timeout configuration (8000)
 *   URING_OVF_MSGS   messages per recv configuration (6000)
 *   URING_OVF_CQ     CQ entries (4; also the SQ size, capped at 64)
 *   URING_OVF_SLOTS  operations in flight (64, at most 65536)
 *   URING_OVF_ONLY   run only configurations whose name contains this
 *   URING_OVF_STALL_S  watchdog, seconds without progress (20)
 *
 * It also builds against Debian's liburing 2.3 (/usr/include, -luring), to
 * compare behaviours with the reference:
 *   gcc -O1 -D_GNU_SOURCE -I c-tests -o /tmp/ovf-ref c-tests/cq_overflow_matrix.c -luring
 *
 * c-test-timeout: 120
 * c-test-memcheck: URING_OVF_ONLY=1-thread URING_OVF_OPS=400 URING_OVF_MSGS=300
 * c-test-asan: URING_OVF_OPS=4000 URING_OVF_MSGS=3000
 *
 * Under valgrind only the one-thread configurations run: valgrind 3.19 runs one thread
 * at a time and treats io_uring_enter as a call that cannot block, so a reaper blocked
 * in a wait would starve its submitter forever.
 */
#include "test.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>

#ifndef IORING_CQE_F_SOCK_NONEMPTY
#define IORING_CQE_F_SOCK_NONEMPTY (1U << 2)
#endif

enum setup { S_PLAIN, S_SQPOLL, S_DEFER, S_DEFER_TF };
enum reap { R_WAIT, R_WAIT_TIMEOUT, R_PEEK_BATCH, R_FOR_EACH, R_SUBMIT_AND_WAIT };
enum work { W_NOP, W_READ, W_TIMEOUT, W_RECV_UNIX, W_RECV_TCP };

static const char *const setup_names[] = { "plain", "sqpoll", "defer", "defer_tf" };
static const char *const reap_names[] = {
	"wait_cqe", "wait_cqe_timeout", "peek_batch", "for_each", "submit_and_wait",
};
static const char *const work_names[] = { "nop", "read", "timeout", "recv_unix", "recv_tcp" };

struct cfg {
	enum setup setup;
	int threads;
	enum reap reap;
	enum work work;
};

#define REAP_BATCH	16
#define SLOT_BITS	16
#define SLOT_MASK	((1u << SLOT_BITS) - 1)
#define RD_BUF		64		/* bytes per read slot */
#define FILE_SIZE	(256 * 1024)
#define POISON		0xa5
#define HOLD_US		1000		/* timeouts: hold-back sleep, longer than any timeout */
#define RECV_TAG	0x5ec0000000000000ull
#define BGID		7
#define NBUFS		32		/* provided buffers */
#define BUF_SZ		64		/* = the largest message */
#define MSG_WINDOW	64		/* messages sent but not yet received, at most */

/* Settings from the environment, fixed before the first configuration. */
static uint64_t opt_ops, opt_msgs;
static unsigned opt_cq, opt_slots, opt_stall_s;
static int read_fd = -1;

struct run {
	const struct cfg *cfg;
	char name[96];
	struct io_uring ring;
	bool sqpoll, recv;
	uint64_t total;			/* operations, or messages */

	/* Shared between the submitter and the reaper: guarded by mu. */
	pthread_mutex_t mu;
	pthread_cond_t cv;		/* broadcast on every change below */
	bool gate_open;			/* the reaper may reap */
	bool exhausted;			/* everything has been submitted / sent */
	bool reaper_done;
	bool rearm_needed;		/* recv: the multishot ended, arm a new one */
	unsigned *free_slots;
	unsigned nfree;
	uint64_t sent_bytes;		/* recv: written by the submitter */
	uint64_t recvd_bytes;		/* recv: written by the reaper */

	/* Operation workloads. */
	unsigned nslots;
	unsigned char *bufs;		/* nslots * RD_BUF: read targets */
	struct __kernel_timespec *ts;	/* nslots: timeout lengths */
	uint64_t next_id;		/* submitter */
	uint8_t *seen;			/* reaper: bitmap of ids */
	unsigned *freed;		/* reaper: slots to hand back */
	unsigned nfreed;

	/* Recv workloads. */
	int rfd, sfd;
	struct io_uring_buf_ring *br;
	size_t br_size;
	unsigned char *rbufs;		/* NBUFS * BUF_SZ */
	uint8_t loaned[NBUFS];		/* reaper: 1 = the kernel may fill it */
	unsigned held[NBUFS];		/* reaper: buffers consumed, not yet given back */
	unsigned nheld;
	uint64_t sent_msgs;		/* submitter */
	uint64_t arms;			/* submitter: multishot recvs armed */
	uint64_t expect_arm;		/* reaper: the arm whose CQEs may come */
	uint64_t recvd_msgs;		/* reaper (SEQPACKET: CQEs with data) */
	bool shut, eof;

	/* Statistics (each written by one side only; read after the join). */
	uint64_t reaped;		/* reaper: CQEs consumed */
	uint64_t submit_calls, submit_retry, sq_full, sends_eagain;
	uint64_t rounds, rounds_ovf;	/* hold-backs, and those that found the overflow flag */
	uint64_t ovf_obs;		/* reaper saw IORING_SQ_CQ_OVERFLOW before a reap */
	uint64_t ovf_obs_submit;	/* ... or after a submit */
	uint64_t wait_etime;
	uint64_t flag_empty;		/* missed_flush() cases not checked (see there) */
	uint64_t enobufs, ends_full;	/* multishot ends: -ENOBUFS / others without F_MORE */
	uint64_t more;			/* recv CQEs with F_MORE (the multishot goes on) */
	uint64_t max_owed;		/* most completions owed when a round began */
	uint64_t progress;		/* watchdog */
};

/* ---- watchdog ---- */

static struct run *volatile cur_run;

static void on_alarm(int sig)
{
	struct run *r = cur_run;
	char msg[512];
	int n;

	(void)sig;
	if (!r)
		_exit(1);
	n = snprintf(msg, sizeof(msg),
		     "%s: no progress for %u s: reaped %llu of %llu, next_id %llu, nfree %u, "
		     "sent %llu/%llu B, recvd %llu B, arms %llu (expect %llu), cq_ready %u, "
		     "overflow flag %d, koverflow %u, gate %d\n",
		     r->name, opt_stall_s, (unsigned long long)r->reaped,
		     (unsigned long long)r->total, (unsigned long long)r->next_id, r->nfree,
		     (unsigned long long)r->sent_msgs, (unsigned long long)r->sent_bytes,
		     (unsigned long long)r->recvd_bytes, (unsigned long long)r->arms,
		     (unsigned long long)r->expect_arm, io_uring_cq_ready(&r->ring),
		     io_uring_cq_has_overflow(&r->ring), *r->ring.cq.koverflow, r->gate_open);
	if (n > 0)
		(void)!write(2, msg, (size_t)n);
	_exit(1);
}

/* Re-arm the watchdog every so often while completions flow. */
static void progress(struct run *r, unsigned n)
{
	uint64_t before = r->progress;

	r->progress += n;
	if ((before >> 8) != (r->progress >> 8))
		alarm(opt_stall_s);
}

/* ---- content ---- */

/* Read length / offset of operation `id`, and the file's 64-bit word at byte offset `o`. */
static unsigned rd_len(uint64_t id) { return 8u * (1u + (unsigned)(id % 8)); }
static uint64_t rd_off(uint64_t id) { return ((id * 7919u) % (FILE_SIZE / 8 - 8)) * 8; }
static uint64_t rd_word(uint64_t o) { return o * 0x9e3779b97f4a7c15ull ^ 0x0f1e2d3c4b5a6978ull; }

/* Length of message `i` (8..64 bytes) and the stream byte at offset `o`. */
static unsigned msg_len(uint64_t i) { return 8u + (unsigned)((i * 13u) % 57u); }
static uint8_t stream_byte(uint64_t o) { return (uint8_t)(((o + 1) * 0x9e3779b97f4a7c15ull) >> 56); }

static int make_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	uint64_t *data;
	int fd;

	snprintf(path, sizeof(path), "%s/uring-ovf-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	unlink(path);
	data = malloc(FILE_SIZE);
	CHECK(data != NULL);
	for (uint64_t o = 0; o < FILE_SIZE; o += 8)
		data[o / 8] = rd_word(o);
	CHECK_EQ(pwrite(fd, data, FILE_SIZE, 0), FILE_SIZE);
	free(data);
	return fd;
}

static void lock(struct run *r) { pthread_mutex_lock(&r->mu); }
static void unlock(struct run *r) { pthread_mutex_unlock(&r->mu); }
static void bcast(struct run *r) { pthread_cond_broadcast(&r->cv); }

/* ---- completions ---- */

static void check_op_cqe(struct run *r, const struct io_uring_cqe *cqe)
{
	uint64_t ud = cqe->user_data, id = ud >> SLOT_BITS;
	unsigned slot = (unsigned)(ud & SLOT_MASK);

	if (id >= r->total || slot >= r->nslots)
		FAIL("%s: CQE user_data 0x%llx out of range (res %d flags 0x%x)", r->name,
		     (unsigned long long)ud, cqe->res, cqe->flags);
	if (r->seen[id / 8] & (1u << (id % 8)))
		FAIL("%s: completion of id %llu arrived twice", r->name, (unsigned long long)id);
	r->seen[id / 8] |= (uint8_t)(1u << (id % 8));
	if (cqe->flags != 0)
		FAIL("%s: id %llu: flags 0x%x, expected 0", r->name, (unsigned long long)id,
		     cqe->flags);
	switch (r->cfg->work) {
	case W_NOP:
		if (cqe->res != 0)
			FAIL("%s: NOP id %llu: res %d (%s)", r->name, (unsigned long long)id,
			     cqe->res, t_err(cqe->res));
		break;
	case W_TIMEOUT:
		if (cqe->res != -ETIME)
			FAIL("%s: timeout id %llu: res %d (%s), expected -ETIME", r->name,
			     (unsigned long long)id, cqe->res, t_err(cqe->res));
		if (r->ts[slot].tv_nsec != (long long)(20000 + (id % 8) * 10000))
			FAIL("%s: timeout id %llu: its timespec was overwritten", r->name,
			     (unsigned long long)id);
		break;
	case W_READ: {
		unsigned char *buf = r->bufs + (size_t)slot * RD_BUF;
		unsigned len = rd_len(id);
		uint64_t off = rd_off(id);

		if (cqe->res != (int)len)
			FAIL("%s: read id %llu: res %d (%s), expected %u", r->name,
			     (unsigned long long)id, cqe->res, t_err(cqe->res), len);
		for (unsigned k = 0; k < len; k += 8) {
			uint64_t w;

			memcpy(&w, buf + k, 8);
			if (w != rd_word(off + k))
				FAIL("%s: read id %llu: word %u is 0x%llx, expected 0x%llx",
				     r->name, (unsigned long long)id, k / 8,
				     (unsigned long long)w, (unsigned long long)rd_word(off + k));
		}
		for (unsigned k = len; k < RD_BUF; k++)
			if (buf[k] != POISON)
				FAIL("%s: read id %llu wrote past its %u bytes", r->name,
				     (unsigned long long)id, len);
		memset(buf, POISON, len);
		break;
	}
	default:
		FAIL("%s: operation CQE in a recv workload", r->name);
	}
	r->freed[r->nfreed++] = slot;
}

/* Give consumed buffers back to the kernel.  Reaper only. */
static void give_back_buffers(struct run *r)
{
	int mask = io_uring_buf_ring_mask(NBUFS);

	for (unsigned i = 0; i < r->nheld; i++) {
		unsigned bid = r->held[i];

		io_uring_buf_ring_add(r->br, r->rbufs + (size_t)bid * BUF_SZ, BUF_SZ,
				      (unsigned short)bid, mask, (int)i);
		r->loaned[bid] = 1;
	}
	if (r->nheld)
		io_uring_buf_ring_advance(r->br, (int)r->nheld);
	r->nheld = 0;
}

/* Ask for a new multishot recv: the current one has ended. */
static void request_rearm(struct run *r)
{
	lock(r);
	r->rearm_needed = true;
	bcast(r);
	unlock(r);
}

static void check_recv_cqe(struct run *r, const struct io_uring_cqe *cqe)
{
	const unsigned allowed = IORING_CQE_F_BUFFER | IORING_CQE_F_MORE |
				 IORING_CQE_F_SOCK_NONEMPTY;
	bool more = cqe->flags & IORING_CQE_F_MORE;
	uint64_t at;

	if (cqe->user_data != (RECV_TAG | r->expect_arm))
		FAIL("%s: recv CQE user_data 0x%llx, expected arm %llu (res %d flags 0x%x)",
		     r->name, (unsigned long long)cqe->user_data,
		     (unsigned long long)r->expect_arm, cqe->res, cqe->flags);
	/* The upper 16 bits are the buffer id. */
	if (cqe->flags & ((1u << IORING_CQE_BUFFER_SHIFT) - 1) & ~allowed)
		FAIL("%s: recv CQE flags 0x%x", r->name, cqe->flags);
	if (!(cqe->flags & IORING_CQE_F_BUFFER) && cqe->flags >> IORING_CQE_BUFFER_SHIFT)
		FAIL("%s: recv CQE flags 0x%x: a buffer id without F_BUFFER", r->name, cqe->flags);
	if (cqe->res > 0) {
		unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
		const unsigned char *p;

		if (!(cqe->flags & IORING_CQE_F_BUFFER) || bid >= NBUFS)
			FAIL("%s: recv of %d bytes with flags 0x%x: no valid buffer", r->name,
			     cqe->res, cqe->flags);
		if (!r->loaned[bid])
			FAIL("%s: buffer %u handed out twice", r->name, bid);
		if (cqe->res > BUF_SZ)
			FAIL("%s: recv res %d > buffer size", r->name, cqe->res);
		r->loaned[bid] = 0;
		r->held[r->nheld++] = bid;
		p = r->rbufs + (size_t)bid * BUF_SZ;
		lock(r);
		at = r->recvd_bytes;
		unlock(r);
		if (r->cfg->work == W_RECV_UNIX) {
			/* SEQPACKET: one CQE, one whole message. */
			if (cqe->res != (int)msg_len(r->recvd_msgs))
				FAIL("%s: message %llu: %d bytes, expected %u", r->name,
				     (unsigned long long)r->recvd_msgs, cqe->res,
				     msg_len(r->recvd_msgs));
		}
		for (int k = 0; k < cqe->res; k++)
			if (p[k] != stream_byte(at + (uint64_t)k))
				FAIL("%s: stream byte %llu is 0x%02x, expected 0x%02x (arm %llu)",
				     r->name, (unsigned long long)(at + (uint64_t)k), p[k],
				     stream_byte(at + (uint64_t)k),
				     (unsigned long long)r->expect_arm);
		memset(r->rbufs + (size_t)bid * BUF_SZ, POISON, BUF_SZ);
		if (r->cfg->work == W_RECV_UNIX)
			r->recvd_msgs++;
		lock(r);
		r->recvd_bytes += (uint64_t)cqe->res;
		bcast(r);
		unlock(r);
	} else if (cqe->res == 0) {
		if (more)
			FAIL("%s: recv EOF with F_MORE", r->name);
		if (!r->shut)
			FAIL("%s: recv EOF before the sender shut down", r->name);
		r->eof = true;
	} else if (cqe->res == -ENOBUFS) {
		if (more)
			FAIL("%s: -ENOBUFS with F_MORE", r->name);
		if (cqe->flags & IORING_CQE_F_BUFFER)
			FAIL("%s: -ENOBUFS with a buffer", r->name);
		r->enobufs++;
		give_back_buffers(r);
	} else {
		FAIL("%s: recv res %d (%s) flags 0x%x", r->name, cqe->res, t_err(cqe->res),
		     cqe->flags);
	}
	if (more)
		r->more++;
	if (!more) {
		if (cqe->res != -ENOBUFS && cqe->res != 0)
			r->ends_full++;
		r->expect_arm++;
		if (!r->eof)
			request_rearm(r);
	}
}

static void handle_cqe(struct run *r, const struct io_uring_cqe *cqe)
{
	if (r->recv)
		check_recv_cqe(r, cqe);
	else
		check_op_cqe(r, cqe);
}

/* ---- reaping ---- */

static void check_no_drop(struct run *r)
{
	if (*r->ring.cq.koverflow != 0)
		FAIL("%s: the kernel dropped %u completions (cq.koverflow)", r->name,
		     *r->ring.cq.koverflow);
}

static bool note_overflow(struct run *r)
{
	if (!io_uring_cq_has_overflow(&r->ring))
		return false;
	r->ovf_obs++;
	return true;
}

/*
 * The overflow flag was set before a peek / wait that came back empty.
 * liburing's peek_cqe, peek_batch_cqe and waits enter the kernel to flush
 * the overflow list when they find the CQ empty and the flag set, and only
 * this thread consumes CQEs, so there was something to return -- provided
 * nothing else in the kernel posts or flushes at the same time.  When
 * something does, the reaper can see an empty CQ for a moment: the kernel
 * clears the flag *before* it publishes the new CQ tail of a flush, and it
 * skips a flush when its own (not yet published) tail says the CQ is full.
 * liburing then returns nothing too, and the CQEs are there a moment later.
 * A second thread's io_uring_enter and an SQ thread are such concurrent
 * posters, so this is only checked with one thread and no SQPOLL.
 */
static void missed_flush(struct run *r, const char *fn)
{
	if (r->cfg->threads > 1 || r->sqpoll) {
		r->flag_empty++;
		return;
	}
	FAIL("%s: %s found nothing although IORING_SQ_CQ_OVERFLOW was set before the call "
	     "(cq_ready %u, flag now %d): the overflow list was not flushed",
	     r->name, fn, io_uring_cq_ready(&r->ring), io_uring_cq_has_overflow(&r->ring));
}

/* Wait until a completion is ready, without consuming it. */
static void wait_ready(struct run *r)
{
	struct io_uring_cqe *cqe;
	int ret;

	do {
		ret = io_uring_wait_cqe(&r->ring, &cqe);
	} while (ret == -EINTR);
	if (ret != 0 || !cqe)
		FAIL("%s: io_uring_wait_cqe = %d (%s)", r->name, ret, t_err(ret));
}

/*
 * One step of reaping in the configured style.  With `block` it waits for
 * at least one completion (the caller knows one is owed); without, it only
 * takes what is ready (and what an overflow flush brings).  Returns the
 * number of CQEs consumed.
 */
static unsigned reap_step(struct run *r, bool block)
{
	struct io_uring *ring = &r->ring;
	struct io_uring_cqe *cqe, *cqes[REAP_BATCH];
	struct __kernel_timespec ts = { 0, block ? 10000000 : 0 };
	unsigned n = 0, head;
	bool ovf;
	int ret;

	ovf = note_overflow(r);
	switch (r->cfg->reap) {
	case R_WAIT:
		ret = block ? io_uring_wait_cqe(ring, &cqe) : io_uring_peek_cqe(ring, &cqe);
		if (ret == -EAGAIN && ovf)
			missed_flush(r, "peek_cqe");
		if (ret == -EINTR || (ret == -EAGAIN && !block))
			return 0;
		if (ret != 0 || !cqe)
			FAIL("%s: %s = %d (%s)", r->name, block ? "wait_cqe" : "peek_cqe", ret,
			     t_err(ret));
		handle_cqe(r, cqe);
		io_uring_cqe_seen(ring, cqe);
		n = 1;
		break;
	case R_WAIT_TIMEOUT:
		ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
		if (ret == -ETIME && ovf)
			missed_flush(r, "wait_cqe_timeout");
		if (ret == -ETIME) {
			r->wait_etime++;
			return 0;
		}
		if (ret == -EINTR)
			return 0;
		if (ret != 0 || !cqe)
			FAIL("%s: wait_cqe_timeout = %d (%s)", r->name, ret, t_err(ret));
		handle_cqe(r, cqe);
		io_uring_cqe_seen(ring, cqe);
		n = 1;
		break;
	case R_PEEK_BATCH:
		n = io_uring_peek_batch_cqe(ring, cqes, REAP_BATCH);
		if (n == 0 && ovf)
			missed_flush(r, "peek_batch_cqe");
		if (n == 0 && block) {
			wait_ready(r);
			n = io_uring_peek_batch_cqe(ring, cqes, REAP_BATCH);
			if (n == 0)
				FAIL("%s: peek_batch_cqe found nothing after wait_cqe found a CQE",
				     r->name);
		}
		if (n > REAP_BATCH)
			FAIL("%s: peek_batch_cqe returned %u > %u", r->name, n, REAP_BATCH);
		for (unsigned i = 0; i < n; i++)
			handle_cqe(r, cqes[i]);
		io_uring_cq_advance(ring, n);
		break;
	case R_FOR_EACH:
		for (int pass = 0; pass < 2 && n == 0; pass++) {
			if (pass == 1) {
				if (!block)
					break;
				wait_ready(r);
			}
			io_uring_for_each_cqe(ring, head, cqe) {
				handle_cqe(r, cqe);
				n++;
			}
			if (pass == 1 && n == 0)
				FAIL("%s: for_each_cqe found nothing after wait_cqe found a CQE",
				     r->name);
		}
		io_uring_cq_advance(ring, n);
		break;
	case R_SUBMIT_AND_WAIT:
		ret = io_uring_submit_and_wait(ring, block ? 1 : 0);
		if (ret == -EBUSY || ret == -EAGAIN || ret == -EINTR) {
			/* Nothing was taken: what is ready is reaped below, then retried. */
			r->submit_retry++;
		} else if (ret < 0) {
			FAIL("%s: submit_and_wait = %d (%s)", r->name, ret, t_err(ret));
		}
		r->submit_calls++;
		for (;;) {
			/* With DEFER_TASKRUN the overflow happens inside the enter above. */
			ovf = note_overflow(r);
			ret = io_uring_peek_cqe(ring, &cqe);
			if (ret != 0)
				break;
			handle_cqe(r, cqe);
			io_uring_cqe_seen(ring, cqe);
			n++;
		}
		if (ret == -EAGAIN && ovf)
			missed_flush(r, "peek_cqe");
		if (ret != -EAGAIN)
			FAIL("%s: peek_cqe = %d (%s)", r->name, ret, t_err(ret));
		break;
	}
	r->reaped += n;
	check_no_drop(r);
	if (n)
		progress(r, n);
	return n;
}

/* Take everything that is ready, without sleeping. */
static void reap_ready(struct run *r)
{
	while (reap_step(r, false))
		;
}

/* Hand reaped slots back to the pool (after the CQ head moved past them). */
static void return_slots(struct run *r)
{
	if (!r->nfreed)
		return;
	lock(r);
	CHECK(r->nfree + r->nfreed <= r->nslots);
	memcpy(&r->free_slots[r->nfree], r->freed, r->nfreed * sizeof(unsigned));
	r->nfree += r->nfreed;
	bcast(r);
	unlock(r);
	r->nfreed = 0;
}

/* ---- submitting ---- */

static bool retryable(int ret)
{
	return ret == -EBUSY || ret == -EAGAIN || ret == -EINTR;
}

/*
 * Submit what is pending.  On -EBUSY / -EAGAIN the caller of liburing must
 * make room and retry: one thread reaps what is ready, a submitter thread
 * opens the reaper's gate and yields.
 */
static void submit_pending(struct run *r)
{
	struct io_uring *ring = &r->ring;

	for (;;) {
		int ret = r->cfg->reap == R_SUBMIT_AND_WAIT ? io_uring_submit_and_wait(ring, 0)
							    : io_uring_submit(ring);

		r->submit_calls++;
		if (io_uring_cq_has_overflow(ring))
			r->ovf_obs_submit++;
		if (ret < 0) {
			if (!retryable(ret))
				FAIL("%s: submit = %d (%s)", r->name, ret, t_err(ret));
			r->submit_retry++;
			if (r->cfg->threads == 1) {
				reap_ready(r);
				return_slots(r);
			} else {
				lock(r);
				r->gate_open = true;
				bcast(r);
				unlock(r);
				sched_yield();
			}
			continue;
		}
		/* SQPOLL: the SQ thread takes the entries by itself. */
		if (r->sqpoll || io_uring_sq_ready(ring) == 0)
			return;
	}
}

static struct io_uring_sqe *get_sqe(struct run *r)
{
	struct io_uring_sqe *sqe;

	while ((sqe = io_uring_get_sqe(&r->ring)) == NULL) {
		r->sq_full++;
		submit_pending(r);
		if (r->sqpoll) {
			int ret = io_uring_sqring_wait(&r->ring);

			if (ret < 0 && ret != -EINTR)
				FAIL("%s: sqring_wait = %d (%s)", r->name, ret, t_err(ret));
		}
	}
	return sqe;
}

static void prep_op(struct run *r, uint64_t id, unsigned slot)
{
	struct io_uring_sqe *sqe = get_sqe(r);

	switch (r->cfg->work) {
	case W_NOP:
		io_uring_prep_nop(sqe);
		break;
	case W_READ:
		io_uring_prep_read(sqe, read_fd, r->bufs + (size_t)slot * RD_BUF, rd_len(id),
				   rd_off(id));
		break;
	case W_TIMEOUT:
		r->ts[slot].tv_sec = 0;
		r->ts[slot].tv_nsec = (long long)(20000 + (id % 8) * 10000);
		io_uring_prep_timeout(sqe, &r->ts[slot], 0, 0);
		break;
	default:
		FAIL("%s: prep_op in a recv workload", r->name);
	}
	io_uring_sqe_set_data64(sqe, (id << SLOT_BITS) | slot);
}

static void arm_recv(struct run *r)
{
	struct io_uring_sqe *sqe = get_sqe(r);

	io_uring_prep_recv_multishot(sqe, r->rfd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT;
	sqe->buf_group = BGID;
	r->arms++;
	io_uring_sqe_set_data64(sqe, RECV_TAG | r->arms);
	submit_pending(r);
}

/* Send message `sent_msgs`; false when the socket is full. */
static bool send_one(struct run *r)
{
	unsigned char msg[BUF_SZ];
	unsigned len = msg_len(r->sent_msgs);
	uint64_t at = r->sent_bytes;	/* only the submitter writes it */
	ssize_t n;

	for (unsigned k = 0; k < len; k++)
		msg[k] = stream_byte(at + k);
	n = send(r->sfd, msg, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		r->sends_eagain++;
		return false;
	}
	if (n != (ssize_t)len)
		FAIL("%s: send of message %llu = %zd (%s)", r->name,
		     (unsigned long long)r->sent_msgs, n, n < 0 ? strerror(errno) : "short");
	r->sent_msgs++;
	lock(r);
	r->sent_bytes += len;
	bcast(r);
	unlock(r);
	return true;
}

/* The sender's end after the last message: the recv must then end with res 0. */
static void shut_sender(struct run *r)
{
	CHECK_EQ(shutdown(r->sfd, SHUT_WR), 0);
	r->shut = true;
}

/* A round begins: the reaper was held back until now. */
static void round_begins(struct run *r, uint64_t owed)
{
	r->rounds++;
	if (io_uring_cq_has_overflow(&r->ring))
		r->rounds_ovf++;
	if (owed > r->max_owed)
		r->max_owed = owed;
}

/* ---- one thread ---- */

static void single_ops(struct run *r)
{
	while (r->reaped < r->total) {
		unsigned low;

		/* Fill the pool. */
		while (r->next_id < r->total && r->nfree > 0)
			prep_op(r, r->next_id++, r->free_slots[--r->nfree]);
		submit_pending(r);
		if (r->cfg->work == W_TIMEOUT)
			t_sleep_ms(HOLD_US / 1000);
		round_begins(r, r->nslots - r->nfree);
		/* Reap down to a quarter of the pool (to nothing at the end). */
		low = r->next_id < r->total ? r->nslots / 4 : 0;
		while (r->nslots - r->nfree - r->nfreed > low)
			reap_step(r, true);
		return_slots(r);
	}
}

static void single_recv(struct run *r)
{
	arm_recv(r);
	while (!r->eof) {
		/* Send a window without reaping. */
		while (r->sent_msgs < r->total &&
		       r->sent_bytes - r->recvd_bytes < (uint64_t)MSG_WINDOW * 36 && send_one(r))
			;
		if (r->sent_msgs == r->total && r->recvd_bytes == r->sent_bytes && !r->shut)
			shut_sender(r);
		round_begins(r, r->sent_bytes - r->recvd_bytes);
		/* Reap until everything sent so far has arrived (and the EOF, at the end). */
		while (r->recvd_bytes < r->sent_bytes || (r->shut && !r->eof)) {
			if (r->rearm_needed) {
				r->rearm_needed = false;
				arm_recv(r);
			}
			reap_step(r, true);
		}
		give_back_buffers(r);
		if (r->rearm_needed && !r->eof) {
			r->rearm_needed = false;
			arm_recv(r);
		}
	}
}

/* ---- two threads ---- */

static void *submitter_ops(void *arg)
{
	struct run *r = arg;

	for (;;) {
		unsigned slots[REAP_BATCH], n;
		uint64_t first;

		lock(r);
		while (r->nfree == 0) {
			if (!r->gate_open) {
				/* The whole pool is owed: let the reaper start a round. */
				unlock(r);
				if (r->cfg->work == W_TIMEOUT)
					t_sleep_ms(HOLD_US / 1000);
				lock(r);
				r->gate_open = true;
				bcast(r);
			}
			pthread_cond_wait(&r->cv, &r->mu);
		}
		n = r->nfree < REAP_BATCH ? r->nfree : REAP_BATCH;
		if (n > r->total - r->next_id)
			n = (unsigned)(r->total - r->next_id);
		r->nfree -= n;
		memcpy(slots, &r->free_slots[r->nfree], n * sizeof(unsigned));
		unlock(r);
		first = r->next_id;
		r->next_id += n;
		for (unsigned i = 0; i < n; i++)
			prep_op(r, first + i, slots[i]);
		submit_pending(r);
		if (r->next_id == r->total) {
			lock(r);
			r->exhausted = true;
			r->gate_open = true;
			bcast(r);
			unlock(r);
			return NULL;
		}
	}
}

static void *reaper_ops(void *arg)
{
	struct run *r = arg;
	bool waiting = true;

	while (r->reaped < r->total) {
		if (waiting) {
			lock(r);
			while (!r->gate_open)
				pthread_cond_wait(&r->cv, &r->mu);
			/* The pool is owed, less what this thread has reaped. */
			round_begins(r, r->nslots - r->nfree - r->nfreed);
			unlock(r);
			waiting = false;
		}
		if (io_uring_cq_ready(&r->ring) == 0 && !io_uring_cq_has_overflow(&r->ring)) {
			/* Caught up: hold back again, unless the pool is all in flight
			 * (then the completions owed are on their way) or it is the end. */
			return_slots(r);
			lock(r);
			if (r->nfree > 0 && !r->exhausted) {
				r->gate_open = false;
				waiting = true;
				bcast(r);
			}
			unlock(r);
			if (waiting)
				continue;
		}
		reap_step(r, true);
		if (r->nfreed >= REAP_BATCH)
			return_slots(r);
	}
	return_slots(r);
	lock(r);
	r->reaper_done = true;
	bcast(r);
	unlock(r);
	return NULL;
}

static void *submitter_recv(void *arg)
{
	struct run *r = arg;
	bool blocked = false;

	arm_recv(r);
	lock(r);
	for (;;) {
		if (r->reaper_done)
			break;
		if (r->rearm_needed) {
			r->rearm_needed = false;
			unlock(r);
			arm_recv(r);
			lock(r);
			continue;
		}
		if (r->sent_msgs == r->total) {
			if (!r->exhausted) {
				r->exhausted = true;
				r->gate_open = true;
				bcast(r);
			}
			pthread_cond_wait(&r->cv, &r->mu);
			continue;
		}
		if (blocked || r->sent_bytes - r->recvd_bytes >= (uint64_t)MSG_WINDOW * 36) {
			if (!r->gate_open) {
				r->gate_open = true;
				bcast(r);
			}
			blocked = false;
			pthread_cond_wait(&r->cv, &r->mu);
			continue;
		}
		unlock(r);
		blocked = !send_one(r);
		lock(r);
	}
	unlock(r);
	return NULL;
}

static void *reaper_recv(void *arg)
{
	struct run *r = arg;
	bool waiting = true;

	while (!r->eof) {
		bool caught_up, all_sent;

		if (waiting) {
			lock(r);
			while (!r->gate_open)
				pthread_cond_wait(&r->cv, &r->mu);
			round_begins(r, r->sent_bytes - r->recvd_bytes);
			unlock(r);
			waiting = false;
		}
		lock(r);
		caught_up = r->recvd_bytes >= r->sent_bytes;
		all_sent = r->exhausted;
		unlock(r);
		if (caught_up && io_uring_cq_ready(&r->ring) == 0 &&
		    !io_uring_cq_has_overflow(&r->ring)) {
			if (all_sent && !r->shut) {
				shut_sender(r);
			} else if (!all_sent) {
				give_back_buffers(r);
				lock(r);
				r->gate_open = false;
				waiting = true;
				bcast(r);
				unlock(r);
				continue;
			}
		}
		reap_step(r, true);
	}
	lock(r);
	r->reaper_done = true;
	bcast(r);
	unlock(r);
	return NULL;
}

/* ---- one configuration ---- */

static void cfg_name(const struct cfg *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%d-thread/%s", work_names[c->work], setup_names[c->setup],
		 c->threads, reap_names[c->reap]);
}

static void open_sockets(struct run *r)
{
	int sv[2];

	if (r->cfg->work == W_RECV_UNIX) {
		CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t alen = sizeof(a);
		int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

		CHECK(l >= 0);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		CHECK_EQ(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
		CHECK_EQ(listen(l, 1), 0);
		CHECK_EQ(getsockname(l, (struct sockaddr *)&a, &alen), 0);
		sv[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		CHECK(sv[1] >= 0);
		CHECK_EQ(connect(sv[1], (struct sockaddr *)&a, sizeof(a)), 0);
		sv[0] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
		CHECK(sv[0] >= 0);
		close(l);
		/* Every small send its own segment. */
		CHECK_EQ(setsockopt(sv[1], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)), 0);
	}
	r->rfd = sv[0];
	r->sfd = sv[1];
}

static void setup_buffers(struct run *r)
{
	struct io_uring_buf_reg reg;
	int ret, mask = io_uring_buf_ring_mask(NBUFS);

	r->br_size = NBUFS * sizeof(struct io_uring_buf);
	r->br = mmap(NULL, r->br_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		     -1, 0);
	CHECK(r->br != MAP_FAILED);
	memset(&reg, 0, sizeof(reg));
	reg.ring_addr = (unsigned long)r->br;
	reg.ring_entries = NBUFS;
	reg.bgid = BGID;
	ret = io_uring_register_buf_ring(&r->ring, &reg, 0);
	if (ret == -EINVAL)
		t_skip("provided-buffer rings are not supported");
	CHECK_EQ(ret, 0);
	io_uring_buf_ring_init(r->br);
	r->rbufs = malloc(NBUFS * BUF_SZ);
	CHECK(r->rbufs != NULL);
	memset(r->rbufs, POISON, NBUFS * BUF_SZ);
	for (unsigned i = 0; i < NBUFS; i++) {
		io_uring_buf_ring_add(r->br, r->rbufs + (size_t)i * BUF_SZ, BUF_SZ,
				      (unsigned short)i, mask, (int)i);
		r->loaned[i] = 1;
	}
	io_uring_buf_ring_advance(r->br, NBUFS);
}

struct totals {
	uint64_t configs, ops, msgs, bytes, cqes, rounds, rounds_ovf, ovf_obs, submit_retry,
		enobufs, ends_full, arms, sends_eagain, flag_empty;
};

/* Returns 1 when it ran, 0 when the kernel cannot set the ring up this way. */
static int run_cfg(const struct cfg *cfg, struct totals *tot)
{
	struct io_uring_params p;
	struct run *r;
	uint64_t start, ms;
	int ret;

	r = calloc(1, sizeof(*r));
	CHECK(r != NULL);
	r->cfg = cfg;
	cfg_name(cfg, r->name, sizeof(r->name));
	r->sqpoll = cfg->setup == S_SQPOLL;
	r->recv = cfg->work == W_RECV_UNIX || cfg->work == W_RECV_TCP;
	r->total = r->recv ? opt_msgs : opt_ops;
	r->rfd = r->sfd = -1;
	r->expect_arm = 1;	/* arms are numbered from 1 */

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = opt_cq;
	if (cfg->setup == S_SQPOLL) {
		p.flags |= IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 10;	/* ms: sleeps soon, so wake-ups happen too */
	} else if (cfg->setup == S_DEFER) {
		p.flags |= IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	} else if (cfg->setup == S_DEFER_TF) {
		p.flags |= IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER |
			   IORING_SETUP_TASKRUN_FLAG;
	}
	ret = io_uring_queue_init_params(opt_cq < 64 ? opt_cq : 64, &r->ring, &p);
	if (ret == -ENOSYS || (ret == -EPERM && cfg->setup == S_PLAIN))
		t_skip("io_uring not available (%s)", t_err(ret));
	if (ret == -EINVAL && (cfg->setup == S_DEFER || cfg->setup == S_DEFER_TF)) {
		T_NOTE("%s: not run, the kernel refuses DEFER_TASKRUN (-EINVAL)", r->name);
		free(r);
		return 0;
	}
	if (ret < 0)
		FAIL("%s: io_uring_queue_init_params = %d (%s)", r->name, ret, t_err(ret));
	if (!(p.features & IORING_FEAT_NODROP))
		t_skip("the kernel lacks IORING_FEAT_NODROP: overflowed completions may be dropped");
	if (cfg->reap == R_WAIT_TIMEOUT && cfg->threads > 1 &&
	    !(p.features & IORING_FEAT_EXT_ARG)) {
		/* Without EXT_ARG the timeout is an SQE the reaper may not queue. */
		T_NOTE("%s: not run, the kernel lacks IORING_FEAT_EXT_ARG", r->name);
		io_uring_queue_exit(&r->ring);
		free(r);
		return 0;
	}
	CHECK_EQ(r->ring.cq.ring_entries, opt_cq);
	CHECK_EQ(*r->ring.cq.koverflow, 0);

	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (r->recv) {
		open_sockets(r);
		setup_buffers(r);
	} else {
		r->nslots = opt_slots;
		r->bufs = malloc((size_t)r->nslots * RD_BUF);
		r->ts = calloc(r->nslots, sizeof(*r->ts));
		r->free_slots = malloc(r->nslots * sizeof(unsigned));
		r->freed = malloc(r->nslots * sizeof(unsigned));
		r->seen = calloc(r->total / 8 + 1, 1);
		CHECK(r->bufs && r->ts && r->free_slots && r->freed && r->seen);
		memset(r->bufs, POISON, (size_t)r->nslots * RD_BUF);
		for (unsigned i = 0; i < r->nslots; i++)
			r->free_slots[i] = r->nslots - 1 - i;
		r->nfree = r->nslots;
	}

	cur_run = r;
	alarm(opt_stall_s);
	start = t_now_ns();
	if (cfg->threads == 1) {
		if (r->recv)
			single_recv(r);
		else
			single_ops(r);
	} else {
		pthread_t sub, rea;

		CHECK_EQ(pthread_create(&rea, NULL, r->recv ? reaper_recv : reaper_ops, r), 0);
		CHECK_EQ(pthread_create(&sub, NULL, r->recv ? submitter_recv : submitter_ops, r),
			 0);
		CHECK_EQ(pthread_join(rea, NULL), 0);
		CHECK_EQ(pthread_join(sub, NULL), 0);
	}
	ms = (t_now_ns() - start) / 1000000;
	alarm(0);
	cur_run = NULL;

	/* Exactly once, nothing dropped, nothing left over. */
	if (r->recv) {
		uint64_t want = 0;

		for (uint64_t i = 0; i < r->total; i++)
			want += msg_len(i);
		EXPECT_EQ(r->sent_msgs, r->total);
		EXPECT_EQ(r->sent_bytes, want);
		EXPECT_EQ(r->recvd_bytes, want);
		EXPECT(r->eof);
		if (cfg->work == W_RECV_UNIX)
			EXPECT_EQ(r->recvd_msgs, r->total);
		EXPECT_EQ(r->expect_arm, r->arms + 1);
		/* One arm gave several CQEs (fewer arms than data CQEs). */
		EXPECT(r->more > 0);
	} else {
		EXPECT_EQ(r->reaped, r->total);
		EXPECT_EQ(r->next_id, r->total);
		EXPECT_EQ(r->nfree, r->nslots);
		for (uint64_t id = 0; id < r->total; id++)
			if (!(r->seen[id / 8] & (1u << (id % 8)))) {
				t_report(__FILE__, __LINE__, "%s: id %llu never completed", r->name,
					 (unsigned long long)id);
				t_failures++;
				break;
			}
		/* Each round began with the whole pool owed, more than the CQ holds. */
		EXPECT(r->max_owed > r->ring.cq.ring_entries);
	}
	EXPECT_EQ(io_uring_cq_ready(&r->ring), 0);
	EXPECT(!io_uring_cq_has_overflow(&r->ring));
	EXPECT_EQ(*r->ring.cq.koverflow, 0);
	{
		struct io_uring_cqe *cqe = NULL;

		EXPECT_EQ(io_uring_peek_cqe(&r->ring, &cqe), -EAGAIN);
	}
	/* The overflow path was really taken. */
	if (r->ovf_obs + r->ovf_obs_submit + r->rounds_ovf == 0) {
		t_report(__FILE__, __LINE__,
			 "%s: IORING_SQ_CQ_OVERFLOW was never seen (%llu rounds, most owed %llu, CQ %u)",
			 r->name, (unsigned long long)r->rounds, (unsigned long long)r->max_owed,
			 r->ring.cq.ring_entries);
		t_failures++;
	}

	printf("%-42s %6llu %s %7llu cqes %5llu ms  rounds %llu (overflowed %llu) ovf-seen %llu/%llu "
	       "max-owed %llu%s submits %llu retries %llu sq-full %llu",
	       r->name, (unsigned long long)r->total, r->recv ? "msgs" : "ops ",
	       (unsigned long long)r->reaped, (unsigned long long)ms,
	       (unsigned long long)r->rounds, (unsigned long long)r->rounds_ovf,
	       (unsigned long long)r->ovf_obs, (unsigned long long)r->ovf_obs_submit,
	       (unsigned long long)r->max_owed, r->recv ? " B" : "",
	       (unsigned long long)r->submit_calls,
	       (unsigned long long)r->submit_retry, (unsigned long long)r->sq_full);
	if (r->recv)
		printf(" arms %llu f-more %llu enobufs %llu ended-full %llu send-eagain %llu",
		       (unsigned long long)r->arms, (unsigned long long)r->more,
		       (unsigned long long)r->enobufs,
		       (unsigned long long)r->ends_full, (unsigned long long)r->sends_eagain);
	if (cfg->reap == R_WAIT_TIMEOUT)
		printf(" etime %llu", (unsigned long long)r->wait_etime);
	if (r->flag_empty)
		printf(" empty-with-flag %llu", (unsigned long long)r->flag_empty);
	putchar('\n');
	fflush(stdout);

	tot->configs++;
	if (r->recv) {
		tot->msgs += r->total;
		tot->bytes += r->recvd_bytes;
	} else {
		tot->ops += r->total;
	}
	tot->cqes += r->reaped;
	tot->rounds += r->rounds;
	tot->rounds_ovf += r->rounds_ovf;
	tot->ovf_obs += r->ovf_obs + r->ovf_obs_submit;
	tot->submit_retry += r->submit_retry;
	tot->enobufs += r->enobufs;
	tot->ends_full += r->ends_full;
	tot->arms += r->arms;
	tot->sends_eagain += r->sends_eagain;
	tot->flag_empty += r->flag_empty;

	io_uring_queue_exit(&r->ring);
	if (r->recv) {
		close(r->rfd);
		close(r->sfd);
		munmap(r->br, r->br_size);
		free(r->rbufs);
	}
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r->bufs);
	free(r->ts);
	free(r->free_slots);
	free(r->freed);
	free(r->seen);
	free(r);
	return 1;
}

/* DEFER_TASKRUN needs the submitting task to run its work, which an SQ thread is not. */
static void check_defer_sqpoll_refused(void)
{
	struct io_uring_params p;
	struct io_uring ring;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SINGLE_ISSUER;
	ret = io_uring_queue_init_params(4, &ring, &p);
	if (ret == 0)
		io_uring_queue_exit(&ring);
	EXPECT_EQ(ret, -EINVAL);
}

int main(void)
{
	static const enum work works[] = { W_NOP, W_READ, W_TIMEOUT, W_RECV_UNIX, W_RECV_TCP };
	static const enum setup setups[] = { S_PLAIN, S_SQPOLL, S_DEFER, S_DEFER_TF };
	static const enum reap reaps[] = {
		R_WAIT, R_WAIT_TIMEOUT, R_PEEK_BATCH, R_FOR_EACH, R_SUBMIT_AND_WAIT,
	};
	const char *only = getenv("URING_OVF_ONLY");
	struct totals tot = { 0 };
	struct sigaction sa;
	uint64_t start = t_now_ns();
	int selected = 0, ran = 0;

	opt_ops = t_env_ulong("URING_OVF_OPS", 8000);
	opt_msgs = t_env_ulong("URING_OVF_MSGS", 6000);
	opt_cq = (unsigned)t_env_ulong("URING_OVF_CQ", 4);
	opt_slots = (unsigned)t_env_ulong("URING_OVF_SLOTS", 64);
	opt_stall_s = (unsigned)t_env_ulong("URING_OVF_STALL_S", 20);
	if (opt_ops == 0 || opt_msgs == 0 || opt_cq < 2 || (opt_cq & (opt_cq - 1)) ||
	    opt_slots <= opt_cq || opt_slots > SLOT_MASK + 1 || opt_stall_s == 0 ||
	    opt_ops >= (1ull << (64 - SLOT_BITS)))
		FAIL("bad settings: URING_OVF_OPS %llu MSGS %llu CQ %u (a power of two >= 2) "
		     "SLOTS %u (> CQ, <= %u) STALL_S %u",
		     (unsigned long long)opt_ops, (unsigned long long)opt_msgs, opt_cq,
		     opt_slots, SLOT_MASK + 1, opt_stall_s);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	read_fd = make_file();
	printf("CQ %u, %u operations in flight, %llu ops / %llu messages per configuration\n",
	       opt_cq, opt_slots, (unsigned long long)opt_ops, (unsigned long long)opt_msgs);

	check_defer_sqpoll_refused();
	for (size_t w = 0; w < sizeof(works) / sizeof(works[0]); w++)
		for (size_t s = 0; s < sizeof(setups) / sizeof(setups[0]); s++)
			for (int threads = 1; threads <= 2; threads++)
				for (size_t m = 0; m < sizeof(reaps) / sizeof(reaps[0]); m++) {
					struct cfg cfg = {
						.setup = setups[s], .threads = threads,
						.reap = reaps[m], .work = works[w],
					};
					char name[96];

					/* SINGLE_ISSUER: one task submits and reaps. */
					if (threads > 1 && cfg.setup >= S_DEFER)
						continue;
					/* Both sides at once: not for two threads. */
					if (threads > 1 && cfg.reap == R_SUBMIT_AND_WAIT)
						continue;
					cfg_name(&cfg, name, sizeof(name));
					if (only && *only && !strstr(name, only))
						continue;
					selected++;
					ran += run_cfg(&cfg, &tot);
					if (t_failures)
						return t_done();
				}
	close(read_fd);
	printf("total: %llu configurations, %llu ops + %llu messages (%llu bytes), %llu CQEs, "
	       "%llu rounds of which %llu began overflowed, overflow flag seen %llu times, "
	       "submit retries (-EBUSY/-EAGAIN/-EINTR) %llu, multishot arms %llu "
	       "(-ENOBUFS %llu, ended on a full CQ %llu), send EAGAIN %llu, "
	       "empty peeks with the overflow flag set (2 threads / SQPOLL) %llu, %.1f s\n",
	       (unsigned long long)tot.configs, (unsigned long long)tot.ops,
	       (unsigned long long)tot.msgs, (unsigned long long)tot.bytes,
	       (unsigned long long)tot.cqes, (unsigned long long)tot.rounds,
	       (unsigned long long)tot.rounds_ovf, (unsigned long long)tot.ovf_obs,
	       (unsigned long long)tot.submit_retry, (unsigned long long)tot.arms,
	       (unsigned long long)tot.enobufs, (unsigned long long)tot.ends_full,
	       (unsigned long long)tot.sends_eagain, (unsigned long long)tot.flag_empty,
	       (t_now_ns() - start) / 1e9);
	if (!selected)
		t_skip("URING_OVF_ONLY=%s selects no configuration", only);
	if (!ran)
		t_skip("the kernel can run none of the configurations");
	return t_done();
}
