#!/usr/bin/env python3
"""Copy SRC to DST through io_uring (the ctypes binding in uring.py), then verify.

    URING_LIB=target/release/liburing.so python3 examples/python/uring_cp.py SRC DST

Each round queues up to QUEUE_DEPTH block reads, submits them with one call, and then
writes what they returned the same way; short reads and writes are finished in the
next round. The copy is verified by comparing SHA-256 digests of the two files.
"""

import ctypes
import errno
import hashlib
import os
import sys

from uring import Ring

QUEUE_DEPTH = 8
BLOCK = 128 * 1024


def run_batch(ring, requests):
    """Queue one SQE per function in requests (each prepares the SQE it is given),
    submit them with one call, and return their results in order."""
    for i, prepare in enumerate(requests):
        sqe = ring.get_sqe()
        if sqe is None:
            raise RuntimeError("submission queue full (the ring is sized for a batch)")
        prepare(sqe)
        sqe.user_data = i
    ring.submit_and_wait(len(requests))
    results = [None] * len(requests)
    for _ in requests:
        cqe = ring.wait_cqe()
        results[cqe.user_data] = cqe.res
        ring.cqe_seen(cqe)
    return results


def check(res, what):
    if res < 0:
        raise OSError(-res, f"{what}: {os.strerror(-res)}")
    return res


def copy(ring, src_fd, dst_fd, size):
    bufs = [ctypes.create_string_buffer(BLOCK) for _ in range(QUEUE_DEPTH)]
    offset = 0
    while offset < size:
        # (buffer index, file offset, length) of this round's blocks
        blocks = [(i, offset + i * BLOCK, min(BLOCK, size - offset - i * BLOCK))
                  for i in range(QUEUE_DEPTH) if offset + i * BLOCK < size]
        got = run_batch(ring, [
            lambda sqe, i=i, start=start, length=length:
                sqe.prep_read(src_fd, bufs[i], length, start)
            for i, start, length in blocks])
        # Write the leading run of complete reads and the first short one; the next
        # round starts where that short read stopped.
        writes = []  # [buffer index, file offset, bytes written, bytes to write]
        for (i, start, length), res in zip(blocks, got):
            if check(res, "read") == 0:
                break
            writes.append([i, start, 0, res])
            if res < length:
                break
        if not writes:
            raise OSError(errno.ENODATA, "the source shrank while being copied")
        offset = writes[-1][1] + writes[-1][3]
        while writes:
            wrote = run_batch(ring, [
                lambda sqe, i=i, start=start, done=done, n=n:
                    sqe.prep_write(dst_fd, bufs[i], n - done, start + done, buf_offset=done)
                for i, start, done, n in writes])
            for w, res in zip(writes, wrote):
                if check(res, "write") == 0:
                    raise OSError(errno.EIO, "write: no progress")
                w[2] += res
            writes = [w for w in writes if w[2] < w[3]]


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} SRC DST\ncopy SRC to DST through io_uring and verify",
              file=sys.stderr)
        return 2
    src, dst = argv[1], argv[2]
    try:
        src_fd = os.open(src, os.O_RDONLY | os.O_CLOEXEC)
        try:
            size = os.fstat(src_fd).st_size
            dst_fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
            try:
                with Ring(2 * QUEUE_DEPTH) as ring:
                    copy(ring, src_fd, dst_fd, size)
                    os.fsync(dst_fd)
            finally:
                os.close(dst_fd)
        finally:
            os.close(src_fd)
        if digest(src) != digest(dst):
            print(f"uring_cp: {dst} differs from {src}", file=sys.stderr)
            return 1
    except OSError as e:
        print(f"uring_cp: {e}", file=sys.stderr)
        return 1
    print(f"uring_cp: copied {size} bytes from {src} to {dst} through io_uring; "
          f"SHA-256 verified")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
