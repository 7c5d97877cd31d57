// Package promreg registers Prometheus collectors so that two components built
// in one process with the same registry (as tests and the demo do) share series
// instead of failing on the second registration.
package promreg

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// Register adds c to reg and returns it, or the identical collector already
// registered there. With a nil reg, c is returned unregistered.
func Register[C prometheus.Collector](reg *prometheus.Registry, c C) (C, error) {
	if reg == nil {
		return c, nil
	}
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		var zero C
		return zero, err
	}
	return c, nil
}

// CounterVec makes a counter vector and registers it with Register; the error
// names the metric.
func CounterVec(reg *prometheus.Registry, name, help string, labels ...string) (*prometheus.CounterVec, error) {
	c, err := Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels))
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", name, err)
	}
	return c, nil
}
