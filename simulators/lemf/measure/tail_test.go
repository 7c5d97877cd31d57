package measure

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/etsi/ber"
	"github.com/umli/umli/simulators/lemf"
)

// pdu is an IRI (or, with keepAlive, a keep-alive) PDU of LIID L-1 stamped at ts.
func pdu(t *testing.T, seq uint32, ts time.Time, keepAlive bool) []byte {
	t.Helper()
	cin, typ, ev, event := uint32(7), etsi.IRIReport, etsi.MessagingBoxEvent(1), seq+1
	p := etsi.PSPDU{Header: etsi.PSHeader{LIID: "L-1", SequenceNumber: seq, TimeStamp: &ts,
		CommunicationIdentifier: etsi.CommunicationIdentifier{CIN: &cin,
			NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "op", NetworkElementIdentifier: "ne-1"}}}}
	if keepAlive {
		p.Payload.TRI = &etsi.TRIPayload{Kind: etsi.TRIKeepAlive}
	} else {
		p.Payload.IRI = []etsi.IRIPayload{{IRIType: &typ, Contents: etsi.IRIContents{MessagingIRI: &etsi.MessagingIRI{
			SystemType: etsi.SystemUnifiedMessaging, SystemIdentifier: []byte("vm-1"),
			Category: &etsi.MessagingEventCategory{MessageBox: &ev}, Status: 1, Trigger: 1, EventIdentifier: &event}}}}
	}
	b, err := p.AppendBER(nil, etsi.LatestVersion())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTailReadsWhatArrivedSince: Settle's incremental reader, polled while a real LEMF
// receives, ends with exactly the samples a full Samples read finds (keep-alives and
// resends left out), and each poll reads only the lines written since the last one.
func TestTailReadsWhatArrivedSince(t *testing.T) {
	dir := t.TempDir()
	lm, err := lemf.New(lemf.Config{OutDir: dir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- lm.Run(context.Background()) }()
	t.Cleanup(func() { _ = lm.Close(); <-done })
	hi2, _ := lm.Addrs()
	c, err := net.Dial("tcp", hi2.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	at := time.Date(2026, 12, 4, 21, 0, 0, 0, time.UTC)
	// send writes PDUs and a keep-alive, then waits for its answer: the LEMF flushes its
	// files before answering, so they hold everything sent.
	send := func(seqs ...uint32) {
		t.Helper()
		var out []byte
		for _, s := range seqs {
			out = append(out, pdu(t, s, at.Add(time.Duration(s)*time.Millisecond), false)...)
		}
		out = append(out, pdu(t, 0, at, true)...)
		if _, err := c.Write(out); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(time.Minute)) // hang guard
		var resp []byte
		for {
			if _, err := ber.FrameLength(resp, 1<<16); err == nil {
				break
			} else if !errors.Is(err, ber.ErrIncomplete) {
				t.Fatalf("keep-aliveResponse: %v", err)
			}
			b := make([]byte, 1)
			if _, err := io.ReadFull(c, b); err != nil {
				t.Fatalf("no keep-aliveResponse: %v", err)
			}
			resp = append(resp, b...)
		}
	}
	tl := tail{dir: dir}
	var got []Sample
	poll := func() int {
		t.Helper()
		n := 0
		if err := tl.advance(func(s Sample) { got = append(got, s); n++ }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	send(0, 1, 2)
	if n := poll(); n != 3 {
		t.Fatalf("first poll: %d samples, want 3", n)
	}
	if n := poll(); n != 0 {
		t.Fatalf("poll with nothing new: %d samples, want 0", n)
	}
	send(1, 3, 4) // 1 again: a resend, not a sample
	if n := poll(); n != 2 {
		t.Fatalf("second poll: %d samples, want 2 (seq 3 and 4)", n)
	}
	fi, err := os.Stat(filepath.Join(dir, lemf.RecordsFile))
	if err != nil {
		t.Fatal(err)
	}
	if tl.off != fi.Size() {
		t.Fatalf("tail consumed %d bytes of records.jsonl, it holds %d", tl.off, fi.Size())
	}
	all, err := Samples(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, all) {
		t.Fatalf("incremental samples differ from a full read:\n%v\n%v", got, all)
	}
	for i, s := range all {
		if want := at.Add(time.Duration(i) * time.Millisecond); !s.Received.Add(-s.Delay).Equal(want) {
			t.Fatalf("sample %d: event time %v, want %v", i, s.Received.Add(-s.Delay), want)
		}
	}
}
