package mediation

import (
	"context"
	"errors"
	"time"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/backoff"
	"github.com/umli/umli/mediation/session"
)

// permanent reports errors that another attempt would repeat.
func permanent(err error) bool {
	return errors.Is(err, session.ErrBadEntry) || errors.Is(err, session.ErrBadNE) ||
		errors.Is(err, handover.ErrBadPDU) || errors.Is(err, handover.ErrUnknownDestination)
}

// retry runs op until it succeeds, fails permanently, or ctx ends, backing off between
// attempts.
func (m *Mediator) retry(ctx context.Context, name string, op func() error) error {
	b := backoff.New(backoff.Policy{Min: 50 * time.Millisecond, Max: 5 * time.Second, Jitter: 0.5})
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
		wait := b.Next()
		m.log.Warn().Err(err).Str("op", name).Dur("retry_in", wait).Msg("retrying")
		if !backoff.Sleep(ctx, wait) {
			return ctx.Err()
		}
	}
}
