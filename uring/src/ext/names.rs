//! Names of the kernel's values: opcodes, setup flags, features and register opcodes,
//! spelled as the kernel spells them (`READ`, `SEND_ZC`; the `IORING_OP_` / `IORING_SETUP_`
//! / `IORING_FEAT_` / `IORING_` prefix dropped), `None` for values this library does not
//! know.
//!
//! Each table holds the name once, NUL-terminated, so the Rust functions (`&'static str`)
//! and the C ones (`const char *`, [`opcode_name_nul`] and friends) share the same bytes.

use crate::sys::*;

pub(crate) const OPCODES: &[(u8, &str)] = &[
    (IORING_OP_NOP, "NOP\0"),
    (IORING_OP_READV, "READV\0"),
    (IORING_OP_WRITEV, "WRITEV\0"),
    (IORING_OP_FSYNC, "FSYNC\0"),
    (IORING_OP_READ_FIXED, "READ_FIXED\0"),
    (IORING_OP_WRITE_FIXED, "WRITE_FIXED\0"),
    (IORING_OP_POLL_ADD, "POLL_ADD\0"),
    (IORING_OP_POLL_REMOVE, "POLL_REMOVE\0"),
    (IORING_OP_SYNC_FILE_RANGE, "SYNC_FILE_RANGE\0"),
    (IORING_OP_SENDMSG, "SENDMSG\0"),
    (IORING_OP_RECVMSG, "RECVMSG\0"),
    (IORING_OP_TIMEOUT, "TIMEOUT\0"),
    (IORING_OP_TIMEOUT_REMOVE, "TIMEOUT_REMOVE\0"),
    (IORING_OP_ACCEPT, "ACCEPT\0"),
    (IORING_OP_ASYNC_CANCEL, "ASYNC_CANCEL\0"),
    (IORING_OP_LINK_TIMEOUT, "LINK_TIMEOUT\0"),
    (IORING_OP_CONNECT, "CONNECT\0"),
    (IORING_OP_FALLOCATE, "FALLOCATE\0"),
    (IORING_OP_OPENAT, "OPENAT\0"),
    (IORING_OP_CLOSE, "CLOSE\0"),
    (IORING_OP_FILES_UPDATE, "FILES_UPDATE\0"),
    (IORING_OP_STATX, "STATX\0"),
    (IORING_OP_READ, "READ\0"),
    (IORING_OP_WRITE, "WRITE\0"),
    (IORING_OP_FADVISE, "FADVISE\0"),
    (IORING_OP_MADVISE, "MADVISE\0"),
    (IORING_OP_SEND, "SEND\0"),
    (IORING_OP_RECV, "RECV\0"),
    (IORING_OP_OPENAT2, "OPENAT2\0"),
    (IORING_OP_EPOLL_CTL, "EPOLL_CTL\0"),
    (IORING_OP_SPLICE, "SPLICE\0"),
    (IORING_OP_PROVIDE_BUFFERS, "PROVIDE_BUFFERS\0"),
    (IORING_OP_REMOVE_BUFFERS, "REMOVE_BUFFERS\0"),
    (IORING_OP_TEE, "TEE\0"),
    (IORING_OP_SHUTDOWN, "SHUTDOWN\0"),
    (IORING_OP_RENAMEAT, "RENAMEAT\0"),
    (IORING_OP_UNLINKAT, "UNLINKAT\0"),
    (IORING_OP_MKDIRAT, "MKDIRAT\0"),
    (IORING_OP_SYMLINKAT, "SYMLINKAT\0"),
    (IORING_OP_LINKAT, "LINKAT\0"),
    (IORING_OP_MSG_RING, "MSG_RING\0"),
    (IORING_OP_FSETXATTR, "FSETXATTR\0"),
    (IORING_OP_SETXATTR, "SETXATTR\0"),
    (IORING_OP_FGETXATTR, "FGETXATTR\0"),
    (IORING_OP_GETXATTR, "GETXATTR\0"),
    (IORING_OP_SOCKET, "SOCKET\0"),
    (IORING_OP_URING_CMD, "URING_CMD\0"),
    (IORING_OP_SEND_ZC, "SEND_ZC\0"),
    (IORING_OP_SENDMSG_ZC, "SENDMSG_ZC\0"),
    (IORING_OP_READ_MULTISHOT, "READ_MULTISHOT\0"),
    (IORING_OP_WAITID, "WAITID\0"),
    (IORING_OP_FUTEX_WAIT, "FUTEX_WAIT\0"),
    (IORING_OP_FUTEX_WAKE, "FUTEX_WAKE\0"),
    (IORING_OP_FUTEX_WAITV, "FUTEX_WAITV\0"),
    (IORING_OP_FIXED_FD_INSTALL, "FIXED_FD_INSTALL\0"),
    (IORING_OP_FTRUNCATE, "FTRUNCATE\0"),
    (IORING_OP_BIND, "BIND\0"),
    (IORING_OP_LISTEN, "LISTEN\0"),
    (IORING_OP_RECV_ZC, "RECV_ZC\0"),
    (IORING_OP_EPOLL_WAIT, "EPOLL_WAIT\0"),
    (IORING_OP_READV_FIXED, "READV_FIXED\0"),
    (IORING_OP_WRITEV_FIXED, "WRITEV_FIXED\0"),
    (IORING_OP_PIPE, "PIPE\0"),
    (IORING_OP_NOP128, "NOP128\0"),
    (IORING_OP_URING_CMD128, "URING_CMD128\0"),
];

pub(crate) const SETUP_FLAGS: &[(u32, &str)] = &[
    (IORING_SETUP_IOPOLL, "IOPOLL\0"),
    (IORING_SETUP_SQPOLL, "SQPOLL\0"),
    (IORING_SETUP_SQ_AFF, "SQ_AFF\0"),
    (IORING_SETUP_CQSIZE, "CQSIZE\0"),
    (IORING_SETUP_CLAMP, "CLAMP\0"),
    (IORING_SETUP_ATTACH_WQ, "ATTACH_WQ\0"),
    (IORING_SETUP_R_DISABLED, "R_DISABLED\0"),
    (IORING_SETUP_SUBMIT_ALL, "SUBMIT_ALL\0"),
    (IORING_SETUP_COOP_TASKRUN, "COOP_TASKRUN\0"),
    (IORING_SETUP_TASKRUN_FLAG, "TASKRUN_FLAG\0"),
    (IORING_SETUP_SQE128, "SQE128\0"),
    (IORING_SETUP_CQE32, "CQE32\0"),
    (IORING_SETUP_SINGLE_ISSUER, "SINGLE_ISSUER\0"),
    (IORING_SETUP_DEFER_TASKRUN, "DEFER_TASKRUN\0"),
    (IORING_SETUP_NO_MMAP, "NO_MMAP\0"),
    (IORING_SETUP_REGISTERED_FD_ONLY, "REGISTERED_FD_ONLY\0"),
    (IORING_SETUP_NO_SQARRAY, "NO_SQARRAY\0"),
    (IORING_SETUP_HYBRID_IOPOLL, "HYBRID_IOPOLL\0"),
    (IORING_SETUP_CQE_MIXED, "CQE_MIXED\0"),
    (IORING_SETUP_SQE_MIXED, "SQE_MIXED\0"),
    (IORING_SETUP_SQ_REWIND, "SQ_REWIND\0"),
];

pub(crate) const FEATURES: &[(u32, &str)] = &[
    (IORING_FEAT_SINGLE_MMAP, "SINGLE_MMAP\0"),
    (IORING_FEAT_NODROP, "NODROP\0"),
    (IORING_FEAT_SUBMIT_STABLE, "SUBMIT_STABLE\0"),
    (IORING_FEAT_RW_CUR_POS, "RW_CUR_POS\0"),
    (IORING_FEAT_CUR_PERSONALITY, "CUR_PERSONALITY\0"),
    (IORING_FEAT_FAST_POLL, "FAST_POLL\0"),
    (IORING_FEAT_POLL_32BITS, "POLL_32BITS\0"),
    (IORING_FEAT_SQPOLL_NONFIXED, "SQPOLL_NONFIXED\0"),
    (IORING_FEAT_EXT_ARG, "EXT_ARG\0"),
    (IORING_FEAT_NATIVE_WORKERS, "NATIVE_WORKERS\0"),
    (IORING_FEAT_RSRC_TAGS, "RSRC_TAGS\0"),
    (IORING_FEAT_CQE_SKIP, "CQE_SKIP\0"),
    (IORING_FEAT_LINKED_FILE, "LINKED_FILE\0"),
    (IORING_FEAT_REG_REG_RING, "REG_REG_RING\0"),
    (IORING_FEAT_RECVSEND_BUNDLE, "RECVSEND_BUNDLE\0"),
    (IORING_FEAT_MIN_TIMEOUT, "MIN_TIMEOUT\0"),
    (IORING_FEAT_RW_ATTR, "RW_ATTR\0"),
    (IORING_FEAT_NO_IOWAIT, "NO_IOWAIT\0"),
];

pub(crate) const REGISTER_OPS: &[(u32, &str)] = &[
    (IORING_REGISTER_BUFFERS, "REGISTER_BUFFERS\0"),
    (IORING_UNREGISTER_BUFFERS, "UNREGISTER_BUFFERS\0"),
    (IORING_REGISTER_FILES, "REGISTER_FILES\0"),
    (IORING_UNREGISTER_FILES, "UNREGISTER_FILES\0"),
    (IORING_REGISTER_EVENTFD, "REGISTER_EVENTFD\0"),
    (IORING_UNREGISTER_EVENTFD, "UNREGISTER_EVENTFD\0"),
    (IORING_REGISTER_FILES_UPDATE, "REGISTER_FILES_UPDATE\0"),
    (IORING_REGISTER_EVENTFD_ASYNC, "REGISTER_EVENTFD_ASYNC\0"),
    (IORING_REGISTER_PROBE, "REGISTER_PROBE\0"),
    (IORING_REGISTER_PERSONALITY, "REGISTER_PERSONALITY\0"),
    (IORING_UNREGISTER_PERSONALITY, "UNREGISTER_PERSONALITY\0"),
    (IORING_REGISTER_RESTRICTIONS, "REGISTER_RESTRICTIONS\0"),
    (IORING_REGISTER_ENABLE_RINGS, "REGISTER_ENABLE_RINGS\0"),
    (IORING_REGISTER_FILES2, "REGISTER_FILES2\0"),
    (IORING_REGISTER_FILES_UPDATE2, "REGISTER_FILES_UPDATE2\0"),
    (IORING_REGISTER_BUFFERS2, "REGISTER_BUFFERS2\0"),
    (IORING_REGISTER_BUFFERS_UPDATE, "REGISTER_BUFFERS_UPDATE\0"),
    (IORING_REGISTER_IOWQ_AFF, "REGISTER_IOWQ_AFF\0"),
    (IORING_UNREGISTER_IOWQ_AFF, "UNREGISTER_IOWQ_AFF\0"),
    (IORING_REGISTER_IOWQ_MAX_WORKERS, "REGISTER_IOWQ_MAX_WORKERS\0"),
    (IORING_REGISTER_RING_FDS, "REGISTER_RING_FDS\0"),
    (IORING_UNREGISTER_RING_FDS, "UNREGISTER_RING_FDS\0"),
    (IORING_REGISTER_PBUF_RING, "REGISTER_PBUF_RING\0"),
    (IORING_UNREGISTER_PBUF_RING, "UNREGISTER_PBUF_RING\0"),
    (IORING_REGISTER_SYNC_CANCEL, "REGISTER_SYNC_CANCEL\0"),
    (IORING_REGISTER_FILE_ALLOC_RANGE, "REGISTER_FILE_ALLOC_RANGE\0"),
    (IORING_REGISTER_PBUF_STATUS, "REGISTER_PBUF_STATUS\0"),
    (IORING_REGISTER_NAPI, "REGISTER_NAPI\0"),
    (IORING_UNREGISTER_NAPI, "UNREGISTER_NAPI\0"),
    (IORING_REGISTER_CLOCK, "REGISTER_CLOCK\0"),
    (IORING_REGISTER_CLONE_BUFFERS, "REGISTER_CLONE_BUFFERS\0"),
    (IORING_REGISTER_SEND_MSG_RING, "REGISTER_SEND_MSG_RING\0"),
    (IORING_REGISTER_ZCRX_IFQ, "REGISTER_ZCRX_IFQ\0"),
    (IORING_REGISTER_RESIZE_RINGS, "REGISTER_RESIZE_RINGS\0"),
    (IORING_REGISTER_MEM_REGION, "REGISTER_MEM_REGION\0"),
    (IORING_REGISTER_QUERY, "REGISTER_QUERY\0"),
    (IORING_REGISTER_ZCRX_CTRL, "REGISTER_ZCRX_CTRL\0"),
    (IORING_REGISTER_BPF_FILTER, "REGISTER_BPF_FILTER\0"),
];

/// The name in `table` for `value`, NUL included.
fn lookup<T: PartialEq + Copy>(table: &'static [(T, &'static str)], value: T) -> Option<&'static str> {
    table.iter().find(|(v, _)| *v == value).map(|(_, name)| *name)
}

/// Drop the terminating NUL.
fn rust_name(nul: &'static str) -> &'static str {
    &nul[..nul.len() - 1]
}

/// The opcode's name (`IORING_OP_SEND_ZC` -> `"SEND_ZC"`), NUL-terminated.
pub fn opcode_name_nul(op: u32) -> Option<&'static str> {
    let op = u8::try_from(op).ok()?;
    // The table is indexed by opcode (a test checks it), so this is one bounds check.
    OPCODES
        .get(usize::from(op))
        .filter(|(v, _)| *v == op)
        .map(|(_, name)| *name)
}

/// The opcode's name (`IORING_OP_SEND_ZC` -> `"SEND_ZC"`), `None` if unknown.
pub fn opcode_name(op: u32) -> Option<&'static str> {
    opcode_name_nul(op).map(rust_name)
}

/// The name of one `IORING_SETUP_*` bit (`"SQPOLL"`), NUL-terminated; `None` for zero,
/// several bits or an unknown bit.
pub fn setup_flag_name_nul(flag: u32) -> Option<&'static str> {
    lookup(SETUP_FLAGS, flag)
}

/// The name of one `IORING_SETUP_*` bit (`"SQPOLL"`).
pub fn setup_flag_name(flag: u32) -> Option<&'static str> {
    setup_flag_name_nul(flag).map(rust_name)
}

/// The name of one `IORING_FEAT_*` bit (`"NODROP"`), NUL-terminated.
pub fn feature_name_nul(feature: u32) -> Option<&'static str> {
    lookup(FEATURES, feature)
}

/// The name of one `IORING_FEAT_*` bit (`"NODROP"`).
pub fn feature_name(feature: u32) -> Option<&'static str> {
    feature_name_nul(feature).map(rust_name)
}

/// The name of an `io_uring_register(2)` opcode (`"REGISTER_FILES"`,
/// `"UNREGISTER_BUFFERS"`), NUL-terminated. The `IORING_REGISTER_USE_REGISTERED_RING`
/// modifier bit is not part of the opcode: `None` with it set.
pub fn register_op_name_nul(op: u32) -> Option<&'static str> {
    lookup(REGISTER_OPS, op)
}

/// The name of an `io_uring_register(2)` opcode (`"REGISTER_FILES"`).
pub fn register_op_name(op: u32) -> Option<&'static str> {
    register_op_name_nul(op).map(rust_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn well_formed(table: impl Iterator<Item = &'static str>) {
        for name in table {
            assert!(name.ends_with('\0'), "{name:?}");
            let text = &name[..name.len() - 1];
            assert!(!text.is_empty() && !text.contains('\0'), "{name:?}");
            assert!(
                text.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
                "{name:?}"
            );
        }
    }

    #[test]
    fn opcode_table_is_indexed_by_value_and_complete() {
        for (i, (op, _)) in OPCODES.iter().enumerate() {
            assert_eq!(usize::from(*op), i);
        }
        assert_eq!(OPCODES.len(), usize::from(IORING_OP_LAST));
        well_formed(OPCODES.iter().map(|(_, n)| *n));
        assert_eq!(opcode_name(u32::from(IORING_OP_SEND_ZC)), Some("SEND_ZC"));
        assert_eq!(opcode_name(u32::from(IORING_OP_NOP)), Some("NOP"));
        assert_eq!(opcode_name(u32::from(IORING_OP_LAST)), None);
        assert_eq!(opcode_name(256), None);
        assert_eq!(opcode_name(u32::MAX), None);
    }

    #[test]
    fn flag_tables_hold_single_distinct_bits() {
        for table in [SETUP_FLAGS, FEATURES] {
            well_formed(table.iter().map(|(_, n)| *n));
            let mut seen = 0u32;
            for (bit, _) in table {
                assert_eq!(bit.count_ones(), 1);
                assert_eq!(seen & bit, 0);
                seen |= bit;
            }
        }
        assert_eq!(setup_flag_name(IORING_SETUP_SQPOLL), Some("SQPOLL"));
        assert_eq!(setup_flag_name(IORING_SETUP_SQPOLL | IORING_SETUP_IOPOLL), None);
        assert_eq!(setup_flag_name(0), None);
        assert_eq!(setup_flag_name(1 << 31), None);
        assert_eq!(feature_name(IORING_FEAT_NODROP), Some("NODROP"));
        assert_eq!(feature_name(1 << 31), None);
    }

    #[test]
    fn register_ops_are_contiguous() {
        for (i, (op, _)) in REGISTER_OPS.iter().enumerate() {
            assert_eq!(*op as usize, i);
        }
        assert_eq!(REGISTER_OPS.len() as u32, IORING_REGISTER_LAST);
        assert_eq!(register_op_name(IORING_REGISTER_FILES), Some("REGISTER_FILES"));
        assert_eq!(register_op_name(IORING_UNREGISTER_BUFFERS), Some("UNREGISTER_BUFFERS"));
        assert_eq!(register_op_name(IORING_REGISTER_LAST), None);
        assert_eq!(
            register_op_name(IORING_REGISTER_FILES | IORING_REGISTER_USE_REGISTERED_RING),
            None
        );
    }
}
