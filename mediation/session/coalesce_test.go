package session

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/record"
)

// TestConcurrentStepsCoalesce: many callers stepping one sequence at once (their calls
// share script calls) each get their own records' numbers — the journal entry under each
// caller's id holds what that caller was told — and the sequence numbers are exactly
// 0..n-1, each once, in each caller's own order.
func TestConcurrentStepsCoalesce(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	const callers, per = 20, 10
	type got struct {
		id  string
		seq uint32
		cin uint32
	}
	results := make([][]got, callers)
	var wg sync.WaitGroup
	for c := range callers {
		wg.Go(func() {
			for k := range per {
				var steps []*Step
				for range 1 + k%3 { // 1..3 records per call
					steps = append(steps, &Step{NE: "ne1", CorrelationKey: "k", Boundary: record.Continue, Kind: IRI,
						LIIDs: []string{"L1"}, ID: s.NewID(), Blob: []byte(fmt.Sprintf("c%d", c)), Now: time.Now()})
				}
				ns, err := s.StepBatch(ctx, steps)
				if err != nil {
					t.Error(err)
					return
				}
				for i, n := range ns {
					results[c] = append(results[c], got{steps[i].ID, n.Seqs[0].Seq, n.CIN})
				}
			}
		})
	}
	wg.Wait()
	entries, bad, err := s.Journal(ctx)
	if err != nil || len(bad) > 0 {
		t.Fatalf("journal: %v %v", err, bad)
	}
	byID := map[string]Entry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	var seqs []int
	for c, rs := range results {
		for i, r := range rs {
			e, ok := byID[r.id]
			if !ok || e.Seqs[0].Seq != r.seq || e.CIN != r.cin || string(e.Blob) != fmt.Sprintf("c%d", c) {
				t.Fatalf("caller %d record %d: told seq %d cin %d, journal %+v", c, i, r.seq, r.cin, e)
			}
			if i > 0 && r.seq <= rs[i-1].seq {
				t.Fatalf("caller %d: seq %d after %d", c, r.seq, rs[i-1].seq)
			}
			if r.cin != results[0][0].cin {
				t.Fatalf("caller %d: CIN %d, want %d (one sequence)", c, r.cin, results[0][0].cin)
			}
			seqs = append(seqs, int(r.seq))
		}
	}
	sort.Ints(seqs)
	for i, q := range seqs {
		if q != i {
			t.Fatalf("sequence numbers %v: want 0..%d each once", seqs, len(seqs)-1)
		}
	}
}

// TestStepBatchRejects: input that cannot form one script call is refused up front.
func TestStepBatchRejects(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	for _, tc := range []struct {
		name  string
		steps []*Step
		want  string
	}{
		{"bad network element", []*Step{{NE: "a b", CorrelationKey: "k", Kind: IRI}}, "network element"},
		{"mixed network elements", []*Step{{NE: "ne1", CorrelationKey: "k", Kind: IRI}, {NE: "ne2", CorrelationKey: "k", Kind: IRI}}, "mixes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.StepBatch(context.Background(), tc.steps)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("StepBatch = %v, want an error naming %q", err, tc.want)
			}
		})
	}
}

// TestCancelledWaiterLeaves: a caller whose context ends while its call waits leaves
// without its numbers; everyone else's steps still run.
func TestCancelledWaiterLeaves(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		ctx := context.Background()
		if i%2 == 1 {
			ctx = cancelled
		}
		wg.Go(func() {
			_, errs[i] = s.Step(ctx, &Step{NE: "ne1", CorrelationKey: "k", Boundary: record.Continue, Kind: CC,
				LIIDs: []string{"L1"}, ID: s.NewID(), Blob: []byte("r"), Now: time.Now()})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if i%2 == 0 && err != nil {
			t.Fatalf("caller %d with a live context: %v", i, err)
		}
	}
	// The lane is idle again: a new step goes through at once.
	if _, err := s.Step(context.Background(), &Step{NE: "ne1", CorrelationKey: "k", Boundary: record.Continue, Kind: CC,
		LIIDs: []string{"L1"}, ID: s.NewID(), Blob: []byte("r"), Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// TestNewIDSortsInCreationOrder: ids are the start time and a zero-padded counter.
func TestNewIDSortsInCreationOrder(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	prev := ""
	for i := range 300 {
		if i == 100 {
			s.idSeq.Store(1<<40 - 250) // up to the largest ten-digit counter
		}
		id := s.NewID()
		if len(id) != len(s.idBase)+11 || !strings.HasPrefix(id, s.idBase+"-") || id <= prev {
			t.Fatalf("id %d %q after %q", i, id, prev)
		}
		prev = id
	}
}
