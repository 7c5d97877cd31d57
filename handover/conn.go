package handover

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync/atomic"
	"time"
)

// dial connects to the LEMF for this stream: TCP, then TLS 1.3 with a client certificate
// when configured; DialTimeout covers both.
func (s *stream) dial(ctx context.Context) (net.Conn, error) {
	addr := s.dest.addr(s.hi)
	d := &net.Dialer{Timeout: s.dest.DialTimeout, KeepAlive: 30 * time.Second}
	if s.tls == nil {
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", addr, err)
		}
		return c, nil
	}
	cfg := s.tls.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName, _, _ = net.SplitHostPort(addr)
	}
	c, err := (&tls.Dialer{NetDialer: d, Config: cfg}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s (tls): %w", addr, err)
	}
	return c, nil
}

// inbound reads what the LEMF sends on a connection: keep-aliveResponses are noted, any
// other PDU is ignored (counted, never logged by content).
type inbound struct {
	done      chan struct{}
	err       error         // valid after done is closed
	resp      chan struct{} // signalled (without blocking) on each keep-aliveResponse
	responses atomic.Int64  // keep-aliveResponses read so far; the nth answers the nth keep-alive
	others    atomic.Int64  // PDUs that were not keep-aliveResponses
}

func startInbound(conn net.Conn, f Framer, d *Destination) *inbound {
	if d.Framer != nil {
		f = d.Framer
	}
	in := &inbound{done: make(chan struct{}), resp: make(chan struct{}, 1)}
	go func() {
		defer close(in.done)
		in.err = readFrames(conn, f, d.MaxInboundFrame, func(pdu []byte) {
			if d.IsKeepAliveResponse != nil && d.IsKeepAliveResponse(pdu) {
				in.responses.Add(1)
				select {
				case in.resp <- struct{}{}:
				default:
				}
				return
			}
			in.others.Add(1)
		})
	}()
	return in
}
