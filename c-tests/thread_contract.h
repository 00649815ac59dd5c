/*
 * The threading contract, driven through the C ABI: one thread reaps
 * completions while one or more other threads submit (the submitters
 * serialise among themselves with a pthread mutex around get_sqe / prep /
 * submit; the reaper takes no lock around its ring calls).
 *
 * Every configuration runs URING_CONTRACT_OPS operations (default
 * 1,000,000) and checks that each completion arrives exactly once:
 * user_data carries a sequence number (and the slot of the request), the
 * reaper keeps a bitmap of the numbers it has seen, checks res and flags,
 * and for reads checks the bytes the kernel wrote against the known
 * content of a temp file.
 *
 * The number of requests in flight is bounded by a pool of slots that the
 * reaper hands back only after it has advanced the CQ head past their
 * completions.  In the normal configurations the pool is as large as the
 * CQ, so the CQ can never overflow and the test asserts that it did not.
 * In the overflow configurations the CQ is small (IORING_SETUP_CQSIZE) and
 * the pool much larger, so the submitters run ahead of the reaper and the
 * kernel parks completions on its overflow list; the reaper is held back
 * until the submitters have filled the pool once, which makes the first
 * overflow certain.  The test asserts that the overflow was seen and that
 * nothing was dropped (IORING_FEAT_NODROP, cq.koverflow stays 0).
 *
 * Data shared between the test's threads goes through pthread mutexes
 * only, and the request buffers are touched by the reaper alone (it checks
 * and re-poisons them before giving the slot back), so under helgrind/drd
 * any race report points into the library, not at the test.
 *
 * Environment:
 *   URING_CONTRACT_OPS      operations per configuration (default 1000000)
 *   URING_CONTRACT_ONLY     run only configurations whose name contains this
 *   URING_CONTRACT_STALL_S  fail when no completion is reaped for this many
 *                           seconds (default 20)
 *   URING_CONTRACT_NO_BLOCK=1  the reaper never sleeps in the kernel without
 *                           a time limit (see below); implied under valgrind
 *
 * Valgrind up to at least 3.19 runs one thread at a time and does not treat
 * io_uring_enter as a syscall that may block, so a reaper sleeping in
 * io_uring_wait_cqe keeps the submitters from ever running: the process
 * hangs; a timed sleep in the kernel holds the others off just as well.
 * In no-block mode every wait is made with io_uring_wait_cqe_timeout and a
 * zero timeout, followed by a short nanosleep when nothing was ready, and
 * io_uring_wait_cqe is only called once a completion is ready; the calls
 * checked, and their overlap with the submitters' calls, stay the same.
 */
#ifndef URING_C_TESTS_THREAD_CONTRACT_H
#define URING_C_TESTS_THREAD_CONTRACT_H

#include "test.h"

#include <pthread.h>
#include <sched.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define TC_ON_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef TC_ON_VALGRIND
#define TC_ON_VALGRIND() 0
#endif

static void tc_sleep_us(unsigned us)
{
	struct timespec ts = { 0, (long)us * 1000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Set once in tc_main(), before any thread starts. */
static bool tc_no_block;

enum tc_reap {
	TC_WAIT_SEEN,		/* io_uring_wait_cqe + io_uring_cqe_seen */
	TC_WAIT_TIMEOUT,	/* io_uring_wait_cqe_timeout + io_uring_cqe_seen */
	TC_PEEK_BATCH,		/* io_uring_peek_batch_cqe + io_uring_cq_advance */
	TC_FOR_EACH,		/* io_uring_for_each_cqe + io_uring_cq_advance */
};

enum tc_op { TC_NOP, TC_READ };

struct tc_cfg {
	enum tc_op op;
	int submitters;
	enum tc_reap reap;
	bool overflow;
};

#define TC_BATCH	16		/* SQEs per submitter turn, slots per return */
#define TC_SLOT_BITS	20		/* user_data = id << TC_SLOT_BITS | slot */
#define TC_SLOT_MASK	((1u << TC_SLOT_BITS) - 1)
#define TC_BUF		64		/* bytes per request buffer (max read length) */
#define TC_FILE_SIZE	(256 * 1024)
#define TC_POISON	0xa5
#define TC_MAX_SUBMITTERS 8

/* Normal configurations: SQ 64, CQ 128 (the default 2x), pool = CQ size. */
#define TC_SQ_ENTRIES		64
/* Overflow configurations: SQ 16, CQ 32, pool 512. */
#define TC_OVF_SQ_ENTRIES	16
#define TC_OVF_CQ_ENTRIES	32
#define TC_OVF_SLOTS		512

struct tc_run {
	const struct tc_cfg *cfg;
	char name[64];
	struct io_uring ring;
	uint64_t nops;
	int fd;
	unsigned nslots;
	unsigned char *bufs;		/* nslots * TC_BUF, reaper-only after setup */

	/* Submission side: everything below is guarded by submit_mu. */
	pthread_mutex_t submit_mu;
	uint64_t next_id;
	uint64_t submit_calls;
	uint64_t submit_retries;	/* -EBUSY / -EAGAIN / -EINTR, retried */
	uint64_t sq_full;		/* get_sqe returned NULL, flushed and retried */
	uint64_t ovf_seen_submit;	/* IORING_SQ_CQ_OVERFLOW seen after a submit */

	/* Slot pool: guarded by pool_mu. */
	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;		/* slots returned / ids exhausted */
	pthread_cond_t gate_cv;		/* gate opened (overflow configs) */
	unsigned *free_slots;
	unsigned nfree;
	bool exhausted;			/* every id has been submitted */
	bool gate_open;			/* the reaper may start */
	bool reaper_done;
	uint64_t returned;		/* slots handed back (progress) */
	uint64_t pool_waits;		/* a submitter found the pool empty */

	/* Reaper only. */
	uint8_t *seen;			/* bitmap of ids */
	uint64_t reaped;
	uint64_t ovf_seen_reap;		/* IORING_SQ_CQ_OVERFLOW seen by the reaper */
	bool ovf_at_gate;		/* ...right after the gate opened */
	uint64_t timeouts;		/* -ETIME from wait_cqe_timeout */
	uint64_t blocking_waits;
	unsigned *freed;
	unsigned nfreed;
};

static const char *tc_reap_name(enum tc_reap r)
{
	switch (r) {
	case TC_WAIT_SEEN: return "wait_cqe";
	case TC_WAIT_TIMEOUT: return "wait_cqe_timeout";
	case TC_PEEK_BATCH: return "peek_batch";
	case TC_FOR_EACH: return "for_each";
	}
	return "?";
}

/* Read length and file offset of request `id` (8..64 bytes, 8-aligned). */
static inline unsigned tc_len(uint64_t id)
{
	return 8u * (1u + (unsigned)(id % 8));
}

static inline uint64_t tc_off(uint64_t id)
{
	return ((id * 7919u) % (TC_FILE_SIZE / 8 - 8)) * 8;
}

/* The file's content: the 64-bit word at byte offset `o` (8-aligned). */
static inline uint64_t tc_word(uint64_t o)
{
	return o * 0x9e3779b97f4a7c15ull + 0x0123456789abcdefull;
}

static int tc_make_file(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	uint64_t *data;
	int fd;

	snprintf(path, sizeof(path), "%s/uring-contract-XXXXXX", dir && *dir ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		exit(1);
	}
	unlink(path);
	data = malloc(TC_FILE_SIZE);
	CHECK(data != NULL);
	for (uint64_t o = 0; o < TC_FILE_SIZE; o += 8)
		data[o / 8] = tc_word(o);
	CHECK_EQ(pwrite(fd, data, TC_FILE_SIZE, 0), TC_FILE_SIZE);
	free(data);
	return fd;
}

/* ---- slot pool ---- */

/*
 * Take up to `max` free slots, waiting while the pool is empty.  Returns 0
 * once every id has been submitted.  A submitter that finds the pool empty
 * opens the reaper's gate: by then the whole pool is in flight.
 */
static unsigned tc_pool_take(struct tc_run *r, unsigned *out, unsigned max)
{
	unsigned n;

	pthread_mutex_lock(&r->pool_mu);
	while (r->nfree == 0 && !r->exhausted) {
		r->pool_waits++;
		if (!r->gate_open) {
			r->gate_open = true;
			pthread_cond_signal(&r->gate_cv);
		}
		pthread_cond_wait(&r->pool_cv, &r->pool_mu);
	}
	if (r->exhausted) {
		pthread_mutex_unlock(&r->pool_mu);
		return 0;
	}
	n = r->nfree < max ? r->nfree : max;
	r->nfree -= n;
	memcpy(out, &r->free_slots[r->nfree], n * sizeof(*out));
	pthread_mutex_unlock(&r->pool_mu);
	return n;
}

/* Give slots back; `progress` counts them as reaped (reaper) or not (unused). */
static void tc_pool_put(struct tc_run *r, const unsigned *slots, unsigned n, bool progress)
{
	if (!n)
		return;
	pthread_mutex_lock(&r->pool_mu);
	CHECK(r->nfree + n <= r->nslots);
	memcpy(&r->free_slots[r->nfree], slots, n * sizeof(*slots));
	r->nfree += n;
	if (progress)
		r->returned += n;
	pthread_cond_broadcast(&r->pool_cv);
	pthread_mutex_unlock(&r->pool_mu);
}

static void tc_set_exhausted(struct tc_run *r)
{
	pthread_mutex_lock(&r->pool_mu);
	r->exhausted = true;
	r->gate_open = true;
	pthread_cond_broadcast(&r->pool_cv);
	pthread_cond_signal(&r->gate_cv);
	pthread_mutex_unlock(&r->pool_mu);
}

/* ---- submitters ---- */

static inline bool tc_retryable(int ret)
{
	return ret == -EBUSY || ret == -EAGAIN || ret == -EINTR;
}

/* Submit until the SQ is empty.  Caller holds submit_mu. */
static void tc_submit_all(struct tc_run *r)
{
	while (io_uring_sq_ready(&r->ring) > 0) {
		int ret = io_uring_submit(&r->ring);

		r->submit_calls++;
		if (ret < 0) {
			if (!tc_retryable(ret))
				FAIL("%s: io_uring_submit = %d (%s)", r->name, ret, t_err(ret));
			r->submit_retries++;
			sched_yield();
		}
	}
	if (io_uring_cq_has_overflow(&r->ring))
		r->ovf_seen_submit++;
}

/* Caller holds submit_mu. */
static void tc_prep(struct tc_run *r, uint64_t id, unsigned slot)
{
	struct io_uring_sqe *sqe;

	while ((sqe = io_uring_get_sqe(&r->ring)) == NULL) {
		r->sq_full++;
		tc_submit_all(r);
	}
	if (r->cfg->op == TC_NOP)
		io_uring_prep_nop(sqe);
	else
		io_uring_prep_read(sqe, r->fd, r->bufs + (size_t)slot * TC_BUF,
				   tc_len(id), tc_off(id));
	io_uring_sqe_set_data64(sqe, (id << TC_SLOT_BITS) | slot);
}

static void *tc_submitter(void *arg)
{
	struct tc_run *r = arg;
	unsigned slots[TC_BATCH];

	for (;;) {
		unsigned n = tc_pool_take(r, slots, TC_BATCH), cnt;
		uint64_t first;
		bool last;

		if (!n)
			break;
		pthread_mutex_lock(&r->submit_mu);
		first = r->next_id;
		cnt = r->nops - first < n ? (unsigned)(r->nops - first) : n;
		r->next_id += cnt;
		for (unsigned i = 0; i < cnt; i++)
			tc_prep(r, first + i, slots[i]);
		if (cnt)
			tc_submit_all(r);
		last = cnt && r->next_id == r->nops;
		pthread_mutex_unlock(&r->submit_mu);
		tc_pool_put(r, slots + cnt, n - cnt, false);
		if (last)
			tc_set_exhausted(r);
		if (!cnt)
			break;
	}
	return NULL;
}

/* ---- reaper ---- */

/* Check one completion; remembers its slot for tc_return_slots(). */
static void tc_check_cqe(struct tc_run *r, const struct io_uring_cqe *cqe)
{
	uint64_t ud = cqe->user_data, id = ud >> TC_SLOT_BITS;
	unsigned slot = (unsigned)(ud & TC_SLOT_MASK);

	if (id >= r->nops || slot >= r->nslots)
		FAIL("%s: CQE with user_data 0x%llx (id %llu slot %u) out of range (res %d)",
		     r->name, (unsigned long long)ud, (unsigned long long)id, slot, cqe->res);
	if (r->seen[id / 8] & (1u << (id % 8)))
		FAIL("%s: completion of id %llu arrived twice", r->name, (unsigned long long)id);
	r->seen[id / 8] |= (uint8_t)(1u << (id % 8));
	if (cqe->flags != 0)
		FAIL("%s: id %llu: cqe flags 0x%x, expected 0", r->name,
		     (unsigned long long)id, cqe->flags);
	if (r->cfg->op == TC_NOP) {
		if (cqe->res != 0)
			FAIL("%s: NOP id %llu: res %d (%s)", r->name,
			     (unsigned long long)id, cqe->res, t_err(cqe->res));
	} else {
		unsigned char *buf = r->bufs + (size_t)slot * TC_BUF;
		unsigned len = tc_len(id);
		uint64_t off = tc_off(id);

		if (cqe->res != (int)len)
			FAIL("%s: read id %llu: res %d (%s), expected %u", r->name,
			     (unsigned long long)id, cqe->res, t_err(cqe->res), len);
		for (unsigned k = 0; k < len; k += 8) {
			uint64_t w;

			memcpy(&w, buf + k, 8);
			if (w != tc_word(off + k))
				FAIL("%s: read id %llu (slot %u, off %llu, len %u): word %u is 0x%llx, expected 0x%llx",
				     r->name, (unsigned long long)id, slot,
				     (unsigned long long)off, len, k / 8,
				     (unsigned long long)w,
				     (unsigned long long)tc_word(off + k));
		}
		for (unsigned k = len; k < TC_BUF; k++)
			if (buf[k] != TC_POISON)
				FAIL("%s: read id %llu wrote past its %u bytes (byte %u = 0x%02x)",
				     r->name, (unsigned long long)id, len, k, buf[k]);
		memset(buf, TC_POISON, len);
	}
	r->freed[r->nfreed++] = slot;
}

/* Hand the checked slots back.  Only after the CQ head has moved past them. */
static void tc_return_slots(struct tc_run *r)
{
	tc_pool_put(r, r->freed, r->nfreed, true);
	r->nfreed = 0;
}

/* No-block mode: a zero-timeout wait, then a short sleep if nothing was ready. */
static int tc_poll_cqe(struct tc_run *r, struct io_uring_cqe **cqe)
{
	struct __kernel_timespec zero = { .tv_sec = 0, .tv_nsec = 0 };
	int ret = io_uring_wait_cqe_timeout(&r->ring, cqe, &zero);

	if (ret == -ETIME)
		tc_sleep_us(50);
	return ret;
}

/* Wait until a completion is ready, without consuming it. */
static void tc_wait_one(struct tc_run *r)
{
	struct io_uring_cqe *cqe = NULL;
	int ret;

	r->blocking_waits++;
	do {
		if (tc_no_block) {
			ret = tc_poll_cqe(r, &cqe);
		} else {
			ret = io_uring_wait_cqe(&r->ring, &cqe);
		}
		if (ret == -ETIME)
			r->timeouts++;
	} while (ret == -EINTR || ret == -ETIME);
	if (ret != 0 || !cqe)
		FAIL("%s: io_uring_wait_cqe = %d (%s), cqe %p", r->name, ret, t_err(ret),
		     (void *)cqe);
}

static void *tc_reaper(void *arg)
{
	struct tc_run *r = arg;
	struct io_uring *ring = &r->ring;
	struct io_uring_cqe *cqes[32];
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 1000000 };
	unsigned head, n;
	int ret;

	pthread_mutex_lock(&r->pool_mu);
	while (!r->gate_open)
		pthread_cond_wait(&r->gate_cv, &r->pool_mu);
	pthread_mutex_unlock(&r->pool_mu);
	r->ovf_at_gate = io_uring_cq_has_overflow(ring);

	while (r->reaped < r->nops) {
		if (io_uring_cq_has_overflow(ring))
			r->ovf_seen_reap++;
		switch (r->cfg->reap) {
		case TC_WAIT_SEEN:
		case TC_WAIT_TIMEOUT:
			/* Nothing ready: the wait may block, so the slots go back first. */
			if (io_uring_cq_ready(ring) == 0)
				tc_return_slots(r);
			cqe = NULL;
			if (r->cfg->reap == TC_WAIT_SEEN) {
				if (tc_no_block && io_uring_cq_ready(ring) == 0)
					tc_wait_one(r);
				else
					r->blocking_waits++;
				ret = io_uring_wait_cqe(ring, &cqe);
			} else {
				if (tc_no_block)
					ret = tc_poll_cqe(r, &cqe);
				else
					ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
				if (ret == -ETIME) {
					r->timeouts++;
					continue;
				}
			}
			if (ret == -EINTR)
				continue;
			if (ret != 0 || !cqe)
				FAIL("%s: %s = %d (%s), cqe %p", r->name,
				     tc_reap_name(r->cfg->reap), ret, t_err(ret), (void *)cqe);
			tc_check_cqe(r, cqe);
			io_uring_cqe_seen(ring, cqe);
			r->reaped++;
			if (r->nfreed >= TC_BATCH)
				tc_return_slots(r);
			break;
		case TC_PEEK_BATCH:
			n = io_uring_peek_batch_cqe(ring, cqes, 32);
			if (n == 0) {
				tc_return_slots(r);
				tc_wait_one(r);
				break;
			}
			if (n > 32)
				FAIL("%s: peek_batch_cqe returned %u > 32", r->name, n);
			for (unsigned i = 0; i < n; i++)
				tc_check_cqe(r, cqes[i]);
			io_uring_cq_advance(ring, n);
			r->reaped += n;
			tc_return_slots(r);
			break;
		case TC_FOR_EACH:
			n = 0;
			io_uring_for_each_cqe(ring, head, cqe) {
				tc_check_cqe(r, cqe);
				n++;
			}
			if (n == 0) {
				tc_return_slots(r);
				tc_wait_one(r);
				break;
			}
			io_uring_cq_advance(ring, n);
			r->reaped += n;
			tc_return_slots(r);
			break;
		}
	}
	tc_return_slots(r);
	pthread_mutex_lock(&r->pool_mu);
	r->reaper_done = true;
	pthread_mutex_unlock(&r->pool_mu);
	return NULL;
}

/* ---- one configuration ---- */

static uint64_t tc_env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long long x;

	if (!v || !*v)
		return dflt;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x == 0) {
		fprintf(stderr, "bad %s=%s\n", name, v);
		exit(1);
	}
	return x;
}

/* Returns 1 when the configuration ran, 0 when the kernel cannot run it. */
static int tc_run_cfg(const struct tc_cfg *cfg, uint64_t nops, int fd)
{
	struct io_uring_params p;
	pthread_t sub[TC_MAX_SUBMITTERS], reaper;
	struct tc_run *r;
	uint64_t start, elapsed, last_progress, stall_ns;
	uint64_t last_returned = 0;
	unsigned sq_entries;
	int ret;

	CHECK(cfg->submitters >= 1 && cfg->submitters <= TC_MAX_SUBMITTERS);
	CHECK(nops < (1ull << (64 - TC_SLOT_BITS)));
	r = calloc(1, sizeof(*r));
	CHECK(r != NULL);
	r->cfg = cfg;
	r->nops = nops;
	r->fd = fd;
	snprintf(r->name, sizeof(r->name), "%s/%d-sub/%s%s",
		 cfg->op == TC_NOP ? "nop" : "read", cfg->submitters,
		 tc_reap_name(cfg->reap), cfg->overflow ? "/overflow" : "");

	memset(&p, 0, sizeof(p));
	sq_entries = TC_SQ_ENTRIES;
	if (cfg->overflow) {
		sq_entries = TC_OVF_SQ_ENTRIES;
		p.flags = IORING_SETUP_CQSIZE;
		p.cq_entries = TC_OVF_CQ_ENTRIES;
	}
	ret = io_uring_queue_init_params(sq_entries, &r->ring, &p);
	if (ret == -ENOSYS || ret == -EPERM)
		t_skip("io_uring not available (%s)", t_err(ret));
	if (ret < 0)
		FAIL("%s: io_uring_queue_init_params = %d (%s)", r->name, ret, t_err(ret));
	if (cfg->overflow && !(p.features & IORING_FEAT_NODROP)) {
		T_NOTE("%s: skipped, kernel lacks IORING_FEAT_NODROP", r->name);
		io_uring_queue_exit(&r->ring);
		free(r);
		return 0;
	}
	if (cfg->reap == TC_WAIT_TIMEOUT && !(p.features & IORING_FEAT_EXT_ARG)) {
		/* Without EXT_ARG the timeout is an SQE: not for a reaper thread. */
		T_NOTE("%s: skipped, kernel lacks IORING_FEAT_EXT_ARG", r->name);
		io_uring_queue_exit(&r->ring);
		free(r);
		return 0;
	}
	CHECK_EQ(r->ring.cq.ring_entries,
		 cfg->overflow ? TC_OVF_CQ_ENTRIES : 2 * TC_SQ_ENTRIES);
	r->nslots = cfg->overflow ? TC_OVF_SLOTS : r->ring.cq.ring_entries;

	r->bufs = malloc((size_t)r->nslots * TC_BUF);
	r->free_slots = malloc(r->nslots * sizeof(unsigned));
	r->freed = malloc(r->nslots * sizeof(unsigned));
	r->seen = calloc(nops / 8 + 1, 1);
	CHECK(r->bufs && r->free_slots && r->freed && r->seen);
	memset(r->bufs, TC_POISON, (size_t)r->nslots * TC_BUF);
	for (unsigned i = 0; i < r->nslots; i++)
		r->free_slots[i] = r->nslots - 1 - i;
	r->nfree = r->nslots;
	/* In the normal configurations the reaper starts at once. */
	r->gate_open = !cfg->overflow;

	pthread_mutex_init(&r->submit_mu, NULL);
	pthread_mutex_init(&r->pool_mu, NULL);
	pthread_cond_init(&r->pool_cv, NULL);
	pthread_cond_init(&r->gate_cv, NULL);

	start = t_now_ns();
	CHECK_EQ(pthread_create(&reaper, NULL, tc_reaper, r), 0);
	for (int i = 0; i < cfg->submitters; i++)
		CHECK_EQ(pthread_create(&sub[i], NULL, tc_submitter, r), 0);

	/*
	 * Watchdog: a lost completion would leave the reaper waiting forever.
	 * It polls (10 ms naps) rather than using pthread_cond_timedwait, which
	 * helgrind in valgrind 3.19 misreads when a wait times out as it is
	 * signalled ("pthread_cond_{signal,broadcast}: associated lock is not
	 * held", reported inside glibc's timedwait).
	 */
	stall_ns = tc_env_u64("URING_CONTRACT_STALL_S", 20) * 1000000000ull;
	last_progress = t_now_ns();
	pthread_mutex_lock(&r->pool_mu);
	while (!r->reaper_done) {
		pthread_mutex_unlock(&r->pool_mu);
		tc_sleep_us(10000);
		pthread_mutex_lock(&r->pool_mu);
		if (r->returned != last_returned) {
			last_returned = r->returned;
			last_progress = t_now_ns();
		} else if (t_now_ns() - last_progress > stall_ns) {
			uint64_t missing = UINT64_MAX;

			/* The reaper is stuck, so its bitmap is stable enough to read. */
			for (uint64_t id = 0; id < nops; id++)
				if (!(r->seen[id / 8] & (1u << (id % 8)))) {
					missing = id;
					break;
				}
			FAIL("%s: no completion reaped for %llu s: %llu of %llu slots returned, "
			     "%u free, first missing id %lld, cq_ready %u, sq_ready %u, "
			     "overflow flag %d, koverflow %u",
			     r->name, (unsigned long long)(stall_ns / 1000000000ull),
			     (unsigned long long)r->returned, (unsigned long long)nops,
			     r->nfree, missing == UINT64_MAX ? -1 : (long long)missing,
			     io_uring_cq_ready(&r->ring), io_uring_sq_ready(&r->ring),
			     io_uring_cq_has_overflow(&r->ring), *r->ring.cq.koverflow);
		}
	}
	pthread_mutex_unlock(&r->pool_mu);

	CHECK_EQ(pthread_join(reaper, NULL), 0);
	for (int i = 0; i < cfg->submitters; i++)
		CHECK_EQ(pthread_join(sub[i], NULL), 0);
	elapsed = t_now_ns() - start;

	/* Exactly once: every id seen (duplicates already failed in the reaper). */
	EXPECT_EQ(r->reaped, nops);
	EXPECT_EQ(r->next_id, nops);
	EXPECT_EQ(r->returned, nops);
	EXPECT_EQ(r->nfree, r->nslots);
	for (uint64_t id = 0; id < nops; id++)
		if (!(r->seen[id / 8] & (1u << (id % 8)))) {
			t_report(__FILE__, __LINE__, "%s: id %llu never completed", r->name,
				 (unsigned long long)id);
			t_failures++;
			break;
		}
	/* Nothing left over, nothing dropped. */
	EXPECT_EQ(io_uring_sq_ready(&r->ring), 0);
	EXPECT_EQ(io_uring_cq_ready(&r->ring), 0);
	EXPECT(!io_uring_cq_has_overflow(&r->ring));
	EXPECT_EQ(*r->ring.cq.koverflow, 0);
	{
		struct io_uring_cqe *cqe = NULL;

		EXPECT_EQ(io_uring_peek_cqe(&r->ring, &cqe), -EAGAIN);
	}
	if (cfg->overflow) {
		/* The pool was filled before the reaper started: the CQ must have overflowed. */
		if (!r->ovf_at_gate && r->ovf_seen_reap + r->ovf_seen_submit == 0) {
			t_report(__FILE__, __LINE__,
				 "%s: the CQ never overflowed (pool %u, CQ %u): the overflow path was not exercised",
				 r->name, r->nslots, r->ring.cq.ring_entries);
			t_failures++;
		}
		if (cfg->op == TC_NOP && nops >= TC_OVF_SLOTS)
			EXPECT(r->ovf_at_gate);
	} else {
		/* At most CQ-size completions are ever unreaped: no overflow possible. */
		EXPECT_EQ(r->ovf_seen_reap, 0);
		EXPECT_EQ(r->ovf_seen_submit, 0);
	}

	printf("%-38s %8llu ops %7.0f ms %6.2f Mops/s  submits %llu retries %llu sq_full %llu "
	       "pool_waits %llu waits %llu timeouts %llu ovf(gate %d reaper %llu submit %llu)\n",
	       r->name, (unsigned long long)nops, elapsed / 1e6, nops * 1e3 / elapsed,
	       (unsigned long long)r->submit_calls, (unsigned long long)r->submit_retries,
	       (unsigned long long)r->sq_full, (unsigned long long)r->pool_waits,
	       (unsigned long long)r->blocking_waits, (unsigned long long)r->timeouts,
	       r->ovf_at_gate, (unsigned long long)r->ovf_seen_reap,
	       (unsigned long long)r->ovf_seen_submit);
	fflush(stdout);

	io_uring_queue_exit(&r->ring);
	pthread_mutex_destroy(&r->submit_mu);
	pthread_mutex_destroy(&r->pool_mu);
	pthread_cond_destroy(&r->pool_cv);
	pthread_cond_destroy(&r->gate_cv);
	free(r->bufs);
	free(r->free_slots);
	free(r->freed);
	free(r->seen);
	free(r);
	return 1;
}

/* Run the configurations of `op` x {1, 4 submitters} x 4 reapers x {normal, overflow}
 * whose `overflow` matches one of the values asked for. */
static int tc_main(enum tc_op op, bool normal, bool overflow)
{
	static const enum tc_reap reaps[] = {
		TC_WAIT_SEEN, TC_WAIT_TIMEOUT, TC_PEEK_BATCH, TC_FOR_EACH,
	};
	static const int subs[] = { 1, 4 };
	uint64_t nops = tc_env_u64("URING_CONTRACT_OPS", 1000000);
	const char *only = getenv("URING_CONTRACT_ONLY");
	uint64_t start = t_now_ns();
	int fd = op == TC_READ ? tc_make_file() : -1;
	int ran = 0, selected = 0;

	tc_no_block = getenv("URING_CONTRACT_NO_BLOCK") || TC_ON_VALGRIND();
	if (tc_no_block)
		printf("no-block mode: the reaper polls with zero-timeout waits\n");

	for (int o = 0; o < 2; o++) {
		if ((o == 0 && !normal) || (o == 1 && !overflow))
			continue;
		for (size_t s = 0; s < sizeof(subs) / sizeof(subs[0]); s++) {
			for (size_t m = 0; m < sizeof(reaps) / sizeof(reaps[0]); m++) {
				struct tc_cfg cfg = {
					.op = op, .submitters = subs[s], .reap = reaps[m],
					.overflow = o == 1,
				};
				char name[64];

				snprintf(name, sizeof(name), "%s/%d-sub/%s%s",
					 op == TC_NOP ? "nop" : "read", subs[s],
					 tc_reap_name(reaps[m]), o ? "/overflow" : "");
				if (only && *only && !strstr(name, only))
					continue;
				selected++;
				ran += tc_run_cfg(&cfg, nops, fd);
				if (t_failures)
					return t_done();
			}
		}
	}
	if (fd >= 0)
		close(fd);
	printf("total %.0f ms\n", (t_now_ns() - start) / 1e6);
	if (!selected)
		t_skip("URING_CONTRACT_ONLY=%s selects no configuration", only);
	if (!ran)
		t_skip("the kernel can run none of the configurations");
	return t_done();
}

#endif
