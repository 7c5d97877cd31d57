package backoff

import (
	"context"
	"testing"
	"time"
)

const ms = time.Millisecond

// TestNextSequence pins the ceilings (doubling from Min, capped at Max) and where
// in [(1−Jitter)·c, c] a wait falls, with the random draw fixed at its extremes.
func TestNextSequence(t *testing.T) {
	tests := []struct {
		name string
		p    Policy
		draw func(n int64) int64
		want []time.Duration
	}{
		{"no jitter doubles to max", Policy{Min: 10 * ms, Max: 80 * ms}, nil,
			[]time.Duration{10 * ms, 20 * ms, 40 * ms, 80 * ms, 80 * ms, 80 * ms}},
		{"full jitter, lowest draw floors at 1ms", Policy{Min: 10 * ms, Max: 40 * ms, Jitter: 1}, func(int64) int64 { return 0 },
			[]time.Duration{Floor, Floor, Floor, Floor}},
		{"full jitter, highest draw is the ceiling", Policy{Min: 10 * ms, Max: 40 * ms, Jitter: 1}, func(n int64) int64 { return n - 1 },
			[]time.Duration{10 * ms, 20 * ms, 40 * ms, 40 * ms}},
		{"jitter 0.5, lowest draw is half the ceiling", Policy{Min: 10 * ms, Max: 40 * ms, Jitter: 0.5}, func(int64) int64 { return 0 },
			[]time.Duration{5 * ms, 10 * ms, 20 * ms, 20 * ms}},
		{"max below min is raised to min", Policy{Min: 30 * ms, Max: 10 * ms}, nil,
			[]time.Duration{30 * ms, 30 * ms}},
		{"zero min waits the floor", Policy{}, nil,
			[]time.Duration{Floor, Floor}},
		{"jitter above 1 is clamped", Policy{Min: 10 * ms, Max: 10 * ms, Jitter: 7}, func(int64) int64 { return 0 },
			[]time.Duration{Floor}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := New(tc.p)
			if tc.draw != nil {
				b.draw = tc.draw
			}
			for i, want := range tc.want {
				if got := b.Next(); got != want {
					t.Fatalf("wait %d = %v, want %v", i, got, want)
				}
			}
		})
	}
}

// TestNextBounds: with the real random source every wait lies in
// [max(Floor, (1−Jitter)·c), c], and Reset returns to the first ceiling.
func TestNextBounds(t *testing.T) {
	for _, j := range []float64{0, 0.2, 0.5, 1} {
		b := New(Policy{Min: 8 * ms, Max: 64 * ms, Jitter: j})
		for round := range 2 {
			c := 8 * ms
			for i := range 200 {
				w := b.Next()
				lo := max(Floor, c-time.Duration(j*float64(c)))
				if w < lo || w > c {
					t.Fatalf("jitter %v round %d wait %d = %v, want in [%v, %v]", j, round, i, w, lo, c)
				}
				c = min(2*c, 64*ms)
			}
			b.Reset()
		}
	}
}

// TestSleep: a cancelled context ends the wait early and reports it.
func TestSleep(t *testing.T) {
	if !Sleep(context.Background(), ms) {
		t.Fatal("Sleep with a live context reported an interrupted wait")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Sleep(ctx, time.Hour) {
		t.Fatal("Sleep with a cancelled context reported a completed wait")
	}
}
