package faults_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/proof/chain"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/jsonfeed"
)

// TestJSONWebhookGarbage posts valid UM sessions to the JSON webhook over real HTTP,
// each batch followed by a burst of malformed requests (random bytes, truncated and
// deeply nested JSON, wrong types, oversized bodies, a wrong token). Every malformed
// request must get a 4xx answer (never 2xx, never 5xx, never a dropped connection), and
// every valid session must reach the LEMF whole: login … logout under one CIN, no gap.
func TestJSONWebhookGarbage(t *testing.T) {
	r := newRig(t)
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ad, err := adapter.New(adapter.Config{Logger: log}, r.node.Med)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ad.Run(ctx) }()
	wh, err := jsonfeed.NewWebhook(jsonfeed.WebhookConfig{Token: "proof-token", Source: "json-um-1", MaxBodyBytes: 1 << 20, MaxEvents: 100, Logger: log}, ad.Handler(ctx))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: wh, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/"

	sessions := 30
	if long() {
		sessions = 600
	}
	bad := 0
	for s := range sessions {
		status, err := post(url, "proof-token", session(s))
		if err != nil || status != http.StatusOK {
			t.Fatalf("valid session %d: status %d, %v", s, status, err)
		}
		for i, body := range garbage() {
			token := "proof-token"
			if i == 0 {
				token = "wrong"
			}
			status, err := post(url, token, body)
			if err != nil {
				t.Fatalf("malformed request %d: connection failed: %v", i, err)
			}
			if status < 400 || status >= 500 {
				t.Fatalf("malformed request %d (%.40q): status %d, want 4xx", i, body, status)
			}
			bad++
		}
	}
	chain.WaitFor(t, "every session ended at the LEMF", time.Minute, func() bool { return endedCalls(r) >= sessions })
	if err := r.node.Med.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	queued := int(chain.Sum(r.node.Reg, "umli_mediation_pdus_queued_total"))
	chain.WaitFor(t, "every numbered PDU at the LEMF", time.Minute, func() bool { return r.delivered() >= queued })
	r.node.Stop()
	set, err := r.lm.Read()
	if err != nil {
		t.Fatal(err)
	}
	tally, err := chain.Check(set, 3*sessions, sessions)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d valid sessions, %d malformed requests answered 4xx: %v", sessions, bad, tally)
}

// session is one valid UM session of the target's box: login, retrieve, logout.
func session(s int) []byte {
	at := time.Now().Unix()
	ev := func(cat, name string) string {
		return fmt.Sprintf(`{"time":%d,"category":"%s","event":"%s","status":"operation-succeeded","trigger":"user","box":"%s","session":"proof-%d"}`,
			at, cat, name, chain.UMBoxes()[1], s)
	}
	return []byte("[" + strings.Join([]string{ev("message-box", "login"), ev("message", "retrieve"), ev("message-box", "logout")}, ",") + "]")
}

// garbage is one burst of malformed bodies; the first is sent with a wrong token.
func garbage() [][]byte {
	random := make([]byte, 512)
	_, _ = rand.Read(random)
	return [][]byte{
		[]byte(`{"time":1,"category":"message-box","event":"login"}`),
		random,
		[]byte(`[{"time":1714558531,"category":"message-box","event":"lo`),
		[]byte(strings.Repeat("[", 10000)),
		[]byte(`{"time":"yesterday","category":7,"event":null,"box":{"x":1}}`),
		[]byte(`{"time":1714558531,"category":"no-such-category","event":"x","box":"` + chain.UMBoxes()[1] + `","session":"z"}`),
		[]byte("[" + strings.TrimSuffix(strings.Repeat(`{},`, 101), ",") + "]"),
		bytes.Repeat([]byte("x"), 2<<20),
		{},
	}
}

func post(url, token string, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
