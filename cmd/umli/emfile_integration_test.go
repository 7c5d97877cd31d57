package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"

	"github.com/umli/umli/email"
	"github.com/umli/umli/mediation/x1"
	"github.com/umli/umli/simulators/mailsim"
)

// listenerProbe is one of umli's listeners: how to reach it and what proves it served.
type listenerProbe struct {
	name string // netaccept listener name (metric label, log field)
	addr string
	// open dials and starts talking; check waits for the proof that umli served it.
	open  func(t *testing.T, addr string) net.Conn
	check func(t *testing.T, c net.Conn)
}

// TestRunEveryListenerSurvivesEMFILE (issue 21): with umli's soft RLIMIT_NOFILE set
// below the descriptors it holds (prlimit on the running process), every accept
// fails with a real EMFILE. Each listener `umli run` opens — metrics, webhook, CUNI,
// JSON lines, the SMTP, POP3 and IMAP proxies, SIPREC over TCP, X1 — gets a
// connection then: each logs the rate-limited backoff warning and none ends the
// process. Once the limit is back, each serves the connection that waited in its
// backlog, and /metrics shows umli_accept_errors_total{reason="emfile"} for each.
func TestRunEveryListenerSurvivesEMFILE(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	upstream := map[email.Protocol]string{}
	for _, p := range []email.Protocol{email.SMTP, email.POP3, email.IMAP} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() { _ = mailsim.Serve(ctx, ln, p, zerolog.Nop()) }()
		upstream[p] = ln.Addr().String()
	}
	dir := t.TempDir()
	pki, err := x1.GenerateDemoPKI(dir, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := dispatch([]string{"x1", "keyring"}, nil, &out, &errb); code != 0 {
		t.Fatalf("umli x1 keyring: %d %s", code, errb.String())
	}
	keyring := filepath.Join(dir, "x1.keyring")
	writeFile(t, keyring, out.String())
	tokenFile := filepath.Join(dir, "cuni.token")
	writeFile(t, tokenFile, "cuni-tok-1a2b\n")
	cuni, smtp, pop3, imap, sip, x1Addr := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	r := startHostileRig(t, fmt.Sprintf(`  cuni:
    - {source: cuc-1, listen: "%s", path: /cuni, tokenFile: "%s"}
email:
  proxies:
    - {source: smtp-1, protocol: smtp, listen: "%s", upstream: "%s"}
    - {source: pop3-1, protocol: pop3, listen: "%s", upstream: "%s"}
    - {source: imap-1, protocol: imap, listen: "%s", upstream: "%s"}
rtp:
  siprec: {source: srs-emfile-1, listen: "%s", transport: tcp, mediaAddr: 127.0.0.1, portMin: 0, portMax: 0}
x1: {listen: "%s", cert: "%s", key: "%s", clientCA: "%s", keyringFile: "%s", neIdentifier: umli-emfile}
audit: {file: "%s"}
`, cuni, tokenFile, smtp, upstream[email.SMTP], pop3, upstream[email.POP3], imap, upstream[email.IMAP], sip,
		x1Addr, pki.ServerCert, pki.ServerKey, pki.CA, keyring, filepath.Join(dir, "audit.log")))

	dial := func(t *testing.T, addr string) net.Conn {
		t.Helper()
		c, err := net.DialTimeout("tcp", addr, 10*time.Second)
		if err != nil {
			t.Fatalf("dial %s while umli is out of descriptors: %v", addr, err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	send := func(req string) func(t *testing.T, addr string) net.Conn {
		return func(t *testing.T, addr string) net.Conn {
			c := dial(t, addr)
			if _, err := io.WriteString(c, req); err != nil {
				t.Fatal(err)
			}
			return c
		}
	}
	expect := func(prefix string) func(t *testing.T, c net.Conn) {
		return func(t *testing.T, c net.Conn) {
			t.Helper()
			c.SetReadDeadline(time.Now().Add(60 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, prefix) {
				t.Errorf("%s: first line %q (%v), want %q", c.RemoteAddr(), line, err, prefix)
			}
		}
	}
	get := func(path string) string {
		return "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
	}
	cp := x509.NewCertPool()
	cp.AppendCertsFromPEM([]byte(readFile(t, pki.CA)))
	clientCert, err := tls.LoadX509KeyPair(pki.ClientCert, pki.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	handshakes := map[net.Conn]chan error{}
	lines := 0
	probes := []listenerProbe{
		{"metrics", r.metrics, send(get("/metrics")), expect("HTTP/1.1 200")},
		{"webhook hook-um-1", r.hook, send(get("/events")), expect("HTTP/1.1 ")},
		{"webhook cuc-1", cuni, send(get("/cuni")), expect("HTTP/1.1 ")},
		{"jsonLines lines-um-1", r.lines, func(t *testing.T, addr string) net.Conn {
			lines++
			return send(depositLine(fmt.Sprintf("emfile-lines-%d", lines)))(t, addr)
		}, func(t *testing.T, c net.Conn) {
			waitUntil(t, "the JSON-lines deposit at the LEMF", func() bool { return r.deposits() >= lines })
		}},
		{"email proxy smtp-1", smtp, dial, expect("220 ")},
		{"email proxy pop3-1", pop3, dial, expect("+OK")},
		{"email proxy imap-1", imap, dial, expect("* OK")},
		{"siprec tcp srs-emfile-1", sip, func(t *testing.T, addr string) net.Conn {
			c := dial(t, addr)
			l := c.LocalAddr().String()
			fmt.Fprint(c, "OPTIONS sip:srs@"+addr+";transport=tcp SIP/2.0\r\nVia: SIP/2.0/TCP "+l+";branch=z9hG4bK-emfile1\r\n"+
				"Max-Forwards: 70\r\nFrom: <sip:src@127.0.0.1>;tag=e1\r\nTo: <sip:srs@"+addr+">\r\nCall-ID: emfile1@src.example\r\n"+
				"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
			return c
		}, expect("SIP/2.0 200")},
		{"x1", x1Addr, func(t *testing.T, addr string) net.Conn {
			tc := tls.Client(dial(t, addr), &tls.Config{RootCAs: cp, ServerName: "127.0.0.1", Certificates: []tls.Certificate{clientCert}, MinVersion: tls.VersionTLS12})
			done := make(chan error, 1)
			go func() { done <- tc.Handshake() }()
			handshakes[tc] = done
			return tc
		}, func(t *testing.T, c net.Conn) {
			select {
			case err := <-handshakes[c]:
				if err != nil {
					t.Errorf("X1 TLS handshake after the descriptors came back: %v", err)
				}
			case <-time.After(60 * time.Second):
				t.Error("X1 TLS handshake never completed")
			}
		}},
	}
	// Every listener answers before the limit drops.
	for _, p := range probes {
		c := p.open(t, p.addr)
		p.check(t, c)
		c.Close()
	}
	if t.Failed() {
		t.FailNow()
	}

	pid := r.p.cmd.Process.Pid
	var lim unix.Rlimit
	if err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, nil, &lim); err != nil {
		t.Fatal(err)
	}
	held := openFDs(t, pid)
	low := unix.Rlimit{Cur: 8, Max: lim.Max}
	if err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, &low, nil); err != nil {
		t.Fatalf("prlimit --nofile=8 on umli: %v", err)
	}
	restored := false
	restore := func() {
		if !restored {
			restored = true
			if err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, &lim, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	defer restore()
	t.Logf("umli holds %d descriptors; soft RLIMIT_NOFILE lowered from %d to %d", held, lim.Cur, low.Cur)
	conns := make([]net.Conn, len(probes))
	for i, p := range probes {
		conns[i] = p.open(t, p.addr)
	}
	for _, p := range probes {
		waitUntil(t, "the backoff warning of "+p.name, func() bool {
			for _, l := range strings.Split(r.p.stderr.String(), "\n") {
				if strings.Contains(l, `"listener":"`+p.name+`"`) && strings.Contains(l, `"reason":"emfile"`) &&
					strings.Contains(l, "netaccept: accept failed, backing off") {
					return true
				}
			}
			return false
		})
	}
	select {
	case err := <-r.p.done:
		t.Fatalf("umli exited out of descriptors: %v\n%s", err, r.p.stderr.String())
	default:
	}
	restore()
	for i, p := range probes {
		t.Run(strings.ReplaceAll(p.name, " ", "_"), func(t *testing.T) { p.check(t, conns[i]) })
	}
	metrics := httpGet(t, "http://"+r.metrics+"/metrics")
	for _, p := range probes {
		if n := r.metric(t, `umli_accept_errors_total{listener="`+p.name+`",reason="emfile"}`); n < 1 {
			t.Errorf("umli_accept_errors_total{listener=%q,reason=\"emfile\"} = %v, want >= 1", p.name, n)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", metrics)
	}
	resp, err := http.Get("http://" + r.metrics + "/metrics")
	if err != nil {
		t.Fatalf("metrics after the limit came back: %v", err)
	}
	resp.Body.Close()
	r.p.terminate(t)
}
