/*
 * Threading contract, NOPs: one reaper thread, 1 and 4 submitter threads,
 * four ways of reaping, with and without CQ overflow.  See
 * thread_contract.h.
 */
#include "thread_contract.h"

int main(void)
{
	return tc_main(TC_NOP, true, true);
}
