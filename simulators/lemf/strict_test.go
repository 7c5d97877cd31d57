package lemf

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/mediation/etsi"
)

// strictBadPDU decodes (the lenient decoder does not tie enumeration values to the
// payload's version) but breaks the schema: webmail(4) is a version-20 value of
// E-mail-Protocol, and its emailIRIObjId declares EmailPDU version 9. It returns the
// PDU and the offset of the protocol-ID element.
func strictBadPDU(t testing.TB, seq uint32) ([]byte, int) {
	t.Helper()
	e := &etsi.EmailIRI{ObjID: etsi.OID{5, 2, 9, 1}, EventType: etsi.EmailLogon, ProtocolID: etsi.ProtocolWebmail,
		Status: etsi.EmailStatusSucceeded, AAAInformation: &etsi.AAAInformation{IMAP: &etsi.IMAPAAAInformation{Username: "secret-user"}}}
	b := encode(t, etsi.IRIPDU(header("LIID-S", 1, seq), etsi.IRIPayload{Contents: etsi.IRIContents{EmailIRI: e}}))
	if _, _, err := etsi.DecodePSPDU(b); err != nil {
		t.Fatalf("the bad PDU must decode leniently: %v", err)
	}
	i := bytes.Index(b, []byte{0x88, 0x01, 0x04})
	if i < 0 {
		t.Fatal("protocol-ID not found")
	}
	return b, i
}

const strictBadPath = "payload.iRIPayloadSequence[0].iRIContents.emailIRI.protocol-ID"

// TestListenStrictCountsViolations: with Strict, a received PDU's violations are logged by
// path and offset (no content) and counted in the summary; clean PDUs count none.
func TestListenStrictCountsViolations(t *testing.T) {
	var logs testlog.Buffer
	l, err := New(Config{OutDir: t.TempDir(), Strict: true, Logger: zerolog.New(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx) }()
	a2, _ := l.Addrs()
	c := dial(t, a2)
	bad, at := strictBadPDU(t, 1)
	send(t, c, encode(t, iriPDU("LIID-S", 1, 0, etsi.BoxLogin, 1)))
	send(t, c, bad)
	wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer wcancel()
	if err := l.WaitPDUs(wctx, 2, 0); err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	s := l.Summary()
	if s.HI2.Violations != 1 || s.HI2.ViolatingPDUs != 1 || !s.Strict {
		t.Fatalf("summary HI2 %+v strict %v: want 1 violation in 1 PDU", s.HI2, s.Strict)
	}
	var out bytes.Buffer
	if err := s.Format(&out); err != nil || !strings.Contains(out.String(), "constraint violations: 1 in 1 PDUs") {
		t.Fatalf("summary text %q (%v)", out.String(), err)
	}
	lg := logs.String()
	if !strings.Contains(lg, `"path":"`+strictBadPath+`"`) || !strings.Contains(lg, fmt.Sprintf(`"offset":%d`, at)) {
		t.Fatalf("log lacks the violation's path and offset %d:\n%s", at, lg)
	}
	if strings.Contains(lg, "secret-user") || strings.Contains(lg, "LIID-S") {
		t.Fatalf("log carries content or the LIID:\n%s", lg)
	}
}

// TestCheckFiles: every violation is one line with the file offset of its element; a
// clean file gives none.
func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	clean := encode(t, iriPDU("LIID-S", 1, 0, etsi.BoxLogin, 1))
	bad, at := strictBadPDU(t, 1)
	mixed := filepath.Join(dir, "mixed.ber")
	if err := os.WriteFile(mixed, append(append([]byte(nil), clean...), bad...), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := filepath.Join(dir, "clean.ber")
	if err := os.WriteFile(ok, clean, 0o600); err != nil {
		t.Fatal(err)
	}
	var w bytes.Buffer
	rep, err := CheckFiles(&w, ok, mixed)
	if err != nil {
		t.Fatal(err)
	}
	if rep != (StrictReport{PDUs: 3, Violating: 1, Violations: 1}) {
		t.Fatalf("report %+v", rep)
	}
	want := fmt.Sprintf("%s: PDU at byte offset %d: offset %d %s: ", mixed, len(clean), len(clean)+at, strictBadPath)
	if lines := strings.Split(strings.TrimSpace(w.String()), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], want) {
		t.Fatalf("output %q, want one line starting %q", w.String(), want)
	}
	if strings.Contains(w.String(), "secret-user") {
		t.Fatal("output carries content")
	}
}
