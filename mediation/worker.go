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
	// Numbering and queueing overlap: while one batch's PDUs go to handover, the next
	// batch is numbered. One deliverer per worker keeps the order of its batches.
	numbered := make(chan *stepped, 1)
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		for st := range numbered {
			if m.hooks.beforeDeliver != nil {
				m.hooks.beforeDeliver(st)
			}
			m.deliverStepped(ctx, st)
		}
	}()
	defer func() {
		close(numbered)
		<-delivered
	}()
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
			if batch[start].ctl != nil {
				m.control(ctx, batch[start], numbered)
				start++
				continue
			}
			end := start + 1
			for end < len(batch) && batch[end].ne == batch[start].ne && batch[end].ctl == nil {
				end++
			}
			if st := m.step(ctx, append([]*job(nil), batch[start:end]...)); st != nil {
				numbered <- st
			}
			start = end
		}
		clear(batch)
	}
}

// stepped is a batch of one network element's records after its session step, or a
// window close's iRI-End (jobs[0].ctl set).
type stepped struct {
	jobs  []*job
	steps []*session.Step
	ns    []session.Numbers
	err   error
	// end is the journaled iRI-End of a window close; endOK is false when there was none.
	end   session.Entry
	endOK bool
}

// step numbers records of one network element, retrying while Redis is unreachable. It
// returns nil when no record is left to number (their windows closed).
func (m *Mediator) step(ctx context.Context, jobs []*job) *stepped {
	if m.hooks.beforeStep != nil {
		m.hooks.beforeStep(jobs)
	}
	kept := jobs[:0]
	for _, j := range jobs {
		if !m.dropClosed(j) {
			kept = append(kept, j)
		}
	}
	if jobs = kept; len(jobs) == 0 {
		return nil
	}
	steps := make([]*session.Step, len(jobs))
	slab := make([]session.Step, len(jobs)) // one allocation for the batch's steps
	now := m.now()
	for i, j := range jobs {
		steps[i] = &slab[i]
		slab[i] = session.Step{
			NE: j.ne, CorrelationKey: j.r.CorrelationKey, Boundary: j.r.Boundary, Kind: j.kind,
			EventKey: j.r.EventKey, LIIDs: m.tokenLIIDs(j.liids), ID: m.store.NewID(), Blob: j.blob,
			CloseBlob: j.closeBlob, GenericCloseBlob: j.generic, Now: now, Claim: j.r.Claim,
			Skip: j.skip,
		}
	}
	st := &stepped{jobs: jobs, steps: steps}
	st.err = m.retry(ctx, "session_step", func() error {
		t0 := time.Now()
		var err error
		st.ns, err = m.store.StepBatch(ctx, steps)
		m.met.redis.WithLabelValues("session_step").Observe(time.Since(t0).Seconds())
		steps[0].Retry = true
		return err
	})
	return st
}

// deliverStepped queues the PDUs of a numbered batch in handover and hands its journal
// entries to the cleaner.
func (m *Mediator) deliverStepped(ctx context.Context, st *stepped) {
	if st.jobs[0].ctl != nil {
		m.deliverEnd(ctx, st)
		return
	}
	defer m.pending.Add(-int64(len(st.jobs)))
	if st.err != nil {
		for _, j := range st.jobs {
			j.releaseRecord() // a replay reads the journal's copy
		}
		finish(st.jobs, true)
		return // what the step numbered is in the journal for the next start
	}
	d := m.newDelivery(len(st.jobs))
	dups := 0
	for i, j := range st.jobs {
		if st.ns[i].Dup { // a peer instance numbered it: it delivers it
			dups++
			continue
		}
		if j.skip > 0 { // a gap: numbers spent, nothing to deliver
			m.auditGap(j, st.ns[i])
			continue
		}
		d.add(session.Entry{NE: j.ne, ID: st.steps[i].ID, Numbers: st.ns[i]}, &j.r, false)
	}
	m.countDups(dups)
	// The PDUs are bytes of their own now; a retry or a replay never reads the record.
	for _, j := range st.jobs {
		j.releaseRecord()
	}
	ok := d.flush(ctx)
	if ok {
		now := time.Now()
		for _, j := range st.jobs {
			m.met.queueing.Observe(now.Sub(j.submitted).Seconds())
		}
		for i, s := range st.steps {
			if !st.ns[i].Dup && s.Skip == 0 {
				m.markDone(ctx, s.NE, s.ID)
			}
		}
	}
	finish(st.jobs, !ok)
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
