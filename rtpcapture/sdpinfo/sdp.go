package sdpinfo

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
	"github.com/umli/umli/rtpcapture"
)

// MaxSDPSize bounds an accepted session description.
const MaxSDPSize = 64 << 10

// Direction is an SDP media direction attribute (RFC 4566 6).
type Direction int

// Media directions, from the point of view of the SDP's author.
const (
	SendRecv Direction = iota
	SendOnly
	RecvOnly
	Inactive
)

// Stream is one m=audio line.
type Stream struct {
	// Index is the position of the m= line (0-based) among all m= lines.
	Index int
	// Label is the a=label value (RFC 4574), which rs-metadata refers to.
	Label string
	// Addr and Port are where the SDP's author receives this stream's RTP. Port 0 means
	// the stream is disabled.
	Addr netip.Addr
	Port uint16
	Dir  Direction
	// Formats are the payload types of the m= line in preference order.
	Formats      []uint8
	PayloadTypes rtpcapture.PayloadTypes
}

// MediaLine is any m= line, as an answer must mirror every line of the offer.
type MediaLine struct {
	Media   string
	Proto   string
	Formats []string
}

// Description is the part of an SDP body the RTP path uses.
type Description struct {
	// Streams are the audio streams.
	Streams []Stream
	// Lines are all m= lines in order; Stream.Index points into it.
	Lines []MediaLine
}

// Errors of SDP parsing.
var (
	ErrSDPTooLarge = errors.New("sdp body too large")
	ErrNoAudio     = errors.New("sdp has no audio stream")
)

// ParseSDP reads the audio streams of an SDP body. Streams pointing RTP at a privileged
// port or a non-unicast address are refused: a recording endpoint or a passive capture
// point must never be steered at arbitrary traffic.
func ParseSDP(body []byte) (*Description, error) {
	if len(body) > MaxSDPSize {
		return nil, fmt.Errorf("sdp: %w: %d bytes", ErrSDPTooLarge, len(body))
	}
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(body); err != nil {
		return nil, fmt.Errorf("sdp: %w", err)
	}
	var sessAddr netip.Addr
	if sd.ConnectionInformation != nil {
		a, err := connAddr(sd.ConnectionInformation)
		if err != nil {
			return nil, fmt.Errorf("sdp: session c= line: %w", err)
		}
		sessAddr = a
	}
	sessDir := direction(sd.Attributes, SendRecv)
	d := &Description{}
	for i, md := range sd.MediaDescriptions {
		d.Lines = append(d.Lines, MediaLine{Media: md.MediaName.Media, Proto: strings.Join(md.MediaName.Protos, "/"), Formats: md.MediaName.Formats})
		if md.MediaName.Media != "audio" {
			continue
		}
		st, err := parseStream(i, md, sessAddr, sessDir)
		if err != nil {
			return nil, fmt.Errorf("sdp: m= line %d: %w", i+1, err)
		}
		d.Streams = append(d.Streams, st)
	}
	if len(d.Streams) == 0 {
		return nil, fmt.Errorf("sdp: %w", ErrNoAudio)
	}
	return d, nil
}

func parseStream(i int, md *sdp.MediaDescription, sessAddr netip.Addr, sessDir Direction) (Stream, error) {
	st := Stream{Index: i, Addr: sessAddr, Dir: direction(md.Attributes, sessDir), PayloadTypes: rtpcapture.PayloadTypes{}}
	port := md.MediaName.Port.Value
	if port != 0 && (port < 1024 || port > 65535) {
		return st, fmt.Errorf("rtp port %d out of range 1024-65535", port)
	}
	st.Port = uint16(port) //nolint:gosec // G115: port checked in 0..65535 above
	if md.ConnectionInformation != nil {
		a, err := connAddr(md.ConnectionInformation)
		if err != nil {
			return st, fmt.Errorf("c= line: %w", err)
		}
		st.Addr = a
	}
	if st.Port != 0 && !st.Addr.IsValid() {
		return st, errors.New("no connection address")
	}
	// c=IN IP4 0.0.0.0 is the RFC 2543 hold: no media flows.
	if st.Addr.IsValid() && st.Addr.IsUnspecified() {
		st.Dir = Inactive
	}
	for _, f := range md.MediaName.Formats {
		pt, err := strconv.ParseUint(f, 10, 7)
		if err != nil {
			return st, fmt.Errorf("payload type %q: not 0-127", f)
		}
		st.Formats = append(st.Formats, uint8(pt))
	}
	for _, a := range md.Attributes {
		switch a.Key {
		case "label":
			st.Label = a.Value
		case "rtpmap":
			pt, c, err := parseRtpmap(a.Value)
			if err != nil {
				return st, fmt.Errorf("a=rtpmap:%s: %w", a.Value, err)
			}
			st.PayloadTypes[pt] = c
		}
	}
	return st, nil
}

// parseRtpmap reads "96 opus/48000/2".
func parseRtpmap(v string) (uint8, rtpcapture.Codec, error) {
	num, enc, ok := strings.Cut(strings.TrimSpace(v), " ")
	if !ok {
		return 0, rtpcapture.Codec{}, errors.New("want <payload type> <encoding>/<clock rate>")
	}
	pt, err := strconv.ParseUint(num, 10, 7)
	if err != nil {
		return 0, rtpcapture.Codec{}, fmt.Errorf("payload type %q: not 0-127", num)
	}
	parts := strings.Split(strings.TrimSpace(enc), "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
		return 0, rtpcapture.Codec{}, errors.New("want <encoding>/<clock rate>[/<channels>]")
	}
	clock, err := strconv.ParseUint(parts[1], 10, 32)
	if err != nil || clock == 0 {
		return 0, rtpcapture.Codec{}, fmt.Errorf("clock rate %q", parts[1])
	}
	c := rtpcapture.Codec{Name: parts[0], ClockRate: uint32(clock), Channels: 1}
	if len(parts) == 3 {
		ch, err := strconv.ParseUint(parts[2], 10, 8)
		if err != nil || ch == 0 {
			return 0, rtpcapture.Codec{}, fmt.Errorf("channels %q", parts[2])
		}
		c.Channels = int(ch)
	}
	return uint8(pt), c, nil
}

func connAddr(c *sdp.ConnectionInformation) (netip.Addr, error) {
	if c.Address == nil {
		return netip.Addr{}, errors.New("no address")
	}
	if c.NetworkType != "IN" {
		return netip.Addr{}, fmt.Errorf("network type %q", c.NetworkType)
	}
	a, err := netip.ParseAddr(c.Address.Address)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("address %q is not an IP address", c.Address.Address)
	}
	if a.IsMulticast() {
		return netip.Addr{}, fmt.Errorf("multicast address %s", a)
	}
	return a.Unmap(), nil
}

func direction(attrs []sdp.Attribute, def Direction) Direction {
	for _, a := range attrs {
		switch a.Key {
		case "sendrecv":
			return SendRecv
		case "sendonly":
			return SendOnly
		case "recvonly":
			return RecvOnly
		case "inactive":
			return Inactive
		}
	}
	return def
}
