package chain

import "github.com/prometheus/client_golang/prometheus"

// Sum adds up every series of the counter or gauge name in reg (0 when absent).
func Sum(reg *prometheus.Registry, name string) float64 {
	mfs, err := reg.Gather()
	if err != nil {
		return 0
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if c := m.GetCounter(); c != nil {
				total += c.GetValue()
			} else {
				total += m.GetGauge().GetValue()
			}
		}
	}
	return total
}
