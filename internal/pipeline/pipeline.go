// Package pipeline assembles umli from its product configuration: the sources the
// configuration names (UM platform feeds, e-mail taps, SIPREC, passive capture), X1,
// mediation and handover, wired sources -> mediation -> handover. `umli run`, the demo
// and the proof harness all build through New, so what they run is what users run.
package pipeline

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/secret"
)

// Options are what the process gives the pipeline besides the configuration.
type Options struct {
	// Redis holds mediation's sessions and handover's queues (required).
	Redis redis.UniversalClient
	// Registry receives every metric (default: a fresh one).
	Registry *prometheus.Registry
	Log      zerolog.Logger
	// Redactor learns every secret the sources read (default: one that discards).
	Redactor *secret.Redactor
	// Audit, when set, records X1 provisioning, warrant windows, ingest peers and the
	// delivery summaries (every cfg.Audit.DeliveryInterval).
	Audit *audit.Log
	// Keyring seals what mediation and handover leave in Redis; nil writes in clear
	// (demo mode only, checked by the caller).
	Keyring *seal.Keyring
	// Handover adjusts the handover configuration before handover is built (the proof
	// harness shortens redials).
	Handover func(*handover.Config)
	// Queue wraps handover as mediation's queue (the demo counts what is queued).
	Queue func(mediation.Queue) mediation.Queue
}

// Pipeline is one assembled umli: mediation delivering through handover, and the
// sources once StartSources ran.
type Pipeline struct {
	Config   *config.Config
	Handover *handover.Handover
	Mediator *mediation.Mediator
	// Deliveries summarizes deliveries into Options.Audit; nil without an audit log.
	Deliveries *mediation.DeliveryAudit
	Registry   *prometheus.Registry

	opt     Options
	group   *group
	srcStop context.CancelFunc
	stop    context.CancelFunc
	wg      chanGroup
}

// chanGroup collects the errors of the core's goroutines.
type chanGroup struct {
	errc chan error
	n    int
}

// New builds handover and mediation from cfg; nothing runs before Start.
func New(cfg *config.Config, opt Options) (*Pipeline, error) {
	if opt.Redis == nil {
		return nil, errors.New("pipeline: no Redis client")
	}
	if opt.Registry == nil {
		opt.Registry = prometheus.NewRegistry()
	}
	if opt.Redactor == nil {
		opt.Redactor = secret.NewRedactor(discard{})
	}
	p := &Pipeline{Config: cfg, Registry: opt.Registry, opt: opt}
	if opt.Audit != nil {
		var err error
		if p.Deliveries, err = mediation.NewDeliveryAudit(opt.Audit, opt.Log, cfg.Audit.DeliveryInterval); err != nil {
			return nil, err
		}
	}
	hc, err := cfg.HandoverConfig()
	if err != nil {
		return nil, err
	}
	if p.Deliveries != nil {
		p.Deliveries.Install(&hc)
	}
	hc.Keyring = opt.Keyring
	if opt.Handover != nil {
		opt.Handover(&hc)
	}
	if p.Handover, err = handover.New(hc, opt.Redis, opt.Registry, opt.Log); err != nil {
		return nil, err
	}
	var q mediation.Queue = p.Handover
	if opt.Queue != nil {
		q = opt.Queue(q)
	}
	p.Mediator, err = mediation.New(cfg.MediationConfig(), opt.Redis, q, opt.Log,
		mediation.Options{Registry: opt.Registry, Audit: opt.Audit, Keyring: opt.Keyring})
	if err != nil {
		return nil, err
	}
	return p, nil
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

// Start runs handover, mediation and the delivery audit. They outlive ctx until Stop:
// records already taken are numbered and queued before the pipeline ends.
func (p *Pipeline) Start(ctx context.Context) {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.stop = cancel
	runs := []func(context.Context) error{p.Handover.Run, p.Mediator.Run}
	if p.Deliveries != nil {
		runs = append(runs, func(ctx context.Context) error { _ = p.Deliveries.Run(ctx); return nil })
	}
	p.wg = chanGroup{errc: make(chan error, len(runs)), n: len(runs)}
	for _, run := range runs {
		go func() { p.wg.errc <- run(runCtx) }()
	}
}

// StartSources builds and starts every source and X1 the configuration names; they
// stop when ctx ends or at Stop. The first source that fails later calls fail, so the
// process stops loudly rather than running half-blind. Listeners are bound here, so a
// taken port fails the start.
func (p *Pipeline) StartSources(ctx context.Context, fail context.CancelCauseFunc) error {
	ctx, p.srcStop = context.WithCancel(ctx)
	p.group = &group{fail: fail, audit: p.opt.Audit, reg: p.Registry}
	if err := startSources(ctx, p.group, p.Config, p.Mediator, nil, p.Registry, p.opt.Redactor, p.opt.Log); err != nil {
		return err
	}
	if p.Config.X1 != nil {
		startX1(ctx, p.group, p.Config, p.opt.Redis, p.Mediator, p.opt.Audit, p.opt.Redactor, p.opt.Log)
	}
	return nil
}

// Sources are sources started by StartSourcesOf.
type Sources struct {
	// Registry holds these sources' metrics (their own: sections started one after
	// the other may each hold the same kind of source, whose metrics would collide in
	// the pipeline's).
	Registry *prometheus.Registry
	stop     context.CancelFunc
	g        *group
}

// Stop ends the sources and waits for them.
func (s *Sources) Stop() {
	s.stop()
	s.g.wg.Wait()
}

// StartSourcesOf starts the sources cfg's source sections name (not X1) into this
// pipeline's mediation, every record passing wrap (nil: none) on its way. The demo runs
// one source at a time this way, each from its own section of a configuration file,
// watching what reaches mediation. A source that fails later calls fail.
func (p *Pipeline) StartSourcesOf(ctx context.Context, cfg *config.Config, wrap func(record.Sink) record.Sink, fail context.CancelCauseFunc) (*Sources, error) {
	ctx, stop := context.WithCancel(ctx)
	reg := prometheus.NewRegistry()
	s := &Sources{Registry: reg, stop: stop, g: &group{fail: fail, audit: p.opt.Audit, reg: reg}}
	if err := startSources(ctx, s.g, cfg, p.Mediator, wrap, reg, p.opt.Redactor, p.opt.Log); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// Stop ends the sources first, so nothing new arrives, drains mediation (bounded by
// drain), stops handover and mediation, and writes the last delivery summaries.
func (p *Pipeline) Stop(drain time.Duration) error {
	if p.srcStop != nil {
		p.srcStop()
		p.group.wg.Wait()
	}
	if p.stop == nil {
		return nil
	}
	dctx, dcancel := context.WithTimeout(context.Background(), drain)
	derr := p.Mediator.Drain(dctx)
	dcancel()
	p.stop()
	p.stop = nil
	var errs []error
	for range p.wg.n {
		// A run that ends by the cancellation just made (mediation still waiting for
		// Redis at its start, say) has not failed.
		if err := <-p.wg.errc; err != nil && !errors.Is(err, context.Canceled) {
			errs = append(errs, err)
		}
	}
	if derr != nil {
		errs = append(errs, derr)
	}
	// Handover has stopped: this records its last writes.
	if p.Deliveries != nil {
		if err := p.Deliveries.Flush(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
