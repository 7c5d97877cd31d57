package main

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
)

// TestPprofServesOnLoopbackOnly: --pprof serves the profile index on a loopback address
// (IPv4, IPv6 or localhost) and refuses any address that reaches the network.
func TestPprofServesOnLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		bound, stop, err := startPprof(addr, prometheus.NewRegistry(), zerolog.Nop())
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		resp, err := http.Get("http://" + bound.String() + "/debug/pprof/")
		if err != nil {
			stop()
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		stop()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
			t.Fatalf("%s: %s %q", addr, resp.Status, body)
		}
	}
	if err := checkPprofAddr("[::1]:6060"); err != nil {
		t.Errorf("[::1]: %v", err)
	}
	for _, addr := range []string{":6060", "0.0.0.0:6060", "[::]:6060", "192.0.2.1:6060", "example.org:6060", "6060"} {
		if _, _, err := startPprof(addr, prometheus.NewRegistry(), zerolog.Nop()); err == nil {
			t.Errorf("%s: served", addr)
		}
	}
}
