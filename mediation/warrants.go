package mediation

import (
	"errors"
	"fmt"

	"github.com/umli/umli/mediation/warrant"
)

// SetWarrants replaces the warrant set (for example from the X1 watcher, merged with the
// configuration's warrants by the caller). Records submitted afterwards are matched
// against the new set; open sequences keep their CINs and numbers. Warrants naming a
// destination that is not configured are left out and reported in the error (by LIID);
// the others take effect. A warrant that leaves the set gets no further PDU, and its
// open sequences get their iRI-End at the next sweep.
func (m *Mediator) SetWarrants(ws []*warrant.Warrant) error {
	var errs []error
	ok := make([]*warrant.Warrant, 0, len(ws))
	for _, w := range ws {
		switch {
		case m.cfg.Destinations[w.Destination] == nil:
			errs = append(errs, fmt.Errorf("warrant %s: destination %q is not configured", w.LIID, w.Destination))
		case w.Scope == warrant.ScopeIRICC && m.cfg.Destinations[w.Destination].HI3 == "":
			errs = append(errs, fmt.Errorf("warrant %s: scope iri+cc but destination %q has no hi3", w.LIID, w.Destination))
		case !warrant.ValidLIID(w.LIID):
			errs = append(errs, fmt.Errorf("warrant %q: LIID must be 1..25 printable ASCII characters without spaces", w.LIID))
		default:
			ok = append(ok, w)
		}
	}
	t, err := warrant.NewTable(ok)
	if err != nil {
		return errors.Join(append(errs, err)...) // the old set stays
	}
	m.table.Store(t)
	m.setWindows(ok) // a warrant that left the set gets its open CINs ended by the sweeper
	return errors.Join(errs...)
}

// Warrants returns the warrant set in force.
func (m *Mediator) Warrants() *warrant.Table { return m.table.Load() }
