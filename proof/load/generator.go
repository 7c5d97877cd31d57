package load

import (
	"context"
	"fmt"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// Config describes one load run.
type Config struct {
	// Rate is records per second across all sessions.
	Rate int
	// Duration is how long records are generated.
	Duration time.Duration
	// Sessions is how many UM sessions (correlation keys) records are spread over.
	Sessions int
	// CCShare is the fraction of records that are CC (message audio); the rest are IRI.
	CCShare float64
	// Source is the network element name of the records.
	Source string
	// Target is the identity every record concerns.
	Target record.Identity
	// Sinks take the records, record i of a session going to Sinks[i % len]: several
	// instances numbering the same sessions.
	Sinks []record.Sink
	// BeforeClose, if set, runs after the last Continue record and before the closing
	// records (e.g. draining every instance so the iRI-End is numbered last).
	BeforeClose func(ctx context.Context) error
	// KeyPrefix prefixes correlation keys (default "load").
	KeyPrefix string
}

// Result counts what a run submitted.
type Result struct {
	// Records is every record taken by a sink, closing records included.
	Records int
	// IRI and CC split Records.
	IRI, CC int
	// Elapsed is the time spent generating (closing excluded).
	Elapsed time.Duration
	// Errors counts Submit errors (records not taken).
	Errors int
	// FirstErr is the first Submit error.
	FirstErr error
}

// tick is the pacing step: records due are submitted every tick.
const tick = time.Millisecond

// Run generates records at cfg.Rate for cfg.Duration (or until ctx ends), then closes
// every session with a logout. Sessions are opened by their first record.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Rate <= 0 || cfg.Sessions <= 0 || len(cfg.Sinks) == 0 || cfg.Source == "" {
		return Result{}, fmt.Errorf("load: rate, sessions, sinks and source are required")
	}
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = "load"
	}
	var res Result
	n := make([]int, cfg.Sessions)
	start := time.Now()
	t := time.NewTicker(tick)
	defer t.Stop()
	sent, ccAcc := 0, 0.0
	end := start.Add(cfg.Duration)
	for now := start; now.Before(end) && ctx.Err() == nil; now = time.Now() {
		due := int(float64(cfg.Rate) * now.Sub(start).Seconds())
		for ; sent < due; sent++ {
			s := sent % cfg.Sessions
			ccAcc += cfg.CCShare
			isCC := ccAcc >= 1 && n[s] > 0 // a session's first record is its login IRI
			if isCC {
				ccAcc--
			}
			r := build(cfg, s, n[s], isCC)
			res.add(cfg.Sinks[n[s]%len(cfg.Sinks)].Submit(ctx, r), isCC)
			n[s]++
		}
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	res.Elapsed = time.Since(start)
	if cfg.BeforeClose != nil {
		if err := cfg.BeforeClose(ctx); err != nil {
			return res, fmt.Errorf("load: before close: %w", err)
		}
	}
	for s := range cfg.Sessions {
		if n[s] == 0 {
			continue
		}
		r := base(cfg, s, record.Close, "")
		ev := etsi.BoxLogout
		r.MessagingIRI = boxIRI(ev)
		res.add(cfg.Sinks[0].Submit(ctx, r), false)
	}
	return res, nil
}

func (r *Result) add(err error, cc bool) {
	if err != nil {
		r.Errors++
		if r.FirstErr == nil {
			r.FirstErr = err
		}
		return
	}
	r.Records++
	if cc {
		r.CC++
	} else {
		r.IRI++
	}
}

// build makes record k of session s.
func build(cfg Config, s, k int, cc bool) *record.Record {
	ek := fmt.Sprintf("m%d", k/8)
	switch {
	case k == 0:
		r := base(cfg, s, record.Open, "")
		r.MessagingIRI = boxIRI(etsi.BoxLogin)
		r.CloseEvent = boxIRI(etsi.BoxDisconnect)
		return r
	case cc:
		r := base(cfg, s, record.Continue, ek)
		cid, seq := uint32(1), uint32(k)
		r.MessagingCC = &etsi.MessagingCC{ContentIdentifier: &cid, SequenceNumber: &seq, ContentType: "audio/PCMU", Content: make([]byte, 160)}
		r.Direction = etsi.DirectionToTarget
		return r
	default:
		r := base(cfg, s, record.Continue, ek)
		ev := etsi.EventRetrieve
		r.MessagingIRI = &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{Message: &ev},
			Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser}
		return r
	}
}

func base(cfg Config, s int, b record.Boundary, ek string) *record.Record {
	return &record.Record{Identities: []record.Identity{cfg.Target}, Source: cfg.Source,
		CorrelationKey: fmt.Sprintf("%s-%d", cfg.KeyPrefix, s), Boundary: b, EventKey: ek, Time: time.Now()}
}

func boxIRI(ev etsi.MessagingBoxEvent) *etsi.MessagingIRI {
	return &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{MessageBox: &ev},
		Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser, BoxIdentifier: []byte("proof@um")}
}
