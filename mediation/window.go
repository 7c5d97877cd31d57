package mediation

import (
	"context"
	"maps"
	"strconv"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/warrant"
)

// Window reasons, as audited.
const (
	windowDeactivated = "deactivated" // the warrant left the set (X1 DeactivateTask, expiry)
	windowEnded       = "ended"       // its EndTime passed
)

// windows tracks warrants whose window closed: their LIIDs get no further number (what
// was numbered before is still delivered), and their open sequences are ended by the
// sweeper through the workers (windowclose.go). Only the guarded fields change.
type windows struct {
	// closed is copied on write so workers read it without a lock. It keeps the closed
	// warrant: records numbered before the close still need its destination.
	closed map[string]*warrant.Warrant
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

// isClosed reports whether liid's window closed (no further number for it).
func (m *Mediator) isClosed(liid string) bool { return m.closedWarrant(liid) != nil }

// closedWarrant is liid's warrant if its window closed, else nil.
func (m *Mediator) closedWarrant(liid string) *warrant.Warrant {
	c := m.closedLIIDs.Load()
	if c == nil {
		return nil
	}
	return (*c)[liid]
}

// setWindows records the warrant set now in force: LIIDs of the previous set that ws
// lacks are closed; a closed LIID that is back with a window not yet over is open again.
func (m *Mediator) setWindows(ws []*warrant.Warrant) {
	m.winMu.Lock()
	defer m.winMu.Unlock()
	now := m.now()
	in := make(map[string]bool, len(ws))
	m.win.timed = m.win.timed[:0]
	closed := maps.Clone(m.win.closed)
	if closed == nil {
		closed = map[string]*warrant.Warrant{}
	}
	for _, w := range ws {
		in[w.LIID] = true
		if !w.End.IsZero() {
			m.win.timed = append(m.win.timed, w)
		}
		if closed[w.LIID] != nil && (w.End.IsZero() || w.End.After(now)) {
			delete(closed, w.LIID)
		}
	}
	for l, w := range m.win.all {
		if !in[l] && closed[l] == nil {
			closed[l] = w
			m.win.pending = append(m.win.pending, closing{w: w, reason: windowDeactivated})
		}
	}
	// A window open again needs no end (the sequences keep it): drop it from the work.
	pending := m.win.pending[:0]
	for _, c := range m.win.pending {
		if closed[c.w.LIID] != nil {
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
		if !w.End.After(now) && m.win.closed[w.LIID] == nil {
			ended = append(ended, w)
		}
	}
	if len(ended) > 0 {
		closed := make(map[string]*warrant.Warrant, len(m.win.closed)+len(ended))
		maps.Copy(closed, m.win.closed)
		for _, w := range ended {
			closed[w.LIID] = w
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
		m.rotateDataKeys(ctx, c.w.Destination)
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
