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

// streamValues reads every entry's content (field p or P) of a stream.
func streamValues(t *testing.T, ctx context.Context, in *instance, key string) map[string][]byte {
	t.Helper()
	msgs, err := in.h.rdb.XRange(ctx, key, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, m := range msgs {
		out[m.ID] = []byte(entryContent(t, m))
	}
	return out
}

// entryContent is the stored content of a stream entry, either format.
func entryContent(t testing.TB, m redis.XMessage) string {
	t.Helper()
	for _, f := range []string{fieldPDU, fieldPDUs} {
		if v, ok := m.Values[f].(string); ok {
			return v
		}
	}
	t.Fatalf("entry %s has no PDU field", m.ID)
	return ""
}

// TestSealedEntriesTamperDetected: entries are sealed in Redis (no PDU byte readable);
// one with a flipped bit and one truncated are detected, counted and logged by stream and
// entry id, never delivered; every other PDU arrives byte-identical. With multi-PDU
// entries a tampered entry loses all its PDUs (they share one seal) and none other.
func TestSealedEntriesTamperDetected(t *testing.T) {
	for _, tc := range []struct {
		name      string
		batch     int
		flip, cut int // entry indexes
	}{
		{"one PDU per entry", 1, 3, 11},
		{"seven per entry", 7, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) { testSealedTamper(t, tc.batch, tc.flip, tc.cut) })
	}
}

func testSealedTamper(t *testing.T, batch, flipAt, cutAt int) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	ctx := context.Background()
	cfg := testConfig(testDestination("lea1", "127.0.0.1:1", ""))
	cfg.Keyring = testKeyring(t)
	writer := newInstance(t, cfg, rdb) // not running: entries stay in the stream
	const n = 20
	enqueueRange(t, writer.h, "lea1", HI2, 0, n, batch)
	key := streamKeys("t:", "lea1", HI2).stream
	vals := streamValues(t, ctx, writer, key)
	if want := (n + batch - 1) / batch; len(vals) != want {
		t.Fatalf("%d entries, want %d", len(vals), want)
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
	flip, cut := msgs[flipAt].ID, msgs[cutAt].ID
	// Replace two entries in place is impossible in a stream: rebuild it with the same ids.
	if err := rdb.Del(ctx, key).Err(); err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		field := fieldPDU
		if _, ok := m.Values[fieldPDUs]; ok {
			field = fieldPDUs
		}
		p := []byte(entryContent(t, m))
		switch m.ID {
		case flip:
			p[len(p)/2] ^= 0x04
		case cut:
			p = p[:len(p)-5]
		}
		if err := rdb.XAdd(ctx, &redis.XAddArgs{Stream: key, ID: m.ID, Values: []any{field, p, "m", m.Values["m"]}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	lost := map[uint64]bool{}
	for _, e := range []int{flipAt, cutAt} {
		for i := e * batch; i < min((e+1)*batch, n); i++ {
			lost[uint64(i)] = true
		}
	}

	hi2 := newPeer(t, nil)
	cfg.Destinations[0].HI2Addr = hi2.addr
	in := newInstance(t, cfg, rdb).run(t)
	waitFor(t, "the other PDUs at the LEMF", func() bool { return len(hi2.state().seqs) >= n-len(lost) })
	waitFor(t, "both counted", func() bool {
		return in.metric(t, "umli_handover_entries_unreadable_total", map[string]string{"destination": "lea1", "hi": "hi2", "reason": ReasonTampered}) == 2
	})
	got := hi2.state().seqs
	if len(got) != n-len(lost) {
		t.Fatalf("LEMF got %d PDUs, want %d", len(got), n-len(lost))
	}
	seen := map[uint64]bool{}
	for _, s := range got {
		seen[s] = true
	}
	for i := uint64(0); i < n; i++ {
		if lost[i] && seen[i] {
			t.Errorf("PDU %d of a tampered entry was delivered: %v", i, got)
		}
		if !lost[i] && !seen[i] {
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
