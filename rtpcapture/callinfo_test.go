package rtpcapture

import (
	"slices"
	"testing"

	"github.com/umli/umli/mediation/record"
)

func TestAddressOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{`"Alice" <sip:alice@Example.NET;transport=tcp>;tag=1`, "sip:alice@example.net"},
		{`sip:+49-170-1111@carrier.example;tag=9`, "sip:+49-170-1111@carrier.example"},
		{`<tel:+4930123;phone-context=x>`, "tel:+4930123"},
		{`<sips:bob@b.example?subject=x>`, "sips:bob@b.example"},
		{`<sip:2000@127.0.0.1:5090>`, "sip:2000@127.0.0.1"},
		{`<sip:2000@[2001:db8::1]:5090>`, "sip:2000@[2001:db8::1]"},
		{`<http://x>`, ""},
		{`<sip:broken`, ""},
		{``, ""},
	}
	for _, tc := range tests {
		if got := AddressOf(tc.in); got != tc.want {
			t.Errorf("AddressOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClassify(t *testing.T) {
	sipID := func(v string) record.Identity { return record.Identity{Kind: record.IdentitySIPURI, Value: v} }
	e164 := func(v string) record.Identity { return record.Identity{Kind: record.IdentityE164, Value: v} }
	boxID := func(v string) record.Identity { return record.Identity{Kind: record.IdentityBoxID, Value: v} }
	pilots := []string{"8000"}
	tests := []struct {
		name    string
		ci      CallInfo
		mode    Mode
		key     string
		parties []Party
	}{
		{
			name: "forwarded to voicemail (Diversion)",
			ci: CallInfo{CallID: "c1", From: "<sip:+4917011111@carrier.example>;tag=a", To: "<sip:+4917022222@carrier.example>",
				RequestURI: "sip:8000@um.example", Diversion: []string{"<sip:+4917022222@carrier.example>;reason=no-answer"}},
			mode: ModeDeposit, key: "sip:c1",
			parties: []Party{
				{Side: SideCaller, Identities: []record.Identity{sipID("sip:+4917011111@carrier.example"), e164("+4917011111")}},
				{Side: SideUM, Identities: []record.Identity{sipID("sip:+4917022222@carrier.example"), e164("+4917022222"), boxID("+4917022222@carrier.example")}, Box: "+4917022222@carrier.example"},
			},
		},
		{
			name: "History-Info, PAI preferred, platform UUID",
			ci: CallInfo{CallID: "c2", PlatformUUID: "uuid-1", From: "<sip:anonymous@anonymous.invalid>", PAI: "<tel:+4930111>",
				To: "<sip:8000@um.example>", HistoryInfo: []string{"<sip:alice@a.example>;index=1", "<sip:8000@um.example>;index=1.1"}},
			mode: ModeDeposit, key: "uuid-1",
			parties: []Party{
				{Side: SideCaller, Identities: []record.Identity{sipID("tel:+4930111"), e164("+4930111")}},
				{Side: SideUM, Identities: []record.Identity{sipID("sip:alice@a.example"), boxID("alice@a.example")}, Box: "alice@a.example"},
			},
		},
		{
			name: "owner calls the pilot",
			ci:   CallInfo{CallID: "c3", From: "<sip:2000@um.example>;tag=x", To: "<sip:8000@um.example>"},
			mode: ModeRetrieve, key: "sip:c3",
			parties: []Party{
				{Side: SideCaller, Identities: []record.Identity{sipID("sip:2000@um.example"), e164("2000"), boxID("2000@um.example")}, Box: "2000@um.example"},
			},
		},
		{
			name: "hints win",
			ci:   CallInfo{CallID: "c4", From: "<sip:bob@b.example>", To: "<sip:8000@um.example>", ModeHint: "deposit", BoxHint: "<sip:carol@c.example>"},
			mode: ModeDeposit, key: "sip:c4",
			parties: []Party{
				{Side: SideCaller, Identities: []record.Identity{sipID("sip:bob@b.example")}},
				{Side: SideUM, Identities: []record.Identity{sipID("sip:carol@c.example"), boxID("carol@c.example")}, Box: "carol@c.example"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.ci.Classify(pilots)
			if p.Mode != tc.mode || p.CorrelationKey != tc.key || len(p.Parties) != len(tc.parties) {
				t.Fatalf("plan = %+v", p)
			}
			for i := range p.Parties {
				g, w := p.Parties[i], tc.parties[i]
				if g.Side != w.Side || g.Box != w.Box || !slices.Equal(g.Identities, w.Identities) {
					t.Errorf("party %d = %+v, want %+v", i, g, w)
				}
			}
		})
	}
}
