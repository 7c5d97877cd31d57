package mediation

import (
	"context"
	"errors"
	"time"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/mediation/session"
)

// backoff doubles from min to max.
type backoff struct {
	min, max, cur time.Duration
}

func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.min
	} else {
		b.cur = min(2*b.cur, b.max)
	}
	return b.cur
}

// sleep waits d or until ctx ends; it reports whether the full wait elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// permanent reports errors that another attempt would repeat.
func permanent(err error) bool {
	return errors.Is(err, session.ErrBadEntry) || errors.Is(err, session.ErrBadNE) ||
		errors.Is(err, handover.ErrBadPDU) || errors.Is(err, handover.ErrUnknownDestination)
}

// retry runs op until it succeeds, fails permanently, or ctx ends, backing off between
// attempts.
func (m *Mediator) retry(ctx context.Context, name string, op func() error) error {
	b := backoff{min: 50 * time.Millisecond, max: 5 * time.Second}
	for {
		err := op()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if permanent(err) {
			m.log.Error().Err(err).Str("op", name).Msg("giving up: retrying cannot help; journal entries stay for the next start")
			return err
		}
		m.met.retries.WithLabelValues(name).Inc()
		wait := b.next()
		m.log.Warn().Err(err).Str("op", name).Dur("retry_in", wait).Msg("retrying")
		if !sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}
