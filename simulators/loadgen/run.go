package loadgen

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// KindStats counts one kind's sessions.
type KindStats struct {
	// Offered sessions were due; Sent completed; Errors failed (or found no room).
	Offered, Sent, Errors int64
	// TargetSent and NonTargetSent split Sent.
	TargetSent, NonTargetSent int64
	// Events counts the events of sent sessions (UM JSON events; one call or mail each).
	Events int64
	// FirstErr is the text of the kind's first error.
	FirstErr string `json:",omitempty"`
}

// Stats is what a run offered and sent.
type Stats struct {
	Kinds map[Kind]*KindStats
	// Elapsed is the time sessions were being started; Finished includes waiting for
	// the sessions in flight.
	Elapsed, Finished time.Duration
}

// counters is the live, concurrently updated form of Stats.
type counters struct {
	offered, sent, errors, target, nonTarget, events atomic.Int64
	mu                                               sync.Mutex
	firstErr                                         string
}

func (c *counters) fail(err error) {
	c.errors.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.firstErr == "" {
		c.firstErr = err.Error()
	}
}

// driver runs one session of a kind; events is what it sent when it succeeds.
type driver interface {
	session(ctx context.Context, i int, target bool) (events int, err error)
	close()
}

// Run starts sessions at cfg.Rate for cfg.Duration (or until ctx ends), split by
// cfg.Mix, waits for the sessions in flight and returns the counts. Errors of single
// sessions are counted, not returned; an error is returned for a bad config or when a
// kind cannot start at all.
func Run(ctx context.Context, cfg Config) (Stats, error) {
	if err := cfg.check(); err != nil {
		return Stats{}, err
	}
	drivers := map[Kind]driver{}
	defer func() {
		for _, d := range drivers {
			d.close()
		}
	}()
	for _, k := range Kinds() {
		if cfg.Mix[k] <= 0 {
			continue
		}
		d, err := newDriver(ctx, k, &cfg)
		if err != nil {
			return Stats{}, err
		}
		drivers[k] = d
	}
	cs := map[Kind]*counters{}
	for k := range drivers {
		cs[k] = &counters{}
	}
	start := time.Now()
	progressDone := make(chan struct{})
	stopProgress := make(chan struct{})
	go func() {
		defer close(progressDone)
		progress(cfg.Progress, cs, start, stopProgress)
	}()

	sched := newSchedule(cfg.Mix, cfg.NonTarget)
	slots := make(chan struct{}, cfg.MaxInFlight)
	var wg sync.WaitGroup
	t := time.NewTicker(time.Millisecond)
	end := start.Add(cfg.Duration)
	started := 0
	for now := start; now.Before(end) && ctx.Err() == nil; now = time.Now() {
		due := int(cfg.Rate * now.Sub(start).Seconds())
		for ; started < due; started++ {
			k, i, target := sched.next()
			c := cs[k]
			c.offered.Add(1)
			select {
			case slots <- struct{}{}:
			default:
				c.fail(fmt.Errorf("overload: %d sessions in flight", cfg.MaxInFlight))
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-slots }()
				n, err := drivers[k].session(ctx, i, target)
				if err != nil {
					c.fail(err)
					cfg.Log.Debug().Str("kind", string(k)).Err(err).Msg("load session failed")
					return
				}
				c.sent.Add(1)
				c.events.Add(int64(n))
				if target {
					c.target.Add(1)
				} else {
					c.nonTarget.Add(1)
				}
			}()
		}
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	t.Stop()
	st := Stats{Kinds: map[Kind]*KindStats{}, Elapsed: time.Since(start)}
	wg.Wait()
	close(stopProgress)
	<-progressDone
	st.Finished = time.Since(start)
	for k, c := range cs {
		st.Kinds[k] = &KindStats{Offered: c.offered.Load(), Sent: c.sent.Load(), Errors: c.errors.Load(),
			TargetSent: c.target.Load(), NonTargetSent: c.nonTarget.Load(), Events: c.events.Load(), FirstErr: c.firstErr}
	}
	return st, nil
}

// progress writes one line per second until stop closes, and a last one then.
func progress(w io.Writer, cs map[Kind]*counters, start time.Time, stop <-chan struct{}) {
	if w == nil {
		<-stop
		return
	}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	line := func() {
		var offered, sent, errs int64
		var per []string
		for _, k := range Kinds() {
			c, ok := cs[k]
			if !ok {
				continue
			}
			o, s, e := c.offered.Load(), c.sent.Load(), c.errors.Load()
			offered, sent, errs = offered+o, sent+s, errs+e
			per = append(per, fmt.Sprintf("%s %d/%d/%d", k, o, s, e))
		}
		fmt.Fprintf(w, "load: offered %d sent %d errors %d elapsed %.1fs (offered/sent/errors: %s)\n",
			offered, sent, errs, time.Since(start).Seconds(), strings.Join(per, ", "))
	}
	for {
		select {
		case <-t.C:
			line()
		case <-stop:
			line()
			return
		}
	}
}

// schedule picks each next session's kind (smooth weighted round robin, so the mix
// holds over any short window) and whether it concerns a target.
type schedule struct {
	kinds     []Kind
	weight    []float64
	credit    []float64
	total     float64
	n         map[Kind]int
	nonTarget float64
}

func newSchedule(m Mix, nonTarget float64) *schedule {
	s := &schedule{n: map[Kind]int{}, nonTarget: nonTarget}
	for _, k := range Kinds() {
		if m[k] > 0 {
			s.kinds = append(s.kinds, k)
			s.weight = append(s.weight, m[k])
			s.total += m[k]
		}
	}
	s.credit = make([]float64, len(s.kinds))
	return s
}

// next returns the kind, its per-kind session number and whether it is a target's.
// Session i of a kind is a non-target's when floor((i+1)·share) steps up: the share
// holds exactly over every kind's count.
func (s *schedule) next() (Kind, int, bool) {
	best := 0
	for j := range s.kinds {
		s.credit[j] += s.weight[j]
		if s.credit[j] > s.credit[best] {
			best = j
		}
	}
	s.credit[best] -= s.total
	k := s.kinds[best]
	i := s.n[k]
	s.n[k]++
	nt := math.Floor(float64(i+1)*s.nonTarget+1e-9) > math.Floor(float64(i)*s.nonTarget+1e-9)
	return k, i, !nt
}

func newDriver(ctx context.Context, k Kind, cfg *Config) (driver, error) {
	switch k {
	case UM:
		return newUMDriver(ctx, cfg)
	case SIP:
		return &sipDriver{cfg: cfg}, nil
	case IMAP:
		return &imapDriver{cfg: cfg}, nil
	case Mail:
		return &mailDriver{cfg: cfg}, nil
	}
	return nil, fmt.Errorf("loadgen: unknown kind %v", k)
}
