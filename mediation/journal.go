package mediation

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// replay re-delivers this instance's journal: records numbered before a crash whose
// PDUs may not have reached the handover queue. Delivering one twice is harmless (the
// LEMF deduplicates by LIID, CIN and sequence number); missing one would be a gap.
func (m *Mediator) replay(ctx context.Context) error {
	entries, bad, err := m.store.Journal(ctx)
	if err != nil {
		return fmt.Errorf("mediation: replay journal: %w", err)
	}
	if len(bad) > 0 {
		drop := map[string][]string{}
		for k, perr := range bad {
			ne, id, _ := strings.Cut(k, "|")
			m.log.Error().Err(perr).Str("ne", ne).Str("entry", id).Msg("malformed journal entry dropped")
			drop[ne] = append(drop[ne], id)
		}
		if err := m.store.Done(ctx, drop); err != nil {
			return fmt.Errorf("mediation: drop malformed journal entries: %w", err)
		}
	}
	if len(entries) == 0 {
		return nil
	}
	m.log.Info().Int("entries", len(entries)).Msg("re-delivering journal from before a restart")
	// The cleaner is not running yet: collect and delete in one go.
	done := map[string][]string{}
	for _, e := range entries {
		jr, err := m.decodeRecord(e.Blob)
		if err != nil {
			m.log.Error().Err(err).Str("entry", e.ID).Msg("journal record unreadable; dropped")
			done[e.NE] = append(done[e.NE], e.ID)
			continue
		}
		if !m.deliver(ctx, e, &jr.Record, jr.Synthesized) {
			return ctx.Err()
		}
		m.met.replayed.Inc()
		done[e.NE] = append(done[e.NE], e.ID)
	}
	return m.retry(ctx, "journal_done", func() error { return m.store.Done(ctx, done) })
}

// cleaner deletes delivered journal entries in batches: one pipelined round trip per
// batch rather than one per record.
func (m *Mediator) cleaner(ctx context.Context) {
	const maxBatch = 512
	batch := map[string][]string{}
	n := 0
	flush := func(fctx context.Context) {
		if n == 0 {
			return
		}
		t0 := time.Now()
		err := m.retry(fctx, "journal_done", func() error { return m.store.Done(fctx, batch) })
		m.met.redis.WithLabelValues("journal_done").Observe(time.Since(t0).Seconds())
		if err != nil {
			return // entries stay; replayed (harmlessly) at the next start
		}
		batch, n = map[string][]string{}, 0
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case d, ok := <-m.done:
			if !ok {
				// Workers are gone: trim what was delivered, with a short grace period.
				fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
				flush(fctx)
				cancel()
				return
			}
			batch[d.ne] = append(batch[d.ne], d.id)
			if n++; n >= maxBatch {
				flush(ctx)
			}
		case <-tick.C:
			flush(ctx)
		}
	}
}
