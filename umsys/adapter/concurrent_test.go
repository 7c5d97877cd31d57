package adapter_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/feed"
)

// collectSink keeps every submitted record.
type collectSink struct {
	mu  sync.Mutex
	got []record.Record
}

func (s *collectSink) Submit(_ context.Context, r *record.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, *r)
	return nil
}

// TestJSONTranslatedInParallel: canonical JSON events handed in from several
// connections at once (no per-dialect lock for the stateless JSON translator) each give
// their record; events without a session still get keys of their own, and each
// connection's session events keep their order.
func TestJSONTranslatedInParallel(t *testing.T) {
	sink := &collectSink{}
	a, err := adapter.New(adapter.Config{}, sink)
	if err != nil {
		t.Fatal(err)
	}
	const conns, per = 8, 200
	var wg sync.WaitGroup
	for c := range conns {
		wg.Go(func() {
			for i := range per {
				raw := fmt.Sprintf(`{"box":"b%d@um.example","event":"delete","status":"operation-succeeded","trigger":"user","time":"2026-12-04T21:00:00Z"}`, c)
				if i%2 == 1 { // half of them in one session per connection, in order
					raw = fmt.Sprintf(`{"session":"s%d","box":"b%d@um.example","event":"delete","status":"operation-succeeded","trigger":"user","time":"2026-12-04T21:00:%02d.%03dZ"}`, c, c, i/60, i%60)
				}
				if err := a.Handle(context.Background(), &feed.Event{Dialect: feed.JSON, Source: "um-1", Raw: []byte(raw)}); err != nil {
					t.Errorf("conn %d event %d: %v", c, i, err)
				}
			}
		})
	}
	wg.Wait()
	if len(sink.got) != conns*per {
		t.Fatalf("%d records, want %d", len(sink.got), conns*per)
	}
	keys := map[string]int{}
	last := map[string]string{}
	for _, r := range sink.got {
		keys[r.CorrelationKey]++
		if k := r.CorrelationKey; len(k) > 0 && k[0] == 's' {
			at := r.Time.Format("15:04:05.000")
			if at < last[k] {
				t.Errorf("session %s: record at %s after one at %s", k, at, last[k])
			}
			last[k] = at
		}
	}
	standalone := 0
	for k, n := range keys {
		if len(k) > 0 && k[0] == 's' {
			if n != per/2 {
				t.Errorf("session %s: %d records, want %d", k, n, per/2)
			}
			continue
		}
		standalone++
		if n != 1 {
			t.Errorf("key %q shared by %d standalone records", k, n)
		}
	}
	if standalone != conns*per/2 {
		t.Errorf("%d standalone keys, want %d", standalone, conns*per/2)
	}
}
