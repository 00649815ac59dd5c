/*
 * Scenario 1 (and 2, under callgrind): NOP throughput.
 *
 *   nop <batch> <ops> <peek|foreach> [ring entries, default 128]
 *
 * Per batch: `batch` x (io_uring_get_sqe + io_uring_prep_nop + io_uring_sqe_set_data),
 * one io_uring_submit_and_wait(batch), then the completions are reaped either with
 * io_uring_peek_batch_cqe + io_uring_cq_advance ("peek") or with the
 * io_uring_for_each_cqe macro + io_uring_cq_advance ("foreach"). Every user_data must
 * come back exactly once with res == 0, or the run fails.
 *
 * Prints RESULT ops_per_sec.
 */
#include "common.h"
#include <liburing.h>

#define RING_ENTRIES 128
#define MAX_ENTRIES 4096 /* the cost curve runs batches up to 1024 */

static struct io_uring ring;
static unsigned char seen[MAX_ENTRIES];
static struct io_uring_cqe *cqes[MAX_ENTRIES];

/* Takes one CQE; checks its user_data is in [base, base + batch) and new. */
static inline void check_cqe(const struct io_uring_cqe *cqe, uint64_t base, unsigned batch)
{
	uint64_t idx = (uint64_t)(uintptr_t)io_uring_cqe_get_data(cqe) - base;
	if (idx >= batch || seen[idx] || cqe->res != 0)
		fail("nop: unexpected completion user_data=%llu res=%d (batch base %llu)",
		     (unsigned long long)(uintptr_t)io_uring_cqe_get_data(cqe), cqe->res,
		     (unsigned long long)base);
	seen[idx] = 1;
}

static unsigned reap_peek(uint64_t base, unsigned batch)
{
	unsigned got = 0;
	while (got < batch) {
		unsigned n = io_uring_peek_batch_cqe(&ring, cqes, batch - got);
		if (n == 0)
			fail("nop: peek_batch_cqe found nothing after submit_and_wait (%u/%u)", got, batch);
		for (unsigned i = 0; i < n; i++)
			check_cqe(cqes[i], base, batch);
		io_uring_cq_advance(&ring, n);
		got += n;
	}
	return got;
}

static unsigned reap_foreach(uint64_t base, unsigned batch)
{
	unsigned got = 0;
	while (got < batch) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		io_uring_for_each_cqe(&ring, head, cqe)
		{
			check_cqe(cqe, base, batch);
			n++;
		}
		if (n == 0)
			fail("nop: for_each_cqe found nothing after submit_and_wait (%u/%u)", got, batch);
		io_uring_cq_advance(&ring, n);
		got += n;
	}
	return got;
}

/* The measured loop; kept out of line so callgrind shows it as one function. */
__attribute__((noinline)) static uint64_t run(unsigned long ops, unsigned batch, int foreach)
{
	uint64_t next = 1, done = 0;
	while (done < ops) {
		uint64_t base = next;
		for (unsigned i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			if (!sqe)
				fail("nop: get_sqe returned NULL at %u/%u", i, batch);
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data(sqe, (void *)(uintptr_t)next++);
		}
		int ret = io_uring_submit_and_wait(&ring, batch);
		if (ret != (int)batch)
			fail("nop: submit_and_wait returned %d, expected %u", ret, batch);
		memset(seen, 0, batch);
		done += foreach ? reap_foreach(base, batch) : reap_peek(base, batch);
	}
	return done;
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 5)
		fail("usage: nop <batch> <ops> <peek|foreach> [ring entries]");
	unsigned batch = arg_ulong(argv[1]);
	unsigned long ops = arg_ulong(argv[2]);
	int foreach = !strcmp(argv[3], "foreach");
	if (!foreach && strcmp(argv[3], "peek"))
		fail("reap mode must be peek or foreach");
	unsigned entries = argc == 5 ? arg_ulong(argv[4]) : RING_ENTRIES;
	if (entries == 0 || entries > MAX_ENTRIES)
		fail("ring entries must be 1..%d", MAX_ENTRIES);
	if (batch == 0 || batch > entries)
		fail("batch must be 1..%u (the ring size)", entries);
	ops -= ops % batch;

	int ret = io_uring_queue_init(entries, &ring, 0);
	if (ret < 0)
		fail("queue_init: %s", strerror(-ret));

	run(batch * 16, batch, foreach); /* warm-up: page faults, lazy binding */
	double t0 = now_sec();
	uint64_t done = run(ops, batch, foreach);
	double t1 = now_sec();
	if (done != ops)
		fail("nop: %llu completions for %lu NOPs", (unsigned long long)done, ops);
	if (io_uring_cq_ready(&ring) != 0)
		fail("nop: stray completions left in the CQ");
	io_uring_queue_exit(&ring);
	printf("RESULT ops_per_sec %.0f\n", (double)ops / (t1 - t0));
	return 0;
}
