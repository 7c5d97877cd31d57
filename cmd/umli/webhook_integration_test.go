package main

import (
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/pducheck"
)

// TestRunWebhookDurable posts a JSON deposit event (with inline content and a PIN) to a
// webhook of `umli run`, SIGKILLs umli the moment the 2xx arrives and starts it again: the
// 2xx promised the records were durable, so the LEMF must still get the IRI and the CC.
// Requests without the bearer token are refused, and the PIN never reaches the log. A
// JSON-lines feed configured beside it delivers too.
func TestRunWebhookDurable(t *testing.T) {
	r := newRig(t)
	bin, dir, lm := r.bin, r.dir, r.lm
	tokenFile := filepath.Join(dir, "token")
	const token = "tok-9f8e7d6c5b4a"
	writeFile(t, tokenFile, token+"\n")
	hook, lines := freeAddr(t), freeAddr(t)
	cfgPath := r.config(t, "hook-1", "OP-HOOK", fmt.Sprintf(`log: {level: debug}
handover: {keepAlive: 1s, keepAliveTimeout: 2s}
warrants:
  - {liid: HOOK-1, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{boxID: "2000@um.example.net"}]}
umsys:
  systemID: um-hook
  webhooks:
    - {source: hook-um-1, listen: "%s", path: /events, tokenFile: "%s"}
  jsonLines:
    - {source: lines-um-1, listen: "%s"}
`, hook, tokenFile, lines))

	url := "http://" + hook + "/events"
	post := func(auth, body string) (int, error) {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Content-Type", "application/json")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	p1 := startConfig(t, bin, cfgPath)
	log1 := p1.stderr
	waitUntil(t, "webhook listening", func() bool {
		code, err := post("", "{}")
		return err == nil && code == http.StatusUnauthorized
	})
	if code, err := post("Bearer wrong-token", "{}"); err != nil || code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d %v", code, err)
	}
	event := `[{"session": "hook-s1", "box": "2000@um.example.net", "time": "2026-11-23T09:00:00Z", "event": "connect", "status": "operation-succeeded"},
 {"session": "hook-s1", "box": "2000@um.example.net", "time": "2026-11-23T09:00:01Z", "event": "pin-change", "status": "operation-succeeded", "property": {"pincode": "4711"}},
 {"session": "hook-s1", "box": "2000@um.example.net", "time": "2026-11-23T09:00:02Z", "event": "deposit", "status": "operation-succeeded", "content": {"text": "call me back"}}]`
	code, err := post("Bearer "+token, event)
	if err != nil || code/100 != 2 {
		t.Fatalf("POST events: %d %v\n%s", code, err, log1.String())
	}
	// The 2xx says the records are in the durable handover queue: kill at once.
	p1.kill(t)

	p2 := runConfig(t, bin, cfgPath)
	log2 := p2.stderr
	// The JSON-lines feed of the same process takes the same event schema.
	lc, err := net.Dial("tcp", lines)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lc.Write([]byte(`{"session": "line-s1", "box": "2000@um.example.net", "time": "2026-11-23T09:05:00Z", "event": "deposit", "status": "operation-succeeded", "content": {"text": "second"}}` + "\n")); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "both deposits' IRI and CC at the LEMF after the restart", func() bool {
		n := 0
		for _, l := range lm.Summary().LIIDs {
			for _, c := range l.CINs {
				for _, e := range c.Events {
					if e.Category == "message:deposit" && e.EventIdentifier != nil && hasCompleteContent(c, *e.EventIdentifier) {
						n++
					}
				}
			}
		}
		return n >= 2
	})
	lc.Close()
	p2.terminate(t)
	lm.Stop(t)
	got, err := pducheck.ReadLEMF(filepath.Join(dir, "lemf"))
	if err != nil {
		t.Fatal(err)
	}
	if g := got.Gaps(); len(g) > 0 {
		t.Errorf("%d gaps, first %v", len(g), g[:min(5, len(g))])
	}
	nes := map[string]bool{}
	for st := range got.PDUs {
		nes[st.NE] = true
	}
	if !nes["hook-um-1"] || !nes["lines-um-1"] || len(nes) != 2 {
		t.Errorf("LEMF streams from network elements %v, want hook-um-1 and lines-um-1", nes)
	}
	pin := regexp.MustCompile(`(^|[^0-9])4711([^0-9]|$)`)
	for i, l := range []string{log1.String(), log2.String()} {
		for _, bad := range []string{token, "2000@um.example.net"} {
			if strings.Contains(l, bad) {
				t.Errorf("umli run %d logged %q", i+1, bad)
			}
		}
		if m := pin.FindString(l); m != "" {
			t.Errorf("umli run %d logged the PIN: %q", i+1, m)
		}
	}
}
