package pipeline

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/httpguard"
	"github.com/umli/umli/internal/slogzero"
	"github.com/umli/umli/internal/tlsauth"
	"github.com/umli/umli/internal/tlsconf"
	"github.com/umli/umli/mediation/audit"
)

// ingestAudit records ingest authentication in the audit log: the peer certificate's
// subject is the source's identity; nothing of the input is recorded.
type ingestAudit struct {
	al  *audit.Log
	log zerolog.Logger
}

// IngestPeer implements tlsauth.Auditor.
func (a ingestAudit) IngestPeer(listener, peer, subject string, accepted bool, reason string) {
	if a.al == nil {
		return
	}
	d := map[string]string{"listener": listener, "remote": peer}
	actor, result := "ingest:"+listener, "refused"
	if accepted {
		d["subject"] = subject
		result = "accepted"
		if subject != "" {
			actor = subject
		}
	} else {
		d["reason"] = reason
	}
	if _, err := a.al.Append(actor, audit.ActionIngestPeer, d, result); err != nil {
		a.log.Error().Err(err).Str("listener", listener).Msg("audit: ingest peer not recorded")
	}
}

// ingestTLS wraps ln so only peers that completed the TLS handshake (with a client
// certificate chained to t.CA when set) are accepted; t nil leaves ln as it is.
func ingestTLS(ln net.Listener, name string, t *config.TLSFile, al *audit.Log, reg *prometheus.Registry, log zerolog.Logger) (net.Listener, error) {
	if t == nil {
		return ln, nil
	}
	m, err := tlsauth.NewMetrics(reg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	sl := slogzero.New(log, slog.LevelInfo, []string{"listener", "peer", "reason", "subject"})
	tl, err := tlsauth.NewListener(ln, &tlsauth.Config{CertFile: t.Cert, KeyFile: t.Key, ClientCAFile: t.CA},
		tlsauth.Options{Name: name, Metrics: m, Log: sl, Audit: ingestAudit{al, log}})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return tl, nil
}

// countBadToken counts and audits requests the webhook refused for their bearer token
// (401) as tlsauth.ReasonToken.
func countBadToken(h http.Handler, name string, al *audit.Log, reg *prometheus.Registry, log zerolog.Logger) (http.Handler, error) {
	m, err := tlsauth.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	aud := ingestAudit{al, log}
	every := httpguard.NewEvery(10 * time.Second)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if sw.code == http.StatusUnauthorized {
			// Every refusal is counted and audited; the log line is rate-limited.
			m.Refused(name, tlsauth.ReasonToken).Inc()
			if ok, n := every.Allow(); ok {
				log.Warn().Str("listener", name).Str("peer", r.RemoteAddr).Str("reason", tlsauth.ReasonToken).Int("suppressed", n).Msg("ingest peer refused")
			}
			aud.IngestPeer(name, r.RemoteAddr, "", false, tlsauth.ReasonToken)
		}
	}), nil
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection (read deadline, flush).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// amiTLS builds the client TLS for an Asterisk manager (nil t: plaintext).
func amiTLS(t *config.TLSFile) (*tls.Config, error) {
	if t == nil {
		return nil, nil
	}
	return t.Files().Client(tlsconf.TLS12)
}

// warnESLExposed warns when an ESL connection leaves the host: mod_event_socket has no
// TLS, so its password and every event travel in clear (OPERATIONS.md, Securing the ingest).
func warnESLExposed(source, addr string, log zerolog.Logger) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return
	}
	if a, err := netip.ParseAddr(host); host == "localhost" || (err == nil && a.IsLoopback()) {
		return
	}
	log.Warn().Str("source", source).Str("addr", addr).
		Msg("umsys esl: address is not loopback and ESL has no TLS: password and events travel in clear; run umli on the FreeSWITCH host or tunnel (stunnel, WireGuard)")
}
