package x1

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/secret"
)

// TestConcurrentActivationSameLIID races many activations of one LIID from two
// "instances" (separate connections): exactly one may win, the rest must get
// CodeLIIDInUse, and the indexes must stay consistent.
func TestConcurrentActivationSameLIID(t *testing.T) {
	srv := testredis.Start(t)
	keys, _ := secret.ParseKeyring(testKeyring, "test")
	ctx := context.Background()
	var stores []*Store
	for i := 0; i < 2; i++ {
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: 8})
		t.Cleanup(func() { rdb.Close() })
		stores = append(stores, NewStore(rdb, keys, StoreOptions{}))
	}
	d, _ := ParseDestination(ptr(sampleDest(didA, "lea-a")))
	if err := stores[0].CreateDestination(ctx, d); err != nil {
		t.Fatal(err)
	}
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			task, err := ParseTask(ptr(sampleTask(NewUUID(), "LIID-RACE", didA)))
			if err != nil {
				errs[i] = err
				return
			}
			errs[i] = stores[i%2].ActivateTask(ctx, task)
		}()
	}
	wg.Wait()
	wins := 0
	for i, err := range errs {
		var xe *Error
		switch {
		case err == nil:
			wins++
		case errors.As(err, &xe) && xe.Code == CodeLIIDInUse:
		default:
			t.Errorf("activation %d: %v", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d activations of one LIID succeeded, want 1", wins)
	}
	tasks, err := stores[1].Tasks(ctx)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("tasks: %d %v", len(tasks), err)
	}
	owner, err := stores[0].rdb.Get(ctx, stores[0].k("liid", "LIID-RACE")).Result()
	if err != nil || owner != tasks[0].XID {
		t.Fatalf("LIID index points at %q, task is %s (%v)", owner, tasks[0].XID, err)
	}
}

// TestWatcherSurvivesRedisRestart restarts redis-server under a running watcher: the
// stored tasks survive (appendonly) and a change made after the restart is seen.
func TestWatcherSurvivesRedisRestart(t *testing.T) {
	rig := newStoreRig(t)
	srv, keys, store := rig.srv, rig.keys, rig.store
	ctx := context.Background()
	task, _ := ParseTask(ptr(sampleTask(xidA, "LIID-1", didA)))
	if err := store.ActivateTask(ctx, task); err != nil {
		t.Fatal(err)
	}
	ch := startWatcher(t, srv.Addr, keys, nil)
	v, _ := store.Version(ctx)
	if a := next(t, ch, v); len(a.ws) != 1 {
		t.Fatalf("%d warrants before restart", len(a.ws))
	}
	srv.Restart(t)
	task2, _ := ParseTask(ptr(sampleTask(xidB, "LIID-2", didA)))
	var err error
	for range 50 { // the client reconnects on its own; the first command may still fail
		if err = store.ActivateTask(ctx, task2); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	v, _ = store.Version(ctx)
	if a := next(t, ch, v); len(a.ws) != 2 {
		t.Fatalf("%d warrants after restart, want 2", len(a.ws))
	}
}
