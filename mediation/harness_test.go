package mediation_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/handover"
	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/simulators/lemf"
)

// Targets of the test warrants.
const (
	alice = "+491701234567"
	bob   = "bob@example.org"
	other = "+4915100000000"
)

// system is umli's mediation and handover against a real redis-server and an in-process
// LEMF on real sockets.
type system struct {
	t      *testing.T
	redis  *testredis.Server
	rdb    *redis.Client
	lm     *lemf.LEMF
	lmDirs []string
	hi2    string
	hi3    string
	cfg    *config.Config
	med    *mediation.Mediator
	reg    *prometheus.Registry
	cancel context.CancelFunc
	wg     sync.WaitGroup
	lmWG   sync.WaitGroup
}

func testConfig(hi2, hi3 string, idle time.Duration, start time.Time) string {
	return fmt.Sprintf(`instance: it-1
operator: OP-TEST
networkElement: ne-default
sessions: {idleTimeout: %s, sweepInterval: 50ms}
queue: {size: 2000, workers: 4}
handover: {keepAlive: 1s, keepAliveTimeout: 1s}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s", version: ver20, timestamps: both}
  - {name: lea9, hi2: "%s", version: ver9}
warrants:
  - liid: A-CC
    destination: lea
    scope: iri+cc
    start: %s
    targets: [{e164: "%s"}, {email: %s}]
  - liid: B-IRI
    destination: lea9
    scope: iri
    start: %s
    targets: [{e164: "00%s"}]
  - liid: C-LATER
    destination: lea
    scope: iri+cc
    start: %s
    targets: [{email: %s}]
`, idle, hi2, hi3, hi2, start.Format(time.RFC3339), alice, bob, start.Format(time.RFC3339), alice[1:],
		start.Add(24*time.Hour).Format(time.RFC3339), bob)
}

func startSystem(t *testing.T, idle time.Duration) *system {
	t.Helper()
	return startSystemWith(t, idle, nil)
}

// startSystemWith is startSystem with setup run on the mediator before it starts.
func startSystemWith(t *testing.T, idle time.Duration, setup func(*mediation.Mediator)) *system {
	t.Helper()
	return startSystemKeys(t, idle, setup, nil)
}

// startSystemKeys is startSystemWith sealing at rest with keys (nil: clear).
func startSystemKeys(t *testing.T, idle time.Duration, setup func(*mediation.Mediator), keys *seal.Keyring) *system {
	t.Helper()
	s := &system{t: t, redis: testredis.Start(t), reg: prometheus.NewRegistry()}
	s.rdb = s.redis.Client(t)
	s.startLEMF("127.0.0.1:0", "127.0.0.1:0")
	cfg, err := config.Parse("test.yaml", []byte(testConfig(s.hi2, s.hi3, idle, time.Now().Add(-time.Hour))))
	if err != nil {
		t.Fatal(err)
	}
	s.cfg = cfg
	log := zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.WarnLevel)
	hc, err := cfg.HandoverConfig()
	if err != nil {
		t.Fatal(err)
	}
	for i := range hc.Destinations {
		hc.Destinations[i].Backoff = handover.Backoff{Min: 50 * time.Millisecond, Max: 500 * time.Millisecond}
	}
	hc.Keyring = keys
	ho, err := handover.New(hc, s.rdb, s.reg, log)
	if err != nil {
		t.Fatal(err)
	}
	s.med, err = mediation.New(cfg.MediationConfig(), s.rdb, ho, log, mediation.Options{Registry: s.reg, Keyring: keys})
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(s.med)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	for _, run := range []func(context.Context) error{ho.Run, s.med.Run} {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := run(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	t.Cleanup(s.stop)
	return s
}

func (s *system) startLEMF(hi2, hi3 string) {
	s.t.Helper()
	dir := filepath.Join(s.t.TempDir(), fmt.Sprintf("lemf%d", len(s.lmDirs)))
	lm, err := lemf.New(lemf.Config{HI2Addr: hi2, HI3Addr: hi3, OutDir: dir, Logger: zerolog.Nop()})
	if err != nil {
		s.t.Fatal(err)
	}
	a2, a3 := lm.Addrs()
	s.hi2, s.hi3, s.lm = a2.String(), a3.String(), lm
	s.lmDirs = append(s.lmDirs, dir)
	s.lmWG.Add(1)
	go func() {
		defer s.lmWG.Done()
		_ = lm.Run(context.Background())
	}()
}

func (s *system) stopLEMF() {
	if err := s.lm.Close(); err != nil {
		s.t.Error(err)
	}
	s.lmWG.Wait()
}

func (s *system) stop() {
	if s.cancel != nil {
		s.cancel()
		s.wg.Wait()
		s.cancel = nil
		s.stopLEMF()
	}
}

func (s *system) submit(r *record.Record) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.med.Submit(ctx, r); err != nil {
		s.t.Fatalf("submit: %v", err)
	}
}

// waitFor polls cond until it holds; the deadline only guards against a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// received stops the system and reads every LEMF file written.
func (s *system) received() *pducheck.Set {
	s.t.Helper()
	s.stop()
	set, err := pducheck.ReadLEMF(s.lmDirs...)
	if err != nil {
		s.t.Fatal(err)
	}
	return set
}

// metric returns the value of a counter or gauge with the given labels.
func (s *system) metric(name string, labels ...string) float64 {
	s.t.Helper()
	mfs, err := s.reg.Gather()
	if err != nil {
		s.t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				if !hasLabel(m, labels[i], labels[i+1]) {
					continue next
				}
			}
			if c := m.GetCounter(); c != nil {
				return c.GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}

func hasLabel(m *dto.Metric, k, v string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == k && l.GetValue() == v {
			return true
		}
	}
	return false
}

// Record builders.

func boxIRI(ev etsi.MessagingBoxEvent, st etsi.MessagingStatus) *etsi.MessagingIRI {
	return &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{MessageBox: &ev},
		Status: st, Trigger: etsi.TriggerUser, BoxIdentifier: []byte("1000@um")}
}

func msgIRI(ev etsi.MessagingEvent) *etsi.MessagingIRI {
	return &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{Message: &ev},
		Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser}
}

func audio(i int) *etsi.MessagingCC {
	cid, seq := uint32(1), uint32(i)
	return &etsi.MessagingCC{ContentIdentifier: &cid, SequenceNumber: &seq, ContentType: "audio/PCMU", Content: make([]byte, 160)}
}

func rec(id record.Identity, ck string, b record.Boundary, ek string) *record.Record {
	return &record.Record{Identities: []record.Identity{id}, Source: "um-1", CorrelationKey: ck, Boundary: b, EventKey: ek, Time: time.Now()}
}

var (
	aliceID = record.Identity{Kind: record.IdentityE164, Value: alice}
	bobID   = record.Identity{Kind: record.IdentityEmail, Value: bob}
	otherID = record.Identity{Kind: record.IdentityE164, Value: other}
)
