package etsi

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// cinBoundaries are values around every point where the BER INTEGER encoding of a CIN or
// sequence number (TS 102 232-1 PS-PDU header, INTEGER (0..4294967295)) grows by an octet:
// 127/128, 32767/32768, 8388607/8388608 and 2147483647/2147483648 (a leading 0x00 keeps the
// value positive), plus 0 and the maximum.
var cinBoundaries = []uint32{0, 1, 126, 127, 128, 129, 255, 256, 32767, 32768, 65535, 65536,
	8388607, 8388608, 16777215, 16777216, 2147483647, 2147483648, 4294967294, 4294967295}

// TestCINTemplateIsFullEncode: the template's PS-PDU is byte for byte what AppendBERFraction
// writes for the same PDU with the CIN set, across CINs and sequence numbers at every
// INTEGER length step, headers whose total length crosses the one-octet BER length (127/128
// octets), with and without optional header fields, every time stamp form and fraction
// style, both schema versions, and IRI and CC payloads.
func TestCINTemplateIsFullEncode(t *testing.T) {
	q := TimeStampOfInterception
	at := time.Date(2026, 12, 4, 21, 13, 7, 123456789, time.UTC)
	us := &MicroSecondTimeStamp{Seconds: uint64(at.Unix()), MicroSeconds: 123456}
	ev := EventDeposit
	iri := Payload{IRI: []IRIPayload{{IRIType: Ptr(IRIContinue), Contents: IRIContents{MessagingIRI: &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{Message: &ev}, Status: StatusOperationSucceeded, Trigger: TriggerUser}}}}}
	cc := Payload{CC: []CCPayload{{PayloadDirection: Ptr(DirectionToTarget), Contents: CCContents{MessagingCC: &MessagingCC{
		ContentType: "audio/PCMU", Content: bytes.Repeat([]byte{0x55}, 200)}}}}}
	type form struct {
		ts   *time.Time
		us   *MicroSecondTimeStamp
		tsq  *TimeStampQualifier
		acc  string
		dcc  string
		ne   string
		ipid string
	}
	forms := []form{
		{ts: &at, us: us, tsq: &q, acc: "DE", dcc: "DE", ne: "ne-default-16oct", ipid: "ip-1"},
		{us: us},
		{ts: &at, ipid: "ip-1"},
		{ts: &at, acc: "FR", ne: "ne-default-16oct"},
	}
	n := 0
	for _, v := range []Version{LatestVersion(), Seed9Version()} {
		for _, f := range []TimeFraction{TimeFractionTrimmed, TimeFractionMilli, TimeFractionMicro} {
			for fi, fm := range forms {
				for _, liidLen := range []int{1, 9, 17, 25} { // moves the header across 127/128 octets
					for pi, pay := range []Payload{iri, cc} {
						h := PSHeader{LIID: strings.Repeat("L", liidLen), AuthorizationCountryCode: fm.acc,
							CommunicationIdentifier: CommunicationIdentifier{NetworkIdentifier: NetworkIdentifier{OperatorIdentifier: "OP-TEST", NetworkElementIdentifier: fm.ne},
								DeliveryCountryCode: fm.dcc},
							TimeStamp: fm.ts, MicroSecondTimeStamp: fm.us, TimeStampQualifier: fm.tsq, InterceptionPointID: fm.ipid}
						tmpl, err := NewCINTemplate(h, v, f)
						if err != nil {
							t.Fatal(err)
						}
						for _, cin := range cinBoundaries {
							for _, seq := range cinBoundaries {
								full := PSPDU{Header: h, Payload: pay}
								c := cin
								full.Header.CommunicationIdentifier.CIN = &c
								full.Header.SequenceNumber = seq
								want, err := full.AppendBERFraction(nil, v, f)
								if err != nil {
									t.Fatal(err)
								}
								// The template reads only the sequence number and time stamps.
								part := PSPDU{Header: PSHeader{SequenceNumber: seq, TimeStamp: fm.ts, MicroSecondTimeStamp: fm.us}, Payload: pay}
								got, err := tmpl.AppendBER([]byte("prefix"), &part, cin)
								if err != nil {
									t.Fatal(err)
								}
								if !bytes.Equal(got[len("prefix"):], want) || string(got[:len("prefix")]) != "prefix" {
									t.Fatalf("%v frac %d form %d liid %d payload %d cin %d seq %d:\n got %x\nwant %x", v, f, fi, liidLen, pi, cin, seq, got, want)
								}
								n++
							}
						}
					}
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("nothing compared")
	}
}

// TestCINTemplateCrossesLengthOctets checks that the header forms of the test above reach
// pSHeader lengths on both sides of the one-octet BER length (127/128 octets).
func TestCINTemplateCrossesLengthOctets(t *testing.T) {
	q := TimeStampOfInterception
	at := time.Date(2026, 12, 4, 21, 13, 7, 123456789, time.UTC)
	us := &MicroSecondTimeStamp{Seconds: uint64(at.Unix()), MicroSeconds: 123456}
	seen := map[bool]bool{}
	for _, liidLen := range []int{1, 25} {
		h := PSHeader{LIID: strings.Repeat("L", liidLen), AuthorizationCountryCode: "DE",
			CommunicationIdentifier: CommunicationIdentifier{NetworkIdentifier: NetworkIdentifier{OperatorIdentifier: "OP-TEST", NetworkElementIdentifier: "ne-default-16oct"}, DeliveryCountryCode: "DE"},
			TimeStamp:               &at, MicroSecondTimeStamp: us, TimeStampQualifier: &q, InterceptionPointID: "ip-1"}
		tmpl, err := NewCINTemplate(h, LatestVersion(), TimeFractionMicro)
		if err != nil {
			t.Fatal(err)
		}
		p := PSPDU{Header: PSHeader{TimeStamp: &at, MicroSecondTimeStamp: us}, Payload: Payload{CC: []CCPayload{{Contents: CCContents{MessagingCC: &MessagingCC{ContentType: "audio/PCMU", Content: []byte{1}}}}}}}
		for _, cin := range cinBoundaries {
			p.Header.SequenceNumber = cin
			out, err := tmpl.AppendBER(nil, &p, cin)
			if err != nil {
				t.Fatal(err)
			}
			// 30 <PS-PDU length> a1 <header length>: long form when the first octet has bit 8.
			at := 2
			if out[1] >= 0x80 {
				at += int(out[1] & 0x7f)
			}
			if out[at] != 0xa1 {
				t.Fatalf("no pSHeader at octet %d: %x", at, out)
			}
			seen[out[at+1] >= 0x80] = true
		}
	}
	if !seen[false] || !seen[true] {
		t.Fatalf("pSHeader length forms seen %v: the sweep must cover short and long", seen)
	}
}

func TestCINTemplateRefusesBadHeader(t *testing.T) {
	ok := PSHeader{LIID: "L", CommunicationIdentifier: CommunicationIdentifier{NetworkIdentifier: NetworkIdentifier{OperatorIdentifier: "OP"}}}
	bad := map[string]func(*PSHeader){
		"no LIID":       func(h *PSHeader) { h.LIID = "" },
		"LIID too long": func(h *PSHeader) { h.LIID = strings.Repeat("L", 26) },
		"no operator":   func(h *PSHeader) { h.CommunicationIdentifier.NetworkIdentifier.OperatorIdentifier = "" },
		"long NE": func(h *PSHeader) {
			h.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier = strings.Repeat("n", 17)
		},
		"bad country code": func(h *PSHeader) { h.CommunicationIdentifier.DeliveryCountryCode = "D" },
		"bad qualifier":    func(h *PSHeader) { q := TimeStampQualifier(99); h.TimeStampQualifier = &q },
	}
	if _, err := NewCINTemplate(ok, LatestVersion(), TimeFractionTrimmed); err != nil {
		t.Fatal(err)
	}
	for name, change := range bad {
		h := ok
		change(&h)
		if _, err := NewCINTemplate(h, LatestVersion(), TimeFractionTrimmed); err == nil {
			t.Errorf("%s: template accepted", name)
		} else if _, full := (&PSPDU{Header: h, Payload: Payload{CC: []CCPayload{{Contents: CCContents{MessagingCC: &MessagingCC{ContentType: "audio/PCMU", Content: []byte{1}}}}}}}).AppendBER(nil, LatestVersion()); full == nil {
			t.Errorf("%s: template refused what the full encoder takes", name)
		}
	}
	if _, err := NewCINTemplate(ok, LatestVersion(), TimeFraction(9)); err == nil {
		t.Error("fraction style 9 accepted")
	}
}
