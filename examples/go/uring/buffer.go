package uring

import (
	"fmt"
	"sync"
	"syscall"
	"unsafe"
)

// The kernel reads and writes I/O buffers after the call that queued them has returned.
// cgo forbids C (and so the kernel) to keep a pointer to Go memory past a call, so the
// buffers of reads and writes come from AllocBuffer: anonymous mappings the Go garbage
// collector neither moves nor frees. The preparers check it.

var buffers struct {
	sync.Mutex
	regions map[uintptr]int // base -> length of each live AllocBuffer mapping
}

// AllocBuffer returns n bytes of zeroed memory outside the Go heap, for the buffers of
// PrepRead, PrepWrite, PrepReadv, PrepRecv and PrepSend. Release it with FreeBuffer once
// no request using it is in flight.
func AllocBuffer(n int) ([]byte, error) {
	if n <= 0 {
		return nil, syscall.EINVAL
	}
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, err
	}
	buffers.Lock()
	if buffers.regions == nil {
		buffers.regions = make(map[uintptr]int)
	}
	buffers.regions[uintptr(unsafe.Pointer(&b[0]))] = n
	buffers.Unlock()
	return b, nil
}

// FreeBuffer releases a buffer from AllocBuffer (the whole buffer: pass the slice
// AllocBuffer returned).
func FreeBuffer(b []byte) error {
	if len(b) == 0 {
		return syscall.EINVAL
	}
	base := uintptr(unsafe.Pointer(&b[0]))
	buffers.Lock()
	n, ok := buffers.regions[base]
	if ok {
		delete(buffers.regions, base)
	}
	buffers.Unlock()
	if !ok {
		return fmt.Errorf("uring: FreeBuffer of memory not from AllocBuffer: %w", syscall.EINVAL)
	}
	return syscall.Munmap(b[:n:n])
}

// checkBuffer panics unless b lies inside a live AllocBuffer mapping: a Go-heap buffer
// handed to the kernel is a bug that corrupts memory later, far from its cause.
func checkBuffer(op string, b []byte) {
	if len(b) == 0 {
		return
	}
	p := uintptr(unsafe.Pointer(&b[0]))
	buffers.Lock()
	defer buffers.Unlock()
	for base, n := range buffers.regions {
		if p >= base && p+uintptr(len(b)) <= base+uintptr(n) {
			return
		}
	}
	panic("uring: " + op + ": the buffer must come from uring.AllocBuffer (the kernel uses it after the call returns)")
}
