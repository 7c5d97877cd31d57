package etsi

import (
	"github.com/umli/umli/mediation/etsi/ber"
)

// The EmailPDU e-mail types (TS 102 232-2 clauses 6 and 7).

var emailIRIType = sequence(nil,
	objIDField(0, "emailIRIObjId", objEmailIRI, func(x *EmailIRI) *OID { return &x.ObjID }),
	enumField(1, "eventType", func(x *EmailIRI) *EmailEvent { return &x.EventType }),
	ipField(2, "client-Address", func(x *EmailIRI) **IPAddress { return &x.ClientAddress }),
	ipField(3, "server-Address", func(x *EmailIRI) **IPAddress { return &x.ServerAddress }),
	field[EmailIRI]{tag: 4, name: "client-Port",
		dec:  func(d *dec, c ber.Element, x *EmailIRI) (err error) { x.ClientPort, err = d.i64p(&c); return },
		json: func(w *jw, k string, x *EmailIRI) { opt(w, k, x.ClientPort, (*jw).int) },
	},
	field[EmailIRI]{tag: 5, name: "server-Port",
		dec:  func(d *dec, c ber.Element, x *EmailIRI) (err error) { x.ServerPort, err = d.i64p(&c); return },
		json: func(w *jw, k string, x *EmailIRI) { opt(w, k, x.ServerPort, (*jw).int) },
	},
	field[EmailIRI]{tag: 6, name: "server-Octets-Sent", required: true,
		dec:  func(d *dec, c ber.Element, x *EmailIRI) (err error) { x.ServerOctetsSent, err = c.Int64(); return },
		json: func(w *jw, k string, x *EmailIRI) { w.int(k, x.ServerOctetsSent) },
	},
	field[EmailIRI]{tag: 7, name: "client-Octets-Sent", required: true,
		dec:  func(d *dec, c ber.Element, x *EmailIRI) (err error) { x.ClientOctetsSent, err = c.Int64(); return },
		json: func(w *jw, k string, x *EmailIRI) { w.int(k, x.ClientOctetsSent) },
	},
	enumField(8, "protocol-ID", func(x *EmailIRI) *EmailProtocol { return &x.ProtocolID }),
	field[EmailIRI]{tag: 9, name: "e-mail-Sender",
		dec:   func(d *dec, c ber.Element, x *EmailIRI) (err error) { x.Sender, err = d.textp(&c); return },
		check: func(x *EmailIRI) error { return senderCheck(*x.Sender) },
		json:  func(w *jw, k string, x *EmailIRI) { opt(w, k, x.Sender, (*jw).str) },
	},
	field[EmailIRI]{tag: 10, name: "e-mail-Recipients",
		dec: func(d *dec, c ber.Element, x *EmailIRI) (err error) {
			if err = form(&c, true); err == nil {
				x.Recipients, err = decodeAddressList(d, &c)
			}
			return
		},
		json: func(w *jw, k string, x *EmailIRI) {
			if x.Recipients != nil {
				strList(w, k, x.Recipients)
			}
		},
	},
	enumField(11, "status", func(x *EmailIRI) *EmailStatus { return &x.Status }),
	u32Field(12, "total-Recipient-Count", func(x *EmailIRI) **uint32 { return &x.TotalRecipientCount }),
	octetsField(13, "message-ID", func(x *EmailIRI) *[]byte { return &x.MessageID }),
	octetsField(14, "nationalParameter", func(x *EmailIRI) *[]byte { return &x.NationalParameter }),
	field[EmailIRI]{tag: 15, name: "national-EM-ASN1parameters",
		dec: func(d *dec, c ber.Element, x *EmailIRI) (err error) {
			x.NationalASN1, err = decodeNationalASN1(d, &c)
			return
		},
		json: func(w *jw, k string, x *EmailIRI) { optObject(w, k, nationalType, x.NationalASN1) },
	},
	field[EmailIRI]{tag: 16, name: "aAAInformation",
		dec: func(d *dec, c ber.Element, x *EmailIRI) error {
			x.AAAInformation = d.aaa()
			return aaaType.decode(d, &c, x.AAAInformation)
		},
		json: func(w *jw, k string, x *EmailIRI) { optObject(w, k, aaaType, x.AAAInformation) },
	},
	optEnumField(17, "e-mail-Sender-Validity", func(x *EmailIRI) **EmailSenderValidity { return &x.SenderValidity }),
)

var nationalType = sequence(nil,
	field[NationalEMASN1Parameters]{tag: 1, name: "countryCode", required: true,
		dec: func(d *dec, c ber.Element, n *NationalEMASN1Parameters) (err error) {
			n.CountryCode, err = d.text(&c, false)
			return
		},
		check: func(n *NationalEMASN1Parameters) error { return countryCode(n.CountryCode) },
		json:  func(w *jw, k string, n *NationalEMASN1Parameters) { w.str(k, n.CountryCode) },
	},
)

func decodeNationalASN1(d *dec, e *ber.Element) (*NationalEMASN1Parameters, error) {
	n := new(NationalEMASN1Parameters)
	if err := nationalType.decode(d, e, n); err != nil {
		return nil, err
	}
	return n, nil
}

var aaaType = choice("AAAInformation", func(a *AAAInformation) int {
	switch {
	case a.POP3 != nil:
		return 0
	case a.ASMTP != nil:
		return 1
	case a.IMAP != nil:
		return 2
	}
	return -1
},
	alt[AAAInformation]{tag: 0, name: "pOP3AAAInformation", form: constructed,
		dec: func(d *dec, c ber.Element, a *AAAInformation) error {
			a.POP3 = d.pop3()
			return userPassType.decode(d, &c, a.POP3)
		},
		json: func(w *jw, k string, a *AAAInformation) { object(w, k, userPassType, a.POP3) },
	},
	alt[AAAInformation]{tag: 1, name: "aSMTPAAAInformation", form: constructed,
		dec: func(d *dec, c ber.Element, a *AAAInformation) error {
			a.ASMTP = new(ASMTPAAAInformation)
			return asmtpType.decode(d, &c, a.ASMTP)
		},
		json: func(w *jw, k string, a *AAAInformation) { object(w, k, asmtpType, a.ASMTP) },
	},
	alt[AAAInformation]{tag: 2, name: "iMAPAAAInformation", form: constructed,
		dec: func(d *dec, c ber.Element, a *AAAInformation) error {
			a.IMAP = d.imap()
			// IMAPAAAInformation has POP3AAAInformation's fields, tags and Go layout.
			return userPassType.decode(d, &c, (*POP3AAAInformation)(a.IMAP))
		},
		json: func(w *jw, k string, a *AAAInformation) { object(w, k, userPassType, (*POP3AAAInformation)(a.IMAP)) },
	},
)

// userPassType is POP3AAAInformation, and IMAPAAAInformation too.
var userPassType = sequence(nil,
	usernameField(func(x *POP3AAAInformation) *string { return &x.Username }),
	field[POP3AAAInformation]{tag: 1, name: "password",
		dec:   func(d *dec, c ber.Element, x *POP3AAAInformation) (err error) { x.Password, err = d.textp(&c); return },
		check: func(x *POP3AAAInformation) error { return username(*x.Password) },
		json:  func(w *jw, k string, x *POP3AAAInformation) { opt(w, k, x.Password, (*jw).str) },
	},
	optEnumField(2, "aAAResult", func(x *POP3AAAInformation) **AAAResult { return &x.Result }),
)

var asmtpType = sequence(nil,
	usernameField(func(x *ASMTPAAAInformation) *string { return &x.Username }),
	optEnumField(1, "authMethod", func(x *ASMTPAAAInformation) **AAAAuthMethod { return &x.AuthMethod }),
	octetsField(2, "challenge", func(x *ASMTPAAAInformation) *[]byte { return &x.Challenge }),
	octetsField(3, "response", func(x *ASMTPAAAInformation) *[]byte { return &x.Response }),
	optEnumField(4, "aAAResult", func(x *ASMTPAAAInformation) **AAAResult { return &x.Result }),
)

func decodeEmailCC(d *dec, e *ber.Element, x *EmailCC) error {
	return emailCCType.decode(d, e, x)
}

// usernameField is username [0] of the AAA records: mandatory UTF8String.
func usernameField[T any](at func(*T) *string) field[T] {
	return field[T]{tag: 0, name: "username", required: true,
		dec:   func(d *dec, c ber.Element, x *T) (err error) { *at(x), err = d.text(&c, true); return },
		check: func(x *T) error { return username(*at(x)) },
		json:  func(w *jw, k string, x *T) { w.str(k, *at(x)) },
	}
}

var emailCCType = sequence(func(x *EmailCC) (string, error) { return "content", emailContent(x.Format, x.Content) },
	objIDField(0, "emailCCObjId", objEmailCC, func(x *EmailCC) *OID { return &x.ObjID }),
	enumField(1, "email-Format", func(x *EmailCC) *EmailFormat { return &x.Format }),
	field[EmailCC]{tag: 2, name: "content", required: true,
		dec:  func(d *dec, c ber.Element, x *EmailCC) (err error) { x.Content, err = d.bytes(&c); return },
		json: func(w *jw, k string, x *EmailCC) { w.octets(k, x.Content) },
	},
)
