package handover

import (
	"context"
	"fmt"
	"time"
)

// acquire takes the stream's lease if nobody holds it (SET NX PX) or this instance still
// does (after a Redis restart or a lost renewal).
func (s *stream) acquire(ctx context.Context) (bool, error) {
	n, err := s.h.scripts.acquire.Run(ctx, s.h.rdb, []string{s.keys.lease}, s.h.owner, s.h.cfg.LeaseTTL.Milliseconds()).Int64()
	if err != nil {
		return false, fmt.Errorf("acquire lease %s: %w", s.keys.lease, err)
	}
	return n == 1, nil
}

// keepLease renews every TTL/3. It cancels the sender when another instance owns the lease,
// or when renewals failed for so long that the lease may have expired.
func (s *stream) keepLease(ctx context.Context, cancel context.CancelFunc) {
	ttl := s.h.cfg.LeaseTTL
	t := time.NewTicker(ttl / 3)
	defer t.Stop()
	lastOK := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		n, err := s.h.scripts.acquire.Run(ctx, s.h.rdb, []string{s.keys.lease}, s.h.owner, ttl.Milliseconds()).Int64()
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			if time.Since(lastOK) > ttl*2/3 {
				s.log.Warn().Err(err).Msg("cannot renew stream lease; stopping the sender")
				cancel()
				return
			}
			s.log.Warn().Err(err).Msg("renew stream lease")
		case n == 0:
			s.log.Warn().Msg("stream lease lost to another instance; stopping the sender")
			cancel()
			return
		default:
			lastOK = time.Now()
		}
	}
}

// release gives the lease up so another instance can take over at once.
func (s *stream) release(ctx context.Context) error {
	return s.h.scripts.release.Run(ctx, s.h.rdb, []string{s.keys.lease}, s.h.owner).Err()
}
