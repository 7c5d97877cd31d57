package ber

import (
	"math"
	"time"
	"unicode/utf8"
)

// DefaultMaxDepth bounds the nesting of constructed elements. The deepest ETSI PS-PDU umli
// knows is about 14 levels; 32 leaves room for foreign extensions and stops stack-exhaustion
// inputs early.
const DefaultMaxDepth = 32

// maxDepthLimit caps any configured depth, far beyond what Go's stack and any PDU need.
const maxDepthLimit = 1 << 14

// Element is one decoded TLV. Content aliases the input; nothing is copied.
type Element struct {
	Tag Tag
	// Offset is the absolute offset of the identifier octet.
	Offset int
	// ContentOffset is the absolute offset of the first content octet.
	ContentOffset int
	// Content is the content octets, without the end-of-contents octets of an indefinite length.
	Content []byte
	// Indefinite reports that the element used the indefinite length form.
	Indefinite bool
	// int16 keeps Element at 56 bytes: decoders copy it for every field.
	depth    int16
	maxDepth int16
}

// Reader walks the elements of one level of BER input. It only advances an index into a
// fixed slice, so stepping costs no pointer writes (and no GC write barriers).
type Reader struct {
	b        []byte
	pos      int // next element is b[pos:]
	base     int // absolute offset of b[0]
	depth    int16
	maxDepth int16
}

// NewReader reads b, whose first byte sits at absolute offset off, at nesting depth 0.
// maxDepth <= 0 means DefaultMaxDepth; above maxDepthLimit it is maxDepthLimit.
func NewReader(b []byte, off, maxDepth int) Reader {
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	return Reader{b: b, base: off, maxDepth: int16(min(maxDepth, maxDepthLimit))}
}

// Empty reports whether the reader has no more elements.
func (r *Reader) Empty() bool { return r.pos >= len(r.b) }

// Offset is the absolute offset of the next element.
func (r *Reader) Offset() int { return r.base + r.pos }

// Rest returns the unread bytes.
func (r *Reader) Rest() []byte { return r.b[r.pos:] }

// PeekTag returns the tag of the next element without consuming it.
func (r *Reader) PeekTag() (Tag, error) {
	t, _, err := parseTag(r.b[r.pos:], r.Offset())
	return t, err
}

// Next consumes and returns the next element.
func (r *Reader) Next() (Element, error) {
	var e Element
	err := r.NextInto(&e)
	return e, err
}

// NextInto is Next filling *e in place, for callers that step through many elements.
// On error *e is the zero Element.
func (r *Reader) NextInto(e *Element) error {
	// Fast path: low tag number, short definite length, the bulk of every ETSI PDU.
	if b := r.b[r.pos:]; len(b) >= 2 && b[0]&shortTagMask != highTagForm && b[1] < lengthLongForm && b[0]&^constructedBit != 0 && r.depth <= r.maxDepth {
		if l := int(b[1]); l <= len(b)-2 {
			off := r.base + r.pos
			r.pos += 2 + l
			// Field by field: a composite literal is built on the stack and block-copied,
			// and that copy stalls on store forwarding (it showed in profiles).
			e.Tag.Class = Class(b[0] & classMask)
			e.Tag.Constructed = b[0]&constructedBit != 0
			e.Tag.Number = uint32(b[0] & shortTagMask)
			e.Offset = off
			e.ContentOffset = off + 2
			e.Content = b[2 : 2+l]
			e.Indefinite = false
			e.depth = r.depth
			e.maxDepth = r.maxDepth
			return nil
		}
	}
	x, n, err := parseElement(r.b[r.pos:], r.Offset(), r.depth, r.maxDepth)
	if err != nil {
		*e = Element{}
		return err
	}
	r.pos += n
	*e = x
	return nil
}

// Children returns a reader over a constructed element's content, one level deeper.
func (e *Element) Children() (Reader, error) {
	if !e.Tag.Constructed {
		return Reader{}, errAt(e.Offset, ErrConstructed, "expected a constructed element")
	}
	return Reader{b: e.Content, base: e.ContentOffset, depth: e.depth + 1, maxDepth: e.maxDepth}, nil
}

func parseTag(b []byte, off int) (Tag, int, error) {
	if len(b) == 0 {
		return Tag{}, 0, errAt(off, ErrTruncated, "missing identifier")
	}
	t := Tag{Class: Class(b[0] & classMask), Constructed: b[0]&constructedBit != 0, Number: uint32(b[0] & shortTagMask)}
	if t.Number != highTagForm {
		return t, 1, nil
	}
	var n uint32
	for i := 1; ; i++ {
		if i >= len(b) {
			return Tag{}, 0, errAt(off, ErrTruncated, "identifier octets")
		}
		if i > maxTagOctets {
			return Tag{}, 0, errAt(off, ErrTagNumber, "tag number too large")
		}
		c := b[i]
		if i == 1 && c == 0x80 {
			return Tag{}, 0, errAt(off, ErrTagNumber, "leading zero in tag number")
		}
		n = n<<7 | uint32(c&0x7F)
		if c&0x80 == 0 {
			t.Number = n
			return t, i + 1, nil
		}
	}
}

// parseHeader returns the tag, header size and content length (-1 for indefinite).
func parseHeader(b []byte, off int) (Tag, int, int, error) {
	t, n, err := parseTag(b, off)
	if err != nil {
		return Tag{}, 0, 0, err
	}
	if t.Class == Universal && t.Number == TagEOC {
		// [UNIVERSAL 0] only ever appears as the end-of-contents of an indefinite length.
		return Tag{}, 0, 0, errAt(off, ErrValue, "unexpected end-of-contents or reserved tag [UNIVERSAL 0]")
	}
	if n >= len(b) {
		return Tag{}, 0, 0, errAt(off, ErrTruncated, "missing length")
	}
	l0 := b[n]
	n++
	if l0 < lengthLongForm {
		return t, n, int(l0), nil
	}
	if l0 == indefiniteLen {
		if !t.Constructed {
			return Tag{}, 0, 0, errAt(off, ErrIndefinitePrimitive, "")
		}
		return t, n, -1, nil
	}
	k := int(l0 & 0x7F)
	if k > maxLengthOctets || l0 == 0xFF {
		return Tag{}, 0, 0, errAt(off, ErrLength, "too many length octets")
	}
	if n+k > len(b) {
		return Tag{}, 0, 0, errAt(off, ErrTruncated, "length octets")
	}
	l := 0
	for _, c := range b[n : n+k] {
		l = l<<8 | int(c)
	}
	if l > maxLength {
		return Tag{}, 0, 0, errAt(off, ErrLength, "absurd length")
	}
	return t, n + k, l, nil
}

// parseElement parses the element at b[0]; it returns the element and its total size.
func parseElement(b []byte, off int, depth, maxDepth int16) (Element, int, error) {
	if depth > maxDepth {
		return Element{}, 0, errAt(off, ErrTooDeep, "")
	}
	t, hl, l, err := parseHeader(b, off)
	if err != nil {
		return Element{}, 0, err
	}
	e := Element{Tag: t, Offset: off, ContentOffset: off + hl, depth: depth, maxDepth: maxDepth}
	if l >= 0 {
		if l > len(b)-hl {
			return Element{}, 0, errAt(off, ErrTruncated, "content longer than the remaining input")
		}
		e.Content = b[hl : hl+l]
		return e, hl + l, nil
	}
	// Indefinite: walk the children until the end-of-contents octets.
	e.Indefinite = true
	p := hl
	for {
		if p+2 <= len(b) && b[p] == 0 && b[p+1] == 0 {
			e.Content = b[hl:p]
			return e, p + 2, nil
		}
		if p >= len(b) || (b[p] == 0 && p+1 == len(b)) {
			return Element{}, 0, errAt(off, ErrTruncated, "missing end-of-contents")
		}
		_, n, err := parseElement(b[p:], off+p, depth+1, maxDepth)
		if err != nil {
			return Element{}, 0, err
		}
		p += n
	}
}

// Expect checks the element's tag.
func (e *Element) Expect(t Tag) error {
	if e.Tag != t {
		return errAt(e.Offset, ErrValue, "expected tag "+t.String()+", found "+e.Tag.String())
	}
	return nil
}

func (e *Element) primitive() error {
	if e.Tag.Constructed {
		return errAt(e.Offset, ErrConstructed, "expected a primitive element")
	}
	return nil
}

// Int64 decodes INTEGER or ENUMERATED content.
func (e *Element) Int64() (int64, error) {
	if err := e.primitive(); err != nil {
		return 0, err
	}
	c := e.Content
	if len(c) == 0 {
		return 0, errAt(e.Offset, ErrValue, "empty INTEGER")
	}
	if len(c) > 8 {
		return 0, errAt(e.Offset, ErrValue, "INTEGER too large")
	}
	v := int64(int8(c[0])) //nolint:gosec // G115: reinterprets the first octet as signed on purpose (two's complement)
	for _, o := range c[1:] {
		v = v<<8 | int64(o)
	}
	return v, nil
}

// Uint64 decodes a non-negative INTEGER up to 2^64-1.
func (e *Element) Uint64() (uint64, error) {
	if err := e.primitive(); err != nil {
		return 0, err
	}
	c := e.Content
	if len(c) == 0 {
		return 0, errAt(e.Offset, ErrValue, "empty INTEGER")
	}
	if c[0]&0x80 != 0 {
		return 0, errAt(e.Offset, ErrValue, "negative INTEGER where unsigned expected")
	}
	if len(c) == 9 && c[0] == 0 {
		c = c[1:]
	}
	if len(c) > 8 {
		return 0, errAt(e.Offset, ErrValue, "INTEGER too large")
	}
	var v uint64
	for _, o := range c {
		v = v<<8 | uint64(o)
	}
	return v, nil
}

// Uint32 decodes an INTEGER (0..4294967295).
func (e *Element) Uint32() (uint32, error) {
	v, err := e.Int64()
	if err != nil {
		return 0, err
	}
	if v < 0 || v > math.MaxUint32 {
		return 0, errAt(e.Offset, ErrValue, "INTEGER outside 0..4294967295")
	}
	return uint32(v), nil
}

// Bool decodes a BOOLEAN (any non-zero octet is TRUE, as BER allows).
func (e *Element) Bool() (bool, error) {
	if err := e.primitive(); err != nil {
		return false, err
	}
	if len(e.Content) != 1 {
		return false, errAt(e.Offset, ErrValue, "BOOLEAN must have one content octet")
	}
	return e.Content[0] != 0, nil
}

// Null checks a NULL.
func (e *Element) Null() error {
	if err := e.primitive(); err != nil {
		return err
	}
	if len(e.Content) != 0 {
		return errAt(e.Offset, ErrValue, "NULL with content")
	}
	return nil
}

// Bytes returns the content of a string type as a new slice (its size is bounded by the
// input). A constructed (segmented) string is reassembled from its primitive segments.
func (e *Element) Bytes() ([]byte, error) {
	if !e.Tag.Constructed {
		out := make([]byte, len(e.Content))
		copy(out, e.Content)
		return out, nil
	}
	var out []byte
	if err := e.appendSegments(&out); err != nil {
		return nil, err
	}
	if out == nil {
		out = []byte{}
	}
	return out, nil
}

func (e *Element) appendSegments(out *[]byte) error {
	r, err := e.Children()
	if err != nil {
		return err
	}
	for !r.Empty() {
		s, err := r.Next()
		if err != nil {
			return err
		}
		if s.Tag.Class != Universal || s.Tag.Number != TagOctetString {
			return errAt(s.Offset, ErrValue, "string segment must be [UNIVERSAL 4]")
		}
		if s.Tag.Constructed {
			if err := s.appendSegments(out); err != nil {
				return err
			}
			continue
		}
		*out = append(*out, s.Content...)
	}
	return nil
}

// Text returns the content as a string; utf8 demands valid UTF-8 (UTF8String).
func (e *Element) Text(utf8Required bool) (string, error) {
	var b []byte
	if e.Tag.Constructed {
		var err error
		if b, err = e.Bytes(); err != nil {
			return "", err
		}
	} else {
		b = e.Content
	}
	if utf8Required && !utf8.Valid(b) {
		return "", errAt(e.Offset, ErrValue, "invalid UTF-8")
	}
	return string(b), nil
}

// OID decodes an OBJECT IDENTIFIER into arcs (each below 2^32).
func (e *Element) OID() ([]uint32, error) { return e.AppendOID(nil) }

// AppendOID decodes an OBJECT IDENTIFIER and appends its arcs to dst, so a caller can keep
// the arcs of many OIDs in one backing array.
func (e *Element) AppendOID(dst []uint32) ([]uint32, error) {
	start := len(dst)
	dst, err := e.appendArcs(dst)
	if err != nil {
		return dst[:start], err
	}
	first := dst[start]
	var a, b uint32
	switch {
	case first < 40:
		a, b = 0, first
	case first < 80:
		a, b = 1, first-40
	default:
		a, b = 2, first-80
	}
	dst = append(dst, 0)
	copy(dst[start+2:], dst[start+1:])
	dst[start], dst[start+1] = a, b
	return dst, nil
}

// RelativeOID decodes a RELATIVE-OID into arcs.
func (e *Element) RelativeOID() ([]uint32, error) { return e.appendArcs(nil) }

// AppendRelativeOID decodes a RELATIVE-OID and appends its arcs to dst.
func (e *Element) AppendRelativeOID(dst []uint32) ([]uint32, error) {
	start := len(dst)
	dst, err := e.appendArcs(dst)
	if err != nil {
		return dst[:start], err
	}
	return dst, nil
}

func (e *Element) appendArcs(out []uint32) ([]uint32, error) {
	if err := e.primitive(); err != nil {
		return out, err
	}
	c := e.Content
	if len(c) == 0 {
		return out, errAt(e.Offset, ErrValue, "empty object identifier")
	}
	if c[len(c)-1]&0x80 != 0 {
		return out, errAt(e.Offset, ErrValue, "object identifier ends inside an arc")
	}
	var v uint64
	start := true
	for _, o := range c {
		if start && o == 0x80 {
			return out, errAt(e.Offset, ErrValue, "leading 0x80 in object identifier arc")
		}
		start = false
		v = v<<7 | uint64(o&0x7F)
		if v > math.MaxUint32 {
			return out, errAt(e.Offset, ErrValue, "object identifier arc above 2^32-1")
		}
		if o&0x80 == 0 {
			out = append(out, uint32(v))
			v = 0
			start = true
		}
	}
	return out, nil
}

// Time decodes a GeneralizedTime.
func (e *Element) Time() (time.Time, error) {
	if err := e.primitive(); err != nil {
		return time.Time{}, err
	}
	t, err := ParseGeneralizedTime(e.Content)
	if err != nil {
		return time.Time{}, errAt(e.Offset, ErrValue, err.Error())
	}
	return t, nil
}
