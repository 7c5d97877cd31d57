package etsi

import (
	"encoding/hex"
	"testing"
)

// TestSpecPartyIdentityCoding pins the coding comments of Messaging-Party-Identity that
// have one: msisdn is a MAP AddressString (3GPP TS 29.002 17.7.8: the nature-of-address /
// numbering-plan octet 0x91, international number, E.164 plan, then TBCD digits with an F
// filler), SIZE (1..9); imsi and imei are TBCD-STRING; e164-format is "coded in the same
// format as the calling party number parameter of the ISUP (parameter part: EN 300 356)",
// SIZE (1..25), its octets written out below from EN 300 356-1 clause 3.10.
func TestSpecPartyIdentityCoding(t *testing.T) {
	v20 := LatestVersion()
	cases := []struct {
		name string
		id   MessagingPartyIdentity
		want string // the party-identity [1] element
	}{
		{"msisdn", MessagingPartyIdentity{MSISDN: "4917012345678"}, "a10a" + "8008" + "91" + "947110325476f8"},
		{"msisdn 15 digits, 9 octets", MessagingPartyIdentity{MSISDN: "491701234567890"}, "a10b" + "8009" + "91" + "94711032547698f0"},
		{"imsi", MessagingPartyIdentity{IMSI: "262019876543210"}, "a10a" + "8608" + "62029178563412f0"},
		{"imei", MessagingPartyIdentity{IMEI: "490154203237518"}, "a10a" + "8708" + "94104502237315f8"},
		// EN 300 356-1 3.10 calling party number, parameter part:
		//   octet 1 = 1 0000100: odd number of address signals (13), nature of address
		//             international number                                    -> 0x84
		//   octet 2 = 0 001 00 11: number complete, numbering plan ISDN (E.164),
		//             presentation allowed, screening network provided         -> 0x13
		//   octets 3.. address signals, first digit in bits 4-1: 4 9|1 7|0 1|2 3|4 5|6 7|8,
		//             the odd last digit with filler 0000 in bits 8-5          -> 94 71 10 32 54 76 08
		{"e164-format, odd digit count", MessagingPartyIdentity{E164: "+4917012345678"},
			"a10b" + "8109" + "84" + "13" + "94711032547608"},
		//   octet 1 = 0 0000100: even number of address signals (12), international -> 0x04
		//   octet 2 as above -> 0x13; digits 4 4|1 6|3 2|9 6|0 0|0 0 -> 44 61 23 69 00 00
		{"e164-format, even digit count, no '+'", MessagingPartyIdentity{E164: "441632960000"},
			"a10a" + "8108" + "04" + "13" + "446123690000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b, err := appendParty(nil, &MessagingPartyInformation{Qualifier: PartyTerminating, Identity: tc.id}, v20)
			if err != nil {
				t.Fatal(err)
			}
			// SEQUENCE { party-qualifier [0] terminating-party(2), party-identity [1] ... }
			want := "30" + hex.EncodeToString([]byte{byte(3 + len(tc.want)/2)}) + "800102" + tc.want
			if got := hex.EncodeToString(b); got != want {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
		})
	}
}
