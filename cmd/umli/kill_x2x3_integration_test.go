package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/proof/chain"
)

// TestSIGKILLMidRunX2X3 is TestSIGKILLMidRun for an x2x3 destination: a real umli
// process delivering TS 103 221-2 X2/X3 over mutual TLS to an MDF is SIGKILLed under
// load and started again; more records of the same sequences follow. The MDF must hold
// every PDU whose numbers were allocated: per XID and correlation ID (= LIID and CIN,
// chain.MDF.Read checks each PDU's XID, correlation ID and sequence attribute against its
// PS-PDU) and X2|X3 the numbers 0..n-1 without a gap, a number twice only as a replay.
func TestSIGKILLMidRunX2X3(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	bin := buildUMLI(t)
	srv := testredis.Start(t)
	m := chain.StartMDF(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "umli.yaml")
	cfg := fmt.Sprintf(`instance: kill-1
operator: OP-KILL
redis: {addrs: ["%s"]}
sessions: {idleTimeout: 10m}
queue: {size: 500, workers: 4}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
destinations:
%swarrants:
  - {liid: KILL-A, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{e164: "+491701234567"}]}
  - {liid: KILL-B, destination: lea, scope: iri, start: 2020-01-01T00:00:00Z, targets: [{e164: "491701234567"}]}
`, srv.Addr, m.YAML())
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	const sessions = 5
	progress := func() int {
		n, err := m.Progress()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Phase 1: load, then SIGKILL once the MDF is receiving.
	p1 := startUMLI(t, bin, cfgPath)
	stop := make(chan struct{})
	wrote := make(chan int, 1)
	go func() { wrote <- writeRecords(p1.stdin, sessions, 1_000_000, 0, stop) }()
	waitUntil(t, "400 PDUs at the MDF", func() bool { return progress() >= 400 })
	p1.kill(t)
	close(stop)
	n1 := <-wrote

	// Phase 2: same configuration and instance, the same sequences continue.
	p2 := startUMLI(t, bin, cfgPath)
	const n2 = 400
	if got := writeRecords(p2.stdin, sessions, n2, n1, nil); got != n2 {
		t.Fatalf("wrote %d of %d records to the restarted umli\n%s", got, n2, p2.stderr.String())
	}
	_ = p2.stdin.Close()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	ctx := context.Background()
	waitUntil(t, "input consumed and journal empty", func() bool {
		return strings.Contains(p2.stderr.String(), "records input done") &&
			rdb.HLen(ctx, "umli:{um-kill}:j:kill-1").Val() == 0
	})
	want, total := allocatedNumbers(t, ctx, rdb, sessions)
	deadline := time.Now().Add(90 * time.Second)
	for progress() < total && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p2.done; err != nil {
		t.Errorf("umli after SIGTERM: %v\n%s", err, p2.stderr.String())
	}
	p2.done <- nil
	m.Stop()

	got, err := m.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Reused) > 0 {
		t.Fatalf("sequence numbers reused with different content: %v", got.Reused[:min(5, len(got.Reused))])
	}
	if g := got.Gaps(); len(g) > 0 {
		t.Fatalf("%d gaps, first %v", len(g), g[:min(5, len(g))])
	}
	for st, n := range want {
		if got.Count(st) != n {
			t.Errorf("%v: MDF holds %d distinct numbers, Redis allocated %d", st, got.Count(st), n)
		}
	}
	if len(got.PDUs) != len(want) {
		t.Errorf("MDF has %d streams, want %d", len(got.PDUs), len(want))
	}
	t.Logf("records written: %d before SIGKILL, %d after; numbers allocated %d; X2/X3 PDUs received %d (with resends)", n1, n2, total, got.Total)
}
