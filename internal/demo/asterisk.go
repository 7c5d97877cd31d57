package demo

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/umli/umli/rtpcapture/pcapgen"
	"github.com/umli/umli/simulators/umsim"
)

// AsteriskRTPSource is the network element of the Asterisk scenario: a second Asterisk,
// whose AMI feed and passively captured RTP share CINs.
const AsteriskRTPSource = "ast-um-2"

// asteriskCalls are the umsim Asterisk calls the scenario plays, in order: a deposit,
// a VoiceMailMain session that leaves the box with one new and one old message, then
// the session whose keys retrieve and delete the new one and retrieve and save the old.
var asteriskCalls = []string{"deposit", "logout", "retrieve-save-delete"}

// Asterisk is the Asterisk scenario: umsim's manager interface on loopback TCP feeds
// umli's AMI client and the UM adapter (built by the pipeline from an umsys section), which reads the voicemail spool for CC — the
// deposit's message, and the messages the subscriber's VoiceMailMain keys (DTMFEnd)
// retrieve, delete and save. The subscriber's SIP call to *98 is captured passively
// (an rtp.passive section reading a pcapgen capture file); manager.conf channelvars give the AMI
// events its SIP Call-ID, so the call's RTP and its VoiceMailMain IRIs share one CIN.
func Asterisk() Scenario {
	return Scenario{Name: "Asterisk (AMI, DTMF): deposit with spool CC; VoiceMailMain login, retrieve, delete, save with spool CC; the call's RTP in the same CIN", Run: runAsterisk}
}

func runAsterisk(ctx context.Context, env Env) (err error) {
	dir, err := os.MkdirTemp("", "umli-demo-ast-")
	if err != nil {
		return fmt.Errorf("asterisk content dir: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = fmt.Errorf("remove asterisk content dir: %w", rerr)
		}
	}()
	log := env.Log.With().Str("component", "asterisk").Logger()
	const secret = "demo-ami-secret"
	um, err := umsim.NewUM(umsim.Config{ContentDir: dir, AMISecret: secret, Logger: log.With().Str("sim", "umsim").Logger()})
	if err != nil {
		return err
	}
	script := um.Script()
	pcap, err := asteriskCapture(script)
	if err != nil {
		return err
	}
	pcapFile := filepath.Join(dir, "call.pcap")
	secretFile := filepath.Join(dir, "ami.secret")
	for _, f := range []struct {
		path string
		b    []byte
	}{{pcapFile, pcap}, {secretFile, []byte(secret + "\n")}} {
		if err := os.WriteFile(f.path, f.b, 0o600); err != nil {
			return fmt.Errorf("asterisk scenario file: %w", err)
		}
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	wg.Add(1)
	go func() { defer wg.Done(); _ = um.Run(runCtx) }()
	// umli's side comes from configuration sections, as an operator writes them: the
	// AMI client, the UM adapter reading the spool for CC.
	section := fmt.Sprintf(`umsys:
  asteriskSpool: %q
  content:
    roots: [{prefix: %q, dir: %q}]
  ami:
    - {source: %s, addr: %q, username: umli, secretFile: %q}
`, filepath.Join(um.AMISpool(), "voicemail"), dir, dir, AsteriskRTPSource, um.Addrs().AMI, secretFile)
	sink, stopAMI, err := env.startCounted(runCtx, "asterisk", section)
	if err != nil {
		return err
	}
	defer stopAMI()
	if err := um.WaitSubscribers(ctx, 0, 1); err != nil {
		return fmt.Errorf("waiting for the AMI client: %w", err)
	}
	for i, name := range asteriskCalls {
		if name == "retrieve-save-delete" {
			// The subscriber's call as the tap saw it, both RTP directions: an
			// rtp.passive section replaying the capture file when the call is made.
			// events: feed — the AMI session's connect opens the CIN the RTP joins;
			// the capture's own connect would name other identities of the
			// subscriber, and a warrant on both would get two.
			capture := fmt.Sprintf("rtp:\n  passive: {file: %q, source: %s, pilots: [\"*98\"], events: feed}\n", pcapFile, AsteriskRTPSource)
			rtp, stopCapture, err := env.startCounted(runCtx, "asterisk capture", capture)
			if err != nil {
				return err
			}
			defer stopCapture()
			// The file holds the call's two RTP streams; both end with it, before the
			// call's AMI events are played (as the tap saw the call before the feed).
			if err := rtp.waitEnded(ctx, AsteriskRTPSource, 2); err != nil {
				return fmt.Errorf("passive capture: %w", err)
			}
		}
		if err := um.Play(ctx, name); err != nil {
			return err
		}
		// One call at a time: the next rewrites the spool files this one's CC is read from.
		if err := sink.wait(ctx, AsteriskRTPSource, i+1); err != nil {
			return fmt.Errorf("asterisk %s: %w", name, err)
		}
		if err := env.drain(ctx); err != nil {
			return err
		}
	}
	return nil
}

// asteriskCapture is a capture of the retrieve-save-delete call at the tap: the
// subscriber's INVITE to *98 with the Call-ID the AMI events name, 2 s of RTP each way
// (the subscriber's side ends with the PIN as RFC 4733 events).
func asteriskCapture(script *umsim.Script) ([]byte, error) {
	sc, ok := script.AMIScenario("retrieve-save-delete")
	if !ok || len(sc.Call.ChanVars) == 0 {
		return nil, fmt.Errorf("umsim has no retrieve-save-delete scenario with channelvars")
	}
	callID := strings.TrimPrefix(sc.Call.ChanVars[0], "CHANNEL(pjsip,call-id)=")
	ap := netip.MustParseAddrPort
	call := pcapgen.Call{Transport: "udp", CallID: callID, Caller: ap("192.0.2.30:5060"), UM: ap("192.0.2.20:5060"),
		From: "<sip:" + sc.Call.Number + "@carrier.example>", To: "<sip:*98@pbx.example>", RequestURI: "sip:*98@192.0.2.20",
		CallerRTP: pcapgen.Stream{Src: ap("192.0.2.30:16000"), Dst: ap("192.0.2.20:20000"), SSRC: 0x5151, Seq0: 1, ToneHz: 350, Packets: 100, Keys: "4711#"},
		UMRTP:     pcapgen.Stream{Src: ap("192.0.2.20:20000"), Dst: ap("192.0.2.30:16000"), SSRC: 0x6161, Seq0: 100, ToneHz: 550, Packets: 100},
		Start:     sc.Start.Add(time.Second)}
	var b bytes.Buffer
	if err := pcapgen.WriteCalls(&b, []pcapgen.Call{call}); err != nil {
		return nil, fmt.Errorf("asterisk capture: %w", err)
	}
	return b.Bytes(), nil
}
