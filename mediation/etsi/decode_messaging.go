package etsi

import (
	"github.com/umli/umli/mediation/etsi/ber"
)

var messagingIRINames = map[uint32]string{0: "messaging-iri-obj-id", 1: "system-type", 4: "status", 6: "trigger"}

func decodeMessagingIRI(d *dec, e *ber.Element, x *MessagingIRI) error {
	s, err := newSeq(e, 11)
	if err != nil {
		return err
	}
	for {
		var c ber.Element
		ok, err := s.next(&c)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch c.Tag.Number {
		case 0:
			if x.ObjID, err = d.relOID(&c); err == nil {
				err = atOff(&c, objIDShape(x.ObjID, objMessagingIRI))
			}
			err = wrapField(err, "messaging-iri-obj-id", &c)
		case 1:
			x.SystemType, err = decEnum[MessagingSystemType](&c)
			err = wrapField(err, "system-type", &c)
		case 2:
			x.SystemIdentifier, err = d.bytes(&c)
			err = wrapField(err, "system-identifier", &c)
		case 3:
			x.Category, err = decodeCategory(d, &c)
			err = wrapField(err, "category", &c)
		case 4:
			x.Status, err = decEnum[MessagingStatus](&c)
			err = wrapField(err, "status", &c)
		case 5:
			x.PartyInformation, err = decodeParties(d, &c)
			err = wrapField(err, "party-information", &c)
		case 6:
			x.Trigger, err = decEnum[MessagingTrigger](&c)
			err = wrapField(err, "trigger", &c)
		case 7:
			x.Properties, err = decodeProperties(d, &c)
			err = wrapField(err, "properties", &c)
		case 8:
			x.EventIdentifier, err = d.u32p(&c)
			err = wrapField(err, "event-identifier", &c)
		case 9:
			x.OriginalMessage, err = d.bytes(&c)
			err = wrapField(err, "original-message", &c)
		case 10:
			x.BoxIdentifier, err = d.bytes(&c)
			err = wrapField(err, "box-identifier", &c)
		case 11:
			x.TotalRecipientCount, err = d.u32p(&c)
			err = wrapField(err, "total-recipient-count", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(messagingIRINames, 0, 1, 4, 6)
}

func decodeCategory(d *dec, e *ber.Element) (*MessagingEventCategory, error) {
	if err := form(e, true); err != nil {
		return nil, err
	}
	c, err := only(e)
	if err != nil {
		return nil, err
	}
	if c.Tag.Class != ber.Context {
		return nil, unexpected(&c)
	}
	cat := d.category()
	switch c.Tag.Number {
	case 0:
		cat.Message, err = enumPtr[MessagingEvent](d, &c)
		return cat, wrapField(err, "message", &c)
	case 1:
		cat.MessageBox, err = enumPtr[MessagingBoxEvent](d, &c)
		return cat, wrapField(err, "message-box", &c)
	case 2:
		cat.Notification, err = enumPtr[MessagingNotificationEvent](d, &c)
		return cat, wrapField(err, "message-notification", &c)
	case 3:
		cat.Call, err = enumPtr[MessagingCallEvent](d, &c)
		return cat, wrapField(err, "call", &c)
	}
	return nil, &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "Messaging-Event-Category alternative " + c.Tag.String()}
}

func decodeParties(d *dec, e *ber.Element) ([]MessagingPartyInformation, error) {
	if err := form(e, true); err != nil {
		return nil, err
	}
	r, err := e.Children()
	if err != nil {
		return nil, err
	}
	out := d.partyList(count(e))
	for i := 0; !r.Empty(); i++ {
		c, err := r.Next()
		if err != nil {
			return nil, decIdx(err, "", i, r.Offset())
		}
		if err := c.Expect(ber.Sequence()); err != nil {
			return nil, decIdx(err, "", i, c.Offset)
		}
		out = append(out, MessagingPartyInformation{})
		if err := decodeParty(d, &c, &out[i]); err != nil {
			return nil, decIdx(err, "", i, c.Offset)
		}
	}
	return out, nil
}

var partyNames = map[uint32]string{0: "party-qualifier", 1: "party-identity"}

func decodeParty(d *dec, e *ber.Element, p *MessagingPartyInformation) error {
	s, err := newSeq(e, 3)
	if err != nil {
		return err
	}
	for {
		var c ber.Element
		ok, err := s.next(&c)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch c.Tag.Number {
		case 0:
			p.Qualifier, err = decEnum[MessagingPartyQualifier](&c)
			err = wrapField(err, "party-qualifier", &c)
		case 1:
			err = wrapField(decodePartyIdentity(d, &c, &p.Identity), "party-identity", &c)
		case 2:
			p.Validity, err = enumPtr[MessagingPartyValidity](d, &c)
			err = wrapField(err, "party-validity", &c)
		case 3:
			p.CopyQualifier, err = enumPtr[MessagingCopyQualifier](d, &c)
			err = wrapField(err, "copy-qualifier", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(partyNames, 0, 1)
}

func decodePartyIdentity(d *dec, e *ber.Element, id *MessagingPartyIdentity) error {
	if err := form(e, true); err != nil {
		return err
	}
	c, err := only(e)
	if err != nil {
		return err
	}
	if c.Tag.Class != ber.Context || c.Tag.Number >= uint32(len(identityNames)) {
		return &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "Messaging-Party-Identity alternative " + c.Tag.String()}
	}
	return wrapField(decodeIdentityAlt(d, &c, id), identityNames[c.Tag.Number], &c)
}

func decodeIdentityAlt(d *dec, c *ber.Element, id *MessagingPartyIdentity) error {
	var err error
	n := c.Tag.Number
	constructed := n == 2 || n == 3 || n == 5
	if err := form(c, constructed); err != nil {
		return err
	}
	switch n {
	case 0:
		var b []byte
		if b, err = d.bytes(c); err != nil {
			return err
		}
		if len(b) < 1 || b[0] != msisdnNature {
			return &ber.Error{Offset: c.Offset, Err: ErrConstraint, Detail: "msisdn must start with the 0x91 (international, E.164) nature octet"}
		}
		if id.MSISDN, err = parseTBCD(b[1:]); err != nil {
			return atOff(c, err)
		}
		return atOff(c, msisdnCheck(id.MSISDN))
	case 1:
		var b []byte
		if b, err = d.bytes(c); err != nil {
			return err
		}
		id.E164, err = parseE164(b)
		return atOff(c, err)
	case 2:
		id.EmailAddresses, err = decodeAddressList(d, c)
		return err
	case 3:
		id.IPAddress, err = decodeIPAddress(d, c)
		return err
	case 4:
		id.Alphanumeric, err = d.nonEmpty(c, true)
		return err
	case 5:
		id.IPAddressAndPort, err = decodeIPAddressAndPort(d, c)
		return err
	case 6, 7:
		var b []byte
		if b, err = d.bytes(c); err != nil {
			return err
		}
		d, err := parseTBCD(b)
		if err != nil {
			return atOff(c, err)
		}
		if n == 6 {
			id.IMSI = d
			return atOff(c, imsiCheck(d))
		}
		id.IMEI = d
		return atOff(c, imeiCheck(d))
	default:
		var s string
		if s, err = d.nonEmpty(c, false); err != nil {
			return err
		}
		switch n {
		case 8:
			id.FaxURL = s
		case 9:
			id.TelURL = s
		case 10:
			id.ModemURL = s
		case 11:
			id.SIPURI = s
		case 12:
			id.SIPSURI = s
		default:
			id.NAI = s
		}
		return atOff(c, identityTextCheck(n, s))
	}
}

var ipPortNames = map[uint32]string{0: "ip-address", 1: "port-number"}

func decodeIPAddressAndPort(d *dec, e *ber.Element) (*IPAddressAndPort, error) {
	s, err := newSeq(e, 1)
	if err != nil {
		return nil, err
	}
	var x IPAddressAndPort
	for {
		var c ber.Element
		ok, err := s.next(&c)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		switch c.Tag.Number {
		case 0:
			var a *IPAddress
			if a, err = decodeIPAddress(d, &c); err == nil {
				x.Address = *a
			}
			err = wrapField(err, "ip-address", &c)
		case 1:
			if x.Port, err = c.Int64(); err == nil {
				err = atOff(&c, portCheck(x.Port))
			}
			err = wrapField(err, "port-number", &c)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.require(ipPortNames, 0, 1); err != nil {
		return nil, err
	}
	return &x, nil
}

// decodeAddressList reads E-mail-Address-List; a present empty list is a non-nil empty slice.
func decodeAddressList(d *dec, e *ber.Element) ([]string, error) {
	r, err := e.Children()
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, count(e))
	for i := 0; !r.Empty(); i++ {
		c, err := r.Next()
		if err != nil {
			return nil, decIdx(err, "", i, r.Offset())
		}
		if c.Tag.Class != ber.Universal || c.Tag.Number != ber.TagUTF8String {
			return nil, decIdx(&ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: c.Tag.String() + ", expected UTF8String"}, "", i, c.Offset)
		}
		a, err := d.text(&c, true)
		if err == nil {
			err = atOff(&c, addressCheck(a))
		}
		if err != nil {
			return nil, decIdx(err, "", i, c.Offset)
		}
		out = append(out, a)
		if len(out) > CountEMailAddressListMax {
			return nil, decIdx(atOff(&c, ErrConstraint), "", i, c.Offset)
		}
	}
	return out, nil
}

func decodeProperties(d *dec, e *ber.Element) ([]MessagingProperty, error) {
	if err := form(e, true); err != nil {
		return nil, err
	}
	r, err := e.Children()
	if err != nil {
		return nil, err
	}
	out := make([]MessagingProperty, 0, count(e))
	for i := 0; !r.Empty(); i++ {
		c, err := r.Next()
		if err != nil {
			return nil, decIdx(err, "", i, r.Offset())
		}
		if c.Tag.Class != ber.Context || c.Tag.Number >= uint32(len(propertyNames)) {
			return nil, decIdx(&ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "Messaging-Property alternative " + c.Tag.String()}, "", i, c.Offset)
		}
		out = append(out, MessagingProperty{})
		if err := decodeProperty(d, &c, &out[i]); err != nil {
			return nil, decIdx(wrapField(err, propertyNames[c.Tag.Number], &c), "", i, c.Offset)
		}
	}
	return out, nil
}

func decodeProperty(d *dec, c *ber.Element, p *MessagingProperty) error {
	if err := form(c, false); err != nil {
		return err
	}
	var err error
	switch c.Tag.Number {
	case 0:
		if p.Pincode, err = d.bytes(c); err == nil {
			err = atOff(c, sizeIn("pincode", len(p.Pincode), SizeMessagingPropertyPincodeMin, SizeMessagingPropertyPincodeMax))
		}
	case 1:
		p.Priority, err = enumPtr[MessagingPriority](d, c)
	case 2:
		p.GreetingType, err = enumPtr[MessagingGreetingType](d, c)
	case 3:
		p.NotificationType, err = enumPtr[MessagingNotificationType](d, c)
	case 4:
		if p.Language, err = d.nonEmpty(c, false); err == nil {
			err = atOff(c, languageTag(p.Language))
		}
	case 5:
		if p.MessageIdentifier, err = d.bytes(c); err == nil && p.MessageIdentifier == nil {
			err = atOff(c, errEmpty)
		}
	case 6:
		var s string
		if s, err = d.text(c, true); err == nil {
			p.Subject = &s
		}
	case 7:
		var s string
		if s, err = d.text(c, true); err == nil {
			p.UserAgent = &s
		}
	case 8:
		if p.Password, err = d.bytes(c); err == nil && p.Password == nil {
			err = atOff(c, errEmpty)
		}
	case 9:
		p.MessageStatus, err = enumPtr[MessagingMessageStatus](d, c)
	case 10:
		p.RequestedReports, err = enumPtr[MessagingRequestedReports](d, c)
	case 11:
		p.Expires, err = d.timep(c)
	default:
		p.MessageDate, err = d.timep(c)
	}
	return err
}

var messagingCCNames = map[uint32]string{0: "messaging-cc-obj-id", 1: "event-identifier", 5: "content-type", 6: "content"}

func decodeMessagingCC(d *dec, e *ber.Element, x *MessagingCC) error {
	s, err := newSeq(e, 7)
	if err != nil {
		return err
	}
	for {
		var c ber.Element
		ok, err := s.next(&c)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch c.Tag.Number {
		case 0:
			if x.ObjID, err = d.relOID(&c); err == nil {
				err = atOff(&c, objIDShape(x.ObjID, objMessagingCC))
			}
			err = wrapField(err, "messaging-cc-obj-id", &c)
		case 1:
			x.EventIdentifier, err = c.Uint32()
			err = wrapField(err, "event-identifier", &c)
		case 2:
			x.ContentIdentifier, err = d.u32p(&c)
			err = wrapField(err, "content-identifier", &c)
		case 3:
			x.SequenceNumber, err = d.u32p(&c)
			err = wrapField(err, "sequence-number", &c)
		case 4:
			x.EndOfSequence, err = c.Bool()
			err = wrapField(err, "end-of-sequence", &c)
		case 5:
			if x.ContentType, err = d.text(&c, false); err == nil {
				err = atOff(&c, contentType(x.ContentType))
			}
			err = wrapField(err, "content-type", &c)
		case 6:
			x.Content, err = d.bytes(&c)
			err = wrapField(err, "content", &c)
		case 7:
			if x.ContentTransferEncoding, err = d.text(&c, false); err == nil && x.ContentTransferEncoding != "" {
				err = atOff(&c, transferEncoding(x.ContentTransferEncoding))
			}
			err = wrapField(err, "content-transfer-encoding", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(messagingCCNames, 0, 1, 5, 6)
}
