package mediation

import (
	"context"
	"time"
)

// sweeper closes sequences idle for longer than the idle timeout, delivering the
// synthesized iRI-End. Every instance sweeps; the close script lets exactly one win.
func (m *Mediator) sweeper(ctx context.Context) {
	t := time.NewTicker(m.cfg.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.closeWindows(ctx)
			m.sweep(ctx)
		}
	}
}

func (m *Mediator) sweep(ctx context.Context) {
	nes, err := m.store.NetworkElements(ctx)
	if err != nil {
		m.log.Warn().Err(err).Msg("idle sweep")
		return
	}
	for _, ne := range nes {
		for {
			now := m.now()
			keys, err := m.store.IdleCandidates(ctx, ne, now, 256)
			if err != nil {
				m.log.Warn().Err(err).Msg("idle sweep")
				return
			}
			for _, ck := range keys {
				t0 := time.Now()
				e, ok, err := m.store.CloseIdle(ctx, ne, ck, m.store.NewID(), now)
				m.met.redis.WithLabelValues("idle_close").Observe(time.Since(t0).Seconds())
				if err != nil {
					m.log.Warn().Err(err).Msg("idle close")
					return
				}
				if !ok {
					continue
				}
				jr, err := m.decodeRecord(e.Blob)
				if err != nil {
					m.log.Error().Err(err).Msg("idle close record unreadable")
					continue
				}
				m.met.idleClosed.Inc()
				if m.deliver(ctx, e, &jr.Record, true) {
					m.markDone(ctx, ne, e.ID)
				}
			}
			if len(keys) < 256 || ctx.Err() != nil {
				break
			}
		}
	}
}
