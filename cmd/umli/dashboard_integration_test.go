package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// TestGrafanaDashboardMetrics runs a real `umli run` (Redis, a LEMF, records on stdin),
// scrapes its /metrics and checks deploy/grafana-umli.json against what it exported:
// every query of every panel names at least one metric, and every metric it names is
// one umli exports (histogram series as exposed: _bucket, _sum, _count).
func TestGrafanaDashboardMetrics(t *testing.T) {
	exported := scrapeNames(t)
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "grafana-umli.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dash any
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("deploy/grafana-umli.json: %v", err)
	}
	exprs := collectExprs(dash)
	if len(exprs) < 8 {
		t.Fatalf("dashboard has %d queries; want the panels OPERATIONS.md describes", len(exprs))
	}
	for _, e := range exprs {
		names := promqlMetrics(e)
		if len(names) == 0 {
			t.Errorf("query %q names no metric", e)
		}
		for _, n := range names {
			if !exported[n] {
				t.Errorf("query %q: umli exports no metric %q", e, n)
			}
		}
	}
}

// scrapeNames starts umli, feeds records until the LEMF has PDUs, and returns the metric
// names on /metrics.
func scrapeNames(t *testing.T) map[string]bool {
	t.Helper()
	r := startRig(t, buildUMLI(t))
	metricsAddr := freeAddr(t)
	cfgPath := r.config(t, "dash-1", "OP-DASH", fmt.Sprintf(`metrics: {listen: "%s"}
sessions: {idleTimeout: 1s, sweepInterval: 100ms}
audit: {file: "%s"}
warrants:
  - {liid: DASH-A, destination: lea, scope: iri+cc, start: 2020-01-01T00:00:00Z, targets: [{e164: "+491701234567"}]}
`, metricsAddr, filepath.Join(r.dir, "audit.jsonl")))
	p := startUMLI(t, r.bin, cfgPath)
	if n := writeRecords(p.stdin, 2, 40, 0, nil); n != 40 {
		t.Fatalf("wrote %d of 40 records\n%s", n, p.stderr.String())
	}
	// One record of nobody under warrant, so the drop counter has a sample.
	other := record.Record{Identities: []record.Identity{{Kind: record.IdentityE164, Value: "+15550000000"}}, Source: "um-dash",
		CorrelationKey: "other", Boundary: record.Continue, Time: time.Unix(1_800_000_000, 0).UTC(),
		MessagingIRI: &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser}}
	if err := json.NewEncoder(p.stdin).Encode(&other); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.lm.WaitPDUs(ctx, 20, 20); err != nil {
		t.Fatalf("%v\n%s", err, p.stderr.String())
	}
	// Idle sessions close (iRI-End), so the idle-close counter has a sample too.
	waitUntil(t, "idle sessions closed and the non-target dropped", func() bool {
		m := httpGet(t, "http://"+metricsAddr+"/metrics")
		return strings.Contains(m, "\numli_mediation_idle_closed_total 2") && strings.Contains(m, "umli_mediation_records_dropped_total{")
	})
	names := map[string]bool{}
	for _, line := range strings.Split(httpGet(t, "http://"+metricsAddr+"/metrics"), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if i := strings.IndexAny(line, "{ "); i > 0 {
			names[line[:i]] = true
		}
	}
	var list []string
	for n := range names {
		list = append(list, n)
	}
	sort.Strings(list)
	t.Logf("umli exported %d metrics: %s", len(list), strings.Join(list, " "))
	return names
}

// collectExprs finds every "expr" (Prometheus targets) and templating "query" string.
func collectExprs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && k == "expr" {
				out = append(out, s)
				continue
			}
			out = append(out, collectExprs(val)...)
		}
	case []any:
		for _, val := range x {
			out = append(out, collectExprs(val)...)
		}
	}
	return out
}

var (
	promStrings  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`)
	promMatchers = regexp.MustCompile(`\{[^}]*\}`)
	promRanges   = regexp.MustCompile(`\[[^\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promNumbers  = regexp.MustCompile(`\b\d+(\.\d+)?([eE][+-]?\d+)?\b`)
	promVars     = regexp.MustCompile(`\$\{?[A-Za-z_][A-Za-z0-9_]*\}?`)
	promIdent    = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*(\s*\()?`)
	promKeywords = map[string]bool{"and": true, "or": true, "unless": true, "bool": true, "offset": true,
		"by": true, "without": true, "on": true, "ignoring": true, "group_left": true, "group_right": true, "inf": true, "nan": true}
)

// promqlMetrics returns the metric names a PromQL expression selects: identifiers
// left after removing strings, label matchers, ranges, grouping clauses, dashboard
// variables, function calls and keywords.
func promqlMetrics(expr string) []string {
	e := promStrings.ReplaceAllString(expr, " ")
	e = promMatchers.ReplaceAllString(e, " ")
	e = promRanges.ReplaceAllString(e, " ")
	e = promGrouping.ReplaceAllString(e, " ")
	e = promVars.ReplaceAllString(e, " ")
	e = promNumbers.ReplaceAllString(e, " ")
	var out []string
	for _, m := range promIdent.FindAllString(e, -1) {
		if strings.HasSuffix(m, "(") || promKeywords[strings.ToLower(m)] {
			continue // a function call or an operator
		}
		out = append(out, m)
	}
	return out
}

// TestPromqlMetrics: the expression parser the dashboard test relies on finds exactly the
// metric names.
func TestPromqlMetrics(t *testing.T) {
	for _, tt := range []struct {
		expr string
		want string
	}{
		{`sum by (instance) (rate(umli_mediation_records_total{instance=~"$instance"}[$__rate_interval]))`, "umli_mediation_records_total"},
		{`histogram_quantile(0.99, sum by (le) (rate(umli_mediation_redis_seconds_bucket[5m])))`, "umli_mediation_redis_seconds_bucket"},
		{`a_total / on (instance) group_left b_total > bool 0`, "a_total b_total"},
		{`max(umli_handover_queue_depth) or vector(0)`, "umli_handover_queue_depth"},
		{`label_replace(up, "x", "$1", "job", "(.*)")`, "up"},
		{`process_resident_memory_bytes / 1e9 + go_goroutines * 2.5`, "process_resident_memory_bytes go_goroutines"},
	} {
		if got := strings.Join(promqlMetrics(tt.expr), " "); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.expr, got, tt.want)
		}
	}
}
