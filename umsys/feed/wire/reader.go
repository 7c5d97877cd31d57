package wire

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"
)

// Reader hands out frames one at a time during a handshake. Frames that arrive
// in the same read as the one asked for wait in Pending, and a framing error met
// after them in Err, so that Serve can deliver them before streaming.
type Reader[F any] struct {
	// Conn is read from, into Buf.
	Conn net.Conn
	Buf  []byte
	// Write is the framer's Write.
	Write func(p []byte, emit func(*F) error) error
	// Pending are frames read but not yet handed out.
	Pending []*F
	// Err is a framing error met after the frames still pending.
	Err error
}

// NewReader reads nc through write with a 64 KiB read buffer.
func NewReader[F any](nc net.Conn, write func(p []byte, emit func(*F) error) error) *Reader[F] {
	return &Reader[F]{Conn: nc, Buf: make([]byte, 64<<10), Write: write}
}

// Next reads until one frame is complete and returns it.
func (r *Reader[F]) Next() (*F, error) {
	for len(r.Pending) == 0 {
		if r.Err != nil {
			return nil, r.Err
		}
		n, err := r.Conn.Read(r.Buf)
		if n > 0 {
			if werr := r.Write(r.Buf[:n], func(f *F) error {
				r.Pending = append(r.Pending, f)
				return nil
			}); werr != nil {
				// Frames completed before the bad bytes are still delivered.
				r.Err = werr
				continue
			}
		}
		if err != nil && len(r.Pending) == 0 {
			return nil, err
		}
	}
	f := r.Pending[0]
	r.Pending = r.Pending[1:]
	return f, nil
}

// BoundHandshake limits nc's I/O to timeout (or ctx's earlier deadline) and
// unblocks it when ctx ends. Call stop when the handshake is over, and clear the
// deadline on success.
func BoundHandshake(ctx context.Context, nc net.Conn, timeout time.Duration) (stop func() bool, err error) {
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	stop = context.AfterFunc(ctx, func() { _ = nc.SetDeadline(time.Unix(1, 0)) })
	if err := nc.SetDeadline(deadline); err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// Dial connects to addr, over TLS when tc is set, and opens a session on the
// connection with open, all within timeout (or ctx's earlier deadline). On success
// the deadline is cleared; on failure the connection is closed. Errors name the
// dialect (name) and addr.
func Dial[S any](ctx context.Context, name, addr string, timeout time.Duration, tc *tls.Config, open func(nc net.Conn) (*S, error)) (*S, error) {
	d := net.Dialer{Timeout: timeout}
	var nc net.Conn
	var err error
	if tc != nil {
		td := tls.Dialer{NetDialer: &d, Config: tc}
		nc, err = td.DialContext(ctx, "tcp", addr)
	} else {
		nc, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: dial %s: %w", name, addr, err)
	}
	s, err := handshake(ctx, nc, timeout, open)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("%s: %s: %w", name, addr, err)
	}
	return s, nil
}

func handshake[S any](ctx context.Context, nc net.Conn, timeout time.Duration, open func(nc net.Conn) (*S, error)) (*S, error) {
	stop, err := BoundHandshake(ctx, nc, timeout)
	if err != nil {
		return nil, err
	}
	defer stop()
	s, err := open(nc)
	if err != nil {
		return nil, err
	}
	return s, nc.SetDeadline(time.Time{})
}
