package mediation

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	in         prometheus.Counter
	dropped    *prometheus.CounterVec
	queued     *prometheus.CounterVec
	redis      *prometheus.HistogramVec
	retries    *prometheus.CounterVec
	idleClosed prometheus.Counter
	replayed   prometheus.Counter
	downgrades *prometheus.CounterVec
	adjusted   *prometheus.CounterVec
	gaps       *prometheus.CounterVec
	unreadable *prometheus.CounterVec
	// queueing is Submit → PDUs in the handover queue (worker wait, session step, build, enqueue).
	queueing prometheus.Histogram
}

func newMetrics(reg *prometheus.Registry, depth func() float64) (*metrics, error) {
	m := &metrics{
		queueing: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "umli_mediation_record_seconds",
			Help:    "Time from a record's Submit to its PDUs being in the durable handover queue: in-memory queue, session step, PDU build, enqueue.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 21)}), // up to ~100 s
		in: prometheus.NewCounter(prometheus.CounterOpts{Name: "umli_mediation_records_total",
			Help: "Intercept records submitted by sources."}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "umli_mediation_records_dropped_total",
			Help: "Records dropped at once, by reason (no_target, outside_window, ...)."}, []string{"reason"}),
		queued: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "umli_mediation_pdus_queued_total",
			Help: "PS-PDUs handed to the durable handover queue."}, []string{"destination", "hi"}),
		redis: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "umli_mediation_redis_seconds",
			Help: "Latency of mediation's Redis round trips.", Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16)}, []string{"op"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "umli_mediation_retries_total",
			Help: "Retried Redis or handover operations (Redis unreachable, handover queue full)."}, []string{"op"}),
		idleClosed: prometheus.NewCounter(prometheus.CounterOpts{Name: "umli_mediation_idle_closed_total",
			Help: "Sequences closed by idle timeout with a synthesized end."}),
		replayed: prometheus.NewCounter(prometheus.CounterOpts{Name: "umli_mediation_journal_replayed_total",
			Help: "Journal entries re-delivered after a restart."}),
		downgrades: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "umli_mediation_downgrades_total",
			Help: "Values mapped to an older schema version for a destination."}, []string{"destination"}),
		adjusted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "umli_field_adjustments_total",
			Help: "Fields changed by a documented rule so that their PDU encodes (mediation/etsi/CONSTRAINTS.md), by ASN.1 field path and rule."},
			[]string{"field", "rule"}),
		gaps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "umli_mediation_gap_numbers_total",
			Help: "Sequence numbers spent for records a source lost before numbering (the LEMF sees them as a gap; each gap is audited as RecordsLost), by kind."},
			[]string{"kind"}),
		unreadable: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "umli_mediation_journal_unreadable_total",
			Help: "Sealed journal or session records skipped: tampered, or clear (written before sealing was on)."}, []string{"reason"}),
	}
	if reg == nil {
		return m, nil
	}
	depthGauge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "umli_mediation_queue_depth",
		Help: "Records held in memory waiting for their session step."}, depth)
	for _, c := range []prometheus.Collector{m.in, m.dropped, m.queued, m.redis, m.retries, m.idleClosed, m.replayed, m.downgrades, m.adjusted, m.gaps, m.unreadable, m.queueing, depthGauge} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("mediation: register metrics: %w", err)
		}
	}
	return m, nil
}
