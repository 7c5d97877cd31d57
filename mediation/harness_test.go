package mediation_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/internal/testrig"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemf/lemftest"
)

// Targets of the test warrants.
const (
	alice = "+491701234567"
	bob   = "bob@example.org"
	other = "+4915100000000"
)

// system is umli's mediation and handover (built by internal/pipeline, as `umli run`
// builds them) against a real redis-server and an in-process LEMF on real sockets.
type system struct {
	t      *testing.T
	redis  *testredis.Server
	rdb    *redis.Client
	lm     *lemftest.LEMF
	lmDirs []string
	lmKA   lemf.KeepAlivePolicy
	hi2    string
	hi3    string
	cfg    *config.Config
	log    zerolog.Logger
	core   *testrig.Core
	med    *mediation.Mediator
	reg    *prometheus.Registry
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
	s := newTestSystem(t, idle)
	s.start(pipeline.Options{Keyring: keys, Handover: testrig.Backoff(50*time.Millisecond, 500*time.Millisecond)}, setup)
	return s
}

// newTestSystem is newSystem for testConfig's warrants, started an hour ago.
func newTestSystem(t *testing.T, idle time.Duration) *system {
	t.Helper()
	return newSystem(t, lemf.KeepAlivePolicy{}, zerolog.WarnLevel, func(hi2, hi3 string) string {
		return testConfig(hi2, hi3, idle, time.Now().Add(-time.Hour))
	})
}

// newSystem starts redis-server and a LEMF answering keep-alives as ka, and parses the
// configuration yaml returns for the LEMF's HI2 and HI3 addresses; nothing of umli
// runs before start.
func newSystem(t *testing.T, ka lemf.KeepAlivePolicy, level zerolog.Level, yaml func(hi2, hi3 string) string) *system {
	t.Helper()
	s := &system{t: t, redis: testredis.Start(t), reg: prometheus.NewRegistry(), lmKA: ka}
	s.rdb = s.redis.Client(t)
	s.startLEMF("127.0.0.1:0", "127.0.0.1:0")
	s.cfg = testrig.Parse(t, "test.yaml", yaml(s.hi2, s.hi3))
	s.log = zerolog.New(zerolog.NewTestWriter(t)).Level(level)
	return s
}

// start builds handover and mediation from s.cfg with opt (Redis, registry and log are
// the system's), runs setup on the mediator, then runs them and extra until stop.
func (s *system) start(opt pipeline.Options, setup func(*mediation.Mediator), extra ...func(context.Context) error) {
	s.t.Helper()
	opt.Redis, opt.Registry, opt.Log = s.rdb, s.reg, s.log
	s.core = testrig.New(s.t, s.cfg, opt)
	s.med = s.core.Mediator
	if setup != nil {
		setup(s.med)
	}
	s.core.Start(extra...)
	s.t.Cleanup(s.stop)
}

// startLEMF starts a LEMF on hi2 and hi3 writing into a directory of its own.
func (s *system) startLEMF(hi2, hi3 string) {
	s.t.Helper()
	dir := filepath.Join(s.t.TempDir(), fmt.Sprintf("lemf%d", len(s.lmDirs)))
	s.lm = lemftest.Start(s.t, lemf.Config{HI2Addr: hi2, HI3Addr: hi3, OutDir: dir, Logger: zerolog.Nop(), KeepAlive: s.lmKA})
	s.hi2, s.hi3 = s.lm.HI2.String(), s.lm.HI3.String()
	s.lmDirs = append(s.lmDirs, dir)
}

func (s *system) stopLEMF() { s.lm.Stop(s.t) }

// stop ends umli, then the LEMF, which finalizes its files. Later calls do nothing.
func (s *system) stop() {
	if s.core != nil {
		s.core.Stop()
		s.core = nil
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

// submitBox submits boxRec(id, ck, b, ev).
func (s *system) submitBox(id record.Identity, ck string, b record.Boundary, ev etsi.MessagingBoxEvent) {
	s.t.Helper()
	s.submit(boxRec(id, ck, b, ev))
}

// drain waits until mediation has numbered and queued every record taken.
func (s *system) drain() {
	s.t.Helper()
	if err := s.med.Drain(context.Background()); err != nil {
		s.t.Fatal(err)
	}
}

// iriAt is how many IRI PDUs (duplicates included) the current LEMF holds.
func (s *system) iriAt() int { sum := s.lm.Summary(); return sum.HI2.PDUs - sum.HI2.KeepAlives }

// ccAt is how many CC PDUs (duplicates included) the current LEMF holds.
func (s *system) ccAt() int { sum := s.lm.Summary(); return sum.HI3.PDUs - sum.HI3.KeepAlives }

// waitLEMF waits until the current LEMF holds at least iri IRI and cc CC PDUs.
func (s *system) waitLEMF(iri, cc int) {
	s.t.Helper()
	waitFor(s.t, "LEMF", func() bool { return s.iriAt() >= iri && s.ccAt() >= cc })
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

// warrant is the configured warrant liid; the test fails without one.
func (s *system) warrant(liid string) *warrant.Warrant {
	s.t.Helper()
	for _, w := range s.cfg.Warrants {
		if w.LIID == liid {
			return w
		}
	}
	s.t.Fatalf("no configured warrant %s", liid)
	return nil
}

// checkIRITypes asserts that the LEMF received no sequence gap and that each stream of
// want holds exactly its IRI types, numbered from 0.
func checkIRITypes(t *testing.T, got *pducheck.Set, want map[pducheck.Stream][]etsi.IRIType) {
	t.Helper()
	if gaps := got.Gaps(); len(gaps) != 0 {
		t.Errorf("sequence gaps at the LEMF: %v", gaps)
	}
	for st, types := range want {
		if n := got.Count(st); n != len(types) {
			t.Errorf("%v: %d PDUs, want %d", st, n, len(types))
			continue
		}
		for seq, wt := range types {
			p, err := got.Decoded(st, uint32(seq))
			if err != nil {
				t.Fatalf("%v seq %d: %v", st, seq, err)
			}
			if it := *p.Payload.IRI[0].IRIType; it != wt {
				t.Errorf("%v seq %d: %v, want %v", st, seq, it, wt)
			}
		}
	}
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

// boxRec is rec carrying a succeeded message-box event ev.
func boxRec(id record.Identity, ck string, b record.Boundary, ev etsi.MessagingBoxEvent) *record.Record {
	r := rec(id, ck, b, "")
	r.MessagingIRI = boxIRI(ev, etsi.StatusOperationSucceeded)
	return r
}

func rec(id record.Identity, ck string, b record.Boundary, ek string) *record.Record {
	return &record.Record{Identities: []record.Identity{id}, Source: "um-1", CorrelationKey: ck, Boundary: b, EventKey: ek, Time: time.Now()}
}

var (
	aliceID = record.Identity{Kind: record.IdentityE164, Value: alice}
	bobID   = record.Identity{Kind: record.IdentityEmail, Value: bob}
	otherID = record.Identity{Kind: record.IdentityE164, Value: other}
)
