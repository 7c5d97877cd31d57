package pipeline

import (
	"net"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/httpguard"
	"github.com/umli/umli/internal/netaccept"
)

// Connection caps of a TCP listener when its configuration sets none: a UM
// platform holds a handful of feed connections, an attacker thousands.
const (
	DefaultMaxConns        = 256
	DefaultMaxConnsPerPeer = 64
)

// AcceptWrap wraps a raw TCP listener so accept errors back off instead of ending
// umli, with its counters on reg (the packages' own Serve then keeps this wrapper).
// caps (optional) bound its connections; zero fields take the defaults above.
func AcceptWrap(ln net.Listener, name string, reg *prometheus.Registry, log zerolog.Logger, caps ...config.ConnLimitsFile) net.Listener {
	m, err := netaccept.NewMetrics(reg)
	if err != nil {
		log.Warn().Err(err).Str("listener", name).Msg("netaccept: metrics not registered")
		m = nil
	}
	c := netaccept.Config{Name: name, Logger: log, Metrics: m}
	if len(caps) > 0 {
		c.MaxConns, c.MaxPerPeer = connCaps(caps[0])
	}
	return netaccept.Wrap(ln, c)
}

// connCaps applies the defaults to l.
func connCaps(l config.ConnLimitsFile) (maxConns, perPeer int) {
	maxConns, perPeer = l.MaxConns, l.MaxConnsPerPeer
	if maxConns == 0 {
		maxConns = DefaultMaxConns
	}
	if perPeer == 0 {
		perPeer = min(DefaultMaxConnsPerPeer, maxConns)
	}
	return maxConns, perPeer
}

// HTTPLimits maps a listener's http: block onto httpguard's limits.
func HTTPLimits(h config.HTTPLimitsFile) httpguard.Limits {
	return httpguard.Limits{ReadHeaderTimeout: h.ReadHeaderTimeout, ReadTimeout: h.ReadTimeout,
		WriteTimeout: h.WriteTimeout, IdleTimeout: h.IdleTimeout, MaxHeaderBytes: h.MaxHeaderBytes}.WithDefaults()
}
