package handover

import (
	"context"
	"errors"
	"time"

	"github.com/umli/umli/internal/backoff"
)

// deliver dials the LEMF and runs sessions, redialling with backoff, until ctx ends or the
// lease is lost.
func (s *stream) deliver(ctx context.Context) {
	bo := backoff.New(s.dest.Backoff)
	addr := s.dest.addr(s.hi)
	first := true
	for ctx.Err() == nil {
		conn, err := s.dial(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn().Err(err).Msg("cannot reach LEMF; retrying")
				backoff.Sleep(ctx, bo.Next())
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
			bo.Reset()
		}
		backoff.Sleep(ctx, bo.Next())
	}
}
