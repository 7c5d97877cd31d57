package feed

import (
	"context"
	"errors"
	"time"

	"github.com/rs/zerolog"
)

// Server is a connected, handshaken feed session.
type Server interface {
	// Serve delivers events to h until the session ends; it closes the connection.
	Serve(ctx context.Context, h Handler) error
}

// Redial is what a dialect client (ami, esl) shares: keep one session up,
// counting reconnects, logging each session's end and backing off between tries.
// The dialect supplies only the dial-and-handshake.
type Redial struct {
	// Dialect and Source label metrics and logs; Addr is logged.
	Dialect      Dialect
	Source, Addr string
	// Name prefixes log messages ("ami"); Ready is logged when a session is up.
	Name, Ready string
	// BackoffMin and BackoffMax bound the waits between sessions (jitter 0.5).
	BackoffMin, BackoffMax time.Duration
	Logger                 zerolog.Logger
	Metrics                *Metrics
	// OnReady, if set, is called each time a session is up.
	OnReady func()
	// Dial opens one handshaken session.
	Dial func(context.Context) (Server, error)
}

// Run keeps dialling until ctx ends, handing each session's events to h.
func (r Redial) Run(ctx context.Context, h Handler) {
	log := r.Logger.With().Str("source", r.Source).Str("addr", r.Addr).Logger()
	bo := Backoff{Min: r.BackoffMin, Max: r.BackoffMax, Jitter: 0.5}
	Reconnect(ctx, bo, func(ctx context.Context, attempt int) (bool, error) {
		if attempt > 0 {
			r.Metrics.Reconnects.WithLabelValues(string(r.Dialect), r.Source).Inc()
		}
		conn, err := r.Dial(ctx)
		if err != nil {
			return false, err
		}
		log.Info().Msg(r.Name + ": " + r.Ready)
		if r.OnReady != nil {
			r.OnReady()
		}
		return true, conn.Serve(ctx, h)
	}, func(err error, wait time.Duration) {
		log.Warn().Err(err).Dur("retry_in", wait).Msg(r.Name + ": session ended")
	})
}

// Client keeps one dialect session up with Redial and hands its events to a
// Handler.
type Client struct {
	redial Redial
	h      Handler
}

// NewClient checks h, then has validate check and complete the dialect's
// configuration, from which redial describes the sessions to keep up. name
// prefixes errors ("ami").
func NewClient(name string, h Handler, validate func() error, redial func() Redial) (*Client, error) {
	if h == nil {
		return nil, errors.New(name + ": nil handler")
	}
	if err := validate(); err != nil {
		return nil, err
	}
	return &Client{redial: redial(), h: h}, nil
}

// Run delivers events until ctx ends, reconnecting after every failure. It
// returns nil when ctx is cancelled.
func (c *Client) Run(ctx context.Context) error {
	c.redial.Run(ctx, c.h)
	return nil
}

// Defaults fills what a dialect configuration leaves unset of the settings every
// dialect has: the handshake bound (10 s), the reconnect waits (200 ms up to 30 s,
// and never below the minimum) and unregistered Metrics.
func Defaults(dialTimeout, backoffMin, backoffMax *time.Duration, m **Metrics) error {
	if *dialTimeout <= 0 {
		*dialTimeout = 10 * time.Second
	}
	if *backoffMin <= 0 {
		*backoffMin = 200 * time.Millisecond
	}
	if *backoffMax < *backoffMin {
		*backoffMax = max(30*time.Second, *backoffMin)
	}
	if *m == nil {
		nm, err := NewMetrics(nil)
		if err != nil {
			return err
		}
		*m = nm
	}
	return nil
}
