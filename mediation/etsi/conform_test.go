package etsi

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// conformBase is a valid e-mail IRI PDU or messaging IRI PDU that each case breaks in one field.
func conformEmail() *EmailIRI {
	return &EmailIRI{EventType: EmailLogon, ServerOctetsSent: 1, ClientOctetsSent: 2, ProtocolID: ProtocolIMAP4,
		Status: EmailStatusSucceeded, Sender: Ptr("a@example.org"), Recipients: []string{"b@example.org"},
		AAAInformation: &AAAInformation{IMAP: &IMAPAAAInformation{Username: "user", Password: Ptr("pw")}}}
}

func conformMessaging() *MessagingIRI {
	return &MessagingIRI{SystemType: SystemUnifiedMessaging, Status: StatusOperationSucceeded, Trigger: TriggerUser,
		Category: &MessagingEventCategory{MessageBox: Ptr(BoxLogin)},
		PartyInformation: []MessagingPartyInformation{
			{Qualifier: PartyOriginating, Identity: MessagingPartyIdentity{MSISDN: "4917012345678"}},
			{Qualifier: PartyOriginating, Identity: MessagingPartyIdentity{SIPURI: "sip:x@y"}},
		},
		Properties: []MessagingProperty{{Language: "de"}, {Subject: Ptr("hello")}},
	}
}

// rep repeats s to n octets.
func rep(s string, n int) string { return strings.Repeat(s, n)[:n] }

func addrs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "r@x"
	}
	return out
}

func adj(field string, r Rule) Adjustment { return Adjustment{Field: field, Rule: r} }

// v6Text45 is an iPTextAddress at its SIZE maximum (45 octets).
const v6Text45 = "0000:0000:0000:0000:0000:ffff:192.168.100.228"

const (
	aaaIMAP  = "emailIRI.aAAInformation.iMAPAAAInformation"
	aaaPOP3  = "emailIRI.aAAInformation.pOP3AAAInformation"
	aaaASMTP = "emailIRI.aAAInformation.aSMTPAAAInformation"
	party0   = "messagingIRI.party-information[0].party-identity"
)

func TestConformFieldRules(t *testing.T) {
	cases := []struct {
		name  string
		email func(*EmailIRI)
		msg   func(*MessagingIRI)
		hdr   func(*PSHeader)
		want  []Adjustment
		// got reads the field back from the decoded PDU; wantV is what the rule leaves.
		got   func(*PSPDU) any
		wantV any
	}{
		// e-mail-Sender UTF8String (SIZE (0..255))
		{name: "sender at 255", email: func(x *EmailIRI) { x.Sender = Ptr(rep("s", 255)) }, got: sender, wantV: rep("s", 255)},
		{name: "sender 254", email: func(x *EmailIRI) { x.Sender = Ptr(rep("s", 254)) }, got: sender, wantV: rep("s", 254)},
		{name: "sender empty", email: func(x *EmailIRI) { x.Sender = Ptr("") }, got: sender, wantV: ""},
		{name: "sender 256", email: func(x *EmailIRI) { x.Sender = Ptr(rep("s", 256)) }, got: sender, wantV: rep("s", 255),
			want: []Adjustment{adj("emailIRI.e-mail-Sender", RuleTruncated)}},
		{name: "sender 256 cut at rune boundary", email: func(x *EmailIRI) { x.Sender = Ptr(rep("s", 254) + "é") }, got: sender, wantV: rep("s", 254),
			want: []Adjustment{adj("emailIRI.e-mail-Sender", RuleTruncated)}},
		{name: "sender invalid UTF-8", email: func(x *EmailIRI) { x.Sender = Ptr("a\xff\xfeb\xc3") }, got: sender, wantV: "a\uFFFDb\uFFFD",
			want: []Adjustment{adj("emailIRI.e-mail-Sender", RuleUTF8Replaced)}},
		{name: "sender 300 invalid UTF-8", email: func(x *EmailIRI) { x.Sender = Ptr("\xff" + rep("s", 299)) }, got: sender, wantV: "\uFFFD" + rep("s", 252),
			want: []Adjustment{adj("emailIRI.e-mail-Sender", RuleUTF8Replaced), adj("emailIRI.e-mail-Sender", RuleTruncated)}},
		// E-mail-Address-List SEQUENCE (SIZE (0..1023)) OF UTF8String (SIZE (0..255))
		{name: "recipients 1023", email: func(x *EmailIRI) { x.Recipients = addrs(1023) }, got: nRecipients, wantV: 1023},
		{name: "recipients 1022", email: func(x *EmailIRI) { x.Recipients = addrs(1022) }, got: nRecipients, wantV: 1022},
		{name: "recipients 1024", email: func(x *EmailIRI) { x.Recipients = addrs(1024) }, got: nRecipients, wantV: 1023,
			want: []Adjustment{adj("emailIRI.e-mail-Recipients", RuleListTruncated)}},
		{name: "recipient at 255", email: func(x *EmailIRI) { x.Recipients = []string{"a", rep("r", 255)} }, got: recipient1, wantV: rep("r", 255)},
		{name: "recipient 256", email: func(x *EmailIRI) { x.Recipients = []string{"a", rep("r", 256)} }, got: recipient1, wantV: rep("r", 255),
			want: []Adjustment{adj("emailIRI.e-mail-Recipients[1]", RuleTruncated)}},
		{name: "recipient invalid UTF-8", email: func(x *EmailIRI) { x.Recipients = []string{"a", "r\x80"} }, got: recipient1, wantV: "r\uFFFD",
			want: []Adjustment{adj("emailIRI.e-mail-Recipients[1]", RuleUTF8Replaced)}},
		// AAAInformation usernames and passwords UTF8String (SIZE (0..64))
		{name: "imap username 64", email: func(x *EmailIRI) { x.AAAInformation.IMAP.Username = rep("u", 64) }, got: imapUser, wantV: rep("u", 64)},
		{name: "imap username 63", email: func(x *EmailIRI) { x.AAAInformation.IMAP.Username = rep("u", 63) }, got: imapUser, wantV: rep("u", 63)},
		{name: "imap username 65", email: func(x *EmailIRI) { x.AAAInformation.IMAP.Username = rep("u", 65) }, got: imapUser, wantV: rep("u", 64),
			want: []Adjustment{adj(aaaIMAP+".username", RuleTruncated)}},
		{name: "imap username 70", email: func(x *EmailIRI) { x.AAAInformation.IMAP.Username = rep("u", 70) }, got: imapUser, wantV: rep("u", 64),
			want: []Adjustment{adj(aaaIMAP+".username", RuleTruncated)}},
		{name: "imap username invalid UTF-8", email: func(x *EmailIRI) { x.AAAInformation.IMAP.Username = "u\xc0" }, got: imapUser, wantV: "u\uFFFD",
			want: []Adjustment{adj(aaaIMAP+".username", RuleUTF8Replaced)}},
		{name: "imap password 65", email: func(x *EmailIRI) { x.AAAInformation.IMAP.Password = Ptr(rep("p", 65)) },
			got: func(p *PSPDU) any { return *emailOf(p).AAAInformation.IMAP.Password }, wantV: rep("p", 64),
			want: []Adjustment{adj(aaaIMAP+".password", RuleTruncated)}},
		{name: "pop3 username 64", email: setPOP3(rep("u", 64), nil), got: pop3User, wantV: rep("u", 64)},
		{name: "pop3 username 65", email: setPOP3(rep("u", 65), nil), got: pop3User, wantV: rep("u", 64),
			want: []Adjustment{adj(aaaPOP3+".username", RuleTruncated)}},
		{name: "pop3 username invalid UTF-8", email: setPOP3("\xff", nil), got: pop3User, wantV: "\uFFFD",
			want: []Adjustment{adj(aaaPOP3+".username", RuleUTF8Replaced)}},
		{name: "pop3 password invalid UTF-8 and 66", email: setPOP3("u", Ptr("\xff"+rep("p", 65))),
			got: func(p *PSPDU) any { return *emailOf(p).AAAInformation.POP3.Password }, wantV: "\uFFFD" + rep("p", 61),
			want: []Adjustment{adj(aaaPOP3+".password", RuleUTF8Replaced), adj(aaaPOP3+".password", RuleTruncated)}},
		{name: "asmtp username 64", email: setASMTP(rep("u", 64)), got: asmtpUser, wantV: rep("u", 64)},
		{name: "asmtp username 65 multibyte", email: setASMTP(rep("u", 63) + "ü"), got: asmtpUser, wantV: rep("u", 63),
			want: []Adjustment{adj(aaaASMTP+".username", RuleTruncated)}},
		{name: "asmtp username invalid UTF-8", email: setASMTP("\xed\xa0\x80"), got: asmtpUser, wantV: "\uFFFD",
			want: []Adjustment{adj(aaaASMTP+".username", RuleUTF8Replaced)}},
		{name: "aAAInformation no alternative", email: func(x *EmailIRI) { x.AAAInformation = &AAAInformation{} },
			got: func(p *PSPDU) any { return emailOf(p).AAAInformation == nil }, wantV: true,
			want: []Adjustment{adj("emailIRI.aAAInformation", RuleOmitted)}},
		// national-EM-ASN1parameters.countryCode PrintableString (SIZE (2))
		{name: "national country code ok", email: setNational("DE"), got: national, wantV: "DE"},
		{name: "national country code 1", email: setNational("D"), got: national, wantV: "<absent>",
			want: []Adjustment{adj("emailIRI.national-EM-ASN1parameters", RuleOmitted)}},
		{name: "national country code 3", email: setNational("DEU"), got: national, wantV: "<absent>",
			want: []Adjustment{adj("emailIRI.national-EM-ASN1parameters", RuleOmitted)}},
		{name: "national country code not printable", email: setNational("D!"), got: national, wantV: "<absent>",
			want: []Adjustment{adj("emailIRI.national-EM-ASN1parameters", RuleOmitted)}},
		// IPAddress (client-Address, server-Address)
		{name: "client text address 45", email: func(x *EmailIRI) { x.ClientAddress = &IPAddress{Type: IPv6, Text: v6Text45} },
			got: func(p *PSPDU) any { return emailOf(p).ClientAddress.Text }, wantV: v6Text45},
		{name: "client text address 46", email: func(x *EmailIRI) { x.ClientAddress = &IPAddress{Type: IPv6, Text: rep("1", 46)} },
			got: func(p *PSPDU) any { return emailOf(p).ClientAddress == nil }, wantV: true,
			want: []Adjustment{adj("emailIRI.client-Address", RuleOmitted)}},
		{name: "client text address 7", email: func(x *EmailIRI) { x.ClientAddress = &IPAddress{Type: IPv4, Text: "1.2.3.4"} },
			got: func(p *PSPDU) any { return emailOf(p).ClientAddress.Text }, wantV: "1.2.3.4"},
		{name: "client text address 6", email: func(x *EmailIRI) { x.ClientAddress = &IPAddress{Type: IPv4, Text: "1.2.34"} },
			got: func(p *PSPDU) any { return emailOf(p).ClientAddress == nil }, wantV: true,
			want: []Adjustment{adj("emailIRI.client-Address", RuleOmitted)}},
		{name: "server text address not IA5", email: func(x *EmailIRI) { x.ServerAddress = &IPAddress{Type: IPv4, Text: "1.2.3.ä"} },
			got: func(p *PSPDU) any { return emailOf(p).ServerAddress == nil }, wantV: true,
			want: []Adjustment{adj("emailIRI.server-Address", RuleOmitted)}},
		{name: "server binary address 3", email: func(x *EmailIRI) { x.ServerAddress = &IPAddress{Type: IPv4, Binary: []byte{1, 2, 3}} },
			got: func(p *PSPDU) any { return emailOf(p).ServerAddress == nil }, wantV: true,
			want: []Adjustment{adj("emailIRI.server-Address", RuleOmitted)}},
		{name: "server v6 prefix 0", email: func(x *EmailIRI) {
			x.ServerAddress = &IPAddress{Type: IPv6, Binary: make([]byte, 16), V6PrefixLength: Ptr(uint8(0))}
		},
			got: func(p *PSPDU) any { return emailOf(p).ServerAddress == nil }, wantV: true,
			want: []Adjustment{adj("emailIRI.server-Address", RuleOmitted)}},
		{name: "server v6 prefix 128", email: func(x *EmailIRI) {
			x.ServerAddress = &IPAddress{Type: IPv6, Binary: make([]byte, 16), V6PrefixLength: Ptr(uint8(128))}
		},
			got: func(p *PSPDU) any { return *emailOf(p).ServerAddress.V6PrefixLength }, wantV: uint8(128)},
		// Messaging-Party-Identity
		{name: "msisdn 16 digits", msg: setID(MessagingPartyIdentity{MSISDN: rep("1", 16)}), got: id0("MSISDN"), wantV: rep("1", 16)},
		{name: "msisdn 17 digits", msg: setID(MessagingPartyIdentity{MSISDN: rep("1", 17)}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".msisdn", RuleElementOmitted)}},
		{name: "msisdn non-digit", msg: setID(MessagingPartyIdentity{MSISDN: "+4917012"}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".msisdn", RuleElementOmitted)}},
		{name: "e164 at max", msg: setID(MessagingPartyIdentity{E164: rep("4", E164DigitsMax)}), got: id0("E164"), wantV: rep("4", E164DigitsMax)},
		{name: "e164 just under max", msg: setID(MessagingPartyIdentity{E164: rep("4", E164DigitsMax-1)}), got: id0("E164"), wantV: rep("4", E164DigitsMax-1)},
		{name: "e164 over max", msg: setID(MessagingPartyIdentity{E164: rep("4", E164DigitsMax+1)}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".e164-format", RuleElementOmitted)}},
		{name: "e164 non-digit", msg: setID(MessagingPartyIdentity{E164: "49-170"}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".e164-format", RuleElementOmitted)}},
		{name: "fax-url wrong scheme", msg: setID(MessagingPartyIdentity{FaxURL: "tel:+4930"}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".fax-url", RuleElementOmitted)}},
		{name: "tel-url ok", msg: setID(MessagingPartyIdentity{TelURL: "tel:+4930"}), got: id0("TelURL"), wantV: "tel:+4930"},
		{name: "sip-uri with a space", msg: setID(MessagingPartyIdentity{SIPURI: "sip:a b@x"}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".sip-uri", RuleElementOmitted)}},
		{name: "nai invalid UTF-8", msg: setID(MessagingPartyIdentity{NAI: "u\xff@realm"}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".nai", RuleElementOmitted)}},
		{name: "port 65535", msg: setID(MessagingPartyIdentity{IPAddressAndPort: &IPAddressAndPort{Address: *ipv4("192.0.2.1"), Port: 65535}}),
			got: func(p *PSPDU) any { return msgOf(p).PartyInformation[0].Identity.IPAddressAndPort.Port }, wantV: int64(65535)},
		{name: "port 65536", msg: setID(MessagingPartyIdentity{IPAddressAndPort: &IPAddressAndPort{Address: *ipv4("192.0.2.1"), Port: 65536}}),
			got: nParties, wantV: 1, want: []Adjustment{adj(party0+".ip-address-and-port", RuleElementOmitted)}},
		{name: "imsi 5", msg: setID(MessagingPartyIdentity{IMSI: "26201"}), got: id0("IMSI"), wantV: "26201"},
		{name: "imsi 4", msg: setID(MessagingPartyIdentity{IMSI: "2620"}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".imsi", RuleElementOmitted)}},
		{name: "imsi 15", msg: setID(MessagingPartyIdentity{IMSI: rep("2", IMSIDigitsMax)}), got: id0("IMSI"), wantV: rep("2", IMSIDigitsMax)},
		{name: "imsi 14", msg: setID(MessagingPartyIdentity{IMSI: rep("2", IMSIDigitsMax-1)}), got: id0("IMSI"), wantV: rep("2", IMSIDigitsMax-1)},
		{name: "imsi 16", msg: setID(MessagingPartyIdentity{IMSI: rep("2", IMSIDigitsMax+1)}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".imsi", RuleElementOmitted)}},
		{name: "imei 15", msg: setID(MessagingPartyIdentity{IMEI: rep("3", 15)}), got: id0("IMEI"), wantV: rep("3", 15)},
		{name: "imei 16", msg: setID(MessagingPartyIdentity{IMEI: rep("3", 16)}), got: id0("IMEI"), wantV: rep("3", 16)},
		{name: "imei 14", msg: setID(MessagingPartyIdentity{IMEI: rep("3", 14)}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".imei", RuleElementOmitted)}},
		{name: "imei 17", msg: setID(MessagingPartyIdentity{IMEI: rep("3", 17)}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".imei", RuleElementOmitted)}},
		{name: "imei letters", msg: setID(MessagingPartyIdentity{IMEI: rep("a", 15)}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".imei", RuleElementOmitted)}},
		{name: "email-address element 256", msg: setID(MessagingPartyIdentity{EmailAddresses: []string{rep("e", 256)}}),
			got: func(p *PSPDU) any { return msgOf(p).PartyInformation[0].Identity.EmailAddresses[0] }, wantV: rep("e", 255),
			want: []Adjustment{adj(party0+".email-address[0]", RuleTruncated)}},
		{name: "email-address list 1024", msg: setID(MessagingPartyIdentity{EmailAddresses: addrs(1024)}),
			got: func(p *PSPDU) any { return len(msgOf(p).PartyInformation[0].Identity.EmailAddresses) }, wantV: 1023,
			want: []Adjustment{adj(party0+".email-address", RuleListTruncated)}},
		{name: "alphanumeric invalid UTF-8", msg: setID(MessagingPartyIdentity{Alphanumeric: "x\xffy"}), got: id0("Alphanumeric"), wantV: "x\uFFFDy",
			want: []Adjustment{adj(party0+".alphanumeric", RuleUTF8Replaced)}},
		{name: "alphanumeric long is fine", msg: setID(MessagingPartyIdentity{Alphanumeric: rep("x", 5000)}), got: id0("Alphanumeric"), wantV: rep("x", 5000)},
		{name: "ip-address bad", msg: setID(MessagingPartyIdentity{IPAddress: &IPAddress{Type: IPv4, Binary: []byte{1}}}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0+".ip-address", RuleElementOmitted)}},
		{name: "ip-address-and-port bad", msg: setID(MessagingPartyIdentity{IPAddressAndPort: &IPAddressAndPort{Address: IPAddress{Type: IPv4, Text: "x"}, Port: 5}}),
			got: nParties, wantV: 1, want: []Adjustment{adj(party0+".ip-address-and-port", RuleElementOmitted)}},
		{name: "party-identity with no alternative", msg: setID(MessagingPartyIdentity{}), got: nParties, wantV: 1,
			want: []Adjustment{adj(party0, RuleElementOmitted)}},
		{name: "category with two alternatives", msg: func(x *MessagingIRI) { x.Category.Call = Ptr(MessagingCallEvent(1)) },
			got: func(p *PSPDU) any { return msgOf(p).Category == nil }, wantV: true,
			want: []Adjustment{adj("messagingIRI.category", RuleOmitted)}},
		// Messaging-Property
		{name: "pincode 32", msg: setProp(MessagingProperty{Pincode: []byte(rep("1", 32))}), got: prop0("Pincode"), wantV: []byte(rep("1", 32))},
		{name: "pincode 31", msg: setProp(MessagingProperty{Pincode: []byte(rep("1", 31))}), got: prop0("Pincode"), wantV: []byte(rep("1", 31))},
		{name: "pincode 33", msg: setProp(MessagingProperty{Pincode: []byte(rep("1", 33))}), got: nProps, wantV: 1,
			want: []Adjustment{adj("messagingIRI.properties[0].pincode", RuleElementOmitted)}},
		{name: "subject invalid UTF-8", msg: setProp(MessagingProperty{Subject: Ptr("s\xff")}),
			got: func(p *PSPDU) any { return *msgOf(p).Properties[0].Subject }, wantV: "s\uFFFD",
			want: []Adjustment{adj("messagingIRI.properties[0].subject", RuleUTF8Replaced)}},
		{name: "language not an RFC 4646 tag", msg: setProp(MessagingProperty{Language: "de_DE"}), got: nProps, wantV: 1,
			want: []Adjustment{adj("messagingIRI.properties[0].language", RuleElementOmitted)}},
		{name: "language ok", msg: setProp(MessagingProperty{Language: "de-DE"}), got: prop0("Language"), wantV: "de-DE"},
		{name: "user-agent invalid UTF-8", msg: setProp(MessagingProperty{UserAgent: Ptr("\xffua")}),
			got: func(p *PSPDU) any { return *msgOf(p).Properties[0].UserAgent }, wantV: "\uFFFDua",
			want: []Adjustment{adj("messagingIRI.properties[0].user-agent", RuleUTF8Replaced)}},
		{name: "expires year 10000", msg: setProp(MessagingProperty{Expires: Ptr(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))}), got: nProps, wantV: 1,
			want: []Adjustment{adj("messagingIRI.properties[0].expires", RuleElementOmitted)}},
		{name: "message-date year 9999", msg: setProp(MessagingProperty{MessageDate: Ptr(time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))}),
			got: func(p *PSPDU) any { return msgOf(p).Properties[0].MessageDate.Year() }, wantV: 9999},
		{name: "property with no alternative", msg: setProp(MessagingProperty{}), got: nProps, wantV: 1,
			want: []Adjustment{adj("messagingIRI.properties[0]", RuleElementOmitted)}},
		// PSHeader fields umli fills
		{name: "networkElementIdentifier 16", hdr: func(h *PSHeader) { h.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier = rep("n", 16) },
			got: ne, wantV: rep("n", 16)},
		{name: "networkElementIdentifier 17", hdr: func(h *PSHeader) { h.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier = rep("n", 17) },
			got: ne, wantV: rep("n", 16),
			want: []Adjustment{adj("pSHeader.communicationIdentifier.networkIdentifier.networkElementIdentifier", RuleTruncated)}},
		{name: "operatorIdentifier 17", hdr: func(h *PSHeader) { h.CommunicationIdentifier.NetworkIdentifier.OperatorIdentifier = rep("o", 17) },
			got: func(p *PSPDU) any { return p.Header.CommunicationIdentifier.NetworkIdentifier.OperatorIdentifier }, wantV: rep("o", 16),
			want: []Adjustment{adj("pSHeader.communicationIdentifier.networkIdentifier.operatorIdentifier", RuleTruncated)}},
		{name: "authorizationCountryCode 3", hdr: func(h *PSHeader) { h.AuthorizationCountryCode = "DEU" },
			got: func(p *PSPDU) any { return p.Header.AuthorizationCountryCode }, wantV: "",
			want: []Adjustment{adj("pSHeader.authorizationCountryCode", RuleOmitted)}},
		{name: "deliveryCountryCode not printable", hdr: func(h *PSHeader) { h.CommunicationIdentifier.DeliveryCountryCode = "D*" },
			got: func(p *PSPDU) any { return p.Header.CommunicationIdentifier.DeliveryCountryCode }, wantV: "",
			want: []Adjustment{adj("pSHeader.communicationIdentifier.deliveryCountryCode", RuleOmitted)}},
		{name: "interceptionPointID 8", hdr: func(h *PSHeader) { h.InterceptionPointID = rep("i", 8) },
			got: func(p *PSPDU) any { return p.Header.InterceptionPointID }, wantV: rep("i", 8)},
		{name: "interceptionPointID 9", hdr: func(h *PSHeader) { h.InterceptionPointID = rep("i", 9) },
			got: func(p *PSPDU) any { return p.Header.InterceptionPointID }, wantV: "",
			want: []Adjustment{adj("pSHeader.interceptionPointID", RuleOmitted)}},
		{name: "microSeconds 999999", hdr: func(h *PSHeader) { h.MicroSecondTimeStamp.MicroSeconds = 999999 },
			got: func(p *PSPDU) any { return p.Header.MicroSecondTimeStamp.MicroSeconds }, wantV: uint32(999999)},
		{name: "microSeconds 1000000", hdr: func(h *PSHeader) { h.MicroSecondTimeStamp.MicroSeconds = 1000000 },
			got: func(p *PSPDU) any { return p.Header.MicroSecondTimeStamp.MicroSeconds }, wantV: uint32(999999),
			want: []Adjustment{adj("pSHeader.microSecondTimeStamp.microSeconds", RuleClamped)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := goldenHeader(7)
			var payload IRIPayload
			var conformContent func() []Adjustment
			if c.msg != nil {
				m := conformMessaging()
				c.msg(m)
				payload.Contents.MessagingIRI = m
				conformContent = m.Conform
			} else {
				e := conformEmail()
				if c.email != nil {
					c.email(e)
				}
				payload.Contents.EmailIRI = e
				conformContent = e.Conform
			}
			if c.hdr != nil {
				c.hdr(&h)
			}
			pdu := IRIPDU(h, payload)
			d := conformRoundTrip(t, &pdu, c.want, func() []Adjustment {
				return append(pdu.Header.Conform(), conformContent()...)
			})
			if v := c.got(&d); !reflect.DeepEqual(v, c.wantV) {
				t.Fatalf("field decoded as %#v, want %#v", v, c.wantV)
			}
			if again := append(pdu.Header.Conform(), conformContent()...); len(again) != 0 {
				t.Fatalf("second Conform changed %v: the rules are not idempotent", again)
			}
		})
	}
}

// conformRoundTrip checks the adjustments conform makes to pdu (whose encoding
// fails before exactly when some are expected), then that the conformed PDU
// encodes and decodes whole, and returns the decoded PDU.
func conformRoundTrip(t *testing.T, pdu *PSPDU, want []Adjustment, conform func() []Adjustment) PSPDU {
	t.Helper()
	if _, err := pdu.AppendBER(nil, LatestVersion()); (err != nil) != (len(want) > 0) {
		t.Fatalf("before Conform: encode error %v, but %d adjustments expected", err, len(want))
	}
	if got := conform(); !reflect.DeepEqual(got, want) {
		t.Fatalf("adjustments %v, want %v", got, want)
	}
	b, err := pdu.AppendBER(nil, LatestVersion())
	if err != nil {
		t.Fatalf("after Conform: %v", err)
	}
	d, n, err := DecodePSPDU(b)
	if err != nil || n != len(b) {
		t.Fatalf("decode: %v (%d of %d)", err, n, len(b))
	}
	return d
}

// TestConformDoesNotWriteThrough: a shallow copy can be conformed without changing what
// the original record points to (mediation conforms each LIID's copy).
func TestConformDoesNotWriteThrough(t *testing.T) {
	orig := conformEmail()
	orig.Sender = Ptr(rep("s", 300))
	orig.Recipients = []string{rep("r", 300)}
	orig.AAAInformation.IMAP.Username = rep("u", 70)
	cp := *orig
	if len(cp.Conform()) != 3 {
		t.Fatal("expected three adjustments")
	}
	if len(*orig.Sender) != 300 || len(orig.Recipients[0]) != 300 || len(orig.AAAInformation.IMAP.Username) != 70 {
		t.Fatal("Conform wrote through a pointer or slice of the original")
	}
	m := conformMessaging()
	m.PartyInformation[0].Identity.MSISDN = "x"
	m.Properties[1].Subject = Ptr("\xff")
	mc := *m
	if len(mc.Conform()) != 2 || len(mc.PartyInformation) != 1 {
		t.Fatal("expected the msisdn party omitted and the subject repaired")
	}
	if m.PartyInformation[0].Identity.MSISDN != "x" || *m.Properties[1].Subject != "\xff" || len(m.PartyInformation) != 2 {
		t.Fatal("Conform wrote through the original's slices")
	}
}

func TestConformPSPDUPaths(t *testing.T) {
	e := conformEmail()
	e.AAAInformation.IMAP.Username = rep("u", 65)
	pdu := IRIPDU(goldenHeader(1), IRIPayload{Contents: IRIContents{EmailIRI: e}})
	got := pdu.Conform()
	want := []Adjustment{adj("payload.iRIPayloadSequence[0].iRIContents."+aaaIMAP+".username", RuleTruncated)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if len(e.AAAInformation.IMAP.Username) != 65 {
		t.Fatal("PSPDU.Conform changed the payload struct it pointed to")
	}
	if _, err := pdu.AppendBER(nil, LatestVersion()); err != nil {
		t.Fatal(err)
	}
	if l := (Adjustment{Field: "emailIRI.e-mail-Recipients[12]"}).Label(); l != "emailIRI.e-mail-Recipients[]" {
		t.Fatalf("Label = %q", l)
	}
}

func emailOf(p *PSPDU) *EmailIRI   { return p.Payload.IRI[0].Contents.EmailIRI }
func msgOf(p *PSPDU) *MessagingIRI { return p.Payload.IRI[0].Contents.MessagingIRI }
func sender(p *PSPDU) any          { return *emailOf(p).Sender }
func nRecipients(p *PSPDU) any     { return len(emailOf(p).Recipients) }
func recipient1(p *PSPDU) any      { return emailOf(p).Recipients[1] }
func imapUser(p *PSPDU) any        { return emailOf(p).AAAInformation.IMAP.Username }
func pop3User(p *PSPDU) any        { return emailOf(p).AAAInformation.POP3.Username }
func asmtpUser(p *PSPDU) any       { return emailOf(p).AAAInformation.ASMTP.Username }
func nParties(p *PSPDU) any        { return len(msgOf(p).PartyInformation) }
func nProps(p *PSPDU) any          { return len(msgOf(p).Properties) }
func ne(p *PSPDU) any {
	return p.Header.CommunicationIdentifier.NetworkIdentifier.NetworkElementIdentifier
}

func national(p *PSPDU) any {
	if n := emailOf(p).NationalASN1; n != nil {
		return n.CountryCode
	}
	return "<absent>"
}

func id0(field string) func(*PSPDU) any {
	return func(p *PSPDU) any {
		return reflect.ValueOf(msgOf(p).PartyInformation[0].Identity).FieldByName(field).Interface()
	}
}

func prop0(field string) func(*PSPDU) any {
	return func(p *PSPDU) any {
		return reflect.ValueOf(msgOf(p).Properties[0]).FieldByName(field).Interface()
	}
}

func setPOP3(user string, pass *string) func(*EmailIRI) {
	return func(x *EmailIRI) {
		x.ProtocolID = ProtocolPOP3
		x.AAAInformation = &AAAInformation{POP3: &POP3AAAInformation{Username: user, Password: pass}}
	}
}

func setASMTP(user string) func(*EmailIRI) {
	return func(x *EmailIRI) {
		x.ProtocolID = ProtocolSMTP
		x.AAAInformation = &AAAInformation{ASMTP: &ASMTPAAAInformation{Username: user, AuthMethod: Ptr(AuthMethodCRAMMD5)}}
	}
}

func setNational(cc string) func(*EmailIRI) {
	return func(x *EmailIRI) { x.NationalASN1 = &NationalEMASN1Parameters{CountryCode: cc} }
}

func setID(id MessagingPartyIdentity) func(*MessagingIRI) {
	return func(x *MessagingIRI) { x.PartyInformation[0].Identity = id }
}

func setProp(p MessagingProperty) func(*MessagingIRI) {
	return func(x *MessagingIRI) { x.Properties[0] = p }
}

func TestConformCCRules(t *testing.T) {
	ipv4Packet := append([]byte{0x45}, make([]byte, 19)...)
	cases := []struct {
		name  string
		cc    CCContents
		want  []Adjustment
		got   func(*CCContents) any
		wantV any
	}{
		{name: "content-type ok", cc: CCContents{MessagingCC: &MessagingCC{ContentType: "audio/PCMA", Content: []byte{1}}},
			got: func(c *CCContents) any { return c.MessagingCC.ContentType }, wantV: "audio/PCMA"},
		{name: "content-type not a MIME type", cc: CCContents{MessagingCC: &MessagingCC{ContentType: "audio", Content: []byte{1}}},
			got: func(c *CCContents) any { return c.MessagingCC.ContentType }, wantV: "application/octet-stream",
			want: []Adjustment{adj("messagingCC.content-type", RuleSubstituted)}},
		{name: "content-transfer-encoding not a token", cc: CCContents{MessagingCC: &MessagingCC{ContentType: "text/plain", Content: []byte{1}, ContentTransferEncoding: "base 64"}},
			got: func(c *CCContents) any { return c.MessagingCC.ContentTransferEncoding }, wantV: "",
			want: []Adjustment{adj("messagingCC.content-transfer-encoding", RuleOmitted)}},
		{name: "content-transfer-encoding ok", cc: CCContents{MessagingCC: &MessagingCC{ContentType: "text/plain", Content: []byte{1}, ContentTransferEncoding: "base64"}},
			got: func(c *CCContents) any { return c.MessagingCC.ContentTransferEncoding }, wantV: "base64"},
		{name: "ip-packet that is an IPv4 packet", cc: CCContents{EmailCC: &EmailCC{Format: EmailFormatIPPacket, Content: ipv4Packet}},
			got: func(c *CCContents) any { return c.EmailCC.Format }, wantV: EmailFormatIPPacket},
		{name: "ip-packet that is not an IP packet", cc: CCContents{EmailCC: &EmailCC{Format: EmailFormatIPPacket, Content: []byte("MAIL FROM:<a@b>")}},
			got: func(c *CCContents) any { return c.EmailCC.Format }, wantV: EmailFormatApplication,
			want: []Adjustment{adj("emailCC.email-Format", RuleSubstituted)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pdu := CCPDU(goldenHeader(3), CCPayload{Contents: c.cc})
			d := conformRoundTrip(t, &pdu, c.want, func() []Adjustment {
				if m := pdu.Payload.CC[0].Contents.MessagingCC; m != nil {
					return m.Conform()
				}
				return pdu.Payload.CC[0].Contents.EmailCC.Conform()
			})
			if v := c.got(&d.Payload.CC[0].Contents); !reflect.DeepEqual(v, c.wantV) {
				t.Fatalf("decoded %#v, want %#v", v, c.wantV)
			}
		})
	}
}
