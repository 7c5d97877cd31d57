package mediation_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// TestMalformedSessionAudited: a malformed mail session of a target gets a
// MalformedSession entry naming its LIID, network element, protocol and the framing
// error; malformed sessions of non-targets get one entry per network element and
// protocol a minute, counting sessions and naming no LIID or identity; and a blind
// session beside them keeps its own BlindSession entry (the two are counted apart).
func TestMalformedSessionAudited(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	s, _, _, stop := startAuditedSystem(t, path)
	at := time.Now()
	const why = "smtp client line 3 byte 40: line too long"
	nobody := record.Identity{Kind: record.IdentityEmail, Value: "nobody@example.net"}
	s.med.MalformedSession(mediation.Blind{Source: "mx-1", Protocol: "smtp", Reason: why, Identities: []record.Identity{bobID}, Time: at})
	for i := range 3 {
		s.med.MalformedSession(mediation.Blind{Source: "mx-1", Protocol: "smtp", Reason: why, Identities: []record.Identity{nobody}, Time: at.Add(time.Duration(i) * time.Second)})
	}
	s.med.BlindSession(mediation.Blind{Source: "mx-1", Protocol: "smtp", Reason: "starttls", Identities: []record.Identity{nobody}, Time: at})
	// One record through, so the system is running when it stops (the entries above are
	// written synchronously).
	s.submitBox(aliceID, "box-1", record.Standalone, etsi.BoxConnect)
	s.drain()
	s.waitLEMF(1, 0)
	stop()

	var target, unattributed, blind []audit.Entry
	for _, e := range readAudit(t, path) {
		switch {
		case e.Action == audit.ActionMalformedSession && e.Result == "target":
			target = append(target, e)
		case e.Action == audit.ActionMalformedSession:
			unattributed = append(unattributed, e)
		case e.Action == audit.ActionBlindSession:
			blind = append(blind, e)
		}
	}
	if len(target) != 1 {
		t.Fatalf("%d target MalformedSession entries, want 1", len(target))
	}
	if d := target[0].Detail; d["liid"] != "A-CC" || d["ne"] != "mx-1" || d["protocol"] != "smtp" || d["reason"] != why {
		t.Errorf("target entry %v, want liid A-CC, ne mx-1, protocol smtp, reason %q", d, why)
	}
	if len(unattributed) != 1 {
		t.Fatalf("%d unattributed MalformedSession entries, want 1 a minute", len(unattributed))
	}
	if d := unattributed[0].Detail; d["liid"] != "" || d["sessions"] != "1" || d["ne"] != "mx-1" {
		t.Errorf("unattributed entry %v, want no LIID, ne mx-1, sessions 1 (the first of the minute)", d)
	}
	if len(blind) != 1 || blind[0].Detail["reason"] != "starttls" {
		t.Errorf("BlindSession entries %+v, want one with reason starttls", blind)
	}
	for _, e := range append(append(target, unattributed...), blind...) {
		for _, v := range e.Detail {
			if strings.Contains(v, "example") {
				t.Errorf("entry %v names an identity", e.Detail)
			}
		}
	}
}
