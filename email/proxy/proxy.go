package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/internal/netaccept"
	"github.com/umli/umli/mediation/record"
)

// Config configures one proxy listener.
type Config struct {
	// Upstream is the mail server's host:port.
	Upstream string
	// Protocol the server speaks.
	Protocol email.Protocol
	// Source is the network element name records carry.
	Source string
	// ImplicitTLS says the service speaks TLS from the first byte (465, 993, 995).
	ImplicitTLS bool
	// TLS holds the operator's certificates for terminating TLS towards clients; nil
	// means encrypted traffic passes through unparsed.
	TLS *tls.Config
	// UpstreamTLS is the client configuration for re-encrypting towards the server
	// when TLS is terminated; nil verifies the server against the system roots.
	UpstreamTLS *tls.Config
	// Emit receives the records (email.Handoff.Emit). It may wait while mediation is
	// behind: the session's reads stop meanwhile, slowing the client (backpressure).
	Emit email.Emit
	// Options tune the state machines.
	Options email.Options
	// Logger gets connection errors, never addresses or credentials.
	Logger zerolog.Logger
	// DialTimeout bounds connecting and TLS handshakes (default 10 s).
	DialTimeout time.Duration
	// Now is the clock (default time.Now); tests keep it.
	Now func() time.Time
	// Metrics counts blind sessions; share one among the proxies of a registry (nil:
	// counted but not registered).
	Metrics *Metrics
}

// Proxy relays connections to one mail server and taps them.
type Proxy struct {
	cfg      Config
	metrics  *Metrics
	blindLog blindLog
	sessions atomic.Uint64
	finished atomic.Uint64
	wg       sync.WaitGroup
}

// New checks cfg and returns a Proxy.
func New(cfg Config) (*Proxy, error) {
	if cfg.Upstream == "" {
		return nil, errors.New("email proxy: no upstream server address")
	}
	if _, err := email.New(cfg.Protocol, email.SessionInfo{}, func(*record.Record) {}, cfg.Options); err != nil {
		return nil, fmt.Errorf("email proxy: %w", err)
	}
	if cfg.Emit == nil {
		return nil, errors.New("email proxy: no Emit for records")
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	m := cfg.Metrics
	if m == nil {
		m = NewMetrics(nil)
	}
	return &Proxy{cfg: cfg, metrics: m}, nil
}

// Serve accepts connections on ln until ctx ends, then closes ln and waits for the
// open sessions to finish (they end when their peers close or ctx ends).
func (p *Proxy) Serve(ctx context.Context, ln net.Listener) error {
	ln = netaccept.Wrap(ln, netaccept.Config{Name: "email proxy " + p.cfg.Source, Logger: p.cfg.Logger}) // EMFILE & co. back off, never end Serve
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	defer stop()
	defer p.wg.Wait()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return fmt.Errorf("email proxy: accept: %w", err)
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.finished.Add(1)
			p.handle(ctx, conn)
		}()
	}
}

// ListenAndServe listens on addr (host:port) and serves until ctx ends.
func (p *Proxy) ListenAndServe(ctx context.Context, addr string) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("email proxy: listen %s: %w", addr, err)
	}
	return p.Serve(ctx, ln)
}

// Sessions reports how many connections were accepted.
func (p *Proxy) Sessions() uint64 { return p.sessions.Load() }

// Finished reports how many sessions are over (records all emitted).
func (p *Proxy) Finished() uint64 { return p.finished.Load() }

func addrPort(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort()
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}
