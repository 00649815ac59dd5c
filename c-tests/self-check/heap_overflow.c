/*
 * Self-check (see tests/c_programs.rs): a read past the end of a heap
 * block must be reported, by AddressSanitizer and by memcheck.
 *
 * c-test-self-check: asan,memcheck
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *block = malloc(16);
	char copy[16];

	if (!block)
		return 1;
	memset(block, 1, 16);
	/* Hidden from the compiler (and UBSan's object-size check), so that the
	 * read reaches AddressSanitizer's check. */
	__asm__ volatile("" : "+r"(block));
	memcpy(copy, block + 8, sizeof(copy));	/* bytes 16..23 are not the block's */
	printf("%d\n", copy[15]);
	free(block);
	return 0;
}
