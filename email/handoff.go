package email

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/record"
)

// HandoffConfig sizes the queue between the taps and a record.Sink.
type HandoffConfig struct {
	// MaxRecords bounds queued records (default 4096).
	MaxRecords int
	// MaxBytes bounds queued CC content (default 64 MiB).
	MaxBytes int64
	// Retries is how often a failed Submit is retried before the record is dropped
	// (default 3); the backoff starts at 50 ms and doubles.
	Retries int
	// SubmitTimeout bounds one Submit (a sink that blocks while its own queue is full);
	// default 5 s.
	SubmitTimeout time.Duration
	Logger        zerolog.Logger
	// Registerer, when set, gets the umli_email_records_{queued,submitted,dropped}_total
	// counters.
	Registerer prometheus.Registerer
}

// Handoff decouples the taps from mediation: Emit never blocks and drops records when
// the queue is full, so the mail service keeps working when the sink is slow or down.
// Records are submitted in order by one goroutine (Run).
type Handoff struct {
	sink  record.Sink
	cfg   HandoffConfig
	queue chan *record.Record
	bytes atomic.Int64

	queued, submitted, dropped atomic.Uint64
	mQueued, mSubmitted        prometheus.Counter
	mDropped                   *prometheus.CounterVec
}

// NewHandoff returns a Handoff to sink; call Run to start submitting.
func NewHandoff(sink record.Sink, cfg HandoffConfig) *Handoff {
	if cfg.MaxRecords <= 0 {
		cfg.MaxRecords = 4096
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 64 << 20
	}
	if cfg.Retries <= 0 {
		cfg.Retries = 3
	}
	if cfg.SubmitTimeout <= 0 {
		cfg.SubmitTimeout = 5 * time.Second
	}
	h := &Handoff{
		sink:  sink,
		cfg:   cfg,
		queue: make(chan *record.Record, cfg.MaxRecords),
		mQueued: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "umli_email_records_queued_total", Help: "E-mail intercept records queued for mediation.",
		}),
		mSubmitted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "umli_email_records_submitted_total", Help: "E-mail intercept records taken by mediation.",
		}),
		mDropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "umli_email_records_dropped_total", Help: "E-mail intercept records dropped, by reason.",
		}, []string{"reason"}),
	}
	if cfg.Registerer != nil {
		for _, c := range []prometheus.Collector{h.mQueued, h.mSubmitted, h.mDropped} {
			if err := cfg.Registerer.Register(c); err != nil {
				cfg.Logger.Warn().Err(err).Msg("email handoff: metrics not registered")
			}
		}
	}
	return h
}

func recordBytes(r *record.Record) int64 {
	if r.EmailCC != nil {
		return int64(len(r.EmailCC.Content))
	}
	return 0
}

// Emit queues r without blocking; it is an Emit for the state machines.
func (h *Handoff) Emit(r *record.Record) {
	n := recordBytes(r)
	if h.bytes.Add(n) > h.cfg.MaxBytes {
		h.bytes.Add(-n)
		h.drop("bytes")
		return
	}
	select {
	case h.queue <- r:
		h.queued.Add(1)
		h.mQueued.Inc()
	default:
		h.bytes.Add(-n)
		h.drop("queue-full")
	}
}

func (h *Handoff) drop(reason string) {
	h.dropped.Add(1)
	h.mDropped.WithLabelValues(reason).Inc()
}

// Run submits queued records until ctx ends; it returns ctx's error.
func (h *Handoff) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case r := <-h.queue:
			h.submit(ctx, r)
			h.bytes.Add(-recordBytes(r))
		}
	}
}

func (h *Handoff) submit(ctx context.Context, r *record.Record) {
	wait := 50 * time.Millisecond
	for try := 0; ; try++ {
		sctx, cancel := context.WithTimeout(ctx, h.cfg.SubmitTimeout)
		err := h.sink.Submit(sctx, r)
		cancel()
		if err == nil {
			h.submitted.Add(1)
			h.mSubmitted.Inc()
			return
		}
		if try >= h.cfg.Retries || ctx.Err() != nil {
			h.cfg.Logger.Warn().Err(err).Msg("email handoff: record dropped after submit failures")
			h.drop("submit-failed")
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// HandoffStats are the Handoff's counters.
type HandoffStats struct {
	Queued, Submitted, Dropped uint64
	// Pending is how many records wait in the queue.
	Pending int
}

// Stats returns the counters.
func (h *Handoff) Stats() HandoffStats {
	return HandoffStats{
		Queued: h.queued.Load(), Submitted: h.submitted.Load(), Dropped: h.dropped.Load(),
		Pending: len(h.queue),
	}
}
