package feed

import (
	"context"
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
	// Backoff bounds the waits between sessions.
	Backoff Backoff
	Logger  zerolog.Logger
	Metrics *Metrics
	// OnReady, if set, is called each time a session is up.
	OnReady func()
}

// Run keeps dialling until ctx ends, handing each session's events to h.
func (r Redial) Run(ctx context.Context, dial func(context.Context) (Server, error), h Handler) {
	log := r.Logger.With().Str("source", r.Source).Str("addr", r.Addr).Logger()
	Reconnect(ctx, r.Backoff, func(ctx context.Context, attempt int) (bool, error) {
		if attempt > 0 {
			r.Metrics.Reconnects.WithLabelValues(string(r.Dialect), r.Source).Inc()
		}
		conn, err := dial(ctx)
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
