package siprec

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/umli/umli/rtpcapture"
)

// readBuf exceeds rtpcapture.MaxPacketSize so oversized packets are seen as such.
const readBuf = 2048

// tickEvery is how often an idle stream is looked at.
const tickEvery = 100 * time.Millisecond

// flushTimeout bounds the final submissions of a leg whose call context is gone.
const flushTimeout = 5 * time.Second

// stream is one receiving RTP socket and the leg it feeds.
type stream struct {
	conn *net.UDPConn
	port uint16
	// from is the only source address accepted (the offer's connection address).
	from atomic.Pointer[netip.Addr]
	// pts is swapped on re-INVITE and picked up by the reader.
	pts  atomic.Pointer[rtpcapture.PayloadTypes]
	done chan struct{}
	// timedOut is set when the stream closed on media timeout.
	timedOut atomic.Bool
	// open is the endpoint's count of media sockets, released once on shut.
	open     *atomic.Int64
	shutOnce sync.Once
}

// errMediaCap says the endpoint holds its ceiling of media sockets.
var errMediaCap = errors.New("media socket ceiling reached")

func listenRTP(cfg *Config) (*net.UDPConn, error) {
	if cfg.PortMin == 0 {
		return net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(cfg.MediaAddr, 0)))
	}
	span := (cfg.PortMax - cfg.PortMin) / 2
	var lastErr error
	for try := 0; try < 32; try++ {
		// RTP takes even ports (RFC 3550 11), leaving the odd one for RTCP.
		port := cfg.PortMin + 2*rand.IntN(span+1) //nolint:gosec // G404: a port spread, not a secret
		if port%2 == 1 {
			port--
		}
		if port < cfg.PortMin || port > cfg.PortMax || port == 0 {
			continue
		}
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(cfg.MediaAddr, uint16(port)))) //nolint:gosec // G115: port within PortMin..PortMax, which Config.check bounds to 65535
		if err == nil {
			return c, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("no free RTP port in %d-%d: %w", cfg.PortMin, cfg.PortMax, lastErr)
}

// newStream opens a media socket, counted in open against cfg.MaxStreams: a peer
// cannot take the process's descriptors with offers (issue 21).
func newStream(cfg *Config, open *atomic.Int64, from netip.Addr, pts rtpcapture.PayloadTypes) (*stream, error) {
	if open.Add(1) > int64(cfg.MaxStreams) {
		open.Add(-1)
		return nil, errMediaCap
	}
	c, err := listenRTP(cfg)
	if err != nil {
		open.Add(-1)
		return nil, err
	}
	s := &stream{conn: c, port: uint16(c.LocalAddr().(*net.UDPAddr).Port), done: make(chan struct{}), open: open} //nolint:gosec // G115: a UDP port is 0..65535
	s.from.Store(&from)
	s.pts.Store(&pts)
	return s, nil
}

// run reads the stream until its socket is closed or it times out, then closes the leg
// (end-of-sequence).
func (s *stream) run(ctx context.Context, leg *rtpcapture.Leg, cfg *Config) {
	defer close(s.done)
	defer func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
		defer cancel()
		leg.Close(fctx)
	}()
	buf := make([]byte, readBuf)
	pts := s.pts.Load()
	last := time.Now()
	for {
		if err := s.conn.SetReadDeadline(time.Now().Add(tickEvery)); err != nil {
			return
		}
		n, addr, err := s.conn.ReadFromUDPAddrPort(buf)
		now := time.Now()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				leg.Tick(ctx, now)
				if now.Sub(last) > cfg.MediaTimeout {
					s.timedOut.Store(true)
					return
				}
				continue
			}
			return
		}
		if addr.Addr().Unmap() != *s.from.Load() {
			cfg.Metrics.DropUnknownSource(cfg.Source)
			continue
		}
		if p := s.pts.Load(); p != pts {
			pts = p
			leg.SetPayloadTypes(*p)
		}
		last = now
		// Bad packets are counted by the leg; one bad packet says nothing about the next.
		_ = leg.Push(ctx, buf[:n], now)
	}
}

// shut closes the socket and gives its slot back (once).
func (s *stream) shut() {
	s.shutOnce.Do(func() {
		_ = s.conn.Close()
		s.open.Add(-1)
	})
}

func (s *stream) close() {
	s.shut()
	<-s.done
}
