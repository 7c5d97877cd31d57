package siprec

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/sdpinfo"
	"github.com/umli/umli/rtpcapture/sipcall"
)

// Endpoint is the recording endpoint. Serve it on one or more transports, then Close.
type Endpoint struct {
	cfg    Config
	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	caches map[string]*sipgo.DialogServerCache // by transport
	calls  map[string]*call                    // by dialog ID
	ready  map[string]chan struct{}            // closed once a call's session exists
}

// New builds an endpoint. sipgo's own logging is discarded: it would write SIP
// messages, and with them target identities, into logs.
func New(cfg Config) (*Endpoint, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	quiet := slog.New(slog.DiscardHandler)
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("umli-srs"),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(quiet)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(quiet)))
	if err != nil {
		return nil, fmt.Errorf("siprec: user agent: %w", err)
	}
	srv, err := sipgo.NewServer(ua, sipgo.WithServerLogger(quiet))
	if err != nil {
		return nil, fmt.Errorf("siprec: server: %w", err)
	}
	client, err := sipgo.NewClient(ua, sipgo.WithClientLogger(quiet))
	if err != nil {
		return nil, fmt.Errorf("siprec: client: %w", err)
	}
	e := &Endpoint{cfg: cfg, ua: ua, srv: srv, client: client,
		caches: map[string]*sipgo.DialogServerCache{}, calls: map[string]*call{}, ready: map[string]chan struct{}{}}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	srv.OnInvite(e.onInvite)
	srv.OnAck(e.onAck)
	srv.OnBye(e.onBye)
	srv.OnCancel(func(req *sip.Request, tx sip.ServerTransaction) {
		// A CANCEL matching a pending INVITE is answered by the transaction layer.
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
	})
	srv.OnUpdate(e.onUpdate)
	srv.OnOptions(func(req *sip.Request, tx sip.ServerTransaction) {
		respond(tx, req, sip.StatusOK, "OK")
	})
	return e, nil
}

// ServeUDP serves SIP on a bound UDP socket until ctx ends or Close.
func (e *Endpoint) ServeUDP(ctx context.Context, conn net.PacketConn) error {
	e.addTransport("udp", conn.LocalAddr())
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	return e.served(ctx, e.srv.ServeUDP(conn))
}

// ServeTCP serves SIP on a TCP listener until ctx ends or Close.
func (e *Endpoint) ServeTCP(ctx context.Context, l net.Listener) error {
	e.addTransport("tcp", l.Addr())
	stop := context.AfterFunc(ctx, func() { _ = l.Close() })
	defer stop()
	return e.served(ctx, e.srv.ServeTCP(l))
}

// ServeTLS serves SIP over TLS on a TCP listener.
func (e *Endpoint) ServeTLS(ctx context.Context, l net.Listener, conf *tls.Config) error {
	e.addTransport("tls", l.Addr())
	tl := tls.NewListener(l, conf)
	stop := context.AfterFunc(ctx, func() { _ = tl.Close() })
	defer stop()
	return e.served(ctx, e.srv.ServeTLS(tl))
}

// ListenAndServe binds addr on network ("udp" or "tcp") and serves it.
func (e *Endpoint) ListenAndServe(ctx context.Context, network, addr string) error {
	switch network {
	case "udp":
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			return fmt.Errorf("siprec: listen %s %s: %w", network, addr, err)
		}
		return e.ServeUDP(ctx, c)
	case "tcp":
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("siprec: listen %s %s: %w", network, addr, err)
		}
		return e.ServeTCP(ctx, l)
	default:
		return fmt.Errorf("siprec: network %q: want udp or tcp", network)
	}
}

func (e *Endpoint) served(ctx context.Context, err error) error {
	if ctx.Err() != nil || e.ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("siprec: serve: %w", err)
	}
	return nil
}

// Close ends every call (BYE, final chunks) and releases the SIP stack.
func (e *Endpoint) Close() error {
	e.cancel()
	e.wg.Wait()
	return errors.Join(e.srv.Close(), e.client.Close(), e.ua.Close())
}

func (e *Endpoint) addTransport(transport string, addr net.Addr) {
	host, port := e.cfg.MediaAddr.String(), 0
	if ta, ok := addr.(*net.TCPAddr); ok {
		port = ta.Port
		if !ta.IP.IsUnspecified() {
			host = ta.IP.String()
		}
	} else if ua, ok := addr.(*net.UDPAddr); ok {
		port = ua.Port
		if !ua.IP.IsUnspecified() {
			host = ua.IP.String()
		}
	}
	contact := sip.ContactHeader{Address: sip.Uri{Scheme: "sip", User: "umli", Host: host, Port: port}}
	if transport != "udp" {
		contact.Address.UriParams = sip.NewParams()
		contact.Address.UriParams.Add("transport", transport)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.caches[transport] = sipgo.NewDialogServerCache(e.client, contact)
}

func (e *Endpoint) cacheFor(req *sip.Request) *sipgo.DialogServerCache {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.caches[strings.ToLower(req.Transport())]
}

func respond(tx sip.ServerTransaction, req *sip.Request, code int, reason string, headers ...sip.Header) {
	res := sip.NewResponseFromRequest(req, code, reason, nil)
	for _, h := range headers {
		res.AppendHeader(h)
	}
	_ = tx.Respond(res)
}

// warning carries the reason of a refusal to the SRC (RFC 3261 20.43).
func warning(err error) sip.Header {
	text := strings.NewReplacer(`"`, "'", "\r", " ", "\n", " ").Replace(err.Error())
	if len(text) > 200 {
		text = text[:200]
	}
	return sip.NewHeader("Warning", `399 umli "`+text+`"`)
}

// parseOffer reads the SDP (and rs-metadata) of a request.
func parseOffer(req *sip.Request) (*sdpinfo.Description, *sdpinfo.Metadata, error) {
	ct := "application/sdp"
	if h := req.ContentType(); h != nil {
		ct = h.Value()
	}
	body, err := sdpinfo.SplitBody(ct, req.Body())
	if err != nil {
		return nil, nil, err
	}
	if body.SDP == nil {
		return nil, nil, errors.New("no SDP offer")
	}
	offer, err := sdpinfo.ParseSDP(body.SDP)
	if err != nil {
		return nil, nil, err
	}
	var md *sdpinfo.Metadata
	if body.Metadata != nil {
		if md, err = sdpinfo.ParseMetadata(body.Metadata); err != nil {
			return nil, nil, err
		}
	}
	return offer, md, nil
}

// sessionTimer reads RFC 4028 Session-Expires (compact form x); 0 means none.
func sessionTimer(req *sip.Request) (time.Duration, sip.Header) {
	h := req.GetHeader("Session-Expires")
	if h == nil {
		h = req.GetHeader("x")
	}
	if h == nil {
		return 0, nil
	}
	v, _, _ := strings.Cut(h.Value(), ";")
	secs, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || secs <= 0 {
		return 0, nil
	}
	secs = max(secs, 90) // RFC 4028 Min-SE floor
	return time.Duration(secs) * time.Second, sip.NewHeader("Session-Expires", strconv.Itoa(secs)+";refresher=uac")
}

func (e *Endpoint) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	if to := req.To(); to != nil {
		if tag, ok := to.Params.Get("tag"); ok && tag != "" {
			e.onReInvite(req, tx)
			return
		}
	}
	log := e.cfg.Log
	cache := e.cacheFor(req)
	if cache == nil {
		respond(tx, req, sip.StatusInternalServerError, "Server Internal Error")
		return
	}
	dlg, err := cache.ReadInvite(req, tx)
	if err != nil {
		respond(tx, req, sip.StatusBadRequest, "Bad Request", warning(err))
		return
	}
	offer, md, err := parseOffer(req)
	if err != nil {
		log.Warn().Err(err).Str("from_addr", req.Source()).Msg("refusing recording offer")
		_ = dlg.Respond(488, "Not Acceptable Here", nil, warning(err))
		_ = dlg.Close()
		return
	}
	e.mu.Lock()
	busy := len(e.calls) >= e.cfg.MaxCalls
	e.mu.Unlock()
	if busy {
		_ = dlg.Respond(sip.StatusBusyHere, "Busy Here", nil)
		_ = dlg.Close()
		return
	}
	plan := sipcall.Info(req, md).Classify(e.cfg.Pilots)
	c := &call{e: e, dlg: dlg, key: plan.CorrelationKey, md: md, streams: map[int]*stream{},
		refresh: make(chan time.Duration, 1), end: make(chan string, 1)}
	answer, fresh, err := c.prepare(offer)
	if err != nil {
		log.Error().Err(err).Msg("no media ports for recording offer")
		_ = dlg.Respond(sip.StatusServiceUnavailable, "Service Unavailable", nil, warning(err))
		_ = dlg.Close()
		return
	}
	closeFresh := func() {
		for _, s := range fresh {
			_ = s.conn.Close()
		}
	}
	expires, seHeader := sessionTimer(req)
	headers := []sip.Header{sip.NewHeader("Content-Type", "application/sdp")}
	if seHeader != nil {
		headers = append(headers, seHeader, sip.NewHeader("Require", "timer"))
	}
	ready := make(chan struct{})
	e.mu.Lock()
	e.calls[dlg.ID] = c
	e.ready[dlg.ID] = ready
	e.mu.Unlock()
	unregister := func() {
		e.mu.Lock()
		delete(e.calls, dlg.ID)
		delete(e.ready, dlg.ID)
		e.mu.Unlock()
	}
	// Respond returns once the ACK came; a CANCEL or a missing ACK makes it fail.
	if err := dlg.Respond(sip.StatusOK, "OK", answer, headers...); err != nil {
		log.Info().Err(err).Str("correlation", c.key).Msg("recording offer not completed")
		closeFresh()
		unregister()
		_ = dlg.Close()
		return
	}
	sess, err := rtpcapture.NewSession(e.ctx, rtpcapture.SessionConfig{
		Source: e.cfg.Source, CorrelationKey: plan.CorrelationKey, Parties: plan.Parties, Sink: e.cfg.Sink,
		DTMF: e.cfg.DTMF, Connect: e.cfg.Connect, Chunk: e.cfg.Chunk, Window: e.cfg.Window,
		Metrics: e.cfg.Metrics, Log: e.cfg.Log,
	}, time.Now())
	if err != nil {
		log.Error().Err(err).Str("correlation", c.key).Msg("cannot record session")
		closeFresh()
		unregister()
		bctx, cancel := context.WithTimeout(e.ctx, flushTimeout)
		_ = dlg.Bye(bctx)
		cancel()
		_ = dlg.Close()
		return
	}
	c.sess = sess
	c.start(e.ctx, fresh)
	close(ready)
	log.Info().Str("correlation", c.key).Int("streams", len(fresh)).Stringer("media_from", sourceOf(offer)).
		Bool("metadata", md != nil).Msg("recording session started")
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer unregister()
		c.run(e.ctx, expires)
	}()
}

// lookup finds an established call of an in-dialog request.
func (e *Endpoint) lookup(req *sip.Request) (*call, bool, error) {
	id, err := sip.DialogIDFromRequestUAS(req)
	if err != nil {
		return nil, false, err
	}
	e.mu.Lock()
	c, ready := e.calls[id], e.ready[id]
	e.mu.Unlock()
	if c == nil {
		return nil, false, errors.New("no such dialog")
	}
	select {
	case <-ready:
		return c, true, nil
	default:
		return c, false, nil
	}
}

func (e *Endpoint) onReInvite(req *sip.Request, tx sip.ServerTransaction) {
	c, ready, err := e.lookup(req)
	if err != nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
		return
	}
	if !ready {
		respond(tx, req, 491, "Request Pending")
		return
	}
	c.mu.Lock()
	offer := c.offer
	c.mu.Unlock()
	if len(req.Body()) > 0 {
		o, md, err := parseOffer(req)
		if err != nil {
			// The session goes on with the previous offer (RFC 3264 8).
			respond(tx, req, 488, "Not Acceptable Here", warning(err))
			return
		}
		offer = o
		if md != nil {
			c.mu.Lock()
			c.md = md
			c.mu.Unlock()
		}
	}
	answer, fresh, err := c.prepare(offer)
	if err != nil {
		respond(tx, req, sip.StatusServiceUnavailable, "Service Unavailable", warning(err))
		return
	}
	res := sip.NewResponseFromRequest(req, sip.StatusOK, "OK", answer)
	res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	res.AppendHeader(c.dlg.InviteResponse.Contact())
	expires, se := sessionTimer(req)
	if se != nil {
		res.AppendHeader(se)
	}
	if err := tx.Respond(res); err != nil {
		for _, s := range fresh {
			_ = s.conn.Close()
		}
		return
	}
	c.start(e.ctx, fresh)
	c.refreshed(expires)
}

func (c *call) refreshed(d time.Duration) {
	select {
	case c.refresh <- d:
	default:
	}
}

func (e *Endpoint) onUpdate(req *sip.Request, tx sip.ServerTransaction) {
	c, _, err := e.lookup(req)
	if err != nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
		return
	}
	expires, se := sessionTimer(req)
	var hs []sip.Header
	if se != nil {
		hs = append(hs, se)
	}
	respond(tx, req, sip.StatusOK, "OK", hs...)
	c.refreshed(expires)
}

func (e *Endpoint) onAck(req *sip.Request, tx sip.ServerTransaction) {
	if cache := e.cacheFor(req); cache != nil {
		// ACKs of re-INVITEs match no pending wait; that is fine.
		_ = cache.ReadAck(req, tx)
	}
}

func (e *Endpoint) onBye(req *sip.Request, tx sip.ServerTransaction) {
	cache := e.cacheFor(req)
	if cache == nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
		return
	}
	if err := cache.ReadBye(req, tx); err != nil {
		respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist")
	}
}
