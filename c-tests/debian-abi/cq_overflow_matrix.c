/*
 * c-tests/cq_overflow_matrix.c built against Debian's liburing 2.3 headers and
 * run against our liburing.so.2: the same matrix, with 2.3's inline
 * io_uring_peek_cqe / io_uring_wait_cqe / io_uring_cqe_seen / io_uring_cq_advance
 * (which call our exported __io_uring_get_cqe) and io_uring_for_each_cqe,
 * reaping overflowed completions through our library.  Smaller default sizes
 * than the main program (the environment variables still override them).
 *
 * c-test-memcheck: URING_OVF_ONLY=1-thread URING_OVF_OPS=300 URING_OVF_MSGS=200
 * (valgrind runs one thread at a time: see the main program.)
 */
#include "../test.h"

int test_main(void);

int main(void)
{
	t_require_lib_under_test();
	setenv("URING_OVF_OPS", "2000", 0);
	setenv("URING_OVF_MSGS", "1500", 0);
	return test_main();
}

#define main test_main
#include "../cq_overflow_matrix.c"
