package rtpcapture

import (
	"strconv"
	"strings"
)

// Codec is what an SDP rtpmap (or the RFC 3551 static table) says about one RTP payload type.
type Codec struct {
	// Name is the encoding name as written in the rtpmap ("PCMU", "opus", "telephone-event").
	Name string
	// ClockRate is the RTP timestamp rate in Hz.
	ClockRate uint32
	// Channels is the channel count; 0 means the default of 1.
	Channels int
}

// ContentType is the MIME type (RFC 4855 audio/<encoding>) that MessagingCC.content-type
// carries for this codec, as Table 6 asks ("mime-type translated from RTP Payload Type").
func (c Codec) ContentType() string {
	if c.Name == "" {
		return "application/octet-stream"
	}
	// RFC 4855 registers the subtypes under their rtpmap names; MIME types compare
	// case-insensitively, and the registry spelling of the common ones is kept.
	switch n := strings.ToLower(c.Name); n {
	case "pcmu", "pcma", "g722", "g729", "g723", "gsm", "amr", "amr-wb", "l16", "cn", "g728", "lpc", "dvi4", "qcelp", "mpa":
		return "audio/" + strings.ToUpper(c.Name)
	default:
		return "audio/" + n
	}
}

// IsTelephoneEvent says whether the codec is RFC 4733 telephone-event (DTMF).
func (c Codec) IsTelephoneEvent() bool {
	return strings.EqualFold(c.Name, "telephone-event")
}

// StaticCodec returns the RFC 3551 (table 4) codec of a static audio payload type.
// A switch rather than a table keeps the package free of package-level state.
func StaticCodec(pt uint8) (Codec, bool) {
	switch pt {
	case 0:
		return Codec{"PCMU", 8000, 1}, true
	case 3:
		return Codec{"GSM", 8000, 1}, true
	case 4:
		return Codec{"G723", 8000, 1}, true
	case 5:
		return Codec{"DVI4", 8000, 1}, true
	case 6:
		return Codec{"DVI4", 16000, 1}, true
	case 7:
		return Codec{"LPC", 8000, 1}, true
	case 8:
		return Codec{"PCMA", 8000, 1}, true
	case 9:
		// G.722's RTP clock is 8000 Hz for historical reasons (RFC 3551 4.5.2).
		return Codec{"G722", 8000, 1}, true
	case 10:
		return Codec{"L16", 44100, 2}, true
	case 11:
		return Codec{"L16", 44100, 1}, true
	case 12:
		return Codec{"QCELP", 8000, 1}, true
	case 13:
		return Codec{"CN", 8000, 1}, true
	case 14:
		return Codec{"MPA", 90000, 1}, true
	case 15:
		return Codec{"G728", 8000, 1}, true
	case 16:
		return Codec{"DVI4", 11025, 1}, true
	case 17:
		return Codec{"DVI4", 22050, 1}, true
	case 18:
		return Codec{"G729", 8000, 1}, true
	}
	return Codec{}, false
}

// PayloadTypes maps RTP payload types to codecs as negotiated in SDP.
type PayloadTypes map[uint8]Codec

// Lookup resolves a payload type: the SDP rtpmap first (it may remap even static numbers),
// then the static table. Unknown dynamic types resolve to a codec named "x-pt<n>" so that
// the content is still delivered with an honest content-type.
func (p PayloadTypes) Lookup(pt uint8) Codec {
	if c, ok := p[pt]; ok {
		return c
	}
	if c, ok := StaticCodec(pt); ok {
		return c
	}
	return Codec{Name: "x-pt" + strconv.Itoa(int(pt)), ClockRate: 8000}
}

// TelephoneEvent returns the payload type negotiated for telephone-event, if any.
func (p PayloadTypes) TelephoneEvent() (uint8, bool) {
	for pt, c := range p {
		if c.IsTelephoneEvent() {
			return pt, true
		}
	}
	return 0, false
}
