//! Names of the kernel's values: opcodes, setup flags, features and register opcodes,
//! spelled as the kernel spells them (`READ`, `SEND_ZC`; the `IORING_OP_` / `IORING_SETUP_`
//! / `IORING_FEAT_` / `IORING_` prefix dropped), `None` for values this library does not
//! know.
//!
//! Each table holds the name once, NUL-terminated, so the Rust functions (`&'static str`)
//! and the C ones (`const char *`, [`opcode_name_nul`] and friends) share the same bytes.
//!
//! A table is two arrays built from one list by `name_table!`: the values, and the
//! names as one string (`"NOP\0READV\0..."`), the k-th name belonging to the k-th value.
//! Not a `&[(value, &str)]`: every `&str` in such an array is a pointer the dynamic
//! loader relocates (24 bytes of `.rela.dyn` plus 16 of `.data.rel.ro` each, ~5.6 KB for
//! the 142 names), while the two arrays need no relocation at all.

use crate::sys::*;

/// `name_table! { VALUES: type, NAMES = { value => "NAME", ... } }`: `VALUES`, the
/// values in order, and `NAMES`, their names each followed by a NUL.
macro_rules! name_table {
    ($values:ident: $t:ty, $names:ident = { $($value:expr => $name:literal,)* }) => {
        pub(crate) const $values: &[$t] = &[$($value),*];
        pub(crate) const $names: &str = concat!($($name, "\0"),*);
    };
}
pub(crate) use name_table;

name_table! {
    OPCODES: u8, OPCODE_NAMES = {
    IORING_OP_NOP => "NOP",
    IORING_OP_READV => "READV",
    IORING_OP_WRITEV => "WRITEV",
    IORING_OP_FSYNC => "FSYNC",
    IORING_OP_READ_FIXED => "READ_FIXED",
    IORING_OP_WRITE_FIXED => "WRITE_FIXED",
    IORING_OP_POLL_ADD => "POLL_ADD",
    IORING_OP_POLL_REMOVE => "POLL_REMOVE",
    IORING_OP_SYNC_FILE_RANGE => "SYNC_FILE_RANGE",
    IORING_OP_SENDMSG => "SENDMSG",
    IORING_OP_RECVMSG => "RECVMSG",
    IORING_OP_TIMEOUT => "TIMEOUT",
    IORING_OP_TIMEOUT_REMOVE => "TIMEOUT_REMOVE",
    IORING_OP_ACCEPT => "ACCEPT",
    IORING_OP_ASYNC_CANCEL => "ASYNC_CANCEL",
    IORING_OP_LINK_TIMEOUT => "LINK_TIMEOUT",
    IORING_OP_CONNECT => "CONNECT",
    IORING_OP_FALLOCATE => "FALLOCATE",
    IORING_OP_OPENAT => "OPENAT",
    IORING_OP_CLOSE => "CLOSE",
    IORING_OP_FILES_UPDATE => "FILES_UPDATE",
    IORING_OP_STATX => "STATX",
    IORING_OP_READ => "READ",
    IORING_OP_WRITE => "WRITE",
    IORING_OP_FADVISE => "FADVISE",
    IORING_OP_MADVISE => "MADVISE",
    IORING_OP_SEND => "SEND",
    IORING_OP_RECV => "RECV",
    IORING_OP_OPENAT2 => "OPENAT2",
    IORING_OP_EPOLL_CTL => "EPOLL_CTL",
    IORING_OP_SPLICE => "SPLICE",
    IORING_OP_PROVIDE_BUFFERS => "PROVIDE_BUFFERS",
    IORING_OP_REMOVE_BUFFERS => "REMOVE_BUFFERS",
    IORING_OP_TEE => "TEE",
    IORING_OP_SHUTDOWN => "SHUTDOWN",
    IORING_OP_RENAMEAT => "RENAMEAT",
    IORING_OP_UNLINKAT => "UNLINKAT",
    IORING_OP_MKDIRAT => "MKDIRAT",
    IORING_OP_SYMLINKAT => "SYMLINKAT",
    IORING_OP_LINKAT => "LINKAT",
    IORING_OP_MSG_RING => "MSG_RING",
    IORING_OP_FSETXATTR => "FSETXATTR",
    IORING_OP_SETXATTR => "SETXATTR",
    IORING_OP_FGETXATTR => "FGETXATTR",
    IORING_OP_GETXATTR => "GETXATTR",
    IORING_OP_SOCKET => "SOCKET",
    IORING_OP_URING_CMD => "URING_CMD",
    IORING_OP_SEND_ZC => "SEND_ZC",
    IORING_OP_SENDMSG_ZC => "SENDMSG_ZC",
    IORING_OP_READ_MULTISHOT => "READ_MULTISHOT",
    IORING_OP_WAITID => "WAITID",
    IORING_OP_FUTEX_WAIT => "FUTEX_WAIT",
    IORING_OP_FUTEX_WAKE => "FUTEX_WAKE",
    IORING_OP_FUTEX_WAITV => "FUTEX_WAITV",
    IORING_OP_FIXED_FD_INSTALL => "FIXED_FD_INSTALL",
    IORING_OP_FTRUNCATE => "FTRUNCATE",
    IORING_OP_BIND => "BIND",
    IORING_OP_LISTEN => "LISTEN",
    IORING_OP_RECV_ZC => "RECV_ZC",
    IORING_OP_EPOLL_WAIT => "EPOLL_WAIT",
    IORING_OP_READV_FIXED => "READV_FIXED",
    IORING_OP_WRITEV_FIXED => "WRITEV_FIXED",
    IORING_OP_PIPE => "PIPE",
    IORING_OP_NOP128 => "NOP128",
    IORING_OP_URING_CMD128 => "URING_CMD128",
    }
}

name_table! {
    SETUP_FLAGS: u32, SETUP_FLAG_NAMES = {
    IORING_SETUP_IOPOLL => "IOPOLL",
    IORING_SETUP_SQPOLL => "SQPOLL",
    IORING_SETUP_SQ_AFF => "SQ_AFF",
    IORING_SETUP_CQSIZE => "CQSIZE",
    IORING_SETUP_CLAMP => "CLAMP",
    IORING_SETUP_ATTACH_WQ => "ATTACH_WQ",
    IORING_SETUP_R_DISABLED => "R_DISABLED",
    IORING_SETUP_SUBMIT_ALL => "SUBMIT_ALL",
    IORING_SETUP_COOP_TASKRUN => "COOP_TASKRUN",
    IORING_SETUP_TASKRUN_FLAG => "TASKRUN_FLAG",
    IORING_SETUP_SQE128 => "SQE128",
    IORING_SETUP_CQE32 => "CQE32",
    IORING_SETUP_SINGLE_ISSUER => "SINGLE_ISSUER",
    IORING_SETUP_DEFER_TASKRUN => "DEFER_TASKRUN",
    IORING_SETUP_NO_MMAP => "NO_MMAP",
    IORING_SETUP_REGISTERED_FD_ONLY => "REGISTERED_FD_ONLY",
    IORING_SETUP_NO_SQARRAY => "NO_SQARRAY",
    IORING_SETUP_HYBRID_IOPOLL => "HYBRID_IOPOLL",
    IORING_SETUP_CQE_MIXED => "CQE_MIXED",
    IORING_SETUP_SQE_MIXED => "SQE_MIXED",
    IORING_SETUP_SQ_REWIND => "SQ_REWIND",
    }
}

name_table! {
    FEATURES: u32, FEATURE_NAMES = {
    IORING_FEAT_SINGLE_MMAP => "SINGLE_MMAP",
    IORING_FEAT_NODROP => "NODROP",
    IORING_FEAT_SUBMIT_STABLE => "SUBMIT_STABLE",
    IORING_FEAT_RW_CUR_POS => "RW_CUR_POS",
    IORING_FEAT_CUR_PERSONALITY => "CUR_PERSONALITY",
    IORING_FEAT_FAST_POLL => "FAST_POLL",
    IORING_FEAT_POLL_32BITS => "POLL_32BITS",
    IORING_FEAT_SQPOLL_NONFIXED => "SQPOLL_NONFIXED",
    IORING_FEAT_EXT_ARG => "EXT_ARG",
    IORING_FEAT_NATIVE_WORKERS => "NATIVE_WORKERS",
    IORING_FEAT_RSRC_TAGS => "RSRC_TAGS",
    IORING_FEAT_CQE_SKIP => "CQE_SKIP",
    IORING_FEAT_LINKED_FILE => "LINKED_FILE",
    IORING_FEAT_REG_REG_RING => "REG_REG_RING",
    IORING_FEAT_RECVSEND_BUNDLE => "RECVSEND_BUNDLE",
    IORING_FEAT_MIN_TIMEOUT => "MIN_TIMEOUT",
    IORING_FEAT_RW_ATTR => "RW_ATTR",
    IORING_FEAT_NO_IOWAIT => "NO_IOWAIT",
    }
}

name_table! {
    REGISTER_OPS: u32, REGISTER_OP_NAMES = {
    IORING_REGISTER_BUFFERS => "REGISTER_BUFFERS",
    IORING_UNREGISTER_BUFFERS => "UNREGISTER_BUFFERS",
    IORING_REGISTER_FILES => "REGISTER_FILES",
    IORING_UNREGISTER_FILES => "UNREGISTER_FILES",
    IORING_REGISTER_EVENTFD => "REGISTER_EVENTFD",
    IORING_UNREGISTER_EVENTFD => "UNREGISTER_EVENTFD",
    IORING_REGISTER_FILES_UPDATE => "REGISTER_FILES_UPDATE",
    IORING_REGISTER_EVENTFD_ASYNC => "REGISTER_EVENTFD_ASYNC",
    IORING_REGISTER_PROBE => "REGISTER_PROBE",
    IORING_REGISTER_PERSONALITY => "REGISTER_PERSONALITY",
    IORING_UNREGISTER_PERSONALITY => "UNREGISTER_PERSONALITY",
    IORING_REGISTER_RESTRICTIONS => "REGISTER_RESTRICTIONS",
    IORING_REGISTER_ENABLE_RINGS => "REGISTER_ENABLE_RINGS",
    IORING_REGISTER_FILES2 => "REGISTER_FILES2",
    IORING_REGISTER_FILES_UPDATE2 => "REGISTER_FILES_UPDATE2",
    IORING_REGISTER_BUFFERS2 => "REGISTER_BUFFERS2",
    IORING_REGISTER_BUFFERS_UPDATE => "REGISTER_BUFFERS_UPDATE",
    IORING_REGISTER_IOWQ_AFF => "REGISTER_IOWQ_AFF",
    IORING_UNREGISTER_IOWQ_AFF => "UNREGISTER_IOWQ_AFF",
    IORING_REGISTER_IOWQ_MAX_WORKERS => "REGISTER_IOWQ_MAX_WORKERS",
    IORING_REGISTER_RING_FDS => "REGISTER_RING_FDS",
    IORING_UNREGISTER_RING_FDS => "UNREGISTER_RING_FDS",
    IORING_REGISTER_PBUF_RING => "REGISTER_PBUF_RING",
    IORING_UNREGISTER_PBUF_RING => "UNREGISTER_PBUF_RING",
    IORING_REGISTER_SYNC_CANCEL => "REGISTER_SYNC_CANCEL",
    IORING_REGISTER_FILE_ALLOC_RANGE => "REGISTER_FILE_ALLOC_RANGE",
    IORING_REGISTER_PBUF_STATUS => "REGISTER_PBUF_STATUS",
    IORING_REGISTER_NAPI => "REGISTER_NAPI",
    IORING_UNREGISTER_NAPI => "UNREGISTER_NAPI",
    IORING_REGISTER_CLOCK => "REGISTER_CLOCK",
    IORING_REGISTER_CLONE_BUFFERS => "REGISTER_CLONE_BUFFERS",
    IORING_REGISTER_SEND_MSG_RING => "REGISTER_SEND_MSG_RING",
    IORING_REGISTER_ZCRX_IFQ => "REGISTER_ZCRX_IFQ",
    IORING_REGISTER_RESIZE_RINGS => "REGISTER_RESIZE_RINGS",
    IORING_REGISTER_MEM_REGION => "REGISTER_MEM_REGION",
    IORING_REGISTER_QUERY => "REGISTER_QUERY",
    IORING_REGISTER_ZCRX_CTRL => "REGISTER_ZCRX_CTRL",
    IORING_REGISTER_BPF_FILTER => "REGISTER_BPF_FILTER",
    }
}

/// The `k`-th name of a `NAMES` string, NUL included. Out of line: one copy serves
/// every name function.
#[inline(never)]
pub(crate) fn nth_name(names: &'static str, k: usize) -> Option<&'static str> {
    let mut start = 0;
    let mut k = k;
    for (i, b) in names.bytes().enumerate() {
        if b == 0 {
            if k == 0 {
                return names.get(start..=i);
            }
            k -= 1;
            start = i + 1;
        }
    }
    None
}

/// The name in a table for `value`, NUL included.
#[inline(never)]
fn lookup(values: &'static [u32], names: &'static str, value: u32) -> Option<&'static str> {
    nth_name(names, values.iter().position(|v| *v == value)?)
}

/// A table name without its terminating NUL.
pub(crate) fn without_nul(nul: &'static str) -> &'static str {
    // `get`, not slicing: no panic path in the C library.
    nul.get(..nul.len().saturating_sub(1)).unwrap_or(nul)
}

/// Whether `op` is an opcode this library knows (below `IORING_OP_LAST`).
pub fn opcode_known(op: u8) -> bool {
    // The table is indexed by opcode (a test checks it).
    usize::from(op) < OPCODES.len()
}

/// The opcode's name (`IORING_OP_SEND_ZC` -> `"SEND_ZC"`), NUL-terminated.
pub fn opcode_name_nul(op: u32) -> Option<&'static str> {
    let op = u8::try_from(op).ok().filter(|&op| opcode_known(op))?;
    nth_name(OPCODE_NAMES, usize::from(op))
}

/// The opcode's name (`IORING_OP_SEND_ZC` -> `"SEND_ZC"`), `None` if unknown.
pub fn opcode_name(op: u32) -> Option<&'static str> {
    opcode_name_nul(op).map(without_nul)
}

/// The name of one `IORING_SETUP_*` bit (`"SQPOLL"`), NUL-terminated; `None` for zero,
/// several bits or an unknown bit.
pub fn setup_flag_name_nul(flag: u32) -> Option<&'static str> {
    lookup(SETUP_FLAGS, SETUP_FLAG_NAMES, flag)
}

/// The name of one `IORING_SETUP_*` bit (`"SQPOLL"`).
pub fn setup_flag_name(flag: u32) -> Option<&'static str> {
    setup_flag_name_nul(flag).map(without_nul)
}

/// The name of one `IORING_FEAT_*` bit (`"NODROP"`), NUL-terminated.
pub fn feature_name_nul(feature: u32) -> Option<&'static str> {
    lookup(FEATURES, FEATURE_NAMES, feature)
}

/// The name of one `IORING_FEAT_*` bit (`"NODROP"`).
pub fn feature_name(feature: u32) -> Option<&'static str> {
    feature_name_nul(feature).map(without_nul)
}

/// The name of an `io_uring_register(2)` opcode (`"REGISTER_FILES"`,
/// `"UNREGISTER_BUFFERS"`), NUL-terminated. The `IORING_REGISTER_USE_REGISTERED_RING`
/// modifier bit is not part of the opcode: `None` with it set.
pub fn register_op_name_nul(op: u32) -> Option<&'static str> {
    lookup(REGISTER_OPS, REGISTER_OP_NAMES, op)
}

/// The name of an `io_uring_register(2)` opcode (`"REGISTER_FILES"`).
pub fn register_op_name(op: u32) -> Option<&'static str> {
    register_op_name_nul(op).map(without_nul)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn well_formed<T>(values: &[T], names: &'static str) {
        assert!(names.ends_with('\0'), "{names:?}");
        assert_eq!(names.split_inclusive('\0').count(), values.len(), "one name per value");
        for (k, name) in names.split_inclusive('\0').enumerate() {
            assert_eq!(nth_name(names, k), Some(name));
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
        for (i, op) in OPCODES.iter().enumerate() {
            assert_eq!(usize::from(*op), i);
        }
        assert_eq!(OPCODES.len(), usize::from(IORING_OP_LAST));
        well_formed(OPCODES, OPCODE_NAMES);
        assert_eq!(opcode_name(u32::from(IORING_OP_URING_CMD128)), Some("URING_CMD128"));
        assert_eq!(opcode_name(u32::from(IORING_OP_SEND_ZC)), Some("SEND_ZC"));
        assert_eq!(opcode_name(u32::from(IORING_OP_NOP)), Some("NOP"));
        assert_eq!(opcode_name(u32::from(IORING_OP_LAST)), None);
        assert_eq!(opcode_name(256), None);
        assert_eq!(opcode_name(u32::MAX), None);
    }

    #[test]
    fn flag_tables_hold_single_distinct_bits() {
        for (table, names) in [(SETUP_FLAGS, SETUP_FLAG_NAMES), (FEATURES, FEATURE_NAMES)] {
            well_formed(table, names);
            let mut seen = 0u32;
            for bit in table {
                assert_eq!(bit.count_ones(), 1);
                assert_eq!(seen & bit, 0);
                seen |= bit;
            }
        }
        assert_eq!(setup_flag_name(IORING_SETUP_SQPOLL), Some("SQPOLL"));
        assert_eq!(setup_flag_name(IORING_SETUP_SQPOLL | IORING_SETUP_IOPOLL), None);
        assert_eq!(setup_flag_name(0), None);
        assert_eq!(setup_flag_name(1 << 31), None);
        assert_eq!(setup_flag_name(IORING_SETUP_SQ_REWIND), Some("SQ_REWIND"));
        assert_eq!(feature_name(IORING_FEAT_NODROP), Some("NODROP"));
        assert_eq!(feature_name(IORING_FEAT_NO_IOWAIT), Some("NO_IOWAIT"));
        assert_eq!(feature_name(1 << 31), None);
    }

    #[test]
    fn register_ops_are_contiguous() {
        for (i, op) in REGISTER_OPS.iter().enumerate() {
            assert_eq!(*op as usize, i);
        }
        well_formed(REGISTER_OPS, REGISTER_OP_NAMES);
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
