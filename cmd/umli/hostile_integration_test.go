package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/simulators/lemf"
)

// hostileRig is `umli run` with a webhook, a JSON-lines listener and /metrics, the
// limits of the hostile-peer tests set small, and a LEMF.
type hostileRig struct {
	lm                       *lemf.LEMF
	p                        *runningUMLI
	hook, lines, metrics     string
	token                    string
	readTimeout, idleTimeout time.Duration
}

const hostileTarget = "2000@um.example.net"

func startHostileRig(t *testing.T, extra string) *hostileRig {
	t.Helper()
	rg := startRig(t, buildUMLI(t))
	bin, srv, dir := rg.bin, rg.srv, rg.dir
	lm, hi2, hi3 := rg.lm.LEMF, rg.lm.HI2, rg.lm.HI3
	r := &hostileRig{lm: lm, hook: freeAddr(t), lines: freeAddr(t), metrics: freeAddr(t), token: "tok-hostile-5e4d3c2b",
		readTimeout: 3 * time.Second, idleTimeout: 2 * time.Second}
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, r.token+"\n")
	cfgPath := filepath.Join(dir, "umli.yaml")
	writeFile(t, cfgPath, fmt.Sprintf(`instance: hostile-1
operator: OP-HOSTILE
log: {level: info}
metrics: {listen: "%s"}
redis: {addrs: ["%s"]}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s"}
warrants:
  - {liid: HOSTILE-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{boxID: "%s"}]}
umsys:
  systemID: um-hostile
  webhooks:
    - source: hook-um-1
      listen: "%s"
      path: /events
      tokenFile: "%s"
      maxConns: 400
      maxConnsPerPeer: 400
      http: {readHeaderTimeout: 2s, readTimeout: %s, writeTimeout: 10s, idleTimeout: %s}
  jsonLines:
    - {source: lines-um-1, listen: "%s", maxConns: 1100, maxConnsPerPeer: 1100, maxBufferedBytes: 8388608}
%s`, r.metrics, srv.Addr, hi2, hi3, hostileTarget, r.hook, tokenFile, r.readTimeout, r.idleTimeout, r.lines, extra))
	r.p = runConfig(t, bin, cfgPath)
	return r
}

// deposits counts the deposits at the LEMF with their complete CC.
func (r *hostileRig) deposits() int {
	n := 0
	for _, l := range r.lm.Summary().LIIDs {
		for _, c := range l.CINs {
			for _, e := range c.Events {
				if e.Category == "message:deposit" && e.EventIdentifier != nil && hasCompleteContent(c, *e.EventIdentifier) {
					n++
				}
			}
		}
	}
	return n
}

// depositLine is a target deposit event for a JSON-lines feed.
func depositLine(session string) string {
	return fmt.Sprintf(`{"session": %q, "box": %q, "time": "2026-11-23T09:05:00Z", "event": "deposit", "status": "operation-succeeded", "content": {"text": "hello"}}`+"\n", session, hostileTarget)
}

// metric reads one sample of /metrics whose line starts with prefix (0 if absent).
func (r *hostileRig) metric(t *testing.T, prefix string) float64 {
	t.Helper()
	for _, l := range strings.Split(httpGet(t, "http://"+r.metrics+"/metrics"), "\n") {
		if strings.HasPrefix(l, prefix) {
			v, err := strconv.ParseFloat(l[strings.LastIndexByte(l, ' ')+1:], 64)
			if err != nil {
				t.Fatalf("metric line %q: %v", l, err)
			}
			return v
		}
	}
	return 0
}

// TestRunWebhookTricklers: 200 clients without a token, each trickling a chunked
// body at one byte a second, are all answered 401 and cut (EOF) within the configured
// readTimeout, having sent no more than a few body bytes; meanwhile an authenticated
// deposit is taken and reaches the LEMF, an idle keep-alive connection is closed
// after idleTimeout, every refusal is counted in umli_ingest_refused_total and the
// warning is logged a few times, not 200.
func TestRunWebhookTricklers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	r := startHostileRig(t, "")
	const clients = 200
	type result struct {
		status  int
		cut     time.Duration
		sent    int
		errText string
	}
	res := make([]result, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = trickle(r.hook, 2*r.readTimeout+5*time.Second)
		}()
	}
	// The legitimate sender is served during the flood.
	body := fmt.Sprintf(`{"session": "hook-good", "box": %q, "time": "2026-11-23T09:00:00Z", "event": "deposit", "status": "operation-succeeded", "content": {"text": "call me"}}`, hostileTarget)
	req, _ := http.NewRequest(http.MethodPost, "http://"+r.hook+"/events", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("authenticated POST during the flood: %v %v\n%s", resp, err, r.p.stderr.String())
	}
	resp.Body.Close()
	wg.Wait()
	t.Logf("%d tricklers finished after %v", clients, time.Since(start))
	for i, x := range res {
		if x.errText != "" || x.status != http.StatusUnauthorized || x.cut > r.readTimeout || x.sent > 3 {
			t.Fatalf("trickler %d: status %d, cut after %v (readTimeout %v), %d body bytes sent, err %q", i, x.status, x.cut, r.readTimeout, x.sent, x.errText)
		}
	}
	waitUntil(t, "the authenticated deposit at the LEMF", func() bool { return r.deposits() >= 1 })

	// An idle keep-alive connection is closed by umli after idleTimeout.
	c, err := net.Dial("tcp", r.hook)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", r.token)
	br := bufio.NewReader(c)
	kr, err := http.ReadResponse(br, nil)
	if err != nil || kr.StatusCode/100 != 2 || kr.Close {
		t.Fatalf("keep-alive request: %v %v", kr, err)
	}
	io.Copy(io.Discard, kr.Body)
	idleStart := time.Now()
	c.SetReadDeadline(time.Now().Add(r.idleTimeout + 10*time.Second))
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("idle keep-alive: %v, want EOF from umli", err)
	}
	if d := time.Since(idleStart); d < r.idleTimeout-500*time.Millisecond {
		t.Fatalf("idle connection closed after %v, before idleTimeout %v", d, r.idleTimeout)
	}

	if n := r.metric(t, `umli_ingest_refused_total{listener="webhook hook-um-1",reason="bad_token"}`); n < clients {
		t.Errorf("umli_ingest_refused_total for the token: %v, want >= %d", n, clients)
	}
	logs := r.p.stderr.String()
	if n := len(regexp.MustCompile(`ingest peer refused`).FindAllString(logs, -1)); n == 0 || n > 5 {
		t.Errorf("%d 'ingest peer refused' warnings for %d refusals, want 1..5 (rate-limited)", n, clients)
	}
	if strings.Contains(logs, r.token) || strings.Contains(logs, hostileTarget) {
		t.Error("token or target identity in the log")
	}
	r.p.terminate(t)
}

// trickle sends a tokenless chunked POST one body byte a second until umli answers
// or closes, and reports how long umli took to close the connection.
func trickle(addr string, giveUp time.Duration) (x struct {
	status  int
	cut     time.Duration
	sent    int
	errText string
}) {
	c, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		x.errText = err.Error()
		return x
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.WriteString(c, "POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"); err != nil {
		x.errText = err.Error()
		return x
	}
	c.SetReadDeadline(start.Add(giveUp))
	got := make(chan struct{})
	go func() {
		defer close(got)
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			x.errText = "response: " + err.Error()
			return
		}
		x.status = resp.StatusCode
		io.Copy(io.Discard, resp.Body)
		if _, err := br.ReadByte(); err != io.EOF {
			x.errText = fmt.Sprintf("after the response: %v, want EOF", err)
			return
		}
		x.cut = time.Since(start)
	}()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-got:
			return x
		case <-tick.C:
			if _, err := io.WriteString(c, "1\r\n{\r\n"); err == nil {
				x.sent++
			}
		}
	}
}

// rssBytes reads VmRSS of pid from /proc.
func rssBytes(t *testing.T, pid int) int64 {
	t.Helper()
	s := readFile(t, fmt.Sprintf("/proc/%d/status", pid))
	m := regexp.MustCompile(`(?m)^VmRSS:\s+(\d+) kB`).FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no VmRSS in /proc/%d/status", pid)
	}
	kb, _ := strconv.ParseInt(m[1], 10, 64)
	return kb << 10
}

// Documented in OPERATIONS.md "Hostile peers": an open JSON-lines connection holding
// a partial line of up to FreeLineBytes costs at most perConnBound of umli's memory;
// longer partial lines draw on maxBufferedBytes (all connections together).
const (
	perConnBound     = 64 << 10
	maxBufferedBytes = 8 << 20
)

// TestRunJSONLinesSlowConnections: 1,000 connections each holding a 3 KiB partial
// line, plus 20 each pushing a 1 MiB partial line, grow umli's RSS by less than
// 1,000 x perConnBound + 2 x maxBufferedBytes (the issue measured ~1.9 MB per
// connection before); most of the 1 MiB pushers are closed for the budget
// (counted), connections beyond maxConns are refused (counted), and a target deposit
// on a fresh connection reaches the LEMF during the flood and after it.
func TestRunJSONLinesSlowConnections(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	r := startHostileRig(t, "")
	before := rssBytes(t, r.p.cmd.Process.Pid)
	const slow = 1000
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	partial := `{"session": "slow", "box": "9999@elsewhere.example", "pad": "` + strings.Repeat("p", 3<<10)
	for i := range slow {
		c, err := net.Dial("tcp", r.lines)
		if err != nil {
			t.Fatalf("slow connection %d: %v", i, err)
		}
		conns = append(conns, c)
		if _, err := io.WriteString(c, partial); err != nil {
			t.Fatalf("slow connection %d: %v", i, err)
		}
	}
	var wg sync.WaitGroup
	big := partial + strings.Repeat("q", 1<<20-len(partial)-100)
	for range 20 {
		c, err := net.Dial("tcp", r.lines)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = io.WriteString(c, big) }()
	}
	wg.Wait()
	send := func(session string) {
		c, err := net.Dial("tcp", r.lines)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, depositLine(session)); err != nil {
			t.Fatal(err)
		}
	}
	send("lines-during")
	waitUntil(t, "the deposit sent during the flood at the LEMF", func() bool { return r.deposits() >= 1 })
	waitUntil(t, "the 1 MiB pushers closed for the budget", func() bool {
		return r.metric(t, `umli_feed_frame_errors_total{dialect="json",kind="buffer-budget",source="lines-um-1"}`) >= 10
	})
	during := rssBytes(t, r.p.cmd.Process.Pid)
	bound := int64(slow*perConnBound + 2*maxBufferedBytes)
	t.Logf("umli RSS %d MiB before, %d MiB with %d slow connections (growth %d KiB, bound %d KiB)",
		before>>20, during>>20, slow, (during-before)>>10, bound>>10)
	if during-before > bound {
		t.Errorf("RSS grew by %d KiB with %d slow connections, bound %d KiB", (during-before)>>10, slow, bound>>10)
	}
	// maxConns is 1,100: the 1,021 open plus more reach it; the excess is refused.
	for range 100 {
		c, err := net.Dial("tcp", r.lines)
		if err == nil {
			conns = append(conns, c)
		}
	}
	waitUntil(t, "connections beyond maxConns refused and counted", func() bool {
		return r.metric(t, `umli_accept_refused_total{cap="listener",listener="jsonLines lines-um-1"}`) >= 1
	})
	for _, c := range conns {
		c.Close()
	}
	conns = nil
	send("lines-after")
	waitUntil(t, "the deposit sent after the flood at the LEMF", func() bool { return r.deposits() >= 2 })
	r.p.terminate(t)
}
