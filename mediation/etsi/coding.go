package etsi

import (
	"fmt"
	"net/netip"
	"strings"
	"unicode/utf8"
)

// Codings the ASN.1 comments of EmailPDU version20 and LI-PS-PDU version43 prescribe for the
// fields umli emits, beyond SIZE and range. The encoder and the decoder both call these, so
// nothing that violates one leaves umli and nothing that violates one decodes. Where the
// encoder repairs instead of rejecting, the function comment says so.
//
// Carried as octets with no check, by design: ASMTPAAAInformation challenge and response
// ("A BASE64 encoded challenge/response") are BASE64 text produced by the e-mail source
// (email/), which sees the SMTP AUTH exchange; the codec carries them unchanged. message-ID,
// nationalParameter, system-identifier, box-identifier and original-message are "network
// byte order" / national / raw octets with nothing to check.

// ipCoding checks IPAddress against its comments (TS 102 232-1):
//   - iPBinaryAddress is the address in binary: 4 octets for iPV4, 16 for iPV6;
//   - iPTextAddress is "a single IPv4 address or an IPv4address/netmask", or "a complete
//     single IPv6-Address or an IPv6-Prefix", of the family iP-type names;
//   - iPv6PrefixLength only with an IPv6 binary iP-value, where it is mandatory (on encode
//     its absence is repaired by writing 128, since umli reports single addresses);
//   - iPv4SubnetMask only for IPv4, as a binary mask (contiguous one bits).
//
// It returns the offending component's name.
func ipCoding(a *IPAddress, decoding bool) (string, error) {
	v6 := a.Type == IPv6
	if a.Binary != nil {
		want := 4
		if v6 {
			want = 16
		}
		if len(a.Binary) != want {
			return "iP-value.iPBinaryAddress", fmt.Errorf("%w: %d octets for %s, want %d", ErrConstraint, len(a.Binary), a.Type, want)
		}
	} else if a.Text != "" {
		if !textAddressOK(a.Text, v6) {
			return "iP-value.iPTextAddress", fmt.Errorf("%w: %q is not an %s address or prefix", ErrConstraint, a.Text, a.Type)
		}
	}
	if a.V6PrefixLength != nil && (!v6 || a.Binary == nil) {
		return "iPv6PrefixLength", fmt.Errorf("%w: iPv6PrefixLength is only for an IPv6 binary iP-value", ErrConstraint)
	}
	if decoding && v6 && a.Binary != nil && a.V6PrefixLength == nil {
		return "iPv6PrefixLength", fmt.Errorf("%w: iPv6PrefixLength is mandatory with an IPv6 binary iP-value", ErrConstraint)
	}
	if a.V4SubnetMask != nil {
		if a.Type != IPv4 {
			return "iPv4SubnetMask", fmt.Errorf("%w: iPv4SubnetMask is only for IPv4 addresses", ErrConstraint)
		}
		if !contiguousMask(a.V4SubnetMask) {
			return "iPv4SubnetMask", fmt.Errorf("%w: % x is not a subnet mask (contiguous one bits)", ErrConstraint, a.V4SubnetMask)
		}
	}
	return "", nil
}

// ipv6HostPrefix is the iPv6PrefixLength the encoder writes when the model has none.
const ipv6HostPrefix = 128

func textAddressOK(s string, v6 bool) bool {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		return err == nil && p.Addr().Is6() == v6 && !p.Addr().Is4In6()
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is6() == v6 && a.Zone() == ""
}

func contiguousMask(m []byte) bool {
	if len(m) != 4 {
		return false
	}
	v := uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])
	inv := ^v
	return inv&(inv+1) == 0 // ones then zeros: the complement is 0...01...1
}

// uriScheme checks the URL/URI identities: fax-url, tel-url and modem-url "see format defined
// in RFC 2806" (fax:, tel:, modem:), sip-uri and sips-uri "defined in RFC 3261" (sip:, sips:).
// The scheme is case-insensitive (RFC 3986 3.1) and must be followed by something.
func uriScheme(what, s, scheme string) error {
	if len(s) <= len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) {
		return fmt.Errorf("%w: %s must be a %s URI", ErrConstraint, what, strings.TrimSuffix(scheme, ":"))
	}
	return printableURI(what, s)
}

// printableURI: a URI is ASCII without spaces or controls (RFC 3986 2).
func printableURI(what, s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7F {
			return fmt.Errorf("%w: %s has a space, control or non-ASCII octet at %d", ErrConstraint, what, i)
		}
	}
	return nil
}

// naiCheck: nai is an RFC 7542 Network Access Identifier: UTF-8, no spaces or controls, at
// most one '@' and, when present, a non-empty realm after it.
func naiCheck(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: nai is not UTF-8", ErrConstraint)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7F {
			return fmt.Errorf("%w: nai has a space or control at %d", ErrConstraint, i)
		}
	}
	if at := strings.IndexByte(s, '@'); at >= 0 && (at == len(s)-1 || strings.IndexByte(s[at+1:], '@') >= 0) {
		return fmt.Errorf("%w: nai realm after '@' missing or doubled", ErrConstraint)
	}
	return nil
}

// portCheck: port-number "is defined by IETF RFC 6335": 0..65535.
func portCheck(p int64) error {
	if p < 0 || p > 65535 {
		return fmt.Errorf("%w: port-number %d not in 0..65535 (RFC 6335)", ErrConstraint, p)
	}
	return nil
}

// mimeToken reports whether s is an RFC 2045 token.
func mimeToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7F || strings.IndexByte("()<>@,;:\\\"/[]?=", c) >= 0 {
			return false
		}
	}
	return true
}

// contentType: MessagingCC content-type is a "MIME content type, i.e.: image/png,
// text/plain;charset=utf8": type "/" subtype (RFC 2045 tokens), then optional parameters.
func contentType(s string) error {
	mt := s
	if i := strings.IndexByte(s, ';'); i >= 0 {
		mt = s[:i]
	}
	mt = strings.TrimSpace(mt)
	slash := strings.IndexByte(mt, '/')
	if slash < 0 || !mimeToken(mt[:slash]) || !mimeToken(mt[slash+1:]) {
		return fmt.Errorf("%w: content-type %q is not a MIME type/subtype", ErrConstraint, s)
	}
	return printableText("content-type", s)
}

func printableText(what, s string) error {
	for i := 0; i < len(s); i++ {
		if (s[i] < ' ' && s[i] != '\t') || s[i] >= 0x7F {
			return fmt.Errorf("%w: %s has a control or non-ASCII octet at %d", ErrConstraint, what, i)
		}
	}
	return nil
}

// transferEncoding: content-transfer-encoding is an RFC 2045 mechanism, a token (7bit, 8bit,
// binary, quoted-printable, base64, or an x-/IETF token).
func transferEncoding(s string) error {
	if !mimeToken(s) {
		return fmt.Errorf("%w: content-transfer-encoding %q is not an RFC 2045 mechanism token", ErrConstraint, s)
	}
	return nil
}

// languageTag: language is "according to RFC 4646": subtags of 1..8 ASCII letters or digits
// joined by '-', the first being 2..8 letters (a language) or the singleton "x" or "i".
// (Allocation-free: it runs on the encoder's hot path.)
func languageTag(s string) error {
	if !languageTagOK(s) {
		return fmt.Errorf("%w: language %q is not an RFC 4646 language tag", ErrConstraint, s)
	}
	return nil
}

func languageTagOK(s string) bool {
	first := true
	for len(s) > 0 || first {
		sub := s
		if i := strings.IndexByte(s, '-'); i >= 0 {
			sub, s = s[:i], s[i+1:]
			if s == "" {
				return false // trailing '-'
			}
		} else {
			s = ""
		}
		if len(sub) < 1 || len(sub) > 8 {
			return false
		}
		for j := 0; j < len(sub); j++ {
			c := sub[j] | 0x20
			letter := c >= 'a' && c <= 'z'
			if !letter && !(sub[j] >= '0' && sub[j] <= '9') || first && !letter {
				return false
			}
		}
		if first && len(sub) == 1 && sub[0]|0x20 != 'x' && sub[0]|0x20 != 'i' {
			return false
		}
		first = false
	}
	return true
}

// emailContent: with email-Format ip-packet "the content will contain the bytes of the IP
// packet from the IP header through to the end of the IP packet": it must start with an IPv4
// (version 4, IHL >= 5, at least that header) or IPv6 (version 6, 40-octet header) header.
func emailContent(f EmailFormat, b []byte) error {
	if f != EmailFormatIPPacket {
		return nil
	}
	if len(b) > 0 {
		switch b[0] >> 4 {
		case 4:
			if ihl := int(b[0]&0x0F) * 4; ihl >= 20 && len(b) >= ihl {
				return nil
			}
		case 6:
			if len(b) >= 40 {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: email-Format ip-packet but content does not start with an IP header", ErrConstraint)
}

// countryLetters: country codes are ISO 3166-1 alpha-2, two upper-case letters.
func countryLetters(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return fmt.Errorf("%w: country code %q is not ISO 3166-1 alpha-2 (two upper-case letters)", ErrConstraint, s)
		}
	}
	return nil
}

// objIDShape: the payload object identifiers are the module's RELATIVE-OID values
// emailIRIObjId {li-ps(5) email(2) versionN iRI(1)}, emailCCObjId {... cC(2)},
// messagingIRIObjId {... messagingIRI(3)} and messagingCCObjId {... messagingCC(4)}. An
// explicit ObjID may name another EmailPDU version (a relayed PDU) but must have that shape
// and the arc of the structure it identifies.
func objIDShape(id OID, kind uint32) error {
	if len(id) != 4 || id[0] != 5 || id[1] != 2 || id[2] == 0 || id[3] != kind {
		return fmt.Errorf("%w: relative OID %v is not {5 2 version %d}", ErrConstraint, []uint32(id), kind)
	}
	return nil
}

// domainIDShape: li-psDomainId is {lawfulInterceptDomainId li-ps(5) genHeader(1) versionN},
// lawfulInterceptDomainId being {0 4 0 2 2}.
func domainIDShape(id OID) error {
	if len(id) != 8 || id[0] != 0 || id[1] != 4 || id[2] != 0 || id[3] != 2 || id[4] != 2 || id[5] != 5 || id[6] != 1 || id[7] == 0 {
		return fmt.Errorf("%w: li-psDomainId %v is not {0 4 0 2 2 5 1 version}", ErrConstraint, []uint32(id))
	}
	return nil
}
