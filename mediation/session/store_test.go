package session

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

func newStore(t testing.TB, addr, instance string, idle time.Duration) *Store {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = rdb.Close() })
	s, err := New(rdb, Config{Instance: instance, IdleTimeout: idle})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type stepCase struct {
	ck   string
	b    record.Boundary
	kind Kind
	ekey string
	// want
	cin   int // index into CINs seen in this test: same index = same CIN
	itype etsi.IRIType
	ev    uint32
	seq   uint32
}

func TestIRITypeRules(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	steps := []stepCase{
		{"s1", record.Open, IRI, "", 0, etsi.IRIBegin, 0, 0},          // first Open: begin
		{"s1", record.Open, IRI, "", 0, etsi.IRIContinue, 0, 1},       // second Open while open: continue
		{"s1", record.Continue, IRI, "m1", 0, etsi.IRIContinue, 1, 2}, // event key gets id 1
		{"s1", record.Continue, CC, "m1", 0, 0, 1, 0},                 // CC shares the event id, own seq space
		{"s1", record.Continue, CC, "m1", 0, 0, 1, 1},                 //
		{"s1", record.Continue, IRI, "m2", 0, etsi.IRIContinue, 2, 3}, // next event key: id 2
		{"s1", record.Standalone, IRI, "", 1, etsi.IRIReport, 0, 0},   // standalone: own CIN, report
		{"s1", record.Close, IRI, "", 0, etsi.IRIEnd, 0, 4},           // close while open: end
		{"s1", record.Close, IRI, "", 2, etsi.IRIReport, 0, 0},        // close with nothing open: report, own CIN
		{"s1", record.Continue, IRI, "", 3, etsi.IRIBegin, 0, 0},      // continue with nothing open: begin, new CIN
		{"s2", record.Continue, CC, "x", 4, 0, 1, 0},                  // CC opens a sequence silently
		{"s2", record.Open, IRI, "x", 4, etsi.IRIBegin, 1, 0},         // first IRI in it is begin
		{"s3", record.Standalone, IRI, "ev", 5, etsi.IRIReport, 1, 0}, // standalone with event key: id 1
		{"s3", record.Standalone, CC, "ev", 5, 0, 1, 0},               // its content: same CIN, own CC seq
		{"s3", record.Standalone, CC, "ev", 5, 0, 1, 1},               //
		{"s3", record.Standalone, IRI, "e2", 6, etsi.IRIReport, 1, 0}, // another standalone event: own CIN
		{"s3", record.Close, CC, "", 7, 0, 0, 0},                      // CC never closes: opens s3
		{"s3", record.Close, IRI, "", 7, etsi.IRIEnd, 0, 0},           // so this close ends it
	}
	var cins []uint32
	for i, st := range steps {
		n, err := s.Step(ctx, &Step{NE: "ne1", CorrelationKey: st.ck, Boundary: st.b, Kind: st.kind, EventKey: st.ekey,
			LIIDs: []string{"L1"}, ID: s.NewID(), Blob: []byte("r"), Now: time.Now()})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if st.cin == len(cins) {
			for _, c := range cins {
				if c == n.CIN {
					t.Fatalf("step %d: CIN %d reused", i, n.CIN)
				}
			}
			cins = append(cins, n.CIN)
		} else if cins[st.cin] != n.CIN {
			t.Fatalf("step %d: CIN %d, want %d", i, n.CIN, cins[st.cin])
		}
		if n.IRIType != st.itype || n.EventID != st.ev || n.Seqs[0] != (LIIDSeq{"L1", st.seq}) {
			t.Fatalf("step %d: got type %v ev %d seq %v; want type %v ev %d seq %d", i, n.IRIType, n.EventID, n.Seqs, st.itype, st.ev, st.seq)
		}
	}
}

func TestSeveralLIIDsAndRetry(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	st := &Step{NE: "ne1", CorrelationKey: "k", Boundary: record.Open, Kind: IRI, LIIDs: []string{"A", "B"}, ID: s.NewID(), Blob: []byte("one"), Now: time.Now()}
	n1, err := s.Step(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	// The same journal id again (a reply lost on the wire): same numbers, nothing allocated.
	st.Retry = true
	n2, err := s.Step(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(n1) != fmt.Sprint(n2) {
		t.Fatalf("retry allocated anew: %v vs %v", n1, n2)
	}
	st2 := *st
	st2.ID, st2.LIIDs, st2.Blob = s.NewID(), []string{"B"}, []byte("two")
	n3, err := s.Step(ctx, &st2)
	if err != nil {
		t.Fatal(err)
	}
	if n3.CIN != n1.CIN || n3.Seqs[0] != (LIIDSeq{"B", 1}) || n3.IRIType != etsi.IRIContinue {
		t.Fatalf("second step %+v", n3)
	}
	entries, bad, err := s.Journal(ctx)
	if err != nil || len(bad) != 0 {
		t.Fatal(err, bad)
	}
	if len(entries) != 2 || string(entries[0].Blob) != "one" || string(entries[1].Blob) != "two" || entries[0].Seqs[1] != (LIIDSeq{"B", 0}) {
		t.Fatalf("journal %+v", entries)
	}
	if err := s.Done(ctx, map[string][]string{"ne1": {entries[0].ID}}); err != nil {
		t.Fatal(err)
	}
	entries, _, _ = s.Journal(ctx)
	if len(entries) != 1 || string(entries[0].Blob) != "two" {
		t.Fatalf("after done: %+v", entries)
	}
	// Another instance has its own journal.
	other := newStore(t, srv.Addr, "b", time.Minute)
	if e, _, _ := other.Journal(ctx); len(e) != 0 {
		t.Fatalf("instance b sees %d entries of a", len(e))
	}
}

func TestIdleClose(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	t0 := time.Now()
	step := func(ck string, b record.Boundary, kind Kind, closeBlob, generic string, at time.Time) Numbers {
		t.Helper()
		n, err := s.Step(ctx, &Step{NE: "ne1", CorrelationKey: ck, Boundary: b, Kind: kind, LIIDs: []string{"L1", "L2"},
			ID: s.NewID(), Blob: []byte("x"), CloseBlob: []byte(closeBlob), GenericCloseBlob: []byte(generic), Now: at})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	a := step("a", record.Open, IRI, "explicit", "gen1", t0)
	step("a", record.Continue, IRI, "", "gen2", t0.Add(time.Second))
	b := step("b", record.Open, IRI, "", "genb", t0)
	step("b", record.Continue, IRI, "", "genb2", t0.Add(50*time.Second)) // active later
	step("c", record.Continue, CC, "", "", t0)                           // CC only: nothing to end
	step("d", record.Open, IRI, "", "gend", t0)
	step("d", record.Close, IRI, "", "", t0.Add(time.Second)) // closed normally

	now := t0.Add(61 * time.Second)
	cands, err := s.IdleCandidates(ctx, "ne1", now, 100)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(cands) != "[c a]" && fmt.Sprint(cands) != "[a c]" {
		t.Fatalf("candidates %v", cands)
	}
	// b became active after the listing: closing it must be refused.
	if _, ok, err := s.CloseIdle(ctx, "ne1", "b", s.NewID(), now); ok || err != nil {
		t.Fatalf("closed active b: %v %v", ok, err)
	}
	e, ok, err := s.CloseIdle(ctx, "ne1", "a", s.NewID(), now)
	if err != nil || !ok {
		t.Fatalf("close a: %v %v", ok, err)
	}
	if e.CIN != a.CIN || e.IRIType != etsi.IRIEnd || string(e.Blob) != "explicit" ||
		fmt.Sprint(e.Seqs) != "[{L1 2} {L2 2}]" || !e.At.Equal(time.UnixMilli(now.UnixMilli()).UTC()) {
		t.Fatalf("synthesized end %+v", e)
	}
	// A second instance racing for the same sequence gets nothing.
	s2 := newStore(t, srv.Addr, "b", time.Minute)
	if _, ok, _ := s2.CloseIdle(ctx, "ne1", "a", s2.NewID(), now); ok {
		t.Fatal("closed twice")
	}
	if _, ok, _ := s.CloseIdle(ctx, "ne1", "c", s.NewID(), now); ok {
		t.Fatal("CC-only sequence produced an end")
	}
	// After b idles too, its generic end is the latest IRI's.
	e, ok, err = s.CloseIdle(ctx, "ne1", "b", s.NewID(), t0.Add(111*time.Second))
	if err != nil || !ok || string(e.Blob) != "genb2" || e.CIN != b.CIN {
		t.Fatalf("close b: %+v %v %v", e, ok, err)
	}
	// The next record on a closed key opens a new sequence.
	if n := step("a", record.Continue, IRI, "", "", now); n.CIN == a.CIN || n.IRIType != etsi.IRIBegin {
		t.Fatalf("after idle close: %+v", n)
	}
	if nes, _ := s.NetworkElements(ctx); fmt.Sprint(nes) != "[ne1]" {
		t.Fatalf("network elements %v", nes)
	}
	// Keys carry TTLs (the journal's is renewed with each batch of deletions).
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	if err := s.Done(ctx, map[string][]string{"ne1": {"none"}}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{s.sessionKey("ne1", "a"), s.journalKey("ne1")} {
		if ttl := rdb.PTTL(ctx, k).Val(); ttl <= 0 {
			t.Fatalf("%s has no TTL (%v)", k, ttl)
		}
	}
}

// TestTwoInstancesShareRedis: two stores (as two umli instances) number records of the
// same sessions concurrently: no CIN is handed out twice for different sequences and no
// (LIID, CIN, kind, seq) repeats or leaves a gap.
func TestTwoInstancesShareRedis(t *testing.T) {
	srv := testredis.Start(t)
	stores := []*Store{newStore(t, srv.Addr, "i1", time.Minute), newStore(t, srv.Addr, "i2", time.Minute)}
	ctx := context.Background()
	const sessions, perSession, workers = 20, 30, 4
	type key struct {
		liid string
		cin  uint32
		kind Kind
		seq  uint32
	}
	type evKey struct {
		cin uint32
		key string
	}
	var mu sync.Mutex
	seen := map[key]bool{}
	cinOf := map[uint32]string{}
	evOf := map[evKey]uint32{}
	keyOfEv := map[evKey]string{} // (cin, id as string) -> event key
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for si, s := range stores {
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for r := range perSession {
					for sess := range sessions {
						if (sess+r+w)%workers != 0 {
							continue
						}
						ck := fmt.Sprintf("sess-%d", sess)
						kind := IRI
						if r%3 == 2 {
							kind = CC
						}
						ek := fmt.Sprintf("e%d", r/3)
						n, err := s.Step(ctx, &Step{NE: "ne", CorrelationKey: ck, Boundary: record.Continue, Kind: kind,
							EventKey: ek, LIIDs: []string{"A", "B"}, ID: s.NewID(), Blob: []byte{byte(si)}, Now: time.Now()})
						if err != nil {
							errs <- err
							return
						}
						mu.Lock()
						if prev, ok := cinOf[n.CIN]; ok && prev != ck {
							mu.Unlock()
							errs <- fmt.Errorf("CIN %d given to %s and %s", n.CIN, prev, ck)
							return
						}
						cinOf[n.CIN] = ck
						// One event-identifier per (CIN, event key), distinct keys distinct ids.
						if id, ok := evOf[evKey{n.CIN, ek}]; ok && id != n.EventID {
							mu.Unlock()
							errs <- fmt.Errorf("CIN %d event key %s got ids %d and %d", n.CIN, ek, id, n.EventID)
							return
						}
						evOf[evKey{n.CIN, ek}] = n.EventID
						idk := evKey{n.CIN, fmt.Sprint(n.EventID)}
						if other, ok := keyOfEv[idk]; ok && other != ek {
							mu.Unlock()
							errs <- fmt.Errorf("CIN %d event id %d given to keys %s and %s", n.CIN, n.EventID, other, ek)
							return
						}
						keyOfEv[idk] = ek
						for _, ls := range n.Seqs {
							k := key{ls.LIID, n.CIN, kind, ls.Seq}
							if seen[k] {
								mu.Unlock()
								errs <- fmt.Errorf("duplicate %+v", k)
								return
							}
							seen[k] = true
						}
						mu.Unlock()
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(cinOf) != sessions {
		t.Fatalf("%d CINs for %d sessions", len(cinOf), sessions)
	}
	// No gaps: for every (LIID, CIN, kind) the numbers are exactly 0..n-1.
	count := map[key]uint32{}
	for k := range seen {
		c := k
		c.seq = 0
		count[c]++
	}
	for k := range seen {
		c := k
		c.seq = 0
		if k.seq >= count[c] {
			t.Fatalf("gap: %+v with only %d numbers", k, count[c])
		}
	}
	total := 0
	for _, s := range stores {
		e, _, err := s.Journal(ctx)
		if err != nil {
			t.Fatal(err)
		}
		total += len(e)
	}
	if want := 2 * workers * sessions * perSession / workers; total != want {
		t.Fatalf("journals hold %d entries, want %d", total, want)
	}
}

func TestBadNE(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	for _, ne := range []string{"", "a{b}", "seventeen-chars-x", "a b"} {
		if _, err := s.Step(context.Background(), &Step{NE: ne, ID: "x", Kind: IRI}); err != ErrBadNE {
			t.Errorf("NE %q: %v", ne, err)
		}
	}
}

func TestParseNumbers(t *testing.T) {
	for _, bad := range []string{"", "1 2 3", "x 1 1 1", "1 9 0 0", "1 1 1 1 L", "1 1 1 1 L=x", "99999999999 1 0 0",
		"1 1 0 9223372036854775808"} { // a time beyond int64 milliseconds would wrap negative
		if _, err := parseNumbers(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	n, err := parseNumbers("7 3 2 1000 A=1 B=c=4")
	if err != nil || n.CIN != 7 || n.IRIType != etsi.IRIContinue || n.EventID != 2 || fmt.Sprint(n.Seqs) != "[{A 1} {B=c 4}]" {
		t.Fatalf("%+v %v", n, err)
	}
}

// FuzzParseEntry: journal entries come back from Redis, which another process may write.
func FuzzParseEntry(f *testing.F) {
	f.Add("1 1 0 1700000000000 L1=0\n{}")
	f.Add("4294967295 4 4294967295 0 a=4294967295 b=0\nx")
	f.Add("1 2\n")
	f.Fuzz(func(t *testing.T, v string) {
		e, err := parseEntry("ne", "id", v)
		if err == nil && e.IRIType > etsi.IRIReport {
			t.Fatalf("bad iRIType %d accepted", e.IRIType)
		}
	})
}

// TestStepBatch: records of one sequence inside one batch see each other's effects, and
// a retried batch returns the journaled numbers.
func TestStepBatch(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	mk := func(ck string, b record.Boundary, k Kind, ek string) *Step {
		return &Step{NE: "ne", CorrelationKey: ck, Boundary: b, Kind: k, EventKey: ek, LIIDs: []string{"L"}, ID: s.NewID(), Blob: []byte("x"), Now: time.Now()}
	}
	batch := []*Step{
		mk("a", record.Open, IRI, ""), mk("b", record.Open, IRI, ""), mk("a", record.Continue, IRI, "e"),
		mk("a", record.Continue, CC, "e"), mk("a", record.Close, IRI, ""), mk("a", record.Continue, IRI, ""),
		mk("b", record.Standalone, IRI, ""),
	}
	ns, err := s.StepBatch(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	got := ""
	for _, n := range ns {
		got += fmt.Sprintf("%d/%d/%d/%d ", n.CIN, n.IRIType, n.EventID, n.Seqs[0].Seq)
	}
	const want = "1/1/0/0 2/1/0/0 1/3/1/1 1/0/1/0 1/2/0/2 3/1/0/0 4/4/0/0 "
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	batch[0].Retry = true
	again, err := s.StepBatch(ctx, batch)
	if err != nil || fmt.Sprint(again) != fmt.Sprint(ns) {
		t.Fatalf("retry: %v %v", again, err)
	}
	if _, err := s.StepBatch(ctx, []*Step{mk("a", record.Open, IRI, ""), {NE: "other", ID: "x", Kind: IRI}}); err == nil {
		t.Fatal("batch across network elements accepted")
	}
}

func TestCINWraps(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	if err := rdb.Set(ctx, s.cinKey("ne"), 4294967294, 0).Err(); err != nil {
		t.Fatal(err)
	}
	var cins []uint32
	for range 3 {
		n, err := s.Step(ctx, &Step{NE: "ne", Boundary: record.Standalone, Kind: IRI, LIIDs: []string{"L"}, ID: s.NewID(), Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		cins = append(cins, n.CIN)
	}
	if fmt.Sprint(cins) != "[4294967295 1 2]" {
		t.Fatalf("CINs %v", cins)
	}
}

// TestReportBoundary: record.Report is iRI-Report in the open sequence's CIN (TS 102
// 232-2 Table C.1, C.4: one CIN from LOGIN to LOGOUT with FETCH/APPEND as iRI-Report
// between), iRI-Report in a CIN of its own when nothing is open, and never marks the
// sequence as begun.
func TestReportBoundary(t *testing.T) {
	srv := testredis.Start(t)
	s := newStore(t, srv.Addr, "a", time.Minute)
	ctx := context.Background()
	steps := []stepCase{
		{"imap", record.Open, IRI, "login", 0, etsi.IRIBegin, 1, 0},     // LOGIN: begin
		{"imap", record.Continue, CC, "login", 0, 0, 1, 0},              // its CC
		{"imap", record.Report, IRI, "fetch", 0, etsi.IRIReport, 2, 1},  // FETCH: report, same CIN
		{"imap", record.Continue, CC, "fetch", 0, 0, 2, 1},              // its CC: same event id
		{"imap", record.Report, IRI, "append", 0, etsi.IRIReport, 3, 2}, // APPEND: report, same CIN
		{"imap", record.Continue, IRI, "", 0, etsi.IRIContinue, 0, 3},   // still begun: continue
		{"imap", record.Close, IRI, "logout", 0, etsi.IRIEnd, 4, 4},     // LOGOUT: end, same CIN
		{"imap", record.Report, IRI, "late", 1, etsi.IRIReport, 1, 0},   // nothing open: own CIN
		{"imap", record.Open, IRI, "", 2, etsi.IRIBegin, 0, 0},          // the report opened nothing
		{"pop", record.Continue, CC, "user", 3, 0, 1, 0},                // USER exchange opens silently
		{"pop", record.Report, IRI, "pass", 3, etsi.IRIReport, 2, 0},    // logon failure: report in it
		{"pop", record.Continue, CC, "pass", 3, 0, 2, 1},                //
		{"pop", record.Open, IRI, "apop", 3, etsi.IRIBegin, 3, 1},       // not begun by the report: begin
		{"pop", record.Report, IRI, "retr", 3, etsi.IRIReport, 4, 2},    // download: report
		{"pop", record.Close, IRI, "quit", 3, etsi.IRIEnd, 5, 3},        // QUIT: end
		{"cc", record.Report, CC, "x", 4, 0, 1, 0},                      // CC with Report: as Continue
		{"cc", record.Report, IRI, "x", 4, etsi.IRIReport, 1, 0},        // and the IRI joins it
	}
	var cins []uint32
	for i, st := range steps {
		n, err := s.Step(ctx, &Step{NE: "ne1", CorrelationKey: st.ck, Boundary: st.b, Kind: st.kind, EventKey: st.ekey,
			LIIDs: []string{"L1"}, ID: s.NewID(), Blob: []byte("r"), Now: time.Now()})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if st.cin == len(cins) {
			for _, c := range cins {
				if c == n.CIN {
					t.Fatalf("step %d: CIN %d reused", i, n.CIN)
				}
			}
			cins = append(cins, n.CIN)
		} else if cins[st.cin] != n.CIN {
			t.Fatalf("step %d: CIN %d, want %d", i, n.CIN, cins[st.cin])
		}
		if n.IRIType != st.itype || n.EventID != st.ev || n.Seqs[0] != (LIIDSeq{"L1", st.seq}) {
			t.Fatalf("step %d: got type %v ev %d seq %v; want type %v ev %d seq %d", i, n.IRIType, n.EventID, n.Seqs, st.itype, st.ev, st.seq)
		}
	}
}
