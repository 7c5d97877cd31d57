package feed

import (
	"context"
	"time"

	"github.com/umli/umli/internal/backoff"
)

// Backoff paces reconnects (internal/backoff): waits double from Min up to Max,
// each drawn from [(1−Jitter)·ceiling, ceiling], so a flapping peer is never
// hammered and many clients do not redial in step.
type Backoff = backoff.Policy

// Session is one connect-and-serve attempt of a Reconnect loop. attempt counts
// from 0. connected reports that the session got far enough to reset the backoff;
// err is what ended it.
type Session func(ctx context.Context, attempt int) (connected bool, err error)

// Reconnect runs session until ctx ends, backing off by p after each failure.
// ended, if set, is told why each session ended and how long the wait is. It returns
// when ctx is cancelled; a feed client never gives up on its own, because the
// platform is expected to come back.
func Reconnect(ctx context.Context, p Backoff, session Session, ended func(err error, wait time.Duration)) {
	bo := backoff.New(p)
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
		if !backoff.Sleep(ctx, wait) {
			return
		}
	}
}
