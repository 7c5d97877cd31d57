package esl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/feed/wire"
)

// DefaultEvents returns the non-CUSTOM events the UM inference needs: the
// TUI/application lifecycle, playback and recording, key presses, MWI, and the e-mail
// notification carriers (CHANNEL_DATA/REQUEST_PARAMS dups and GENERAL
// forwarded-voicemail). Each call returns a fresh slice the caller may change.
func DefaultEvents() []string {
	return []string{
		"CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE",
		"PLAYBACK_START", "PLAYBACK_STOP", "RECORD_START", "RECORD_STOP", "DTMF",
		"MESSAGE_WAITING", "CHANNEL_DATA", "REQUEST_PARAMS", "GENERAL",
	}
}

// DefaultSubclasses returns the CUSTOM subclasses subscribed to (a fresh slice).
func DefaultSubclasses() []string { return []string{"vm::maintenance"} }

// Config describes one FreeSWITCH event socket.
type Config struct {
	// Addr is host:port of mod_event_socket (default port 8021).
	Addr string
	// Password is the event_socket password; never logged.
	Password string
	// Source names this platform in events, logs and metrics.
	Source string
	// Events and Subclasses to subscribe to (nil: DefaultEvents, DefaultSubclasses).
	Events, Subclasses []string
	// DialTimeout bounds connect plus the auth/subscribe handshake (default 10 s).
	DialTimeout time.Duration
	// IdleTimeout, if set, drops a session that delivers nothing for that long, so a
	// peer that vanished without a FIN is noticed. Add HEARTBEAT to Events (FreeSWITCH
	// sends one every 20 s by default) and set this to about a minute.
	IdleTimeout time.Duration
	// Limits bound frames read.
	Limits Limits
	// BackoffMin and BackoffMax bound reconnect waits (defaults 200 ms and 30 s).
	BackoffMin, BackoffMax time.Duration
	// Logger receives connection-level logs.
	Logger zerolog.Logger
	// Metrics, if set, counts events and errors (see feed.NewMetrics).
	Metrics *feed.Metrics
	// OnReady, if set, is called each time a session is authenticated and subscribed.
	OnReady func()
}

func (c *Config) validate() error {
	if c.Addr == "" {
		return errors.New("esl: config: Addr is empty")
	}
	if strings.ContainsAny(c.Password, "\r\n") {
		return errors.New("esl: config: Password contains a line break")
	}
	if c.Events == nil {
		c.Events = DefaultEvents()
	}
	if c.Subclasses == nil {
		c.Subclasses = DefaultSubclasses()
	}
	for _, n := range append(append([]string{}, c.Events...), c.Subclasses...) {
		if n == "" || strings.ContainsAny(n, " \t\r\n") {
			return fmt.Errorf("esl: config: bad event name %q", n)
		}
		if n == "CUSTOM" {
			return errors.New("esl: config: list subclasses in Subclasses, not CUSTOM in Events")
		}
	}
	if len(c.Events)+len(c.Subclasses) == 0 {
		return errors.New("esl: config: nothing to subscribe to")
	}
	return feed.Defaults(&c.DialTimeout, &c.BackoffMin, &c.BackoffMax, &c.Metrics)
}

// SubscribeCommand builds the event command. Non-CUSTOM names come first because
// mod_event_socket reads every token after CUSTOM as a subclass name.
func SubscribeCommand(events, subclasses []string) string {
	var b strings.Builder
	b.WriteString("event plain")
	for _, e := range events {
		b.WriteString(" ")
		b.WriteString(e)
	}
	if len(subclasses) > 0 {
		b.WriteString(" CUSTOM")
		for _, s := range subclasses {
			b.WriteString(" ")
			b.WriteString(s)
		}
	}
	b.WriteString("\n\n")
	return b.String()
}

// Client keeps one FreeSWITCH event socket subscribed, reconnecting with backoff;
// Run returns nil when its context is cancelled.
type Client = feed.Client

// NewClient validates cfg; events go to h in wire order.
func NewClient(cfg Config, h feed.Handler) (*Client, error) {
	return feed.NewClient("esl", h, cfg.validate, func() feed.Redial {
		return feed.Redial{Dialect: feed.FreeSWITCH, Source: cfg.Source, Addr: cfg.Addr, Name: "esl", Ready: "subscribed",
			BackoffMin: cfg.BackoffMin, BackoffMax: cfg.BackoffMax, Logger: cfg.Logger, Metrics: cfg.Metrics, OnReady: cfg.OnReady,
			Dial: func(ctx context.Context) (feed.Server, error) { return dial(ctx, &cfg) }}
	})
}

// Conn is one authenticated, subscribed event-socket session.
type Conn struct {
	cfg    *Config
	nc     net.Conn
	stream *Stream
	r      *wire.Reader[Frame]
}

// Dial connects to cfg.Addr, authenticates and subscribes. ErrAuthFailed means the
// password was refused.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return dial(ctx, &cfg)
}

func dial(ctx context.Context, cfg *Config) (*Conn, error) {
	return wire.Dial(ctx, "esl", cfg.Addr, cfg.DialTimeout, nil, func(nc net.Conn) (*Conn, error) {
		st := NewStream(cfg.Limits)
		c := &Conn{cfg: cfg, nc: nc, stream: st, r: wire.NewReader(nc, st.Write)}
		return c, c.handshake()
	})
}

// handshake authenticates and subscribes, within the dial's deadline.
func (c *Conn) handshake() error {
	f, err := c.r.Next()
	if err != nil {
		return fmt.Errorf("waiting for auth/request: %w", err)
	}
	switch f.ContentType {
	case TypeAuthRequest:
	case TypeRudeRejection:
		return fmt.Errorf("server sent rude-rejection: %w", ErrRejected)
	default:
		return fmt.Errorf("greeting has Content-Type %q, want auth/request: %w", clipString(f.ContentType), ErrMalformed)
	}
	if _, err := c.nc.Write([]byte("auth " + c.cfg.Password + "\n\n")); err != nil {
		return fmt.Errorf("sending auth: %w", err)
	}
	f, err = c.nextReply()
	if err != nil {
		return fmt.Errorf("waiting for auth reply: %w", err)
	}
	if !strings.HasPrefix(f.ReplyText, "+OK") {
		return fmt.Errorf("auth reply %q: %w", clipString(f.ReplyText), ErrAuthFailed)
	}
	if _, err := c.nc.Write([]byte(SubscribeCommand(c.cfg.Events, c.cfg.Subclasses))); err != nil {
		return fmt.Errorf("sending event subscription: %w", err)
	}
	f, err = c.nextReply()
	if err != nil {
		return fmt.Errorf("waiting for event reply: %w", err)
	}
	if !strings.HasPrefix(f.ReplyText, "+OK") {
		return fmt.Errorf("event subscription reply %q: %w", clipString(f.ReplyText), ErrRejected)
	}
	return nil
}

// nextReply skips anything but a command/reply (FreeSWITCH sends nothing else before
// the subscription is active, but a disconnect notice ends the session).
func (c *Conn) nextReply() (*Frame, error) {
	for {
		f, err := c.r.Next()
		if err != nil {
			return nil, err
		}
		switch f.ContentType {
		case TypeCommandReply:
			return f, nil
		case TypeDisconnectNotice:
			return nil, ErrDisconnected
		}
	}
}

// Close closes the connection.
func (c *Conn) Close() error { return c.nc.Close() }

// Serve delivers events to h until the connection ends or ctx is cancelled; it
// always closes the connection. A refused event (h error) is logged and counted, not
// retried: ESL has no acknowledgement to withhold.
func (c *Conn) Serve(ctx context.Context, h feed.Handler) error {
	src := c.cfg.Source
	m := c.cfg.Metrics
	log := c.cfg.Logger.With().Str("source", src).Logger()
	dialect := string(feed.FreeSWITCH)
	frames := feed.Frames[Frame]{Name: "esl", Addr: c.cfg.Addr, Dialect: feed.FreeSWITCH, Source: src, Metrics: m, Logger: log,
		Reader: c.r, Held: c.stream.Pending, Unit: "frame", IdleTimeout: c.cfg.IdleTimeout}
	return frames.Serve(ctx, func(f *Frame) error {
		switch f.ContentType {
		case TypeEventPlain:
			ev, err := EventFromFrame(f, src, time.Now())
			if err != nil {
				// Content-Length framing is intact, so only this event is lost.
				m.FrameErrors.WithLabelValues(dialect, src, "event").Inc()
				log.Error().Err(err).Msg("esl: malformed event skipped")
				return nil
			}
			frames.Deliver(h, ev, f.Offset)
		case TypeDisconnectNotice:
			if f.Disposition != "linger" {
				return ErrDisconnected
			}
		case TypeCommandReply, TypeAPIResponse:
			// Replies to commands we did not send after subscribing; nothing to do.
		default:
			m.FrameErrors.WithLabelValues(dialect, src, "content-type").Inc()
			log.Warn().Str("content_type", clipString(f.ContentType)).Int64("offset", f.Offset).Msg("esl: unexpected frame skipped")
		}
		return nil
	})
}
