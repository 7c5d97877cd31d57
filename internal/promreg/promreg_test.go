package promreg

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestCounterVec(t *testing.T) {
	reg := prometheus.NewRegistry()
	a, err := CounterVec(reg, "x_total", "help", "l")
	if err != nil {
		t.Fatal(err)
	}
	b, err := CounterVec(reg, "x_total", "help", "l")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatal("second registration did not reuse the first collector")
	}
	if _, err := CounterVec(reg, "x_total", "other help", "l"); err == nil || !strings.Contains(err.Error(), "x_total") {
		t.Fatalf("conflicting registration: err %v, want one naming x_total", err)
	}
	c, err := CounterVec(nil, "x_total", "help", "l")
	if err != nil || c == nil || c == a {
		t.Fatalf("nil registry: %v %v", c, err)
	}
}
