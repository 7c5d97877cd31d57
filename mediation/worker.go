package mediation

import (
	"context"
	"time"

	"github.com/umli/umli/mediation/session"
)

// maxBatch is the most queued records one session step numbers together. Batches form
// only from records already waiting, so an idle system adds no latency.
const maxBatch = 64

func (m *Mediator) worker(ctx context.Context, jobs chan *job) {
	batch := make([]*job, 0, maxBatch)
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-jobs:
			batch = append(batch[:0], j)
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case j := <-jobs:
				batch = append(batch, j)
			default:
				break fill
			}
		}
		// One script call covers one network element (one hash slot).
		for start := 0; start < len(batch); {
			end := start + 1
			for end < len(batch) && batch[end].ne == batch[start].ne {
				end++
			}
			m.handle(ctx, batch[start:end])
			start = end
		}
		m.pending.Add(-int64(len(batch)))
		clear(batch)
	}
}

// handle numbers records of one network element (retrying while Redis is unreachable)
// and delivers them.
func (m *Mediator) handle(ctx context.Context, jobs []*job) {
	steps := make([]*session.Step, len(jobs))
	now := m.now()
	for i, j := range jobs {
		steps[i] = &session.Step{
			NE: j.ne, CorrelationKey: j.r.CorrelationKey, Boundary: j.r.Boundary, Kind: j.kind,
			EventKey: j.r.EventKey, LIIDs: j.liids, ID: m.store.NewID(), Blob: j.blob,
			CloseBlob: j.closeBlob, GenericCloseBlob: j.generic, Now: now,
		}
	}
	var ns []session.Numbers
	err := m.retry(ctx, "session_step", func() error {
		t0 := time.Now()
		var err error
		ns, err = m.store.StepBatch(ctx, steps)
		m.met.redis.WithLabelValues("session_step").Observe(time.Since(t0).Seconds())
		steps[0].Retry = true
		return err
	})
	if err != nil {
		finish(jobs, true)
		return // what the step numbered is in the journal for the next start
	}
	d := m.newDelivery()
	for i, j := range jobs {
		d.add(session.Entry{NE: j.ne, ID: steps[i].ID, Numbers: ns[i]}, &j.r, false)
	}
	ok := d.flush(ctx)
	if ok {
		for _, st := range steps {
			m.markDone(ctx, st.NE, st.ID)
		}
	}
	finish(jobs, !ok)
}

// finish wakes SubmitDurable callers.
func finish(jobs []*job, failed bool) {
	for _, j := range jobs {
		if j.done != nil {
			j.failed = failed
			close(j.done)
		}
	}
}

// markDone hands a delivered journal entry to the cleaner.
func (m *Mediator) markDone(ctx context.Context, ne, id string) {
	select {
	case m.done <- doneEntry{ne, id}:
	case <-ctx.Done():
	}
}
