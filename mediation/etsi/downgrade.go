package etsi

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Downgrade records one change ForVersion made so that a value fits an older schema version.
// Mediation logs or counts these; nothing is changed without one.
type Downgrade struct {
	// Path is the ASN.1 path of the changed field, e.g. "party-information[0].party-identity".
	Path string
	// From is what the value was (an identifier or a short description).
	From string
	// To is what it became; empty when the field was dropped.
	To string
}

// String renders the change as "path: from -> to" or "path: from dropped".
func (d Downgrade) String() string {
	if d.To == "" {
		return fmt.Sprintf("%s: %s dropped", d.Path, d.From)
	}
	return fmt.Sprintf("%s: %s -> %s", d.Path, d.From, d.To)
}

// ForVersion returns p with every payload mapped to what v can carry (see the payloads'
// ForVersion), plus the list of changes with paths relative to the PS-PDU. p is not modified.
func (p *PSPDU) ForVersion(v Version) (PSPDU, []Downgrade) { return p.forVersion(v, nil) }

// DowngradeScratch is the memory ForVersionIn copies a one-payload PS-PDU into.
type DowngradeScratch struct {
	iri [1]IRIPayload
	cc  [1]CCPayload
	mi  MessagingIRI
	mc  MessagingCC
	ei  EmailIRI
}

// ForVersionIn is ForVersion writing the payload copies of a one-payload PS-PDU into sc
// instead of new memory, so that a PDU per record costs no allocation. The result points
// into sc: it is valid until sc's next use.
func (p *PSPDU) ForVersionIn(v Version, sc *DowngradeScratch) (PSPDU, []Downgrade) {
	return p.forVersion(v, sc)
}

func (p *PSPDU) forVersion(v Version, sc *DowngradeScratch) (PSPDU, []Downgrade) {
	out := *p
	if v.has20() {
		return out, nil
	}
	var notes []Downgrade
	add := func(prefix string, ds []Downgrade) {
		for _, d := range ds {
			d.Path = joinPath(prefix, d.Path)
			notes = append(notes, d)
		}
	}
	if p.Payload.IRI != nil {
		var mi *MessagingIRI // the copies' memory: sc's for one payload, else new
		var ei *EmailIRI
		if sc != nil && len(p.Payload.IRI) == 1 {
			out.Payload.IRI = append(sc.iri[:0], p.Payload.IRI...)
			mi, ei = &sc.mi, &sc.ei
		} else {
			out.Payload.IRI = append(make([]IRIPayload, 0, len(p.Payload.IRI)), p.Payload.IRI...)
		}
		for i := range out.Payload.IRI {
			c := &out.Payload.IRI[i].Contents
			// The path prefix only when there is something to report: most PDUs have not.
			pre := func(alt string) string { return fmt.Sprintf("payload.iRIPayloadSequence[%d].iRIContents.%s", i, alt) }
			if c.MessagingIRI != nil {
				if ds := downgradeInto(&c.MessagingIRI, mi, v); len(ds) > 0 {
					add(pre("messagingIRI"), ds)
				}
			}
			if c.EmailIRI != nil {
				if ds := downgradeInto(&c.EmailIRI, ei, v); len(ds) > 0 {
					add(pre("emailIRI"), ds)
				}
			}
		}
	}
	if p.Payload.CC != nil {
		var mc *MessagingCC // the copy's memory: sc's for one payload, else new
		if sc != nil && len(p.Payload.CC) == 1 {
			out.Payload.CC = append(sc.cc[:0], p.Payload.CC...)
			mc = &sc.mc
		} else {
			out.Payload.CC = append(make([]CCPayload, 0, len(p.Payload.CC)), p.Payload.CC...)
		}
		for i := range out.Payload.CC {
			c := &out.Payload.CC[i].Contents
			if c.MessagingCC != nil {
				if ds := downgradeInto(&c.MessagingCC, mc, v); len(ds) > 0 {
					add(fmt.Sprintf("payload.cCPayloadSequence[%d].cCContents.messagingCC", i), ds)
				}
			}
		}
	}
	return out, notes
}

// versioned is a payload content type that can be mapped to an older version.
type versioned[T any] interface {
	*T
	forVersionTo(out *T, v Version) []Downgrade
}

// downgradeInto points *c to a copy of itself that v can carry: into scratch when there is
// one (a one-payload PS-PDU), else into new memory. The original is not modified.
func downgradeInto[T any, P versioned[T]](c **T, scratch *T, v Version) []Downgrade {
	out := scratch
	if out == nil {
		out = new(T)
	}
	ds := P(*c).forVersionTo(out, v)
	*c = out
	return ds
}

// ForVersion returns a copy of m that v can carry, and what was changed:
// status operation-lost becomes unknown; a category value v lacks drops the (optional)
// category; total-recipient-count, party-validity and copy-qualifier are dropped; party
// identities v lacks become ip-address (ip-address-and-port, port dropped) or alphanumeric
// (URIs and NAI as they are, IMSI as "imsi:<digits>", IMEI as "urn:imei:<digits>"
// after RFC 7254); properties v lacks are dropped. m is not modified.
func (m *MessagingIRI) ForVersion(v Version) (*MessagingIRI, []Downgrade) {
	out := new(MessagingIRI)
	return out, m.forVersionTo(out, v)
}

// forVersionTo is ForVersion writing the copy to out (out may be m: m is read before
// each field of out is replaced).
func (m *MessagingIRI) forVersionTo(out *MessagingIRI, v Version) []Downgrade {
	*out = *m
	if v.has20() {
		return nil
	}
	var notes []Downgrade
	note := func(path, from, to string) { notes = append(notes, Downgrade{Path: path, From: from, To: to}) }
	if out.Status.valid() && out.Status.sinceEmail() > v.Email {
		note("status", out.Status.String(), StatusUnknown.String())
		out.Status = StatusUnknown
	}
	if c := out.Category; c != nil {
		var name, val string
		var since uint32
		switch {
		case c.Message != nil:
			name, val, since = "message", c.Message.String(), c.Message.sinceEmail()
		case c.MessageBox != nil:
			name, val, since = "message-box", c.MessageBox.String(), c.MessageBox.sinceEmail()
		case c.Notification != nil:
			name, val, since = "message-notification", c.Notification.String(), c.Notification.sinceEmail()
		case c.Call != nil:
			name, val, since = "call", c.Call.String(), c.Call.sinceEmail()
		}
		if since > v.Email {
			note("category", name+" "+val, "")
			out.Category = nil
		}
	}
	if out.TotalRecipientCount != nil {
		note("total-recipient-count", fmt.Sprint(*out.TotalRecipientCount), "")
		out.TotalRecipientCount = nil
	}
	if out.PartyInformation != nil {
		out.PartyInformation = append(make([]MessagingPartyInformation, 0, len(m.PartyInformation)), m.PartyInformation...)
		for i := range out.PartyInformation {
			partyForVersion(&out.PartyInformation[i], fmt.Sprintf("party-information[%d]", i), note)
		}
	}
	if out.Properties != nil {
		kept := make([]MessagingProperty, 0, len(out.Properties))
		for i := range m.Properties {
			p := &m.Properties[i]
			if propertyInVersion(p, v) {
				kept = append(kept, *p)
				continue
			}
			tag, _ := propertyAlternative(p)
			note(fmt.Sprintf("properties[%d]", i), propertyNames[tag], "")
		}
		out.Properties = kept
		if len(kept) == 0 {
			out.Properties = nil
		}
	}
	return notes
}

func partyForVersion(p *MessagingPartyInformation, path string, note func(path, from, to string)) {
	if p.Validity != nil {
		note(path+".party-validity", p.Validity.String(), "")
		p.Validity = nil
	}
	if p.CopyQualifier != nil {
		note(path+".copy-qualifier", p.CopyQualifier.String(), "")
		p.CopyQualifier = nil
	}
	id := p.Identity
	tag, n := identityAlternative(&id)
	if n != 1 || tag < identitySince20 {
		return
	}
	path += ".party-identity"
	from := identityNames[tag]
	var alnum string
	switch tag {
	case 5:
		a := id.IPAddressAndPort.Address
		p.Identity = MessagingPartyIdentity{IPAddress: &a}
		note(path, from, "ip-address (port-number dropped)")
		return
	case 6:
		alnum = "imsi:" + id.IMSI
	case 7:
		alnum = "urn:imei:" + id.IMEI
	case 8:
		alnum = id.FaxURL
	case 9:
		alnum = id.TelURL
	case 10:
		alnum = id.ModemURL
	case 11:
		alnum = id.SIPURI
	case 12:
		alnum = id.SIPSURI
	default:
		alnum = id.NAI
	}
	to := "alphanumeric"
	if !utf8.ValidString(alnum) {
		// alphanumeric is a UTF8String; the octet-string alternatives need not be UTF-8.
		alnum = strings.ToValidUTF8(alnum, "\uFFFD")
		to += " (invalid UTF-8 replaced by U+FFFD)"
	}
	p.Identity = MessagingPartyIdentity{Alphanumeric: alnum}
	note(path, from, to)
}

// ForVersion returns a copy of m that v can carry: content-transfer-encoding (version 20)
// is dropped and reported, since the content then reaches the LEMF still in that encoding.
func (m *MessagingCC) ForVersion(v Version) (*MessagingCC, []Downgrade) {
	out := new(MessagingCC)
	return out, m.forVersionTo(out, v)
}

func (m *MessagingCC) forVersionTo(out *MessagingCC, v Version) []Downgrade {
	*out = *m
	if v.has20() || out.ContentTransferEncoding == "" {
		return nil
	}
	d := Downgrade{Path: "content-transfer-encoding", From: out.ContentTransferEncoding + " (content left encoded)"}
	out.ContentTransferEncoding = ""
	return []Downgrade{d}
}

// ForVersion returns a copy of m that v can carry: protocol-ID webmail becomes undefined.
func (m *EmailIRI) ForVersion(v Version) (*EmailIRI, []Downgrade) {
	out := new(EmailIRI)
	return out, m.forVersionTo(out, v)
}

func (m *EmailIRI) forVersionTo(out *EmailIRI, v Version) []Downgrade {
	*out = *m
	if v.has20() || !out.ProtocolID.valid() || out.ProtocolID.sinceEmail() <= v.Email {
		return nil
	}
	d := Downgrade{Path: "protocol-ID", From: out.ProtocolID.String(), To: ProtocolUndefined.String()}
	out.ProtocolID = ProtocolUndefined
	return []Downgrade{d}
}
