// Package x2x3 encodes and parses ETSI TS 103 221-2 X2/X3 PDUs: the fixed 40-byte header
// (version, PDU type, header and payload length, payload format and direction, XID,
// correlation ID), the TLV conditional attributes, and keep-alive / keep-alive
// acknowledgement. It sits beside handover: handover moves the encoded bytes through its
// durable streams unchanged; this package only frames them.
package x2x3

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Version is the header version umli sends and accepts (TS 103 221-2 clause 5.2;
// Wireshark's 5GLI heuristic over TLS also expects 1).
const Version = 1

// HeaderLen is the fixed part of every header; attributes follow it.
const HeaderLen = 40

// PDU types (TS 103 221-2 table "PDU Type").
const (
	TypeX2           = 1
	TypeX3           = 2
	TypeKeepAlive    = 3
	TypeKeepAliveAck = 4
)

// Payload formats umli uses (TS 103 221-2 table "Payload Format"): 0 is reserved for
// keep-alives; 1 is "ETSI TS 102 232-1 Defined Payload", a complete PS-PDU, which carries
// both umli's TS 102 232-2 IRI records (X2) and CC records (X3).
const (
	FormatKeepAlive = 0
	FormatTS102232  = 1
)

// Payload directions (TS 103 221-2 table "Payload Direction").
const (
	DirKeepAlive    = 0
	DirUnknown      = 1
	DirToTarget     = 2
	DirFromTarget   = 3
	DirMultiple     = 4
	DirNotApplicate = 5
)

// Conditional attribute types (TS 103 221-2 table "Conditional Attribute Fields").
const (
	AttrETSI102232     = 1
	AttrTS33128        = 2
	AttrTS33108        = 3
	AttrProprietary    = 4
	AttrDomainID       = 5
	AttrNFID           = 6
	AttrIPID           = 7
	AttrSequenceNumber = 8
	AttrTimestamp      = 9
	AttrSourceIPv4     = 10
	AttrDestIPv4       = 11
	AttrSourceIPv6     = 12
	AttrDestIPv6       = 13
	AttrSourcePort     = 14
	AttrDestPort       = 15
	AttrIPProtocol     = 16
	AttrMatchedTarget  = 17
	AttrOtherTarget    = 18
	maxKnownAttr       = 18
)

// MaxPDU bounds one PDU a reader accepts (header plus payload); larger lengths are absurd.
const MaxPDU = 16 << 20

// Errors a parser reports; all mean "close this connection".
var (
	ErrIncomplete = errors.New("x2x3: incomplete PDU")
	ErrVersion    = errors.New("x2x3: unsupported version")
	ErrLength     = errors.New("x2x3: bad length")
	ErrType       = errors.New("x2x3: unknown PDU type")
	ErrAttribute  = errors.New("x2x3: bad conditional attribute")
)

// Attribute is one TLV conditional attribute.
type Attribute struct {
	Type  uint16
	Value []byte
}

// PDU is one X2/X3 PDU.
type PDU struct {
	Type          uint16
	Format        uint16
	Direction     uint16
	XID           uuid.UUID
	CorrelationID uint64
	Attributes    []Attribute
	Payload       []byte
}

// SequenceNumber returns the sequence number attribute (32 bits), if present.
func (p *PDU) SequenceNumber() (uint32, bool) {
	for _, a := range p.Attributes {
		if a.Type == AttrSequenceNumber && len(a.Value) == 4 {
			return binary.BigEndian.Uint32(a.Value), true
		}
	}
	return 0, false
}

// SeqAttr is the sequence number attribute.
func SeqAttr(n uint32) Attribute {
	return Attribute{Type: AttrSequenceNumber, Value: binary.BigEndian.AppendUint32(nil, n)}
}

// TimestampAttr is the timestamp attribute: 32-bit seconds and 32-bit nanoseconds since
// the Unix epoch.
func TimestampAttr(t time.Time) Attribute {
	v := binary.BigEndian.AppendUint32(nil, uint32(t.Unix()))    //nolint:gosec // G115: TS 103 221-2 timestamps are 32-bit seconds since the epoch by definition
	v = binary.BigEndian.AppendUint32(v, uint32(t.Nanosecond())) //nolint:gosec // G115: Nanosecond() is below 1e9
	return Attribute{Type: AttrTimestamp, Value: v}
}

// Append encodes p after b.
func (p *PDU) Append(b []byte) ([]byte, error) {
	hl := HeaderLen
	for _, a := range p.Attributes {
		if len(a.Value) > 0xffff {
			return b, fmt.Errorf("%w: attribute %d is %d bytes", ErrAttribute, a.Type, len(a.Value))
		}
		hl += 4 + len(a.Value)
	}
	if hl+len(p.Payload) > MaxPDU {
		return b, fmt.Errorf("%w: PDU of %d bytes exceeds %d", ErrLength, hl+len(p.Payload), MaxPDU)
	}
	b = binary.BigEndian.AppendUint16(b, Version)
	b = binary.BigEndian.AppendUint16(b, p.Type)
	b = binary.BigEndian.AppendUint32(b, uint32(hl))
	b = binary.BigEndian.AppendUint32(b, uint32(len(p.Payload))) //nolint:gosec // G115: the PDU length is checked against MaxPDU (16 MiB) above
	b = binary.BigEndian.AppendUint16(b, p.Format)
	b = binary.BigEndian.AppendUint16(b, p.Direction)
	b = append(b, p.XID[:]...)
	b = binary.BigEndian.AppendUint64(b, p.CorrelationID)
	for _, a := range p.Attributes {
		b = binary.BigEndian.AppendUint16(b, a.Type)
		b = binary.BigEndian.AppendUint16(b, uint16(len(a.Value))) //nolint:gosec // G115: attribute values over 0xffff are refused above
		b = append(b, a.Value...)
	}
	return append(b, p.Payload...), nil
}

// KeepAlive is the keep-alive PDU: nil XID, no payload, the sequence number attribute
// numbering keep-alives on the connection.
func KeepAlive(seq uint32) []byte {
	p := PDU{Type: TypeKeepAlive, Attributes: []Attribute{SeqAttr(seq)}}
	b, _ := p.Append(nil) // cannot fail: fixed small size
	return b
}

// KeepAliveAck answers a keep-alive, echoing its attributes.
func KeepAliveAck(ka *PDU) []byte {
	p := PDU{Type: TypeKeepAliveAck, Attributes: ka.Attributes}
	b, err := p.Append(nil)
	if err != nil { // attributes came from a parsed PDU, so they fit
		return nil
	}
	return b
}

// IsKeepAliveAck reports whether b is one well-formed keep-alive acknowledgement.
func IsKeepAliveAck(b []byte) bool {
	p, err := Parse(b)
	return err == nil && p.Type == TypeKeepAliveAck
}

// FrameLength returns the length of the PDU starting b once its lengths are read, an
// error wrapping ErrIncomplete when more bytes are needed, or another error when the
// bytes cannot start a valid PDU of at most max bytes.
func FrameLength(b []byte, max int) (int, error) {
	if len(b) < 12 {
		return 0, ErrIncomplete
	}
	if v := binary.BigEndian.Uint16(b); v != Version {
		return 0, fmt.Errorf("%w %d (want %d)", ErrVersion, v, Version)
	}
	if t := binary.BigEndian.Uint16(b[2:]); t < TypeX2 || t > TypeKeepAliveAck {
		return 0, fmt.Errorf("%w %d", ErrType, t)
	}
	hl, pl := uint64(binary.BigEndian.Uint32(b[4:])), uint64(binary.BigEndian.Uint32(b[8:]))
	if hl < HeaderLen {
		return 0, fmt.Errorf("%w: header length %d below %d", ErrLength, hl, HeaderLen)
	}
	if hl+pl > uint64(max) { //nolint:gosec // G115: callers pass a positive bound (MaxPDU, their framer limit)
		return 0, fmt.Errorf("%w: header %d + payload %d exceeds %d", ErrLength, hl, pl, max)
	}
	return int(hl + pl), nil //nolint:gosec // G115: hl+pl <= max, an int, checked above
}

// Parse decodes exactly one PDU; the result's slices alias b. Unknown attribute types
// (above 18) and attributes running past the header are errors.
func Parse(b []byte) (*PDU, error) {
	n, err := FrameLength(b, MaxPDU)
	if err != nil {
		return nil, err
	}
	if len(b) < n {
		return nil, fmt.Errorf("%w: %d of %d bytes", ErrIncomplete, len(b), n)
	}
	if len(b) > n {
		return nil, fmt.Errorf("%w: %d bytes after the PDU", ErrLength, len(b)-n)
	}
	hl := int(binary.BigEndian.Uint32(b[4:]))
	p := &PDU{
		Type: binary.BigEndian.Uint16(b[2:]), Format: binary.BigEndian.Uint16(b[12:]),
		Direction: binary.BigEndian.Uint16(b[14:]), CorrelationID: binary.BigEndian.Uint64(b[32:]),
		Payload: b[hl:n],
	}
	copy(p.XID[:], b[16:32])
	for off := HeaderLen; off < hl; {
		if hl-off < 4 {
			return nil, fmt.Errorf("%w: %d stray bytes at header offset %d", ErrAttribute, hl-off, off)
		}
		t, l := binary.BigEndian.Uint16(b[off:]), int(binary.BigEndian.Uint16(b[off+2:]))
		if t == 0 || t > maxKnownAttr {
			return nil, fmt.Errorf("%w: unknown type %d at header offset %d", ErrAttribute, t, off)
		}
		if off+4+l > hl {
			return nil, fmt.Errorf("%w: type %d length %d runs past the header at offset %d", ErrAttribute, t, l, off)
		}
		p.Attributes = append(p.Attributes, Attribute{Type: t, Value: b[off+4 : off+4+l]})
		off += 4 + l
	}
	return p, nil
}

// Framer measures X2/X3 PDUs for handover's inbound reader (keep-alive acks).
type Framer struct{}

// FrameLength implements handover.Framer.
func (Framer) FrameLength(b []byte, max int) (int, error) { return FrameLength(b, max) }

// Incomplete implements handover.Framer.
func (Framer) Incomplete(err error) bool { return errors.Is(err, ErrIncomplete) }

// Wrap builds one X2 (IRI) or X3 (CC) PDU around a TS 102 232-1 PS-PDU (payload format 1)
// with the sequence number and timestamp attributes.
func Wrap(typ uint16, xid uuid.UUID, cid uint64, seq uint32, at time.Time, dir uint16, pspdu []byte) ([]byte, error) {
	if typ != TypeX2 && typ != TypeX3 {
		return nil, fmt.Errorf("%w %d: only X2 and X3 carry payloads", ErrType, typ)
	}
	p := PDU{Type: typ, Format: FormatTS102232, Direction: dir, XID: xid, CorrelationID: cid,
		Attributes: []Attribute{SeqAttr(seq), TimestampAttr(at)}, Payload: pspdu}
	return p.Append(nil)
}
