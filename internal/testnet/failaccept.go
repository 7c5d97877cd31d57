package testnet

import (
	"net"
	"os"
	"sync/atomic"
	"syscall"
)

// FailingListener fails Accept with its errors in turn, then accepts from the
// listener it wraps: the resource errors (EMFILE, ENFILE) a server must survive.
type FailingListener struct {
	net.Listener
	errs []error
	n    atomic.Int32
}

// FailAccept wraps ln so that its first len(errs) Accepts fail with errs.
func FailAccept(ln net.Listener, errs ...error) *FailingListener {
	return &FailingListener{Listener: ln, errs: errs}
}

// Accept implements net.Listener.
func (f *FailingListener) Accept() (net.Conn, error) {
	if i := int(f.n.Add(1)) - 1; i < len(f.errs) {
		return nil, f.errs[i]
	}
	return f.Listener.Accept()
}

// Left reports how many of the errors Accept has not returned yet.
func (f *FailingListener) Left() int { return max(len(f.errs)-int(f.n.Load()), 0) }

// AcceptErr is the error a real accept4 failing with errno gives.
func AcceptErr(errno syscall.Errno) error {
	return &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", errno)}
}
