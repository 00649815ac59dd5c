/*
 * Reproducer, without any io_uring library: the kernel may write to the
 * caller memory of an IORING_SETUP_NO_MMAP ring after the ring fd is closed.
 *
 * Each cycle sets a NO_MMAP ring up on the same static buffer, runs a few
 * NOPs, and closes the fd.  The kernel frees a ring asynchronously after its
 * last fd is closed, and that teardown stores the old ring's CQ tail into the
 * ring memory -- which by then may already hold the next ring.  The next
 * ring then sees a CQ tail it never produced (and waits on it can hang).
 *
 * Found by c-tests/leak_soak.c; see docs/reliability.md.  Build and run:
 *   cc -O2 -Iinclude tools/nommap-reuse-race.c -o /tmp/nommap-reuse-race
 *   /tmp/nommap-reuse-race [cycles]
 * Exit 1 (with the cycle) when a fresh ring starts with a stale CQ tail,
 * 0 when none did.
 */
#define _GNU_SOURCE
#include <liburing/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char mem[64 * 1024] __attribute__((aligned(4096)));

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000;

	alarm(60); /* a stale tail can make a wait hang */
	for (int i = 0; i < n; i++) {
		struct io_uring_params p;
		struct io_uring_sqe *sqes = (void *)mem;
		char *rings = mem + 4096;
		unsigned k = (unsigned)i % 7 + 1, t;
		volatile unsigned *cq_head, *cq_tail, *sq_tail;
		int fd, ret;

		memset(&p, 0, sizeof(p));
		p.flags = IORING_SETUP_NO_MMAP | IORING_SETUP_NO_SQARRAY;
		p.sq_off.user_addr = (uint64_t)(uintptr_t)sqes;
		p.cq_off.user_addr = (uint64_t)(uintptr_t)rings;
		fd = (int)syscall(__NR_io_uring_setup, 8, &p);
		if (fd < 0) {
			perror("io_uring_setup(NO_MMAP|NO_SQARRAY)");
			return 2;
		}
		cq_head = (volatile unsigned *)(rings + p.cq_off.head);
		cq_tail = (volatile unsigned *)(rings + p.cq_off.tail);
		sq_tail = (volatile unsigned *)(rings + p.sq_off.tail);
		if (*cq_head != 0 || *cq_tail != 0) {
			/* The earlier rings posted 1..7 CQEs each; this one none yet. */
			printf("cycle %d: a fresh ring has CQ head %u, tail %u: written by an earlier ring's teardown\n",
			       i, *cq_head, *cq_tail);
			return 1;
		}
		t = *sq_tail;
		for (unsigned j = 0; j < k; j++) {
			memset(&sqes[(t + j) & 7], 0, sizeof(sqes[0]));
			sqes[(t + j) & 7].opcode = IORING_OP_NOP;
		}
		__atomic_store_n(sq_tail, t + k, __ATOMIC_RELEASE);
		ret = (int)syscall(__NR_io_uring_enter, fd, k, k, IORING_ENTER_GETEVENTS, NULL, 0);
		if (ret != (int)k) {
			printf("cycle %d: io_uring_enter = %d\n", i, ret);
			return 2;
		}
		__atomic_store_n(cq_head, *cq_tail, __ATOMIC_RELEASE);
		close(fd);
	}
	printf("%d cycles: no fresh ring saw a stale CQ tail\n", n);
	return 0;
}
