package warrant

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/umli/umli/mediation/record"
)

// Errors returned by Normalize. They never carry the identity itself: identities are
// personal data and error strings end up in logs.
var (
	ErrEmptyIdentity = errors.New("empty identity")
	ErrBadE164       = errors.New("not an E.164 number (1 to 15 digits, optional '+' or '00')")
	ErrBadEmail      = errors.New("not an e-mail address (local@domain)")
	ErrBadSIPURI     = errors.New("not a sip:, sips: or tel: URI")
	ErrBadIP         = errors.New("not an IP address")
	ErrBadKind       = errors.New("unknown identity kind")
)

// Key prefixes keep kinds apart in the one lookup map.
const (
	prefixE164  = "e164:"
	prefixEmail = "email:"
	prefixBox   = "box:"
	prefixSIP   = "sip:"
	prefixIP    = "ip:"
)

// Keys returns the canonical lookup keys of an identity, appended to dst. Most identities
// have one key; a SIP URI whose user part is a global number (leading '+' or
// ";user=phone") also yields its E.164 key, so a warrant on a number catches the number's
// SIP form.
func Keys(dst []string, id record.Identity) ([]string, error) {
	v := strings.TrimSpace(id.Value)
	if v == "" {
		return dst, ErrEmptyIdentity
	}
	switch id.Kind {
	case record.IdentityE164:
		d, err := e164Digits(v)
		if err != nil {
			return dst, err
		}
		return append(dst, prefixE164+d), nil
	case record.IdentityEmail:
		e, err := email(v)
		if err != nil {
			return dst, err
		}
		return append(dst, prefixEmail+e), nil
	case record.IdentityBoxID:
		return append(dst, prefixBox+strings.ToLower(v)), nil
	case record.IdentitySIPURI:
		return sipKeys(dst, v)
	case record.IdentityIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return dst, ErrBadIP
		}
		return append(dst, prefixIP+a.Unmap().String()), nil
	default:
		return dst, fmt.Errorf("%w %d", ErrBadKind, int(id.Kind))
	}
}

// e164Digits reduces "+49 170 123-45", "0049170…", "tel:+49…" to the bare digits.
func e164Digits(v string) (string, error) {
	var buf [32]byte
	d, err := appendE164Digits(buf[:0], v)
	if err != nil {
		return "", err
	}
	return string(d), nil
}

// appendE164Digits is e164Digits appended to dst (dst unchanged on error).
func appendE164Digits(dst []byte, v string) ([]byte, error) {
	v = trimScheme(v, "tel:")
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	start := len(dst)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			dst = append(dst, c)
		case c == '+' && len(dst) == start && i == strings.IndexByte(v, '+'):
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return dst[:start], ErrBadE164
		}
	}
	if d := dst[start:]; len(d) >= 2 && d[0] == '0' && d[1] == '0' && !strings.HasPrefix(v, "+") {
		dst = append(dst[:start], d[2:]...)
	}
	if n := len(dst) - start; n < 1 || n > 15 {
		return dst[:start], ErrBadE164
	}
	return dst, nil
}

// appendKey appends the one lookup key of an E.164 or ASCII e-mail identity to dst, the
// same key Keys returns, without allocating (Table.Match looks it up with the bytes).
// ok is false for every other identity: use Keys.
func appendKey(dst []byte, id record.Identity) (key []byte, ok bool, err error) {
	switch id.Kind {
	case record.IdentityE164:
		v := strings.TrimSpace(id.Value)
		if v == "" {
			return dst, true, ErrEmptyIdentity
		}
		key, err = appendE164Digits(append(dst, prefixE164...), v)
		if err != nil {
			return dst, true, err
		}
		return key, true, nil
	case record.IdentityEmail:
		v := strings.TrimSpace(id.Value)
		if v == "" {
			return dst, true, ErrEmptyIdentity
		}
		if v, err = emailAddr(v); err != nil {
			return dst, true, err
		}
		key = append(dst, prefixEmail...)
		for i := 0; i < len(v); i++ {
			c := v[i]
			if c >= 0x80 {
				return dst, false, nil // Unicode lower-casing: Keys' strings.ToLower
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			key = append(key, c)
		}
		return key, true, nil
	case record.IdentityBoxID, record.IdentitySIPURI, record.IdentityIP:
		return dst, false, nil // rarer kinds (SIP URIs may have two keys): Keys
	}
	return dst, false, nil
}

func email(v string) (string, error) {
	a, err := emailAddr(v)
	if err != nil {
		return "", err
	}
	return strings.ToLower(a), nil
}

// emailAddr is the address of an e-mail identity, checked, before lower-casing.
func emailAddr(v string) (string, error) {
	v = trimScheme(v, "mailto:")
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at == len(v)-1 || strings.ContainsAny(v, " \t\r\n<>") {
		return "", ErrBadEmail
	}
	return v, nil
}

// sipKeys reduces sip:User@Host:5060;transport=tcp?h=v to "sip:user@host".
func sipKeys(dst []string, v string) ([]string, error) {
	v = strings.TrimSuffix(strings.TrimPrefix(v, "<"), ">")
	lower := strings.ToLower(v)
	switch {
	case strings.HasPrefix(lower, "tel:"):
		d, err := e164Digits(v)
		if err != nil {
			return dst, err
		}
		return append(dst, prefixE164+d), nil
	case strings.HasPrefix(lower, "sips:"):
		v = v[5:]
	case strings.HasPrefix(lower, "sip:"):
		v = v[4:]
	default:
		return dst, ErrBadSIPURI
	}
	params := ""
	if i := strings.IndexAny(v, ";?"); i >= 0 {
		params = strings.ToLower(v[i:])
		v = v[:i]
	}
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at == len(v)-1 {
		return dst, ErrBadSIPURI
	}
	user, host := v[:at], strings.ToLower(v[at+1:])
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
		host = h
	} else if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			host = host[:i+1]
		}
	}
	if i := strings.IndexByte(user, ':'); i >= 0 { // user:password
		user = user[:i]
	}
	if user == "" || host == "" {
		return dst, ErrBadSIPURI
	}
	dst = append(dst, prefixSIP+strings.ToLower(user)+"@"+host)
	if strings.HasPrefix(user, "+") || strings.Contains(params, "user=phone") {
		if d, err := e164Digits(user); err == nil {
			dst = append(dst, prefixE164+d)
		}
	}
	return dst, nil
}

func trimScheme(v, scheme string) string {
	if len(v) >= len(scheme) && strings.EqualFold(v[:len(scheme)], scheme) {
		return v[len(scheme):]
	}
	return v
}
