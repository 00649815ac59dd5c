/*
 * Self-check (see tests/c_programs.rs): a signed integer overflow must be
 * reported by UndefinedBehaviorSanitizer, and end the program
 * (-fno-sanitize-recover).
 *
 * c-test-self-check: asan
 */
#include <limits.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	volatile int big = INT_MAX;
	int sum = big + argc;	/* INT_MAX + 1 */

	(void)argv;
	printf("%d\n", sum);
	return 0;
}
