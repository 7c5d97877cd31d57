package email

import (
	"strings"
	"testing"

	"github.com/umli/umli/email/frame"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/record"
)

// tortureRun feeds a torture session through a fresh machine, each step whole or in
// chunks of the given size, and returns the records, the notices and the framing
// errors.
func tortureRun(t *testing.T, proto Protocol, ses testmail.Session, chunk int) ([]*record.Record, []Notice, []string) {
	t.Helper()
	col := &collector{}
	var notices []Notice
	opts := Options{MaxLine: ses.MaxLine, Notify: func(n Notice) { notices = append(notices, n) }}
	m, err := New(proto, testInfo, col.emit, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range ses.Steps {
		dir := FromServer
		if st.Client {
			dir = FromClient
		}
		for p := st.Data; len(p) > 0; {
			n := len(p)
			if chunk > 0 {
				n = min(n, chunk)
			}
			m.Feed(dir, p[:n], testNow())
			p = p[n:]
		}
	}
	m.End(testNow())
	var errs []string
	all, _ := m.(interface {
		FramingErrors() ([]*frame.Error, int)
	}).FramingErrors()
	for _, e := range all {
		errs = append(errs, e.Error())
	}
	return col.recs, notices, errs
}

// TestTortureSessions walks testdata/torture/{valid,invalid}/*.{smtp,pop3,imap}: every
// session gives the IRI its want lines list, and CC that is the exchange from the
// session's first command on, every byte once (B.5, C.3; doc.go), whatever the TCP
// chunking. A valid session has no framing error; an invalid one reports each error
// it holds naming what and where, and the first as a NoticeMalformed, while the rest
// of the session is still intercepted (the want lines after the bad bytes).
func TestTortureSessions(t *testing.T) {
	for _, proto := range []Protocol{SMTP, POP3, IMAP} {
		for _, dir := range []string{"valid", "invalid"} {
			for _, ses := range testmail.Torture(t, "testdata/torture", dir, proto.String()) {
				t.Run(dir+"/"+ses.Name, func(t *testing.T) {
					recs, notices, errs := tortureRun(t, proto, ses, 0)
					var got []string
					for _, r := range iris(recs) {
						got = append(got, testmail.TortureIRI(r))
					}
					client, server := testmail.CC(recs)
					cc := [2]string{client, server}
					if strings.Join(got, "\n") != strings.Join(ses.Want, "\n") {
						t.Errorf("IRI:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(ses.Want, "\n  "))
					}
					for i, client := range []bool{true, false} {
						if want := ses.Wire(client); cc[i] != string(want) {
							t.Errorf("CC of the %s: %q\nwant %q", []string{"client", "server"}[i], cc[i], want)
						}
					}
					if dir == "valid" && (len(errs) > 0 || len(notices) > 0 || len(ses.Errors) > 0) {
						t.Errorf("valid session: framing errors %q, notices %v, file expects %q", errs, notices, ses.Errors)
					}
					if dir == "invalid" {
						if len(ses.Errors) == 0 || len(errs) != len(ses.Errors) {
							t.Fatalf("framing errors %q, want %d: %q", errs, len(ses.Errors), ses.Errors)
						}
						for i, want := range ses.Errors {
							if !strings.Contains(errs[i], want) {
								t.Errorf("error %d %q does not say %q", i, errs[i], want)
							}
						}
						if len(notices) != 1 || notices[0].Kind != NoticeMalformed || notices[0].Reason != errs[0] || notices[0].Protocol != proto {
							t.Errorf("notices %+v, want one %s naming %q", notices, NoticeMalformed, errs[0])
						}
					}
					// The same records whatever the chunking.
					for _, chunk := range []int{1, 7} {
						again, _, errs2 := tortureRun(t, proto, ses, chunk)
						if a, b := strings.Join(describeAll(again), "\n"), strings.Join(describeAll(recs), "\n"); a != b {
							t.Errorf("chunks of %d: records differ:\n%s\nwhole:\n%s", chunk, a, b)
						}
						if strings.Join(errs2, "\n") != strings.Join(errs, "\n") {
							t.Errorf("chunks of %d: errors %q, whole %q", chunk, errs2, errs)
						}
					}
				})
			}
		}
	}
}
