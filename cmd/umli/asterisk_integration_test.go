package main

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/rtpcapture/pcapgen"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/umsim"
)

// asteriskRun is `umli run` fed by the umsim Asterisk manager interface over TCP, with
// the simulator's voicemail spool as content root, and the LEMF simulator behind it.
type asteriskRun struct {
	*rig
	spool string
	um    *umsim.UM
	umli  *runningUMLI
}

// startAsteriskRun starts it; target is the warrant's target line, extra YAML is
// appended to the configuration (top level).
func startAsteriskRun(t *testing.T, target, extra string) *asteriskRun {
	t.Helper()
	r := &asteriskRun{rig: startRig(t, buildUMLI(t))}
	contentDir := filepath.Join(r.dir, "content")
	if err := os.MkdirAll(contentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	const secret = "ami-secret-3Rk9"
	r.um = startUM(t, umsim.Config{ContentDir: contentDir, AMISecret: secret})
	r.spool = filepath.Join(r.um.AMISpool(), "voicemail")
	secretFile := filepath.Join(r.dir, "ami.secret")
	writeFile(t, secretFile, secret+"\n")
	cfgPath := r.config(t, "ast-1", "OP-AST", fmt.Sprintf(`log: {level: debug}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: AST-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [%s]}
umsys:
  content: {roots: [{prefix: "%s"}]}
  asteriskSpool: "%s"
  ami:
    - {source: ast-um-1, addr: "%s", username: umli, secretFile: "%s"}
%s`, target, contentDir, r.spool, r.um.Addrs().AMI, secretFile, extra))
	r.umli = runConfig(t, r.bin, cfgPath)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := r.um.WaitSubscribers(ctx, 0, 1); err != nil {
		t.Fatalf("umli did not log in over AMI: %v\n%s", err, r.umli.stderr.String())
	}
	return r
}

// ended counts the CINs whose last IRI is an iRI-End and whose content is complete.
func (r *asteriskRun) ended() int {
	n := 0
	for _, l := range r.lm.Summary().LIIDs {
		for _, c := range l.CINs {
			k := len(c.Events)
			if k == 0 || c.Events[k-1].IRIType != "iRI-End" {
				continue
			}
			complete := true
			for _, cs := range c.Content {
				complete = complete && cs.Complete
			}
			if complete {
				n++
			}
		}
	}
	return n
}

func (r *asteriskRun) stop(t *testing.T) lemf.Summary {
	t.Helper()
	r.umli.terminate(t)
	sum := r.lm.Summary()
	got := r.stopLEMF(t)
	if g := got.Gaps(); len(g) > 0 || len(got.Reused) > 0 {
		t.Errorf("%d gaps (first %v), reused %v", len(g), g[:min(5, len(g))], got.Reused)
	}
	return sum
}

// contentOf returns the bytes the LEMF stored for the CC with event-identifier eid.
func (r *asteriskRun) contentOf(t *testing.T, c lemf.CINSummary, eid *uint32, contentType string) []byte {
	t.Helper()
	if eid == nil {
		t.Fatal("IRI without event-identifier")
	}
	for _, cs := range c.Content {
		if cs.EventIdentifier != nil && *cs.EventIdentifier == *eid && cs.ContentType == contentType {
			if !cs.Complete {
				t.Errorf("CC %+v incomplete", cs)
			}
			b, err := os.ReadFile(filepath.Join(r.dir, "lemf", cs.File))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Errorf("CIN %d: no %s CC with event-identifier %d (content %+v)", *c.CIN, contentType, *eid, c.Content)
	return nil
}

func signature(c lemf.CINSummary) []string {
	var s []string
	for _, e := range c.Events {
		s = append(s, e.IRIType+" "+e.Category+" "+e.Status)
	}
	return s
}

// TestRunAsterisk: umsim's Asterisk manager interface over real TCP into `umli run`: a
// caller's deposit (spool audio as CC), the subscriber's VoiceMailMain sessions — PIN
// and exit only, then login, retrieve and delete of the new message, retrieve and save
// of the old one, all keyed in as DTMFEnd and confirmed by the end-of-session
// MessageWaiting — and a failed login. The LEMF gets one CIN per call with the IRIs in
// order, every retrieve/delete/save/deposit with CC byte-identical to the spool file it
// names, no gaps; the log holds neither PINs nor the box.
func TestRunAsterisk(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	r := startAsteriskRun(t, `{boxID: "1000@um.example.net"}`, "")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	calls := []string{"deposit", "logout", "retrieve-save-delete", "login-failed"}
	var spoolFiles = map[string][]byte{}
	for i, name := range calls {
		if err := r.um.Play(ctx, name); err != nil {
			t.Fatal(err)
		}
		// Each call's content is fetched before the next call rewrites the spool.
		waitUntil(t, name+" ended at the LEMF", func() bool { return r.ended() == i+1 })
		if name == "retrieve-save-delete" {
			for _, f := range []string{"INBOX/msg0000.wav", "Old/msg0000.wav"} {
				b, err := os.ReadFile(filepath.Join(r.spool, "um.example.net", "1000", f))
				if err != nil {
					t.Fatal(err)
				}
				spoolFiles[f] = b
			}
		}
	}
	log := r.umli.stderr.String()
	sum := r.stop(t)
	if len(sum.LIIDs) != 1 || len(sum.LIIDs[0].CINs) != len(calls) {
		t.Fatalf("want one LIID with %d CINs: %+v", len(calls), sum)
	}
	cins := sum.LIIDs[0].CINs
	want := [][]string{
		{"iRI-Begin message-box:connect operation-succeeded", "iRI-Continue message:deposit operation-succeeded",
			"iRI-End message-box:disconnect operation-succeeded"},
		{"iRI-Begin message-box:connect operation-succeeded", "iRI-Continue message-box:login operation-started",
			"iRI-Continue message-box:login operation-succeeded", "iRI-End message-box:logout operation-succeeded"},
		{"iRI-Begin message-box:connect operation-succeeded", "iRI-Continue message-box:login operation-started",
			"iRI-Continue message:retrieve operation-started", "iRI-Continue message:delete operation-started",
			"iRI-Continue message:retrieve operation-started", "iRI-Continue message:save operation-started",
			"iRI-Continue message-box:login operation-succeeded",
			"iRI-Continue message:retrieve operation-succeeded", "iRI-Continue message:delete operation-succeeded",
			"iRI-Continue message:retrieve operation-succeeded", "iRI-Continue message:save operation-succeeded",
			"iRI-End message-box:logout operation-succeeded"},
		{"iRI-Begin message-box:connect operation-succeeded", "iRI-Continue message-box:login operation-started",
			"iRI-Continue message-box:login operation-failed", "iRI-End message-box:disconnect operation-succeeded"},
	}
	for i, c := range cins {
		if c.NE != "ast-um-1" {
			t.Errorf("CIN %d from NE %q", *c.CIN, c.NE)
		}
		if got := signature(c); !slices.Equal(got, want[i]) {
			t.Errorf("call %s (CIN %d):\n  %s\nwant\n  %s", calls[i], *c.CIN, strings.Join(got, "\n  "), strings.Join(want[i], "\n  "))
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	// The deposit's CC is the stored message; each retrieve, delete and save carries the
	// message its keys chose: INBOX/msg0000 first, then Old/msg0000.
	dep := cins[0]
	if got := r.contentOf(t, dep, dep.Events[1].EventIdentifier, "audio/wav"); !bytes.Equal(got, spoolFiles["INBOX/msg0000.wav"]) {
		t.Errorf("deposit CC (%d bytes) differs from the spool file (%d bytes)", len(got), len(spoolFiles["INBOX/msg0000.wav"]))
	}
	tui := cins[2]
	for i, f := range map[int]string{2: "INBOX/msg0000.wav", 3: "INBOX/msg0000.wav", 4: "Old/msg0000.wav", 5: "Old/msg0000.wav"} {
		e := tui.Events[i]
		if got := r.contentOf(t, tui, e.EventIdentifier, "audio/wav"); !bytes.Equal(got, spoolFiles[f]) {
			t.Errorf("%s CC (%d bytes) differs from %s (%d bytes)", e.Category, len(got), f, len(spoolFiles[f]))
		}
		// The settlement repeats the started IRI's event-identifier (one ETSI event).
		if s := tui.Events[i+5]; s.EventIdentifier == nil || *s.EventIdentifier != *e.EventIdentifier {
			t.Errorf("%s settled under event-identifier %v, started under %d", s.Category, s.EventIdentifier, *e.EventIdentifier)
		}
	}
	if len(tui.Content) != 4 {
		t.Errorf("VoiceMailMain call content %+v: want the four CC streams", tui.Content)
	}
	for _, bad := range []string{"4711", "1234#", "1000@um.example.net", "um.example.net/1000", "4917012345678"} {
		if strings.Contains(log, bad) {
			i := strings.Index(log, bad)
			t.Errorf("umli logged %q: …%s…", bad, log[max(0, i-200):min(len(log), i+100)])
		}
	}
}

// TestRunAsteriskRTPSharesCIN: the RTP of an Asterisk VoiceMailMain call, captured
// passively (rtp.passive reading a capture of the subscriber's SIP call to *98), shares
// the CIN of the AMI session: the AMI events carry the call's SIP Call-ID in
// manager.conf channelvars (CHANNEL(pjsip,call-id)), which makes the translator's
// correlation key the capture's. In both rtp.passive.events modes one connect IRI opens
// the CIN (connect: the capture's, the feed's is not delivered again; feed: the AMI
// session's, though the media came first), both RTP directions and the spool CC follow
// under it, and the AMI logout closes it.
func TestRunAsteriskRTPSharesCIN(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	for _, mode := range []string{"connect", "feed"} {
		t.Run(mode, func(t *testing.T) { runAsteriskRTP(t, mode) })
	}
}

func runAsteriskRTP(t *testing.T, mode string) {
	script, err := umsim.LoadScript()
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := script.AMIScenario("retrieve-save-delete")
	if !ok || len(sc.Call.ChanVars) == 0 {
		t.Fatal("no retrieve-save-delete scenario with channelvars")
	}
	callID := strings.TrimPrefix(sc.Call.ChanVars[0], "CHANNEL(pjsip,call-id)=")
	ap := netip.MustParseAddrPort
	start := time.Date(2026, 11, 29, 9, 8, 20, 0, time.UTC)
	call := pcapgen.Call{Transport: "udp", CallID: callID, Caller: ap("192.0.2.30:5060"), UM: ap("192.0.2.20:5060"),
		From: "<sip:" + sc.Call.Number + "@carrier.example>", To: "<sip:*98@pbx.example>", RequestURI: "sip:*98@192.0.2.20",
		CallerRTP: pcapgen.Stream{Src: ap("192.0.2.30:16000"), Dst: ap("192.0.2.20:20000"), SSRC: 0x5151, Seq0: 1, ToneHz: 350, Packets: 80, Keys: "4711#"},
		UMRTP:     pcapgen.Stream{Src: ap("192.0.2.20:20000"), Dst: ap("192.0.2.30:16000"), SSRC: 0x6161, Seq0: 100, ToneHz: 550, Packets: 120},
		Start:     start}
	var pcap bytes.Buffer
	if err := pcapgen.WriteCalls(&pcap, []pcapgen.Call{call}); err != nil {
		t.Fatal(err)
	}
	pcapFile := filepath.Join(t.TempDir(), "ast-call.pcap")
	if err := os.WriteFile(pcapFile, pcap.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r := startAsteriskRun(t, `{e164: "`+sc.Call.Number+`"}`, fmt.Sprintf(`rtp:
  passive: {source: ast-um-1, file: "%s", pilots: ["*98"], events: %s}
`, pcapFile, mode))
	waitUntil(t, "both RTP directions complete at the LEMF", func() bool {
		c, ok := r.lm.OnlyCIN()
		n := 0
		for _, cs := range c.Content {
			if cs.ContentType == "audio/PCMU" && cs.Complete {
				n++
			}
		}
		return ok && n == 2
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The box's counts before the call, as the logout call leaves them (New 1, Old 1).
	for _, name := range []string{"logout", "retrieve-save-delete"} {
		if err := r.um.Play(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	// HI3 may trail HI2: wait for the spool CC streams asserted below as well.
	spoolCC := func() int {
		n := 0
		for _, l := range r.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				for _, cs := range c.Content {
					if cs.ContentType == "audio/wav" {
						n++
					}
				}
			}
		}
		return n
	}
	waitUntil(t, "the AMI logout and the 4 spool CC streams at the LEMF", func() bool { return r.ended() == 2 && spoolCC() >= 4 })
	sum := r.stop(t)
	var cin *lemf.CINSummary
	for i, c := range sum.LIIDs[0].CINs {
		for _, e := range c.Events {
			if e.Category == "message:retrieve" {
				cin = &sum.LIIDs[0].CINs[i]
			}
		}
	}
	if len(sum.LIIDs) != 1 || len(sum.LIIDs[0].CINs) != 2 || cin == nil {
		t.Fatalf("want the logout call's CIN and one CIN for the VoiceMailMain call with its RTP: %+v", sum)
	}
	var connects []lemf.Event
	for _, e := range cin.Events {
		if e.Category == "message-box:connect" {
			connects = append(connects, e)
		}
	}
	if len(connects) != 1 || cin.Events[0].Category != "message-box:connect" || connects[0].EventIdentifier == nil {
		t.Fatalf("CIN %d events %v: want one connect, first, with an event-identifier", *cin.CIN, signature(*cin))
	}
	if last := cin.Events[len(cin.Events)-1]; last.IRIType != "iRI-End" || last.Category != "message-box:logout" {
		t.Errorf("CIN %d ends with %+v, want the AMI logout", *cin.CIN, last)
	}
	rtp, wav := 0, 0
	for _, cs := range cin.Content {
		switch cs.ContentType {
		case "audio/PCMU":
			rtp++
			if cs.EventIdentifier == nil || *cs.EventIdentifier != *connects[0].EventIdentifier || !cs.Complete {
				t.Errorf("RTP stream %+v: want complete, with the connect's event-identifier %d", cs, *connects[0].EventIdentifier)
			}
		case "audio/wav":
			wav++
		}
	}
	if rtp != 2 || wav != 4 {
		t.Errorf("CIN %d content %+v: want 2 RTP directions and the 4 spool CC streams", *cin.CIN, cin.Content)
	}
}
