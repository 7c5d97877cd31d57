package jsonfeed

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/adapter"
)

// redisSink queues each record's event key on a real Redis list: a durable sink the
// adapter can fail to reach (unlike an unreadable event, worth a retry).
type redisSink struct{ rdb *redis.Client }

func (s redisSink) Submit(ctx context.Context, r *record.Record) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.rdb.RPush(ctx, "records", r.Source).Err(); err != nil {
		return fmt.Errorf("queue record: %w", err)
	}
	return nil
}

// TestWebhookInvalidEventIs422: an event the adapter refuses as unreadable is answered
// 422 (no Retry-After) while the valid events of the same batch are still taken; a sink
// outage is still 503 so the sender retries.
func TestWebhookInvalidEventIs422(t *testing.T) {
	rs := testredis.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr, MaxRetries: -1})
	defer rdb.Close()
	ad, err := adapter.New(adapter.Config{Logger: zerolog.Nop()}, redisSink{rdb})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	wh, err := NewWebhook(WebhookConfig{Token: "tok", Source: "hook", Logger: zerolog.Nop()}, ad.Handler(ctx))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wh)
	defer srv.Close()

	valid := `{"time":1714558531,"category":"message-box","event":"connect","status":"operation-succeeded","trigger":"user","box":"1000@example.net","originating":{"e164":"+15550001000"},"session":"s-1"}`
	bad := `{"time":"not a time","category":"no-such-category","event":"connect","box":"1000@example.net"}`
	tests := []struct {
		name, body string
		code       int
		answer     string
		records    int64 // list length afterwards
	}{
		{"valid", valid, http.StatusOK, "{\"accepted\":1}\n", 1},
		{"invalid alone", bad, http.StatusUnprocessableEntity, "{\"accepted\":0,\"invalid\":[0]}\n", 1},
		{"invalid amid valid", "[" + valid + "," + bad + "," + valid + "," + bad + "]", http.StatusUnprocessableEntity, "{\"accepted\":2,\"invalid\":[1,3]}\n", 3},
	}
	for _, tt := range tests {
		resp, body := post(t, srv.URL, "tok", "application/json", tt.body)
		if resp.StatusCode != tt.code || body != tt.answer {
			t.Errorf("%s: %d %q, want %d %q", tt.name, resp.StatusCode, body, tt.code, tt.answer)
		}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			t.Errorf("%s: Retry-After %q on a non-retryable answer", tt.name, ra)
		}
		if n := rdb.LLen(ctx, "records").Val(); n != tt.records {
			t.Errorf("%s: %d records queued, want %d", tt.name, n, tt.records)
		}
	}

	// The sink is down: the valid event is retryable, so 503 wins over 422.
	rs.Stop()
	resp, _ := post(t, srv.URL, "tok", "application/json", "["+bad+","+valid+"]")
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("sink down: status %d retry-after %q, want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
