/*
 * Self-check (see tests/c_programs.rs): a probe that our library allocated
 * and the program never frees must be reported as a leak, by LeakSanitizer
 * and by memcheck.  This proves that the library's own heap (Rust's
 * allocations go through malloc) is tracked by both.
 *
 * c-test-self-check: asan,memcheck
 */
#include <liburing.h>
#include <stdio.h>

/* Not inlined, so that no pointer to the probe is left in main's frame. */
static __attribute__((noinline)) int lose_a_probe(void)
{
	struct io_uring_probe *probe = io_uring_get_probe();

	return probe != NULL;
}

int main(void)
{
	if (!lose_a_probe()) {
		printf("SKIP: io_uring_get_probe failed: nothing was allocated\n");
		return 77;
	}
	return 0;
}
