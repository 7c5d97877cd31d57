package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// TestDecodeStrict: `lemf decode --strict` prints one line per violation and exits 1 when
// any PDU has one, 0 for clean files, 2 without files.
func TestDecodeStrict(t *testing.T) {
	dir := t.TempDir()
	hdr := etsi.PSHeader{LIID: "LIID-S", SequenceNumber: 1, CommunicationIdentifier: etsi.CommunicationIdentifier{
		NetworkIdentifier: etsi.NetworkIdentifier{OperatorIdentifier: "op"}, CIN: etsi.Ptr(uint32(1))}}
	mk := func(obj etsi.OID, proto etsi.EmailProtocol) []byte {
		p := etsi.IRIPDU(hdr, etsi.IRIPayload{Contents: etsi.IRIContents{EmailIRI: &etsi.EmailIRI{ObjID: obj,
			EventType: etsi.EmailSend, ProtocolID: proto, Status: etsi.EmailStatusSucceeded}}})
		b, err := p.AppendBER(nil, etsi.LatestVersion())
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	clean := filepath.Join(dir, "clean.ber")
	bad := filepath.Join(dir, "bad.ber")
	// webmail is a version-20 value; the obj id declares version 9.
	if err := os.WriteFile(clean, mk(nil, etsi.ProtocolSMTP), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, mk(etsi.OID{5, 2, 9, 1}, etsi.ProtocolWebmail), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		args   []string
		status int
		lines  int
	}{
		{"clean", []string{"decode", "--strict", clean}, 0, 0},
		{"violation", []string{"decode", "--strict", clean, bad}, 1, 1},
		{"no files", []string{"decode", "--strict"}, 2, 0},
		{"missing file", []string{"decode", "--strict", filepath.Join(dir, "nope.ber")}, 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(c.args, &stdout, &stderr); got != c.status {
				t.Fatalf("status %d, want %d; stderr %q", got, c.status, stderr.String())
			}
			out := strings.TrimSpace(stdout.String())
			n := 0
			if out != "" {
				n = len(strings.Split(out, "\n"))
			}
			if n != c.lines {
				t.Fatalf("%d lines, want %d:\n%s", n, c.lines, out)
			}
			if c.lines > 0 && !strings.Contains(out, "bad.ber: PDU at byte offset 0: offset ") ||
				c.lines > 0 && !strings.Contains(out, "emailIRI.protocol-ID: value 4 exists only since EmailPDU version 20") {
				t.Fatalf("line %q", out)
			}
		})
	}
}

// TestListenStrictFlag: --strict turns the check on; the summary says so.
func TestListenStrictFlag(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	if err := listen(ctx, []string{"--strict", "--hi2", "127.0.0.1:0", "--hi3", "127.0.0.1:0", "--out", t.TempDir()}, &stdout, &stderr); err != nil {
		t.Fatalf("listen: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "constraint violations: 0 in 0 PDUs") {
		t.Fatalf("stdout %q", stdout.String())
	}
}
