package sdpinfo

import (
	"fmt"
	"net/netip"
	"sort"
	"strings"
)

// AnswerStream is the answerer's side of one accepted audio stream.
type AnswerStream struct {
	// Port is where the answerer receives the stream.
	Port uint16
	// Dir is the answerer's direction: RecvOnly for a recording endpoint.
	Dir Direction
}

// Answer builds the SDP answer to offer: every m= line of the offer in the same order
// (RFC 3264 6), accepted audio streams at addr with the given ports and the offered
// formats and labels, everything else refused with port 0. accepted is keyed by m= line
// index. sessionID and version fill the o= line.
func Answer(offer *Description, addr netip.Addr, accepted map[int]AnswerStream, sessionID, version uint64) []byte {
	ipv := "IP4"
	if addr.Is6() {
		ipv = "IP6"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "v=0\r\no=umli %d %d IN %s %s\r\ns=umli\r\nc=IN %s %s\r\nt=0 0\r\n", sessionID, version, ipv, addr, ipv, addr)
	streams := make(map[int]Stream, len(offer.Streams))
	for _, s := range offer.Streams {
		streams[s.Index] = s
	}
	for i, l := range offer.Lines {
		formats := strings.Join(l.Formats, " ")
		a, ok := accepted[i]
		st, isAudio := streams[i]
		if !ok || !isAudio {
			fmt.Fprintf(&b, "m=%s 0 %s %s\r\n", l.Media, l.Proto, formats)
			continue
		}
		fmt.Fprintf(&b, "m=%s %d %s %s\r\n", l.Media, a.Port, l.Proto, formats)
		pts := make([]int, 0, len(st.PayloadTypes))
		for pt := range st.PayloadTypes {
			pts = append(pts, int(pt))
		}
		sort.Ints(pts)
		for _, pt := range pts {
			c := st.PayloadTypes[uint8(pt)] //nolint:gosec // G115: pt came from the uint8 keys of this map
			if c.Channels > 1 {
				fmt.Fprintf(&b, "a=rtpmap:%d %s/%d/%d\r\n", pt, c.Name, c.ClockRate, c.Channels)
			} else {
				fmt.Fprintf(&b, "a=rtpmap:%d %s/%d\r\n", pt, c.Name, c.ClockRate)
			}
		}
		if st.Label != "" {
			fmt.Fprintf(&b, "a=label:%s\r\n", st.Label)
		}
		fmt.Fprintf(&b, "a=%s\r\n", a.Dir)
	}
	return []byte(b.String())
}

// String is the SDP attribute name of the direction.
func (d Direction) String() string {
	switch d {
	case SendRecv:
		return "sendrecv"
	case SendOnly:
		return "sendonly"
	case RecvOnly:
		return "recvonly"
	case Inactive:
		return "inactive"
	default:
		return "inactive"
	}
}
