package ber

import (
	"errors"
	"fmt"
)

// AppendLength appends n in the definite length form (short form below 128).
func AppendLength(dst []byte, n int) []byte {
	switch {
	case n < 0x80:
		return append(dst, byte(n)) //nolint:gosec // G115: n < 0x80 in this case
	case n <= 0xFF:
		return append(dst, 0x81, byte(n))
	case n <= 0xFFFF:
		return append(dst, 0x82, byte(n>>8), byte(n)) //nolint:gosec // G115: byte() takes the low octet on purpose (BER length octets)
	case n <= 0xFFFFFF:
		return append(dst, 0x83, byte(n>>16), byte(n>>8), byte(n)) //nolint:gosec // G115: byte() takes the low octet on purpose (BER length octets)
	default:
		return append(dst, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n)) //nolint:gosec // G115: byte() takes the low octet on purpose (BER length octets)
	}
}

// lengthOctets is the number of octets AppendLength writes for n.
func lengthOctets(n int) int {
	switch {
	case n < 0x80:
		return 1
	case n <= 0xFF:
		return 2
	case n <= 0xFFFF:
		return 3
	case n <= 0xFFFFFF:
		return 4
	default:
		return 5
	}
}

// Begin appends the identifier of a constructed element t and a one-octet length
// placeholder. len(dst) right after Begin is the mark to hand to End; what is appended in
// between becomes the element's content:
//
//	dst = ber.Begin(dst, ber.Sequence())
//	m := len(dst)
//	dst = ber.AppendInteger(dst, ber.Ctx(0), 1)
//	dst = ber.End(dst, m)
func Begin(dst []byte, t Tag) []byte {
	t.Constructed = true
	dst = AppendTag(dst, t)
	return append(dst, 0)
}

// End patches the length of the element opened by Begin at mark. Content of 128 octets or
// more needs a longer length field; the content is moved up in place, which is cheap for
// PDU-sized elements and keeps encoding single-pass.
func End(dst []byte, mark int) []byte {
	n := len(dst) - mark
	if n < 0x80 {
		dst[mark-1] = byte(n) //nolint:gosec // G115: n < 0x80 in this branch
		return dst
	}
	extra := lengthOctets(n) - 1
	for i := 0; i < extra; i++ {
		dst = append(dst, 0)
	}
	copy(dst[mark+extra:], dst[mark:mark+n])
	AppendLength(dst[mark-1:mark-1], n)
	return dst
}

// AppendInteger appends an INTEGER (or ENUMERATED, by tag) with minimal two's complement content.
func AppendInteger(dst []byte, t Tag, v int64) []byte {
	n := 1
	for w := v; w > 127 || w < -128; w >>= 8 {
		n++
	}
	dst = AppendTag(dst, t)
	dst = append(dst, byte(n))
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*uint(i)))) //nolint:gosec // G115: byte() takes one octet of v on purpose (two's complement contents)
	}
	return dst
}

// AppendUnsigned appends a non-negative INTEGER that may exceed int64 (up to 2^64-1, nine octets).
func AppendUnsigned(dst []byte, t Tag, v uint64) []byte {
	n := 1
	for w := v; w > 127; w >>= 8 {
		n++
	}
	dst = AppendTag(dst, t)
	dst = append(dst, byte(n))
	for i := n - 1; i >= 0; i-- {
		if i >= 8 {
			dst = append(dst, 0)
			continue
		}
		dst = append(dst, byte(v>>(8*uint(i)))) //nolint:gosec // G115: byte() takes one octet of v on purpose
	}
	return dst
}

// AppendEnumerated appends an ENUMERATED value; the default tag is UNIVERSAL 10.
func AppendEnumerated(dst []byte, t Tag, v int64) []byte { return AppendInteger(dst, t, v) }

// AppendBoolean appends a BOOLEAN (TRUE as 0xFF, as DER and most encoders do).
func AppendBoolean(dst []byte, t Tag, v bool) []byte {
	dst = AppendTag(dst, t)
	if v {
		return append(dst, 1, 0xFF)
	}
	return append(dst, 1, 0)
}

// AppendNull appends a NULL.
func AppendNull(dst []byte, t Tag) []byte {
	dst = AppendTag(dst, t)
	return append(dst, 0)
}

// AppendOctetString appends a primitive string type whose content is v.
func AppendOctetString(dst []byte, t Tag, v []byte) []byte {
	dst = AppendTag(dst, t)
	dst = AppendLength(dst, len(v))
	return append(dst, v...)
}

// AppendString is AppendOctetString for a Go string (UTF8String, PrintableString, IA5String, OCTET STRING).
func AppendString(dst []byte, t Tag, v string) []byte {
	dst = AppendTag(dst, t)
	dst = AppendLength(dst, len(v))
	return append(dst, v...)
}

// ErrOID is returned for an OBJECT IDENTIFIER that cannot be encoded.
var ErrOID = errors.New("invalid object identifier")

// AppendOID appends an OBJECT IDENTIFIER; it needs at least two arcs, the first 0, 1 or 2
// and the second below 40 unless the first is 2.
func AppendOID(dst []byte, t Tag, arcs []uint32) ([]byte, error) {
	if len(arcs) < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40) {
		// Format a copy: passing arcs itself to fmt would make every caller's array escape.
		return dst, fmt.Errorf("%w: %v", ErrOID, append([]uint32(nil), arcs...))
	}
	first := uint64(arcs[0])*40 + uint64(arcs[1])
	dst = AppendTag(dst, t)
	dst, mark := appendPlaceholder(dst)
	dst = appendArc(dst, first)
	for _, a := range arcs[2:] {
		dst = appendArc(dst, uint64(a))
	}
	return End(dst, mark), nil
}

// AppendRelativeOID appends a RELATIVE-OID; every arc is encoded on its own.
func AppendRelativeOID(dst []byte, t Tag, arcs []uint32) ([]byte, error) {
	if len(arcs) == 0 {
		return dst, fmt.Errorf("%w: empty relative OID", ErrOID)
	}
	dst = AppendTag(dst, t)
	dst, mark := appendPlaceholder(dst)
	for _, a := range arcs {
		dst = appendArc(dst, uint64(a))
	}
	return End(dst, mark), nil
}

func appendPlaceholder(dst []byte) ([]byte, int) {
	dst = append(dst, 0)
	return dst, len(dst)
}

func appendArc(dst []byte, v uint64) []byte {
	n := 1
	for w := v >> 7; w > 0; w >>= 7 {
		n++
	}
	for i := n - 1; i >= 0; i-- {
		o := byte(v>>(7*uint(i))) & 0x7F //nolint:gosec // G115: masked to 7 bits (OID subidentifier octets)
		if i > 0 {
			o |= 0x80
		}
		dst = append(dst, o)
	}
	return dst
}
