package etsi

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// en300356CallingPartyNumber is the reference form of e164-format, written here from the
// EN 300 356-1 clause 3.10 layout and not from the codec: octet 1 = O/E (bit 8, 1 = odd)
// and nature of address 0000100 (international); octet 2 = NI 0 (complete), NPI 001
// (ISDN/E.164), APRI 00 (presentation allowed), SI 11 (network provided); then the digits
// in BCD, first digit in bits 4-1, filler 0000 in bits 8-5 of the last octet if odd.
func en300356CallingPartyNumber(digits string) []byte {
	odd := len(digits)%2 == 1
	o1 := byte(0b0000_0100)
	if odd {
		o1 = 0b1000_0100
	}
	out := []byte{o1, 0b0_001_00_11}
	for i := 0; i < len(digits); i += 2 {
		lo := digits[i] - '0'
		var hi byte // filler 0000
		if i+1 < len(digits) {
			hi = digits[i+1] - '0'
		}
		out = append(out, hi<<4|lo)
	}
	return out
}

func e164PDU(e164 string) PSPDU {
	return IRIPDU(PSHeader{LIID: "LIID-1", CommunicationIdentifier: CommunicationIdentifier{NetworkIdentifier: NetworkIdentifier{OperatorIdentifier: "op"}, CIN: Ptr(uint32(1))}},
		IRIPayload{IRIType: Ptr(IRIReport), Contents: IRIContents{MessagingIRI: &MessagingIRI{
			SystemType: SystemUnifiedMessaging, Status: StatusOperationSucceeded, Trigger: TriggerUser,
			PartyInformation: []MessagingPartyInformation{{Qualifier: PartyOriginating, Identity: MessagingPartyIdentity{E164: e164}}},
		}}})
}

// e164Content finds e164-format inside an encoded PDU: party-identity [1] (constructed,
// 0xA1) holding exactly the e164-format [1] primitive (0x81); all lengths here are short form.
func e164Content(t *testing.T, b []byte) []byte {
	t.Helper()
	for i := 0; i+4 <= len(b); i++ {
		if b[i] == 0xA1 && b[i+2] == 0x81 && int(b[i+1]) == int(b[i+3])+2 && i+4+int(b[i+3]) <= len(b) {
			return b[i+4 : i+4+int(b[i+3])]
		}
	}
	t.Fatal("no party-identity e164-format in the PDU")
	return nil
}

// TestE164FormatISUP checks e164-format against the EN 300 356 calling party number layout,
// octet by octet, and that it decodes back to the digits.
func TestE164FormatISUP(t *testing.T) {
	max := strings.Repeat("1234567890", 5)[:E164DigitsMax]
	tests := []struct {
		name, in, digits string
		wantErr          bool
	}{
		{"one digit", "7", "7", false},
		{"odd count", "4930123", "4930123", false},
		{"even count", "4930123456", "4930123456", false},
		{"leading plus stripped", "+4930123456", "4930123456", false},
		{"zeros are digits, not fillers", "4900", "4900", false},
		{"max digits (SIZE 25 = 2 + 23 octets)", max, max, false},
		{"over max", max + "1", "", true},
		{"plus only", "+", "", true},
		{"non-digit", "49-30", "", true},
		{"inner plus", "49+30", "", true},
		{"letters", "49abc", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pdu := e164PDU(tc.in)
			b, err := pdu.AppendBER(nil, LatestVersion())
			if tc.wantErr {
				var ee *EncodeError
				if !errors.Is(err, ErrConstraint) || !errors.As(err, &ee) || !strings.Contains(ee.Error(), "e164-format") {
					t.Fatalf("err = %v, want an ErrConstraint EncodeError naming e164-format", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := e164Content(t, b)
			if want := en300356CallingPartyNumber(tc.digits); !bytes.Equal(got, want) {
				t.Fatalf("e164-format = % x, want % x", got, want)
			}
			// Octet 1.
			odd := len(tc.digits)%2 == 1
			if (got[0]&0x80 != 0) != odd {
				t.Errorf("odd/even indicator (octet 1 bit 8) = %v for %d digits", got[0]&0x80 != 0, len(tc.digits))
			}
			if got[0]&0x7F != 0b0000100 {
				t.Errorf("nature of address (octet 1 bits 7-1) = %07b, want 0000100 international", got[0]&0x7F)
			}
			// Octet 2.
			if got[1]>>7 != 0 {
				t.Error("NI (octet 2 bit 8) set: number marked incomplete")
			}
			if npi := got[1] >> 4 & 0b111; npi != 0b001 {
				t.Errorf("numbering plan (octet 2 bits 7-5) = %03b, want 001 ISDN/E.164", npi)
			}
			if apri := got[1] >> 2 & 0b11; apri != 0b00 {
				t.Errorf("presentation (octet 2 bits 4-3) = %02b, want 00 allowed", apri)
			}
			if si := got[1] & 0b11; si != 0b11 {
				t.Errorf("screening (octet 2 bits 2-1) = %02b, want 11 network provided", si)
			}
			// Address signals.
			if want := 2 + (len(tc.digits)+1)/2; len(got) != want {
				t.Fatalf("%d octets, want %d", len(got), want)
			}
			for i := 0; i < len(tc.digits); i++ {
				o := got[2+i/2]
				nib := o & 0x0F // first digit of a pair in bits 4-1
				if i%2 == 1 {
					nib = o >> 4
				}
				if nib != tc.digits[i]-'0' {
					t.Errorf("digit %d = %d, want %c", i, nib, tc.digits[i])
				}
			}
			if odd && got[len(got)-1]>>4 != 0 {
				t.Errorf("filler (last octet bits 8-5) = %04b, want 0000", got[len(got)-1]>>4)
			}
			back, _, err := DecodePSPDU(b)
			if err != nil {
				t.Fatal(err)
			}
			if d := back.Payload.IRI[0].Contents.MessagingIRI.PartyInformation[0].Identity.E164; d != tc.digits {
				t.Errorf("decoded %q, want %q", d, tc.digits)
			}
		})
	}
}

// TestE164FormatDecodeRejects: malformed ISUP octets are a DecodeError naming e164-format.
func TestE164FormatDecodeRejects(t *testing.T) {
	pdu := e164PDU("4930123")
	good, err := pdu.AppendBER(nil, LatestVersion())
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(good, en300356CallingPartyNumber("4930123"))
	if at < 0 {
		t.Fatal("reference octets not found")
	}
	tests := []struct {
		name  string
		patch func(v []byte) // on the 6 value octets 84 13 94 03 21 03
		want  string
	}{
		{"national number", func(v []byte) { v[0] = 0x80 | 0b0000011 }, "nature of address"},
		{"subscriber number", func(v []byte) { v[0] = 0x80 | 0b0000001 }, "nature of address"},
		{"number incomplete", func(v []byte) { v[1] |= 0x80 }, "incomplete"},
		{"private numbering plan", func(v []byte) { v[1] = v[1]&^0x70 | 0b101<<4 }, "numbering plan"},
		{"address not available", func(v []byte) { v[1] = v[1]&^0x0C | 0b10<<2 }, "presentation"},
		{"spare presentation", func(v []byte) { v[1] = v[1]&^0x0C | 0b11<<2 }, "presentation"},
		{"non-BCD low nibble", func(v []byte) { v[2] = 0x9A }, "not a digit"},
		{"non-BCD high nibble", func(v []byte) { v[3] = 0xB3 }, "not a digit"},
		{"odd count, filler not 0000", func(v []byte) { v[5] = 0xF3 }, "filler"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := bytes.Clone(good)
			tc.patch(b[at : at+6])
			_, _, err := DecodePSPDU(b)
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), "e164-format") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a DecodeError naming e164-format and %q", err, tc.want)
			}
		})
	}
}

// TestE164FormatDecodeShort: fewer than 3 octets (no address signal) is rejected.
func TestE164FormatDecodeShort(t *testing.T) {
	for _, b := range [][]byte{{0x84}, {0x04, 0x13}} {
		if _, err := parseE164(b); !errors.Is(err, ErrConstraint) {
			t.Errorf("parseE164(% x) = %v, want ErrConstraint", b, err)
		}
	}
}

// TestEncodeAllocationFree: encoding every golden PDU (e164-format, IP addresses, MIME and
// language checks included) into a buffer with room allocates nothing.
func TestEncodeAllocationFree(t *testing.T) {
	buf := make([]byte, 0, 1<<16)
	for _, gv := range goldenVectors() {
		pdu := gv.pdu
		v := gv.v
		if n := testing.AllocsPerRun(20, func() {
			var err error
			if buf, err = pdu.AppendBER(buf[:0], v); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: %.1f allocations per encode", gv.name, n)
		}
	}
}
