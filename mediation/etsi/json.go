package etsi

import (
	"fmt"
)

// JSON renders p as one JSON object: keys are the ASN.1 identifiers in ASN.1 order,
// enumerations their identifiers, a CHOICE an object with one key. See JSON.md for the rules
// (OIDs, times, octet strings, identities). Absent optional fields are left out. An object
// identifier left nil in the model (to be filled by the encoder) is left out as well.
func (p *PSPDU) JSON() ([]byte, error) {
	w := &jw{b: make([]byte, 0, 512)}
	w.b = append(w.b, '{')
	w.open("pSHeader")
	jsonHeader(w, &p.Header)
	w.close()
	w.open("payload")
	if err := jsonPayload(w, &p.Payload); err != nil {
		return nil, fmt.Errorf("etsi: JSON: payload: %w", err)
	}
	w.close()
	w.b = append(w.b, '}')
	return w.b, nil
}

func jsonHeader(w *jw, h *PSHeader) {
	if h.DomainID != nil {
		w.oid("li-psDomainId", h.DomainID)
	}
	w.octetsString("lawfulInterceptionIdentifier", h.LIID)
	if h.AuthorizationCountryCode != "" {
		w.str("authorizationCountryCode", h.AuthorizationCountryCode)
	}
	c := &h.CommunicationIdentifier
	w.open("communicationIdentifier")
	w.open("networkIdentifier")
	w.octetsString("operatorIdentifier", c.NetworkIdentifier.OperatorIdentifier)
	if c.NetworkIdentifier.NetworkElementIdentifier != "" {
		w.octetsString("networkElementIdentifier", c.NetworkIdentifier.NetworkElementIdentifier)
	}
	w.close()
	if c.CIN != nil {
		w.uint("communicationIdentityNumber", uint64(*c.CIN))
	}
	if c.DeliveryCountryCode != "" {
		w.str("deliveryCountryCode", c.DeliveryCountryCode)
	}
	w.close()
	w.uint("sequenceNumber", uint64(h.SequenceNumber))
	if h.TimeStamp != nil {
		w.time("timeStamp", *h.TimeStamp)
	}
	if h.InterceptionPointID != "" {
		w.str("interceptionPointID", h.InterceptionPointID)
	}
	jsonMicro(w, h.MicroSecondTimeStamp)
	if h.TimeStampQualifier != nil {
		w.str("timeStampQualifier", h.TimeStampQualifier.String())
	}
}

func jsonMicro(w *jw, ts *MicroSecondTimeStamp) {
	if ts == nil {
		return
	}
	w.open("microSecondTimeStamp")
	w.uint("seconds", ts.Seconds)
	w.uint("microSeconds", uint64(ts.MicroSeconds))
	w.close()
}

func jsonPayload(w *jw, p *Payload) error {
	switch {
	case p.IRI != nil:
		w.openList("iRIPayloadSequence")
		for i := range p.IRI {
			w.openAnon()
			if err := jsonIRIPayload(w, &p.IRI[i]); err != nil {
				return fmt.Errorf("iRIPayloadSequence[%d]: %w", i, err)
			}
			w.close()
		}
		w.closeList()
	case p.CC != nil:
		w.openList("cCPayloadSequence")
		for i := range p.CC {
			w.openAnon()
			if err := jsonCCPayload(w, &p.CC[i]); err != nil {
				return fmt.Errorf("cCPayloadSequence[%d]: %w", i, err)
			}
			w.close()
		}
		w.closeList()
	case p.TRI != nil:
		w.open("tRIPayload")
		if p.TRI.Kind == TRIPadding {
			w.octets(p.TRI.Kind.String(), p.TRI.Padding)
		} else {
			w.null(p.TRI.Kind.String())
		}
		w.close()
	default:
		return ErrChoice
	}
	return nil
}

func jsonIRIPayload(w *jw, p *IRIPayload) error {
	if p.IRIType != nil {
		w.str("iRIType", p.IRIType.String())
	}
	if p.TimeStamp != nil {
		w.time("timeStamp", *p.TimeStamp)
	}
	w.open("iRIContents")
	switch {
	case p.Contents.EmailIRI != nil:
		w.open("emailIRI")
		jsonEmailIRI(w, p.Contents.EmailIRI)
		w.close()
	case p.Contents.MessagingIRI != nil:
		w.open("messagingIRI")
		jsonMessagingIRI(w, p.Contents.MessagingIRI)
		w.close()
	default:
		return fmt.Errorf("iRIContents: %w", ErrChoice)
	}
	w.close()
	jsonMicro(w, p.MicroSecondTimeStamp)
	if p.TimeStampQualifier != nil {
		w.str("timeStampQualifier", p.TimeStampQualifier.String())
	}
	if p.SessionDirection != nil {
		w.str("sessionDirection", p.SessionDirection.String())
	}
	if p.PayloadDirection != nil {
		w.str("payloadDirection", p.PayloadDirection.String())
	}
	return nil
}

func jsonCCPayload(w *jw, p *CCPayload) error {
	if p.PayloadDirection != nil {
		w.str("payloadDirection", p.PayloadDirection.String())
	}
	if p.TimeStamp != nil {
		w.time("timeStamp", *p.TimeStamp)
	}
	w.open("cCContents")
	switch {
	case p.Contents.EmailCC != nil:
		x := p.Contents.EmailCC
		w.open("emailCC")
		if x.ObjID != nil {
			w.oid("emailCCObjId", x.ObjID)
		}
		w.str("email-Format", x.Format.String())
		w.octets("content", x.Content)
		w.close()
	case p.Contents.MessagingCC != nil:
		w.open("messagingCC")
		jsonMessagingCC(w, p.Contents.MessagingCC)
		w.close()
	default:
		return fmt.Errorf("cCContents: %w", ErrChoice)
	}
	w.close()
	jsonMicro(w, p.MicroSecondTimeStamp)
	if p.TimeStampQualifier != nil {
		w.str("timeStampQualifier", p.TimeStampQualifier.String())
	}
	return nil
}

func jsonMessagingCC(w *jw, x *MessagingCC) {
	if x.ObjID != nil {
		w.oid("messaging-cc-obj-id", x.ObjID)
	}
	w.uint("event-identifier", uint64(x.EventIdentifier))
	if x.ContentIdentifier != nil {
		w.uint("content-identifier", uint64(*x.ContentIdentifier))
	}
	if x.SequenceNumber != nil {
		w.uint("sequence-number", uint64(*x.SequenceNumber))
	}
	w.bool("end-of-sequence", x.EndOfSequence)
	w.octetsString("content-type", x.ContentType)
	w.octets("content", x.Content)
	if x.ContentTransferEncoding != "" {
		w.octetsString("content-transfer-encoding", x.ContentTransferEncoding)
	}
}

func jsonMessagingIRI(w *jw, x *MessagingIRI) {
	if x.ObjID != nil {
		w.oid("messaging-iri-obj-id", x.ObjID)
	}
	w.str("system-type", x.SystemType.String())
	if len(x.SystemIdentifier) > 0 {
		w.octets("system-identifier", x.SystemIdentifier)
	}
	if c := x.Category; c != nil {
		w.open("category")
		switch {
		case c.Message != nil:
			w.str("message", c.Message.String())
		case c.MessageBox != nil:
			w.str("message-box", c.MessageBox.String())
		case c.Notification != nil:
			w.str("message-notification", c.Notification.String())
		case c.Call != nil:
			w.str("call", c.Call.String())
		}
		w.close()
	}
	w.str("status", x.Status.String())
	if x.PartyInformation != nil {
		w.openList("party-information")
		for i := range x.PartyInformation {
			p := &x.PartyInformation[i]
			w.openAnon()
			w.str("party-qualifier", p.Qualifier.String())
			w.open("party-identity")
			jsonIdentity(w, &p.Identity)
			w.close()
			if p.Validity != nil {
				w.str("party-validity", p.Validity.String())
			}
			if p.CopyQualifier != nil {
				w.str("copy-qualifier", p.CopyQualifier.String())
			}
			w.close()
		}
		w.closeList()
	}
	w.str("trigger", x.Trigger.String())
	if x.Properties != nil {
		w.openList("properties")
		for i := range x.Properties {
			w.openAnon()
			jsonProperty(w, &x.Properties[i])
			w.close()
		}
		w.closeList()
	}
	if x.EventIdentifier != nil {
		w.uint("event-identifier", uint64(*x.EventIdentifier))
	}
	if len(x.OriginalMessage) > 0 {
		w.octets("original-message", x.OriginalMessage)
	}
	if len(x.BoxIdentifier) > 0 {
		w.octets("box-identifier", x.BoxIdentifier)
	}
	if x.TotalRecipientCount != nil {
		w.uint("total-recipient-count", uint64(*x.TotalRecipientCount))
	}
}

func jsonIdentity(w *jw, id *MessagingPartyIdentity) {
	switch tag, _ := identityAlternative(id); tag {
	case 0:
		w.digits("msisdn", id.MSISDN, appendTBCD([]byte{msisdnNature}, id.MSISDN))
	case 1:
		digits, _ := e164Digits(id.E164) // JSON shows what the encoder writes; an invalid value shows as empty digits
		w.digits("e164-format", digits, appendE164(nil, digits))
	case 2:
		w.openList("email-address")
		for _, a := range id.EmailAddresses {
			w.strElem(a)
		}
		w.closeList()
	case 3:
		w.open("ip-address")
		jsonIP(w, id.IPAddress)
		w.close()
	case 4:
		w.str("alphanumeric", id.Alphanumeric)
	case 5:
		w.open("ip-address-and-port")
		w.open("ip-address")
		jsonIP(w, &id.IPAddressAndPort.Address)
		w.close()
		w.int("port-number", id.IPAddressAndPort.Port)
		w.close()
	case 6:
		w.digits("imsi", id.IMSI, appendTBCD(nil, id.IMSI))
	case 7:
		w.digits("imei", id.IMEI, appendTBCD(nil, id.IMEI))
	case 8:
		w.octetsString("fax-url", id.FaxURL)
	case 9:
		w.octetsString("tel-url", id.TelURL)
	case 10:
		w.octetsString("modem-url", id.ModemURL)
	case 11:
		w.octetsString("sip-uri", id.SIPURI)
	case 12:
		w.octetsString("sips-uri", id.SIPSURI)
	default:
		w.octetsString("nai", id.NAI)
	}
}

func jsonProperty(w *jw, p *MessagingProperty) {
	switch tag, _ := propertyAlternative(p); tag {
	case 0:
		w.octets("pincode", p.Pincode)
	case 1:
		w.str("priority", p.Priority.String())
	case 2:
		w.str("greeting-type", p.GreetingType.String())
	case 3:
		w.str("notification-type", p.NotificationType.String())
	case 4:
		w.octetsString("language", p.Language)
	case 5:
		w.octets("message-identifier", p.MessageIdentifier)
	case 6:
		w.str("subject", *p.Subject)
	case 7:
		w.str("user-agent", *p.UserAgent)
	case 8:
		w.octets("password", p.Password)
	case 9:
		w.str("message-status", p.MessageStatus.String())
	case 10:
		w.str("requested-reports", p.RequestedReports.String())
	case 11:
		w.time("expires", *p.Expires)
	default:
		w.time("message-date", *p.MessageDate)
	}
}

func jsonIP(w *jw, a *IPAddress) {
	w.str("iP-type", a.Type.String())
	w.open("iP-value")
	if a.Binary != nil {
		w.ipBinary("iPBinaryAddress", a.Binary)
	} else {
		w.str("iPTextAddress", a.Text)
	}
	w.close()
	if a.Assignment != nil {
		w.str("iP-assignment", a.Assignment.String())
	}
	if a.V6PrefixLength != nil {
		w.uint("iPv6PrefixLength", uint64(*a.V6PrefixLength))
	}
	if a.V4SubnetMask != nil {
		w.octets("iPv4SubnetMask", a.V4SubnetMask)
	}
	if a.NATTranslated != nil {
		w.bool("iP-NAT-translated", *a.NATTranslated)
	}
}

func jsonEmailIRI(w *jw, x *EmailIRI) {
	if x.ObjID != nil {
		w.oid("emailIRIObjId", x.ObjID)
	}
	w.str("eventType", x.EventType.String())
	if x.ClientAddress != nil {
		w.open("client-Address")
		jsonIP(w, x.ClientAddress)
		w.close()
	}
	if x.ServerAddress != nil {
		w.open("server-Address")
		jsonIP(w, x.ServerAddress)
		w.close()
	}
	if x.ClientPort != nil {
		w.int("client-Port", *x.ClientPort)
	}
	if x.ServerPort != nil {
		w.int("server-Port", *x.ServerPort)
	}
	w.int("server-Octets-Sent", x.ServerOctetsSent)
	w.int("client-Octets-Sent", x.ClientOctetsSent)
	w.str("protocol-ID", x.ProtocolID.String())
	if x.Sender != nil {
		w.str("e-mail-Sender", *x.Sender)
	}
	if x.Recipients != nil {
		w.openList("e-mail-Recipients")
		for _, r := range x.Recipients {
			w.strElem(r)
		}
		w.closeList()
	}
	w.str("status", x.Status.String())
	if x.TotalRecipientCount != nil {
		w.uint("total-Recipient-Count", uint64(*x.TotalRecipientCount))
	}
	if len(x.MessageID) > 0 {
		w.octets("message-ID", x.MessageID)
	}
	if len(x.NationalParameter) > 0 {
		w.octets("nationalParameter", x.NationalParameter)
	}
	if x.NationalASN1 != nil {
		w.open("national-EM-ASN1parameters")
		w.str("countryCode", x.NationalASN1.CountryCode)
		w.close()
	}
	if a := x.AAAInformation; a != nil {
		w.open("aAAInformation")
		switch {
		case a.POP3 != nil:
			w.open("pOP3AAAInformation")
			jsonUserPass(w, a.POP3.Username, a.POP3.Password, a.POP3.Result)
			w.close()
		case a.ASMTP != nil:
			w.open("aSMTPAAAInformation")
			jsonASMTP(w, a.ASMTP)
			w.close()
		case a.IMAP != nil:
			w.open("iMAPAAAInformation")
			jsonUserPass(w, a.IMAP.Username, a.IMAP.Password, a.IMAP.Result)
			w.close()
		}
		w.close()
	}
	if x.SenderValidity != nil {
		w.str("e-mail-Sender-Validity", x.SenderValidity.String())
	}
}

func jsonUserPass(w *jw, user string, pass *string, res *AAAResult) {
	w.str("username", user)
	if pass != nil {
		w.str("password", *pass)
	}
	if res != nil {
		w.str("aAAResult", res.String())
	}
}

func jsonASMTP(w *jw, a *ASMTPAAAInformation) {
	w.str("username", a.Username)
	if a.AuthMethod != nil {
		w.str("authMethod", a.AuthMethod.String())
	}
	if len(a.Challenge) > 0 {
		w.octets("challenge", a.Challenge)
	}
	if len(a.Response) > 0 {
		w.octets("response", a.Response)
	}
	if a.Result != nil {
		w.str("aAAResult", a.Result.String())
	}
}
