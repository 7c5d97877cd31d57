package x1

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/warrant"
)

type applied struct {
	ws      []*warrant.Warrant
	version int64
}

// startWatcher runs a watcher on its own Redis connection, as another umli instance
// would, and returns the channel its callback feeds.
func startWatcher(t *testing.T, addr string, keys *secret.Keyring, red *secret.Redactor) <-chan applied {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	w := NewWatcher(NewStore(rdb, keys, StoreOptions{}), zerolog.Nop(), WatchOptions{Redactor: red})
	ch := make(chan applied, 16)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx, func(ws []*warrant.Warrant, v int64) error {
			ch <- applied{ws, v}
			return nil
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return ch
}

// next waits for the next applied set whose version is at least v. The deadline only
// keeps a broken watcher from hanging the test; nothing is asserted about timing.
func next(t *testing.T, ch <-chan applied, v int64) applied {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case a := <-ch:
			if a.version >= v {
				return a
			}
		case <-deadline:
			t.Fatalf("watcher never reported version %d", v)
		}
	}
}

func TestWatchersSeeChanges(t *testing.T) {
	srv := testredis.Start(t)
	keys, _ := secret.ParseKeyring(testKeyring, "test")
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	store := NewStore(rdb, keys, StoreOptions{})
	ctx := context.Background()
	red := secret.NewRedactor(nil)

	w1 := startWatcher(t, srv.Addr, keys, red)
	w2 := startWatcher(t, srv.Addr, keys, nil)
	for _, ch := range []<-chan applied{w1, w2} {
		if a := next(t, ch, 0); len(a.ws) != 0 {
			t.Fatalf("initial set has %d warrants", len(a.ws))
		}
	}
	d, err := ParseDestination(ptr(sampleDest(didA, "lea-a")))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateDestination(ctx, d); err != nil {
		t.Fatal(err)
	}
	task, err := ParseTask(ptr(sampleTask(xidA, "LIID-1", didA)))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.ActivateTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	v, _ := store.Version(ctx)
	for _, ch := range []<-chan applied{w1, w2} {
		a := next(t, ch, v)
		if len(a.ws) != 1 {
			t.Fatalf("%d warrants, want 1", len(a.ws))
		}
		w := a.ws[0]
		if w.LIID != "LIID-1" || w.Destination != "lea-a" || w.Scope != warrant.ScopeIRICC || len(w.Targets) != 6 ||
			!w.Start.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) || !w.End.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("warrant %+v", w)
		}
		tbl, err := Table(a.ws)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		if m, why := tbl.Match(nil, []record.Identity{{Kind: record.IdentityE164, Value: "+4930123456"}}, at); len(m) != 1 {
			t.Fatalf("warrant table does not match the target: %s", why)
		}
		if m, _ := tbl.Match(nil, []record.Identity{{Kind: record.IdentityEmail, Value: "Alice@Example.NET"}}, at); len(m) != 1 {
			t.Fatal("warrant table does not match the e-mail target")
		}
	}
	if red.Len() == 0 {
		t.Fatal("watcher did not register identities with the redactor")
	}
	if _, err := store.DeactivateTask(ctx, xidA); err != nil {
		t.Fatal(err)
	}
	v, _ = store.Version(ctx)
	for _, ch := range []<-chan applied{w1, w2} {
		if a := next(t, ch, v); len(a.ws) != 0 {
			t.Fatalf("%d warrants after deactivation", len(a.ws))
		}
	}
}

func TestWarrantMapping(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tasks := []*Task{{
		XID: xidA, Targets: []Target{{TargetE164, "4930123456"}, {TargetTel, "tel:+4930999"}, {TargetIPv6, "2001:db8::1"}},
		DeliveryType: "X2andX3", DIDs: []string{didA},
		Mediation: []Mediation{
			{LIID: "L-IRI", Delivery: "HI2Only", Start: start, DID: didA},
			{LIID: "L-CC", Delivery: "HI2andHI3", DID: didB},
		},
	}}
	dests := []*Destination{{DID: didA, FriendlyName: "lea-a"}, {DID: didB}}
	ws := Warrants(tasks, dests)
	tests := []struct {
		liid, dest string
		scope      warrant.Scope
	}{
		{"L-IRI", "lea-a", warrant.ScopeIRI},
		{"L-CC", didB, warrant.ScopeIRICC},
	}
	if len(ws) != len(tests) {
		t.Fatalf("%d warrants", len(ws))
	}
	for i, tc := range tests {
		w := ws[i]
		if w.LIID != tc.liid || w.Destination != tc.dest || w.Scope != tc.scope {
			t.Errorf("warrant %d: %+v", i, w)
		}
		want := []record.Identity{{Kind: record.IdentityE164, Value: "4930123456"}, {Kind: record.IdentitySIPURI, Value: "tel:+4930999"}, {Kind: record.IdentityIP, Value: "2001:db8::1"}}
		for j := range want {
			if w.Targets[j] != want[j] {
				t.Errorf("warrant %d target %d: %+v", i, j, w.Targets[j])
			}
		}
	}
	if !ws[0].Start.Equal(start) || !ws[0].End.IsZero() {
		t.Errorf("window %v..%v", ws[0].Start, ws[0].End)
	}
}

func TestStoreMatchIndexAndReseal(t *testing.T) {
	rig := newStoreRig(t)
	rdb, old, store := rig.rdb, rig.keys, rig.store
	ctx := context.Background()
	task, _ := ParseTask(ptr(sampleTask(xidA, "LIID-1", didA)))
	if err := store.ActivateTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	keys, _ := warrant.Keys(nil, record.Identity{Kind: record.IdentityE164, Value: "004930123456"})
	if xids, err := store.TasksMatching(ctx, keys[0]); err != nil || len(xids) != 1 || xids[0] != xidA {
		t.Fatalf("match index: %v %v", xids, err)
	}

	rotated, err := secret.ParseKeyring("enc k2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\n"+testKeyring, "test")
	if err != nil {
		t.Fatal(err)
	}
	rs := NewStore(rdb, rotated, StoreOptions{})
	if n, err := rs.Reseal(ctx); err != nil || n != 1 {
		t.Fatalf("reseal: %d %v", n, err)
	}
	raw, _ := rdb.Get(ctx, "{umli-x1}:task:"+xidA).Result()
	if want := `"sealed":"k2:`; !strings.Contains(raw, want) || strings.Contains(raw, `"sealed":"k1:`) {
		t.Fatalf("task not resealed with k2: %s", raw)
	}
	retired, _ := secret.ParseKeyring("enc k2 ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=\nmac m1 QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=", "test")
	got, err := NewStore(rdb, retired, StoreOptions{}).Task(ctx, xidA)
	if err != nil || got.Targets[1].Value != "alice@example.net" {
		t.Fatalf("after retiring k1: %+v %v", got, err)
	}
	if _, err := NewStore(rdb, old, StoreOptions{}).Task(ctx, xidA); err == nil {
		t.Fatal("old keyring opened a value sealed with the new key")
	}
}
