package lemf

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/etsi"
)

// testTime is a fixed receive clock, so records are reproducible.
var testTime = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func header(liid string, cin, seq uint32) etsi.PSHeader {
	ts := testTime
	return etsi.PSHeader{
		LIID: liid,
		CommunicationIdentifier: etsi.CommunicationIdentifier{
			NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "umli-op", NetworkElementIdentifier: "um-1"},
			CIN:               &cin,
		},
		SequenceNumber: seq,
		TimeStamp:      &ts,
	}
}

// iriPDU is a MessagingIRI message-box event.
func iriPDU(liid string, cin, seq uint32, ev etsi.MessagingBoxEvent, event uint32) etsi.PSPDU {
	typ := etsi.IRIReport
	return etsi.PSPDU{Header: header(liid, cin, seq), Payload: etsi.Payload{IRI: []etsi.IRIPayload{{
		IRIType: &typ,
		Contents: etsi.IRIContents{MessagingIRI: &etsi.MessagingIRI{
			SystemType:       etsi.SystemUnifiedMessaging,
			SystemIdentifier: []byte("vm-1"),
			Category:         &etsi.MessagingEventCategory{MessageBox: &ev},
			Status:           etsi.MessagingStatus(1),
			Trigger:          etsi.MessagingTrigger(1),
			EventIdentifier:  &event,
		}},
	}}}}
}

// ccPDU is one MessagingCC chunk.
func ccPDU(liid string, cin, seq uint32, m etsi.MessagingCC) etsi.PSPDU {
	dir := etsi.DirectionFromTarget
	return etsi.PSPDU{Header: header(liid, cin, seq), Payload: etsi.Payload{CC: []etsi.CCPayload{{
		PayloadDirection: &dir,
		Contents:         etsi.CCContents{MessagingCC: &m},
	}}}}
}

func keepAlivePDU(liid string, cin, seq uint32) etsi.PSPDU {
	return etsi.PSPDU{Header: header(liid, cin, seq), Payload: etsi.Payload{TRI: &etsi.TRIPayload{Kind: etsi.TRIKeepAlive}}}
}

func encode(t testing.TB, p etsi.PSPDU) []byte {
	t.Helper()
	b, err := p.AppendBER(nil, etsi.LatestVersion())
	if err != nil {
		t.Fatalf("encode PDU: %v", err)
	}
	return b
}

// running is a LEMF served by Run in the background.
type running struct {
	*LEMF
	dir  string
	stop context.CancelFunc
	done chan error
}

// startLEMF starts a LEMF on free loopback ports; cfg.OutDir defaults to a temp dir.
func startLEMF(t *testing.T, cfg Config) *running {
	t.Helper()
	if cfg.OutDir == "" {
		cfg.OutDir = t.TempDir()
	}
	cfg.Logger = zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.DebugLevel)
	cfg.Now = func() time.Time { return testTime }
	l, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{LEMF: l, dir: cfg.OutDir, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- l.Run(ctx) }()
	t.Cleanup(func() { r.shutdown(t) })
	return r
}

// shutdown stops the LEMF and waits for Run; safe to call twice.
func (r *running) shutdown(t *testing.T) {
	t.Helper()
	r.stop()
	if err, ok := <-r.done; ok {
		close(r.done)
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	}
}

// waitPDUs waits until the LEMF processed that many PDUs per interface.
func (r *running) waitPDUs(t *testing.T, hi2, hi3 int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := r.WaitPDUs(ctx, hi2, hi3); err != nil {
		t.Fatal(err)
	}
}

func dial(t *testing.T, addr net.Addr) net.Conn {
	t.Helper()
	c := dialTB(t, addr.String())
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func dialTB(t testing.TB, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func send(t *testing.T, w io.Writer, b []byte) {
	t.Helper()
	if _, err := w.Write(b); err != nil {
		t.Fatalf("send: %v", err)
	}
}

// readPDU reads and decodes one PDU the LEMF sent back.
func readPDU(t *testing.T, fr *frameReader) etsi.PSPDU {
	t.Helper()
	frame, _, err := fr.next()
	if err != nil {
		t.Fatalf("read answer: %v", err)
	}
	p, _, err := etsi.DecodePSPDU(frame)
	if err != nil {
		t.Fatalf("decode answer: %v", err)
	}
	return p
}

// assertKeepAliveResponse checks an answer to keepAlivePDU(liid, cin, _).
func assertKeepAliveResponse(t *testing.T, p etsi.PSPDU, liid string, cin uint32) {
	t.Helper()
	if p.Payload.TRI == nil || p.Payload.TRI.Kind != etsi.TRIKeepAliveResponse {
		t.Fatalf("answer payload %+v, want TRI keep-aliveResponse", p.Payload)
	}
	got := p.Header.CommunicationIdentifier.CIN
	if p.Header.LIID != liid || got == nil || *got != cin {
		t.Fatalf("answer header LIID %q CIN %v, want %q %d", p.Header.LIID, got, liid, cin)
	}
}

// waitClosed reads until the peer closes the connection and reports how it ended.
func waitClosed(t *testing.T, c net.Conn) error {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(time.Minute))
	_, err := io.Copy(io.Discard, c)
	if err == nil {
		err = io.EOF
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("connection not closed by the LEMF")
	}
	return err
}
