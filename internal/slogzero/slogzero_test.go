package slogzero

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/umli/umli/internal/testlog"
)

func lines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if l == "" {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestRoutesAndRedacts(t *testing.T) {
	tests := []struct {
		name string
		min  slog.Level
		log  func(l *slog.Logger)
		want []map[string]any
	}{
		{"warn kept with safe keys", slog.LevelWarn, func(l *slog.Logger) {
			l.With("caller", "Transport<UDP>").Warn("UDP ref went negative on try close", "src", "127.0.0.1:5060", "ref", -1)
		}, []map[string]any{{"level": "warn", "message": "UDP ref went negative on try close", "caller": "Transport<UDP>", "src": "127.0.0.1:5060", "ref": "-1"}}},
		{"identities redacted", slog.LevelInfo, func(l *slog.Logger) {
			l.Info("Unhandled sip request", "msg", "INVITE sip:+4917011111@carrier.example", "caller", "transactionLayer")
		}, []map[string]any{{"level": "info", "message": "Unhandled sip request", "caller": "transactionLayer", "redacted": 1.0}}},
		{"grouped attributes redacted", slog.LevelInfo, func(l *slog.Logger) {
			l.WithGroup("sip").Error("parse", "ip", "sip:2000@um.example")
		}, []map[string]any{{"level": "error", "message": "parse", "redacted": 1.0}}},
		{"below min dropped", slog.LevelWarn, func(l *slog.Logger) {
			l.Info("chatty")
			l.Debug("chattier")
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf testlog.Buffer
			tc.log(New(zerolog.New(&buf), tc.min, nil))
			got := lines(t, buf.String())
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if len(got[i]) != len(tc.want[i]) {
					t.Errorf("line %d: %v, want %v", i, got[i], tc.want[i])
				}
				for k, v := range tc.want[i] {
					if got[i][k] != v {
						t.Errorf("line %d: %s = %v, want %v", i, k, got[i][k], v)
					}
				}
			}
			if strings.Contains(buf.String(), "4917011111") || strings.Contains(buf.String(), "2000@") {
				t.Errorf("identity leaked: %s", buf.String())
			}
		})
	}
}

func TestZerologLevelGates(t *testing.T) {
	var buf testlog.Buffer
	l := New(zerolog.New(&buf).Level(zerolog.ErrorLevel), slog.LevelDebug, nil)
	l.Warn("not at error")
	l.Error("at error")
	if got := lines(t, buf.String()); len(got) != 1 || got[0]["message"] != "at error" {
		t.Fatalf("got %v", got)
	}
}
