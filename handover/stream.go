package handover

import (
	"context"
	"crypto/tls"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/backoff"
)

// stream is one (destination, HI): its durable queue and, while this instance holds the
// lease, its sender.
type stream struct {
	h    *Handover
	dest *Destination
	hi   HI
	tls  *tls.Config
	keys keys
	log  zerolog.Logger
	met  streamMetrics
	dk   *dataKeys // nil: entries in clear

	enqueued, sent, resent, reconnects, kaTimeouts, droppedAge, droppedBytes, depth atomic.Int64
	leaseHeld, connected                                                            atomic.Bool
	// answered: the LEMF answered a keep-alive on some connection of this stream, so an
	// unanswered opening keep-alive later means it stopped reading (session.keepAlive).
	answered atomic.Bool
}

// streamMetrics are the collectors bound to this stream's labels.
type streamMetrics struct {
	enqueued, sent, resent, reconnects, kaTimeouts, droppedAge, droppedBytes prometheus.Counter
	shredded                                                                 prometheus.Counter
	unreadable                                                               *prometheus.CounterVec // by reason
	depth                                                                    prometheus.Gauge
	queueWait                                                                prometheus.Observer
}

func newStream(h *Handover, d *Destination, hi HI, tc *tls.Config) *stream {
	l := prometheus.Labels{"destination": d.Name, "hi": hi.String()}
	m := h.met
	s := &stream{
		h: h, dest: d, hi: hi, tls: tc,
		keys: streamKeys(h.cfg.KeyPrefix, d.Name, hi),
		log:  h.log.With().Str("destination", d.Name).Str("hi", hi.String()).Logger(),
		met: streamMetrics{
			enqueued:     m.enqueued.With(l),
			sent:         m.sent.With(l),
			resent:       m.resent.With(l),
			reconnects:   m.reconnects.With(l),
			kaTimeouts:   m.kaTimeouts.With(l),
			droppedAge:   m.dropped.With(prometheus.Labels{"destination": d.Name, "hi": hi.String(), "reason": ReasonMaxAge}),
			droppedBytes: m.dropped.With(prometheus.Labels{"destination": d.Name, "hi": hi.String(), "reason": ReasonMaxBytes}),
			depth:        m.depth.With(l),
			shredded:     m.shredded.With(l),
			unreadable:   m.unreadable.MustCurryWith(l),
			queueWait:    m.queueWait.With(l),
		},
	}
	if h.cfg.Keyring != nil {
		s.dk = newDataKeys(s)
	}
	return s
}

func (s *stream) snapshot() StreamStats {
	return StreamStats{
		Destination: s.dest.Name, HI: s.hi,
		Enqueued: s.enqueued.Load(), Sent: s.sent.Load(), Resent: s.resent.Load(),
		Reconnects: s.reconnects.Load(), KeepAliveTimeouts: s.kaTimeouts.Load(),
		DroppedMaxAge: s.droppedAge.Load(), DroppedMaxBytes: s.droppedBytes.Load(),
		Depth: s.depth.Load(), LeaseHeld: s.leaseHeld.Load(), Connected: s.connected.Load(),
	}
}

// run competes for the stream's lease until ctx ends and sends while holding it.
func (s *stream) run(ctx context.Context) {
	bo := backoff.New(s.dest.Backoff)
	wait := backoff.New(backoff.Policy{Min: s.h.cfg.LeaseTTL / 3, Max: s.h.cfg.LeaseTTL / 3, Jitter: 0.2})
	for ctx.Err() == nil {
		held, err := s.acquire(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn().Err(err).Msg("cannot reach redis to take the stream lease; retrying")
			}
			backoff.Sleep(ctx, bo.Next())
			continue
		}
		bo.Reset()
		if !held {
			backoff.Sleep(ctx, wait.Next())
			continue
		}
		s.holdLease(ctx)
	}
}

// holdLease sends, purges and renews the lease until the lease is lost or ctx ends.
func (s *stream) holdLease(ctx context.Context) {
	s.leaseHeld.Store(true)
	s.log.Info().Str("instance", s.h.owner).Msg("took stream lease; sending")
	lctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { s.keepLease(lctx, cancel) })
	wg.Go(func() { s.purgeLoop(lctx) })
	s.deliver(lctx)
	cancel()
	wg.Wait()
	s.leaseHeld.Store(false)
	s.depth.Store(0)
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer rcancel()
	if err := s.release(rctx); err != nil {
		s.log.Warn().Err(err).Msg("release stream lease; it expires by itself")
	}
}
