package mediation_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/audit"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// startAuditedSystem is startSystem with a delivery audit installed into handover and
// flushing every 200ms into the audit log at auditPath.
func startAuditedSystem(t *testing.T, auditPath string) (*system, *mediation.DeliveryAudit, *audit.Log, func()) {
	t.Helper()
	s := newTestSystem(t, time.Minute)
	s.cfg.Audit.DeliveryInterval = 200 * time.Millisecond
	al, err := audit.Open(auditPath, audit.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.start(pipeline.Options{Audit: al}, nil)
	// stop ends handover first, so the final flush sees its last writes.
	stop := func() {
		s.stop()
		al.Close()
	}
	t.Cleanup(stop)
	return s, s.core.Deliveries, al, stop
}

// TestDeliveryAuditMatchesLEMF delivers IRI and CC for two LIIDs and several CINs to a
// real LEMF and checks that the audit log's Delivery entries account for exactly what the
// LEMF received: per LIID, CIN and kind the sequence range and the count, at the right
// destination and interface; the log verifies and holds no content or target identity.
func TestDeliveryAuditMatchesLEMF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	s, da, _, stop := startAuditedSystem(t, path)
	marker := bytes.Repeat([]byte("SECRET-AUDIO-"), 13)
	for sess := range 2 {
		ck := "s" + strconv.Itoa(sess)
		s.submitBox(aliceID, ck, record.Open, etsi.BoxConnect)
		for i := range 4 {
			cc := rec(aliceID, ck, record.Continue, "m1")
			cc.MessagingCC, cc.Direction = audio(i), etsi.DirectionToTarget
			cc.MessagingCC.Content = marker
			s.submit(cc)
		}
		s.submitBox(aliceID, ck, record.Close, etsi.BoxDisconnect)
	}
	sender := bob
	mail := rec(bobID, "smtp-1", record.Standalone, "")
	mail.EmailIRI = &etsi.EmailIRI{EventType: etsi.EmailSend, ProtocolID: etsi.ProtocolSMTP, Sender: &sender, Status: etsi.EmailStatusSucceeded}
	s.submit(mail)
	s.drain()
	// A-CC: 2x(2 IRI + 4 CC) + 1 mail IRI; B-IRI: 2x2 IRI.
	s.waitLEMF(9, 8)
	waitFor(t, "a periodic flush", func() bool { return da.Entries() > 0 })
	reconnects := s.metric("umli_handover_reconnects_total")
	stop()
	got := s.received()

	type stream struct {
		liid, ne, cin, kind string
	}
	type sum struct {
		first, last         uint64
		pdus, replayed      int
		destination, hi     string
		entries, mixedPlace int
	}
	sums := map[stream]*sum{}
	es := readAudit(t, path)
	for _, d := range deliveries(es) {
		k := stream{d["liid"], d["ne"], d["cin"], d["kind"]}
		lo, hi, ok := strings.Cut(d["seq"], "-")
		first, err1 := strconv.ParseUint(lo, 10, 32)
		last, err2 := strconv.ParseUint(hi, 10, 32)
		pdus, err3 := strconv.Atoi(d["pdus"])
		rep, err4 := strconv.Atoi(d["replayed"])
		if !ok || err1 != nil || err2 != nil || err3 != nil || err4 != nil || first > last {
			t.Fatalf("malformed Delivery detail %v", d)
		}
		x := sums[k]
		if x == nil {
			x = &sum{first: first, last: last, destination: d["destination"], hi: d["hi"]}
			sums[k] = x
		}
		x.first, x.last = min(x.first, first), max(x.last, last)
		x.pdus += pdus
		x.replayed += rep
		x.entries++
		if d["destination"] != x.destination || d["hi"] != x.hi {
			x.mixedPlace++
		}
	}
	if len(sums) != len(got.PDUs) {
		t.Fatalf("audit summarizes %d streams, LEMF received %d: %v", len(sums), len(got.PDUs), sums)
	}
	for st, seqs := range got.PDUs {
		kind, wantHI := "IRI", "hi2"
		if st.CC {
			kind, wantHI = "CC", "hi3"
		}
		wantDest := map[string]string{"A-CC": "lea", "B-IRI": "lea9"}[st.LIID]
		x := sums[stream{st.LIID, st.NE, strconv.FormatUint(uint64(st.CIN), 10), kind}]
		if x == nil {
			t.Fatalf("%v: no Delivery entry", st)
		}
		var top uint32
		for q := range seqs {
			top = max(top, q)
		}
		if x.first != 0 || x.last != uint64(top) || x.destination != wantDest || x.hi != wantHI || x.mixedPlace != 0 {
			t.Errorf("%v: audited seq %d-%d at %s/%s, LEMF got 0-%d (want %s/%s)", st, x.first, x.last, x.destination, x.hi, top, wantDest, wantHI)
		}
		// Without a reconnect every PDU is written once; with one, replays are counted apart.
		if x.pdus < len(seqs) || (reconnects == 0 && (x.pdus != len(seqs) || x.replayed != 0)) {
			t.Errorf("%v: audited %d PDUs (+%d replayed), LEMF got %d (reconnects %v)", st, x.pdus, x.replayed, len(seqs), reconnects)
		}
	}
	t.Logf("%d Delivery entries for %d streams (%d entries in all)", len(deliveries(es)), len(sums), len(es))
	if res := audit.VerifyMain([]string{"verify", path}, &strings.Builder{}, &strings.Builder{}); res != 0 {
		t.Fatalf("umli audit verify: exit %d", res)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{alice, alice[1:], bob, "1000@um", "SECRET-AUDIO", mediation.KeepAliveLIID} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("audit log contains %q", secret)
		}
	}
}

// TestDeliveryAuditCountsReplays restarts the LEMF between two batches: handover replays
// its resend window on the new connection, and the audit log counts those PDUs as
// replayed, apart from the first writes, which still match what the LEMF holds.
func TestDeliveryAuditCountsReplays(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	s, _, _, stop := startAuditedSystem(t, path)
	submit := func(ck string) {
		s.submitBox(aliceID, ck, record.Open, etsi.BoxConnect)
		s.submitBox(aliceID, ck, record.Close, etsi.BoxDisconnect)
		s.drain()
	}
	submit("before")
	// A-CC and B-IRI: 2 IRI each; then a keep-alive round trip confirms them.
	waitFor(t, "first batch at the LEMF", func() bool { return s.iriAt() >= 4 })
	waitFor(t, "a confirmed keep-alive", func() bool { return s.lm.Summary().HI2.KeepAlives >= 2 })
	hi2, hi3 := s.hi2, s.hi3
	s.stopLEMF()
	s.startLEMF(hi2, hi3)
	submit("after")
	waitFor(t, "second sequence of both warrants at the new LEMF", func() bool {
		n := 0
		for _, l := range s.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				if c.CIN != nil && *c.CIN == 2 && c.IRI.PDUs >= 2 {
					n++
				}
			}
		}
		return n == 2
	})
	stop()
	got := s.received()

	first, replayed := map[string]int{}, 0
	for _, d := range deliveries(readAudit(t, path)) {
		n, _ := strconv.Atoi(d["pdus"])
		r, _ := strconv.Atoi(d["replayed"])
		first[d["liid"]+"/"+d["cin"]] += n
		replayed += r
	}
	if replayed == 0 {
		t.Errorf("no replayed PDUs audited after the LEMF restart: %v", first)
	}
	for st := range got.PDUs {
		k := st.LIID + "/" + strconv.FormatUint(uint64(st.CIN), 10)
		if first[k] < got.Count(st) {
			t.Errorf("%v: %d first writes audited, LEMF holds %d distinct", st, first[k], got.Count(st))
		}
	}
	t.Logf("first writes %v, %d replayed", first, replayed)
}

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
