package feed

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff is exponential backoff with jitter: the n-th wait is uniform in
// [Min/2, min(Max, Min·2^n)], so a flapping peer is never hammered.
type Backoff struct {
	// Min is the first ceiling; Max caps the ceiling.
	Min, Max time.Duration
	n        int
}

// Next returns the next wait and advances.
func (b *Backoff) Next() time.Duration {
	lo, hi := b.Min, b.Min
	for i := 0; i < b.n && hi < b.Max; i++ {
		hi *= 2
	}
	hi = min(hi, b.Max)
	b.n++
	if hi <= lo/2 {
		return hi
	}
	return lo/2 + rand.N(hi-lo/2+1)
}

// Reset starts over after a successful session.
func (b *Backoff) Reset() { b.n = 0 }

// Session is one connect-and-serve attempt of a Reconnect loop. attempt counts
// from 0. connected reports that the session got far enough to reset the backoff;
// err is what ended it.
type Session func(ctx context.Context, attempt int) (connected bool, err error)

// Reconnect runs session until ctx ends, waiting bo.Next() after each failure.
// ended, if set, is told why each session ended and how long the wait is. It returns
// when ctx is cancelled; a feed client never gives up on its own, because the
// platform is expected to come back.
func Reconnect(ctx context.Context, bo *Backoff, session Session, ended func(err error, wait time.Duration)) {
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			return
		}
		connected, err := session(ctx, attempt)
		if connected {
			bo.Reset()
		}
		if ctx.Err() != nil {
			return
		}
		wait := bo.Next()
		if ended != nil {
			ended(err, wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}
