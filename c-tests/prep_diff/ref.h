/* Wrappers around Debian's liburing 2.3 inline preparers (ref.c), callable from
 * main.c, which is compiled against our headers: only plain C types here, every
 * pointer (the SQE included) as void *.
 */
#ifndef PREP_DIFF_REF_H
#define PREP_DIFF_REF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

void ref_prep_rw(int op, void *sqe, int fd, void *addr, unsigned len, unsigned long long offset);
void ref_prep_splice(void *sqe, int fd_in, int64_t off_in, int fd_out, int64_t off_out, unsigned int nbytes, unsigned int splice_flags);
void ref_prep_tee(void *sqe, int fd_in, int fd_out, unsigned int nbytes, unsigned int splice_flags);
void ref_prep_readv(void *sqe, int fd, void *iovecs, unsigned nr_vecs, unsigned long long offset);
void ref_prep_readv2(void *sqe, int fd, void *iovecs, unsigned nr_vecs, unsigned long long offset, int flags);
void ref_prep_read_fixed(void *sqe, int fd, void *buf, unsigned nbytes, unsigned long long offset, int buf_index);
void ref_prep_writev(void *sqe, int fd, void *iovecs, unsigned nr_vecs, unsigned long long offset);
void ref_prep_writev2(void *sqe, int fd, void *iovecs, unsigned nr_vecs, unsigned long long offset, int flags);
void ref_prep_write_fixed(void *sqe, int fd, void *buf, unsigned nbytes, unsigned long long offset, int buf_index);
void ref_prep_recvmsg(void *sqe, int fd, void *msg, unsigned flags);
void ref_prep_recvmsg_multishot(void *sqe, int fd, void *msg, unsigned flags);
void ref_prep_sendmsg(void *sqe, int fd, void *msg, unsigned flags);
void ref_prep_poll_add(void *sqe, int fd, unsigned poll_mask);
void ref_prep_poll_multishot(void *sqe, int fd, unsigned poll_mask);
void ref_prep_poll_remove(void *sqe, unsigned long long user_data);
void ref_prep_poll_update(void *sqe, unsigned long long old_user_data, unsigned long long new_user_data, unsigned poll_mask, unsigned flags);
void ref_prep_fsync(void *sqe, int fd, unsigned fsync_flags);
void ref_prep_nop(void *sqe);
void ref_prep_timeout(void *sqe, void *ts, unsigned count, unsigned flags);
void ref_prep_timeout_remove(void *sqe, unsigned long long user_data, unsigned flags);
void ref_prep_timeout_update(void *sqe, void *ts, unsigned long long user_data, unsigned flags);
void ref_prep_accept(void *sqe, int fd, void *addr, void *addrlen, int flags);
void ref_prep_accept_direct(void *sqe, int fd, void *addr, void *addrlen, int flags, unsigned int file_index);
void ref_prep_multishot_accept(void *sqe, int fd, void *addr, void *addrlen, int flags);
void ref_prep_multishot_accept_direct(void *sqe, int fd, void *addr, void *addrlen, int flags);
void ref_prep_cancel64(void *sqe, unsigned long long user_data, int flags);
void ref_prep_cancel(void *sqe, void *user_data, int flags);
void ref_prep_cancel_fd(void *sqe, int fd, unsigned int flags);
void ref_prep_link_timeout(void *sqe, void *ts, unsigned flags);
void ref_prep_connect(void *sqe, int fd, void *addr, socklen_t addrlen);
void ref_prep_files_update(void *sqe, void *fds, unsigned nr_fds, int offset);
void ref_prep_fallocate(void *sqe, int fd, int mode, unsigned long long offset, unsigned long long len);
void ref_prep_openat(void *sqe, int dfd, void *path, int flags, mode_t mode);
void ref_prep_openat_direct(void *sqe, int dfd, void *path, int flags, mode_t mode, unsigned file_index);
void ref_prep_close(void *sqe, int fd);
void ref_prep_close_direct(void *sqe, unsigned file_index);
void ref_prep_read(void *sqe, int fd, void *buf, unsigned nbytes, unsigned long long offset);
void ref_prep_write(void *sqe, int fd, void *buf, unsigned nbytes, unsigned long long offset);
void ref_prep_statx(void *sqe, int dfd, void *path, int flags, unsigned mask, void *statxbuf);
void ref_prep_fadvise(void *sqe, int fd, unsigned long long offset, uint32_t len, int advice);
void ref_prep_madvise(void *sqe, void *addr, uint32_t length, int advice);
void ref_prep_send(void *sqe, int sockfd, void *buf, size_t len, int flags);
void ref_prep_send_set_addr(void *sqe, void *dest_addr, uint16_t addr_len);
void ref_prep_send_zc(void *sqe, int sockfd, void *buf, size_t len, int flags, unsigned zc_flags);
void ref_prep_send_zc_fixed(void *sqe, int sockfd, void *buf, size_t len, int flags, unsigned zc_flags, unsigned buf_index);
void ref_prep_sendmsg_zc(void *sqe, int fd, void *msg, unsigned flags);
void ref_prep_recv(void *sqe, int sockfd, void *buf, size_t len, int flags);
void ref_prep_recv_multishot(void *sqe, int sockfd, void *buf, size_t len, int flags);
void ref_prep_openat2(void *sqe, int dfd, void *path, void *how);
void ref_prep_openat2_direct(void *sqe, int dfd, void *path, void *how, unsigned file_index);
void ref_prep_epoll_ctl(void *sqe, int epfd, int fd, int op, void *ev);
void ref_prep_provide_buffers(void *sqe, void *addr, int len, int nr, int bgid, int bid);
void ref_prep_remove_buffers(void *sqe, int nr, int bgid);
void ref_prep_shutdown(void *sqe, int fd, int how);
void ref_prep_unlinkat(void *sqe, int dfd, void *path, int flags);
void ref_prep_unlink(void *sqe, void *path, int flags);
void ref_prep_renameat(void *sqe, int olddfd, void *oldpath, int newdfd, void *newpath, unsigned int flags);
void ref_prep_rename(void *sqe, void *oldpath, void *newpath);
void ref_prep_sync_file_range(void *sqe, int fd, unsigned len, unsigned long long offset, int flags);
void ref_prep_mkdirat(void *sqe, int dfd, void *path, mode_t mode);
void ref_prep_mkdir(void *sqe, void *path, mode_t mode);
void ref_prep_symlinkat(void *sqe, void *target, int newdirfd, void *linkpath);
void ref_prep_symlink(void *sqe, void *target, void *linkpath);
void ref_prep_linkat(void *sqe, int olddfd, void *oldpath, int newdfd, void *newpath, int flags);
void ref_prep_link(void *sqe, void *oldpath, void *newpath, int flags);
void ref_prep_msg_ring(void *sqe, int fd, unsigned int len, unsigned long long data, unsigned int flags);
void ref_prep_getxattr(void *sqe, void *name, void *value, void *path, unsigned int len);
void ref_prep_setxattr(void *sqe, void *name, void *value, void *path, int flags, unsigned int len);
void ref_prep_fgetxattr(void *sqe, int fd, void *name, void *value, unsigned int len);
void ref_prep_fsetxattr(void *sqe, int fd, void *name, void *value, int flags, unsigned int len);
void ref_prep_socket(void *sqe, int domain, int type, int protocol, unsigned int flags);
void ref_prep_socket_direct(void *sqe, int domain, int type, int protocol, unsigned file_index, unsigned int flags);
void ref_prep_socket_direct_alloc(void *sqe, int domain, int type, int protocol, unsigned int flags);

#endif
