package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// openFDs counts the descriptors pid holds (/proc/<pid>/fd).
func openFDs(t *testing.T, pid int) int {
	t.Helper()
	es, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// udpSockets counts the UDP sockets among pid's descriptors (its RTP media sockets
// when SIPREC runs over TCP only): the inodes of /proc/<pid>/fd found in /proc/net/udp*.
func udpSockets(t *testing.T, pid int) int {
	t.Helper()
	udp := map[string]bool{}
	for _, f := range []string{"/proc/net/udp", "/proc/net/udp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n")[1:] {
			if f := strings.Fields(l); len(f) > 9 {
				udp[f[9]] = true
			}
		}
	}
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		l, err := os.Readlink(dir + "/" + e.Name())
		if err == nil && strings.HasPrefix(l, "socket:[") && udp[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] {
			n++
		}
	}
	return n
}

// sipOffer is a plain SDP offer with n send-only audio m-lines from 127.0.0.1.
func sipOffer(n int) string {
	var b strings.Builder
	b.WriteString("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n")
	for i := range n {
		fmt.Fprintf(&b, "m=audio %d RTP/AVP 8\r\na=sendonly\r\n", 10000+2*i)
	}
	return b.String()
}

// sipInvite is an INVITE over TCP between two non-target parties, without credentials.
func sipInvite(srs, local, callID string, mlines int) string {
	body := sipOffer(mlines)
	return "INVITE sip:srs@" + srs + ";transport=tcp SIP/2.0\r\n" +
		"Via: SIP/2.0/TCP " + local + ";branch=z9hG4bK-" + callID + "\r\n" +
		"Max-Forwards: 70\r\n" +
		"From: <sip:+4930111" + callID + "@src.example>;tag=f-" + callID + "\r\n" +
		"To: <sip:+4930222000@srs.example>\r\n" +
		"Call-ID: " + callID + "@src.example\r\n" +
		"CSeq: 1 INVITE\r\n" +
		"Contact: <sip:src@" + local + ";transport=tcp>\r\n" +
		"Content-Type: application/sdp\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// sipFinals reads SIP responses from r and records each Call-ID's first final status.
func sipFinals(r io.Reader, mu *sync.Mutex, finals map[string]int) {
	tp := textproto.NewReader(bufio.NewReaderSize(r, 64<<10))
	for {
		status, err := tp.ReadLine()
		if err != nil {
			return
		}
		if status == "" {
			continue // keep-alive CRLF
		}
		h, err := tp.ReadMIMEHeader()
		if err != nil {
			return
		}
		cl := h.Get("Content-Length")
		if cl == "" {
			cl = h.Get("L")
		}
		if n, _ := strconv.Atoi(cl); n > 0 {
			if _, err := io.CopyN(io.Discard, tp.R, int64(n)); err != nil {
				return
			}
		}
		f := strings.Fields(status)
		if len(f) < 2 || f[0] != "SIP/2.0" {
			continue
		}
		code, _ := strconv.Atoi(f[1])
		id := h.Get("Call-Id")
		if id == "" {
			id = h.Get("I")
		}
		if code < 200 {
			continue
		}
		mu.Lock()
		if _, seen := finals[id]; !seen {
			finals[id] = code
		}
		mu.Unlock()
	}
}

// TestRunSIPRECBurst (issue 21): a raw TCP writer without credentials sends 40 SIPREC
// INVITEs of 400 audio m-lines each, then 40 of 4 (within maxStreamsPerOffer), between
// non-target parties, and never ACKs. Before the caps this took umli to its descriptor
// limit and the next accept was fatal. Now: every 400-line offer is answered 488 and
// opens no socket; the 4-line offers are held to maxPendingPerPeer (the rest 503); the
// process's descriptors stay within the pending offers' streams plus a few; a target
// deposit over JSON lines reaches the LEMF during the burst and after it, and the SIPREC
// listener still answers a new connection.
func TestRunSIPRECBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	const (
		bursts, mlines = 40, 400
		inCap          = 40
		perOffer       = 4
		pendingPerPeer = 32 // rtp.siprec.maxPendingPerPeer's default
	)
	sip := freeAddr(t)
	r := startHostileRig(t, fmt.Sprintf(`rtp:
  siprec: {source: srs-burst-1, listen: "%s", transport: tcp, mediaAddr: 127.0.0.1, portMin: 0, portMax: 0, maxStreamsPerOffer: %d}
`, sip, perOffer))
	pid := r.p.cmd.Process.Pid
	before := openFDs(t, pid)

	c, err := net.Dial("tcp", sip)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var mu sync.Mutex
	finals := map[string]int{}
	go sipFinals(c, &mu, finals)
	local := c.LocalAddr().String()
	w := bufio.NewWriter(c)
	for i := range bursts {
		fmt.Fprint(w, sipInvite(sip, local, fmt.Sprintf("big%03d", i), mlines))
	}
	for i := range inCap {
		fmt.Fprint(w, sipInvite(sip, local, fmt.Sprintf("small%03d", i), perOffer))
	}
	if err := w.Flush(); err != nil {
		t.Fatalf("writing the burst: %v", err)
	}
	answered := func() int { mu.Lock(); defer mu.Unlock(); return len(finals) }
	waitUntil(t, "a final answer to every INVITE of the burst", func() bool { return answered() >= bursts+inCap })
	peak := openFDs(t, pid)

	// During the burst (the 200s await ACKs that never come, their sockets held).
	send := func(session string) {
		lc, err := net.Dial("tcp", r.lines)
		if err != nil {
			t.Fatal(err)
		}
		defer lc.Close()
		if _, err := io.WriteString(lc, depositLine(session)); err != nil {
			t.Fatal(err)
		}
	}
	send("siprec-burst-during")
	waitUntil(t, "the deposit sent during the SIPREC burst at the LEMF", func() bool { return r.deposits() >= 1 })
	if d := openFDs(t, pid); d > peak {
		peak = d
	}

	mu.Lock()
	var ok, notAcceptable, unavailable int
	for id, code := range finals {
		switch {
		case strings.HasPrefix(id, "big"):
			if code != 488 {
				t.Errorf("%s (%d m-lines): %d, want 488", id, mlines, code)
			}
			notAcceptable++
		case code == 200:
			ok++
		case code == 503:
			unavailable++
		default:
			t.Errorf("%s (%d m-lines): %d, want 200 or 503", id, perOffer, code)
		}
	}
	mu.Unlock()
	t.Logf("burst: %d x 488, %d x 200 (never ACKed), %d x 503; descriptors %d before, %d at the peak",
		notAcceptable, ok, unavailable, before, peak)
	if notAcceptable != bursts {
		t.Errorf("%d offers of %d m-lines answered 488, want %d", notAcceptable, mlines, bursts)
	}
	if ok > pendingPerPeer || ok+unavailable != inCap || unavailable == 0 {
		t.Errorf("%d-line offers: %d x 200, %d x 503; want at most %d accepted (maxPendingPerPeer), the rest 503", perOffer, ok, unavailable, pendingPerPeer)
	}
	// Each accepted offer holds its streams until the ACK timeout; nothing else may grow.
	if bound := before + pendingPerPeer*perOffer + 16; peak > bound {
		t.Errorf("descriptors peaked at %d (before %d), bound %d", peak, before, bound)
	}
	if n := r.metric(t, `umli_siprec_refused_total{reason="offer",source="srs-burst-1"}`); n != bursts {
		t.Errorf(`umli_siprec_refused_total{reason="offer"} = %v, want %d`, n, bursts)
	}
	if n := r.metric(t, `umli_siprec_refused_total{reason="pending_peer",source="srs-burst-1"}`) + r.metric(t, `umli_siprec_refused_total{reason="streams",source="srs-burst-1"}`); int(n) != unavailable {
		t.Errorf(`umli_siprec_refused_total{reason="pending_peer"|"streams"} = %v, want %d`, n, unavailable)
	}

	// After: the unACKed offers time out and give their sockets back; umli serves on.
	if n := udpSockets(t, pid); n != ok*perOffer {
		t.Errorf("%d UDP sockets open with %d unACKed offers of %d streams", n, ok, perOffer)
	}
	start := time.Now()
	waitUntil(t, "the unACKed offers' media sockets released", func() bool { return udpSockets(t, pid) == 0 })
	t.Logf("media sockets released %v after the burst was answered; descriptors now %d", time.Since(start).Round(time.Second), openFDs(t, pid))
	c.Close()
	send("siprec-burst-after")
	waitUntil(t, "the deposit sent after the SIPREC burst at the LEMF", func() bool { return r.deposits() >= 2 })
	oc, err := net.Dial("tcp", sip)
	if err != nil {
		t.Fatalf("SIPREC listener after the burst: %v", err)
	}
	defer oc.Close()
	olocal := oc.LocalAddr().String()
	fmt.Fprint(oc, "OPTIONS sip:srs@"+sip+";transport=tcp SIP/2.0\r\nVia: SIP/2.0/TCP "+olocal+";branch=z9hG4bK-opt1\r\n"+
		"Max-Forwards: 70\r\nFrom: <sip:src@127.0.0.1>;tag=o1\r\nTo: <sip:srs@"+sip+">\r\nCall-ID: opt1@src.example\r\n"+
		"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
	ofinals := map[string]int{}
	go sipFinals(oc, &mu, ofinals)
	waitUntil(t, "OPTIONS answered after the burst", func() bool { mu.Lock(); defer mu.Unlock(); return ofinals["opt1@src.example"] == 200 })
	if logs := r.p.stderr.String(); strings.Contains(logs, "+4930111") || strings.Contains(logs, hostileTarget) {
		t.Error("a party's identity in the log")
	}
	r.p.terminate(t)
}
