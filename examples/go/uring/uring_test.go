package uring

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func newRing(t *testing.T, entries uint32) *Ring {
	t.Helper()
	r, err := NewRing(entries, 0)
	if err != nil {
		t.Fatalf("NewRing(%d): %v", entries, err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

func allocBuffer(t *testing.T, n int) []byte {
	t.Helper()
	b, err := AllocBuffer(n)
	if err != nil {
		t.Fatalf("AllocBuffer(%d): %v", n, err)
	}
	t.Cleanup(func() {
		if err := FreeBuffer(b); err != nil {
			t.Errorf("FreeBuffer: %v", err)
		}
	})
	return b
}

func getSQE(t *testing.T, r *Ring) *SQE {
	t.Helper()
	sqe, err := r.GetSQE()
	if err != nil {
		t.Fatalf("GetSQE: %v", err)
	}
	return sqe
}

// waitAll reaps n completions and returns them by user data.
func waitAll(t *testing.T, r *Ring, n int) map[uint64]CQE {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(map[uint64]CQE)
	for i := 0; i < n; i++ {
		cqe, err := r.WaitCQE(ctx)
		if err != nil {
			t.Fatalf("WaitCQE (%d of %d): %v", i+1, n, err)
		}
		if _, dup := got[cqe.UserData]; dup {
			t.Fatalf("two completions with user data %d", cqe.UserData)
		}
		got[cqe.UserData] = *cqe
		r.SeenCQE(cqe)
	}
	return got
}

func submit(t *testing.T, r *Ring, want int) {
	t.Helper()
	n, err := r.Submit()
	if err != nil || n != want {
		t.Fatalf("Submit = %d, %v; want %d", n, err, want)
	}
}

func tempFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "data"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestNewRingErrors(t *testing.T) {
	if _, err := NewRing(0, 0); !errors.Is(err, syscall.EINVAL) {
		t.Fatalf("NewRing(0) = %v, want EINVAL", err)
	}
	if _, err := NewRing(8, 1<<31); err == nil {
		t.Fatal("NewRing with an unknown setup flag succeeded")
	}
	r, err := NewRing(4, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); !errors.Is(err, syscall.EBADF) {
		t.Fatalf("second Close = %v, want EBADF", err)
	}
}

func TestNopAndPeek(t *testing.T) {
	r := newRing(t, 8)
	if _, err := r.PeekCQE(); !errors.Is(err, syscall.EAGAIN) {
		t.Fatalf("PeekCQE on an empty ring = %v, want EAGAIN", err)
	}
	for i := uint64(1); i <= 3; i++ {
		sqe := getSQE(t, r)
		sqe.PrepNop()
		sqe.SetUserData(i * 100)
	}
	if n, err := r.SubmitAndWait(3); err != nil || n != 3 {
		t.Fatalf("SubmitAndWait = %d, %v", n, err)
	}
	seen := map[uint64]bool{}
	for i := 0; i < 3; i++ {
		cqe, err := r.PeekCQE()
		if err != nil {
			t.Fatalf("PeekCQE after SubmitAndWait(3): %v", err)
		}
		if cqe.Res != 0 || cqe.Err() != nil {
			t.Fatalf("NOP res %d", cqe.Res)
		}
		seen[cqe.UserData] = true
		r.SeenCQE(cqe)
	}
	if !seen[100] || !seen[200] || !seen[300] {
		t.Fatalf("user data seen: %v", seen)
	}
	if _, err := r.PeekCQE(); !errors.Is(err, syscall.EAGAIN) {
		t.Fatalf("PeekCQE after consuming all = %v, want EAGAIN", err)
	}
}

func TestGetSQEFull(t *testing.T) {
	r := newRing(t, 4)
	for i := 0; i < 4; i++ {
		sqe := getSQE(t, r)
		sqe.PrepNop()
		sqe.SetUserData(uint64(i))
	}
	if _, err := r.GetSQE(); !errors.Is(err, syscall.EBUSY) {
		t.Fatalf("GetSQE on a full SQ = %v, want EBUSY", err)
	}
	submit(t, r, 4)
	waitAll(t, r, 4)
}

func TestWriteReadReadv(t *testing.T) {
	r := newRing(t, 8)
	f := tempFile(t)
	fd := int(f.Fd())
	out := allocBuffer(t, 8192)
	for i := range out {
		out[i] = byte(i*7 + 3)
	}
	sqe := getSQE(t, r)
	sqe.PrepWrite(fd, out, 0)
	sqe.SetUserData(1)
	submit(t, r, 1)
	if c := waitAll(t, r, 1)[1]; c.Res != 8192 {
		t.Fatalf("write res %d", c.Res)
	}

	in := allocBuffer(t, 8192)
	sqe = getSQE(t, r)
	sqe.PrepRead(fd, in[:4096], 4096)
	sqe.SetUserData(2)
	a, b := allocBuffer(t, 1000), allocBuffer(t, 3000)
	sqe = getSQE(t, r)
	sqe.PrepReadv(fd, [][]byte{a, b}, 100)
	sqe.SetUserData(3)
	submit(t, r, 2)
	got := waitAll(t, r, 2)
	if got[2].Res != 4096 || got[3].Res != 4000 {
		t.Fatalf("read res %d, readv res %d", got[2].Res, got[3].Res)
	}
	if !bytes.Equal(in[:4096], out[4096:]) {
		t.Fatal("read returned other bytes than were written")
	}
	if !bytes.Equal(a, out[100:1100]) || !bytes.Equal(b, out[1100:4100]) {
		t.Fatal("readv returned other bytes than were written")
	}

	// fsync, and a read past the end returns 0.
	sqe = getSQE(t, r)
	sqe.PrepFsync(fd, FsyncDatasync)
	sqe.SetUserData(4)
	sqe = getSQE(t, r)
	sqe.PrepRead(fd, in, 1<<20)
	sqe.SetUserData(5)
	submit(t, r, 2)
	got = waitAll(t, r, 2)
	if got[4].Res != 0 || got[5].Res != 0 {
		t.Fatalf("fsync res %d, read at EOF res %d", got[4].Res, got[5].Res)
	}
}

func TestBadFd(t *testing.T) {
	r := newRing(t, 4)
	buf := allocBuffer(t, 16)
	sqe := getSQE(t, r)
	sqe.PrepRead(-1, buf, 0)
	sqe.SetUserData(9)
	submit(t, r, 1)
	c := waitAll(t, r, 1)[9]
	if !errors.Is(c.Err(), syscall.EBADF) {
		t.Fatalf("read on fd -1: res %d (%v), want EBADF", c.Res, c.Err())
	}
}

func TestGoMemoryRefused(t *testing.T) {
	r := newRing(t, 4)
	sqe := getSQE(t, r)
	defer func() {
		if recover() == nil {
			t.Fatal("PrepRead accepted a Go-heap buffer")
		}
		sqe.PrepNop() // leave a harmless request in the slot
	}()
	sqe.PrepRead(0, make([]byte, 64), 0)
}

func TestLinks(t *testing.T) {
	r := newRing(t, 8)
	f := tempFile(t)
	fd := int(f.Fd())
	out, in := allocBuffer(t, 4096), allocBuffer(t, 4096)
	copy(out, bytes.Repeat([]byte("linked "), 600))

	// write -> read: the read starts only after the write completed.
	sqe := getSQE(t, r)
	sqe.PrepWrite(fd, out, 0)
	sqe.SetFlags(SQEIOLink)
	sqe.SetUserData(1)
	sqe = getSQE(t, r)
	sqe.PrepRead(fd, in, 0)
	sqe.SetUserData(2)
	submit(t, r, 2)
	got := waitAll(t, r, 2)
	if got[1].Res != 4096 || got[2].Res != 4096 || !bytes.Equal(in, out) {
		t.Fatalf("linked write/read: res %d/%d, equal %v", got[1].Res, got[2].Res, bytes.Equal(in, out))
	}

	// A failing request cancels the rest of its chain.
	sqe = getSQE(t, r)
	sqe.PrepRead(-1, in, 0)
	sqe.SetFlags(SQEIOLink)
	sqe.SetUserData(3)
	sqe = getSQE(t, r)
	sqe.PrepNop()
	sqe.SetUserData(4)
	submit(t, r, 2)
	got = waitAll(t, r, 2)
	if !errors.Is(got[3].Err(), syscall.EBADF) || !errors.Is(got[4].Err(), syscall.ECANCELED) {
		t.Fatalf("broken chain: %v then %v, want EBADF then ECANCELED", got[3].Err(), got[4].Err())
	}
}

func pipe(t *testing.T) (int, int) {
	t.Helper()
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Close(p[0])
		syscall.Close(p[1])
	})
	return p[0], p[1]
}

func TestTimeouts(t *testing.T) {
	r := newRing(t, 8)
	start := time.Now()
	sqe := getSQE(t, r)
	sqe.PrepTimeout(30*time.Millisecond, 0, 0)
	sqe.SetUserData(1)
	submit(t, r, 1)
	c := waitAll(t, r, 1)[1]
	if !errors.Is(c.Err(), syscall.ETIME) {
		t.Fatalf("timeout res %d, want ETIME", c.Res)
	}
	if el := time.Since(start); el < 30*time.Millisecond {
		t.Fatalf("timeout fired after %v, before 30ms", el)
	}

	// A timeout with count 1 completes with 0 once another request has completed.
	sqe = getSQE(t, r)
	sqe.PrepTimeout(10*time.Second, 1, 0)
	sqe.SetUserData(2)
	sqe = getSQE(t, r)
	sqe.PrepNop()
	sqe.SetUserData(3)
	submit(t, r, 2)
	got := waitAll(t, r, 2)
	if got[2].Res != 0 || got[3].Res != 0 {
		t.Fatalf("count timeout res %d, nop res %d", got[2].Res, got[3].Res)
	}

	// A read of an empty pipe linked to a 20 ms link timeout is cancelled.
	rd, _ := pipe(t)
	buf := allocBuffer(t, 64)
	sqe = getSQE(t, r)
	sqe.PrepRead(rd, buf, ^uint64(0))
	sqe.SetFlags(SQEIOLink)
	sqe.SetUserData(4)
	sqe = getSQE(t, r)
	sqe.PrepLinkTimeout(20 * time.Millisecond)
	sqe.SetUserData(5)
	submit(t, r, 2)
	got = waitAll(t, r, 2)
	if !errors.Is(got[4].Err(), syscall.ECANCELED) || !errors.Is(got[5].Err(), syscall.ETIME) {
		t.Fatalf("link timeout: read %v, timeout %v; want ECANCELED, ETIME", got[4].Err(), got[5].Err())
	}
}

func TestCancel(t *testing.T) {
	r := newRing(t, 8)
	rd, _ := pipe(t)
	buf := allocBuffer(t, 64)
	sqe := getSQE(t, r)
	sqe.PrepRead(rd, buf, ^uint64(0))
	sqe.SetUserData(77)
	submit(t, r, 1)
	sqe = getSQE(t, r)
	sqe.PrepCancel(77, 0)
	sqe.SetUserData(78)
	submit(t, r, 1)
	got := waitAll(t, r, 2)
	if !errors.Is(got[77].Err(), syscall.ECANCELED) && !errors.Is(got[77].Err(), syscall.EINTR) {
		t.Fatalf("cancelled read: %v", got[77].Err())
	}
	if got[78].Res != 0 {
		t.Fatalf("cancel res %d (%v)", got[78].Res, got[78].Err())
	}
	sqe = getSQE(t, r)
	sqe.PrepCancel(12345, 0)
	sqe.SetUserData(79)
	submit(t, r, 1)
	if c := waitAll(t, r, 1)[79]; !errors.Is(c.Err(), syscall.ENOENT) {
		t.Fatalf("cancel of nothing: %v, want ENOENT", c.Err())
	}
}

func TestWaitCQEContext(t *testing.T) {
	r := newRing(t, 8)

	// Nothing in flight: the wait ends when the context is cancelled.
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	if _, err := r.WaitCQE(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitCQE = %v, want context.Canceled", err)
	}
	if el := time.Since(start); el < 50*time.Millisecond || el > 5*time.Second {
		t.Fatalf("WaitCQE returned after %v", el)
	}
	if r.wakeErr != nil {
		t.Logf("no MSG_RING wake-up (%v): WaitCQE polled in 10 ms slices", r.wakeErr)
	} else if r.wake == nil {
		t.Fatal("WaitCQE with a cancellable context set up no wake-up ring")
	}

	// A deadline.
	ctx, cancel2 := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel2()
	if _, err := r.WaitCQE(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitCQE = %v, want DeadlineExceeded", err)
	}

	// An already-cancelled context returns at once, even with a completion ready.
	sqe := getSQE(t, r)
	sqe.PrepNop()
	sqe.SetUserData(5)
	submit(t, r, 1)
	if _, err := r.WaitCQE(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitCQE with a done context = %v", err)
	}
	// The ring still works, and no wake-up is seen as a completion.
	c := waitAll(t, r, 1)[5]
	if c.Res != 0 {
		t.Fatalf("nop res %d", c.Res)
	}
	if _, err := r.PeekCQE(); !errors.Is(err, syscall.EAGAIN) {
		t.Fatalf("PeekCQE after the waits = %v, want EAGAIN (no stray completion)", err)
	}

	// A completion that arrives while waiting with a live context is returned.
	ctx3, cancel3 := context.WithCancel(context.Background())
	defer cancel3()
	sqe = getSQE(t, r)
	sqe.PrepTimeout(20*time.Millisecond, 0, 0)
	sqe.SetUserData(6)
	submit(t, r, 1)
	cqe, err := r.WaitCQE(ctx3)
	if err != nil || cqe.UserData != 6 || !errors.Is(cqe.Err(), syscall.ETIME) {
		t.Fatalf("WaitCQE = %+v, %v", cqe, err)
	}
	r.SeenCQE(cqe)
}

func TestAccept(t *testing.T) {
	r := newRing(t, 8)
	lfd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(lfd)
	if err := syscall.Bind(lfd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(lfd, 8); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(lfd)
	if err != nil {
		t.Fatal(err)
	}
	port := sa.(*syscall.SockaddrInet4).Port

	sqe := getSQE(t, r)
	sqe.PrepAccept(lfd, syscall.SOCK_CLOEXEC)
	sqe.SetUserData(1)
	submit(t, r, 1)

	cfd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(cfd)
	if err := syscall.Connect(cfd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}, Port: port}); err != nil {
		t.Fatal(err)
	}
	c := waitAll(t, r, 1)[1]
	if c.Res < 0 {
		t.Fatalf("accept: %v", c.Err())
	}
	afd := int(c.Res)

	// send on the accepted socket, recv on the client, then close through the ring.
	msg, got := allocBuffer(t, 5), allocBuffer(t, 16)
	copy(msg, "hello")
	sqe = getSQE(t, r)
	sqe.PrepSend(afd, msg, 0)
	sqe.SetFlags(SQEIOLink)
	sqe.SetUserData(2)
	sqe = getSQE(t, r)
	sqe.PrepRecv(cfd, got, 0)
	sqe.SetUserData(3)
	submit(t, r, 2)
	res := waitAll(t, r, 2)
	if res[2].Res != 5 || res[3].Res != 5 || string(got[:5]) != "hello" {
		t.Fatalf("send %d, recv %d %q", res[2].Res, res[3].Res, got[:5])
	}
	sqe = getSQE(t, r)
	sqe.PrepClose(afd)
	sqe.SetUserData(4)
	submit(t, r, 1)
	if c := waitAll(t, r, 1)[4]; c.Res != 0 {
		t.Fatalf("close: %v", c.Err())
	}
}

// The fallback of kernels without MSG_RING: waits in slices, checking the context.
func TestWaitCQESliced(t *testing.T) {
	r := newRing(t, 8)
	r.wakeOnce.Do(func() { r.wakeErr = errors.New("forced by the test") })
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := r.WaitCQE(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitCQE = %v, want DeadlineExceeded", err)
	}
	if el := time.Since(start); el < 40*time.Millisecond || el > 5*time.Second {
		t.Fatalf("WaitCQE returned after %v", el)
	}
	sqe := getSQE(t, r)
	sqe.PrepNop()
	sqe.SetUserData(8)
	submit(t, r, 1)
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	cqe, err := r.WaitCQE(ctx2)
	if err != nil || cqe.UserData != 8 {
		t.Fatalf("WaitCQE = %+v, %v", cqe, err)
	}
	r.SeenCQE(cqe)
}
