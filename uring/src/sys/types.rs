//! Kernel ABI structures, `#[repr(C)]`, field for field as liburing 2.15's
//! `liburing/io_uring.h` lays them out (see `uring/tests/layout.rs` for the offset proof).
//!
//! The kernel header uses anonymous unions; Rust has none, so every union here has a
//! name (`sqe.op_flags.rw_flags` is C's `sqe->rw_flags`). Writing a union field of a
//! `Copy` type is safe in Rust, so preparers need no `unsafe`; only reads do.
#![allow(non_camel_case_types, missing_docs)]

use core::fmt;

pub type __kernel_rwf_t = i32;

/// `struct __kernel_timespec`: the 64-bit timespec io_uring uses on every ABI.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct __kernel_timespec {
    pub tv_sec: i64,
    pub tv_nsec: i64,
}

/// `{ cmd_op, __pad1 }`, the uring_cmd view of the `off` slot.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_sqe_cmd_op {
    pub cmd_op: u32,
    pub __pad1: u32,
}

/// Offset 8 of the SQE: `off`, `addr2`, or `{cmd_op, __pad1}`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_sqe_off {
    pub off: u64,
    pub addr2: u64,
    pub cmd: io_uring_sqe_cmd_op,
}

/// `{ level, optname }`, the socket-option view of the `addr` slot.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_sqe_sockopt {
    pub level: u32,
    pub optname: u32,
}

/// Offset 16 of the SQE: `addr`, `splice_off_in`, or `{level, optname}`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_sqe_addr {
    pub addr: u64,
    pub splice_off_in: u64,
    pub sockopt: io_uring_sqe_sockopt,
}

/// Offset 28 of the SQE: the per-opcode flags word (24 names in C).
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_sqe_op_flags {
    pub rw_flags: __kernel_rwf_t,
    pub fsync_flags: u32,
    pub poll_events: u16,
    pub poll32_events: u32,
    pub sync_range_flags: u32,
    pub msg_flags: u32,
    pub timeout_flags: u32,
    pub accept_flags: u32,
    pub cancel_flags: u32,
    pub open_flags: u32,
    pub statx_flags: u32,
    pub fadvise_advice: u32,
    pub splice_flags: u32,
    pub rename_flags: u32,
    pub unlink_flags: u32,
    pub hardlink_flags: u32,
    pub xattr_flags: u32,
    pub msg_ring_flags: u32,
    pub uring_cmd_flags: u32,
    pub waitid_flags: u32,
    pub futex_flags: u32,
    pub install_fd_flags: u32,
    pub nop_flags: u32,
    pub pipe_flags: u32,
}

/// Offset 40 of the SQE: `buf_index` or `buf_group` (packed in C; same layout here).
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_sqe_buf {
    pub buf_index: u16,
    pub buf_group: u16,
}

/// `{ addr_len, __pad3[1] }` at offset 44.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_sqe_addr_len {
    pub addr_len: u16,
    pub __pad3: [u16; 1],
}

/// Offset 44 of the SQE: `splice_fd_in`, `file_index`, `zcrx_ifq_idx`, `optlen`, or
/// `{addr_len, __pad3}`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_sqe_file {
    pub splice_fd_in: i32,
    pub file_index: u32,
    pub zcrx_ifq_idx: u32,
    pub optlen: u32,
    pub addr_len: io_uring_sqe_addr_len,
}

/// `{ addr3, __pad2[1] }` at offset 48.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_sqe_addr3 {
    pub addr3: u64,
    pub __pad2: [u64; 1],
}

/// `{ attr_ptr, attr_type_mask }` at offset 48.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_sqe_attr {
    pub attr_ptr: u64,
    pub attr_type_mask: u64,
}

/// Offset 48 of the SQE: `{addr3, __pad2}`, `{attr_ptr, attr_type_mask}`, `optval`,
/// or the start of the uring_cmd payload `cmd[]`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_sqe_tail {
    pub addr3: io_uring_sqe_addr3,
    pub attr: io_uring_sqe_attr,
    pub optval: u64,
    pub cmd: [u8; 0],
}

/// `struct io_uring_sqe`: one 64-byte submission queue entry.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct io_uring_sqe {
    pub opcode: u8,
    pub flags: u8,
    pub ioprio: u16,
    pub fd: i32,
    pub off: io_uring_sqe_off,
    pub addr: io_uring_sqe_addr,
    pub len: u32,
    pub op_flags: io_uring_sqe_op_flags,
    pub user_data: u64,
    pub buf: io_uring_sqe_buf,
    pub personality: u16,
    pub file: io_uring_sqe_file,
    pub tail: io_uring_sqe_tail,
}

impl io_uring_sqe {
    /// An all-zero SQE.
    pub const fn zeroed() -> Self {
        // SAFETY: every field is a plain integer or a union of them: all zero is valid.
        unsafe { core::mem::zeroed() }
    }

    /// The SQE as its 64 raw bytes (for whole-entry comparisons in tests and debugging).
    pub fn as_bytes(&self) -> &[u8; 64] {
        // io_uring_sqe is repr(C), exactly 64 bytes, no padding (uring/tests/layout.rs).
        // SAFETY: every byte is initialised and the cast stays in bounds.
        unsafe { &*(self as *const Self as *const [u8; 64]) }
    }
}

impl Default for io_uring_sqe {
    fn default() -> Self {
        Self::zeroed()
    }
}

impl fmt::Debug for io_uring_sqe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("io_uring_sqe")
            .field("opcode", &self.opcode)
            .field("flags", &self.flags)
            .field("ioprio", &self.ioprio)
            .field("fd", &self.fd)
            .field("bytes", &self.as_bytes())
            .finish()
    }
}

/// `struct io_uring_cqe`: one 16-byte completion (32 bytes on CQE32 rings, the extra
/// 16 bytes being `big_cqe`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct io_uring_cqe {
    pub user_data: u64,
    pub res: i32,
    pub flags: u32,
    pub big_cqe: [u64; 0],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_sqring_offsets {
    pub head: u32,
    pub tail: u32,
    pub ring_mask: u32,
    pub ring_entries: u32,
    pub flags: u32,
    pub dropped: u32,
    pub array: u32,
    pub resv1: u32,
    pub user_addr: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_cqring_offsets {
    pub head: u32,
    pub tail: u32,
    pub ring_mask: u32,
    pub ring_entries: u32,
    pub overflow: u32,
    pub cqes: u32,
    pub flags: u32,
    pub resv1: u32,
    pub user_addr: u64,
}

/// `struct io_uring_params`: in/out argument of `io_uring_setup(2)`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_params {
    pub sq_entries: u32,
    pub cq_entries: u32,
    pub flags: u32,
    pub sq_thread_cpu: u32,
    pub sq_thread_idle: u32,
    pub features: u32,
    pub wq_fd: u32,
    pub resv: [u32; 3],
    pub sq_off: io_sqring_offsets,
    pub cq_off: io_cqring_offsets,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_probe_op {
    pub op: u8,
    pub resv: u8,
    pub flags: u16,
    pub resv2: u32,
}

/// `struct io_uring_probe`, followed in memory by `ops_len` (up to 256) entries.
#[repr(C)]
#[derive(Debug, Default)]
pub struct io_uring_probe {
    pub last_op: u8,
    pub ops_len: u8,
    pub resv: u16,
    pub resv2: [u32; 3],
    pub ops: [io_uring_probe_op; 0],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_buf {
    pub addr: u64,
    pub len: u32,
    pub bid: u16,
    pub resv: u16,
}

/// `struct io_uring_buf_ring`: the header overlays `bufs[0]`; its `tail` is
/// `bufs[0].resv`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_buf_ring {
    pub resv1: u64,
    pub resv2: u32,
    pub resv3: u16,
    pub tail: u16,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_buf_reg {
    pub ring_addr: u64,
    pub ring_entries: u32,
    pub bgid: u16,
    pub flags: u16,
    pub min_left: u32,
    pub resv: [u32; 5],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_buf_status {
    pub buf_group: u32,
    pub head: u32,
    pub resv: [u32; 8],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_rsrc_register {
    pub nr: u32,
    pub flags: u32,
    pub resv2: u64,
    pub data: u64,
    pub tags: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_rsrc_update {
    pub offset: u32,
    pub resv: u32,
    pub data: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_rsrc_update2 {
    pub offset: u32,
    pub resv: u32,
    pub data: u64,
    pub tags: u64,
    pub nr: u32,
    pub resv2: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_files_update {
    pub offset: u32,
    pub resv: u32,
    pub fds: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_getevents_arg {
    pub sigmask: u64,
    pub sigmask_sz: u32,
    pub min_wait_usec: u32,
    pub ts: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_sync_cancel_reg {
    pub addr: u64,
    pub fd: i32,
    pub flags: u32,
    pub timeout: __kernel_timespec,
    pub opcode: u8,
    pub pad: [u8; 7],
    pub pad2: [u64; 3],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_file_index_range {
    pub off: u32,
    pub len: u32,
    pub resv: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_recvmsg_out {
    pub namelen: u32,
    pub controllen: u32,
    pub payloadlen: u32,
    pub flags: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_napi {
    pub busy_poll_to: u32,
    pub prefer_busy_poll: u8,
    pub pad: [u8; 3],
    pub resv: u64,
}

/// Offset 2 of `io_uring_restriction`: which operation the entry allows.
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_restriction_op {
    pub register_op: u8,
    pub sqe_op: u8,
    pub sqe_flags: u8,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct io_uring_restriction {
    pub opcode: u16,
    pub op: io_uring_restriction_op,
    pub resv: u8,
    pub resv2: [u32; 3],
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
pub struct io_uring_task_restriction {
    pub flags: u16,
    pub nr_res: u16,
    pub resv: [u32; 3],
    pub restrictions: [io_uring_restriction; 0],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_reg_wait {
    pub ts: __kernel_timespec,
    pub min_wait_usec: u32,
    pub flags: u32,
    pub sigmask: u64,
    pub sigmask_sz: u32,
    pub pad: [u32; 3],
    pub pad2: [u64; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_region_desc {
    pub user_addr: u64,
    pub size: u64,
    pub flags: u32,
    pub id: u32,
    pub mmap_offset: u64,
    pub __resv: [u64; 4],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_mem_region_reg {
    pub region_uptr: u64,
    pub flags: u64,
    pub __resv: [u64; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_clock_register {
    pub clockid: u32,
    pub __resv: [u32; 3],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_clone_buffers {
    pub src_fd: u32,
    pub flags: u32,
    pub src_off: u32,
    pub dst_off: u32,
    pub nr: u32,
    pub pad: [u32; 3],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_attr_pi {
    pub flags: u16,
    pub app_tag: u16,
    pub len: u32,
    pub addr: u64,
    pub seed: u64,
    pub rsvd: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_timespec {
    pub tv_sec: u64,
    pub tv_nsec: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_zcrx_rqe {
    pub off: u64,
    pub len: u32,
    pub __pad: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_zcrx_cqe {
    pub off: u64,
    pub __pad: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_zcrx_offsets {
    pub head: u32,
    pub tail: u32,
    pub rqes: u32,
    pub __resv2: u32,
    pub __resv: [u64; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_zcrx_area_reg {
    pub addr: u64,
    pub len: u64,
    pub rq_area_token: u64,
    pub flags: u32,
    pub dmabuf_fd: u32,
    pub __resv2: [u64; 2],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_zcrx_ifq_reg {
    pub if_idx: u32,
    pub if_rxq: u32,
    pub rq_entries: u32,
    pub flags: u32,
    pub area_ptr: u64,
    pub region_ptr: u64,
    pub offsets: io_uring_zcrx_offsets,
    pub zcrx_id: u32,
    pub rx_buf_len: u32,
    pub __resv: [u64; 3],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct zcrx_ctrl_flush_rq {
    pub __resv: [u64; 6],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct zcrx_ctrl_export {
    pub zcrx_fd: u32,
    pub __resv1: [u32; 11],
}

/// Offset 24 of `zcrx_ctrl`: the per-operation payload.
#[repr(C)]
#[derive(Clone, Copy)]
pub union zcrx_ctrl_payload {
    pub zc_export: zcrx_ctrl_export,
    pub zc_flush: zcrx_ctrl_flush_rq,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct zcrx_ctrl {
    pub zcrx_id: u32,
    pub op: u32,
    pub __resv: [u64; 2],
    pub payload: zcrx_ctrl_payload,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_query_hdr {
    pub next_entry: u64,
    pub query_data: u64,
    pub query_op: u32,
    pub size: u32,
    pub result: i32,
    pub __resv: [u32; 3],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_query_opcode {
    pub nr_request_opcodes: u32,
    pub nr_register_opcodes: u32,
    pub feature_flags: u64,
    pub ring_setup_flags: u64,
    pub enter_flags: u64,
    pub sqe_flags: u64,
    pub nr_query_opcodes: u32,
    pub __pad: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_query_zcrx {
    pub register_flags: u64,
    pub area_flags: u64,
    pub nr_ctrl_opcodes: u32,
    pub features: u32,
    pub rq_hdr_size: u32,
    pub rq_hdr_alignment: u32,
    pub __resv2: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_query_scq {
    pub hdr_size: u64,
    pub hdr_alignment: u64,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_bpf_ctx_socket {
    pub family: u32,
    pub r#type: u32,
    pub protocol: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_bpf_ctx_open {
    pub flags: u64,
    pub mode: u64,
    pub resolve: u64,
}

/// Offset 16 of `io_uring_bpf_ctx`: opcode-specific data.
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_bpf_ctx_data {
    pub socket: io_uring_bpf_ctx_socket,
    pub open: io_uring_bpf_ctx_open,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct io_uring_bpf_ctx {
    pub user_data: u64,
    pub opcode: u8,
    pub sqe_flags: u8,
    pub pdu_size: u8,
    pub pad: [u8; 5],
    pub data: io_uring_bpf_ctx_data,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct io_uring_bpf_filter {
    pub opcode: u32,
    pub flags: u32,
    pub filter_len: u32,
    pub pdu_size: u8,
    pub resv: [u8; 3],
    pub filter_ptr: u64,
    pub resv2: [u64; 5],
}

/// Offset 8 of `io_uring_bpf`: the command payload.
#[repr(C)]
#[derive(Clone, Copy)]
pub union io_uring_bpf_payload {
    pub filter: io_uring_bpf_filter,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct io_uring_bpf {
    pub cmd_type: u16,
    pub cmd_flags: u16,
    pub resv: u32,
    pub payload: io_uring_bpf_payload,
}
