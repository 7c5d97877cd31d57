package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/loadgen"
	"github.com/umli/umli/simulators/umsim"
)

// peerRig is n `umli run` processes configured as peers (umsys.peers) on one redis-server,
// one umsim (ESL and AMI) and one LEMF; each has its own jsonLines listener.
type peerRig struct {
	*rig
	cfgs  []string
	json  []string
	procs []*runningUMLI
	um    *umsim.UM
}

func startPeerRig(t *testing.T, bin string, n int) *peerRig {
	t.Helper()
	r := &peerRig{rig: startRig(t, bin)}
	contentDir := filepath.Join(r.dir, "content")
	if err := os.MkdirAll(contentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	const pw = "peer-secret-3Kd"
	r.um = startUM(t, umsim.Config{ContentDir: contentDir, Password: pw})
	pwFile := filepath.Join(r.dir, "pw")
	writeFile(t, pwFile, pw+"\n")
	for i := range n {
		jl := freeAddr(t)
		r.json = append(r.json, jl)
		cfg := r.configAs(t, fmt.Sprintf("umli-%d.yaml", i), fmt.Sprintf("peer-%d", i), "OP-PEERS", fmt.Sprintf(`sessions: {idleTimeout: 1m, sweepInterval: 100ms}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - liid: PEERS-1
    destination: lea
    scope: iri+cc
    start: 2020-01-01T00:00:00Z
    targets: [{boxID: "1000@um.example.net"}, {e164: "+4917012345678"}, {boxID: "2000@um.example"}]
umsys:
  systemID: um-test
  peers: true
  peerWarmup: 2s
  content: {roots: [{prefix: "%s"}]}
  esl:
    - {source: fs-um-1, addr: "%s", passwordFile: "%s"}
  ami:
    - {source: ast-um-1, addr: "%s", username: umli, secretFile: "%s"}
  jsonLines:
    - {source: json-um-1, listen: "%s"}
`, contentDir, r.um.Addrs().ESL, pwFile, r.um.Addrs().AMI, pwFile, jl))
		r.cfgs = append(r.cfgs, cfg)
		r.procs = append(r.procs, runConfig(t, bin, cfg))
	}
	r.waitSubscribed(t, n)
	return r
}

func (r *peerRig) waitSubscribed(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := r.um.WaitSubscribers(ctx, n, n); err != nil {
		t.Fatalf("%d umli did not subscribe: %v", n, err)
	}
}

func (r *peerRig) play(t *testing.T, names ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, n := range names {
		if err := r.um.Play(ctx, n); err != nil {
			t.Fatalf("play %s: %v", n, err)
		}
	}
}

// load sends UM sessions as acknowledged JSON lines, spread over every instance's listener.
func (r *peerRig) load(t *testing.T, runID string, rate float64, d time.Duration) <-chan loadgen.Stats {
	t.Helper()
	out := make(chan loadgen.Stats, 1)
	go func() {
		st, err := loadgen.Run(context.Background(), loadgen.Config{Rate: rate, Duration: d, Mix: loadgen.Mix{loadgen.UM: 1},
			UMJSON: strings.Join(r.json, ","), UMConns: 2, UMAck: true, UMSource: "json-um-1", RunID: runID, Log: zerolog.Nop()})
		if err != nil {
			t.Errorf("load: %v", err)
		}
		out <- st
	}()
	return out
}

// peerSignature reduces what the LEMF holds to what must not differ between runs: per CIN its
// network element, LIID, IRI events (iRIType, category, status) and CC chunk count; sorted. Gaps and
// duplicates are returned apart (the LEMF keeps one copy of a duplicate).
func peerSignature(s lemf.Summary) (sig []string, gaps uint64, dups int) {
	for _, l := range s.LIIDs {
		for _, c := range l.CINs {
			var b strings.Builder
			fmt.Fprintf(&b, "%s|%s|", c.NE, l.LIID)
			// Sorted: two instances deliver over two connections, so arrival order at the
			// LEMF is not the sequence order (which the gap/duplicate check covers).
			evs := make([]string, len(c.Events))
			for i, e := range c.Events {
				evs[i] = fmt.Sprintf("%s:%s:%s;", e.IRIType, e.Category, e.Status)
			}
			slices.Sort(evs)
			b.WriteString(strings.Join(evs, ""))
			n := 0
			for _, cs := range c.Content {
				n += cs.Chunks
			}
			fmt.Fprintf(&b, "|cc=%d", n)
			sig = append(sig, b.String())
		}
	}
	slices.Sort(sig)
	return sig, s.Gaps, s.Duplicates
}

// settlePeers waits until the LEMF's summary stops changing.
func settlePeers(t *testing.T, lm *lemf.LEMF) lemf.Summary {
	t.Helper()
	var last string
	stable := 0
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		s := lm.Summary()
		sig, g, d := peerSignature(s) // PDU counts move with keep-alives
		cur := fmt.Sprint(sig, g, d)
		if cur == last && len(sig) > 0 {
			if stable++; stable >= 6 {
				return s
			}
		} else {
			stable = 0
		}
		last = cur
	}
	t.Fatal("LEMF never settled")
	return lemf.Summary{}
}

// TestPeersSIGKILLOneInstance: two umli peers consume one ESL feed, one AMI feed and one
// acknowledged JSON-lines sender. One is SIGKILLed in the middle of the scenarios and
// restarted. The LEMF must hold exactly what one instance alone delivers for the same
// scenarios: nothing lost, nothing doubled, no sequence gap. Short in make test, long
// (UMLI_FAULTS_LONG) in make faults.
func TestPeersSIGKILLOneInstance(t *testing.T) {
	bin := buildUMLI(t)
	first := []string{"deposit", "login-failed"}
	during := []string{"retrieve-delete", "slamdown"}
	after := []string{"pin-change", "logout"}
	rate, dur := 20.0, 3*time.Second
	if os.Getenv("UMLI_FAULTS_LONG") != "" { // make faults: every scenario, more JSON load
		first = append(first, "urgent-deposit", "greeting-change")
		after = append(after, "greeting-remove", "notify", "hangup")
		rate, dur = 50, 8*time.Second
	}

	// One instance alone: the reference.
	ref := startPeerRig(t, bin, 1)
	refLoad := ref.load(t, "ref", rate, dur)
	ref.play(t, first...)
	ref.play(t, during...)
	ref.play(t, after...)
	refStats := <-refLoad
	refSum := settlePeers(t, ref.lm.LEMF)
	refSig, g, d := peerSignature(refSum)
	if g != 0 || d != 0 || refSum.Conflicts != 0 {
		t.Fatalf("single instance: %d gaps, %d duplicates, %d conflicts", g, d, refSum.Conflicts)
	}

	// Two peers, one killed mid-run and restarted.
	r := startPeerRig(t, bin, 2)
	peerLoad := r.load(t, "peers", rate, dur)
	r.play(t, first...)
	killed := make(chan struct{})
	go func() {
		time.Sleep(20 * time.Millisecond)
		r.procs[0].kill(t)
		close(killed)
	}()
	r.play(t, during...)
	<-killed
	time.Sleep(500 * time.Millisecond) // the survivor carries on alone for a while
	r.procs[0] = runConfig(t, bin, r.cfgs[0])
	r.waitSubscribed(t, 2)
	r.play(t, after...)
	peerStats := <-peerLoad
	sum := settlePeers(t, r.lm.LEMF)
	sig, g, d := peerSignature(sum)
	// Strictly: a repeated sequence number is allowed only as a retransmission, byte for
	// byte the first copy (the killed instance's handover replaying its resend window after
	// the restart, as on any crash); the LEMF keeps one copy. A conflict (one number, two
	// different PDUs) would be two records numbered alike; a record doubled by two peers
	// would carry its own number and show in the signature compared below.
	if g != 0 || sum.Conflicts != 0 || d != sum.Retransmissions {
		t.Errorf("peers: %d gaps, %d conflicts, %d duplicates of which %d retransmissions; want 0 gaps, 0 conflicts",
			g, sum.Conflicts, d, sum.Retransmissions)
	}
	t.Logf("peers: %d retransmitted sequence numbers after the kill, 0 conflicts, 0 gaps", sum.Retransmissions)
	um := peerStats.Kinds[loadgen.UM]
	if um.Errors != 0 || refStats.Kinds[loadgen.UM].Errors != 0 {
		t.Errorf("load errors: peers %+v, reference %+v", um, refStats.Kinds[loadgen.UM])
	}
	// The JSON sessions: as many as each run sent, each like the reference's.
	split := func(s []string) (um, json []string) {
		for _, x := range s {
			if strings.HasPrefix(x, "json-um-1|") {
				json = append(json, x)
			} else {
				um = append(um, x)
			}
		}
		return um, json
	}
	refUM, refJSON := split(refSig)
	gotUM, gotJSON := split(sig)
	if !slices.Equal(refUM, gotUM) {
		t.Errorf("ESL/AMI CINs differ from a single instance's:\npeers:\n%s\nsingle:\n%s", strings.Join(gotUM, "\n"), strings.Join(refUM, "\n"))
	}
	if int64(len(gotJSON)) != um.TargetSent || int64(len(refJSON)) != refStats.Kinds[loadgen.UM].TargetSent {
		t.Errorf("JSON CINs: peers %d for %d target sessions, single %d for %d", len(gotJSON), um.TargetSent, len(refJSON), refStats.Kinds[loadgen.UM].TargetSent)
	}
	if len(refJSON) > 0 {
		for _, x := range gotJSON {
			if x != refJSON[0] {
				t.Errorf("JSON CIN %q differs from the single instance's %q", x, refJSON[0])
				break
			}
		}
	}
}
