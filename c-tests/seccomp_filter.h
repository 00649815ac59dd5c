/*
 * A seccomp filter for the tests that need system calls to fail: after
 * t_fail_syscalls(nrs, n, err), each listed call returns -err in this process
 * and its future children.  A filter cannot be removed, so tests install it in
 * a forked child.  x86-64 only (the filter checks the audit architecture).
 */
#ifndef URING_C_TESTS_SECCOMP_FILTER_H
#define URING_C_TESTS_SECCOMP_FILTER_H

#include <errno.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#endif
#ifndef __NR_io_uring_enter
#define __NR_io_uring_enter 426
#endif
#ifndef __NR_io_uring_register
#define __NR_io_uring_register 427
#endif

#define T_MAX_FAILED_SYSCALLS 8

#if defined(__x86_64__) && defined(AUDIT_ARCH_X86_64)
/* Install `prog` for this process and its future children: 0 or -errno. */
static inline __attribute__((unused)) int t_install_filter(const struct sock_fprog *prog)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, prog))
		return -errno;
	return 0;
}
#endif

/* 0, or -errno when the filter cannot be installed here. */
static inline __attribute__((unused)) int t_fail_syscalls(const int *nrs, unsigned n, int err)
{
#if defined(__x86_64__) && defined(AUDIT_ARCH_X86_64)
	struct sock_filter f[6 + T_MAX_FAILED_SYSCALLS];
	struct sock_fprog prog;
	unsigned len = 0;

	if (n == 0 || n > T_MAX_FAILED_SYSCALLS)
		return -EINVAL;
	/* Another architecture's calls have other numbers: let them all through. */
	f[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						offsetof(struct seccomp_data, arch));
	f[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						offsetof(struct seccomp_data, nr));
	/* A match jumps over the remaining tests and the ALLOW, to the ERRNO return. */
	for (unsigned i = 0; i < n; i++)
		f[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i],
							(unsigned char)(n - i), 0);
	f[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA));
	prog.len = (unsigned short)len;
	prog.filter = f;

	return t_install_filter(&prog);
#else
	(void)nrs;
	(void)n;
	(void)err;
	return -EOPNOTSUPP;
#endif
}

/*
 * io_uring_enter fails with -err_getevents when its flags hold
 * IORING_ENTER_GETEVENTS and with -err_other when not, so a test sees both
 * whether a library function entered and how.  0, or -errno when the filter
 * cannot be installed here.
 */
static inline __attribute__((unused)) int t_mark_io_uring_enter(int err_getevents, int err_other)
{
#if defined(__x86_64__) && defined(AUDIT_ARCH_X86_64)
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_enter, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		/* the flags argument (the low 32 bits of the fourth) */
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[3])),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 1 /* IORING_ENTER_GETEVENTS */, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | ((unsigned)err_getevents & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err_other & SECCOMP_RET_DATA)),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	return t_install_filter(&prog);
#else
	(void)err_getevents;
	(void)err_other;
	return -EOPNOTSUPP;
#endif
}

#endif
