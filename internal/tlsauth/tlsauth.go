// Package tlsauth authenticates ingest peers with mutual TLS before any byte of
// their input reaches a parser: a listener wrapper completes the handshake under
// a deadline, refuses (counts, logs the peer address, reports for audit) any peer
// whose certificate does not chain to the configured CA, and hands on only
// authenticated connections. netaccept (caps, backoff) wraps the raw TCP
// listener first; this goes on top.
package tlsauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/umli/umli/internal/promreg"
	"github.com/umli/umli/internal/tlsconf"
)

// Config is the TLS section every ingest listener shares.
type Config struct {
	// CertFile and KeyFile are umli's server certificate and key.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ClientCAFile, when set, makes TLS mutual: peers must present a
	// clientAuth certificate chained to one of these CAs.
	ClientCAFile string `yaml:"client_ca_file"`
	// HandshakeTimeout bounds a stalled handshake (default 10s).
	HandshakeTimeout time.Duration `yaml:"handshake_timeout"`
}

// Mutual reports whether the section requires client certificates.
func (c *Config) Mutual() bool { return c != nil && c.ClientCAFile != "" }

// ServerTLS loads the files into a server tls.Config (tlsconf.TLS12; with
// ClientCAFile, client certificates required and verified).
func (c *Config) ServerTLS() (*tls.Config, error) {
	if c.CertFile == "" || c.KeyFile == "" {
		return nil, errors.New("tls: cert_file and key_file must both be set")
	}
	cert, err := tlsconf.LoadPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("tls: server certificate: %w", err)
	}
	var pool *x509.CertPool
	if c.ClientCAFile != "" {
		if pool, err = tlsconf.LoadPool(c.ClientCAFile); err != nil {
			return nil, fmt.Errorf("tls: client_ca_file: %w", err)
		}
	}
	return tlsconf.NewServer(cert, pool, tlsconf.TLS12), nil
}

func (c *Config) timeout() time.Duration {
	if c == nil || c.HandshakeTimeout <= 0 {
		return 10 * time.Second
	}
	return c.HandshakeTimeout
}

// Metrics counts refusals as umli_ingest_refused_total{listener,reason}.
type Metrics struct{ refused *prometheus.CounterVec }

// NewMetrics registers the refusal counter with reg (nil: unregistered).
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	c, err := promreg.CounterVec(reg, "umli_ingest_refused_total",
		"Ingest peers refused before their input was parsed, by listener and reason.", "listener", "reason")
	if err != nil {
		return nil, err
	}
	return &Metrics{refused: c}, nil
}

// Refused returns the counter for one listener and reason (for tests and dashboards).
func (m *Metrics) Refused(listener, reason string) prometheus.Counter {
	return m.refused.WithLabelValues(listener, reason)
}

// Refusal reasons.
const (
	ReasonTimeout   = "handshake_timeout"
	ReasonNoCert    = "no_certificate"
	ReasonBadCert   = "bad_certificate"
	ReasonPlaintext = "not_tls"
	ReasonHandshake = "handshake"
	ReasonToken     = "bad_token"
)

// Auditor records authentication outcomes in the audit log. Subject is the
// peer certificate's subject (the source identity); nothing of the input.
type Auditor interface {
	IngestPeer(listener, peer, subject string, accepted bool, reason string)
}

// Options configures a Listener.
type Options struct {
	Name    string // listener name used in metrics, logs and audit
	Metrics *Metrics
	Log     *slog.Logger
	Audit   Auditor // may be nil
}

// Listener wraps an inner listener; Accept returns only connections whose TLS
// handshake (and client certificate check) has completed.
type Listener struct {
	inner   net.Listener
	cfg     *tls.Config
	timeout time.Duration
	opt     Options

	ready  chan *tls.Conn
	done   chan struct{}
	once   sync.Once
	errMu  sync.Mutex
	accErr error
}

// NewListener starts handshaking peers of inner with cfg's server settings.
func NewListener(inner net.Listener, c *Config, opt Options) (*Listener, error) {
	tc, err := c.ServerTLS()
	if err != nil {
		return nil, err
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Metrics == nil {
		if opt.Metrics, err = NewMetrics(nil); err != nil {
			return nil, err
		}
	}
	l := &Listener{inner: inner, cfg: tc, timeout: c.timeout(), opt: opt,
		ready: make(chan *tls.Conn), done: make(chan struct{})}
	go l.loop()
	return l, nil
}

// loop accepts raw conns and handshakes each in its own goroutine, so one
// stalled peer never delays an authenticated one.
func (l *Listener) loop() {
	for {
		raw, err := l.inner.Accept()
		if err != nil {
			l.errMu.Lock()
			l.accErr = err
			l.errMu.Unlock()
			l.once.Do(func() { close(l.done) })
			return
		}
		go l.handshake(raw)
	}
}

func (l *Listener) handshake(raw net.Conn) {
	peer := raw.RemoteAddr().String()
	tc := tls.Server(raw, l.cfg)
	ctx, cancel := context.WithTimeout(context.Background(), l.timeout)
	err := tc.HandshakeContext(ctx)
	timedOut := errors.Is(ctx.Err(), context.DeadlineExceeded)
	cancel()
	if err != nil {
		reason := classify(err, timedOut)
		l.refuse(peer, reason)
		_ = tc.Close()
		return
	}
	subject := ""
	if st := tc.ConnectionState(); len(st.PeerCertificates) > 0 {
		subject = st.PeerCertificates[0].Subject.String()
	}
	l.opt.Log.Info("ingest peer authenticated", "listener", l.opt.Name, "peer", peer, "subject", subject)
	if l.opt.Audit != nil {
		l.opt.Audit.IngestPeer(l.opt.Name, peer, subject, true, "")
	}
	select {
	case l.ready <- tc:
	case <-l.done:
		_ = tc.Close()
	}
}

// refuse counts, logs (peer address only) and audits a refusal.
func (l *Listener) refuse(peer, reason string) {
	l.opt.Metrics.Refused(l.opt.Name, reason).Inc()
	l.opt.Log.Warn("ingest peer refused", "listener", l.opt.Name, "peer", peer, "reason", reason)
	if l.opt.Audit != nil {
		l.opt.Audit.IngestPeer(l.opt.Name, peer, "", false, reason)
	}
}

func classify(err error, timedOut bool) string {
	var rh tls.RecordHeaderError
	var cv *tls.CertificateVerificationError
	switch {
	case timedOut || errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	case errors.As(err, &rh):
		return ReasonPlaintext
	case errors.As(err, &cv):
		return ReasonBadCert
	case containsNoCert(err):
		return ReasonNoCert
	}
	return ReasonHandshake
}

func containsNoCert(err error) bool {
	// crypto/tls reports a missing client certificate only by message.
	return strings.Contains(err.Error(), "client didn't provide a certificate")
}

// Accept returns the next authenticated connection.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ready:
		return c, nil
	case <-l.done:
		l.errMu.Lock()
		defer l.errMu.Unlock()
		return nil, l.accErr
	}
}

// Close closes the inner listener; pending handshakes are dropped.
func (l *Listener) Close() error { return l.inner.Close() }

// Addr is the inner listener's address.
func (l *Listener) Addr() net.Addr { return l.inner.Addr() }

// Subject returns the verified peer subject of an accepted connection, "" if none.
func Subject(c net.Conn) string {
	tc, ok := c.(*tls.Conn)
	if !ok {
		return ""
	}
	if st := tc.ConnectionState(); len(st.PeerCertificates) > 0 {
		return st.PeerCertificates[0].Subject.String()
	}
	return ""
}
