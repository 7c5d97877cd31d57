package esl

import (
	"math/rand/v2"
	"time"
)

// Backoff is exponential backoff with full jitter: the n-th wait is uniform in
// [0, min(Max, Min·2^n)] (never below Min/2, so a flapping peer is not hammered).
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
