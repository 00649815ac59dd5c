/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * io_uring BPF request filters (IORING_REGISTER_BPF_FILTER), as shipped by
 * liburing 2.15 in <liburing/io_uring/bpf_filter.h>.  The guard matches
 * the kernel's <linux/io_uring/bpf_filter.h>.
 */
#ifndef LINUX_IO_URING_BPF_FILTER_H
#define LINUX_IO_URING_BPF_FILTER_H

#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The context a filter program gets to inspect for each request. */
struct io_uring_bpf_ctx {
	__u64	user_data;
	__u8	opcode;
	__u8	sqe_flags;
	__u8	pdu_size;	/* bytes of opcode-specific data below */
	__u8	pad[5];
	union {
		struct {	/* IORING_OP_SOCKET */
			__u32	family;
			__u32	type;
			__u32	protocol;
		} socket;
		struct {	/* IORING_OP_OPENAT / OPENAT2 */
			__u64	flags;
			__u64	mode;
			__u64	resolve;
		} open;
	};
};

/* io_uring_bpf_filter.flags */
enum {
	/* opcodes without a filter of their own get a deny filter */
	IO_URING_BPF_FILTER_DENY_REST	= 1,
	/* pdu_size must match the kernel's size exactly */
	IO_URING_BPF_FILTER_SZ_STRICT	= 2,
};

struct io_uring_bpf_filter {
	__u32	opcode;		/* request opcode the filter applies to */
	__u32	flags;		/* IO_URING_BPF_FILTER_* */
	__u32	filter_len;	/* number of instructions */
	__u8	pdu_size;
	__u8	resv[3];
	__u64	filter_ptr;	/* -> struct sock_filter[filter_len] */
	__u64	resv2[5];
};

/* io_uring_bpf.cmd_type */
enum {
	IO_URING_BPF_CMD_FILTER	= 1,
};

/* Argument of IORING_REGISTER_BPF_FILTER. */
struct io_uring_bpf {
	__u16	cmd_type;	/* IO_URING_BPF_CMD_* */
	__u16	cmd_flags;
	__u32	resv;
	union {
		struct io_uring_bpf_filter	filter;
	};
};

#ifdef __cplusplus
}
#endif

#endif /* LINUX_IO_URING_BPF_FILTER_H */
