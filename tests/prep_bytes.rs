//! Whole-SQE tests for every preparer and SQE/CQE helper, through the C exports.
//!
//! Each preparer runs on a 128-byte buffer pre-filled with a garbage pattern and on a
//! zeroed one (and with a NULL SQE, which must be ignored). The expected first 64 bytes
//! are built here, independently of the crate's SQE type: raw little-endian writes at
//! the offsets of liburing 2.15's `struct io_uring_sqe` (spec 2.2), following what spec
//! 1.3 says each preparer stores. The second 64 bytes must never change.
#![allow(clippy::too_many_arguments, clippy::unreadable_literal)]

use std::ffi::c_void;
use std::ptr;

include!("support/c_library.rs");

type P = *mut c_void;

// The C exports, byte-level (SQE as bytes, pointers untyped), declared from
// api/functions.toml (see tests/generated/).
include!("generated/capi_raw.rs");

/// A `check` callback: calls the C export `$f` with the SQE buffer first, then `args`.
macro_rules! call {
    ($f:ident($($arg:expr),* $(,)?)) => {
        |s: *mut u8| {
            // SAFETY: `s` is NULL or the writable, 64-aligned 128-byte buffer of `check`;
            // the preparers ignore NULL, write at most 64 bytes, and only store their
            // pointer arguments as integers (never dereference them).
            unsafe { $f(s, $($arg),*) }
        }
    };
}

// ---- the expected-SQE builder: raw offsets of struct io_uring_sqe (spec 2.2) ----

const OPCODE: usize = 0;
const FLAGS: usize = 1;
const IOPRIO: usize = 2;
const FD: usize = 4;
const OFF: usize = 8; // also addr2, cmd_op (low 32) + __pad1 (high 32)
const ADDR: usize = 16; // also splice_off_in, level (low 32) + optname (high 32)
const LEN: usize = 24;
const OP_FLAGS: usize = 28; // rw_flags, msg_flags, open_flags, ...
const USER_DATA: usize = 32;
const BUF: usize = 40; // buf_index / buf_group
const PERSONALITY: usize = 42;
const FILE: usize = 44; // file_index, splice_fd_in, optlen, addr_len (16 bits)
const ADDR3: usize = 48; // also optval
const PAD2: usize = 56;

/// The expected first 64 bytes of an SQE.
struct Exp([u8; 64]);

impl Exp {
    fn put(&mut self, at: usize, bytes: &[u8]) -> &mut Self {
        self.0[at..at + bytes.len()].copy_from_slice(bytes);
        self
    }
    fn u8(&mut self, at: usize, v: u8) -> &mut Self {
        self.put(at, &[v])
    }
    fn u16(&mut self, at: usize, v: u16) -> &mut Self {
        self.put(at, &v.to_le_bytes())
    }
    fn or16(&mut self, at: usize, v: u16) -> &mut Self {
        let old = u16::from_le_bytes([self.0[at], self.0[at + 1]]);
        self.u16(at, old | v)
    }
    fn u32(&mut self, at: usize, v: u32) -> &mut Self {
        self.put(at, &v.to_le_bytes())
    }
    fn i32(&mut self, at: usize, v: i32) -> &mut Self {
        self.put(at, &v.to_le_bytes())
    }
    fn u64(&mut self, at: usize, v: u64) -> &mut Self {
        self.put(at, &v.to_le_bytes())
    }
    /// What io_uring_prep_rw stores: opcode, fd, off, addr, len.
    fn base(&mut self, op: u8, fd: i32, addr: u64, len: u32, off: u64) -> &mut Self {
        self.u8(OPCODE, op)
            .i32(FD, fd)
            .u64(OFF, off)
            .u64(ADDR, addr)
            .u32(LEN, len)
    }
    /// What __io_uring_prep_uring_cmd stores: opcode, fd, cmd_op, __pad1 = 0, addr = 0,
    /// len = 0.
    fn cmd(&mut self, op: u8, fd: i32, cmd_op: u32) -> &mut Self {
        self.u8(OPCODE, op)
            .i32(FD, fd)
            .u32(OFF, cmd_op)
            .u32(OFF + 4, 0)
            .u64(ADDR, 0)
            .u32(LEN, 0)
    }
}

#[repr(C, align(64))]
struct Buf([u8; 128]);

/// Run `prep` on a NULL SQE (must be a no-op), then on a garbage-filled and a zeroed
/// 128-byte buffer; compare the first 64 bytes with `expect` applied to the same fill,
/// and check the second 64 bytes are untouched.
fn check(name: &str, prep: impl Fn(*mut u8), expect: impl Fn(&mut Exp)) {
    prep(ptr::null_mut());
    for fill in [0xA5u8, 0x00] {
        let mut buf = Buf([fill; 128]);
        buf.0[64..].fill(0x5A);
        prep(buf.0.as_mut_ptr());
        let mut exp = Exp([fill; 64]);
        expect(&mut exp);
        let diff: Vec<String> = (0..64)
            .filter(|&i| buf.0[i] != exp.0[i])
            .map(|i| format!("@{i}: got {:#04x} want {:#04x}", buf.0[i], exp.0[i]))
            .collect();
        assert!(diff.is_empty(), "{name} (fill {fill:#04x}): {}", diff.join(", "));
        assert!(buf.0[64..].iter().all(|&b| b == 0x5A), "{name}: wrote past 64 bytes");
    }
}

fn p(v: u64) -> P {
    v as usize as P
}

const PA: u64 = 0x0000_7f01_2345_6780;
const PB: u64 = 0x0000_7ffe_dcba_9870;
const PC: u64 = 0x0000_5555_aaaa_0008;
const OFFSET: u64 = 0x0123_4567_89ab_cdef;
const NBYTES: u32 = 0x8765_4321;
const UD: u64 = 0xfeed_face_cafe_beef;
const UD2: u64 = 0x0102_0304_0506_0708;
const AT_FDCWD: i32 = -100;
const ALLOC: u32 = 0xffff_ffff;

// ---- read / write / splice / nop ----

#[test]
fn rw_family() {
    check(
        "rw",
        |s| {
            // SAFETY: as in `call!`: `s` is NULL or check's writable buffer, and the
            // pointer arguments are only stored.
            unsafe { io_uring_prep_rw(0x16, s, 7, p(PA), NBYTES, OFFSET) }
        },
        |e| {
            e.base(0x16, 7, PA, NBYTES, OFFSET);
        },
    );
    // `int op` is stored as its low byte.
    check(
        "rw op truncation",
        |s| {
            // SAFETY: as in `call!`: `s` is NULL or check's writable buffer, and the
            // pointer arguments are only stored.
            unsafe { io_uring_prep_rw(0x1ff, s, -1, p(0), 0, 0) }
        },
        |e| {
            e.base(0xff, -1, 0, 0, 0);
        },
    );
    check("nop", call!(io_uring_prep_nop()), |e| {
        e.base(0x00, -1, 0, 0, 0);
    });
    check("nop128", call!(io_uring_prep_nop128()), |e| {
        e.base(0x3f, -1, 0, 0, 0);
    });
    check("read", call!(io_uring_prep_read(7, p(PA), NBYTES, OFFSET)), |e| {
        e.base(0x16, 7, PA, NBYTES, OFFSET);
    });
    check("write", call!(io_uring_prep_write(7, p(PA), NBYTES, u64::MAX)), |e| {
        e.base(0x17, 7, PA, NBYTES, u64::MAX);
    });
    check("readv", call!(io_uring_prep_readv(3, p(PA), 4, OFFSET)), |e| {
        e.base(0x01, 3, PA, 4, OFFSET);
    });
    check("readv2", call!(io_uring_prep_readv2(3, p(PA), 4, OFFSET, -2)), |e| {
        e.base(0x01, 3, PA, 4, OFFSET).i32(OP_FLAGS, -2);
    });
    check("writev", call!(io_uring_prep_writev(3, p(PA), 4, OFFSET)), |e| {
        e.base(0x02, 3, PA, 4, OFFSET);
    });
    check(
        "writev2",
        call!(io_uring_prep_writev2(3, p(PA), 4, OFFSET, 0x10)),
        |e| {
            e.base(0x02, 3, PA, 4, OFFSET).u32(OP_FLAGS, 0x10);
        },
    );
    check(
        "read_fixed",
        call!(io_uring_prep_read_fixed(3, p(PA), NBYTES, OFFSET, 0x12345)),
        |e| {
            e.base(0x04, 3, PA, NBYTES, OFFSET).u16(BUF, 0x2345);
        },
    );
    check(
        "write_fixed",
        call!(io_uring_prep_write_fixed(3, p(PA), NBYTES, OFFSET, 9)),
        |e| {
            e.base(0x05, 3, PA, NBYTES, OFFSET).u16(BUF, 9);
        },
    );
    check(
        "readv_fixed",
        call!(io_uring_prep_readv_fixed(3, p(PA), 2, OFFSET, 8, 0x10009)),
        |e| {
            e.base(0x3c, 3, PA, 2, OFFSET).u32(OP_FLAGS, 8).u16(BUF, 9);
        },
    );
    check(
        "writev_fixed",
        call!(io_uring_prep_writev_fixed(3, p(PA), 2, OFFSET, 4, 1)),
        |e| {
            e.base(0x3d, 3, PA, 2, OFFSET).u32(OP_FLAGS, 4).u16(BUF, 1);
        },
    );
    // flags is ASSIGNED (IOSQE_BUFFER_SELECT only), buf_group is 16 bits.
    check(
        "read_multishot",
        call!(io_uring_prep_read_multishot(3, NBYTES, OFFSET, 0x10007)),
        |e| {
            e.base(0x31, 3, 0, NBYTES, OFFSET).u16(BUF, 7).u8(FLAGS, 0x20);
        },
    );
    // splice: off_in shares the addr slot; fd_in goes to offset 44.
    check(
        "splice",
        call!(io_uring_prep_splice(3, -1, 5, 0x1000, NBYTES, 0x8000_0001)),
        |e| {
            e.base(0x1e, 5, u64::MAX, NBYTES, 0x1000)
                .i32(FILE, 3)
                .u32(OP_FLAGS, 0x8000_0001);
        },
    );
    check(
        "splice neg off_out",
        call!(io_uring_prep_splice(-3, 77, 5, -1, 1, 0)),
        |e| {
            e.base(0x1e, 5, 77, 1, u64::MAX).i32(FILE, -3).u32(OP_FLAGS, 0);
        },
    );
    check("tee", call!(io_uring_prep_tee(3, 5, NBYTES, 4)), |e| {
        e.base(0x21, 5, 0, NBYTES, 0).i32(FILE, 3).u32(OP_FLAGS, 4);
    });
}

// ---- files and paths ----

#[test]
fn fs_family() {
    check("fsync", call!(io_uring_prep_fsync(7, 1)), |e| {
        e.base(0x03, 7, 0, 0, 0).u32(OP_FLAGS, 1);
    });
    check(
        "sync_file_range",
        call!(io_uring_prep_sync_file_range(7, 0x1000, OFFSET, 7)),
        |e| {
            e.base(0x08, 7, 0, 0x1000, OFFSET).u32(OP_FLAGS, 7);
        },
    );
    // fallocate: length in addr, mode in len.
    check(
        "fallocate",
        call!(io_uring_prep_fallocate(7, 3, OFFSET, 0x1_0000_0001)),
        |e| {
            e.base(0x11, 7, 0x1_0000_0001, 3, OFFSET);
        },
    );
    check(
        "openat",
        call!(io_uring_prep_openat(9, p(PA) as _, 0x80241, 0o644)),
        |e| {
            e.base(0x12, 9, PA, 0o644, 0).u32(OP_FLAGS, 0x80241);
        },
    );
    check(
        "openat_direct",
        call!(io_uring_prep_openat_direct(9, p(PA) as _, 2, 0o600, 4)),
        |e| {
            e.base(0x12, 9, PA, 0o600, 0).u32(OP_FLAGS, 2).u32(FILE, 5);
        },
    );
    check(
        "openat_direct ALLOC",
        call!(io_uring_prep_openat_direct(9, p(PA) as _, 2, 0o600, ALLOC)),
        |e| {
            e.base(0x12, 9, PA, 0o600, 0).u32(OP_FLAGS, 2).u32(FILE, ALLOC);
        },
    );
    check("open", call!(io_uring_prep_open(p(PA) as _, 0x42, 0o640)), |e| {
        e.base(0x12, AT_FDCWD, PA, 0o640, 0).u32(OP_FLAGS, 0x42);
    });
    check(
        "open_direct",
        call!(io_uring_prep_open_direct(p(PA) as _, 0x42, 0o640, 0)),
        |e| {
            e.base(0x12, AT_FDCWD, PA, 0o640, 0).u32(OP_FLAGS, 0x42).u32(FILE, 1);
        },
    );
    check(
        "open_direct ALLOC",
        call!(io_uring_prep_open_direct(p(PA) as _, 0, 0, ALLOC)),
        |e| {
            e.base(0x12, AT_FDCWD, PA, 0, 0).u32(OP_FLAGS, 0).u32(FILE, ALLOC);
        },
    );
    // openat2: len = sizeof(struct open_how) = 24, how pointer in off.
    check(
        "openat2",
        call!(io_uring_prep_openat2(9, p(PA) as _, p(PB) as _)),
        |e| {
            e.base(0x1c, 9, PA, 24, PB);
        },
    );
    check(
        "openat2_direct",
        call!(io_uring_prep_openat2_direct(9, p(PA) as _, p(PB) as _, 6)),
        |e| {
            e.base(0x1c, 9, PA, 24, PB).u32(FILE, 7);
        },
    );
    check(
        "openat2_direct ALLOC",
        call!(io_uring_prep_openat2_direct(9, p(PA) as _, p(PB) as _, ALLOC)),
        |e| {
            e.base(0x1c, 9, PA, 24, PB).u32(FILE, ALLOC);
        },
    );
    check("close", call!(io_uring_prep_close(7)), |e| {
        e.base(0x13, 7, 0, 0, 0);
    });
    check("close_direct", call!(io_uring_prep_close_direct(5)), |e| {
        e.base(0x13, 0, 0, 0, 0).u32(FILE, 6);
    });
    // close_direct has no ALLOC special case: ALLOC + 1 wraps to 0.
    check("close_direct ALLOC", call!(io_uring_prep_close_direct(ALLOC)), |e| {
        e.base(0x13, 0, 0, 0, 0).u32(FILE, 0);
    });
    check(
        "statx",
        call!(io_uring_prep_statx(9, p(PA) as _, 0x100, 0x7ff, p(PB) as _)),
        |e| {
            e.base(0x15, 9, PA, 0x7ff, PB).u32(OP_FLAGS, 0x100);
        },
    );
    check("fadvise", call!(io_uring_prep_fadvise(7, OFFSET, 0x1000, 4)), |e| {
        e.base(0x18, 7, 0, 0x1000, OFFSET).u32(OP_FLAGS, 4);
    });
    check(
        "fadvise64",
        call!(io_uring_prep_fadvise64(7, OFFSET, 0x1_0000_0002, 4)),
        |e| {
            e.base(0x18, 7, 0x1_0000_0002, 0, OFFSET).u32(OP_FLAGS, 4);
        },
    );
    check("madvise", call!(io_uring_prep_madvise(p(PA), 0x2000, 3)), |e| {
        e.base(0x19, -1, PA, 0x2000, 0).u32(OP_FLAGS, 3);
    });
    check(
        "madvise64",
        call!(io_uring_prep_madvise64(p(PA), 0x1_0000_0000, 3)),
        |e| {
            e.base(0x19, -1, PA, 0, 0x1_0000_0000).u32(OP_FLAGS, 3);
        },
    );
    check("unlinkat", call!(io_uring_prep_unlinkat(9, p(PA) as _, 0x200)), |e| {
        e.base(0x24, 9, PA, 0, 0).u32(OP_FLAGS, 0x200);
    });
    check("unlink", call!(io_uring_prep_unlink(p(PA) as _, 0)), |e| {
        e.base(0x24, AT_FDCWD, PA, 0, 0).u32(OP_FLAGS, 0);
    });
    // renameat/linkat: the new dir fd is stored in len as an unsigned 32-bit value.
    check(
        "renameat",
        call!(io_uring_prep_renameat(3, p(PA) as _, -100, p(PB) as _, 1)),
        |e| {
            e.base(0x23, 3, PA, 0xffff_ff9c, PB).u32(OP_FLAGS, 1);
        },
    );
    check("rename", call!(io_uring_prep_rename(p(PA) as _, p(PB) as _)), |e| {
        e.base(0x23, AT_FDCWD, PA, 0xffff_ff9c, PB).u32(OP_FLAGS, 0);
    });
    check("mkdirat", call!(io_uring_prep_mkdirat(9, p(PA) as _, 0o755)), |e| {
        e.base(0x25, 9, PA, 0o755, 0);
    });
    check("mkdir", call!(io_uring_prep_mkdir(p(PA) as _, 0o700)), |e| {
        e.base(0x25, AT_FDCWD, PA, 0o700, 0);
    });
    check(
        "symlinkat",
        call!(io_uring_prep_symlinkat(p(PA) as _, 4, p(PB) as _)),
        |e| {
            e.base(0x26, 4, PA, 0, PB);
        },
    );
    check("symlink", call!(io_uring_prep_symlink(p(PA) as _, p(PB) as _)), |e| {
        e.base(0x26, AT_FDCWD, PA, 0, PB);
    });
    check(
        "linkat",
        call!(io_uring_prep_linkat(3, p(PA) as _, 4, p(PB) as _, 0x400)),
        |e| {
            e.base(0x27, 3, PA, 4, PB).u32(OP_FLAGS, 0x400);
        },
    );
    check("link", call!(io_uring_prep_link(p(PA) as _, p(PB) as _, 0x400)), |e| {
        e.base(0x27, AT_FDCWD, PA, 0xffff_ff9c, PB).u32(OP_FLAGS, 0x400);
    });
    check("ftruncate", call!(io_uring_prep_ftruncate(7, 0x1_0000_0000)), |e| {
        e.base(0x37, 7, 0, 0, 0x1_0000_0000);
    });
    check("ftruncate neg", call!(io_uring_prep_ftruncate(7, -1)), |e| {
        e.base(0x37, 7, 0, 0, u64::MAX);
    });
    // files_update: `int offset` is sign-extended into off.
    check(
        "files_update",
        call!(io_uring_prep_files_update(p(PA) as _, 4, -2)),
        |e| {
            e.base(0x14, -1, PA, 4, (-2i64) as u64);
        },
    );
    // fixed_fd_install ASSIGNS flags = IOSQE_FIXED_FILE.
    check("fixed_fd_install", call!(io_uring_prep_fixed_fd_install(7, 1)), |e| {
        e.base(0x36, 7, 0, 0, 0).u8(FLAGS, 0x01).u32(OP_FLAGS, 1);
    });
    check("pipe", call!(io_uring_prep_pipe(p(PA) as _, 0x80000)), |e| {
        e.base(0x3e, 0, PA, 0, 0).u32(OP_FLAGS, 0x80000);
    });
    check("pipe_direct", call!(io_uring_prep_pipe_direct(p(PA) as _, 0, 2)), |e| {
        e.base(0x3e, 0, PA, 0, 0).u32(OP_FLAGS, 0).u32(FILE, 3);
    });
    check(
        "pipe_direct ALLOC",
        call!(io_uring_prep_pipe_direct(p(PA) as _, 0, ALLOC)),
        |e| {
            e.base(0x3e, 0, PA, 0, 0).u32(OP_FLAGS, 0).u32(FILE, ALLOC);
        },
    );
    // provide_buffers: nr in fd, bid (sign-extended) in off, bgid as 16 bits.
    check(
        "provide_buffers",
        call!(io_uring_prep_provide_buffers(p(PA), 4096, 16, 0x10002, -1)),
        |e| {
            e.base(0x1f, 16, PA, 4096, u64::MAX).u16(BUF, 2);
        },
    );
    check("remove_buffers", call!(io_uring_prep_remove_buffers(8, 3)), |e| {
        e.base(0x20, 8, 0, 0, 0).u16(BUF, 3);
    });
}

// ---- sockets ----

#[test]
fn net_family() {
    check("recvmsg", call!(io_uring_prep_recvmsg(7, p(PA) as _, 0x40)), |e| {
        e.base(0x0a, 7, PA, 1, 0).u32(OP_FLAGS, 0x40);
    });
    check(
        "recvmsg_multishot",
        call!(io_uring_prep_recvmsg_multishot(7, p(PA) as _, 0x40)),
        |e| {
            e.base(0x0a, 7, PA, 1, 0).u32(OP_FLAGS, 0x40).or16(IOPRIO, 0x2);
        },
    );
    check("sendmsg", call!(io_uring_prep_sendmsg(7, p(PA) as _, 0x4000)), |e| {
        e.base(0x09, 7, PA, 1, 0).u32(OP_FLAGS, 0x4000);
    });
    check("sendmsg_zc", call!(io_uring_prep_sendmsg_zc(7, p(PA) as _, 1)), |e| {
        e.base(0x30, 7, PA, 1, 0).u32(OP_FLAGS, 1);
    });
    check(
        "sendmsg_zc_fixed",
        call!(io_uring_prep_sendmsg_zc_fixed(7, p(PA) as _, 1, 0x10005)),
        |e| {
            e.base(0x30, 7, PA, 1, 0).u32(OP_FLAGS, 1).or16(IOPRIO, 0x4).u16(BUF, 5);
        },
    );
    // size_t len is stored as 32 bits.
    check(
        "send",
        call!(io_uring_prep_send(7, p(PA), 0x1_0000_0010, 0x4000)),
        |e| {
            e.base(0x1a, 7, PA, 0x10, 0).u32(OP_FLAGS, 0x4000);
        },
    );
    check("send_bundle", call!(io_uring_prep_send_bundle(7, 100, 0x40)), |e| {
        e.base(0x1a, 7, 0, 100, 0).u32(OP_FLAGS, 0x40).or16(IOPRIO, 0x10);
    });
    // send_set_addr touches only addr2 and addr_len.
    check(
        "send_set_addr",
        call!(io_uring_prep_send_set_addr(p(PB) as _, 0x1234)),
        |e| {
            e.u64(OFF, PB).u16(FILE, 0x1234);
        },
    );
    check(
        "sendto",
        call!(io_uring_prep_sendto(7, p(PA), 10, 0x40, p(PB) as _, 0x1_0010)),
        |e| {
            e.base(0x1a, 7, PA, 10, 0)
                .u32(OP_FLAGS, 0x40)
                .u64(OFF, PB)
                .u16(FILE, 0x10);
        },
    );
    // send_zc ASSIGNS ioprio = zc_flags (16 bits).
    check(
        "send_zc",
        call!(io_uring_prep_send_zc(7, p(PA), 10, 0x40, 0x1_0009)),
        |e| {
            e.base(0x2f, 7, PA, 10, 0).u32(OP_FLAGS, 0x40).u16(IOPRIO, 0x9);
        },
    );
    check(
        "send_zc_fixed",
        call!(io_uring_prep_send_zc_fixed(7, p(PA), 10, 0x40, 1, 0x10003)),
        |e| {
            e.base(0x2f, 7, PA, 10, 0)
                .u32(OP_FLAGS, 0x40)
                .u16(IOPRIO, 0x5)
                .u16(BUF, 3);
        },
    );
    check("recv", call!(io_uring_prep_recv(7, p(PA), 0x200, 0x100)), |e| {
        e.base(0x1b, 7, PA, 0x200, 0).u32(OP_FLAGS, 0x100);
    });
    check(
        "recv_multishot",
        call!(io_uring_prep_recv_multishot(7, p(0), 0, 0)),
        |e| {
            e.base(0x1b, 7, 0, 0, 0).u32(OP_FLAGS, 0).or16(IOPRIO, 0x2);
        },
    );
    check(
        "accept",
        call!(io_uring_prep_accept(7, p(PA) as _, p(PB) as _, 0x80800)),
        |e| {
            e.base(0x0d, 7, PA, 0, PB).u32(OP_FLAGS, 0x80800);
        },
    );
    check(
        "accept_direct",
        call!(io_uring_prep_accept_direct(7, p(PA) as _, p(PB) as _, 0, 5)),
        |e| {
            e.base(0x0d, 7, PA, 0, PB).u32(OP_FLAGS, 0).u32(FILE, 6);
        },
    );
    check(
        "accept_direct ALLOC",
        call!(io_uring_prep_accept_direct(7, p(0) as _, p(0) as _, 0, ALLOC)),
        |e| {
            e.base(0x0d, 7, 0, 0, 0).u32(OP_FLAGS, 0).u32(FILE, ALLOC);
        },
    );
    check(
        "multishot_accept",
        call!(io_uring_prep_multishot_accept(7, p(PA) as _, p(PB) as _, 0x800)),
        |e| {
            e.base(0x0d, 7, PA, 0, PB).u32(OP_FLAGS, 0x800).or16(IOPRIO, 0x1);
        },
    );
    check(
        "multishot_accept_direct",
        call!(io_uring_prep_multishot_accept_direct(7, p(0) as _, p(0) as _, 0)),
        |e| {
            e.base(0x0d, 7, 0, 0, 0)
                .u32(OP_FLAGS, 0)
                .or16(IOPRIO, 0x1)
                .u32(FILE, ALLOC);
        },
    );
    // socklen_t addrlen is stored by value, zero-extended.
    check("connect", call!(io_uring_prep_connect(7, p(PA) as _, 16)), |e| {
        e.base(0x10, 7, PA, 0, 16);
    });
    check("bind", call!(io_uring_prep_bind(7, p(PA) as _, 0xffff_fff0)), |e| {
        e.base(0x38, 7, PA, 0, 0xffff_fff0);
    });
    check("listen", call!(io_uring_prep_listen(7, -1)), |e| {
        e.base(0x39, 7, 0, 0xffff_ffff, 0);
    });
    check("shutdown", call!(io_uring_prep_shutdown(7, 2)), |e| {
        e.base(0x22, 7, 0, 2, 0);
    });
    // socket: domain in fd, protocol in len, type (sign-extended) in off.
    check("socket", call!(io_uring_prep_socket(2, 0x80801, 6, 0)), |e| {
        e.base(0x2d, 2, 0, 6, 0x80801).u32(OP_FLAGS, 0);
    });
    check("socket neg type", call!(io_uring_prep_socket(10, -1, -1, 3)), |e| {
        e.base(0x2d, 10, 0, 0xffff_ffff, u64::MAX).u32(OP_FLAGS, 3);
    });
    check(
        "socket_direct",
        call!(io_uring_prep_socket_direct(2, 1, 0, 3, 0)),
        |e| {
            e.base(0x2d, 2, 0, 0, 1).u32(OP_FLAGS, 0).u32(FILE, 4);
        },
    );
    check(
        "socket_direct ALLOC",
        call!(io_uring_prep_socket_direct(2, 1, 0, ALLOC, 0)),
        |e| {
            e.base(0x2d, 2, 0, 0, 1).u32(OP_FLAGS, 0).u32(FILE, ALLOC);
        },
    );
    check(
        "socket_direct_alloc",
        call!(io_uring_prep_socket_direct_alloc(2, 1, 0, 0)),
        |e| {
            e.base(0x2d, 2, 0, 0, 1).u32(OP_FLAGS, 0).u32(FILE, ALLOC);
        },
    );
}

// ---- poll, epoll, timeouts, cancel ----

#[test]
fn poll_timeout_cancel_family() {
    check("poll_add", call!(io_uring_prep_poll_add(7, 0x1234_5678)), |e| {
        e.base(0x06, 7, 0, 0, 0).u32(OP_FLAGS, 0x1234_5678);
    });
    check("poll_multishot", call!(io_uring_prep_poll_multishot(7, 0x41)), |e| {
        e.base(0x06, 7, 0, 1, 0).u32(OP_FLAGS, 0x41);
    });
    check("poll_remove", call!(io_uring_prep_poll_remove(UD)), |e| {
        e.base(0x07, -1, UD, 0, 0);
    });
    check(
        "poll_update",
        call!(io_uring_prep_poll_update(UD, UD2, 0x1, 0x6)),
        |e| {
            e.base(0x07, -1, UD, 6, UD2).u32(OP_FLAGS, 0x1);
        },
    );
    // epoll_ctl: the target fd goes in off as an unsigned 32-bit value.
    check("epoll_ctl", call!(io_uring_prep_epoll_ctl(9, -1, 2, p(PA) as _)), |e| {
        e.base(0x1d, 9, PA, 2, 0xffff_ffff);
    });
    check(
        "epoll_wait",
        call!(io_uring_prep_epoll_wait(9, p(PA) as _, 64, 3)),
        |e| {
            e.base(0x3b, 9, PA, 64, 0).u32(OP_FLAGS, 3);
        },
    );
    // timeout: count (unsigned) zero-extended into off.
    check(
        "timeout",
        call!(io_uring_prep_timeout(p(PA) as _, 0xffff_ffff, 0x4)),
        |e| {
            e.base(0x0b, -1, PA, 1, 0xffff_ffff).u32(OP_FLAGS, 0x4);
        },
    );
    check("timeout_remove", call!(io_uring_prep_timeout_remove(UD, 0x40)), |e| {
        e.base(0x0c, -1, UD, 0, 0).u32(OP_FLAGS, 0x40);
    });
    check(
        "timeout_update",
        call!(io_uring_prep_timeout_update(p(PA) as _, UD, 0x1)),
        |e| {
            e.base(0x0c, -1, UD, 0, PA).u32(OP_FLAGS, 0x1 | 0x2);
        },
    );
    check(
        "link_timeout",
        call!(io_uring_prep_link_timeout(p(PA) as _, 0x10)),
        |e| {
            e.base(0x0f, -1, PA, 1, 0).u32(OP_FLAGS, 0x10);
        },
    );
    check("cancel64", call!(io_uring_prep_cancel64(UD, 0x11)), |e| {
        e.base(0x0e, -1, UD, 0, 0).u32(OP_FLAGS, 0x11);
    });
    check("cancel", call!(io_uring_prep_cancel(p(PA), 1)), |e| {
        e.base(0x0e, -1, PA, 0, 0).u32(OP_FLAGS, 1);
    });
    check("cancel_fd", call!(io_uring_prep_cancel_fd(7, 1)), |e| {
        e.base(0x0e, 7, 0, 0, 0).u32(OP_FLAGS, 1 | 2);
    });
}

// ---- msg_ring, xattr, waitid/futex ----

#[test]
fn msg_xattr_sync_family() {
    check("msg_ring", call!(io_uring_prep_msg_ring(5, 0x77, UD, 0)), |e| {
        e.base(0x28, 5, 0, 0x77, UD).u32(OP_FLAGS, 0);
    });
    check(
        "msg_ring_cqe_flags",
        call!(io_uring_prep_msg_ring_cqe_flags(5, 0x77, UD, 1, 0x8000_0001)),
        |e| {
            e.base(0x28, 5, 0, 0x77, UD).u32(OP_FLAGS, 2 | 1).u32(FILE, 0x8000_0001);
        },
    );
    // msg_ring_fd: addr = IORING_MSG_SEND_FD, source fd (sign-extended) in addr3,
    // target slot + 1 in file_index.
    check("msg_ring_fd", call!(io_uring_prep_msg_ring_fd(5, 3, 7, UD, 1)), |e| {
        e.base(0x28, 5, 1, 0, UD).u64(ADDR3, 3).u32(FILE, 8).u32(OP_FLAGS, 1);
    });
    check(
        "msg_ring_fd neg source, ALLOC target",
        call!(io_uring_prep_msg_ring_fd(5, -2, -1, UD, 0)),
        |e| {
            e.base(0x28, 5, 1, 0, UD)
                .u64(ADDR3, (-2i64) as u64)
                .u32(FILE, ALLOC)
                .u32(OP_FLAGS, 0);
        },
    );
    check(
        "msg_ring_fd_alloc",
        call!(io_uring_prep_msg_ring_fd_alloc(5, 3, UD, 0)),
        |e| {
            e.base(0x28, 5, 1, 0, UD)
                .u64(ADDR3, 3)
                .u32(FILE, ALLOC)
                .u32(OP_FLAGS, 0);
        },
    );
    check(
        "getxattr",
        call!(io_uring_prep_getxattr(p(PA) as _, p(PB) as _, p(PC) as _, 64)),
        |e| {
            e.base(0x2c, 0, PA, 64, PB).u64(ADDR3, PC).u32(OP_FLAGS, 0);
        },
    );
    check(
        "setxattr",
        call!(io_uring_prep_setxattr(p(PA) as _, p(PB) as _, p(PC) as _, 1, 64)),
        |e| {
            e.base(0x2a, 0, PA, 64, PB).u64(ADDR3, PC).u32(OP_FLAGS, 1);
        },
    );
    check(
        "fgetxattr",
        call!(io_uring_prep_fgetxattr(7, p(PA) as _, p(PB) as _, 64)),
        |e| {
            e.base(0x2b, 7, PA, 64, PB).u32(OP_FLAGS, 0);
        },
    );
    check(
        "fsetxattr",
        call!(io_uring_prep_fsetxattr(7, p(PA) as _, p(PB) as _, 2, 64)),
        |e| {
            e.base(0x29, 7, PA, 64, PB).u32(OP_FLAGS, 2);
        },
    );
    // waitid: id in fd, idtype in len, infop in addr2 (the off slot), options in
    // file_index, flags in the op-flags word.
    check("waitid", call!(io_uring_prep_waitid(1, 1234, p(PA) as _, 4, 0)), |e| {
        e.base(0x32, 1234, 0, 1, PA).u32(OP_FLAGS, 0).u32(FILE, 4);
    });
    // futex: futex_flags in fd, val in off, mask in addr3, flags in the op-flags word.
    check(
        "futex_wait",
        call!(io_uring_prep_futex_wait(p(PA) as _, 1, 0xffff_ffff, 2, 0)),
        |e| {
            e.base(0x33, 2, PA, 0, 1).u32(OP_FLAGS, 0).u64(ADDR3, 0xffff_ffff);
        },
    );
    check(
        "futex_wake",
        call!(io_uring_prep_futex_wake(p(PA) as _, 5, UD, 0x82, 7)),
        |e| {
            e.base(0x34, 0x82, PA, 0, 5).u32(OP_FLAGS, 7).u64(ADDR3, UD);
        },
    );
    check("futex_waitv", call!(io_uring_prep_futex_waitv(p(PA) as _, 3, 0)), |e| {
        e.base(0x35, 0, PA, 3, 0).u32(OP_FLAGS, 0);
    });
}

// ---- uring_cmd family ----

#[test]
fn cmd_family() {
    check(
        "__io_uring_prep_uring_cmd",
        call!(__io_uring_prep_uring_cmd(0x12e, 0xdead_beef, 7)),
        |e| {
            e.cmd(0x2e, 7, 0xdead_beef);
        },
    );
    check("uring_cmd", call!(io_uring_prep_uring_cmd(-1, 7)), |e| {
        e.cmd(0x2e, 7, 0xffff_ffff);
    });
    check("uring_cmd128", call!(io_uring_prep_uring_cmd128(3, 7)), |e| {
        e.cmd(0x40, 7, 3);
    });
    // cmd_sock: level/optname share the addr slot, optval at 48, optlen at 44.
    check("cmd_sock", call!(io_uring_prep_cmd_sock(2, 7, 1, 7, p(PA), 4)), |e| {
        e.cmd(0x2e, 7, 2)
            .u32(ADDR, 1)
            .u32(ADDR + 4, 7)
            .u64(ADDR3, PA)
            .u32(FILE, 4);
    });
    check(
        "cmd_getsockname",
        call!(io_uring_prep_cmd_getsockname(7, p(PA) as _, p(PB) as _, 1)),
        |e| {
            e.cmd(0x2e, 7, 5).u64(ADDR, PA).u64(ADDR3, PB).u32(FILE, 1);
        },
    );
    check(
        "cmd_discard",
        call!(io_uring_prep_cmd_discard(7, OFFSET, 0x10000)),
        |e| {
            e.cmd(0x2e, 7, 0x1200).u64(ADDR, OFFSET).u64(ADDR3, 0x10000);
        },
    );
    check("cmd_zone_reset_all", call!(io_uring_prep_cmd_zone_reset_all(7)), |e| {
        e.cmd(0x2e, 7, 0x1201);
    });
}

// ---- SQE / CQE helpers ----

#[test]
fn sqe_helpers() {
    check("sqe_set_data", call!(io_uring_sqe_set_data(p(PA))), |e| {
        e.u64(USER_DATA, PA);
    });
    check("sqe_set_data64", call!(io_uring_sqe_set_data64(UD)), |e| {
        e.u64(USER_DATA, UD);
    });
    // set_flags ASSIGNS the low 8 bits.
    check("sqe_set_flags", call!(io_uring_sqe_set_flags(0x104)), |e| {
        e.u8(FLAGS, 0x04);
    });
    check("sqe_set_buf_group", call!(io_uring_sqe_set_buf_group(0x10005)), |e| {
        e.u16(BUF, 5);
    });
    check("initialize_sqe", call!(io_uring_initialize_sqe()), |e| {
        e.u8(FLAGS, 0)
            .u16(IOPRIO, 0)
            .u32(OP_FLAGS, 0)
            .u16(BUF, 0)
            .u16(PERSONALITY, 0)
            .u32(FILE, 0)
            .u64(ADDR3, 0)
            .u64(PAD2, 0);
    });
    // get_sqe + prep as liburing 2.15 does it: initialize, then prep; user_data kept.
    check(
        "initialize + read",
        |s| {
            // SAFETY: as in `call!`: `s` is NULL or check's writable buffer, and the
            // pointer arguments are only stored.
            unsafe {
                io_uring_initialize_sqe(s);
                io_uring_prep_read(s, 7, p(PA), 16, 0);
            }
        },
        |e| {
            e.put(1, &[0; 3])
                .put(28, &[0; 4])
                .put(40, &[0; 24])
                .base(0x16, 7, PA, 16, 0);
        },
    );
}

#[test]
fn cqe_helpers() {
    #[repr(C, align(8))]
    struct Cqe([u8; 16]);
    let mut c = Cqe([0; 16]);
    c.0[0..8].copy_from_slice(&PA.to_le_bytes());
    c.0[8..12].copy_from_slice(&(-5i32).to_le_bytes());
    // SAFETY: `c` is a readable 16-byte, 8-aligned CQE.
    unsafe {
        assert_eq!(io_uring_cqe_get_data(c.0.as_ptr()), p(PA));
        assert_eq!(io_uring_cqe_get_data64(c.0.as_ptr()), PA);
        assert_eq!(io_uring_cqe_nr(c.0.as_ptr()), 1);
        c.0[12..16].copy_from_slice(&0x8000u32.to_le_bytes()); // IORING_CQE_F_32
        assert_eq!(io_uring_cqe_nr(c.0.as_ptr()), 2);
        c.0[12..16].copy_from_slice(&0xffff_7fffu32.to_le_bytes());
        assert_eq!(io_uring_cqe_nr(c.0.as_ptr()), 1);
        // NULL never crashes.
        assert!(io_uring_cqe_get_data(ptr::null()).is_null());
        assert_eq!(io_uring_cqe_get_data64(ptr::null()), 0);
        assert_eq!(io_uring_cqe_nr(ptr::null()), 0);
    }
}

#[test]
fn recvmsg_helpers() {
    #[repr(C, align(8))]
    struct Buf([u8; 256]);
    let mut b = Buf([0; 256]);
    // SAFETY: msghdr is plain data; zero is valid.
    let mut m: libc::msghdr = unsafe { std::mem::zeroed() };
    m.msg_namelen = 16;
    m.msg_controllen = 48;
    // header: namelen 16, controllen 32, payloadlen 5, flags 0
    b.0[0..4].copy_from_slice(&16u32.to_ne_bytes());
    b.0[4..8].copy_from_slice(&32u32.to_ne_bytes());
    b.0[8..12].copy_from_slice(&5u32.to_ne_bytes());
    let ctl = 16 + 16;
    // two cmsgs of 16 bytes (header only)
    b.0[ctl..ctl + 8].copy_from_slice(&16usize.to_ne_bytes());
    b.0[ctl + 16..ctl + 24].copy_from_slice(&16usize.to_ne_bytes());
    let base = b.0.as_mut_ptr().cast::<c_void>();
    let at = |off: usize| (base as usize + off) as P;
    // SAFETY: all pointers refer to `b`, laid out as `m` describes.
    unsafe {
        assert!(io_uring_recvmsg_validate(base, 16 + 16 + 48 - 1, &mut m).is_null());
        assert!(io_uring_recvmsg_validate(base, -1, &mut m).is_null());
        let o = io_uring_recvmsg_validate(base, 16 + 16 + 48 + 5, &mut m);
        assert_eq!(o, base);
        assert_eq!(io_uring_recvmsg_name(o), at(16));
        let c1 = io_uring_recvmsg_cmsg_firsthdr(o, &mut m);
        assert_eq!(c1, at(ctl));
        let c2 = io_uring_recvmsg_cmsg_nexthdr(o, &mut m, c1);
        assert_eq!(c2, at(ctl + 16));
        assert!(io_uring_recvmsg_cmsg_nexthdr(o, &mut m, c2).is_null());
        assert_eq!(io_uring_recvmsg_payload(o, &mut m), at(16 + 16 + 48));
        assert_eq!(io_uring_recvmsg_payload_length(o, 16 + 16 + 48 + 5, &mut m), 5);
        assert_eq!(io_uring_recvmsg_payload_length(o, 10, &mut m), 0);
        assert_eq!(io_uring_recvmsg_payload_length(o, -1, &mut m), 0);
        // cmsg_len below the header size ends the walk.
        b.0[ctl..ctl + 8].copy_from_slice(&8usize.to_ne_bytes());
        assert!(io_uring_recvmsg_cmsg_nexthdr(o, &mut m, c1).is_null());
        // controllen below one header: no first header.
        b.0[4..8].copy_from_slice(&15u32.to_ne_bytes());
        assert!(io_uring_recvmsg_cmsg_firsthdr(o, &mut m).is_null());
        // NULL arguments never crash.
        let null_m: *mut libc::msghdr = ptr::null_mut();
        assert!(io_uring_recvmsg_validate(ptr::null_mut(), 100, &mut m).is_null());
        assert!(io_uring_recvmsg_validate(base, 100, null_m).is_null());
        // Pure address arithmetic, as in liburing: a NULL header gives NULL + 16.
        assert_eq!(io_uring_recvmsg_name(ptr::null_mut()) as usize, 16);
        assert!(io_uring_recvmsg_cmsg_firsthdr(ptr::null_mut(), &mut m).is_null());
        assert!(io_uring_recvmsg_cmsg_firsthdr(o, null_m).is_null());
        assert!(io_uring_recvmsg_cmsg_nexthdr(o, &mut m, ptr::null_mut()).is_null());
        assert!(io_uring_recvmsg_cmsg_nexthdr(o, null_m, c1).is_null());
        assert!(io_uring_recvmsg_payload(o, null_m).is_null());
        assert_eq!(io_uring_recvmsg_payload_length(o, 100, null_m), 0);
    }
}

/// The Rust surface is the same code: spot-check that `uring::prep::*` on the crate's
/// SQE type gives the bytes the C export gives.
#[test]
fn rust_surface_matches_c_exports() {
    use uring::sys::io_uring_sqe;
    let mut a = io_uring_sqe::default();
    uring::prep::sendto(&mut a, 7, p(PA), 10, 0x40, p(PB) as _, 16);
    uring::prep::sqe_set_data64(&mut a, UD);
    let mut b = Buf([0; 128]);
    // SAFETY: `b` is a writable 64-aligned 128-byte buffer.
    unsafe {
        io_uring_prep_sendto(b.0.as_mut_ptr(), 7, p(PA), 10, 0x40, p(PB) as _, 16);
        io_uring_sqe_set_data64(b.0.as_mut_ptr(), UD);
    }
    assert_eq!(a.as_bytes(), &b.0[..64]);
}
