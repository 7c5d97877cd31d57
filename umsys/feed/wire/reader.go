package wire

import (
	"context"
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
