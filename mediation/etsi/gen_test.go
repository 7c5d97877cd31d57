package etsi

import (
	"encoding/binary"
	"math/rand/v2"
	"net/netip"
	"time"
)

// gen builds random model values that the wire can carry exactly, so that
// decode(encode(x)) must equal x. It draws from a byte source (the fuzzer's input) and
// falls back to a PRNG when the bytes run out.
type gen struct{ r *rand.Rand }

// byteSource is a rand.Source reading the fuzzer's bytes first.
type byteSource struct {
	b    []byte
	rest rand.Source
}

func (s *byteSource) Uint64() uint64 {
	if len(s.b) >= 8 {
		v := binary.LittleEndian.Uint64(s.b)
		s.b = s.b[8:]
		return v
	}
	return s.rest.Uint64()
}

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func newGenBytes(b []byte) *gen {
	return &gen{r: rand.New(&byteSource{b: b, rest: rand.NewPCG(uint64(len(b)), 7)})}
}

func (g *gen) n(k int) int       { return g.r.IntN(k) }
func (g *gen) chance(k int) bool { return g.r.IntN(k) == 0 }
func (g *gen) u32() uint32       { return g.r.Uint32() }

func (g *gen) bytes(lo, hi int) []byte {
	n := lo + g.n(hi-lo+1)
	if n == 0 {
		return nil
	}
	b := make([]byte, n)
	for i := range b {
		switch g.n(3) {
		case 0:
			b[i] = byte(g.n(256))
		default:
			b[i] = byte(' ' + g.n(95))
		}
	}
	return b
}

// text is valid UTF-8 of lo..hi bytes (multi-byte runes included).
func (g *gen) text(lo, hi int) string {
	n := lo + g.n(hi-lo+1)
	var out []byte
	for len(out) < n {
		switch g.n(6) {
		case 0:
			if len(out)+2 <= n {
				out = append(out, "ü"...)
				continue
			}
		case 1:
			if len(out)+3 <= n {
				out = append(out, "€"...)
				continue
			}
		}
		out = append(out, byte(' '+g.n(95)))
	}
	return string(out)
}

const printableSet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?"

func (g *gen) printable(lo, hi int) string {
	n := lo + g.n(hi-lo+1)
	b := make([]byte, n)
	for i := range b {
		b[i] = printableSet[g.n(len(printableSet))]
	}
	return string(b)
}

// country is an ISO 3166-1 alpha-2 shaped code.
func (g *gen) country() string {
	return string([]byte{byte('A' + g.n(26)), byte('A' + g.n(26))})
}

func (g *gen) alnum(lo, hi int) string {
	const set = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, lo+g.n(hi-lo+1))
	for i := range b {
		b[i] = set[g.n(len(set))]
	}
	return string(b)
}

func (g *gen) digits(lo, hi int) string {
	n := lo + g.n(hi-lo+1)
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.n(10))
	}
	return string(b)
}

func (g *gen) optStr(f func() string) string {
	if g.chance(2) {
		return ""
	}
	return f()
}

func (g *gen) time() *time.Time {
	var sec int64
	switch g.n(3) {
	case 0:
		sec = 1_600_000_000 + int64(g.n(400_000_000))
	case 1:
		sec = -62135596800 + g.r.Int64N(253402300799+62135596800)
	default:
		sec = int64(g.n(2_000_000_000))
	}
	ns := 0
	switch g.n(3) {
	case 0:
		ns = g.n(1_000_000_000)
	case 1:
		ns = g.n(1000) * 1_000_000
	}
	t := time.Unix(sec, int64(ns)).UTC()
	return &t
}

func (g *gen) micro() *MicroSecondTimeStamp {
	if g.chance(2) {
		return nil
	}
	return &MicroSecondTimeStamp{Seconds: g.r.Uint64() >> uint(g.n(64)), MicroSeconds: uint32(g.n(1_000_000))}
}

func pick[T any](g *gen, vals ...T) T { return vals[g.n(len(vals))] }

func optPick[T any](g *gen, vals ...T) *T {
	if g.chance(2) {
		return nil
	}
	v := vals[g.n(len(vals))]
	return &v
}

func (g *gen) optU32() *uint32 {
	if g.chance(2) {
		return nil
	}
	v := g.u32() >> uint(g.n(32))
	return &v
}

func (g *gen) oid(relative bool) OID {
	if relative {
		panic("use relOID")
	}
	// li-psDomainId {0 4 0 2 2 5 1 version}, any version (a relayed PDU may name another).
	return OID{0, 4, 0, 2, 2, 5, 1, pick(g, uint32(43), 35, 17, 1+g.u32()>>1)}
}

// relOID is a payload object identifier {5 2 version kind}, any version (a relayed PDU).
func (g *gen) relOID(kind uint32) OID {
	return OID{5, 2, pick(g, uint32(9), 20, 15, 1+g.u32()>>1), kind}
}

func (g *gen) header() PSHeader {
	h := PSHeader{
		DomainID:                 g.oid(false),
		LIID:                     string(g.bytes(1, 25)),
		AuthorizationCountryCode: g.optStr(g.country),
		CommunicationIdentifier: CommunicationIdentifier{
			NetworkIdentifier: NetworkIdentifier{
				OperatorIdentifier:       string(g.bytes(1, 16)),
				NetworkElementIdentifier: string(g.bytes(0, 16)),
			},
			CIN:                 g.optU32(),
			DeliveryCountryCode: g.optStr(g.country),
		},
		SequenceNumber:       g.u32() >> uint(g.n(32)),
		InterceptionPointID:  g.optStr(func() string { return g.printable(1, 8) }),
		MicroSecondTimeStamp: g.micro(),
		TimeStampQualifier:   optPick(g, TimeStampUnknown, TimeStampOfInterception, TimeStampOfMediation, TimeStampOfAggregation),
	}
	if g.chance(2) {
		h.TimeStamp = g.time()
	}
	return h
}

func (g *gen) pdu() PSPDU {
	p := PSPDU{Header: g.header()}
	switch g.n(3) {
	case 0:
		p.Payload.IRI = []IRIPayload{}
		for i := g.n(3) + boolInt(!g.chance(8)); i > 0; i-- {
			p.Payload.IRI = append(p.Payload.IRI, g.iriPayload())
		}
	case 1:
		p.Payload.CC = []CCPayload{}
		for i := g.n(3) + boolInt(!g.chance(8)); i > 0; i-- {
			p.Payload.CC = append(p.Payload.CC, g.ccPayload())
		}
	default:
		p.Payload.TRI = g.tri()
	}
	return p
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (g *gen) tri() *TRIPayload {
	k := pick(g, TRITest, TRIPadding, TRIKeepAlive, TRIKeepAliveResponse, TRIFirstSegment, TRILastSegment, TRICINReset)
	t := &TRIPayload{Kind: k}
	if k == TRIPadding {
		t.Padding = g.bytes(0, 40)
	}
	return t
}

var directions = []PayloadDirection{DirectionFromTarget, DirectionToTarget, DirectionIndeterminate, DirectionCombined, DirectionNotApplicable}

func (g *gen) iriPayload() IRIPayload {
	p := IRIPayload{
		IRIType:              optPick(g, IRIBegin, IRIEnd, IRIContinue, IRIReport),
		MicroSecondTimeStamp: g.micro(),
		TimeStampQualifier:   optPick(g, TimeStampUnknown, TimeStampOfInterception, TimeStampOfMediation, TimeStampOfAggregation),
		SessionDirection:     optPick(g, directions...),
		PayloadDirection:     optPick(g, directions...),
	}
	if g.chance(2) {
		p.TimeStamp = g.time()
	}
	if g.chance(2) {
		p.Contents.EmailIRI = g.emailIRI()
	} else {
		p.Contents.MessagingIRI = g.messagingIRI()
	}
	return p
}

func (g *gen) ccPayload() CCPayload {
	p := CCPayload{
		PayloadDirection:     optPick(g, directions...),
		MicroSecondTimeStamp: g.micro(),
		TimeStampQualifier:   optPick(g, TimeStampUnknown, TimeStampOfInterception, TimeStampOfMediation, TimeStampOfAggregation),
	}
	if g.chance(2) {
		p.TimeStamp = g.time()
	}
	if g.chance(2) {
		cc := &EmailCC{ObjID: g.relOID(objEmailCC), Format: pick(g, EmailFormatIPPacket, EmailFormatApplication), Content: g.bytes(0, 200)}
		if cc.Format == EmailFormatIPPacket { // from the IP header on (EmailPDU comment)
			cc.Content = append([]byte{0x45, 0, 0, 20, 0, 0, 0, 0, 64, 6, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2}, cc.Content...)
		}
		p.Contents.EmailCC = cc
	} else {
		p.Contents.MessagingCC = g.messagingCC()
	}
	return p
}

func (g *gen) messagingCC() *MessagingCC {
	return &MessagingCC{
		ObjID:                   g.relOID(objMessagingCC),
		EventIdentifier:         g.u32(),
		ContentIdentifier:       g.optU32(),
		SequenceNumber:          g.optU32(),
		EndOfSequence:           g.chance(2),
		ContentType:             pick(g, "text/plain", "text/plain;charset=utf-8", "audio/PCMA", "image/png", "application/x-um+xml; v=1"),
		Content:                 g.bytes(0, 300),
		ContentTransferEncoding: pick(g, "", "7bit", "8bit", "binary", "base64", "quoted-printable", "x-um"),
	}
}

// ip builds an IPAddress that follows the IPAddress comments: 4 or 16 binary octets by
// iP-type, a text address or prefix of that family, iPv6PrefixLength with (and only with) an
// IPv6 binary value, iPv4SubnetMask only for IPv4 and contiguous.
func (g *gen) ip() *IPAddress {
	a := &IPAddress{Type: pick(g, IPv4, IPv6)}
	v6 := a.Type == IPv6
	n := 4
	if v6 {
		n = 16
	}
	raw := make([]byte, n)
	for i := range raw {
		raw[i] = byte(g.n(256))
	}
	if v6 {
		raw[0] = 0x20 // keep it out of the IPv4-mapped range
	}
	if g.chance(2) {
		a.Binary = raw
		if v6 {
			v := uint8(1 + g.n(128))
			a.V6PrefixLength = &v
		}
	} else {
		addr, _ := netip.AddrFromSlice(raw)
		a.Text = addr.String()
		if g.chance(3) {
			bits := 8 * n
			a.Text = netip.PrefixFrom(addr, g.n(bits+1)).String()
		}
	}
	a.Assignment = optPick(g, IPStatic, IPDynamic, IPNotKnown)
	if !v6 && g.chance(2) {
		ones := g.n(33)
		m := ^uint32(0) << (32 - ones)
		if ones == 0 {
			m = 0
		}
		a.V4SubnetMask = []byte{byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}
	}
	a.NATTranslated = optPick(g, true, false)
	return a
}

func (g *gen) addresses() []string {
	out := []string{}
	for i := g.n(4); i > 0; i-- {
		out = append(out, g.text(0, 40))
	}
	return out
}

func (g *gen) emailIRI() *EmailIRI {
	x := &EmailIRI{
		ObjID:      g.relOID(objEmailIRI),
		EventType:  pick(g, EmailSend, EmailReceive, EmailDownload, EmailLogonAttempt, EmailLogon, EmailLogonFailure, EmailLogoff, EmailPartialDownload, EmailUpload),
		ProtocolID: pick(g, ProtocolSMTP, ProtocolPOP3, ProtocolIMAP4, ProtocolWebmail, ProtocolUndefined),
		Status:     pick(g, EmailStatusUnknown, EmailStatusFailed, EmailStatusSucceeded),

		ServerOctetsSent:    g.r.Int64() >> uint(g.n(64)),
		ClientOctetsSent:    -g.r.Int64() >> uint(g.n(64)),
		TotalRecipientCount: g.optU32(),
		MessageID:           g.bytes(0, 40),
		NationalParameter:   g.bytes(0, 10),
		SenderValidity:      optPick(g, SenderValidated, SenderNonValidated),
	}
	if g.chance(2) {
		x.ClientAddress = g.ip()
	}
	if g.chance(2) {
		x.ServerAddress = g.ip()
	}
	if g.chance(2) {
		v := int64(g.n(65536))
		x.ClientPort = &v
	}
	if g.chance(2) {
		v := int64(g.n(65536))
		x.ServerPort = &v
	}
	if g.chance(2) {
		s := g.text(0, 60)
		x.Sender = &s
	}
	if g.chance(2) {
		x.Recipients = g.addresses()
	}
	if g.chance(3) {
		x.NationalASN1 = &NationalEMASN1Parameters{CountryCode: g.country()}
	}
	if g.chance(2) {
		x.AAAInformation = g.aaa()
	}
	return x
}

func (g *gen) aaa() *AAAInformation {
	res := optPick(g, AAAResultUnknown, AAAFailed, AAASucceeded)
	var pass *string
	if g.chance(2) {
		s := g.text(0, 20)
		pass = &s
	}
	switch g.n(3) {
	case 0:
		return &AAAInformation{POP3: &POP3AAAInformation{Username: g.text(0, 30), Password: pass, Result: res}}
	case 1:
		return &AAAInformation{IMAP: &IMAPAAAInformation{Username: g.text(0, 30), Password: pass, Result: res}}
	}
	return &AAAInformation{ASMTP: &ASMTPAAAInformation{
		Username: g.text(0, 64), AuthMethod: optPick(g, AuthMethodUndefined, AuthMethodCRAMMD5, AuthMethodDigestMD5),
		Challenge: g.bytes(0, 30), Response: g.bytes(0, 30), Result: res,
	}}
}

var (
	allMessagingEvents     = []MessagingEvent{EventDeposit, EventRetrieve, EventDelete, EventSave, EventSlamdown, EventCalendar, EventContact}
	allNotificationEvents  = []MessagingNotificationEvent{NotificationSMS, NotificationSMSDeposit, NotificationSMSSlamdown, NotificationSMSPinReminder, NotificationEmail, NotificationFaxToEmail, NotificationMMS, NotificationGeneric}
	allStatuses            = []MessagingStatus{StatusUnknown, StatusNotApplicable, StatusOperationFailed, StatusOperationSucceeded, StatusOperationCancelled, StatusOperationStarted, StatusOperationLost}
	allTriggers            = []MessagingTrigger{TriggerUnknown, TriggerUser, TriggerUserAgent, TriggerSystem, TriggerSystemOperator}
	allNotificationTypes   = []MessagingNotificationType{NotifyEmptyCall, NotifyLostCall, NotifyMessageToEmail, NotifyReadReport, NotifyDeliveryReport, NotifyAllowDeliveryReport, NotifyDenyDeliveryReport, NotifyMessageWaiting, NotifyVoiceToText, NotifyNewMessageSMS, NotifyNewMessageOutcall, NotifyNewMessageReminder}
	allMessageStatuses     = []MessagingMessageStatus{MessageIndeterminate, MessageExpired, MessageRetrieved, MessageRejected, MessageDeferred, MessageForwarded, MessageUnrecognized, MessageUnreachable, MessageRead, MessageDeletedWithoutBeingRead, MessageDeliveryConditionNotMet}
	allBoxEventsForTesting = func() []MessagingBoxEvent {
		var out []MessagingBoxEvent
		for v := BoxUnknown; v <= BoxHeaderPlayDisable; v++ {
			out = append(out, v)
		}
		return out
	}()
)

func (g *gen) messagingIRI() *MessagingIRI {
	x := &MessagingIRI{
		ObjID:               g.relOID(objMessagingIRI),
		SystemType:          SystemUnifiedMessaging,
		SystemIdentifier:    g.bytes(0, 20),
		Status:              pick(g, allStatuses...),
		Trigger:             pick(g, allTriggers...),
		EventIdentifier:     g.optU32(),
		OriginalMessage:     g.bytes(0, 60),
		BoxIdentifier:       g.bytes(0, 12),
		TotalRecipientCount: g.optU32(),
	}
	if !g.chance(3) {
		c := &MessagingEventCategory{}
		switch g.n(4) {
		case 0:
			c.Message = Ptr(pick(g, allMessagingEvents...))
		case 1:
			c.MessageBox = Ptr(pick(g, allBoxEventsForTesting...))
		case 2:
			c.Notification = Ptr(pick(g, allNotificationEvents...))
		default:
			c.Call = Ptr(CallCallout)
		}
		x.Category = c
	}
	if !g.chance(3) {
		x.PartyInformation = []MessagingPartyInformation{}
		for i := g.n(4); i > 0; i-- {
			x.PartyInformation = append(x.PartyInformation, MessagingPartyInformation{
				Qualifier:     pick(g, PartyUnknown, PartyOriginating, PartyTerminating, PartyAssociated),
				Identity:      g.identity(g.n(14)),
				Validity:      optPick(g, ValidityUnknown, ValidityTrusted, ValidityUntrusted),
				CopyQualifier: optPick(g, CopyUnknown, CopyNone, CopyCC, CopyBCC),
			})
		}
	}
	if !g.chance(3) {
		x.Properties = []MessagingProperty{}
		for i := g.n(4); i > 0; i-- {
			x.Properties = append(x.Properties, g.property(g.n(13)))
		}
	}
	return x
}

// identity builds the Messaging-Party-Identity alternative with context tag alt.
func (g *gen) identity(alt int) MessagingPartyIdentity {
	var id MessagingPartyIdentity
	switch alt {
	case 0:
		id.MSISDN = g.digits(1, 16)
	case 1:
		id.E164 = g.digits(E164DigitsMin, E164DigitsMax)
	case 2:
		id.EmailAddresses = g.addresses()
	case 3:
		id.IPAddress = g.ip()
	case 4:
		id.Alphanumeric = g.text(1, 30)
	case 5:
		id.IPAddressAndPort = &IPAddressAndPort{Address: *g.ip(), Port: int64(g.n(65536))}
	case 6:
		id.IMSI = g.digits(IMSIDigitsMin, IMSIDigitsMax)
	case 7:
		id.IMEI = g.digits(15, 16)
	case 8:
		id.FaxURL = "fax:+" + g.digits(1, 15)
	case 9:
		id.TelURL = "tel:+" + g.digits(1, 15)
	case 10:
		id.ModemURL = "modem:+" + g.digits(1, 15)
	case 11:
		id.SIPURI = "sip:" + g.alnum(1, 20) + "@example.org"
	case 12:
		id.SIPSURI = "sips:" + g.alnum(1, 20)
	default:
		id.NAI = g.alnum(1, 20) + "@" + g.alnum(1, 20) + ".example"
		if g.chance(3) {
			id.NAI = "\u00fcser@realm" // RFC 7542 allows UTF-8
		}
	}
	return id
}

// property builds the Messaging-Property alternative with context tag alt.
func (g *gen) property(alt int) MessagingProperty {
	var p MessagingProperty
	switch alt {
	case 0:
		p.Pincode = []byte(g.digits(1, 32))
	case 1:
		p.Priority = Ptr(pick(g, PriorityLow, PriorityMedium, PriorityHigh, PriorityPrivate))
	case 2:
		p.GreetingType = Ptr(pick(g, GreetingGeneral, GreetingName, GreetingPersonal, GreetingAbsence, GreetingNumber))
	case 3:
		p.NotificationType = Ptr(pick(g, allNotificationTypes...))
	case 4:
		p.Language = pick(g, "en", "de-DE", "en-GB", "zh-Hant-TW", "sgn-BE-FR", "x-klingon", "es-419")
	case 5:
		p.MessageIdentifier = g.bytes(1, 30)
		if p.MessageIdentifier == nil {
			p.MessageIdentifier = []byte("m")
		}
	case 6:
		p.Subject = Ptr(g.text(0, 40))
	case 7:
		p.UserAgent = Ptr(g.text(0, 40))
	case 8:
		p.Password = []byte(g.text(1, 12))
	case 9:
		p.MessageStatus = Ptr(pick(g, allMessageStatuses...))
	case 10:
		p.RequestedReports = Ptr(pick(g, ReportsNone, ReportsDelivery, ReportsRead, ReportsDeliveryAndRead))
	case 11:
		p.Expires = g.time()
	default:
		p.MessageDate = g.time()
	}
	return p
}
