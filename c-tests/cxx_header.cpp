/*
 * <liburing.h> must be usable from C++: anonymous unions in the uapi
 * structs, the std::atomic based barrier helpers and io_uring_for_each_cqe.
 *
 * Build: g++ -std=c++17 -Wall -Wextra -Werror -I include c-tests/cxx_header.cpp
 * Nothing here touches the kernel; the ring is faked in memory.
 */
#include <liburing.h>

#include <cstring>

/* Walk the ready CQEs the way applications do; returns the slots seen. */
static unsigned count_ready(struct io_uring *ring, unsigned long long *sum)
{
	unsigned head;
	struct io_uring_cqe *cqe;
	unsigned slots = 0;

	io_uring_for_each_cqe(ring, head, cqe) {
		*sum += cqe->user_data;
		slots += (cqe->flags & IORING_CQE_F_32) ? 2 : 1;
	}
	return slots;
}

/* Same, but never reading 'head': must not warn about an unused variable. */
static unsigned count_entries(struct io_uring *ring)
{
	unsigned head;
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	io_uring_for_each_cqe(ring, head, cqe)
		n++;
	return n;
}

int main()
{
	struct io_uring_sqe sqe;
	std::memset(&sqe, 0, sizeof(sqe));
	sqe.opcode = IORING_OP_READV;
	sqe.rw_flags = 0;
	sqe.addr3 = 0;
	sqe.cmd_op = SOCKET_URING_OP_GETSOCKOPT;
	sqe.optval = 0;
	sqe.buf_group = 7;
	sqe.file_index = IORING_FILE_INDEX_ALLOC;
	struct io_uring_sqe *psqe = &sqe;
	psqe->rw_flags = RWF_NOWAIT;
	if (psqe->buf_index != 7 || psqe->cmd[0] != 0)
		return 1;

	/* A fake 8-entry CQ (CQE_MIXED style) holding 3 CQEs in 4 slots. */
	struct io_uring_cqe cqes[8 * 2];
	std::memset(cqes, 0, sizeof(cqes));
	unsigned khead = 6, ktail = 10;
	for (unsigned i = 0; i < 8; i++)
		cqes[i].user_data = i;
	cqes[7].flags = IORING_CQE_F_32;	/* index 7 takes slots 7 and 0 */

	struct io_uring ring;
	std::memset(&ring, 0, sizeof(ring));
	ring.sq.ring_entries = 8;
	ring.cq.khead = &khead;
	ring.cq.ktail = &ktail;
	ring.cq.cqes = cqes;
	ring.cq.ring_mask = 7;
	ring.cq.ring_entries = 8;
	ring.flags = IORING_SETUP_CQE_MIXED;

	unsigned long long sum = 0;
	/* indices 6, 7 (F_32, spans 7..8), 9 -> user_data 6 + 7 + 1 */
	if (count_ready(&ring, &sum) != 4 || sum != 14)
		return 2;
	if (count_entries(&ring) != 3)
		return 3;
	/* F_32 only spans two slots on a CQE_MIXED ring (docs/security.md). */
	ring.flags = 0;
	if (count_entries(&ring) != 4)
		return 7;
	ring.flags = IORING_SETUP_CQE_MIXED;

	IO_URING_WRITE_ONCE(khead, 0);
	io_uring_smp_store_release(&ktail, 0U);
	io_uring_smp_mb();
	if (IO_URING_READ_ONCE(ktail) != io_uring_smp_load_acquire(&khead))
		return 4;
	if (count_entries(&ring) != 0)
		return 5;
	if (ring.sq.ring_entries != 8)
		return 6;

	static_assert(sizeof(struct io_uring) == 216, "struct io_uring");
	static_assert(sizeof(struct io_uring_sqe) == 64, "struct io_uring_sqe");
	static_assert(!IO_URING_CHECK_VERSION(2, 15), "version check");
	return 0;
}
