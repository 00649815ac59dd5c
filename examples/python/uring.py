"""A small ctypes binding over uring's liburing.so (standard library only).

uring exports every liburing function as a real symbol, including the ones liburing
only has as `static inline` in its header (io_uring_get_sqe, io_uring_prep_*,
io_uring_cqe_seen, io_uring_sqe_set_data64, ...), so a foreign-function interface can
call them directly: no C compiler, no header parsing.

The library is found through $URING_LIB (a path to liburing.so), else
target/release/liburing.so of this repository, else the system's liburing.so.2 (which
must be uring's: Debian's liburing does not export the inline functions).

    from uring import Ring
    with Ring(8) as ring:
        sqe = ring.get_sqe()
        sqe.prep_nop()
        sqe.user_data = 42
        ring.submit()
        cqe = ring.wait_cqe()
        assert cqe.user_data == 42 and cqe.res == 0
        ring.cqe_seen(cqe)
"""

import ctypes
import errno
import os

__all__ = ["Ring", "Sqe", "Cqe", "load_library", "IOSQE_IO_LINK", "IOSQE_IO_DRAIN",
           "IORING_FSYNC_DATASYNC", "RING_STRUCT_SIZE"]

# Sizes and layouts from liburing 2.15 (see docs/ffi.md).
RING_STRUCT_SIZE = 216  # struct io_uring, alignment 8
IOSQE_IO_DRAIN = 1 << 1
IOSQE_IO_LINK = 1 << 2
IORING_FSYNC_DATASYNC = 1 << 0


class _RingStruct(ctypes.Structure):
    """struct io_uring as an opaque, 8-byte aligned block: only the library reads it."""

    _fields_ = [("_opaque", ctypes.c_uint64 * (RING_STRUCT_SIZE // 8))]


class _CqeStruct(ctypes.Structure):
    """struct io_uring_cqe (16 bytes; a CQE32 ring has 16 more we do not read)."""

    _fields_ = [("user_data", ctypes.c_uint64), ("res", ctypes.c_int32), ("flags", ctypes.c_uint32)]


_VOIDP = ctypes.c_void_p
_RINGP = ctypes.POINTER(_RingStruct)
_CQEP = ctypes.POINTER(_CqeStruct)

# name: (restype, argtypes). Only what this binding uses; every other liburing function
# is declared the same way.
_PROTOTYPES = {
    "io_uring_queue_init": (ctypes.c_int, [ctypes.c_uint, _RINGP, ctypes.c_uint]),
    "io_uring_queue_exit": (None, [_RINGP]),
    "io_uring_get_sqe": (_VOIDP, [_RINGP]),
    "io_uring_submit": (ctypes.c_int, [_RINGP]),
    "io_uring_submit_and_wait": (ctypes.c_int, [_RINGP, ctypes.c_uint]),
    "io_uring_wait_cqe": (ctypes.c_int, [_RINGP, ctypes.POINTER(_CQEP)]),
    "io_uring_peek_cqe": (ctypes.c_int, [_RINGP, ctypes.POINTER(_CQEP)]),
    "io_uring_cqe_seen": (None, [_RINGP, _CQEP]),
    "io_uring_prep_nop": (None, [_VOIDP]),
    "io_uring_prep_read": (None, [_VOIDP, ctypes.c_int, _VOIDP, ctypes.c_uint, ctypes.c_uint64]),
    "io_uring_prep_write": (None, [_VOIDP, ctypes.c_int, _VOIDP, ctypes.c_uint, ctypes.c_uint64]),
    "io_uring_prep_fsync": (None, [_VOIDP, ctypes.c_int, ctypes.c_uint]),
    "io_uring_sqe_set_data64": (None, [_VOIDP, ctypes.c_uint64]),
    "io_uring_sqe_set_flags": (None, [_VOIDP, ctypes.c_uint]),
    "io_uring_major_version": (ctypes.c_int, []),
    "io_uring_minor_version": (ctypes.c_int, []),
}


def _candidates():
    env = os.environ.get("URING_LIB")
    if env:
        return [env]
    here = os.path.dirname(os.path.abspath(__file__))
    return [os.path.join(here, "..", "..", "target", "release", "liburing.so"), "liburing.so.2"]


def load_library(path=None):
    """Load uring's liburing.so and declare the prototypes; raises OSError if none fits."""
    errors = []
    for candidate in [path] if path else _candidates():
        if os.sep in candidate and not os.path.exists(candidate):
            errors.append(f"{candidate}: no such file")
            continue
        try:
            lib = ctypes.CDLL(candidate)
        except OSError as e:
            errors.append(f"{candidate}: {e}")
            continue
        missing = [name for name in _PROTOTYPES if not hasattr(lib, name)]
        if missing:
            errors.append(f"{candidate}: no {missing[0]} symbol (a liburing that keeps its "
                          "inline functions in the header, not uring)")
            continue
        for name, (restype, argtypes) in _PROTOTYPES.items():
            fn = getattr(lib, name)
            fn.restype = restype
            fn.argtypes = argtypes
        return lib
    raise OSError("cannot load uring's liburing.so (set URING_LIB or run "
                  "`cargo build --release`): " + "; ".join(errors))


def _check(ret, what):
    """liburing returns -errno; turn it into OSError."""
    if ret < 0:
        raise OSError(-ret, f"{what}: {os.strerror(-ret)}")
    return ret


class Sqe:
    """A submission queue entry handed out by Ring.get_sqe(); valid until submit()."""

    def __init__(self, lib, ptr):
        self._lib = lib
        self._ptr = ptr

    def prep_nop(self):
        self._lib.io_uring_prep_nop(self._ptr)
        return self

    def prep_read(self, fd, buf, nbytes, offset):
        """Read nbytes at offset into buf (a ctypes buffer the caller keeps alive until
        the completion arrives)."""
        self._lib.io_uring_prep_read(self._ptr, fd, ctypes.addressof(buf), nbytes, offset)
        return self

    def prep_write(self, fd, buf, nbytes, offset, buf_offset=0):
        """Write nbytes of buf, starting at buf_offset, to fd at offset."""
        self._lib.io_uring_prep_write(self._ptr, fd, ctypes.addressof(buf) + buf_offset,
                                      nbytes, offset)
        return self

    def prep_fsync(self, fd, flags=0):
        self._lib.io_uring_prep_fsync(self._ptr, fd, flags)
        return self

    @property
    def user_data(self):
        raise AttributeError("user_data is write-only on an SQE; read it from the Cqe")

    @user_data.setter
    def user_data(self, value):
        self._lib.io_uring_sqe_set_data64(self._ptr, value)

    def set_flags(self, flags):
        """IOSQE_* flags, e.g. IOSQE_IO_LINK."""
        self._lib.io_uring_sqe_set_flags(self._ptr, flags)
        return self


class Cqe:
    """A completion: user_data, res (a byte count or -errno) and flags, copied out of the
    ring. Hand it back with Ring.cqe_seen() to free its slot."""

    def __init__(self, ptr):
        self._ptr = ptr
        self.user_data = ptr.contents.user_data
        self.res = ptr.contents.res
        self.flags = ptr.contents.flags

    def __repr__(self):
        return f"Cqe(user_data={self.user_data}, res={self.res}, flags={self.flags:#x})"


class Ring:
    """An io_uring instance: the library's struct io_uring lives in this object."""

    def __init__(self, entries, flags=0, lib=None):
        self._lib = lib or load_library()
        self._ring = _RingStruct()
        _check(self._lib.io_uring_queue_init(entries, ctypes.byref(self._ring), flags),
               "io_uring_queue_init")
        self._open = True

    def close(self):
        if getattr(self, "_open", False):
            self._lib.io_uring_queue_exit(ctypes.byref(self._ring))
            self._open = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def get_sqe(self):
        """The next free SQE, or None when the submission queue is full (submit first)."""
        ptr = self._lib.io_uring_get_sqe(ctypes.byref(self._ring))
        return Sqe(self._lib, ptr) if ptr else None

    def submit(self):
        """Submit the prepared SQEs; returns how many were submitted."""
        return _check(self._lib.io_uring_submit(ctypes.byref(self._ring)), "io_uring_submit")

    def submit_and_wait(self, wait_nr):
        return _check(self._lib.io_uring_submit_and_wait(ctypes.byref(self._ring), wait_nr),
                      "io_uring_submit_and_wait")

    def wait_cqe(self):
        """Block until a completion is available and return it (not yet consumed)."""
        ptr = _CQEP()
        _check(self._lib.io_uring_wait_cqe(ctypes.byref(self._ring), ctypes.byref(ptr)),
               "io_uring_wait_cqe")
        return Cqe(ptr)

    def peek_cqe(self):
        """A completion if one is ready, else None; never blocks."""
        ptr = _CQEP()
        ret = self._lib.io_uring_peek_cqe(ctypes.byref(self._ring), ctypes.byref(ptr))
        if ret == -errno.EAGAIN:  # nothing ready
            return None
        _check(ret, "io_uring_peek_cqe")
        return Cqe(ptr)

    def cqe_seen(self, cqe):
        """Consume a completion returned by wait_cqe() or peek_cqe() (exactly once)."""
        self._lib.io_uring_cqe_seen(ctypes.byref(self._ring), cqe._ptr)
