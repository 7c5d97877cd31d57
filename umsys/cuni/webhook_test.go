package cuni

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/jsonfeed"
)

// TestWebhookCUNI: the JSON webhook's receiver serving CUNI XML over a real socket:
// Basic auth with the token, 2xx only once the handler took every event, 503 while it
// cannot, 4xx for bodies that cannot be read, 413 beyond the size limit.
func TestWebhookCUNI(t *testing.T) {
	var mu sync.Mutex
	var got []*feed.Event
	fail := false
	h := func(e *feed.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if fail {
			return errors.New("queue not durable")
		}
		got = append(got, e)
		return nil
	}
	wh, err := jsonfeed.NewWebhook(jsonfeed.WebhookConfig{
		Token: "s3cret", Source: "cuc",
		Parse:      func(b []byte) ([]*feed.Event, error) { return Events(b, "cuc", time.Now()) },
		MediaTypes: []string{"text/xml", "application/xml"}, Dialect: feed.CUNI, Basic: true,
	}, h)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wh)
	defer srv.Close()
	post := func(body, ct, user, pw string) int {
		req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", ct)
		if pw != "" {
			req.SetBasicAuth(user, pw)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	big := "<messageEvent>" + strings.Repeat("<a/>", (10<<20)/4) + "</messageEvent>"
	tests := []struct {
		name, body, ct, pw string
		fail               bool
		want, taken        int
	}{
		{"accepted", sample + sample, "text/xml; charset=utf-8", "s3cret", false, 200, 2},
		{"wrong password", sample, "text/xml", "nope", false, 401, 0},
		{"no credentials", sample, "text/xml", "", false, 401, 0},
		{"json", `{"a":1}`, "application/json", "s3cret", false, 415, 0},
		{"doctype", `<!DOCTYPE x [<!ENTITY a "b">]>` + sample, "text/xml", "s3cret", false, 400, 0},
		{"malformed", sample[:40], "text/xml", "s3cret", false, 400, 0},
		{"10 MB", big, "text/xml", "s3cret", false, 413, 0},
		{"not durable", sample, "text/xml", "s3cret", true, 503, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			got, fail = nil, tt.fail
			mu.Unlock()
			if code := post(tt.body, tt.ct, "umli", tt.pw); code != tt.want {
				t.Fatalf("status %d, want %d", code, tt.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != tt.taken {
				t.Fatalf("handler took %d events, want %d", len(got), tt.taken)
			}
			for _, e := range got {
				if e.Dialect != feed.CUNI || !bytes.HasPrefix(e.Raw, []byte("<messageEvent")) {
					t.Errorf("event %s raw %q", e.Dialect, e.Raw)
				}
			}
		})
	}
}
