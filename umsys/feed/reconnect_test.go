package feed

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestReconnect: failed sessions are retried, a connected one resets the backoff,
// and cancelling ctx ends the loop.
func TestReconnect(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bo := Backoff{Min: time.Millisecond, Max: 4 * time.Millisecond}
	var attempts []int
	var ended []error
	boom := errors.New("boom")
	Reconnect(ctx, bo, func(ctx context.Context, attempt int) (bool, error) {
		attempts = append(attempts, attempt)
		if attempt == 3 {
			cancel()
			return true, ctx.Err()
		}
		return attempt == 1, boom
	}, func(err error, wait time.Duration) {
		ended = append(ended, err)
		if wait <= 0 {
			t.Errorf("wait %v", wait)
		}
	})
	if len(attempts) != 4 || attempts[3] != 3 {
		t.Fatalf("attempts %v", attempts)
	}
	if len(ended) != 3 || !errors.Is(ended[0], boom) {
		t.Fatalf("ended %v: the cancelled session must not be reported", ended)
	}
}
