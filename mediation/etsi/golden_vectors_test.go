package etsi

import (
	"net/netip"
	"time"
)

// goldenVector is one named PS-PDU of testdata/pdu and the version it is encoded for.
type goldenVector struct {
	name string
	v    Version
	pdu  PSPDU
}

var goldenTime = time.Date(2026, 11, 23, 10, 45, 19, 250_000_000, time.UTC)

func goldenHeader(seq uint32) PSHeader {
	return PSHeader{
		LIID:                     "LIID-UM-0001",
		AuthorizationCountryCode: "DE",
		CommunicationIdentifier: CommunicationIdentifier{
			NetworkIdentifier:   NetworkIdentifier{OperatorIdentifier: "OPERATOR1", NetworkElementIdentifier: "um-med-1"},
			CIN:                 Ptr(uint32(123456)),
			DeliveryCountryCode: "DE",
		},
		SequenceNumber:       seq,
		TimeStamp:            Ptr(goldenTime),
		InterceptionPointID:  "UMIP01",
		MicroSecondTimeStamp: &MicroSecondTimeStamp{Seconds: uint64(goldenTime.Unix()), MicroSeconds: 250000},
		TimeStampQualifier:   Ptr(TimeStampOfInterception),
	}
}

func ipv4(s string) *IPAddress {
	a := netip.MustParseAddr(s).As4()
	return &IPAddress{Type: IPv4, Binary: a[:], Assignment: Ptr(IPStatic)}
}

func ipv6(s string) *IPAddress {
	a := netip.MustParseAddr(s).As16()
	return &IPAddress{Type: IPv6, Binary: a[:], V6PrefixLength: Ptr(uint8(64)), NATTranslated: Ptr(false)}
}

func iri(t IRIType, x *MessagingIRI) IRIPayload {
	return IRIPayload{IRIType: Ptr(t), TimeStamp: Ptr(goldenTime), Contents: IRIContents{MessagingIRI: x}}
}

func emailIRIPayload(t IRIType, x *EmailIRI) IRIPayload {
	return IRIPayload{IRIType: Ptr(t), Contents: IRIContents{EmailIRI: x}}
}

func target() MessagingPartyInformation {
	return MessagingPartyInformation{Qualifier: PartyTerminating, Identity: MessagingPartyIdentity{MSISDN: "4917012345678"}}
}

func goldenVectors() []goldenVector {
	v20 := LatestVersion()
	v9 := Seed9Version()
	var out []goldenVector
	add := func(name string, v Version, p PSPDU) { out = append(out, goldenVector{name, v, p}) }

	add("messagingIRI-message-deposit", v20, IRIPDU(goldenHeader(1), iri(IRIReport, &MessagingIRI{
		SystemType: SystemUnifiedMessaging, SystemIdentifier: []byte("um-cluster-a"),
		Category: &MessagingEventCategory{Message: Ptr(EventDeposit)}, Status: StatusOperationSucceeded,
		PartyInformation: []MessagingPartyInformation{
			{Qualifier: PartyOriginating, Identity: MessagingPartyIdentity{E164: "4930123456"}, Validity: Ptr(ValidityUntrusted)},
			target(),
		},
		Trigger:         TriggerUser,
		Properties:      []MessagingProperty{{Priority: Ptr(PriorityHigh)}, {MessageIdentifier: []byte("msg-0001")}, {MessageDate: Ptr(goldenTime.Add(-time.Minute))}},
		EventIdentifier: Ptr(uint32(7)),
	})))
	add("messagingIRI-message-box-login", v20, IRIPDU(goldenHeader(2), iri(IRIReport, &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{MessageBox: Ptr(BoxLogin)},
		Status: StatusOperationFailed, PartyInformation: []MessagingPartyInformation{
			{Qualifier: PartyOriginating, Identity: MessagingPartyIdentity{EmailAddresses: []string{"alice@example.org", "a.lice@example.net"}}},
		},
		Trigger: TriggerUserAgent, Properties: []MessagingProperty{{Pincode: []byte("1234")}, {UserAgent: Ptr("VVM/2.1")}},
		BoxIdentifier: []byte("box-17"),
	})))
	add("messagingIRI-message-notification-sms", v20, IRIPDU(goldenHeader(3), iri(IRIReport, &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{Notification: Ptr(NotificationSMSDeposit)},
		Status:           StatusOperationSucceeded,
		PartyInformation: []MessagingPartyInformation{target(), {Qualifier: PartyUnknown, Identity: MessagingPartyIdentity{IPAddress: ipv4("192.0.2.10")}}},
		Trigger:          TriggerSystem, Properties: []MessagingProperty{{NotificationType: Ptr(NotifyNewMessageSMS)}, {Language: "de-DE"}},
	})))
	add("messagingIRI-call-callout", v20, IRIPDU(goldenHeader(4), iri(IRIBegin, &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{Call: Ptr(CallCallout)},
		Status: StatusOperationStarted, PartyInformation: []MessagingPartyInformation{
			target(),
			{Qualifier: PartyAssociated, Identity: MessagingPartyIdentity{IPAddressAndPort: &IPAddressAndPort{Address: *ipv6("2001:db8::5"), Port: 5060}}, CopyQualifier: Ptr(CopyNone)},
		},
		Trigger: TriggerUser, EventIdentifier: Ptr(uint32(9)),
	})))
	identities := []MessagingPartyInformation{}
	for alt := 0; alt < len(identityNames); alt++ {
		identities = append(identities, MessagingPartyInformation{Qualifier: PartyAssociated, Identity: goldenIdentity(alt)})
	}
	add("messagingIRI-all-party-identities", v20, IRIPDU(goldenHeader(5), iri(IRIReport, &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{MessageBox: Ptr(BoxPersonalOperatorAdd)},
		Status: StatusOperationSucceeded, PartyInformation: identities, Trigger: TriggerSystemOperator,
	})))
	props := []MessagingProperty{}
	for alt := 0; alt < len(propertyNames); alt++ {
		props = append(props, goldenProperty(alt))
	}
	add("messagingIRI-all-properties", v20, IRIPDU(goldenHeader(6), iri(IRIReport, &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{Message: Ptr(EventRetrieve)},
		Status: StatusOperationSucceeded, PartyInformation: []MessagingPartyInformation{target()}, Trigger: TriggerUser,
		Properties: props, EventIdentifier: Ptr(uint32(11)),
	})))
	add("messagingIRI-operation-lost", v20, IRIPDU(goldenHeader(7), iri(IRIEnd, &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{Message: Ptr(EventDeposit)},
		Status: StatusOperationLost, PartyInformation: []MessagingPartyInformation{target()}, Trigger: TriggerSystem,
		OriginalMessage: []byte("Event-Name: CUSTOM\nVM-Action: leave-message\n"), BoxIdentifier: []byte("box-17"),
		TotalRecipientCount: Ptr(uint32(3)),
	})))
	ver9 := &MessagingIRI{
		SystemType: SystemUnifiedMessaging, Category: &MessagingEventCategory{MessageBox: Ptr(BoxGreetingPlay)},
		Status: StatusOperationSucceeded, PartyInformation: []MessagingPartyInformation{target()}, Trigger: TriggerUser,
		Properties: []MessagingProperty{{GreetingType: Ptr(GreetingAbsence)}}, BoxIdentifier: []byte("box-17"),
	}
	add("messagingIRI-ver9-greeting-play", v9, IRIPDU(goldenHeader(8), iri(IRIReport, ver9)))

	add("messagingCC-first-segment", v20, CCPDU(goldenHeader(20), CCPayload{
		PayloadDirection: Ptr(DirectionToTarget), TimeStamp: Ptr(goldenTime),
		Contents: CCContents{MessagingCC: &MessagingCC{EventIdentifier: 7, ContentIdentifier: Ptr(uint32(1)), SequenceNumber: Ptr(uint32(0)),
			ContentType: "audio/PCMA", Content: pcma(160)}},
	}))
	add("messagingCC-last-segment-base64", v20, CCPDU(goldenHeader(21), CCPayload{
		PayloadDirection: Ptr(DirectionToTarget),
		Contents: CCContents{MessagingCC: &MessagingCC{EventIdentifier: 7, ContentIdentifier: Ptr(uint32(2)), SequenceNumber: Ptr(uint32(1)),
			EndOfSequence: true, ContentType: "text/plain;charset=utf8", Content: []byte("SGFsbG8sIGhpZXIgaXN0IEFubmEu"),
			ContentTransferEncoding: "base64"}},
		MicroSecondTimeStamp: &MicroSecondTimeStamp{Seconds: uint64(goldenTime.Unix()), MicroSeconds: 1},
		TimeStampQualifier:   Ptr(TimeStampOfMediation),
	}))
	add("messagingCC-ver9", v9, CCPDU(goldenHeader(22), CCPayload{
		Contents: CCContents{MessagingCC: &MessagingCC{EventIdentifier: 7, ContentType: "audio/PCMU", Content: pcma(40), EndOfSequence: true}},
	}))

	for i, ev := range []EmailEvent{EmailSend, EmailReceive, EmailDownload, EmailLogonAttempt, EmailLogon, EmailLogonFailure, EmailLogoff, EmailPartialDownload, EmailUpload} {
		add("emailIRI-"+ev.String(), v20, IRIPDU(goldenHeader(uint32(30+i)), emailIRIPayload(IRIReport, goldenEmailIRI(ev))))
	}
	ev9 := goldenEmailIRI(EmailLogon)
	add("emailIRI-ver9-logon", v9, IRIPDU(goldenHeader(40), emailIRIPayload(IRIBegin, ev9)))

	add("emailCC-ip-packet", v20, CCPDU(goldenHeader(50), CCPayload{PayloadDirection: Ptr(DirectionFromTarget),
		Contents: CCContents{EmailCC: &EmailCC{Format: EmailFormatIPPacket, Content: ipPacket()}}}))
	add("emailCC-application", v20, CCPDU(goldenHeader(51), CCPayload{PayloadDirection: Ptr(DirectionFromTarget),
		Contents: CCContents{EmailCC: &EmailCC{Format: EmailFormatApplication, Content: []byte("MAIL FROM:<alice@example.org>\r\n")}}}))

	for _, k := range []TRIKind{TRITest, TRIPadding, TRIKeepAlive, TRIKeepAliveResponse, TRIFirstSegment, TRILastSegment, TRICINReset} {
		p := TRIPDU(goldenHeader(60+uint32(k)), k)
		if k == TRIPadding {
			p.Payload.TRI.Padding = make([]byte, 16)
		}
		add("tri-"+k.String(), v20, p)
	}
	return out
}

func goldenIdentity(alt int) MessagingPartyIdentity {
	switch alt {
	case 0:
		return MessagingPartyIdentity{MSISDN: "4917012345678"}
	case 1:
		return MessagingPartyIdentity{E164: "4930123456"}
	case 2:
		return MessagingPartyIdentity{EmailAddresses: []string{"bob@example.org"}}
	case 3:
		return MessagingPartyIdentity{IPAddress: &IPAddress{Type: IPv4, Text: "198.51.100.7", Assignment: Ptr(IPDynamic), V4SubnetMask: []byte{255, 255, 255, 0}}}
	case 4:
		return MessagingPartyIdentity{Alphanumeric: "Büro Süd"}
	case 5:
		return MessagingPartyIdentity{IPAddressAndPort: &IPAddressAndPort{Address: *ipv4("203.0.113.9"), Port: 143}}
	case 6:
		return MessagingPartyIdentity{IMSI: "262019876543210"}
	case 7:
		return MessagingPartyIdentity{IMEI: "490154203237518"}
	case 8:
		return MessagingPartyIdentity{FaxURL: "fax:+4930123457"}
	case 9:
		return MessagingPartyIdentity{TelURL: "tel:+4930123456"}
	case 10:
		return MessagingPartyIdentity{ModemURL: "modem:+4930123458"}
	case 11:
		return MessagingPartyIdentity{SIPURI: "sip:bob@example.org"}
	case 12:
		return MessagingPartyIdentity{SIPSURI: "sips:bob@example.org"}
	default:
		return MessagingPartyIdentity{NAI: "bob@ims.example.org"}
	}
}

func goldenProperty(alt int) MessagingProperty {
	switch alt {
	case 0:
		return MessagingProperty{Pincode: []byte("4711")}
	case 1:
		return MessagingProperty{Priority: Ptr(PriorityPrivate)}
	case 2:
		return MessagingProperty{GreetingType: Ptr(GreetingPersonal)}
	case 3:
		return MessagingProperty{NotificationType: Ptr(NotifyLostCall)}
	case 4:
		return MessagingProperty{Language: "en-GB"}
	case 5:
		return MessagingProperty{MessageIdentifier: []byte{0x00, 0x01, 0xfe, 0xff}}
	case 6:
		return MessagingProperty{Subject: Ptr("Rückruf bitte")}
	case 7:
		return MessagingProperty{UserAgent: Ptr("OMTP-VVM/1.3")}
	case 8:
		return MessagingProperty{Password: []byte("s3cret")}
	case 9:
		return MessagingProperty{MessageStatus: Ptr(MessageRead)}
	case 10:
		return MessagingProperty{RequestedReports: Ptr(ReportsDeliveryAndRead)}
	case 11:
		return MessagingProperty{Expires: Ptr(goldenTime.Add(30 * 24 * time.Hour))}
	default:
		return MessagingProperty{MessageDate: Ptr(goldenTime.Add(-time.Hour))}
	}
}

// goldenEmailIRI builds an EmailIRI for ev with the AAAInformation alternative that fits it.
func goldenEmailIRI(ev EmailEvent) *EmailIRI {
	x := &EmailIRI{
		EventType: ev, ClientAddress: ipv4("192.0.2.44"), ServerAddress: ipv6("2001:db8::25"),
		ClientPort: Ptr(int64(50512)), ServerPort: Ptr(int64(110)),
		ServerOctetsSent: 1234, ClientOctetsSent: 56, ProtocolID: ProtocolPOP3, Status: EmailStatusSucceeded,
	}
	switch ev {
	case EmailSend, EmailReceive:
		x.ProtocolID, x.ServerPort = ProtocolSMTP, Ptr(int64(587))
		x.Sender = Ptr("alice@example.org")
		x.Recipients = []string{"bob@example.org", "carol@example.net"}
		x.TotalRecipientCount = Ptr(uint32(2))
		x.MessageID = []byte("<20261123104519.1@example.org>")
		x.SenderValidity = Ptr(SenderValidated)
		x.AAAInformation = &AAAInformation{ASMTP: &ASMTPAAAInformation{Username: "alice", AuthMethod: Ptr(AuthMethodCRAMMD5),
			Challenge: []byte("PDQxOTI5NDIzNDEuMTI4Mjg0NzJAc291cmNlZm91ci5hbmRyZXcuY211LmVkdT4="),
			Response:  []byte("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"), Result: Ptr(AAASucceeded)}}
		if ev == EmailReceive {
			x.SenderValidity = Ptr(SenderNonValidated)
			x.AAAInformation = nil
			x.NationalParameter = []byte{0x01, 0x02}
			x.NationalASN1 = &NationalEMASN1Parameters{CountryCode: "DE"}
		}
	case EmailDownload, EmailPartialDownload, EmailUpload:
		x.ProtocolID, x.ServerPort = ProtocolIMAP4, Ptr(int64(143))
		x.MessageID = []byte("<a1@example.org>")
		x.AAAInformation = &AAAInformation{IMAP: &IMAPAAAInformation{Username: "alice", Result: Ptr(AAASucceeded)}}
		if ev == EmailDownload {
			x.ProtocolID, x.ServerPort = ProtocolPOP3, Ptr(int64(110))
			x.AAAInformation = &AAAInformation{POP3: &POP3AAAInformation{Username: "alice", Result: Ptr(AAASucceeded)}}
		}
	case EmailLogonAttempt, EmailLogon:
		x.AAAInformation = &AAAInformation{POP3: &POP3AAAInformation{Username: "alice", Password: Ptr("hunter2"), Result: Ptr(AAASucceeded)}}
	case EmailLogonFailure:
		x.Status = EmailStatusFailed
		x.ProtocolID, x.ServerPort = ProtocolIMAP4, Ptr(int64(993))
		x.AAAInformation = &AAAInformation{IMAP: &IMAPAAAInformation{Username: "alice", Password: Ptr("wrong"), Result: Ptr(AAAFailed)}}
	case EmailLogoff:
		x.ProtocolID = ProtocolWebmail
		x.Status = EmailStatusUnknown
	}
	return x
}

// pcma is n bytes of a PCMA-like pattern (content for CC vectors).
func pcma(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(0xD5 ^ (i * 37))
	}
	return b
}

// ipPacket is a minimal IPv4/TCP packet carrying an SMTP line.
func ipPacket() []byte {
	payload := []byte("EHLO client.example.org\r\n")
	p := []byte{0x45, 0, 0, byte(40 + len(payload)), 0, 1, 0x40, 0, 64, 6, 0, 0, 192, 0, 2, 44, 192, 0, 2, 25,
		0xc5, 0x50, 0, 25, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0}
	return append(p, payload...)
}
