package etsi

import (
	"encoding/hex"
	"net/netip"
	"strconv"
	"time"
	"unicode/utf8"
)

// jw writes one JSON object in a fixed key order (the ASN.1 order), with no reflection, so
// the output is deterministic and cheap.
type jw struct {
	b     []byte
	comma bool // a value was written at this level and the next needs a comma
	// err is the first failure (a CHOICE with no alternative set); writing stops there and
	// errPath collects its ASN.1 path on the way out.
	err     error
	errPath string
}

func (w *jw) fail(err error) { w.err = err }

// at prefixes the failure's path with seg.
func (w *jw) at(seg string) { w.errPath = joinPath(seg, w.errPath) }

func (w *jw) sep() {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.comma = true
}

func (w *jw) key(k string) {
	w.sep()
	w.b = appendJSONString(w.b, k)
	w.b = append(w.b, ':')
	w.comma = false
}

// begin and end write the brackets of an object or array.
func (w *jw) begin(bracket byte) {
	w.b = append(w.b, bracket)
	w.comma = false
}

func (w *jw) end(bracket byte) {
	w.b = append(w.b, bracket)
	w.comma = true
}

func (w *jw) open(k string) {
	w.key(k)
	w.begin('{')
}

// openAnon opens an object as a list element.
func (w *jw) openAnon() {
	w.sep()
	w.begin('{')
}

func (w *jw) close() {
	w.end('}')
}

func (w *jw) openList(k string) {
	w.key(k)
	w.begin('[')
}

func (w *jw) closeList() {
	w.end(']')
}

func (w *jw) str(k, v string) {
	w.key(k)
	w.b = appendJSONString(w.b, v)
	w.comma = true
}

// strElem writes a string list element.
func (w *jw) strElem(v string) {
	w.sep()
	w.b = appendJSONString(w.b, v)
}

func (w *jw) uint(k string, v uint64) {
	w.key(k)
	w.b = strconv.AppendUint(w.b, v, 10)
	w.comma = true
}

func (w *jw) int(k string, v int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, v, 10)
	w.comma = true
}

func (w *jw) bool(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
	w.comma = true
}

func (w *jw) null(k string) {
	w.key(k)
	w.b = append(w.b, "null"...)
	w.comma = true
}

func (w *jw) time(k string, t time.Time) {
	w.str(k, t.UTC().Format(time.RFC3339Nano))
}

func (w *jw) oid(k string, o OID) {
	w.str(k, o.String())
}

// octets writes an OCTET STRING: a JSON string when it is printable UTF-8, else {"hex":"…"}.
func (w *jw) octets(k string, b []byte) {
	if printableUTF8(b) {
		w.str(k, string(b))
		return
	}
	w.open(k)
	w.str("hex", hex.EncodeToString(b))
	w.close()
}

// octetsString is octets for a string-typed model field.
func (w *jw) octetsString(k, s string) { w.octets(k, []byte(s)) }

// digits writes an identity carried as digits: {"digits":"…","hex":"<wire octets>"}.
func (w *jw) digits(k, d string, wire []byte) {
	w.open(k)
	w.str("digits", d)
	w.str("hex", hex.EncodeToString(wire))
	w.close()
}

// ipBinary writes iPBinaryAddress as {"hex":"…"} plus "ip" (dotted/colon form) for 4 or 16 octets.
func (w *jw) ipBinary(k string, b []byte) {
	w.open(k)
	w.str("hex", hex.EncodeToString(b))
	if a, ok := netip.AddrFromSlice(b); ok {
		w.str("ip", a.String())
	}
	w.close()
}

// printableUTF8 is the rule for showing octets as text: valid UTF-8 without control
// characters other than TAB, CR and LF (so mail headers and bodies stay readable, while
// binary such as TBCD, audio or IP packets goes to hex).
func printableUTF8(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		if (r < 0x20 && r != '\t' && r != '\r' && r != '\n') || (r >= 0x7F && r < 0xA0) {
			return false
		}
		b = b[n:]
	}
	return true
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s for JSON; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7F:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, `\ufffd`...)
		} else {
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return append(dst, '"')
}

// String renders the OID in dotted form ("0.4.0.2.2.5.1.43").
func (o OID) String() string {
	var b []byte
	for i, a := range o {
		if i > 0 {
			b = append(b, '.')
		}
		b = strconv.AppendUint(b, uint64(a), 10)
	}
	return string(b)
}
