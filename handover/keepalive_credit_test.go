package handover

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

// TestKeepAliveResponseCreditsOnlyItsKeepAlive: the sender loop reads the clock, then
// notices the answer to keep-alive 1 and sends keep-alive 2 in the same step. An answer
// that arrived between those two moments must not also count for keep-alive 2: that
// would confirm PDUs the LEMF has not read yet and trim them from the stream, so they
// are lost when the connection dies before the LEMF reads them. The clock reading is
// passed in, so the interleaving is exact rather than raced.
func TestKeepAliveResponseCreditsOnlyItsKeepAlive(t *testing.T) {
	ctx := context.Background()
	srv := testredis.Start(t)
	rdb := testRedis(t, srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	d := testDestination("lea1", ln.Addr().String(), "")
	d.KeepAliveInterval, d.KeepAliveTimeout, d.ResendWindow = time.Second, 2*time.Second, 2
	in := newInstance(t, testConfig(d), rdb)
	s := in.h.streams[streamName{"lea1", HI2}]
	if held, err := s.acquire(ctx); err != nil || !held {
		t.Fatalf("acquire lease: %v, %v", held, err)
	}
	enqueueRange(t, in.h, "lea1", HI2, 0, 10, 1) // one entry per PDU: each has its own id
	ids := streamSeqs(t, s)
	if len(ids) != 10 {
		t.Fatalf("stream holds %d entries, want 10", len(ids))
	}
	// The LEMF reads PDUs 0..4 and keep-alive 1; 5..9 are written after keep-alive 1
	// and stay unread (in socket buffers when the connection dies).
	read, unread := ids[4], ids[9]

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	lemf, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = lemf.Close() }()
	ss := s.newSession(conn)
	defer func() { _ = conn.Close(); <-ss.in.done }()
	readKeepAlive := func() {
		t.Helper()
		b := make([]byte, len(testKeepAlive))
		if _, err := io.ReadFull(lemf, b); err != nil || string(b) != string(testKeepAlive) {
			t.Fatalf("LEMF read %x, %v; want a keep-alive", b, err)
		}
	}
	step := func(now time.Time) {
		t.Helper()
		if err := ss.keepAlive(now); err != nil {
			t.Fatal(err)
		}
		if ss.confirm != nil {
			if err := ss.trimConfirmed(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Keep-alive 1 went out 1.5 s ago (answered late, a busy LEMF): keep-alive 2 is due
	// as soon as that answer is seen, within KeepAliveTimeout and WriteTimeout.
	t0 := time.Now().Add(-1500 * time.Millisecond)
	ss.written = &read
	step(t0)
	readKeepAlive()
	// The loop reads its clock for the next step; keep-alive 1's answer arrives just after.
	now := time.Now()
	if _, err := lemf.Write(testKeepAliveResponse); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the keep-alive response", func() bool { return len(ss.in.resp) > 0 })
	ss.written, ss.lastPDU = &unread, now
	step(now) // keep-alive 1 answered: trim below 0..4; keep-alive 2 goes out
	readKeepAlive()
	if ss.kaSent.IsZero() {
		t.Fatal("keep-alive 2 was not sent")
	}
	step(now.Add(time.Millisecond)) // keep-alive 2 has no answer

	// The connection dies now: every PDU the LEMF did not read must still be in the
	// stream for the replay, after the resend window below the confirmed PDU 4.
	want := []uint64{3, 4, 5, 6, 7, 8, 9}
	if len(streamSeqs(t, s)) != len(want) {
		t.Fatalf("stream holds PDUs %v after the trims, want %v", seqsOf(t, s), want)
	}
	for i, seq := range seqsOf(t, s) {
		if seq != want[i] {
			t.Fatalf("stream holds PDUs %v after the trims, want %v", seqsOf(t, s), want)
		}
	}
	if ss.kaSent.IsZero() {
		t.Fatal("unanswered keep-alive 2 counted as answered")
	}
}

// streamSeqs lists the ids in the stream of s.
func streamSeqs(t *testing.T, s *stream) []streamID {
	t.Helper()
	msgs, err := s.h.rdb.XRange(context.Background(), s.keys.stream, "-", "+").Result()
	if err != nil {
		t.Fatalf("XRANGE: %v", err)
	}
	ids := make([]streamID, len(msgs))
	for i, m := range msgs {
		if ids[i], err = parseStreamID(m.ID); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// seqsOf lists the test PDU sequence numbers in the stream of s.
func seqsOf(t *testing.T, s *stream) []uint64 {
	t.Helper()
	msgs, err := s.h.rdb.XRange(context.Background(), s.keys.stream, "-", "+").Result()
	if err != nil {
		t.Fatalf("XRANGE: %v", err)
	}
	seqs := make([]uint64, len(msgs))
	for i, m := range msgs {
		p, _ := m.Values[fieldPDU].(string)
		if len(p) < 12 {
			t.Fatalf("entry %s: no test PDU", m.ID)
		}
		seqs[i] = binary.BigEndian.Uint64([]byte(p[4:12]))
	}
	return seqs
}
