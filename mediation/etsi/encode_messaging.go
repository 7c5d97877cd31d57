package etsi

import (
	"fmt"

	"github.com/umli/umli/mediation/etsi/ber"
)

func appendMessagingIRI(dst []byte, x *MessagingIRI, v Version) ([]byte, error) {
	var err error
	dst = ber.Begin(dst, ber.CtxC(14))
	m := len(dst)
	if dst, err = appendObjID(dst, "messaging-iri-obj-id", x.ObjID, v, objMessagingIRI); err != nil {
		return dst, err
	}
	if err := enumFor(x.SystemType, v); err != nil {
		return dst, encWrap(err, "system-type")
	}
	dst = ber.AppendEnumerated(dst, ber.Ctx(1), int64(x.SystemType))
	if len(x.SystemIdentifier) > 0 {
		dst = ber.AppendOctetString(dst, ber.Ctx(2), x.SystemIdentifier)
	}
	if x.Category != nil {
		if dst, err = appendCategory(dst, x.Category, v); err != nil {
			return dst, encWrap(err, "category")
		}
	}
	if err := enumFor(x.Status, v); err != nil {
		return dst, encWrap(err, "status")
	}
	dst = ber.AppendEnumerated(dst, ber.Ctx(4), int64(x.Status))
	if x.PartyInformation != nil {
		dst = ber.Begin(dst, ber.CtxC(5))
		m2 := len(dst)
		for i := range x.PartyInformation {
			if dst, err = appendParty(dst, &x.PartyInformation[i], v); err != nil {
				return dst, encIdx(err, "party-information", i)
			}
		}
		dst = ber.End(dst, m2)
	}
	if err := enumFor(x.Trigger, v); err != nil {
		return dst, encWrap(err, "trigger")
	}
	dst = ber.AppendEnumerated(dst, ber.Ctx(6), int64(x.Trigger))
	if x.Properties != nil {
		if dst, err = appendProperties(dst, x.Properties, v); err != nil {
			return dst, err
		}
	}
	if x.EventIdentifier != nil {
		dst = ber.AppendInteger(dst, ber.Ctx(8), int64(*x.EventIdentifier))
	}
	if len(x.OriginalMessage) > 0 {
		dst = ber.AppendOctetString(dst, ber.Ctx(9), x.OriginalMessage)
	}
	if len(x.BoxIdentifier) > 0 {
		dst = ber.AppendOctetString(dst, ber.Ctx(10), x.BoxIdentifier)
	}
	if x.TotalRecipientCount != nil && v.has20() {
		dst = ber.AppendInteger(dst, ber.Ctx(11), int64(*x.TotalRecipientCount))
	}
	return ber.End(dst, m), nil
}

func appendCategory(dst []byte, c *MessagingEventCategory, v Version) ([]byte, error) {
	n := 0
	for _, set := range [...]bool{c.Message != nil, c.MessageBox != nil, c.Notification != nil, c.Call != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return dst, fmt.Errorf("%w: %d of message, message-box, message-notification, call set", ErrChoice, n)
	}
	dst = ber.Begin(dst, ber.CtxC(3))
	m := len(dst)
	switch {
	case c.Message != nil:
		if err := enumFor(*c.Message, v); err != nil {
			return dst, encWrap(err, "message")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(0), int64(*c.Message))
	case c.MessageBox != nil:
		if err := enumFor(*c.MessageBox, v); err != nil {
			return dst, encWrap(err, "message-box")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(1), int64(*c.MessageBox))
	case c.Notification != nil:
		if err := enumFor(*c.Notification, v); err != nil {
			return dst, encWrap(err, "message-notification")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(2), int64(*c.Notification))
	default:
		if err := enumFor(*c.Call, v); err != nil {
			return dst, encWrap(err, "call")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(3), int64(*c.Call))
	}
	return ber.End(dst, m), nil
}

func appendParty(dst []byte, p *MessagingPartyInformation, v Version) ([]byte, error) {
	var err error
	dst = ber.Begin(dst, ber.Sequence())
	m := len(dst)
	if err := enumFor(p.Qualifier, v); err != nil {
		return dst, encWrap(err, "party-qualifier")
	}
	dst = ber.AppendEnumerated(dst, ber.Ctx(0), int64(p.Qualifier))
	dst = ber.Begin(dst, ber.CtxC(1))
	m2 := len(dst)
	if dst, err = appendPartyIdentity(dst, &p.Identity, v); err != nil {
		return dst, encWrap(err, "party-identity")
	}
	dst = ber.End(dst, m2)
	if v.has20() {
		if p.Validity != nil {
			if err := enumFor(*p.Validity, v); err != nil {
				return dst, encWrap(err, "party-validity")
			}
			dst = ber.AppendEnumerated(dst, ber.Ctx(2), int64(*p.Validity))
		}
		if p.CopyQualifier != nil {
			if err := enumFor(*p.CopyQualifier, v); err != nil {
				return dst, encWrap(err, "copy-qualifier")
			}
			dst = ber.AppendEnumerated(dst, ber.Ctx(3), int64(*p.CopyQualifier))
		}
	}
	return ber.End(dst, m), nil
}

// identityAlternative returns the context tag of the single alternative set in id and
// whether exactly one is set.
func identityAlternative(id *MessagingPartyIdentity) (uint32, int) {
	var tag uint32
	n := 0
	set := func(ok bool, t uint32) {
		if ok {
			n++
			tag = t
		}
	}
	set(id.MSISDN != "", 0)
	set(id.E164 != "", 1)
	set(id.EmailAddresses != nil, 2)
	set(id.IPAddress != nil, 3)
	set(id.Alphanumeric != "", 4)
	set(id.IPAddressAndPort != nil, 5)
	set(id.IMSI != "", 6)
	set(id.IMEI != "", 7)
	set(id.FaxURL != "", 8)
	set(id.TelURL != "", 9)
	set(id.ModemURL != "", 10)
	set(id.SIPURI != "", 11)
	set(id.SIPSURI != "", 12)
	set(id.NAI != "", 13)
	return tag, n
}

// identityNames are the ASN.1 identifiers of the Messaging-Party-Identity alternatives by tag.
var identityNames = [...]string{"msisdn", "e164-format", "email-address", "ip-address", "alphanumeric",
	"ip-address-and-port", "imsi", "imei", "fax-url", "tel-url", "modem-url", "sip-uri", "sips-uri", "nai"}

// identitySince20 is the first ip-address-and-port tag: every alternative from it on is version20 only.
const identitySince20 = 5

func appendPartyIdentity(dst []byte, id *MessagingPartyIdentity, v Version) ([]byte, error) {
	tag, n := identityAlternative(id)
	if n != 1 {
		return dst, fmt.Errorf("%w: %d alternatives of Messaging-Party-Identity set", ErrChoice, n)
	}
	name := identityNames[tag]
	if tag >= identitySince20 && !v.has20() {
		return dst, encWrap(fmt.Errorf("%w: alternative %s exists only since EmailPDU version 20 (destination speaks %d)", ErrVersion, name, v.Email), name)
	}
	var err error
	switch tag {
	case 0:
		if err := msisdnCheck(id.MSISDN); err != nil {
			return dst, encWrap(err, name)
		}
		dst = ber.AppendTag(dst, ber.Ctx(0))
		dst = ber.AppendLength(dst, 1+tbcdLen(id.MSISDN))
		dst = append(dst, msisdnNature)
		dst = appendTBCD(dst, id.MSISDN)
	case 1:
		digits, err := e164Digits(id.E164)
		if err != nil {
			return dst, encWrap(err, name)
		}
		dst = ber.AppendTag(dst, ber.Ctx(1))
		dst = ber.AppendLength(dst, e164Len(digits))
		dst = appendE164(dst, digits)
	case 2:
		if dst, err = appendAddressList(dst, ber.CtxC(2), id.EmailAddresses); err != nil {
			return dst, encWrap(err, name)
		}
	case 3:
		if dst, err = appendIPAddress(dst, ber.CtxC(3), id.IPAddress); err != nil {
			return dst, encWrap(err, name)
		}
	case 4:
		if err := validUTF8(id.Alphanumeric); err != nil {
			return dst, encWrap(err, name)
		}
		dst = ber.AppendString(dst, ber.Ctx(4), id.Alphanumeric)
	case 5:
		dst = ber.Begin(dst, ber.CtxC(5))
		m := len(dst)
		if dst, err = appendIPAddress(dst, ber.CtxC(0), &id.IPAddressAndPort.Address); err != nil {
			return dst, encWrap(err, name+".ip-address")
		}
		if err := portCheck(id.IPAddressAndPort.Port); err != nil {
			return dst, encWrap(err, name+".port-number")
		}
		dst = ber.AppendInteger(dst, ber.Ctx(1), id.IPAddressAndPort.Port)
		dst = ber.End(dst, m)
	case 6:
		if err := imsiCheck(id.IMSI); err != nil {
			return dst, encWrap(err, name)
		}
		dst = ber.AppendTag(dst, ber.Ctx(6))
		dst = ber.AppendLength(dst, tbcdLen(id.IMSI))
		dst = appendTBCD(dst, id.IMSI)
	case 7:
		if err := imeiCheck(id.IMEI); err != nil {
			return dst, encWrap(err, name)
		}
		dst = ber.AppendTag(dst, ber.Ctx(7))
		dst = ber.AppendLength(dst, tbcdLen(id.IMEI))
		dst = appendTBCD(dst, id.IMEI)
	default:
		s := identityText(id, tag)
		if err := identityTextCheck(tag, s); err != nil {
			return dst, encWrap(err, name)
		}
		dst = ber.AppendString(dst, ber.Ctx(tag), s)
	}
	return dst, nil
}

// identityText returns the string alternative 8..13 of id.
func identityText(id *MessagingPartyIdentity, tag uint32) string {
	switch tag {
	case 8:
		return id.FaxURL
	case 9:
		return id.TelURL
	case 10:
		return id.ModemURL
	case 11:
		return id.SIPURI
	case 12:
		return id.SIPSURI
	}
	return id.NAI
}

// identityTextCheck applies the coding comment of string alternative 8..13.
func identityTextCheck(tag uint32, s string) error {
	switch tag {
	case 8:
		return uriScheme("fax-url", s, "fax:")
	case 9:
		return uriScheme("tel-url", s, "tel:")
	case 10:
		return uriScheme("modem-url", s, "modem:")
	case 11:
		return uriScheme("sip-uri", s, "sip:")
	case 12:
		return uriScheme("sips-uri", s, "sips:")
	}
	return naiCheck(s)
}

// appendAddressList writes an E-mail-Address-List: SEQUENCE (SIZE (0..1023)) OF UTF8String (SIZE (0..255)).
func appendAddressList(dst []byte, t ber.Tag, list []string) ([]byte, error) {
	if err := sizeIn("address list", len(list), CountEMailAddressListMin, CountEMailAddressListMax); err != nil {
		return dst, err
	}
	dst = ber.Begin(dst, t)
	m := len(dst)
	for i, a := range list {
		if err := addressCheck(a); err != nil {
			return dst, encIdx(err, "", i)
		}
		dst = ber.AppendString(dst, ber.Univ(ber.TagUTF8String), a)
	}
	return ber.End(dst, m), nil
}

func addressCheck(a string) error {
	if err := sizeIn("address", len(a), SizeEMailAddressListItemMin, SizeEMailAddressListItemMax); err != nil {
		return err
	}
	return validUTF8(a)
}

// propertyAlternative returns the context tag of the alternative set in p and how many are set.
func propertyAlternative(p *MessagingProperty) (uint32, int) {
	var tag uint32
	n := 0
	set := func(ok bool, t uint32) {
		if ok {
			n++
			tag = t
		}
	}
	set(len(p.Pincode) > 0, 0)
	set(p.Priority != nil, 1)
	set(p.GreetingType != nil, 2)
	set(p.NotificationType != nil, 3)
	set(p.Language != "", 4)
	set(len(p.MessageIdentifier) > 0, 5)
	set(p.Subject != nil, 6)
	set(p.UserAgent != nil, 7)
	set(len(p.Password) > 0, 8)
	set(p.MessageStatus != nil, 9)
	set(p.RequestedReports != nil, 10)
	set(p.Expires != nil, 11)
	set(p.MessageDate != nil, 12)
	return tag, n
}

// propertyNames are the ASN.1 identifiers of the Messaging-Property alternatives by tag.
var propertyNames = [...]string{"pincode", "priority", "greeting-type", "notification-type", "language",
	"message-identifier", "subject", "user-agent", "password", "message-status", "requested-reports",
	"expires", "message-date"}

// propertySince20 is the first version20-only Messaging-Property tag (message-identifier).
const propertySince20 = 5

// propertyInVersion reports whether p can be written for v: a version20-only alternative,
// or a notification-type value v lacks, is left out of older versions' lists (properties
// are optional detail; ForVersion reports them as dropped).
func propertyInVersion(p *MessagingProperty, v Version) bool {
	tag, n := propertyAlternative(p)
	if n != 1 || v.has20() {
		return true // errors are reported by appendProperty
	}
	if tag >= propertySince20 {
		return false
	}
	if tag == 3 && p.NotificationType.valid() && p.NotificationType.sinceEmail() > v.Email {
		return false
	}
	return true
}

func appendProperties(dst []byte, props []MessagingProperty, v Version) ([]byte, error) {
	keep := 0
	for i := range props {
		if propertyInVersion(&props[i], v) {
			keep++
		}
	}
	if keep == 0 && len(props) > 0 {
		return dst, nil // every property is newer than the destination: omit the field
	}
	var err error
	dst = ber.Begin(dst, ber.CtxC(7))
	m := len(dst)
	for i := range props {
		if !propertyInVersion(&props[i], v) {
			continue
		}
		if dst, err = appendProperty(dst, &props[i], v); err != nil {
			return dst, encIdx(err, "properties", i)
		}
	}
	return ber.End(dst, m), nil
}

func appendProperty(dst []byte, p *MessagingProperty, v Version) ([]byte, error) {
	tag, n := propertyAlternative(p)
	if n != 1 {
		return dst, fmt.Errorf("%w: %d alternatives of Messaging-Property set", ErrChoice, n)
	}
	name := propertyNames[tag]
	var err error
	t := ber.Ctx(tag)
	switch tag {
	case 0:
		if err := sizeIn("pincode", len(p.Pincode), SizeMessagingPropertyPincodeMin, SizeMessagingPropertyPincodeMax); err != nil {
			return dst, encWrap(err, name)
		}
		dst = ber.AppendOctetString(dst, t, p.Pincode)
	case 1:
		err = enumFor(*p.Priority, v)
		dst = ber.AppendEnumerated(dst, t, int64(*p.Priority))
	case 2:
		err = enumFor(*p.GreetingType, v)
		dst = ber.AppendEnumerated(dst, t, int64(*p.GreetingType))
	case 3:
		err = enumFor(*p.NotificationType, v)
		dst = ber.AppendEnumerated(dst, t, int64(*p.NotificationType))
	case 4:
		err = languageTag(p.Language)
		dst = ber.AppendString(dst, t, p.Language)
	case 5:
		dst = ber.AppendOctetString(dst, t, p.MessageIdentifier)
	case 6:
		err = validUTF8(*p.Subject)
		dst = ber.AppendString(dst, t, *p.Subject)
	case 7:
		err = validUTF8(*p.UserAgent)
		dst = ber.AppendString(dst, t, *p.UserAgent)
	case 8:
		dst = ber.AppendOctetString(dst, t, p.Password)
	case 9:
		err = enumFor(*p.MessageStatus, v)
		dst = ber.AppendEnumerated(dst, t, int64(*p.MessageStatus))
	case 10:
		err = enumFor(*p.RequestedReports, v)
		dst = ber.AppendEnumerated(dst, t, int64(*p.RequestedReports))
	case 11:
		dst, err = appendTime(dst, t, p.Expires)
	default:
		dst, err = appendTime(dst, t, p.MessageDate)
	}
	if err != nil {
		return dst, encWrap(err, name)
	}
	return dst, nil
}

func appendMessagingCC(dst []byte, x *MessagingCC, v Version) ([]byte, error) {
	var err error
	dst = ber.Begin(dst, ber.CtxC(14))
	m := len(dst)
	if dst, err = appendObjID(dst, "messaging-cc-obj-id", x.ObjID, v, objMessagingCC); err != nil {
		return dst, err
	}
	dst = ber.AppendInteger(dst, ber.Ctx(1), int64(x.EventIdentifier))
	if x.ContentIdentifier != nil {
		dst = ber.AppendInteger(dst, ber.Ctx(2), int64(*x.ContentIdentifier))
	}
	if x.SequenceNumber != nil {
		dst = ber.AppendInteger(dst, ber.Ctx(3), int64(*x.SequenceNumber))
	}
	if x.EndOfSequence {
		dst = ber.AppendBoolean(dst, ber.Ctx(4), true) // DEFAULT FALSE: only TRUE is written
	}
	if err := contentType(x.ContentType); err != nil {
		return dst, encWrap(err, "content-type")
	}
	dst = ber.AppendString(dst, ber.Ctx(5), x.ContentType)
	dst = ber.AppendOctetString(dst, ber.Ctx(6), x.Content)
	if x.ContentTransferEncoding != "" && v.has20() {
		if err := transferEncoding(x.ContentTransferEncoding); err != nil {
			return dst, encWrap(err, "content-transfer-encoding")
		}
		dst = ber.AppendString(dst, ber.Ctx(7), x.ContentTransferEncoding)
	}
	return ber.End(dst, m), nil
}
