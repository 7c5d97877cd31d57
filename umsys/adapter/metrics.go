package adapter

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	events        *prometheus.CounterVec
	records       *prometheus.CounterVec
	invalid       *prometheus.CounterVec
	unused        *prometheus.CounterVec
	sinkErrors    *prometheus.CounterVec
	contentErrors *prometheus.CounterVec
	contentBytes  prometheus.Counter
	contentChunks prometheus.Counter
	// age is how old an event is when its records go to mediation.
	age *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "umli_umsys_events_total", Help: "Raw UM platform events handed to the translator.",
		}, []string{"dialect"}),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "umli_umsys_records_total", Help: "IRI records produced, by translation rule.",
		}, []string{"dialect", "rule"}),
		unused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "umli_umsys_events_unused_total", Help: "Events that produced no record (signals kept as state, events about no one, unknown events).",
		}, []string{"dialect"}),
		invalid: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "umli_umsys_invalid_events_total", Help: "Events that could not be read at all.",
		}, []string{"dialect"}),
		sinkErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "umli_umsys_sink_errors_total", Help: "Records mediation did not take.",
		}, []string{"dialect"}),
		contentErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "umli_umsys_content_errors_total", Help: "Content that could not be fetched, by class.",
		}, []string{"kind"}),
		contentBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "umli_umsys_content_bytes_total", Help: "Content bytes delivered as MessagingCC.",
		}),
		contentChunks: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "umli_umsys_content_chunks_total", Help: "MessagingCC records submitted.",
		}),
		age: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "umli_umsys_event_age_seconds",
			Help:    "Age of an event when its first record is handed to mediation: from the event's time stamp (the platform's clock; a skewed clock shifts it) through transport and translation.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 21), // up to ~100 s: a backlog shows as what it is
		}, []string{"dialect"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.events, m.records, m.unused, m.invalid, m.sinkErrors, m.contentErrors, m.contentBytes, m.contentChunks, m.age} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// ruleLabel bounds label cardinality: raw rules carry the vendor's action name, which
// is outside input.
func ruleLabel(rule string) string {
	if i := strings.Index(rule, ".raw"); i >= 0 {
		return rule[:i+4]
	}
	return rule
}
