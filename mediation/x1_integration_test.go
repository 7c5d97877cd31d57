package mediation_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
	"github.com/umli/umli/mediation/x1"
	"github.com/umli/umli/mediation/x1/x1test"
)

// x1System is the test system with no configured warrant: its warrants come from an X1
// server (mutual TLS, the same real redis-server) through the watcher, and the expirer
// runs as in `umli run`. Mediation audits into the X1 server's log.
type x1System struct {
	*system
	x1    *x1test.Server
	admf  *x1.Client
	watch *x1Watch
}

func startX1System(t *testing.T) *x1System {
	t.Helper()
	s := &x1System{system: newTestSystem(t, time.Minute)}
	var err error
	if s.cfg.Table, err = warrant.NewTable(nil); err != nil {
		t.Fatal(err)
	}
	s.cfg.Warrants = nil
	s.x1 = x1test.Start(t, s.rdb, x1test.Options{Log: &s.log})
	s.admf = s.x1.Client(t)
	s.watch = newX1Watch(s.x1.Store, s.log, func() *mediation.Mediator { return s.med })
	expirer := x1.NewExpirer(s.x1.Store, s.x1.Audit, s.log, nil)
	s.start(pipeline.Options{Audit: s.x1.Audit}, nil, s.watch.run,
		func(ctx context.Context) error { return ignoreCanceled(expirer.Run(ctx, 50*time.Millisecond)) })
	// The destination: the ADMF names the configured LEMF "lea".
	if err := s.admf.CreateDestination(t.Context(), x1.DestinationFor("lea", s.hi2, true)); err != nil {
		t.Fatal(err)
	}
	return s
}

func ignoreCanceled(err error) error {
	if err == context.Canceled {
		return nil
	}
	return err
}

// x1Watch runs an X1 watcher handing every warrant set of the store to mediation, as
// `umli run` does, and remembers the store version last applied.
type x1Watch struct {
	store   *x1.Store
	watcher *x1.Watcher
	med     func() *mediation.Mediator // built after the watch, before it runs
	mu      sync.Mutex
	applied int64
}

func newX1Watch(store *x1.Store, log zerolog.Logger, med func() *mediation.Mediator) *x1Watch {
	return &x1Watch{store: store, watcher: x1.NewWatcher(store, log, x1.WatchOptions{Poll: 50 * time.Millisecond}),
		med: med, applied: -1}
}

func (w *x1Watch) run(ctx context.Context) error {
	return ignoreCanceled(w.watcher.Run(ctx, func(ws []*warrant.Warrant, v int64) error {
		err := w.med().SetWarrants(ws)
		w.mu.Lock()
		w.applied = v
		w.mu.Unlock()
		return err
	}))
}

// wait waits until the watcher handed mediation the store's current version.
func (w *x1Watch) wait(t *testing.T) {
	t.Helper()
	v, err := w.store.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "warrant set applied", func() bool {
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.applied >= v
	})
}

// activate provisions w over X1 and waits until mediation has the resulting set.
func (s *x1System) activate(w *warrant.Warrant) string {
	s.t.Helper()
	td, err := x1.TaskFromWarrant(w, x1.NameUUID("destination", "lea"))
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.admf.ActivateTask(context.Background(), td); err != nil {
		s.t.Fatalf("ActivateTask %s: %v", w.LIID, err)
	}
	s.waitApplied()
	return td.XID
}

// waitApplied waits until the watcher handed mediation the store's current version.
func (s *x1System) waitApplied() {
	s.t.Helper()
	s.watch.wait(s.t)
}

// auditEntries reads the audit log as written so far (a line still being written is
// left for the next read).
func auditEntries(t *testing.T, path string) []audit.Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []audit.Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e audit.Entry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			break
		}
		out = append(out, e)
	}
	return out
}

func findEntry(es []audit.Entry, action, key, value string) *audit.Entry {
	for i := range es {
		if es[i].Action == action && (key == "" || es[i].Detail[key] == value) {
			return &es[i]
		}
	}
	return nil
}

// TestX1Provisioning is X1 end to end: an ADMF provisions tasks over mutual TLS; a UM
// record of a target reaches the LEMF; deactivating the task ends its open CIN with an
// iRI-End and drops the next record; a task whose StartTime lies ahead delivers nothing
// until then, then does; a task whose EndTime passes deactivates itself, its CIN ended;
// a client with an expired certificate is refused and audited; the audit log verifies.
func TestX1Provisioning(t *testing.T) {
	s := startX1System(t)
	ctx := context.Background()

	// Windows: the timed tasks go first so their times stay ahead of the records.
	edge := time.Now().Add(6 * time.Second)
	s.activate(&warrant.Warrant{LIID: "X1-END", Destination: "lea", Scope: warrant.ScopeIRI, End: edge, Targets: []record.Identity{otherID}})
	s.activate(&warrant.Warrant{LIID: "X1-LATER", Destination: "lea", Scope: warrant.ScopeIRI, Start: edge, Targets: []record.Identity{bobID}})
	xid := s.activate(&warrant.Warrant{LIID: "X1-A", Destination: "lea", Scope: warrant.ScopeIRICC, Targets: []record.Identity{aliceID}})
	if n := s.med.Warrants().Len(); n != 3 {
		t.Fatalf("%d warrants in force, want 3", n)
	}

	// UM sessions of alice (X1-A) and of the X1-END target open; bob deposits early.
	s.submitBox(aliceID, "a1", record.Open, etsi.BoxConnect)
	s.submitBox(otherID, "o1", record.Open, etsi.BoxConnect)
	early := rec(bobID, "b1", record.Standalone, "")
	early.MessagingIRI = msgIRI(etsi.EventDeposit)
	s.submit(early)
	s.drain()
	if d := s.metric("umli_mediation_records_dropped_total", "reason", string(warrant.DropOutsideWindow)); d != 1 {
		t.Errorf("record before X1-LATER's StartTime: dropped %v, want 1", d)
	}

	// Deactivation ends alice's CIN for X1-A; her next record is dropped.
	if err := s.admf.DeactivateTask(ctx, xid); err != nil {
		t.Fatal(err)
	}
	s.waitApplied()
	waitFor(t, "X1-A window closed in the audit log", func() bool {
		return findEntry(auditEntries(t, s.x1.AuditPath), audit.ActionWindowClosed, "liid", "X1-A") != nil
	})
	s.submitBox(aliceID, "a1", record.Continue, etsi.BoxLogout)
	s.drain()
	if d := s.metric("umli_mediation_records_dropped_total", "reason", string(warrant.DropNoTarget)); d != 1 {
		t.Errorf("alice's record after deactivation: dropped %v, want 1", d)
	}

	// X1-LATER's window opens: the same kind of record is now delivered. X1-END's
	// passes: the expirer deactivates it and its CIN ends.
	waitFor(t, "StartTime/EndTime", func() bool { return time.Now().After(edge) })
	late := rec(bobID, "b2", record.Standalone, "")
	late.MessagingIRI = msgIRI(etsi.EventDeposit)
	s.submit(late)
	s.drain()
	waitFor(t, "X1-END expired", func() bool {
		es := auditEntries(t, s.x1.AuditPath)
		return findEntry(es, audit.ActionTaskExpired, "liids", "X1-END") != nil &&
			findEntry(es, audit.ActionWindowClosed, "liid", "X1-END") != nil
	})
	tasks, err := s.x1.Store.Tasks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || tasks[0].Mediation[0].LIID != "X1-LATER" {
		t.Errorf("%d tasks left, want X1-LATER alone", len(tasks))
	}

	// A client whose certificate expired is refused before any request, and audited.
	conf, err := x1.ClientTLSConfig(s.x1.PKI.ExpiredCert, s.x1.PKI.ExpiredKey, s.x1.PKI.CA)
	if err != nil {
		t.Fatal(err)
	}
	bad := x1.NewClient(s.x1.URL, conf, x1.ClientOptions{})
	defer bad.Close()
	if err := bad.Ping(ctx); err == nil {
		t.Error("ping with an expired client certificate succeeded")
	}
	waitFor(t, "refusal audited", func() bool {
		e := findEntry(auditEntries(t, s.x1.AuditPath), audit.ActionTLSHandshake, "", "")
		return e != nil && e.Result == "refused"
	})

	s.waitLEMF(5, 0)
	got := s.received()
	want := map[string][]etsi.IRIType{
		"X1-A":     {etsi.IRIBegin, etsi.IRIEnd},
		"X1-END":   {etsi.IRIBegin, etsi.IRIEnd},
		"X1-LATER": {etsi.IRIReport},
	}
	seen := map[string]bool{}
	streams := map[pducheck.Stream][]etsi.IRIType{}
	for st := range got.PDUs {
		types, ok := want[st.LIID]
		if !ok || st.CC || seen[st.LIID] {
			t.Errorf("unexpected stream %v (streams %v)", st, keys(got))
			continue
		}
		seen[st.LIID] = true
		streams[st] = types
	}
	checkIRITypes(t, got, streams)
	if len(seen) != len(want) {
		t.Errorf("streams %v, want one per LIID of %v", keys(got), want)
	}

	f, err := os.Open(s.x1.AuditPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if res, err := audit.Verify(f); err != nil || res.Entries < 8 {
		t.Errorf("audit.Verify: %+v, %v", res, err)
	}
}
