package main

import (
	"net"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/netaccept"
)

// acceptWrap wraps a raw TCP listener so accept errors back off instead of ending
// umli, with its counters on reg (the packages' own Serve then keeps this wrapper).
func acceptWrap(ln net.Listener, name string, reg *prometheus.Registry, log zerolog.Logger) net.Listener {
	m, err := netaccept.NewMetrics(reg)
	if err != nil {
		log.Warn().Err(err).Str("listener", name).Msg("netaccept: metrics not registered")
		m = nil
	}
	return netaccept.Wrap(ln, netaccept.Config{Name: name, Logger: log, Metrics: m})
}
