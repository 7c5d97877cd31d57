// Package backoff paces retries and redials, the one backoff every loop in umli
// uses.
//
// The n-th wait (n from 0) has the ceiling c = min(Max, Min·2^n) and is drawn
// uniformly from [(1−Jitter)·c, c], never below 1 ms. Jitter 1 is "full jitter"
// (AWS, "Exponential Backoff and Jitter"): it spreads the redials of many clients
// of one recovering peer the most; Jitter 0 is plain doubling. A wait never
// exceeds the ceiling, so Max is a hard bound an operator can reason with.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Floor is the shortest wait Next returns, so a zero Min or full jitter never
// turns a retry loop into a busy loop.
const Floor = time.Millisecond

// Policy is the configuration: Min is the first ceiling, Max caps the ceiling,
// Jitter (0..1) is the fraction of the ceiling the wait may fall short of it.
type Policy struct {
	Min, Max time.Duration
	Jitter   float64
}

// Backoff is one loop's state; it is not safe for concurrent use (each loop has
// its own).
type Backoff struct {
	p    Policy
	ceil time.Duration
	// draw returns a uniform value in [0, n); tests replace it.
	draw func(n int64) int64
}

// New returns a Backoff at its first wait. Jitter outside 0..1 is clamped.
func New(p Policy) *Backoff {
	p.Jitter = min(max(p.Jitter, 0), 1)
	if p.Max < p.Min {
		p.Max = p.Min
	}
	// G404: jitter spreads redials; it is not a secret.
	return &Backoff{p: p, draw: rand.N[int64]} //nolint:gosec
}

// Next returns the wait before the next attempt and doubles the ceiling up to Max.
func (b *Backoff) Next() time.Duration {
	if b.ceil == 0 {
		b.ceil = b.p.Min
	} else if b.ceil < b.p.Max {
		b.ceil = min(2*b.ceil, b.p.Max)
	}
	c := b.ceil
	spread := time.Duration(b.p.Jitter * float64(c))
	d := c - spread
	if spread > 0 {
		d += time.Duration(b.draw(int64(spread) + 1))
	}
	return max(d, Floor)
}

// Reset starts over at Min, after a success.
func (b *Backoff) Reset() { b.ceil = 0 }

// Sleep waits d or until ctx ends; it reports whether the whole wait elapsed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
