package translate

import (
	"strings"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// who accumulates the parties of one IRI and the identities mediation matches
// warrants against.
type who struct {
	parties []etsi.MessagingPartyInformation
	ids     []record.Identity
}

func (w *who) addID(k record.IdentityKind, v string) {
	if w.ids == nil {
		w.ids = make([]record.Identity, 0, 4)
	}
	for _, id := range w.ids {
		if id.Kind == k && id.Value == v {
			return
		}
	}
	w.ids = append(w.ids, record.Identity{Kind: k, Value: v})
}

func (w *who) add(q etsi.MessagingPartyQualifier, id etsi.MessagingPartyIdentity) {
	if w.parties == nil {
		// Sized for the usual caller + box: the element type is large.
		w.parties = make([]etsi.MessagingPartyInformation, 0, 2)
	}
	w.parties = append(w.parties, etsi.MessagingPartyInformation{Qualifier: q, Identity: id})
}

// usable reports whether a vendor field carries a real value.
func usable(v string) bool {
	return v != "" && v != "_undef_" && v != "<unknown>" && !strings.EqualFold(v, "anonymous") && !strings.EqualFold(v, "unknown") && !strings.EqualFold(v, "null")
}

// number adds a calling/called number: e164-format when it is international
// ("+" and 6..15 digits), otherwise alphanumeric (extensions, national numbers).
func (w *who) number(q etsi.MessagingPartyQualifier, n string) {
	n = strings.TrimSpace(n)
	if !usable(n) {
		return
	}
	digits := strings.TrimPrefix(n, "+")
	if allDigits(digits) && len(digits) > 0 {
		w.addID(record.IdentityE164, n)
		if n[0] == '+' && len(digits) >= 6 && len(digits) <= 15 {
			w.add(q, etsi.MessagingPartyIdentity{E164: digits})
			return
		}
	}
	w.add(q, etsi.MessagingPartyIdentity{Alphanumeric: n})
}

// e164 adds a number the platform says is E.164 (with or without "+").
func (w *who) e164(q etsi.MessagingPartyQualifier, n string) {
	n = strings.TrimSpace(n)
	digits := strings.TrimPrefix(n, "+")
	if !usable(n) || !allDigits(digits) || len(digits) == 0 || len(digits) > 15 {
		w.number(q, n)
		return
	}
	w.addID(record.IdentityE164, "+"+digits)
	w.add(q, etsi.MessagingPartyIdentity{E164: digits})
}

// msisdn adds a number the platform says is a mobile subscriber number.
func (w *who) msisdn(q etsi.MessagingPartyQualifier, n string) {
	n = strings.TrimSpace(n)
	digits := strings.TrimPrefix(n, "+")
	if !usable(n) || !allDigits(digits) || len(digits) == 0 || len(digits) > 15 {
		w.number(q, n)
		return
	}
	w.addID(record.IdentityE164, n)
	w.add(q, etsi.MessagingPartyIdentity{MSISDN: digits})
}

func (w *who) sip(q etsi.MessagingPartyQualifier, uri string) {
	if !usable(uri) {
		return
	}
	w.addID(record.IdentitySIPURI, uri)
	if strings.HasPrefix(strings.ToLower(uri), "sips:") {
		w.add(q, etsi.MessagingPartyIdentity{SIPSURI: uri})
		return
	}
	if strings.HasPrefix(strings.ToLower(uri), "tel:") {
		w.add(q, etsi.MessagingPartyIdentity{TelURL: uri})
		return
	}
	w.add(q, etsi.MessagingPartyIdentity{SIPURI: uri})
}

func (w *who) email(q etsi.MessagingPartyQualifier, addr string) {
	addr = strings.TrimSpace(addr)
	if !usable(addr) || !strings.Contains(addr, "@") {
		return
	}
	w.addID(record.IdentityEmail, addr)
	w.add(q, etsi.MessagingPartyIdentity{EmailAddresses: []string{addr}})
}

func (w *who) alnum(q etsi.MessagingPartyQualifier, s string) {
	if usable(s) {
		w.add(q, etsi.MessagingPartyIdentity{Alphanumeric: s})
	}
}

// box adds the mailbox owner: the box identifier as an identity, a SIP URI when the
// box is user@domain on a SIP platform, and what the operator's directory knows.
func (w *who) box(q etsi.MessagingPartyQualifier, box string, sipDomain bool, dir map[string]Owner) {
	if !usable(box) {
		return
	}
	w.addID(record.IdentityBoxID, box)
	if sipDomain && strings.Contains(box, "@") {
		w.sip(q, "sip:"+box)
	} else {
		w.alnum(q, box)
	}
	if o, ok := dir[box]; ok {
		if o.MSISDN != "" {
			w.msisdn(q, o.MSISDN)
		}
		if o.Email != "" {
			w.email(q, o.Email)
		}
	}
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
