package jsonfeed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/netaccept"
	"github.com/umli/umli/umsys/feed"
)

// DefaultMaxLineBytes bounds one JSON line.
const DefaultMaxLineBytes = 1 << 20

// ErrLineTooLong: a line exceeded MaxLineBytes; it was skipped.
var ErrLineTooLong = errors.New("jsonfeed: line too long")

// LineError names the connection and 1-based line number of a bad line.
type LineError struct {
	Conn string
	Line int
	Err  error
}

// Error implements error.
func (e *LineError) Error() string {
	return fmt.Sprintf("jsonfeed: connection %s line %d: %v", e.Conn, e.Line, e.Err)
}

// Unwrap returns the cause.
func (e *LineError) Unwrap() error { return e.Err }

// LineConfig configures a JSON-lines TCP server.
type LineConfig struct {
	// Source names the platform in events, logs and metrics.
	Source string
	// MaxLineBytes bounds one line (default DefaultMaxLineBytes).
	MaxLineBytes int
	// IdleTimeout closes a connection that sends nothing for this long (0: never).
	IdleTimeout time.Duration
	Logger      zerolog.Logger
	Metrics     *feed.Metrics
	// Durable (optional) takes the lines that ask for acknowledgement (ack.go): it must
	// return once their records are durable. Nil uses the server's handler.
	Durable feed.Handler
}

// LineServer accepts TCP connections carrying one JSON object per line.
type LineServer struct {
	cfg LineConfig
	h   feed.Handler
}

// NewLineServer validates cfg; events go to h in line order per connection.
func NewLineServer(cfg LineConfig, h feed.Handler) (*LineServer, error) {
	if h == nil {
		return nil, errors.New("jsonfeed: nil handler")
	}
	if cfg.MaxLineBytes <= 0 {
		cfg.MaxLineBytes = DefaultMaxLineBytes
	}
	if cfg.Metrics == nil {
		m, err := feed.NewMetrics(nil)
		if err != nil {
			return nil, err
		}
		cfg.Metrics = m
	}
	return &LineServer{cfg: cfg, h: h}, nil
}

// Serve accepts on ln until ctx ends; it closes ln and waits for its connections.
func (s *LineServer) Serve(ctx context.Context, ln net.Listener) error {
	ln = netaccept.Wrap(ln, netaccept.Config{Name: "jsonLines " + s.cfg.Source, Logger: s.cfg.Logger}) // EMFILE & co. back off, never end Serve
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("jsonfeed: accept: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			cstop := context.AfterFunc(ctx, func() { c.Close() })
			defer cstop()
			s.ServeConn(c)
		}()
	}
}

// ServeConn reads lines from one connection until EOF. Bad lines (too long, not a
// JSON object) are logged with connection and line number, counted, and skipped; the
// connection keeps going.
func (s *LineServer) ServeConn(c net.Conn) {
	var beforeRead func()
	if s.cfg.IdleTimeout > 0 {
		beforeRead = func() { c.SetReadDeadline(time.Now().Add(s.cfg.IdleTimeout)) }
	}
	s.serveReader(c, c.RemoteAddr().String(), beforeRead, &acker{w: c})
}

// serveReader is ServeConn over any reader; beforeRead (optional) runs before each line.
func (s *LineServer) serveReader(rd io.Reader, peer string, beforeRead func(), ack *acker) {
	src := s.cfg.Source
	m := s.cfg.Metrics
	dialect := string(feed.JSON)
	log := s.cfg.Logger.With().Str("source", src).Str("peer", peer).Logger()
	r := bufio.NewReaderSize(rd, 64<<10)
	var buf []byte
	for n := 1; ; n++ {
		if beforeRead != nil {
			beforeRead()
		}
		var tooLong bool
		var err error
		buf, tooLong, err = readLine(r, s.cfg.MaxLineBytes, buf)
		switch {
		case tooLong:
			m.FrameErrors.WithLabelValues(dialect, src, "line-too-long").Inc()
			log.Error().Err(&LineError{Conn: peer, Line: n, Err: fmt.Errorf("longer than %d bytes: %w", s.cfg.MaxLineBytes, ErrLineTooLong)}).Msg("jsonfeed: line skipped")
		case err != nil && len(bytes.TrimSpace(buf)) > 0:
			// The connection ended inside a line: a complete object is still taken,
			// a cut one is reported and counted as a partial frame.
			if _, ferr := Flatten(bytes.TrimSpace(buf)); ferr != nil {
				m.PartialFrames.WithLabelValues(dialect, src).Inc()
			}
			s.line(buf, n, peer, log, ack)
		case err == nil:
			s.line(buf, n, peer, log, ack)
		}
		if err != nil {
			if err != io.EOF {
				log.Debug().Err(err).Msg("jsonfeed: connection ended")
			}
			return
		}
	}
}

// readLine reads up to and including '\n' into buf; a line whose content exceeds max
// bytes is consumed but reported as tooLong with nothing kept.
func readLine(r *bufio.Reader, max int, buf []byte) ([]byte, bool, error) {
	buf = buf[:0]
	tooLong := false
	for {
		frag, err := r.ReadSlice('\n')
		if !tooLong {
			// max+2 leaves room for the CRLF that ends the line.
			if len(buf)+len(frag) > max+2 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, frag...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, tooLong, err
	}
}

func (s *LineServer) line(line []byte, n int, peer string, log zerolog.Logger, ack *acker) {
	src := s.cfg.Source
	m := s.cfg.Metrics
	dialect := string(feed.JSON)
	raw := bytes.TrimSpace(line)
	if len(raw) == 0 {
		return
	}
	if len(raw) > s.cfg.MaxLineBytes {
		m.FrameErrors.WithLabelValues(dialect, src, "line-too-long").Inc()
		log.Error().Err(&LineError{Conn: peer, Line: n, Err: fmt.Errorf("longer than %d bytes: %w", s.cfg.MaxLineBytes, ErrLineTooLong)}).Msg("jsonfeed: line skipped")
		return
	}
	raw = bytes.Clone(raw)
	hs, err := Flatten(raw)
	if err != nil {
		m.FrameErrors.WithLabelValues(dialect, src, "json").Inc()
		log.Error().Err(&LineError{Conn: peer, Line: n, Err: err}).Msg("jsonfeed: line skipped")
		return
	}
	m.Events.WithLabelValues(dialect, src).Inc()
	ev := &feed.Event{Dialect: feed.JSON, Source: src, Headers: hs, Raw: raw, Received: time.Now()}
	handle := s.h
	if id, ok := ackRequest(hs); ok {
		handle = func(ev *feed.Event) error { return s.handleAcked(ev, id, ack) }
	}
	if err := handle(ev); err != nil {
		m.HandlerErrors.WithLabelValues(dialect, src).Inc()
		log.Error().Err(&LineError{Conn: peer, Line: n, Err: err}).Msg("jsonfeed: handler refused event")
	}
}
