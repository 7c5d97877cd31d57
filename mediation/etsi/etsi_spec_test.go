package etsi

import (
	"encoding/hex"
	"testing"
)

// TestSpecPartyIdentityCoding pins the coding comments of Messaging-Party-Identity that
// have one: msisdn is a MAP AddressString (3GPP TS 29.002 17.7.8: the nature-of-address /
// numbering-plan octet 0x91, international number, E.164 plan, then TBCD digits with an F
// filler), SIZE (1..9); imsi and imei are TBCD-STRING. (e164-format, coded as the ISUP
// calling party number, is fix item (2) of the conformance matrix.)
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
