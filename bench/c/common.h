/*
 * Shared helpers for the C benchmarks.
 *
 * Every benchmark source here is compiled twice: once against Debian's liburing 2.3
 * (the reference) and once against this project's include/ + liburing.so. Only the
 * liburing 2.3 API is used in shared code. Output is one or more lines
 *     RESULT <key> <value>
 * that bench/tools/report.py collects; anything else is informational. A wrong answer
 * (a completion that does not match what was submitted, a block with the wrong bytes,
 * an echo that differs from what was sent) prints "FAIL: ..." and exits 1.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_OURS
#define BENCH_LIB "ours"
#else
#define BENCH_LIB "reference"
#endif

__attribute__((format(printf, 1, 2), noreturn)) static void fail(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "FAIL[%s]: ", BENCH_LIB);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* A missing capability: the runner prints "n/a" for the row (exit code 77). */
__attribute__((format(printf, 1, 2), noreturn, unused)) static void not_available(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "N/A[%s]: ", BENCH_LIB);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	printf("NA\n");
	exit(77);
}

static inline double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

__attribute__((unused)) static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return dflt;
	char *end;
	unsigned long r = strtoul(v, &end, 0);
	if (*end)
		fail("bad value for %s: %s", name, v);
	return r;
}

__attribute__((unused)) static unsigned long arg_ulong(const char *s)
{
	char *end;
	unsigned long r = strtoul(s, &end, 0);
	if (!*s || *end)
		fail("bad number: %s", s);
	return r;
}

/* xorshift64*: a deterministic stream of random block numbers, same for every variant. */
static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* The data file's content: the 8-byte word at byte offset `off` (a multiple of 8). */
static inline uint64_t pattern_word(uint64_t off)
{
	return (off * 0x9E3779B97F4A7C15ULL) ^ 0x0123456789ABCDEFULL;
}

static inline void pattern_fill(void *buf, uint64_t off, size_t len)
{
	uint64_t *w = buf;
	for (size_t i = 0; i < len / 8; i++)
		w[i] = pattern_word(off + i * 8);
}

/* Returns the index of the first wrong word, or -1 if the whole block is right. */
static inline long pattern_check(const void *buf, uint64_t off, size_t len)
{
	const uint64_t *w = buf;
	for (size_t i = 0; i < len / 8; i++)
		if (w[i] != pattern_word(off + i * 8))
			return (long)i;
	return -1;
}

#endif
