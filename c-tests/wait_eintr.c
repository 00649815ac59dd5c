/*
 * Signals arriving during every kind of wait.  A handler installed without
 * SA_RESTART runs while the thread is blocked in io_uring_enter; the kernel
 * then returns -EINTR (it never restarts io_uring_enter, even with
 * SA_RESTART), and the library must pass that on exactly as liburing does:
 *
 *   - the wait functions return -EINTR with *cqe_ptr == NULL;
 *   - a wait whose enter also submitted SQEs returns the number submitted
 *     (the kernel reports the submission, not the interrupted wait), still
 *     with *cqe_ptr == NULL; liburing keeps that count even when a second
 *     enter of the same call is interrupted;
 *   - a sigmask that blocks the signal keeps the wait going (-ETIME at the
 *     timeout, or the completion), and the signal is delivered after it;
 *   - a sigmask that unblocks a signal the thread blocks lets it interrupt.
 *
 * Every case runs on a fresh ring, for a default, an SQPOLL and a
 * SINGLE_ISSUER|DEFER_TASKRUN ring.  A helper thread sends SIGUSR1 to the
 * waiting thread every 20 ms until the wait returns, so a signal that lands
 * before the thread enters the kernel only delays the test.
 *
 * The expectations are liburing's: tests/faults.rs compiles this program
 * against Debian's liburing (2.3) and runs it there too.
 *
 * c-test-no-memcheck: the signals come from a helper thread while the waiting thread is blocked in io_uring_enter, which valgrind 3.19 treats as a system call that cannot block and so runs one thread at a time: the helper never runs and the wait never ends
 */
#include "test.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>

#define PING_MS 20
#define LONG_TS_S 5
#define SHORT_TS_MS 200
/* An interrupted wait must come back long before LONG_TS_S. */
#define QUICK_MS 2000

static volatile sig_atomic_t hits;

static void on_signal(int sig)
{
	(void)sig;
	hits++;
}

static void install(int sig, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(sig, &sa, NULL) == 0);
}

/* The helper thread: signals `target` every PING_MS; optionally writes one
 * byte to `write_fd` after `write_after_ms`. */
static struct pinger {
	pthread_t thread, target;
	atomic_int stop;
	int sig;
	int write_fd;
	unsigned write_after_ms;
} ping;

static void *pinger_main(void *arg)
{
	uint64_t start = t_now_ns();
	int wrote = 0;

	(void)arg;
	while (!atomic_load(&ping.stop)) {
		t_sleep_ms(PING_MS);
		if (atomic_load(&ping.stop))
			break;
		if (ping.write_fd >= 0 && !wrote &&
		    t_now_ns() - start >= ping.write_after_ms * 1000000ull) {
			CHECK(write(ping.write_fd, "x", 1) == 1);
			wrote = 1;
		}
		pthread_kill(ping.target, ping.sig);
	}
	return NULL;
}

static uint64_t started_ns;

static void begin_sig(int sig, int write_fd, unsigned write_after_ms)
{
	hits = 0;
	atomic_store(&ping.stop, 0);
	ping.target = pthread_self();
	ping.sig = sig;
	ping.write_fd = write_fd;
	ping.write_after_ms = write_after_ms;
	started_ns = t_now_ns();
	CHECK(pthread_create(&ping.thread, NULL, pinger_main, NULL) == 0);
}

static void begin(void)
{
	begin_sig(SIGUSR1, -1, 0);
}

/* Stop the helper; returns the milliseconds since begin(). */
static unsigned end(void)
{
	unsigned ms = (unsigned)((t_now_ns() - started_ns) / 1000000ull);

	atomic_store(&ping.stop, 1);
	CHECK(pthread_join(ping.thread, NULL) == 0);
	return ms;
}

static unsigned cur_flags;
static const char *cur_name;
static int pipefd[2];
static char rbuf[8];

static void ring_up(struct io_uring *ring)
{
	struct io_uring_params p;
	int ret;

	memset(&p, 0, sizeof(p));
	p.flags = cur_flags;
	p.sq_thread_idle = 1000;
	ret = io_uring_queue_init_params(8, ring, &p);
	if (ret == -ENOSYS || (ret == -EPERM && cur_flags == 0))
		t_skip("io_uring not available (%s)", t_err(ret));
	if (ret)
		FAIL("%s: io_uring_queue_init_params: %d (%s)", cur_name, ret, t_err(ret));
}

/* Queue (not submit) a read of the empty pipe: it stays pending. */
static void queue_read(struct io_uring *ring)
{
	struct io_uring_sqe *sqe = T_GET_SQE(ring);

	io_uring_prep_read(sqe, pipefd[0], rbuf, 1, 0);
	io_uring_sqe_set_data64(sqe, 0x5eed);
}

/* The result of one wait, checked by check(). */
struct outcome {
	int ret;
	int cqe_null;
	unsigned ms;
};

static struct io_uring_cqe poison;

#define CHECK_OUTCOME(what, o, want_ret, want_null, min_hits) do {		\
	if ((o).ret != (want_ret) || (o).cqe_null != (want_null) ||		\
	    hits < (min_hits)) {						\
		t_report(__FILE__, __LINE__,					\
			 "%s: %s: got %d (%s), cqe %s, %d signal(s) after %u ms; " \
			 "expected %d (%s), cqe %s, >= %d signal(s)",		\
			 cur_name, what, (o).ret, t_err((o).ret),		\
			 (o).cqe_null ? "NULL" : "set", (int)hits, (o).ms,	\
			 (want_ret), t_err(want_ret), (want_null) ? "NULL" : "set", \
			 (min_hits));						\
		t_failures++;							\
	}									\
} while (0)

#define EXPECT_QUICK(what, o) do {						\
	if ((o).ms >= QUICK_MS) {						\
		t_report(__FILE__, __LINE__, "%s: %s: took %u ms, not interrupted", \
			 cur_name, what, (o).ms);				\
		t_failures++;							\
	}									\
} while (0)

#define EXPECT_WAITED(what, o, min_ms) do {					\
	if ((o).ms + 10 < (min_ms)) {						\
		t_report(__FILE__, __LINE__, "%s: %s: returned after %u ms, before %u", \
			 cur_name, what, (o).ms, (unsigned)(min_ms));		\
		t_failures++;							\
	}									\
} while (0)

/* Run `call` (which may use `ring` and `cqe`) with the helper signalling. */
#define RUN(o, call) do {							\
	cqe = &poison;								\
	begin();								\
	(o).ret = (call);							\
	(o).ms = end();								\
	(o).cqe_null = cqe == NULL;						\
} while (0)

static void after_interrupt_ring_still_works(struct io_uring *ring, const char *what)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s: NOP after %s", cur_name, what);
	if (t_nop_roundtrip(ring, 0xabc, msg))
		t_failures++;
}

static void plain_waits(void)
{
	struct __kernel_timespec ts = { LONG_TS_S, 0 };
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct outcome o;

	ring_up(&ring);
	RUN(o, io_uring_wait_cqe(&ring, &cqe));
	CHECK_OUTCOME("wait_cqe", o, -EINTR, 1, 1);
	EXPECT_QUICK("wait_cqe", o);
	after_interrupt_ring_still_works(&ring, "wait_cqe");
	io_uring_queue_exit(&ring);

	ring_up(&ring);
	RUN(o, io_uring_wait_cqe_nr(&ring, &cqe, 2));
	CHECK_OUTCOME("wait_cqe_nr(2)", o, -EINTR, 1, 1);
	EXPECT_QUICK("wait_cqe_nr(2)", o);
	io_uring_queue_exit(&ring);

	ring_up(&ring);
	RUN(o, io_uring_wait_cqe_timeout(&ring, &cqe, &ts));
	CHECK_OUTCOME("wait_cqe_timeout(5 s)", o, -EINTR, 1, 1);
	EXPECT_QUICK("wait_cqe_timeout(5 s)", o);
	after_interrupt_ring_still_works(&ring, "wait_cqe_timeout");
	io_uring_queue_exit(&ring);

	ring_up(&ring);
	RUN(o, io_uring_wait_cqes(&ring, &cqe, 1, NULL, NULL));
	CHECK_OUTCOME("wait_cqes(no ts, no sigmask)", o, -EINTR, 1, 1);
	EXPECT_QUICK("wait_cqes(no ts, no sigmask)", o);
	io_uring_queue_exit(&ring);

#if T_NEW_API
	ring_up(&ring);
	if (ring.features & IORING_FEAT_MIN_TIMEOUT) {
		RUN(o, io_uring_wait_cqes_min_timeout(&ring, &cqe, 1, &ts, 1000, NULL));
		CHECK_OUTCOME("wait_cqes_min_timeout", o, -EINTR, 1, 1);
		EXPECT_QUICK("wait_cqes_min_timeout", o);
	} else {
		T_NOTE("%s: no IORING_FEAT_MIN_TIMEOUT: min-timeout waits not checked", cur_name);
	}
	io_uring_queue_exit(&ring);
#endif
}

static void sigmask_waits(void)
{
	struct __kernel_timespec lts = { LONG_TS_S, 0 };
	struct __kernel_timespec sts = { 0, SHORT_TS_MS * 1000000L };
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct outcome o;
	sigset_t none, usr1, old;

	sigemptyset(&none);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);

	/* An empty mask lets the signal in. */
	ring_up(&ring);
	RUN(o, io_uring_wait_cqes(&ring, &cqe, 1, &lts, &none));
	CHECK_OUTCOME("wait_cqes(5 s, empty sigmask)", o, -EINTR, 1, 1);
	EXPECT_QUICK("wait_cqes(5 s, empty sigmask)", o);
	io_uring_queue_exit(&ring);

	/* A mask blocking SIGUSR1 keeps the wait going to its timeout; the
	 * pending signal is delivered once the call has restored the mask. */
	ring_up(&ring);
	RUN(o, io_uring_wait_cqes(&ring, &cqe, 1, &sts, &usr1));
	CHECK_OUTCOME("wait_cqes(200 ms, SIGUSR1 blocked)", o, -ETIME, 1, 1);
	EXPECT_WAITED("wait_cqes(200 ms, SIGUSR1 blocked)", o, SHORT_TS_MS);
	io_uring_queue_exit(&ring);

	/* ... or to the completion, with no timeout at all: the helper writes
	 * to the pipe after 150 ms, completing a read submitted earlier. */
	ring_up(&ring);
	queue_read(&ring);
	CHECK(io_uring_submit(&ring) >= 1);
	cqe = &poison;
	begin_sig(SIGUSR1, pipefd[1], 150);
	o.ret = io_uring_wait_cqes(&ring, &cqe, 1, NULL, &usr1);
	o.ms = end();
	o.cqe_null = cqe == NULL;
	CHECK_OUTCOME("wait_cqes(no ts, SIGUSR1 blocked)", o, 0, 0, 1);
	EXPECT_WAITED("wait_cqes(no ts, SIGUSR1 blocked)", o, 150);
	if (o.ret == 0 && cqe && cqe != &poison) {
		EXPECT_EQ_U64(cqe->user_data, 0x5eed);
		EXPECT_EQ(cqe->res, 1);
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);

	/* The thread blocks SIGUSR1; a sigmask without it opens the wait to
	 * it, as pselect() would. */
	CHECK(pthread_sigmask(SIG_BLOCK, &usr1, &old) == 0);
	ring_up(&ring);
	RUN(o, io_uring_wait_cqes(&ring, &cqe, 1, &lts, &none));
	CHECK_OUTCOME("wait_cqes(5 s, empty sigmask, thread blocks SIGUSR1)", o, -EINTR, 1, 1);
	EXPECT_QUICK("wait_cqes(5 s, empty sigmask, thread blocks SIGUSR1)", o);
	io_uring_queue_exit(&ring);
	CHECK(pthread_sigmask(SIG_SETMASK, &old, NULL) == 0);
	/* Signals the helper sent after the wait, while blocked, arrive now. */

	ring_up(&ring);
	RUN(o, io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &sts, &usr1));
	CHECK_OUTCOME("submit_and_wait_timeout(200 ms, SIGUSR1 blocked)", o, -ETIME, 1, 1);
	EXPECT_WAITED("submit_and_wait_timeout(200 ms, SIGUSR1 blocked)", o, SHORT_TS_MS);
	io_uring_queue_exit(&ring);
}

static void submitting_waits(void)
{
	struct __kernel_timespec ts = { LONG_TS_S, 0 };
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct outcome o;

	/* Nothing to submit: the interrupted wait is the answer. */
	ring_up(&ring);
	RUN(o, io_uring_submit_and_wait(&ring, 1));
	o.cqe_null = 1; /* no cqe argument */
	CHECK_OUTCOME("submit_and_wait(1), nothing queued", o, -EINTR, 1, 1);
	EXPECT_QUICK("submit_and_wait(1), nothing queued", o);
	io_uring_queue_exit(&ring);

	/* One SQE submitted by the interrupted enter: the count. */
	ring_up(&ring);
	queue_read(&ring);
	RUN(o, io_uring_submit_and_wait(&ring, 1));
	o.cqe_null = 1;
	CHECK_OUTCOME("submit_and_wait(1), read queued", o, 1, 1, 1);
	EXPECT_QUICK("submit_and_wait(1), read queued", o);
	EXPECT_EQ(io_uring_cq_ready(&ring), 0);
	io_uring_queue_exit(&ring);

	ring_up(&ring);
	RUN(o, io_uring_submit_and_wait_timeout(&ring, &cqe, 1, NULL, NULL));
	CHECK_OUTCOME("submit_and_wait_timeout(no ts), nothing queued", o, -EINTR, 1, 1);
	EXPECT_QUICK("submit_and_wait_timeout(no ts), nothing queued", o);
	io_uring_queue_exit(&ring);

	ring_up(&ring);
	RUN(o, io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL));
	CHECK_OUTCOME("submit_and_wait_timeout(5 s), nothing queued", o, -EINTR, 1, 1);
	EXPECT_QUICK("submit_and_wait_timeout(5 s), nothing queued", o);
	after_interrupt_ring_still_works(&ring, "submit_and_wait_timeout");
	io_uring_queue_exit(&ring);

	/* Timed: one enter, which submitted 1 and was interrupted. */
	ring_up(&ring);
	queue_read(&ring);
	RUN(o, io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL));
	CHECK_OUTCOME("submit_and_wait_timeout(5 s), read queued", o, 1, 1, 1);
	EXPECT_QUICK("submit_and_wait_timeout(5 s), read queued", o);
	io_uring_queue_exit(&ring);

	/* Untimed: the first enter submits 1 and is interrupted, the second
	 * (wait only) is interrupted too; the count from the first stays. */
	ring_up(&ring);
	queue_read(&ring);
	RUN(o, io_uring_submit_and_wait_timeout(&ring, &cqe, 1, NULL, NULL));
	CHECK_OUTCOME("submit_and_wait_timeout(no ts), read queued", o, 1, 1, 2);
	EXPECT_QUICK("submit_and_wait_timeout(no ts), read queued", o);
	io_uring_queue_exit(&ring);

#if T_NEW_API
	ring_up(&ring);
	if (ring.features & IORING_FEAT_MIN_TIMEOUT) {
		RUN(o, io_uring_submit_and_wait_min_timeout(&ring, &cqe, 1, &ts, 1000, NULL));
		CHECK_OUTCOME("submit_and_wait_min_timeout, nothing queued", o, -EINTR, 1, 1);
		EXPECT_QUICK("submit_and_wait_min_timeout, nothing queued", o);
	}
	io_uring_queue_exit(&ring);
#endif
}

/* A process-directed signal from an interval timer (no other thread is
 * alive), and a handler installed with SA_RESTART: io_uring_enter is not
 * restarted either way. */
static void other_sources(void)
{
	struct itimerval it = { { 0, PING_MS * 1000 }, { 0, PING_MS * 1000 } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	struct io_uring_cqe *cqe = &poison;
	struct io_uring ring;
	struct outcome o;

	ring_up(&ring);
	hits = 0;
	started_ns = t_now_ns();
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
	o.ret = io_uring_wait_cqe(&ring, &cqe);
	CHECK(setitimer(ITIMER_REAL, &off, NULL) == 0);
	o.ms = (unsigned)((t_now_ns() - started_ns) / 1000000ull);
	o.cqe_null = cqe == NULL;
	CHECK_OUTCOME("wait_cqe, SIGALRM from setitimer", o, -EINTR, 1, 1);
	EXPECT_QUICK("wait_cqe, SIGALRM from setitimer", o);
	io_uring_queue_exit(&ring);

	ring_up(&ring);
	cqe = &poison;
	begin_sig(SIGUSR2, -1, 0);
	o.ret = io_uring_wait_cqe(&ring, &cqe);
	o.ms = end();
	o.cqe_null = cqe == NULL;
	CHECK_OUTCOME("wait_cqe, SA_RESTART handler", o, -EINTR, 1, 1);
	EXPECT_QUICK("wait_cqe, SA_RESTART handler", o);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	static const struct {
		const char *name;
		unsigned flags;
	} configs[] = {
		{ "default", 0 },
		{ "SQPOLL", IORING_SETUP_SQPOLL },
		{ "SINGLE_ISSUER|DEFER_TASKRUN",
		  IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN },
	};
	struct io_uring probe;
	int ran = 0;

	install(SIGUSR1, 0);
	install(SIGALRM, 0);
	install(SIGUSR2, SA_RESTART);
	CHECK(pipe(pipefd) == 0);

	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		int ret = io_uring_queue_init(2, &probe, configs[i].flags);

		if (ret == -ENOSYS || (ret == -EPERM && configs[i].flags == 0))
			t_skip("io_uring not available (%s)", t_err(ret));
		if (ret == -EINVAL) {
			T_NOTE("%s: refused by this kernel, not checked", configs[i].name);
			continue;
		}
		CHECK_EQ(ret, 0);
		io_uring_queue_exit(&probe);
		cur_name = configs[i].name;
		cur_flags = configs[i].flags;
		plain_waits();
		sigmask_waits();
		submitting_waits();
		ran++;
	}
	CHECK(ran >= 1);
	cur_name = "default";
	cur_flags = 0;
	other_sources();
	return t_done();
}
