package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/session"
	"github.com/umli/umli/mediation/warrant"
	"github.com/umli/umli/mediation/x1"
	"github.com/umli/umli/simulators/lemf"
)

// Options configures a demo run.
type Options struct {
	// OutDir receives what the LEMF writes (hi2.ber, hi3.ber, records.jsonl, content/);
	// a content/ left by an earlier run is removed first, so it shows this run only.
	OutDir string
	// Scenarios run one after the other, each drained before the next starts (so CINs
	// come out in scenario order); nil means Default().
	Scenarios []Scenario
	// Out receives the summary.
	Out io.Writer
	Log zerolog.Logger
	// IdleTimeout closes sequences the scenarios leave open (default 2s).
	IdleTimeout time.Duration
	// Timeout bounds the whole run (default 2 minutes).
	Timeout time.Duration
}

// Demo warrants: A gets events and content for the target's number, box and addresses,
// B gets events only for the number (written the international way). One record can so
// go to two LIIDs.
const (
	LIIDA = "DEMO-LEA-A-0001"
	LIIDB = "DEMO-LEA-B-0002"
)

// ConfigYAML is the demo configuration for a LEMF at hi2/hi3, as a configuration file
// says it. Scenarios append their source's section (Env.Sources).
func ConfigYAML(hi2, hi3 string, idle time.Duration, m *mdfDemo) string {
	// The simulators' scripted calls carry their own (past) event times, so the
	// warrants start well before them.
	const start = "2020-01-01T00:00:00Z"
	return fmt.Sprintf(`instance: demo-1
demo: true
operator: UMLI-DEMO
networkElement: demo
countryCode: DE
deliveryCountryCode: DE
sessions:
  idleTimeout: %s
  sweepInterval: 100ms
queue: {size: 1000, workers: 4}
destinations:
  - name: lemf
    hi2: %s
    hi3: %s
    version: ver20
    timestamps: both
    timeStampQualifier: timeOfInterception
%saudit: {deliveryInterval: 1s}
warrants:
  - liid: %s
    destination: lemf
    scope: iri+cc
    start: %s
    targets:
      - e164: "%s"
      - boxID: "%s"
      - boxID: "%s"
      - email: %s
      - email: %s
      - email: %s
  - liid: %s
    destination: lemf
    scope: iri
    start: %s
    targets:
      - e164: "%s"
  - liid: %s
    destination: mdf
    scope: iri+cc
    start: %s
    targets:
      - e164: "%s"
      - email: %s
      - email: %s
      - email: %s
`, idle, hi2, hi3, m.yaml(), LIIDA, start, TargetMSISDN, TargetBox, TargetBoxAsterisk, TargetEmail, TargetPOP3, TargetIMAP,
		LIIDB, start, "00"+TargetMSISDN[1:], LIIDC, start, TargetMSISDN, TargetEmail, TargetPOP3, TargetIMAP)
}

// Config is ConfigYAML through the same checks as a configuration file.
func Config(hi2, hi3 string, idle time.Duration, m *mdfDemo) (*config.Config, error) {
	return config.Parse("demo.yaml", []byte(ConfigYAML(hi2, hi3, idle, m)))
}

// Run runs the demo and writes the summary to opt.Out. It fails when a scenario fails or
// the LEMF saw a sequence gap.
func Run(ctx context.Context, opt Options) (err error) {
	if opt.Scenarios == nil {
		opt.Scenarios = Default()
	}
	if opt.IdleTimeout == 0 {
		opt.IdleTimeout = 2 * time.Second
	}
	if opt.Timeout == 0 {
		opt.Timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()

	mr, err := miniredis.Run()
	if err != nil {
		return fmt.Errorf("demo: embedded redis: %w", err)
	}
	defer mr.Close()
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	defer rdb.Close()

	if err := os.RemoveAll(filepath.Join(opt.OutDir, lemf.ContentDir)); err != nil {
		return fmt.Errorf("demo: clear earlier content: %w", err)
	}
	lm, err := lemf.New(lemf.Config{OutDir: opt.OutDir, Logger: opt.Log.With().Str("component", "lemf").Logger()})
	if err != nil {
		return fmt.Errorf("demo: lemf: %w", err)
	}
	hi2, hi3 := lm.Addrs()
	md, err := startMDF(opt.OutDir, opt.Log)
	if err != nil {
		_ = lm.Close()
		return err
	}
	// Runs after handover stopped (deferred below): the stream files are complete.
	defer func() { err = errors.Join(err, md.close()) }()
	doc := ConfigYAML(hi2.String(), hi3.String(), opt.IdleTimeout, md)
	cfg, err := config.Parse("demo.yaml", []byte(doc))
	if err != nil {
		_ = lm.Close()
		return fmt.Errorf("demo: config: %w", err)
	}
	auditPath := filepath.Join(opt.OutDir, AuditFile)
	al, err := openAudit(auditPath)
	if err != nil {
		_ = lm.Close()
		return err
	}
	// Runs last, once mediation and X1 stopped writing to the log.
	defer func() {
		cerr := al.Close()
		if err != nil {
			return
		}
		if cerr != nil {
			err = cerr
			return
		}
		res, verr := verifyAudit(auditPath)
		if verr != nil {
			err = verr
			return
		}
		fmt.Fprintf(opt.Out, "audit: %d entries, chain verified (%s)\n", res.Entries, auditPath)
	}()
	journal, err := session.New(rdb, session.Config{Instance: cfg.Instance, IdleTimeout: cfg.Sessions.IdleTimeout})
	if err != nil {
		_ = lm.Close()
		return fmt.Errorf("demo: session store: %w", err)
	}
	// Mediation starts with no warrant: the demo's come over X1 (below).
	provision := cfg.Warrants
	if cfg.Table, err = warrant.NewTable(nil); err != nil {
		_ = lm.Close()
		return err
	}
	cfg.Warrants = nil
	// The same assembly as umli run (internal/pipeline); delivery summaries go into the
	// demo's audit log.
	var cq *countingQueue
	p, err := pipeline.New(cfg, pipeline.Options{Redis: rdb, Log: opt.Log, Audit: al,
		Queue: func(q mediation.Queue) mediation.Queue { cq = &countingQueue{q: q}; return cq }})
	if err != nil {
		_ = lm.Close()
		return fmt.Errorf("demo: %w", err)
	}
	med, deliveries := p.Mediator, p.Deliveries

	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	errs := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := lm.Run(runCtx); err != nil {
			errs <- err
		}
	}()
	p.Start(ctx)
	stopped := false
	stopPipeline := func() error {
		if stopped {
			return nil
		}
		stopped = true
		return p.Stop(10 * time.Second)
	}
	defer func() {
		err = errors.Join(err, stopPipeline())
		stop()
		wg.Wait()
		close(errs)
		for e := range errs {
			err = errors.Join(err, e)
		}
	}()

	// The warrants come over X1, as in production: the watcher's first (empty) set
	// replaces the configuration's, then the demo ADMF provisions them.
	xd, err := startX1(ctx, rdb, al, opt.Log, withBoxes(provision, med.SetWarrants))
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, xd.stop()) }()
	tasks, err := xd.provision(ctx, x1Warrants(provision), map[string]string{"lemf": hi2.String(), "mdf": md.x2.Addr()})
	if err != nil {
		return err
	}
	fmt.Fprintf(opt.Out, "x1: %d tasks activated over mutual TLS by the demo ADMF, %d warrants in force\n", tasks, med.Warrants().Len())

	for _, sc := range opt.Scenarios {
		fmt.Fprintf(opt.Out, "scenario: %s\n", sc.Name)
		if err := sc.Run(ctx, Env{Sink: med, Log: opt.Log, Drain: med.Drain, Sources: sourcesOf(p, doc, opt.Log)}); err != nil {
			return fmt.Errorf("demo: scenario %q: %w", sc.Name, err)
		}
		if err := med.Drain(ctx); err != nil {
			return err
		}
	}
	// Sequences the scenarios left open end by idle timeout; wait for that.
	if err := waitIdleClosed(ctx, med); err != nil {
		return err
	}
	if err := med.Drain(ctx); err != nil {
		return err
	}
	// The sweeper queues a synthesized end after taking its sequence off the open set;
	// its journal entry goes once it is queued, so an empty journal means every PDU
	// has been counted.
	if err := waitJournalEmpty(ctx, journal); err != nil {
		return err
	}
	if err := lm.WaitPDUs(ctx, int(cq.hi2.Load()), int(cq.hi3.Load())); err != nil {
		return fmt.Errorf("demo: LEMF: %w", err)
	}
	if err := md.wait(ctx, int(cq.x2.Load()), int(cq.x3.Load())); err != nil {
		return err
	}
	// Handover has stopped and the last summaries are written.
	if err := stopPipeline(); err != nil {
		return err
	}
	stop()
	wg.Wait()
	fmt.Fprintf(opt.Out, "audit: %d delivery summaries (LIID, CIN, sequence range, counts; no content)\n", deliveries.Entries())
	s := lm.Summary()
	fmt.Fprintf(opt.Out, "\nLEMF output in %s (hi2.ber, hi3.ber, records.jsonl, content/)\n\n", opt.OutDir)
	if err := s.Format(opt.Out); err != nil {
		return err
	}
	fmt.Fprintf(opt.Out, "\nMDF (TS 103 221-2 over mutual TLS 1.3, warrant %s, task XID %s): %d X2 PDUs (IRI) in %s, %d X3 PDUs (CC) in %s, as sent, back to back\n",
		LIIDC, x1.NameUUID("task", LIIDC), cq.x2.Load(), filepath.Join(opt.OutDir, X2File), cq.x3.Load(), filepath.Join(opt.OutDir, X3File))
	fmt.Fprintf(opt.Out, "\nsequence gaps: %d\n", s.Gaps)
	if s.Gaps != 0 {
		return fmt.Errorf("demo: the LEMF saw %d sequence gaps", s.Gaps)
	}
	return checkNotDelivered(opt.Out, opt.Scenarios, s)
}

// sourcesOf starts the sources of a configuration section the way umli run does: the
// demo configuration with the section appended goes through the configuration checks
// and the pipeline's source wiring.
func sourcesOf(p *pipeline.Pipeline, doc string, log zerolog.Logger) func(context.Context, string, func(record.Sink) record.Sink) (func(), error) {
	return func(ctx context.Context, section string, wrap func(record.Sink) record.Sink) (func(), error) {
		cfg, err := config.Parse("demo.yaml", []byte(doc+section))
		if err != nil {
			return nil, fmt.Errorf("demo: source configuration: %w", err)
		}
		fail := func(err error) { log.Error().Err(err).Msg("demo: source failed") }
		s, err := p.StartSourcesOf(ctx, cfg, wrap, fail)
		if err != nil {
			return nil, err
		}
		return s.Stop, nil
	}
}

// checkNotDelivered reports, per scenario with a non-target element, that nothing of
// that element reached the LEMF.
func checkNotDelivered(out io.Writer, scenarios []Scenario, s lemf.Summary) error {
	for _, sc := range scenarios {
		if sc.MustNotDeliver == "" {
			continue
		}
		n := 0
		for _, l := range s.LIIDs {
			for _, c := range l.CINs {
				if c.NE == sc.MustNotDeliver {
					n++
				}
			}
		}
		if n != 0 {
			return fmt.Errorf("demo: %d sessions of non-target element %s reached the LEMF", n, sc.MustNotDeliver)
		}
		fmt.Fprintf(out, "non-target (%s): dropped, nothing delivered\n", sc.MustNotDeliver)
	}
	return nil
}

// waitIdleClosed waits until no sequence is open any more.
func waitIdleClosed(ctx context.Context, med *mediation.Mediator) error {
	for {
		open, err := med.OpenSequences(ctx)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if open == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: %d sequences still open: %w", open, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitJournalEmpty waits until mediation's journal holds no entry: every record and
// synthesized end has been handed to handover.
func waitJournalEmpty(ctx context.Context, st *session.Store) error {
	for {
		entries, bad, err := st.Journal(ctx)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if len(entries) == 0 && len(bad) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: %d journal entries not delivered: %w", len(entries)+len(bad), ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// countingQueue counts the PDUs mediation queued, so the demo knows what the LEMF must
// have received before it prints the summary.
type countingQueue struct {
	q        mediation.Queue
	hi2, hi3 atomic.Int64 // to the LEMF
	x2, x3   atomic.Int64 // to the MDF
}

// Enqueue passes the PDUs on and counts them once handover took them.
func (c *countingQueue) Enqueue(ctx context.Context, dest string, hi handover.HI, pdus ...[]byte) error {
	if err := c.q.Enqueue(ctx, dest, hi, pdus...); err != nil {
		return err
	}
	n := int64(len(pdus))
	switch {
	case dest == "mdf" && hi == handover.HI3:
		c.x3.Add(n)
	case dest == "mdf":
		c.x2.Add(n)
	case hi == handover.HI3:
		c.hi3.Add(n)
	default:
		c.hi2.Add(n)
	}
	return nil
}
