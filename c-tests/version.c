/*
 * Library and header version: 2.15.  io_uring_check_version and the
 * IO_URING_CHECK_VERSION macro return true when the requested version is
 * NEWER than the library / headers.
 */
#include "test.h"

#if !T_NEW_API
int main(void)
{
	t_skip("version functions need a liburing 2.4+ header");
}
#else

#if IO_URING_VERSION_MAJOR != 2 || IO_URING_VERSION_MINOR != 15
#error "expected a liburing 2.15 header"
#endif
#if IO_URING_CHECK_VERSION(2, 15)
#error "IO_URING_CHECK_VERSION(2, 15) should be false"
#endif
#if !IO_URING_CHECK_VERSION(2, 16)
#error "IO_URING_CHECK_VERSION(2, 16) should be true"
#endif
#if IO_URING_CHECK_VERSION(2, 3) || IO_URING_CHECK_VERSION(1, 99)
#error "IO_URING_CHECK_VERSION of an older version should be false"
#endif
#if !IO_URING_CHECK_VERSION(3, 0)
#error "IO_URING_CHECK_VERSION(3, 0) should be true"
#endif

_Static_assert(IO_URING_CHECK_VERSION(2, 16), "usable in constant expressions");

int main(void)
{
	EXPECT_EQ(io_uring_major_version(), 2);
	EXPECT_EQ(io_uring_minor_version(), 15);

	EXPECT_EQ(io_uring_check_version(2, 15), false);
	EXPECT_EQ(io_uring_check_version(2, 16), true);
	EXPECT_EQ(io_uring_check_version(2, 3), false);
	EXPECT_EQ(io_uring_check_version(2, 0), false);
	EXPECT_EQ(io_uring_check_version(1, 99), false);
	EXPECT_EQ(io_uring_check_version(3, 0), true);
	EXPECT_EQ(io_uring_check_version(2, 100), true);

	/* Runtime and compile-time answers agree. */
	EXPECT_EQ(io_uring_check_version(2, 15), IO_URING_CHECK_VERSION(2, 15));
	EXPECT_EQ(io_uring_check_version(2, 16), IO_URING_CHECK_VERSION(2, 16));
	EXPECT_EQ(io_uring_check_version(2, 3), IO_URING_CHECK_VERSION(2, 3));
	EXPECT_EQ(io_uring_check_version(3, 0), IO_URING_CHECK_VERSION(3, 0));
	EXPECT_EQ(io_uring_major_version(), IO_URING_VERSION_MAJOR);
	EXPECT_EQ(io_uring_minor_version(), IO_URING_VERSION_MINOR);
	return t_done();
}
#endif
