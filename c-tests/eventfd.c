/*
 * Eventfd notification and io_uring_cq_eventfd_toggle.
 */
#include "test.h"
#include <sys/eventfd.h>

static uint64_t drain(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

int main(void)
{
	struct io_uring ring;
	int efd, ret;

	t_init(8, &ring, 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	CHECK(efd >= 0);

	/* Without a cq.kflags word, toggling is unsupported. */
	if (!ring.cq.kflags) {
		EXPECT(io_uring_cq_eventfd_enabled(&ring));
		EXPECT_EQ(io_uring_cq_eventfd_toggle(&ring, false), -EOPNOTSUPP);
		EXPECT_EQ(io_uring_cq_eventfd_toggle(&ring, true), 0);
		t_skip("kernel has no CQ flags word");
	}

	CHECK_EQ(io_uring_register_eventfd(&ring, efd), 0);
	EXPECT(io_uring_cq_eventfd_enabled(&ring));

	CHECK_EQ(t_nop_roundtrip(&ring, 1, "eventfd on"), 0);
	EXPECT(drain(efd) >= 1);

	/* off: no notification */
	EXPECT_EQ(io_uring_cq_eventfd_toggle(&ring, false), 0);
	EXPECT(!io_uring_cq_eventfd_enabled(&ring));
	EXPECT(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED);
	EXPECT_EQ(io_uring_cq_eventfd_toggle(&ring, false), 0);	/* already off */
	CHECK_EQ(t_nop_roundtrip(&ring, 2, "eventfd off"), 0);
	EXPECT_EQ(drain(efd), 0);

	/* on again */
	EXPECT_EQ(io_uring_cq_eventfd_toggle(&ring, true), 0);
	EXPECT(io_uring_cq_eventfd_enabled(&ring));
	EXPECT(!(*ring.cq.kflags & IORING_CQ_EVENTFD_DISABLED));
	EXPECT_EQ(io_uring_cq_eventfd_toggle(&ring, true), 0);
	CHECK_EQ(t_nop_roundtrip(&ring, 3, "eventfd on again"), 0);
	EXPECT(drain(efd) >= 1);

	ret = io_uring_unregister_eventfd(&ring);
	EXPECT_EQ(ret, 0);
	EXPECT_EQ(io_uring_unregister_eventfd(&ring), -ENXIO);
	CHECK_EQ(t_nop_roundtrip(&ring, 4, "eventfd unregistered"), 0);
	EXPECT_EQ(drain(efd), 0);

	/* registering twice: -EBUSY */
	CHECK_EQ(io_uring_register_eventfd(&ring, efd), 0);
	EXPECT_EQ(io_uring_register_eventfd(&ring, efd), -EBUSY);
	EXPECT_EQ(io_uring_unregister_eventfd(&ring), 0);

	close(efd);
	io_uring_queue_exit(&ring);
	return t_done();
}
