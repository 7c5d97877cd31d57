package etsi

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Conform: one documented rule per constrained field (CONSTRAINTS.md), applied to a payload
// before it is encoded, so that one awkward field never costs the whole IRI or CC.
//
// Every Conform method changes only the struct it is called on: a pointer or slice it
// would change is replaced by a new one, never written through. A shallow copy of a
// record's payload can therefore be conformed without touching the record.

// Rule names what Conform did to a field.
type Rule string

// The rules. Their text is what metrics and audit entries carry.
const (
	// RuleUTF8Replaced: every maximal run of invalid UTF-8 octets in a UTF8String became U+FFFD.
	RuleUTF8Replaced Rule = "utf8-replaced"
	// RuleTruncated: a string was cut to its SIZE maximum (at a rune boundary for UTF8String).
	RuleTruncated Rule = "truncated"
	// RuleListTruncated: a SEQUENCE OF over its SIZE maximum kept its first N elements.
	RuleListTruncated Rule = "list-truncated"
	// RuleOmitted: an OPTIONAL field that cannot be repaired was left out.
	RuleOmitted Rule = "omitted"
	// RuleElementOmitted: a SET OF / SEQUENCE OF element whose mandatory part cannot be
	// repaired was left out of its list (the list itself stays).
	RuleElementOmitted Rule = "element-omitted"
	// RuleClamped: a number above its range was set to the range maximum.
	RuleClamped Rule = "clamped"
	// RuleSubstituted: a mandatory field that cannot be repaired got its documented substitute.
	RuleSubstituted Rule = "substituted"
)

// Adjustment is one change Conform made: the field's ASN.1 path and the rule, never the
// field's content (which can be a target identity or a password).
type Adjustment struct {
	Field string
	Rule  Rule
}

// Label is Field without list indices ("emailIRI.e-mail-Recipients[]"), for metric labels
// whose number of values must stay bounded.
func (a Adjustment) Label() string {
	if !strings.Contains(a.Field, "[") {
		return a.Field
	}
	var b strings.Builder
	skip := false
	for _, c := range a.Field {
		switch {
		case c == '[':
			skip = true
			b.WriteRune(c)
		case c == ']':
			skip = false
			b.WriteRune(c)
		case !skip:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Bounds Conform repairs to, from the constants generated out of shared/asn1
// (asn1_constraints_gen.go).
const (
	maxEmailAddress   = SizeEmailIRIEMailSenderMax
	maxAddressList    = CountEMailAddressListMax
	maxAAAString      = SizeIMAPAAAInformationUsernameMax // every AAA username/password is (0..64)
	maxOperatorID     = SizeNetworkIdentifierOperatorIdentifierMax
	maxNetworkElement = SizeNetworkIdentifierNetworkElementIdentifierMax
	maxMicroSeconds   = RangeMicroSecondTimeStampMicroSecondsMax
)

// conformer collects the adjustments under a path prefix.
type conformer struct {
	out []Adjustment
}

func (c *conformer) add(path string, r Rule) { c.out = append(c.out, Adjustment{Field: path, Rule: r}) }

// utf8String applies the UTF8String rule: invalid sequences → U+FFFD, then cut at a rune
// boundary to max octets (max < 0: no SIZE constraint). It reports whether s changed.
func (c *conformer) utf8String(path string, s string, max int) (string, bool) {
	changed := false
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		c.add(path, RuleUTF8Replaced)
		changed = true
	}
	if max >= 0 && len(s) > max {
		s = truncateRunes(s, max)
		c.add(path, RuleTruncated)
		changed = true
	}
	return s, changed
}

// truncateRunes cuts valid UTF-8 s to at most max octets without splitting a rune.
func truncateRunes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}

// addressList applies the E-mail-Address-List rules; it returns a new slice when changed.
func (c *conformer) addressList(path string, list []string) ([]string, bool) {
	var out []string
	if len(list) > maxAddressList {
		c.add(path, RuleListTruncated)
		out = append([]string(nil), list[:maxAddressList]...)
		list = out
	}
	for i, a := range list {
		fixed, ch := c.utf8String(path+"["+strconv.Itoa(i)+"]", a, SizeEMailAddressListItemMax)
		if !ch {
			continue
		}
		if out == nil {
			out = append([]string(nil), list...)
			list = out
		}
		out[i] = fixed
	}
	return list, out != nil
}

// ipAddressOK reports whether a can be encoded as it is. An IPAddress is not repaired
// piecemeal: a wrong address is not evidence, so the whole optional field goes.
func ipAddressOK(a *IPAddress) bool {
	_, err := checkIPAddress(a)
	return err == nil
}

// Conform applies the field rules to x (see CONSTRAINTS.md) and lists what it changed.
// Paths start with "emailIRI".
func (x *EmailIRI) Conform() []Adjustment {
	c := &conformer{}
	x.conform(c, "emailIRI")
	return c.out
}

func (x *EmailIRI) conform(c *conformer, p string) {
	if x.ClientAddress != nil && !ipAddressOK(x.ClientAddress) {
		x.ClientAddress = nil
		c.add(p+".client-Address", RuleOmitted)
	}
	if x.ServerAddress != nil && !ipAddressOK(x.ServerAddress) {
		x.ServerAddress = nil
		c.add(p+".server-Address", RuleOmitted)
	}
	if x.Sender != nil {
		if s, ch := c.utf8String(p+".e-mail-Sender", *x.Sender, maxEmailAddress); ch {
			x.Sender = &s
		}
	}
	if x.Recipients != nil {
		x.Recipients, _ = c.addressList(p+".e-mail-Recipients", x.Recipients)
	}
	if x.NationalASN1 != nil && countryCode(x.NationalASN1.CountryCode) != nil {
		// countryCode is the only (mandatory) component umli models: nothing is left.
		x.NationalASN1 = nil
		c.add(p+".national-EM-ASN1parameters", RuleOmitted)
	}
	if x.AAAInformation != nil {
		x.AAAInformation = conformAAA(c, p+".aAAInformation", x.AAAInformation)
	}
}

// conformAAA returns a (possibly new) AAAInformation, or nil when the CHOICE is unusable.
func conformAAA(c *conformer, p string, a *AAAInformation) *AAAInformation {
	n := 0
	for _, set := range [...]bool{a.POP3 != nil, a.ASMTP != nil, a.IMAP != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		c.add(p, RuleOmitted)
		return nil
	}
	switch {
	case a.POP3 != nil:
		u, pw, ch := conformUserPass(c, p+".pOP3AAAInformation", a.POP3.Username, a.POP3.Password)
		if ch {
			v := *a.POP3
			v.Username, v.Password = u, pw
			return &AAAInformation{POP3: &v}
		}
	case a.IMAP != nil:
		u, pw, ch := conformUserPass(c, p+".iMAPAAAInformation", a.IMAP.Username, a.IMAP.Password)
		if ch {
			v := *a.IMAP
			v.Username, v.Password = u, pw
			return &AAAInformation{IMAP: &v}
		}
	default:
		if u, ch := c.utf8String(p+".aSMTPAAAInformation.username", a.ASMTP.Username, maxAAAString); ch {
			v := *a.ASMTP
			v.Username = u
			return &AAAInformation{ASMTP: &v}
		}
	}
	return a
}

func conformUserPass(c *conformer, p, user string, pass *string) (string, *string, bool) {
	u, chU := c.utf8String(p+".username", user, maxAAAString)
	chP := false
	if pass != nil {
		var s string
		if s, chP = c.utf8String(p+".password", *pass, maxAAAString); chP {
			pass = &s
		}
	}
	return u, pass, chU || chP
}

// Conform applies the field rules to x. Content declared ip-packet that is not an IPv4/IPv6
// packet gets the documented substitute email-Format application(2): the bytes are
// delivered as captured, only the claim about them changes. Paths start with "emailCC".
func (x *EmailCC) Conform() []Adjustment {
	if emailContent(x.Format, x.Content) == nil {
		return nil
	}
	x.Format = EmailFormatApplication
	return []Adjustment{{Field: "emailCC.email-Format", Rule: RuleSubstituted}}
}

// substituteContentType is what a mandatory content-type that is no MIME type becomes:
// RFC 2046's type for arbitrary data.
const substituteContentType = "application/octet-stream"

// Conform applies the field rules to x: a content-type that is no MIME type/subtype is
// replaced by application/octet-stream (mandatory), a content-transfer-encoding that is no
// RFC 2045 token is left out (optional). Paths start with "messagingCC".
func (x *MessagingCC) Conform() []Adjustment {
	var out []Adjustment
	if contentType(x.ContentType) != nil {
		x.ContentType = substituteContentType
		out = append(out, Adjustment{Field: "messagingCC.content-type", Rule: RuleSubstituted})
	}
	if x.ContentTransferEncoding != "" && transferEncoding(x.ContentTransferEncoding) != nil {
		x.ContentTransferEncoding = ""
		out = append(out, Adjustment{Field: "messagingCC.content-transfer-encoding", Rule: RuleOmitted})
	}
	return out
}

// Conform applies the field rules to x (see CONSTRAINTS.md) and lists what it changed.
// Paths start with "messagingIRI".
func (x *MessagingIRI) Conform() []Adjustment {
	c := &conformer{}
	x.conform(c, "messagingIRI")
	return c.out
}

func (x *MessagingIRI) conform(c *conformer, p string) {
	if x.Category != nil && !oneCategory(x.Category) {
		x.Category = nil
		c.add(p+".category", RuleOmitted)
	}
	if x.PartyInformation != nil {
		var out []MessagingPartyInformation
		for i := range x.PartyInformation {
			pp := p + ".party-information[" + strconv.Itoa(i) + "]"
			party := x.PartyInformation[i]
			id, ok := conformIdentity(c, pp+".party-identity", &party.Identity)
			if ok && id == &party.Identity && out == nil {
				continue // unchanged so far: no copy needed
			}
			if out == nil {
				out = append(make([]MessagingPartyInformation, 0, len(x.PartyInformation)), x.PartyInformation[:i]...)
			}
			if ok {
				party.Identity = *id
				out = append(out, party)
			}
		}
		if out != nil {
			x.PartyInformation = out
		}
	}
	if x.Properties != nil {
		var out []MessagingProperty
		for i := range x.Properties {
			pp := p + ".properties[" + strconv.Itoa(i) + "]"
			prop, ok := conformProperty(c, pp, &x.Properties[i])
			if ok && prop == &x.Properties[i] && out == nil {
				continue
			}
			if out == nil {
				out = append(make([]MessagingProperty, 0, len(x.Properties)), x.Properties[:i]...)
			}
			if ok {
				out = append(out, *prop)
			}
		}
		if out != nil {
			x.Properties = out
		}
	}
}

func oneCategory(k *MessagingEventCategory) bool {
	n := 0
	for _, set := range [...]bool{k.Message != nil, k.MessageBox != nil, k.Notification != nil, k.Call != nil} {
		if set {
			n++
		}
	}
	return n == 1
}

// conformIdentity returns id itself when it is fine, a repaired copy, or ok=false when the
// mandatory party-identity cannot be repaired (its party is then left out of the SET OF).
// Identities are never truncated: a shortened number is someone else's number. What the
// encoder refuses of an alternative (layout, digit count, URI scheme, NAI syntax, address,
// port: see CONSTRAINTS.md) is decided by the encoder's own check, so the two cannot drift.
func conformIdentity(c *conformer, p string, id *MessagingPartyIdentity) (*MessagingPartyIdentity, bool) {
	tag, n := identityAlternative(id)
	if n != 1 {
		c.add(p, RuleElementOmitted)
		return nil, false
	}
	ap := p + "." + identityNames[tag]
	out := id
	switch tag {
	case 2:
		if l, ch := c.addressList(ap, id.EmailAddresses); ch {
			cp := *id
			cp.EmailAddresses = l
			out = &cp
		}
	case 4:
		if s, ch := c.utf8String(ap, id.Alphanumeric, -1); ch {
			cp := *id
			cp.Alphanumeric = s
			out = &cp
		}
	}
	var scratch [64]byte
	if _, err := appendPartyIdentity(scratch[:0], out, LatestVersion()); err != nil {
		c.add(ap, RuleElementOmitted)
		return nil, false
	}
	return out, true
}

// conformProperty returns p itself, a repaired copy, or ok=false when the property (a CHOICE
// element of the SEQUENCE OF) cannot be encoded: after the UTF-8 repair of subject and
// user-agent, whatever the encoder refuses (a pincode over 32 octets, a language that is
// no RFC 4646 tag, a time outside GeneralizedTime) leaves the list. A pincode is not cut:
// a shortened PIN is a different PIN.
func conformProperty(c *conformer, path string, p *MessagingProperty) (*MessagingProperty, bool) {
	tag, n := propertyAlternative(p)
	if n != 1 {
		c.add(path, RuleElementOmitted)
		return nil, false
	}
	ap := path + "." + propertyNames[tag]
	out := p
	if tag == 6 || tag == 7 {
		src := p.Subject
		if tag == 7 {
			src = p.UserAgent
		}
		if s, ch := c.utf8String(ap, *src, -1); ch {
			cp := *p
			if tag == 6 {
				cp.Subject = &s
			} else {
				cp.UserAgent = &s
			}
			out = &cp
		}
	}
	var scratch [64]byte
	if _, err := appendProperty(scratch[:0], out, LatestVersion()); err != nil {
		c.add(ap, RuleElementOmitted)
		return nil, false
	}
	return out, true
}

// Conform applies the header rules to h. umli fills the header from validated
// configuration and warrants, so this is a last line: lawfulInterceptionIdentifier is never
// changed (a different LIID delivers to the wrong warrant; warrant.ValidLIID refuses bad
// ones at activation) and an invalid one still fails to encode. Paths start with "pSHeader".
func (h *PSHeader) Conform() []Adjustment {
	c := &conformer{}
	p := "pSHeader"
	if h.AuthorizationCountryCode != "" && countryCode(h.AuthorizationCountryCode) != nil {
		h.AuthorizationCountryCode = ""
		c.add(p+".authorizationCountryCode", RuleOmitted)
	}
	ci := &h.CommunicationIdentifier
	np := p + ".communicationIdentifier.networkIdentifier"
	if len(ci.NetworkIdentifier.OperatorIdentifier) > maxOperatorID {
		ci.NetworkIdentifier.OperatorIdentifier = ci.NetworkIdentifier.OperatorIdentifier[:maxOperatorID]
		c.add(np+".operatorIdentifier", RuleTruncated)
	}
	if len(ci.NetworkIdentifier.NetworkElementIdentifier) > maxNetworkElement {
		ci.NetworkIdentifier.NetworkElementIdentifier = ci.NetworkIdentifier.NetworkElementIdentifier[:maxNetworkElement]
		c.add(np+".networkElementIdentifier", RuleTruncated)
	}
	if ci.DeliveryCountryCode != "" && countryCode(ci.DeliveryCountryCode) != nil {
		ci.DeliveryCountryCode = ""
		c.add(p+".communicationIdentifier.deliveryCountryCode", RuleOmitted)
	}
	if h.InterceptionPointID != "" && interceptionPointID(h.InterceptionPointID) != nil {
		h.InterceptionPointID = ""
		c.add(p+".interceptionPointID", RuleOmitted)
	}
	if h.MicroSecondTimeStamp != nil && h.MicroSecondTimeStamp.MicroSeconds > maxMicroSeconds {
		ts := *h.MicroSecondTimeStamp
		ts.MicroSeconds = maxMicroSeconds
		h.MicroSecondTimeStamp = &ts
		c.add(p+".microSecondTimeStamp.microSeconds", RuleClamped)
	}
	return c.out
}

// Conform applies the rules to the header and to every payload of p. Payload content
// structs are copied before they are changed, so the ones p pointed to stay as they were;
// the payload slices are replaced too. Paths are full PS-PDU paths
// ("payload.iRIPayloadSequence[0].iRIContents.emailIRI.e-mail-Sender").
func (p *PSPDU) Conform() []Adjustment {
	out := p.Header.Conform()
	if p.Payload.IRI != nil {
		iri := append([]IRIPayload(nil), p.Payload.IRI...)
		for i := range iri {
			pre := "payload.iRIPayloadSequence[" + strconv.Itoa(i) + "].iRIContents."
			ct := &iri[i].Contents
			switch {
			case ct.EmailIRI != nil:
				x := *ct.EmailIRI
				ct.EmailIRI = &x
				out = appendPrefixed(out, pre, x.Conform())
			case ct.MessagingIRI != nil:
				x := *ct.MessagingIRI
				ct.MessagingIRI = &x
				out = appendPrefixed(out, pre, x.Conform())
			}
		}
		p.Payload.IRI = iri
	}
	if p.Payload.CC != nil {
		cc := append([]CCPayload(nil), p.Payload.CC...)
		for i := range cc {
			pre := "payload.cCPayloadSequence[" + strconv.Itoa(i) + "].cCContents."
			ct := &cc[i].Contents
			switch {
			case ct.EmailCC != nil:
				x := *ct.EmailCC
				ct.EmailCC = &x
				out = appendPrefixed(out, pre, x.Conform())
			case ct.MessagingCC != nil:
				x := *ct.MessagingCC
				ct.MessagingCC = &x
				out = appendPrefixed(out, pre, x.Conform())
			}
		}
		p.Payload.CC = cc
	}
	return out
}

func appendPrefixed(dst []Adjustment, pre string, adj []Adjustment) []Adjustment {
	for _, a := range adj {
		dst = append(dst, Adjustment{Field: pre + a.Field, Rule: a.Rule})
	}
	return dst
}
