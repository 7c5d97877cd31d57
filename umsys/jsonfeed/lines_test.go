package jsonfeed

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"github.com/umli/umli/internal/testlog"
	"github.com/umli/umli/internal/testmetric"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/umsys/feed"
)

// logLines parses zerolog JSON output.
func logLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestLineServerErrorsNameConnectionAndLine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // hang guard
	defer cancel()
	logs := &testlog.Buffer{}
	m, err := feed.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan *feed.Event, 16)
	srv, err := NewLineServer(LineConfig{Source: "json-test", MaxLineBytes: 200, Logger: zerolog.New(logs), Metrics: m},
		func(e *feed.Event) error { events <- e; return nil })
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()

	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	input := strings.Join([]string{
		`{"event":"deposit","box":"1000@um.example.net"}`, // 1
		`{"event": broken`,                           // 2: invalid JSON
		`{"pad":"` + strings.Repeat("x", 300) + `"}`, // 3: too long
		``,        // 4: blank, skipped
		`[1,2,3]`, // 5: not an object
		"{\"event\":\"logout\",\"n\":[1,{\"a\":2}]}\r", // 6: CRLF line
	}, "\n") + "\n" + `{"event":"cut` // 7: connection drops mid-line
	for i := 0; i < len(input); i += 7 { // arbitrary TCP chunks
		if _, err := c.Write([]byte(input[i:min(i+7, len(input))])); err != nil {
			t.Fatal(err)
		}
	}
	local := c.LocalAddr().String()
	c.Close()

	var got []*feed.Event
	for len(got) < 2 {
		select {
		case e := <-events:
			got = append(got, e)
		case <-ctx.Done():
			t.Fatalf("got %d events", len(got))
		}
	}
	if got[0].Value("event") != "deposit" || string(got[0].Raw) != `{"event":"deposit","box":"1000@um.example.net"}` {
		t.Errorf("event 1: %q %q", got[0].Headers, got[0].Raw)
	}
	if got[1].Value("event") != "logout" || got[1].Value("n.0") != "1" || got[1].Value("n.1.a") != "2" || got[1].Dialect != feed.JSON {
		t.Errorf("event 6: %q", got[1].Headers)
	}
	// Wait for the connection to be fully processed (the cut line is the last log).
	want := map[float64]string{2: "invalid character", 3: "longer than 200 bytes", 5: "not a JSON object", 7: "unexpected EOF"}
	for {
		if strings.Count(logs.String(), "line skipped") >= len(want) {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("logs: %s", logs.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	for _, l := range logLines(t, logs.String()) {
		msg, _ := l["error"].(string)
		if msg == "" {
			continue
		}
		found := false
		for n, w := range want {
			if strings.Contains(msg, fmt.Sprintf("connection %s line %d: ", local, int(n))) && strings.Contains(msg, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("unexpected error log %q", msg)
		}
	}
	if n := testmetric.Counter(m.FrameErrors.WithLabelValues("json", "json-test", "json")); n != 3 {
		t.Errorf("json errors %v, want 3", n)
	}
	if n := testmetric.Counter(m.PartialFrames.WithLabelValues("json", "json-test")); n != 1 {
		t.Errorf("partial frames %v, want 1", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
