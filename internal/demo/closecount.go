package demo

import (
	"context"
	"fmt"
	"sync"

	"github.com/umli/umli/mediation/record"
)

// closeCounter passes records on and counts, per source, those that close a sequence
// and the MessagingCC chunks that end a content stream, so a scenario knows when the
// calls it played have all been submitted.
type closeCounter struct {
	sink record.Sink

	mu      sync.Mutex
	closed  map[string]int
	ended   map[string]int
	changed chan struct{} // closed and replaced on every count
}

func newCloseCounter(sink record.Sink) *closeCounter {
	return &closeCounter{sink: sink, closed: map[string]int{}, ended: map[string]int{}, changed: make(chan struct{})}
}

// Submit passes r on and counts it once the sink took it.
func (c *closeCounter) Submit(ctx context.Context, r *record.Record) error {
	if err := c.sink.Submit(ctx, r); err != nil {
		return err
	}
	closes := r.Boundary == record.Close
	ends := r.MessagingCC != nil && r.MessagingCC.EndOfSequence
	if closes || ends {
		c.mu.Lock()
		if closes {
			c.closed[r.Source]++
		}
		if ends {
			c.ended[r.Source]++
		}
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	}
	return nil
}

// wait returns once source has closed n sequences.
func (c *closeCounter) wait(ctx context.Context, source string, n int) error {
	return c.waitFor(ctx, c.closed, source, n, "calls ended")
}

// waitEnded returns once source has ended n content streams.
func (c *closeCounter) waitEnded(ctx context.Context, source string, n int) error {
	return c.waitFor(ctx, c.ended, source, n, "content streams ended")
}

func (c *closeCounter) waitFor(ctx context.Context, counts map[string]int, source string, n int, what string) error {
	for {
		c.mu.Lock()
		got, ch := counts[source], c.changed
		c.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %d of %d %s: %w", source, got, n, what, ctx.Err())
		case <-ch:
		}
	}
}
