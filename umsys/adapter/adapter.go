package adapter

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/canonical"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate"
)

// ErrInvalidEvent wraps the reason an event could not be read; a webhook answers it
// with 4xx (retrying will not help), unlike a sink error.
var ErrInvalidEvent = errors.New("invalid event")

// Config configures an Adapter.
type Config struct {
	Translate translate.Config
	// Profile maps vendor JSON onto the canonical schema; nil means canonical JSON.
	Profile *canonical.Profile
	// Content fetches CC; nil delivers IRI only.
	Content *content.Fetcher
	Logger  zerolog.Logger
	// Registry receives the adapter's metrics; nil registers none.
	Registry prometheus.Registerer
	// ExpireEvery is how often Run finalises idle sessions (default 10 s).
	ExpireEvery time.Duration
	// Peers enables active-active consumption with other instances (peers.go): records
	// carry claims, a starting instance warms up for PeerWarmup, and shutdown does not
	// flush open calls (the peers carry on with them).
	Peers      bool
	PeerWarmup time.Duration
}

// Adapter is feed → translator → record.Sink. Safe for concurrent use by several
// transports; events of one connection must be handed over in wire order.
type Adapter struct {
	cfg  Config
	sink record.Sink
	log  zerolog.Logger
	m    *metrics
	tr   map[feed.Dialect]*locked
	// deferred counts records left to peers while warming up (Peers only).
	deferred prometheus.Counter
}

type locked struct {
	mu   sync.Mutex
	tr   translate.Translator
	buf  []translate.Output
	gate warmGate
}

// New returns an Adapter submitting to sink.
func New(cfg Config, sink record.Sink) (*Adapter, error) {
	m, err := newMetrics(cfg.Registry)
	if err != nil {
		return nil, fmt.Errorf("adapter metrics: %w", err)
	}
	if cfg.ExpireEvery <= 0 {
		cfg.ExpireEvery = 10 * time.Second
	}
	a := &Adapter{
		cfg: cfg, sink: sink, log: cfg.Logger.With().Str("component", "umsys").Logger(), m: m,
		tr: map[feed.Dialect]*locked{
			feed.FreeSWITCH: {tr: translate.NewFreeSWITCH(cfg.Translate)},
			feed.Asterisk:   {tr: translate.NewAsterisk(cfg.Translate)},
			feed.JSON:       {tr: translate.NewGeneric(cfg.Translate, cfg.Profile)},
			feed.CUNI:       {tr: translate.NewCUNI(cfg.Translate)},
		},
	}
	if err := a.setupPeers(); err != nil {
		return nil, err
	}
	return a, nil
}

// Handler returns the feed.Handler transports call; ctx bounds submissions and fetches.
func (a *Adapter) Handler(ctx context.Context) feed.Handler {
	return func(e *feed.Event) error { return a.Handle(ctx, e) }
}

// Handle translates one event and submits its records. It returns an error only when
// the event was not taken: ErrInvalidEvent for unreadable input, or the sink's error.
// Content that cannot be fetched is logged and counted; the IRI still stands.
func (a *Adapter) Handle(ctx context.Context, e *feed.Event) error {
	l, ok := a.tr[e.Dialect]
	if !ok {
		return fmt.Errorf("%w: unknown dialect %q", ErrInvalidEvent, e.Dialect)
	}
	a.m.events.WithLabelValues(string(e.Dialect)).Inc()
	if _, ok := l.tr.(translate.Concurrent); ok && !a.cfg.Peers {
		// No session state to guard (the peers' warm-up gate is): connections translate
		// in parallel; each connection's events still come one after the other.
		own := l.tr.Translate(nil, e)
		if len(own) == 0 {
			a.m.unused.WithLabelValues(string(e.Dialect)).Inc()
		}
		return a.submit(ctx, string(e.Dialect), e.Source, own)
	}
	l.mu.Lock()
	outs := l.tr.Translate(l.buf[:0], e)
	if a.cfg.Peers {
		outs = a.claimAndGate(l, outs, e)
	}
	// Hand the outputs a private slice so the translator lock is not held while
	// mediation or a content download is slow.
	own := append([]translate.Output(nil), outs...)
	l.buf = outs[:0]
	l.mu.Unlock()
	if len(own) == 0 {
		a.m.unused.WithLabelValues(string(e.Dialect)).Inc()
	}
	return a.submit(ctx, string(e.Dialect), e.Source, own)
}

func (a *Adapter) submit(ctx context.Context, dialect, source string, outs []translate.Output) error {
	for i := range outs {
		o := &outs[i]
		if i == 0 && o.Err == nil && !o.Record.Time.IsZero() {
			a.m.age.WithLabelValues(dialect).Observe(time.Since(o.Record.Time).Seconds())
		}
		if o.Err != nil {
			a.m.invalid.WithLabelValues(dialect).Inc()
			a.log.Warn().Str("dialect", dialect).Str("source", source).Err(o.Err).Msg("unreadable UM event dropped")
			return fmt.Errorf("%w: %w", ErrInvalidEvent, o.Err)
		}
		if err := a.sink.Submit(ctx, &o.Record); err != nil {
			a.m.sinkErrors.WithLabelValues(dialect).Inc()
			return fmt.Errorf("submit %s record: %w", o.Rule, err)
		}
		a.m.records.WithLabelValues(dialect, ruleLabel(o.Rule)).Inc()
		if o.Content != nil && (a.cfg.Content != nil || o.Content.Inline != nil) {
			if err := a.deliverContent(ctx, dialect, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// deliverContent streams the content of o as MessagingCC records; only sink errors
// are returned.
func (a *Adapter) deliverContent(ctx context.Context, dialect string, o *translate.Output) error {
	f := a.cfg.Content
	if f == nil {
		var err error
		// Inline content needs no roots; a zero Fetcher chunks it with the defaults.
		if f, err = content.New(content.Config{}); err != nil {
			return fmt.Errorf("content fetcher: %w", err)
		}
	}
	boundary := record.Continue
	if o.Record.Boundary == record.Standalone {
		boundary = record.Standalone
	}
	var sinkErr error
	err := f.Stream(ctx, o.Content.Location, o.Content.Inline, o.Content.ContentType, func(c content.Chunk) error {
		cid, seq := uint32(0), c.Seq
		r := &record.Record{
			Identities:     o.Record.Identities,
			Source:         o.Record.Source,
			CorrelationKey: o.Record.CorrelationKey,
			Claim:          chunkClaim(o.Record.Claim, c.Seq),
			Boundary:       boundary,
			EventKey:       o.Record.EventKey,
			Time:           o.Record.Time,
			Direction:      o.Content.Direction,
			MessagingCC: &etsi.MessagingCC{
				ContentIdentifier: &cid,
				SequenceNumber:    &seq,
				EndOfSequence:     c.Last,
				ContentType:       c.ContentType,
				Content:           c.Data,
			},
		}
		if err := a.sink.Submit(ctx, r); err != nil {
			sinkErr = err
			return err
		}
		a.m.contentChunks.Inc()
		a.m.contentBytes.Add(float64(len(c.Data)))
		return nil
	})
	if sinkErr != nil {
		a.m.sinkErrors.WithLabelValues(dialect).Inc()
		return fmt.Errorf("submit content: %w", sinkErr)
	}
	if err != nil {
		kind := content.Kind(err)
		a.m.contentErrors.WithLabelValues(kind).Inc()
		a.log.Warn().Str("dialect", dialect).Str("rule", o.Rule).Str("kind", kind).Err(err).Msg("event content not delivered")
	}
	return nil
}

// Run finalises idle sessions every ExpireEvery until ctx ends, then flushes every
// open session (their closing records are submitted with a fresh context).
func (a *Adapter) Run(ctx context.Context) error {
	tick := time.NewTicker(a.cfg.ExpireEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			if a.cfg.Peers {
				return nil // open calls are the peers' to finish (or mediation's idle close)
			}
			a.each(context.WithoutCancel(ctx), func(tr translate.Translator, dst []translate.Output) []translate.Output {
				return tr.Flush(dst, time.Now())
			})
			return nil
		case now := <-tick.C:
			a.each(ctx, func(tr translate.Translator, dst []translate.Output) []translate.Output {
				return tr.Expire(dst, now)
			})
		}
	}
}

// idle is the translators' idle timeout (the gate forgets calls unseen for longer).
func (a *Adapter) idle() time.Duration {
	if d := a.cfg.Translate.IdleTimeout; d > 0 {
		return d
	}
	return 30 * time.Minute
}

func (a *Adapter) each(ctx context.Context, f func(translate.Translator, []translate.Output) []translate.Output) {
	for d, l := range a.tr {
		l.mu.Lock()
		outs := f(l.tr, nil)
		if a.cfg.Peers {
			l.gate.forget(outs, time.Now(), a.idle())
		}
		l.mu.Unlock()
		if a.cfg.Peers {
			claimExpired(outs, d)
		}
		if err := a.submit(ctx, string(d), "", outs); err != nil {
			a.log.Warn().Str("dialect", string(d)).Err(err).Msg("closing records not taken")
		}
	}
}
