package cluster_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/proof/chain"
	"github.com/umli/umli/proof/cluster"
	"github.com/umli/umli/proof/load"
)

// TestScaleOutOnCluster runs three umli instances (mediation + handover, distinct
// instance ids) on one real Redis Cluster of six nodes. Three UM platforms (network
// elements, whose hash-tagged keys land in different slots) each feed every instance:
// record k of a session goes to instance k mod 3, so all three number the same
// sessions concurrently. From the LEMF: no sequence number reused or missing per
// (LIID, CIN, IRI|CC), every record delivered, and exactly one CIN per logical session.
func TestScaleOutOnCluster(t *testing.T) {
	cl := cluster.Start(t, 6)
	rdb := cl.Client(t)
	lm := chain.StartLEMF(t)
	log := zerolog.New(os.Stderr).Level(zerolog.ErrorLevel)
	keys := chain.NewKeyring(t) // one keyring for all instances, as in a deployment
	var nodes []*chain.Node
	var sinks []record.Sink
	var meds []*mediation.Mediator
	for i := range 3 {
		n := chain.StartNode(t, fmt.Sprintf("scale-%d", i+1), rdb, keys, lm, log)
		nodes = append(nodes, n)
		sinks = append(sinks, n.Med)
		meds = append(meds, n.Med)
	}
	const sessions = 20
	sources := []string{"um-a", "um-b", "um-c"}
	d := 2 * time.Second
	if os.Getenv("UMLI_FAULTS_LONG") == "1" {
		d = 30 * time.Second
	}
	ctx := context.Background()
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	var barrier sync.WaitGroup
	barrier.Add(len(sources))
	for _, src := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := load.Run(ctx, load.Config{
				Rate: 300, Duration: d, Sessions: sessions, CCShare: 0.4, Source: src, Target: chain.Target(), Sinks: sinks,
				// Every instance drains before the logouts, so each iRI-End is numbered last.
				BeforeClose: func(ctx context.Context) error { barrier.Done(); barrier.Wait(); return chain.Drain(ctx, meds...) },
			})
			if err != nil {
				t.Error(err)
				return
			}
			if res.Errors > 0 {
				t.Errorf("%s: %d records refused, first %v", src, res.Errors, res.FirstErr)
			}
			mu.Lock()
			total += res.Records
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err := chain.Drain(ctx, meds...); err != nil {
		t.Fatal(err)
	}
	// Received, not Distinct: the three network elements share CIN numbers.
	chain.WaitFor(t, "every PDU at the LEMF", 2*time.Minute, func() bool { return lm.Received() >= total })
	for _, n := range nodes {
		n.Stop()
	}
	set, err := lm.Read()
	if err != nil {
		t.Fatal(err)
	}
	tally, err := chain.Check(set, total, len(sources)*sessions)
	if err != nil {
		t.Fatal(err)
	}
	// One CIN per session and network element: every stream of a CIN is one session's.
	perNE := map[string]map[uint32]bool{}
	for st := range set.PDUs {
		if perNE[st.NE] == nil {
			perNE[st.NE] = map[uint32]bool{}
		}
		perNE[st.NE][st.CIN] = true
	}
	for _, src := range sources {
		if len(perNE[src]) != sessions {
			t.Errorf("%s: %d CINs for %d sessions", src, len(perNE[src]), sessions)
		}
	}
	t.Logf("3 instances on a 6-node cluster: %d records, %v", total, tally)
}
