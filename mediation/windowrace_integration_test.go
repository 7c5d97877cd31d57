package mediation_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

// gate holds the first call whose records include a Continue of correlation key ck
// until released, and reports when it holds.
type gate struct {
	ck      string
	once    sync.Once
	held    chan struct{}
	release chan struct{}
}

func newGate(ck string) *gate {
	return &gate{ck: ck, held: make(chan struct{}), release: make(chan struct{})}
}

func (g *gate) hook(rs []*record.Record) {
	for _, r := range rs {
		if r.CorrelationKey == g.ck && r.Boundary == record.Continue {
			g.once.Do(func() {
				close(g.held)
				<-g.release
			})
		}
	}
}

// await waits for ch; the deadline only guards against a hang.
func await[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(60 * time.Second):
		t.Fatalf("gave up waiting for %s", what)
		panic("unreachable")
	}
}

// windowRaceStreams are the IRI streams of alice's warrants in the first sequence.
var windowRaceStreams = []pducheck.Stream{
	{LIID: "A-CC", NE: "um-1", CIN: 1},
	{LIID: "B-IRI", NE: "um-1", CIN: 1},
}

// waitEnds waits until the LEMF holds an iRI-End in every stream.
func (s *system) waitEnds(streams []pducheck.Stream) {
	s.t.Helper()
	waitFor(s.t, "iRI-End of every closed LIID", func() bool {
		set, err := pducheck.ReadLEMF(s.lmDirs...)
		if err != nil {
			return false // a file being written
		}
		for _, st := range streams {
			found := false
			for seq := range set.PDUs[st] {
				p, err := set.Decoded(st, seq)
				if err == nil && len(p.Payload.IRI) > 0 && *p.Payload.IRI[0].IRIType == etsi.IRIEnd {
					found = true
				}
			}
			if !found {
				return false
			}
		}
		return true
	})
}

// checkStreams asserts that every stream holds exactly the IRI types want, numbered
// from 0 without a gap.
func checkStreams(t *testing.T, got *pducheck.Set, streams []pducheck.Stream, want []etsi.IRIType) {
	t.Helper()
	byStream := map[pducheck.Stream][]etsi.IRIType{}
	for _, st := range streams {
		byStream[st] = want
	}
	checkIRITypes(t, got, byStream)
}

// TestWindowCloseAfterNumberedRecord closes a window while a record numbered for it
// waits to be queued: the record is still delivered, and the iRI-End follows it, so
// the LEMF sees no gap.
func TestWindowCloseAfterNumberedRecord(t *testing.T) {
	g := newGate("race")
	endNumbered := make(chan string, 8)
	s := startSystemWith(t, time.Minute, func(m *mediation.Mediator) {
		mediation.SetTestHooks(m, mediation.TestHooks{
			BeforeDeliver: g.hook,
			EndNumbered:   func(liid string) { endNumbered <- liid },
		})
	})
	s.submitBox(aliceID, "race", record.Open, etsi.BoxConnect)
	waitFor(t, "iRI-Begin", func() bool { return s.iriAt() >= 2 })

	r := boxRec(aliceID, "race", record.Continue, etsi.BoxLogin)
	s.submit(r)
	await(t, "the Continue numbered and held before queueing", g.held)
	if err := s.med.SetWarrants([]*warrant.Warrant{s.warrant("C-LATER")}); err != nil {
		t.Fatal(err)
	}
	// The sweeper numbers an iRI-End while the Continue is still held.
	await(t, "an iRI-End numbered", endNumbered)
	close(g.release)
	s.waitEnds(windowRaceStreams)

	checkStreams(t, s.received(), windowRaceStreams, []etsi.IRIType{etsi.IRIBegin, etsi.IRIContinue, etsi.IRIEnd})
}

// TestWindowCloseBeforeNumbering closes a window while a record for it waits to be
// numbered: it is numbered for no closed LIID (dropped), the iRI-End takes the next
// number, and the sequence keeps the LIID marked closed.
func TestWindowCloseBeforeNumbering(t *testing.T) {
	g := newGate("late")
	s := startSystemWith(t, time.Minute, func(m *mediation.Mediator) {
		mediation.SetTestHooks(m, mediation.TestHooks{BeforeStep: g.hook})
	})
	s.submitBox(aliceID, "late", record.Open, etsi.BoxConnect)
	waitFor(t, "iRI-Begin", func() bool { return s.iriAt() >= 2 })

	r := boxRec(aliceID, "late", record.Continue, etsi.BoxLogin)
	var released atomic.Int32
	if err := s.med.SubmitRelease(t.Context(), r, func() { released.Add(1) }); err != nil {
		t.Fatal(err)
	}
	await(t, "the Continue held before numbering", g.held)
	if err := s.med.SetWarrants([]*warrant.Warrant{s.warrant("C-LATER")}); err != nil {
		t.Fatal(err)
	}
	close(g.release)
	s.waitEnds(windowRaceStreams)

	h, err := s.rdb.HGetAll(t.Context(), "umli:{um-1}:s:late").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"A-CC", "B-IRI"} {
		// Begin took 0, the End 1: nothing numbered after the close.
		if h["i:"+l] != "2" || !strings.Contains(h["x"], " "+l+" ") {
			t.Errorf("session after close: i:%s=%q x=%q, want 2 and %s closed", l, h["i:"+l], h["x"], l)
		}
	}
	if d := s.metric("umli_mediation_records_dropped_total", "reason", "window_closed"); d != 1 {
		t.Errorf("record numbered after the close: dropped %v, want 1", d)
	}
	s.drain()
	if c := released.Load(); c != 1 {
		t.Errorf("record dropped at numbering: released %d times, want 1", c)
	}
	checkStreams(t, s.received(), windowRaceStreams, []etsi.IRIType{etsi.IRIBegin, etsi.IRIEnd})
}
