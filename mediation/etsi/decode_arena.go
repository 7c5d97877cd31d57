package etsi

import (
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/umli/umli/mediation/etsi/ber"
)

// dec is one decoding's working state. Every OCTET STRING and text field of the decoded
// value aliases one private copy of the PDU, and all object identifiers share one []uint32,
// so decoding costs a handful of allocations instead of one or two per field. Strings are
// unsafe.String views of the copy: that is sound because no code writes to the copy after
// it is made, and every field covers a different primitive element's content, so a caller
// changing a decoded []byte in place touches no string. The whole PDU stays in memory as
// long as any decoded field does.
//
// The decoded value points into the copy, the arena and the bundles, never into dec: dec
// (slab headers, bundle counters, the PS-PDU being built) is dead once DecodePSPDU has
// copied the result out, so it comes from decPool rather than costing ~400 heap bytes per
// PDU. (It cannot live on the stack: the field tables' funcs get d and the value through
// func values, which escape analysis cannot see through.)
type dec struct {
	raw  []byte
	arcs []uint32
	// Slabs for the model's optional scalars (pointer fields): a few allocations per PDU
	// instead of one per field. The first chunk of each is in the PDU's arena.
	ints   []int
	u32s   []uint32
	i64s   []int64
	times  []time.Time
	micros []MicroSecondTimeStamp
	// The current EmailIRI or MessagingIRI bundle and how much of it is used: the model
	// structs such an IRI typically points to come from one allocation.
	email                   *emailBundle
	nIP, nAAA, nPOP3, nIMAP uint8
	messaging               *messagingBundle
	nCat, nParty            uint8

	// pdu is the value being decoded: the field tables reach it through a pointer, which
	// would otherwise escape to an allocation of its own.
	pdu PSPDU
}

// decPool recycles dec working states; see dec for why that is safe.
var decPool = sync.Pool{New: func() any { return new(dec) }}

// arena holds the first chunk of each of a PDU's slabs. Sized for a typical PDU
// (li-psDomainId plus one object id; header and payload scalars); bigger PDUs continue in
// heap chunks.
type arena struct {
	arcBuf   [12]uint32
	intBuf   [8]int
	u32Buf   [4]uint32
	i64Buf   [2]int64
	timeBuf  [2]time.Time
	microBuf [1]MicroSecondTimeStamp
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

// emailIRI returns a zero EmailIRI in a new bundle, which the IRI's sub-structures
// are then taken from.
func (d *dec) emailIRI() *EmailIRI {
	d.email = new(emailBundle)
	d.nIP, d.nAAA, d.nPOP3, d.nIMAP = 0, 0, 0, 0
	return &d.email.iri
}

// messagingIRI is emailIRI for a MessagingIRI.
func (d *dec) messagingIRI() *MessagingIRI {
	d.messaging = new(messagingBundle)
	d.nCat, d.nParty = 0, 0
	return &d.messaging.iri
}

// fromBundle returns the next free element of a bundle array, or a new one once the
// bundle is absent or used up.
func fromBundle[T any](arr []T, n *uint8) *T {
	if int(*n) < len(arr) {
		*n++
		return &arr[*n-1]
	}
	return new(T)
}

func (d *dec) ipAddress() *IPAddress {
	if d.email == nil {
		return new(IPAddress)
	}
	return fromBundle(d.email.ips[:], &d.nIP)
}

func (d *dec) aaa() *AAAInformation {
	if d.email == nil {
		return new(AAAInformation)
	}
	return fromBundle(d.email.aaa[:], &d.nAAA)
}

func (d *dec) pop3() *POP3AAAInformation {
	if d.email == nil {
		return new(POP3AAAInformation)
	}
	return fromBundle(d.email.pop3[:], &d.nPOP3)
}

func (d *dec) imap() *IMAPAAAInformation {
	if d.email == nil {
		return new(IMAPAAAInformation)
	}
	return fromBundle(d.email.imap[:], &d.nIMAP)
}

func (d *dec) category() *MessagingEventCategory {
	if d.messaging == nil {
		return new(MessagingEventCategory)
	}
	return fromBundle(d.messaging.cat[:], &d.nCat)
}

// partyList returns an empty party list with room for n, from the bundle when it has
// room (capacity capped, so appending beyond moves the list off the bundle).
func (d *dec) partyList(n int) []MessagingPartyInformation {
	if b := d.messaging; b != nil && n <= len(b.parties)-int(d.nParty) {
		l := int(d.nParty)
		d.nParty += uint8(n) //nolint:gosec // G115: n <= len(b.parties)-nParty (a 1-element array), checked above
		return b.parties[l : l : l+n]
	}
	return make([]MessagingPartyInformation, 0, n)
}

// arenaWith128 and its kin carry a small PDU's copy in the same allocation as its arena:
// one allocation per PDU instead of two, at the cost of zeroing the unused tail.
type arenaWith128 struct {
	a   arena
	buf [128]byte
}

type arenaWith256 struct {
	a   arena
	buf [256]byte
}

type arenaWith512 struct {
	a   arena
	buf [512]byte
}

// newDec returns a working state for decoding pdu, from decPool; give it back with free.
func newDec(pdu []byte) *dec {
	d := decPool.Get().(*dec)
	var a *arena
	switch n := len(pdu); {
	case n <= 128:
		x := new(arenaWith128)
		a, d.raw = &x.a, x.buf[:n:n]
	case n <= 256:
		x := new(arenaWith256)
		a, d.raw = &x.a, x.buf[:n:n]
	case n <= 512:
		x := new(arenaWith512)
		a, d.raw = &x.a, x.buf[:n:n]
	default:
		a, d.raw = new(arena), make([]byte, n)
	}
	copy(d.raw, pdu)
	d.arcs = a.arcBuf[:0]
	d.ints = a.intBuf[:0]
	d.u32s = a.u32Buf[:0]
	d.i64s = a.i64Buf[:0]
	d.times = a.timeBuf[:0]
	d.micros = a.microBuf[:0]
	return d
}

// free clears d, so the pool holds on to nothing of the PDU, and returns it to decPool.
// Nothing may use d afterwards.
func (d *dec) free() {
	*d = dec{}
	decPool.Put(d)
}

// maxPrealloc caps count: a list's backing array is sized from the wire only up to this
// many elements (beyond, append grows it as elements actually decode), so a PDU of many
// tiny elements cannot make the decoder reserve memory far beyond what it holds.
const maxPrealloc = 64

// count returns how many elements e's content holds, at most maxPrealloc (0 on malformed
// input, which the caller's own walk then reports).
func count(e *ber.Element) int {
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

// enumPtr decodes an enumeration into the PDU's int slab. Every enum type's underlying
// type is int (the enumType constraint), so *int and *T share one memory layout and the
// conversion is the unsafe.Pointer rule (1) case.
func enumPtr[T enumType](d *dec, c *ber.Element) (*T, error) {
	x, err := decEnum[T](c)
	if err != nil {
		return nil, err
	}
	return (*T)(unsafe.Pointer(take(&d.ints, int(x), 16))), nil
}

func (d *dec) u32p(c *ber.Element) (*uint32, error) {
	x, err := c.Uint32()
	if err != nil {
		return nil, err
	}
	return take(&d.u32s, x, 8), nil
}

func (d *dec) i64p(c *ber.Element) (*int64, error) {
	x, err := c.Int64()
	if err != nil {
		return nil, err
	}
	return take(&d.i64s, x, 4), nil
}

// primTime is timep for a field that must be primitive.
func (d *dec) primTime(c *ber.Element) (*time.Time, error) {
	if err := form(c, false); err != nil {
		return nil, err
	}
	return d.timep(c)
}

func (d *dec) timep(c *ber.Element) (*time.Time, error) {
	t, err := c.Time()
	if err != nil {
		return nil, err
	}
	return take(&d.times, t, 4), nil
}

// bytes returns a string-type field's content; empty decodes as nil (umli's "absent").
func (d *dec) bytes(c *ber.Element) ([]byte, error) {
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
func (d *dec) text(c *ber.Element, utf8Required bool) (string, error) {
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

// textp is text of a UTF8String field whose absence the model shows as nil.
func (d *dec) textp(c *ber.Element) (*string, error) {
	s, err := d.text(c, true)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// tbcd reads TBCD digits (IMSI, IMEI).
func (d *dec) tbcd(c *ber.Element) (string, error) {
	b, err := d.bytes(c)
	if err != nil {
		return "", err
	}
	s, err := parseTBCD(b)
	return s, atOff(c, err)
}

// nonEmpty is text for a field where an empty string would mean "absent" in the model.
func (d *dec) nonEmpty(c *ber.Element, utf8Required bool) (string, error) {
	s, err := d.text(c, utf8Required)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", &ber.Error{Offset: c.Offset, Err: ErrConstraint, Detail: "empty string is not representable here"}
	}
	return s, nil
}

func (d *dec) oid(c *ber.Element) (OID, error) {
	start := len(d.arcs)
	var err error
	if d.arcs, err = c.AppendOID(d.arcs); err != nil {
		return nil, err
	}
	return OID(d.arcs[start:len(d.arcs):len(d.arcs)]), nil
}

func (d *dec) relOID(c *ber.Element) (OID, error) {
	start := len(d.arcs)
	var err error
	if d.arcs, err = c.AppendRelativeOID(d.arcs); err != nil {
		return nil, err
	}
	return OID(d.arcs[start:len(d.arcs):len(d.arcs)]), nil
}
