package handover

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"
)

// Handover delivers PDUs for all configured destinations. Enqueue may be called from any
// goroutine, before or while Run runs.
type Handover struct {
	cfg     Config
	rdb     redis.UniversalClient
	log     zerolog.Logger
	met     *metrics
	scripts scripts
	framer  Framer
	owner   string
	streams map[streamName]*stream
	running atomic.Bool
	bufs    sync.Pool // *enqueueBuf
}

type streamName struct {
	dest string
	hi   HI
}

// New validates cfg and prepares one stream per (destination, HI). Metrics go on reg
// (nil: not exported). Nothing is dialled until Run.
func New(cfg Config, rdb redis.UniversalClient, reg *prometheus.Registry, log zerolog.Logger) (*Handover, error) {
	if rdb == nil {
		return nil, fmt.Errorf("%w: nil redis client", ErrConfig)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	met, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	owner := cfg.InstanceID
	if owner == "" {
		owner = defaultInstanceID()
	}
	h := &Handover{
		cfg: cfg, rdb: rdb, log: log.With().Str("component", "handover").Logger(),
		met: met, scripts: newScripts(), framer: newFramer(), owner: owner,
		streams: map[streamName]*stream{},
	}
	for i := range cfg.Destinations {
		d := &cfg.Destinations[i]
		var tc *tls.Config
		if d.TLS != nil {
			if tc, err = d.TLS.load(); err != nil {
				return nil, fmt.Errorf("%w: destination %q: tls: %w", ErrConfig, d.Name, err)
			}
		}
		for _, hi := range []HI{HI2, HI3} {
			if d.addr(hi) == "" {
				continue
			}
			h.streams[streamName{d.Name, hi}] = newStream(h, d, hi, tc)
		}
	}
	return h, nil
}

// Run sends every stream this instance can lease until ctx ends; it returns nil then.
func (h *Handover) Run(ctx context.Context) error {
	if !h.running.CompareAndSwap(false, true) {
		return errors.New("handover: Run called twice")
	}
	defer h.running.Store(false)
	var wg sync.WaitGroup
	for _, s := range h.streams {
		wg.Go(func() { s.run(ctx) })
	}
	wg.Wait()
	return nil
}

// StreamStats is a snapshot of one (destination, HI) stream as seen by this instance.
type StreamStats struct {
	Destination       string
	HI                HI
	Enqueued          int64 // PDUs this instance appended
	Sent              int64 // PDUs this instance wrote for the first time
	Resent            int64 // resend-window PDUs written again after reconnects
	Reconnects        int64
	KeepAliveTimeouts int64
	DroppedMaxAge     int64
	DroppedMaxBytes   int64
	Depth             int64 // undelivered PDUs at the last purge sample (lease holder only)
	LeaseHeld         bool
	Connected         bool
}

// Stats returns one snapshot per stream, ordered by destination then HI.
func (h *Handover) Stats() []StreamStats {
	out := make([]StreamStats, 0, len(h.streams))
	for _, s := range h.streams {
		out = append(out, s.snapshot())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Destination != out[j].Destination {
			return out[i].Destination < out[j].Destination
		}
		return out[i].HI < out[j].HI
	})
	return out
}

func defaultInstanceID() string {
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
