package handover

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/internal/testredis"
)

// entryPDUs is the PDUs of a clear stream entry, either format.
func entryPDUs(t testing.TB, m redis.XMessage) [][]byte {
	t.Helper()
	if p, ok := m.Values[fieldPDU].(string); ok {
		return [][]byte{[]byte(p)}
	}
	packed, ok := m.Values[fieldPDUs].(string)
	if !ok {
		t.Fatalf("entry %s has neither %s nor %s", m.ID, fieldPDU, fieldPDUs)
	}
	var out [][]byte
	if _, err := unpack(packed, func(p string) error { out = append(out, []byte(p)); return nil }); err != nil {
		t.Fatalf("entry %s: %v", m.ID, err)
	}
	return out
}

// TestPackedFraming: a run packs and unpacks to the same PDUs, and framing that does not
// parse (truncated length, length past the end, zero-length PDU, empty) is refused whole.
func TestPackedFraming(t *testing.T) {
	run := [][]byte{[]byte("a"), bytes.Repeat([]byte("b"), 200), bytes.Repeat([]byte("c"), 70000)}
	packed := appendPacked(nil, run)
	if len(packed) != packedLen(run) {
		t.Fatalf("packed %d bytes, packedLen says %d", len(packed), packedLen(run))
	}
	var got [][]byte
	n, err := unpack(packed, func(p []byte) error { got = append(got, p); return nil })
	if err != nil || n != 3 || len(got) != 3 {
		t.Fatalf("unpack: %d PDUs, %v", n, err)
	}
	for i := range run {
		if !bytes.Equal(got[i], run[i]) {
			t.Fatalf("PDU %d differs", i)
		}
	}
	for _, tc := range []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"length past the end", []byte{5, 'a', 'b'}},
		{"zero-length PDU", []byte{1, 'a', 0}},
		{"truncated length", []byte{1, 'a', 0x80}},
		{"overlong length", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls := 0
			_, err := unpack(tc.in, func([]byte) error { calls++; return nil })
			if !errors.Is(err, errBadPack) {
				t.Fatalf("unpack = %v, want errBadPack", err)
			}
			if calls != 0 {
				t.Fatalf("%d PDUs handed out of a malformed entry", calls)
			}
		})
	}
}

// FuzzUnpack: any bytes either unpack into non-empty PDUs that pack back to the input, or
// are refused without handing out a PDU.
func FuzzUnpack(f *testing.F) {
	f.Add(appendPacked(nil, [][]byte{[]byte("x"), []byte("yz")}))
	f.Add([]byte{0x80})
	f.Add([]byte{3, 1, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		var run [][]byte
		_, err := unpack(b, func(p []byte) error { run = append(run, p); return nil })
		if err != nil {
			if len(run) != 0 {
				t.Fatalf("error %v after %d PDUs", err, len(run))
			}
			return
		}
		for _, p := range run {
			if len(p) == 0 {
				t.Fatal("empty PDU")
			}
		}
		// A non-minimal varint unpacks too; only the PDUs must survive a repack.
		var again [][]byte
		if _, err := unpack(appendPacked(nil, run), func(p []byte) error { again = append(again, p); return nil }); err != nil || len(again) != len(run) {
			t.Fatalf("repack: %v, %d of %d", err, len(again), len(run))
		}
	})
}

// TestChunks: runs are at most maxEntryPDUs PDUs and maxEntryBytes bytes (a larger PDU
// alone), in order, covering every PDU once.
func TestChunks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sizes []int
		want  []int // PDUs per run
	}{
		{"one", []int{10}, []int{1}},
		{"by count", repeat(10, maxEntryPDUs+3), []int{maxEntryPDUs, 3}},
		{"by bytes", repeat(maxEntryBytes/4, 9), []int{4, 4, 1}},
		{"big PDU alone", []int{10, maxEntryBytes + 1, 10}, []int{1, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var pdus [][]byte
			for i, n := range tc.sizes {
				pdus = append(pdus, bytes.Repeat([]byte{byte(i)}, n))
			}
			var got []int
			next := 0
			_ = chunks(pdus, func(run [][]byte) error {
				got = append(got, len(run))
				for _, p := range run {
					if p[0] != byte(next) {
						t.Fatalf("PDU %d out of order", next)
					}
					next++
				}
				return nil
			})
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("runs %v, want %v", got, tc.want)
			}
		})
	}
}

// entrySizes is the PDU count of each entry in a clear stream, oldest first.
func entrySizes(t testing.TB, rdb redis.UniversalClient, key string) []int {
	t.Helper()
	msgs, err := rdb.XRange(context.Background(), key, "-", "+").Result()
	if err != nil {
		t.Fatalf("XRANGE %s: %v", key, err)
	}
	out := make([]int, len(msgs))
	for i, m := range msgs {
		out[i] = len(entryPDUs(t, m))
	}
	return out
}

// holdsWindow: the stream keeps the newest entries that hold at least w PDUs and no
// older one (a resend window of w PDUs kept in whole entries); w == 0 keeps nothing.
func holdsWindow(sizes []int, w int) bool {
	held := 0
	for _, n := range sizes {
		held += n
	}
	if w == 0 || len(sizes) == 0 {
		return held == w
	}
	return held >= w && held-sizes[0] < w
}

func testSeq(p []byte) uint64 { return binary.BigEndian.Uint64(p[4:12]) }

func repeat(v, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// oldEnqueueLua is the enqueue script of the single-PDU format (before multi-PDU
// entries), as an instance not yet upgraded still runs it: one XADD of p per PDU.
const oldEnqueueLua = `
local function field(fs, name)
  for i = 1, #fs, 2 do if fs[i] == name then return fs[i + 1] end end
  return nil
end
local o, n = 0, 0
local l = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if #l > 0 then
  local lo, ln = string.match(field(l[1][2], 'm'), '^(%d+):(%d+)$')
  o = tonumber(lo) + string.len(field(l[1][2], 'p')); n = tonumber(ln) + 1
end
for i = 3, #ARGV do
  redis.call('XADD', KEYS[1], '*', 'p', ARGV[i], 'm', string.format('%d:%d', o, n))
  o = o + string.len(ARGV[i])
  n = n + 1
end
return {0, 0}
`

// TestMultiPDUEntriesAfterUpgrade: a stream holding old single-PDU entries (written by
// the previous format) gets multi-PDU entries appended; depth and undelivered bytes count
// PDUs across both forms, the byte cap counts PDU bytes (not framing), and the sender
// delivers every PDU once, in order, and counts each.
func TestMultiPDUEntriesAfterUpgrade(t *testing.T) {
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	ctx := context.Background()
	lemf := newPeer(t, nil)
	lemf.stop() // nobody listens while the queue is filled
	d := testDestination("lea1", lemf.addr, "")
	const old, batch, lone = 5, 40, 1
	total := old + batch + lone
	d.MaxBufferedBytes = int64(total * testPDUSize) // exactly the PDUs' bytes
	in := newInstance(t, testConfig(d), rdb)
	key := streamKeys("t:", "lea1", HI2)
	args := []any{0, ""}
	for i := range old {
		args = append(args, testPDU(uint64(i), testPDUSize))
	}
	if err := rdb.Eval(ctx, oldEnqueueLua, []string{key.stream}, args...).Err(); err != nil {
		t.Fatal(err)
	}
	enqueueRange(t, in.h, "lea1", HI2, old, old+batch, batch)
	enqueueRange(t, in.h, "lea1", HI2, old+batch, total, lone)
	if err := in.h.Enqueue(ctx, "lea1", HI2, testPDU(999, 1)); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("Enqueue past the cap = %v, want ErrQueueFull", err)
	}
	msgs, err := rdb.XRange(ctx, key.stream, "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	var forms []string
	seq := uint64(0)
	for _, m := range msgs {
		ps := entryPDUs(t, m)
		form := fieldPDU
		if _, ok := m.Values[fieldPDUs]; ok {
			form = fieldPDUs
		}
		forms = append(forms, fmt.Sprintf("%s%d", form, len(ps)))
		for _, p := range ps {
			if got := testSeq(p); got != seq {
				t.Fatalf("entry %s holds PDU %d, want %d", m.ID, got, seq)
			}
			seq++
		}
	}
	// 40 PDUs of 300 bytes: the PDU count, not maxEntryBytes, bounds the first entry.
	want := strings.Repeat("p1 ", old) + fmt.Sprintf("P%d P%d p1", maxEntryPDUs, batch-maxEntryPDUs)
	if strings.Join(forms, " ") != want {
		t.Fatalf("entries %v, want %s", forms, want)
	}
	// Depth and bytes from the purge script, in PDUs and PDU bytes, before any delivery.
	in.run(t)
	waitFor(t, "depth sampled", func() bool { return in.stats("lea1", HI2).Depth == int64(total) })
	lemf.start()
	waitFor(t, "every PDU at the LEMF", func() bool { return len(lemf.state().seqs) >= total })
	dups, err := checkComplete(lemf.state().seqs, total)
	if err != nil || dups != 0 {
		t.Fatalf("LEMF got %v (dups %d, %v)", lemf.state().seqs, dups, err)
	}
	waitFor(t, "sent counter", func() bool { return in.stats("lea1", HI2).Sent == int64(total) })
}

// TestResendWindowExactWithMultiPDUEntries: the resend window is N PDUs even when the
// entries holding them carry more: a trim keeps the multi-PDU entry whole and marks how
// many of its PDUs are older than the window, and after a reconnect the LEMF gets exactly
// the last N again, then what is new.
func TestResendWindowExactWithMultiPDUEntries(t *testing.T) {
	for _, tc := range []struct {
		name       string
		confirming bool
	}{{"confirmed by keep-alives", true}, {"written position", false}} {
		t.Run(tc.name, func(t *testing.T) {
			const n, window = 20, 5
			srv := testredis.Start(t)
			rdb := testRedis(t, srv)
			ctx := context.Background()
			lemf := newPeer(t, nil)
			d := testDestination("lea1", lemf.addr, "")
			if !tc.confirming {
				d.KeepAliveInterval, d.KeepAlive, d.IsKeepAliveResponse = 0, nil, nil
			}
			d.ResendWindow = window
			in := newInstance(t, testConfig(d), rdb).run(t)
			enqueueRange(t, in.h, "lea1", HI2, 0, n, n) // one entry of 20
			key := streamKeys("t:", "lea1", HI2)
			waitFor(t, "the trim to mark the window inside the entry", func() bool {
				v, err := rdb.Get(ctx, key.skip).Result()
				return err == nil && strings.HasSuffix(v, fmt.Sprintf(" %d", n-window))
			})
			if sizes := entrySizes(t, rdb, key.stream); fmt.Sprint(sizes) != "[20]" {
				t.Fatalf("stream entries %v, want the one entry of 20 kept whole", sizes)
			}
			lemf.stop()
			lemf.start()
			enqueueRange(t, in.h, "lea1", HI2, n, n+1, 1)
			waitFor(t, "the window and the new PDU after the reconnect", func() bool {
				s := lemf.state().seqs
				return len(s) > 0 && s[len(s)-1] == n
			})
			seqs := lemf.state().seqs
			want := n + window + 1
			if len(seqs) != want {
				t.Fatalf("LEMF got %d PDUs %v, want %d: 20, the last %d again, 1 new", len(seqs), seqs, want, window)
			}
			for i, s := range seqs[n:] {
				if s != uint64(n-window+i) {
					t.Fatalf("after the reconnect got %v, want %d..%d", seqs[n:], n-window, n)
				}
			}
			waitFor(t, "counters", func() bool { st := in.stats("lea1", HI2); return st.Sent == n+1 && st.Resent == window })
		})
	}
}

// TestParseSkipMark: the skip key reads back; anything else is an error naming it.
func TestParseSkipMark(t *testing.T) {
	if m, err := parseSkipMark("1700000000000-3 15"); err != nil || m.n != 15 || m.of(streamID{1700000000000, 3}) != 15 || m.of(streamID{1700000000000, 4}) != 0 {
		t.Fatalf("parse: %+v %v", m, err)
	}
	for _, bad := range []string{"", "1-0", "1-0 x", "x 3", "1-0 -2"} {
		if _, err := parseSkipMark(bad); err == nil || !strings.Contains(err.Error(), "skip mark") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// TestRingMultiPDUEntries: the written-position window counts PDUs, keeps a multi-PDU
// entry whole and says how many of its PDUs are older than a count window; a byte window
// keeps a multi-PDU entry while any part is inside (more resent, never less).
func TestRingMultiPDUEntries(t *testing.T) {
	id := func(n uint64) streamID { return streamID{n, 0} }
	r := newIDRing(5)
	r.push(id(1), 3000, 20)
	if got, ok := r.trimBefore(id(1)); !ok || got != id(1) || r.surplus() != 15 {
		t.Fatalf("count window in one entry of 20: %v %v surplus %d, want %v true 15", got, ok, r.surplus(), id(1))
	}
	r.push(id(2), 300, 3)
	r.push(id(3), 300, 3) // 3+3 >= 5: the entry of 20 leaves
	if got, ok := r.trimBefore(id(3)); !ok || got != id(2) || r.surplus() != 1 {
		t.Fatalf("after two entries of 3: %v %v surplus %d, want %v true 1", got, ok, r.surplus(), id(2))
	}
	b := newByteRing(250)
	b.push(id(1), 100, 1)
	b.push(id(2), 300, 3) // partly inside the last 250 bytes: kept; the lone PDU is not
	if got, ok := b.trimBefore(id(2)); !ok || got != id(2) || b.surplus() != 0 {
		t.Fatalf("byte window: %v %v surplus %d, want %v true 0", got, ok, b.surplus(), id(2))
	}
}
