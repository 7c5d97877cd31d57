package feed

import (
	"strings"
	"unsafe"
)

// Span locates one header of a Packed list in Packed.Data: the name is
// Data[NameStart:NameEnd] and the value Data[ValueStart&^Encoded:ValueEnd].
type Span struct {
	NameStart, NameEnd, ValueStart, ValueEnd uint32
}

// Encoded, set in Span.ValueStart, marks a value still percent-encoded in Data: it is
// decoded when read (ESL values are URL-encoded, and most are never read).
const Encoded = 1 << 31

// Packed is a pointer-free form of a header list, for transports that parse events at
// high rates (ESL channel events carry 100+ headers): the garbage collector does not
// scan it, an event costs one allocation for its spans rather than a slice of string
// headers written through write barriers, and values are decoded only when read.
// Data must not be modified once the event is handed on: header strings are views
// into it.
type Packed struct {
	// Data holds the names and values (usually part of the event's Raw).
	Data []byte
	// Spans are the headers in wire order.
	Spans []Span
}

// name is span i's name, a view into Data.
func (p *Packed) name(i int) string {
	s := &p.Spans[i]
	return view(p.Data, s.NameStart, s.NameEnd)
}

// value is span i's value: a view into Data, or a decoded copy.
func (p *Packed) value(i int) string {
	s := &p.Spans[i]
	if s.ValueStart&Encoded != 0 {
		return PercentDecode(view(p.Data, s.ValueStart&^Encoded, s.ValueEnd))
	}
	return view(p.Data, s.ValueStart, s.ValueEnd)
}

// view is b[i:j] as a string without copying (b is immutable by contract).
func view(b []byte, i, j uint32) string {
	b = b[i:j]
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// packed reports whether e's headers are in Packed: a non-nil Headers wins, so code that
// rebuilds Headers on a copy of an event gets what it set.
// (An event with neither has no headers either way.)
func (e *Event) packed() bool { return e.Headers == nil }

// Len is the number of headers, whichever form holds them.
func (e *Event) Len() int {
	if e.packed() {
		return len(e.Packed.Spans)
	}
	return len(e.Headers)
}

// Name is the name of header i (0 <= i < Len), without allocating.
func (e *Event) Name(i int) string {
	if e.packed() {
		return e.Packed.name(i)
	}
	return e.Headers[i].Name
}

// ValueAt is the value of header i (0 <= i < Len); it allocates only to decode an
// encoded value, and then on every call.
func (e *Event) ValueAt(i int) string {
	if e.packed() {
		return e.Packed.value(i)
	}
	return e.Headers[i].Value
}

// Header returns header i (0 <= i < Len) in wire order, as Name and ValueAt do.
func (e *Event) Header(i int) Header {
	if e.packed() {
		return Header{Name: e.Packed.name(i), Value: e.Packed.value(i)}
	}
	return e.Headers[i]
}

// HeaderList returns every header as a slice: Headers itself, or a new slice built
// from Packed (names and plain values share the event's memory).
func (e *Event) HeaderList() []Header {
	if !e.packed() || len(e.Packed.Spans) == 0 {
		return e.Headers
	}
	hs := make([]Header, len(e.Packed.Spans))
	for i := range hs {
		hs[i] = Header{Name: e.Packed.name(i), Value: e.Packed.value(i)}
	}
	return hs
}

// PercentDecode decodes every %XX (hex digits of either case) as esl_url_decode does;
// '+' stays '+', and a '%' not followed by two hex digits is kept as is. A value
// without '%' is returned without copying.
func PercentDecode(s string) string {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) {
			if hi, lo := hexVal[s[i+1]], hexVal[s[i+2]]; hi|lo < 16 {
				c = hi<<4 | lo
				i += 2
			}
		}
		b = append(b, c)
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// hexVal maps a hex digit (either case) to its value and anything else to 0xFF, so
// decoding tests two digits with one comparison.
var hexVal = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()
