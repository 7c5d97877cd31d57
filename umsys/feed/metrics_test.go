package feed

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestNewMetricsSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewMetrics(reg)
	if err != nil {
		t.Fatalf("second transport on the same registry: %v", err)
	}
	a.Events.WithLabelValues("freeswitch", "fs1").Inc()
	b.Events.WithLabelValues("freeswitch", "fs1").Inc()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var got float64
	for _, mf := range mfs {
		if mf.GetName() == "umli_feed_events_total" {
			got = mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	if got != 2 {
		t.Errorf("events_total %v, want 2 (shared counter)", got)
	}
	if _, err := NewMetrics(nil); err != nil {
		t.Errorf("nil registry: %v", err)
	}
}
