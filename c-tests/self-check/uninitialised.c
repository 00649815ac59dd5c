/*
 * Self-check (see tests/c_programs.rs): a branch on heap memory nobody
 * wrote must be reported by memcheck (the sanitizer build cannot see it:
 * gcc has no MemorySanitizer).
 *
 * c-test-self-check: memcheck
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *block = malloc(16);
	int value;

	if (!block)
		return 1;
	/* Hidden from the compiler, which would warn that it is unset. */
	__asm__ volatile("" : "+r"(block));
	memcpy(&value, block + 4, sizeof(value));
	if (value == 42)
		printf("42\n");
	free(block);
	return 0;
}
