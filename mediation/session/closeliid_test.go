package session

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// A LIID whose window closes gets one iRI-End; if it comes back while the sequence is
// still open it goes on numbering (never reusing a (LIID, CIN, seq)), and the idle close
// names only the LIIDs still in it.
func TestCloseLIIDKeepsNumbers(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	t0 := time.Now()
	step := func(liids ...string) Numbers {
		t.Helper()
		n, err := s.Step(ctx, &Step{NE: "ne1", CorrelationKey: "k", Boundary: record.Continue, Kind: IRI, LIIDs: liids,
			ID: s.NewID(), Blob: []byte("x"), GenericCloseBlob: []byte("gen"), Now: t0})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	first := step("L1", "L2")                                                   // L1=0 L2=0
	step("L1", "L2")                                                            // L1=1 L2=1
	e, ok, err := s.CloseLIID(ctx, "ne1", "k", "L2", s.NewID(), t0.UnixMilli()) // L2 End = 2
	if err != nil || !ok || e.IRIType != etsi.IRIEnd || fmt.Sprint(e.Seqs) != "[{L2 2}]" || e.CIN != first.CIN {
		t.Fatalf("close L2: %+v %v %v", e, ok, err)
	}
	if _, ok, err := s.CloseLIID(ctx, "ne1", "k", "L2", s.NewID(), t0.UnixMilli()); ok || err != nil {
		t.Fatalf("second close of L2: %v %v", ok, err)
	}
	if n := step("L1"); fmt.Sprint(n.Seqs) != "[{L1 2}]" {
		t.Fatalf("L1 after L2 closed: %v", n.Seqs)
	}
	// The sequence idles out with L2 closed: only L1 is ended.
	e, ok, err = s.CloseIdle(ctx, "ne1", "k", s.NewID(), t0.Add(2*time.Minute))
	if err != nil || !ok || fmt.Sprint(e.Seqs) != "[{L1 3}]" {
		t.Fatalf("idle close with L2 closed: %+v %v %v", e, ok, err)
	}

	// Re-activated while still open: L2 continues after its End.
	step("L1", "L2")
	if _, ok, err := s.CloseLIID(ctx, "ne1", "k", "L2", s.NewID(), t0.UnixMilli()); !ok || err != nil {
		t.Fatalf("close L2 in the new sequence: %v %v", ok, err)
	}
	if n := step("L1", "L2"); fmt.Sprint(n.Seqs) != "[{L1 1} {L2 2}]" {
		t.Fatalf("re-activated L2 reused a number: %v", n.Seqs)
	}
	e, ok, err = s.CloseIdle(ctx, "ne1", "k", s.NewID(), t0.Add(4*time.Minute))
	if err != nil || !ok || fmt.Sprint(e.Seqs) != "[{L1 2} {L2 3}]" {
		t.Fatalf("idle close after re-activation: %+v %v %v", e, ok, err)
	}
}
