package lemf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// buildLEMF compiles cmd/lemf into a temporary directory.
func buildLEMF(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "lemf")
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/umli/umli/cmd/lemf")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build cmd/lemf: %v\n%s", err, out)
	}
	return bin
}

// TestBinaryListenAndDecode runs the built `lemf listen`, sends it a stream with a gap,
// stops it with SIGTERM, then runs `lemf decode` on what it kept and on a corrupt file.
func TestBinaryListenAndDecode(t *testing.T) {
	bin := buildLEMF(t)
	out := t.TempDir()
	cmd := exec.Command(bin, "listen", "--hi2", "127.0.0.1:0", "--hi3", "127.0.0.1:0", "--out", out, "--log-level", "debug")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		t.Fatalf("no address line; stderr:\n%s", stderr.String())
	}
	var hi2Addr, hi3Addr string
	if _, err := fmt.Sscanf(lines.Text(), "listening hi2=%s hi3=%s", &hi2Addr, &hi3Addr); err != nil {
		t.Fatalf("address line %q: %v", lines.Text(), err)
	}

	c, err := net.Dial("tcp", hi2Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	for _, seq := range []uint32{0, 2} {
		send(t, c, encode(t, iriPDU("LIID-X", 8, seq, etsi.BoxLogin, seq)))
	}
	// The answer proves the PDUs before it were processed.
	send(t, c, encode(t, keepAlivePDU("LIID-X", 8, 0)))
	assertKeepAliveResponse(t, readPDU(t, newFrameReader(c, DefaultMaxPDU)), "LIID-X", 8)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for lines.Scan() {
		text.WriteString(lines.Text() + "\n")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("lemf listen: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(text.String(), "LIID LIID-X") || !strings.Contains(text.String(), "1 missing") {
		t.Errorf("printed summary:\n%s", text.String())
	}
	b, err := os.ReadFile(filepath.Join(out, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var s Summary
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if s.Gaps != 1 || s.Duplicates != 0 || s.HI2.PDUs != 3 || s.HI2.KeepAlives != 1 {
		t.Errorf("summary.json:\n%s", b)
	}

	// decode what the listener kept.
	dec := exec.Command(bin, "decode", filepath.Join(out, HI2File))
	got, err := dec.Output()
	if err != nil {
		t.Fatalf("lemf decode: %v", err)
	}
	if n := bytes.Count(got, []byte("\n")); n != 3 {
		t.Errorf("lemf decode printed %d lines, want 3:\n%s", n, got)
	}

	// A corrupt PDU in the middle: exit 1 naming the file and the offset.
	pdus := testStream(t)
	corrupt := filepath.Join(t.TempDir(), "corrupt.ber")
	content := bytes.Join([][]byte{pdus[0], {0x30, 0x03, 0x02, 0x01, 0x00}, pdus[1]}, nil)
	if err := os.WriteFile(corrupt, content, 0o600); err != nil {
		t.Fatal(err)
	}
	dec = exec.Command(bin, "decode", corrupt)
	var decErr bytes.Buffer
	dec.Stderr = &decErr
	got, err = dec.Output()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("lemf decode on a corrupt file: %v, want exit status 1", err)
	}
	want := corrupt + ": PDU at byte offset " + strconv.Itoa(len(pdus[0]))
	if !strings.Contains(decErr.String(), want) {
		t.Errorf("stderr %q does not contain %q", decErr.String(), want)
	}
	if n := bytes.Count(got, []byte("\n")); n != 1 {
		t.Errorf("printed %d PDUs before the corrupt one, want 1", n)
	}
}
