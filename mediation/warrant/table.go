package warrant

import (
	"fmt"
	"time"

	"github.com/umli/umli/mediation/record"
)

// DropReason says why a record matched no active warrant. It is a metric label, so it is
// a small fixed set and never carries the identity.
type DropReason string

// Drop reasons.
const (
	DropNone          DropReason = ""
	DropNoTarget      DropReason = "no_target"
	DropOutsideWindow DropReason = "outside_window"
	DropBadIdentity   DropReason = "bad_identity"
	DropCCNotInScope  DropReason = "cc_not_in_scope"
)

// Table is an immutable index from normalized identity to warrants. Build a new Table to
// change the warrant set; it is safe for concurrent readers.
type Table struct {
	byKey  map[string][]*Warrant
	byLIID map[string]*Warrant
}

// NewTable indexes warrants. Duplicate LIIDs and identities that do not normalize are
// refused (the error names the LIID, never the identity).
func NewTable(ws []*Warrant) (*Table, error) {
	t := &Table{byKey: make(map[string][]*Warrant), byLIID: make(map[string]*Warrant, len(ws))}
	var keys []string
	for _, w := range ws {
		if !ValidLIID(w.LIID) {
			return nil, fmt.Errorf("warrant %q: LIID must be 1..25 printable ASCII characters without spaces", w.LIID)
		}
		if _, dup := t.byLIID[w.LIID]; dup {
			return nil, fmt.Errorf("warrant %s: LIID defined twice", w.LIID)
		}
		t.byLIID[w.LIID] = w
		for i, id := range w.Targets {
			var err error
			keys, err = Keys(keys[:0], id)
			if err != nil {
				return nil, fmt.Errorf("warrant %s: target %d: %w", w.LIID, i+1, err)
			}
			for _, k := range keys {
				if !contains(t.byKey[k], w) {
					t.byKey[k] = append(t.byKey[k], w)
				}
			}
		}
	}
	return t, nil
}

// ValidLIID reports whether liid can be a lawfulInterceptionIdentifier here: 1..25
// printable ASCII characters without spaces (mediation's journal separates by spaces).
func ValidLIID(liid string) bool {
	if len(liid) < 1 || len(liid) > 25 {
		return false
	}
	for i := 0; i < len(liid); i++ {
		if liid[i] <= ' ' || liid[i] > '~' {
			return false
		}
	}
	return true
}

// Warrant returns the warrant with the given LIID, or nil.
func (t *Table) Warrant(liid string) *Warrant { return t.byLIID[liid] }

// Len is the number of warrants.
func (t *Table) Len() int { return len(t.byLIID) }

// Match appends to dst every warrant that one of ids names and that is active at ts, each
// once. When none is, it returns why: no target at all, targets but none active, or only
// identities that do not parse.
func (t *Table) Match(dst []*Warrant, ids []record.Identity, ts time.Time) ([]*Warrant, DropReason) {
	var buf [2]string
	var kb [96]byte
	sawTarget, sawBad := false, false
	n0 := len(dst)
	for _, id := range ids {
		// The common kinds without allocating a key string.
		if k, ok, err := appendKey(kb[:0], id); ok {
			if err != nil {
				sawBad = true
				continue
			}
			ws := t.byKey[string(k)]
			for _, w := range ws {
				sawTarget = true
				if w.Active(ts) && !contains(dst[n0:], w) {
					dst = append(dst, w)
				}
			}
			continue
		}
		keys, err := Keys(buf[:0], id)
		if err != nil {
			sawBad = true
			continue
		}
		for _, k := range keys {
			for _, w := range t.byKey[k] {
				sawTarget = true
				if w.Active(ts) && !contains(dst[n0:], w) {
					dst = append(dst, w)
				}
			}
		}
	}
	switch {
	case len(dst) > n0:
		return dst, DropNone
	case sawTarget:
		return dst, DropOutsideWindow
	case sawBad:
		return dst, DropBadIdentity
	default:
		return dst, DropNoTarget
	}
}

func contains(ws []*Warrant, w *Warrant) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// LIIDs returns every warrant's LIID, in no particular order.
func (t *Table) LIIDs() []string {
	out := make([]string, 0, len(t.byLIID))
	for l := range t.byLIID {
		out = append(out, l)
	}
	return out
}
