package sipsim

import (
	"fmt"
	"net/netip"
	"strings"
)

const boundary = "b1"

// plainSDP is a one-stream offer or answer.
func plainSDP(media netip.AddrPort, dir string) string {
	return fmt.Sprintf("v=0\r\no=sipsim 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\nm=audio %d RTP/AVP 0 101\r\n"+
		"a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=%s\r\n",
		media.Addr(), media.Addr(), media.Port(), dir)
}

// siprecBody is the multipart/mixed body of a SIPREC INVITE (RFC 7866 8.1.1): two
// sendonly streams labelled 1 (the caller's) and 2 (the UM system's), and rs-metadata
// naming the participants and what each sends.
func siprecBody(src netip.Addr, callerAOR, umAOR string) string {
	sdp := fmt.Sprintf("v=0\r\no=src 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"+
		"m=audio 40000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=label:1\r\na=sendonly\r\n"+
		"m=audio 40002 RTP/AVP 0\r\na=label:2\r\na=sendonly\r\n", src, src)
	// Compact on purpose: the whole INVITE has to stay under 1300 bytes for UDP
	// (RFC 3261 18.1.1), hence also send inside participant (the RFC 7866 examples'
	// form) rather than participantstreamassoc.
	// The platform UUID travels in X-FS-UUID only, for the same reason.
	meta := `<recording xmlns="urn:ietf:params:xml:ns:recording:1">` +
		`<participant participant_id="a"><nameID aor="` + xmlEscape(callerAOR) + `"/><send>1</send></participant>` +
		`<participant participant_id="b"><nameID aor="` + xmlEscape(umAOR) + `"/><send>2</send></participant>` +
		`<stream stream_id="1"><label>1</label></stream><stream stream_id="2"><label>2</label></stream></recording>`
	var b strings.Builder
	b.WriteString("--" + boundary + "\r\nContent-Type: application/sdp\r\n\r\n" + sdp)
	b.WriteString("\r\n--" + boundary + "\r\nContent-Type: application/rs-metadata+xml\r\nContent-Disposition: recording-session\r\n\r\n" + meta)
	b.WriteString("\r\n--" + boundary + "--\r\n")
	return b.String()
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;").Replace(s)
}
