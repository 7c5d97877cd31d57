package mediation_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/pducheck"
	"github.com/umli/umli/mediation/record"
)

// The values TS 102 232-1 / 232-2 fix for a version-43/20 destination (shared/asn1).
var (
	specDomainID   = etsi.OID{0, 4, 0, 2, 2, 5, 1, 43} // li-psDomainId, LI-PS-PDU version43
	specMsgIRIObj  = etsi.OID{5, 2, 20, 3}             // messagingIRIObjId
	specMsgCCObj   = etsi.OID{5, 2, 20, 4}             // messagingCCObjId
	specMailIRIObj = etsi.OID{5, 2, 20, 1}             // emailIRIObjId
	specMailCCObj  = etsi.OID{5, 2, 20, 2}             // emailCCObjId
)

// specStreams returns the streams of liid received, IRI and CC, keyed by CIN.
func specStreams(set *pducheck.Set, liid string) (iri, cc map[uint32][]etsi.PSPDU, err error) {
	iri, cc = map[uint32][]etsi.PSPDU{}, map[uint32][]etsi.PSPDU{}
	for st, m := range set.PDUs {
		if st.LIID != liid {
			continue
		}
		for seq := uint32(0); seq < uint32(len(m)); seq++ {
			p, err := set.Decoded(st, seq)
			if err != nil {
				return nil, nil, err
			}
			if st.CC {
				cc[st.CIN] = append(cc[st.CIN], p)
			} else {
				iri[st.CIN] = append(iri[st.CIN], p)
			}
		}
	}
	return iri, cc, nil
}

// checkSpecHeader checks the PSHeader fields clause 5.2 of TS 102 232-1 asks umli to fill.
func checkSpecHeader(t *testing.T, what string, p etsi.PSPDU, liid, ne string, cin uint32, seq int) {
	t.Helper()
	h := p.Header
	if !reflect.DeepEqual(h.DomainID, specDomainID) {
		t.Errorf("%s: li-psDomainId %v, want %v", what, h.DomainID, specDomainID)
	}
	if h.LIID != liid {
		t.Errorf("%s: lawfulInterceptionIdentifier %q, want %q", what, h.LIID, liid)
	}
	ni := h.CommunicationIdentifier.NetworkIdentifier
	if ni.OperatorIdentifier != "OP-TEST" || ni.NetworkElementIdentifier != ne {
		t.Errorf("%s: networkIdentifier %+v, want operator OP-TEST, element %s", what, ni, ne)
	}
	if c := h.CommunicationIdentifier.CIN; c == nil || *c != cin {
		t.Errorf("%s: communicationIdentityNumber %v, want %d", what, c, cin)
	}
	if h.SequenceNumber != uint32(seq) {
		t.Errorf("%s: sequenceNumber %d, want %d", what, h.SequenceNumber, seq)
	}
	if h.TimeStamp == nil || h.MicroSecondTimeStamp == nil {
		t.Errorf("%s: destination asks for both time stamps: %v / %v", what, h.TimeStamp, h.MicroSecondTimeStamp)
	}
}

func specIRIType(p etsi.PSPDU) etsi.IRIType {
	if len(p.Payload.IRI) != 1 || p.Payload.IRI[0].IRIType == nil {
		return 0
	}
	return *p.Payload.IRI[0].IRIType
}

// TestSpecUMSessionCINAndEventIdentifier: TS 102 232-2 clause 8.1. A target's login …
// logout is one logical sequence with one CIN, all intermediate events carry it; a new
// login is a new CIN. When IRI and CC are both sent, event-identifier is unique per event
// within the CIN and the CC carries the event-identifier of its IRI (two retrieves in one
// session stay apart). The CC's content-identifier, sequence-number (from 0) and
// end-of-sequence reach the LEMF as the source numbered its chunks; each PDU carries the
// PSHeader of TS 102 232-1 and the MessagingIRI/MessagingCC object identifiers of Annex D.
func TestSpecUMSessionCINAndEventIdentifier(t *testing.T) {
	s := startSystem(t, time.Minute)
	chunk := func(ck, ek string, cid, seq uint32, last bool, ctype string) *record.Record {
		r := rec(aliceID, ck, record.Continue, ek)
		r.MessagingCC = &etsi.MessagingCC{ContentIdentifier: &cid, SequenceNumber: &seq, EndOfSequence: last, ContentType: ctype, Content: []byte{byte(seq), 1, 2}}
		r.Direction = etsi.DirectionToTarget
		return r
	}
	s.submitBox(aliceID, "sess-1", record.Open, etsi.BoxLogin)
	r1 := rec(aliceID, "sess-1", record.Continue, "retrieve-1")
	r1.MessagingIRI = msgIRI(etsi.EventRetrieve)
	s.submit(r1)
	s.submit(chunk("sess-1", "retrieve-1", 0, 0, false, "audio/PCMU"))
	s.submit(chunk("sess-1", "retrieve-1", 0, 1, true, "audio/PCMU"))
	r2 := rec(aliceID, "sess-1", record.Continue, "retrieve-2")
	r2.MessagingIRI = msgIRI(etsi.EventRetrieve)
	s.submit(r2)
	s.submit(chunk("sess-1", "retrieve-2", 0, 0, true, "audio/PCMU"))
	gc := rec(aliceID, "sess-1", record.Continue, "greeting")
	gc.MessagingIRI = boxIRI(etsi.BoxGreetingChange, etsi.StatusOperationSucceeded)
	s.submit(gc)
	s.submit(chunk("sess-1", "greeting", 1, 0, true, "audio/wav"))
	s.submitBox(aliceID, "sess-1", record.Close, etsi.BoxLogout)
	s.drain()
	// The next login of the same target: a new logical sequence.
	s.submitBox(aliceID, "sess-2", record.Open, etsi.BoxLogin)
	s.submitBox(aliceID, "sess-2", record.Close, etsi.BoxLogout)
	s.drain()
	// A-CC: 5+2 IRI, 4 CC; B-IRI (IRI only): 5+2.
	s.waitLEMF(14, 4)
	got := s.received()
	if len(got.Reused) > 0 || len(got.Gaps()) > 0 {
		t.Fatalf("reused %v gaps %v", got.Reused, got.Gaps())
	}
	iri, cc, err := specStreams(got, "A-CC")
	if err != nil {
		t.Fatal(err)
	}
	if len(iri) != 2 {
		t.Fatalf("IRI in %d CINs, want 2 (one per login … logout)", len(iri))
	}
	var cin1, cin2 uint32
	for c, ps := range iri {
		switch len(ps) {
		case 5:
			cin1 = c
		case 2:
			cin2 = c
		default:
			t.Fatalf("CIN %d has %d IRI", c, len(ps))
		}
	}
	if cin1 == cin2 {
		t.Fatalf("both sessions got CIN %d", cin1)
	}
	wantTypes := []etsi.IRIType{etsi.IRIBegin, etsi.IRIContinue, etsi.IRIContinue, etsi.IRIContinue, etsi.IRIEnd}
	wantCats := []string{"login", "retrieve", "retrieve", "greeting-change", "logout"}
	evOf := map[string]uint32{}
	for i, p := range iri[cin1] {
		checkSpecHeader(t, "IRI "+wantCats[i], p, "A-CC", "um-1", cin1, i)
		if specIRIType(p) != wantTypes[i] {
			t.Errorf("IRI %d (%s): iRIType %v, want %v", i, wantCats[i], specIRIType(p), wantTypes[i])
		}
		x := p.Payload.IRI[0].Contents.MessagingIRI
		if x == nil || !reflect.DeepEqual(x.ObjID, specMsgIRIObj) {
			t.Fatalf("IRI %d: not a MessagingIRI with messaging-iri-obj-id %v: %+v", i, specMsgIRIObj, x)
		}
		if i == 1 || i == 2 || i == 3 {
			if x.EventIdentifier == nil {
				t.Fatalf("IRI %d (%s) has CC but no event-identifier", i, wantCats[i])
			}
			evOf[[]string{"", "retrieve-1", "retrieve-2", "greeting"}[i]] = *x.EventIdentifier
		}
	}
	if len(map[uint32]bool{evOf["retrieve-1"]: true, evOf["retrieve-2"]: true, evOf["greeting"]: true}) != 3 {
		t.Errorf("event-identifiers within one CIN are not unique per event: %v", evOf)
	}
	wantCC := []struct {
		ev       string
		cid, seq uint32
		last     bool
		ctype    string
	}{
		{"retrieve-1", 0, 0, false, "audio/PCMU"}, {"retrieve-1", 0, 1, true, "audio/PCMU"},
		{"retrieve-2", 0, 0, true, "audio/PCMU"}, {"greeting", 1, 0, true, "audio/wav"},
	}
	if len(cc) != 1 || len(cc[cin1]) != len(wantCC) {
		t.Fatalf("CC: %d CINs, %d PDUs in the session's; want all %d in CIN %d", len(cc), len(cc[cin1]), len(wantCC), cin1)
	}
	for i, p := range cc[cin1] {
		checkSpecHeader(t, "CC", p, "A-CC", "um-1", cin1, i)
		w := wantCC[i]
		m := p.Payload.CC[0].Contents.MessagingCC
		if m == nil || !reflect.DeepEqual(m.ObjID, specMsgCCObj) {
			t.Fatalf("CC %d: not a MessagingCC with messaging-cc-obj-id %v: %+v", i, specMsgCCObj, m)
		}
		if m.EventIdentifier != evOf[w.ev] {
			t.Errorf("CC %d: event-identifier %d, want %d (its IRI %s)", i, m.EventIdentifier, evOf[w.ev], w.ev)
		}
		if m.ContentIdentifier == nil || *m.ContentIdentifier != w.cid || m.SequenceNumber == nil || *m.SequenceNumber != w.seq ||
			m.EndOfSequence != w.last || m.ContentType != w.ctype {
			t.Errorf("CC %d: content-identifier %v sequence-number %v end-of-sequence %v content-type %q; want %d %d %v %q",
				i, m.ContentIdentifier, m.SequenceNumber, m.EndOfSequence, m.ContentType, w.cid, w.seq, w.last, w.ctype)
		}
		if d := p.Payload.CC[0].PayloadDirection; d == nil || *d != etsi.DirectionToTarget {
			t.Errorf("CC %d: payloadDirection %v", i, d)
		}
	}
	for i, p := range iri[cin2] {
		checkSpecHeader(t, "second session", p, "A-CC", "um-1", cin2, i)
		if specIRIType(p) != []etsi.IRIType{etsi.IRIBegin, etsi.IRIEnd}[i] {
			t.Errorf("second session IRI %d: %v", i, specIRIType(p))
		}
	}
}

// TestSpecEmailSessionRecordTypes: Tables A.2, B.2 and C.1 put a mail session's log on in
// iRI-Begin, what follows in the same CIN, the log off in iRI-End, and a failed log on in a
// report of its own; EmailIRI and EmailCC carry their Annex D object identifiers and the
// EmailCC its Email-Format (E.2.6) and content unchanged.
func TestSpecEmailSessionRecordTypes(t *testing.T) {
	s := startSystem(t, time.Minute)
	mail := func(b record.Boundary, ek string, ev etsi.EmailEvent, st etsi.EmailStatus) *record.Record {
		r := rec(bobID, "tcp-1", b, ek)
		r.Source = "mail-1"
		r.EmailIRI = &etsi.EmailIRI{EventType: ev, ProtocolID: etsi.ProtocolPOP3, Status: st}
		return r
	}
	content := func(ek string, dir etsi.PayloadDirection, data string) *record.Record {
		r := rec(bobID, "tcp-1", record.Continue, ek)
		r.Source = "mail-1"
		r.EmailCC, r.Direction = &etsi.EmailCC{Format: etsi.EmailFormatApplication, Content: []byte(data)}, dir
		return r
	}
	s.submit(mail(record.Open, "", etsi.EmailLogon, etsi.EmailStatusSucceeded))
	s.submit(content("", etsi.DirectionFromTarget, "PASS x\r\n"))
	s.submit(content("", etsi.DirectionToTarget, "+OK\r\n"))
	s.submit(mail(record.Continue, "", etsi.EmailDownload, etsi.EmailStatusSucceeded))
	s.submit(content("", etsi.DirectionFromTarget, "RETR 1\r\n"))
	s.submit(mail(record.Close, "", etsi.EmailLogoff, etsi.EmailStatusSucceeded))
	s.drain()
	fail := mail(record.Standalone, "", etsi.EmailLogonFailure, etsi.EmailStatusFailed)
	fail.CorrelationKey = "tcp-2"
	s.submit(fail)
	s.drain()
	s.waitLEMF(4, 3)
	got := s.received()
	if len(got.Gaps()) > 0 {
		t.Fatalf("gaps %v", got.Gaps())
	}
	iri, cc, err := specStreams(got, "A-CC")
	if err != nil {
		t.Fatal(err)
	}
	var sess, report uint32
	for c, ps := range iri {
		if len(ps) == 3 {
			sess = c
		} else {
			report = c
		}
	}
	if len(iri) != 2 || sess == report || len(iri[report]) != 1 {
		t.Fatalf("IRI per CIN: %d CINs, want the session (3) and the failed log on (1)", len(iri))
	}
	wantTypes := []etsi.IRIType{etsi.IRIBegin, etsi.IRIContinue, etsi.IRIEnd}
	for i, p := range iri[sess] {
		checkSpecHeader(t, "mail IRI", p, "A-CC", "mail-1", sess, i)
		if specIRIType(p) != wantTypes[i] {
			t.Errorf("mail IRI %d: %v, want %v", i, specIRIType(p), wantTypes[i])
		}
		if x := p.Payload.IRI[0].Contents.EmailIRI; x == nil || !reflect.DeepEqual(x.ObjID, specMailIRIObj) {
			t.Errorf("mail IRI %d: emailIRIObjId %+v, want %v", i, x, specMailIRIObj)
		}
	}
	if p := iri[report][0]; specIRIType(p) != etsi.IRIReport || p.Payload.IRI[0].Contents.EmailIRI.EventType != etsi.EmailLogonFailure {
		t.Errorf("failed log on: %v %+v, want iRI-Report", specIRIType(p), p.Payload.IRI[0].Contents.EmailIRI)
	}
	wantCC := []string{"PASS x\r\n", "+OK\r\n", "RETR 1\r\n"}
	if len(cc[sess]) != len(wantCC) {
		t.Fatalf("CC in the session's CIN: %d, want %d", len(cc[sess]), len(wantCC))
	}
	for i, p := range cc[sess] {
		checkSpecHeader(t, "mail CC", p, "A-CC", "mail-1", sess, i)
		e := p.Payload.CC[0].Contents.EmailCC
		if e == nil || !reflect.DeepEqual(e.ObjID, specMailCCObj) || e.Format != etsi.EmailFormatApplication || string(e.Content) != wantCC[i] {
			t.Errorf("mail CC %d: %+v, want emailCCObjId %v, application, %q", i, e, specMailCCObj, wantCC[i])
		}
	}
}
