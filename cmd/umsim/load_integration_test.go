package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/loadgen"
)

// freeAddr returns a loopback address free for TCP and UDP at the time of the call.
func freeAddr(t testing.TB) string {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		if pc, err := net.ListenPacket("udp", addr); err == nil {
			pc.Close()
			return addr
		}
	}
	t.Fatal("no free TCP+UDP port")
	return ""
}

// startUMLI builds cmd/umli, writes cfg and runs `umli run` (with args after the
// config) until it logs that it runs.
func startUMLI(t testing.TB, cfg string, args ...string) *testlog.Buffer {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "umli")
	build := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "github.com/umli/umli/cmd/umli")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build umli: %v\n%s", err, out)
	}
	cfgPath := filepath.Join(dir, "umli.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"run", "--config", cfgPath}, args...)...)
	// umli run refuses to start without an at-rest keyring outside demo mode.
	keyring, err := seal.GenerateKeyring()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "UMLI_KEYRING="+strings.ReplaceAll(strings.TrimSpace(keyring), "\n", ";"))
	stderr := &testlog.Buffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(90 * time.Second) // hang guard, not a measurement
	for !strings.Contains(stderr.String(), "umli running") {
		select {
		case err := <-done:
			t.Fatalf("umli exited: %v\n%s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("umli did not start\n%s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return stderr
}

// stack is a running umli (real process, real redis-server) with a JSON-lines UM feed, a
// SIPREC endpoint, an SMTP proxy in front of a real SMTP server and an IMAP proxy in
// front of Dovecot, delivering to an
// in-process LEMF; the warrant names the load generator's default targets.
type stack struct {
	dir, lemfDir                          string
	jsonAddr, sipAddr, smtpAddr, imapAddr string
	// metricsAddr is umli's /metrics, pprofAddr its --pprof listener.
	metricsAddr, pprofAddr string
	imapPassFile           string
	mx                     *testmail.SMTPServer
	umliLog                *testlog.Buffer
}

// args are the `umsim load` flags that point at the stack.
func (s *stack) args() []string {
	return []string{"--um-json", s.jsonAddr, "--siprec", s.sipAddr, "--sip-source", "load-sip",
		"--mail-smtp", s.smtpAddr, "--mail-source", "load-mail",
		"--mail-imap", s.imapAddr, "--imap-source", "load-imap", "--imap-password-file", s.imapPassFile, "--lemf-dir", s.lemfDir}
}

// startStack starts the stack; fsync, when set, is redis-server's appendfsync (testredis
// runs it with "always").
func startStack(t testing.TB, fsync string) *stack {
	t.Helper()
	srv := testredis.Start(t)
	if fsync != "" {
		setFsync(t, srv.Addr, fsync)
	}
	s := &stack{dir: t.TempDir()}
	s.lemfDir = filepath.Join(s.dir, "lemf")
	lm, err := lemf.New(lemf.Config{OutDir: s.lemfDir, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	lemfDone := make(chan error, 1)
	go func() { lemfDone <- lm.Run(context.Background()) }()
	t.Cleanup(func() { _ = lm.Close(); <-lemfDone })
	hi2, hi3 := lm.Addrs()
	s.mx = testmail.StartSMTP(t, testmail.SMTPOptions{})
	// Dovecot holds one message for the target and one for the non-target login.
	const imapPass = "load-pass-7c1e"
	users := map[string]string{"alice@example.net": imapPass, "nt@" + loadgen.NonTargetDomain: imapPass}
	dc := testmail.StartDovecot(t, users)
	for u := range users {
		dc.Deliver(t, u, "1700000000.M1P1.load", "From: <sender@example.org>\r\nTo: <"+u+">\r\nSubject: waiting\r\n\r\nhello "+u+"\r\n")
	}
	s.imapPassFile = filepath.Join(s.dir, "imap.pass")
	if err := os.WriteFile(s.imapPassFile, []byte(imapPass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.jsonAddr, s.sipAddr, s.smtpAddr, s.imapAddr = freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	s.metricsAddr, s.pprofAddr = freeAddr(t), freeAddr(t)
	s.umliLog = startUMLI(t, fmt.Sprintf(`instance: load-1
operator: OP-LOAD
redis: {addrs: ["%s"]}
metrics: {listen: "%s"}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s", timestamps: both}
warrants:
  - liid: LOAD-1
    destination: lea
    scope: iri+cc
    start: 2020-01-01T00:00:00Z
    targets: [{boxID: "2000@um.example"}, {e164: "+4917011111"}, {email: alice@example.net}]
umsys:
  systemID: um-load
  jsonLines:
    - {source: lines-um, listen: "%s"}
email:
  proxies:
    - {source: load-mail, protocol: smtp, listen: "%s", upstream: "%s"}
    - {source: load-imap, protocol: imap, listen: "%s", upstream: "%s"}
rtp:
  siprec: {source: load-sip, listen: "%s", transport: udp, mediaAddr: 127.0.0.1, portMin: 0, portMax: 0, events: connect+disconnect}
`, srv.Addr, s.metricsAddr, hi2, hi3, s.jsonAddr, s.smtpAddr, s.mx.Addr, s.imapAddr, dc.IMAPAddr, s.sipAddr), "--pprof", s.pprofAddr)
	return s
}

// setFsync sets the redis-server's appendfsync policy.
func setFsync(t testing.TB, addr, policy string) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	if err := rdb.ConfigSet(context.Background(), "appendfsync", policy).Err(); err != nil {
		t.Fatalf("redis CONFIG SET appendfsync %s: %v", policy, err)
	}
}

// TestLoadAgainstUMLI runs `umsim load` briefly with every kind (UM, SIP, SMTP, IMAP) against a real
// `umli run` (real redis-server, SMTP upstream, in-process LEMF) and checks from the LEMF's
// records that every kind was intercepted for its target sessions only, gapless, and that
// the tool's report agrees with what the LEMF holds.
func TestLoadAgainstUMLI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	st := startStack(t, "")
	dir, lemfDir, mx, umliLog := st.dir, st.lemfDir, st.mx, st.umliLog
	reportPath := filepath.Join(dir, "report.json")
	var stdout, stderr testlog.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // hang guard
	defer cancel()
	err := runLoad(ctx, append([]string{"--rate", "10", "--duration", "2s", "--mix", "um=40,sip=20,mail=20,imap=20", "--non-target", "0.34",
		"--sip-media", "400ms", "--report-json", reportPath}, st.args()...), &stdout, &stderr)
	if err != nil {
		t.Fatalf("umsim load: %v\nstdout:\n%s\nstderr:\n%s\numli:\n%s", err, stdout.String(), stderr.String(), umliLog.String())
	}
	t.Logf("report:\n%s", stdout.String())
	if !strings.Contains(stderr.String(), "load: offered ") {
		t.Errorf("no progress line on stderr:\n%s", stderr.String())
	}
	var rep loadgen.Report
	b, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}

	want := map[loadgen.Kind][]string{loadgen.UM: {"MessagingIRI", "MessagingCC"}, loadgen.SIP: {"MessagingIRI", "MessagingCC"},
		loadgen.Mail: {"EmailIRI", "EmailCC"}, loadgen.IMAP: {"EmailIRI", "EmailCC"}}
	for k, payloads := range want {
		ks := rep.Stats.Kinds[k]
		if ks == nil || ks.Errors != 0 || ks.Sent != ks.Offered || ks.TargetSent == 0 || ks.NonTargetSent == 0 {
			t.Errorf("%s: stats %+v, want every session sent, targets and non-targets", k, ks)
			continue
		}
		ne := rep.NE(k)
		if int64(ne.CINs) != ks.TargetSent {
			t.Errorf("%s: LEMF has %d CINs from %q, want one per target session (%d)", k, ne.CINs, ne.NE, ks.TargetSent)
		}
		for _, p := range payloads {
			if ne.Payloads[p] == 0 {
				t.Errorf("%s: no %s at the LEMF (payloads %v)", k, p, ne.Payloads)
			}
		}
	}
	if um := rep.NE(loadgen.UM); um.NE != "load-um" {
		t.Errorf("UM PDUs from network element %q, want the events' source load-um", um.NE)
	}
	// A UM session is connect, deposit (with content), retrieve, logout: four IRIs, one CC.
	if um, n := rep.NE(loadgen.UM), rep.Stats.Kinds[loadgen.UM].TargetSent; int64(um.Payloads["MessagingIRI"]) != 4*n || int64(um.Payloads["MessagingCC"]) != n {
		t.Errorf("UM payloads %v for %d target sessions, want %d MessagingIRI and %d MessagingCC", um.Payloads, n, 4*n, n)
	}
	if rep.NonTargetMentions != 0 {
		t.Errorf("the LEMF received %d mentions of non-target identities", rep.NonTargetMentions)
	}
	if len(rep.NEs) != 4 {
		t.Errorf("LEMF PDUs from %d network elements, want 4: %+v", len(rep.NEs), rep.NEs)
	}

	set, err := pducheck.ReadLEMF(lemfDir)
	if err != nil {
		t.Fatal(err)
	}
	if g := set.Gaps(); len(g) > 0 {
		t.Errorf("%d sequence gaps, first %v", len(g), g[:min(5, len(g))])
	}
	if len(set.Reused) > 0 {
		t.Errorf("sequence numbers reused: %v", set.Reused)
	}
	// No UM feed reports the SIP calls' end (events: connect+disconnect): each call's IRI
	// sequence is closed by the endpoint's disconnect at BYE, not left to the idle timeout.
	sipCINs := 0
	for st, pdus := range set.PDUs {
		if st.NE != "load-sip" || st.CC {
			continue
		}
		sipCINs++
		last, err := set.Decoded(st, uint32(len(pdus)-1))
		if err != nil {
			t.Fatalf("%v: %v", st, err)
		}
		iri := last.Payload.IRI[0]
		m := iri.Contents.MessagingIRI
		if iri.IRIType == nil || *iri.IRIType != etsi.IRIEnd || m == nil || m.Category.MessageBox == nil || *m.Category.MessageBox != etsi.BoxDisconnect {
			t.Errorf("%v: last IRI %v %+v, want iRI-End message-box disconnect", st, iri.IRIType, m)
		}
	}
	if int64(sipCINs) != rep.Stats.Kinds[loadgen.SIP].TargetSent {
		t.Errorf("%d SIP IRI sequences, want %d", sipCINs, rep.Stats.Kinds[loadgen.SIP].TargetSent)
	}
	distinct, perNE := 0, map[string]int{}
	for st, pdus := range set.PDUs {
		distinct += len(pdus)
		perNE[st.NE] += len(pdus)
	}
	// The report was built from the same records: its totals are the LEMF's.
	if rep.Total.PDUs != distinct {
		t.Errorf("report counts %d PDUs, the LEMF holds %d distinct", rep.Total.PDUs, distinct)
	}
	for _, ne := range rep.NEs {
		if ne.Latency.PDUs != perNE[ne.NE] {
			t.Errorf("%s: report %d PDUs, LEMF %d", ne.NE, ne.Latency.PDUs, perNE[ne.NE])
		}
		if ne.Latency.P50 > ne.Latency.P90 || ne.Latency.P90 > ne.Latency.P99 || ne.Latency.P99 > ne.Latency.Max {
			t.Errorf("%s: percentiles out of order: %v", ne.NE, ne.Latency)
		}
	}
	// umli's stage histograms saw every PDU the LEMF got: each PDU waited in the handover
	// queue (counted at its first write, once more only after a reconnect), records went
	// through mediation and the session step, each UM event through intake.
	stages, err := scrapeStages(st.metricsAddr)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, sq := range stages {
		counts[sq.Stage] = sq.Count
		if sq.P50 > sq.P99 {
			t.Errorf("stage %s: p50 %v above p99 %v", sq.Stage, sq.P50, sq.P99)
		}
	}
	if counts["queue"] < uint64(distinct) || counts["mediation"] == 0 || counts["step"] == 0 {
		t.Errorf("stage counts %v, the LEMF holds %d distinct PDUs", counts, distinct)
	}
	// Every UM MessagingIRI at the LEMF is one event's first record.
	if um := rep.NE(loadgen.UM).Payloads["MessagingIRI"]; counts["intake"] < uint64(um) {
		t.Errorf("intake saw %d events, the LEMF holds %d UM MessagingIRI", counts["intake"], um)
	}
	if got := len(mx.Messages()); int64(got) != rep.Stats.Kinds[loadgen.Mail].Sent {
		t.Errorf("upstream SMTP server got %d mails, load sent %d", got, rep.Stats.Kinds[loadgen.Mail].Sent)
	}
	// Sessions for a box no warrant names are not intercepted: the tool waits for their
	// CINs up to --settle-timeout and then says what is missing.
	var out2 testlog.Buffer
	err = runLoad(ctx, append([]string{"--rate", "5", "--duration", "600ms", "--mix", "um=1", "--non-target", "0",
		"--target-box", "9999@um.example", "--um-source", "load-um-2", "--settle", "300ms", "--settle-timeout", "3s"}, st.args()...), &out2, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "fewer CINs than target sessions sent (um 0 of") {
		t.Errorf("load for a box without warrant: %v\n%s", err, out2.String())
	}
	if l := umliLog.String(); strings.Contains(l, loadgen.NonTargetDomain) || strings.Contains(l, "alice@example.net") || strings.Contains(l, imapPassword(t, st)) {
		t.Errorf("umli logged an identity")
	}
}

func imapPassword(t *testing.T, s *stack) string {
	t.Helper()
	b, err := os.ReadFile(s.imapPassFile)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}
