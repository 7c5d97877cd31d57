package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
)

// buildUMLI compiles this command into a temp dir.
func buildUMLI(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "umli")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startUMLI starts `umli run --config cfg` with records fed on its stdin.
func startUMLI(t *testing.T, bin, cfg string) *runningUMLI {
	t.Helper()
	return startProc(t, exec.Command(bin, "run", "--config", cfg, "--records", "-"), true)
}

// records writes JSON record lines round robin over sessions until n are written,
// stop closes, or the pipe breaks (the process died). It returns how many it wrote.
func writeRecords(w io.Writer, sessions, n, first int, stop <-chan struct{}) int {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	id := []record.Identity{{Kind: record.IdentityE164, Value: "+491701234567"}}
	for k := first; k < first+n; k++ {
		select {
		case <-stop:
			_ = bw.Flush()
			return k - first
		default:
		}
		r := record.Record{Identities: id, Source: "um-kill", CorrelationKey: fmt.Sprintf("sess-%d", k%sessions),
			Boundary: record.Continue, EventKey: fmt.Sprintf("m%d", k/sessions/4), Time: time.Unix(1_800_000_000, int64(k)*1000).UTC()}
		if (k/sessions)%2 == 0 {
			ev := etsi.EventDeposit
			r.MessagingIRI = &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{Message: &ev},
				Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser}
		} else {
			cid, seq := uint32(1), uint32(k)
			r.MessagingCC = &etsi.MessagingCC{ContentIdentifier: &cid, SequenceNumber: &seq, ContentType: "audio/PCMU", Content: bytes.Repeat([]byte{0x7f}, 160)}
		}
		if err := enc.Encode(&r); err != nil {
			return k - first
		}
		if k%16 == 0 && bw.Flush() != nil {
			return k - first
		}
	}
	if bw.Flush() != nil {
		return 0
	}
	return n
}

// TestSIGKILLMidRun kills a real umli process with SIGKILL while it numbers and queues
// records under load, starts it again with the same configuration, and feeds more records
// of the same sequences. The LEMF must then hold every PDU whose numbers were allocated:
// per (LIID, CIN, IRI|CC) the numbers 0..n-1 without a gap, and a number seen twice only
// as the very same PDU (a replay, not a reuse).
func TestSIGKILLMidRun(t *testing.T) {
	r := newRig(t)
	bin, srv, lm := r.bin, r.srv, r.lm
	metricsAddr := freeAddr(t)
	cfgPath := r.config(t, "kill-1", "OP-KILL", fmt.Sprintf(`metrics: {listen: "%s"}
sessions: {idleTimeout: 10m}
queue: {size: 500, workers: 4}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: KILL-A, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{e164: "+491701234567"}]}
  - {liid: KILL-B, destination: lea, scope: iri, start: 2020-01-01T00:00:00Z, targets: [{e164: "491701234567"}]}
`, metricsAddr))
	const sessions = 5

	// Phase 1: load, then SIGKILL once the LEMF is receiving.
	p1 := startUMLI(t, bin, cfgPath)
	stop := make(chan struct{})
	wrote := make(chan int, 1)
	go func() { wrote <- writeRecords(p1.stdin, sessions, 1_000_000, 0, stop) }()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := lm.WaitPDUs(ctx, 300, 100); err != nil {
		t.Fatalf("%v\numli stderr:\n%s", err, p1.stderr.String())
	}
	p1.kill(t)
	close(stop)
	n1 := <-wrote

	// What the killed process left in its journal is sealed: the restart must open it.
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	atKill := sealedJournal(t, ctx, rdb, "umli:{um-kill}:j:kill-1", "KILL-A", "KILL-B", "491701234567")
	if atKill == 0 {
		t.Fatal("the kill left no journal entry: the sealed replay was not exercised")
	}

	// Phase 2: same configuration and instance, the same sequences continue.
	p2 := startUMLI(t, bin, cfgPath)
	const n2 = 400
	if got := writeRecords(p2.stdin, sessions, n2, n1, nil); got != n2 {
		t.Fatalf("wrote %d of %d records to the restarted umli\n%s", got, n2, p2.stderr.String())
	}
	_ = p2.stdin.Close()

	// Once the input is consumed and the journal is empty, Redis knows exactly how many
	// numbers each stream got.
	waitUntil(t, "input consumed and journal empty", func() bool {
		return strings.Contains(p2.stderr.String(), "records input done") &&
			rdb.HLen(ctx, "umli:{um-kill}:j:kill-1").Val() == 0
	})
	want, _ := allocatedNumbers(t, ctx, rdb, sessions)
	waitUntil(t, "LEMF holding every allocated number", func() bool {
		sum := lm.Summary()
		have := map[string]uint32{}
		for _, l := range sum.LIIDs {
			for _, c := range l.CINs {
				if c.CIN != nil {
					have[fmt.Sprintf("%s/%d/IRI", l.LIID, *c.CIN)] = c.IRI.Highest + 1
					have[fmt.Sprintf("%s/%d/CC", l.LIID, *c.CIN)] = c.CC.Highest + 1
				}
			}
		}
		for st, n := range want {
			k := "IRI"
			if st.CC {
				k = "CC"
			}
			if have[fmt.Sprintf("%s/%d/%s", st.LIID, st.CIN, k)] != uint32(n) {
				return false
			}
		}
		return true
	})
	// The restarted process reports on /metrics what it did.
	metrics := httpGet(t, "http://"+metricsAddr+"/metrics")
	for _, m := range []string{"umli_mediation_records_total", "umli_mediation_journal_replayed_total", "umli_mediation_pdus_queued_total{destination=\"lea\",hi=\"hi2\"}", "umli_mediation_redis_seconds_bucket"} {
		if !strings.Contains(metrics, m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	// Every sealed journal entry the kill left was opened and re-delivered, none unreadable.
	if replayed := metricValue(metrics, "umli_mediation_journal_replayed_total"); replayed < float64(atKill) {
		t.Errorf("journal_replayed_total %v, want ≥ %d sealed entries left by the kill", replayed, atKill)
	}
	if bad := metricValue(metrics, "umli_mediation_journal_unreadable_total"); bad != 0 {
		t.Errorf("journal_unreadable_total %v after replaying a sealed journal, want 0", bad)
	}
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p2.done; err != nil {
		t.Errorf("umli after SIGTERM: %v\n%s", err, p2.stderr.String())
	}
	p2.done <- nil
	got := r.stopLEMF(t)
	if len(got.Reused) > 0 {
		t.Fatalf("sequence numbers reused with different content: %v", got.Reused[:min(5, len(got.Reused))])
	}
	if g := got.Gaps(); len(g) > 0 {
		t.Fatalf("%d gaps, first %v", len(g), g[:min(5, len(g))])
	}
	total := 0
	for st, n := range want {
		if got.Count(st) != n {
			t.Errorf("%v: LEMF holds %d distinct numbers, Redis allocated %d", st, got.Count(st), n)
		}
		total += n
	}
	if len(got.PDUs) != len(want) {
		t.Errorf("LEMF has %d streams, want %d", len(got.PDUs), len(want))
	}
	replayed := "0"
	for _, line := range strings.Split(p2.stderr.String(), "\n") {
		if strings.Contains(line, "re-delivering journal") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil {
				replayed = fmt.Sprint(m["entries"])
			}
		}
	}
	t.Logf("records written: %d before SIGKILL, %d after; numbers allocated %d; PDUs received %d (with resends); sealed journal entries at the kill %d, replayed after it: %s",
		n1, n2, total, got.Total, atKill, replayed)
}

// allocatedNumbers reads from Redis how many sequence numbers each stream of the
// kill tests' sessions (sess-0 .. sess-<sessions-1> of um-kill: KILL-A IRI and CC,
// KILL-B IRI) got, and their total.
func allocatedNumbers(t *testing.T, ctx context.Context, rdb *redis.Client, sessions int) (map[pducheck.Stream]int, int) {
	t.Helper()
	want := map[pducheck.Stream]int{}
	total := 0
	for s := range sessions {
		h := rdb.HGetAll(ctx, fmt.Sprintf("umli:{um-kill}:s:sess-%d", s)).Val()
		var cin uint32
		fmt.Sscan(h["cin"], &cin)
		for _, f := range []struct {
			field string
			st    pducheck.Stream
		}{{sessionField(t, "i", "KILL-A"), pducheck.Stream{LIID: "KILL-A"}}, {sessionField(t, "c", "KILL-A"), pducheck.Stream{LIID: "KILL-A", CC: true}}, {sessionField(t, "i", "KILL-B"), pducheck.Stream{LIID: "KILL-B"}}} {
			var n int
			fmt.Sscan(h[f.field], &n)
			st := f.st
			st.NE, st.CIN = "um-kill", cin
			want[st] = n
			total += n
		}
	}
	return want, total
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
