package faults_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/seal"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/proof/chain"
	"github.com/umli/umli/proof/load"
)

// long reports whether the 60-second versions were asked for.
func long() bool { return os.Getenv("UMLI_FAULTS_LONG") == "1" }

// timing of one scenario: load before, during and after the fault.
type timing struct{ warm, outage, after time.Duration }

func scenarioTiming() timing {
	if long() {
		return timing{warm: 5 * time.Second, outage: 60 * time.Second, after: 10 * time.Second}
	}
	return timing{warm: time.Second, outage: 2 * time.Second, after: 1500 * time.Millisecond}
}

// rig is one umli instance on a real redis-server delivering to an in-process LEMF.
type rig struct {
	t    *testing.T
	srv  *testredis.Server
	rdb  *redis.Client
	lm   *chain.LEMF
	mdf  *chain.MDF // set by newRigMDF instead of lm
	out  receiver   // lm or mdf
	node *chain.Node
	// keys seal everything the rig's node leaves in Redis; a node started again on the
	// same Redis gets the same keyring, so it opens what its predecessor sealed.
	keys *seal.Keyring
	tm   timing
}

// receiver is where the rig's PDUs go: a LEMF (HI2/HI3) or an MDF (X2/X3).
type receiver interface {
	Read() (*pducheck.Set, error)
	Progress() (int, error)
}

func newRig(t *testing.T) *rig { return newRigYAML(t, chain.ConfigYAML) }

// newRigConfirmed is newRig on a confirming connection (chain.ConfigYAMLConfirmed): for
// faults that take the LEMF away, or stall it, with PDUs in socket buffers.
func newRigConfirmed(t *testing.T) *rig { return newRigYAML(t, chain.ConfigYAMLConfirmed) }

func newRigYAML(t *testing.T, yaml func(instance, hi2, hi3 string) string) *rig {
	r := &rig{t: t, srv: testredis.Start(t), keys: chain.NewKeyring(t), tm: scenarioTiming()}
	r.rdb = r.srv.Client(t)
	r.lm = chain.StartLEMF(t)
	level := zerolog.ErrorLevel
	if l, err := zerolog.ParseLevel(os.Getenv("UMLI_PROOF_LOG")); err == nil && l != zerolog.NoLevel {
		level = l // e.g. UMLI_PROOF_LOG=info to see handover's connections
	}
	r.node = chain.StartNodeYAML(t, "faults-1", yaml("faults-1", r.lm.HI2, r.lm.HI3), r.rdb, r.keys, zerolog.New(zerolog.NewTestWriter(t)).Level(level))
	r.out = r.lm
	return r
}

// newRigMDF is newRig delivering TS 103 221-2 X2/X3 to an MDF over mutual TLS.
func newRigMDF(t *testing.T) *rig {
	r := &rig{t: t, srv: testredis.Start(t), keys: chain.NewKeyring(t), tm: scenarioTiming()}
	r.rdb = r.srv.Client(t)
	r.mdf = chain.StartMDF(t)
	r.out = r.mdf
	r.node = chain.StartNodeMDF(t, "faults-x2x3", r.rdb, r.keys, r.mdf, zerolog.New(zerolog.NewTestWriter(t)).Level(zerolog.ErrorLevel))
	return r
}

const sessions = 20

// underLoad runs the load generator for warm+outage+after, calls fault after warm
// (fault returns when the fault is over), then checks the LEMF's records: every record
// delivered exactly once as a distinct PDU (resends allowed, identical bytes), no gap per
// (LIID, CIN, IRI|CC), one CIN per session. Records generated after the fault prove
// umli still serves.
func (r *rig) underLoad(fault func()) chain.Tally {
	t := r.t
	rate := 200
	if long() {
		rate = 1000
	}
	ctx := context.Background()
	type out struct {
		res load.Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := load.Run(ctx, load.Config{
			Rate: rate, Duration: r.tm.warm + r.tm.outage + r.tm.after, Sessions: sessions, CCShare: 0.5,
			Source: "um-faults", Target: chain.Target(), Sinks: []record.Sink{r.node.Med},
			BeforeClose: func(ctx context.Context) error { return r.node.Med.Drain(ctx) },
		})
		done <- out{res, err}
	}()
	time.Sleep(r.tm.warm)
	fault()
	o := <-done
	if o.err != nil {
		t.Fatal(o.err)
	}
	if o.res.Errors > 0 {
		t.Fatalf("%d records refused, first: %v", o.res.Errors, o.res.FirstErr)
	}
	if err := r.node.Med.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	chain.WaitFor(t, "every PDU delivered", 3*time.Minute, func() bool { return r.delivered() >= o.res.Records })
	r.node.Stop()
	set, err := r.out.Read()
	if err != nil {
		t.Fatal(err)
	}
	tally, err := chain.Check(set, o.res.Records, sessions)
	if err != nil {
		t.Fatalf("%d records (%d IRI, %d CC): %v", o.res.Records, o.res.IRI, o.res.CC, err)
	}
	t.Logf("%d records (%d IRI, %d CC) at %d/s, fault %v: %v", o.res.Records, o.res.IRI, o.res.CC, rate, r.tm.outage, tally)
	return tally
}

// delivered is how many PDUs all LEMF lifetimes hold so far (see chain.LEMF.Progress).
func (r *rig) delivered() int {
	n, err := r.out.Progress()
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}
