package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/umli/umli/simulators/umsim"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/content"
	"github.com/umli/umli/umsys/cuni"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/jsonfeed"
	"github.com/umli/umli/umsys/translate"
)

// CUNISource is the network element of the Cisco Unity Connection scenario.
const CUNISource = "cuc-1"

// cuniAlias is the target's Connection mailbox (alias); the operator's directory maps it
// to the target's MSISDN, which the demo warrant names.
const cuniAlias = "tgt1000"

// CUNI is the Cisco Unity Connection scenario: umsim's CUNI Notifier POSTs the target's
// deposit (urgent, from the caller), save, soft delete (two notifications, one USN) and
// hard delete over HTTP to umli's CUNI receiver; the deposit's audio is fetched from
// umsim's CUMI server.
func CUNI() Scenario {
	return Scenario{Name: "Cisco Unity Connection: CUNI Notifier over HTTP, deposit (audio via CUMI), save, delete", Run: runCUNI}
}

func runCUNI(ctx context.Context, env Env) (err error) {
	log := env.Log.With().Str("component", "cuni").Logger()
	dir, err := os.MkdirTemp("", "umli-demo-cuni-")
	if err != nil {
		return fmt.Errorf("CUNI scenario dir: %w", err)
	}
	defer os.RemoveAll(dir)
	wav := filepath.Join(dir, "msg.wav")
	if err := umsim.WriteAudio(umsim.AudioFile{Path: wav, Seconds: 1, ToneHz: 440}); err != nil {
		return err
	}
	audio, err := os.ReadFile(wav)
	if err != nil {
		return fmt.Errorf("CUNI message audio: %w", err)
	}
	const msgID = "5f0c1a2e-8d3b-4c6a-9e7f-0a1b2c3d4e5f"
	cumiURL, stopCUMI, err := serve(&umsim.CUMIServer{Audio: map[string][]byte{msgID: audio}})
	if err != nil {
		return err
	}
	defer stopCUMI()
	fetch, err := content.New(content.Config{})
	if err != nil {
		return fmt.Errorf("content fetcher: %w", err)
	}
	defer fetch.Close()
	tcfg := translate.Config{CUMIURL: cumiURL, Directory: map[string]translate.Owner{cuniAlias: {MSISDN: TargetMSISDN}}}
	ad, err := adapter.New(adapter.Config{Translate: tcfg, Content: fetch, Logger: log}, env.Sink)
	if err != nil {
		return fmt.Errorf("CUNI adapter: %w", err)
	}
	const password = "demo-cuni-callback"
	wh, err := jsonfeed.NewWebhook(jsonfeed.WebhookConfig{Token: password, Source: CUNISource, Logger: log,
		Parse:      func(b []byte) ([]*feed.Event, error) { return cuni.Events(b, CUNISource, time.Now()) },
		MediaTypes: []string{"text/xml", "application/xml"}, Dialect: feed.CUNI, Basic: true}, ad.Handler(ctx))
	if err != nil {
		return err
	}
	hookURL, stopHook, err := serve(wh)
	if err != nil {
		return err
	}
	defer stopHook()
	n := &umsim.CUNINotifier{URL: hookURL + "/", User: "umli", Password: password}
	if _, err := n.Play(ctx, cuniTranscript(time.Now().UTC(), msgID)); err != nil {
		return err
	}
	return env.drain(ctx)
}

// serve runs h on a loopback listener and returns its base URL and a stop function.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listener: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the scenario's requests report the failure
		}
	}()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close(); <-done }, nil
}

// cuniTranscript is the notifications Connection sends for the target's day: the
// documented messageEvent shape (CUNI guide), times from now.
func cuniTranscript(now time.Time, msgID string) []byte {
	var b strings.Builder
	ev := func(i int, typ, usn, prio, ani string) {
		at := now.Add(time.Duration(i) * time.Second).Format("03:04:05 PM 01/02/2006")
		fmt.Fprintf(&b, `<?xml version="1.0" ?><messageEvent subscriptionId="3f6e1d2c-0b9a-4877-a6b5-c4d3e2f10a98" eventType="%s" eventTime="%s" mailboxId="%s" displayName="Demo Target" USN="%s"><messageInfo messageId="%s" receiveTime="%s" uid="17" msgType="Voice" priority="%s" sender="null" callerAni="%s" /></messageEvent>`+"\n",
			typ, at, cuniAlias, usn, msgID, now.Format("03:04:05 PM 01/02/2006"), prio, ani)
	}
	ev(0, "NEW_MESSAGE", "101", "Urgent-Priority", CallerMSISDN)
	ev(1, "SAVED_MESSAGE", "102", "Urgent-Priority", "null")
	ev(2, "DELETED_MESSAGE", "103", "Urgent-Priority", "null")
	ev(2, "DELETED_MESSAGE_CREATE", "103", "Urgent-Priority", "null")
	ev(3, "DELETED_MESSAGE_DELETE", "104", "Urgent-Priority", "null")
	return []byte(b.String())
}
