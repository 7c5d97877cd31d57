package proxy

import (
	"net/netip"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/umli/umli/email"
	"github.com/umli/umli/mediation/record"
)

// Reasons a session went blind (the reason label of umli_email_blind_sessions_total).
const (
	BlindStartTLS    = "starttls"     // the peers agreed on STARTTLS/STLS; no certificate to terminate it
	BlindImplicitTLS = "implicit-tls" // a TLS port (implicitTLS) without a certificate
)

// Metrics is what all proxies of a process count together; make one per registry.
type Metrics struct {
	blind *prometheus.CounterVec
}

// NewMetrics registers the proxy metrics with reg (nil: not registered).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{blind: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "umli_email_blind_sessions_total",
		Help: "Proxied mail sessions that went encrypted where the proxy cannot read them (TLS passed through without a certificate to terminate it), by source, protocol and reason (starttls, implicit-tls).",
	}, []string{"source", "protocol", "reason"})}
	if reg != nil {
		reg.MustRegister(m.blind)
	}
	return m
}

// blindLogEvery rate-limits the blind-session warning per proxy: on a server whose
// clients all use STARTTLS, every session goes blind.
const blindLogEvery = 10 * time.Second

// blindLog is the per-proxy state of that rate limit.
type blindLog struct {
	mu    sync.Mutex
	last  time.Time
	quiet uint64 // blind sessions not logged since last
}

// idsMachine is a machine that says what it knows of the session so far.
type idsMachine interface {
	SessionIdentities() []record.Identity
	SessionKey() string
}

// blind reports a session that from now on passes unread: counted, logged without
// identities (rate-limited), and told to Options.Notify with the identities known
// before the switch so mediation can audit it for a target. m is nil for implicit TLS
// (no machine ran); then the client's address is the only identity.
func (s *tapSession) blind(reason string, m email.Machine, client record.Identity) {
	p := s.p
	p.metrics.blind.WithLabelValues(p.cfg.Source, p.cfg.Protocol.String(), reason).Inc()
	now := p.cfg.Now()
	p.blindLog.mu.Lock()
	logIt := now.Sub(p.blindLog.last) >= blindLogEvery
	quiet := p.blindLog.quiet
	if logIt {
		p.blindLog.last, p.blindLog.quiet = now, 0
	} else {
		p.blindLog.quiet++
	}
	p.blindLog.mu.Unlock()
	if logIt {
		s.log.Warn().Str("source", p.cfg.Source).Str("reason", reason).Uint64("not_logged_since_last", quiet).
			Msg("email proxy: session went blind: TLS passes through unread (no certificate to terminate it); counted in umli_email_blind_sessions_total")
	}
	notify := p.cfg.Options.Notify
	if notify == nil {
		return
	}
	n := email.Notice{Kind: email.NoticeTLSBlind, Source: p.cfg.Source, Protocol: p.cfg.Protocol, Reason: reason, Time: now}
	if im, ok := m.(idsMachine); ok {
		s.mu.Lock()
		n.Identities, n.CorrelationKey = im.SessionIdentities(), im.SessionKey()
		s.mu.Unlock()
	} else if client.Value != "" {
		n.Identities = []record.Identity{client}
	}
	notify(n)
}

// ipIdentity is the client's address as an identity (warrants may name IP addresses).
func ipIdentity(ap netip.AddrPort) record.Identity {
	if a := ap.Addr(); a.IsValid() {
		return record.Identity{Kind: record.IdentityIP, Value: a.Unmap().String()}
	}
	return record.Identity{}
}
