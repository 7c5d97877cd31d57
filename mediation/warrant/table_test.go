package warrant

import (
	"fmt"
	"testing"
	"time"

	"github.com/umli/umli/mediation/record"
)

func TestMatch(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := &Warrant{LIID: "A", Scope: ScopeIRICC, Start: t0, End: t0.Add(24 * time.Hour),
		Targets: []record.Identity{{Kind: record.IdentityE164, Value: "+491701234567"}, {Kind: record.IdentityEmail, Value: "alice@example.net"}}}
	b := &Warrant{LIID: "B", Scope: ScopeIRI, Start: t0.Add(12 * time.Hour),
		Targets: []record.Identity{{Kind: record.IdentityE164, Value: "00491701234567"}}}
	c := &Warrant{LIID: "C", Scope: ScopeIRI, Start: t0,
		Targets: []record.Identity{{Kind: record.IdentitySIPURI, Value: "sip:carol@example.net"}}}
	tab, err := NewTable([]*Warrant{a, b, c})
	if err != nil {
		t.Fatal(err)
	}
	msisdn := record.Identity{Kind: record.IdentityE164, Value: "491701234567"}
	mail := record.Identity{Kind: record.IdentityEmail, Value: "ALICE@example.net"}
	tests := []struct {
		name   string
		ids    []record.Identity
		at     time.Time
		want   []string
		reason DropReason
	}{
		{"one warrant", []record.Identity{msisdn}, t0.Add(time.Hour), []string{"A"}, DropNone},
		{"two warrants one identity", []record.Identity{msisdn}, t0.Add(13 * time.Hour), []string{"A", "B"}, DropNone},
		{"two identities same warrant once", []record.Identity{msisdn, mail}, t0.Add(time.Hour), []string{"A"}, DropNone},
		{"before start", []record.Identity{msisdn}, t0.Add(-time.Second), nil, DropOutsideWindow},
		{"at end is outside", []record.Identity{mail}, t0.Add(24 * time.Hour), nil, DropOutsideWindow},
		{"open end", []record.Identity{msisdn}, t0.Add(1000 * time.Hour), []string{"B"}, DropNone},
		{"sip form of number", []record.Identity{{Kind: record.IdentitySIPURI, Value: "sip:+491701234567@ims;user=phone"}}, t0.Add(time.Hour), []string{"A"}, DropNone},
		{"sip case", []record.Identity{{Kind: record.IdentitySIPURI, Value: "sips:Carol@EXAMPLE.net;x=y"}}, t0.Add(time.Hour), []string{"C"}, DropNone},
		{"no target", []record.Identity{{Kind: record.IdentityE164, Value: "+1555"}}, t0.Add(time.Hour), nil, DropNoTarget},
		{"bad identity only", []record.Identity{{Kind: record.IdentityIP, Value: "x"}}, t0.Add(time.Hour), nil, DropBadIdentity},
		{"no identities", nil, t0, nil, DropNoTarget},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := tab.Match(nil, tt.ids, tt.at)
			if reason != tt.reason {
				t.Fatalf("reason = %q, want %q", reason, tt.reason)
			}
			var liids []string
			for _, w := range got {
				liids = append(liids, w.LIID)
			}
			if len(liids) != len(tt.want) {
				t.Fatalf("matched %v, want %v", liids, tt.want)
			}
			for i := range liids {
				if liids[i] != tt.want[i] {
					t.Fatalf("matched %v, want %v", liids, tt.want)
				}
			}
		})
	}
}

func TestNewTableRefuses(t *testing.T) {
	id := []record.Identity{{Kind: record.IdentityE164, Value: "+1"}}
	if _, err := NewTable([]*Warrant{{LIID: "X", Targets: id}, {LIID: "X", Targets: id}}); err == nil {
		t.Fatal("duplicate LIID accepted")
	}
	if _, err := NewTable([]*Warrant{{LIID: "has space", Targets: id}}); err == nil {
		t.Fatal("LIID with a space accepted")
	}
	if _, err := NewTable([]*Warrant{{LIID: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", Targets: id}}); err == nil {
		t.Fatal("26-octet LIID accepted")
	}
	_, err := NewTable([]*Warrant{{LIID: "Y", Targets: []record.Identity{{Kind: record.IdentityEmail, Value: "secret-target"}}}})
	if err == nil {
		t.Fatal("bad identity accepted")
	}
	if got := err.Error(); got != "warrant Y: target 1: not an e-mail address (local@domain)" {
		t.Fatalf("error %q (must name the LIID, never the identity)", got)
	}
}

func BenchmarkMatch(b *testing.B) {
	ws := make([]*Warrant, 0, 10000)
	for i := range 10000 {
		ws = append(ws, &Warrant{LIID: fmt.Sprintf("L%d", i), Scope: ScopeIRI,
			Targets: []record.Identity{{Kind: record.IdentityE164, Value: fmt.Sprintf("+49170%07d", i)}}})
	}
	tab, err := NewTable(ws)
	if err != nil {
		b.Fatal(err)
	}
	ids := []record.Identity{{Kind: record.IdentityE164, Value: "+491700000099"}, {Kind: record.IdentityEmail, Value: "x@y.z"}}
	var dst []*Warrant
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		dst, _ = tab.Match(dst[:0], ids, now)
	}
}
