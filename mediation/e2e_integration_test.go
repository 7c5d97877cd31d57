package mediation_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
)

// TestDeliveryRules runs records through mediation, handover and a LEMF over TCP and
// checks what the LEMF got: warrants and their windows, several LIIDs per record, CC
// only where the scope allows, iRITypes, event-identifiers linking CC to IRI, versions
// per destination, and the synthesized end of an idle sequence.
func TestDeliveryRules(t *testing.T) {
	s := startSystem(t, time.Second)

	// A UM session of alice: A-CC gets IRI and CC, B-IRI (same number, 00 form) IRI only.
	open := rec(aliceID, "s1", record.Open, "")
	open.MessagingIRI = boxIRI(etsi.BoxConnect, etsi.StatusOperationSucceeded)
	open.CloseEvent = boxIRI(etsi.BoxDisconnect, etsi.StatusUnknown)
	s.submit(open)
	dep := rec(aliceID, "s1", record.Continue, "m1")
	dep.MessagingIRI = msgIRI(etsi.EventDeposit)
	s.submit(dep)
	for i := range 3 {
		cc := rec(aliceID, "s1", record.Continue, "m1")
		cc.MessagingCC, cc.Direction = audio(i), etsi.DirectionToTarget
		s.submit(cc)
	}
	del := rec(aliceID, "s1", record.Continue, "m2")
	del.MessagingIRI = msgIRI(etsi.EventDelete)
	s.submit(del)
	// s1 is left open: the idle sweeper ends it with the Open's close event.
	// (Drain so that s1 takes CIN 1: different sequences are numbered in parallel.)
	if err := s.med.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}

	// A non-target: dropped. bob: only A-CC is active (C-LATER starts tomorrow).
	nt := rec(otherID, "s2", record.Open, "")
	nt.MessagingIRI = boxIRI(etsi.BoxLogin, etsi.StatusOperationSucceeded)
	s.submit(nt)
	sender := bob
	mail := rec(bobID, "smtp-1", record.Standalone, "")
	mail.EmailIRI = &etsi.EmailIRI{EventType: etsi.EmailSend, ProtocolID: etsi.ProtocolSMTP, Sender: &sender, Status: etsi.EmailStatusSucceeded}
	s.submit(mail)
	// Not exactly one content: refused to the source, nothing numbered.
	bad := rec(aliceID, "s1", record.Continue, "")
	if err := s.med.Submit(context.Background(), bad); !errors.Is(err, mediation.ErrBadRecord) {
		t.Fatalf("record without content: %v", err)
	}

	waitFor(t, "idle close", func() bool { return s.metric("umli_mediation_idle_closed_total") == 1 })
	if err := s.med.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "LEMF", func() bool {
		sum := s.lm.Summary()
		return sum.HI2.PDUs-sum.HI2.KeepAlives >= 9 && sum.HI3.PDUs-sum.HI3.KeepAlives >= 3
	})
	if got := s.metric("umli_mediation_records_dropped_total", "reason", "no_target"); got != 1 {
		t.Errorf("dropped no_target = %v, want 1", got)
	}
	got := s.received()
	if len(got.Reused) > 0 || len(got.Gaps()) > 0 {
		t.Fatalf("reused %v gaps %v", got.Reused, got.Gaps())
	}
	a := pducheck.Stream{LIID: "A-CC", NE: "um-1", CIN: 1}
	aCC := a
	aCC.CC = true
	b := pducheck.Stream{LIID: "B-IRI", NE: "um-1", CIN: 1}
	mailA := pducheck.Stream{LIID: "A-CC", NE: "um-1", CIN: 2}
	want := map[pducheck.Stream]int{a: 4, aCC: 3, b: 4, mailA: 1}
	if len(got.PDUs) != len(want) {
		t.Fatalf("streams %v, want %v", keys(got), want)
	}
	for st, n := range want {
		if c := got.Count(st); c != n {
			t.Errorf("%v: %d PDUs, want %d\n%v", st, c, n, keys(got))
		}
	}
	types := []etsi.IRIType{etsi.IRIBegin, etsi.IRIContinue, etsi.IRIContinue, etsi.IRIEnd}
	for seq, wt := range types {
		for _, st := range []pducheck.Stream{a, b} {
			p, err := got.Decoded(st, uint32(seq))
			if err != nil {
				t.Fatal(err)
			}
			iri := p.Payload.IRI[0]
			if *iri.IRIType != wt {
				t.Errorf("%v seq %d: %v, want %v", st, seq, *iri.IRIType, wt)
			}
			if st == b && p.Header.DomainID != nil && p.Header.DomainID[len(p.Header.DomainID)-1] != 43 {
				t.Errorf("B-IRI domain id %v", p.Header.DomainID)
			}
		}
	}
	// The synthesized end is the Open's close event.
	end, _ := got.Decoded(a, 3)
	if c := end.Payload.IRI[0].Contents.MessagingIRI.Category; c.MessageBox == nil || *c.MessageBox != etsi.BoxDisconnect {
		t.Errorf("end category %+v", c)
	}
	// event-identifier links the deposit IRI to its CC; the delete has its own.
	depPDU, _ := got.Decoded(a, 1)
	delPDU, _ := got.Decoded(a, 2)
	ccPDU, _ := got.Decoded(aCC, 2)
	if ev := depPDU.Payload.IRI[0].Contents.MessagingIRI.EventIdentifier; ev == nil || *ev != 1 {
		t.Errorf("deposit event id %v", ev)
	}
	if ev := delPDU.Payload.IRI[0].Contents.MessagingIRI.EventIdentifier; ev == nil || *ev != 2 {
		t.Errorf("delete event id %v", ev)
	}
	if cc := ccPDU.Payload.CC[0]; cc.Contents.MessagingCC.EventIdentifier != 1 || *cc.PayloadDirection != etsi.DirectionToTarget {
		t.Errorf("CC %+v", cc)
	}
	if ccPDU.Header.TimeStamp == nil || ccPDU.Header.MicroSecondTimeStamp == nil {
		t.Errorf("destination lea wants both time stamps: %+v", ccPDU.Header)
	}
	m, _ := got.Decoded(mailA, 0)
	if *m.Payload.IRI[0].IRIType != etsi.IRIReport {
		t.Errorf("standalone e-mail: %v", *m.Payload.IRI[0].IRIType)
	}
}

func keys(s *pducheck.Set) []string {
	var out []string
	for st, m := range s.PDUs {
		d := st.String() + ":"
		for q := range uint32(len(m)) {
			p, err := s.Decoded(st, q)
			switch {
			case err != nil:
				d += fmt.Sprintf(" %d:%v", q, err)
			case p.Payload.IRI != nil:
				iri := p.Payload.IRI[0]
				d += fmt.Sprintf(" %d:%v", q, *iri.IRIType)
				if mi := iri.Contents.MessagingIRI; mi != nil && mi.Category != nil {
					d += fmt.Sprintf("/%+v", *mi.Category)
				}
			default:
				d += fmt.Sprintf(" %d:cc", q)
			}
		}
		out = append(out, d)
	}
	return out
}

// load submits records of n sessions concurrently until stop is closed, then closes
// every session; it returns how many IRI and CC records each session got.
func load(t *testing.T, s *system, n int, stop <-chan struct{}) (iri, cc []int) {
	iri, cc = make([]int, n), make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ck := fmt.Sprintf("load-%d", i)
			for k := 0; ; k++ {
				select {
				case <-stop:
					end := rec(aliceID, ck, record.Close, "")
					end.MessagingIRI = boxIRI(etsi.BoxLogout, etsi.StatusOperationSucceeded)
					s.submit(end)
					iri[i]++
					return
				default:
				}
				r := rec(aliceID, ck, record.Continue, fmt.Sprintf("m%d", k/4))
				if k%2 == 0 {
					r.MessagingIRI = msgIRI(etsi.EventDeposit)
					iri[i]++
				} else {
					r.MessagingCC = audio(k)
					cc[i]++
				}
				s.submit(r)
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	return iri, cc
}

// TestLEMFOutageUnderLoad stops the LEMF for several seconds while records keep coming,
// restarts it on the same addresses, and checks that the two LEMF lifetimes together
// hold every PDU: no gap, and a number seen twice only as the same PDU resent.
func TestLEMFOutageUnderLoad(t *testing.T) {
	s := startSystem(t, time.Minute)
	stop := make(chan struct{})
	done := make(chan struct{})
	var iri, cc []int
	go func() {
		defer close(done)
		iri, cc = load(t, s, 4, stop)
	}()
	time.Sleep(time.Second)
	hi2, hi3 := s.hi2, s.hi3
	s.stopLEMF()
	time.Sleep(3 * time.Second) // the outage: handover buffers in Redis
	s.startLEMF(hi2, hi3)
	time.Sleep(time.Second)
	close(stop)
	<-done
	if err := s.med.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Each stream is delivered in order: once its last PDU arrived, all earlier ones did.
	total := 0
	for i := range iri {
		total += 2*iri[i] + cc[i] // A-CC and B-IRI get IRI, A-CC gets CC
	}
	waitFor(t, "LEMF catching up", func() bool {
		sum := s.lm.Summary()
		for _, l := range sum.LIIDs {
			for _, c := range l.CINs {
				if len(c.Events) == 0 || c.Events[len(c.Events)-1].IRIType != "iRI-End" {
					return false
				}
			}
		}
		return len(sum.LIIDs) == 2 && len(sum.LIIDs[0].CINs) == len(iri) && len(sum.LIIDs[1].CINs) == len(iri)
	})
	got := s.received()
	if len(got.Reused) > 0 {
		t.Fatalf("sequence numbers reused: %v", got.Reused)
	}
	if g := got.Gaps(); len(g) > 0 {
		t.Fatalf("%d gaps, first %v", len(g), g[:min(len(g), 5)])
	}
	distinct := 0
	for st := range got.PDUs {
		distinct += got.Count(st)
	}
	if distinct != total {
		t.Fatalf("LEMF holds %d distinct PDUs, mediation numbered %d", distinct, total)
	}
	t.Logf("%d PDUs numbered, %d received including resends, across %d LEMF lifetimes", total, got.Total, len(s.lmDirs))
}

// TestRedisOutage stops Redis while records arrive: Submit keeps taking them into the
// bounded in-memory queue (the depth shows on a metric) and once Redis is back every
// record is numbered and delivered without a gap.
func TestRedisOutage(t *testing.T) {
	s := startSystem(t, time.Minute)
	first := rec(aliceID, "r1", record.Open, "")
	first.MessagingIRI = boxIRI(etsi.BoxLogin, etsi.StatusOperationSucceeded)
	s.submit(first)
	if err := s.med.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.redis.Stop()
	for range 20 {
		r := rec(aliceID, "r1", record.Continue, "")
		r.MessagingIRI = msgIRI(etsi.EventRetrieve)
		s.submit(r)
	}
	if d := s.metric("umli_mediation_queue_depth"); d < 1 {
		t.Fatalf("queue depth %v during the outage", d)
	}
	// Keep Redis down until mediation has noticed and is retrying.
	waitFor(t, "session step retries", func() bool { return s.metric("umli_mediation_retries_total", "op", "session_step") > 0 })
	s.redis.Restart(t)
	end := rec(aliceID, "r1", record.Close, "")
	end.MessagingIRI = boxIRI(etsi.BoxLogout, etsi.StatusOperationSucceeded)
	s.submit(end)
	if err := s.med.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "LEMF", func() bool {
		sum := s.lm.Summary()
		return sum.HI2.PDUs-sum.HI2.KeepAlives >= 44
	})
	got := s.received()
	if len(got.Reused) > 0 || len(got.Gaps()) > 0 {
		t.Fatalf("reused %v gaps %v", got.Reused, got.Gaps())
	}
	a := pducheck.Stream{LIID: "A-CC", NE: "um-1", CIN: 1}
	if got.Count(a) != 22 {
		t.Fatalf("A-CC got %d PDUs, want 22", got.Count(a))
	}
}
