package etsi

import (
	"time"

	"github.com/umli/umli/mediation/etsi/ber"
)

// The EmailPDU unified-messaging types (TS 102 232-2 clause 8).

var messagingIRIType = sequence(nil,
	objIDField(0, "messaging-iri-obj-id", objMessagingIRI, func(x *MessagingIRI) *OID { return &x.ObjID }),
	enumField(1, "system-type", func(x *MessagingIRI) *MessagingSystemType { return &x.SystemType }),
	octetsField(2, "system-identifier", func(x *MessagingIRI) *[]byte { return &x.SystemIdentifier }),
	field[MessagingIRI]{tag: 3, name: "category",
		dec: func(d *dec, c ber.Element, x *MessagingIRI) error {
			x.Category = d.category()
			return categoryType.decode(d, &c, x.Category)
		},
		json: func(w *jw, k string, x *MessagingIRI) { optObject(w, k, categoryType, x.Category) },
	},
	enumField(4, "status", func(x *MessagingIRI) *MessagingStatus { return &x.Status }),
	field[MessagingIRI]{tag: 5, name: "party-information",
		dec: func(d *dec, c ber.Element, x *MessagingIRI) (err error) {
			if err = form(&c, true); err == nil {
				x.PartyInformation, err = decodeList(d, &c, d.partyList(count(&c)), partyType, 0)
			}
			return
		},
		json: func(w *jw, k string, x *MessagingIRI) { optList(w, k, partyType, x.PartyInformation) },
	},
	enumField(6, "trigger", func(x *MessagingIRI) *MessagingTrigger { return &x.Trigger }),
	field[MessagingIRI]{tag: 7, name: "properties",
		dec: func(d *dec, c ber.Element, x *MessagingIRI) (err error) {
			if err = form(&c, true); err == nil {
				x.Properties, err = decodeList(d, &c, make([]MessagingProperty, 0, count(&c)), propertyType, 0)
			}
			return
		},
		json: func(w *jw, k string, x *MessagingIRI) { optList(w, k, propertyType, x.Properties) },
	},
	u32Field(8, "event-identifier", func(x *MessagingIRI) **uint32 { return &x.EventIdentifier }),
	octetsField(9, "original-message", func(x *MessagingIRI) *[]byte { return &x.OriginalMessage }),
	octetsField(10, "box-identifier", func(x *MessagingIRI) *[]byte { return &x.BoxIdentifier }),
	u32Field(11, "total-recipient-count", func(x *MessagingIRI) **uint32 { return &x.TotalRecipientCount }),
)

var categoryType = choice("Messaging-Event-Category", func(x *MessagingEventCategory) int {
	switch {
	case x.Message != nil:
		return 0
	case x.MessageBox != nil:
		return 1
	case x.Notification != nil:
		return 2
	case x.Call != nil:
		return 3
	}
	return -1
},
	enumAlt(0, "message", func(x *MessagingEventCategory) **MessagingEvent { return &x.Message }),
	enumAlt(1, "message-box", func(x *MessagingEventCategory) **MessagingBoxEvent { return &x.MessageBox }),
	enumAlt(2, "message-notification", func(x *MessagingEventCategory) **MessagingNotificationEvent { return &x.Notification }),
	enumAlt(3, "call", func(x *MessagingEventCategory) **MessagingCallEvent { return &x.Call }),
)

var partyType = sequence(nil,
	enumField(0, "party-qualifier", func(p *MessagingPartyInformation) *MessagingPartyQualifier { return &p.Qualifier }),
	field[MessagingPartyInformation]{tag: 1, name: "party-identity", required: true,
		dec: func(d *dec, c ber.Element, p *MessagingPartyInformation) error {
			return identityType.decode(d, &c, &p.Identity)
		},
		json: func(w *jw, k string, p *MessagingPartyInformation) { object(w, k, identityType, &p.Identity) },
	},
	optEnumField(2, "party-validity", func(p *MessagingPartyInformation) **MessagingPartyValidity { return &p.Validity }),
	optEnumField(3, "copy-qualifier", func(p *MessagingPartyInformation) **MessagingCopyQualifier { return &p.CopyQualifier }),
)

// identityType: the names are identityNames, which the encoder shares.
var identityType = choiceNamed("Messaging-Party-Identity", identityNames[:], func(id *MessagingPartyIdentity) int {
	return oneAlternative(identityAlternative(id))
},
	alt[MessagingPartyIdentity]{tag: 0, form: primitive, dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) error {
		b, err := d.bytes(&c)
		if err != nil {
			return err
		}
		if len(b) < 1 || b[0] != msisdnNature {
			return &ber.Error{Offset: c.Offset, Err: ErrConstraint, Detail: "msisdn must start with the 0x91 (international, E.164) nature octet"}
		}
		id.MSISDN, err = parseTBCD(b[1:])
		return atOff(&c, err)
	}, check: func(id *MessagingPartyIdentity) error { return msisdnCheck(id.MSISDN) },
		json: func(w *jw, k string, id *MessagingPartyIdentity) {
			w.digits(k, id.MSISDN, appendTBCD([]byte{msisdnNature}, id.MSISDN))
		},
	},
	alt[MessagingPartyIdentity]{tag: 1, form: primitive,
		dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) error {
			b, err := d.bytes(&c)
			if err == nil {
				id.E164, err = parseE164(b)
				err = atOff(&c, err)
			}
			return err
		},
		json: func(w *jw, k string, id *MessagingPartyIdentity) {
			digits, _ := e164Digits(id.E164) // JSON shows what the encoder writes; an invalid value shows as empty digits
			w.digits(k, digits, appendE164(nil, digits))
		},
	},
	alt[MessagingPartyIdentity]{tag: 2, form: constructed,
		dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) (err error) {
			id.EmailAddresses, err = decodeAddressList(d, &c)
			return
		},
		json: func(w *jw, k string, id *MessagingPartyIdentity) { strList(w, k, id.EmailAddresses) },
	},
	alt[MessagingPartyIdentity]{tag: 3, form: constructed,
		dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) (err error) {
			id.IPAddress, err = decodeIPAddress(d, &c)
			return
		},
		json: func(w *jw, k string, id *MessagingPartyIdentity) { object(w, k, ipAddressType, id.IPAddress) },
	},
	alt[MessagingPartyIdentity]{tag: 4, form: primitive,
		dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) (err error) {
			id.Alphanumeric, err = d.nonEmpty(&c, true)
			return
		},
		json: func(w *jw, k string, id *MessagingPartyIdentity) { w.str(k, id.Alphanumeric) },
	},
	alt[MessagingPartyIdentity]{tag: 5, form: constructed,
		dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) (err error) {
			id.IPAddressAndPort, err = decodeIPAddressAndPort(d, &c)
			return
		},
		json: func(w *jw, k string, id *MessagingPartyIdentity) { object(w, k, ipPortType, id.IPAddressAndPort) },
	},
	alt[MessagingPartyIdentity]{tag: 6, form: primitive, dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) (err error) {
		id.IMSI, err = d.tbcd(&c)
		return
	}, check: func(id *MessagingPartyIdentity) error { return imsiCheck(id.IMSI) },
		json: func(w *jw, k string, id *MessagingPartyIdentity) { w.digits(k, id.IMSI, appendTBCD(nil, id.IMSI)) },
	},
	alt[MessagingPartyIdentity]{tag: 7, form: primitive, dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) (err error) {
		id.IMEI, err = d.tbcd(&c)
		return
	}, check: func(id *MessagingPartyIdentity) error { return imeiCheck(id.IMEI) },
		json: func(w *jw, k string, id *MessagingPartyIdentity) { w.digits(k, id.IMEI, appendTBCD(nil, id.IMEI)) },
	},
	identityTextAlt(8, func(id *MessagingPartyIdentity) *string { return &id.FaxURL }),
	identityTextAlt(9, func(id *MessagingPartyIdentity) *string { return &id.TelURL }),
	identityTextAlt(10, func(id *MessagingPartyIdentity) *string { return &id.ModemURL }),
	identityTextAlt(11, func(id *MessagingPartyIdentity) *string { return &id.SIPURI }),
	identityTextAlt(12, func(id *MessagingPartyIdentity) *string { return &id.SIPSURI }),
	identityTextAlt(13, func(id *MessagingPartyIdentity) *string { return &id.NAI }),
)

// decodeIdentityAlt decodes one Messaging-Party-Identity alternative c (the CHOICE's
// content) into id.
func decodeIdentityAlt(d *dec, c *ber.Element, id *MessagingPartyIdentity) error {
	return identityType.decodeElem(d, *c, id)
}

// identityTextAlt is a URI or NAI alternative: an OCTET STRING with a per-alternative check.
func identityTextAlt(tag uint32, at func(*MessagingPartyIdentity) *string) alt[MessagingPartyIdentity] {
	return alt[MessagingPartyIdentity]{tag: tag, form: primitive,
		dec: func(d *dec, c ber.Element, id *MessagingPartyIdentity) (err error) {
			*at(id), err = d.nonEmpty(&c, false)
			return
		},
		check: func(id *MessagingPartyIdentity) error { return identityTextCheck(tag, *at(id)) },
		json:  func(w *jw, k string, id *MessagingPartyIdentity) { w.octetsString(k, *at(id)) },
	}
}

var ipPortType = sequence(nil,
	field[IPAddressAndPort]{tag: 0, name: "ip-address", required: true,
		dec: func(d *dec, c ber.Element, x *IPAddressAndPort) error {
			a, err := decodeIPAddress(d, &c)
			if err == nil {
				x.Address = *a
			}
			return err
		},
		json: func(w *jw, k string, x *IPAddressAndPort) { object(w, k, ipAddressType, &x.Address) },
	},
	field[IPAddressAndPort]{tag: 1, name: "port-number", required: true,
		dec:   func(d *dec, c ber.Element, x *IPAddressAndPort) (err error) { x.Port, err = c.Int64(); return },
		check: func(x *IPAddressAndPort) error { return portCheck(x.Port) },
		json:  func(w *jw, k string, x *IPAddressAndPort) { w.int(k, x.Port) },
	},
)

func decodeIPAddressAndPort(d *dec, e *ber.Element) (*IPAddressAndPort, error) {
	x := new(IPAddressAndPort)
	if err := ipPortType.decode(d, e, x); err != nil {
		return nil, err
	}
	return x, nil
}

// addressElem decodes one UTF8String of an E-mail-Address-List.
type addressElem struct{}

func (addressElem) decodeElem(d *dec, c ber.Element, a *string) error {
	if c.Tag.Class != ber.Universal || c.Tag.Number != ber.TagUTF8String {
		return &ber.Error{Offset: c.Offset, Err: ErrUnexpectedTag, Detail: c.Tag.String() + ", expected UTF8String"}
	}
	s, err := d.text(&c, true)
	if err == nil {
		err = atOff(&c, addressCheck(s))
	}
	*a = s
	return err
}

// decodeAddressList reads E-mail-Address-List; a present empty list is a non-nil empty slice.
func decodeAddressList(d *dec, e *ber.Element) ([]string, error) {
	return decodeList(d, e, make([]string, 0, count(e)), addressElem{}, CountEMailAddressListMax)
}

// propertyType: every Messaging-Property alternative is primitive; the names are
// propertyNames, which the encoder shares.
var propertyType = choiceNamed("Messaging-Property", propertyNames[:], func(p *MessagingProperty) int {
	return oneAlternative(propertyAlternative(p))
},
	alt[MessagingProperty]{tag: 0, form: primitive,
		dec: func(d *dec, c ber.Element, p *MessagingProperty) (err error) { p.Pincode, err = d.bytes(&c); return },
		check: func(p *MessagingProperty) error {
			return sizeIn("pincode", len(p.Pincode), SizeMessagingPropertyPincodeMin, SizeMessagingPropertyPincodeMax)
		},
		json: func(w *jw, k string, p *MessagingProperty) { w.octets(k, p.Pincode) },
	},
	enumAlt(1, "", func(p *MessagingProperty) **MessagingPriority { return &p.Priority }),
	enumAlt(2, "", func(p *MessagingProperty) **MessagingGreetingType { return &p.GreetingType }),
	enumAlt(3, "", func(p *MessagingProperty) **MessagingNotificationType { return &p.NotificationType }),
	alt[MessagingProperty]{tag: 4, form: primitive,
		dec: func(d *dec, c ber.Element, p *MessagingProperty) (err error) {
			p.Language, err = d.nonEmpty(&c, false)
			return
		},
		check: func(p *MessagingProperty) error { return languageTag(p.Language) },
		json:  func(w *jw, k string, p *MessagingProperty) { w.octetsString(k, p.Language) },
	},
	nonEmptyOctetsAlt(5, func(p *MessagingProperty) *[]byte { return &p.MessageIdentifier }),
	utf8Alt(6, func(p *MessagingProperty) **string { return &p.Subject }),
	utf8Alt(7, func(p *MessagingProperty) **string { return &p.UserAgent }),
	nonEmptyOctetsAlt(8, func(p *MessagingProperty) *[]byte { return &p.Password }),
	enumAlt(9, "", func(p *MessagingProperty) **MessagingMessageStatus { return &p.MessageStatus }),
	enumAlt(10, "", func(p *MessagingProperty) **MessagingRequestedReports { return &p.RequestedReports }),
	timeAlt(11, func(p *MessagingProperty) **time.Time { return &p.Expires }),
	timeAlt(12, func(p *MessagingProperty) **time.Time { return &p.MessageDate }),
)

// decodeProperty decodes one Messaging-Property alternative c into p.
func decodeProperty(d *dec, c *ber.Element, p *MessagingProperty) error {
	return propertyType.decodeElem(d, *c, p)
}

// oneAlternative is the tag of a CHOICE modelled as one field per alternative, given
// which tag is set and how many are: -1 unless exactly one is.
func oneAlternative(tag uint32, n int) int {
	if n != 1 {
		return -1
	}
	return int(tag)
}

// Property alternatives of the shared kinds (all primitive, named by propertyNames).

func utf8Alt(tag uint32, at func(*MessagingProperty) **string) alt[MessagingProperty] {
	return alt[MessagingProperty]{tag: tag, form: primitive,
		dec:  func(d *dec, c ber.Element, p *MessagingProperty) (err error) { *at(p), err = d.textp(&c); return },
		json: func(w *jw, k string, p *MessagingProperty) { opt(w, k, *at(p), (*jw).str) },
	}
}

func timeAlt(tag uint32, at func(*MessagingProperty) **time.Time) alt[MessagingProperty] {
	return alt[MessagingProperty]{tag: tag, form: primitive,
		dec:  func(d *dec, c ber.Element, p *MessagingProperty) (err error) { *at(p), err = d.timep(&c); return },
		json: func(w *jw, k string, p *MessagingProperty) { opt(w, k, *at(p), (*jw).time) },
	}
}

// nonEmptyOctetsAlt is an OCTET STRING alternative the model cannot hold empty.
func nonEmptyOctetsAlt(tag uint32, at func(*MessagingProperty) *[]byte) alt[MessagingProperty] {
	return alt[MessagingProperty]{tag: tag, form: primitive,
		dec:   func(d *dec, c ber.Element, p *MessagingProperty) (err error) { *at(p), err = d.bytes(&c); return },
		check: func(p *MessagingProperty) error { return present(*at(p)) },
		json:  func(w *jw, k string, p *MessagingProperty) { w.octets(k, *at(p)) },
	}
}

// present rejects an empty value where the model uses "empty" for "absent".
func present(b []byte) error {
	if b == nil {
		return errEmpty
	}
	return nil
}

func decodeMessagingIRI(d *dec, e *ber.Element, x *MessagingIRI) error {
	return messagingIRIType.decode(d, e, x)
}

func decodeMessagingCC(d *dec, e *ber.Element, x *MessagingCC) error {
	return messagingCCType.decode(d, e, x)
}

var messagingCCType = sequence(nil,
	objIDField(0, "messaging-cc-obj-id", objMessagingCC, func(x *MessagingCC) *OID { return &x.ObjID }),
	field[MessagingCC]{tag: 1, name: "event-identifier", required: true,
		dec:  func(d *dec, c ber.Element, x *MessagingCC) (err error) { x.EventIdentifier, err = c.Uint32(); return },
		json: func(w *jw, k string, x *MessagingCC) { w.uint(k, uint64(x.EventIdentifier)) },
	},
	u32Field(2, "content-identifier", func(x *MessagingCC) **uint32 { return &x.ContentIdentifier }),
	u32Field(3, "sequence-number", func(x *MessagingCC) **uint32 { return &x.SequenceNumber }),
	field[MessagingCC]{tag: 4, name: "end-of-sequence",
		dec:  func(d *dec, c ber.Element, x *MessagingCC) (err error) { x.EndOfSequence, err = c.Bool(); return },
		json: func(w *jw, k string, x *MessagingCC) { w.bool(k, x.EndOfSequence) },
	},
	field[MessagingCC]{tag: 5, name: "content-type", required: true,
		dec: func(d *dec, c ber.Element, x *MessagingCC) (err error) {
			x.ContentType, err = d.text(&c, false)
			return
		},
		check: func(x *MessagingCC) error { return contentType(x.ContentType) },
		json:  func(w *jw, k string, x *MessagingCC) { w.octetsString(k, x.ContentType) },
	},
	field[MessagingCC]{tag: 6, name: "content", required: true,
		dec:  func(d *dec, c ber.Element, x *MessagingCC) (err error) { x.Content, err = d.bytes(&c); return },
		json: func(w *jw, k string, x *MessagingCC) { w.octets(k, x.Content) },
	},
	field[MessagingCC]{tag: 7, name: "content-transfer-encoding",
		dec: func(d *dec, c ber.Element, x *MessagingCC) (err error) {
			x.ContentTransferEncoding, err = d.text(&c, false)
			return
		},
		check: func(x *MessagingCC) error {
			if x.ContentTransferEncoding == "" {
				return nil
			}
			return transferEncoding(x.ContentTransferEncoding)
		},
		json: func(w *jw, k string, x *MessagingCC) { optOctetsString(w, k, x.ContentTransferEncoding) },
	},
)
