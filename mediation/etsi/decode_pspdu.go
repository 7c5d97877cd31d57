package etsi

import (
	"time"

	"github.com/umli/umli/mediation/etsi/ber"
)

// DecodePSPDU decodes the first PS-PDU in b (BER, definite or indefinite lengths) and
// returns it with the number of bytes it occupied. Errors are *DecodeError with the byte
// offset in b and the ASN.1 path. Fields added by newer schema versions that umli does not
// model are skipped; enumeration values and CHOICE alternatives it does not know are errors.
// ObjIDs and DomainID are filled from the wire.
func DecodePSPDU(b []byte) (PSPDU, int, error) {
	r := ber.NewReader(b, 0, ber.DefaultMaxDepth)
	e, err := r.Next()
	if err != nil {
		return PSPDU{}, 0, decWrap(err, "PS-PDU", 0)
	}
	if err := e.Expect(ber.Sequence()); err != nil {
		return PSPDU{}, 0, decWrap(err, "PS-PDU", 0)
	}
	d := newDec(b[:r.Offset()])
	err = psPDUType.decode(d, &e, &d.pdu)
	p := d.pdu
	d.free()
	if err != nil {
		return PSPDU{}, 0, decWrap(err, "PS-PDU", e.Offset)
	}
	return p, r.Offset(), nil
}

// The LI-PS-PDU types (TS 102 232-1), in the order of the module.

var psPDUType = sequence(nil,
	field[PSPDU]{tag: 1, name: "pSHeader", required: true,
		dec: func(d *dec, c ber.Element, p *PSPDU) error {
			return psHeaderType.decodeConstructed(d, &c, &p.Header)
		},
		json: func(w *jw, k string, p *PSPDU) { object(w, k, psHeaderType, &p.Header) },
	},
	field[PSPDU]{tag: 2, name: "payload", required: true,
		dec: func(d *dec, c ber.Element, p *PSPDU) error {
			return payloadType.decode(d, &c, &p.Payload)
		},
		json: func(w *jw, k string, p *PSPDU) { object(w, k, payloadType, &p.Payload) },
	},
)

var psHeaderType = sequence(nil,
	field[PSHeader]{tag: 0, name: "li-psDomainId", required: true,
		dec:   func(d *dec, c ber.Element, h *PSHeader) (err error) { h.DomainID, err = d.oid(&c); return },
		check: func(h *PSHeader) error { return domainIDShape(h.DomainID) },
		json:  func(w *jw, k string, h *PSHeader) { optOID(w, k, h.DomainID) },
	},
	field[PSHeader]{tag: 1, name: "lawfulInterceptionIdentifier", required: true,
		dec: func(d *dec, c ber.Element, h *PSHeader) (err error) { h.LIID, err = d.text(&c, false); return },
		check: func(h *PSHeader) error {
			return sizeIn("LIID", len(h.LIID), SizePSHeaderLawfulInterceptionIdentifierMin, SizePSHeaderLawfulInterceptionIdentifierMax)
		},
		json: func(w *jw, k string, h *PSHeader) { w.octetsString(k, h.LIID) },
	},
	field[PSHeader]{tag: 2, name: "authorizationCountryCode",
		dec: func(d *dec, c ber.Element, h *PSHeader) (err error) {
			h.AuthorizationCountryCode, err = d.text(&c, false)
			return
		},
		check: func(h *PSHeader) error { return countryCode(h.AuthorizationCountryCode) },
		json:  func(w *jw, k string, h *PSHeader) { optText(w, k, h.AuthorizationCountryCode) },
	},
	field[PSHeader]{tag: 3, name: "communicationIdentifier", required: true,
		dec: func(d *dec, c ber.Element, h *PSHeader) error {
			return commIDType.decodeConstructed(d, &c, &h.CommunicationIdentifier)
		},
		json: func(w *jw, k string, h *PSHeader) { object(w, k, commIDType, &h.CommunicationIdentifier) },
	},
	field[PSHeader]{tag: 4, name: "sequenceNumber", required: true,
		dec:  func(d *dec, c ber.Element, h *PSHeader) (err error) { h.SequenceNumber, err = c.Uint32(); return },
		json: func(w *jw, k string, h *PSHeader) { w.uint(k, uint64(h.SequenceNumber)) },
	},
	timeField(5, "timeStamp", func(h *PSHeader) **time.Time { return &h.TimeStamp }),
	field[PSHeader]{tag: 6, name: "interceptionPointID",
		dec: func(d *dec, c ber.Element, h *PSHeader) (err error) {
			h.InterceptionPointID, err = d.text(&c, false)
			return
		},
		check: func(h *PSHeader) error { return interceptionPointID(h.InterceptionPointID) },
		json:  func(w *jw, k string, h *PSHeader) { optText(w, k, h.InterceptionPointID) },
	},
	microField(7, "microSecondTimeStamp", func(h *PSHeader) **MicroSecondTimeStamp { return &h.MicroSecondTimeStamp }),
	optEnumField(8, "timeStampQualifier", func(h *PSHeader) **TimeStampQualifier { return &h.TimeStampQualifier }),
)

var commIDType = sequence(nil,
	field[CommunicationIdentifier]{tag: 0, name: "networkIdentifier", required: true,
		dec: func(d *dec, c ber.Element, ci *CommunicationIdentifier) error {
			return netIDType.decodeConstructed(d, &c, &ci.NetworkIdentifier)
		},
		json: func(w *jw, k string, ci *CommunicationIdentifier) { object(w, k, netIDType, &ci.NetworkIdentifier) },
	},
	u32Field(1, "communicationIdentityNumber", func(ci *CommunicationIdentifier) **uint32 { return &ci.CIN }),
	field[CommunicationIdentifier]{tag: 2, name: "deliveryCountryCode",
		dec: func(d *dec, c ber.Element, ci *CommunicationIdentifier) (err error) {
			ci.DeliveryCountryCode, err = d.text(&c, false)
			return
		},
		check: func(ci *CommunicationIdentifier) error { return countryCode(ci.DeliveryCountryCode) },
		json:  func(w *jw, k string, ci *CommunicationIdentifier) { optText(w, k, ci.DeliveryCountryCode) },
	},
)

var netIDType = sequence(nil,
	field[NetworkIdentifier]{tag: 0, name: "operatorIdentifier", required: true,
		dec: func(d *dec, c ber.Element, n *NetworkIdentifier) (err error) {
			n.OperatorIdentifier, err = d.text(&c, false)
			return
		},
		check: func(n *NetworkIdentifier) error {
			return sizeIn("operatorIdentifier", len(n.OperatorIdentifier), SizeNetworkIdentifierOperatorIdentifierMin, SizeNetworkIdentifierOperatorIdentifierMax)
		},
		json: func(w *jw, k string, n *NetworkIdentifier) { w.octetsString(k, n.OperatorIdentifier) },
	},
	field[NetworkIdentifier]{tag: 1, name: "networkElementIdentifier",
		dec: func(d *dec, c ber.Element, n *NetworkIdentifier) (err error) {
			n.NetworkElementIdentifier, err = d.text(&c, false)
			return
		},
		check: func(n *NetworkIdentifier) error {
			return sizeIn("networkElementIdentifier", len(n.NetworkElementIdentifier), SizeNetworkIdentifierNetworkElementIdentifierMin, SizeNetworkIdentifierNetworkElementIdentifierMax)
		},
		json: func(w *jw, k string, n *NetworkIdentifier) { optOctetsString(w, k, n.NetworkElementIdentifier) },
	},
)

var microType = sequence(nil,
	field[MicroSecondTimeStamp]{tag: 0, name: "seconds", required: true,
		dec: func(d *dec, c ber.Element, ts *MicroSecondTimeStamp) (err error) {
			ts.Seconds, err = c.Uint64()
			return
		},
		json: func(w *jw, k string, ts *MicroSecondTimeStamp) { w.uint(k, ts.Seconds) },
	},
	field[MicroSecondTimeStamp]{tag: 1, name: "microSeconds", required: true,
		dec: func(d *dec, c ber.Element, ts *MicroSecondTimeStamp) (err error) {
			ts.MicroSeconds, err = c.Uint32()
			return
		},
		check: func(ts *MicroSecondTimeStamp) error {
			if ts.MicroSeconds > RangeMicroSecondTimeStampMicroSecondsMax {
				return ErrConstraint
			}
			return nil
		},
		json: func(w *jw, k string, ts *MicroSecondTimeStamp) { w.uint(k, uint64(ts.MicroSeconds)) },
	},
)

// decodeMicro decodes a MicroSecondTimeStamp into the PDU's slab.
func decodeMicro(d *dec, e *ber.Element) (*MicroSecondTimeStamp, error) {
	ts := take(&d.micros, MicroSecondTimeStamp{}, 4)
	if err := microType.decodeConstructed(d, e, ts); err != nil {
		return nil, err
	}
	return ts, nil
}

var payloadType = choice("Payload", func(p *Payload) int {
	switch {
	case p.IRI != nil:
		return 0
	case p.CC != nil:
		return 1
	case p.TRI != nil:
		return 2
	}
	return -1
},
	alt[Payload]{tag: 0, name: "iRIPayloadSequence",
		dec: func(d *dec, c ber.Element, p *Payload) (err error) {
			p.IRI, err = decodeList(d, &c, make([]IRIPayload, 0, count(&c)), iriPayloadType, 0)
			return
		},
		json: func(w *jw, k string, p *Payload) { list(w, k, iriPayloadType, p.IRI) },
	},
	alt[Payload]{tag: 1, name: "cCPayloadSequence",
		dec: func(d *dec, c ber.Element, p *Payload) (err error) {
			p.CC, err = decodeList(d, &c, make([]CCPayload, 0, count(&c)), ccPayloadType, 0)
			return
		},
		json: func(w *jw, k string, p *Payload) { list(w, k, ccPayloadType, p.CC) },
	},
	alt[Payload]{tag: 2, name: "tRIPayload",
		dec: func(d *dec, c ber.Element, p *Payload) (err error) {
			p.TRI, err = decodeTRIPayload(d, &c)
			return
		},
		json: func(w *jw, k string, p *Payload) { jsonTRI(w, k, p.TRI) },
	},
)

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

// jsonTRI writes a TRIPayload: paddingPDU's octets, NULL for the others.
func jsonTRI(w *jw, k string, t *TRIPayload) {
	w.open(k)
	if t.Kind == TRIPadding {
		w.octets(t.Kind.String(), t.Padding)
	} else {
		w.null(t.Kind.String())
	}
	w.close()
}

var iriPayloadType = sequence(nil,
	optEnumField(0, "iRIType", func(p *IRIPayload) **IRIType { return &p.IRIType }),
	timeField(1, "timeStamp", func(p *IRIPayload) **time.Time { return &p.TimeStamp }),
	field[IRIPayload]{tag: 2, name: "iRIContents", required: true,
		dec: func(d *dec, c ber.Element, p *IRIPayload) error {
			return iriContentsType.decode(d, &c, &p.Contents)
		},
		json: func(w *jw, k string, p *IRIPayload) { object(w, k, iriContentsType, &p.Contents) },
	},
	microField(3, "microSecondTimeStamp", func(p *IRIPayload) **MicroSecondTimeStamp { return &p.MicroSecondTimeStamp }),
	optEnumField(4, "timeStampQualifier", func(p *IRIPayload) **TimeStampQualifier { return &p.TimeStampQualifier }),
	optEnumField(5, "sessionDirection", func(p *IRIPayload) **PayloadDirection { return &p.SessionDirection }),
	optEnumField(6, "payloadDirection", func(p *IRIPayload) **PayloadDirection { return &p.PayloadDirection }),
)

// IRIContents and CCContents: umli models the TS 102 232-2 alternatives only.
var iriContentsType = choice("IRIContents", func(ic *IRIContents) int {
	switch {
	case ic.EmailIRI != nil:
		return 1
	case ic.MessagingIRI != nil:
		return 14
	}
	return -1
},
	alt[IRIContents]{tag: 1, name: "emailIRI", form: constructed,
		dec: func(d *dec, c ber.Element, ic *IRIContents) error {
			ic.EmailIRI = d.emailIRI()
			return emailIRIType.decode(d, &c, ic.EmailIRI)
		},
		json: func(w *jw, k string, ic *IRIContents) { object(w, k, emailIRIType, ic.EmailIRI) },
	},
	alt[IRIContents]{tag: 14, name: "messagingIRI", form: constructed,
		dec: func(d *dec, c ber.Element, ic *IRIContents) error {
			ic.MessagingIRI = d.messagingIRI()
			return decodeMessagingIRI(d, &c, ic.MessagingIRI)
		},
		json: func(w *jw, k string, ic *IRIContents) { object(w, k, messagingIRIType, ic.MessagingIRI) },
	},
)

var ccPayloadType = sequence(nil,
	optEnumField(0, "payloadDirection", func(p *CCPayload) **PayloadDirection { return &p.PayloadDirection }),
	timeField(1, "timeStamp", func(p *CCPayload) **time.Time { return &p.TimeStamp }),
	field[CCPayload]{tag: 2, name: "cCContents", required: true,
		dec: func(d *dec, c ber.Element, p *CCPayload) error {
			return ccContentsType.decode(d, &c, &p.Contents)
		},
		json: func(w *jw, k string, p *CCPayload) { object(w, k, ccContentsType, &p.Contents) },
	},
	microField(3, "microSecondTimeStamp", func(p *CCPayload) **MicroSecondTimeStamp { return &p.MicroSecondTimeStamp }),
	optEnumField(4, "timeStampQualifier", func(p *CCPayload) **TimeStampQualifier { return &p.TimeStampQualifier }),
)

var ccContentsType = choice("CCContents", func(cc *CCContents) int {
	switch {
	case cc.EmailCC != nil:
		return 1
	case cc.MessagingCC != nil:
		return 14
	}
	return -1
},
	alt[CCContents]{tag: 1, name: "emailCC", form: constructed,
		dec: func(d *dec, c ber.Element, cc *CCContents) error {
			cc.EmailCC = new(EmailCC)
			return decodeEmailCC(d, &c, cc.EmailCC)
		},
		json: func(w *jw, k string, cc *CCContents) { object(w, k, emailCCType, cc.EmailCC) },
	},
	alt[CCContents]{tag: 14, name: "messagingCC", form: constructed,
		dec: func(d *dec, c ber.Element, cc *CCContents) error {
			cc.MessagingCC = new(MessagingCC)
			return decodeMessagingCC(d, &c, cc.MessagingCC)
		},
		json: func(w *jw, k string, cc *CCContents) { object(w, k, messagingCCType, cc.MessagingCC) },
	},
)

var ipAddressType = sequence(func(a *IPAddress) (string, error) { return ipCoding(a, true) },
	enumField(1, "iP-type", func(a *IPAddress) *IPType { return &a.Type }),
	field[IPAddress]{tag: 2, name: "iP-value", required: true,
		dec: func(d *dec, c ber.Element, a *IPAddress) error {
			return ipValueType.decode(d, &c, a)
		},
		json: func(w *jw, k string, a *IPAddress) { object(w, k, ipValueType, a) },
	},
	optEnumField(3, "iP-assignment", func(a *IPAddress) **IPAssignment { return &a.Assignment }),
	field[IPAddress]{tag: 4, name: "iPv6PrefixLength",
		dec: func(d *dec, c ber.Element, a *IPAddress) error {
			n, err := c.Int64()
			if err != nil {
				return err
			}
			if n < RangeIPAddressIPv6PrefixLengthMin || n > RangeIPAddressIPv6PrefixLengthMax {
				return atOff(&c, ErrConstraint)
			}
			p := uint8(n)
			a.V6PrefixLength = &p
			return nil
		},
		json: func(w *jw, k string, a *IPAddress) { optUint(w, k, a.V6PrefixLength) },
	},
	field[IPAddress]{tag: 5, name: "iPv4SubnetMask",
		dec: func(d *dec, c ber.Element, a *IPAddress) (err error) { a.V4SubnetMask, err = d.bytes(&c); return },
		check: func(a *IPAddress) error {
			return sizeIn("iPv4SubnetMask", len(a.V4SubnetMask), SizeIPAddressIPv4SubnetMaskMin, SizeIPAddressIPv4SubnetMaskMax)
		},
		json: func(w *jw, k string, a *IPAddress) { optBytes(w, k, a.V4SubnetMask) },
	},
	field[IPAddress]{tag: 6, name: "iP-NAT-translated",
		dec: func(d *dec, c ber.Element, a *IPAddress) error {
			b, err := c.Bool()
			if err == nil {
				a.NATTranslated = &b
			}
			return err
		},
		json: func(w *jw, k string, a *IPAddress) { opt(w, k, a.NATTranslated, (*jw).bool) },
	},
)

// ipField is an OPTIONAL IPAddress.
func ipField[T any](tag uint32, name string, at func(*T) **IPAddress) field[T] {
	return field[T]{tag: tag, name: name,
		dec:  func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = decodeIPAddress(d, &c); return },
		json: func(w *jw, k string, x *T) { optObject(w, k, ipAddressType, *at(x)) },
	}
}

// decodeIPAddress decodes an IPAddress into the IRI's bundle.
func decodeIPAddress(d *dec, e *ber.Element) (*IPAddress, error) {
	a := d.ipAddress()
	if err := ipAddressType.decodeConstructed(d, e, a); err != nil {
		return nil, err
	}
	return a, nil
}

// ipValueType: the model keeps IP-value in IPAddress (Binary, else Text).
var ipValueType = choice("IP-value", func(a *IPAddress) int {
	if a.Binary != nil {
		return 1
	}
	return 2
},
	alt[IPAddress]{tag: 1, name: "iPBinaryAddress", form: primitive,
		dec: func(d *dec, c ber.Element, a *IPAddress) (err error) { a.Binary, err = d.bytes(&c); return },
		check: func(a *IPAddress) error {
			return sizeIn("iPBinaryAddress", len(a.Binary), SizeIPValueIPBinaryAddressMin, SizeIPValueIPBinaryAddressMax)
		},
		json: func(w *jw, k string, a *IPAddress) { w.ipBinary(k, a.Binary) },
	},
	alt[IPAddress]{tag: 2, name: "iPTextAddress", form: primitive,
		dec: func(d *dec, c ber.Element, a *IPAddress) (err error) { a.Text, err = d.text(&c, false); return },
		check: func(a *IPAddress) error {
			if err := sizeIn("iPTextAddress", len(a.Text), SizeIPValueIPTextAddressMin, SizeIPValueIPTextAddressMax); err != nil {
				return err
			}
			return ia5(a.Text)
		},
		json: func(w *jw, k string, a *IPAddress) { w.str(k, a.Text) },
	},
)
