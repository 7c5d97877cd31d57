package mediation_test

import (
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
)

// TestSubmitReleaseCC feeds CC records through SubmitRelease whose content buffers are
// overwritten as soon as mediation releases them (as rtpcapture reuses them): the LEMF
// still receives the original bytes, and release is called exactly once per taken
// record, at once for dropped ones, never for refused ones.
func TestSubmitReleaseCC(t *testing.T) {
	s := startSystem(t, time.Minute)
	ctx := context.Background()
	s.submitBox(aliceID, "rtp", record.Open, etsi.BoxConnect)

	const n = 40
	var released [n]atomic.Int32
	want := make([][]byte, n)
	for i := range n {
		r := rec(aliceID, "rtp", record.Continue, "m1")
		r.MessagingCC, r.Direction = audio(i), etsi.DirectionToTarget
		buf := r.MessagingCC.Content
		for k := range buf {
			buf[k] = byte(i*7 + k)
		}
		want[i] = bytes.Clone(buf)
		err := s.med.SubmitRelease(ctx, r, func() {
			released[i].Add(1)
			for k := range buf {
				buf[k] = 0xEE // the source reuses the chunk
			}
		})
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}

	// Dropped records are released at once: a non-target, and one before the window.
	var dropped [2]atomic.Int32
	nt := rec(otherID, "rtp-other", record.Continue, "")
	nt.MessagingCC = audio(0)
	early := rec(aliceID, "rtp", record.Continue, "")
	early.MessagingCC, early.Time = audio(0), time.Now().Add(-2*time.Hour)
	for i, r := range []*record.Record{nt, early} {
		if err := s.med.SubmitRelease(ctx, r, func() { dropped[i].Add(1) }); err != nil {
			t.Fatalf("dropped record %d: %v", i, err)
		}
		if c := dropped[i].Load(); c != 1 {
			t.Errorf("dropped record %d: released %d times, want 1", i, c)
		}
	}
	// A refused record is not taken: never released.
	var refused atomic.Int32
	bad := rec(aliceID, "rtp", record.Continue, "")
	if err := s.med.SubmitRelease(ctx, bad, func() { refused.Add(1) }); !errors.Is(err, mediation.ErrBadRecord) {
		t.Fatalf("record without content: %v", err)
	}

	if err := s.med.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	s.waitLEMF(0, n)
	got := s.received()

	// After Run ended: refused, never released.
	late := rec(aliceID, "rtp", record.Continue, "")
	late.MessagingCC = audio(0)
	if err := s.med.SubmitRelease(ctx, late, func() { refused.Add(1) }); !errors.Is(err, mediation.ErrClosed) {
		t.Fatalf("record after stop: %v", err)
	}
	if c := refused.Load(); c != 0 {
		t.Errorf("refused records released %d times, want 0", c)
	}
	for i := range n {
		if c := released[i].Load(); c != 1 {
			t.Errorf("record %d released %d times, want 1", i, c)
		}
	}
	for i, c := range []int32{dropped[0].Load(), dropped[1].Load()} {
		if c != 1 {
			t.Errorf("dropped record %d: released %d times in all, want 1", i, c)
		}
	}

	if gaps := got.Gaps(); len(gaps) != 0 {
		t.Errorf("gaps %v", gaps)
	}
	st := pducheck.Stream{LIID: "A-CC", NE: "um-1", CIN: 1, CC: true}
	if c := got.Count(st); c != n {
		t.Fatalf("%v: %d PDUs, want %d", st, c, n)
	}
	for seq := range uint32(n) {
		p, err := got.Decoded(st, seq)
		if err != nil {
			t.Fatal(err)
		}
		if c := p.Payload.CC[0].Contents.MessagingCC.Content; !bytes.Equal(c, want[seq]) {
			t.Errorf("%v seq %d: content % x…, want % x…", st, seq, c[:8], want[seq][:8])
		}
	}
}
