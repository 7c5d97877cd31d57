package email

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// collector keeps every record a machine emits.
type collector struct{ recs []*record.Record }

func (c *collector) emit(r *record.Record) { c.recs = append(c.recs, r) }

// step is one chunk of a transcript.
type step struct {
	dir  Direction
	data string
}

func c(s string) step { return step{FromClient, s} }
func s(s string) step { return step{FromServer, s} }

var testInfo = SessionInfo{
	Source: "mail-1",
	Client: netip.MustParseAddrPort("192.0.2.10:40000"),
	Server: netip.MustParseAddrPort("198.51.100.5:110"),
	Key:    "sess",
}

// feed runs a transcript through a fresh machine and ends the session.
func feed(t *testing.T, proto Protocol, opts Options, steps []step) []*record.Record {
	t.Helper()
	col := &collector{}
	m, err := New(proto, testInfo, col.emit, opts)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for _, st := range steps {
		m.Feed(st.dir, []byte(st.data), now)
	}
	m.End(now)
	return col.recs
}

// describe renders a record in one line for sequence assertions.
func describe(r *record.Record) string {
	switch {
	case r.EmailIRI != nil:
		return "IRI " + testmail.IRI(r)
	case r.EmailCC != nil:
		dir := "from-target"
		if r.Direction == etsi.DirectionToTarget {
			dir = "to-target"
		}
		return fmt.Sprintf("CC %s %s %q", testmail.BoundaryName(r.Boundary), dir, r.EmailCC.Content)
	}
	return "?"
}

func describeAll(recs []*record.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = describe(r)
	}
	return out
}

// assertSequence compares the described records with want, line by line.
func assertSequence(t *testing.T, recs []*record.Record, want []string) {
	t.Helper()
	got := describeAll(recs)
	if strings.Join(got, "\n") == strings.Join(want, "\n") {
		return
	}
	for i := 0; i < max(len(got), len(want)); i++ {
		g, w := "<none>", "<none>"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		mark := "  "
		if g != w {
			mark = "!!"
		}
		t.Logf("%s %2d got  %s", mark, i, g)
		if g != w {
			t.Logf("%s %2d want %s", mark, i, w)
		}
	}
	t.Fatalf("record sequence differs (%d got, %d want)", len(got), len(want))
}

// iris returns the IRI records only.
func iris(recs []*record.Record) []*record.Record {
	var out []*record.Record
	for _, r := range recs {
		if r.EmailIRI != nil {
			out = append(out, r)
		}
	}
	return out
}

func ccq(b record.Boundary, dir etsi.PayloadDirection, content string) string {
	return describe(&record.Record{Boundary: b, Direction: dir, EmailCC: &etsi.EmailCC{Content: []byte(content)}})
}

func iriq(b record.Boundary, ev etsi.EmailEvent, st etsi.EmailStatus) string {
	return describe(&record.Record{Boundary: b, EmailIRI: &etsi.EmailIRI{EventType: ev, Status: st}})
}

func hasIdentity(r *record.Record, kind record.IdentityKind, v string) bool {
	for _, id := range r.Identities {
		if id.Kind == kind && strings.EqualFold(id.Value, v) {
			return true
		}
	}
	return false
}

func testNow() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }

// The IRI descriptions most sessions share: the logon, and the logoff with the
// client's logout answered (succeeded) or the session ending without one (unknown).
var (
	logonOK       = iriq(record.Open, etsi.EmailLogon, etsi.EmailStatusSucceeded)
	logoffOK      = iriq(record.Close, etsi.EmailLogoff, etsi.EmailStatusSucceeded)
	logoffUnknown = iriq(record.Close, etsi.EmailLogoff, etsi.EmailStatusUnknown)
)

// eventCase is one protocol variant: a transcript, the IRI sequence it gives and,
// where the variant logs on, the username, password and (if not 0) result its
// first IRI's AAAInformation carries.
type eventCase struct {
	name       string
	opts       Options
	steps      []step
	want       []string
	user, pass string
	result     etsi.AAAResult
	// check, if set, asserts more on the IRI records and on all records.
	check func(t *testing.T, iri, recs []*record.Record)
}

// runEvents feeds each case through a fresh machine of proto.
func runEvents(t *testing.T, proto Protocol, tests []eventCase) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := feed(t, proto, tc.opts, tc.steps)
			iri := iris(recs)
			assertSequence(t, iri, tc.want)
			if tc.user != "" {
				user, pass, res := testmail.Login(iri[0].EmailIRI.AAAInformation)
				if user != tc.user || pass != tc.pass || (tc.result != 0 && res != tc.result) {
					t.Errorf("AAA login %q/%q %v, want %q/%q %v", user, pass, res, tc.user, tc.pass, tc.result)
				}
			}
			if tc.check != nil {
				tc.check(t, iri, recs)
			}
		})
	}
}
