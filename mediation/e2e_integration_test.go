package mediation_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/rs/zerolog"

	"github.com/umli/umli/internal/config"
	"github.com/umli/umli/internal/pipeline"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/internal/testrig"
	"github.com/umli/umli/mediation"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
	"github.com/umli/umli/mediation/warrant"
)

// TestDeliveryRules runs records through mediation, handover and a LEMF over TCP and
// checks what the LEMF got: warrants and their windows, several LIIDs per record, CC
// only where the scope allows, iRITypes, event-identifiers linking CC to IRI, versions
// per destination, and the synthesized end of an idle sequence.
func TestDeliveryRules(t *testing.T) { deliveryRules(t, startSystem(t, time.Second)) }

// deliveryRules is TestDeliveryRules' body, also run sealed (TestSealedAtRestMediation).
func deliveryRules(t *testing.T, s *system) {
	t.Helper()

	// A UM session of alice: A-CC gets IRI and CC, B-IRI (same number, 00 form) IRI only.
	open := boxRec(aliceID, "s1", record.Open, etsi.BoxConnect)
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
	s.drain()

	// A non-target: dropped. bob: only A-CC is active (C-LATER starts tomorrow).
	s.submitBox(otherID, "s2", record.Open, etsi.BoxLogin)
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
	s.drain()
	s.waitLEMF(9, 3)
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
					s.submitBox(aliceID, ck, record.Close, etsi.BoxLogout)
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
	s.drain()
	total := 0
	for i := range iri {
		total += 2*iri[i] + cc[i] // A-CC and B-IRI get IRI, A-CC gets CC
	}
	// Each stream is delivered in order: once its last number arrived, every earlier one
	// did (to the first LEMF or the second).
	waitFor(t, "LEMF catching up", func() bool {
		n := 0
		for _, l := range s.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				if c.IRI.PDUs > 0 {
					n += int(c.IRI.Highest) + 1
				}
				if c.CC.PDUs > 0 {
					n += int(c.CC.Highest) + 1
				}
			}
		}
		return n == total
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
	s.submitBox(aliceID, "r1", record.Open, etsi.BoxLogin)
	s.drain()
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
	s.submitBox(aliceID, "r1", record.Close, etsi.BoxLogout)
	s.drain()
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

// TestSetWarrants swaps the warrant set at run time: a new target is intercepted from
// then on, a removed one no longer, and a warrant naming an unknown destination is
// refused by LIID while the rest take effect.
func TestSetWarrants(t *testing.T) {
	s := startSystem(t, time.Minute)
	carol := record.Identity{Kind: record.IdentityEmail, Value: "carol@example.net"}
	start := time.Now().Add(-time.Minute)
	err := s.med.SetWarrants([]*warrant.Warrant{
		{LIID: "NEW-1", Destination: "lea", Scope: warrant.ScopeIRI, Start: start, Targets: []record.Identity{carol}},
		{LIID: "BAD-DEST", Destination: "nowhere", Scope: warrant.ScopeIRI, Start: start, Targets: []record.Identity{carol}},
	})
	if err == nil || !strings.Contains(err.Error(), "warrant BAD-DEST: destination \"nowhere\" is not configured") {
		t.Fatalf("err = %v", err)
	}
	if s.med.Warrants().Len() != 1 {
		t.Fatalf("%d warrants in force", s.med.Warrants().Len())
	}
	r := rec(carol, "c1", record.Standalone, "")
	r.MessagingIRI = msgIRI(etsi.EventDeposit)
	s.submit(r)
	old := rec(aliceID, "a1", record.Standalone, "") // alice's warrants are gone
	old.MessagingIRI = msgIRI(etsi.EventDeposit)
	s.submit(old)
	s.drain()
	s.waitLEMF(1, 0)
	if d := s.metric("umli_mediation_records_dropped_total", "reason", "no_target"); d != 1 {
		t.Errorf("alice's record: dropped %v, want 1", d)
	}
	got := s.received()
	if got.Count(pducheck.Stream{LIID: "NEW-1", NE: "um-1", CIN: 1}) != 1 || len(got.PDUs) != 1 {
		t.Fatalf("streams %v", keys(got))
	}
}

// TestQueueFull: with nothing numbering records (Run not started, as while Redis is
// away), Submit fills the bounded queue and then refuses with ErrQueueFull once its
// context ends.
func TestQueueFull(t *testing.T) {
	srv := testredis.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	defer rdb.Close()
	cfg, err := config.Parse("q.yaml", []byte(testConfig("127.0.0.1:1", "127.0.0.1:2", time.Minute, time.Now().Add(-time.Hour))+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Queue.Size, cfg.Queue.Workers = 4, 1
	med, err := mediation.New(cfg.MediationConfig(), rdb, nil, zerolog.Nop(), mediation.Options{})
	if err != nil {
		t.Fatal(err)
	}
	taken := 0
	for {
		r := rec(aliceID, "q", record.Continue, "")
		r.MessagingIRI = msgIRI(etsi.EventDeposit)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		err := med.Submit(ctx, r)
		cancel()
		if err != nil {
			if !errors.Is(err, mediation.ErrQueueFull) {
				t.Fatalf("err = %v", err)
			}
			break
		}
		taken++
	}
	if taken != 4 || med.Pending() != 4 {
		t.Fatalf("took %d records (pending %d), queue size 4", taken, med.Pending())
	}
}

// TestTwoInstances: two umli instances (mediation + handover each, own instance id)
// share one Redis and take records of the same sequences concurrently. The LEMF must get
// every number exactly once per (LIID, CIN, IRI|CC): no CIN given to two sequences, no
// sequence number twice, none missing, event-identifiers consistent.
func TestTwoInstances(t *testing.T) {
	s := startSystem(t, time.Minute)
	cfg2 := testrig.Parse(t, "two.yaml", strings.Replace(testConfig(s.hi2, s.hi3, time.Minute, time.Now().Add(-time.Hour)), "instance: it-1", "instance: it-2", 1))
	med2 := testrig.Run(t, cfg2, pipeline.Options{Redis: s.rdb, Log: zerolog.Nop()}).Mediator

	const sessions, perSession = 6, 60
	meds := []*mediation.Mediator{s.med, med2}
	var iri, cc [sessions]int
	var mu sync.Mutex
	var sw sync.WaitGroup
	for i := range sessions {
		for w := range 2 {
			sw.Add(1)
			go func() {
				defer sw.Done()
				for k := range perSession {
					r := rec(aliceID, fmt.Sprintf("two-%d", i), record.Continue, fmt.Sprintf("m%d", k/6))
					if k%3 == 2 {
						r.MessagingCC = audio(k)
					} else {
						r.MessagingIRI = msgIRI(etsi.EventRetrieve)
					}
					if err := meds[(w+k)%2].Submit(context.Background(), r); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if r.MessagingCC != nil {
						cc[i]++
					} else {
						iri[i]++
					}
					mu.Unlock()
				}
			}()
		}
	}
	sw.Wait()
	for _, m := range meds {
		if err := m.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for i := range sessions {
		total += 2*iri[i] + cc[i]
	}
	waitFor(t, "LEMF", func() bool {
		n := 0
		for _, l := range s.lm.Summary().LIIDs {
			for _, c := range l.CINs {
				n += c.IRI.PDUs - c.IRI.Duplicates + c.CC.PDUs - c.CC.Duplicates
			}
		}
		return n >= total
	})
	got := s.received()
	if len(got.Reused) > 0 || len(got.Gaps()) > 0 {
		t.Fatalf("reused %v gaps %v", got.Reused, got.Gaps())
	}
	distinct := 0
	cins := map[uint32]bool{}
	for st := range got.PDUs {
		distinct += got.Count(st)
		cins[st.CIN] = true
	}
	if distinct != total || len(cins) != sessions {
		t.Fatalf("%d distinct PDUs over %d CINs; want %d over %d", distinct, len(cins), total, sessions)
	}
	// event-identifier: one per (CIN, event key); IRI and CC of a key agree.
	for st, m := range got.PDUs {
		if st.LIID != "A-CC" {
			continue
		}
		for q := range m {
			p, err := got.Decoded(st, q)
			if err != nil {
				t.Fatal(err)
			}
			var ev uint32
			if st.CC {
				ev = p.Payload.CC[0].Contents.MessagingCC.EventIdentifier
			} else {
				ev = *p.Payload.IRI[0].Contents.MessagingIRI.EventIdentifier
			}
			if ev < 1 || ev > perSession/6 {
				t.Fatalf("%v seq %d: event id %d out of 1..%d", st, q, ev, perSession/6)
			}
		}
	}
}

// TestSubmitDurable returns only once the PDUs are in the handover queue.
func TestSubmitDurable(t *testing.T) {
	s := startSystem(t, time.Minute)
	r := rec(aliceID, "d1", record.Standalone, "")
	r.MessagingIRI = msgIRI(etsi.EventDeposit)
	if err := s.med.SubmitDurable(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if q := s.metric("umli_mediation_pdus_queued_total", "destination", "lea", "hi", "hi2"); q != 1 {
		t.Fatalf("queued on lea hi2: %v, want 1 when SubmitDurable returns", q)
	}
	nt := rec(otherID, "d2", record.Standalone, "")
	nt.MessagingIRI = msgIRI(etsi.EventDeposit)
	if err := s.med.SubmitDurable(context.Background(), nt); err != nil {
		t.Fatalf("non-target: %v", err)
	}
}
