package x1

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/audit"
)

func TestExpirerDeactivatesEndedTasks(t *testing.T) {
	store := newStoreRig(t).store
	ctx := context.Background()
	ending := sampleTask(xidA, "LIID-END", didA) // ends 2027-01-01
	open := sampleTask(xidB, "LIID-OPEN", didA)
	open.MediationDetails.Details[0].EndTime = "" // open-ended
	for _, td := range []TaskDetails{ending, open} {
		task, err := ParseTask(&td)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.ActivateTask(ctx, task); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	al, err := audit.Open(path, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer al.Close()
	now := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC) // before both StartTimes
	e := NewExpirer(store, al, zerolog.Nop(), func() time.Time { return now })
	if got, err := e.Sweep(ctx); err != nil || len(got) != 0 {
		t.Fatalf("sweep before StartTime: %v %v", got, err)
	}
	now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC) // both windows open
	if got, err := e.Sweep(ctx); err != nil || len(got) != 0 {
		t.Fatalf("sweep before EndTime: %v %v", got, err)
	}
	now = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC) // exactly EndTime: the window [Start, End) is over
	got, err := e.Sweep(ctx)
	if err != nil || len(got) != 1 || got[0] != xidA {
		t.Fatalf("sweep at EndTime: %v %v", got, err)
	}
	// A second instance sweeping the same moment finds nothing left to do.
	if got, err := NewExpirer(store, al, zerolog.Nop(), func() time.Time { return now }).Sweep(ctx); err != nil || len(got) != 0 {
		t.Fatalf("second sweep: %v %v", got, err)
	}
	tasks, _ := store.Tasks(ctx)
	if len(tasks) != 1 || tasks[0].XID != xidB {
		t.Fatalf("tasks left: %+v", tasks)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{
		`"actor":"system","action":"WindowOpened","detail":{"liid":"LIID-END","xId":"` + xidA,
		`"actor":"system","action":"WindowOpened","detail":{"liid":"LIID-OPEN","xId":"` + xidB,
		`"actor":"system","action":"TaskExpired","detail":{"liids":"LIID-END","xId":"` + xidA,
	} {
		if strings.Count(string(b), want) != 1 {
			t.Errorf("audit log should hold exactly one %s:\n%s", want, b)
		}
	}
	if _, err := audit.Verify(strings.NewReader(string(b))); err != nil {
		t.Fatal(err)
	}
}
