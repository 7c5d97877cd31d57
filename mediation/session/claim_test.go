package session

import (
	"context"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/record"
)

// TestClaimOncePerRecord: two instances number the same claimed records (active-active on
// one feed); each record is numbered by exactly one of them, the other gets Dup, no number
// is skipped, and the loser's journal stays empty.
func TestClaimOncePerRecord(t *testing.T) {
	srv := testredis.Start(t)
	a := newStore(t, srv.Addr, "a", time.Minute)
	b := newStore(t, srv.Addr, "b", time.Minute)
	ctx := context.Background()
	mk := func(s *Store, claim string, bnd record.Boundary) *Step {
		return &Step{NE: "ne1", CorrelationKey: "call1", Boundary: bnd, Kind: IRI, LIIDs: []string{"L1"},
			ID: s.NewID(), Blob: []byte("r"), GenericCloseBlob: []byte("g"), Now: time.Now(), Claim: claim}
	}
	plan := []struct {
		claim string
		bnd   record.Boundary
		first *Store
	}{
		{"ev1/0", record.Open, a},
		{"ev2/0", record.Continue, b},
		{"ev3/0", record.Continue, a},
		{"ev3/1", record.Continue, b}, // second record of one event: its own claim
		{"ev4/0", record.Close, b},
	}
	var seqs []uint32
	for i, p := range plan {
		other := a
		if p.first == a {
			other = b
		}
		won, err := p.first.Step(ctx, mk(p.first, p.claim, p.bnd))
		if err != nil {
			t.Fatal(err)
		}
		lost, err := other.Step(ctx, mk(other, p.claim, p.bnd))
		if err != nil {
			t.Fatal(err)
		}
		if won.Dup || !lost.Dup {
			t.Fatalf("record %d (%s): first Dup=%v, second Dup=%v; want false, true", i, p.claim, won.Dup, lost.Dup)
		}
		seqs = append(seqs, won.Seqs[0].Seq)
	}
	for i, s := range seqs {
		if s != uint32(i) {
			t.Fatalf("sequence numbers %v: want 0..%d without gap", seqs, len(seqs)-1)
		}
	}
	ja, _, err := a.Journal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	jb, _, err := b.Journal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ja)+len(jb) != len(plan) {
		t.Fatalf("journals hold %d+%d entries, want %d in all (no entry for a duplicate)", len(ja), len(jb), len(plan))
	}
	// An unclaimed step is numbered as before.
	n, err := a.Step(ctx, mk(a, "", record.Standalone))
	if err != nil || n.Dup {
		t.Fatalf("unclaimed step: %+v, %v", n, err)
	}
	ttl, err := a.rdb.PTTL(ctx, a.cinKey("ne1")+":c:ev1/0").Result()
	if err != nil || ttl <= 0 || ttl > DefaultClaimTTL {
		t.Fatalf("claim TTL %v, %v: want within (0, %v]", ttl, err, DefaultClaimTTL)
	}
}

// TestClaimRetryKeepsNumbers: a retried step (reply lost) finds its journal entry before the
// claim, so the winner of a claim is never told it lost it.
func TestClaimRetryKeepsNumbers(t *testing.T) {
	srv := testredis.Start(t)
	a := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	st := &Step{NE: "ne1", CorrelationKey: "c", Boundary: record.Open, Kind: IRI, LIIDs: []string{"L1"},
		ID: a.NewID(), Blob: []byte("r"), Now: time.Now(), Claim: "ev/0"}
	first, err := a.Step(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	st.Retry = true
	again, err := a.Step(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if again.Dup || again.CIN != first.CIN || again.Seqs[0] != first.Seqs[0] {
		t.Fatalf("retry got %+v, first %+v", again, first)
	}
}
