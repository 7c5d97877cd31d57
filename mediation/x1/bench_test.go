package x1

import (
	"context"
	"testing"
)

// BenchmarkDecodeActivate measures the bounded scan, decode and validation of one
// ActivateTask request: the server's per-request CPU before Redis.
func BenchmarkDecodeActivate(b *testing.B) {
	td := sampleTask(xidA, "LIID-1", didA)
	m := Message{TypeOut: "ActivateTaskRequest", Header: header(), X1TransactionID: NewUUID(), TaskDetails: &td}
	doc, err := EncodeRequest(&Request{Messages: []Message{m}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		req, err := DecodeRequest(doc, DefaultLimits())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseTask(req.Messages[0].TaskDetails); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStoreActivateDeactivate measures one task's round trip through a real Redis,
// sealing six identities and maintaining the match index.
func BenchmarkStoreActivateDeactivate(b *testing.B) {
	store := newStoreRig(b).store
	ctx := context.Background()
	task, err := ParseTask(ptr(sampleTask(xidA, "LIID-1", didA)))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := store.ActivateTask(ctx, task); err != nil {
			b.Fatal(err)
		}
		if _, err := store.DeactivateTask(ctx, xidA); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshot measures what a watcher does per change with 100 tasks stored.
func BenchmarkSnapshot(b *testing.B) {
	store := newStoreRig(b).store
	ctx := context.Background()
	for i := 0; i < 100; i++ {
		td := sampleTask(NewUUID(), "LIID-"+itoa(i), didA)
		task, err := ParseTask(&td)
		if err != nil {
			b.Fatal(err)
		}
		if err := store.ActivateTask(ctx, task); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		snap, err := store.Snapshot(ctx)
		if err != nil || len(snap.Tasks) != 100 {
			b.Fatalf("%v", err)
		}
		_ = Warrants(snap.Tasks, snap.Destinations)
	}
}
