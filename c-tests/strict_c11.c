/* The header in strict ISO C11 (-std=c11 -Wall -Wextra -Werror, no feature-test macro): a
 * program that includes only <liburing.h> compiles warning-free and works. */
#include <liburing.h>

int main(void)
{
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	unsigned head, seen = 0;

	if (io_uring_queue_init(4, &ring, 0) < 0)
		return 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, 42);
	if (io_uring_submit_and_wait(&ring, 1) != 1)
		return 1;
	io_uring_for_each_cqe(&ring, head, cqe) {
		if (cqe->user_data != 42 || cqe->res != 0)
			return 1;
		seen++;
	}
	io_uring_cq_advance(&ring, seen);
	io_uring_queue_exit(&ring);
	return seen == 1 ? 0 : 1;
}
