package rtpcapture

import (
	"fmt"
	"github.com/umli/umli/internal/promreg"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what the RTP path sees. One value is shared by every leg of a process;
// legs fold their own counts in at each chunk, so the per-packet path stays free of
// atomics.
type Metrics struct {
	// Packets counts RTP packets accepted into a leg.
	Packets *prometheus.CounterVec
	// Dropped counts packets not delivered, labelled by reason: unknown_source (no
	// negotiated flow), malformed, oversize, rtcp, late, duplicate.
	Dropped *prometheus.CounterVec
	// Lost counts sequence numbers that never arrived.
	Lost *prometheus.CounterVec
	// Restarts counts stream restarts (SSRC change or sequence resync).
	Restarts *prometheus.CounterVec
	// Chunks counts MessagingCC records handed to the sink.
	Chunks *prometheus.CounterVec
	// SubmitErrors counts records the sink refused after retries.
	SubmitErrors *prometheus.CounterVec
}

// NewMetrics creates the counters and registers them on reg. A nil reg gives working but
// unregistered counters. Registering twice on one registry returns the existing ones.
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{}
	var err error
	if m.Packets, err = counter(reg, "umli_rtp_packets_total", "RTP packets accepted into a captured leg.", "source"); err != nil {
		return nil, err
	}
	if m.Dropped, err = counter(reg, "umli_rtp_dropped_total", "RTP packets not delivered, by reason.", "source", "reason"); err != nil {
		return nil, err
	}
	if m.Lost, err = counter(reg, "umli_rtp_lost_total", "RTP sequence numbers that never arrived.", "source"); err != nil {
		return nil, err
	}
	if m.Restarts, err = counter(reg, "umli_rtp_restarts_total", "RTP stream restarts (SSRC change or sequence resync).", "source"); err != nil {
		return nil, err
	}
	if m.Chunks, err = counter(reg, "umli_rtp_cc_chunks_total", "MessagingCC chunks handed to mediation.", "source"); err != nil {
		return nil, err
	}
	if m.SubmitErrors, err = counter(reg, "umli_rtp_submit_errors_total", "MessagingCC records mediation refused after retries.", "source"); err != nil {
		return nil, err
	}
	return m, nil
}

// DropUnknownSource counts a packet that arrived outside any negotiated flow.
func (m *Metrics) DropUnknownSource(source string) {
	if m != nil {
		m.Dropped.WithLabelValues(source, "unknown_source").Inc()
	}
}

func counter(reg *prometheus.Registry, name, help string, labels ...string) (*prometheus.CounterVec, error) {
	c, err := promreg.CounterVec(reg, name, help, labels...)
	if err != nil {
		return nil, fmt.Errorf("rtpcapture metrics: %w", err)
	}
	return c, nil
}
