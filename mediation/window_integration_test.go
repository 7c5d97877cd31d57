package mediation_test

import (
	"context"
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
	hi2 := func() int { sm := s.lm.Summary(); return sm.HI2.PDUs - sm.HI2.KeepAlives }
	step := func(b record.Boundary, ev etsi.MessagingBoxEvent) {
		r := rec(aliceID, "a1", b, "")
		r.MessagingIRI = boxIRI(ev, etsi.StatusOperationSucceeded)
		s.submit(r)
		if err := s.med.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	byLIID := map[string]*warrant.Warrant{}
	for _, w := range s.cfg.Warrants {
		byLIID[w.LIID] = w
	}

	step(record.Open, etsi.BoxConnect) // A-CC and B-IRI: iRI-Begin
	waitFor(t, "iRI-Begin", func() bool { return hi2() >= 2 })
	if err := s.med.SetWarrants([]*warrant.Warrant{byLIID["A-CC"], byLIID["C-LATER"]}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B-IRI's iRI-End", func() bool { return hi2() >= 3 })
	step(record.Continue, etsi.BoxLogin) // A-CC only

	ending := *byLIID["A-CC"]
	ending.End = time.Now().Add(time.Second)
	if err := s.med.SetWarrants([]*warrant.Warrant{&ending, byLIID["C-LATER"]}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "A-CC's iRI-End", func() bool { return hi2() >= 5 })
	step(record.Continue, etsi.BoxLogout) // after EndTime: dropped
	if d := s.metric("umli_mediation_records_dropped_total", "reason", string(warrant.DropOutsideWindow)); d != 1 {
		t.Errorf("record after EndTime: dropped %v, want 1", d)
	}

	got := s.received()
	if gaps := got.Gaps(); len(gaps) != 0 {
		t.Errorf("gaps %v", gaps)
	}
	want := map[pducheck.Stream][]etsi.IRIType{
		{LIID: "A-CC", NE: "um-1", CIN: 1}:  {etsi.IRIBegin, etsi.IRIContinue, etsi.IRIEnd},
		{LIID: "B-IRI", NE: "um-1", CIN: 1}: {etsi.IRIBegin, etsi.IRIEnd},
	}
	if len(got.PDUs) != len(want) {
		t.Fatalf("streams %v, want %v", keys(got), want)
	}
	for st, types := range want {
		if n := got.Count(st); n != len(types) {
			t.Errorf("%v: %d PDUs, want %d", st, n, len(types))
			continue
		}
		for seq, wt := range types {
			p, err := got.Decoded(st, uint32(seq))
			if err != nil {
				t.Fatal(err)
			}
			if it := *p.Payload.IRI[0].IRIType; it != wt {
				t.Errorf("%v seq %d: %v, want %v", st, seq, it, wt)
			}
		}
	}
}
