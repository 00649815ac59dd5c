// Package uring is a small Go (cgo) API over uring's liburing.so: the liburing calls,
// Go errors, context-aware waiting.
//
//	ring, err := uring.NewRing(8, 0)
//	defer ring.Close()
//	sqe, _ := ring.GetSQE()
//	sqe.PrepNop()
//	sqe.SetUserData(42)
//	ring.Submit()
//	cqe, err := ring.WaitCQE(ctx) // returns ctx.Err() when ctx is done first
//	ring.SeenCQE(cqe)
//
// Build with CGO_CFLAGS=-I<repo>/include and CGO_LDFLAGS=-L<libdir> (the defaults below
// point at <repo>/include and <repo>/target/release).
//
// A Ring is not safe for concurrent use: like liburing, one goroutine submits at a time
// and one reaps at a time (guard it with a mutex to share it).
package uring

/*
#cgo CFLAGS: -I${SRCDIR}/../../../include
#cgo LDFLAGS: -L${SRCDIR}/../../../target/release -Wl,-rpath,${SRCDIR}/../../../target/release -luring
#include <stdlib.h>
#include <liburing.h>

// Per-SQE-slot memory for what a preparer points the kernel at (iovec arrays, timeouts).
// With IORING_FEAT_SUBMIT_STABLE the kernel has copied it once the SQE is submitted, so a
// slot's scratch is reused when the slot is.
#define SCRATCH_IOVECS 16
struct scratch {
	struct iovec iov[SCRATCH_IOVECS];
	struct __kernel_timespec ts;
};
*/
import "C"

import (
	"context"
	"errors"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Flags of an SQE (SetFlags).
const (
	SQEFixedFile    = C.IOSQE_FIXED_FILE
	SQEIODrain      = C.IOSQE_IO_DRAIN
	SQEIOLink       = C.IOSQE_IO_LINK
	SQEIOHardlink   = C.IOSQE_IO_HARDLINK
	SQEAsync        = C.IOSQE_ASYNC
	SQEBufferSelect = C.IOSQE_BUFFER_SELECT
)

// Flags of a CQE.
const (
	CQEFBuffer = C.IORING_CQE_F_BUFFER
	CQEFMore   = C.IORING_CQE_F_MORE
)

// Flags of a timeout (PrepTimeout).
const (
	TimeoutAbs = C.IORING_TIMEOUT_ABS
)

// FsyncDatasync makes PrepFsync an fdatasync.
const FsyncDatasync = C.IORING_FSYNC_DATASYNC

// ScratchIOVecs is the most buffers PrepReadv and PrepWritev take.
const ScratchIOVecs = C.SCRATCH_IOVECS

// wakeUserData marks the CQE that interrupts a WaitCQE whose context is done. User data
// with this value is reserved.
const wakeUserData = ^uint64(0)

// Ring is an io_uring instance.
type Ring struct {
	ring    *C.struct_io_uring // C memory: liburing's struct, never moved
	scratch *C.struct_scratch  // sq entries of per-slot scratch
	entries uintptr
	shift   uintptr // log2 of the SQE size

	wakeOnce sync.Once
	wakeMu   sync.Mutex
	wake     *C.struct_io_uring // a second ring whose MSG_RING wakes this one
	wakeErr  error
	closed   bool
}

// SQE is a submission queue entry from GetSQE, valid until the next Submit.
type SQE struct {
	sqe     *C.struct_io_uring_sqe
	scratch *C.struct_scratch
}

// CQE is a completion, copied out of the ring. Hand it back with SeenCQE.
type CQE struct {
	UserData uint64
	Res      int32 // the result: a count, an fd, or -errno
	Flags    uint32
	cqe      *C.struct_io_uring_cqe
}

// Err is the completion's error, or nil when Res >= 0.
func (c CQE) Err() error {
	if c.Res < 0 {
		return syscall.Errno(-c.Res)
	}
	return nil
}

func errnoErr(ret C.int) error {
	if ret < 0 {
		return syscall.Errno(-ret)
	}
	return nil
}

// NewRing sets up a ring with room for entries SQEs and the given IORING_SETUP_* flags.
func NewRing(entries uint32, flags uint32) (*Ring, error) {
	r := &Ring{ring: (*C.struct_io_uring)(C.calloc(1, C.sizeof_struct_io_uring))}
	if r.ring == nil {
		return nil, syscall.ENOMEM
	}
	if ret := C.io_uring_queue_init(C.uint(entries), r.ring, C.uint(flags)); ret < 0 {
		C.free(unsafe.Pointer(r.ring))
		return nil, syscall.Errno(-ret)
	}
	if r.ring.features&C.IORING_FEAT_SUBMIT_STABLE == 0 {
		// Linux < 5.5: the per-slot scratch could be read after it is reused.
		r.Close()
		return nil, errors.New("uring: the kernel lacks IORING_FEAT_SUBMIT_STABLE (Linux 5.5)")
	}
	r.entries = uintptr(r.ring.sq.ring_entries)
	r.shift = 6
	if flags&C.IORING_SETUP_SQE128 != 0 {
		r.shift = 7
	}
	r.scratch = (*C.struct_scratch)(C.calloc(C.size_t(r.entries), C.sizeof_struct_scratch))
	if r.scratch == nil {
		r.Close()
		return nil, syscall.ENOMEM
	}
	return r, nil
}

// Close tears the ring down. Requests still in flight are cancelled by the kernel; their
// buffers must stay allocated until Close returns.
func (r *Ring) Close() error {
	r.wakeMu.Lock()
	defer r.wakeMu.Unlock()
	if r.closed {
		return syscall.EBADF
	}
	r.closed = true
	if r.wake != nil {
		C.io_uring_queue_exit(r.wake)
		C.free(unsafe.Pointer(r.wake))
	}
	C.io_uring_queue_exit(r.ring)
	C.free(unsafe.Pointer(r.ring))
	C.free(unsafe.Pointer(r.scratch))
	return nil
}

// Fd is the ring's file descriptor.
func (r *Ring) Fd() int { return int(r.ring.ring_fd) }

// GetSQE returns the next free SQE, or syscall.EBUSY when the submission queue is full
// (Submit, then try again).
func (r *Ring) GetSQE() (*SQE, error) {
	sqe := C.io_uring_get_sqe(r.ring)
	if sqe == nil {
		return nil, syscall.EBUSY
	}
	slot := (uintptr(unsafe.Pointer(sqe)) - uintptr(unsafe.Pointer(r.ring.sq.sqes))) >> r.shift
	scratch := (*C.struct_scratch)(unsafe.Add(unsafe.Pointer(r.scratch), slot*C.sizeof_struct_scratch))
	return &SQE{sqe: sqe, scratch: scratch}, nil
}

// Submit hands the prepared SQEs to the kernel and returns how many it took.
func (r *Ring) Submit() (int, error) {
	ret := C.io_uring_submit(r.ring)
	return int(ret), errnoErr(ret)
}

// SubmitAndWait submits and waits until at least waitNr completions are ready.
func (r *Ring) SubmitAndWait(waitNr uint32) (int, error) {
	ret := C.io_uring_submit_and_wait(r.ring, C.uint(waitNr))
	return int(ret), errnoErr(ret)
}

func newCQE(p *C.struct_io_uring_cqe) *CQE {
	return &CQE{UserData: uint64(p.user_data), Res: int32(p.res), Flags: uint32(p.flags), cqe: p}
}

// PeekCQE returns a ready completion without blocking, or syscall.EAGAIN if there is none.
func (r *Ring) PeekCQE() (*CQE, error) {
	for {
		var p *C.struct_io_uring_cqe
		if ret := C.io_uring_peek_cqe(r.ring, &p); ret < 0 {
			return nil, syscall.Errno(-ret)
		}
		if uint64(p.user_data) != wakeUserData {
			return newCQE(p), nil
		}
		C.io_uring_cqe_seen(r.ring, p) // a stale wake-up of an earlier WaitCQE
	}
}

// SeenCQE consumes a completion from PeekCQE or WaitCQE (exactly once).
func (r *Ring) SeenCQE(c *CQE) {
	C.io_uring_cqe_seen(r.ring, c.cqe)
}

// WaitCQE blocks until a completion is ready and returns it, or returns ctx.Err() once
// ctx is done. A context that can be done is watched by a goroutine that, when it is,
// posts a wake-up CQE into this ring with IORING_OP_MSG_RING from a second ring (Linux
// 5.18); on older kernels WaitCQE waits in slices of 10 ms and checks ctx in between.
func (r *Ring) WaitCQE(ctx context.Context) (*CQE, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ctx.Done() == nil {
		return r.waitBlocking(ctx)
	}
	if r.wakeRing() != nil {
		return r.waitSliced(ctx)
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-ctx.Done():
			r.postWake()
		case <-stop:
		}
	}()
	cqe, err := r.waitBlocking(ctx)
	close(stop)
	<-done // after this no wake-up can be posted but one already sent
	return cqe, err
}

// waitBlocking waits for a completion. A wake-up CQE ends the wait with ctx's error; one
// left over from an earlier wait (ctx not done) is skipped.
func (r *Ring) waitBlocking(ctx context.Context) (*CQE, error) {
	for {
		var p *C.struct_io_uring_cqe
		ret := C.io_uring_wait_cqe(r.ring, &p)
		if ret == -C.EINTR {
			continue
		}
		if ret < 0 {
			return nil, syscall.Errno(-ret)
		}
		if uint64(p.user_data) != wakeUserData {
			return newCQE(p), nil
		}
		C.io_uring_cqe_seen(r.ring, p)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

func (r *Ring) waitSliced(ctx context.Context) (*CQE, error) {
	for {
		ts := (*C.struct___kernel_timespec)(C.calloc(1, C.sizeof_struct___kernel_timespec))
		ts.tv_nsec = C.longlong(10 * time.Millisecond)
		var p *C.struct_io_uring_cqe
		ret := C.io_uring_wait_cqe_timeout(r.ring, &p, ts)
		C.free(unsafe.Pointer(ts))
		switch {
		case ret == 0 && uint64(p.user_data) == wakeUserData:
			C.io_uring_cqe_seen(r.ring, p)
		case ret == 0:
			return newCQE(p), nil
		case ret != -C.ETIME && ret != -C.EINTR:
			return nil, syscall.Errno(-ret)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// wakeRing sets up, once, the ring that posts wake-ups (nil error: MSG_RING works).
func (r *Ring) wakeRing() error {
	r.wakeOnce.Do(func() {
		probe := C.io_uring_get_probe_ring(r.ring)
		if probe == nil {
			r.wakeErr = errors.New("uring: no probe")
			return
		}
		supported := C.io_uring_opcode_supported(probe, C.IORING_OP_MSG_RING) != 0
		C.io_uring_free_probe(probe)
		if !supported {
			r.wakeErr = errors.New("uring: no IORING_OP_MSG_RING")
			return
		}
		w := (*C.struct_io_uring)(C.calloc(1, C.sizeof_struct_io_uring))
		if w == nil {
			r.wakeErr = syscall.ENOMEM
			return
		}
		if ret := C.io_uring_queue_init(2, w, 0); ret < 0 {
			C.free(unsafe.Pointer(w))
			r.wakeErr = syscall.Errno(-ret)
			return
		}
		r.wakeMu.Lock()
		r.wake = w
		r.wakeMu.Unlock()
	})
	return r.wakeErr
}

// postWake posts the wake-up CQE into r's CQ from the wake ring.
func (r *Ring) postWake() {
	r.wakeMu.Lock()
	defer r.wakeMu.Unlock()
	if r.closed || r.wake == nil {
		return
	}
	sqe := C.io_uring_get_sqe(r.wake)
	if sqe == nil {
		return
	}
	C.io_uring_prep_msg_ring(sqe, r.ring.ring_fd, 0, C.__u64(wakeUserData), 0)
	if C.io_uring_submit_and_wait(r.wake, 1) < 0 {
		return
	}
	var p *C.struct_io_uring_cqe
	if C.io_uring_wait_cqe(r.wake, &p) == 0 {
		C.io_uring_cqe_seen(r.wake, p)
	}
}

// SetUserData sets the value the completion carries back.
func (s *SQE) SetUserData(v uint64) { C.io_uring_sqe_set_data64(s.sqe, C.__u64(v)) }

// SetFlags sets IOSQE_* flags (SQEIOLink, ...).
func (s *SQE) SetFlags(flags uint8) { C.io_uring_sqe_set_flags(s.sqe, C.uint(flags)) }

func bufPtr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(&b[0])
}

// PrepNop prepares a request that does nothing and completes with 0.
func (s *SQE) PrepNop() { C.io_uring_prep_nop(s.sqe) }

// PrepRead reads len(buf) bytes at offset (^uint64(0): the file position) into buf,
// which must come from AllocBuffer.
func (s *SQE) PrepRead(fd int, buf []byte, offset uint64) {
	checkBuffer("PrepRead", buf)
	C.io_uring_prep_read(s.sqe, C.int(fd), bufPtr(buf), C.uint(len(buf)), C.__u64(offset))
}

// PrepWrite writes buf (from AllocBuffer) at offset.
func (s *SQE) PrepWrite(fd int, buf []byte, offset uint64) {
	checkBuffer("PrepWrite", buf)
	C.io_uring_prep_write(s.sqe, C.int(fd), bufPtr(buf), C.uint(len(buf)), C.__u64(offset))
}

func (s *SQE) iovecs(op string, bufs [][]byte) C.uint {
	if len(bufs) > ScratchIOVecs {
		panic("uring: " + op + ": more than ScratchIOVecs buffers")
	}
	for i, b := range bufs {
		checkBuffer(op, b)
		s.scratch.iov[i].iov_base = bufPtr(b)
		s.scratch.iov[i].iov_len = C.size_t(len(b))
	}
	return C.uint(len(bufs))
}

// PrepReadv reads into bufs (each from AllocBuffer, at most ScratchIOVecs) at offset.
func (s *SQE) PrepReadv(fd int, bufs [][]byte, offset uint64) {
	n := s.iovecs("PrepReadv", bufs)
	C.io_uring_prep_readv(s.sqe, C.int(fd), &s.scratch.iov[0], n, C.__u64(offset))
}

// PrepWritev writes bufs (each from AllocBuffer, at most ScratchIOVecs) at offset.
func (s *SQE) PrepWritev(fd int, bufs [][]byte, offset uint64) {
	n := s.iovecs("PrepWritev", bufs)
	C.io_uring_prep_writev(s.sqe, C.int(fd), &s.scratch.iov[0], n, C.__u64(offset))
}

// PrepFsync syncs fd (flags: 0 or FsyncDatasync).
func (s *SQE) PrepFsync(fd int, flags uint32) {
	C.io_uring_prep_fsync(s.sqe, C.int(fd), C.uint(flags))
}

// PrepAccept accepts a connection on a listening socket; the CQE's Res is the new fd
// (flags: SOCK_CLOEXEC, SOCK_NONBLOCK). Use getpeername for the peer's address.
func (s *SQE) PrepAccept(fd int, flags int) {
	C.io_uring_prep_accept(s.sqe, C.int(fd), nil, nil, C.int(flags))
}

// PrepRecv receives into buf (from AllocBuffer).
func (s *SQE) PrepRecv(fd int, buf []byte, flags int) {
	checkBuffer("PrepRecv", buf)
	C.io_uring_prep_recv(s.sqe, C.int(fd), bufPtr(buf), C.size_t(len(buf)), C.int(flags))
}

// PrepSend sends buf (from AllocBuffer).
func (s *SQE) PrepSend(fd int, buf []byte, flags int) {
	checkBuffer("PrepSend", buf)
	C.io_uring_prep_send(s.sqe, C.int(fd), bufPtr(buf), C.size_t(len(buf)), C.int(flags))
}

// PrepClose closes fd.
func (s *SQE) PrepClose(fd int) { C.io_uring_prep_close(s.sqe, C.int(fd)) }

func (s *SQE) timespec(d time.Duration) *C.struct___kernel_timespec {
	s.scratch.ts.tv_sec = C.longlong(d / time.Second)
	s.scratch.ts.tv_nsec = C.longlong(d % time.Second)
	return &s.scratch.ts
}

// PrepTimeout completes with -ETIME after d, or with 0 once count other completions
// have arrived (count 0: only the time counts).
func (s *SQE) PrepTimeout(d time.Duration, count uint32, flags uint32) {
	C.io_uring_prep_timeout(s.sqe, s.timespec(d), C.uint(count), C.uint(flags))
}

// PrepLinkTimeout cancels the previous request of the link (set SQEIOLink on it) if it
// has not completed after d.
func (s *SQE) PrepLinkTimeout(d time.Duration) {
	C.io_uring_prep_link_timeout(s.sqe, s.timespec(d), 0)
}

// PrepCancel cancels the request whose user data is userData.
func (s *SQE) PrepCancel(userData uint64, flags int) {
	C.io_uring_prep_cancel64(s.sqe, C.__u64(userData), C.int(flags))
}
