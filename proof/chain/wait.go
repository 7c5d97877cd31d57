package chain

import (
	"context"
	"testing"
	"time"

	"github.com/umli/umli/mediation"
)

// WaitFor polls cond until it holds; the deadline only guards against a hang, it is not
// a performance assertion.
func WaitFor(tb testing.TB, what string, limit time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("gave up waiting for %s after %v", what, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Drain waits until every mediator has numbered and queued what it took.
func Drain(ctx context.Context, meds ...*mediation.Mediator) error {
	for _, m := range meds {
		if err := m.Drain(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Await is WaitFor without failing: it reports whether cond held before limit, so the
// caller can go on to name what is missing.
func Await(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}
