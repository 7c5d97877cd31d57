package mediation

import (
	"context"
	"fmt"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/backoff"
	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
	"github.com/umli/umli/mediation/warrant"
)

// Queue is where encoded PDUs go: the durable handover queue (*handover.Handover).
type Queue interface {
	Enqueue(ctx context.Context, dest string, hi handover.HI, pdus ...[]byte) error
}

// Mediator turns records into numbered PS-PDUs for every warrant they match. It is a
// record.Sink; Submit may be called from any goroutine, before and while Run runs.
type Mediator struct {
	cfg   Config
	table atomic.Pointer[warrant.Table]
	store *session.Store
	rdb   redis.UniversalClient
	queue Queue
	log   zerolog.Logger
	met   *metrics
	now   func() time.Time

	seed    maphash.Seed
	shards  []chan *job
	pending atomic.Int64
	done    chan doneEntry
	stopped atomic.Bool
	started atomic.Bool

	// Warrant windows (window.go).
	audit       *audit.Log
	winMu       sync.Mutex
	win         windows
	closedLIIDs atomic.Pointer[map[string]*warrant.Warrant]
	blind       blindAudits // unattributed BlindSession entries (blind.go)

	// At rest (atrest.go): nil without a keyring.
	keys *seal.Keyring
	tok  *liidTokens

	// scratch recycles buildPDU's working memory (*pduScratch).
	scratch sync.Pool
	// templates are the PS-PDU header templates delivery encodes with.
	templates headerTemplates

	// hooks are test seams (nil in production).
	hooks hooks
}

// hooks let tests hold the pipeline at fixed points to force an interleaving.
type hooks struct {
	beforeStep    func(jobs []*job) // in the worker, before a batch of records is numbered
	beforeDeliver func(st *stepped) // in the deliverer, before a numbered batch is queued
	endNumbered   func(liid string) // after a window-close iRI-End got its number
}

var _ record.ReleaseSink = (*Mediator)(nil)

// job is one matched record waiting for its session step.
type job struct {
	r         record.Record
	kind      session.Kind
	ne        string
	liids     []string
	liidBuf   [2]string // liids' first array: most records match one or two warrants
	blob      []byte
	closeBlob []byte
	generic   []byte
	// blobArr holds blob and closeBlob or generic when they fit: the job and its journal
	// blobs are one allocation (they live exactly as long).
	blobArr [384]byte
	// done, when set, is closed once the record's PDUs are in the handover queue (or
	// numbering failed for good: then failed is set first).
	done   chan struct{}
	failed bool
	// ctl, when set, makes this a window-close step instead of a record (window.go).
	ctl *windowStep
	// skip, when set, makes this a gap step (record.Lost): that many numbers of kind are
	// spent for liids and audited; nothing is delivered.
	skip uint32
	// submitted is when Submit queued it (umli_mediation_record_seconds).
	submitted time.Time
	// release, when set, tells the source that r's memory is no longer read (the PDUs
	// are built, or the record is in the journal only); releaseRecord calls it once.
	release func()
}

// releaseRecord hands r's memory back to its source; nothing reads r afterwards.
func (j *job) releaseRecord() {
	if f := j.release; f != nil {
		j.release = nil
		f()
	}
}

type doneEntry struct{ ne, id string }

// Options are the optional parts of New.
type Options struct {
	// Registry receives the metrics; nil keeps them unexported.
	Registry *prometheus.Registry
	// Now is mediation's clock (default time.Now).
	Now func() time.Time
	// Audit, when set, records every warrant window mediation closes.
	Audit *audit.Log
	// Keyring, when set, seals journal and session blobs and turns the LIIDs the session
	// store keeps into tokens (atrest.go). Required outside demo mode (cmd/umli).
	Keyring *seal.Keyring
}

// New builds a Mediator for the loaded configuration. rdb holds the sessions; queue takes
// the encoded PDUs.
func New(cfg Config, rdb redis.UniversalClient, queue Queue, log zerolog.Logger, opt Options) (*Mediator, error) {
	if cfg.Table == nil {
		return nil, fmt.Errorf("mediation: configuration has no warrant table")
	}
	store, err := session.New(rdb, session.Config{Instance: cfg.Instance, IdleTimeout: cfg.IdleTimeout})
	if err != nil {
		return nil, err
	}
	m := &Mediator{
		cfg: cfg, store: store, rdb: rdb, queue: queue,
		log: log.With().Str("component", "mediation").Logger(),
		now: opt.Now, audit: opt.Audit, keys: opt.Keyring,
		seed: maphash.MakeSeed(),
		done: make(chan doneEntry, 4096),
	}
	if m.now == nil {
		m.now = time.Now
	}
	if m.keys != nil {
		m.tok = &liidTokens{keys: m.keys}
	}
	m.table.Store(cfg.Table)
	m.setWindows(cfg.Warrants)
	workers := max(cfg.Workers, 1)
	per := max(cfg.QueueSize/workers, 1)
	m.shards = make([]chan *job, workers)
	for i := range m.shards {
		m.shards[i] = make(chan *job, per)
	}
	m.met, err = newMetrics(opt.Registry, func() float64 { return float64(m.pending.Load()) })
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Submit matches r against the warrants. A record no active warrant names is dropped at
// once (counted by reason, never stored, never logged). A matched record is queued in
// memory, in order per sequence, for its session step; Submit blocks while the queue is
// full and returns ErrQueueFull when ctx ends first. r must not be modified afterwards.
func (m *Mediator) Submit(ctx context.Context, r *record.Record) error {
	_, err := m.submit(ctx, r, false, nil)
	return err
}

// SubmitRelease is Submit for sources that reuse record memory (record.ReleaseSink):
// when it returns nil, release is called once nothing reads r or what it points to any
// more (at once for a dropped record, else once its PDUs are built); when it returns an
// error, never.
func (m *Mediator) SubmitRelease(ctx context.Context, r *record.Record, release func()) error {
	_, err := m.submit(ctx, r, false, release)
	return err
}

// SubmitDurable is Submit for sources that acknowledge upstream: it returns only once
// the record is numbered and its PDUs are in the durable handover queue (or was dropped
// as not targeted). When ctx ends first the record may still be delivered later.
func (m *Mediator) SubmitDurable(ctx context.Context, r *record.Record) error {
	j, err := m.submit(ctx, r, true, nil)
	if err != nil || j == nil {
		return err
	}
	select {
	case <-j.done:
		if j.failed {
			return fmt.Errorf("mediation: record numbered but not queued for handover (kept in the journal)")
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("mediation: waiting for the handover queue: %w", ctx.Err())
	}
}

// submit does Submit's work; the job is returned when it was queued. release, if set,
// is called at once when the record is dropped, by the worker when it was queued, and
// never when an error is returned.
func (m *Mediator) submit(ctx context.Context, r *record.Record, wait bool, release func()) (*job, error) {
	dropped := func() (*job, error) {
		if release != nil {
			release()
		}
		return nil, nil
	}
	m.met.in.Inc()
	if m.stopped.Load() {
		return nil, ErrClosed
	}
	if r.Lost != nil {
		return nil, m.submitGap(ctx, r, release)
	}
	kind, err := contentKind(r)
	if err != nil {
		m.met.dropped.WithLabelValues("bad_record").Inc()
		return nil, err
	}
	j := &job{r: *r, kind: kind, ne: r.Source}
	if j.r.Time.IsZero() {
		j.r.Time = m.now() // a source without a clock: mediation time is the best we have
	}
	// No UM or mail event predates 1970: such a time is a broken clock, and
	// MicroSecondTimeStamp (seconds 0..) cannot carry it. Mediation time replaces it, as
	// for a source without a clock, and the substitution is counted and audited below.
	preEpoch := j.r.Time.Unix() < 0
	if preEpoch {
		j.r.Time = m.now()
	}
	r = &j.r
	j.liids = j.liidBuf[:0]
	var buf [4]*warrant.Warrant
	ws, reason := m.table.Load().Match(buf[:0], r.Identities, r.Time)
	if reason != warrant.DropNone {
		m.met.dropped.WithLabelValues(string(reason)).Inc()
		return dropped()
	}
	if j.ne == "" {
		j.ne = m.cfg.NetworkElement
	}
	if !session.ValidNE(j.ne) {
		m.met.dropped.WithLabelValues("bad_source").Inc()
		return nil, fmt.Errorf("%w: source name is not a network element (1..16 octets, no braces or spaces)", ErrBadRecord)
	}
	versions := make([]*Destination, 0, 2)
	for _, w := range ws {
		if kind == session.CC && !w.DeliversCC() {
			continue
		}
		j.liids = append(j.liids, w.LIID)
		if d := m.cfg.Destinations[w.Destination]; !hasVersion(versions, d) {
			versions = append(versions, d)
		}
	}
	if len(j.liids) == 0 {
		m.met.dropped.WithLabelValues(string(warrant.DropCCNotInScope)).Inc()
		return dropped()
	}
	if preEpoch {
		m.recordTimeSubstituted(j.liids, j.ne)
	}
	// The journal blobs first: a blob in binary form is the content encoded at the latest
	// version, which spares checkEncodes that encode. Then encode once per destination
	// version with placeholder numbers: content that cannot be encoded is refused here,
	// before numbers are allocated, so it can never leave a gap.
	s := m.getScratch()
	binary, err := m.encodeBlobs(s, j)
	if err == nil {
		if err = m.checkEncodes(s, j, versions, binary); err != nil {
			m.met.dropped.WithLabelValues("bad_record").Inc()
		}
	}
	m.putScratch(s)
	if err != nil {
		return nil, err
	}
	if wait {
		j.done = make(chan struct{})
	}
	// Set last: an error return must leave release uncalled.
	j.release = release
	j.submitted = time.Now()
	return j, m.enqueue(ctx, j)
}

// checkEncodes encodes j's record once per destination version with placeholder numbers,
// into scratch memory: content that cannot be encoded is refused before it is numbered.
// blobChecked says the content already encoded at the latest version as it is (the
// binary journal blob): for a destination at that version only the header is left.
func (m *Mediator) checkEncodes(s *pduScratch, j *job, versions []*Destination, blobChecked bool) error {
	latest := etsi.LatestVersion()
	for _, d := range versions {
		p := pduParams{liid: j.liids[0], dest: d, ne: j.ne, cin: 1, iriType: etsi.IRIReport, eventID: 1, at: j.r.Time}
		if blobChecked && d.Version == latest {
			h := s.header(&p)
			if out, err := h.AppendBERFraction(s.buf[:0], d.Version, d.Precision); err == nil {
				s.buf = out[:0]
				continue
			} // else the full check below, which conforms the header or names the error
		}
		out, _, err := buildPDUWith(s, s.buf[:0], &p, &j.r)
		if err != nil {
			return err
		}
		if cap(out) <= 64<<10 {
			s.buf = out[:0]
		}
	}
	return nil
}

// enqueue puts j on its sequence's shard, waiting while the shard is full.
func (m *Mediator) enqueue(ctx context.Context, j *job) error {
	shard := m.shardOf(j.ne, j.r.CorrelationKey)
	m.pending.Add(1)
	select {
	case shard <- j:
		return nil
	default:
	}
	select {
	case shard <- j:
		return nil
	case <-ctx.Done():
		m.pending.Add(-1)
		j.release = nil
		m.met.dropped.WithLabelValues("queue_full").Inc()
		return fmt.Errorf("%w: %w", ErrQueueFull, ctx.Err())
	}
}

func hasVersion(ds []*Destination, d *Destination) bool {
	for _, x := range ds {
		if x.Version == d.Version && x.Timestamps == d.Timestamps {
			return true
		}
	}
	return false
}

// Pending is the number of records queued in memory or in their session step.
func (m *Mediator) Pending() int64 { return m.pending.Load() }

// Drain waits until every record submitted so far has been numbered and queued for
// handover, or ctx ends.
func (m *Mediator) Drain(ctx context.Context) error {
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for m.pending.Load() > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("mediation: drain: %d records pending: %w", m.pending.Load(), ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// Run waits for Redis, re-delivers what this instance's journal holds from before a
// crash, then numbers and delivers records, closes idle sequences, and trims the journal,
// until ctx ends.
func (m *Mediator) Run(ctx context.Context) error {
	if !m.started.CompareAndSwap(false, true) {
		return fmt.Errorf("mediation: Run called twice")
	}
	defer m.stopped.Store(true)
	if err := m.waitRedis(ctx); err != nil {
		return err
	}
	if err := m.replay(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	cleanerDone := make(chan struct{})
	go func() {
		defer close(cleanerDone)
		m.cleaner(ctx)
	}()
	for _, sh := range m.shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.worker(ctx, sh)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		m.sweeper(ctx)
	}()
	wg.Wait()
	m.stopped.Store(true)
	m.dropQueued()
	close(m.done)
	<-cleanerDone
	return nil
}

// dropQueued finishes the records still queued when the workers stopped: they were
// never numbered, so they are lost like any record in memory at shutdown, but their
// sources get their memory back and SubmitDurable callers wake.
func (m *Mediator) dropQueued() {
	for _, sh := range m.shards {
		for len(sh) > 0 {
			j := <-sh
			if j.ctl != nil {
				continue
			}
			m.pending.Add(-1)
			j.releaseRecord()
			finish([]*job{j}, true)
		}
	}
}

// waitRedis pings until Redis answers, logging each failure with the next attempt time.
func (m *Mediator) waitRedis(ctx context.Context) error {
	b := backoff.New(backoff.Policy{Min: 200 * time.Millisecond, Max: 10 * time.Second, Jitter: 0.5})
	for {
		err := m.rdb.Ping(ctx).Err()
		if err == nil {
			return nil
		}
		wait := b.Next()
		m.log.Error().Err(err).Dur("retry_in", wait).Msg("redis unreachable; records are held in memory until it answers")
		if !backoff.Sleep(ctx, wait) {
			return fmt.Errorf("mediation: redis unreachable: %w", err)
		}
	}
}

// OpenSequences counts the sequences (CINs) still open in Redis, across all instances.
func (m *Mediator) OpenSequences(ctx context.Context) (int64, error) {
	return m.store.OpenSequences(ctx)
}
