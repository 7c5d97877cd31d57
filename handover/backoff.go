package handover

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff yields exponentially growing, jittered waits; one per loop, not shared.
type backoff struct {
	cfg  Backoff
	cur  time.Duration
	rand *rand.Rand
}

func newBackoff(cfg Backoff, seed uint64) *backoff {
	return &backoff{cfg: cfg, rand: rand.New(rand.NewPCG(seed, uint64(time.Now().UnixNano())))}
}

// next returns the wait before the next attempt and doubles the base up to Max.
func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = b.cfg.Min
	} else {
		b.cur = min(b.cur*2, b.cfg.Max)
	}
	d := b.cur
	if j := b.cfg.Jitter; j > 0 {
		d = time.Duration(float64(d) * (1 - j + 2*j*b.rand.Float64()))
	}
	return max(d, time.Millisecond)
}

// reset starts over at Min after a success.
func (b *backoff) reset() { b.cur = 0 }

// sleepCtx waits d or until ctx ends; it reports whether the wait completed.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
