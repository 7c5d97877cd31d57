package esl

import "strings"

// undef is what switch_event_serialize writes for an empty header value.
const undef = "_undef_"

const upperHex = "0123456789ABCDEF"

// unsafeBytes is SWITCH_URL_UNSAFE (switch_utils.h): bytes always percent-encoded.
var unsafeBytes = [256]bool{
	'\r': true, '\n': true, ' ': true, '#': true, '%': true, '&': true, '+': true,
	':': true, ';': true, '<': true, '=': true, '>': true, '?': true, '@': true,
	'[': true, '\\': true, ']': true, '^': true, '`': true, '{': true, '|': true,
	'}': true, '"': true,
}

func isUpperHex(c byte) bool { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') }

// AppendURLEncoded appends s encoded as switch_url_encode_opt(…, double_encode=false)
// does: control, non-ASCII and unsafe bytes become %XX with uppercase hex, space is %20,
// and a '%' already followed by two uppercase hex digits is copied verbatim.
func AppendURLEncoded(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isUpperHex(s[i+1]) && isUpperHex(s[i+2]) {
			dst = append(dst, c)
			continue
		}
		if c < 0x20 || c > 0x7E || unsafeBytes[c] {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&0x0F])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// URLDecode decodes every %XX (either case) like esl_url_decode; '+' stays '+'. A '%'
// not followed by two hex digits is kept as is. Values without '%' are returned
// without copying.
func URLDecode(s string) string {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
				i += 2
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// appendURLDecoded is URLDecode appending to dst.
func appendURLDecoded(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				dst = append(dst, hi<<4|lo)
				i += 2
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}
