package chain

import (
	"fmt"

	"github.com/umli/umli/mediation/pducheck"
)

// Tally is what the LEMF's records add up to, checked against what was submitted.
type Tally struct {
	// Distinct is the number of distinct (stream, sequence number) pairs received.
	Distinct int
	// Resent is PDUs received more than once (identical bytes: at-least-once resends).
	Resent int
	// CINs is the number of distinct (network element, CIN) pairs.
	CINs int
}

// String renders the tally for test logs and closing notes.
func (t Tally) String() string {
	return fmt.Sprintf("%d distinct PDUs, %d resends, %d CINs", t.Distinct, t.Resent, t.CINs)
}

// Check reads set and returns an error naming the first broken delivery property:
// a sequence number reused with different bytes, a gap in a (LIID, CIN, IRI|CC) stream,
// a distinct PDU count other than want, or a CIN count other than cins (cins < 0 skips).
func Check(set *pducheck.Set, want, cins int) (Tally, error) {
	var t Tally
	ne := map[string]bool{}
	for st := range set.PDUs {
		t.Distinct += set.Count(st)
		ne[fmt.Sprintf("%s/%d", st.NE, st.CIN)] = true
	}
	t.CINs = len(ne)
	t.Resent = set.Total - t.Distinct
	if len(set.Reused) > 0 {
		return t, fmt.Errorf("%d sequence numbers reused with different PDUs, first %s", len(set.Reused), set.Reused[0])
	}
	if g := set.Gaps(); len(g) > 0 {
		return t, fmt.Errorf("%d sequence gaps, first %v", len(g), g[:min(len(g), 5)])
	}
	if t.Distinct != want {
		return t, fmt.Errorf("LEMF holds %d distinct PDUs, %d records were submitted", t.Distinct, want)
	}
	if cins >= 0 && t.CINs != cins {
		return t, fmt.Errorf("%d CINs for %d logical sessions", t.CINs, cins)
	}
	return t, nil
}
