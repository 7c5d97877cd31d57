package pipeline

import (
	"testing"
	"time"

	"github.com/umli/umli/email"
	"github.com/umli/umli/mediation/record"
)

// TestBlindOf: the tap's blind spots reach mediation's BlindSession audit — TLS it
// cannot read with its reason, an unparsable session (pipelining overflow, proxy or
// passive capture) with reason "unparsable" — and a malformed session its
// MalformedSession audit with the framing error as reason, each with the identities to
// match warrants; lost records are neither (mediation audits them as gaps).
func TestBlindOf(t *testing.T) {
	at := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	ids := []record.Identity{{Value: "alice@example.org"}}
	tests := []struct {
		name          string
		n             email.Notice
		kind          sessionAudit
		proto, reason string
	}{
		{"starttls", email.Notice{Kind: email.NoticeTLSBlind, Source: "mx-1", Protocol: email.SMTP, Reason: "starttls", Identities: ids, Time: at}, sessionBlind, "smtp", "starttls"},
		{"unparsable capture", email.Notice{Kind: email.NoticeUnparsable, Source: "tap-1", Protocol: email.IMAP, Identities: ids, Time: at}, sessionBlind, "imap", "unparsable"},
		{"malformed", email.Notice{Kind: email.NoticeMalformed, Source: "mx-1", Protocol: email.SMTP, Reason: "smtp client line 3 byte 40: line too long", Identities: ids, Time: at},
			sessionMalformed, "smtp", "smtp client line 3 byte 40: line too long"},
		{"records lost", email.Notice{Kind: email.NoticeRecordsLost, Source: "mx-1", Count: 3}, sessionNotAudited, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, kind := blindOf(tc.n)
			if kind != tc.kind {
				t.Fatalf("blindOf kind = %v, want %v", kind, tc.kind)
			}
			if kind == sessionNotAudited {
				return
			}
			if b.Source != tc.n.Source || b.Protocol != tc.proto || b.Reason != tc.reason || !b.Time.Equal(at) ||
				len(b.Identities) != 1 || b.Identities[0].Value != "alice@example.org" {
				t.Errorf("blind %+v, want source %s protocol %s reason %s with the identities", b, tc.n.Source, tc.proto, tc.reason)
			}
		})
	}
}
