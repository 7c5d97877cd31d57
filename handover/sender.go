package handover

import (
	"context"
	"errors"
	"time"
)

// deliver dials the LEMF and runs sessions, redialling with backoff, until ctx ends or the
// lease is lost.
func (s *stream) deliver(ctx context.Context) {
	bo := newBackoff(s.dest.Backoff, s.seed+2)
	addr := s.dest.addr(s.hi)
	first := true
	for ctx.Err() == nil {
		conn, err := s.dial(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn().Err(err).Msg("cannot reach LEMF; retrying")
				sleepCtx(ctx, bo.next())
			}
			continue
		}
		if !first {
			s.reconnects.Add(1)
			s.met.reconnects.Inc()
		}
		first = false
		s.connected.Store(true)
		s.log.Info().Str("addr", addr).Msg("connected to LEMF")
		started := time.Now()
		err = s.session(ctx, conn)
		s.connected.Store(false)
		if ctx.Err() != nil || errors.Is(err, errLeaseLost) {
			return
		}
		s.log.Warn().Err(err).Str("addr", addr).Msg("LEMF connection torn down; redialling")
		if time.Since(started) > s.dest.Backoff.Max {
			bo.reset()
		}
		sleepCtx(ctx, bo.next())
	}
}
