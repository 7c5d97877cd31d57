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
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/netaccept"
	"github.com/umli/umli/umsys/canonical"
	"github.com/umli/umli/umsys/feed"
)

// DefaultMaxLineBytes bounds one JSON line.
const DefaultMaxLineBytes = 1 << 20

// DefaultMaxBufferedBytes bounds what all connections of a server hold in partial
// lines beyond FreeLineBytes each.
const DefaultMaxBufferedBytes = 64 << 20

// FreeLineBytes is what one connection may buffer of a partial line without drawing
// on the server's MaxBufferedBytes; readBufferBytes is its read buffer. Together
// with the goroutine they bound an idle or trickling connection to a few tens of KiB.
const (
	FreeLineBytes   = 4 << 10
	readBufferBytes = 4 << 10
)

// ErrBufferBudget: the server's MaxBufferedBytes is taken by other connections'
// partial lines; the connection that needed more was closed.
var ErrBufferBudget = errors.New("jsonfeed: buffered-bytes budget exhausted")

// ErrLineTooLong: a line exceeded MaxLineBytes; it was skipped.
var ErrLineTooLong = errors.New("jsonfeed: line too long")

// ErrNotObject: a line or body element is not a JSON object.
var ErrNotObject = canonical.ErrNotObject

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
	// MaxBufferedBytes bounds the partial-line bytes all connections hold beyond
	// FreeLineBytes each (default DefaultMaxBufferedBytes): a connection that needs
	// more than is left is closed, so slow peers cannot grow memory without bound.
	MaxBufferedBytes int64
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
	cfg      LineConfig
	h        feed.Handler
	buffered atomic.Int64 // bytes reserved against MaxBufferedBytes
}

// NewLineServer validates cfg; events go to h in line order per connection.
func NewLineServer(cfg LineConfig, h feed.Handler) (*LineServer, error) {
	if h == nil {
		return nil, errors.New("jsonfeed: nil handler")
	}
	if cfg.MaxLineBytes <= 0 {
		cfg.MaxLineBytes = DefaultMaxLineBytes
	}
	if cfg.MaxBufferedBytes <= 0 {
		cfg.MaxBufferedBytes = DefaultMaxBufferedBytes
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
		beforeRead = func() { _ = c.SetReadDeadline(time.Now().Add(s.cfg.IdleTimeout)) }
	}
	s.serveReader(c, c.RemoteAddr().String(), beforeRead, &acker{w: c})
}

// serveReader is ServeConn over any reader; beforeRead (optional) runs before each line.
func (s *LineServer) serveReader(rd io.Reader, peer string, beforeRead func(), ack *acker) {
	src := s.cfg.Source
	m := s.cfg.Metrics
	dialect := string(feed.JSON)
	log := s.cfg.Logger.With().Str("source", src).Str("peer", peer).Logger()
	lr := &lineReader{r: bufio.NewReaderSize(rd, readBufferBytes), max: s.cfg.MaxLineBytes, s: s}
	defer lr.release()
	for n := 1; ; n++ {
		if beforeRead != nil {
			beforeRead()
		}
		buf, tooLong, err := lr.readLine()
		switch {
		case errors.Is(err, ErrBufferBudget):
			m.FrameErrors.WithLabelValues(dialect, src, "buffer-budget").Inc()
			log.Error().Err(&LineError{Conn: peer, Line: n, Err: err}).Int64("maxBufferedBytes", s.cfg.MaxBufferedBytes).Msg("jsonfeed: connection closed")
			return
		case tooLong:
			m.FrameErrors.WithLabelValues(dialect, src, "line-too-long").Inc()
			log.Error().Err(&LineError{Conn: peer, Line: n, Err: fmt.Errorf("longer than %d bytes: %w", s.cfg.MaxLineBytes, ErrLineTooLong)}).Msg("jsonfeed: line skipped")
		case err != nil && len(bytes.TrimSpace(buf)) > 0:
			// The connection ended inside a line: a complete object is still taken,
			// a cut one is reported and counted as a partial frame.
			s.line(buf, n, peer, log, ack, true)
		case err == nil:
			s.line(buf, n, peer, log, ack, false)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				log.Debug().Err(err).Msg("jsonfeed: connection ended")
			}
			return
		}
	}
}

// lineReader reads the lines of one connection; a buffer grown past FreeLineBytes
// is reserved against the server's budget and given back once its line is done.
type lineReader struct {
	r        *bufio.Reader
	max      int
	s        *LineServer
	buf      []byte
	reserved int64
}

// readLine reads up to and including '\n'; a line whose content exceeds max bytes
// is consumed but reported as tooLong with nothing kept. The slice is valid until
// the next call.
func (lr *lineReader) readLine() ([]byte, bool, error) {
	if cap(lr.buf) > FreeLineBytes {
		lr.release() // a long line's buffer is not kept for the next one
	}
	buf := lr.buf[:0]
	tooLong := false
	for {
		frag, err := lr.r.ReadSlice('\n')
		if !tooLong {
			// max+2 leaves room for the CRLF that ends the line.
			if len(buf)+len(frag) > lr.max+2 {
				tooLong, buf = true, buf[:0]
			} else {
				buf = append(buf, frag...)
				if !lr.reserve(cap(buf)) {
					lr.buf = buf
					return nil, false, ErrBufferBudget
				}
			}
		}
		lr.buf = buf
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return buf, tooLong, err
	}
}

// reserve accounts a buffer of capacity c; false if the budget cannot cover it.
func (lr *lineReader) reserve(c int) bool {
	need := int64(max(c-FreeLineBytes, 0)) - lr.reserved
	if need <= 0 {
		return true
	}
	if lr.s.buffered.Add(need) > lr.s.cfg.MaxBufferedBytes {
		lr.s.buffered.Add(-need)
		return false
	}
	lr.reserved += need
	return true
}

// release drops the buffer and gives its reservation back.
func (lr *lineReader) release() {
	lr.s.buffered.Add(-lr.reserved)
	lr.reserved, lr.buf = 0, nil
}

// line hands one line's event on; a line that is not one JSON object is skipped,
// counted and logged, and when it is the connection's unterminated last one (partial)
// also counted as a partial frame.
func (s *LineServer) line(line []byte, n int, peer string, log zerolog.Logger, ack *acker, partial bool) {
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
	hs, err := canonical.Flatten(raw)
	if err != nil {
		if partial {
			m.PartialFrames.WithLabelValues(dialect, src).Inc()
		}
		m.FrameErrors.WithLabelValues(dialect, src, "json").Inc()
		log.Error().Err(&LineError{Conn: peer, Line: n, Err: fmt.Errorf("jsonfeed: %w", err)}).Msg("jsonfeed: line skipped")
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
