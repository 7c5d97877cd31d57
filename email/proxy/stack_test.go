package proxy

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemf/lemftest"
)

// stackConfig is the one warrant (iri+cc) a mediationStack intercepts for.
type stackConfig struct {
	liid   string
	target string // the warrant's target in YAML flow style: "{email: a@example.org}"
	queue  int
	// log is what mediation and handover log to; the zero value logs warnings to the test.
	log *zerolog.Logger
}

// mediationStack is the real mediation (Redis), handover and the LEMF simulator, with
// an audit log, for one warrant.
type mediationStack struct {
	med       *mediation.Mediator
	reg       *prometheus.Registry
	dir       string
	auditPath string
	stop      func()
}

func startMediationStack(t *testing.T, sc stackConfig) *mediationStack {
	t.Helper()
	rs := testredis.Start(t)
	rdb := rs.Client(t)
	ms := &mediationStack{dir: filepath.Join(t.TempDir(), "lemf"), auditPath: filepath.Join(t.TempDir(), "audit.log")}
	lm := lemftest.Start(t, lemf.Config{OutDir: ms.dir})
	hi2, hi3 := lm.HI2, lm.HI3
	var wg sync.WaitGroup
	cfg, err := config.Parse(sc.liid+".yaml", []byte(fmt.Sprintf(`instance: mail-1
operator: OP-TEST
networkElement: ne-default
sessions: {idleTimeout: 1m, sweepInterval: 50ms}
queue: {size: %d, workers: 2}
handover: {keepAlive: 1s, keepAliveTimeout: 1s}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s", version: ver20, timestamps: both}
warrants:
  - liid: %s
    destination: lea
    scope: iri+cc
    start: %s
    targets: [%s]
`, sc.queue, hi2, hi3, sc.liid, time.Now().Add(-time.Hour).Format(time.RFC3339), sc.target)))
	if err != nil {
		t.Fatal(err)
	}
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	if sc.log != nil {
		log = *sc.log
	}
	hc, err := cfg.HandoverConfig()
	if err != nil {
		t.Fatal(err)
	}
	ms.reg = prometheus.NewRegistry()
	ho, err := handover.New(hc, rdb, ms.reg, log)
	if err != nil {
		t.Fatal(err)
	}
	al, err := audit.Open(ms.auditPath, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ms.med, err = mediation.New(cfg.MediationConfig(), rdb, ho, log, mediation.Options{Registry: ms.reg, Audit: al})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	for _, run := range []func(context.Context) error{ho.Run, ms.med.Run} {
		wg.Add(1)
		go func() { defer wg.Done(); _ = run(ctx) }()
	}
	var once sync.Once
	ms.stop = func() {
		once.Do(func() {
			cancel()
			lm.Stop(t)
			wg.Wait()
			_ = al.Close()
		})
	}
	t.Cleanup(ms.stop)
	return ms
}

// waitLogoff waits until the LEMF holds an IRI stream that ends with the logoff
// (streamsDone), then stops the stack and returns what the LEMF stored.
func (ms *mediationStack) waitLogoff(t *testing.T) *pducheck.Set {
	t.Helper()
	return ms.waitUntil(t, 30*time.Second, 50*time.Millisecond, "IRI stream ending with the logoff", func(set *pducheck.Set) bool {
		return set.Total > 0 && streamsDone(set)
	})
}

// waitUntil lets mediation hand over what it queued, polls what the LEMF stored
// every poll until done holds (within patience, else the test fails naming what it
// waited for), then stops the stack and returns what the LEMF stored.
func (ms *mediationStack) waitUntil(t *testing.T, patience, poll time.Duration, what string, done func(*pducheck.Set) bool) *pducheck.Set {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	if err := ms.med.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(patience)
	for {
		set, err := pducheck.ReadLEMF(ms.dir)
		if err == nil && done(set) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("LEMF has no %s: received %v (err %v)", what, set, err)
		}
		time.Sleep(poll)
	}
	ms.stop()
	set, err := pducheck.ReadLEMF(ms.dir)
	if err != nil {
		t.Fatal(err)
	}
	return set
}
