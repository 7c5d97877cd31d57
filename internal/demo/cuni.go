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
)

// CUNISource is the network element of the Cisco Unity Connection scenario.
const CUNISource = "cuc-1"

// cuniAlias is the target's Connection mailbox (alias); the operator's directory maps it
// to the target's MSISDN, which the demo warrant names.
const cuniAlias = "tgt1000"

// CUNI is the Cisco Unity Connection scenario: umsim's CUNI Notifier POSTs the target's
// deposit (urgent, from the caller), save, soft delete (two notifications, one USN) and
// hard delete over HTTP to umli's CUNI receiver, built by the pipeline from an umsys
// section as umli run builds it; the deposit's audio is fetched from umsim's CUMI server.
func CUNI() Scenario {
	return Scenario{Name: "Cisco Unity Connection: CUNI Notifier over HTTP, deposit (audio via CUMI), save, delete", Run: runCUNI}
}

func runCUNI(ctx context.Context, env Env) (err error) {
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
	const password = "demo-cuni-callback"
	tokenFile := filepath.Join(dir, "cuni.token")
	if err := os.WriteFile(tokenFile, []byte(password+"\n"), 0o600); err != nil {
		return fmt.Errorf("CUNI token file: %w", err)
	}
	listen, err := freeLoopback()
	if err != nil {
		return err
	}
	// umli's receiver comes from an umsys section, as an operator writes it: the CUNI
	// callback listener, the CUMI server the audio is fetched from, and the directory
	// that maps the Connection alias to the target's MSISDN.
	section := fmt.Sprintf(`umsys:
  cumiURL: %q
  directory:
    %s: {msisdn: %q}
  cuni:
    - {source: %s, listen: %q, tokenFile: %q}
`, cumiURL, cuniAlias, TargetMSISDN, CUNISource, listen, tokenFile)
	sink, stopSources, err := env.startCounted(ctx, "CUNI", section)
	if err != nil {
		return err
	}
	defer stopSources()
	n := &umsim.CUNINotifier{URL: "http://" + listen + "/", User: "umli", Password: password}
	if _, err := n.Play(ctx, cuniTranscript(time.Now().UTC(), msgID)); err != nil {
		return err
	}
	// The deposit's audio (fetched over CUMI) is the one content stream.
	if err := sink.waitEnded(ctx, CUNISource, 1); err != nil {
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
