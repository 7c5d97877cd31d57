package jsonfeed

import (
	"context"
	"errors"
	"fmt"
	"github.com/umli/umli/internal/testlog"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/umsys/feed"
)

// queueHandler puts each event's raw bytes on a real Redis list: the durable queue a
// webhook must reach before it may answer 2xx.
func queueHandler(rdb *redis.Client) feed.Handler {
	return func(e *feed.Event) error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := rdb.RPush(ctx, "events", e.Raw).Err(); err != nil {
			return fmt.Errorf("queue: %w", err)
		}
		return nil
	}
}

func post(t *testing.T, url, token, ctype, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestWebhookAnswers2xxOnlyWhenQueued(t *testing.T) {
	rs := testredis.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr, MaxRetries: -1})
	defer rdb.Close()
	logs := &testlog.Buffer{}
	wh, err := NewWebhook(WebhookConfig{Token: "tok-123", Source: "hook", MaxBodyBytes: 1024, Logger: zerolog.New(logs)}, queueHandler(rdb))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wh)
	defer srv.Close()
	ctx := context.Background()

	batch := `[{"event":"deposit","box":"1000"}, {"event":"logout","box":"1000"}]`
	tests := []struct {
		name, token, ctype, body string
		code                     int
		queued                   int64 // list length afterwards
	}{
		{"no token", "", "application/json", batch, http.StatusUnauthorized, 0},
		{"wrong token", "tok-124", "application/json", batch, http.StatusUnauthorized, 0},
		{"prefix of token", "tok-12", "application/json", batch, http.StatusUnauthorized, 0},
		{"wrong media type", "tok-123", "text/plain", batch, http.StatusUnsupportedMediaType, 0},
		{"invalid json", "tok-123", "application/json", `[{"event":"deposit"}, {"x":]`, http.StatusBadRequest, 0},
		{"scalar body", "tok-123", "application/json", `42`, http.StatusBadRequest, 0},
		{"too large", "tok-123", "application/json", `{"pad":"` + strings.Repeat("x", 2000) + `"}`, http.StatusRequestEntityTooLarge, 0},
		{"batch", "tok-123", "application/json", batch, http.StatusOK, 2},
		{"single object", "tok-123", "", `{"event":"pin-change"}`, http.StatusOK, 3},
	}
	for _, tt := range tests {
		resp, body := post(t, srv.URL, tt.token, tt.ctype, tt.body)
		if resp.StatusCode != tt.code {
			t.Errorf("%s: status %d (%s), want %d", tt.name, resp.StatusCode, body, tt.code)
		}
		if tt.code == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: no WWW-Authenticate", tt.name)
		}
		// 2xx happens-after the RPUSH: the list already holds the events.
		if n := rdb.LLen(ctx, "events").Val(); n != tt.queued {
			t.Errorf("%s: %d queued, want %d", tt.name, n, tt.queued)
		}
	}
	if got := rdb.LIndex(ctx, "events", 1).Val(); got != `{"event":"logout","box":"1000"}` {
		t.Errorf("queued raw %q", got)
	}
	if strings.Contains(logs.String(), "tok-12") {
		t.Error("token logged")
	}

	// The queue is down: 503 with Retry-After, nothing acknowledged.
	rs.Stop()
	resp, _ := post(t, srv.URL, "tok-123", "application/json", batch)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("queue down: status %d retry-after %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// The sender retries once the queue is back and nothing is lost.
	rs.Restart(t)
	resp, _ = post(t, srv.URL, "tok-123", "application/json", batch)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after restart: %d", resp.StatusCode)
	}
	if n := rdb.LLen(ctx, "events").Val(); n != 5 {
		t.Errorf("after retry %d queued, want 5", n)
	}
}

func TestWebhookMethodAndConfig(t *testing.T) {
	if _, err := NewWebhook(WebhookConfig{}, func(*feed.Event) error { return nil }); err == nil {
		t.Error("webhook without token accepted")
	}
	wh, err := NewWebhook(WebhookConfig{Token: "t"}, func(*feed.Event) error { return errors.New("never") })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wh)
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}
