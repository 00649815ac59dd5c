/*
 * c-tests/leak.c built against Debian's liburing 2.3 headers (so with the
 * 2.3 inline helpers) and run against our liburing.so.2.
 */
#include "../test.h"

int test_main(void);

int main(void)
{
	t_require_lib_under_test();
	return test_main();
}

#define main test_main
#include "../leak.c"
