package rtpcapture

import "encoding/binary"

// Packet is one RTP packet as the reorder and chunking stages see it. Payload is only
// valid during the call that hands the packet over; keep a copy to retain it.
type Packet struct {
	SSRC        uint32
	Seq         uint16
	Timestamp   uint32
	PayloadType uint8
	Marker      bool
	// Arrival is when the packet was intercepted, in Unix nanoseconds: a plain integer
	// keeps the per-packet path free of pointers (and of GC write barriers).
	Arrival int64
	Payload []byte
}

// rtpHeaderLen is the fixed RTP header (RFC 3550 5.1); plainRTPv2 is its first octet
// for version 2 without padding, extension or CSRCs.
const (
	rtpHeaderLen = 12
	plainRTPv2   = 0x80
)

// readPlain reads what voice gateways send, version 2 without padding, extension or
// CSRCs: a fixed 12-byte header, read the same way as pion/rtp would (FuzzReadPlain
// checks) without the cost of its general Header on every packet. It reports false for
// any other packet.
func readPlain(raw []byte, p *Packet) bool {
	if len(raw) < rtpHeaderLen || raw[0] != plainRTPv2 {
		return false
	}
	// Field by field, not a composite literal: copying a literal built with narrow
	// stores stalls on store forwarding.
	p.Seq = binary.BigEndian.Uint16(raw[2:])
	p.Timestamp = binary.BigEndian.Uint32(raw[4:])
	p.SSRC = binary.BigEndian.Uint32(raw[8:])
	p.PayloadType = raw[1] & 0x7f
	p.Marker = raw[1]&0x80 != 0
	p.Payload = raw[rtpHeaderLen:]
	return true
}
