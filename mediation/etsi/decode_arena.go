package etsi

import (
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/umli/umli/mediation/etsi/ber"
)

// dec holds one PDU's decoding arenas. Every OCTET STRING and text field of the decoded
// value is a slice of two private copies of the PDU (one []byte, one string), and all
// object identifiers share one []uint32, so decoding costs a handful of allocations instead
// of one or two per field. The copies are never written after decoding; fields do not
// overlap, so changing one decoded []byte changes nothing else. The whole PDU stays in memory
// as long as any decoded field does.
type dec struct {
	raw  []byte
	str  string
	arcs []uint32
	// Slabs for the model's optional scalars (pointer fields): a few allocations per PDU
	// instead of one per field.
	ints   []int
	u32s   []uint32
	i64s   []int64
	times  []time.Time
	micros []MicroSecondTimeStamp
}

func newDec(pdu []byte) *dec {
	return &dec{raw: append([]byte(nil), pdu...), str: string(pdu), arcs: make([]uint32, 0, 32)}
}

// take stores v in the slab and returns its address; a full slab is replaced by a new
// chunk (pointers into the old one stay valid).
func take[T any](slab *[]T, v T, chunk int) *T {
	if len(*slab) == cap(*slab) {
		*slab = make([]T, 0, chunk)
	}
	*slab = append(*slab, v)
	return &(*slab)[len(*slab)-1]
}

// enumPtr decodes an enumeration into the PDU's int slab. Every enum type's underlying
// type is int (the enumType constraint), so *int and *T share one memory layout and the
// conversion is the unsafe.Pointer rule (1) case.
func enumPtr[T enumType](d *dec, c ber.Element) (*T, error) {
	x, err := decEnum[T](c)
	if err != nil {
		return nil, err
	}
	return (*T)(unsafe.Pointer(take(&d.ints, int(x), 16))), nil
}

func (d *dec) u32p(c ber.Element) (*uint32, error) {
	x, err := c.Uint32()
	if err != nil {
		return nil, err
	}
	return take(&d.u32s, x, 8), nil
}

func (d *dec) i64p(c ber.Element) (*int64, error) {
	x, err := c.Int64()
	if err != nil {
		return nil, err
	}
	return take(&d.i64s, x, 4), nil
}

func (d *dec) timep(c ber.Element) (*time.Time, error) {
	t, err := c.Time()
	if err != nil {
		return nil, err
	}
	return take(&d.times, t, 4), nil
}

// bytes returns a string-type field's content; empty decodes as nil (umli's "absent").
func (d *dec) bytes(c ber.Element) ([]byte, error) {
	if c.Tag.Constructed {
		b, err := c.Bytes() // segmented string: reassembled, size bounded by the input
		if len(b) == 0 {
			b = nil
		}
		return b, err
	}
	n := len(c.Content)
	if n == 0 {
		return nil, nil
	}
	o := c.ContentOffset
	return d.raw[o : o+n : o+n], nil
}

// text returns a string-type field's content; utf8Required checks UTF8String content.
func (d *dec) text(c ber.Element, utf8Required bool) (string, error) {
	if c.Tag.Constructed {
		return c.Text(utf8Required)
	}
	s := d.str[c.ContentOffset : c.ContentOffset+len(c.Content)]
	if utf8Required && !utf8.ValidString(s) {
		return "", &ber.Error{Offset: c.Offset, Err: ber.ErrValue, Detail: "invalid UTF-8"}
	}
	return s, nil
}

// nonEmpty is text for a field where an empty string would mean "absent" in the model.
func (d *dec) nonEmpty(c ber.Element, utf8Required bool) (string, error) {
	s, err := d.text(c, utf8Required)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", &ber.Error{Offset: c.Offset, Err: ErrConstraint, Detail: "empty string is not representable here"}
	}
	return s, nil
}

func (d *dec) oid(c ber.Element) (OID, error) {
	start := len(d.arcs)
	var err error
	if d.arcs, err = c.AppendOID(d.arcs); err != nil {
		return nil, err
	}
	return OID(d.arcs[start:len(d.arcs):len(d.arcs)]), nil
}

func (d *dec) relOID(c ber.Element) (OID, error) {
	start := len(d.arcs)
	var err error
	if d.arcs, err = c.AppendRelativeOID(d.arcs); err != nil {
		return nil, err
	}
	return OID(d.arcs[start:len(d.arcs):len(d.arcs)]), nil
}
