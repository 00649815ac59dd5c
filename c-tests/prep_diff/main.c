/* Differential preparer test: our exported io_uring_prep_* (main.c is compiled
 * against our include/ and linked to our liburing) against the inline preparers of
 * Debian's liburing 2.3 (ref.c, compiled against /usr/include), on identically
 * pre-filled 64-byte SQEs, comparing all 64 bytes.
 *
 * liburing 2.3's io_uring_prep_rw cleared flags, ioprio, rw_flags, buf_index,
 * personality, file_index, addr3 and __pad2[0] itself; since 2.6 io_uring_get_sqe
 * does that instead and the preparers leave those fields alone.  So each buffer is
 * first filled with a pattern and then has exactly those fields cleared (what
 * get_sqe does), and only then are the two preparers run.
 *
 * Not compared, on purpose:
 *  - the 32 preparers liburing 2.3 does not have (tests/prep_bytes.rs covers them);
 *  - a file_index of IORING_FILE_INDEX_ALLOC passed to accept_direct, openat_direct,
 *    openat2_direct and socket_direct: 2.3 stores ALLOC + 1 (wraps to 0), 2.4 and
 *    later store ALLOC unchanged ("let the kernel pick a slot"), which is what 2.15
 *    and we do.  Every other index is compared.
 *
 * On a mismatch it prints the preparer, the source line and the differing offsets,
 * and exits 1.  Exit 0 when everything matches.
 */
#include <liburing.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ref.h"

#define P(x) ((void *)(uintptr_t)(x))

static const unsigned char patterns[] = { 0xa5, 0x00, 0xff, 0x5a };

static int failures;
static int cases;

/* Fill with a pattern, then clear what io_uring_get_sqe clears. */
static void prefill(unsigned char *s, unsigned char pat)
{
	memset(s, pat, 64);
	s[1] = 0;			/* flags */
	memset(s + 2, 0, 2);		/* ioprio */
	memset(s + 28, 0, 4);		/* rw_flags and friends */
	memset(s + 40, 0, 2);		/* buf_index / buf_group */
	memset(s + 42, 0, 2);		/* personality */
	memset(s + 44, 0, 4);		/* file_index and friends */
	memset(s + 48, 0, 16);		/* addr3, __pad2[0] */
}

static void compare(const char *name, int line, unsigned char pat,
		    const unsigned char *ours, const unsigned char *ref)
{
	int i, bad = 0;

	cases++;
	for (i = 0; i < 64; i++) {
		if (ours[i] == ref[i])
			continue;
		if (!bad)
			fprintf(stderr, "MISMATCH %s (line %d, fill 0x%02x):", name, line, pat);
		fprintf(stderr, " @%d ours=0x%02x ref=0x%02x", i, ours[i], ref[i]);
		bad = 1;
	}
	if (bad) {
		fprintf(stderr, "\n");
		failures++;
	}
}

#define SQE(b) ((struct io_uring_sqe *)(void *)(b))

/* Run io_uring_prep_<name>(sqe, args...) and ref_prep_<name>(sqe, args...). */
#define DIFF(name, ...)							\
	do {								\
		unsigned _p;						\
		for (_p = 0; _p < sizeof(patterns); _p++) {		\
			union { unsigned char b[64]; __u64 align; } _a, _r; \
			prefill(_a.b, patterns[_p]);			\
			prefill(_r.b, patterns[_p]);			\
			io_uring_prep_##name(SQE(_a.b), __VA_ARGS__);	\
			ref_prep_##name(_r.b, __VA_ARGS__);		\
			compare(#name, __LINE__, patterns[_p], _a.b, _r.b); \
		}							\
	} while (0)

/* The same for the argument-less ones. */
#define DIFF0(name)							\
	do {								\
		unsigned _p;						\
		for (_p = 0; _p < sizeof(patterns); _p++) {		\
			union { unsigned char b[64]; __u64 align; } _a, _r; \
			prefill(_a.b, patterns[_p]);			\
			prefill(_r.b, patterns[_p]);			\
			io_uring_prep_##name(SQE(_a.b));		\
			ref_prep_##name(_r.b);				\
			compare(#name, __LINE__, patterns[_p], _a.b, _r.b); \
		}							\
	} while (0)

/* io_uring_prep_rw takes the opcode first. */
#define DIFF_RW(op, ...)						\
	do {								\
		unsigned _p;						\
		for (_p = 0; _p < sizeof(patterns); _p++) {		\
			union { unsigned char b[64]; __u64 align; } _a, _r; \
			prefill(_a.b, patterns[_p]);			\
			prefill(_r.b, patterns[_p]);			\
			io_uring_prep_rw(op, SQE(_a.b), __VA_ARGS__);	\
			ref_prep_rw(op, _r.b, __VA_ARGS__);		\
			compare("rw", __LINE__, patterns[_p], _a.b, _r.b); \
		}							\
	} while (0)

#define PA 0x00007f0123456780ULL
#define PB 0x00007ffedcba9870ULL
#define PC 0x00005555aaaa0008ULL
#define BIG 0x0123456789abcdefULL

int main(void)
{
	static const int fds[] = { 0, 7, -1, -100, 0x7fffffff, (int)0x80000000 };
	unsigned i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		int fd = fds[i];

		DIFF_RW(IORING_OP_READ, fd, P(PA), 4096, BIG);
		DIFF_RW(0x1ff, fd, P(0), 0xffffffffu, ~0ULL);
		DIFF(read, fd, P(PA), 4096, BIG);
		DIFF(read, fd, P(0), 0, ~0ULL);
		DIFF(write, fd, P(PB), 0x87654321u, 0);
		DIFF(readv, fd, P(PA), 3, BIG);
		DIFF(readv2, fd, P(PA), 3, BIG, -2);
		DIFF(readv2, fd, P(PA), 1, 0, 0x1f);
		DIFF(writev, fd, P(PB), 16, 1);
		DIFF(writev2, fd, P(PB), 16, 1, 0x10);
		DIFF(read_fixed, fd, P(PA), 512, BIG, 3);
		DIFF(read_fixed, fd, P(PA), 512, BIG, 0x12345);
		DIFF(write_fixed, fd, P(PB), 512, 0, -1);
		DIFF(splice, 3, -1, fd, 0x1000, 0x10000, 0x80000001u);
		DIFF(splice, fd, 77, 5, -1, 1, 0);
		DIFF(tee, 3, fd, 4096, 4);
		DIFF(tee, fd, 9, 0, 0x80000000u);
		DIFF(recvmsg, fd, P(PA), 0x40);
		DIFF(recvmsg_multishot, fd, P(PA), 0);
		DIFF(sendmsg, fd, P(PB), 0x4000);
		DIFF(sendmsg_zc, fd, P(PB), 0x4000);
		DIFF(poll_add, fd, 0x12345678u);
		DIFF(poll_add, fd, 0x1);
		DIFF(poll_multishot, fd, 0x41);
		DIFF(fsync, fd, 1);
		DIFF(accept, fd, P(PA), P(PB), 0x80800);
		DIFF(accept, fd, P(0), P(0), -1);
		DIFF(accept_direct, fd, P(PA), P(PB), 0, 0);
		DIFF(accept_direct, fd, P(PA), P(PB), 0, 5);
		DIFF(accept_direct, fd, P(PA), P(PB), 0, 0xfffffffeu);
		DIFF(multishot_accept, fd, P(PA), P(PB), 0x800);
		DIFF(multishot_accept_direct, fd, P(0), P(0), 0);
		DIFF(cancel_fd, fd, 1);
		DIFF(cancel_fd, fd, 0);
		DIFF(connect, fd, P(PA), 16);
		DIFF(connect, fd, P(PA), 0xfffffff0u);
		DIFF(fallocate, fd, 3, BIG, 0x100000001ULL);
		DIFF(fallocate, fd, -1, 0, ~0ULL);
		DIFF(openat, fd, P(PA), 0x80241, 0644);
		DIFF(openat, fd, P(PA), -1, 0xffffffffu);
		DIFF(openat_direct, fd, P(PA), 2, 0600, 4);
		DIFF(openat_direct, fd, P(PA), 2, 0600, 0);
		DIFF(close, fd);
		DIFF(statx, fd, P(PA), 0x100, 0x7ff, P(PB));
		DIFF(fadvise, fd, BIG, 0x1000, 4);
		DIFF(fadvise, fd, 0, 0xffffffffu, -1);
		DIFF(send, fd, P(PA), 0x100000010ULL, 0x4000);
		DIFF(send, fd, P(PA), 10, -1);
		DIFF(send_zc, fd, P(PA), 10, 0x40, 0x10009);
		DIFF(send_zc, fd, P(PA), 10, 0, 0);
		DIFF(send_zc_fixed, fd, P(PA), 10, 0x40, 1, 0x10003);
		DIFF(send_zc_fixed, fd, P(PA), 10, 0x40, 0x8, 7);
		DIFF(recv, fd, P(PA), 0x200, 0x100);
		DIFF(recv_multishot, fd, P(0), 0, 0);
		DIFF(openat2, fd, P(PA), P(PB));
		DIFF(openat2_direct, fd, P(PA), P(PB), 6);
		DIFF(epoll_ctl, 9, fd, 2, P(PA));
		DIFF(epoll_ctl, fd, -1, 1, P(0));
		DIFF(provide_buffers, P(PA), 4096, fd, 0x10002, -1);
		DIFF(provide_buffers, P(PA), -1, 16, 3, fd);
		DIFF(remove_buffers, fd, 3);
		DIFF(shutdown, fd, 2);
		DIFF(unlinkat, fd, P(PA), 0x200);
		DIFF(renameat, fd, P(PA), -100, P(PB), 1);
		DIFF(renameat, 3, P(PA), fd, P(PB), 0);
		DIFF(sync_file_range, fd, 0x1000, BIG, 7);
		DIFF(mkdirat, fd, P(PA), 0755);
		DIFF(symlinkat, P(PA), fd, P(PB));
		DIFF(linkat, fd, P(PA), 4, P(PB), 0x400);
		DIFF(linkat, 3, P(PA), fd, P(PB), -1);
		DIFF(msg_ring, fd, 0x77, BIG, 0);
		DIFF(msg_ring, fd, 0xffffffffu, 0, 1);
		DIFF(fgetxattr, fd, P(PA), P(PB), 64);
		DIFF(fsetxattr, fd, P(PA), P(PB), 2, 64);
		DIFF(socket, fd, 0x80801, 6, 0);
		DIFF(socket, 2, fd, -1, 3);
		DIFF(socket_direct, fd, 1, 0, 3, 0);
		DIFF(socket_direct, 2, 1, fd, 0, 1);
		DIFF(socket_direct_alloc, fd, 1, 0, 0);
		DIFF(files_update, P(PA), 4, fd);
	}

	DIFF0(nop);
	DIFF(poll_remove, BIG);
	DIFF(poll_remove, 0);
	DIFF(poll_update, BIG, PA, 0x1, 0x6);
	DIFF(poll_update, 0, ~0ULL, 0xffffffffu, 0);
	DIFF(timeout, P(PA), 0xffffffffu, 0x4);
	DIFF(timeout, P(PA), 0, 0);
	DIFF(timeout_remove, BIG, 0x40);
	DIFF(timeout_update, P(PA), BIG, 0x1);
	DIFF(timeout_update, P(0), 0, 0);
	DIFF(link_timeout, P(PA), 0x10);
	DIFF(cancel64, BIG, 0x11);
	DIFF(cancel64, 0, -1);
	DIFF(cancel, P(PA), 1);
	DIFF(close_direct, 5);
	DIFF(close_direct, 0);
	DIFF(close_direct, 0xffffffffu); /* no ALLOC special case in either */
	DIFF(madvise, P(PA), 0x2000, 3);
	DIFF(madvise, P(0), 0xffffffffu, -1);
	DIFF(send_set_addr, P(PB), 0x1234);
	DIFF(send_set_addr, P(0), 0xffff);
	DIFF(unlink, P(PA), 0);
	DIFF(rename, P(PA), P(PB));
	DIFF(mkdir, P(PA), 0700);
	DIFF(symlink, P(PA), P(PB));
	DIFF(link, P(PA), P(PB), 0x400);
	DIFF(getxattr, P(PA), P(PB), P(PC), 64);
	DIFF(setxattr, P(PA), P(PB), P(PC), 1, 64);

	if (failures) {
		fprintf(stderr, "prep_diff: %d of %d comparisons differ\n", failures, cases);
		return 1;
	}
	printf("prep_diff: %d comparisons, 73 preparers, all identical to liburing 2.3\n", cases);
	return 0;
}
