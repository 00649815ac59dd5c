/*
 * Threading contract, reads: one reaper thread, 1 and 4 submitter threads,
 * four ways of reaping, with and without CQ overflow; every read's bytes
 * are checked against the temp file's known content.  See
 * thread_contract.h.
 */
#include "thread_contract.h"

int main(void)
{
	return tc_main(TC_READ, true, true);
}
