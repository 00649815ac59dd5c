/* Every preparer and SQE/CQE/recvmsg helper exported by this library, assigned to a
 * function pointer whose type is spelled out from liburing 2.15's prototype.  Built
 * with -Wall -Wextra -Werror: if a prototype in include/liburing.h drifts (a parameter
 * type, its signedness or constness, the return type), the initialisation below stops
 * compiling.  Linking it proves each symbol is exported.  Exit 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* io_uring_prep_ftruncate needs loff_t */
#endif
#include <liburing.h>
#include <stdio.h>

void (*const p_prep_rw)(int, struct io_uring_sqe *, int, const void *, unsigned, __u64) = io_uring_prep_rw;
void (*const p_prep_splice)(struct io_uring_sqe *, int, int64_t, int, int64_t, unsigned int, unsigned int) = io_uring_prep_splice;
void (*const p_prep_tee)(struct io_uring_sqe *, int, int, unsigned int, unsigned int) = io_uring_prep_tee;
void (*const p_prep_readv)(struct io_uring_sqe *, int, const struct iovec *, unsigned, __u64) = io_uring_prep_readv;
void (*const p_prep_readv2)(struct io_uring_sqe *, int, const struct iovec *, unsigned, __u64, int) = io_uring_prep_readv2;
void (*const p_prep_read_fixed)(struct io_uring_sqe *, int, void *, unsigned, __u64, int) = io_uring_prep_read_fixed;
void (*const p_prep_readv_fixed)(struct io_uring_sqe *, int, const struct iovec *, unsigned, __u64, int, int) = io_uring_prep_readv_fixed;
void (*const p_prep_writev)(struct io_uring_sqe *, int, const struct iovec *, unsigned, __u64) = io_uring_prep_writev;
void (*const p_prep_writev2)(struct io_uring_sqe *, int, const struct iovec *, unsigned, __u64, int) = io_uring_prep_writev2;
void (*const p_prep_write_fixed)(struct io_uring_sqe *, int, const void *, unsigned, __u64, int) = io_uring_prep_write_fixed;
void (*const p_prep_writev_fixed)(struct io_uring_sqe *, int, const struct iovec *, unsigned, __u64, int, int) = io_uring_prep_writev_fixed;
void (*const p_prep_recvmsg)(struct io_uring_sqe *, int, struct msghdr *, unsigned) = io_uring_prep_recvmsg;
void (*const p_prep_recvmsg_multishot)(struct io_uring_sqe *, int, struct msghdr *, unsigned) = io_uring_prep_recvmsg_multishot;
void (*const p_prep_sendmsg)(struct io_uring_sqe *, int, const struct msghdr *, unsigned) = io_uring_prep_sendmsg;
void (*const p_prep_poll_add)(struct io_uring_sqe *, int, unsigned) = io_uring_prep_poll_add;
void (*const p_prep_poll_multishot)(struct io_uring_sqe *, int, unsigned) = io_uring_prep_poll_multishot;
void (*const p_prep_poll_remove)(struct io_uring_sqe *, __u64) = io_uring_prep_poll_remove;
void (*const p_prep_poll_update)(struct io_uring_sqe *, __u64, __u64, unsigned, unsigned) = io_uring_prep_poll_update;
void (*const p_prep_fsync)(struct io_uring_sqe *, int, unsigned) = io_uring_prep_fsync;
void (*const p_prep_nop)(struct io_uring_sqe *) = io_uring_prep_nop;
void (*const p_prep_nop128)(struct io_uring_sqe *) = io_uring_prep_nop128;
void (*const p_prep_timeout)(struct io_uring_sqe *, const struct __kernel_timespec *, unsigned, unsigned) = io_uring_prep_timeout;
void (*const p_prep_timeout_remove)(struct io_uring_sqe *, __u64, unsigned) = io_uring_prep_timeout_remove;
void (*const p_prep_timeout_update)(struct io_uring_sqe *, const struct __kernel_timespec *, __u64, unsigned) = io_uring_prep_timeout_update;
void (*const p_prep_accept)(struct io_uring_sqe *, int, struct sockaddr *, socklen_t *, int) = io_uring_prep_accept;
void (*const p_prep_accept_direct)(struct io_uring_sqe *, int, struct sockaddr *, socklen_t *, int, unsigned int) = io_uring_prep_accept_direct;
void (*const p_prep_multishot_accept)(struct io_uring_sqe *, int, struct sockaddr *, socklen_t *, int) = io_uring_prep_multishot_accept;
void (*const p_prep_multishot_accept_direct)(struct io_uring_sqe *, int, struct sockaddr *, socklen_t *, int) = io_uring_prep_multishot_accept_direct;
void (*const p_prep_cancel64)(struct io_uring_sqe *, __u64, int) = io_uring_prep_cancel64;
void (*const p_prep_cancel)(struct io_uring_sqe *, const void *, int) = io_uring_prep_cancel;
void (*const p_prep_cancel_fd)(struct io_uring_sqe *, int, unsigned int) = io_uring_prep_cancel_fd;
void (*const p_prep_link_timeout)(struct io_uring_sqe *, const struct __kernel_timespec *, unsigned) = io_uring_prep_link_timeout;
void (*const p_prep_connect)(struct io_uring_sqe *, int, const struct sockaddr *, socklen_t) = io_uring_prep_connect;
void (*const p_prep_bind)(struct io_uring_sqe *, int, const struct sockaddr *, socklen_t) = io_uring_prep_bind;
void (*const p_prep_listen)(struct io_uring_sqe *, int, int) = io_uring_prep_listen;
void (*const p_prep_epoll_wait)(struct io_uring_sqe *, int, struct epoll_event *, int, unsigned) = io_uring_prep_epoll_wait;
void (*const p_prep_files_update)(struct io_uring_sqe *, int *, unsigned, int) = io_uring_prep_files_update;
void (*const p_prep_fallocate)(struct io_uring_sqe *, int, int, __u64, __u64) = io_uring_prep_fallocate;
void (*const p_prep_openat)(struct io_uring_sqe *, int, const char *, int, mode_t) = io_uring_prep_openat;
void (*const p_prep_openat_direct)(struct io_uring_sqe *, int, const char *, int, mode_t, unsigned) = io_uring_prep_openat_direct;
void (*const p_prep_open)(struct io_uring_sqe *, const char *, int, mode_t) = io_uring_prep_open;
void (*const p_prep_open_direct)(struct io_uring_sqe *, const char *, int, mode_t, unsigned) = io_uring_prep_open_direct;
void (*const p_prep_close)(struct io_uring_sqe *, int) = io_uring_prep_close;
void (*const p_prep_close_direct)(struct io_uring_sqe *, unsigned) = io_uring_prep_close_direct;
void (*const p_prep_read)(struct io_uring_sqe *, int, void *, unsigned, __u64) = io_uring_prep_read;
void (*const p_prep_read_multishot)(struct io_uring_sqe *, int, unsigned, __u64, int) = io_uring_prep_read_multishot;
void (*const p_prep_write)(struct io_uring_sqe *, int, const void *, unsigned, __u64) = io_uring_prep_write;
void (*const p_prep_statx)(struct io_uring_sqe *, int, const char *, int, unsigned, struct statx *) = io_uring_prep_statx;
void (*const p_prep_fadvise)(struct io_uring_sqe *, int, __u64, __u32, int) = io_uring_prep_fadvise;
void (*const p_prep_madvise)(struct io_uring_sqe *, void *, __u32, int) = io_uring_prep_madvise;
void (*const p_prep_fadvise64)(struct io_uring_sqe *, int, __u64, off_t, int) = io_uring_prep_fadvise64;
void (*const p_prep_madvise64)(struct io_uring_sqe *, void *, off_t, int) = io_uring_prep_madvise64;
void (*const p_prep_send)(struct io_uring_sqe *, int, const void *, size_t, int) = io_uring_prep_send;
void (*const p_prep_send_bundle)(struct io_uring_sqe *, int, size_t, int) = io_uring_prep_send_bundle;
void (*const p_prep_send_set_addr)(struct io_uring_sqe *, const struct sockaddr *, __u16) = io_uring_prep_send_set_addr;
void (*const p_prep_sendto)(struct io_uring_sqe *, int, const void *, size_t, int, const struct sockaddr *, socklen_t) = io_uring_prep_sendto;
void (*const p_prep_send_zc)(struct io_uring_sqe *, int, const void *, size_t, int, unsigned) = io_uring_prep_send_zc;
void (*const p_prep_send_zc_fixed)(struct io_uring_sqe *, int, const void *, size_t, int, unsigned, unsigned) = io_uring_prep_send_zc_fixed;
void (*const p_prep_sendmsg_zc)(struct io_uring_sqe *, int, const struct msghdr *, unsigned) = io_uring_prep_sendmsg_zc;
void (*const p_prep_sendmsg_zc_fixed)(struct io_uring_sqe *, int, const struct msghdr *, unsigned, unsigned) = io_uring_prep_sendmsg_zc_fixed;
void (*const p_prep_recv)(struct io_uring_sqe *, int, void *, size_t, int) = io_uring_prep_recv;
void (*const p_prep_recv_multishot)(struct io_uring_sqe *, int, void *, size_t, int) = io_uring_prep_recv_multishot;
void (*const p_prep_openat2)(struct io_uring_sqe *, int, const char *, const struct open_how *) = io_uring_prep_openat2;
void (*const p_prep_openat2_direct)(struct io_uring_sqe *, int, const char *, const struct open_how *, unsigned) = io_uring_prep_openat2_direct;
void (*const p_prep_epoll_ctl)(struct io_uring_sqe *, int, int, int, const struct epoll_event *) = io_uring_prep_epoll_ctl;
void (*const p_prep_provide_buffers)(struct io_uring_sqe *, void *, int, int, int, int) = io_uring_prep_provide_buffers;
void (*const p_prep_remove_buffers)(struct io_uring_sqe *, int, int) = io_uring_prep_remove_buffers;
void (*const p_prep_shutdown)(struct io_uring_sqe *, int, int) = io_uring_prep_shutdown;
void (*const p_prep_unlinkat)(struct io_uring_sqe *, int, const char *, int) = io_uring_prep_unlinkat;
void (*const p_prep_unlink)(struct io_uring_sqe *, const char *, int) = io_uring_prep_unlink;
void (*const p_prep_renameat)(struct io_uring_sqe *, int, const char *, int, const char *, unsigned int) = io_uring_prep_renameat;
void (*const p_prep_rename)(struct io_uring_sqe *, const char *, const char *) = io_uring_prep_rename;
void (*const p_prep_sync_file_range)(struct io_uring_sqe *, int, unsigned, __u64, int) = io_uring_prep_sync_file_range;
void (*const p_prep_mkdirat)(struct io_uring_sqe *, int, const char *, mode_t) = io_uring_prep_mkdirat;
void (*const p_prep_mkdir)(struct io_uring_sqe *, const char *, mode_t) = io_uring_prep_mkdir;
void (*const p_prep_symlinkat)(struct io_uring_sqe *, const char *, int, const char *) = io_uring_prep_symlinkat;
void (*const p_prep_symlink)(struct io_uring_sqe *, const char *, const char *) = io_uring_prep_symlink;
void (*const p_prep_linkat)(struct io_uring_sqe *, int, const char *, int, const char *, int) = io_uring_prep_linkat;
void (*const p_prep_link)(struct io_uring_sqe *, const char *, const char *, int) = io_uring_prep_link;
void (*const p_prep_msg_ring_cqe_flags)(struct io_uring_sqe *, int, unsigned int, __u64, unsigned int, unsigned int) = io_uring_prep_msg_ring_cqe_flags;
void (*const p_prep_msg_ring)(struct io_uring_sqe *, int, unsigned int, __u64, unsigned int) = io_uring_prep_msg_ring;
void (*const p_prep_msg_ring_fd)(struct io_uring_sqe *, int, int, int, __u64, unsigned int) = io_uring_prep_msg_ring_fd;
void (*const p_prep_msg_ring_fd_alloc)(struct io_uring_sqe *, int, int, __u64, unsigned int) = io_uring_prep_msg_ring_fd_alloc;
void (*const p_prep_getxattr)(struct io_uring_sqe *, const char *, char *, const char *, unsigned int) = io_uring_prep_getxattr;
void (*const p_prep_setxattr)(struct io_uring_sqe *, const char *, const char *, const char *, int, unsigned int) = io_uring_prep_setxattr;
void (*const p_prep_fgetxattr)(struct io_uring_sqe *, int, const char *, char *, unsigned int) = io_uring_prep_fgetxattr;
void (*const p_prep_fsetxattr)(struct io_uring_sqe *, int, const char *, const char *, int, unsigned int) = io_uring_prep_fsetxattr;
void (*const p_prep_socket)(struct io_uring_sqe *, int, int, int, unsigned int) = io_uring_prep_socket;
void (*const p_prep_socket_direct)(struct io_uring_sqe *, int, int, int, unsigned, unsigned int) = io_uring_prep_socket_direct;
void (*const p_prep_socket_direct_alloc)(struct io_uring_sqe *, int, int, int, unsigned int) = io_uring_prep_socket_direct_alloc;
void (*const p___prep_uring_cmd)(struct io_uring_sqe *, int, __u32, int) = __io_uring_prep_uring_cmd;
void (*const p_prep_uring_cmd)(struct io_uring_sqe *, int, int) = io_uring_prep_uring_cmd;
void (*const p_prep_uring_cmd128)(struct io_uring_sqe *, int, int) = io_uring_prep_uring_cmd128;
void (*const p_prep_cmd_sock)(struct io_uring_sqe *, int, int, int, int, void *, int) = io_uring_prep_cmd_sock;
void (*const p_prep_cmd_getsockname)(struct io_uring_sqe *, int, struct sockaddr *, socklen_t *, int) = io_uring_prep_cmd_getsockname;
void (*const p_prep_waitid)(struct io_uring_sqe *, idtype_t, id_t, siginfo_t *, int, unsigned int) = io_uring_prep_waitid;
void (*const p_prep_futex_wake)(struct io_uring_sqe *, const uint32_t *, uint64_t, uint64_t, uint32_t, unsigned int) = io_uring_prep_futex_wake;
void (*const p_prep_futex_wait)(struct io_uring_sqe *, const uint32_t *, uint64_t, uint64_t, uint32_t, unsigned int) = io_uring_prep_futex_wait;
void (*const p_prep_futex_waitv)(struct io_uring_sqe *, const struct futex_waitv *, uint32_t, unsigned int) = io_uring_prep_futex_waitv;
void (*const p_prep_fixed_fd_install)(struct io_uring_sqe *, int, unsigned int) = io_uring_prep_fixed_fd_install;
void (*const p_prep_ftruncate)(struct io_uring_sqe *, int, loff_t) = io_uring_prep_ftruncate;
void (*const p_prep_cmd_discard)(struct io_uring_sqe *, int, uint64_t, uint64_t) = io_uring_prep_cmd_discard;
void (*const p_prep_cmd_zone_reset_all)(struct io_uring_sqe *, int) = io_uring_prep_cmd_zone_reset_all;
void (*const p_prep_pipe)(struct io_uring_sqe *, int *, int) = io_uring_prep_pipe;
void (*const p_prep_pipe_direct)(struct io_uring_sqe *, int *, int, unsigned int) = io_uring_prep_pipe_direct;
void (*const p_sqe_set_data)(struct io_uring_sqe *, void *) = io_uring_sqe_set_data;
void (*const p_sqe_set_data64)(struct io_uring_sqe *, __u64) = io_uring_sqe_set_data64;
void *(*const p_cqe_get_data)(const struct io_uring_cqe *) = io_uring_cqe_get_data;
__u64 (*const p_cqe_get_data64)(const struct io_uring_cqe *) = io_uring_cqe_get_data64;
void (*const p_sqe_set_flags)(struct io_uring_sqe *, unsigned) = io_uring_sqe_set_flags;
void (*const p_sqe_set_buf_group)(struct io_uring_sqe *, int) = io_uring_sqe_set_buf_group;
unsigned int (*const p_cqe_nr)(const struct io_uring_cqe *) = io_uring_cqe_nr;
void (*const p_initialize_sqe)(struct io_uring_sqe *) = io_uring_initialize_sqe;
struct io_uring_recvmsg_out *(*const p_recvmsg_validate)(void *, int, struct msghdr *) = io_uring_recvmsg_validate;
void *(*const p_recvmsg_name)(struct io_uring_recvmsg_out *) = io_uring_recvmsg_name;
struct cmsghdr *(*const p_recvmsg_cmsg_firsthdr)(struct io_uring_recvmsg_out *, struct msghdr *) = io_uring_recvmsg_cmsg_firsthdr;
struct cmsghdr *(*const p_recvmsg_cmsg_nexthdr)(struct io_uring_recvmsg_out *, struct msghdr *, struct cmsghdr *) = io_uring_recvmsg_cmsg_nexthdr;
void *(*const p_recvmsg_payload)(struct io_uring_recvmsg_out *, struct msghdr *) = io_uring_recvmsg_payload;
unsigned int (*const p_recvmsg_payload_length)(struct io_uring_recvmsg_out *, int, struct msghdr *) = io_uring_recvmsg_payload_length;

int main(void)
{
	void (*const all[])(void) = {
	(void (*)(void))p_prep_rw,
	(void (*)(void))p_prep_splice,
	(void (*)(void))p_prep_tee,
	(void (*)(void))p_prep_readv,
	(void (*)(void))p_prep_readv2,
	(void (*)(void))p_prep_read_fixed,
	(void (*)(void))p_prep_readv_fixed,
	(void (*)(void))p_prep_writev,
	(void (*)(void))p_prep_writev2,
	(void (*)(void))p_prep_write_fixed,
	(void (*)(void))p_prep_writev_fixed,
	(void (*)(void))p_prep_recvmsg,
	(void (*)(void))p_prep_recvmsg_multishot,
	(void (*)(void))p_prep_sendmsg,
	(void (*)(void))p_prep_poll_add,
	(void (*)(void))p_prep_poll_multishot,
	(void (*)(void))p_prep_poll_remove,
	(void (*)(void))p_prep_poll_update,
	(void (*)(void))p_prep_fsync,
	(void (*)(void))p_prep_nop,
	(void (*)(void))p_prep_nop128,
	(void (*)(void))p_prep_timeout,
	(void (*)(void))p_prep_timeout_remove,
	(void (*)(void))p_prep_timeout_update,
	(void (*)(void))p_prep_accept,
	(void (*)(void))p_prep_accept_direct,
	(void (*)(void))p_prep_multishot_accept,
	(void (*)(void))p_prep_multishot_accept_direct,
	(void (*)(void))p_prep_cancel64,
	(void (*)(void))p_prep_cancel,
	(void (*)(void))p_prep_cancel_fd,
	(void (*)(void))p_prep_link_timeout,
	(void (*)(void))p_prep_connect,
	(void (*)(void))p_prep_bind,
	(void (*)(void))p_prep_listen,
	(void (*)(void))p_prep_epoll_wait,
	(void (*)(void))p_prep_files_update,
	(void (*)(void))p_prep_fallocate,
	(void (*)(void))p_prep_openat,
	(void (*)(void))p_prep_openat_direct,
	(void (*)(void))p_prep_open,
	(void (*)(void))p_prep_open_direct,
	(void (*)(void))p_prep_close,
	(void (*)(void))p_prep_close_direct,
	(void (*)(void))p_prep_read,
	(void (*)(void))p_prep_read_multishot,
	(void (*)(void))p_prep_write,
	(void (*)(void))p_prep_statx,
	(void (*)(void))p_prep_fadvise,
	(void (*)(void))p_prep_madvise,
	(void (*)(void))p_prep_fadvise64,
	(void (*)(void))p_prep_madvise64,
	(void (*)(void))p_prep_send,
	(void (*)(void))p_prep_send_bundle,
	(void (*)(void))p_prep_send_set_addr,
	(void (*)(void))p_prep_sendto,
	(void (*)(void))p_prep_send_zc,
	(void (*)(void))p_prep_send_zc_fixed,
	(void (*)(void))p_prep_sendmsg_zc,
	(void (*)(void))p_prep_sendmsg_zc_fixed,
	(void (*)(void))p_prep_recv,
	(void (*)(void))p_prep_recv_multishot,
	(void (*)(void))p_prep_openat2,
	(void (*)(void))p_prep_openat2_direct,
	(void (*)(void))p_prep_epoll_ctl,
	(void (*)(void))p_prep_provide_buffers,
	(void (*)(void))p_prep_remove_buffers,
	(void (*)(void))p_prep_shutdown,
	(void (*)(void))p_prep_unlinkat,
	(void (*)(void))p_prep_unlink,
	(void (*)(void))p_prep_renameat,
	(void (*)(void))p_prep_rename,
	(void (*)(void))p_prep_sync_file_range,
	(void (*)(void))p_prep_mkdirat,
	(void (*)(void))p_prep_mkdir,
	(void (*)(void))p_prep_symlinkat,
	(void (*)(void))p_prep_symlink,
	(void (*)(void))p_prep_linkat,
	(void (*)(void))p_prep_link,
	(void (*)(void))p_prep_msg_ring_cqe_flags,
	(void (*)(void))p_prep_msg_ring,
	(void (*)(void))p_prep_msg_ring_fd,
	(void (*)(void))p_prep_msg_ring_fd_alloc,
	(void (*)(void))p_prep_getxattr,
	(void (*)(void))p_prep_setxattr,
	(void (*)(void))p_prep_fgetxattr,
	(void (*)(void))p_prep_fsetxattr,
	(void (*)(void))p_prep_socket,
	(void (*)(void))p_prep_socket_direct,
	(void (*)(void))p_prep_socket_direct_alloc,
	(void (*)(void))p___prep_uring_cmd,
	(void (*)(void))p_prep_uring_cmd,
	(void (*)(void))p_prep_uring_cmd128,
	(void (*)(void))p_prep_cmd_sock,
	(void (*)(void))p_prep_cmd_getsockname,
	(void (*)(void))p_prep_waitid,
	(void (*)(void))p_prep_futex_wake,
	(void (*)(void))p_prep_futex_wait,
	(void (*)(void))p_prep_futex_waitv,
	(void (*)(void))p_prep_fixed_fd_install,
	(void (*)(void))p_prep_ftruncate,
	(void (*)(void))p_prep_cmd_discard,
	(void (*)(void))p_prep_cmd_zone_reset_all,
	(void (*)(void))p_prep_pipe,
	(void (*)(void))p_prep_pipe_direct,
	(void (*)(void))p_sqe_set_data,
	(void (*)(void))p_sqe_set_data64,
	(void (*)(void))p_cqe_get_data,
	(void (*)(void))p_cqe_get_data64,
	(void (*)(void))p_sqe_set_flags,
	(void (*)(void))p_sqe_set_buf_group,
	(void (*)(void))p_cqe_nr,
	(void (*)(void))p_initialize_sqe,
	(void (*)(void))p_recvmsg_validate,
	(void (*)(void))p_recvmsg_name,
	(void (*)(void))p_recvmsg_cmsg_firsthdr,
	(void (*)(void))p_recvmsg_cmsg_nexthdr,
	(void (*)(void))p_recvmsg_payload,
	(void (*)(void))p_recvmsg_payload_length
	};
	unsigned i, n = sizeof(all) / sizeof(all[0]);

	for (i = 0; i < n; i++) {
		if (!all[i]) {
			fprintf(stderr, "function pointer %u is NULL\n", i);
			return 1;
		}
	}
	if (n != 119) {
		fprintf(stderr, "expected 119 functions, have %u\n", n);
		return 1;
	}
	return 0;
}
