package etsi

import (
	"github.com/umli/umli/mediation/etsi/ber"
)

var emailIRINames = map[uint32]string{0: "emailIRIObjId", 1: "eventType", 6: "server-Octets-Sent", 7: "client-Octets-Sent", 8: "protocol-ID", 11: "status"}

func decodeEmailIRI(d *dec, e *ber.Element, x *EmailIRI) error {
	s, err := newSeq(e, 17)
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
		if err := decodeEmailIRIField(d, &c, x); err != nil {
			return err
		}
	}
	return s.require(emailIRINames, 0, 1, 6, 7, 8, 11)
}

func decodeEmailIRIField(d *dec, c *ber.Element, x *EmailIRI) error {
	var err error
	switch c.Tag.Number {
	case 0:
		if x.ObjID, err = d.relOID(c); err == nil {
			err = atOff(c, objIDShape(x.ObjID, objEmailIRI))
		}
		return wrapField(err, "emailIRIObjId", c)
	case 1:
		x.EventType, err = decEnum[EmailEvent](c)
		return wrapField(err, "eventType", c)
	case 2:
		x.ClientAddress, err = decodeIPAddress(d, c)
		return wrapField(err, "client-Address", c)
	case 3:
		x.ServerAddress, err = decodeIPAddress(d, c)
		return wrapField(err, "server-Address", c)
	case 4:
		x.ClientPort, err = d.i64p(c)
		return wrapField(err, "client-Port", c)
	case 5:
		x.ServerPort, err = d.i64p(c)
		return wrapField(err, "server-Port", c)
	case 6:
		x.ServerOctetsSent, err = c.Int64()
		return wrapField(err, "server-Octets-Sent", c)
	case 7:
		x.ClientOctetsSent, err = c.Int64()
		return wrapField(err, "client-Octets-Sent", c)
	case 8:
		x.ProtocolID, err = decEnum[EmailProtocol](c)
		return wrapField(err, "protocol-ID", c)
	case 9:
		var s string
		if s, err = d.text(c, true); err == nil {
			err = atOff(c, senderCheck(s))
			x.Sender = &s
		}
		return wrapField(err, "e-mail-Sender", c)
	case 10:
		if err = form(c, true); err == nil {
			x.Recipients, err = decodeAddressList(d, c)
		}
		return wrapField(err, "e-mail-Recipients", c)
	case 11:
		x.Status, err = decEnum[EmailStatus](c)
		return wrapField(err, "status", c)
	case 12:
		x.TotalRecipientCount, err = d.u32p(c)
		return wrapField(err, "total-Recipient-Count", c)
	case 13:
		x.MessageID, err = d.bytes(c)
		return wrapField(err, "message-ID", c)
	case 14:
		x.NationalParameter, err = d.bytes(c)
		return wrapField(err, "nationalParameter", c)
	case 15:
		x.NationalASN1, err = decodeNationalASN1(d, c)
		return wrapField(err, "national-EM-ASN1parameters", c)
	case 16:
		x.AAAInformation, err = decodeAAA(d, c)
		return wrapField(err, "aAAInformation", c)
	case 17:
		x.SenderValidity, err = enumPtr[EmailSenderValidity](d, c)
		return wrapField(err, "e-mail-Sender-Validity", c)
	}
	return unexpected(c)
}

var nationalNames = map[uint32]string{1: "countryCode"}

func decodeNationalASN1(d *dec, e *ber.Element) (*NationalEMASN1Parameters, error) {
	s, err := newSeq(e, 1)
	if err != nil {
		return nil, err
	}
	var n NationalEMASN1Parameters
	for {
		var c ber.Element
		ok, err := s.next(&c)
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		if c.Tag.Number == 1 {
			if n.CountryCode, err = d.text(&c, false); err == nil {
				err = atOff(&c, countryCode(n.CountryCode))
			}
			if err != nil {
				return nil, wrapField(err, "countryCode", &c)
			}
		}
	}
	if err := s.require(nationalNames, 1); err != nil {
		return nil, err
	}
	return &n, nil
}

func decodeAAA(d *dec, e *ber.Element) (*AAAInformation, error) {
	if err := form(e, true); err != nil {
		return nil, err
	}
	c, err := only(e)
	if err != nil {
		return nil, err
	}
	if c.Tag.Class != ber.Context || !c.Tag.Constructed {
		return nil, unexpected(&c)
	}
	switch c.Tag.Number {
	case 0:
		a := d.aaa()
		x := d.pop3()
		err = decodeUserPass(d, &c, &x.Username, &x.Password, &x.Result)
		a.POP3 = x
		return a, wrapField(err, "pOP3AAAInformation", &c)
	case 1:
		a := d.aaa()
		var x ASMTPAAAInformation
		err = decodeASMTP(d, &c, &x)
		a.ASMTP = &x
		return a, wrapField(err, "aSMTPAAAInformation", &c)
	case 2:
		a := d.aaa()
		x := d.imap()
		err = decodeUserPass(d, &c, &x.Username, &x.Password, &x.Result)
		a.IMAP = x
		return a, wrapField(err, "iMAPAAAInformation", &c)
	}
	return nil, &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "AAAInformation alternative " + c.Tag.String()}
}

var userPassNames = map[uint32]string{0: "username"}

func decodeUserPass(d *dec, e *ber.Element, user *string, pass **string, res **AAAResult) error {
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
			if *user, err = d.text(&c, true); err == nil {
				err = atOff(&c, username(*user))
			}
			err = wrapField(err, "username", &c)
		case 1:
			var p string
			if p, err = d.text(&c, true); err == nil {
				err = atOff(&c, username(p))
				*pass = &p
			}
			err = wrapField(err, "password", &c)
		case 2:
			*res, err = enumPtr[AAAResult](d, &c)
			err = wrapField(err, "aAAResult", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(userPassNames, 0)
}

func decodeASMTP(d *dec, e *ber.Element, x *ASMTPAAAInformation) error {
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
			if x.Username, err = d.text(&c, true); err == nil {
				err = atOff(&c, username(x.Username))
			}
			err = wrapField(err, "username", &c)
		case 1:
			x.AuthMethod, err = enumPtr[AAAAuthMethod](d, &c)
			err = wrapField(err, "authMethod", &c)
		case 2:
			x.Challenge, err = d.bytes(&c)
			err = wrapField(err, "challenge", &c)
		case 3:
			x.Response, err = d.bytes(&c)
			err = wrapField(err, "response", &c)
		case 4:
			x.Result, err = enumPtr[AAAResult](d, &c)
			err = wrapField(err, "aAAResult", &c)
		}
		if err != nil {
			return err
		}
	}
	return s.require(userPassNames, 0)
}

var emailCCNames = map[uint32]string{0: "emailCCObjId", 1: "email-Format", 2: "content"}

func decodeEmailCC(d *dec, e *ber.Element, x *EmailCC) error {
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
			if x.ObjID, err = d.relOID(&c); err == nil {
				err = atOff(&c, objIDShape(x.ObjID, objEmailCC))
			}
			err = wrapField(err, "emailCCObjId", &c)
		case 1:
			x.Format, err = decEnum[EmailFormat](&c)
			err = wrapField(err, "email-Format", &c)
		case 2:
			x.Content, err = d.bytes(&c)
			err = wrapField(err, "content", &c)
		}
		if err != nil {
			return err
		}
	}
	if err := s.require(emailCCNames, 0, 1, 2); err != nil {
		return err
	}
	if err := emailContent(x.Format, x.Content); err != nil {
		return wrapField(atOff(e, err), "content", e)
	}
	return nil
}

var ipNames = map[uint32]string{1: "iP-type", 2: "iP-value"}

func decodeIPAddress(d *dec, e *ber.Element) (*IPAddress, error) {
	if err := form(e, true); err != nil {
		return nil, err
	}
	s, err := newSeq(e, 6)
	if err != nil {
		return nil, err
	}
	var a IPAddress
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
			err = unexpected(&c)
		case 1:
			a.Type, err = decEnum[IPType](&c)
			err = wrapField(err, "iP-type", &c)
		case 2:
			err = wrapField(decodeIPValue(d, &c, &a), "iP-value", &c)
		case 3:
			a.Assignment, err = enumPtr[IPAssignment](d, &c)
			err = wrapField(err, "iP-assignment", &c)
		case 4:
			var n int64
			if n, err = c.Int64(); err == nil {
				if n < RangeIPAddressIPv6PrefixLengthMin || n > RangeIPAddressIPv6PrefixLengthMax {
					err = atOff(&c, ErrConstraint)
				} else {
					p := uint8(n)
					a.V6PrefixLength = &p
				}
			}
			err = wrapField(err, "iPv6PrefixLength", &c)
		case 5:
			if a.V4SubnetMask, err = d.bytes(&c); err == nil {
				err = atOff(&c, sizeIn("iPv4SubnetMask", len(a.V4SubnetMask), SizeIPAddressIPv4SubnetMaskMin, SizeIPAddressIPv4SubnetMaskMax))
			}
			err = wrapField(err, "iPv4SubnetMask", &c)
		case 6:
			var b bool
			if b, err = c.Bool(); err == nil {
				a.NATTranslated = &b
			}
			err = wrapField(err, "iP-NAT-translated", &c)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := s.require(ipNames, 1, 2); err != nil {
		return nil, err
	}
	if at, err := ipCoding(&a, true); err != nil {
		return nil, wrapField(atOff(e, err), at, e)
	}
	p := d.ipAddress()
	*p = a
	return p, nil
}

func decodeIPValue(d *dec, e *ber.Element, a *IPAddress) error {
	if err := form(e, true); err != nil {
		return err
	}
	c, err := only(e)
	if err != nil {
		return err
	}
	if c.Tag.Class == ber.Context && !c.Tag.Constructed {
		switch c.Tag.Number {
		case 1:
			if a.Binary, err = d.bytes(&c); err == nil {
				err = atOff(&c, sizeIn("iPBinaryAddress", len(a.Binary), SizeIPValueIPBinaryAddressMin, SizeIPValueIPBinaryAddressMax))
			}
			return wrapField(err, "iPBinaryAddress", &c)
		case 2:
			if a.Text, err = d.text(&c, false); err == nil {
				if err = atOff(&c, sizeIn("iPTextAddress", len(a.Text), SizeIPValueIPTextAddressMin, SizeIPValueIPTextAddressMax)); err == nil {
					err = atOff(&c, ia5(a.Text))
				}
			}
			return wrapField(err, "iPTextAddress", &c)
		}
	}
	return &ber.Error{Offset: c.Offset, Err: ErrUnsupported, Detail: "IP-value alternative " + c.Tag.String()}
}
