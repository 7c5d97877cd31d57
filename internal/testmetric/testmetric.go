// Package testmetric reads Prometheus metrics in tests.
package testmetric

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// Counter returns c's current value, or -1 if it cannot be read (so an assertion
// on it fails rather than the test panicking).
func Counter(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		return -1
	}
	return m.GetCounter().GetValue()
}
