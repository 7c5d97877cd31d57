package etsi

import (
	"encoding/hex"
	"net/netip"
	"testing"

	"github.com/umli/umli/mediation/etsi/ber"
)

// TestStructureBytes pins the wire form of individual structures, worked out by hand from
// shared/asn1 (IMPLICIT TAGS, constructed tags for SEQUENCE- and CHOICE-typed fields).
func TestStructureBytes(t *testing.T) {
	v20 := LatestVersion()
	tests := []struct {
		name string
		enc  func() ([]byte, error)
		want string
	}{
		{"minimal keep-alive PS-PDU", func() ([]byte, error) {
			p := KeepAlivePDU(PSHeader{LIID: "L", SequenceNumber: 1, CommunicationIdentifier: CommunicationIdentifier{NetworkIdentifier: NetworkIdentifier{OperatorIdentifier: "O"}}})
			return p.AppendBER(nil, v20)
		}, "301e" + "a116" + "80070400020205012b" + "81014c" + "a305a00380014f" + "840101" + "a204" + "a2028300"},
		{"ver9 domain id and obj id", func() ([]byte, error) {
			p := CCPDU(PSHeader{LIID: "L", CommunicationIdentifier: CommunicationIdentifier{NetworkIdentifier: NetworkIdentifier{OperatorIdentifier: "O"}}},
				CCPayload{Contents: CCContents{EmailCC: &EmailCC{Format: EmailFormatApplication, Content: []byte("x")}}})
			return p.AppendBER(nil, Version{Header: 17, Email: 9})
		}, "302e" + "a116" + "800704000202050111" + "81014c" + "a305a00380014f" + "840100" +
			"a214" + "a112" + "3010" + "a20e" + "a10c" + "800405020902" + "810102" + "820178"},
		{"IPAddress binary", func() ([]byte, error) {
			return appendIPAddress(nil, ber.CtxC(2), &IPAddress{Type: IPv4, Binary: []byte{192, 0, 2, 1}, Assignment: Ptr(IPStatic)})
		}, "a20e" + "810100" + "a2068104c0000201" + "830101"},
		{"IPAddress text, v6 extensions", func() ([]byte, error) {
			return appendIPAddress(nil, ber.CtxC(0), &IPAddress{Type: IPv6, Binary: netip.MustParseAddr("2001:db8::1").AsSlice(), V6PrefixLength: Ptr(uint8(64)), NATTranslated: Ptr(true)})
		}, "a01d" + "810101" + "a212811020010db8000000000000000000000001" + "840140" + "8601ff"},
		{"MessagingCC end-of-sequence, transfer encoding", func() ([]byte, error) {
			return appendMessagingCC(nil, &MessagingCC{EventIdentifier: 7, SequenceNumber: Ptr(uint32(300)), EndOfSequence: true, ContentType: "text/plain", ContentTransferEncoding: "7bit"}, v20)
		}, "ae24" + "800405021404" + "810107" + "8302012c" + "8401ff" + "850a746578742f706c61696e" + "8600" + "870437626974"},
		{"category CHOICE wraps the alternative", func() ([]byte, error) {
			return appendCategory(nil, &MessagingEventCategory{Notification: Ptr(NotificationMMS)}, v20)
		}, "a303820107"},
		{"party: SEQUENCE element, identity CHOICE, imei TBCD", func() ([]byte, error) {
			return appendParty(nil, &MessagingPartyInformation{Qualifier: PartyAssociated, Identity: MessagingPartyIdentity{IMEI: "490154203237518"}, CopyQualifier: Ptr(CopyCC)}, v20)
		}, "3012" + "800103" + "a10a870894104502237315f8" + "830102"},
		{"properties: CHOICE elements carry their own tags", func() ([]byte, error) {
			return appendProperties(nil, []MessagingProperty{{Priority: Ptr(PriorityHigh)}, {Pincode: []byte("12")}}, v20)
		}, "a707" + "810103" + "80023132"},
		{"email address list: UTF8String elements", func() ([]byte, error) {
			return appendAddressList(nil, ber.CtxC(10), []string{"a@b", ""})
		}, "aa07" + "0c03614062" + "0c00"},
		{"AAA CHOICE: IMAP", func() ([]byte, error) {
			return appendAAA(nil, &AAAInformation{IMAP: &IMAPAAAInformation{Username: "u", Result: Ptr(AAAFailed)}}, v20)
		}, "b008" + "a206" + "800175" + "820102"},
		{"TRI padding", func() ([]byte, error) {
			return appendTRIPayload(nil, &TRIPayload{Kind: TRIPadding, Padding: []byte{0, 0}})
		}, "a204" + "82020000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.enc()
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != tt.want {
				t.Fatalf("got  %x\nwant %s", got, tt.want)
			}
		})
	}
}

func TestTBCD(t *testing.T) {
	for _, c := range []struct{ digits, hex string }{
		{"4917012345678", "947110325476f8"}, {"12", "21"}, {"1", "f1"}, {"262019876543210", "62029178563412f0"},
	} {
		if got := hex.EncodeToString(appendTBCD(nil, c.digits)); got != c.hex {
			t.Errorf("appendTBCD(%s) = %s, want %s", c.digits, got, c.hex)
		}
		raw, _ := hex.DecodeString(c.hex)
		if got, err := parseTBCD(raw); err != nil || got != c.digits {
			t.Errorf("parseTBCD(%s) = %s, %v", c.hex, got, err)
		}
	}
	for _, bad := range []string{"a1", "1a", "f121", "112233445566778899"} {
		raw, _ := hex.DecodeString(bad)
		if _, err := parseTBCD(raw); err == nil {
			t.Errorf("parseTBCD(%s) accepted", bad)
		}
	}
}
