/* SPDX-License-Identifier: MIT OR Apache-2.0 */
/* Version of the liburing API these headers describe. */
#ifndef LIBURING_VERSION_H
#define LIBURING_VERSION_H

#define IO_URING_VERSION_MAJOR 2
#define IO_URING_VERSION_MINOR 15

#endif /* LIBURING_VERSION_H */
