package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/sipsim"
	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/translate"
)

// TestConnectEventKeysAgree: the UM translators' connect and the RTP legs name the same
// EventKey, which is what gives the MessagingCC the connect's event-identifier (Table 6).
func TestConnectEventKeysAgree(t *testing.T) {
	if translate.ConnectEventKey != rtpcapture.ConnectEventKey {
		t.Fatalf("translate.ConnectEventKey %q != rtpcapture.ConnectEventKey %q", translate.ConnectEventKey, rtpcapture.ConnectEventKey)
	}
}

// TestRunSIPRECWithFeed: `umli run` with the FreeSWITCH feed (umsim over ESL) and the
// SIPREC endpoint for the same platform (source fs-um-1). The simulator's SRC forks the
// deposit call carrying the feed's channel UUID, then the feed reports that call. In both
// rtp.siprec.events modes the LEMF gets one CIN with exactly one connect IRI, and the
// RTP MessagingCC of both directions carry its event-identifier (TS 102 232-2 Table 6):
// with connect the endpoint's connect opens and the feed's is not delivered again; with
// feed the feed's connect is the one, though the media came first.
func TestRunSIPRECWithFeed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the umli binary")
	}
	bin := buildUMLI(t)
	for _, mode := range []string{"connect", "feed"} {
		t.Run(mode, func(t *testing.T) { runSIPRECWithFeed(t, bin, mode) })
	}
}

func runSIPRECWithFeed(t *testing.T, bin, mode string) {
	r := startRig(t, bin)
	dir, lm := r.dir, r.lm
	contentDir := filepath.Join(dir, "content")
	if err := os.MkdirAll(contentDir, 0o700); err != nil {
		t.Fatal(err)
	}
	const eslPassword = "not-the-default-6Tb"
	um := startUM(t, umsim.Config{ContentDir: contentDir, Password: eslPassword})
	pwFile := filepath.Join(dir, "esl.pass")
	writeFile(t, pwFile, eslPassword+"\n")
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sipAddr := pc.LocalAddr().String()
	pc.Close()
	cfgPath := r.config(t, "srs-feed-1", "OP-SRS", fmt.Sprintf(`log: {level: debug}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: SRS-FEED-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{boxID: "1000@um.example.net"}]}
umsys:
  content: {roots: [{prefix: "%s"}]}
  esl:
    - {source: fs-um-1, addr: "%s", passwordFile: "%s"}
rtp:
  siprec: {source: fs-um-1, listen: "%s", transport: udp, mediaAddr: 127.0.0.1, events: %s}
`, contentDir, um.Addrs().ESL, pwFile, sipAddr, mode))
	umli := runConfig(t, bin, cfgPath)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := um.WaitSubscribers(ctx, 1, 0); err != nil {
		t.Fatal(err)
	}
	sc, _, ok := um.Script().FSScenario("deposit")
	if !ok {
		t.Fatal("no deposit scenario")
	}
	var res *sipsim.Result
	waitUntil(t, "the SIPREC endpoint to take the call", func() bool {
		res, err = sipsim.Deposit(ctx, sipsim.Config{SRS: sipAddr, Box: "sip:1000@um.example.net", Caller: "sip:" + sc.Call.Number + "@carrier.example",
			PlatformUUID: sc.Call.UUID, Duration: 600 * time.Millisecond, Log: zerolog.Nop()})
		return err == nil
	})
	if res.PlatformUUID != sc.Call.UUID {
		t.Fatalf("simulator used UUID %q", res.PlatformUUID)
	}
	rtpStreams := func(c lemf.CINSummary) []lemf.ContentSummary {
		var out []lemf.ContentSummary
		for _, cs := range c.Content {
			if cs.ContentType == "audio/PCMU" {
				out = append(out, cs)
			}
		}
		return out
	}
	waitUntil(t, "both RTP directions complete at the LEMF", func() bool {
		c, ok := lm.OnlyCIN()
		n := 0
		for _, cs := range rtpStreams(c) {
			if cs.Complete {
				n++
			}
		}
		return ok && n == 2
	})
	if err := um.Play(ctx, "deposit"); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the feed's disconnect at the LEMF", func() bool {
		c, ok := lm.OnlyCIN()
		n := len(c.Events)
		return ok && n > 0 && c.Events[n-1].IRIType == "iRI-End"
	})
	umli.terminate(t)
	sum := lm.Summary()
	if len(sum.LIIDs) != 1 || len(sum.LIIDs[0].CINs) != 1 || sum.Gaps != 0 || sum.Duplicates != 0 {
		t.Fatalf("want one LIID with one CIN, no gaps or duplicates: %+v", sum)
	}
	cin := sum.LIIDs[0].CINs[0]
	var connects []lemf.Event
	for _, e := range cin.Events {
		if e.Category == "message-box:connect" {
			connects = append(connects, e)
		}
	}
	if len(connects) != 1 || connects[0].IRIType != "iRI-Begin" || connects[0].EventIdentifier == nil {
		t.Fatalf("connect IRIs %+v: want one, the iRI-Begin, with an event-identifier (all: %+v)", connects, cin.Events)
	}
	eid := *connects[0].EventIdentifier
	streams := rtpStreams(cin)
	if len(streams) != 2 {
		t.Fatalf("RTP streams %+v, want one per direction", cin.Content)
	}
	for _, cs := range streams {
		if cs.EventIdentifier == nil || *cs.EventIdentifier != eid || !cs.Complete {
			t.Errorf("RTP stream %+v: want complete with the connect's event-identifier %d", cs, eid)
		}
	}
}
