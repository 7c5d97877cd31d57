package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/umli/umli/simulators/umsim"
)

// TestRunCUNI: the umsim CUNI Notifier posts a Connection transcript (deposit, save,
// soft delete reported twice under one USN, undelete, unread, hard delete) over real
// HTTP to `umli run`'s umsys.cuni listener, which fetches the deposit's audio from the
// umsim CUMI server with the configured Basic credentials. The LEMF gets one IRI per user action, the deposit with its CC;
// the events of a mailbox no warrant names reach no LEA and are not logged.
func TestRunCUNI(t *testing.T) {
	r := newRig(t)
	dir := r.dir

	wav := filepath.Join(dir, "msg.wav")
	if err := umsim.WriteAudio(umsim.AudioFile{Path: wav, Seconds: 1, ToneHz: 440}); err != nil {
		t.Fatal(err)
	}
	audio, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	const cumiPW = "cumi-pw-1a2b3c4d"
	cumiPWFile := filepath.Join(dir, "cumi.pw")
	writeFile(t, cumiPWFile, cumiPW+"\n")
	cumi := httptest.NewServer(&umsim.CUMIServer{User: "umli-cc", Password: cumiPW, Audio: map[string][]byte{"72204bd7-e5c3-446e-adb6-ae5f80db26fb": audio}})
	defer cumi.Close()

	const token = "cuni-pw-5e4d3c2b"
	tokenFile := filepath.Join(dir, "token")
	writeFile(t, tokenFile, token+"\n")
	listen := freeAddr(t)
	cfgPath := r.config(t, "cuni-1", "OP-CUNI", fmt.Sprintf(`log: {level: debug}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: CUNI-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{boxID: "abell"}]}
umsys:
  systemID: cuc-1
  cumiURL: "%s"
  cumiUser: umli-cc
  cumiPasswordFile: "%s"
  cuni:
    - {source: cuc-1, listen: "%s", path: /cuni, tokenFile: "%s"}
`, cumi.URL, cumiPWFile, listen, tokenFile))
	p := startConfig(t, r.bin, cfgPath)
	n := &umsim.CUNINotifier{URL: "http://" + listen + "/cuni", User: "umli", Password: token}
	waitUntil(t, "cuni listener", func() bool {
		req, _ := http.NewRequest(http.MethodPost, n.URL, strings.NewReader("x"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusUnauthorized
	})
	transcript, err := os.ReadFile("../../umsys/translate/testdata/cuni/deposit-save-delete.xml")
	if err != nil {
		t.Fatal(err)
	}
	// Cisco's sample dates (2008) predate the warrant: move them into its window.
	transcript = []byte(strings.ReplaceAll(string(transcript), "/2008", "/2026"))
	other := strings.ReplaceAll(string(transcript), `mailboxId="abell"`, `mailboxId="zz-nontarget"`)
	other = strings.ReplaceAll(other, `USN="22`, `USN="33`)
	ctx := context.Background()
	if k, err := n.Play(ctx, []byte(other)); err != nil || k != 7 {
		t.Fatalf("non-target play: %d events, %v\n%s", k, err, p.stderr.String())
	}
	if k, err := n.Play(ctx, transcript); err != nil || k != 7 {
		t.Fatalf("play: %d events, %v\n%s", k, err, p.stderr.String())
	}
	want := []string{"message:deposit", "message:save", "message:delete", "message:delete", "", "message:delete"}
	var cats []string
	deposited := false
	defer func() {
		if t.Failed() {
			l := p.stderr.String()
			t.Logf("LEMF events %q, deposit CC %v; umli log tail:\n%s", cats, deposited, l[max(0, len(l)-4000):])
		}
	}()
	waitUntil(t, "six IRIs and the deposit's CC at the LEMF", func() bool {
		cats, deposited = nil, false
		for _, l := range r.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				for _, e := range c.Events {
					cats = append(cats, e.Category)
					if e.Category == "message:deposit" && e.EventIdentifier != nil && hasCompleteContent(c, *e.EventIdentifier) {
						deposited = true
					}
				}
			}
		}
		return len(cats) >= len(want) && deposited
	})
	p.terminate(t)
	count := map[string]int{}
	for _, c := range cats {
		count[c]++
	}
	if len(cats) != len(want) || count["message:deposit"] != 1 || count["message:save"] != 1 || count["message:delete"] != 3 {
		t.Errorf("LEMF events %q, want one each of %q", cats, want)
	}
	got := r.stopLEMF(t)
	if g := got.Gaps(); len(g) > 0 {
		t.Errorf("%d gaps, first %v", len(g), g[:min(5, len(g))])
	}
	log := p.stderr.String()
	for _, bad := range []string{token, cumiPW, "zz-nontarget", "abell"} {
		if strings.Contains(log, bad) {
			t.Errorf("umli run logged %q", bad)
		}
	}
}
