package etsi

import (
	"fmt"

	"github.com/umli/umli/mediation/etsi/ber"
)

func appendEmailIRI(dst []byte, x *EmailIRI, v Version) ([]byte, error) {
	var err error
	dst = ber.Begin(dst, ber.CtxC(1))
	m := len(dst)
	if dst, err = appendObjID(dst, "emailIRIObjId", x.ObjID, v, objEmailIRI); err != nil {
		return dst, err
	}
	if err := enumFor(x.EventType, v); err != nil {
		return dst, encWrap(err, "eventType")
	}
	dst = ber.AppendEnumerated(dst, ber.Ctx(1), int64(x.EventType))
	if x.ClientAddress != nil {
		if dst, err = appendIPAddress(dst, ber.CtxC(2), x.ClientAddress); err != nil {
			return dst, encWrap(err, "client-Address")
		}
	}
	if x.ServerAddress != nil {
		if dst, err = appendIPAddress(dst, ber.CtxC(3), x.ServerAddress); err != nil {
			return dst, encWrap(err, "server-Address")
		}
	}
	if x.ClientPort != nil {
		dst = ber.AppendInteger(dst, ber.Ctx(4), *x.ClientPort)
	}
	if x.ServerPort != nil {
		dst = ber.AppendInteger(dst, ber.Ctx(5), *x.ServerPort)
	}
	dst = ber.AppendInteger(dst, ber.Ctx(6), x.ServerOctetsSent)
	dst = ber.AppendInteger(dst, ber.Ctx(7), x.ClientOctetsSent)
	if err := enumFor(x.ProtocolID, v); err != nil {
		return dst, encWrap(err, "protocol-ID")
	}
	dst = ber.AppendEnumerated(dst, ber.Ctx(8), int64(x.ProtocolID))
	if x.Sender != nil {
		if err := senderCheck(*x.Sender); err != nil {
			return dst, encWrap(err, "e-mail-Sender")
		}
		dst = ber.AppendString(dst, ber.Ctx(9), *x.Sender)
	}
	if x.Recipients != nil {
		if dst, err = appendAddressList(dst, ber.CtxC(10), x.Recipients); err != nil {
			return dst, encWrap(err, "e-mail-Recipients")
		}
	}
	if err := enumFor(x.Status, v); err != nil {
		return dst, encWrap(err, "status")
	}
	dst = ber.AppendEnumerated(dst, ber.Ctx(11), int64(x.Status))
	if x.TotalRecipientCount != nil {
		dst = ber.AppendInteger(dst, ber.Ctx(12), int64(*x.TotalRecipientCount))
	}
	if len(x.MessageID) > 0 {
		dst = ber.AppendOctetString(dst, ber.Ctx(13), x.MessageID)
	}
	if len(x.NationalParameter) > 0 {
		dst = ber.AppendOctetString(dst, ber.Ctx(14), x.NationalParameter)
	}
	if x.NationalASN1 != nil {
		if err := countryCode(x.NationalASN1.CountryCode); err != nil {
			return dst, encWrap(err, "national-EM-ASN1parameters.countryCode")
		}
		dst = ber.Begin(dst, ber.CtxC(15))
		m2 := len(dst)
		dst = ber.AppendString(dst, ber.Ctx(1), x.NationalASN1.CountryCode)
		dst = ber.End(dst, m2)
	}
	if x.AAAInformation != nil {
		if dst, err = appendAAA(dst, x.AAAInformation, v); err != nil {
			return dst, encWrap(err, "aAAInformation")
		}
	}
	if x.SenderValidity != nil {
		if err := enumFor(*x.SenderValidity, v); err != nil {
			return dst, encWrap(err, "e-mail-Sender-Validity")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(17), int64(*x.SenderValidity))
	}
	return ber.End(dst, m), nil
}

func appendAAA(dst []byte, a *AAAInformation, v Version) ([]byte, error) {
	n := 0
	for _, set := range [...]bool{a.POP3 != nil, a.ASMTP != nil, a.IMAP != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return dst, fmt.Errorf("%w: %d of pOP3AAAInformation, aSMTPAAAInformation, iMAPAAAInformation set", ErrChoice, n)
	}
	var err error
	dst = ber.Begin(dst, ber.CtxC(16))
	m := len(dst)
	switch {
	case a.POP3 != nil:
		dst, err = appendUserPass(dst, 0, a.POP3.Username, a.POP3.Password, a.POP3.Result, v)
		err = wrapIf(err, "pOP3AAAInformation")
	case a.IMAP != nil:
		dst, err = appendUserPass(dst, 2, a.IMAP.Username, a.IMAP.Password, a.IMAP.Result, v)
		err = wrapIf(err, "iMAPAAAInformation")
	default:
		dst, err = appendASMTP(dst, a.ASMTP, v)
		err = wrapIf(err, "aSMTPAAAInformation")
	}
	if err != nil {
		return dst, err
	}
	return ber.End(dst, m), nil
}

// username checks a POP3/IMAP/ASMTP username or password: UTF8String (SIZE (0..64)).
func username(s string) error {
	if err := sizeIn("username", len(s), aaaSizeMin, aaaSizeMax); err != nil {
		return err
	}
	return validUTF8(s)
}

// appendUserPass writes POP3AAAInformation or IMAPAAAInformation (same shape).
func appendUserPass(dst []byte, tag uint32, user string, pass *string, res *AAAResult, v Version) ([]byte, error) {
	dst = ber.Begin(dst, ber.CtxC(tag))
	m := len(dst)
	if err := username(user); err != nil {
		return dst, encWrap(err, "username")
	}
	dst = ber.AppendString(dst, ber.Ctx(0), user)
	if pass != nil {
		if err := username(*pass); err != nil {
			return dst, encWrap(err, "password")
		}
		dst = ber.AppendString(dst, ber.Ctx(1), *pass)
	}
	if res != nil {
		if err := enumFor(*res, v); err != nil {
			return dst, encWrap(err, "aAAResult")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(2), int64(*res))
	}
	return ber.End(dst, m), nil
}

func appendASMTP(dst []byte, a *ASMTPAAAInformation, v Version) ([]byte, error) {
	dst = ber.Begin(dst, ber.CtxC(1))
	m := len(dst)
	if err := username(a.Username); err != nil {
		return dst, encWrap(err, "username")
	}
	dst = ber.AppendString(dst, ber.Ctx(0), a.Username)
	if a.AuthMethod != nil {
		if err := enumFor(*a.AuthMethod, v); err != nil {
			return dst, encWrap(err, "authMethod")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(1), int64(*a.AuthMethod))
	}
	// challenge and response are "BASE64 encoded" per the ASN.1 comments: the e-mail source
	// (email/) captures them in that form from SMTP AUTH; the codec carries the octets as is.
	if len(a.Challenge) > 0 {
		dst = ber.AppendOctetString(dst, ber.Ctx(2), a.Challenge)
	}
	if len(a.Response) > 0 {
		dst = ber.AppendOctetString(dst, ber.Ctx(3), a.Response)
	}
	if a.Result != nil {
		if err := enumFor(*a.Result, v); err != nil {
			return dst, encWrap(err, "aAAResult")
		}
		dst = ber.AppendEnumerated(dst, ber.Ctx(4), int64(*a.Result))
	}
	return ber.End(dst, m), nil
}

func appendEmailCC(dst []byte, x *EmailCC, v Version) ([]byte, error) {
	var err error
	dst = ber.Begin(dst, ber.CtxC(1))
	m := len(dst)
	if dst, err = appendObjID(dst, "emailCCObjId", x.ObjID, v, objEmailCC); err != nil {
		return dst, err
	}
	if err := enumFor(x.Format, v); err != nil {
		return dst, encWrap(err, "email-Format")
	}
	dst = ber.AppendEnumerated(dst, ber.Ctx(1), int64(x.Format))
	if err := emailContent(x.Format, x.Content); err != nil {
		return dst, encWrap(err, "content")
	}
	dst = ber.AppendOctetString(dst, ber.Ctx(2), x.Content)
	return ber.End(dst, m), nil
}
