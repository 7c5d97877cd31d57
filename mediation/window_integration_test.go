package mediation_test

import (
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

// TestWarrantWindows closes windows without X1 (config-file warrants swapped by
// SetWarrants): a warrant leaving the set gets an iRI-End in the sequence it shares with
// another, which carries on numbering undisturbed; a warrant whose EndTime passes gets
// its iRI-End from mediation's sweeper, and the next record is dropped.
func TestWarrantWindows(t *testing.T) {
	s := startSystem(t, time.Minute)
	step := func(b record.Boundary, ev etsi.MessagingBoxEvent) {
		s.submitBox(aliceID, "a1", b, ev)
		s.drain()
	}

	step(record.Open, etsi.BoxConnect) // A-CC and B-IRI: iRI-Begin
	waitFor(t, "iRI-Begin", func() bool { return s.iriAt() >= 2 })
	if err := s.med.SetWarrants([]*warrant.Warrant{s.warrant("A-CC"), s.warrant("C-LATER")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B-IRI's iRI-End", func() bool { return s.iriAt() >= 3 })
	step(record.Continue, etsi.BoxLogin) // A-CC only

	ending := *s.warrant("A-CC")
	ending.End = time.Now().Add(time.Second)
	if err := s.med.SetWarrants([]*warrant.Warrant{&ending, s.warrant("C-LATER")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "A-CC's iRI-End", func() bool { return s.iriAt() >= 5 })
	step(record.Continue, etsi.BoxLogout) // after EndTime: dropped
	if d := s.metric("umli_mediation_records_dropped_total", "reason", string(warrant.DropOutsideWindow)); d != 1 {
		t.Errorf("record after EndTime: dropped %v, want 1", d)
	}

	got := s.received()
	want := map[pducheck.Stream][]etsi.IRIType{
		{LIID: "A-CC", NE: "um-1", CIN: 1}:  {etsi.IRIBegin, etsi.IRIContinue, etsi.IRIEnd},
		{LIID: "B-IRI", NE: "um-1", CIN: 1}: {etsi.IRIBegin, etsi.IRIEnd},
	}
	if len(got.PDUs) != len(want) {
		t.Fatalf("streams %v, want %v", keys(got), want)
	}
	checkIRITypes(t, got, want)
}
