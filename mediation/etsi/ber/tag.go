package ber

import "fmt"

// Class is the class bits of an identifier octet.
type Class uint8

// Tag classes, already shifted into the identifier octet position.
const (
	Universal   Class = 0x00
	Application Class = 0x40
	Context     Class = 0x80
	Private     Class = 0xC0
)

const (
	classMask       = 0xC0
	constructedBit  = 0x20
	shortTagMask    = 0x1F
	highTagForm     = 0x1F
	maxTagOctets    = 4 // tag numbers up to 2^28-1 are plenty for ETSI schemas
	lengthLongForm  = 0x80
	indefiniteLen   = 0x80
	maxLengthOctets = 4
	maxLength       = 1<<31 - 1
)

// Universal tag numbers used by the ETSI schemas.
const (
	TagEOC             = 0
	TagBoolean         = 1
	TagInteger         = 2
	TagOctetString     = 4
	TagNull            = 5
	TagOID             = 6
	TagEnumerated      = 10
	TagUTF8String      = 12
	TagRelativeOID     = 13
	TagSequence        = 16
	TagSet             = 17
	TagPrintableString = 19
	TagIA5String       = 22
	TagGeneralizedTime = 24
)

// Tag is a BER identifier: class, primitive/constructed and number.
type Tag struct {
	Class       Class
	Constructed bool
	Number      uint32
}

// Ctx is the primitive context-specific tag [n].
func Ctx(n uint32) Tag { return Tag{Class: Context, Number: n} }

// CtxC is the constructed context-specific tag [n], used for SEQUENCE, SET OF and CHOICE fields.
func CtxC(n uint32) Tag { return Tag{Class: Context, Constructed: true, Number: n} }

// Univ is a primitive universal tag.
func Univ(n uint32) Tag { return Tag{Class: Universal, Number: n} }

// Sequence is the universal constructed SEQUENCE (and SEQUENCE OF) tag, 0x30.
func Sequence() Tag { return Tag{Class: Universal, Constructed: true, Number: TagSequence} }

// String renders the tag in ASN.1 notation, e.g. "[3]", "[UNIVERSAL 16]", "[3] constructed".
func (t Tag) String() string {
	var s string
	switch t.Class {
	case Universal:
		s = fmt.Sprintf("[UNIVERSAL %d]", t.Number)
	case Application:
		s = fmt.Sprintf("[APPLICATION %d]", t.Number)
	case Context:
		s = fmt.Sprintf("[%d]", t.Number)
	case Private:
		s = fmt.Sprintf("[PRIVATE %d]", t.Number)
	default:
		s = fmt.Sprintf("[CLASS %d %d]", t.Class, t.Number)
	}
	if t.Constructed {
		s += " constructed"
	}
	return s
}

// AppendTag appends the identifier octets of t.
func AppendTag(dst []byte, t Tag) []byte {
	b := byte(t.Class)
	if t.Constructed {
		b |= constructedBit
	}
	if t.Number < highTagForm {
		return append(dst, b|byte(t.Number))
	}
	dst = append(dst, b|highTagForm)
	n := 1
	for v := t.Number >> 7; v > 0; v >>= 7 {
		n++
	}
	for i := n - 1; i >= 0; i-- {
		o := byte(t.Number>>(7*uint(i))) & 0x7F //nolint:gosec // G115: masked to 7 bits (high tag number octets)
		if i > 0 {
			o |= 0x80
		}
		dst = append(dst, o)
	}
	return dst
}
