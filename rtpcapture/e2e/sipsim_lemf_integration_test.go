// Package e2e_test runs the SIP/RTP path end to end: the SIP simulator's SRC forks a
// deposit to umli's recording endpoint, whose records go through real mediation (real
// redis-server), handover and an in-process LEMF over TCP.
package e2e_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/testrig"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/siprec"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemf/lemftest"
	"github.com/umli/umli/simulators/sipsim"
)

// The box owner is the target; the caller is not.
const (
	boxAOR  = "sip:2000@um.example"
	boxID   = "2000@um.example"
	liid    = "LI-BOX"
	srsName = "fs-um-1"
)

func systemConfig(hi2, hi3 string) string {
	return fmt.Sprintf(`instance: e2e-1
operator: OP-TEST
networkElement: ne-default
sessions: {idleTimeout: 1m, sweepInterval: 50ms}
queue: {size: 2000, workers: 2}
handover: {keepAlive: 1s, keepAliveTimeout: 1s}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s", version: ver20}
warrants:
  - liid: %s
    destination: lea
    scope: iri+cc
    start: %s
    targets: [{boxID: "%s"}]
`, hi2, hi3, liid, time.Now().Add(-time.Hour).Format(time.RFC3339), boxID)
}

// system is mediation + handover on a real redis-server, delivering to an in-process LEMF.
type system struct {
	lm   *lemftest.LEMF
	out  string
	core *testrig.Core
	med  *mediation.Mediator
	once sync.Once
}

func startSystem(t *testing.T) *system {
	t.Helper()
	s := &system{out: t.TempDir()}
	s.lm = lemftest.Start(t, lemf.Config{OutDir: s.out})
	cfg := testrig.Parse(t, "e2e.yaml", systemConfig(s.lm.HI2.String(), s.lm.HI3.String()))
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	s.core = testrig.Run(t, cfg, pipeline.Options{Log: log})
	s.med = s.core.Mediator
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop ends mediation and closes the LEMF, which finalizes its WAV files.
func (s *system) stop(t *testing.T) {
	s.once.Do(func() {
		s.core.Stop()
		s.lm.Stop(t)
	})
}

// startSRS serves umli's recording endpoint on transport ("udp" or "tcp") and returns
// its SIP address.
func startSRS(t *testing.T, transport string, sink *mediation.Mediator) string {
	t.Helper()
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	ep, err := siprec.New(siprec.Config{Source: srsName, Sink: sink, MediaAddr: netip.MustParseAddr("127.0.0.1"), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var addr string
	var sock interface{ Close() error }
	switch transport {
	case "udp":
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr, sock = pc.LocalAddr().String(), pc
		go func() { defer close(done); _ = ep.ServeUDP(ctx, pc) }()
	case "tcp":
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr, sock = l.Addr().String(), l
		go func() { defer close(done); _ = ep.ServeTCP(ctx, l) }()
	default:
		t.Fatalf("transport %q", transport)
	}
	t.Cleanup(func() {
		cancel()
		<-done
		if err := ep.Close(); err != nil {
			t.Errorf("close endpoint: %v", err)
		}
		_ = sock.Close()
	})
	return addr
}

// wavData returns the samples of a WAV file's data chunk and its format tag, walking the
// RIFF chunks rather than assuming a header size.
func wavData(b []byte) (format uint16, data []byte, err error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return 0, nil, errors.New("not a RIFF/WAVE file")
	}
	for p := 12; p+8 <= len(b); {
		id, n := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		if n > len(body) {
			return 0, nil, fmt.Errorf("chunk %q at %d: size %d beyond end of file", id, p, n)
		}
		switch id {
		case "fmt ":
			if n < 2 {
				return 0, nil, errors.New("short fmt chunk")
			}
			format = binary.LittleEndian.Uint16(body)
		case "data":
			return format, body[:n], nil
		}
		p += 8 + n + n&1
	}
	return 0, nil, errors.New("no data chunk")
}

// TestDepositThroughMediationToLEMF is issue 5's "Done when" for the simulator: the CC of
// a forwarded deposit reaches the LEMF linked to the session's connect IRI, and the
// WAV files the LEMF reassembles hold, sample for sample, the audio the simulator sent.
func TestDepositThroughMediationToLEMF(t *testing.T) {
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) { depositThroughMediationToLEMF(t, transport) })
	}
}

func depositThroughMediationToLEMF(t *testing.T, transport string) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s := startSystem(t)
	srs := startSRS(t, transport, s.med)
	res, err := sipsim.Deposit(ctx, sipsim.Config{SRS: srs, Transport: transport, Box: boxAOR, Duration: time.Second,
		Log: zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.CallerAudio) == 0 || len(res.UMAudio) == 0 {
		t.Fatalf("simulator sent %d caller and %d UM bytes", len(res.CallerAudio), len(res.UMAudio))
	}
	// The box owner is the target (Table 6): the caller depositing speaks toTarget, the
	// UM system's prompt plays into the owner's box side, fromTarget.
	want := map[uint32][]byte{rtpcapture.ContentToTarget: res.CallerAudio, rtpcapture.ContentFromTarget: res.UMAudio}

	// Wait until the LEMF has the connect IRI and both legs ended (end-of-sequence with
	// nothing missing): HI2 and HI3 are separate connections, so either may be first.
	for {
		sum := s.lm.Summary()
		complete, connected := 0, false
		for _, l := range sum.LIIDs {
			for _, c := range l.CINs {
				for _, cs := range c.Content {
					if cs.Complete {
						complete++
					}
				}
				for _, e := range c.Events {
					connected = connected || e.Category == "message-box:connect"
				}
			}
		}
		if connected && complete >= len(want) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("LEMF did not get both legs complete: %+v", sum)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := s.med.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	s.stop(t) // flushes the WAVs
	sum := s.lm.Summary()
	if len(sum.LIIDs) != 1 || sum.LIIDs[0].LIID != liid || len(sum.LIIDs[0].CINs) != 1 || sum.Gaps != 0 || sum.Duplicates != 0 {
		t.Fatalf("want one LIID with one CIN, no gaps or duplicates: %+v", sum)
	}
	cin := sum.LIIDs[0].CINs[0]
	if cin.NE != srsName || cin.CIN == nil {
		t.Fatalf("CIN %+v: want NE %q and a CIN", cin, srsName)
	}

	// The connect IRI of this CIN carries the event-identifier the CC must repeat.
	var connect *lemf.Event
	for i, e := range cin.Events {
		if e.Payload == "MessagingIRI" && e.Category == "message-box:connect" {
			if connect != nil {
				t.Fatalf("two connect IRIs in one CIN: %+v", cin.Events)
			}
			connect = &cin.Events[i]
		}
	}
	if connect == nil || connect.EventIdentifier == nil {
		t.Fatalf("no connect IRI with an event-identifier in CIN %d: %+v", *cin.CIN, cin.Events)
	}
	// umli's own connect opens the sequence (the simulator has no UM feed).
	if connect.IRIType != "iRI-Begin" || connect.Status != "operation-succeeded" {
		t.Errorf("connect IRI %+v, want iRI-Begin operation-succeeded", *connect)
	}
	if len(cin.Content) != len(want) {
		t.Fatalf("content streams %+v, want one per direction", cin.Content)
	}
	seen := map[uint32]bool{}
	for _, cs := range cin.Content {
		if cs.Payload != "MessagingCC" || cs.ContentIdentifier == nil || cs.EventIdentifier == nil {
			t.Fatalf("content stream %+v", cs)
		}
		cid := *cs.ContentIdentifier
		exp, ok := want[cid]
		if !ok || seen[cid] {
			t.Fatalf("content-identifier %d unexpected or repeated: %+v", cid, cin.Content)
		}
		seen[cid] = true
		if *cs.EventIdentifier != *connect.EventIdentifier {
			t.Errorf("cid %d: MessagingCC event-identifier %d, connect IRI has %d", cid, *cs.EventIdentifier, *connect.EventIdentifier)
		}
		if cs.ContentType != "audio/PCMU" || !cs.Complete || cs.MissingChunks != 0 || cs.Ignored != 0 || cs.Error != "" {
			t.Errorf("cid %d: %+v", cid, cs)
		}
		// The file name is the LEMF's key: LIID_NE_CIN_event_content.
		if name := fmt.Sprintf("%s_%s_%d_%d_%d.wav", liid, srsName, *cin.CIN, *connect.EventIdentifier, cid); filepath.Base(cs.File) != name {
			t.Errorf("cid %d: file %q, want %q", cid, cs.File, name)
		}
		b, err := os.ReadFile(filepath.Join(s.out, cs.File))
		if err != nil {
			t.Fatal(err)
		}
		format, data, err := wavData(b)
		if err != nil {
			t.Fatalf("%s: %v", cs.File, err)
		}
		if format != 7 { // WAVE_FORMAT_MULAW
			t.Errorf("%s: format tag %d, want 7 (mu-law)", cs.File, format)
		}
		// Sample-exact: every payload byte the simulator sent in that direction, nothing
		// before, after or in between.
		if !bytes.Equal(data, exp) {
			t.Errorf("%s: %d samples differ from the %d sent (first difference at %d)", cs.File, len(data), len(exp), firstDiff(data, exp))
		}
		if int64(len(data)) != cs.Bytes {
			t.Errorf("%s: data chunk %d bytes, summary says %d", cs.File, len(data), cs.Bytes)
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
