/*
 * ---- hand-written prologue (cbindgen/prologue.h) ----
 * Inserted by cbindgen right after the LIB_URING_H include guard, before
 * any generated declaration.
 *
 * sigset_t, siginfo_t, idtype_t and id_t are POSIX types that glibc only
 * declares when a feature-test macro is active.  That is the default with
 * -std=gnu*, but a strict -std=c11 build that includes this header first
 * would lose them, so in strict mode with no feature macro chosen we ask for
 * X/Open 500 (as liburing's header has long done).  It has no effect when a
 * system header came first: then define _XOPEN_SOURCE or _GNU_SOURCE yourself.
 * cpu_set_t and loff_t need _GNU_SOURCE, so the prototypes that use them are
 * only declared then.
 *
 * Threading (the same contract as liburing's): one thread may submit while
 * another reaps, as long as each side is used by one thread at a time.
 *   submission side: io_uring_get_sqe*, preparing the SQEs you hold,
 *     io_uring_submit*, io_uring_sq_ready, io_uring_sq_space_left,
 *     io_uring_sqring_wait.
 *   completion side: io_uring_peek_cqe, io_uring_wait_cqe*, io_uring_wait_cqes*,
 *     __io_uring_peek_cqe, __io_uring_get_cqe,
 *     io_uring_peek_batch_cqe, io_uring_cq_advance, io_uring_cqe_seen,
 *     io_uring_for_each_cqe, io_uring_cqe_iter_*, io_uring_buf_ring_cq_advance.
 *   both sides at once: io_uring_submit_and_wait_timeout/_min_timeout/_reg, and
 *     timed waits on kernels without IORING_FEAT_EXT_ARG (they queue a timeout
 *     SQE).
 *   any thread: io_uring_cq_ready, io_uring_cq_has_overflow,
 *     io_uring_load_sq_head, io_uring_get_events, the register and probe calls
 *     (except the ring-fd ones), buffer-ring setup, io_uring_ring_dontfork.
 *   nothing else on the ring meanwhile: io_uring_queue_init*, io_uring_queue_mmap,
 *     io_uring_queue_exit, io_uring_resize_rings, io_uring_(un)register_ring_fd,
 *     io_uring_close_ring_fd, io_uring_set_iowait.
 * docs/threading-and-safety.md has the details.
 */
#if defined(__STRICT_ANSI__) && !defined(_XOPEN_SOURCE) && \
	!defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE) && \
	!defined(_DEFAULT_SOURCE)
#define _XOPEN_SOURCE 500
#endif
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <time.h>
#include <fcntl.h>
#include <sched.h>
#include <linux/swab.h>
#include <linux/filter.h>

#include "liburing/compat.h"
#include "liburing/io_uring.h"
/*
 * If <linux/io_uring.h> was included first, its (possibly older) copy of
 * the uapi won the shared LINUX_IO_URING_H guard and the line above did
 * nothing.  Pull in the query / BPF filter definitions explicitly and
 * supply the one flag the macros at the end of this header rely on.
 */
#include "liburing/io_uring/query.h"
#include "liburing/io_uring/bpf_filter.h"
#ifndef IORING_CQE_F_32
#define IORING_CQE_F_32		(1U << 15)
#endif
#include "liburing/io_uring_version.h"
#include "liburing/barrier.h"

/*
 * Structures that appear only behind pointers in the declarations below.
 * Declaring a tag that is already complete is harmless; declaring it here
 * keeps prototypes from introducing a parameter-scope tag when an older
 * uapi header (or a libc without the type) is in use.
 */
struct statx;
struct epoll_event;
struct futex_waitv;
struct open_how;
struct msghdr;
struct sockaddr;
struct iovec;
struct cmsghdr;
struct __kernel_timespec;
struct io_uring_sqe;
struct io_uring_cqe;
struct io_uring_params;
struct io_uring_probe;
struct io_uring_restriction;
struct io_uring_buf;
struct io_uring_buf_ring;
struct io_uring_buf_reg;
struct io_uring_sync_cancel_reg;
struct io_uring_napi;
struct io_uring_reg_wait;
struct io_uring_region_desc;
struct io_uring_mem_region_reg;
struct io_uring_clock_register;
struct io_uring_clone_buffers;
struct io_uring_recvmsg_out;
struct io_uring_zcrx_rqe;
struct io_uring_zcrx_ifq_reg;
struct zcrx_ctrl;
struct io_uring_query_hdr;
struct io_uring_bpf;

#ifndef uring_likely
#define uring_likely(cond)	__builtin_expect(!!(cond), 1)
#endif
#ifndef uring_unlikely
#define uring_unlikely(cond)	__builtin_expect(!!(cond), 0)
#endif

/*
 * System call numbers, for C libraries too old to know them.  io_uring
 * uses the shared "new syscall" numbers everywhere except on alpha and
 * mips.  The spellings match <asm/unistd.h>, so including that header
 * afterwards is not a conflicting redefinition.
 */
#if defined(__alpha__)
# ifndef __NR_io_uring_setup
#  define __NR_io_uring_setup		535
# endif
# ifndef __NR_io_uring_enter
#  define __NR_io_uring_enter		536
# endif
# ifndef __NR_io_uring_register
#  define __NR_io_uring_register	537
# endif
#elif defined(__mips__)
# ifndef __NR_io_uring_setup
#  define __NR_io_uring_setup		(__NR_Linux + 425)
# endif
# ifndef __NR_io_uring_enter
#  define __NR_io_uring_enter		(__NR_Linux + 426)
# endif
# ifndef __NR_io_uring_register
#  define __NR_io_uring_register	(__NR_Linux + 427)
# endif
#else
# ifndef __NR_io_uring_setup
#  define __NR_io_uring_setup		425
# endif
# ifndef __NR_io_uring_enter
#  define __NR_io_uring_enter		426
# endif
# ifndef __NR_io_uring_register
#  define __NR_io_uring_register	427
# endif
#endif
/* ---- end of prologue ---- */
