package siprec

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
	"github.com/umli/umli/internal/httpguard"
	"github.com/umli/umli/internal/netaccept"
	"github.com/umli/umli/internal/slogzero"
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
	// closing, under mu, refuses new INVITE handlers once Close has begun: a
	// WaitGroup.Add racing Wait at zero is a race.
	closing bool
	// media counts open RTP sockets against cfg.MaxStreams.
	media atomic.Int64
	// pending counts, by peer IP, INVITEs not yet completed by an ACK (under mu).
	pending map[string]int
	// refusedLog rate-limits the refusal warning.
	refusedLog *httpguard.Every
}

// New builds an endpoint. sipgo logs into cfg.Log (warnings and errors only), through
// slogzero, which drops every attribute that could carry a SIP message and with it
// target identities.
func New(cfg Config) (*Endpoint, error) {
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	quiet := slogzero.New(cfg.Log.With().Str("component", "sipgo").Logger(), slog.LevelWarn, nil)
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
		caches: map[string]*sipgo.DialogServerCache{}, calls: map[string]*call{}, ready: map[string]chan struct{}{},
		pending: map[string]int{}, refusedLog: httpguard.NewEvery(refusedLogEvery)}
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
	l = netaccept.Wrap(l, netaccept.Config{Name: "siprec tcp " + e.cfg.Source, Logger: e.cfg.Log})
	e.addTransport("tcp", l.Addr())
	stop := context.AfterFunc(ctx, func() { _ = l.Close() })
	defer stop()
	return e.served(ctx, e.srv.ServeTCP(l))
}

// ServeTLS serves SIP over TLS on a TCP listener.
func (e *Endpoint) ServeTLS(ctx context.Context, l net.Listener, conf *tls.Config) error {
	l = netaccept.Wrap(l, netaccept.Config{Name: "siprec tls " + e.cfg.Source, Logger: e.cfg.Log}) // raw TCP, before TLS
	return e.ServeTLSListener(ctx, tls.NewListener(l, conf))
}

// ServeTLSListener serves SIP on a listener whose connections already speak TLS, such
// as one that authenticated each peer's certificate before handing it over; wrap its
// raw TCP listener with netaccept first.
func (e *Endpoint) ServeTLSListener(ctx context.Context, tl net.Listener) error {
	e.addTransport("tls", tl.Addr())
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
	e.mu.Lock()
	e.closing = true
	e.mu.Unlock()
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

// refusedLogEvery rate-limits the refusal warning: a flood must not flood the log.
const refusedLogEvery = 10 * time.Second

// holdPending counts an INVITE of peer against cfg.MaxPendingPerPeer; false if the
// peer holds its share already.
func (e *Endpoint) holdPending(peer string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pending[peer] >= e.cfg.MaxPendingPerPeer {
		return false
	}
	e.pending[peer]++
	return true
}

func (e *Endpoint) releasePending(peer string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pending[peer]--; e.pending[peer] <= 0 {
		delete(e.pending, peer)
	}
}

// Pending reports the INVITEs of all peers not yet completed by an ACK.
func (e *Endpoint) Pending() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, v := range e.pending {
		n += v
	}
	return n
}

// refused counts a refused INVITE and logs it at most once per refusedLogEvery, with
// the reason and the count suppressed, never a party or the peer's address.
func (e *Endpoint) refused(req *sip.Request, reason string, err error) {
	e.cfg.Refused.WithLabelValues(e.sourceOf(req), reason).Inc()
	if ok, quiet := e.refusedLog.Allow(); ok {
		ev := e.cfg.Log.Warn().Str("source", e.sourceOf(req)).Str("reason", reason).Int("suppressed", quiet)
		if err != nil {
			ev = ev.Err(err)
		}
		ev.Msg("siprec: recording offer refused")
	}
}

// peerOf is the IP of a request's sender, the key of the pending cap.
func peerOf(req *sip.Request) string {
	src := req.Source()
	if ap, err := netip.ParseAddrPort(src); err == nil {
		return ap.Addr().Unmap().String()
	}
	if h, _, err := net.SplitHostPort(src); err == nil {
		return h
	}
	return src
}

// enter counts an INVITE handler in the endpoint's WaitGroup, so that the goroutines
// it starts are added while the count is above zero; false once Close has begun.
func (e *Endpoint) enter() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return false
	}
	e.wg.Add(1)
	return true
}
