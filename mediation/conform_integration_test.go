package mediation_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
)

// TestFieldAdjustedIRIDelivered: an EmailIRI whose IMAP username (70 octets) and
// e-mail-Sender (300 octets with invalid UTF-8) break their SIZE and character
// constraints is not dropped: it reaches the LEMF with both fields conformed by their
// rules, umli_field_adjustments_total counts each adjustment, and the audit log has a
// FieldAdjusted entry per adjustment that names the field and never its content.
func TestFieldAdjustedIRIDelivered(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	s, _, _, stop := startAuditedSystem(t, path)

	user := "imap-login-" + strings.Repeat("x", 59) // 70 octets
	sender := "\xff\xfe" + strings.Repeat("s", 298) // 300 octets, invalid UTF-8 first
	mail := rec(bobID, "imap-1", record.Standalone, "")
	mail.EmailIRI = &etsi.EmailIRI{EventType: etsi.EmailLogon, ProtocolID: etsi.ProtocolIMAP4, Status: etsi.EmailStatusSucceeded,
		Sender:         &sender,
		AAAInformation: &etsi.AAAInformation{IMAP: &etsi.IMAPAAAInformation{Username: user, Result: etsi.Ptr(etsi.AAASucceeded)}}}
	s.submit(mail)
	s.drain()
	s.waitLEMF(1, 0)

	const userPath = "emailIRI.aAAInformation.iMAPAAAInformation.username"
	const senderPath = "emailIRI.e-mail-Sender"
	for _, c := range []struct{ field, rule string }{
		{userPath, "truncated"}, {senderPath, "utf8-replaced"}, {senderPath, "truncated"},
	} {
		if got := s.metric("umli_field_adjustments_total", "field", c.field, "rule", c.rule); got != 1 {
			t.Errorf("umli_field_adjustments_total{field=%q,rule=%q} = %v, want 1", c.field, c.rule, got)
		}
	}
	if mail.EmailIRI.AAAInformation.IMAP.Username != user || *mail.EmailIRI.Sender != sender {
		t.Error("mediation changed the submitted record instead of its PDU's copy")
	}

	got := s.received()
	st := pducheck.Stream{LIID: "A-CC", NE: "um-1", CIN: 1}
	if n := got.Count(st); n != 1 {
		t.Fatalf("%v: %d PDUs, want 1 (%v)", st, n, keys(got))
	}
	p, err := got.Decoded(st, 0)
	if err != nil {
		t.Fatal(err)
	}
	e := p.Payload.IRI[0].Contents.EmailIRI
	if u := e.AAAInformation.IMAP.Username; u != user[:64] {
		t.Errorf("username %q, want the first 64 octets %q", u, user[:64])
	}
	// U+FFFD (3 octets) for the invalid run, then 's' up to 255 octets.
	if want := "\uFFFD" + strings.Repeat("s", 252); *e.Sender != want {
		t.Errorf("e-mail-Sender %q (%d octets), want %q", *e.Sender, len(*e.Sender), want)
	}
	stop()

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "imap-login") || strings.Contains(string(raw), "sss") {
		t.Fatal("audit log contains field content")
	}
	var adj []audit.Entry
	for _, en := range readAudit(t, path) {
		if en.Action == audit.ActionFieldAdjusted {
			adj = append(adj, en)
		}
	}
	if len(adj) != 3 {
		t.Fatalf("%d FieldAdjusted entries, want 3: %+v", len(adj), adj)
	}
	for i, want := range []struct{ field, rule string }{
		{senderPath, "utf8-replaced"}, {senderPath, "truncated"}, {userPath, "truncated"},
	} {
		d := adj[i].Detail
		if d["liid"] != "A-CC" || d["ne"] != "um-1" || d["cin"] != "1" || d["seq"] != "0" || d["field"] != want.field || d["rule"] != want.rule {
			t.Errorf("entry %d detail %v, want liid A-CC ne um-1 cin 1 seq 0 field %s rule %s", i, d, want.field, want.rule)
		}
	}
}

// TestRecordTimeBefore1970Substituted: MicroSecondTimeStamp seconds count from 1970
// (INTEGER (0..)), and no UM or mail event predates it. A record stamped 1970-01-01
// 00:00:00 exactly keeps its time, so it lies outside the warrant's window and is dropped
// as such; one stamped a second earlier is not dropped and does not wrap: it is delivered
// at mediation time, umli_field_adjustments_total counts {field="record.time",
// rule="substituted"} once, and the audit log says so for its LIID.
func TestRecordTimeBefore1970Substituted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	s, _, _, stop := startAuditedSystem(t, path)
	logon := func(ck string, at time.Time) *record.Record {
		r := rec(bobID, ck, record.Standalone, "")
		r.Time = at
		r.EmailIRI = &etsi.EmailIRI{EventType: etsi.EmailLogon, ProtocolID: etsi.ProtocolIMAP4, Status: etsi.EmailStatusSucceeded}
		return r
	}
	epoch := time.Unix(0, 0).UTC()
	s.submit(logon("imap-epoch", epoch))
	before := time.Now()
	s.submit(logon("imap-1969", epoch.Add(-time.Second)))
	s.drain()
	s.waitLEMF(1, 0)
	after := time.Now()

	if got := s.metric("umli_field_adjustments_total", "field", "record.time", "rule", "substituted"); got != 1 {
		t.Errorf(`umli_field_adjustments_total{field="record.time",rule="substituted"} = %v, want 1`, got)
	}
	if got := s.metric("umli_mediation_records_dropped_total", "reason", "outside_window"); got != 1 {
		t.Errorf(`umli_mediation_records_dropped_total{reason="outside_window"} = %v, want 1 (the 1970-01-01 record)`, got)
	}
	got := s.received()
	if len(keys(got)) != 1 {
		t.Fatalf("streams %v, want only the substituted record's", keys(got))
	}
	for cin, want := range map[uint32]struct {
		lo, hi time.Time
	}{1: {before.Add(-time.Second), after.Add(time.Second)}} {
		st := pducheck.Stream{LIID: "A-CC", NE: "um-1", CIN: cin}
		p, err := got.Decoded(st, 0)
		if err != nil {
			t.Fatalf("%v: %v (%v)", st, err, keys(got))
		}
		var at time.Time
		switch h := p.Header; {
		case h.MicroSecondTimeStamp != nil:
			if h.MicroSecondTimeStamp.Seconds > 1<<40 {
				t.Fatalf("%v: microSecondTimeStamp seconds %d: wrapped", st, h.MicroSecondTimeStamp.Seconds)
			}
			at = time.Unix(int64(h.MicroSecondTimeStamp.Seconds), int64(h.MicroSecondTimeStamp.MicroSeconds)*1000) //nolint:gosec // G115: checked just above
		case h.TimeStamp != nil:
			at = *h.TimeStamp
		default:
			t.Fatalf("%v: no time stamp", st)
		}
		if at.Before(want.lo) || at.After(want.hi) {
			t.Errorf("%v: time stamp %v, want within [%v, %v]", st, at, want.lo, want.hi)
		}
	}
	stop()

	var n int
	for _, en := range readAudit(t, path) {
		if en.Action != audit.ActionFieldAdjusted {
			continue
		}
		n++
		if d := en.Detail; d["liid"] != "A-CC" || d["ne"] != "um-1" || d["field"] != "record.time" || d["rule"] != "substituted" {
			t.Errorf("FieldAdjusted detail %v, want liid A-CC ne um-1 field record.time rule substituted", d)
		}
	}
	if n != 1 {
		t.Errorf("%d FieldAdjusted entries, want 1", n)
	}
}
