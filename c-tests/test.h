/* Small helpers shared by the C test programs in c-tests/.
 *
 * Conventions: exit 0 = pass, 1 = fail, 77 = skip.  A skipping program
 * prints exactly one line "SKIP: <reason>" on stdout.  Failures are
 * reported on stderr with file:line and the expected / actual values.
 *
 * The programs are written against the liburing 2.15 API, but most of them
 * also build against older headers (Debian's 2.3) so that the tests
 * themselves can be checked against a known-good liburing.  Code that needs
 * a 2.4+ header is put under `#if T_NEW_API`.
 */
#ifndef URING_C_TESTS_TEST_H
#define URING_C_TESTS_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <liburing.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 2.4+ headers come with io_uring_version.h (IO_URING_VERSION_MAJOR). */
#ifdef IO_URING_VERSION_MAJOR
#define T_NEW_API 1
#else
#define T_NEW_API 0
#endif

/* Constants that a 2.3 / Linux 6.1 header may lack (values from the uapi). */
#ifndef IORING_SETUP_NO_MMAP
#define IORING_SETUP_NO_MMAP (1U << 14)
#endif
#ifndef IORING_SETUP_REGISTERED_FD_ONLY
#define IORING_SETUP_REGISTERED_FD_ONLY (1U << 15)
#endif
#ifndef IORING_SETUP_NO_SQARRAY
#define IORING_SETUP_NO_SQARRAY (1U << 16)
#endif
#ifndef IORING_SETUP_HYBRID_IOPOLL
#define IORING_SETUP_HYBRID_IOPOLL (1U << 17)
#endif
#ifndef IORING_SETUP_CQE_MIXED
#define IORING_SETUP_CQE_MIXED (1U << 18)
#endif
#ifndef IORING_SETUP_SQE_MIXED
#define IORING_SETUP_SQE_MIXED (1U << 19)
#endif
#ifndef IORING_SETUP_SQ_REWIND
#define IORING_SETUP_SQ_REWIND (1U << 20)
#endif
#ifndef IORING_FEAT_REG_REG_RING
#define IORING_FEAT_REG_REG_RING (1U << 13)
#endif
#ifndef IORING_FEAT_MIN_TIMEOUT
#define IORING_FEAT_MIN_TIMEOUT (1U << 15)
#endif
#ifndef IORING_FEAT_NO_IOWAIT
#define IORING_FEAT_NO_IOWAIT (1U << 17)
#endif

static int t_failures;

/* errno name of a -errno value for messages ("" for other values). */
static inline __attribute__((unused)) const char *t_errname(long long v)
{
	const char *n;

	if (v >= 0 || v <= -4096)
		return "";
	n = strerrorname_np((int)-v);
	return n ? n : "?";
}

#define T_UNUSED __attribute__((unused))

static inline T_UNUSED __attribute__((format(printf, 3, 4))) void
t_report(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* Print a one-line skip reason and exit 77. */
static inline T_UNUSED __attribute__((noreturn, format(printf, 1, 2))) void
t_skip(const char *fmt, ...)
{
	va_list ap;

	fputs("SKIP: ", stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
	exit(77);
}

/* Informational note (stdout, shown by the runner only on failure). */
#define T_NOTE(...) do { printf("note: " __VA_ARGS__); putchar('\n'); fflush(stdout); } while (0)

/* Non-fatal expectations: record a failure and carry on. */
#define EXPECT(cond) do {						\
	if (!(cond)) {							\
		t_report(__FILE__, __LINE__, "expected: %s", #cond);	\
		t_failures++;						\
	}								\
} while (0)

#define EXPECT_EQ(got, want) do {					\
	long long t_g_ = (long long)(got), t_w_ = (long long)(want);	\
	if (t_g_ != t_w_) {						\
		t_report(__FILE__, __LINE__,				\
			 "%s: expected %lld (%s), got %lld (%s)",	\
			 #got, t_w_, #want, t_g_, t_errname(t_g_));	\
		t_failures++;						\
	}								\
} while (0)

#define EXPECT_EQ_U64(got, want) do {					\
	unsigned long long t_g_ = (unsigned long long)(got);		\
	unsigned long long t_w_ = (unsigned long long)(want);		\
	if (t_g_ != t_w_) {						\
		t_report(__FILE__, __LINE__,				\
			 "%s: expected 0x%llx (%s), got 0x%llx",	\
			 #got, t_w_, #want, t_g_);			\
		t_failures++;						\
	}								\
} while (0)

/* Fatal checks: report and exit 1 at once. */
#define CHECK(cond) do {						\
	if (!(cond)) {							\
		t_report(__FILE__, __LINE__, "check failed: %s", #cond); \
		exit(1);						\
	}								\
} while (0)

#define CHECK_EQ(got, want) do {					\
	long long t_g_ = (long long)(got), t_w_ = (long long)(want);	\
	if (t_g_ != t_w_) {						\
		t_report(__FILE__, __LINE__,				\
			 "%s: expected %lld (%s), got %lld (%s)",	\
			 #got, t_w_, #want, t_g_, t_errname(t_g_));	\
		exit(1);						\
	}								\
} while (0)

#define CHECK_EQ_U64(got, want) do {					\
	unsigned long long t_g_ = (unsigned long long)(got);		\
	unsigned long long t_w_ = (unsigned long long)(want);		\
	if (t_g_ != t_w_) {						\
		t_report(__FILE__, __LINE__,				\
			 "%s: expected 0x%llx (%s), got 0x%llx",	\
			 #got, t_w_, #want, t_g_);			\
		exit(1);						\
	}								\
} while (0)

#define FAIL(...) do { t_report(__FILE__, __LINE__, __VA_ARGS__); exit(1); } while (0)

/* Exit status for the end of main(). */
static inline T_UNUSED int t_done(void)
{
	if (t_failures) {
		fprintf(stderr, "%d expectation(s) failed\n", t_failures);
		return 1;
	}
	return 0;
}

/* errno name for messages, e.g. t_err(-22) == "EINVAL". */
static inline T_UNUSED const char *t_err(int neg)
{
	const char *n;

	if (neg >= 0)
		return "ok";
	n = strerrorname_np(-neg);
	return n ? n : "?";
}

/*
 * Sanitizers and valgrind (the "[asan+ubsan]" and "[valgrind ...]" runs of
 * c_programs).  T_ASAN: built with AddressSanitizer.  t_on_valgrind(): the
 * program runs under valgrind now.
 */
#if defined(__SANITIZE_ADDRESS__)
#define T_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_ASAN 1
#endif
#endif
#ifndef T_ASAN
#define T_ASAN 0
#endif

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define T_HAVE_VALGRIND_H 1
#endif
#endif

static inline T_UNUSED bool t_on_valgrind(void)
{
#ifdef T_HAVE_VALGRIND_H
	return RUNNING_ON_VALGRIND != 0;
#else
	return false;
#endif
}

/*
 * Around a call that hands the kernel a bad pointer on purpose, to check
 * that the error comes back: memcheck checks the memory that system call
 * arguments point to and would report the very pointer the test means.
 * Error reporting is off between the two calls (this thread only).
 */
static inline T_UNUSED void t_bad_pointer_begin(void)
{
#ifdef T_HAVE_VALGRIND_H
	VALGRIND_DISABLE_ERROR_REPORTING;
#endif
}

static inline T_UNUSED void t_bad_pointer_end(void)
{
#ifdef T_HAVE_VALGRIND_H
	VALGRIND_ENABLE_ERROR_REPORTING;
#endif
}

/*
 * Number of entries in /proc/self/fd (excluding . and ..).  Under valgrind
 * its own descriptors (the program file, pipes, its /proc stand-ins) sit at
 * or above the soft RLIMIT_NOFILE it shows the program, and come and go:
 * only those below are counted there.
 */
static inline T_UNUSED int t_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long limit = -1;
	int n = 0;

	if (t_on_valgrind()) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			limit = (long)rl.rlim_cur;
	}
	if (!d) {
		perror("opendir /proc/self/fd");
		exit(1);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (limit >= 0 && strtol(e->d_name, NULL, 10) >= limit)
			continue;
		n++;
	}
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

/*
 * The number of mappings in /proc/self/maps.  Under AddressSanitizer the
 * sanitizer's allocator, and under valgrind valgrind itself, map (and split)
 * anonymous memory of their own in the same address space as the program
 * goes, so there only the mappings with a name are counted: the rings and
 * SQEs the kernel maps from an io_uring fd, files, huge pages.  The plain
 * runs count every mapping.
 */
static inline T_UNUSED int t_count_maps(void)
{
	char buf[4096];
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	bool named_only = T_ASAN || t_on_valgrind();
	int lines = 0;
	/* Per line: fields seen so far, and whether we are inside one. */
	int field = 0;
	bool in_field = false;
	ssize_t n;

	if (fd < 0) {
		perror("open /proc/self/maps");
		exit(1);
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				/* Field 6 is the name; anonymous mappings have none. */
				lines += !named_only || field >= 6;
				field = 0;
				in_field = false;
			} else if (buf[i] == ' ') {
				in_field = false;
			} else if (!in_field) {
				in_field = true;
				field++;
			}
		}
	}
	close(fd);
	return lines;
}

/* Monotonic clock in nanoseconds. */
static inline T_UNUSED uint64_t t_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A "Key:  <n> kB" field of /proc/self/status (VmRSS, VmHWM, ...) in KiB, or -1. */
static inline T_UNUSED long t_status_kb(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f) {
		perror("/proc/self/status");
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* An unsigned environment variable (decimal, 0x hex), or `def` when unset or empty. */
static inline T_UNUSED unsigned long t_env_ulong(const char *name, unsigned long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

static inline T_UNUSED void t_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * io_uring_queue_init() that turns "io_uring is not available here"
 * (-ENOSYS, -EPERM from io_uring_disabled) into a skip.
 */
static inline T_UNUSED void t_init(unsigned entries, struct io_uring *ring,
				   unsigned flags)
{
	int ret = io_uring_queue_init(entries, ring, flags);

	if (ret == -ENOSYS || (ret == -EPERM && flags == 0))
		t_skip("io_uring not available (%s)", t_err(ret));
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init(%u, flags 0x%x) = %d (%s)\n",
			entries, flags, ret, t_err(ret));
		exit(1);
	}
}

/* Fetch an SQE or fail. */
static inline T_UNUSED struct io_uring_sqe *t_get_sqe(struct io_uring *ring,
						      const char *file, int line)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		t_report(file, line, "io_uring_get_sqe returned NULL");
		exit(1);
	}
	return sqe;
}
#define T_GET_SQE(ring) t_get_sqe((ring), __FILE__, __LINE__)

/*
 * Queue one NOP with user_data, submit it, wait for its CQE (1 s timeout)
 * and check res == 0 and user_data.  Returns 0 on success, -1 after
 * printing what went wrong (prefixed by `what`).
 */
static inline T_UNUSED int t_nop_roundtrip(struct io_uring *ring, __u64 ud,
					   const char *what)
{
	struct __kernel_timespec ts = { .tv_sec = 1, .tv_nsec = 0 };
	struct io_uring_cqe *cqe = NULL;
	struct io_uring_sqe *sqe;
	int ret;

	sqe = io_uring_get_sqe(ring);
	if (!sqe) {
		fprintf(stderr, "%s: io_uring_get_sqe returned NULL\n", what);
		return -1;
	}
	io_uring_prep_nop(sqe);
	io_uring_sqe_set_data64(sqe, ud);
	ret = io_uring_submit(ring);
	/* Under SQPOLL the count is everything the SQ thread has not taken yet
	 * (tail - head): more than 1 when its head trails the CQEs it already
	 * posted, 0 when an awake SQ thread took the NOP before the head was read. */
	if (ret != 1 && !((ring->flags & IORING_SETUP_SQPOLL) && ret >= 0)) {
		fprintf(stderr, "%s: io_uring_submit = %d (%s), expected 1\n",
			what, ret, t_err(ret));
		return -1;
	}
	ret = io_uring_wait_cqe_timeout(ring, &cqe, &ts);
	if (ret != 0 || !cqe) {
		fprintf(stderr, "%s: io_uring_wait_cqe_timeout = %d (%s), cqe %p\n",
			what, ret, t_err(ret), (void *)cqe);
		return -1;
	}
	if (cqe->res != 0 || cqe->user_data != ud) {
		fprintf(stderr, "%s: NOP cqe res %d user_data 0x%llx, expected res 0 user_data 0x%llx\n",
			what, cqe->res, (unsigned long long)cqe->user_data,
			(unsigned long long)ud);
		io_uring_cqe_seen(ring, cqe);
		return -1;
	}
	io_uring_cqe_seen(ring, cqe);
	if (io_uring_cq_ready(ring) != 0) {
		fprintf(stderr, "%s: cq_ready %u after consuming the NOP\n",
			what, io_uring_cq_ready(ring));
		return -1;
	}
	return 0;
}

/*
 * For c-tests/debian-abi/: prove that the liburing.so.2 mapped into this
 * process is the one named by $URING_LIB_UNDER_TEST (symlinks resolved on
 * both sides).  Skips (exit 77) when the variable is unset, fails when the
 * library is not mapped.
 */
static inline T_UNUSED void t_require_lib_under_test(void)
{
	const char *want_env = getenv("URING_LIB_UNDER_TEST");
	char want[4096], got[4096], line[8192];
	FILE *f;
	int found = 0;

	if (!want_env || !*want_env)
		t_skip("URING_LIB_UNDER_TEST is not set");
	if (!realpath(want_env, want)) {
		fprintf(stderr, "URING_LIB_UNDER_TEST=%s: %s\n", want_env, strerror(errno));
		exit(1);
	}
	f = fopen("/proc/self/maps", "re");
	if (!f) {
		perror("/proc/self/maps");
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		char *path = strchr(line, '/');
		char *nl, *base;

		if (!path)
			continue;
		nl = strchr(path, '\n');
		if (nl)
			*nl = 0;
		base = strrchr(path, '/') + 1;
		if (strncmp(base, "liburing", 8) == 0 && realpath(path, got)) {
			if (strcmp(got, want) == 0) {
				found = 1;
			} else {
				fprintf(stderr, "another liburing is mapped: %s (expected only %s)\n",
					got, want);
				fclose(f);
				exit(1);
			}
		}
	}
	fclose(f);
	if (!found) {
		fprintf(stderr, "%s is not mapped into this process (LD_LIBRARY_PATH=%s)\n",
			want, getenv("LD_LIBRARY_PATH") ? getenv("LD_LIBRARY_PATH") : "(unset)");
		exit(1);
	}
}

#endif
