package demo

import (
	"context"
	"fmt"
	"sync"

	"github.com/umli/umli/mediation/record"
)

// closeCounter passes records on and counts, per source, those that close a sequence,
// so a scenario knows when the calls it played have all been submitted.
type closeCounter struct {
	sink record.Sink

	mu      sync.Mutex
	closed  map[string]int
	changed chan struct{} // closed and replaced on every count
}

func newCloseCounter(sink record.Sink) *closeCounter {
	return &closeCounter{sink: sink, closed: map[string]int{}, changed: make(chan struct{})}
}

// Submit passes r on and counts it once the sink took it.
func (c *closeCounter) Submit(ctx context.Context, r *record.Record) error {
	if err := c.sink.Submit(ctx, r); err != nil {
		return err
	}
	if r.Boundary == record.Close {
		c.mu.Lock()
		c.closed[r.Source]++
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}
	return nil
}

// wait returns once source has closed n sequences.
func (c *closeCounter) wait(ctx context.Context, source string, n int) error {
	for {
		c.mu.Lock()
		got, ch := c.closed[source], c.changed
		c.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %d of %d calls ended: %w", source, got, n, ctx.Err())
		case <-ch:
		}
	}
}
