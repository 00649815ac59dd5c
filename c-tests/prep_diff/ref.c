/* The reference side of the differential preparer test: one wrapper per preparer
 * that Debian's liburing 2.3 has, calling its inline implementation.  Compiled
 * against the system headers (/usr/include/liburing.h), never against ours.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <liburing.h>

#include "ref.h"

void ref_prep_rw(int op, void *sqe, int fd, void *addr, unsigned len, unsigned long long offset)
{
	io_uring_prep_rw(op, sqe, fd, addr, len, offset);
}

void ref_prep_splice(void *sqe, int fd_in, int64_t off_in, int fd_out, int64_t off_out, unsigned int nbytes, unsigned int splice_flags)
{
	io_uring_prep_splice(sqe, fd_in, off_in, fd_out, off_out, nbytes, splice_flags);
}

void ref_prep_tee(void *sqe, int fd_in, int fd_out, unsigned int nbytes, unsigned int splice_flags)
{
	io_uring_prep_tee(sqe, fd_in, fd_out, nbytes, splice_flags);
}

void ref_prep_readv(void *sqe, int fd, void *iovecs, unsigned nr_vecs, unsigned long long offset)
{
	io_uring_prep_readv(sqe, fd, iovecs, nr_vecs, offset);
}

void ref_prep_readv2(void *sqe, int fd, void *iovecs, unsigned nr_vecs, unsigned long long offset, int flags)
{
	io_uring_prep_readv2(sqe, fd, iovecs, nr_vecs, offset, flags);
}

void ref_prep_read_fixed(void *sqe, int fd, void *buf, unsigned nbytes, unsigned long long offset, int buf_index)
{
	io_uring_prep_read_fixed(sqe, fd, buf, nbytes, offset, buf_index);
}

void ref_prep_writev(void *sqe, int fd, void *iovecs, unsigned nr_vecs, unsigned long long offset)
{
	io_uring_prep_writev(sqe, fd, iovecs, nr_vecs, offset);
}

void ref_prep_writev2(void *sqe, int fd, void *iovecs, unsigned nr_vecs, unsigned long long offset, int flags)
{
	io_uring_prep_writev2(sqe, fd, iovecs, nr_vecs, offset, flags);
}

void ref_prep_write_fixed(void *sqe, int fd, void *buf, unsigned nbytes, unsigned long long offset, int buf_index)
{
	io_uring_prep_write_fixed(sqe, fd, buf, nbytes, offset, buf_index);
}

void ref_prep_recvmsg(void *sqe, int fd, void *msg, unsigned flags)
{
	io_uring_prep_recvmsg(sqe, fd, msg, flags);
}

void ref_prep_recvmsg_multishot(void *sqe, int fd, void *msg, unsigned flags)
{
	io_uring_prep_recvmsg_multishot(sqe, fd, msg, flags);
}

void ref_prep_sendmsg(void *sqe, int fd, void *msg, unsigned flags)
{
	io_uring_prep_sendmsg(sqe, fd, msg, flags);
}

void ref_prep_poll_add(void *sqe, int fd, unsigned poll_mask)
{
	io_uring_prep_poll_add(sqe, fd, poll_mask);
}

void ref_prep_poll_multishot(void *sqe, int fd, unsigned poll_mask)
{
	io_uring_prep_poll_multishot(sqe, fd, poll_mask);
}

void ref_prep_poll_remove(void *sqe, unsigned long long user_data)
{
	io_uring_prep_poll_remove(sqe, user_data);
}

void ref_prep_poll_update(void *sqe, unsigned long long old_user_data, unsigned long long new_user_data, unsigned poll_mask, unsigned flags)
{
	io_uring_prep_poll_update(sqe, old_user_data, new_user_data, poll_mask, flags);
}

void ref_prep_fsync(void *sqe, int fd, unsigned fsync_flags)
{
	io_uring_prep_fsync(sqe, fd, fsync_flags);
}

void ref_prep_nop(void *sqe)
{
	io_uring_prep_nop(sqe);
}

void ref_prep_timeout(void *sqe, void *ts, unsigned count, unsigned flags)
{
	io_uring_prep_timeout(sqe, ts, count, flags);
}

void ref_prep_timeout_remove(void *sqe, unsigned long long user_data, unsigned flags)
{
	io_uring_prep_timeout_remove(sqe, user_data, flags);
}

void ref_prep_timeout_update(void *sqe, void *ts, unsigned long long user_data, unsigned flags)
{
	io_uring_prep_timeout_update(sqe, ts, user_data, flags);
}

void ref_prep_accept(void *sqe, int fd, void *addr, void *addrlen, int flags)
{
	io_uring_prep_accept(sqe, fd, addr, addrlen, flags);
}

void ref_prep_accept_direct(void *sqe, int fd, void *addr, void *addrlen, int flags, unsigned int file_index)
{
	io_uring_prep_accept_direct(sqe, fd, addr, addrlen, flags, file_index);
}

void ref_prep_multishot_accept(void *sqe, int fd, void *addr, void *addrlen, int flags)
{
	io_uring_prep_multishot_accept(sqe, fd, addr, addrlen, flags);
}

void ref_prep_multishot_accept_direct(void *sqe, int fd, void *addr, void *addrlen, int flags)
{
	io_uring_prep_multishot_accept_direct(sqe, fd, addr, addrlen, flags);
}

void ref_prep_cancel64(void *sqe, unsigned long long user_data, int flags)
{
	io_uring_prep_cancel64(sqe, user_data, flags);
}

void ref_prep_cancel(void *sqe, void *user_data, int flags)
{
	io_uring_prep_cancel(sqe, user_data, flags);
}

void ref_prep_cancel_fd(void *sqe, int fd, unsigned int flags)
{
	io_uring_prep_cancel_fd(sqe, fd, flags);
}

void ref_prep_link_timeout(void *sqe, void *ts, unsigned flags)
{
	io_uring_prep_link_timeout(sqe, ts, flags);
}

void ref_prep_connect(void *sqe, int fd, void *addr, socklen_t addrlen)
{
	io_uring_prep_connect(sqe, fd, addr, addrlen);
}

void ref_prep_files_update(void *sqe, void *fds, unsigned nr_fds, int offset)
{
	io_uring_prep_files_update(sqe, fds, nr_fds, offset);
}

void ref_prep_fallocate(void *sqe, int fd, int mode, unsigned long long offset, unsigned long long len)
{
	io_uring_prep_fallocate(sqe, fd, mode, offset, len);
}

void ref_prep_openat(void *sqe, int dfd, void *path, int flags, mode_t mode)
{
	io_uring_prep_openat(sqe, dfd, path, flags, mode);
}

void ref_prep_openat_direct(void *sqe, int dfd, void *path, int flags, mode_t mode, unsigned file_index)
{
	io_uring_prep_openat_direct(sqe, dfd, path, flags, mode, file_index);
}

void ref_prep_close(void *sqe, int fd)
{
	io_uring_prep_close(sqe, fd);
}

void ref_prep_close_direct(void *sqe, unsigned file_index)
{
	io_uring_prep_close_direct(sqe, file_index);
}

void ref_prep_read(void *sqe, int fd, void *buf, unsigned nbytes, unsigned long long offset)
{
	io_uring_prep_read(sqe, fd, buf, nbytes, offset);
}

void ref_prep_write(void *sqe, int fd, void *buf, unsigned nbytes, unsigned long long offset)
{
	io_uring_prep_write(sqe, fd, buf, nbytes, offset);
}

void ref_prep_statx(void *sqe, int dfd, void *path, int flags, unsigned mask, void *statxbuf)
{
	io_uring_prep_statx(sqe, dfd, path, flags, mask, statxbuf);
}

void ref_prep_fadvise(void *sqe, int fd, unsigned long long offset, uint32_t len, int advice)
{
	io_uring_prep_fadvise(sqe, fd, offset, len, advice);
}

void ref_prep_madvise(void *sqe, void *addr, uint32_t length, int advice)
{
	io_uring_prep_madvise(sqe, addr, length, advice);
}

void ref_prep_send(void *sqe, int sockfd, void *buf, size_t len, int flags)
{
	io_uring_prep_send(sqe, sockfd, buf, len, flags);
}

void ref_prep_send_set_addr(void *sqe, void *dest_addr, uint16_t addr_len)
{
	io_uring_prep_send_set_addr(sqe, dest_addr, addr_len);
}

void ref_prep_send_zc(void *sqe, int sockfd, void *buf, size_t len, int flags, unsigned zc_flags)
{
	io_uring_prep_send_zc(sqe, sockfd, buf, len, flags, zc_flags);
}

void ref_prep_send_zc_fixed(void *sqe, int sockfd, void *buf, size_t len, int flags, unsigned zc_flags, unsigned buf_index)
{
	io_uring_prep_send_zc_fixed(sqe, sockfd, buf, len, flags, zc_flags, buf_index);
}

void ref_prep_sendmsg_zc(void *sqe, int fd, void *msg, unsigned flags)
{
	io_uring_prep_sendmsg_zc(sqe, fd, msg, flags);
}

void ref_prep_recv(void *sqe, int sockfd, void *buf, size_t len, int flags)
{
	io_uring_prep_recv(sqe, sockfd, buf, len, flags);
}

void ref_prep_recv_multishot(void *sqe, int sockfd, void *buf, size_t len, int flags)
{
	io_uring_prep_recv_multishot(sqe, sockfd, buf, len, flags);
}

void ref_prep_openat2(void *sqe, int dfd, void *path, void *how)
{
	io_uring_prep_openat2(sqe, dfd, path, how);
}

void ref_prep_openat2_direct(void *sqe, int dfd, void *path, void *how, unsigned file_index)
{
	io_uring_prep_openat2_direct(sqe, dfd, path, how, file_index);
}

void ref_prep_epoll_ctl(void *sqe, int epfd, int fd, int op, void *ev)
{
	io_uring_prep_epoll_ctl(sqe, epfd, fd, op, ev);
}

void ref_prep_provide_buffers(void *sqe, void *addr, int len, int nr, int bgid, int bid)
{
	io_uring_prep_provide_buffers(sqe, addr, len, nr, bgid, bid);
}

void ref_prep_remove_buffers(void *sqe, int nr, int bgid)
{
	io_uring_prep_remove_buffers(sqe, nr, bgid);
}

void ref_prep_shutdown(void *sqe, int fd, int how)
{
	io_uring_prep_shutdown(sqe, fd, how);
}

void ref_prep_unlinkat(void *sqe, int dfd, void *path, int flags)
{
	io_uring_prep_unlinkat(sqe, dfd, path, flags);
}

void ref_prep_unlink(void *sqe, void *path, int flags)
{
	io_uring_prep_unlink(sqe, path, flags);
}

void ref_prep_renameat(void *sqe, int olddfd, void *oldpath, int newdfd, void *newpath, unsigned int flags)
{
	io_uring_prep_renameat(sqe, olddfd, oldpath, newdfd, newpath, flags);
}

void ref_prep_rename(void *sqe, void *oldpath, void *newpath)
{
	io_uring_prep_rename(sqe, oldpath, newpath);
}

void ref_prep_sync_file_range(void *sqe, int fd, unsigned len, unsigned long long offset, int flags)
{
	io_uring_prep_sync_file_range(sqe, fd, len, offset, flags);
}

void ref_prep_mkdirat(void *sqe, int dfd, void *path, mode_t mode)
{
	io_uring_prep_mkdirat(sqe, dfd, path, mode);
}

void ref_prep_mkdir(void *sqe, void *path, mode_t mode)
{
	io_uring_prep_mkdir(sqe, path, mode);
}

void ref_prep_symlinkat(void *sqe, void *target, int newdirfd, void *linkpath)
{
	io_uring_prep_symlinkat(sqe, target, newdirfd, linkpath);
}

void ref_prep_symlink(void *sqe, void *target, void *linkpath)
{
	io_uring_prep_symlink(sqe, target, linkpath);
}

void ref_prep_linkat(void *sqe, int olddfd, void *oldpath, int newdfd, void *newpath, int flags)
{
	io_uring_prep_linkat(sqe, olddfd, oldpath, newdfd, newpath, flags);
}

void ref_prep_link(void *sqe, void *oldpath, void *newpath, int flags)
{
	io_uring_prep_link(sqe, oldpath, newpath, flags);
}

void ref_prep_msg_ring(void *sqe, int fd, unsigned int len, unsigned long long data, unsigned int flags)
{
	io_uring_prep_msg_ring(sqe, fd, len, data, flags);
}

void ref_prep_getxattr(void *sqe, void *name, void *value, void *path, unsigned int len)
{
	io_uring_prep_getxattr(sqe, name, value, path, len);
}

void ref_prep_setxattr(void *sqe, void *name, void *value, void *path, int flags, unsigned int len)
{
	io_uring_prep_setxattr(sqe, name, value, path, flags, len);
}

void ref_prep_fgetxattr(void *sqe, int fd, void *name, void *value, unsigned int len)
{
	io_uring_prep_fgetxattr(sqe, fd, name, value, len);
}

void ref_prep_fsetxattr(void *sqe, int fd, void *name, void *value, int flags, unsigned int len)
{
	io_uring_prep_fsetxattr(sqe, fd, name, value, flags, len);
}

void ref_prep_socket(void *sqe, int domain, int type, int protocol, unsigned int flags)
{
	io_uring_prep_socket(sqe, domain, type, protocol, flags);
}

void ref_prep_socket_direct(void *sqe, int domain, int type, int protocol, unsigned file_index, unsigned int flags)
{
	io_uring_prep_socket_direct(sqe, domain, type, protocol, file_index, flags);
}

void ref_prep_socket_direct_alloc(void *sqe, int domain, int type, int protocol, unsigned int flags)
{
	io_uring_prep_socket_direct_alloc(sqe, domain, type, protocol, flags);
}
