package etsi

import (
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/umli/umli/mediation/etsi/ber"
)

// dec holds one PDU's decoding arenas. Every OCTET STRING and text field of the decoded
// value aliases one private copy of the PDU, and all object identifiers share one []uint32,
// so decoding costs a handful of allocations instead of one or two per field. Strings are
// unsafe.String views of the copy: that is sound because no code writes to the copy after
// it is made, and every field covers a different primitive element's content, so a caller
// changing a decoded []byte in place touches no string. The whole PDU stays in memory as
// long as any decoded field does.
type dec struct {
	raw  []byte
	arcs []uint32
	// Slabs for the model's optional scalars (pointer fields): a few allocations per PDU
	// instead of one per field. The first chunk of each lives inside dec itself.
	ints   []int
	u32s   []uint32
	i64s   []int64
	times  []time.Time
	micros []MicroSecondTimeStamp
	// Slabs for model structs behind pointers or in lists. The IRI/CC list slabs start
	// inside dec (one payload per PDU is the rule); the others are pointed at a bundle
	// allocated with the first EmailIRI or MessagingIRI, so a PDU of either kind costs
	// one allocation for its typical sub-structures.
	iris    []IRIPayload
	ccs     []CCPayload
	tris    []TRIPayload
	ips     []IPAddress
	cats    []MessagingEventCategory
	parties []MessagingPartyInformation
	aaas    []AAAInformation
	pop3s   []POP3AAAInformation
	imaps   []IMAPAAAInformation

	// Sized for a typical PDU (li-psDomainId plus one object id; header and payload
	// scalars); bigger PDUs continue in heap chunks.
	arcBuf   [12]uint32
	intBuf   [8]int
	u32Buf   [4]uint32
	i64Buf   [2]int64
	timeBuf  [2]time.Time
	microBuf [1]MicroSecondTimeStamp
	iriBuf   [1]IRIPayload
	ccBuf    [1]CCPayload
	triBuf   [1]TRIPayload
}

// emailBundle holds an EmailIRI with the sub-structures a typical one points to
// (client and server address, one AAA record).
type emailBundle struct {
	iri  EmailIRI
	ips  [2]IPAddress
	aaa  [1]AAAInformation
	pop3 [1]POP3AAAInformation
	imap [1]IMAPAAAInformation
}

// messagingBundle holds a MessagingIRI with its category and first parties.
type messagingBundle struct {
	iri     MessagingIRI
	cat     [1]MessagingEventCategory
	parties [1]MessagingPartyInformation
}

// emailIRI returns a zero EmailIRI and points the slabs of its sub-structures at the
// same allocation.
func (d *dec) emailIRI() *EmailIRI {
	b := new(emailBundle)
	d.ips, d.aaas, d.pop3s, d.imaps = b.ips[:0], b.aaa[:0], b.pop3[:0], b.imap[:0]
	return &b.iri
}

// messagingIRI is emailIRI for a MessagingIRI.
func (d *dec) messagingIRI() *MessagingIRI {
	b := new(messagingBundle)
	d.cats, d.parties = b.cat[:0], b.parties[:0]
	return &b.iri
}

func newDec(pdu []byte) *dec {
	d := &dec{raw: append([]byte(nil), pdu...)}
	d.arcs = d.arcBuf[:0]
	d.ints = d.intBuf[:0]
	d.u32s = d.u32Buf[:0]
	d.i64s = d.i64Buf[:0]
	d.times = d.timeBuf[:0]
	d.micros = d.microBuf[:0]
	d.iris = d.iriBuf[:0]
	d.ccs = d.ccBuf[:0]
	d.tris = d.triBuf[:0]
	return d
}

// maxPrealloc caps count: a list's backing array is sized from the wire only up to this
// many elements (beyond, append grows it as elements actually decode), so a PDU of many
// tiny elements cannot make the decoder reserve memory far beyond what it holds.
const maxPrealloc = 64

// count returns how many elements e's content holds, at most maxPrealloc (0 on malformed
// input, which the caller's own walk then reports).
func count(e ber.Element) int {
	r, err := e.Children()
	if err != nil {
		return 0
	}
	n := 0
	for !r.Empty() {
		if _, err := r.Next(); err != nil || n == maxPrealloc {
			return n
		}
		n++
	}
	return n
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

// carve returns an empty list with room for n elements from the slab, or from the heap
// when the slab lacks room. The capacity is capped at n, so appending beyond it moves
// the list rather than writing over its slab neighbours.
func carve[T any](slab *[]T, n int) []T {
	l := len(*slab)
	if *slab == nil || n > cap(*slab)-l {
		return make([]T, 0, n)
	}
	*slab = (*slab)[:l+n]
	return (*slab)[l : l : l+n]
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
	n := len(c.Content)
	if n == 0 {
		return "", nil
	}
	s := unsafe.String(&d.raw[c.ContentOffset], n)
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
