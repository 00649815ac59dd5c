/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/*
 * System compatibility shims for <liburing.h>.
 *
 * liburing generates this file at configure time.  This is the variant for
 * a current glibc + Linux uapi installation: every type liburing needs
 * comes from the system headers, and only the block-device uring_cmd
 * opcodes may need a fallback.
 */
#ifndef LIBURING_COMPAT_H
#define LIBURING_COMPAT_H

#include <linux/time_types.h>	/* struct __kernel_timespec */
/* Already pulled in above, so liburing/io_uring.h must not include it again. */
#ifndef UAPI_LINUX_IO_URING_H_SKIP_LINUX_TIME_TYPES_H
#define UAPI_LINUX_IO_URING_H_SKIP_LINUX_TIME_TYPES_H 1
#endif

#include <linux/openat2.h>	/* struct open_how */
#include <linux/ioctl.h>	/* _IO() */

/*
 * Block-device uring_cmd opcodes (<linux/blkdev.h> in newer uapi headers).
 * Spelled exactly like the kernel's definitions, so including that header
 * later is a benign identical redefinition.
 */
#ifndef BLOCK_URING_CMD_DISCARD
#define BLOCK_URING_CMD_DISCARD			_IO(0x12, 0)
#endif
#ifndef BLOCK_URING_CMD_ZONE_RESET_ALL
#define BLOCK_URING_CMD_ZONE_RESET_ALL		_IO(0x12, 1)
#endif

#endif /* LIBURING_COMPAT_H */
