package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// TestListenServeLive: `lemf listen --serve` shows what arrives while it is listening:
// an IRI PDU sent to HI2 appears on the viewer's index, with its LIID and CIN, before the
// LEMF stops (no summary.json yet).
func TestListenServeLive(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- listen(ctx, []string{"--hi2", "127.0.0.1:0", "--hi3", "127.0.0.1:0", "--out", t.TempDir(),
			"--serve", "127.0.0.1:0", "--log-level", "error"}, pw, io.Discard)
		pw.Close()
	}()
	br := bufio.NewReader(pr)
	first, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	second, err := br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, br) }()
	var hi2 string
	for _, f := range strings.Fields(first) {
		if v, ok := strings.CutPrefix(f, "hi2="); ok {
			hi2 = v
		}
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(second), "serving ")
	if hi2 == "" || !ok {
		t.Fatalf("stdout %q %q", first, second)
	}

	cin, typ, ev := uint32(42), etsi.IRIBegin, etsi.BoxLogin
	ts := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	p := etsi.PSPDU{Header: etsi.PSHeader{LIID: "LIVE-LIID-1", TimeStamp: &ts, CommunicationIdentifier: etsi.CommunicationIdentifier{CIN: &cin,
		NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "op", NetworkElementIdentifier: "ne-live"}}},
		Payload: etsi.Payload{IRI: []etsi.IRIPayload{{IRIType: &typ, Contents: etsi.IRIContents{MessagingIRI: &etsi.MessagingIRI{
			SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{MessageBox: &ev}, Status: 1, Trigger: 1}}}}}}
	b, err := p.AppendBER(nil, etsi.LatestVersion())
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", hi2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write(b); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(page), `data-liid="LIVE-LIID-1" data-ne="ne-live" data-cin="42"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the live viewer never showed the PDU:\n%s", page)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
