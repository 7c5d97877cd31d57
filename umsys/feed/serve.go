package feed

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/umsys/feed/wire"
)

// Frames is the read loop of one framed dialect session (ami, esl) after its
// handshake: the frames that arrived with the handshake first, then every frame
// read, until the connection, the framing or the dialect's handler ends it.
type Frames[F any] struct {
	// Name prefixes errors and logs ("ami"); Addr is the peer in errors.
	Name, Addr string
	// Dialect and Source label the counters in Metrics.
	Dialect Dialect
	Source  string
	Metrics *Metrics
	Logger  zerolog.Logger
	// Reader is the handshake's reader: its Pending frames and Err come first.
	Reader *wire.Reader[F]
	// Held says how many bytes of a cut frame the framer holds.
	Held func() int
	// Unit names a frame in the log of a cut one ("packet", "frame").
	Unit string
	// IdleTimeout, if set, bounds each read, so a peer gone without a FIN is noticed.
	IdleTimeout time.Duration
	// Ended, if set, reports a reason of the dialect's own that cut the session
	// short (ami: a Pong came too late); it is asked when a read fails.
	Ended func() error
}

// Deliver counts ev and hands it to h; a refusal is counted and logged (offset
// is where the frame began), not retried: these feeds have no acknowledgement to
// withhold.
func (s Frames[F]) Deliver(h Handler, ev *Event, offset int64) {
	s.Metrics.Events.WithLabelValues(string(s.Dialect), s.Source).Inc()
	if err := h(ev); err != nil {
		s.Metrics.HandlerErrors.WithLabelValues(string(s.Dialect), s.Source).Inc()
		s.Logger.Error().Err(err).Int64("offset", offset).Msg(s.Name + ": handler refused event")
	}
}

// Serve hands each frame to handle until the session ends and says why; it
// closes the connection when ctx ends and before it returns. An error
// from handle ends the session and is returned as is (esl: the disconnect notice);
// a framing error is counted and wrapped; a read error is ctx's error once ctx is
// done, and otherwise wrapped after any cut frame is counted and logged.
func (s Frames[F]) Serve(ctx context.Context, handle func(*F) error) error {
	r := s.Reader
	defer r.Conn.Close()
	stop := context.AfterFunc(ctx, func() { r.Conn.Close() })
	defer stop()
	dialect := string(s.Dialect)
	var stopped error
	emit := func(f *F) error {
		if err := handle(f); err != nil {
			stopped = err
			return err
		}
		return nil
	}
	framing := func(err error) error {
		if stopped != nil {
			return stopped
		}
		s.Metrics.FrameErrors.WithLabelValues(dialect, s.Source, "framing").Inc()
		return fmt.Errorf("%s: %s: %w", s.Name, s.Addr, err)
	}
	for _, f := range r.Pending {
		if err := emit(f); err != nil {
			return err
		}
	}
	r.Pending = nil
	if r.Err != nil {
		return framing(r.Err)
	}
	for {
		if s.IdleTimeout > 0 {
			if err := r.Conn.SetReadDeadline(time.Now().Add(s.IdleTimeout)); err != nil {
				return fmt.Errorf("%s: %s: %w", s.Name, s.Addr, err)
			}
		}
		n, err := r.Conn.Read(r.Buf)
		if n > 0 {
			if werr := r.Write(r.Buf[:n], emit); werr != nil {
				return framing(werr)
			}
		}
		if err != nil {
			if s.Ended != nil {
				if cause := s.Ended(); cause != nil {
					return fmt.Errorf("%s: %s: %w", s.Name, s.Addr, cause)
				}
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if p := s.Held(); p > 0 {
				s.Metrics.PartialFrames.WithLabelValues(dialect, s.Source).Inc()
				s.Logger.Warn().Int("bytes", p).Msg(s.Name + ": connection dropped mid-" + s.Unit + "; partial " + s.Unit + " discarded")
			}
			return fmt.Errorf("%s: %s: read: %w", s.Name, s.Addr, err)
		}
	}
}
