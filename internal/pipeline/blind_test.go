package pipeline

import (
	"testing"
	"time"

	"github.com/umli/umli/email"
	"github.com/umli/umli/mediation/record"
)

// TestBlindOf: the tap's blind spots reach mediation's BlindSession audit — TLS it
// cannot read with its reason, an unparsable session (pipelining overflow, proxy or
// passive capture) with reason "unparsable" — with the identities to match warrants;
// lost records are not blind sessions (mediation audits them as gaps).
func TestBlindOf(t *testing.T) {
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ids := []record.Identity{{Value: "alice@example.org"}}
	tests := []struct {
		name          string
		n             email.Notice
		ok            bool
		proto, reason string
	}{
		{"starttls", email.Notice{Kind: email.NoticeTLSBlind, Source: "mx-1", Protocol: email.SMTP, Reason: "starttls", Identities: ids, Time: at}, true, "smtp", "starttls"},
		{"unparsable capture", email.Notice{Kind: email.NoticeUnparsable, Source: "tap-1", Protocol: email.IMAP, Identities: ids, Time: at}, true, "imap", "unparsable"},
		{"records lost", email.Notice{Kind: email.NoticeRecordsLost, Source: "mx-1", Count: 3}, false, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, ok := blindOf(tc.n)
			if ok != tc.ok {
				t.Fatalf("blindOf ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if b.Source != tc.n.Source || b.Protocol != tc.proto || b.Reason != tc.reason || !b.Time.Equal(at) ||
				len(b.Identities) != 1 || b.Identities[0].Value != "alice@example.org" {
				t.Errorf("blind %+v, want source %s protocol %s reason %s with the identities", b, tc.n.Source, tc.proto, tc.reason)
			}
		})
	}
}
