package adapter_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/jsonfeed"
)

// testJSONEndToEnd posts the canonical fixture with every Messaging-*-Event value to the
// webhook over real HTTP and checks that the LEMF received every one of them, with
// the inline content (SMS text, e-mail, audio) as complete CC.
func testJSONEndToEnd(t *testing.T) {
	sys := startE2E(t)
	ad, err := adapter.New(adapter.Config{Logger: sys.log, Registry: sys.reg}, sys.med)
	if err != nil {
		t.Fatal(err)
	}
	wh, err := jsonfeed.NewWebhook(jsonfeed.WebhookConfig{Token: "s3cret", Source: "json-um-1", Logger: sys.log}, ad.Handler(sys.ctx))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wh)
	defer srv.Close()

	lines := bytes.Split(bytes.TrimSpace(mustReadFile(t, "../translate/testdata/json/all-events.jsonl")), []byte("\n"))
	body := append([]byte("["), bytes.Join(lines, []byte(","))...)
	body = append(body, ']')
	req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer s3cret")
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook answered %s", resp.Status)
	}

	ctx, cancel := context.WithTimeout(sys.ctx, 60*time.Second)
	defer cancel()
	// IRI (HI2) and CC (HI3) arrive on separate streams: wait for both.
	wantTypes := []string{"audio/wav", "text/plain;charset=utf-8", "message/rfc822"}
	seen := map[string]bool{}
	types := map[string]bool{}
	for {
		var events, incomplete int
		clear(seen)
		clear(types)
		for _, l := range sys.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				events += len(c.Events)
				for _, e := range c.Events {
					seen[e.Category] = true
				}
				for _, cc := range c.Content {
					types[cc.ContentType] = true
					if !cc.Complete {
						incomplete++
					}
				}
			}
		}
		haveTypes := true
		for _, ct := range wantTypes {
			haveTypes = haveTypes && types[ct]
		}
		if events >= len(lines) && incomplete == 0 && haveTypes {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("LEMF has %d of %d events, %d incomplete contents, content types %v", events, len(lines), incomplete, types)
		case <-time.After(50 * time.Millisecond):
		}
	}
	for _, name := range allEvents() {
		if !seen[name] {
			t.Errorf("LEMF never received %s", name)
		}
	}
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// allEvents names every Messaging-*-Event value as the LEMF summary writes categories.
func allEvents() []string {
	var names []string
	for v := etsi.EventDeposit; v <= etsi.EventContact; v++ {
		names = append(names, "message:"+v.String())
	}
	for v := etsi.BoxUnknown; v <= etsi.BoxHeaderPlayDisable; v++ {
		names = append(names, "message-box:"+v.String())
	}
	for v := etsi.NotificationSMS; v <= etsi.NotificationGeneric; v++ {
		names = append(names, "message-notification:"+v.String())
	}
	names = append(names, "call:"+etsi.CallCallout.String())
	return slices.DeleteFunc(names, func(s string) bool { return strings.HasSuffix(s, ")") })
}
