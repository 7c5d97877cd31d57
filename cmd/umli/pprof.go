package main

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/httpguard"
	"github.com/umli/umli/internal/pipeline"
)

// pprofWriteTimeout leaves room for /debug/pprof/profile?seconds=N and trace with N up to
// a minute: the response is written only when the sampling ends.
const pprofWriteTimeout = 75 * time.Second

// startPprof serves net/http/pprof on addr, which must bind the loopback interface only:
// profiles and goroutine dumps show the process's memory layout and are for an operator
// on the host, never the network. The listener is bounded like umli's other HTTP
// listeners (httpguard timeouts, netaccept back-off and metrics). It returns the bound
// address; stop closes the listener.
func startPprof(addr string, reg *prometheus.Registry, log zerolog.Logger) (bound net.Addr, stop func(), err error) {
	if err := checkPprofAddr(addr); err != nil {
		return nil, nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("--pprof listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	lim := httpguard.Defaults()
	lim.WriteTimeout = pprofWriteTimeout
	srv := httpguard.Server(mux, lim, nil)
	pln := pipeline.AcceptWrap(ln, "pprof", reg, log)
	go func() { _ = srv.Serve(pln) }()
	log.Info().Str("listen", ln.Addr().String()).Msg("pprof on /debug/pprof/")
	return ln.Addr(), func() { _ = srv.Close() }, nil
}

// checkPprofAddr accepts a host:port whose host is a loopback address or localhost.
func checkPprofAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--pprof %q: want host:port", addr)
	}
	if a, perr := netip.ParseAddr(host); host != "localhost" && (perr != nil || !a.IsLoopback()) {
		return fmt.Errorf("--pprof %q: listen on a loopback address (127.0.0.1, ::1 or localhost): profiles are not for the network", addr)
	}
	return nil
}
