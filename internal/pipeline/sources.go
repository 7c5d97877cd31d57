package pipeline

import (
	"context"
	"errors"
	"fmt"
	stdlog "log"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/proxy"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/httpguard"
	"github.com/umli/umli/internal/tlsconf"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/passive"
	"github.com/umli/umli/rtpcapture/siprec"
	"github.com/umli/umli/umsys/adapter"
	"github.com/umli/umli/umsys/ami"
	"github.com/umli/umli/umsys/esl"
	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/jsonfeed"
)

// durableKey marks a context whose records must be durable before Submit returns:
// the transport acknowledges upstream (webhook 2xx) once the handler returns.
type durableKey struct{}

// mediationSink is the record.Sink every source gets: Submit (bounded in-memory queue)
// by default, SubmitDurable for contexts marked with durableKey.
type mediationSink struct{ m *mediation.Mediator }

// Submit implements record.Sink.
func (s mediationSink) Submit(ctx context.Context, r *record.Record) error {
	if ctx.Value(durableKey{}) != nil {
		return s.m.SubmitDurable(ctx, r)
	}
	return s.m.Submit(ctx, r)
}

// SubmitRelease implements record.ReleaseSink, so the RTP legs can reuse chunk memory
// once mediation has built the PDUs. A durable submit has read the record once it returns
// nil; on an error release is not called and the memory is simply not reused.
func (s mediationSink) SubmitRelease(ctx context.Context, r *record.Record, release func()) error {
	if ctx.Value(durableKey{}) != nil {
		if err := s.m.SubmitDurable(ctx, r); err != nil {
			return err
		}
		release()
		return nil
	}
	return s.m.SubmitRelease(ctx, r, release)
}

// group runs the sources; the first failure of one cancels the process context
// (through fail) so umli stops loudly rather than running half-blind.
type group struct {
	wg   sync.WaitGroup
	fail context.CancelCauseFunc
	// audit (nil: none) records ingest peers' authentication; reg takes its metrics.
	audit *audit.Log
	reg   *prometheus.Registry
}

// run starts one source; name prefixes its error.
func (g *group) run(ctx context.Context, name string, run func(context.Context) error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		err := run(ctx)
		if err != nil && ctx.Err() == nil && !errors.Is(err, context.Canceled) {
			g.fail(fmt.Errorf("%s: %w", name, err))
		}
	}()
}

// readSecret reads a password or token file; surrounding white space is dropped. The
// value is registered with the redactor so it can never reach the log.
func readSecret(name string, red *secret.Redactor) (string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("read secret: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("secret file %s is empty", name)
	}
	red.Add(s)
	return s, nil
}

// startSources builds and starts every configured source. Listeners are bound here so a
// taken port fails the start, not some later moment.
func startSources(ctx context.Context, g *group, cfg *config.Config, med *mediation.Mediator, wrap func(record.Sink) record.Sink, reg *prometheus.Registry, red *secret.Redactor, log zerolog.Logger) error {
	var sink record.Sink = mediationSink{med}
	if wrap != nil {
		sink = wrap(sink)
	}
	// The UM feed and the RTP capture both report a call's connect (rtp.*.events:
	// connect); one guard in front of mediation delivers it once (TS 102 232-2 8.1).
	umSink := sink
	if cfg.RTP != nil && cfg.UMSys != nil {
		umSink = rtpcapture.NewConnectOnce(sink, 0, 0)
	}
	if u := cfg.UMSys; u != nil {
		if err := startUMSys(ctx, g, cfg, u, umSink, reg, red, log); err != nil {
			return err
		}
	}
	if e := cfg.Email; e != nil {
		if err := startEmail(ctx, g, e, sink, med, reg, log); err != nil {
			return err
		}
	}
	if r := cfg.RTP; r != nil && r.SIPREC != nil {
		if err := startSIPREC(ctx, g, r.SIPREC, umSink, log); err != nil {
			return err
		}
	}
	if r := cfg.RTP; r != nil && r.Passive != nil {
		if err := startPassive(ctx, g, r.Passive, umSink, log); err != nil {
			return err
		}
	}
	return nil
}

// startPassive follows calls to the UM system in copied traffic: a live interface until
// umli stops, or a pcap file read once (its calls end with the file).
func startPassive(ctx context.Context, g *group, p *config.PassiveFile, sink record.Sink, log zerolog.Logger) error {
	capt, err := passive.New(passive.Config{Source: p.Source, Sink: sink, Pilots: p.Pilots, MediaTimeout: p.MediaTimeout,
		MaxCalls: p.MaxCalls, Connect: connectPolicy(p.Events), Log: log})
	if err != nil {
		return fmt.Errorf("rtp passive: %w", err)
	}
	if p.File != "" {
		f, err := os.Open(p.File)
		if err != nil {
			return fmt.Errorf("rtp passive: %w", err)
		}
		g.run(ctx, "rtp passive "+p.File, func(ctx context.Context) error {
			defer f.Close()
			err := capt.ReadPcap(ctx, f)
			st := capt.Stats
			ev := log.Info()
			if err != nil && ctx.Err() == nil {
				// A damaged capture ends this source only: what was read is delivered
				// (ReadPcap ends its calls) and the other sources keep serving.
				ev = log.Error().Err(err)
			}
			ev.Str("file", p.File).Uint64("frames", st.Frames).Uint64("calls", st.Calls).Uint64("rtp", st.RTP).
				Uint64("sip_errors", st.SIPErrors).Msg("rtp: passive capture file read")
			return nil
		})
		return nil
	}
	g.run(ctx, "rtp passive "+p.Interface, func(ctx context.Context) error {
		return passiveLive(ctx, p.Interface, capt, log)
	})
	log.Info().Str("source", p.Source).Str("interface", p.Interface).Msg("rtp: passive capture started")
	return nil
}

func startUMSys(ctx context.Context, g *group, cfg *config.Config, u *config.UMSysFile, sink record.Sink, reg *prometheus.Registry, red *secret.Redactor, log zerolog.Logger) error {
	acfg, err := u.FileConfig.Build(log, reg)
	if err != nil {
		return err
	}
	ad, err := adapter.New(acfg, sink)
	if err != nil {
		return err
	}
	fm, err := feed.NewMetrics(reg)
	if err != nil {
		return err
	}
	g.run(ctx, "umsys adapter", func(ctx context.Context) error {
		err := ad.Run(ctx)
		if acfg.Content != nil {
			acfg.Content.Close()
		}
		return err
	})
	h := ad.Handler(ctx)
	for _, e := range u.ESL {
		pw, err := readSecret(e.PasswordFile, red)
		if err != nil {
			return fmt.Errorf("umsys esl %s: %w", e.Source, err)
		}
		if pw == config.FreeSWITCHDefaultPassword && !cfg.Demo {
			return fmt.Errorf("umsys esl %s: FreeSWITCH's default password is refused outside demo mode", e.Source)
		}
		warnESLExposed(e.Source, e.Addr, log)
		c, err := esl.NewClient(esl.Config{Addr: e.Addr, Password: pw, Source: e.Source, IdleTimeout: e.IdleTimeout, Logger: log, Metrics: fm}, h)
		if err != nil {
			return fmt.Errorf("umsys esl %s: %w", e.Source, err)
		}
		g.run(ctx, "esl "+e.Source, c.Run)
	}
	for _, a := range u.AMI {
		sec, err := readSecret(a.SecretFile, red)
		if err != nil {
			return fmt.Errorf("umsys ami %s: %w", a.Source, err)
		}
		atls, err := amiTLS(a.TLS)
		if err != nil {
			return fmt.Errorf("umsys ami %s: %w", a.Source, err)
		}
		c, err := ami.NewClient(ami.Config{Addr: a.Addr, Username: a.Username, Secret: sec, TLS: atls, Source: a.Source, Logger: log, Metrics: fm}, h)
		if err != nil {
			return fmt.Errorf("umsys ami %s: %w", a.Source, err)
		}
		g.run(ctx, "ami "+a.Source, c.Run)
	}
	for _, l := range u.JSONLines {
		s, err := jsonfeed.NewLineServer(jsonfeed.LineConfig{Source: l.Source, IdleTimeout: l.IdleTimeout, Logger: log, Metrics: fm,
			MaxLineBytes: l.MaxLineBytes, MaxBufferedBytes: l.MaxBufferedBytes, Durable: durableHandler(ctx, ad)}, h)
		if err != nil {
			return fmt.Errorf("umsys jsonLines %s: %w", l.Source, err)
		}
		ln, err := net.Listen("tcp", l.Listen)
		if err != nil {
			return fmt.Errorf("umsys jsonLines %s: %w", l.Source, err)
		}
		ln = AcceptWrap(ln, "jsonLines "+l.Source, reg, log, l.ConnLimitsFile)
		if ln, err = ingestTLS(ln, "jsonLines "+l.Source, l.TLS, g.audit, reg, log); err != nil {
			return fmt.Errorf("umsys %w", err)
		}
		log.Info().Str("source", l.Source).Str("listen", ln.Addr().String()).Msg("umsys: JSON lines listening")
		g.run(ctx, "jsonLines "+l.Source, func(ctx context.Context) error { return s.Serve(ctx, ln) })
	}
	// A webhook answers 2xx once the handler returned: its records must be in the
	// durable handover queue by then, not just in memory.
	durable := context.WithValue(ctx, durableKey{}, true)
	dh := func(e *feed.Event) error { return ad.Handle(durable, e) }
	for _, w := range u.Webhooks {
		if err := startWebhook(ctx, g, w, dh, fm, red, log); err != nil {
			return err
		}
	}
	if err := startCUNI(ctx, g, u.CUNI, dh, fm, red, log); err != nil {
		return err
	}
	return nil
}

func startWebhook(ctx context.Context, g *group, w config.WebhookFile, h feed.Handler, fm *feed.Metrics, red *secret.Redactor, log zerolog.Logger, opts ...func(*jsonfeed.WebhookConfig)) error {
	tok, err := readSecret(w.TokenFile, red)
	if err != nil {
		return fmt.Errorf("umsys webhook %s: %w", w.Source, err)
	}
	wcfg := jsonfeed.WebhookConfig{Token: tok, Source: w.Source, Logger: log, Metrics: fm}
	for _, o := range opts {
		o(&wcfg)
	}
	wh, err := jsonfeed.NewWebhook(wcfg, h)
	if err != nil {
		return fmt.Errorf("umsys webhook %s: %w", w.Source, err)
	}
	mux := http.NewServeMux()
	p := w.Path
	if p == "" {
		p = "/"
	}
	hh, err := countBadToken(wh, "webhook "+w.Source, g.audit, g.reg, log)
	if err != nil {
		return fmt.Errorf("umsys webhook %s: %w", w.Source, err)
	}
	mux.Handle(p, hh)
	// net/http's own complaints (TLS handshakes, bad requests) go through the redacted log.
	errLog := stdlog.New(log.With().Str("component", "webhook-http").Str("source", w.Source).Logger(), "", 0)
	srv := httpguard.Server(mux, HTTPLimits(w.HTTP), errLog)
	ln, err := net.Listen("tcp", w.Listen)
	if err != nil {
		return fmt.Errorf("umsys webhook %s: %w", w.Source, err)
	}
	ln = AcceptWrap(ln, "webhook "+w.Source, g.reg, log, w.ConnLimitsFile) // raw TCP, before TLS
	if ln, err = ingestTLS(ln, "webhook "+w.Source, w.TLS, g.audit, g.reg, log); err != nil {
		return fmt.Errorf("umsys %w", err)
	}
	log.Info().Str("source", w.Source).Str("listen", ln.Addr().String()).Bool("tls", w.TLS != nil).Msg("umsys: webhook listening")
	g.run(ctx, "webhook "+w.Source, func(ctx context.Context) error {
		stop := context.AfterFunc(ctx, func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		})
		defer stop()
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	return nil
}

func startEmail(ctx context.Context, g *group, e *config.EmailFile, sink record.Sink, med *mediation.Mediator, reg *prometheus.Registry, log zerolog.Logger) error {
	ho := email.NewHandoff(sink, email.HandoffConfig{Logger: log, Registerer: reg})
	g.run(ctx, "email handoff", ho.Run)
	pm := proxy.NewMetrics(reg)
	opts := email.Options{Notify: blindNotify(med)}
	for _, x := range e.Proxies {
		popts := opts
		popts.LoginDomain = x.LoginDomain
		pc := proxy.Config{Upstream: x.Upstream, Protocol: proxyProtocol(x), Source: x.Source, ImplicitTLS: x.ImplicitTLS, Emit: ho.Emit, Logger: log,
			Options: popts, Metrics: pm}
		if t := x.TLS; t != nil {
			// cert and key terminate the clients' TLS; ca and serverName verify the
			// upstream server (not the clients: no client certificates here).
			var err error
			if t.Cert != "" {
				if pc.TLS, err = (tlsconf.Files{Cert: t.Cert, Key: t.Key}).Server(tlsconf.TLS12); err != nil {
					return fmt.Errorf("email proxy %s: %w", x.Source, err)
				}
			}
			if t.CA != "" || t.ServerName != "" {
				if pc.UpstreamTLS, err = (tlsconf.Files{CA: t.CA, ServerName: t.ServerName}).Client(tlsconf.TLS12); err != nil {
					return fmt.Errorf("email proxy %s: upstream: %w", x.Source, err)
				}
			}
		}
		p, err := proxy.New(pc)
		if err != nil {
			return fmt.Errorf("email proxy %s: %w", x.Source, err)
		}
		ln, err := net.Listen("tcp", x.Listen)
		if err != nil {
			return fmt.Errorf("email proxy %s: %w", x.Source, err)
		}
		ln = AcceptWrap(ln, "email proxy "+x.Source, reg, log, x.ConnLimitsFile)
		log.Info().Str("source", x.Source).Str("protocol", x.Protocol).Str("listen", ln.Addr().String()).Msg("email: proxy listening")
		g.run(ctx, "email proxy "+x.Source, func(ctx context.Context) error { return p.Serve(ctx, ln) })
	}
	if c := e.Capture; c != nil {
		g.run(ctx, "email capture "+c.Interface, func(ctx context.Context) error {
			return captureLive(ctx, c.Interface, c.Source, ho.EmitNoWait, opts, log)
		})
	}
	return nil
}

// blindNotify hands the tap's blind-session notices to mediation, which audits them
// (for a target when the identities known match a warrant): TLS the tap cannot read,
// and sessions gone unparsable (pipelining overflow; their bytes still go out as raw
// CC, reason "unparsable"). Lost records are audited by mediation as gaps.
func blindNotify(med *mediation.Mediator) email.Notify {
	return func(n email.Notice) {
		switch b, kind := blindOf(n); kind {
		case sessionBlind:
			med.BlindSession(b)
		case sessionMalformed:
			med.MalformedSession(b)
		case sessionNotAudited:
		}
	}
}

// sessionAudit says which session audit a tap Notice goes to.
type sessionAudit int

const (
	sessionNotAudited sessionAudit = iota // audited otherwise: lost records are gaps
	sessionBlind                          // BlindSession
	sessionMalformed                      // MalformedSession: still intercepted past the bad bytes
)

// blindOf maps a tap Notice onto the session audits.
func blindOf(n email.Notice) (mediation.Blind, sessionAudit) {
	reason, kind := n.Reason, sessionBlind
	switch n.Kind {
	case email.NoticeTLSBlind:
	case email.NoticeUnparsable:
		reason = string(email.NoticeUnparsable)
	case email.NoticeMalformed:
		kind = sessionMalformed
	case email.NoticeRecordsLost: // audited as lost records by the delivery audit, not as blind
		return mediation.Blind{}, sessionNotAudited
	default:
		return mediation.Blind{}, sessionNotAudited
	}
	return mediation.Blind{Source: n.Source, Protocol: n.Protocol.String(), Reason: reason, Identities: n.Identities, Time: n.Time}, kind
}

// connectPolicy maps rtp.siprec.events (validated by config) onto the endpoint's policy.
func connectPolicy(events string) rtpcapture.ConnectPolicy {
	switch events {
	case "feed":
		return rtpcapture.ConnectNone
	case "connect+disconnect":
		return rtpcapture.ConnectOpenClose
	}
	return rtpcapture.ConnectOpen
}

func startSIPREC(ctx context.Context, g *group, s *config.SIPRECFile, sink record.Sink, log zerolog.Logger) error {
	refused, err := siprec.NewRefused(g.reg)
	if err != nil {
		return fmt.Errorf("rtp.siprec: %w", err)
	}
	ep, err := siprec.New(siprec.Config{Source: s.Source, Sink: sink, Pilots: s.Pilots, Connect: connectPolicy(s.Events),
		MediaAddr: netip.MustParseAddr(s.MediaAddr), PortMin: s.PortMin, PortMax: s.PortMax,
		MaxStreamsPerOffer: s.MaxStreamsPerOffer, MaxStreams: s.MaxStreams, MaxPendingPerPeer: s.MaxPendingPerPeer,
		Refused: refused, Log: log})
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	if s.TLS != nil {
		// Mutual TLS only: a plaintext transport beside it would reopen the hole.
		ln, err := net.Listen("tcp", s.Listen)
		if err != nil {
			return fmt.Errorf("rtp.siprec: listen %s: %w", s.Listen, err)
		}
		ln = AcceptWrap(ln, "siprec tls "+s.Source, g.reg, log, s.ConnLimitsFile) // raw TCP, before TLS
		if ln, err = ingestTLS(ln, "siprec "+s.Source, s.TLS, g.audit, g.reg, log); err != nil {
			return err
		}
		wg.Add(1)
		g.run(ctx, "siprec tls", func(ctx context.Context) error {
			defer wg.Done()
			return ep.ServeTLSListener(ctx, ln)
		})
		g.run(ctx, "siprec", func(ctx context.Context) error {
			<-ctx.Done()
			wg.Wait()
			return ep.Close()
		})
		log.Info().Str("source", s.Source).Str("listen", s.Listen).Strs("transports", []string{"tls"}).Msg("rtp: SIPREC endpoint listening")
		return nil
	}
	nets := []string{"udp", "tcp"}
	if s.Transport == "udp" || s.Transport == "tcp" {
		nets = []string{s.Transport}
	}
	for _, n := range nets {
		// Bound here, not in the endpoint, so the TCP listener's accept counters and
		// caps are umli's (on /metrics) and a taken address fails the start.
		var serve func(ctx context.Context) error
		if n == "udp" {
			pc, err := net.ListenPacket("udp", s.Listen)
			if err != nil {
				return fmt.Errorf("siprec: listen udp %s: %w", s.Listen, err)
			}
			serve = func(ctx context.Context) error { return ep.ServeUDP(ctx, pc) }
		} else {
			ln, err := net.Listen("tcp", s.Listen)
			if err != nil {
				return fmt.Errorf("siprec: listen tcp %s: %w", s.Listen, err)
			}
			ln = AcceptWrap(ln, "siprec tcp "+s.Source, g.reg, log, s.ConnLimitsFile)
			serve = func(ctx context.Context) error { return ep.ServeTCP(ctx, ln) }
		}
		wg.Add(1)
		g.run(ctx, "siprec "+n, func(ctx context.Context) error {
			defer wg.Done()
			return serve(ctx)
		})
	}
	// Close ends open calls with BYE and flushes their last chunks once serving stopped.
	g.run(ctx, "siprec", func(ctx context.Context) error {
		<-ctx.Done()
		wg.Wait()
		return ep.Close()
	})
	log.Info().Str("source", s.Source).Str("listen", s.Listen).Strs("transports", nets).Msg("rtp: SIPREC endpoint listening")
	return nil
}
