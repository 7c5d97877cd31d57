package testmetric

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestCounter(t *testing.T) {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "t_total", Help: "test"})
	if got := Counter(c); got != 0 {
		t.Fatalf("fresh counter = %v", got)
	}
	c.Add(3)
	if got := Counter(c); got != 3 {
		t.Fatalf("after Add(3) = %v", got)
	}
}
