// Package netaccept wraps a net.Listener so that no error a peer can provoke
// (descriptor exhaustion, aborted handshakes, timeouts) ends an accept loop:
// Accept backs off and retries, and returns only once the listener is closed.
package netaccept

import (
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/promreg"
)

// Backoff bounds: like net/http's, doubling from MinBackoff up to MaxBackoff.
const (
	MinBackoff = 5 * time.Millisecond
	MaxBackoff = time.Second
	// logEvery rate-limits the accept-error log per listener.
	logEvery = 10 * time.Second
)

// Metrics counts retried accept errors and connections refused by a cap.
type Metrics struct {
	Errors  *prometheus.CounterVec // labels: listener, reason
	Refused *prometheus.CounterVec // labels: listener, cap
}

// NewMetrics registers the metrics with reg (nil: unregistered).
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	e, err := promreg.CounterVec(reg, "umli_accept_errors_total", "Accept errors retried after backoff, by listener and reason.", "listener", "reason")
	if err != nil {
		return nil, err
	}
	r, err := promreg.CounterVec(reg, "umli_accept_refused_total", "Connections closed at once because a connection cap was reached.", "listener", "cap")
	if err != nil {
		return nil, err
	}
	return &Metrics{Errors: e, Refused: r}, nil
}

// Config configures Wrap.
type Config struct {
	// Name labels metrics and logs (a source name, never a peer address).
	Name string
	// MaxConns caps open connections on this listener (0: no cap).
	MaxConns int
	// MaxPerPeer caps open connections from one peer IP (0: no cap).
	MaxPerPeer int
	Logger     zerolog.Logger
	// Metrics (nil: unregistered ones).
	Metrics *Metrics
}

// Listener is a net.Listener whose Accept retries all errors but closure.
type Listener struct {
	net.Listener
	cfg    Config
	closed chan struct{}
	once   sync.Once

	mu      sync.Mutex
	open    int
	perPeer map[string]int
	lastLog time.Time
	quiet   int // errors not logged since lastLog
}

// Wrap returns ln wrapped, or ln itself if it is already a *Listener.
func Wrap(ln net.Listener, cfg Config) *Listener {
	if l, ok := ln.(*Listener); ok {
		return l
	}
	if cfg.Metrics == nil {
		cfg.Metrics, _ = NewMetrics(nil) // unregistered: cannot fail
	}
	return &Listener{Listener: ln, cfg: cfg, closed: make(chan struct{}), perPeer: map[string]int{}}
}

// Close closes the inner listener and ends a pending backoff.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// Accept returns the next connection within the caps; its error is non-nil
// only once the listener is closed.
func (l *Listener) Accept() (net.Conn, error) {
	delay := time.Duration(0)
	for {
		c, err := l.Listener.Accept()
		if err == nil {
			if c = l.admit(c); c != nil {
				return c, nil
			}
			continue
		}
		select {
		case <-l.closed:
			return nil, err
		default:
		}
		if errors.Is(err, net.ErrClosed) {
			return nil, err
		}
		l.cfg.Metrics.Errors.WithLabelValues(l.cfg.Name, Reason(err)).Inc()
		l.logErr(err)
		if delay == 0 {
			delay = MinBackoff
		} else if delay *= 2; delay > MaxBackoff {
			delay = MaxBackoff
		}
		t := time.NewTimer(delay)
		select {
		case <-l.closed:
			t.Stop()
			return nil, net.ErrClosed
		case <-t.C:
		}
	}
}

// Reason names an accept error for the metric label.
func Reason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.EMFILE):
		return "emfile"
	case errors.Is(err, syscall.ENFILE):
		return "enfile"
	case errors.Is(err, syscall.ECONNABORTED):
		return "econnaborted"
	case errors.Is(err, syscall.ENOBUFS), errors.Is(err, syscall.ENOMEM):
		return "nomem"
	case errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "other"
}

func (l *Listener) logErr(err error) {
	l.mu.Lock()
	now := time.Now()
	if now.Sub(l.lastLog) < logEvery {
		l.quiet++
		l.mu.Unlock()
		return
	}
	n := l.quiet
	l.quiet, l.lastLog = 0, now
	l.mu.Unlock()
	// The error text names only the local address, never a peer.
	l.cfg.Logger.Warn().Str("listener", l.cfg.Name).Str("reason", Reason(err)).Err(err).Int("suppressed", n).Msg("netaccept: accept failed, backing off")
}

// admit applies the caps; a refused connection is closed and nil returned.
func (l *Listener) admit(c net.Conn) net.Conn {
	if l.cfg.MaxConns <= 0 && l.cfg.MaxPerPeer <= 0 {
		return c
	}
	peer := peerIP(c.RemoteAddr())
	l.mu.Lock()
	capHit := ""
	switch {
	case l.cfg.MaxConns > 0 && l.open >= l.cfg.MaxConns:
		capHit = "listener"
	case l.cfg.MaxPerPeer > 0 && l.perPeer[peer] >= l.cfg.MaxPerPeer:
		capHit = "peer"
	default:
		l.open++
		l.perPeer[peer]++
	}
	l.mu.Unlock()
	if capHit != "" {
		l.cfg.Metrics.Refused.WithLabelValues(l.cfg.Name, capHit).Inc()
		_ = c.Close()
		return nil
	}
	return &conn{Conn: c, release: func() { l.release(peer) }}
}

func (l *Listener) release(peer string) {
	l.mu.Lock()
	l.open--
	if l.perPeer[peer]--; l.perPeer[peer] <= 0 {
		delete(l.perPeer, peer)
	}
	l.mu.Unlock()
}

// Open reports the connections currently counted against the caps.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

func peerIP(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}

// conn releases its cap slot once, on the first Close.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
