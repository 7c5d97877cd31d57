// Package capturetest holds what the rtpcapture tests share: a record.Sink that keeps
// what it is given, so tests can assert on the records a capture produced.
package capturetest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/umli/umli/mediation/record"
)

// Sink keeps every record submitted to it. It is safe for concurrent use.
type Sink struct {
	mu      sync.Mutex
	records []*record.Record
	changed chan struct{}
}

// NewSink returns an empty sink.
func NewSink() *Sink { return &Sink{changed: make(chan struct{})} }

// Submit implements record.Sink.
func (s *Sink) Submit(_ context.Context, r *record.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, r)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

// Records returns a copy of what was submitted so far.
func (s *Sink) Records() []*record.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.records)
}

// WaitFor blocks until cond holds for the records submitted so far, or ctx ends.
func (s *Sink) WaitFor(ctx context.Context, cond func([]*record.Record) bool) ([]*record.Record, error) {
	for {
		s.mu.Lock()
		recs := slices.Clone(s.records)
		ch := s.changed
		s.mu.Unlock()
		if cond(recs) {
			return recs, nil
		}
		select {
		case <-ctx.Done():
			return recs, fmt.Errorf("waiting for records (have %d): %w", len(recs), ctx.Err())
		case <-ch:
		}
	}
}

// WaitEnded blocks until the CC for id with content identifier cid has ended
// (end-of-sequence), or ctx ends, and returns the records submitted by then.
func (s *Sink) WaitEnded(ctx context.Context, id record.Identity, cid uint32) ([]*record.Record, error) {
	return s.WaitFor(ctx, func(r []*record.Record) bool { return Ended(CC(r, id, cid)) })
}

// CC returns the MessagingCC records whose Identities include id and whose content
// identifier is cid, in submission order.
func CC(recs []*record.Record, id record.Identity, cid uint32) []*record.Record {
	var out []*record.Record
	for _, r := range recs {
		if r.MessagingCC == nil || r.MessagingCC.ContentIdentifier == nil || *r.MessagingCC.ContentIdentifier != cid {
			continue
		}
		if slices.Contains(r.Identities, id) {
			out = append(out, r)
		}
	}
	return out
}

// Ended says whether the CC records end with end-of-sequence.
func Ended(cc []*record.Record) bool {
	return len(cc) > 0 && cc[len(cc)-1].MessagingCC.EndOfSequence
}

// Content concatenates the content of CC records with the given content type.
func Content(cc []*record.Record, contentType string) []byte {
	var out []byte
	for _, r := range cc {
		if r.MessagingCC.ContentType == contentType {
			out = append(out, r.MessagingCC.Content...)
		}
	}
	return out
}
