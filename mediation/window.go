package mediation

import (
	"context"
	"strconv"
	"time"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/warrant"
)

// Window reasons, as audited.
const (
	windowDeactivated = "deactivated" // the warrant left the set (X1 DeactivateTask, expiry)
	windowEnded       = "ended"       // its EndTime passed
)

// windows tracks warrants whose window closed: their LIIDs get no further PDU, and
// their open sequences are ended by the sweeper. Only the guarded fields change.
type windows struct {
	// closed is copied on write so delivery reads it without a lock.
	closed map[string]bool
	// pending are closed warrants whose open sequences are still to be ended.
	pending []closing
	// timed are the warrants in force that have an EndTime.
	timed []*warrant.Warrant
	// all is the warrant set in force, by LIID.
	all map[string]*warrant.Warrant
}

type closing struct {
	w      *warrant.Warrant
	reason string
}

// isClosed reports whether liid's window closed (no further PDU for it).
func (m *Mediator) isClosed(liid string) bool {
	c := m.closedLIIDs.Load()
	return c != nil && (*c)[liid]
}

// setWindows records the warrant set now in force: LIIDs of the previous set that ws
// lacks are closed; a closed LIID that is back with a window not yet over is open again.
func (m *Mediator) setWindows(ws []*warrant.Warrant) {
	m.winMu.Lock()
	defer m.winMu.Unlock()
	now := m.now()
	in := make(map[string]bool, len(ws))
	m.win.timed = m.win.timed[:0]
	closed := make(map[string]bool, len(m.win.closed))
	for l := range m.win.closed {
		closed[l] = true
	}
	for _, w := range ws {
		in[w.LIID] = true
		if !w.End.IsZero() {
			m.win.timed = append(m.win.timed, w)
		}
		if closed[w.LIID] && (w.End.IsZero() || w.End.After(now)) {
			delete(closed, w.LIID)
		}
	}
	for l, w := range m.win.all {
		if !in[l] && !closed[l] {
			closed[l] = true
			m.win.pending = append(m.win.pending, closing{w: w, reason: windowDeactivated})
		}
	}
	// A window open again needs no end (the sequences keep it): drop it from the work.
	pending := m.win.pending[:0]
	for _, c := range m.win.pending {
		if closed[c.w.LIID] {
			pending = append(pending, c)
		}
	}
	m.win.pending = pending
	m.win.all = make(map[string]*warrant.Warrant, len(ws))
	for _, w := range ws {
		m.win.all[w.LIID] = w
	}
	m.win.closed = closed
	m.closedLIIDs.Store(&closed)
}

// closeWindows closes the windows whose EndTime passed and ends the open sequences of
// every closed window with an iRI-End for its LIID. What fails stays pending for the
// next sweep.
func (m *Mediator) closeWindows(ctx context.Context) {
	m.winMu.Lock()
	now := m.now()
	var ended []*warrant.Warrant
	for _, w := range m.win.timed {
		if !w.End.After(now) && !m.win.closed[w.LIID] {
			ended = append(ended, w)
		}
	}
	if len(ended) > 0 {
		closed := make(map[string]bool, len(m.win.closed)+len(ended))
		for l := range m.win.closed {
			closed[l] = true
		}
		for _, w := range ended {
			closed[w.LIID] = true
			m.win.pending = append(m.win.pending, closing{w: w, reason: windowEnded})
		}
		m.win.closed = closed
		m.closedLIIDs.Store(&closed)
	}
	work := m.win.pending
	m.win.pending = nil
	m.winMu.Unlock()
	if len(work) == 0 {
		return
	}
	var retry []closing
	for _, c := range work {
		if !m.isClosed(c.w.LIID) {
			continue // open again meanwhile
		}
		n, err := m.endSequences(ctx, c.w, now)
		if err != nil {
			m.log.Warn().Err(err).Str("liid", c.w.LIID).Msg("window close: ending open sequences")
			retry = append(retry, c)
			continue
		}
		m.log.Info().Str("liid", c.w.LIID).Str("reason", c.reason).Int("cins_closed", n).Msg("warrant window closed")
		if m.audit != nil {
			action := audit.ActionWindowClosed
			if _, err := m.audit.Append(audit.ActorSystem, action, map[string]string{
				"liid": c.w.LIID, "reason": c.reason, "cinsClosed": strconv.Itoa(n),
			}, "ok"); err != nil {
				m.log.Error().Err(err).Str("liid", c.w.LIID).Msg("audit: window close not recorded")
			}
		}
	}
	if len(retry) > 0 {
		m.winMu.Lock()
		m.win.pending = append(retry, m.win.pending...)
		m.winMu.Unlock()
	}
}

// endSequences delivers an iRI-End for w's LIID in every open sequence that carried IRI
// for it and returns how many.
func (m *Mediator) endSequences(ctx context.Context, w *warrant.Warrant, now time.Time) (int, error) {
	nes, err := m.store.NetworkElements(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ne := range nes {
		cks, err := m.store.OpenCorrelationKeys(ctx, ne)
		if err != nil {
			return n, err
		}
		for _, ck := range cks {
			e, ok, err := m.store.CloseLIID(ctx, ne, ck, w.LIID, m.store.NewID(), now.UnixMilli())
			if err != nil {
				return n, err
			}
			if !ok {
				continue
			}
			jr, err := decodeBlob(e.Blob)
			if err != nil {
				m.log.Error().Err(err).Msg("window close record unreadable")
				continue
			}
			d := m.newDelivery()
			d.ended = w
			d.add(e, &jr.Record, true)
			if !d.flush(ctx) {
				return n, ctx.Err()
			}
			m.markDone(ctx, ne, e.ID)
			n++
		}
	}
	return n, nil
}
