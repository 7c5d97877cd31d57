package feed

import (
	"fmt"
	"github.com/umli/umli/internal/promreg"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts what the transports (ESL, AMI, JSON) see on their wire. One value is
// shared by every transport of a process; labels say which dialect and source.
type Metrics struct {
	// Events counts events handed to a Handler.
	Events *prometheus.CounterVec
	// FrameErrors counts malformed or oversized frames, labelled by kind.
	FrameErrors *prometheus.CounterVec
	// PartialFrames counts incomplete frames discarded when a connection dropped mid-frame.
	PartialFrames *prometheus.CounterVec
	// Reconnects counts connection attempts after the first.
	Reconnects *prometheus.CounterVec
	// HandlerErrors counts events the Handler refused.
	HandlerErrors *prometheus.CounterVec
}

// NewMetrics creates the transport counters and registers them on reg. A nil reg gives
// working but unregistered counters (tests, tools). Registering twice on the same
// registry returns the counters already there, so several transports can share one.
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{}
	var err error
	if m.Events, err = counter(reg, "umli_feed_events_total", "Raw events read from UM platform feeds.", "dialect", "source"); err != nil {
		return nil, err
	}
	if m.FrameErrors, err = counter(reg, "umli_feed_frame_errors_total", "Malformed or oversized frames read from UM platform feeds.", "dialect", "source", "kind"); err != nil {
		return nil, err
	}
	if m.PartialFrames, err = counter(reg, "umli_feed_partial_frames_total", "Incomplete frames discarded because a feed connection dropped mid-frame.", "dialect", "source"); err != nil {
		return nil, err
	}
	if m.Reconnects, err = counter(reg, "umli_feed_reconnects_total", "Feed connection attempts after the first.", "dialect", "source"); err != nil {
		return nil, err
	}
	if m.HandlerErrors, err = counter(reg, "umli_feed_handler_errors_total", "Feed events the consumer refused.", "dialect", "source"); err != nil {
		return nil, err
	}
	return m, nil
}

func counter(reg *prometheus.Registry, name, help string, labels ...string) (*prometheus.CounterVec, error) {
	c, err := promreg.CounterVec(reg, name, help, labels...)
	if err != nil {
		return nil, fmt.Errorf("feed metrics: %w", err)
	}
	return c, nil
}
