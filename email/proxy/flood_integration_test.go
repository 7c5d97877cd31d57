package proxy

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
)

// floodNOOPs is how many NOOPs the client pipelines in one go (issue 21).
const floodNOOPs = 20000

// waitLEMF waits until the LEMF holds an IRI of event ev and count CC/IRI PDUs stopped
// growing, then stops the stack and returns what the LEMF stored.
func (ms *mediationStack) waitLEMF(t *testing.T, ev etsi.EmailEvent) *pducheck.Set {
	t.Helper()
	last := -1
	return ms.waitUntil(t, 60*time.Second, 200*time.Millisecond, fmt.Sprintf("%v IRI", ev), func(set *pducheck.Set) bool {
		done := lemfIRI(t, set, ev) != nil && set.Total == last
		last = set.Total
		return done
	})
}

// lemfIRI returns the first EmailIRI of event ev at the LEMF and its stream.
func lemfIRI(t *testing.T, set *pducheck.Set, ev etsi.EmailEvent) *pducheck.Stream {
	for st := range set.PDUs {
		if st.CC {
			continue
		}
		for _, pdu := range decodedPDUs(t, set, st) {
			for _, ip := range pdu.Payload.IRI {
				if ip.Contents.EmailIRI != nil && ip.Contents.EmailIRI.EventType == ev {
					return &st
				}
			}
		}
	}
	return nil
}

// lemfCC concatenates the EmailCC content of one direction of the CC stream of cin,
// in sequence order: the bytes that peer sent.
func lemfCC(t *testing.T, set *pducheck.Set, cin uint32, dir etsi.PayloadDirection) string {
	var b strings.Builder
	for st := range set.PDUs {
		if !st.CC || st.CIN != cin {
			continue
		}
		for _, pdu := range decodedPDUs(t, set, st) {
			for _, cp := range pdu.Payload.CC {
				if cp.PayloadDirection != nil && *cp.PayloadDirection == dir {
					b.Write(cp.Contents.EmailCC.Content)
				}
			}
		}
	}
	return b.String()
}

// gapNumbers counts sequence numbers missing at the LEMF, over all streams.
func gapNumbers(set *pducheck.Set) int { return len(set.Gaps()) }

// auditedLoss sums the counts of RecordsLost entries and checks each names LIID, CIN,
// network element and count, and nothing of the target.
func auditedLoss(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "alice") {
		t.Fatalf("audit log holds the target's identity:\n%s", b)
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e audit.Entry
		if line == "" {
			continue
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if e.Action != audit.ActionRecordsLost {
			continue
		}
		c, err := strconv.Atoi(e.Detail["count"])
		if err != nil || e.Detail["liid"] != "FLOOD-1" || e.Detail["cin"] == "" || e.Detail["ne"] != "mail-tap" || e.Detail["seq"] == "" {
			t.Fatalf("RecordsLost entry %+v", e.Detail)
		}
		n += c
	}
	return n
}

// gateSink holds every Submit to the real mediation while closed: mediation taking
// nothing, as when it is stalled.
type gateSink struct {
	next record.Sink
	open chan struct{}
}

func (g *gateSink) Submit(ctx context.Context, r *record.Record) error {
	select {
	case <-g.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.next.Submit(ctx, r)
}

// floodProto drives one protocol: login, floodNOOPs pipelined NOOPs, then a real
// mail operation whose IRI is event and whose CC must hold want.
type floodProto struct {
	name     string
	proto    email.Protocol
	upstream func(t *testing.T) string
	login    func(c *floodConn)
	noop     func(i int) string
	// noopDone says the line ends NOOP i's reply.
	noopDone func(line string, i int) bool
	finish   func(c *floodConn)
	event    etsi.EmailEvent
	want     string
}

type floodConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func (c *floodConn) line() string {
	c.t.Helper()
	_ = c.c.SetReadDeadline(time.Now().Add(60 * time.Second))
	l, err := c.r.ReadString('\n')
	if err != nil {
		c.t.Fatalf("read: %v (after %q)", err, l)
	}
	return l
}

// cmd sends s and reads lines until one starts with want.
func (c *floodConn) cmd(s, want string) {
	c.t.Helper()
	if _, err := c.c.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
	for {
		if l := c.line(); strings.HasPrefix(l, want) {
			return
		}
	}
}

const floodMail = "From: alice@example.org\r\nTo: bob@example.net\r\nSubject: after the flood\r\n" +
	"Message-Id: <flood-1@example.org>\r\n\r\nStill intercepted.\r\n"

// floodProtos lists the protocols; Dovecot is started once, for parent.
func floodProtos(parent *testing.T) []floodProto {
	users := map[string]string{"alice": "pw"}
	var dc *testmail.Dovecot
	dovecot := func(t *testing.T) *testmail.Dovecot {
		if dc == nil {
			dc = testmail.StartDovecot(parent, users)
		}
		return dc
	}
	return []floodProto{
		{
			name: "smtp", proto: email.SMTP, event: etsi.EmailSend, want: floodMail,
			upstream: func(t *testing.T) string {
				return testmail.StartSMTP(t, testmail.SMTPOptions{Users: users}).Addr
			},
			login: func(c *floodConn) {
				c.line()
				c.cmd("EHLO client.example\r\n", "250 ")
				c.cmd("AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("\x00alice\x00pw"))+"\r\n", "235")
			},
			noop:     func(int) string { return "NOOP\r\n" },
			noopDone: func(l string, _ int) bool { return strings.HasPrefix(l, "250 ") },
			finish: func(c *floodConn) {
				c.cmd("MAIL FROM:<alice@example.org>\r\n", "250")
				c.cmd("RCPT TO:<bob@example.net>\r\n", "250")
				c.cmd("DATA\r\n", "354")
				c.cmd(floodMail+".\r\n", "250")
				c.cmd("QUIT\r\n", "221")
			},
		},
		{
			name: "pop3", proto: email.POP3, event: etsi.EmailDownload, want: floodMail,
			upstream: func(t *testing.T) string {
				d := dovecot(t)
				d.Deliver(t, "alice", "1700000000.M1P1.flood", floodMail)
				return d.POP3Addr
			},
			login: func(c *floodConn) {
				c.line()
				c.cmd("USER alice\r\n", "+OK")
				c.cmd("PASS pw\r\n", "+OK")
			},
			noop:     func(int) string { return "NOOP\r\n" },
			noopDone: func(l string, _ int) bool { return strings.HasPrefix(l, "+OK") },
			finish: func(c *floodConn) {
				c.cmd("RETR 1\r\n", ".\r\n")
				c.cmd("QUIT\r\n", "+OK")
			},
		},
		{
			name: "imap", proto: email.IMAP, event: etsi.EmailDownload, want: floodMail,
			upstream: func(t *testing.T) string {
				d := dovecot(t)
				d.Deliver(t, "alice", "1700000001.M1P1.flood", floodMail)
				return d.IMAPAddr
			},
			login: func(c *floodConn) {
				c.line()
				c.cmd("a1 LOGIN alice pw\r\n", "a1 OK")
				c.cmd("a2 SELECT INBOX\r\n", "a2 OK")
			},
			noop:     func(i int) string { return fmt.Sprintf("n%d NOOP\r\n", i) },
			noopDone: func(l string, i int) bool { return strings.HasPrefix(l, fmt.Sprintf("n%d OK", i)) },
			finish: func(c *floodConn) {
				c.cmd("f1 FETCH 1 BODY[]\r\n", "f1 OK")
				c.cmd("z LOGOUT\r\n", "z OK")
			},
		},
	}
}

// TestPipelineFloodLEMF (issue 21): a target session through the proxy to a real server
// (go-smtp; Dovecot for POP3 and IMAP) pipelines 20,000 NOOPs, whose CC fills the
// Handoff queue (64 records) many times over, then does a real mail operation. With a
// working mediation the tap applies backpressure: the LEMF gets the send/download IRI
// and the mail's CC byte for byte, with no sequence gap and no drop. With mediation
// stalled during the flood the Handoff drops, and every dropped record is an explicit
// sequence gap at the LEMF whose numbers the audit log names (RecordsLost: LIID, CIN,
// count); the mail after the stall still arrives whole.
func TestPipelineFloodLEMF(t *testing.T) {
	testmail.Need(t, "dovecot")
	for _, fp := range floodProtos(t) {
		for _, stall := range []bool{false, true} {
			name := fp.name + "/backpressure"
			if stall {
				name = fp.name + "/stalled"
			}
			t.Run(name, func(t *testing.T) {
				ms := startMediationStack(t, stackConfig{liid: "FLOOD-1", target: "{email: alice@example.org}", queue: 512})
				gate := &gateSink{next: ms.med, open: make(chan struct{})}
				if !stall {
					close(gate.open)
				}
				hc := email.HandoffConfig{MaxRecords: 64, SubmitTimeout: time.Minute} // default Wait: 30 s
				if stall {
					hc.Wait = 200 * time.Millisecond
				}
				addr, p := startProxyWithHandoff(t, Config{Upstream: fp.upstream(t), Protocol: fp.proto,
					Options: email.Options{LoginDomain: "example.org"}}, gate, hc)
				nc, err := net.Dial("tcp", addr)
				if err != nil {
					t.Fatal(err)
				}
				defer nc.Close()
				c := &floodConn{t: t, c: nc, r: bufio.NewReaderSize(nc, 64<<10)}
				fp.login(c)
				var flood strings.Builder
				for i := range floodNOOPs {
					flood.WriteString(fp.noop(i))
				}
				werr := make(chan error, 1)
				go func() { _, err := nc.Write([]byte(flood.String())); werr <- err }()
				for i := 0; i < floodNOOPs; {
					if fp.noopDone(c.line(), i) {
						i++
					}
				}
				if err := <-werr; err != nil {
					t.Fatal(err)
				}
				if stall {
					close(gate.open)
					// The stall is over: let the queue drain before the real mail.
					deadline := time.Now().Add(60 * time.Second)
					for p.h.Stats().Pending > 0 && time.Now().Before(deadline) {
						time.Sleep(10 * time.Millisecond)
					}
				}
				fp.finish(c)
				p.waitSessions(t, 1)
				set := ms.waitLEMF(t, fp.event)
				st := p.h.Stats()

				iri := lemfIRI(t, set, fp.event)
				if iri == nil {
					t.Fatalf("no %v IRI at the LEMF", fp.event)
				}
				cc := lemfCC(t, set, iri.CIN, etsi.DirectionFromTarget)
				if fp.event == etsi.EmailDownload {
					cc = lemfCC(t, set, iri.CIN, etsi.DirectionToTarget)
				}
				if !strings.Contains(cc, dotStuffed(fp.want)) {
					t.Fatalf("the mail is not byte for byte in the CC of CIN %d (%d bytes)", iri.CIN, len(cc))
				}
				gaps, audited := gapNumbers(set), auditedLoss(t, ms.auditPath)
				t.Logf("handoff %+v; LEMF %d PDUs, %d gap numbers, %d audited lost", st, set.Total, gaps, audited)
				if !stall {
					if st.Dropped != 0 || gaps != 0 || audited != 0 || st.Waited == 0 {
						t.Fatalf("backpressure: handoff %+v, %d gap numbers, %d audited; want no loss and waits", st, gaps, audited)
					}
					// Every byte of the flood reaches the LEMF as sent.
					if from := lemfCC(t, set, iri.CIN, etsi.DirectionFromTarget); !strings.Contains(from, flood.String()) {
						t.Fatalf("the client's %d pipelined NOOPs are not byte for byte in the CC (%d bytes)", floodNOOPs, len(from))
					}
					return
				}
				if st.Dropped == 0 || gaps == 0 || uint64(gaps) != st.GapsReported || audited != gaps || uint64(audited) > st.Dropped {
					t.Fatalf("stalled: handoff %+v, %d gap numbers at the LEMF, %d audited; want every drop a gap, audited", st, gaps, audited)
				}
			})
		}
	}
}

// startProxyWithHandoff is startProxyP with a Handoff configuration.
func startProxyWithHandoff(t *testing.T, cfg Config, sink record.Sink, hc email.HandoffConfig) (string, runningProxy) {
	t.Helper()
	var rp runningProxy
	addr, h := startProxyWith(t, cfg, sink, hc, &rp.Proxy)
	rp.h = h
	return addr, rp
}
