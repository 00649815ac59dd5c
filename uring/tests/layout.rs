//! The Rust ABI structs have liburing 2.15's exact layout (the offsets of the API spec,
//! section 2). The C side proves the same for the header in c-tests/layout_uapi.c.

use core::mem::{align_of, size_of, MaybeUninit};

use uring::ring::{io_uring, io_uring_cq, io_uring_cqe_iter, io_uring_sq, io_uring_zcrx_rq};
use uring::sys::*;

/// Offset of a (possibly nested, possibly union) field path.
macro_rules! off {
    ($t:ty, $($f:tt)+) => {{
        let u = MaybeUninit::<$t>::uninit();
        let base = u.as_ptr();
        // SAFETY: only the address of the field is computed; nothing is read.
        let field = unsafe { core::ptr::addr_of!((*base).$($f)+) };
        field as *const u8 as usize - base as *const u8 as usize
    }};
}

macro_rules! check {
    ($t:ty, size $s:expr, align $a:expr $(, $off:expr => $($f:tt).+ )* $(,)?) => {{
        assert_eq!(size_of::<$t>(), $s, "sizeof {}", stringify!($t));
        assert_eq!(align_of::<$t>(), $a, "alignof {}", stringify!($t));
        $( assert_eq!(off!($t, $($f).+), $off, "offsetof {}.{}", stringify!($t), stringify!($($f).+)); )*
    }};
}

#[test]
fn liburing_ring_structs() {
    check!(io_uring_sq, size 104, align 8,
        0 => khead, 8 => ktail, 16 => kring_mask, 24 => kring_entries, 32 => kflags,
        40 => kdropped, 48 => array, 56 => sqes, 64 => sqe_head, 68 => sqe_tail,
        72 => ring_sz, 80 => ring_ptr, 88 => ring_mask, 92 => ring_entries, 96 => sqes_sz, 100 => pad);
    check!(io_uring_cq, size 88, align 8,
        0 => khead, 8 => ktail, 16 => kring_mask, 24 => kring_entries, 32 => kflags,
        40 => koverflow, 48 => cqes, 56 => ring_sz, 64 => ring_ptr, 72 => ring_mask,
        76 => ring_entries, 80 => pad);
    check!(io_uring, size 216, align 8,
        0 => sq, 104 => cq, 192 => flags, 196 => ring_fd, 200 => features,
        204 => enter_ring_fd, 208 => int_flags, 209 => pad, 212 => pad2,
        56 => sq.sqes, 152 => cq.cqes);
    check!(io_uring_cqe_iter, size 24, align 8,
        0 => cqes, 8 => mask, 12 => shift, 16 => head, 20 => tail);
    check!(io_uring_zcrx_rq, size 40, align 8,
        0 => khead, 8 => ktail, 16 => rq_tail, 20 => ring_entries, 24 => rqes, 32 => ring_ptr);
}

#[test]
fn sqe_every_named_field() {
    check!(io_uring_sqe, size 64, align 8,
        0 => opcode, 1 => flags, 2 => ioprio, 4 => fd,
        8 => off.off, 8 => off.addr2, 8 => off.cmd.cmd_op, 12 => off.cmd.__pad1,
        16 => addr.addr, 16 => addr.splice_off_in, 16 => addr.sockopt.level, 20 => addr.sockopt.optname,
        24 => len,
        28 => op_flags.rw_flags, 28 => op_flags.fsync_flags, 28 => op_flags.poll_events,
        28 => op_flags.poll32_events, 28 => op_flags.sync_range_flags, 28 => op_flags.msg_flags,
        28 => op_flags.timeout_flags, 28 => op_flags.accept_flags, 28 => op_flags.cancel_flags,
        28 => op_flags.open_flags, 28 => op_flags.statx_flags, 28 => op_flags.fadvise_advice,
        28 => op_flags.splice_flags, 28 => op_flags.rename_flags, 28 => op_flags.unlink_flags,
        28 => op_flags.hardlink_flags, 28 => op_flags.xattr_flags, 28 => op_flags.msg_ring_flags,
        28 => op_flags.uring_cmd_flags, 28 => op_flags.waitid_flags, 28 => op_flags.futex_flags,
        28 => op_flags.install_fd_flags, 28 => op_flags.nop_flags, 28 => op_flags.pipe_flags,
        32 => user_data, 40 => buf.buf_index, 40 => buf.buf_group, 42 => personality,
        44 => file.splice_fd_in, 44 => file.file_index, 44 => file.zcrx_ifq_idx, 44 => file.optlen,
        44 => file.addr_len.addr_len, 46 => file.addr_len.__pad3,
        48 => tail.addr3.addr3, 56 => tail.addr3.__pad2, 48 => tail.attr.attr_ptr,
        56 => tail.attr.attr_type_mask, 48 => tail.optval, 48 => tail.cmd);
    check!(io_uring_cqe, size 16, align 8, 0 => user_data, 8 => res, 12 => flags, 16 => big_cqe);
}

#[test]
fn setup_structs() {
    check!(io_uring_params, size 120, align 8,
        0 => sq_entries, 4 => cq_entries, 8 => flags, 12 => sq_thread_cpu, 16 => sq_thread_idle,
        20 => features, 24 => wq_fd, 28 => resv, 40 => sq_off, 80 => cq_off,
        40 => sq_off.head, 64 => sq_off.array, 72 => sq_off.user_addr,
        100 => cq_off.cqes, 104 => cq_off.flags, 112 => cq_off.user_addr);
    check!(io_sqring_offsets, size 40, align 8,
        0 => head, 4 => tail, 8 => ring_mask, 12 => ring_entries, 16 => flags, 20 => dropped,
        24 => array, 28 => resv1, 32 => user_addr);
    check!(io_cqring_offsets, size 40, align 8,
        0 => head, 4 => tail, 8 => ring_mask, 12 => ring_entries, 16 => overflow, 20 => cqes,
        24 => flags, 28 => resv1, 32 => user_addr);
    check!(__kernel_timespec, size 16, align 8, 0 => tv_sec, 8 => tv_nsec);
    check!(io_uring_getevents_arg, size 24, align 8, 0 => sigmask, 8 => sigmask_sz, 12 => min_wait_usec, 16 => ts);
}

#[test]
fn registration_structs() {
    check!(io_uring_probe, size 16, align 4, 0 => last_op, 1 => ops_len, 2 => resv, 4 => resv2, 16 => ops);
    check!(io_uring_probe_op, size 8, align 4, 0 => op, 1 => resv, 2 => flags, 4 => resv2);
    check!(io_uring_buf, size 16, align 8, 0 => addr, 8 => len, 12 => bid, 14 => resv);
    check!(io_uring_buf_ring, size 16, align 8, 0 => resv1, 8 => resv2, 12 => resv3, 14 => tail);
    check!(io_uring_buf_reg, size 40, align 8, 0 => ring_addr, 8 => ring_entries, 12 => bgid, 14 => flags, 16 => min_left, 20 => resv);
    check!(io_uring_buf_status, size 40, align 4, 0 => buf_group, 4 => head, 8 => resv);
    check!(io_uring_rsrc_register, size 32, align 8, 0 => nr, 4 => flags, 8 => resv2, 16 => data, 24 => tags);
    check!(io_uring_rsrc_update, size 16, align 8, 0 => offset, 4 => resv, 8 => data);
    check!(io_uring_rsrc_update2, size 32, align 8, 0 => offset, 4 => resv, 8 => data, 16 => tags, 24 => nr, 28 => resv2);
    check!(io_uring_files_update, size 16, align 8, 0 => offset, 4 => resv, 8 => fds);
    check!(io_uring_sync_cancel_reg, size 64, align 8, 0 => addr, 8 => fd, 12 => flags, 16 => timeout, 32 => opcode, 33 => pad, 40 => pad2);
    check!(io_uring_file_index_range, size 16, align 8, 0 => off, 4 => len, 8 => resv);
    check!(io_uring_recvmsg_out, size 16, align 4, 0 => namelen, 4 => controllen, 8 => payloadlen, 12 => flags);
    check!(io_uring_napi, size 16, align 8, 0 => busy_poll_to, 4 => prefer_busy_poll, 5 => pad, 8 => resv);
    check!(io_uring_restriction, size 16, align 4, 0 => opcode, 2 => op.register_op, 2 => op.sqe_op, 2 => op.sqe_flags, 3 => resv, 4 => resv2);
    check!(io_uring_task_restriction, size 16, align 4, 0 => flags, 2 => nr_res, 4 => resv, 16 => restrictions);
    check!(io_uring_reg_wait, size 64, align 8, 0 => ts, 16 => min_wait_usec, 20 => flags, 24 => sigmask, 32 => sigmask_sz, 36 => pad, 48 => pad2);
    check!(io_uring_region_desc, size 64, align 8, 0 => user_addr, 8 => size, 16 => flags, 20 => id, 24 => mmap_offset, 32 => __resv);
    check!(io_uring_mem_region_reg, size 32, align 8, 0 => region_uptr, 8 => flags, 16 => __resv);
    check!(io_uring_clock_register, size 16, align 4, 0 => clockid, 4 => __resv);
    check!(io_uring_clone_buffers, size 32, align 4, 0 => src_fd, 4 => flags, 8 => src_off, 12 => dst_off, 16 => nr, 20 => pad);
    check!(io_uring_attr_pi, size 32, align 8, 0 => flags, 2 => app_tag, 4 => len, 8 => addr, 16 => seed, 24 => rsvd);
    check!(io_timespec, size 16, align 8, 0 => tv_sec, 8 => tv_nsec);
}

#[test]
fn zcrx_query_bpf_structs() {
    check!(io_uring_zcrx_rqe, size 16, align 8, 0 => off, 8 => len, 12 => __pad);
    check!(io_uring_zcrx_cqe, size 16, align 8, 0 => off, 8 => __pad);
    check!(io_uring_zcrx_offsets, size 32, align 8, 0 => head, 4 => tail, 8 => rqes, 12 => __resv2, 16 => __resv);
    check!(io_uring_zcrx_area_reg, size 48, align 8, 0 => addr, 8 => len, 16 => rq_area_token, 24 => flags, 28 => dmabuf_fd, 32 => __resv2);
    check!(io_uring_zcrx_ifq_reg, size 96, align 8, 0 => if_idx, 4 => if_rxq, 8 => rq_entries, 12 => flags, 16 => area_ptr, 24 => region_ptr, 32 => offsets, 64 => zcrx_id, 68 => rx_buf_len, 72 => __resv);
    check!(zcrx_ctrl_flush_rq, size 48, align 8, 0 => __resv);
    check!(zcrx_ctrl_export, size 48, align 4, 0 => zcrx_fd, 4 => __resv1);
    check!(zcrx_ctrl, size 72, align 8, 0 => zcrx_id, 4 => op, 8 => __resv, 24 => payload.zc_export.zcrx_fd, 28 => payload.zc_export.__resv1, 24 => payload.zc_flush.__resv);
    check!(io_uring_query_hdr, size 40, align 8, 0 => next_entry, 8 => query_data, 16 => query_op, 20 => size, 24 => result, 28 => __resv);
    check!(io_uring_query_opcode, size 48, align 8, 0 => nr_request_opcodes, 4 => nr_register_opcodes, 8 => feature_flags, 16 => ring_setup_flags, 24 => enter_flags, 32 => sqe_flags, 40 => nr_query_opcodes, 44 => __pad);
    check!(io_uring_query_zcrx, size 40, align 8, 0 => register_flags, 8 => area_flags, 16 => nr_ctrl_opcodes, 20 => features, 24 => rq_hdr_size, 28 => rq_hdr_alignment, 32 => __resv2);
    check!(io_uring_query_scq, size 16, align 8, 0 => hdr_size, 8 => hdr_alignment);
    check!(io_uring_bpf_ctx, size 40, align 8, 0 => user_data, 8 => opcode, 9 => sqe_flags, 10 => pdu_size, 11 => pad,
        16 => data.socket.family, 20 => data.socket.r#type, 24 => data.socket.protocol,
        16 => data.open.flags, 24 => data.open.mode, 32 => data.open.resolve);
    check!(io_uring_bpf_filter, size 64, align 8, 0 => opcode, 4 => flags, 8 => filter_len, 12 => pdu_size, 13 => resv, 16 => filter_ptr, 24 => resv2);
    check!(io_uring_bpf, size 72, align 8, 0 => cmd_type, 2 => cmd_flags, 4 => resv, 8 => payload.filter.opcode, 12 => payload.filter.flags, 16 => payload.filter.filter_len, 20 => payload.filter.pdu_size, 24 => payload.filter.filter_ptr, 32 => payload.filter.resv2);
}
