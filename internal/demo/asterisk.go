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

	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/passive"
	"github.com/umli/umli/rtpcapture/pcapgen"
	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/translate"
)

// AsteriskRTPSource is the network element of the Asterisk scenario: a second Asterisk,
// whose AMI feed and passively captured RTP share CINs.
const AsteriskRTPSource = "ast-um-2"

// asteriskCalls are the umsim Asterisk calls the scenario plays, in order: a deposit,
// a VoiceMailMain session that leaves the box with one new and one old message, then
// the session whose keys retrieve and delete the new one and retrieve and save the old.
var asteriskCalls = []string{"deposit", "logout", "retrieve-save-delete"}

// Asterisk is the Asterisk scenario: umsim's manager interface on loopback TCP feeds
// umli's AMI client and the UM adapter, which reads the voicemail spool for CC — the
// deposit's message, and the messages the subscriber's VoiceMailMain keys (DTMFEnd)
// retrieve, delete and save. The subscriber's SIP call to *98 is captured passively
// (rtpcapture/passive reading a pcapgen capture); manager.conf channelvars give the AMI
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
	um, err := umsim.NewUM(umsim.Config{ContentDir: dir, AMISecret: "demo-ami-secret", Logger: log.With().Str("sim", "umsim").Logger()})
	if err != nil {
		return err
	}
	script := um.Script()
	pcap, err := asteriskCapture(script)
	if err != nil {
		return err
	}
	fetch, err := content.New(content.Config{Roots: []content.Root{{Prefix: dir}}})
	if err != nil {
		return fmt.Errorf("content fetcher: %w", err)
	}
	defer fetch.Close()
	sink := newCloseCounter(env.Sink)
	// The AMI feed and the capture both report the call's connect: one is delivered.
	once := rtpcapture.NewConnectOnce(sink, 0, 0)
	tcfg := translate.Config{AsteriskSpool: filepath.Join(um.AMISpool(), "voicemail")}
	ad, err := adapter.New(adapter.Config{Translate: tcfg, Content: fetch, Logger: log}, once)
	if err != nil {
		return fmt.Errorf("asterisk adapter: %w", err)
	}
	// rtp.passive.events: feed — the AMI session's connect opens the CIN the RTP joins;
	// the capture's own connect would name other identities of the subscriber, and a
	// warrant on both would get two.
	capt, err := passive.New(passive.Config{Source: AsteriskRTPSource, Sink: once, Pilots: []string{"*98"}, Connect: rtpcapture.ConnectNone, Log: log})
	if err != nil {
		return fmt.Errorf("passive capture: %w", err)
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { stop(); wg.Wait() }()
	goRun := func(f func(context.Context) error) {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f(runCtx) }()
	}
	goRun(um.Run)
	goRun(ad.Run)
	ac, err := ami.NewClient(ami.Config{Addr: um.Addrs().AMI, Username: "umli", Secret: "demo-ami-secret", Source: AsteriskRTPSource, Logger: log}, ad.Handler(runCtx))
	if err != nil {
		return err
	}
	goRun(ac.Run)
	if err := um.WaitSubscribers(ctx, 0, 1); err != nil {
		return fmt.Errorf("waiting for the AMI client: %w", err)
	}
	for i, name := range asteriskCalls {
		if name == "retrieve-save-delete" {
			// The subscriber's call as the tap saw it: both RTP directions, under the
			// connect the AMI events of the call report.
			if err := capt.ReadPcap(ctx, bytes.NewReader(pcap)); err != nil {
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
