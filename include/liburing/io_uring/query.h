/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * io_uring query interface (IORING_REGISTER_QUERY), as shipped by
 * liburing 2.15 in <liburing/io_uring/query.h>.  The guard matches the
 * kernel's <linux/io_uring/query.h> so only one copy is ever seen.
 */
#ifndef LINUX_IO_URING_QUERY_H
#define LINUX_IO_URING_QUERY_H

#include <linux/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Every query starts with this header; entries can be chained through
 * next_entry.  query_data points at the op-specific structure below.
 */
struct io_uring_query_hdr {
	__u64	next_entry;
	__u64	query_data;
	__u32	query_op;	/* IO_URING_QUERY_* */
	__u32	size;		/* size of the buffer at query_data */
	__s32	result;		/* filled in: bytes written or -errno */
	__u32	__resv[3];
};

/* io_uring_query_hdr.query_op */
enum {
	IO_URING_QUERY_OPCODES	= 0,
	IO_URING_QUERY_ZCRX	= 1,
	IO_URING_QUERY_SCQ	= 2,

	__IO_URING_QUERY_MAX,
};

/* IO_URING_QUERY_OPCODES: what the running kernel supports (no ring needed). */
struct io_uring_query_opcode {
	__u32	nr_request_opcodes;	/* number of IORING_OP_* */
	__u32	nr_register_opcodes;	/* number of IORING_(UN)REGISTER_* */
	__u64	feature_flags;		/* IORING_FEAT_* mask */
	__u64	ring_setup_flags;	/* IORING_SETUP_* mask */
	__u64	enter_flags;		/* IORING_ENTER_* mask */
	__u64	sqe_flags;		/* IOSQE_* mask */
	__u32	nr_query_opcodes;
	__u32	__pad;
};

/* IO_URING_QUERY_ZCRX: zero-copy receive capabilities. */
struct io_uring_query_zcrx {
	__u64	register_flags;
	__u64	area_flags;
	__u32	nr_ctrl_opcodes;
	__u32	features;
	__u32	rq_hdr_size;
	__u32	rq_hdr_alignment;
	__u64	__resv2;
};

/* IO_URING_QUERY_SCQ: shared SQ/CQ ring header geometry. */
struct io_uring_query_scq {
	__u64	hdr_size;
	__u64	hdr_alignment;
};

#ifdef __cplusplus
}
#endif

#endif /* LINUX_IO_URING_QUERY_H */
