package esl

import "github.com/umli/umli/umsys/feed"

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

// URLDecode decodes every %XX (either case) like esl_url_decode; '+' stays '+'. A '%'
// not followed by two hex digits is kept as is. Values without '%' are returned
// without copying. Events decode their values the same way, when read.
func URLDecode(s string) string { return feed.PercentDecode(s) }
