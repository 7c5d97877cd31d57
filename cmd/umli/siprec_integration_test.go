package main

import (
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/internal/testredis"
)

// TestRunSIPREC: the SIPREC endpoint configured under rtp.siprec answers SIP on the
// configured UDP address (OPTIONS → 200), and a second umli on the same address fails
// to start with the reason instead of running without it.
func TestRunSIPREC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	bin := buildUMLI(t)
	srv := testredis.Start(t)
	dir := t.TempDir()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sipAddr := pc.LocalAddr().String()
	pc.Close()
	cfgPath := filepath.Join(dir, "umli.yaml")
	writeFile(t, cfgPath, fmt.Sprintf(`instance: srs-1
operator: OP-SRS
redis: {addrs: ["%s"]}
destinations:
  - {name: lea, hi2: "127.0.0.1:9", hi3: "127.0.0.1:9"}
warrants:
  - {liid: SRS-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{e164: "+4917012345678"}]}
rtp:
  siprec: {source: fs-um-1, listen: "%s", transport: udp, mediaAddr: 127.0.0.1, portMin: 0, portMax: 0}
`, srv.Addr, sipAddr))
	umli := runConfig(t, bin, cfgPath)

	c, err := net.Dial("udp", sipAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	local := c.LocalAddr().String()
	options := "OPTIONS sip:srs@" + sipAddr + " SIP/2.0\r\n" +
		"Via: SIP/2.0/UDP " + local + ";branch=z9hG4bK-umli-test-1\r\n" +
		"Max-Forwards: 70\r\nFrom: <sip:src@127.0.0.1>;tag=t1\r\nTo: <sip:srs@" + sipAddr + ">\r\n" +
		"Call-ID: umli-options-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
	buf := make([]byte, 4096)
	var answer string
	waitUntil(t, "SIP answer to OPTIONS", func() bool {
		if _, err := c.Write([]byte(options)); err != nil {
			return false
		}
		_ = c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		n, err := c.Read(buf)
		if err != nil {
			return false
		}
		answer = string(buf[:n])
		return true
	})
	if !strings.HasPrefix(answer, "SIP/2.0 200") {
		t.Fatalf("OPTIONS answered %q", answer)
	}

	// The address is taken: a second instance must refuse to run.
	cfg2 := filepath.Join(dir, "umli2.yaml")
	writeFile(t, cfg2, strings.Replace(readFile(t, cfgPath), "instance: srs-1", "instance: srs-2", 1))
	out, err := exec.Command(bin, "run", "--config", cfg2).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "siprec: listen udp") {
		t.Errorf("second umli on a taken SIP address: %v\n%s", err, out)
	}

	umli.terminate(t)
}
