package x1

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation/secret"
	"github.com/umli/umli/mediation/warrant"
)

// WatchOptions are the optional parts of NewWatcher.
type WatchOptions struct {
	// Poll is how often the version counter is read when no notification arrives
	// (default and maximum 500ms, so a lost publish delays a change by under a second).
	Poll time.Duration
	// Redactor, when set, learns every target identity before warrants carrying it
	// reach mediation, so that no log line can show it.
	Redactor *secret.Redactor
}

// Watcher follows the store and hands the current warrant set to a callback whenever
// it changes. Each umli instance runs one.
type Watcher struct {
	store *Store
	log   zerolog.Logger
	opt   WatchOptions

	mu      sync.Mutex
	version int64
	current []*warrant.Warrant
	dests   []*Destination
	loaded  bool
}

// NewWatcher returns a watcher over store.
func NewWatcher(store *Store, log zerolog.Logger, opt WatchOptions) *Watcher {
	if opt.Poll <= 0 || opt.Poll > 500*time.Millisecond {
		opt.Poll = 500 * time.Millisecond
	}
	return &Watcher{store: store, log: log, opt: opt, version: -1}
}

// Current returns the warrants and destinations of the last load and its version.
func (w *Watcher) Current() ([]*warrant.Warrant, []*Destination, int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.current, w.dests, w.version
}

// Load reads the store once and, when its version differs from the last load, returns
// changed=true with the new warrant set.
func (w *Watcher) Load(ctx context.Context) (ws []*warrant.Warrant, changed bool, err error) {
	v, err := w.store.Version(ctx)
	if err != nil {
		return nil, false, err
	}
	w.mu.Lock()
	same := w.loaded && v == w.version
	w.mu.Unlock()
	if same {
		return nil, false, nil
	}
	snap, err := w.store.Snapshot(ctx)
	if err != nil {
		return nil, false, err
	}
	ws = Warrants(snap.Tasks, snap.Destinations)
	if w.opt.Redactor != nil {
		for _, t := range snap.Tasks {
			for _, tg := range t.Targets {
				w.opt.Redactor.Add(tg.Value)
			}
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.loaded && snap.Version <= w.version {
		return nil, false, nil
	}
	w.version, w.current, w.dests, w.loaded = snap.Version, ws, snap.Destinations, true
	return ws, true, nil
}

// Run calls apply with the warrant set at start and after every change until ctx ends.
// An apply error is logged once for that version (mediation's SetWarrants applies the
// warrants it can and reports the rest, which retrying would not change). Redis errors
// are logged and retried at the next poll; Run returns only ctx's error.
func (w *Watcher) Run(ctx context.Context, apply func(ws []*warrant.Warrant, version int64) error) error {
	sub := w.store.rdb.Subscribe(ctx, w.store.Channel())
	defer sub.Close()
	notes := sub.Channel()
	tick := time.NewTicker(w.opt.Poll)
	defer tick.Stop()
	for {
		ws, changed, err := w.Load(ctx)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				w.log.Warn().Err(err).Msg("x1 watcher: reading task store")
			}
		case changed:
			_, _, v := w.Current()
			if err := apply(ws, v); err != nil {
				w.log.Error().Err(err).Int64("version", v).Msg("x1 watcher: warrant set applied in part")
			} else {
				w.log.Info().Int64("version", v).Int("warrants", len(ws)).Msg("x1 watcher: warrant set applied")
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-notes:
		case <-tick.C:
		}
	}
}

// Table builds a warrant.Table from a warrant set, for callers that swap tables.
func Table(ws []*warrant.Warrant) (*warrant.Table, error) {
	t, err := warrant.NewTable(ws)
	if err != nil {
		return nil, fmt.Errorf("x1: warrant table: %w", err)
	}
	return t, nil
}
