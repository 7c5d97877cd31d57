package x1

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

func TestProvisionWarrantsRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client(t, &e.pki.client)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ws := []*warrant.Warrant{
		{LIID: "CFG-1", Scope: warrant.ScopeIRICC, Destination: "lea-a", Start: start, End: start.AddDate(1, 0, 0),
			Targets: []record.Identity{{Kind: record.IdentityE164, Value: "+49 30 123456"}, {Kind: record.IdentitySIPURI, Value: "tel:+4930999"}}},
		{LIID: "CFG-2", Scope: warrant.ScopeIRI, Destination: "lea-b",
			Targets: []record.Identity{{Kind: record.IdentityEmail, Value: "bob@example.org"}, {Kind: record.IdentityIP, Value: "2001:db8::9"},
				{Kind: record.IdentitySIPURI, Value: "sip:bob@um.example.org"}, {Kind: record.IdentityIP, Value: "198.51.100.4"}}},
	}
	addrs := map[string]string{"lea-a": "127.0.0.1:7001", "lea-b": "[::1]:7002"}
	for _, w := range ws {
		td, err := TaskFromWarrant(w, NameUUID("destination", w.Destination))
		if err != nil {
			t.Fatal(err)
		}
		dd := DestinationFor(w.Destination, addrs[w.Destination], w.DeliversCC())
		doc, err := EncodeRequest(&Request{Messages: []Message{
			{TypeOut: "CreateDestinationRequest", Header: header(), X1TransactionID: NewUUID(), DestinationDetails: &dd},
			{TypeOut: "ActivateTaskRequest", Header: header(), X1TransactionID: NewUUID(), TaskDetails: &td},
		}})
		if err != nil {
			t.Fatal(err)
		}
		validateXSD(t, doc)
	}
	for run := 0; run < 2; run++ { // the second run modifies what the first created
		if err := ProvisionWarrants(ctx, c, ws, addrs); err != nil {
			t.Fatalf("run %d: %v", run+1, err)
		}
	}
	snap, err := e.store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := Warrants(snap.Tasks, snap.Destinations)
	if len(got) != 2 || len(snap.Destinations) != 2 {
		t.Fatalf("%d warrants, %d destinations", len(got), len(snap.Destinations))
	}
	byLIID := map[string]*warrant.Warrant{}
	for _, w := range got {
		byLIID[w.LIID] = w
	}
	for _, want := range ws {
		g := byLIID[want.LIID]
		if g == nil || g.Scope != want.Scope || g.Destination != want.Destination || !g.Start.Equal(want.Start) || !g.End.Equal(want.End) || len(g.Targets) != len(want.Targets) {
			t.Fatalf("warrant %s came back as %+v", want.LIID, g)
		}
		// Every original identity still matches through the provisioned warrant.
		tbl, err := warrant.NewTable([]*warrant.Warrant{g})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range want.Targets {
			if m, why := tbl.Match(nil, []record.Identity{id}, start.Add(time.Hour)); len(m) != 1 {
				t.Errorf("warrant %s: identity kind %d no longer matches: %s", want.LIID, id.Kind, why)
			}
		}
	}
	if tasks := snap.Tasks; tasks[0].Modifications+tasks[1].Modifications != 2 {
		t.Fatalf("re-run did not modify: %+v", tasks)
	}
}

func TestTaskFromWarrantRefusesMailboxID(t *testing.T) {
	w := &warrant.Warrant{LIID: "L", Scope: warrant.ScopeIRI, Destination: "d",
		Targets: []record.Identity{{Kind: record.IdentityBoxID, Value: "1000@example.net"}}}
	_, err := TaskFromWarrant(w, didA)
	if err == nil || !strings.Contains(err.Error(), "mailbox id") || strings.Contains(err.Error(), "1000@") {
		t.Fatalf("err %v", err)
	}
}

func TestNameUUID(t *testing.T) {
	a, b := NameUUID("task", "L1"), NameUUID("task", "L2")
	if !ValidUUID(a) || a == b || a != NameUUID("task", "L1") || a == NameUUID("destination", "L1") {
		t.Fatalf("%s %s", a, b)
	}
}
