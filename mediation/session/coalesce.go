package session

import (
	"context"
	"fmt"
)

// Concurrent steps of one network element share script calls (group commit): while
// maxInFlight calls for the network element are in flight, further StepBatch calls wait,
// and when one returns they all go in the next call together, in arrival order. Nothing
// waits for a timer: a step goes out at once while fewer calls are in flight (a few
// concurrent callers, such as mediation's workers, keep their own round trips); under
// load one round trip numbers everything that arrived meanwhile. Each caller gets exactly
// its own records' numbers; records of one caller stay in order and contiguous.

// maxInFlight is how many script calls of one network element may be in flight before
// further calls wait to be coalesced.
const maxInFlight = 2

// lane is one network element's queue of waiting calls; guarded by Store.mu.
type lane struct {
	inFlight int     // script calls running
	waiting  []*call // calls that arrived meanwhile, in order
}

// call is one StepBatch waiting for its numbers, or to lead the next script call.
type call struct {
	steps []*Step
	ns    []Numbers
	err   error
	// group is set, before wake, when this call is to run the next script call for the
	// calls in it (itself first); otherwise wake means ns and err are set.
	group []*call
	wake  chan struct{}
}

// StepBatch numbers several records of one network element in one round trip, in order
// (records of one sequence see each other's effects). Concurrent calls for the same
// network element are coalesced into one script call (see lane); Now is then the first
// waiting call's, and a retried step makes the whole call look for earlier results by id.
func (s *Store) StepBatch(ctx context.Context, steps []*Step) ([]Numbers, error) {
	if len(steps) == 0 {
		return nil, nil
	}
	ne := steps[0].NE
	if !ValidNE(ne) {
		return nil, ErrBadNE
	}
	for _, st := range steps {
		if st.NE != ne {
			return nil, fmt.Errorf("session: batch mixes network elements")
		}
	}
	if err := s.register(ctx, ne); err != nil {
		return nil, err
	}
	c := &call{steps: steps}
	s.mu.Lock()
	l := s.lanes[ne]
	if l == nil {
		l = &lane{}
		s.lanes[ne] = l
	}
	if l.inFlight < maxInFlight {
		l.inFlight++
		s.mu.Unlock()
		s.lead(ctx, ne, l, []*call{c})
		return c.ns, c.err
	}
	c.wake = make(chan struct{}, 1)
	l.waiting = append(l.waiting, c)
	s.mu.Unlock()
	select {
	case <-c.wake:
	case <-ctx.Done():
		s.mu.Lock()
		for i, w := range l.waiting {
			if w == c { // not taken yet: leave
				l.waiting = append(l.waiting[:i], l.waiting[i+1:]...)
				s.mu.Unlock()
				return nil, fmt.Errorf("session: step: %w", ctx.Err())
			}
		}
		s.mu.Unlock()
		<-c.wake // taken into a call already: it runs to its end (bounded by the client's timeouts)
	}
	if c.group != nil {
		s.lead(ctx, ne, l, c.group)
	}
	return c.ns, c.err
}

// lead runs one script call for group, hands every call its results, and passes its
// place in the lane on to the calls that arrived meanwhile, led by the first of them.
func (s *Store) lead(ctx context.Context, ne string, l *lane, group []*call) {
	steps := group[0].steps
	retry := group[0].steps[0].Retry
	if len(group) > 1 {
		n := 0
		for _, c := range group {
			n += len(c.steps)
		}
		steps = make([]*Step, 0, n)
		for _, c := range group {
			steps = append(steps, c.steps...)
			retry = retry || c.steps[0].Retry
		}
	}
	if len(group) > 1 && ctx.Err() != nil {
		// The leader gave up, the others did not: their call still runs.
		ctx = context.WithoutCancel(ctx)
	}
	ns, err := s.runSteps(ctx, ne, steps, retry)
	s.mu.Lock()
	next := l.waiting
	l.waiting = nil
	if len(next) == 0 {
		l.inFlight--
	}
	s.mu.Unlock()
	if len(next) > 0 {
		next[0].group = next
		next[0].wake <- struct{}{}
	}
	off := 0
	for i, c := range group {
		if err == nil {
			c.ns = ns[off : off+len(c.steps) : off+len(c.steps)]
			off += len(c.steps)
		} else {
			c.err = err
		}
		if i > 0 {
			c.wake <- struct{}{}
		}
	}
}
