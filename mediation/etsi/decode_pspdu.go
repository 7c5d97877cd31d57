package etsi

import (
	"github.com/umli/umli/mediation/etsi/ber"
)

// DecodePSPDU decodes the first PS-PDU in b (BER, definite or indefinite lengths) and
// returns it with the number of bytes it occupied. Errors are *DecodeError with the byte
// offset in b and the ASN.1 path. Fields added by newer schema versions that umli does not
// model are skipped; enumeration values and CHOICE alternatives it does not know are errors.
// ObjIDs and DomainID are filled from the wire.
func DecodePSPDU(b []byte) (PSPDU, int, error) {
	var p PSPDU
	r := ber.NewReader(b, 0, ber.DefaultMaxDepth)
	e, err := r.Next()
	if err != nil {
		return p, 0, decWrap(err, "PS-PDU", 0)
	}
	if err := e.Expect(ber.Sequence()); err != nil {
		return p, 0, decWrap(err, "PS-PDU", 0)
	}
	d := newDec(b[:r.Offset()])
	if err := decodePSPDU(d, &e, &p); err != nil {
		return PSPDU{}, 0, decWrap(err, "PS-PDU", e.Offset)
	}
	return p, r.Offset(), nil
}

var psPDUNames = map[uint32]string{1: "pSHeader", 2: "payload"}

func decodePSPDU(d *dec, e *ber.Element, p *PSPDU) error {
	s, err := newSeq(e, 2)
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
		case 1:
			if err := decodePSHeader(d, &c, &p.Header); err != nil {
				return decWrap(err, "pSHeader", c.Offset)
			}
		case 2:
			if err := decodePayload(d, &c, &p.Payload); err != nil {
				return decWrap(err, "payload", c.Offset)
			}
		default:
			return unexpected(&c)
		}
	}
	return s.require(psPDUNames, 1, 2)
}

func unexpected(c *ber.Element) error {
	return &ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: c.Tag.String()}
}

var headerNames = map[uint32]string{0: "li-psDomainId", 1: "lawfulInterceptionIdentifier", 3: "communicationIdentifier", 4: "sequenceNumber"}

func decodePSHeader(d *dec, e *ber.Element, h *PSHeader) error {
	if err := form(e, true); err != nil {
		return err
	}
	s, err := newSeq(e, 8)
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
		if err := decodeHeaderField(d, &c, h); err != nil {
			return err
		}
	}
	return s.require(headerNames, 0, 1, 3, 4)
}

func decodeHeaderField(d *dec, c *ber.Element, h *PSHeader) error {
	var err error
	switch c.Tag.Number {
	case 0:
		var id []uint32
		if id, err = d.oid(c); err == nil {
			h.DomainID = id
			err = atOff(c, domainIDShape(id))
		}
		return wrapField(err, "li-psDomainId", c)
	case 1:
		if h.LIID, err = d.text(c, false); err == nil {
			err = atOff(c, sizeIn("LIID", len(h.LIID), SizePSHeaderLawfulInterceptionIdentifierMin, SizePSHeaderLawfulInterceptionIdentifierMax))
		}
		return wrapField(err, "lawfulInterceptionIdentifier", c)
	case 2:
		if h.AuthorizationCountryCode, err = d.text(c, false); err == nil {
			err = atOff(c, countryCode(h.AuthorizationCountryCode))
		}
		return wrapField(err, "authorizationCountryCode", c)
	case 3:
		return wrapField(decodeCommunicationIdentifier(d, c, &h.CommunicationIdentifier), "communicationIdentifier", c)
	case 4:
		h.SequenceNumber, err = c.Uint32()
		return wrapField(err, "sequenceNumber", c)
	case 5:
		if err = form(c, false); err == nil {
			h.TimeStamp, err = d.timep(c)
		}
		return wrapField(err, "timeStamp", c)
	case 6:
		if h.InterceptionPointID, err = d.text(c, false); err == nil {
			err = atOff(c, interceptionPointID(h.InterceptionPointID))
		}
		return wrapField(err, "interceptionPointID", c)
	case 7:
		h.MicroSecondTimeStamp, err = decodeMicroSecondTimeStamp(d, c)
		return wrapField(err, "microSecondTimeStamp", c)
	case 8:
		h.TimeStampQualifier, err = enumPtr[TimeStampQualifier](d, c)
		return wrapField(err, "timeStampQualifier", c)
	}
	return unexpected(c)
}

func wrapField(err error, name string, c *ber.Element) error {
	if err == nil {
		return nil
	}
	return decWrap(err, name, c.Offset)
}

var commIDNames = map[uint32]string{0: "networkIdentifier"}

func decodeCommunicationIdentifier(d *dec, e *ber.Element, ci *CommunicationIdentifier) error {
	if err := form(e, true); err != nil {
		return err
	}
	s, err := newSeq(e, 2)
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
			err = wrapField(decodeNetworkIdentifier(d, &c, &ci.NetworkIdentifier), "networkIdentifier", &c)
		case 1:
			ci.CIN, err = d.u32p(&c)
			err = wrapField(err, "communicationIdentityNumber", &c)
		case 2:
			if ci.DeliveryCountryCode, err = d.text(&c, false); err == nil {
				err = atOff(&c, countryCode(ci.DeliveryCountryCode))
			}
			err = wrapField(err, "deliveryCountryCode", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(commIDNames, 0)
}

var netIDNames = map[uint32]string{0: "operatorIdentifier"}

func decodeNetworkIdentifier(d *dec, e *ber.Element, n *NetworkIdentifier) error {
	if err := form(e, true); err != nil {
		return err
	}
	s, err := newSeq(e, 1)
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
			if n.OperatorIdentifier, err = d.text(&c, false); err == nil {
				err = atOff(&c, sizeIn("operatorIdentifier", len(n.OperatorIdentifier), SizeNetworkIdentifierOperatorIdentifierMin, SizeNetworkIdentifierOperatorIdentifierMax))
			}
			err = wrapField(err, "operatorIdentifier", &c)
		case 1:
			if n.NetworkElementIdentifier, err = d.text(&c, false); err == nil {
				err = atOff(&c, sizeIn("networkElementIdentifier", len(n.NetworkElementIdentifier), SizeNetworkIdentifierNetworkElementIdentifierMin, SizeNetworkIdentifierNetworkElementIdentifierMax))
			}
			err = wrapField(err, "networkElementIdentifier", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(netIDNames, 0)
}

var microNames = map[uint32]string{0: "seconds", 1: "microSeconds"}

func decodeMicroSecondTimeStamp(d *dec, e *ber.Element) (*MicroSecondTimeStamp, error) {
	if err := form(e, true); err != nil {
		return nil, err
	}
	s, err := newSeq(e, 1)
	if err != nil {
		return nil, err
	}
	var ts MicroSecondTimeStamp
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
			ts.Seconds, err = c.Uint64()
			err = wrapField(err, "seconds", &c)
		case 1:
			var us uint32
			if us, err = c.Uint32(); err == nil && us > RangeMicroSecondTimeStampMicroSecondsMax {
				err = atOff(&c, ErrConstraint)
			}
			ts.MicroSeconds = us
			err = wrapField(err, "microSeconds", &c)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.require(microNames, 0, 1); err != nil {
		return nil, err
	}
	return take(&d.micros, ts, 4), nil
}

func decodePayload(d *dec, e *ber.Element, p *Payload) error {
	if err := form(e, true); err != nil {
		return err
	}
	c, err := only(e)
	if err != nil {
		return err
	}
	if c.Tag.Class != ber.Context {
		return unexpected(&c)
	}
	switch c.Tag.Number {
	case 0:
		return wrapField(decodeIRISequence(d, &c, p), "iRIPayloadSequence", &c)
	case 1:
		return wrapField(decodeCCSequence(d, &c, p), "cCPayloadSequence", &c)
	case 2:
		t, err := decodeTRIPayload(d, &c)
		p.TRI = t
		return wrapField(err, "tRIPayload", &c)
	}
	return &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "Payload alternative " + c.Tag.String()}
}

func decodeIRISequence(d *dec, e *ber.Element, p *Payload) error {
	r, err := e.Children()
	if err != nil {
		return err
	}
	p.IRI = make([]IRIPayload, 0, count(e))
	for i := 0; !r.Empty(); i++ {
		c, err := r.Next()
		if err != nil {
			return decIdx(err, "", i, r.Offset())
		}
		if err := c.Expect(ber.Sequence()); err != nil {
			return decIdx(err, "", i, c.Offset)
		}
		p.IRI = append(p.IRI, IRIPayload{})
		if err := decodeIRIPayload(d, &c, &p.IRI[i]); err != nil {
			return decIdx(err, "", i, c.Offset)
		}
	}
	return nil
}

func decodeCCSequence(d *dec, e *ber.Element, p *Payload) error {
	r, err := e.Children()
	if err != nil {
		return err
	}
	p.CC = make([]CCPayload, 0, count(e))
	for i := 0; !r.Empty(); i++ {
		c, err := r.Next()
		if err != nil {
			return decIdx(err, "", i, r.Offset())
		}
		if err := c.Expect(ber.Sequence()); err != nil {
			return decIdx(err, "", i, c.Offset)
		}
		p.CC = append(p.CC, CCPayload{})
		if err := decodeCCPayload(d, &c, &p.CC[i]); err != nil {
			return decIdx(err, "", i, c.Offset)
		}
	}
	return nil
}

func decodeTRIPayload(d *dec, e *ber.Element) (*TRIPayload, error) {
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
	k := TRIKind(c.Tag.Number)
	switch k {
	case TRIPadding:
		if err := form(&c, false); err != nil {
			return nil, err
		}
		b, err := d.bytes(&c)
		if err != nil {
			return nil, err
		}
		return &TRIPayload{Kind: k, Padding: b}, nil
	case TRITest, TRIKeepAlive, TRIKeepAliveResponse, TRIFirstSegment, TRILastSegment, TRICINReset:
		if err := c.Null(); err != nil {
			return nil, err
		}
		return &TRIPayload{Kind: k}, nil
	}
	return nil, &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "TRIPayload alternative " + c.Tag.String()}
}

var iriNames = map[uint32]string{2: "iRIContents"}

func decodeIRIPayload(d *dec, e *ber.Element, p *IRIPayload) error {
	s, err := newSeq(e, 6)
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
			p.IRIType, err = enumPtr[IRIType](d, &c)
			err = wrapField(err, "iRIType", &c)
		case 1:
			if err = form(&c, false); err == nil {
				p.TimeStamp, err = d.timep(&c)
			}
			err = wrapField(err, "timeStamp", &c)
		case 2:
			err = wrapField(decodeIRIContents(d, &c, &p.Contents), "iRIContents", &c)
		case 3:
			p.MicroSecondTimeStamp, err = decodeMicroSecondTimeStamp(d, &c)
			err = wrapField(err, "microSecondTimeStamp", &c)
		case 4:
			p.TimeStampQualifier, err = enumPtr[TimeStampQualifier](d, &c)
			err = wrapField(err, "timeStampQualifier", &c)
		case 5:
			p.SessionDirection, err = enumPtr[PayloadDirection](d, &c)
			err = wrapField(err, "sessionDirection", &c)
		case 6:
			p.PayloadDirection, err = enumPtr[PayloadDirection](d, &c)
			err = wrapField(err, "payloadDirection", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(iriNames, 2)
}

func decodeIRIContents(d *dec, e *ber.Element, ic *IRIContents) error {
	if err := form(e, true); err != nil {
		return err
	}
	c, err := only(e)
	if err != nil {
		return err
	}
	if c.Tag.Class == ber.Context && c.Tag.Constructed {
		switch c.Tag.Number {
		case 1:
			ic.EmailIRI = d.emailIRI()
			return wrapField(decodeEmailIRI(d, &c, ic.EmailIRI), "emailIRI", &c)
		case 14:
			ic.MessagingIRI = d.messagingIRI()
			return wrapField(decodeMessagingIRI(d, &c, ic.MessagingIRI), "messagingIRI", &c)
		}
	}
	return &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "IRIContents alternative " + c.Tag.String()}
}

var ccNames = map[uint32]string{2: "cCContents"}

func decodeCCPayload(d *dec, e *ber.Element, p *CCPayload) error {
	s, err := newSeq(e, 4)
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
			p.PayloadDirection, err = enumPtr[PayloadDirection](d, &c)
			err = wrapField(err, "payloadDirection", &c)
		case 1:
			if err = form(&c, false); err == nil {
				p.TimeStamp, err = d.timep(&c)
			}
			err = wrapField(err, "timeStamp", &c)
		case 2:
			err = wrapField(decodeCCContents(d, &c, &p.Contents), "cCContents", &c)
		case 3:
			p.MicroSecondTimeStamp, err = decodeMicroSecondTimeStamp(d, &c)
			err = wrapField(err, "microSecondTimeStamp", &c)
		case 4:
			p.TimeStampQualifier, err = enumPtr[TimeStampQualifier](d, &c)
			err = wrapField(err, "timeStampQualifier", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(ccNames, 2)
}

func decodeCCContents(d *dec, e *ber.Element, cc *CCContents) error {
	if err := form(e, true); err != nil {
		return err
	}
	c, err := only(e)
	if err != nil {
		return err
	}
	if c.Tag.Class == ber.Context && c.Tag.Constructed {
		switch c.Tag.Number {
		case 1:
			cc.EmailCC = new(EmailCC)
			return wrapField(decodeEmailCC(d, &c, cc.EmailCC), "emailCC", &c)
		case 14:
			cc.MessagingCC = new(MessagingCC)
			return wrapField(decodeMessagingCC(d, &c, cc.MessagingCC), "messagingCC", &c)
		}
	}
	return &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "CCContents alternative " + c.Tag.String()}
}
