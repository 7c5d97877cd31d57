package handover

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/internal/testredis"
)

func testKeyring(t testing.TB) *seal.Keyring {
	t.Helper()
	text, err := seal.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	k, err := seal.ParseKeyring(text, "test")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// streamValues reads every entry's p field of a stream.
func streamValues(t *testing.T, ctx context.Context, in *instance, key string) map[string][]byte {
	t.Helper()
	msgs, err := in.h.rdb.XRange(ctx, key, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, m := range msgs {
		out[m.ID] = []byte(m.Values["p"].(string))
	}
	return out
}

// TestSealedEntriesTamperDetected: entries are sealed in Redis (no PDU byte readable);
// one with a flipped bit and one truncated are detected, counted and logged by stream and
// entry id, never delivered; every other PDU arrives byte-identical.
func TestSealedEntriesTamperDetected(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	ctx := context.Background()
	cfg := testConfig(testDestination("lea1", "127.0.0.1:1", ""))
	cfg.Keyring = testKeyring(t)
	writer := newInstance(t, cfg, rdb) // not running: entries stay in the stream
	const n = 20
	enqueueRange(t, writer.h, "lea1", HI2, 0, n, 7)
	key := streamKeys("t:", "lea1", HI2).stream
	vals := streamValues(t, ctx, writer, key)
	if len(vals) != n {
		t.Fatalf("%d entries, want %d", len(vals), n)
	}
	for id, v := range vals {
		if !seal.IsSealed(v) {
			t.Fatalf("entry %s is not sealed", id)
		}
		for i := 0; i < n; i++ {
			if bytes.Contains(v, testPDU(uint64(i), testPDUSize)[:32]) {
				t.Fatalf("entry %s carries PDU bytes in clear", id)
			}
		}
	}
	msgs, _ := rdb.XRange(ctx, key, "-", "+").Result()
	flip, cut := msgs[3].ID, msgs[11].ID
	// Replace two entries in place is impossible in a stream: rebuild it with the same ids.
	if err := rdb.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		p := []byte(m.Values["p"].(string))
		switch m.ID {
		case flip:
			p[len(p)/2] ^= 0x04
		case cut:
			p = p[:len(p)-5]
		}
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: m.ID, Values: []any{"p", p, "m", m.Values["m"]}}).Err(); err != nil {
			t.Fatal(err)
		}
	}

	hi2 := newPeer(t, nil)
	cfg.Destinations[0].HI2Addr = hi2.addr
	in := newInstance(t, cfg, rdb).run(t)
	waitFor(t, "the other PDUs at the LEMF", func() bool { return len(hi2.state().seqs) >= n-2 })
	waitFor(t, "both counted", func() bool {
		return in.metric(t, "umli_handover_entries_unreadable_total", map[string]string{"destination": "lea1", "hi": "hi2", "reason": ReasonTampered}) == 2
	})
	got := hi2.state().seqs
	if len(got) != n-2 {
		t.Fatalf("LEMF got %d PDUs, want %d", len(got), n-2)
	}
	seen := map[uint64]bool{}
	for _, s := range got {
		seen[s] = true
	}
	if seen[3] || seen[11] {
		t.Errorf("a tampered entry was delivered: %v", got)
	}
	for i := uint64(0); i < n; i++ {
		if i != 3 && i != 11 && !seen[i] {
			t.Errorf("PDU %d missing", i)
		}
	}
}

// TestDataKeysShredded: once a window's entries are delivered and trimmed and its window
// closed (here by RotateDataKeys, as when a warrant ends), its data key is gone from
// Redis and copies of its entries taken earlier can no longer be opened; newer entries
// still can.
func TestDataKeysShredded(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	ctx := context.Background()
	hi2 := newPeer(t, nil)
	d := testDestination("lea1", hi2.addr, "")
	d.ResendWindow = -1 // nothing kept after delivery
	cfg := testConfig(d)
	cfg.Keyring = testKeyring(t)
	cfg.EnqueueTimeout = 200 * time.Millisecond // grace 1.4 s
	writer := newInstance(t, cfg, rdb)
	enqueueRange(t, writer.h, "lea1", HI2, 0, 10, 5)
	key := streamKeys("t:", "lea1", HI2)
	copies := streamValues(t, ctx, writer, key.stream)
	var copied []byte
	for _, v := range copies {
		copied = v
	}
	id, err := seal.KeyID(copied)
	if err != nil {
		t.Fatal(err)
	}
	fresh := newInstance(t, cfg, rdb) // opens only through Redis, no cached key
	opener := fresh.h.streams[streamName{"lea1", HI2}].dk
	if _, _, err := opener.open(ctx, nil, string(copied)); err != nil {
		t.Fatalf("copy does not open before shredding: %v", err)
	}
	in := newInstance(t, cfg, rdb).run(t)
	waitFor(t, "delivery", func() bool { return len(hi2.state().seqs) >= 10 })
	if err := writer.h.RotateDataKeys(ctx, "lea1"); err != nil {
		t.Fatal(err)
	}
	enqueueRange(t, writer.h, "lea1", HI2, 10, 12, 2) // a new window's key
	waitFor(t, "old data key destroyed", func() bool {
		n, err := rdb.HExists(ctx, key.dk, id).Result()
		return err == nil && !n
	})
	if got := in.metric(t, "umli_handover_data_keys_destroyed_total", map[string]string{"destination": "lea1", "hi": "hi2"}); got < 1 {
		t.Errorf("data_keys_destroyed_total = %v", got)
	}
	opener = newInstance(t, cfg, rdb).h.streams[streamName{"lea1", HI2}].dk
	for cid, v := range copies {
		if _, reason, err := opener.open(ctx, nil, string(v)); !errors.Is(err, errKeyDestroyed) || reason != ReasonKeyDestroyed {
			t.Errorf("copy of %s: err %v reason %q, want key destroyed", cid, err, reason)
		}
	}
	waitFor(t, "new window delivered", func() bool { return len(hi2.state().seqs) >= 12 })
	if n, _ := rdb.HLen(ctx, key.dk).Result(); n == 0 {
		t.Error("the current window's key was destroyed too")
	}
}
