package testrig_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/testrig"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/simulators/lemf"
	"github.com/umli/umli/simulators/lemf/lemftest"
)

const target = "+491701234567"

func config(hi2, hi3 string) string {
	return fmt.Sprintf(`instance: rig-1
operator: OP-TEST
networkElement: ne-rig
sessions: {idleTimeout: 1m, sweepInterval: 50ms}
destinations:
  - {name: lea, hi2: "%s", hi3: "%s", version: ver20}
warrants:
  - liid: RIG-1
    destination: lea
    scope: iri
    start: 2020-01-01T00:00:00Z
    targets: [{e164: "%s"}]
`, hi2, hi3, target)
}

// TestRunDeliversAndStops: a core run from a configuration, on a redis-server of its
// own, delivers a target's record to the LEMF it names; Stop ends it (Submit then
// refuses with ErrClosed), and a second Stop, and the one at cleanup, do nothing.
func TestRunDeliversAndStops(t *testing.T) {
	lm := lemftest.Start(t, lemf.Config{Logger: zerolog.Nop()})
	cfg := testrig.Parse(t, "rig.yaml", config(lm.HI2.String(), lm.HI3.String()))
	core := testrig.Run(t, cfg, pipeline.Options{Log: zerolog.Nop(),
		Handover: testrig.Backoff(10*time.Millisecond, 100*time.Millisecond)})
	ev := etsi.BoxLogin
	r := &record.Record{Identities: []record.Identity{{Kind: record.IdentityE164, Value: target}}, Source: "um-1",
		CorrelationKey: "c1", Boundary: record.Standalone, Time: time.Now(),
		MessagingIRI: &etsi.MessagingIRI{SystemType: etsi.SystemUnifiedMessaging, Category: &etsi.MessagingEventCategory{MessageBox: &ev},
			Status: etsi.StatusOperationSucceeded, Trigger: etsi.TriggerUser}}
	if err := core.Mediator.Submit(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second) // guards against a hang only
	for sum := lm.Summary(); sum.HI2.PDUs-sum.HI2.KeepAlives < 1; sum = lm.Summary() {
		if time.Now().After(deadline) {
			t.Fatal("gave up waiting for the IRI at the LEMF")
		}
		time.Sleep(20 * time.Millisecond)
	}
	core.Stop()
	if err := core.Mediator.Submit(context.Background(), r); !errors.Is(err, mediation.ErrClosed) {
		t.Errorf("Submit after Stop: %v, want ErrClosed", err)
	}
	core.Stop()
}

// TestParseFailsOnBadConfig: a configuration that does not parse fails the test with
// the file's name in the message.
func TestParseFailsOnBadConfig(t *testing.T) {
	ft := &fakeTB{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil && r != errFatal {
				panic(r)
			}
		}()
		testrig.Parse(ft, "broken.yaml", "instance: [")
	}()
	if !ft.failed || !strings.Contains(ft.msg, "broken.yaml") {
		t.Fatalf("Parse of a broken file: failed=%v, message %q", ft.failed, ft.msg)
	}
}

// errFatal is how fakeTB's Fatalf ends the call, as testing's ends the test.
var errFatal = errors.New("fatal")

// fakeTB records a Fatalf instead of ending the test.
type fakeTB struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	panic(errFatal)
}
