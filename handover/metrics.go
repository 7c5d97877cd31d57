package handover

import (
	"fmt"

	"github.com/umli/umli/internal/promreg"

	"github.com/prometheus/client_golang/prometheus"
)

// Drop reasons in dropped_total{reason}.
const (
	ReasonMaxAge   = "max_age"
	ReasonMaxBytes = "max_bytes"
)

// metrics are the handover's Prometheus collectors, labelled by destination and hi.
type metrics struct {
	enqueued, sent, resent, reconnects, kaTimeouts *prometheus.CounterVec
	dropped                                        *prometheus.CounterVec
	depth                                          *prometheus.GaugeVec
	shredded, unreadable                           *prometheus.CounterVec
	queueWait                                      *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	lbl := []string{"destination", "hi"}
	counter := func(name, help string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "umli", Subsystem: "handover", Name: name, Help: help}, lbl)
	}
	m := &metrics{
		enqueued:   counter("pdus_enqueued_total", "PDUs appended to the durable queue."),
		sent:       counter("pdus_sent_total", "PDUs written to the LEMF socket for the first time."),
		resent:     counter("pdus_resent_total", "Resend-window PDUs written again after a reconnect."),
		reconnects: counter("reconnects_total", "Connections to the LEMF lost and redialled."),
		kaTimeouts: counter("keepalive_timeouts_total", "Keep-alives not answered within the timeout."),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "umli", Subsystem: "handover", Name: "dropped_total",
			Help: "Undelivered PDUs dropped by the age or size cap."}, []string{"destination", "hi", "reason"}),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "umli", Subsystem: "handover", Name: "queue_depth",
			Help: "Undelivered PDUs in the durable queue (sampled by the stream's sender)."}, lbl),
		queueWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "umli", Subsystem: "handover", Name: "queue_wait_seconds",
			Help:    "Time a PDU spent in the durable queue: from its stream entry id (the XADD time, Redis server clock, ms) to its first write to the LEMF socket.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16)}, lbl),
		shredded: counter("data_keys_destroyed_total", "Data keys destroyed because no stream entry needed them (crypto-shredding)."),
		unreadable: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "umli", Subsystem: "handover", Name: "entries_unreadable_total",
			Help: "Stream entries skipped, never delivered: tampered, key destroyed, or clear (written before sealing)."}, []string{"destination", "hi", "reason"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	m.enqueued = register(reg, m.enqueued, &err)
	m.sent = register(reg, m.sent, &err)
	m.resent = register(reg, m.resent, &err)
	m.reconnects = register(reg, m.reconnects, &err)
	m.kaTimeouts = register(reg, m.kaTimeouts, &err)
	m.dropped = register(reg, m.dropped, &err)
	m.depth = register(reg, m.depth, &err)
	m.shredded = register(reg, m.shredded, &err)
	m.unreadable = register(reg, m.unreadable, &err)
	m.queueWait = register(reg, m.queueWait, &err)
	return m, err
}

// register adds c to reg, reusing an identical collector already there (two Handovers in
// one process, as in tests, share the series).
func register[C prometheus.Collector](reg *prometheus.Registry, c C, errp *error) C {
	if *errp != nil {
		return c
	}
	got, err := promreg.Register(reg, c)
	if err != nil {
		*errp = fmt.Errorf("register handover metrics: %w", err)
		return c
	}
	return got
}
