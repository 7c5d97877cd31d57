package etsi

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func validIRI() PSPDU {
	return IRIPDU(goldenHeader(1), iri(IRIBegin, &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Status: StatusOperationSucceeded, Trigger: TriggerUser,
		PartyInformation: []MessagingPartyInformation{target()},
	}))
}

func TestEncodeErrors(t *testing.T) {
	v20, v9 := LatestVersion(), Seed9Version()
	m := func(f func(x *MessagingIRI)) PSPDU {
		p := validIRI()
		f(p.Payload.IRI[0].Contents.MessagingIRI)
		return p
	}
	h := func(f func(h *PSHeader)) PSPDU {
		p := validIRI()
		f(&p.Header)
		return p
	}
	const mPath = "payload.iRIPayloadSequence[0].iRIContents.messagingIRI."
	tests := []struct {
		name    string
		pdu     PSPDU
		v       Version
		wantErr error
		path    string
	}{
		{"no version", validIRI(), Version{}, ErrVersion, "PS-PDU"},
		{"email version 8", validIRI(), Version{Header: 43, Email: 8}, ErrVersion, "PS-PDU"},
		{"empty LIID", h(func(h *PSHeader) { h.LIID = "" }), v20, ErrConstraint, "pSHeader.lawfulInterceptionIdentifier"},
		{"LIID 26 octets", h(func(h *PSHeader) { h.LIID = strings.Repeat("x", 26) }), v20, ErrConstraint, "pSHeader.lawfulInterceptionIdentifier"},
		{"country code 3", h(func(h *PSHeader) { h.AuthorizationCountryCode = "DEU" }), v20, ErrConstraint, "pSHeader.authorizationCountryCode"},
		{"country code not printable", h(func(h *PSHeader) { h.CommunicationIdentifier.DeliveryCountryCode = "D*" }), v20, ErrConstraint, "pSHeader.communicationIdentifier.deliveryCountryCode"},
		{"operator 17", h(func(h *PSHeader) {
			h.CommunicationIdentifier.NetworkIdentifier.OperatorIdentifier = strings.Repeat("o", 17)
		}), v20, ErrConstraint, "pSHeader.communicationIdentifier.networkIdentifier.operatorIdentifier"},
		{"interception point 9", h(func(h *PSHeader) { h.InterceptionPointID = "123456789" }), v20, ErrConstraint, "pSHeader.interceptionPointID"},
		{"microseconds", h(func(h *PSHeader) { h.MicroSecondTimeStamp.MicroSeconds = 1_000_000 }), v20, ErrConstraint, "pSHeader.microSecondTimeStamp"},
		{"bad domain OID", h(func(h *PSHeader) { h.DomainID = OID{7} }), v20, nil, "pSHeader.li-psDomainId"},
		{"year 10000", h(func(h *PSHeader) { h.TimeStamp = Ptr(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)) }), v20, nil, "pSHeader.timeStamp"},
		{"no payload", PSPDU{Header: goldenHeader(1)}, v20, ErrChoice, "payload"},
		{"two payloads", func() PSPDU { p := validIRI(); p.Payload.TRI = &TRIPayload{Kind: TRIKeepAlive}; return p }(), v20, ErrChoice, "payload"},
		{"TRI kind 0", TRIPDU(goldenHeader(1), 0), v20, ErrUnknownEnum, "payload.tRIPayload"},
		{"padding on keep-alive", PSPDU{Header: goldenHeader(1), Payload: Payload{TRI: &TRIPayload{Kind: TRIKeepAlive, Padding: []byte{1}}}}, v20, ErrConstraint, "payload.tRIPayload"},
		{"empty IRIContents", IRIPDU(goldenHeader(1), IRIPayload{}), v20, ErrChoice, "payload.iRIPayloadSequence[0].iRIContents"},
		{"bad status", m(func(x *MessagingIRI) { x.Status = 42 }), v20, ErrUnknownEnum, mPath + "status"},
		{"operation-lost in ver9", m(func(x *MessagingIRI) { x.Status = StatusOperationLost }), v9, ErrVersion, mPath + "status"},
		{"calendar in ver9", m(func(x *MessagingIRI) { x.Category = &MessagingEventCategory{Message: Ptr(EventCalendar)} }), v9, ErrVersion, mPath + "category.message"},
		{"two categories", m(func(x *MessagingIRI) {
			x.Category = &MessagingEventCategory{Message: Ptr(EventSave), Call: Ptr(CallCallout)}
		}), v20, ErrChoice, mPath + "category"},
		{"imsi in ver9", m(func(x *MessagingIRI) {
			x.PartyInformation[0].Identity = MessagingPartyIdentity{IMSI: "262011234567890"}
		}), v9, ErrVersion, mPath + "party-information[0].party-identity.imsi"},
		{"no identity", m(func(x *MessagingIRI) { x.PartyInformation[0].Identity = MessagingPartyIdentity{} }), v20, ErrChoice, mPath + "party-information[0].party-identity"},
		{"msisdn letters", m(func(x *MessagingIRI) { x.PartyInformation[0].Identity.MSISDN = "49+170" }), v20, ErrConstraint, mPath + "party-information[0].party-identity.msisdn"},
		{"msisdn 17 digits", m(func(x *MessagingIRI) { x.PartyInformation[0].Identity.MSISDN = strings.Repeat("1", 17) }), v20, ErrConstraint, mPath + "party-information[0].party-identity.msisdn"},
		{"imei 14 digits", m(func(x *MessagingIRI) { x.PartyInformation[0].Identity = MessagingPartyIdentity{IMEI: "12345678901234"} }), v20, ErrConstraint, mPath + "party-information[0].party-identity.imei"},
		{"e164 47 digits (26 octets)", m(func(x *MessagingIRI) {
			x.PartyInformation[0].Identity = MessagingPartyIdentity{E164: strings.Repeat("1", 47)}
		}), v20, ErrConstraint, mPath + "party-information[0].party-identity.e164-format"},
		{"alphanumeric not UTF-8", m(func(x *MessagingIRI) { x.PartyInformation[0].Identity = MessagingPartyIdentity{Alphanumeric: "\xff"} }), v20, ErrConstraint, mPath + "party-information[0].party-identity.alphanumeric"},
		{"address 256", m(func(x *MessagingIRI) {
			x.PartyInformation[0].Identity = MessagingPartyIdentity{EmailAddresses: []string{"a", strings.Repeat("b", 256)}}
		}), v20, ErrConstraint, mPath + "party-information[0].party-identity.email-address[1]"},
		{"ip binary 3", m(func(x *MessagingIRI) {
			x.PartyInformation[0].Identity = MessagingPartyIdentity{IPAddress: &IPAddress{Binary: []byte{1, 2, 3}}}
		}), v20, ErrConstraint, mPath + "party-information[0].party-identity.ip-address.iP-value.iPBinaryAddress"},
		{"ip binary and text", m(func(x *MessagingIRI) {
			x.PartyInformation[0].Identity = MessagingPartyIdentity{IPAddress: &IPAddress{Binary: []byte{1, 2, 3, 4}, Text: "1.2.3.4"}}
		}), v20, ErrChoice, mPath + "party-information[0].party-identity.ip-address.iP-value"},
		{"ip prefix 0", m(func(x *MessagingIRI) {
			x.PartyInformation[0].Identity = MessagingPartyIdentity{IPAddress: &IPAddress{Binary: []byte{1, 2, 3, 4}, V6PrefixLength: Ptr(uint8(0))}}
		}), v20, ErrConstraint, mPath + "party-information[0].party-identity.ip-address.iPv6PrefixLength"},
		{"pincode 33", m(func(x *MessagingIRI) { x.Properties = []MessagingProperty{{Pincode: bytes.Repeat([]byte{'1'}, 33)}} }), v20, ErrConstraint, mPath + "properties[0].pincode"},
		{"two properties in one", m(func(x *MessagingIRI) {
			x.Properties = []MessagingProperty{{Language: "de", Priority: Ptr(PriorityLow)}}
		}), v20, ErrChoice, mPath + "properties[0]"},
		{"bad priority", m(func(x *MessagingIRI) { x.Properties = []MessagingProperty{{Priority: Ptr(MessagingPriority(9))}} }), v20, ErrUnknownEnum, mPath + "properties[0].priority"},
		{"email webmail in ver9", IRIPDU(goldenHeader(1), emailIRIPayload(IRIReport, goldenEmailIRI(EmailLogoff))), v9, ErrVersion, "payload.iRIPayloadSequence[0].iRIContents.emailIRI.protocol-ID"},
		{"email username 65", IRIPDU(goldenHeader(1), emailIRIPayload(IRIReport, &EmailIRI{EventType: EmailLogon, ProtocolID: ProtocolPOP3, Status: EmailStatusSucceeded,
			AAAInformation: &AAAInformation{POP3: &POP3AAAInformation{Username: strings.Repeat("u", 65)}}})), v20, ErrConstraint, "payload.iRIPayloadSequence[0].iRIContents.emailIRI.aAAInformation.pOP3AAAInformation.username"},
		{"email two AAA", IRIPDU(goldenHeader(1), emailIRIPayload(IRIReport, &EmailIRI{EventType: EmailLogon, ProtocolID: ProtocolPOP3, Status: EmailStatusSucceeded,
			AAAInformation: &AAAInformation{POP3: &POP3AAAInformation{}, IMAP: &IMAPAAAInformation{}}})), v20, ErrChoice, "payload.iRIPayloadSequence[0].iRIContents.emailIRI.aAAInformation"},
		{"email bad event", IRIPDU(goldenHeader(1), emailIRIPayload(IRIReport, &EmailIRI{EventType: 0, ProtocolID: ProtocolPOP3, Status: EmailStatusSucceeded})), v20, ErrUnknownEnum, "payload.iRIPayloadSequence[0].iRIContents.emailIRI.eventType"},
		{"email CC bad format", CCPDU(goldenHeader(1), CCPayload{Contents: CCContents{EmailCC: &EmailCC{Format: 3}}}), v20, ErrUnknownEnum, "payload.cCPayloadSequence[0].cCContents.emailCC.email-Format"},
		{"empty CCContents", CCPDU(goldenHeader(1), CCPayload{}), v20, ErrChoice, "payload.cCPayloadSequence[0].cCContents"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := []byte("prefix")
			out, err := tt.pdu.AppendBER(dst, tt.v)
			var ee *EncodeError
			if !errors.As(err, &ee) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("got %v, want %v", err, tt.wantErr)
			}
			if ee.Path != tt.path {
				t.Fatalf("path %q, want %q (%v)", ee.Path, tt.path, err)
			}
			if string(out) != "prefix" {
				t.Fatalf("dst changed on error: %q", out)
			}
		})
	}
}

// TestEncodeVersionOmitsOptional: version-20-only optional fields are left out for ver9 and
// the relative OIDs and domain id carry the versions.
func TestEncodeVersionOmitsOptional(t *testing.T) {
	p := validIRI()
	x := p.Payload.IRI[0].Contents.MessagingIRI
	x.TotalRecipientCount = Ptr(uint32(5))
	x.PartyInformation[0].Validity = Ptr(ValidityTrusted)
	x.PartyInformation[0].CopyQualifier = Ptr(CopyBCC)
	x.Properties = []MessagingProperty{{Subject: Ptr("hi")}, {Language: "de"}, {NotificationType: Ptr(NotifyVoiceToText)}}
	v9 := Version{Header: 17, Email: 9}
	b, err := p.AppendBER(nil, v9)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := DecodePSPDU(b)
	if err != nil {
		t.Fatal(err)
	}
	gx := got.Payload.IRI[0].Contents.MessagingIRI
	if gx.TotalRecipientCount != nil || gx.PartyInformation[0].Validity != nil || gx.PartyInformation[0].CopyQualifier != nil {
		t.Fatalf("version-20 fields written for ver9: %s", dump(got))
	}
	if len(gx.Properties) != 1 || gx.Properties[0].Language != "de" {
		t.Fatalf("properties %+v", gx.Properties)
	}
	if !reflect.DeepEqual(gx.ObjID, OID{5, 2, 9, 3}) || !reflect.DeepEqual(got.Header.DomainID, OID{0, 4, 0, 2, 2, 5, 1, 17}) {
		t.Fatalf("oids %v %v", gx.ObjID, got.Header.DomainID)
	}
	// Only version-20 properties: the field goes.
	x.Properties = []MessagingProperty{{Subject: Ptr("hi")}}
	b, _ = p.AppendBER(nil, v9)
	got, _, _ = DecodePSPDU(b)
	if got.Payload.IRI[0].Contents.MessagingIRI.Properties != nil {
		t.Fatal("empty properties written")
	}
	// And a MessagingCC loses content-transfer-encoding.
	cc := CCPDU(goldenHeader(2), CCPayload{Contents: CCContents{MessagingCC: &MessagingCC{EventIdentifier: 1, ContentType: "text/plain", Content: []byte("x"), ContentTransferEncoding: "base64"}}})
	b, _ = cc.AppendBER(nil, v9)
	got, _, _ = DecodePSPDU(b)
	if got.Payload.CC[0].Contents.MessagingCC.ContentTransferEncoding != "" {
		t.Fatal("content-transfer-encoding written for ver9")
	}
}

func TestForVersion(t *testing.T) {
	x := &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Status: StatusOperationLost, Trigger: TriggerSystem,
		Category:            &MessagingEventCategory{MessageBox: Ptr(BoxAutoPlayEnable)},
		TotalRecipientCount: Ptr(uint32(2)),
		PartyInformation: []MessagingPartyInformation{
			{Qualifier: PartyTerminating, Identity: MessagingPartyIdentity{IMSI: "262011234567890"}, Validity: Ptr(ValidityTrusted)},
			{Qualifier: PartyOriginating, Identity: MessagingPartyIdentity{IPAddressAndPort: &IPAddressAndPort{Address: *ipv4("192.0.2.1"), Port: 5060}}},
			{Qualifier: PartyOriginating, Identity: MessagingPartyIdentity{SIPURI: "sip:a@b"}},
			{Qualifier: PartyOriginating, Identity: MessagingPartyIdentity{NAI: "a\xffb"}},
		},
		Properties: []MessagingProperty{{Language: "de"}, {Expires: Ptr(goldenTime)}, {NotificationType: Ptr(NotifyReadReport)}},
	}
	orig := *x
	down, notes := x.ForVersion(Seed9Version())
	if !reflect.DeepEqual(*x, orig) || x.PartyInformation[0].Validity == nil {
		t.Fatal("ForVersion modified its receiver")
	}
	want := []string{
		"status: operation-lost -> unknown",
		"category: message-box auto-play-enable dropped",
		"total-recipient-count: 2 dropped",
		"party-information[0].party-validity: trusted dropped",
		"party-information[0].party-identity: imsi -> alphanumeric",
		"party-information[1].party-identity: ip-address-and-port -> ip-address (port-number dropped)",
		"party-information[2].party-identity: sip-uri -> alphanumeric",
		"party-information[3].party-identity: nai -> alphanumeric (invalid UTF-8 replaced by U+FFFD)",
		"properties[1]: expires dropped",
		"properties[2]: notification-type dropped",
	}
	var got []string
	for _, n := range notes {
		got = append(got, n.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("notes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if down.PartyInformation[0].Identity.Alphanumeric != "imsi:262011234567890" || down.PartyInformation[3].Identity.Alphanumeric != "a\uFFFDb" ||
		down.PartyInformation[1].Identity.IPAddress == nil || len(down.Properties) != 1 {
		t.Fatalf("downgraded value %+v", down)
	}
	p := IRIPDU(goldenHeader(1), iri(IRIBegin, down))
	if _, err := p.AppendBER(nil, Seed9Version()); err != nil {
		t.Fatalf("downgraded IRI does not encode for ver9: %v", err)
	}
	if same, notes := x.ForVersion(LatestVersion()); notes != nil || !reflect.DeepEqual(*same, *x) {
		t.Fatal("ForVersion(latest) changed something")
	}
	e, notes := goldenEmailIRI(EmailLogoff).ForVersion(Seed9Version())
	if e.ProtocolID != ProtocolUndefined || len(notes) != 1 || notes[0].String() != "protocol-ID: webmail -> undefined" {
		t.Fatalf("email downgrade %v %v", e.ProtocolID, notes)
	}
	cc := CCPDU(goldenHeader(1), CCPayload{Contents: CCContents{MessagingCC: &MessagingCC{ContentTransferEncoding: "base64"}}})
	pdu, notes := cc.ForVersion(Seed9Version())
	if len(notes) != 1 || notes[0].Path != "payload.cCPayloadSequence[0].cCContents.messagingCC.content-transfer-encoding" || pdu.Payload.CC[0].Contents.MessagingCC.ContentTransferEncoding != "" {
		t.Fatalf("CC downgrade %v", notes)
	}
}

func TestHeaderTemplate(t *testing.T) {
	for _, gv := range goldenVectors() {
		tmpl, err := NewHeaderTemplate(gv.pdu.Header, gv.v)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := gv.pdu.AppendBER(nil, gv.v)
		p := gv.pdu
		p.Header = PSHeader{SequenceNumber: gv.pdu.Header.SequenceNumber, TimeStamp: gv.pdu.Header.TimeStamp, MicroSecondTimeStamp: gv.pdu.Header.MicroSecondTimeStamp}
		got, err := tmpl.AppendBER(nil, &p)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s: template encoding differs: %v", gv.name, err)
		}
	}
	if _, err := NewHeaderTemplate(PSHeader{}, LatestVersion()); err == nil {
		t.Fatal("template without LIID accepted")
	}
}

func TestEnumStringParse(t *testing.T) {
	check := func(name string, s string, parse func(string) (int, error), v int) {
		t.Helper()
		got, err := parse(s)
		if err != nil || got != v {
			t.Errorf("%s: Parse(%q) = %d, %v; want %d", name, s, got, err, v)
		}
	}
	for _, v := range allStatuses {
		check("MessagingStatus", v.String(), func(s string) (int, error) { x, err := ParseMessagingStatus(s); return int(x), err }, int(v))
	}
	for _, v := range allBoxEventsForTesting {
		check("MessagingBoxEvent", v.String(), func(s string) (int, error) { x, err := ParseMessagingBoxEvent(s); return int(x), err }, int(v))
	}
	for _, v := range allNotificationTypes {
		check("MessagingNotificationType", v.String(), func(s string) (int, error) { x, err := ParseMessagingNotificationType(s); return int(x), err }, int(v))
	}
	for v := EmailSend; v <= EmailUpload; v++ {
		check("EmailEvent", v.String(), func(s string) (int, error) { x, err := ParseEmailEvent(s); return int(x), err }, int(v))
	}
	for v := IRIBegin; v <= IRIReport; v++ {
		check("IRIType", v.String(), func(s string) (int, error) { x, err := ParseIRIType(s); return int(x), err }, int(v))
	}
	want := map[string]string{
		IRIBegin.String(): "iRI-Begin", StatusOperationSucceeded.String(): "operation-succeeded",
		BoxPinChange.String(): "pin-change", NotifyMessageWaiting.String(): "message-wait-indication",
		EmailPartialDownload.String(): "e-mail-partial-download", TRIKeepAliveResponse.String(): "keep-aliveResponse",
		MessagingStatus(42).String(): "MessagingStatus(42)",
	}
	for got, w := range want {
		if got != w {
			t.Errorf("String() = %q, want %q", got, w)
		}
	}
	if _, err := ParseMessagingStatus("operation-won"); !errors.Is(err, ErrUnknownEnum) {
		t.Errorf("unknown identifier: %v", err)
	}
}

// TestForVersionInScratch: for a one-payload PS-PDU, ForVersionIn gives what ForVersion
// gives (value and notes) and leaves the PDU as it was; and a PDU that needs no change at
// the older version costs no allocation: its copy lives in the scratch.
func TestForVersionInScratch(t *testing.T) {
	for _, tc := range []struct {
		name string
		pdu  PSPDU
	}{
		{"messagingIRI", IRIPDU(goldenHeader(1), iri(IRIBegin, &MessagingIRI{SystemType: SystemUnifiedMessaging, Status: StatusOperationLost, Trigger: TriggerSystem}))},
		{"emailIRI", IRIPDU(goldenHeader(1), IRIPayload{IRIType: Ptr(IRIReport), Contents: IRIContents{EmailIRI: goldenEmailIRI(EmailLogoff)}})},
		{"messagingCC", CCPDU(goldenHeader(1), CCPayload{Contents: CCContents{MessagingCC: &MessagingCC{EventIdentifier: 1, ContentType: "audio/PCMA", Content: []byte("x"), ContentTransferEncoding: "base64"}}})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig, err := tc.pdu.AppendBER(nil, LatestVersion())
			if err != nil {
				t.Fatal(err)
			}
			want, wantNotes := tc.pdu.ForVersion(Seed9Version())
			var sc DowngradeScratch
			got, notes := tc.pdu.ForVersionIn(Seed9Version(), &sc)
			if len(wantNotes) == 0 || !reflect.DeepEqual(notes, wantNotes) || !reflect.DeepEqual(got, want) {
				t.Fatalf("ForVersionIn %+v %v, ForVersion %+v %v", got, notes, want, wantNotes)
			}
			if after, _ := tc.pdu.AppendBER(nil, LatestVersion()); !bytes.Equal(after, orig) {
				t.Fatal("ForVersionIn modified the PDU")
			}
		})
	}
	plain := IRIPDU(goldenHeader(1), iri(IRIBegin, &MessagingIRI{SystemType: SystemUnifiedMessaging, Status: StatusUnknown, Trigger: TriggerSystem}))
	var sc DowngradeScratch
	if _, notes := plain.ForVersionIn(Seed9Version(), &sc); notes != nil {
		t.Fatalf("notes %v for a value ver9 carries as it is", notes)
	}
	if n := testing.AllocsPerRun(20, func() { _, _ = plain.ForVersionIn(Seed9Version(), &sc) }); n != 0 {
		t.Errorf("ForVersionIn(ver9) allocates %v times, want 0", n)
	}
}
