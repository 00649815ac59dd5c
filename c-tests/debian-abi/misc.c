/*
 * c-tests/misc.c built against Debian's liburing 2.3 headers (so with the
 * 2.3 inline helpers) and run against our liburing.so.2.
 *
 * As in ../misc.c, the ring_dontfork child must die of SIGSEGV:
 * c-test-asan-options: handle_segv=0
 */
#include "../test.h"

int test_main(void);

int main(void)
{
	t_require_lib_under_test();
	return test_main();
}

#define main test_main
#include "../misc.c"
