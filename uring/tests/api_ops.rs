//! The typed low-level layer (`uring::api::op`, `Entry`, `push`, waits, probe): every
//! builder against the core preparer byte for byte, every opcode covered, every liburing
//! preparer named by a `doc(alias)`, and real kernel round trips for each family.

#![warn(clippy::undocumented_unsafe_blocks, clippy::multiple_unsafe_ops_per_block)]

use std::collections::BTreeSet;
use std::ffi::CString;
use std::io::{Read as _, Write as _};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use uring::api::*;
use uring::sys::*;
use uring::{prep, Cqe, Ring};

// ------------------------------------------------------------------ byte comparisons

/// The SQE a core preparer writes into a zeroed slot.
fn want(f: impl FnOnce(&mut io_uring_sqe)) -> [u8; 64] {
    let mut sqe = io_uring_sqe::zeroed();
    f(&mut sqe);
    *sqe.as_bytes()
}

/// `want` plus IOSQE_FIXED_FILE, as a `Fixed` target adds it.
fn fixed(mut bytes: [u8; 64]) -> [u8; 64] {
    bytes[1] |= IOSQE_FIXED_FILE;
    bytes
}

fn p<T>(addr: usize) -> *mut T {
    addr as *mut T
}

/// (name, built entry, expected bytes) for every builder and its main options.
fn cases() -> Vec<(&'static str, Entry, [u8; 64])> {
    let b = p::<u8>(0x1000);
    let iov = p::<libc::iovec>(0x2000);
    let msg = p::<libc::msghdr>(0x3000);
    let sa = p::<libc::sockaddr>(0x4000);
    let sl = p::<libc::socklen_t>(0x5000);
    let path = p::<libc::c_char>(0x6000);
    let path2 = p::<libc::c_char>(0x6100);
    let ts = p::<op::Timespec>(0x7000);
    let ev = p::<libc::epoll_event>(0x8000);
    let how = p::<libc::open_how>(0x9000);
    let stx = p::<libc::statx>(0xa000);
    let fds = p::<i32>(0xb000);
    let si = p::<libc::siginfo_t>(0xc000);
    let fu = p::<u32>(0xd000);
    let v: Vec<(&'static str, Entry, [u8; 64])> = vec![
        ("nop", op::Nop::new().build().into(), want(prep::nop)),
        (
            "nop inject",
            op::Nop::new()
                .nop_flags(IORING_NOP_INJECT_RESULT)
                .inject_result(5)
                .build()
                .into(),
            want(|s| {
                prep::nop(s);
                s.op_flags.nop_flags = IORING_NOP_INJECT_RESULT;
                s.len = 5;
            }),
        ),
        (
            "raw",
            op::Raw::new(Fd(3), IORING_OP_READ, 0x1000, 8, 16).build(),
            want(|s| prep::rw(IORING_OP_READ, s, 3, 0x1000, 8, 16)),
        ),
        (
            "read",
            op::Read::new(Fd(3), b, 512).offset(77).build(),
            want(|s| prep::read(s, 3, b.cast(), 512, 77)),
        ),
        (
            "read fixed file, rw_flags, ioprio",
            op::Read::new(Fixed(2), b, 512)
                .rw_flags(libc::RWF_NOWAIT)
                .ioprio(3)
                .build(),
            fixed(want(|s| {
                prep::read(s, 2, b.cast(), 512, 0);
                s.op_flags.rw_flags = libc::RWF_NOWAIT;
                s.ioprio = 3;
            })),
        ),
        (
            "write",
            op::Write::new(Fd(4), b, 9).offset(u64::MAX).build(),
            want(|s| prep::write(s, 4, b.cast(), 9, u64::MAX)),
        ),
        (
            "readv2",
            op::Readv::new(Fd(5), iov, 3)
                .offset(8)
                .rw_flags(libc::RWF_HIPRI)
                .build(),
            want(|s| prep::readv2(s, 5, iov, 3, 8, libc::RWF_HIPRI)),
        ),
        (
            "readv",
            op::Readv::new(Fd(5), iov, 3).build(),
            want(|s| prep::readv(s, 5, iov, 3, 0)),
        ),
        (
            "writev2",
            op::Writev::new(Fd(5), iov, 2)
                .offset(1)
                .rw_flags(libc::RWF_DSYNC)
                .build(),
            want(|s| prep::writev2(s, 5, iov, 2, 1, libc::RWF_DSYNC)),
        ),
        (
            "writev",
            op::Writev::new(Fd(5), iov, 2).build(),
            want(|s| prep::writev(s, 5, iov, 2, 0)),
        ),
        (
            "read_fixed",
            op::ReadFixed::new(Fd(6), b, 100, 4).offset(3).build(),
            want(|s| prep::read_fixed(s, 6, b.cast(), 100, 3, 4)),
        ),
        (
            "write_fixed",
            op::WriteFixed::new(Fd(6), b, 100, 5).offset(3).build(),
            want(|s| prep::write_fixed(s, 6, b.cast(), 100, 3, 5)),
        ),
        (
            "readv_fixed",
            op::ReadvFixed::new(Fd(6), iov, 2, 1).offset(9).rw_flags(1).build(),
            want(|s| prep::readv_fixed(s, 6, iov, 2, 9, 1, 1)),
        ),
        (
            "writev_fixed",
            op::WritevFixed::new(Fd(6), iov, 2, 1).offset(9).rw_flags(1).build(),
            want(|s| prep::writev_fixed(s, 6, iov, 2, 9, 1, 1)),
        ),
        (
            "read_multishot",
            op::ReadMulti::new(Fd(7), 64, 3).offset(2).build(),
            want(|s| prep::read_multishot(s, 7, 64, 2, 3)),
        ),
        (
            "splice",
            op::Splice::new(Fd(1), -1, Fd(2), 10, 99)
                .flags(libc::SPLICE_F_MOVE)
                .build()
                .into(),
            want(|s| prep::splice(s, 1, -1, 2, 10, 99, libc::SPLICE_F_MOVE)),
        ),
        (
            "splice fixed in",
            op::Splice::new(Fixed(1), 5, Fd(2), -1, 99).build().into(),
            want(|s| prep::splice(s, 1, 5, 2, -1, 99, SPLICE_F_FD_IN_FIXED)),
        ),
        (
            "tee",
            op::Tee::new(Fd(1), Fd(2), 50).build().into(),
            want(|s| prep::tee(s, 1, 2, 50, 0)),
        ),
        (
            "recvmsg",
            op::RecvMsg::new(Fd(8), msg).flags(libc::MSG_PEEK as u32).build(),
            want(|s| prep::recvmsg(s, 8, msg, libc::MSG_PEEK as u32)),
        ),
        (
            "recvmsg_multishot",
            op::RecvMsgMulti::new(Fd(8), msg, 6).flags(2).build(),
            want(|s| {
                prep::recvmsg_multishot(s, 8, msg, 2);
                s.buf.buf_group = 6;
                s.flags |= IOSQE_BUFFER_SELECT;
            }),
        ),
        (
            "sendmsg",
            op::SendMsg::new(Fd(8), msg).flags(3).build(),
            want(|s| prep::sendmsg(s, 8, msg, 3)),
        ),
        (
            "sendmsg_zc",
            op::SendMsgZc::new(Fd(8), msg).flags(3).build(),
            want(|s| prep::sendmsg_zc(s, 8, msg, 3)),
        ),
        (
            "sendmsg_zc_fixed",
            op::SendMsgZc::new(Fd(8), msg).buf_index(Some(2)).build(),
            want(|s| prep::sendmsg_zc_fixed(s, 8, msg, 0, 2)),
        ),
        (
            "send",
            op::Send::new(Fd(9), b, 33).flags(libc::MSG_MORE).build(),
            want(|s| prep::send(s, 9, b.cast(), 33, libc::MSG_MORE)),
        ),
        (
            "sendto",
            op::Send::new(Fd(9), b, 33).dest_addr(Some((sa, 16))).build(),
            want(|s| prep::sendto(s, 9, b.cast(), 33, 0, sa, 16)),
        ),
        (
            "send poll first",
            op::Send::new(Fd(9), b, 33).ioprio(SendFlags::POLL_FIRST).build(),
            want(|s| {
                prep::send(s, 9, b.cast(), 33, 0);
                s.ioprio = IORING_RECVSEND_POLL_FIRST as u16;
            }),
        ),
        (
            "send_bundle",
            op::SendBundle::new(Fd(9), 0, 4).build(),
            want(|s| {
                prep::send_bundle(s, 9, 0, 0);
                s.buf.buf_group = 4;
                s.flags |= IOSQE_BUFFER_SELECT;
            }),
        ),
        (
            "send_zc",
            op::SendZc::new(Fd(9), b, 12)
                .zc_flags(SendFlags::ZC_REPORT_USAGE)
                .build(),
            want(|s| prep::send_zc(s, 9, b.cast(), 12, 0, IORING_SEND_ZC_REPORT_USAGE)),
        ),
        (
            "send_zc_fixed + addr",
            op::SendZc::new(Fd(9), b, 12)
                .buf_index(Some(3))
                .dest_addr(Some((sa, 28)))
                .build(),
            want(|s| {
                prep::send_zc_fixed(s, 9, b.cast(), 12, 0, 0, 3);
                prep::send_set_addr(s, sa, 28);
            }),
        ),
        (
            "recv",
            op::Recv::new(Fd(10), b, 70).flags(2).build(),
            want(|s| prep::recv(s, 10, b.cast(), 70, 2)),
        ),
        (
            "recv_multishot",
            op::RecvMulti::new(Fd(10), 9).build(),
            want(|s| {
                prep::recv_multishot(s, 10, core::ptr::null_mut(), 0, 0);
                s.buf.buf_group = 9;
                s.flags |= IOSQE_BUFFER_SELECT;
            }),
        ),
        (
            "recv_zc",
            op::RecvZc::new(Fd(10), 1).len(100).build(),
            want(|s| {
                prep::rw(IORING_OP_RECV_ZC, s, 10, 0, 100, 0);
                s.ioprio = IORING_RECV_MULTISHOT as u16;
                s.file.zcrx_ifq_idx = 1;
            }),
        ),
        (
            "accept",
            op::Accept::new(Fd(11), sa, sl).flags(libc::SOCK_CLOEXEC).build(),
            want(|s| prep::accept(s, 11, sa, sl, libc::SOCK_CLOEXEC)),
        ),
        (
            "accept_direct",
            op::Accept::new(Fd(11), sa, sl).file_index(Some(4)).build(),
            want(|s| prep::accept_direct(s, 11, sa, sl, 0, 4)),
        ),
        (
            "multishot_accept",
            op::AcceptMulti::new(Fd(11)).build().into(),
            want(|s| prep::multishot_accept(s, 11, p(0), p(0), 0)),
        ),
        (
            "multishot_accept_direct",
            op::AcceptMulti::new(Fd(11)).direct(true).build().into(),
            want(|s| prep::multishot_accept_direct(s, 11, p(0), p(0), 0)),
        ),
        (
            "connect",
            op::Connect::new(Fd(12), sa, 16).build(),
            want(|s| prep::connect(s, 12, sa, 16)),
        ),
        (
            "bind",
            op::Bind::new(Fd(12), sa, 16).build(),
            want(|s| prep::bind(s, 12, sa, 16)),
        ),
        (
            "listen",
            op::Listen::new(Fd(12), 128).build().into(),
            want(|s| prep::listen(s, 12, 128)),
        ),
        (
            "shutdown",
            op::Shutdown::new(Fd(12), libc::SHUT_WR).build().into(),
            want(|s| prep::shutdown(s, 12, 1)),
        ),
        (
            "socket",
            op::Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0).build().into(),
            want(|s| prep::socket(s, libc::AF_INET, libc::SOCK_STREAM, 0, 0)),
        ),
        (
            "socket_direct",
            op::Socket::new(libc::AF_INET, libc::SOCK_STREAM, 0)
                .file_index(Some(3))
                .build()
                .into(),
            want(|s| prep::socket_direct(s, libc::AF_INET, libc::SOCK_STREAM, 0, 3, 0)),
        ),
        (
            "socket_direct_alloc",
            op::Socket::new(libc::AF_UNIX, libc::SOCK_DGRAM, 0)
                .file_index(Some(op::FILE_INDEX_ALLOC))
                .build()
                .into(),
            want(|s| prep::socket_direct_alloc(s, libc::AF_UNIX, libc::SOCK_DGRAM, 0, 0)),
        ),
        (
            "fsync",
            op::Fsync::new(Fd(13)).build().into(),
            want(|s| prep::fsync(s, 13, 0)),
        ),
        (
            "fdatasync fixed",
            op::Fsync::new(Fixed(13)).flags(FsyncFlags::DATASYNC).build().into(),
            fixed(want(|s| prep::fsync(s, 13, IORING_FSYNC_DATASYNC))),
        ),
        (
            "sync_file_range",
            op::SyncFileRange::new(Fd(13), 4096)
                .offset(8192)
                .flags(2)
                .build()
                .into(),
            want(|s| prep::sync_file_range(s, 13, 4096, 8192, 2)),
        ),
        (
            "fallocate",
            op::Fallocate::new(Fd(13), 1 << 20).offset(4096).mode(1).build().into(),
            want(|s| prep::fallocate(s, 13, 1, 4096, 1 << 20)),
        ),
        (
            "fadvise64",
            op::Fadvise::new(Fd(13), 1 << 33, libc::POSIX_FADV_DONTNEED)
                .offset(7)
                .build()
                .into(),
            want(|s| prep::fadvise64(s, 13, 7, 1 << 33, libc::POSIX_FADV_DONTNEED)),
        ),
        (
            "madvise64",
            op::Madvise::new(b.cast(), 1 << 33, libc::MADV_WILLNEED).build(),
            want(|s| prep::madvise64(s, b.cast(), 1 << 33, libc::MADV_WILLNEED)),
        ),
        (
            "ftruncate",
            op::Ftruncate::new(Fd(13), 12345).build().into(),
            want(|s| prep::ftruncate(s, 13, 12345)),
        ),
        (
            "openat",
            op::OpenAt::new(Fd(libc::AT_FDCWD), path)
                .flags(libc::O_RDONLY)
                .mode(0o644)
                .build(),
            want(|s| prep::openat(s, libc::AT_FDCWD, path, libc::O_RDONLY, 0o644)),
        ),
        (
            "openat_direct",
            op::OpenAt::new(Fd(3), path).flags(2).file_index(Some(7)).build(),
            want(|s| prep::openat_direct(s, 3, path, 2, 0, 7)),
        ),
        (
            "openat2",
            op::OpenAt2::new(Fd(3), path, how).build(),
            want(|s| prep::openat2(s, 3, path, how)),
        ),
        (
            "openat2_direct",
            op::OpenAt2::new(Fd(3), path, how)
                .file_index(Some(op::FILE_INDEX_ALLOC))
                .build(),
            want(|s| prep::openat2_direct(s, 3, path, how, IORING_FILE_INDEX_ALLOC)),
        ),
        ("close", op::Close::new(Fd(14)).build(), want(|s| prep::close(s, 14))),
        (
            "close_direct",
            op::Close::new(Fixed(14)).build(),
            want(|s| prep::close_direct(s, 14)),
        ),
        (
            "close fixed safe",
            op::CloseFixed::new(15).build().into(),
            want(|s| prep::close_direct(s, 15)),
        ),
        (
            "statx",
            op::Statx::new(Fd(3), path, stx)
                .flags(libc::AT_EMPTY_PATH)
                .mask(libc::STATX_SIZE)
                .build(),
            want(|s| prep::statx(s, 3, path, libc::AT_EMPTY_PATH, libc::STATX_SIZE, stx)),
        ),
        (
            "unlinkat",
            op::UnlinkAt::new(Fd(3), path).flags(libc::AT_REMOVEDIR).build(),
            want(|s| prep::unlinkat(s, 3, path, libc::AT_REMOVEDIR)),
        ),
        (
            "renameat",
            op::RenameAt::new(Fd(3), Fd(4), path, path2).flags(1).build(),
            want(|s| prep::renameat(s, 3, path, 4, path2, 1)),
        ),
        (
            "mkdirat",
            op::MkdirAt::new(Fd(3), path).mode(0o700).build(),
            want(|s| prep::mkdirat(s, 3, path, 0o700)),
        ),
        (
            "symlinkat",
            op::SymlinkAt::new(Fd(3), path, path2).build(),
            want(|s| prep::symlinkat(s, path, 3, path2)),
        ),
        (
            "linkat",
            op::LinkAt::new(Fd(3), Fd(4), path, path2)
                .flags(libc::AT_SYMLINK_FOLLOW)
                .build(),
            want(|s| prep::linkat(s, 3, path, 4, path2, libc::AT_SYMLINK_FOLLOW)),
        ),
        (
            "files_update",
            op::FilesUpdate::new(fds, 3).offset(2).build(),
            want(|s| prep::files_update(s, fds, 3, 2)),
        ),
        (
            "fixed_fd_install",
            op::FixedFdInstall::new(5)
                .flags(IORING_FIXED_FD_NO_CLOEXEC)
                .build()
                .into(),
            want(|s| prep::fixed_fd_install(s, 5, IORING_FIXED_FD_NO_CLOEXEC)),
        ),
        (
            "pipe",
            op::Pipe::new(fds).flags(libc::O_CLOEXEC).build(),
            want(|s| prep::pipe(s, fds, libc::O_CLOEXEC)),
        ),
        (
            "pipe_direct",
            op::Pipe::new(fds).file_index(Some(2)).build(),
            want(|s| prep::pipe_direct(s, fds, 0, 2)),
        ),
        (
            "poll_add",
            op::PollAdd::new(Fd(16), libc::POLLIN as u32).build().into(),
            want(|s| prep::poll_add(s, 16, libc::POLLIN as u32)),
        ),
        (
            "poll_multishot",
            op::PollAdd::new(Fd(16), libc::POLLIN as u32).multi(true).build().into(),
            want(|s| prep::poll_multishot(s, 16, libc::POLLIN as u32)),
        ),
        (
            "poll_remove",
            op::PollRemove::new(77).build().into(),
            want(|s| prep::poll_remove(s, 77)),
        ),
        (
            "poll_update",
            op::PollUpdate::new(1, 2)
                .events(4)
                .flags(PollFlags::UPDATE_EVENTS)
                .build()
                .into(),
            want(|s| prep::poll_update(s, 1, 2, 4, IORING_POLL_UPDATE_EVENTS)),
        ),
        (
            "epoll_ctl",
            op::EpollCtl::new(Fd(17), 5, libc::EPOLL_CTL_ADD, ev).build(),
            want(|s| prep::epoll_ctl(s, 17, 5, libc::EPOLL_CTL_ADD, ev)),
        ),
        (
            "epoll_wait",
            op::EpollWait::new(Fd(17), ev, 8).build(),
            want(|s| prep::epoll_wait(s, 17, ev, 8, 0)),
        ),
        (
            "timeout",
            op::Timeout::new(ts).count(3).flags(TimeoutFlags::ABS).build(),
            want(|s| prep::timeout(s, ts, 3, IORING_TIMEOUT_ABS)),
        ),
        (
            "timeout_remove",
            op::TimeoutRemove::new(88).build().into(),
            want(|s| prep::timeout_remove(s, 88, 0)),
        ),
        (
            "timeout_update",
            op::TimeoutUpdate::new(ts, 88).flags(TimeoutFlags::BOOTTIME).build(),
            want(|s| prep::timeout_update(s, ts, 88, IORING_TIMEOUT_BOOTTIME)),
        ),
        (
            "link_timeout",
            op::LinkTimeout::new(ts).flags(TimeoutFlags::REALTIME).build(),
            want(|s| prep::link_timeout(s, ts, IORING_TIMEOUT_REALTIME)),
        ),
        (
            "cancel64",
            op::AsyncCancel::new(99).flags(CancelFlags::ALL).build().into(),
            want(|s| prep::cancel64(s, 99, IORING_ASYNC_CANCEL_ALL as i32)),
        ),
        (
            "cancel_fd",
            op::AsyncCancelFd::new(Fd(18)).build().into(),
            want(|s| prep::cancel_fd(s, 18, 0)),
        ),
        (
            "cancel_fd fixed",
            op::AsyncCancelFd::new(Fixed(18)).flags(CancelFlags::ALL).build().into(),
            want(|s| prep::cancel_fd(s, 18, IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD_FIXED)),
        ),
        (
            "msg_ring",
            op::MsgRingData::new(Fd(19), 5, 0xabc)
                .flags(MsgRingFlags::CQE_SKIP)
                .build()
                .into(),
            want(|s| prep::msg_ring(s, 19, 5, 0xabc, IORING_MSG_RING_CQE_SKIP)),
        ),
        (
            "msg_ring_cqe_flags",
            op::MsgRingData::new(Fd(19), 5, 0xabc)
                .cqe_flags(Some(IORING_CQE_F_MORE))
                .build()
                .into(),
            want(|s| prep::msg_ring_cqe_flags(s, 19, 5, 0xabc, 0, IORING_CQE_F_MORE)),
        ),
        (
            "msg_ring_fd",
            op::MsgRingSendFd::new(Fd(19), 1, 2, 3).build().into(),
            want(|s| prep::msg_ring_fd(s, 19, 1, 2, 3, 0)),
        ),
        (
            "msg_ring_fd_alloc",
            op::MsgRingSendFd::new(Fd(19), 1, op::FILE_INDEX_ALLOC, 3)
                .build()
                .into(),
            want(|s| prep::msg_ring_fd_alloc(s, 19, 1, 3, 0)),
        ),
        (
            "waitid",
            op::WaitId::new(libc::P_PID, 42, si, libc::WEXITED).build(),
            want(|s| prep::waitid(s, libc::P_PID, 42, si, libc::WEXITED, 0)),
        ),
        (
            "futex_wait",
            op::FutexWait::new(fu, 1, u64::MAX, 2).build(),
            want(|s| prep::futex_wait(s, fu, 1, u64::MAX, 2, 0)),
        ),
        (
            "futex_wake",
            op::FutexWake::new(fu, 1, u64::MAX, 2).build(),
            want(|s| prep::futex_wake(s, fu, 1, u64::MAX, 2, 0)),
        ),
        (
            "futex_waitv",
            op::FutexWaitv::new(fu.cast(), 3).build(),
            want(|s| prep::futex_waitv(s, fu.cast(), 3, 0)),
        ),
        (
            "getxattr",
            op::GetXattr::new(path, path2, path, 10).build(),
            want(|s| prep::getxattr(s, path, path2, path, 10)),
        ),
        (
            "setxattr",
            op::SetXattr::new(path, path2, path, 10).flags(1).build(),
            want(|s| prep::setxattr(s, path, path2, path, 1, 10)),
        ),
        (
            "fgetxattr",
            op::FGetXattr::new(Fd(20), path, path2, 10).build(),
            want(|s| prep::fgetxattr(s, 20, path, path2, 10)),
        ),
        (
            "fsetxattr",
            op::FSetXattr::new(Fd(20), path, path2, 10).flags(2).build(),
            want(|s| prep::fsetxattr(s, 20, path, path2, 2, 10)),
        ),
        (
            "provide_buffers",
            op::ProvideBuffers::new(b, 128, 4, 7, 1).build(),
            want(|s| prep::provide_buffers(s, b.cast(), 128, 4, 7, 1)),
        ),
        (
            "remove_buffers",
            op::RemoveBuffers::new(4, 7).build().into(),
            want(|s| prep::remove_buffers(s, 4, 7)),
        ),
        (
            "uring_cmd",
            op::UringCmd16::new(Fd(21), 0x55).build(),
            want(|s| prep::uring_cmd(s, 0x55, 21)),
        ),
        (
            "cmd_sock",
            op::CmdSock::new(
                Fd(21),
                SOCKET_URING_OP_GETSOCKOPT,
                libc::SOL_SOCKET,
                libc::SO_RCVBUF,
                b.cast(),
                4,
            )
            .build(),
            want(|s| {
                prep::cmd_sock(
                    s,
                    SOCKET_URING_OP_GETSOCKOPT as i32,
                    21,
                    libc::SOL_SOCKET,
                    libc::SO_RCVBUF,
                    b.cast(),
                    4,
                )
            }),
        ),
        (
            "cmd_getsockname",
            op::CmdGetsockname::new(Fd(21), sa, sl).peer(true).build(),
            want(|s| prep::cmd_getsockname(s, 21, sa, sl, 1)),
        ),
        (
            "cmd_discard",
            op::CmdDiscard::new(Fd(21), 4096, 8192).build(),
            want(|s| prep::cmd_discard(s, 21, 4096, 8192)),
        ),
        (
            "cmd_zone_reset_all",
            op::CmdZoneResetAll::new(Fd(21)).build(),
            want(|s| prep::cmd_zone_reset_all(s, 21)),
        ),
    ];
    v
}

#[test]
fn every_builder_writes_what_the_core_preparer_writes() {
    let cases = cases();
    let mut bad = Vec::new();
    for (name, entry, bytes) in &cases {
        if entry.as_bytes() != bytes {
            bad.push(format!("{name}:\n  built {:?}\n  want  {:?}", entry.as_bytes(), bytes));
        }
    }
    assert!(
        bad.is_empty(),
        "{} builders differ from their preparer:\n{}",
        bad.len(),
        bad.join("\n")
    );
    // The comparison is not vacuous: the entries differ from each other.
    let distinct: BTreeSet<[u8; 64]> = cases.iter().map(|(_, _, b)| *b).collect();
    assert!(distinct.len() > 90, "only {} distinct SQEs", distinct.len());
}

#[test]
fn entry_setters_only_touch_their_fields() {
    let base = op::Read::new(Fd(3), p(0x1000), 512).offset(77).build();
    let mut want_bytes = *base.as_bytes();
    let e = base
        .user_data(0x1122_3344_5566_7788)
        .flags(SqeFlags::IO_LINK | SqeFlags::ASYNC)
        .personality(9);
    want_bytes[32..40].copy_from_slice(&0x1122_3344_5566_7788u64.to_le_bytes());
    want_bytes[1] = IOSQE_IO_LINK | IOSQE_ASYNC;
    want_bytes[42..44].copy_from_slice(&9u16.to_le_bytes());
    assert_eq!(e.as_bytes(), &want_bytes);
    // flags ORs onto what the builder set (FIXED_FILE from a Fixed target).
    let f = op::Fsync::new(Fixed(1)).build().flags(SqeFlags::IO_DRAIN).into_entry();
    assert_eq!(f.get_flags(), SqeFlags::FIXED_FILE | SqeFlags::IO_DRAIN);
    let g = op::Recv::new(Fd(1), p(0), 64).build().buf_group(12);
    assert!(g.get_flags().contains(SqeFlags::BUFFER_SELECT));
    // SAFETY: reading a u16 member of a plain-integer union.
    assert_eq!(unsafe { g.as_sqe().buf.buf_group }, 12);
}

#[test]
fn entry128_builders_match_the_core_preparers() {
    let mut cmd = [0u8; 80];
    for (i, c) in cmd.iter_mut().enumerate() {
        *c = i as u8 + 1;
    }
    let e = op::UringCmd80::new(Fd(5), 0x77).cmd(cmd).build().user_data(3);
    let mut head = io_uring_sqe::zeroed();
    prep::uring_cmd(&mut head, 0x77, 5);
    head.user_data = 3;
    let bytes = e.as_bytes();
    assert_eq!(&bytes[..48], &head.as_bytes()[..48]);
    assert_eq!(&bytes[48..], &cmd[..]);
    let m = op::UringCmd128::new(Fixed(2), 1).build();
    let mut want128 = io_uring_sqe::zeroed();
    prep::uring_cmd128(&mut want128, 1, 2);
    want128.flags |= IOSQE_FIXED_FILE;
    assert_eq!(&m.as_bytes()[..64], want128.as_bytes());
    assert!(m.as_bytes()[64..].iter().all(|&b| b == 0));
    let n = op::Nop128::new().build();
    assert_eq!(&n.as_bytes()[..64], &want(prep::nop128));
}

#[test]
fn every_kernel_opcode_has_a_builder_and_a_name() {
    let mut ops: BTreeSet<u8> = cases().iter().map(|(_, e, _)| e.get_opcode()).collect();
    ops.insert(op::Nop128::new().build().as_sqe().opcode);
    ops.insert(op::UringCmd128::new(Fd(0), 0).build().as_sqe().opcode);
    let missing: Vec<&str> = (0..IORING_OP_LAST)
        .filter(|o| !ops.contains(o))
        .map(|o| Opcode::from_u8(o).map_or("?", Opcode::name))
        .collect();
    assert!(missing.is_empty(), "opcodes without a builder: {missing:?}");
    assert_eq!(Opcode::ALL.len(), usize::from(IORING_OP_LAST));
    for (i, op) in Opcode::ALL.iter().enumerate() {
        assert_eq!(op.value() as usize, i);
        assert_eq!(Opcode::from_u8(op.value()), Some(*op));
    }
    assert_eq!(Opcode::from_u8(IORING_OP_LAST), None);
    assert_eq!(Opcode::SendZc.name(), "SEND_ZC");
    assert_eq!(Opcode::ReadMultishot.name(), "READ_MULTISHOT");
    assert_eq!(Opcode::UringCmd128.to_string(), "URING_CMD128");
}

/// Every `io_uring_prep_*` the core has (each is `doc(alias)`ed in src/prep) is
/// `doc(alias)`ed on some item of the typed layer too, so searching the docs for a
/// liburing name finds the builder.
#[test]
fn every_liburing_preparer_has_a_doc_alias_in_the_typed_layer() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let aliases = |dir: &str| -> BTreeSet<String> {
        let mut set = BTreeSet::new();
        for f in std::fs::read_dir(root.join(dir)).expect("source dir") {
            let path = f.expect("entry").path();
            if !path.is_file() {
                continue; // e.g. src/api/owned/, the safe layer
            }
            let text = std::fs::read_to_string(path).expect("source file");
            for part in text.split("doc(alias = \"").skip(1) {
                let name = part.split('"').next().unwrap_or_default();
                if name.starts_with("io_uring_prep_") {
                    set.insert(name.to_string());
                }
            }
        }
        set
    };
    let core = aliases("prep");
    let api = aliases("api");
    assert!(core.len() >= 100, "only {} preparers found in src/prep", core.len());
    let missing: Vec<&String> = core.difference(&api).collect();
    assert!(missing.is_empty(), "preparers without an alias in src/api: {missing:?}");
}

// ---------------------------------------------------------------- kernel round trips

fn ring(entries: u32) -> Ring {
    Ring::new(entries).expect("a default ring")
}

/// Submit what is pending and collect `n` completions, sorted by user_data.
fn reap(ring: &mut Ring, n: usize) -> Vec<Cqe> {
    // SAFETY: every test keeps the memory its entries reference alive until this
    // returns with their completions.
    unsafe { ring.submit() }.expect("submit");
    let mut out = Vec::new();
    while out.len() < n {
        let c = ring
            .wait_timeout(Duration::from_secs(5))
            .expect("a completion within 5 s");
        out.push(*c);
    }
    out.sort_by_key(|c| c.user_data());
    out
}

fn probe_or_skip(ring: &Ring, ops: &[Opcode], test: &str) -> bool {
    let probe = ring.probe().expect("probe");
    for op in ops {
        if !probe.is_supported(*op) {
            println!("SKIP: {test}: the kernel lacks IORING_OP_{}", op.name());
            return false;
        }
    }
    true
}

fn tempfile(name: &str) -> (std::path::PathBuf, std::fs::File) {
    let path = std::env::temp_dir().join(format!("uring-api-ops-{}-{name}", std::process::id()));
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .expect("temp file");
    (path, f)
}

#[test]
fn rw_family_round_trip() {
    let mut ring = ring(16);
    let (path, file) = tempfile("rw");
    let fd = Fd::of(&file);
    let data: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    let w = op::Write::new(fd, data.as_ptr(), 4096).offset(0).build().user_data(1);
    let iov_src = [libc::iovec {
        iov_base: data[4096..].as_ptr() as *mut _,
        iov_len: 4096,
    }];
    let wv = op::Writev::new(fd, iov_src.as_ptr(), 1)
        .offset(4096)
        .build()
        .user_data(2);
    // SAFETY: `data` and `iov_src` outlive the reap below.
    unsafe { ring.push_multiple(&[w, wv]) }.expect("room for two");
    let c = reap(&mut ring, 2);
    assert_eq!((c[0].result().unwrap(), c[1].result().unwrap()), (4096, 4096));

    let mut back = vec![0u8; 8192];
    let mut back2 = vec![0u8; 100];
    let iov = [libc::iovec {
        iov_base: back2.as_mut_ptr().cast(),
        iov_len: 100,
    }];
    let r = op::Read::new(fd, back.as_mut_ptr(), 8192).build().user_data(3);
    let rv = op::Readv::new(fd, iov.as_ptr(), 1).offset(1000).build().user_data(4);
    // SAFETY: `back`, `back2` and `iov` outlive the reap below.
    unsafe { ring.push(&r) }.unwrap();
    // SAFETY: `back2` and `iov` outlive the reap below.
    unsafe { ring.push(&rv) }.unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!(c[0].result().unwrap(), 8192);
    assert_eq!(c[1].result().unwrap(), 100);
    assert_eq!(back, data);
    assert_eq!(back2[..], data[1000..1100]);

    // The same read through a registered file (a Fixed target).
    uring::register::files::register_files(ring.as_ring_ref(), &[file.as_raw_fd()]).expect("register file");
    let mut fixed_buf = vec![0u8; 64];
    let r = op::Read::new(Fixed(0), fixed_buf.as_mut_ptr(), 64)
        .offset(8000)
        .build()
        .user_data(5);
    // SAFETY: `fixed_buf` outlives the reap.
    unsafe { ring.push(&r) }.unwrap();
    let c = reap(&mut ring, 1);
    assert_eq!(c[0].result().unwrap(), 64);
    assert_eq!(fixed_buf[..], data[8000..8064]);

    // Read from an fd that is not open: the CQE result is the io::Error.
    let r = op::Read::new(Fd(-1), fixed_buf.as_mut_ptr(), 1).build().user_data(6);
    // SAFETY: `fixed_buf` outlives the reap.
    unsafe { ring.push(&r) }.unwrap();
    let c = reap(&mut ring, 1);
    assert_eq!(c[0].io_result().unwrap_err().raw_os_error(), Some(libc::EBADF));
    std::fs::remove_file(path).unwrap();
}

#[test]
fn fs_family_round_trip() {
    let mut ring = ring(8);
    if !probe_or_skip(
        &ring,
        &[Opcode::MkdirAt, Opcode::RenameAt, Opcode::UnlinkAt, Opcode::Ftruncate],
        "fs",
    ) {
        return;
    }
    let dir = std::env::temp_dir().join(format!("uring-api-fs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cdir = CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
    let m = op::MkdirAt::new(Fd(libc::AT_FDCWD), cdir.as_ptr())
        .mode(0o700)
        .build()
        .user_data(1);
    // SAFETY: `cdir` outlives the reap.
    unsafe { ring.push(&m) }.unwrap();
    assert_eq!(reap(&mut ring, 1)[0].result().unwrap(), 0);
    assert!(dir.is_dir());

    let a = CString::new(dir.join("a").as_os_str().as_encoded_bytes()).unwrap();
    let bpath = CString::new(dir.join("b").as_os_str().as_encoded_bytes()).unwrap();
    let o = op::OpenAt::new(Fd(libc::AT_FDCWD), a.as_ptr())
        .flags(libc::O_CREAT | libc::O_RDWR | libc::O_CLOEXEC)
        .mode(0o600)
        .build()
        .user_data(2);
    // SAFETY: `a` outlives the reap.
    unsafe { ring.push(&o) }.unwrap();
    let fd = reap(&mut ring, 1)[0].result().expect("openat") as i32;
    // SAFETY: the kernel just opened `fd` for us; nothing else owns it.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };

    ring.push_safe(&op::Fallocate::new(Fd(fd), 4096).build().user_data(3))
        .unwrap();
    ring.push_safe(
        &op::Ftruncate::new(Fd(fd), 1000)
            .build()
            .user_data(4)
            .flags(SqeFlags::IO_DRAIN),
    )
    .unwrap();
    ring.push_safe(&op::Fsync::new(Fd(fd)).flags(FsyncFlags::DATASYNC).build().user_data(5))
        .unwrap();
    let c = reap(&mut ring, 3);
    for cqe in &c {
        assert_eq!(cqe.result().unwrap(), 0, "{cqe:?}");
    }
    // SAFETY: zeroed statx is a valid output buffer.
    let mut stx: libc::statx = unsafe { core::mem::zeroed() };
    let empty = CString::new("").unwrap();
    let s = op::Statx::new(Fd(fd), empty.as_ptr(), &mut stx)
        .flags(libc::AT_EMPTY_PATH)
        .mask(libc::STATX_SIZE)
        .build()
        .user_data(6);
    // SAFETY: `empty` and `stx` outlive the reap.
    unsafe { ring.push(&s) }.unwrap();
    assert_eq!(reap(&mut ring, 1)[0].result().unwrap(), 0);
    assert_eq!(stx.stx_size, 1000);

    let r = op::RenameAt::new(Fd(libc::AT_FDCWD), Fd(libc::AT_FDCWD), a.as_ptr(), bpath.as_ptr())
        .build()
        .user_data(7);
    // SAFETY: the paths outlive the reap.
    unsafe { ring.push(&r) }.unwrap();
    assert_eq!(reap(&mut ring, 1)[0].result().unwrap(), 0);
    assert!(dir.join("b").exists() && !dir.join("a").exists());

    let close = op::Close::new(Fd(owned.as_raw_fd())).build().user_data(8);
    // Ownership goes to the close request.
    std::mem::forget(owned);
    // SAFETY: a close references no memory; the fd is ours (see above).
    unsafe { ring.push(&close) }.unwrap();
    assert_eq!(reap(&mut ring, 1)[0].result().unwrap(), 0);

    let u = op::UnlinkAt::new(Fd(libc::AT_FDCWD), bpath.as_ptr())
        .build()
        .user_data(9);
    let d = op::UnlinkAt::new(Fd(libc::AT_FDCWD), cdir.as_ptr())
        .flags(libc::AT_REMOVEDIR)
        .build()
        .user_data(10);
    // SAFETY: the paths outlive the reap.
    unsafe { ring.push_multiple(&[u.flags(SqeFlags::IO_LINK), d]) }.unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!((c[0].result().unwrap(), c[1].result().unwrap()), (0, 0));
    assert!(!dir.exists());
}

fn socketpair() -> (OwnedFd, OwnedFd) {
    let mut sv = [0i32; 2];
    // SAFETY: `sv` is a live array of two ints for the kernel to fill.
    let r = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            sv.as_mut_ptr(),
        )
    };
    assert_eq!(r, 0, "socketpair: {}", std::io::Error::last_os_error());
    // SAFETY: sv[0] was just created and is owned by nobody else.
    let a = unsafe { OwnedFd::from_raw_fd(sv[0]) };
    // SAFETY: likewise sv[1].
    let b = unsafe { OwnedFd::from_raw_fd(sv[1]) };
    (a, b)
}

#[test]
fn net_family_round_trip() {
    let mut ring = ring(16);
    let (a, b) = socketpair();
    let msg = *b"hello over a socketpair";
    let mut got = [0u8; 64];
    let s = op::Send::new(Fd::of(&a), msg.as_ptr(), msg.len() as u32)
        .build()
        .user_data(1);
    let r = op::Recv::new(Fd::of(&b), got.as_mut_ptr(), 64).build().user_data(2);
    // SAFETY: `msg` and `got` outlive the reap.
    unsafe { ring.push_multiple(&[s, r]) }.unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!(c[0].result().unwrap() as usize, msg.len());
    assert_eq!(c[1].result().unwrap() as usize, msg.len());
    assert_eq!(&got[..msg.len()], &msg);

    // sendmsg / recvmsg with iovecs.
    let part1 = *b"two ";
    let part2 = *b"parts";
    let mut out_iov = [
        libc::iovec {
            iov_base: part1.as_ptr() as *mut _,
            iov_len: 4,
        },
        libc::iovec {
            iov_base: part2.as_ptr() as *mut _,
            iov_len: 5,
        },
    ];
    // SAFETY: an all-zero msghdr is valid (no name, no control).
    let mut out_msg: libc::msghdr = unsafe { core::mem::zeroed() };
    out_msg.msg_iov = out_iov.as_mut_ptr();
    out_msg.msg_iovlen = 2;
    let mut inbuf = [0u8; 16];
    let mut in_iov = [libc::iovec {
        iov_base: inbuf.as_mut_ptr().cast(),
        iov_len: 16,
    }];
    // SAFETY: an all-zero msghdr (no name, no control, no iovecs yet) is valid.
    let mut in_msg: libc::msghdr = unsafe { core::mem::zeroed() };
    in_msg.msg_iov = in_iov.as_mut_ptr();
    in_msg.msg_iovlen = 1;
    let sm = op::SendMsg::new(Fd::of(&b), &out_msg)
        .build()
        .user_data(3)
        .flags(SqeFlags::IO_LINK);
    let rm = op::RecvMsg::new(Fd::of(&a), &mut in_msg).build().user_data(4);
    // SAFETY: the msghdrs, iovecs and buffers outlive the reap.
    unsafe { ring.push_multiple(&[sm, rm]) }.unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!((c[0].result().unwrap(), c[1].result().unwrap()), (9, 9));
    assert_eq!(&inbuf[..9], b"two parts");

    // shutdown: the peer reads end of file.
    ring.push_safe(&op::Shutdown::new(Fd::of(&a), libc::SHUT_WR).build().user_data(5))
        .unwrap();
    let r = op::Recv::new(Fd::of(&b), got.as_mut_ptr(), 64).build().user_data(6);
    // SAFETY: `got` outlives the reap.
    unsafe { ring.push(&r) }.unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!((c[0].result().unwrap(), c[1].result().unwrap()), (0, 0));
}

#[test]
fn multishot_recv_with_provided_buffers_and_multishot_accept() {
    let mut ring = ring(16);
    if !probe_or_skip(&ring, &[Opcode::ProvideBuffers, Opcode::Recv], "multishot recv") {
        return;
    }
    let (a, b) = socketpair();
    const BGID: u16 = 7;
    let mut pool = vec![0u8; 4 * 32];
    let pb = op::ProvideBuffers::new(pool.as_mut_ptr(), 32, 4, BGID, 0)
        .build()
        .user_data(1);
    // SAFETY: `pool` outlives every completion of this test (it is dropped at the end).
    unsafe { ring.push(&pb) }.unwrap();
    assert_eq!(reap(&mut ring, 1)[0].result().unwrap(), 0);
    ring.push_safe(&op::Nop::new().build().user_data(0)).unwrap();
    reap(&mut ring, 1);

    let rm = op::RecvMulti::new(Fd::of(&b), BGID).build().user_data(2);
    // SAFETY: the receive writes only into `pool`, alive until the end.
    unsafe { ring.push(&rm) }.unwrap();
    // SAFETY: the pending multishot receive writes only into `pool`, alive until the end.
    unsafe { ring.submit() }.unwrap();
    let mut seen_ids = BTreeSet::new();
    for i in 0..3u8 {
        let m = [b'a' + i; 5];
        (&std::fs::File::from(a.try_clone().unwrap())).write_all(&m).unwrap();
        let c = ring.wait_timeout(Duration::from_secs(5)).expect("a receive completion");
        assert_eq!(c.user_data(), 2);
        assert_eq!(c.result().unwrap(), 5);
        assert!(c.more(), "a multishot receive stays armed: {c:?}");
        let id = c.buffer_id().expect("a provided buffer id");
        assert!(id < 4);
        let start = usize::from(id) * 32;
        assert_eq!(&pool[start..start + 5], &m);
        seen_ids.insert(id);
    }
    assert_eq!(seen_ids.len(), 3, "each arrival takes a fresh buffer");
    ring.push_safe(&op::AsyncCancel::new(2).build().user_data(3)).unwrap();
    // SAFETY: a cancel references no memory; the receive writes only into `pool`.
    unsafe { ring.submit() }.unwrap();
    let mut got_cancel = false;
    let mut got_end = false;
    while !(got_cancel && got_end) {
        let c = ring.wait_timeout(Duration::from_secs(5)).expect("completion");
        match c.user_data() {
            3 => got_cancel = c.result().is_ok(),
            2 => {
                assert!(!c.more(), "the last completion of a multishot clears more()");
                got_end = true;
            }
            other => panic!("unexpected completion {other}"),
        }
    }

    // Multishot accept on a TCP listener: one completion per connection.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    ring.push_safe(
        &op::AcceptMulti::new(Fd::of(&listener))
            .flags(libc::SOCK_CLOEXEC)
            .build()
            .user_data(10),
    )
    .unwrap();
    // SAFETY: the pending entry is a multishot accept, which references no memory.
    unsafe { ring.submit() }.unwrap();
    let clients: Vec<_> = (0..2).map(|_| std::net::TcpStream::connect(addr).unwrap()).collect();
    for _ in 0..2 {
        let c = ring.wait_timeout(Duration::from_secs(5)).expect("an accept completion");
        assert_eq!(c.user_data(), 10);
        assert!(c.more());
        let fd = c.result().expect("accepted fd") as i32;
        // SAFETY: the kernel gave us this new socket.
        drop(unsafe { OwnedFd::from_raw_fd(fd) });
    }
    drop(clients);
    ring.push_safe(&op::AsyncCancel::new(10).build().user_data(11)).unwrap();
    reap(&mut ring, 2);
    drop(pool);
}

#[test]
fn poll_family_round_trip() {
    let mut ring = ring(8);
    let (a, b) = socketpair();
    ring.push_safe(&op::PollAdd::new(Fd::of(&b), libc::POLLIN as u32).build().user_data(1))
        .unwrap();
    ring.push_safe(
        &op::PollAdd::new(Fd::of(&b), libc::POLLIN as u32)
            .multi(true)
            .build()
            .user_data(2),
    )
    .unwrap();
    // SAFETY: polls reference no memory.
    unsafe { ring.submit() }.unwrap();
    assert!(ring.peek().unwrap().is_none(), "nothing is readable yet");
    (&std::fs::File::from(a.try_clone().unwrap())).write_all(b"x").unwrap();
    let mut got = Vec::new();
    for _ in 0..2 {
        got.push(*ring.wait_timeout(Duration::from_secs(5)).expect("poll completion"));
    }
    got.sort_by_key(|c| c.user_data());
    assert_eq!(got[0].result().unwrap() & libc::POLLIN as u32, libc::POLLIN as u32);
    assert!(!got[0].more());
    assert!(got[1].more(), "multishot poll stays armed");
    ring.push_safe(&op::PollRemove::new(2).build().user_data(3)).unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!(c[0].user_data(), 2);
    assert_eq!(c[0].io_result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    assert_eq!(c[1].result().unwrap(), 0);
}

#[test]
fn timeout_family_round_trip() {
    let mut ring = ring(8);
    let ts = op::timespec(Duration::from_millis(20));
    let t = op::Timeout::new(&ts).build().user_data(1);
    let start = Instant::now();
    // SAFETY: `ts` outlives the reap.
    unsafe { ring.push(&t) }.unwrap();
    let c = reap(&mut ring, 1);
    assert!(start.elapsed() >= Duration::from_millis(15));
    assert_eq!(c[0].io_result().unwrap_err().raw_os_error(), Some(libc::ETIME));

    // A count timeout completes with 0 after one other completion.
    let long = op::timespec(Duration::from_secs(30));
    let t = op::Timeout::new(&long).count(1).build().user_data(2);
    // SAFETY: `long` outlives the reap.
    unsafe { ring.push(&t) }.unwrap();
    ring.push_safe(&op::Nop::new().build().user_data(3)).unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!((c[0].result().unwrap(), c[1].result().unwrap()), (0, 0));

    // Remove a pending timeout.
    let t = op::Timeout::new(&long).build().user_data(4);
    // SAFETY: `long` outlives the reap.
    unsafe { ring.push(&t) }.unwrap();
    ring.push_safe(&op::TimeoutRemove::new(4).build().user_data(5)).unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!(c[0].io_result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    assert_eq!(c[1].result().unwrap(), 0);

    // A linked timeout cancels a read that never completes.
    let (_a, b) = socketpair();
    let mut buf = [0u8; 8];
    let r = op::Recv::new(Fd::of(&b), buf.as_mut_ptr(), 8)
        .build()
        .user_data(6)
        .flags(SqeFlags::IO_LINK);
    let lt = op::LinkTimeout::new(&ts).build().user_data(7);
    // SAFETY: `buf` and `ts` outlive the reap.
    unsafe { ring.push_multiple(&[r, lt]) }.unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!(c[0].io_result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    assert_eq!(c[1].io_result().unwrap_err().raw_os_error(), Some(libc::ETIME));
}

#[test]
fn cancel_family_round_trip() {
    let mut ring = ring(8);
    let (_a, b) = socketpair();
    let mut buf = [0u8; 8];
    let r = op::Recv::new(Fd::of(&b), buf.as_mut_ptr(), 8).build().user_data(1);
    // SAFETY: `buf` outlives the reap.
    unsafe { ring.push(&r) }.unwrap();
    // SAFETY: the pending receive writes into `buf`, which outlives its cancellation.
    unsafe { ring.submit() }.unwrap();
    ring.push_safe(&op::AsyncCancel::new(1).build().user_data(2)).unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!(c[0].io_result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    assert_eq!(c[1].result().unwrap(), 0);
    // Nothing left to cancel.
    ring.push_safe(&op::AsyncCancel::new(1).build().user_data(3)).unwrap();
    assert_eq!(
        reap(&mut ring, 1)[0].io_result().unwrap_err().raw_os_error(),
        Some(libc::ENOENT)
    );

    // Cancel by fd, every match.
    let r1 = op::Recv::new(Fd::of(&b), buf.as_mut_ptr(), 4).build().user_data(4);
    let r2 = op::Recv::new(Fd::of(&b), buf[4..].as_mut_ptr(), 4).build().user_data(5);
    // SAFETY: `buf` outlives the reap.
    unsafe { ring.push_multiple(&[r1, r2]) }.unwrap();
    // SAFETY: the pending receives write into `buf`, which outlives their cancellation.
    unsafe { ring.submit() }.unwrap();
    ring.push_safe(
        &op::AsyncCancelFd::new(Fd::of(&b))
            .flags(CancelFlags::ALL)
            .build()
            .user_data(6),
    )
    .unwrap();
    let c = reap(&mut ring, 3);
    assert_eq!(c[0].io_result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    assert_eq!(c[1].io_result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));
    assert_eq!(c[2].result().unwrap(), 2, "two requests cancelled");
}

#[test]
fn msg_ring_posts_on_another_ring() {
    let mut src = ring(4);
    let mut dst = ring(4);
    if !probe_or_skip(&src, &[Opcode::MsgRing], "msg_ring") {
        return;
    }
    src.push_safe(&op::MsgRingData::new(Fd::of(&dst), 1234, 0xfeed).build().user_data(1))
        .unwrap();
    assert_eq!(reap(&mut src, 1)[0].result().unwrap(), 0);
    let c = dst.wait_timeout(Duration::from_secs(5)).expect("the message");
    assert_eq!((c.user_data(), c.result().unwrap()), (0xfeed, 1234));
    c.seen();
    // With CQE flags passed through.
    src.push_safe(
        &op::MsgRingData::new(Fd::of(&dst), 1, 0xbeef)
            .cqe_flags(Some(IORING_CQE_F_SOCK_NONEMPTY))
            .build()
            .user_data(2),
    )
    .unwrap();
    let r = reap(&mut src, 1)[0].io_result();
    if r.as_ref().err().and_then(|e| e.raw_os_error()) == Some(libc::EINVAL) {
        println!("SKIP: msg_ring_cqe_flags: kernel refuses IORING_MSG_RING_FLAGS_PASS");
        return;
    }
    r.unwrap();
    let c = dst.wait_timeout(Duration::from_secs(5)).expect("the message");
    assert_eq!(c.user_data(), 0xbeef);
    assert!(c.sock_nonempty());
}

#[test]
fn push_errors_and_push_multiple_is_all_or_nothing() {
    let mut ring = ring(4);
    let entries = ring.sq_entries();
    let nops: Vec<Entry> = (0..entries + 1)
        .map(|i| op::Nop::new().build().user_data(u64::from(i)).into())
        .collect();
    // SAFETY: NOPs reference no memory.
    assert_eq!(unsafe { ring.push_multiple(&nops) }, Err(PushError::QueueFull));
    assert_eq!(ring.sq_ready(), 0, "nothing was pushed");
    // SAFETY: NOPs reference no memory.
    unsafe { ring.push_multiple(&nops[..entries as usize]) }.unwrap();
    assert_eq!(ring.push_safe(&op::Nop::new().build()), Err(PushError::QueueFull));
    assert_eq!(reap(&mut ring, entries as usize).len(), entries as usize);
    // A 128-byte entry needs an SQE128 or SQE_MIXED ring.
    // SAFETY: a NOP128 references no memory.
    let pushed = unsafe { ring.push128(&op::Nop128::new().build()) };
    assert_eq!(pushed, Err(PushError::NeedsBigSqe));
    let io: std::io::Error = PushError::QueueFull.into();
    assert_eq!(io.kind(), std::io::ErrorKind::WouldBlock);
}

#[test]
fn sqe128_and_mixed_rings_take_128_byte_entries() {
    // SQE128: a 64-byte entry clears the upper half of its slot; a 128-byte NOP-like
    // URING_CMD on a non-command file fails cleanly.
    let mut big = match Ring::builder(4).sqe128().build() {
        Ok(r) => r,
        Err(e) => {
            println!("SKIP: SQE128 rings: {e}");
            return;
        }
    };
    big.push_safe(&op::Nop::new().build().user_data(1)).unwrap();
    let (_a, b) = socketpair();
    let cmd = op::UringCmd80::new(Fd::of(&b), SOCKET_URING_OP_SIOCINQ)
        .build()
        .user_data(2);
    // SAFETY: SIOCINQ writes no memory of ours (the count is the result).
    unsafe { big.push128(&cmd) }.unwrap();
    let c = reap(&mut big, 2);
    assert_eq!(c[0].result().unwrap(), 0);
    match c[1].io_result() {
        Ok(n) => assert_eq!(n, 0, "nothing queued on the socket"),
        Err(e) => println!("note: SIOCINQ socket command not supported here: {e}"),
    }

    let mut mixed = match Ring::builder(8).setup_flags(SetupFlags::SQE_MIXED).build() {
        Ok(r) => r,
        Err(e) => {
            println!("SKIP: SQE_MIXED rings: {e}");
            return;
        }
    };
    if !probe_or_skip(&mixed, &[Opcode::Nop128], "NOP128") {
        return;
    }
    for i in 0..6u64 {
        // Alternate sizes so a 128-byte pair has to wrap the ring end at least once.
        if i % 2 == 0 {
            mixed.push_safe(&op::Nop::new().build().user_data(i)).unwrap();
        } else {
            // SAFETY: a NOP128 references no memory.
            unsafe { mixed.push128(&op::Nop128::new().build().user_data(i)) }.unwrap();
        }
        let c = reap(&mut mixed, 1);
        assert_eq!((c[0].user_data(), c[0].result().unwrap()), (i, 0));
    }
}

#[test]
fn probe_and_setup_builder() {
    let ring = Ring::builder(8)
        .cq_entries(64)
        .clamp()
        .submit_all()
        .coop_taskrun()
        .build()
        .expect("ring with CQSIZE|CLAMP|SUBMIT_ALL|COOP_TASKRUN");
    assert_eq!(ring.cq_entries(), 64);
    assert!(ring
        .setup_flags()
        .contains(SetupFlags::CQSIZE | SetupFlags::CLAMP | SetupFlags::SUBMIT_ALL));
    let feats = ring.granted_features();
    assert_eq!(feats.bits(), ring.features());
    assert!(feats.contains(Features::NODROP));
    let probe = ring.probe().expect("probe");
    assert!(probe.is_supported(Opcode::Nop) && probe.is_supported(Opcode::Read));
    assert!(!probe.supported().any(|o| o.value() > probe.last_op()));
    let standalone = Probe::new().expect("probe without a ring");
    assert_eq!(standalone.supported().count(), probe.supported().count());
    let dbg = format!("{ring:?}");
    assert!(dbg.contains("CQSIZE") && dbg.contains("NODROP"), "{dbg}");
    assert_eq!(ring.as_raw_fd(), ring.fd());
    use std::os::fd::AsFd;
    assert_eq!(ring.as_fd().as_raw_fd(), ring.fd());

    // A deliberately bad setup: the error names it.
    let err = Ring::builder(0).build().unwrap_err();
    let e: Error = err.into();
    assert_eq!(e.operation(), "setup");
    assert_eq!(e.errno(), Some(uring::Errno(libc::EINVAL)));

    // attach_wq to another ring, and SINGLE_ISSUER + DEFER_TASKRUN.
    match Ring::builder(4).attach_wq(&ring).build() {
        Ok(r) => assert!(r.setup_flags().contains(SetupFlags::ATTACH_WQ)),
        Err(e) => println!("SKIP: ATTACH_WQ: {e}"),
    }
    match Ring::builder(4).defer_taskrun().build() {
        Ok(mut r) => {
            r.push_safe(&op::Nop::new().build().user_data(5)).unwrap();
            assert_eq!(reap(&mut r, 1)[0].user_data(), 5);
        }
        Err(e) => println!("SKIP: DEFER_TASKRUN: {e}"),
    }
}

// --------------------------------------------------------------------------- waits

#[test]
fn cancellable_wait_is_woken_from_another_thread() {
    let mut ring = ring(4);
    let canceller = WaitCanceller::new().expect("eventfd");
    let remote = canceller.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        remote.cancel();
    });
    let start = Instant::now();
    let err = ring
        .wait_cancellable(&canceller, Some(Duration::from_secs(10)))
        .unwrap_err();
    let waited = start.elapsed();
    t.join().unwrap();
    assert!(err.is_cancelled(), "{err:?}");
    assert!(
        waited >= Duration::from_millis(40),
        "returned before the cancel: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(5),
        "the cancel did not wake the wait: {waited:?}"
    );
    assert_eq!(err.kind(), std::io::ErrorKind::Interrupted);
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(std::io::Error::from(err).kind(), std::io::ErrorKind::Interrupted);

    // The cancel was consumed: the next wait times out instead.
    let err = ring
        .wait_cancellable(&canceller, Some(Duration::from_millis(30)))
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");

    // A completion that is ready wins over a pending cancel, which stays for the next wait.
    canceller.cancel();
    ring.push_safe(&op::Nop::new().build().user_data(7)).unwrap();
    // SAFETY: a NOP references no memory.
    unsafe { ring.submit_and_wait(1) }.unwrap();
    assert_eq!(ring.wait_cancellable(&canceller, None).unwrap().user_data(), 7);
    assert!(ring.wait_cancellable(&canceller, None).unwrap_err().is_cancelled());

    // Through the split halves: a reaper thread blocked on the completion queue, woken
    // by the submitting thread.
    let (mut sq, mut cq) = ring.split();
    let c2 = canceller.clone();
    std::thread::scope(|s| {
        let reaper = s.spawn(move || {
            let mut n = 0;
            loop {
                match cq.wait_cancellable(&c2, Some(Duration::from_secs(10))) {
                    Ok(c) => {
                        assert_eq!(c.user_data(), 100 + n);
                        n += 1;
                    }
                    Err(e) => {
                        assert!(e.is_cancelled(), "{e:?}");
                        return n;
                    }
                }
            }
        });
        for i in 0..3 {
            sq.push_safe(&op::Nop::new().build().user_data(100 + i)).unwrap();
            // SAFETY: NOPs reference no memory.
            unsafe { sq.submit() }.unwrap();
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(50));
        canceller.cancel();
        assert_eq!(reaper.join().unwrap(), 3);
    });
}

static SIGNAL_CANCELLER: OnceLock<WaitCanceller> = OnceLock::new();

extern "C" fn on_sigusr2(_: libc::c_int) {
    if let Some(c) = SIGNAL_CANCELLER.get() {
        c.cancel();
    }
}

#[test]
fn cancellable_wait_is_woken_from_a_signal_handler() {
    let mut ring = ring(4);
    let canceller = SIGNAL_CANCELLER.get_or_init(|| WaitCanceller::new().expect("eventfd"));
    // SAFETY: a zeroed sigaction with a handler that only calls the async-signal-safe
    // `cancel`; SIGUSR2 is used by nothing else in this test binary.
    let mut sa: libc::sigaction = unsafe { core::mem::zeroed() };
    sa.sa_sigaction = on_sigusr2 as extern "C" fn(libc::c_int) as usize;
    sa.sa_flags = libc::SA_RESTART;
    // SAFETY: installs the handler above; `sa` is a valid sigaction.
    assert_eq!(unsafe { libc::sigaction(libc::SIGUSR2, &sa, core::ptr::null_mut()) }, 0);
    // SAFETY: pthread_self has no preconditions.
    let me = unsafe { libc::pthread_self() };
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        // SAFETY: signals the test thread, which is alive and blocked in the wait.
        unsafe { libc::pthread_kill(me, libc::SIGUSR2) };
    });
    let err = ring
        .wait_cancellable(canceller, Some(Duration::from_secs(10)))
        .unwrap_err();
    t.join().unwrap();
    assert!(err.is_cancelled(), "{err:?}");
}

#[test]
fn timed_waits() {
    let mut ring = ring(8);
    let start = Instant::now();
    let err = ring.wait_timeout(Duration::from_millis(30)).unwrap_err();
    assert_eq!(err, uring::Errno(libc::ETIME));
    assert!(start.elapsed() >= Duration::from_millis(25));

    // submit_and_wait_timeout: submitted entries stay submitted on a time-out.
    ring.push_safe(&op::Nop::new().build().user_data(1)).unwrap();
    // SAFETY: a NOP references no memory.
    let n = unsafe { ring.submit_and_wait_timeout(1, Duration::from_secs(5)) }.unwrap();
    assert_eq!(n, 1);
    assert_eq!(ring.wait().unwrap().user_data(), 1);
    let (_a, b) = socketpair();
    let mut buf = [0u8; 4];
    let r = op::Recv::new(Fd::of(&b), buf.as_mut_ptr(), 4).build().user_data(2);
    // SAFETY: `buf` outlives the cancel and reap below.
    unsafe { ring.push(&r) }.unwrap();
    // SAFETY: the pending receive writes into `buf`, which outlives its cancellation below.
    let err = unsafe { ring.submit_and_wait_timeout(1, Duration::from_millis(20)) }.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.operation(), "submit_and_wait_timeout");
    ring.push_safe(&op::AsyncCancel::new(2).build().user_data(3)).unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!(c[0].io_result().unwrap_err().raw_os_error(), Some(libc::ECANCELED));

    // wait_nr: three NOPs, one wait.
    for i in 0..3 {
        ring.push_safe(&op::Nop::new().build().user_data(10 + i)).unwrap();
    }
    // SAFETY: NOPs reference no memory.
    unsafe { ring.submit() }.unwrap();
    assert_eq!(ring.wait_nr(3).unwrap().user_data(), 10);
    assert_eq!(ring.cq_ready(), 2);
    assert_eq!(ring.completions().count(), 2);
}

#[test]
fn min_timeout_waits() {
    let mut ring = ring(8);
    if !ring.granted_features().contains(Features::MIN_TIMEOUT) {
        let err = ring.wait_min_timeout(2, Duration::from_millis(1), None).unwrap_err();
        assert_eq!(err.errno(), Some(uring::Errno(libc::EOPNOTSUPP)));
        println!("SKIP: min-timeout waits: the kernel lacks IORING_FEAT_MIN_TIMEOUT");
        return;
    }
    // One NOP, a wait for two with a 20 ms minimum: settles for the one after 20 ms.
    ring.push_safe(&op::Nop::new().build().user_data(1)).unwrap();
    // SAFETY: a NOP references no memory.
    unsafe { ring.submit() }.unwrap();
    let start = Instant::now();
    let c = ring
        .wait_min_timeout(2, Duration::from_millis(20), Some(Duration::from_secs(5)))
        .unwrap();
    assert_eq!(c.user_data(), 1);
    drop(c);
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "min wait did not settle for one"
    );
    // Nothing at all: the overall timeout ends it.
    let err = ring
        .wait_min_timeout(1, Duration::from_millis(5), Some(Duration::from_millis(30)))
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // Submit-and-wait form.
    ring.push_safe(&op::Nop::new().build().user_data(2)).unwrap();
    // SAFETY: a NOP references no memory.
    let n =
        unsafe { ring.submit_and_wait_min_timeout(1, Duration::from_millis(1), Some(Duration::from_secs(5))) }.unwrap();
    assert_eq!(n, 1);
    assert_eq!(ring.wait().unwrap().user_data(), 2);
}

#[test]
fn cqe_accessors_and_error_conversion() {
    let c = Cqe::from_parts(
        5,
        12,
        IORING_CQE_F_MORE | IORING_CQE_F_BUFFER | (9 << IORING_CQE_BUFFER_SHIFT),
    );
    assert!(c.more() && !c.notif() && !c.sock_nonempty());
    assert_eq!(c.buffer_id(), Some(9));
    assert_eq!(c.result().unwrap(), 12);
    assert_eq!(
        c.cqe_flags(),
        CqeFlags::MORE | CqeFlags::BUFFER | CqeFlags::from_bits_retain(9 << 16)
    );
    let n = Cqe::from_parts(1, 0, IORING_CQE_F_NOTIF);
    assert!(n.notif() && n.buffer_id().is_none());
    let e = Error::os("wait", uring::Errno(libc::EBADF));
    let io: std::io::Error = e.into();
    assert_eq!(io.raw_os_error(), Some(libc::EBADF));
    assert_eq!(
        e.to_string(),
        format!("io_uring wait: {}", std::io::Error::from_raw_os_error(libc::EBADF))
    );
}

#[test]
fn read_of_a_pipe_via_std_io_still_works() {
    // The typed layer coexists with the raw get_sqe path on one ring.
    let mut ring = ring(4);
    let (mut r, mut w) = {
        let mut fds = [0; 2];
        // SAFETY: `fds` is a live array of two ints.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        // SAFETY: fds[0] is new and ours.
        let r = unsafe { std::fs::File::from_raw_fd(fds[0]) };
        // SAFETY: likewise fds[1].
        let w = unsafe { std::fs::File::from_raw_fd(fds[1]) };
        (r, w)
    };
    let data = *b"piped";
    let wr = op::Write::new(Fd::of(&w), data.as_ptr(), 5)
        .offset(u64::MAX)
        .build()
        .user_data(1);
    // SAFETY: `data` outlives the reap.
    unsafe { ring.push(&wr) }.unwrap();
    let sqe = ring.get_sqe().unwrap();
    prep::nop(sqe);
    sqe.user_data = 2;
    let c = reap(&mut ring, 2);
    assert_eq!((c[0].result().unwrap(), c[1].result().unwrap()), (5, 0));
    let mut back = [0u8; 5];
    r.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"piped");
    w.flush().unwrap();
}

#[test]
fn cancellable_wait_on_a_defer_taskrun_ring_runs_deferred_work() {
    let mut ring = match Ring::builder(4).defer_taskrun().build() {
        Ok(r) => r,
        Err(e) => {
            println!("SKIP: DEFER_TASKRUN: {e}");
            return;
        }
    };
    let canceller = WaitCanceller::new().unwrap();
    let ts = op::timespec(Duration::from_millis(20));
    let t = op::Timeout::new(&ts).build().user_data(3);
    // SAFETY: `ts` outlives the wait that reaps the timeout.
    unsafe { ring.push(&t) }.unwrap();
    // SAFETY: the pending timeout reads `ts`, which outlives the wait that reaps it.
    unsafe { ring.submit() }.unwrap();
    let start = Instant::now();
    let c = ring
        .wait_cancellable(&canceller, Some(Duration::from_secs(5)))
        .expect("the timeout completes");
    assert_eq!((c.user_data(), c.res()), (3, -libc::ETIME));
    drop(c);
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "deferred work was not run: {:?}",
        start.elapsed()
    );
    // And a cancel from another thread wakes it.
    let remote = canceller.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        remote.cancel();
    });
    let start = Instant::now();
    let err = ring
        .wait_cancellable(&canceller, Some(Duration::from_secs(5)))
        .unwrap_err();
    t.join().unwrap();
    assert!(err.is_cancelled(), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[test]
fn submission_queue_and_raw_completions() {
    let mut ring = ring(4);
    let n = ring.sq_entries();
    {
        let mut sq = ring.submission();
        assert!(sq.is_empty());
        for i in 0..n {
            sq.push_safe(&op::Nop::new().build().user_data(u64::from(i))).unwrap();
        }
        assert_eq!(sq.len(), n);
        assert!(sq.is_full());
        assert_eq!(sq.push_safe(&op::Nop::new().build()), Err(PushError::QueueFull));
    }
    // Dropping the queue handed the slots to the submitter.
    assert_eq!(ring.sq_ready(), n);
    // SAFETY: only NOPs are pending.
    assert_eq!(unsafe { ring.submit_and_wait(n) }.unwrap(), n);
    let got: Vec<u64> = ring.completions_raw().map(|c| c.user_data()).collect();
    assert_eq!(got, (0..u64::from(n)).collect::<Vec<_>>());
    assert_eq!(ring.cq_ready(), 0, "the raw iterator consumed what it yielded");

    // A CQE forged with F_SKIP by a MSG_RING sender: the raw iterator yields it, the
    // guarded iterator skips it.
    let mut sender = self::ring(2);
    if !probe_or_skip(&sender, &[Opcode::MsgRing], "forged F_SKIP") {
        return;
    }
    for ud in [1u64, 2] {
        let e = op::MsgRingData::new(Fd::of(&ring), 0, ud)
            .cqe_flags(Some(IORING_CQE_F_SKIP))
            .build()
            .user_data(ud);
        sender.push_safe(&e).unwrap();
    }
    let sent = reap(&mut sender, 2);
    if sent[0].io_result().is_err() {
        println!(
            "SKIP: forged F_SKIP: MSG_RING flag passing refused: {:?}",
            sent[0].result()
        );
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while ring.cq_ready() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    {
        let mut raw = ring.completions_raw();
        let first = raw.next().expect("the forged CQE");
        assert!(first.cqe_flags().contains(CqeFlags::SKIP));
        assert_eq!(first.user_data(), 1);
    } // consumes only the first
    assert_eq!(
        ring.completions().count(),
        0,
        "the guarded iterator skips the forged CQE"
    );
    assert_eq!(ring.cq_ready(), 0);
}

#[test]
fn sixty_four_byte_command_on_sqe128_ring_clears_the_upper_half() {
    let mut ring = match Ring::builder(1).sqe128().build() {
        Ok(r) => r,
        Err(e) => {
            println!("SKIP: SQE128 rings: {e}");
            return;
        }
    };
    assert_eq!(ring.sq_entries(), 1, "one slot, reused by every push");
    let (_a, b) = socketpair();
    // SAFETY: SIOCINQ on a socket writes no memory of ours.
    unsafe {
        ring.push128(
            &op::UringCmd80::new(Fd::of(&b), SOCKET_URING_OP_SIOCINQ)
                .cmd([0xab; 80])
                .build(),
        )
    }
    .unwrap();
    reap(&mut ring, 1);
    let e = op::UringCmd16::new(Fd::of(&b), SOCKET_URING_OP_SIOCINQ)
        .build()
        .user_data(2);
    // SAFETY: SIOCINQ writes no memory of ours (the count is the result).
    unsafe { ring.push(&e) }.unwrap();
    let sqes = ring.as_raw().sq.sqes;
    // SAFETY: on an SQE128 ring slot 0 spans two io_uring_sqe, both in the mapping.
    let upper_ptr = unsafe { sqes.add(1) };
    // SAFETY: the slot was written by the push above and is not yet submitted, so
    // nothing writes it meanwhile.
    let upper = unsafe { upper_ptr.read() };
    assert!(
        upper.as_bytes().iter().all(|&x| x == 0),
        "stale command bytes: {:?}",
        upper.as_bytes()
    );
    reap(&mut ring, 1);
}

#[test]
fn handle_types_have_the_right_auto_traits() {
    fn send_sync_clone<T: Send + Sync + Clone>() {}
    fn send_sync<T: Send + Sync>() {}
    send_sync_clone::<WaitCanceller>();
    send_sync_clone::<Entry>();
    send_sync_clone::<Entry128>();
    send_sync_clone::<SafeEntry>();
    send_sync::<Error>();
    send_sync::<Probe>();
    // A canceller made in one thread cancels a wait in another (checked for real in
    // cancellable_wait_is_woken_from_another_thread); here: clones share one eventfd.
    let c = WaitCanceller::new().unwrap();
    let d = c.clone();
    assert_eq!(c.as_raw_fd(), d.as_raw_fd());
    d.cancel();
    assert!(c.take());
    assert!(!c.take(), "a cancel is consumed once");
}

fn pipe() -> (std::fs::File, std::fs::File) {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a live array of two ints.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: fds[0] is new and ours.
    let r = unsafe { std::fs::File::from_raw_fd(fds[0]) };
    // SAFETY: likewise fds[1].
    let w = unsafe { std::fs::File::from_raw_fd(fds[1]) };
    (r, w)
}

#[test]
fn splice_tee_pipe_and_futex_round_trips() {
    let mut ring = ring(8);
    // tee duplicates pipe 1 into pipe 2, splice then moves pipe 1 into pipe 3.
    let (r1, mut w1) = pipe();
    let (mut r2, w2) = pipe();
    let (mut r3, w3) = pipe();
    w1.write_all(b"spliced!").unwrap();
    ring.push_safe(
        &op::Tee::new(Fd::of(&r1), Fd::of(&w2), 8)
            .build()
            .user_data(1)
            .flags(SqeFlags::IO_LINK),
    )
    .unwrap();
    ring.push_safe(
        &op::Splice::new(Fd::of(&r1), -1, Fd::of(&w3), -1, 8)
            .build()
            .user_data(2),
    )
    .unwrap();
    let c = reap(&mut ring, 2);
    assert_eq!((c[0].result().unwrap(), c[1].result().unwrap()), (8, 8));
    let mut a = [0u8; 8];
    let mut b = [0u8; 8];
    r2.read_exact(&mut a).unwrap();
    r3.read_exact(&mut b).unwrap();
    assert_eq!((&a, &b), (b"spliced!", b"spliced!"));

    // IORING_OP_PIPE: two fds written to an array.
    if probe_or_skip(&ring, &[Opcode::Pipe], "pipe op") {
        let mut fds = [-1i32; 2];
        let e = op::Pipe::new(fds.as_mut_ptr())
            .flags(libc::O_CLOEXEC)
            .build()
            .user_data(3);
        // SAFETY: `fds` outlives the reap.
        unsafe { ring.push(&e) }.unwrap();
        assert_eq!(reap(&mut ring, 1)[0].result().unwrap(), 0);
        assert!(fds[0] >= 0 && fds[1] >= 0 && fds[0] != fds[1]);
        // SAFETY: the kernel made this fd for us.
        let pr = unsafe { OwnedFd::from_raw_fd(fds[0]) };
        // SAFETY: likewise.
        let pw = unsafe { OwnedFd::from_raw_fd(fds[1]) };
        (&std::fs::File::from(pw)).write_all(b"p").unwrap();
        let mut one = [0u8; 1];
        (&std::fs::File::from(pr)).read_exact(&mut one).unwrap();
        assert_eq!(&one, b"p");
    }

    // Futex wait on a word, woken by a futex wake from the ring.
    if probe_or_skip(&ring, &[Opcode::FutexWait, Opcode::FutexWake], "futex") {
        const FUTEX2_SIZE_U32: u32 = 2;
        const FUTEX2_PRIVATE: u32 = 128;
        let word = Box::new(0u32);
        let addr: *const u32 = &*word;
        let wait = op::FutexWait::new(addr, 0, u64::from(u32::MAX), FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)
            .build()
            .user_data(4);
        // SAFETY: `word` outlives both completions.
        unsafe { ring.push(&wait) }.unwrap();
        // SAFETY: the pending futex wait reads `word`, alive until both completions are reaped.
        unsafe { ring.submit() }.unwrap();
        assert!(ring.peek().unwrap().is_none(), "the waiter sleeps while the word is 0");
        let wake = op::FutexWake::new(addr, 1, u64::from(u32::MAX), FUTEX2_SIZE_U32 | FUTEX2_PRIVATE)
            .build()
            .user_data(5);
        // SAFETY: the futex wake reads `word`, alive until both completions are reaped.
        unsafe { ring.push(&wake) }.unwrap();
        let c = reap(&mut ring, 2);
        assert_eq!(c[0].result().unwrap(), 0, "the waiter was woken");
        assert_eq!(c[1].result().unwrap(), 1, "one waiter woken");
        drop(word);
    }
}

/// The batch push and the raw iterator on big-entry rings: their slot strides (128-byte
/// SQEs, 32-byte CQEs) must match the ring, or user data comes back wrong.
#[test]
fn submission_queue_and_raw_completions_on_sqe128_cqe32_rings() {
    let mut ring = match Ring::builder(8).sqe128().cqe32().build() {
        Ok(r) => r,
        Err(e) => {
            println!("SKIP: SQE128|CQE32 rings: {e}");
            return;
        }
    };
    for round in 0..3u64 {
        {
            let mut sq = ring.submission();
            for i in 0..6 {
                sq.push_safe(&op::Nop::new().build().user_data(round * 100 + i))
                    .unwrap();
            }
        }
        // SAFETY: only NOPs are pending.
        assert_eq!(unsafe { ring.submit_and_wait(6) }.unwrap(), 6);
        let got: Vec<u64> = ring.completions_raw().map(|c| c.user_data()).collect();
        assert_eq!(
            got,
            (0..6).map(|i| round * 100 + i).collect::<Vec<_>>(),
            "round {round}"
        );
    }
    // A NOP asked to post a 32-byte CQE fills the big half (kernels that know the flag).
    ring.push_safe(&op::Nop::new().nop_flags(IORING_NOP_CQE32).build().user_data(7))
        .unwrap();
    // SAFETY: a NOP references no memory.
    unsafe { ring.submit_and_wait(1) }.unwrap();
    let c = ring.completions_raw().next().expect("the NOP");
    assert_eq!(c.user_data(), 7);
    match c.io_result() {
        Ok(_) => println!("NOP CQE32 extra words: {:?}", c.big_cqe()),
        Err(e) => println!("note: IORING_NOP_CQE32 not known to this kernel: {e}"),
    }
}
