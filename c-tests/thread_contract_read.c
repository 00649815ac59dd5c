/*
 * Threading contract, reads: one reaper thread, 1 and 4 submitter threads,
 * four ways of reaping, with and without CQ overflow; every read's bytes
 * are checked against the temp file's known content.  See
 * thread_contract.h.
 *
 * About 8-14 s on 2 cores (both programs at once); the limit leaves room
 * for a loaded machine.  Under valgrind it runs with a small count.
 *
 * c-test-timeout: 150
 * c-test-asan: URING_CONTRACT_OPS=100000
 * c-test-valgrind: memcheck,helgrind,drd URING_CONTRACT_OPS=10000 URING_CONTRACT_NO_BLOCK=1
 */
#include "thread_contract.h"

int main(void)
{
	return tc_main(TC_READ, true, true);
}
