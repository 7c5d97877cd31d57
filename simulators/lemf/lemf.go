package lemf

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// acceptBackoff is the pause after a failed Accept.
const acceptBackoff = 100 * time.Millisecond

// DefaultMaxPDU bounds one PS-PDU when Config.MaxPDU is zero.
const DefaultMaxPDU = 8 << 20

// Config configures a LEMF.
type Config struct {
	// HI2Addr and HI3Addr are listen addresses; "" means "127.0.0.1:0".
	HI2Addr, HI3Addr string
	// OutDir receives hi2.ber, hi3.ber, records.jsonl, content/ and summary.json.
	OutDir string
	// TLS, when set, makes both listeners TLS. Set ClientAuth to
	// tls.RequireAndVerifyClientCert (ServerTLSConfig does) to insist on client certificates.
	TLS *tls.Config
	// Logger receives connection events; the zero value logs nothing. PDU contents are
	// never logged.
	Logger zerolog.Logger
	// MaxPDU bounds one PS-PDU in bytes; 0 means DefaultMaxPDU. A larger PDU closes the
	// connection.
	MaxPDU int
	// Now is the clock for receive times; nil means time.Now.
	Now func() time.Time
	// KeepAlive is how keep-alives are answered (keepalive.go).
	KeepAlive KeepAlivePolicy
	// Strict checks every PDU against the ASN.1 constraints (etsi.Validate), logs each
	// violation (path and offset, no content) and counts them in the summary.
	Strict bool
}

// hi is a handover interface.
type hi int

const (
	hi2 hi = iota
	hi3
)

func (h hi) String() string {
	if h == hi2 {
		return "HI2"
	}
	return "HI3"
}

// seqKey is one sequence-number space: (LIID, NE, CIN, IRI|CC).
type seqKey struct {
	cinKey
	cc bool
}

// LEMF receives HI2 and HI3. Create it with New, serve with Run.
type LEMF struct {
	cfg       Config
	log       zerolog.Logger
	listeners [2]net.Listener

	mu  sync.Mutex
	out *output
	// cw writes the content files (contentwriter.go).
	cw      *contentWriter
	stats   [2]InterfaceStats
	seq     map[seqKey]*seqTracker
	events  map[cinKey][]Event
	changed chan struct{} // closed and replaced whenever stats change
	conns   map[net.Conn]struct{}
	closed  bool

	wg        sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

// New opens the output directory and both listeners; the listeners accept nothing
// until Run.
func New(cfg Config) (*LEMF, error) {
	if cfg.MaxPDU <= 0 {
		cfg.MaxPDU = DefaultMaxPDU
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	l := &LEMF{cfg: cfg, log: cfg.Logger, seq: map[seqKey]*seqTracker{}, events: map[cinKey][]Event{},
		changed: make(chan struct{}), conns: map[net.Conn]struct{}{}}
	var err error
	if l.out, err = openOutput(cfg.OutDir); err != nil {
		return nil, err
	}
	for i, addr := range []string{cfg.HI2Addr, cfg.HI3Addr} {
		if addr == "" {
			addr = "127.0.0.1:0"
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			l.closeListeners()
			return nil, errors.Join(fmt.Errorf("listen %s on %s: %w", hi(i), addr, err), l.out.close())
		}
		if cfg.TLS != nil {
			ln = tls.NewListener(ln, cfg.TLS)
		}
		l.listeners[i] = ln
	}
	l.cw = startContentWriter(l.out.content)
	return l, nil
}

// Addrs returns the listening addresses.
func (l *LEMF) Addrs() (hi2Addr, hi3Addr net.Addr) {
	return l.listeners[hi2].Addr(), l.listeners[hi3].Addr()
}

// Run serves both interfaces until ctx is cancelled, then closes the LEMF (see Close).
func (l *LEMF) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 2)
	for i, ln := range l.listeners {
		go func() { errc <- l.serve(ctx, hi(i), ln) }()
	}
	l.log.Info().Str("hi2", l.listeners[hi2].Addr().String()).Str("hi3", l.listeners[hi3].Addr().String()).
		Bool("tls", l.cfg.TLS != nil).Msg("LEMF listening")
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	return errors.Join(serveErr, l.Close())
}

// serve accepts connections until the listener is closed.
func (l *LEMF) serve(ctx context.Context, h hi, ln net.Listener) error {
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || ctx.Err() != nil {
				return nil
			}
			// Out of descriptors and the like: keep serving once it passes.
			l.log.Warn().Err(err).Str("hi", h.String()).Msg("accept failed")
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(acceptBackoff):
			}
			continue
		}
		if !l.track(conn) {
			_ = conn.Close()
			return nil
		}
		go func() {
			defer l.wg.Done()
			defer l.untrack(conn)
			l.handle(ctx, h, conn)
		}()
	}
}

// track registers a connection so Close can end it; false once closing.
func (l *LEMF) track(c net.Conn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.conns[c] = struct{}{}
	l.wg.Add(1)
	return true
}

func (l *LEMF) untrack(c net.Conn) {
	_ = c.Close()
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// Close stops listening, ends every connection, finalizes the content files and writes
// summary.json. It is safe to call more than once; Run calls it on return.
func (l *LEMF) Close() error {
	l.closeOnce.Do(func() {
		l.closeListeners()
		l.mu.Lock()
		l.closed = true
		for c := range l.conns {
			_ = c.Close()
		}
		l.mu.Unlock()
		l.wg.Wait()
		l.cw.stop() // no handler is left to queue content

		l.mu.Lock()
		defer l.mu.Unlock()
		flushErr := l.out.close()
		s := l.summaryLocked()
		l.closeErr = errors.Join(flushErr, l.out.writeSummary(s))
		l.log.Info().Int("hi2_pdus", s.HI2.PDUs).Int("hi3_pdus", s.HI3.PDUs).Uint64("gaps", s.Gaps).
			Int("duplicates", s.Duplicates).Int("conflicts", s.Conflicts).Msg("LEMF stopped")
	})
	return l.closeErr
}

func (l *LEMF) closeListeners() {
	for _, ln := range l.listeners {
		if ln != nil {
			_ = ln.Close()
		}
	}
}

// Summary returns what has been received so far; after Close it is final.
func (l *LEMF) Summary() Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.summaryLocked()
}

// WaitPDUs blocks until at least hi2PDUs and hi3PDUs PDUs (keep-alives included) have
// been processed on the respective interface, or ctx ends. Processed PDUs count in
// Summary at once, and their content is in the content files (a finished stream's file
// is complete) when WaitPDUs returns; the record files catch up when the connection goes
// idle, at the next keep-alive, or on Close.
func (l *LEMF) WaitPDUs(ctx context.Context, hi2PDUs, hi3PDUs int) error {
	for {
		l.mu.Lock()
		done := l.stats[hi2].PDUs >= hi2PDUs && l.stats[hi3].PDUs >= hi3PDUs
		ch := l.changed
		l.mu.Unlock()
		if done {
			l.cw.sync() // the content writer runs behind the handlers
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %d HI2 and %d HI3 PDUs: %w", hi2PDUs, hi3PDUs, ctx.Err())
		case <-ch:
		}
	}
}

// notifyLocked wakes WaitPDUs callers.
func (l *LEMF) notifyLocked() {
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *LEMF) summaryLocked() Summary {
	s := Summary{HI2: l.stats[hi2], HI3: l.stats[hi3], Strict: l.cfg.Strict}
	cins := map[cinKey]*CINSummary{}
	get := func(k cinKey) *CINSummary {
		c, ok := cins[k]
		if !ok {
			c = &CINSummary{NE: k.ne, CIN: k.cin.ptr(), Events: []Event{}, Content: []ContentSummary{}}
			cins[k] = c
		}
		return c
	}
	for k, t := range l.seq {
		ss := t.summary()
		s.Gaps += ss.Gaps
		s.Duplicates += ss.Duplicates
		s.Retransmissions += ss.Retransmissions
		s.Conflicts += ss.Conflicts
		if k.cc {
			get(k.cinKey).CC = ss
		} else {
			get(k.cinKey).IRI = ss
		}
	}
	for k, ev := range l.events {
		get(k).Events = append([]Event(nil), ev...)
	}
	// The content writer never takes l.mu: waiting for it here cannot deadlock; after
	// Close has stopped it, sync returns once it has finished.
	l.cw.sync()
	for k, cs := range l.out.content.byCIN() {
		get(k).Content = cs
	}
	keys := make([]cinKey, 0, len(cins))
	for k := range cins {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.liid != b.liid {
			return a.liid < b.liid
		}
		if a.ne != b.ne {
			return a.ne < b.ne
		}
		if a.cin.ok != b.cin.ok {
			return !a.cin.ok
		}
		return a.cin.v < b.cin.v
	})
	s.LIIDs = []LIIDSummary{}
	for _, k := range keys {
		if n := len(s.LIIDs); n == 0 || s.LIIDs[n-1].LIID != k.liid {
			s.LIIDs = append(s.LIIDs, LIIDSummary{LIID: k.liid})
		}
		last := &s.LIIDs[len(s.LIIDs)-1]
		last.CINs = append(last.CINs, *cins[k])
	}
	return s
}
