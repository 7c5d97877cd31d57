package rtpcapture

import (
	"strings"

	"github.com/umli/umli/mediation/record"
)

// AddressOf extracts the URI of a SIP name-addr or addr-spec header value
// (`"Alice" <sip:alice@example.net>;tag=1` → `sip:alice@example.net`), without URI
// parameters. It returns "" when no sip:, sips: or tel: URI is found.
func AddressOf(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		j := strings.IndexByte(v[i:], '>')
		if j < 0 {
			return ""
		}
		v = v[i+1 : i+j]
	} else if k := strings.IndexByte(v, ';'); k >= 0 {
		// addr-spec form: parameters after ';' belong to the header, not the URI.
		v = v[:k]
	}
	v = strings.TrimSpace(v)
	scheme, rest, ok := strings.Cut(v, ":")
	if !ok {
		return ""
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "sip", "sips", "tel":
	default:
		return ""
	}
	if k := strings.IndexAny(rest, ";?"); k >= 0 && (scheme == "tel" || strings.IndexByte(rest[:k], '@') >= 0 || strings.IndexByte(rest, '@') < 0) {
		rest = rest[:k]
	}
	if rest == "" {
		return ""
	}
	if user, host, ok := strings.Cut(rest, "@"); ok {
		rest = user + "@" + stripPort(strings.ToLower(host))
	}
	return scheme + ":" + rest
}

// stripPort drops a :port from a host: identities name parties, not their sockets.
func stripPort(host string) string {
	if strings.HasPrefix(host, "[") {
		if i := strings.IndexByte(host, ']'); i > 0 {
			return host[:i+1]
		}
		return host
	}
	h, _, _ := strings.Cut(host, ":")
	return h
}

// UserOf returns the user part of a sip: URI or the number of a tel: URI.
func UserOf(uri string) string {
	_, rest, ok := strings.Cut(uri, ":")
	if !ok {
		return ""
	}
	user, _, _ := strings.Cut(rest, "@")
	return user
}

// phoneNumber returns the number a URI user part denotes (visual separators removed,
// '+' kept) or "" when it is not one.
func phoneNumber(user string) string {
	user, _, _ = strings.Cut(user, ";")
	var b strings.Builder
	for i, c := range user {
		switch {
		case c >= '0' && c <= '9':
			b.WriteRune(c)
		case c == '+' && i == 0:
			b.WriteRune(c)
		case c == '-' || c == '.' || c == '(' || c == ')':
		default:
			return ""
		}
	}
	if n := strings.TrimPrefix(b.String(), "+"); len(n) < 3 {
		return ""
	}
	return b.String()
}

// IdentitiesOf returns the identities a warrant may name for a party known by uri: the
// URI itself, the number when the user part is one, and with box set the mailbox
// identifier user@host.
func IdentitiesOf(uri string, box bool) []record.Identity {
	uri = AddressOf(uri)
	if uri == "" {
		return nil
	}
	ids := []record.Identity{{Kind: record.IdentitySIPURI, Value: uri}}
	user := UserOf(uri)
	if n := phoneNumber(user); n != "" {
		ids = append(ids, record.Identity{Kind: record.IdentityE164, Value: n})
	}
	if box && strings.Contains(uri, "@") {
		_, rest, _ := strings.Cut(uri, ":")
		ids = append(ids, record.Identity{Kind: record.IdentityBoxID, Value: rest})
	}
	return ids
}
