/*
 * Scenario 3: how many io_uring_enter calls a fixed number of NOPs costs, with and
 * without IORING_SETUP_SQPOLL. The loop is the same in both modes:
 *
 *   batch x (get_sqe + prep_nop + set_data); io_uring_submit();
 *   spin on io_uring_cq_ready() until the batch has completed; check and reap it.
 *
 * Without SQPOLL, io_uring_submit enters the kernel once per batch (and the NOPs complete
 * inside that call). With SQPOLL the kernel thread picks the SQEs up by itself; the
 * library only enters to wake it when it has gone idle (sq_thread_idle is 2 s here, so
 * it never should during the run). The spin never enters the kernel by construction
 * (cq_ready only reads the CQ tail), so the enter count is what the library decided.
 *
 *   sqpoll <sqpoll|plain> <ops> <batch>
 *
 * The runner counts the enters with `strace -c -f -e trace=io_uring_enter`; the program
 * itself prints RESULT ops_per_sec (meaningful only when not traced).
 *
 * With two or more CPUs allowed, the program pins itself to the first and the SQ thread
 * to the second (IORING_SETUP_SQ_AFF), in both modes. Unpinned, the scheduler decides whether the SQ
 * thread and the spinning submitter share a CPU, and that decision, not the library,
 * set the rate: the same binary ran at 0.3M to 10M NOPs/s from one run to the next. The
 * first 16 batches are a warm-up (the SQ thread starts, the rings fault in) and are not
 * timed.
 */
#include "common.h"
#include <liburing.h>
#include <sched.h>

#define RING_ENTRIES 128

static struct io_uring ring;

int main(int argc, char **argv)
{
	if (argc != 4)
		fail("usage: sqpoll <sqpoll|plain> <ops> <batch>");
	int use_sqpoll = !strcmp(argv[1], "sqpoll");
	if (!use_sqpoll && strcmp(argv[1], "plain"))
		fail("mode must be sqpoll or plain");
	unsigned long ops = arg_ulong(argv[2]);
	unsigned batch = arg_ulong(argv[3]);
	if (batch == 0 || batch > RING_ENTRIES)
		fail("batch must be 1..%d", RING_ENTRIES);
	ops -= ops % batch;
	if (ops == 0)
		fail("ops must be at least the batch size");

	/* The first two CPUs this process may run on: the submitter takes the first, the
	 * SQ thread the second. */
	int cpu[2] = { -1, -1 }, found = 0;
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0) {
		for (int c = 0; c < CPU_SETSIZE && found < 2; c++)
			if (CPU_ISSET(c, &allowed))
				cpu[found++] = c;
	}
	int pinned = found == 2;
	if (pinned) {
		cpu_set_t mine;
		CPU_ZERO(&mine);
		CPU_SET(cpu[0], &mine);
		if (sched_setaffinity(0, sizeof(mine), &mine))
			fail("sched_setaffinity: %s", strerror(errno));
	}

	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	if (use_sqpoll) {
		p.flags = IORING_SETUP_SQPOLL;
		p.sq_thread_idle = 2000;
		if (pinned) {
			p.flags |= IORING_SETUP_SQ_AFF;
			p.sq_thread_cpu = (unsigned)cpu[1];
		}
	}
	int ret = io_uring_queue_init_params(RING_ENTRIES, &ring, &p);
	if (ret == -EPERM || ret == -EINVAL)
		not_available("SQPOLL ring refused: %s", strerror(-ret));
	if (ret < 0)
		fail("queue_init_params: %s", strerror(-ret));

	static struct io_uring_cqe *cqes[RING_ENTRIES];
	static unsigned char seen[RING_ENTRIES];
	uint64_t next = 1, done = 0, spins = 0;
	unsigned long warmup = 16ul * batch;
	double t0 = 0;
	ops += warmup;
	while (done < ops) {
		if (done == warmup)
			t0 = now_sec();
		uint64_t base = next;
		for (unsigned i = 0; i < batch; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
			if (!sqe)
				fail("sqpoll: get_sqe returned NULL");
			io_uring_prep_nop(sqe);
			io_uring_sqe_set_data(sqe, (void *)(uintptr_t)next++);
		}
		ret = io_uring_submit(&ring);
		/* Under SQPOLL the count is what the kernel thread had not consumed at that
		 * moment (2.3 returns tail - khead): more or less than this batch. */
		if (use_sqpoll ? ret < 0 : ret != (int)batch)
			fail("sqpoll: submit returned %d for a batch of %u", ret, batch);
		unsigned got = 0;
		memset(seen, 0, batch);
		while (got < batch) {
			unsigned ready = io_uring_cq_ready(&ring);
			if (!ready) {
				/* two shared cores: let the SQ thread run if we share its CPU */
				if ((++spins & 1023) == 0)
					sched_yield();
				continue;
			}
			unsigned n = io_uring_peek_batch_cqe(&ring, cqes, batch - got);
			for (unsigned i = 0; i < n; i++) {
				uint64_t idx = (uint64_t)(uintptr_t)io_uring_cqe_get_data(cqes[i]) - base;
				if (idx >= batch || seen[idx] || cqes[i]->res != 0)
					fail("sqpoll: unexpected completion user_data=%llu res=%d",
					     (unsigned long long)(idx + base), cqes[i]->res);
				seen[idx] = 1;
			}
			io_uring_cq_advance(&ring, n);
			got += n;
		}
		done += got;
	}
	double t1 = now_sec();
	if (done != ops)
		fail("sqpoll: %llu completions for %lu NOPs", (unsigned long long)done, ops);
	io_uring_queue_exit(&ring);
	printf("RESULT ops_per_sec %.0f\n", (double)(ops - warmup) / (t1 - t0));
	return 0;
}
