package ami

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/feed/wire"
)

// DefaultEvents is the Login event mask: MessageWaiting/Hangup/Newchannel (call),
// VoicemailPasswordChange (system and user, both required), Newexten/VarSet
// (dialplan since Asterisk 16), DTMFEnd (dtmf: VoiceMailMain's keys).
const DefaultEvents = "call,system,user,dialplan,dtmf"

// Config describes one Asterisk manager connection.
type Config struct {
	// Addr is host:port of the manager interface (default port 5038).
	Addr string
	// Username and Secret log in; Secret is never logged.
	Username, Secret string
	// Events is the Login Events: value (default DefaultEvents).
	Events string
	// Source names this platform in events, logs and metrics.
	Source string
	// PingInterval is how often an idle-or-not session is pinged (default 20 s);
	// PingTimeout how long a Pong may take before the connection is dropped (default 10 s).
	PingInterval, PingTimeout time.Duration
	// TLS, when set, speaks TLS to the manager (Asterisk tlsenable); its RootCAs and
	// ServerName verify the server certificate.
	TLS *tls.Config
	// DialTimeout bounds connect plus banner and Login (default 10 s).
	DialTimeout time.Duration
	// Limits bound lines and blocks read.
	Limits Limits
	// BackoffMin and BackoffMax bound reconnect waits (defaults 200 ms and 30 s).
	BackoffMin, BackoffMax time.Duration
	// Logger receives connection-level logs.
	Logger zerolog.Logger
	// Metrics, if set, counts events and errors (see feed.NewMetrics).
	Metrics *feed.Metrics
	// OnReady, if set, is called each time a session has logged in.
	OnReady func()
}

func (c *Config) validate() error {
	if c.Addr == "" {
		return errors.New("ami: config: Addr is empty")
	}
	for _, v := range []string{c.Username, c.Secret, c.Events} {
		if strings.ContainsAny(v, "\r\n") {
			return errors.New("ami: config: Username, Secret and Events must not contain line breaks")
		}
	}
	if c.Events == "" {
		c.Events = DefaultEvents
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 20 * time.Second
	}
	if c.PingTimeout <= 0 {
		c.PingTimeout = 10 * time.Second
	}
	return feed.Defaults(&c.DialTimeout, &c.BackoffMin, &c.BackoffMax, &c.Metrics)
}

// Client keeps one AMI session logged in, reconnecting with backoff; Run
// returns nil when its context is cancelled.
type Client = feed.Client

// NewClient validates cfg; events go to h in wire order.
func NewClient(cfg Config, h feed.Handler) (*Client, error) {
	return feed.NewClient("ami", h, cfg.validate, func() feed.Redial {
		return feed.Redial{Dialect: feed.Asterisk, Source: cfg.Source, Addr: cfg.Addr, Name: "ami", Ready: "logged in",
			BackoffMin: cfg.BackoffMin, BackoffMax: cfg.BackoffMax, Logger: cfg.Logger, Metrics: cfg.Metrics, OnReady: cfg.OnReady,
			Dial: func(ctx context.Context) (feed.Server, error) { return dial(ctx, &cfg) }}
	})
}

// Conn is one logged-in manager session.
type Conn struct {
	cfg    *Config
	nc     net.Conn
	stream *Stream
	r      *wire.Reader[Block]
	// Version is the AMI version from the banner, e.g. "11.0.0".
	Version string
	wmu     sync.Mutex
}

// Dial connects, checks the banner and logs in. ErrAuthFailed means the
// credentials were refused.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return dial(ctx, &cfg)
}

func dial(ctx context.Context, cfg *Config) (*Conn, error) {
	return wire.Dial(ctx, "ami", cfg.Addr, cfg.DialTimeout, cfg.TLS, func(nc net.Conn) (*Conn, error) {
		st := NewStream(cfg.Limits, true)
		c := &Conn{cfg: cfg, nc: nc, stream: st, r: wire.NewReader(nc, st.Write)}
		return c, c.login()
	})
}

// login reads the banner and logs in, within the handshake's deadline.
func (c *Conn) login() error {
	b, err := c.r.Next()
	if err != nil {
		return fmt.Errorf("waiting for banner: %w", err)
	}
	banner := b.Headers[0].Value
	const prefix = "Asterisk Call Manager/"
	if b.Kind != KindBanner || !strings.HasPrefix(banner, prefix) {
		return fmt.Errorf("banner %q is not %s<version>: %w", clip(banner), prefix, ErrMalformed)
	}
	c.Version = strings.TrimPrefix(banner, prefix)
	login := "Action: Login\r\nActionID: umli-login\r\nUsername: " + c.cfg.Username + "\r\nSecret: " + c.cfg.Secret + "\r\nEvents: " + c.cfg.Events + "\r\n\r\n"
	if _, err := c.nc.Write([]byte(login)); err != nil {
		return fmt.Errorf("sending Login: %w", err)
	}
	for {
		b, err := c.r.Next()
		if err != nil {
			return fmt.Errorf("waiting for Login response: %w", err)
		}
		if b.Kind != KindResponse {
			continue
		}
		if id := b.Get("ActionID"); id != "" && id != "umli-login" {
			continue
		}
		if !strings.EqualFold(b.Get("Response"), "Success") {
			return fmt.Errorf("login answered %q %q: %w", clip(b.Get("Response")), clip(b.Get("Message")), ErrAuthFailed)
		}
		return nil
	}
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

func (c *Conn) send(s string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.nc.SetWriteDeadline(time.Now().Add(c.cfg.PingTimeout)); err != nil {
		return err
	}
	_, err := c.nc.Write([]byte(s))
	return err
}

const pingPrefix = "umli-ping-"

// Serve delivers Event blocks to h until the connection ends, a Ping goes
// unanswered for PingTimeout, or ctx is cancelled; it always closes the connection.
// Refused events are logged and counted (AMI has no acknowledgement).
func (c *Conn) Serve(ctx context.Context, h feed.Handler) error {
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// A late Pong cancels sctx; closing the connection then ends the read.
	stop := context.AfterFunc(sctx, func() { c.nc.Close() })
	defer stop()
	src := c.cfg.Source
	m := c.cfg.Metrics
	dialect := string(feed.Asterisk)
	log := c.cfg.Logger.With().Str("source", src).Logger()
	pongs := make(chan string, 4)
	go c.keepAlive(sctx, cancel, pongs)

	frames := feed.Frames[Block]{Name: "ami", Addr: c.cfg.Addr, Dialect: feed.Asterisk, Source: src, Metrics: m, Logger: log,
		Reader: c.r, Held: c.stream.Pending, Unit: "packet", Ended: func() error {
			if cause := context.Cause(sctx); cause != nil && errors.Is(cause, ErrPingTimeout) {
				return cause
			}
			return nil
		}}
	return frames.Serve(ctx, func(b *Block) error {
		if b.Err != nil {
			m.FrameErrors.WithLabelValues(dialect, src, "block").Inc()
			log.Error().Err(b.Err).Msg("ami: malformed packet skipped")
			return nil
		}
		switch b.Kind {
		case KindEvent:
			frames.Deliver(h, &feed.Event{Dialect: feed.Asterisk, Source: src, Headers: b.Headers, Raw: b.Raw, Received: time.Now()}, b.Offset)
		case KindResponse:
			if id := b.Get("ActionID"); strings.HasPrefix(id, pingPrefix) {
				select {
				case pongs <- id:
				default:
				}
			}
		case KindOther, KindBanner:
			m.FrameErrors.WithLabelValues(dialect, src, "kind").Inc()
			log.Warn().Int64("offset", b.Offset).Msg("ami: packet without Event or Response skipped")
		}
		return nil
	})
}

// keepAlive pings every PingInterval and cancels the session when a Pong is late.
func (c *Conn) keepAlive(ctx context.Context, cancel context.CancelCauseFunc, pongs <-chan string) {
	t := time.NewTicker(c.cfg.PingInterval)
	defer t.Stop()
	for seq := 1; ; seq++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		id := pingPrefix + strconv.Itoa(seq)
		if err := c.send("Action: Ping\r\nActionID: " + id + "\r\n\r\n"); err != nil {
			cancel(fmt.Errorf("sending Ping: %w", err))
			return
		}
		timeout := time.NewTimer(c.cfg.PingTimeout)
	wait:
		for {
			select {
			case <-ctx.Done():
				timeout.Stop()
				return
			case got := <-pongs:
				if got == id {
					timeout.Stop()
					break wait
				}
			case <-timeout.C:
				cancel(fmt.Errorf("no Pong within %s: %w", c.cfg.PingTimeout, ErrPingTimeout))
				return
			}
		}
	}
}
