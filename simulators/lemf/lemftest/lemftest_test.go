package lemftest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/simulators/lemf"
)

// TestStartServesAndStopFinalizes: both interfaces accept connections once Start
// returns, and Stop leaves the summary the LEMF writes on close in OutDir.
func TestStartServesAndStopFinalizes(t *testing.T) {
	dir := t.TempDir()
	l := Start(t, lemf.Config{OutDir: dir})
	for _, a := range []net.Addr{l.HI2, l.HI3} {
		c, err := net.Dial("tcp", a.String())
		if err != nil {
			t.Fatalf("dial %s: %v", a, err)
		}
		c.Close()
	}
	l.Stop(t)
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); err != nil {
		t.Errorf("after Stop: %v", err)
	}
	l.Stop(t) // a second Stop (and the cleanup after it) must not block
}

// TestOnlyCIN: no CIN while the LEMF has received nothing, the one CIN once one IRI
// PDU of one LIID has arrived.
func TestOnlyCIN(t *testing.T) {
	l := Start(t, lemf.Config{})
	if c, ok := l.OnlyCIN(); ok {
		t.Fatalf("empty LEMF: CIN %+v", c)
	}
	cin, ev, typ := uint32(7), etsi.BoxLogin, etsi.IRIReport
	ts := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := etsi.PSPDU{Header: etsi.PSHeader{LIID: "LIID-1", SequenceNumber: 0, TimeStamp: &ts,
		CommunicationIdentifier: etsi.CommunicationIdentifier{
			NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "op", NetworkElementIdentifier: "um-1"}, CIN: &cin}},
		Payload: etsi.Payload{IRI: []etsi.IRIPayload{{IRIType: &typ, Contents: etsi.IRIContents{MessagingIRI: &etsi.MessagingIRI{
			SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{MessageBox: &ev},
			Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser}}}}}}
	b, err := p.AppendBER(nil, etsi.LatestVersion())
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", l.HI2.String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second) // hang guard
	defer cancel()
	if err := l.WaitPDUs(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	got, ok := l.OnlyCIN()
	if !ok || got.CIN == nil || *got.CIN != cin {
		t.Fatalf("after one PDU of CIN %d: %+v, %v", cin, got, ok)
	}
}
