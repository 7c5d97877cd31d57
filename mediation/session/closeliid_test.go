package session

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

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

// TestClosedLIIDsOpenedBeforeUpgrade: a sequence opened by the previous format marks a
// closed LIID with a field x:<liid>. After the upgrade those marks still count: the idle
// close leaves the closed LIID out, a closed LIID stays closed for CloseLIID, and one
// that comes back goes on numbering and is ended again.
func TestClosedLIIDsOpenedBeforeUpgrade(t *testing.T) {
	for _, tc := range []struct {
		name string
		next []string // LIIDs of a record after the upgrade (none: no record)
		seqs string   // the new record's numbers
	}{
		{"no record after the upgrade", nil, ""},
		{"a record of the open LIID", []string{"L1"}, "[{L1 3}]"},
		{"the closed LIID comes back", []string{"L1", "L2"}, "[{L1 3} {L2 3}]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := testredis.Start(t)
			s := newStore(t, srv.Addr, "a", time.Minute)
			ctx := context.Background()
			t0 := time.Now()
			// As the previous step and close-LIID scripts left it: L1 and L2 had IRI 0..2,
			// L2's window closed (its End took 2).
			key, idle := s.sessionKey("ne1", "k"), s.idleKey("ne1")
			if err := s.rdb.HSet(ctx, key, "t", t0.UnixMilli(), "cin", 7, "b", 1, "i:L1", 3, "i:L2", 3,
				"g", "gen", "x:L2", "1").Err(); err != nil {
				t.Fatal(err)
			}
			if err := s.rdb.ZAdd(ctx, idle, redis.Z{Score: float64(t0.UnixMilli()), Member: "k"}).Err(); err != nil {
				t.Fatal(err)
			}
			if err := s.register(ctx, "ne1"); err != nil {
				t.Fatal(err)
			}
			if tc.next != nil {
				n, err := s.Step(ctx, &Step{NE: "ne1", CorrelationKey: "k", Boundary: record.Continue, Kind: IRI,
					LIIDs: tc.next, ID: s.NewID(), Blob: []byte("x"), GenericCloseBlob: []byte("gen"), Now: t0})
				if err != nil || n.CIN != 7 || fmt.Sprint(n.Seqs) != tc.seqs {
					t.Fatalf("step after the upgrade: %+v %v, want CIN 7 %s", n, err, tc.seqs)
				}
			}
			if h, err := s.rdb.HGetAll(ctx, key).Result(); tc.next != nil && (err != nil || h["x:L2"] != "" || h["x"] == "") {
				t.Fatalf("after the first record the marks are not in x: %v (%v)", h, err)
			}
			reopened := len(tc.next) == 2
			if _, ok, err := s.CloseLIID(ctx, "ne1", "k", "L2", s.NewID(), t0.UnixMilli()); err != nil || ok != reopened {
				t.Fatalf("CloseLIID of L2: ok %v (%v), want %v", ok, err, reopened)
			}
			// L2 stays out of the idle close: closed before the upgrade, or (back) closed
			// again just above, its End taking 4.
			ended := "[{L1 3}]"
			if tc.next != nil {
				ended = "[{L1 4}]"
			}
			e, ok, err := s.CloseIdle(ctx, "ne1", "k", s.NewID(), t0.Add(2*time.Minute))
			if err != nil || !ok || fmt.Sprint(e.Seqs) != ended || e.CIN != 7 {
				t.Fatalf("idle close: %+v %v %v, want CIN 7 %s", e, ok, err, ended)
			}
		})
	}
}
