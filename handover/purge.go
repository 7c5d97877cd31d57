package handover

import (
	"context"
	"time"
)

// purgeBatch is the most entries one purge script call examines, so Redis is never
// blocked long by a big backlog.
const purgeBatch = 500

// purgeLoop applies the age and size caps and samples queue depth every PurgeInterval
// while this instance holds the lease, connected to the LEMF or not.
func (s *stream) purgeLoop(ctx context.Context) {
	t := time.NewTicker(s.h.cfg.PurgeInterval)
	defer t.Stop()
	for {
		s.purge(ctx)
		s.shred(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purge runs the purge script until it reports nothing more to drop.
func (s *stream) purge(ctx context.Context) {
	for ctx.Err() == nil {
		r, err := s.h.scripts.purge.Run(ctx, s.h.rdb, []string{s.keys.lease, s.keys.sent, s.keys.stream},
			s.h.owner, s.dest.MaxBufferedAge.Milliseconds(), s.dest.MaxBufferedBytes, purgeBatch).Int64Slice()
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn().Err(err).Msg("purge: redis unavailable")
			}
			return
		}
		if len(r) != 7 || r[0] < 0 {
			return // lease lost: keepLease stops the sender
		}
		byAge, bySize, more, depth := r[1], r[2], r[4], r[5]
		if byAge > 0 {
			s.droppedAge.Add(byAge)
			s.met.droppedAge.Add(float64(byAge))
			s.log.Error().Int64("dropped", byAge).Dur("max_age", s.dest.MaxBufferedAge).Str("reason", ReasonMaxAge).
				Msg("DROPPED undelivered PDUs older than the maximum buffered age; the LEMF will see a gap")
		}
		if bySize > 0 {
			s.droppedBytes.Add(bySize)
			s.met.droppedBytes.Add(float64(bySize))
			s.log.Error().Int64("dropped", bySize).Int64("max_bytes", s.dest.MaxBufferedBytes).Str("reason", ReasonMaxBytes).
				Msg("DROPPED oldest undelivered PDUs beyond the maximum buffered bytes; the LEMF will see a gap")
		}
		s.depth.Store(depth)
		s.met.depth.Set(float64(depth))
		if more == 0 {
			return
		}
	}
}
