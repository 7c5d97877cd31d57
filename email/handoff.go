package email

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/backoff"
	"github.com/umli/umli/mediation/record"
)

// HandoffConfig sizes the queue between the taps and a record.Sink.
type HandoffConfig struct {
	// MaxRecords bounds queued records (default 4096).
	MaxRecords int
	// MaxBytes bounds queued CC content (default 64 MiB).
	MaxBytes int64
	// Retries is how often a failed Submit is retried before the record is dropped
	// (default 3); the backoff (internal/backoff) starts at 50 ms and doubles to 2 s.
	Retries int
	// SubmitTimeout bounds one Submit (a sink that blocks while its own queue is full);
	// default 5 s.
	SubmitTimeout time.Duration
	// Wait bounds how long Emit holds a tap (and so its proxied session: the client is
	// not read meanwhile) while the queue or the byte budget is full; default 30 s.
	// Only a sink that takes nothing for that long makes Emit drop, and then it drops
	// without waiting until the queue has drained to half (the mail service must not
	// stall behind a dead mediation).
	Wait   time.Duration
	Logger zerolog.Logger
	// Registerer, when set, gets the umli_email_records_{queued,submitted,dropped}_total
	// counters.
	Registerer prometheus.Registerer
}

// Handoff decouples the taps from mediation. Emit applies backpressure: with the queue
// full it waits (the proxied session stops being read) rather than drop a target's
// records unseen; it drops only when the sink is stalled (see HandoffConfig.Wait), and
// every drop is counted, logged and counted per session (Lost). EmitNoWait is for
// passive taps, which cannot slow their traffic. Records are submitted in order by one
// goroutine (Run).
type Handoff struct {
	sink  record.Sink
	cfg   HandoffConfig
	queue chan item
	bytes atomic.Int64
	// emitted numbers Emits, so a gap marker goes out before the session's first record
	// emitted after the drop.
	emitted atomic.Uint64

	queued, submitted, dropped atomic.Uint64
	waited                     atomic.Uint64
	gapsReported               atomic.Uint64
	mQueued, mSubmitted        prometheus.Counter
	mWaited                    prometheus.Counter
	mDropped                   *prometheus.CounterVec

	// freed is signalled (without blocking) whenever Run takes a record off the queue.
	freed chan struct{}
	// stalled is set when a wait timed out; Emit then drops without waiting until Run
	// has drained the queue to half.
	stalled atomic.Bool

	mu sync.Mutex
	// lost counts dropped records per correlation key (bounded by maxLostKeys).
	lost map[string]uint64
	// gaps holds, per correlation key, what was dropped and not yet reported to the
	// sink as a gap marker (record.Lost); nGaps is its size, read without mu.
	gaps     map[string]*gap
	nGaps    atomic.Int64
	lastWarn time.Time
	quiet    uint64 // drops not logged since lastWarn
	now      func() time.Time
}

// maxLostKeys bounds the per-session loss table; beyond it losses are only counted.
const maxLostKeys = 4096

// item is one queued record and the number of its Emit.
type item struct {
	r *record.Record
	n uint64
}

// gap is a session's dropped records not yet reported to the sink.
type gap struct {
	// marker carries Source, CorrelationKey, Identities and Time of the last drop and
	// the counts; it is submitted as it is.
	marker *record.Record
	// after is the Emit number of the first drop: the marker goes out before the
	// session's first record emitted later.
	after uint64
}

// gapFlushInterval is how often Run reports gaps of sessions that emit nothing more.
const gapFlushInterval = 100 * time.Millisecond

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
	if cfg.Wait <= 0 {
		cfg.Wait = 30 * time.Second
	}
	h := &Handoff{
		sink:  sink,
		cfg:   cfg,
		queue: make(chan item, cfg.MaxRecords),
		gaps:  make(map[string]*gap),
		freed: make(chan struct{}, 1),
		lost:  make(map[string]uint64),
		now:   time.Now,
		mWaited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "umli_email_records_waited_total", Help: "E-mail intercept records whose tap waited for room in the queue (backpressure).",
		}),
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
		for _, c := range []prometheus.Collector{h.mQueued, h.mSubmitted, h.mDropped, h.mWaited} {
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

// Emit queues r, waiting for room while the queue or the byte budget is full (at most
// HandoffConfig.Wait); it is an Emit for the proxy's state machines. The caller's
// session is not read meanwhile, which slows its client instead of losing records.
func (h *Handoff) Emit(r *record.Record) { h.emit(r, true) }

// EmitNoWait queues r or drops it at once when full: for passive taps (capture), whose
// traffic cannot be slowed.
func (h *Handoff) EmitNoWait(r *record.Record) { h.emit(r, false) }

func (h *Handoff) enqueued() {
	h.queued.Add(1)
	h.mQueued.Inc()
}

func (h *Handoff) emit(r *record.Record, wait bool) {
	n := recordBytes(r)
	it := item{r: r, n: h.emitted.Add(1)}
	if n > h.cfg.MaxBytes {
		h.drop(r, it.n, "bytes")
		return
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	// startWait arms the wait bound once per record and counts the backpressure.
	startWait := func() {
		if timer == nil {
			timer = time.NewTimer(h.cfg.Wait)
			h.waited.Add(1)
			h.mWaited.Inc()
		}
	}
	for {
		if h.bytes.Add(n) <= h.cfg.MaxBytes {
			select {
			case h.queue <- it:
				h.enqueued()
				return
			default:
			}
			if !wait || h.stalled.Load() {
				h.bytes.Add(-n)
				h.drop(r, it.n, "queue-full")
				return
			}
			startWait()
			select {
			case h.queue <- it:
				h.enqueued()
				return
			case <-timer.C:
				h.bytes.Add(-n)
				h.stalled.Store(true)
				h.drop(r, it.n, "queue-full")
				return
			}
		}
		h.bytes.Add(-n)
		if !wait || h.stalled.Load() {
			h.drop(r, it.n, "bytes")
			return
		}
		startWait()
		// Byte budget: retry whenever Run frees a record (and now and then, since one
		// signal wakes one of several waiting sessions).
		select {
		case <-h.freed:
		case <-time.After(10 * time.Millisecond):
		case <-timer.C:
			h.stalled.Store(true)
			h.drop(r, it.n, "bytes")
			return
		}
	}
}

// drop counts a lost record, per session too, logs (rate-limited, no identities: the
// count and the reason only) and keeps it as a gap of its session: Run reports it to
// the sink as a gap marker (record.Lost), for which mediation spends the numbers the
// lost records would have had, so the LEMF sees the gap, and audits it. A gap marker
// that could not be submitted comes back here and is merged, not lost.
func (h *Handoff) drop(r *record.Record, n uint64, reason string) {
	lost := record.Lost{}
	switch {
	case r.Lost != nil:
		lost = *r.Lost
	case r.EmailIRI != nil || r.MessagingIRI != nil:
		lost.IRI = 1
	default:
		lost.CC = 1
	}
	count := uint64(lost.IRI) + uint64(lost.CC)
	if r.Lost == nil { // a returning gap marker's records were counted when dropped
		h.dropped.Add(count)
		h.mDropped.WithLabelValues(reason).Add(float64(count))
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.lost[r.CorrelationKey]; r.Lost == nil && (ok || len(h.lost) < maxLostKeys) {
		h.lost[r.CorrelationKey] += count
	}
	if g, ok := h.gaps[r.CorrelationKey]; ok {
		g.marker.Lost.IRI += lost.IRI
		g.marker.Lost.CC += lost.CC
		g.marker.Identities, g.marker.Time = r.Identities, r.Time
	} else if len(h.gaps) < maxLostKeys {
		h.gaps[r.CorrelationKey] = &gap{after: n, marker: &record.Record{
			Identities: r.Identities, Source: r.Source, CorrelationKey: r.CorrelationKey,
			Time: r.Time, Lost: &lost,
		}}
		h.nGaps.Store(int64(len(h.gaps)))
	} else {
		h.cfg.Logger.Error().Msg("email handoff: too many sessions with lost records; this loss is only counted, the LEMF sees no gap for it")
	}
	h.quiet += count
	if now := h.now(); now.Sub(h.lastWarn) >= 10*time.Second {
		h.cfg.Logger.Error().Str("reason", reason).Uint64("dropped", h.quiet).Int("sessions", len(h.lost)).
			Msg("email handoff: intercept records dropped (mediation took none for the wait limit); reported to mediation as sequence gaps")
		h.lastWarn, h.quiet = now, 0
	}
}

// takeGap removes and returns the gap of ck when it is due before a record emitted as
// number n (n 0: due anyway).
func (h *Handoff) takeGap(ck string, n uint64) *record.Record {
	if h.nGaps.Load() == 0 {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	g, ok := h.gaps[ck]
	if !ok || (n != 0 && n <= g.after) {
		return nil
	}
	delete(h.gaps, ck)
	h.nGaps.Store(int64(len(h.gaps)))
	return g.marker
}

// flushGaps submits every pending gap marker.
func (h *Handoff) flushGaps(ctx context.Context) {
	if h.nGaps.Load() == 0 {
		return
	}
	h.mu.Lock()
	var cks []string
	for ck := range h.gaps {
		cks = append(cks, ck)
	}
	h.mu.Unlock()
	for _, ck := range cks {
		if g := h.takeGap(ck, 0); g != nil {
			h.submit(ctx, g)
		}
	}
}

// Lost returns how many records of the session with correlation key ck were dropped.
func (h *Handoff) Lost(ck string) uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lost[ck]
}

// Run submits queued records until ctx ends; it returns ctx's error. A session's
// pending gap marker goes out before its first record emitted after the drop, and
// every gapFlushInterval for sessions that emit nothing more.
func (h *Handoff) Run(ctx context.Context) error {
	tick := time.NewTicker(gapFlushInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
			h.flushGaps(ctx)
		case it := <-h.queue:
			r := it.r
			if g := h.takeGap(r.CorrelationKey, it.n); g != nil {
				h.submit(ctx, g)
			}
			h.submit(ctx, r)
			h.bytes.Add(-recordBytes(r))
			select {
			case h.freed <- struct{}{}:
			default:
			}
			if h.stalled.Load() && len(h.queue) <= cap(h.queue)/2 {
				h.stalled.Store(false)
			}
		}
	}
}

func (h *Handoff) submit(ctx context.Context, r *record.Record) {
	bo := backoff.New(backoff.Policy{Min: 50 * time.Millisecond, Max: 2 * time.Second, Jitter: 0.5})
	for try := 0; ; try++ {
		sctx, cancel := context.WithTimeout(ctx, h.cfg.SubmitTimeout)
		err := h.sink.Submit(sctx, r)
		cancel()
		if err == nil {
			if r.Lost == nil {
				h.submitted.Add(1)
				h.mSubmitted.Inc()
			} else {
				h.gapsReported.Add(uint64(r.Lost.IRI) + uint64(r.Lost.CC))
			}
			return
		}
		if try >= h.cfg.Retries || ctx.Err() != nil {
			h.cfg.Logger.Warn().Err(err).Msg("email handoff: record dropped after submit failures")
			h.drop(r, 0, "submit-failed")
			return
		}
		backoff.Sleep(ctx, bo.Next())
	}
}

// HandoffStats are the Handoff's counters.
type HandoffStats struct {
	Queued, Submitted, Dropped uint64
	// Waited counts Emits that had to wait for room (backpressure applied).
	Waited uint64
	// Pending is how many records wait in the queue.
	Pending int
	// GapsReported counts dropped records the sink was told of by gap markers.
	GapsReported uint64
}

// Stats returns the counters.
func (h *Handoff) Stats() HandoffStats {
	return HandoffStats{
		Queued: h.queued.Load(), Submitted: h.submitted.Load(), Dropped: h.dropped.Load(), Waited: h.waited.Load(),
		Pending: len(h.queue), GapsReported: h.gapsReported.Load(),
	}
}
