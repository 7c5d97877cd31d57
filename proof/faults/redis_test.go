package faults_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/proof/chain"
)

// TestRedisRestart kills redis-server under load (SIGKILL; appendfsync always keeps what
// it acknowledged), keeps it down for the outage and starts it again on the same port
// and data: records wait in mediation's memory queue, then are numbered without a gap.
//
// The node seals at rest as `umli run` does, so the restarted server reloads sealed data
// from its AOF: its handover streams must hold only sealed entries, and the node must go
// on opening them (nothing counted unreadable) and delivering without loss or gap.
// Afterwards neither the keyspace, nor the AOF (its history from before the restart
// included), nor a fresh RDB holds the target's identity, the LIID or a box identifier.
func TestRedisRestart(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	// A control: a string the scan must find in the AOF the restart reloaded.
	const canary = "faults-canary-7f3a"
	if err := r.rdb.Set(ctx, "faults:canary", canary, 0).Err(); err != nil {
		t.Fatal(err)
	}
	reloaded := 0
	r.underLoad(func() {
		r.srv.Stop()
		time.Sleep(r.tm.outage)
		r.srv.Restart(t)
		reloaded = sealedStreams(t, r)
	})
	if reloaded == 0 {
		t.Fatal("the restarted redis-server reloaded no handover entry from its AOF: nothing sealed was tested")
	}
	for _, m := range []string{"umli_handover_entries_unreadable_total", "umli_mediation_journal_unreadable_total"} {
		if n := chain.Sum(r.node.Reg, m); n != 0 {
			t.Errorf("%s = %v after the restart, want 0", m, n)
		}
	}
	sc := r.srv.ScanAtRest(t, ctx, r.rdb)
	secrets := []string{chain.Target().Value, strings.TrimPrefix(chain.Target().Value, "+"), chain.LIID, chain.UMBoxes()[0], chain.UMBoxes()[1], "proof@um"}
	if h := sc.Hits(secrets...); len(h) > 0 {
		t.Errorf("clear at rest after the Redis restart (%d places):\n%s", len(h), strings.Join(h, "\n"))
	}
	seen := false
	for w, b := range sc.Blobs {
		seen = seen || (strings.Contains(w, ".aof") && strings.Contains(string(b), canary))
	}
	if !seen {
		t.Fatalf("the AOF scan does not show the control string written before the restart: it would miss clear data too")
	}
	t.Logf("%d sealed handover entries reloaded from the AOF; at rest (%d keys and files scanned): no identity, LIID or box id", reloaded, len(sc.Blobs))
}

// sealedStreams checks the handover queues of the rig's Redis right after a reload: every
// entry's PDU is sealed and none carries the LIID. It returns how many entries they hold.
func sealedStreams(t *testing.T, r *rig) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	for _, hi := range []string{"hi2", "hi3"} {
		key := "umli:ho:{lea|" + hi + "}:q"
		var msgs []redis.XMessage
		var err error
		// The client's pool needs a moment to dial the restarted server again.
		if !chain.Await(30*time.Second, func() bool { msgs, err = r.rdb.XRange(ctx, key, "-", "+").Result(); return err == nil }) {
			t.Errorf("XRANGE %s after the restart: %v", key, err)
			continue
		}
		for _, m := range msgs {
			p, ok := m.Values["p"].(string) // one PDU, or P: several sealed as one
			if !ok {
				p, _ = m.Values["P"].(string)
			}
			if !seal.IsSealed([]byte(p)) || strings.Contains(p, chain.LIID) {
				t.Errorf("%s entry %s: PDU not sealed after the reload", key, m.ID)
			}
		}
		n += len(msgs)
	}
	return n
}
