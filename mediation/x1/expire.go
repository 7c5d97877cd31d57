package x1

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/audit"
)

// Expired returns the tasks whose every mediationDetails has an EndTime at or before
// now: nothing more can be delivered under them, so they are deactivated.
func Expired(tasks []*Task, now time.Time) []*Task {
	var out []*Task
	for _, t := range tasks {
		if len(t.Mediation) == 0 {
			continue
		}
		ended := true
		for _, m := range t.Mediation {
			if m.End.IsZero() || m.End.After(now) {
				ended = false
				break
			}
		}
		if ended {
			out = append(out, t)
		}
	}
	return out
}

// Expirer deactivates expired tasks and audits each act as actor "system". Every
// instance may run one: the store serializes them, and a task another instance
// expired first is skipped.
type Expirer struct {
	store *Store
	audit *audit.Log
	log   zerolog.Logger
	now   func() time.Time
}

// NewExpirer returns an expirer; now defaults to time.Now.
func NewExpirer(store *Store, auditLog *audit.Log, log zerolog.Logger, now func() time.Time) *Expirer {
	if now == nil {
		now = time.Now
	}
	return &Expirer{store: store, audit: auditLog, log: log, now: now}
}

// Sweep deactivates every task expired now and returns their XIds.
func (e *Expirer) Sweep(ctx context.Context) ([]string, error) {
	tasks, err := e.store.Tasks(ctx)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, t := range Expired(tasks, e.now()) {
		liids, err := e.store.DeactivateTask(ctx, t.XID)
		var xe *Error
		if errors.As(err, &xe) && xe.Code == CodeXIDUnknown {
			continue // another instance, or the ADMF, was first
		}
		if err != nil {
			return done, err
		}
		done = append(done, t.XID)
		if e.audit != nil {
			if _, err := e.audit.Append("system", "TaskExpired", map[string]string{"xId": t.XID, "liids": strings.Join(liids, ",")}, "deactivated"); err != nil {
				e.log.Error().Err(err).Str("xId", t.XID).Msg("x1: audit append failed")
			}
		}
		e.log.Info().Str("xId", t.XID).Strs("liids", liids).Msg("x1: task expired and deactivated")
	}
	return done, nil
}

// Run sweeps every interval (default 1s) until ctx ends.
func (e *Expirer) Run(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		interval = time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if _, err := e.Sweep(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn().Err(err).Msg("x1: expiry sweep")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}
