package mediation

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"time"

	"github.com/umli/umli/mediation/warrant"
)

// windowStep is a control job in a worker's queue. With w set it ends w's LIID in the
// sequence (ne, ck): numbered and delivered by the worker that numbers that sequence's
// records, so the iRI-End comes after every record numbered before it and nothing is
// numbered for the LIID after it. With w nil it is a barrier: done once the worker has
// numbered everything queued before it.
type windowStep struct {
	w    *warrant.Warrant
	ck   string
	now  time.Time
	done chan struct{}
	// ended and err are set before done is closed.
	ended bool
	err   error
}

// endSequences delivers an iRI-End for w's LIID in every open sequence that carried IRI
// for it and returns how many. w's window is already marked closed.
func (m *Mediator) endSequences(ctx context.Context, w *warrant.Warrant, now time.Time) (int, error) {
	// After the barrier every record a worker numbered for the LIID is in a sequence
	// listed below, and workers number nothing more for it.
	if err := m.barrier(ctx); err != nil {
		return 0, err
	}
	nes, err := m.store.NetworkElements(ctx)
	if err != nil {
		return 0, err
	}
	var steps []*windowStep
	for _, ne := range nes {
		cks, err := m.store.OpenCorrelationKeys(ctx, ne)
		if err != nil {
			return 0, err
		}
		for _, ck := range cks {
			c := &windowStep{w: w, ck: ck, now: now, done: make(chan struct{})}
			if err := m.enqueueControl(ctx, m.shardOf(ne, ck), &job{ne: ne, ctl: c}); err != nil {
				return 0, err
			}
			steps = append(steps, c)
		}
	}
	n := 0
	var errs []error
	for _, c := range steps {
		select {
		case <-c.done:
		case <-ctx.Done():
			return n, ctx.Err()
		}
		if c.err != nil {
			errs = append(errs, c.err)
		} else if c.ended {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// barrier returns once every worker has numbered every record queued before the call.
func (m *Mediator) barrier(ctx context.Context) error {
	bs := make([]*windowStep, len(m.shards))
	for i, sh := range m.shards {
		bs[i] = &windowStep{done: make(chan struct{})}
		if err := m.enqueueControl(ctx, sh, &job{ctl: bs[i]}); err != nil {
			return err
		}
	}
	for _, b := range bs {
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (m *Mediator) enqueueControl(ctx context.Context, shard chan *job, j *job) error {
	select {
	case shard <- j:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("mediation: window close: %w", ctx.Err())
	}
}

// shardOf is the worker queue of the sequence (ne, ck).
func (m *Mediator) shardOf(ne, ck string) chan *job {
	return m.shards[maphash.String(m.seed, ne+"\x00"+ck)%uint64(len(m.shards))]
}

// control runs a control job in the worker; a window close goes on to the deliverer.
func (m *Mediator) control(ctx context.Context, j *job, numbered chan<- *stepped) {
	c := j.ctl
	if c.w == nil {
		close(c.done)
		return
	}
	e, ok, err := m.store.CloseLIID(ctx, j.ne, c.ck, m.tokenLIID(c.w.LIID), m.store.NewID(), c.now.UnixMilli())
	if ok && m.hooks.endNumbered != nil {
		m.hooks.endNumbered(c.w.LIID)
	}
	numbered <- &stepped{jobs: []*job{j}, end: e, endOK: ok, err: err}
}

// deliverEnd queues a window close's iRI-End and reports to the waiting closer.
func (m *Mediator) deliverEnd(ctx context.Context, st *stepped) {
	j := st.jobs[0]
	c := j.ctl
	defer close(c.done)
	if st.err != nil || !st.endOK {
		c.err = st.err
		return
	}
	jr, err := m.decodeRecord(st.end.Blob)
	if err != nil {
		m.log.Error().Err(err).Msg("window close record unreadable")
		return
	}
	d := m.newDelivery(1)
	d.ended = c.w
	d.add(st.end, &jr.Record, true)
	if !d.flush(ctx) {
		c.err = fmt.Errorf("mediation: iRI-End not queued (kept in the journal): %w", context.Cause(ctx))
		return
	}
	m.markDone(ctx, j.ne, st.end.ID)
	c.ended = true
}

// dropClosed removes from j the LIIDs whose window closed before j is numbered: numbers
// taken for them now would follow their iRI-End. It reports true when none is left; the
// job is then finished as dropped.
func (m *Mediator) dropClosed(j *job) bool {
	c := m.closedLIIDs.Load()
	if c == nil || len(*c) == 0 {
		return false
	}
	kept := j.liids[:0:0]
	for _, l := range j.liids {
		if (*c)[l] == nil {
			kept = append(kept, l)
		}
	}
	if len(kept) == len(j.liids) {
		return false
	}
	j.liids = kept
	if len(kept) > 0 {
		return false
	}
	m.met.dropped.WithLabelValues(dropWindowClosed).Inc()
	m.pending.Add(-1)
	j.releaseRecord()
	finish([]*job{j}, false)
	return true
}

// dropWindowClosed counts records whose every warrant's window closed between Submit and
// numbering.
const dropWindowClosed = "window_closed"
