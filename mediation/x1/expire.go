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

// Expirer deactivates expired tasks and audits each act as actor "system"; it also
// audits each LIID's window opening (StartTime reached) and closing (EndTime reached)
// as this instance observes them. Every instance may run one: the store serializes
// deactivations, and a task another instance expired first is skipped.
type Expirer struct {
	store *Store
	audit *audit.Log
	log   zerolog.Logger
	now   func() time.Time
	// open is each known LIID's window state at the last sweep; only Sweep touches it.
	open map[string]bool
}

// NewExpirer returns an expirer; now defaults to time.Now.
func NewExpirer(store *Store, auditLog *audit.Log, log zerolog.Logger, now func() time.Time) *Expirer {
	if now == nil {
		now = time.Now
	}
	return &Expirer{store: store, audit: auditLog, log: log, now: now, open: map[string]bool{}}
}

// Sweep deactivates every task expired now and returns their XIds.
func (e *Expirer) Sweep(ctx context.Context) ([]string, error) {
	tasks, err := e.store.Tasks(ctx)
	if err != nil {
		return nil, err
	}
	now := e.now()
	e.windows(tasks, now)
	var done []string
	for _, t := range Expired(tasks, now) {
		liids, err := e.store.DeactivateTask(ctx, t.XID)
		var xe *Error
		if errors.As(err, &xe) && xe.Code == CodeXIDUnknown {
			continue // another instance, or the ADMF, was first
		}
		if err != nil {
			return done, err
		}
		done = append(done, t.XID)
		e.record(audit.ActionTaskExpired, map[string]string{"xId": t.XID, "liids": strings.Join(liids, ",")}, "deactivated")
		e.log.Info().Str("xId", t.XID).Strs("liids", liids).Msg("x1: task expired and deactivated")
	}
	return done, nil
}

// windows audits window transitions since the last sweep. A LIID seen for the first
// time only sets its state: its activation was audited by the X1 request.
func (e *Expirer) windows(tasks []*Task, now time.Time) {
	seen := make(map[string]bool, len(e.open))
	for _, t := range tasks {
		for _, m := range t.Mediation {
			seen[m.LIID] = true
			active := !now.Before(m.Start) && (m.End.IsZero() || now.Before(m.End))
			was, known := e.open[m.LIID]
			e.open[m.LIID] = active
			if !known || was == active {
				continue
			}
			action := audit.ActionWindowOpened
			if !active {
				action = audit.ActionWindowClosed
			}
			e.record(action, map[string]string{"xId": t.XID, "liid": m.LIID}, "ok")
			e.log.Info().Str("xId", t.XID).Str("liid", m.LIID).Str("event", action).Msg("x1: warrant window")
		}
	}
	for liid := range e.open {
		if !seen[liid] {
			delete(e.open, liid) // deactivated: that act is audited where it happened
		}
	}
}

func (e *Expirer) record(action string, detail map[string]string, result string) {
	if e.audit == nil {
		return
	}
	if _, err := e.audit.Append(audit.ActorSystem, action, detail, result); err != nil {
		e.log.Error().Err(err).Str("action", action).Msg("x1: audit append failed")
	}
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
