package etsi

import (
	"bytes"
	"strings"
	"testing"
)

// A tiny BER builder, independent of the encoder, so the strict check is tested against
// bytes written by hand from the schema.

func tlvLen(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n < 0x100:
		return []byte{0x81, byte(n)}
	default:
		return []byte{0x82, byte(n >> 8), byte(n)}
	}
}

// prim is a primitive TLV with a one-octet identifier.
func prim(id byte, content ...byte) []byte {
	return append(append([]byte{id}, tlvLen(len(content))...), content...)
}

func primS(id byte, s string) []byte { return prim(id, []byte(s)...) }

// cons is a constructed TLV.
func cons(id byte, kids ...[]byte) []byte {
	body := bytes.Join(kids, nil)
	return append(append([]byte{id}, tlvLen(len(body))...), body...)
}

var (
	bHeader = cons(0xA1,
		prim(0x80, 0x04, 0x00, 0x02, 0x02, 0x05, 0x01, 43), // li-psDomainId {0 4 0 2 2 5 1 43}
		primS(0x81, "LIID-1"),
		cons(0xA3, cons(0xA0, primS(0x80, "OP"), primS(0x81, "ne-1")), prim(0x81, 0x07)),
		prim(0x84, 0x05))
	bObjEmail20 = prim(0x80, 5, 2, 20, 1)
	bObjEmail9  = prim(0x80, 5, 2, 9, 1)
)

// bIRI wraps IRI contents (an iRIContents alternative TLV) in an IRIPayload.
func bIRI(contents []byte) []byte {
	return cons(0x30, prim(0x80, 0x04), cons(0xA2, contents))
}

func bPDU(hdr []byte, payloads ...[]byte) []byte {
	return cons(0x30, hdr, cons(0xA2, cons(0xA0, payloads...)))
}

// bEmail is an EmailIRI PDU: obj id, the mandatory fields, then extra in tag order
// (extra are inserted by tag number between the mandatory ones).
func bEmail(obj []byte, extra map[int][]byte) []byte {
	base := map[int][]byte{0: obj, 1: prim(0x81, 5), 6: prim(0x86, 0), 7: prim(0x87, 0), 8: prim(0x88, 3), 11: prim(0x8B, 3)}
	for k, v := range extra {
		base[k] = v
	}
	var fields [][]byte
	for tag := 0; tag <= 17; tag++ {
		if f, ok := base[tag]; ok && f != nil {
			fields = append(fields, f)
		}
	}
	return bPDU(bHeader, bIRI(cons(0xA1, fields...)))
}

// bMessaging is a MessagingIRI PDU with the given party identity (an alternative TLV)
// and extra fields appended after trigger.
func bMessaging(ver byte, identity []byte, extra ...[]byte) []byte {
	f := [][]byte{prim(0x80, 5, 2, ver, 3), prim(0x81, 1), prim(0x84, 3)}
	if identity != nil {
		f = append(f, cons(0xA5, cons(0x30, prim(0x80, 1), cons(0xA1, identity))))
	}
	f = append(f, prim(0x86, 1))
	f = append(f, extra...)
	return bPDU(bHeader, bIRI(cons(0xAE, f...)))
}

func rpt(c byte, n int) []byte { return bytes.Repeat([]byte{c}, n) }

type wantV struct {
	path   string
	offset int
	reason string // substring
}

const (
	pEmail = "payload.iRIPayloadSequence[0].iRIContents.emailIRI"
	pMsg   = "payload.iRIPayloadSequence[0].iRIContents.messagingIRI"
	pID    = pMsg + ".party-information[0].party-identity"
)

// at is the offset of el in pdu (el must occur once) plus delta.
func at(t *testing.T, pdu, el []byte, delta int) int {
	t.Helper()
	i := bytes.Index(pdu, el)
	if i < 0 || bytes.Index(pdu[i+1:], el) >= 0 {
		t.Fatalf("element % x not unique in the PDU", el[:min(len(el), 8)])
	}
	return i + delta
}

func TestValidateViolations(t *testing.T) {
	sender256 := prim(0x89, rpt('s', 256)...)
	senderBad := prim(0x89, 'a', 'b', 0xFF, 'c')
	user65 := prim(0x80, rpt('u', 65)...)
	imap65 := cons(0xB0, cons(0xA2, user65))
	country := cons(0xAF, prim(0x81, 'D', '!'))
	ia5 := prim(0x82, '1', '.', '2', '.', '3', '.', 0xE4)
	client := cons(0xA2, prim(0x81, 0), cons(0xA2, ia5))
	recips := make([][]byte, 1024)
	for i := range recips {
		recips[i] = primS(0x0C, "r@x")
	}
	list1024 := cons(0xAA, recips...)
	aaaUnknown := cons(0xB0, cons(0xA5, prim(0x80, 'u')))
	webmail := prim(0x88, 4)
	unknownEvent := prim(0x81, 99)

	type tc struct {
		name string
		pdu  []byte
		want func(pdu []byte) []wantV
	}
	cases := []tc{
		{"clean e-mail IRI", bEmail(bObjEmail20, nil), func([]byte) []wantV { return nil }},
		{"sender over 255", bEmail(bObjEmail20, map[int][]byte{9: sender256}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".e-mail-Sender", at(t, p, sender256, 0), "256 octets, SIZE (0..255)"}}
		}},
		{"sender invalid UTF-8", bEmail(bObjEmail20, map[int][]byte{9: senderBad}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".e-mail-Sender", at(t, p, senderBad, 2+2), "invalid UTF-8 at content octet 2"}}
		}},
		{"imap username over 64", bEmail(bObjEmail20, map[int][]byte{16: imap65}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".aAAInformation.iMAPAAAInformation.username", at(t, p, user65, 0), "65 octets, SIZE (0..64)"}}
		}},
		{"recipients over 1023", bEmail(bObjEmail20, map[int][]byte{10: list1024}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".e-mail-Recipients", at(t, p, list1024[:6], 0), "1024 elements, SIZE (0..1023)"}}
		}},
		{"countryCode not PrintableString", bEmail(bObjEmail20, map[int][]byte{15: country}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".national-EM-ASN1parameters.countryCode", at(t, p, country, 2+2+1), "octet 1 is not a PrintableString"}}
		}},
		{"iPTextAddress not IA5String", bEmail(bObjEmail20, map[int][]byte{2: client}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".client-Address.iP-value.iPTextAddress", at(t, p, ia5, 2+6), "octet 6 is not an IA5String"}}
		}},
		{"unknown enumeration value", bEmail(bObjEmail20, map[int][]byte{1: unknownEvent}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".eventType", at(t, p, unknownEvent, 0), "99 is not a value"}}
		}},
		{"extension value newer than declared version", bEmail(bObjEmail9, map[int][]byte{8: webmail}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".protocol-ID", at(t, p, webmail, 0), "exists only since EmailPDU version 20; the payload declares version 9"}}
		}},
		{"mandatory field missing", bEmail(bObjEmail20, map[int][]byte{11: nil}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".status", 0, "mandatory field missing"}}
		}},
		{"unknown CHOICE alternative", bEmail(bObjEmail20, map[int][]byte{16: aaaUnknown}), func(p []byte) []wantV {
			return []wantV{{pEmail + ".aAAInformation", at(t, p, aaaUnknown, 2), "unknown CHOICE alternative [5]"}}
		}},
		{"all violations collected", bEmail(bObjEmail20, map[int][]byte{1: unknownEvent, 9: senderBad, 16: imap65}), func(p []byte) []wantV {
			return []wantV{
				{pEmail + ".eventType", at(t, p, unknownEvent, 0), "not a value"},
				{pEmail + ".e-mail-Sender", at(t, p, senderBad, 4), "invalid UTF-8"},
				{pEmail + ".aAAInformation.iMAPAAAInformation.username", at(t, p, user65, 0), "SIZE (0..64)"},
			}
		}},
	}
	// relative OID versions disagree across the PDU's payloads
	mixed := bPDU(bHeader, bIRI(cons(0xA1, bObjEmail20, prim(0x81, 5), prim(0x86, 0), prim(0x87, 0), prim(0x88, 3), prim(0x8B, 3))),
		bIRI(cons(0xA1, bObjEmail9, prim(0x81, 5), prim(0x86, 0), prim(0x87, 0), prim(0x88, 2), prim(0x8B, 3))))
	cases = append(cases, tc{"relative OID versions disagree", mixed, func(p []byte) []wantV {
		return []wantV{{"payload.iRIPayloadSequence[1].iRIContents.emailIRI.emailIRIObjId", at(t, p, bObjEmail9, 0),
			"EmailPDU version 9, but payload.iRIPayloadSequence[0].iRIContents.emailIRI.emailIRIObjId declares version 20"}}
	}})
	// header: non-minimal INTEGER, range, wrong domain id, out-of-order field
	seqNonMin := prim(0x84, 0x00, 0x05)
	badDomain := prim(0x80, 0x04, 0x00, 0x02, 0x02, 0x05, 0x02, 43)
	micro := cons(0xA7, prim(0x80, 0x01), prim(0x81, 0x0F, 0x42, 0x40)) // 1000000
	hdr := cons(0xA1, badDomain, primS(0x81, "LIID-1"), cons(0xA3, cons(0xA0, primS(0x80, "OP"))), seqNonMin, micro)
	hp := bPDU(hdr, bIRI(cons(0xA1, bObjEmail20, prim(0x81, 5), prim(0x86, 0), prim(0x87, 0), prim(0x88, 3), prim(0x8B, 3))))
	cases = append(cases, tc{"header violations", hp, func(p []byte) []wantV {
		return []wantV{
			{"pSHeader.li-psDomainId", at(t, p, badDomain, 0), "is not {0 4 0 2 2 5 1 version}"},
			{"pSHeader.sequenceNumber", at(t, p, seqNonMin, 0), "not minimally encoded"},
			{"pSHeader.microSecondTimeStamp.microSeconds", at(t, p, micro, 5), "1000000 not in 0..999999"},
		}
	}})
	outOfOrder := bPDU(bHeader, bIRI(cons(0xA1, bObjEmail20, prim(0x81, 5), prim(0x86, 0), prim(0x87, 0), prim(0x8B, 3), prim(0x88, 3))))
	cases = append(cases, tc{"SEQUENCE out of order", outOfOrder, func(p []byte) []wantV {
		return []wantV{{pEmail + ".protocol-ID", at(t, p, []byte{0x8B, 1, 3, 0x88, 1, 3}, 3), "out of order"}}
	}})
	// Messaging-Party-Identity layouts
	e164OK := prim(0x81, 0x84, 0x13, 0x94, 0x71, 0x02) // odd: 4 9 1 7 2, filler 0
	e164Nature := prim(0x81, 0x83, 0x13, 0x94, 0x71, 0x02)
	e164Plan := prim(0x81, 0x84, 0x23, 0x94, 0x71, 0x02)
	e164Digit := prim(0x81, 0x04, 0x13, 0x94, 0xA1)
	e164FillerMid := prim(0x81, 0x04, 0x13, 0x04, 0x71)     // even count but a 0 high nibble is a digit: fine
	e164OddNoFiller := prim(0x81, 0x84, 0x13, 0x94, 0x71)   // odd indicator, last high nibble 7
	e164FFiller := prim(0x81, 0x04, 0x13, 0x94, 0xF1, 0x22) // 0xF in the middle
	e164ASCII := primS(0x81, "4917012345678")
	msisdnNat := prim(0x80, 0x81, 0x94, 0x71)
	msisdnOK := prim(0x80, 0x91, 0x94, 0xF1)
	imsiShort := prim(0x86, 0x62, 0xF2)
	imeiShort := prim(0x87, 0x33, 0x33, 0x33, 0x33, 0x33, 0x33, 0xF3)
	imsiFillerMid := prim(0x86, 0x62, 0xF2, 0x10)
	for _, c := range []struct {
		name, field string
		id          []byte
		delta       int
		reason      string
	}{
		{"e164 ok", "", e164OK, 0, ""},
		{"e164 even with zero high nibble", "", e164FillerMid, 0, ""},
		{"msisdn ok", "", msisdnOK, 0, ""},
		{"e164 nature of address", "e164-format", e164Nature, 2, "nature of address"},
		{"e164 numbering plan", "e164-format", e164Plan, 3, "numbering plan"},
		{"e164 BCD digit", "e164-format", e164Digit, 2 + 3, "not a digit"},
		{"e164 odd without filler", "e164-format", e164OddNoFiller, 2 + 3, "filler 0000"},
		{"e164 filler before the end", "e164-format", e164FFiller, 2 + 3, "only in the last high nibble"},
		{"e164 ASCII digits", "e164-format", e164ASCII, 2, "nature of address"},
		{"msisdn nature", "msisdn", msisdnNat, 2, "0x91"},
		{"imsi under SIZE", "imsi", imsiShort, 0, "2 octets, SIZE (3..8)"},
		{"imei under SIZE", "imei", imeiShort, 0, "7 octets, SIZE (8..8)"},
		{"imsi filler before the end", "imsi", imsiFillerMid, 2 + 1, "TBCD high nibble"},
	} {
		c := c
		cases = append(cases, tc{c.name, bMessaging(20, c.id), func(p []byte) []wantV {
			if c.field == "" {
				return nil
			}
			return []wantV{{pID + "." + c.field, at(t, p, c.id, c.delta), c.reason}}
		}})
	}
	// version gating of fields and alternatives, and a CHOICE that is unknown
	imsi9 := prim(0x86, 0x62, 0x02, 0x10, 0x32)
	trc := prim(0x8B, 0x05)
	cases = append(cases,
		tc{"alternative newer than declared version", bMessaging(9, imsi9), func(p []byte) []wantV {
			return []wantV{{pID + ".imsi", at(t, p, imsi9, 0), "alternative exists only since EmailPDU version 20"}}
		}},
		tc{"field newer than declared version", bMessaging(9, nil, trc), func(p []byte) []wantV {
			return []wantV{{pMsg + ".total-recipient-count", at(t, p, trc, 0), "field exists only since EmailPDU version 20"}}
		}},
		tc{"port-number over 65535", bMessaging(20, cons(0xA5, cons(0xA0, prim(0x81, 0), cons(0xA2, prim(0x81, 192, 0, 2, 1))), prim(0x81, 0x01, 0x00, 0x00))),
			func(p []byte) []wantV {
				return []wantV{{pID + ".ip-address-and-port.port-number", at(t, p, []byte{0x81, 0x03, 0x01, 0x00, 0x00}, 0), "65536 not in 0..65535"}}
			}},
		tc{"IPv4 type with a 16-octet address", bMessaging(20, cons(0xA3, prim(0x81, 0), cons(0xA2, prim(0x81, rpt(7, 16)...)))),
			func(p []byte) []wantV {
				return []wantV{{pID + ".ip-address.iP-value.iPBinaryAddress", at(t, p, prim(0x81, rpt(7, 16)...), 0), "16 octets for iP-type 0, want 4"}}
			}},
		tc{"unknown party-identity alternative", bMessaging(20, prim(0x9E, 1)), func(p []byte) []wantV {
			return []wantV{{pID, at(t, p, []byte{0x9E, 1, 1}, 0), "unknown CHOICE alternative"}}
		}},
	)
	// DEFAULT FALSE written explicitly is valid BER: no violation.
	ccPDU := cons(0x30, bHeader, cons(0xA2, cons(0xA1, cons(0x30, prim(0x80, 1), cons(0xA2, cons(0xAE,
		prim(0x80, 5, 2, 20, 4), prim(0x81, 1), prim(0x84, 0x00), primS(0x85, "text/plain"), primS(0x86, "x")))))))
	cases = append(cases, tc{"explicit DEFAULT FALSE", ccPDU, func([]byte) []wantV { return nil }})
	// A child whose length overruns its parent: a violation at its offset, the walk goes on.
	broken := bEmail(bObjEmail20, map[int][]byte{9: {0x89, 0x05, 'a'}})
	cases = append(cases, tc{"malformed child", broken, func(p []byte) []wantV {
		return []wantV{
			{pEmail, bytes.Index(p, []byte{0x89, 0x05, 'a'}), "malformed BER"},
			{pEmail + ".status", 0, "mandatory field missing"},
		}
	}})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, n, err := Validate(c.pdu)
			if err != nil || n != len(c.pdu) {
				t.Fatalf("Validate: %v (%d of %d)", err, n, len(c.pdu))
			}
			want := c.want(c.pdu)
			fixOffsets(c.pdu, want)
			if len(got) != len(want) {
				t.Fatalf("got %d violations %v, want %d %v", len(got), got, len(want), want)
			}
			for i, w := range want {
				g := got[i]
				if g.Path != w.path || g.Offset != w.offset || !strings.Contains(g.Reason, w.reason) {
					t.Errorf("violation %d: %s; want offset %d %s: …%s…", i, g, w.offset, w.path, w.reason)
				}
			}
		})
	}
}

// fixOffsets resolves the "mandatory field missing" expectations, which sit at the
// offset of the enclosing emailIRI SEQUENCE ([1] constructed inside iRIContents [2]).
func fixOffsets(pdu []byte, want []wantV) {
	for i := range want {
		if want[i].reason == "mandatory field missing" && strings.HasPrefix(want[i].path, pEmail+".") {
			want[i].offset = emailIRIOffset(pdu)
		}
	}
}

// emailIRIOffset is the offset of the first emailIRI: iRIContents [2] follows the
// iRIType TLV 80 01 04, and emailIRI follows iRIContents' identifier and length octets.
func emailIRIOffset(pdu []byte) int {
	j := bytes.Index(pdu, []byte{0x80, 0x01, 0x04, 0xA2}) + 3
	n := 1
	if pdu[j+1] >= 0x80 {
		n += int(pdu[j+1] & 0x7F)
	}
	return j + 1 + n
}

func TestValidateNotBER(t *testing.T) {
	for _, b := range [][]byte{nil, {0x30}, {0x30, 0x05, 0x01}} {
		if _, _, err := Validate(b); err == nil {
			t.Errorf("Validate(% x): no error", b)
		}
	}
	vs, _, err := Validate(prim(0x04, 1))
	if err != nil || len(vs) != 1 || vs[0].Path != "PS-PDU" {
		t.Fatalf("OCTET STRING as PDU: %v %v", vs, err)
	}
}
