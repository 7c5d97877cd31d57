package proxy

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// collectSink is a record.Sink that keeps what it is given, standing in for mediation
// at the contract boundary.
type collectSink struct {
	mu   sync.Mutex
	recs []*record.Record
	cond *sync.Cond
}

func newCollectSink() *collectSink {
	s := &collectSink{}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *collectSink) Submit(_ context.Context, r *record.Record) error {
	s.mu.Lock()
	s.recs = append(s.recs, r)
	s.mu.Unlock()
	s.cond.Broadcast()
	return nil
}

// waitClosed waits until n sequences were closed (logoff records) or the test's
// patience runs out, and returns the records.
func (s *collectSink) waitClosed(t *testing.T, n int) []*record.Record {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	timer := time.AfterFunc(20*time.Second, s.cond.Broadcast)
	defer timer.Stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		closed := 0
		for _, r := range s.recs {
			if r.Boundary == record.Close {
				closed++
			}
		}
		if closed >= n {
			return append([]*record.Record(nil), s.recs...)
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d sessions closed; records:\n%s", closed, n, strings.Join(describeAll(s.recs), "\n"))
		}
		s.cond.Wait()
	}
}

// snapshot returns the records so far.
func (s *collectSink) snapshot() []*record.Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*record.Record(nil), s.recs...)
}

// runningProxy is a proxy under test.
type runningProxy struct {
	*Proxy
	h *email.Handoff
}

// waitSessions waits until n sessions finished and their records were submitted.
func (p runningProxy) waitSessions(t *testing.T, n uint64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for p.Finished() < n || p.h.Stats().Pending > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d sessions finished", p.Finished(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }

// startProxyP is startProxy returning the proxy too.
func startProxyP(t *testing.T, cfg Config, sink record.Sink) (string, runningProxy) {
	t.Helper()
	var rp runningProxy
	addr, h := startProxyWith(t, cfg, sink, email.HandoffConfig{}, &rp.Proxy)
	rp.h = h
	return addr, rp
}

// startProxy runs a proxy with a Handoff to sink on a free loopback port.
func startProxy(t *testing.T, cfg Config, sink record.Sink, hc email.HandoffConfig) (string, *email.Handoff) {
	t.Helper()
	return startProxyWith(t, cfg, sink, hc, nil)
}

func startProxyWith(t *testing.T, cfg Config, sink record.Sink, hc email.HandoffConfig, out **Proxy) (string, *email.Handoff) {
	t.Helper()
	return startProxyLog(t, cfg, sink, hc, out, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.InfoLevel))
}

// startProxyLog is startProxyWith logging to log (a test that reads the log).
func startProxyLog(t *testing.T, cfg Config, sink record.Sink, hc email.HandoffConfig, out **Proxy, log zerolog.Logger) (string, *email.Handoff) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h := email.NewHandoff(sink, hc)
	cfg.Emit = h.Emit
	cfg.Logger = log
	cfg.Source = "mail-tap"
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		*out = p
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _ = h.Run(ctx) }()
	go func() { defer wg.Done(); _ = p.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return ln.Addr().String(), h
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := runErr(name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// runErr runs a client that may fail (a refused login).
func runErr(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

func describe(r *record.Record) string {
	if r.EmailIRI != nil {
		return "IRI " + testmail.IRI(r)
	}
	return fmt.Sprintf("CC %s dir=%d %d bytes", testmail.BoundaryName(r.Boundary), r.Direction, len(r.EmailCC.Content))
}

func describeAll(recs []*record.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = describe(r)
	}
	return out
}

// iriSequence describes the IRI records of one correlation key in order.
func iriSequence(recs []*record.Record, key string) []string {
	var out []string
	for _, r := range recs {
		if r.EmailIRI != nil && r.CorrelationKey == key {
			out = append(out, describe(r))
		}
	}
	return out
}

// keys lists correlation keys in order of first appearance.
func keys(recs []*record.Record) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range recs {
		if !seen[r.CorrelationKey] {
			seen[r.CorrelationKey] = true
			out = append(out, r.CorrelationKey)
		}
	}
	return out
}

func firstIRI(recs []*record.Record, ev etsi.EmailEvent) *record.Record {
	for _, r := range recs {
		if r.EmailIRI != nil && r.EmailIRI.EventType == ev {
			return r
		}
	}
	return nil
}

// ccContent concatenates the CC records with the event key of r in one direction.
func ccContent(recs []*record.Record, r *record.Record, dir etsi.PayloadDirection) []string {
	var out []string
	for _, c := range recs {
		if c.EmailCC != nil && c.EventKey == r.EventKey && c.Direction == dir {
			out = append(out, string(c.EmailCC.Content))
		}
	}
	return out
}

// ccHas reports whether the exchange CC of r's event in one direction holds want as
// exchanged (CC is the raw exchange, the message inside it once).
func ccHas(recs []*record.Record, r *record.Record, dir etsi.PayloadDirection, want string) bool {
	return strings.Contains(strings.Join(ccContent(recs, r, dir), ""), want)
}

// dotStuffed is text as SMTP DATA and POP3 RETR carry it (RFC 5321 4.5.2).
func dotStuffed(text string) string {
	if strings.HasPrefix(text, ".") {
		text = "." + text
	}
	return strings.ReplaceAll(text, "\n.", "\n..")
}

func iri(b record.Boundary, ev etsi.EmailEvent, st etsi.EmailStatus) string {
	return describe(&record.Record{Boundary: b, EmailIRI: &etsi.EmailIRI{EventType: ev, Status: st}})
}

func assertStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("%s:\ngot:\n  %s\nwant:\n  %s", what, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
