/*
 * Instruction budget per liburing function, as a C program sees it (callgrind only).
 *
 *   budget <rounds>          (run under valgrind --tool=callgrind; see tools/budget.py)
 *
 * liburing inlines most per-SQE/CQE helpers into the caller, so their cost cannot be read
 * from a per-function profile. Instead every mode below is one loop of OPS iterations
 * with the same shape, and the runner subtracts a base mode that differs only by the call
 * under test: mode - base = the instructions that call adds to the caller, whether it is
 * inlined (the references' header) or an exported function (ours: argument set-up, call,
 * PLT jump, body, return).
 *
 * Each mode runs `rounds` rounds and then 2 x `rounds` rounds, each bracketed by
 * CALLGRIND_ZERO_STATS / CALLGRIND_DUMP_STATS_AT("<mode> <rounds>"), after one warm-up
 * round (page faults, lazy binding). The runner takes (dump 2R - dump R) / (R * OPS).
 * The same source is built against 2.3, 2.15 and ours; a function a library lacks is
 * All functions measured exist in 2.3 too.
 *
 * Every mode checks what it can (a NULL SQE, a submit count, a CQE count) and fails with
 * exit 1 otherwise.
 */
#include "common.h"
#include <liburing.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <valgrind/callgrind.h>

#define OPS 64
#define RING_ENTRIES 128

/* Keeps a value (and the memory it points to) observable without costing an instruction. */
#define SINK(p) __asm__ volatile("" : : "r"(p) : "memory")

static struct io_uring ring;
static struct io_uring_sqe *fixed_sqe; /* a slot we own, for the preparer modes */
static struct io_uring_cqe *cqes[OPS];
static struct io_uring_cqe dummy_cqe; /* a non-NULL CQE pointer for the modes that do not read one */
static char buf[4096];
static struct iovec iov = { buf, sizeof(buf) };
static struct sockaddr_storage addr;
static socklen_t addrlen = sizeof(addr);

/* Gives back the SQEs taken by get_sqe without submitting them (same struct layout in
 * all three libraries: sq.sqe_tail is the local tail). Done once per round by every
 * submission-side mode, so it cancels out. */
__attribute__((noinline)) static void unget_sqes(void)
{
	ring.sq.sqe_tail = ring.sq.sqe_head;
}

/* Queues OPS NOPs and submits them; they complete inline, so OPS CQEs are ready after it.
 * Identical in every completion-side mode (it is one out-of-line function), so it cancels. */
__attribute__((noinline)) static void fill_cq(void)
{
	for (unsigned i = 0; i < OPS; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
		if (!sqe)
			fail("budget: get_sqe NULL while filling");
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, i);
	}
	int ret = io_uring_submit(&ring);
	if (ret != OPS)
		fail("budget: submit returned %d, expected %d", ret, OPS);
	if (io_uring_cq_ready(&ring) != OPS)
		fail("budget: %u CQEs ready after submitting %d NOPs", io_uring_cq_ready(&ring), OPS);
}

__attribute__((noinline)) static void check_empty(void)
{
	if (io_uring_cq_ready(&ring) != 0)
		fail("budget: %u CQEs left after a round", io_uring_cq_ready(&ring));
}

/* One mode: a name and a round function. */
struct mode {
	const char *name;
	void (*round)(void);
};

/* ---- submission side: OPS x (what is measured), then unget_sqes() ---------------------- */

#define SQ_MODE(name, body)                                                  \
	__attribute__((noinline)) static void name(void)                    \
	{                                                                    \
		for (unsigned i = 0; i < OPS; i++) {                         \
			struct io_uring_sqe *sqe = fixed_sqe;                \
			body;                                                \
			SINK(sqe);                                           \
		}                                                            \
		unget_sqes();                                                \
	}

SQ_MODE(sq_base, (void)i)
SQ_MODE(m_get_sqe, sqe = io_uring_get_sqe(&ring); if (!sqe) fail("budget: get_sqe NULL"))
SQ_MODE(m_prep_nop, io_uring_prep_nop(sqe))
SQ_MODE(m_prep_read, io_uring_prep_read(sqe, (int)(i & 7), buf, sizeof(buf), (uint64_t)i << 12))
SQ_MODE(m_prep_write, io_uring_prep_write(sqe, (int)(i & 7), buf, sizeof(buf), (uint64_t)i << 12))
SQ_MODE(m_prep_readv, io_uring_prep_readv(sqe, (int)(i & 7), &iov, 1, (uint64_t)i << 12))
SQ_MODE(m_prep_recv, io_uring_prep_recv(sqe, (int)(i & 7), buf, sizeof(buf), 0))
SQ_MODE(m_prep_send, io_uring_prep_send(sqe, (int)(i & 7), buf, sizeof(buf), 0))
SQ_MODE(m_prep_accept, io_uring_prep_accept(sqe, (int)(i & 7), (struct sockaddr *)&addr, &addrlen, 0))
SQ_MODE(m_set_data64, io_uring_sqe_set_data64(sqe, i))

/* submit / submit_and_wait: base queues OPS NOPs and submits them once; the modes submit
 * after every NOP. Both reap the OPS CQEs with one advance. */
#define SUBMIT_MODE(name, call)                                              \
	__attribute__((noinline)) static void name(void)                    \
	{                                                                    \
		for (unsigned i = 0; i < OPS; i++) {                         \
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);  \
			if (!sqe)                                            \
				fail("budget: get_sqe NULL");                \
			io_uring_prep_nop(sqe);                              \
			call;                                                \
		}                                                            \
		int ret = io_uring_submit(&ring);                            \
		if (ret < 0)                                                 \
			fail("budget: submit %d", ret);                      \
		if (io_uring_cq_ready(&ring) != OPS)                         \
			fail("budget: %u CQEs ready", io_uring_cq_ready(&ring)); \
		io_uring_cq_advance(&ring, OPS);                             \
	}

SUBMIT_MODE(submit_base, (void)0)
SUBMIT_MODE(m_submit, if (io_uring_submit(&ring) != 1) fail("budget: submit != 1"))
SUBMIT_MODE(m_submit_and_wait, if (io_uring_submit_and_wait(&ring, 1) != 1) fail("budget: submit_and_wait != 1"))

/* ---- completion side: fill_cq(), OPS x (what is measured), then check_empty() --------- */

#define CQ_MODE(name, body, after)                                           \
	__attribute__((noinline)) static void name(void)                    \
	{                                                                    \
		fill_cq();                                                   \
		for (unsigned i = 0; i < OPS; i++) {                         \
			struct io_uring_cqe *cqe = cqes[0];                  \
			body;                                                \
			SINK(cqe);                                           \
		}                                                            \
		after;                                                       \
		check_empty();                                               \
	}

static void got(int ret, struct io_uring_cqe *cqe)
{
	if (ret != 0 || !cqe)
		fail("budget: no CQE (%d)", ret);
}

CQ_MODE(cq_base, (void)i, io_uring_cq_advance(&ring, OPS))
CQ_MODE(m_peek_cqe, got(io_uring_peek_cqe(&ring, &cqe), cqe), io_uring_cq_advance(&ring, OPS))
CQ_MODE(m_cq_advance, io_uring_cq_advance(&ring, 1), (void)0)
CQ_MODE(m_cqe_seen, io_uring_cqe_seen(&ring, cqe), (void)0)
CQ_MODE(m_wait_cqe, got(io_uring_wait_cqe(&ring, &cqe), cqe); io_uring_cqe_seen(&ring, cqe), (void)0)
CQ_MODE(m_peek_batch_1,
	unsigned n = io_uring_peek_batch_cqe(&ring, cqes, 1); if (n != 1) fail("budget: peek_batch %u", n);
	io_uring_cq_advance(&ring, 1), (void)0)
CQ_MODE(m_peek_batch_64, if (i == 0) {
		unsigned n = io_uring_peek_batch_cqe(&ring, cqes, OPS);
		if (n != OPS)
			fail("budget: peek_batch %u", n);
	}, io_uring_cq_advance(&ring, OPS))

static const struct mode modes[] = {
	{ "sq_base", sq_base },
	{ "get_sqe", m_get_sqe },
	{ "prep_nop", m_prep_nop },
	{ "prep_read", m_prep_read },
	{ "prep_write", m_prep_write },
	{ "prep_readv", m_prep_readv },
	{ "prep_recv", m_prep_recv },
	{ "prep_send", m_prep_send },
	{ "prep_accept", m_prep_accept },
	{ "sqe_set_data64", m_set_data64 },
	{ "submit_base", submit_base },
	{ "submit", m_submit },
	{ "submit_and_wait", m_submit_and_wait },
	{ "cq_base", cq_base },
	{ "peek_cqe", m_peek_cqe },
	{ "cq_advance", m_cq_advance },
	{ "cqe_seen", m_cqe_seen },
	{ "wait_cqe", m_wait_cqe },
	{ "peek_batch_cqe_1", m_peek_batch_1 },
	{ "peek_batch_cqe_64", m_peek_batch_64 },
};

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3)
		fail("usage: budget <rounds> [mode]");
	unsigned long rounds = arg_ulong(argv[1]);
	int ret = io_uring_queue_init(RING_ENTRIES, &ring, 0);
	if (ret < 0)
		fail("queue_init: %s", strerror(-ret));
	fixed_sqe = io_uring_get_sqe(&ring);
	if (!fixed_sqe)
		fail("budget: no SQE");
	io_uring_prep_nop(fixed_sqe);
	/* keep fixed_sqe's slot out of the way: submit it now and reap it */
	if (io_uring_submit_and_wait(&ring, 1) != 1)
		fail("budget: first submit");
	io_uring_cq_advance(&ring, 1);
	cqes[0] = &dummy_cqe;

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		if (argc == 3 && strcmp(argv[2], modes[m].name))
			continue;
		char label[96];
		modes[m].round(); /* warm-up */
		for (unsigned long mult = 1; mult <= 2; mult++) {
			unsigned long n = rounds * mult;
			CALLGRIND_ZERO_STATS;
			for (unsigned long r = 0; r < n; r++)
				modes[m].round();
			snprintf(label, sizeof(label), "%s %lu", modes[m].name, n);
			CALLGRIND_DUMP_STATS_AT(label);
		}
	}
	io_uring_queue_exit(&ring);
	printf("RESULT ops_per_round %d\n", OPS);
	return 0;
}
