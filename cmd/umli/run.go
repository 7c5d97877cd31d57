package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/cli"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/httpguard"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/slogzero"
	"github.com/umli/umli/internal/tlsconf"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/secret"
)

// drainTimeout bounds how long a stopping umli spends numbering queued records.
const drainTimeout = 10 * time.Second

func runCmd(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("umli run", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "configuration file (see umli.example.yaml)")
	records := fs.String("records", "", "read intercept records as JSON lines from FILE or - (stdin)")
	pprofAddr := fs.String("pprof", "", "serve Go profiles (net/http/pprof) on this loopback host:port; off when empty")
	if code, ok := cli.Parse(fs, "usage: umli run --config FILE [--records FILE|-] [--pprof 127.0.0.1:PORT]\n", args, stdout, stderr); !ok {
		return code
	}
	if *cfgPath == "" {
		fmt.Fprintln(stderr, "umli run: --config FILE is required")
		return 2
	}
	if *pprofAddr != "" {
		if err := checkPprofAddr(*pprofAddr); err != nil {
			fmt.Fprintln(stderr, "umli run:", err)
			return 2
		}
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	lvl := zerolog.InfoLevel
	if cfg.Log.Level != "" {
		lvl, _ = zerolog.ParseLevel(cfg.Log.Level) // checked by config
	}
	// One redactor for the whole process: every log line passes it, and it knows every
	// target identity (configured here, X1-provisioned as they arrive) and secret.
	red := secret.NewRedactor(stderr)
	for _, w := range cfg.Warrants {
		for _, id := range w.Targets {
			red.Add(id.Value)
		}
	}
	if cfg.UMSys != nil {
		// The directory names subscribers who may not be targets: none of them is logged.
		for box, o := range cfg.UMSys.Directory {
			red.Add(box, o.MSISDN, o.Email)
		}
	}
	log := zerolog.New(red).Level(lvl).With().Timestamp().Str("instance", cfg.Instance).Logger()
	for _, w := range cfg.Warnings {
		log.Warn().Msg("config: " + w)
	}
	// go-redis, the standard log package and log/slog (used by sipgo and others) have
	// process-wide loggers; this is the process's entry point. All of them go through the
	// redactor too.
	redis.SetLogger(redisLogger{log})
	lib := log.With().Str("component", "lib").Logger()
	stdlog.SetFlags(0)
	stdlog.SetOutput(lib)
	// slogzero keeps only attributes that name no party (sipgo puts whole SIP messages
	// in others).
	slog.SetDefault(slogzero.New(lib, slog.LevelWarn, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, runOptions{records: *records, pprof: *pprofAddr}, stdin, red, log); err != nil {
		log.Error().Err(err).Msg("umli stopped")
		return 1
	}
	return 0
}

func redisClient(cfg *config.Config) (redis.UniversalClient, error) {
	opt := &redis.UniversalOptions{
		Addrs: cfg.Redis.Addrs, MasterName: cfg.Redis.MasterName, Username: cfg.Redis.Username, DB: cfg.Redis.DB,
	}
	if f := cfg.Redis.PasswordFile; f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("redis password file: %w", err)
		}
		opt.Password = strings.TrimSpace(string(b))
	}
	if t := cfg.Redis.TLS; t != nil {
		tc, err := t.Files().Client(tlsconf.TLS12)
		if err != nil {
			return nil, fmt.Errorf("redis: %w", err)
		}
		opt.TLSConfig = tc
	}
	return redis.NewUniversalClient(opt), nil
}

// runOptions are `umli run`'s flags besides the configuration.
type runOptions struct {
	// records is the --records input ("" none, "-" stdin); pprof the --pprof address.
	records, pprof string
}

// serve runs handover and mediation (and the records input, if any) until ctx ends,
// then drains what mediation holds in memory.
func serve(ctx context.Context, cfg *config.Config, opt runOptions, stdin io.Reader, red *secret.Redactor, log zerolog.Logger) error {
	records := opt.records
	// A source that fails ends the process the way a signal does (then exit status 1).
	ctx, fail := context.WithCancelCause(ctx)
	defer fail(nil)
	keys, err := atRestKeyring(cfg, log)
	if err != nil {
		return err
	}
	budgetDescriptors(cfg, log) // before any listener: it may lower their caps
	rdb, err := redisClient(cfg)
	if err != nil {
		return err
	}
	defer rdb.Close()
	reg := prometheus.NewRegistry()
	_ = reg.Register(collectors.NewGoCollector())
	_ = reg.Register(collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// One audit log for the process: X1 provisioning, warrant windows and delivery
	// summaries share its hash chain.
	var al *audit.Log
	if cfg.Audit.File != "" {
		if al, err = audit.Open(cfg.Audit.File, audit.Options{}); err != nil {
			return err
		}
		defer al.Close()
	}
	p, err := pipeline.New(cfg, pipeline.Options{Redis: rdb, Registry: reg, Log: log, Redactor: red, Audit: al, Keyring: keys})
	if err != nil {
		return err
	}
	med := p.Mediator
	if opt.pprof != "" {
		_, stopPprof, err := startPprof(opt.pprof, reg, log)
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	if cfg.Metrics.Listen != "" {
		ln, err := net.Listen("tcp", cfg.Metrics.Listen)
		if err != nil {
			return fmt.Errorf("metrics listen: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		srv := httpguard.Server(mux, pipeline.HTTPLimits(cfg.Metrics.HTTP), nil)
		mln := pipeline.AcceptWrap(ln, "metrics", reg, log, cfg.Metrics.ConnLimitsFile)
		go func() { _ = srv.Serve(mln) }()
		defer srv.Close()
		log.Info().Str("listen", ln.Addr().String()).Msg("metrics on /metrics")
	}

	// Handover and mediation outlive ctx by the drain (Stop).
	p.Start(ctx)
	if err := p.StartSources(ctx, fail); err != nil {
		fail(err)
	}
	if ctx.Err() == nil {
		log.Info().Int("warrants", cfg.Table.Len()).Int("destinations", len(cfg.Destinations)).
			Strs("redis", cfg.Redis.Addrs).Bool("umsys", cfg.UMSys != nil).Bool("email", cfg.Email != nil).
			Bool("siprec", cfg.RTP != nil && cfg.RTP.SIPREC != nil).Bool("x1", cfg.X1 != nil).Msg("umli running")
	}

	if records != "" {
		go func() {
			in, name := stdin, "stdin"
			if records != "-" {
				f, err := os.Open(records)
				if err != nil {
					log.Error().Err(err).Msg("records input")
					return
				}
				defer f.Close()
				in, name = f, records
			}
			n, err := feedRecords(ctx, name, in, med, log)
			if err != nil {
				log.Error().Err(err).Msg("records input")
			}
			// "done" means numbered and in the handover queue, not only read: whoever waits
			// for this line (a batch import, the kill tests) may then read Redis's counters.
			if err := med.Drain(ctx); err != nil && ctx.Err() == nil {
				log.Warn().Err(err).Msg("records input: waiting for mediation")
			}
			log.Info().Int("records", n).Msg("records input done")
		}()
	}
	<-ctx.Done()
	var errs []error
	if err := p.Stop(drainTimeout); err != nil {
		errs = append(errs, err)
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		errs = append(errs, cause)
	}
	return errors.Join(errs...)
}
