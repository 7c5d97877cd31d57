// Package sipcall reads, from a SIP INVITE and its bodies, who is on a call to the UM
// system and which RTP stream each side sends. The recording endpoint and the passive
// capture share it, so both classify calls the same way.
package sipcall

import (
	"strings"

	"github.com/emiago/sipgo/sip"
	"github.com/umli/umli/rtpcapture"
	"github.com/umli/umli/rtpcapture/sdpinfo"
)

// Info builds the CallInfo of an INVITE. With SIPREC metadata, the recorded call's
// parties come from it (the INVITE's own From and To are the SRC and the SRS): the first
// participant is the caller, the second the called side.
func Info(req *sip.Request, md *sdpinfo.Metadata) rtpcapture.CallInfo {
	ci := rtpcapture.CallInfo{
		RequestURI: req.Recipient.String(),
		PAI:        headerValue(req, "P-Asserted-Identity"),
		ModeHint:   headerValue(req, "X-UM-Mode"),
		BoxHint:    headerValue(req, "X-UM-Box"),
	}
	if h := req.CallID(); h != nil {
		ci.CallID = h.Value()
	}
	if h := req.From(); h != nil {
		ci.From = h.Value()
	}
	if h := req.To(); h != nil {
		ci.To = h.Value()
	}
	// Headers a UM platform uses to carry its call UUID, in order of preference.
	for _, name := range [...]string{"X-FS-UUID", "X-UUID", "X-Call-UUID"} {
		if v := headerValue(req, name); v != "" {
			ci.PlatformUUID = v
			break
		}
	}
	ci.Diversion = listValues(req, "Diversion")
	ci.HistoryInfo = listValues(req, "History-Info")
	if md != nil {
		if md.PlatformUUID != "" && ci.PlatformUUID == "" {
			ci.PlatformUUID = md.PlatformUUID
		}
		ci.PAI = ""
		ci.From, ci.To = firstAOR(md, 0), firstAOR(md, 1)
	}
	return ci
}

func firstAOR(md *sdpinfo.Metadata, i int) string {
	if i < len(md.Participants) && len(md.Participants[i].AORs) > 0 {
		return "<" + md.Participants[i].AORs[0] + ">"
	}
	return ""
}

func headerValue(req *sip.Request, name string) string {
	if h := req.GetHeader(name); h != nil {
		return strings.TrimSpace(h.Value())
	}
	return ""
}

// listValues returns the comma-separated entries of every header with this name.
func listValues(req *sip.Request, name string) []string {
	var out []string
	for _, h := range req.GetHeaders(name) {
		out = append(out, SplitList(h.Value())...)
	}
	return out
}

// SplitList splits a header value at the commas that separate entries, not at commas
// inside quoted display names or <URIs>.
func SplitList(v string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '"' && (i == 0 || v[i-1] != '\\'):
			quoted = !quoted
		case quoted:
		case c == '<':
			depth++
		case c == '>' && depth > 0:
			depth--
		case c == ',' && depth == 0:
			if s := strings.TrimSpace(v[start:i]); s != "" {
				out = append(out, s)
			}
			start = i + 1
		}
	}
	if s := strings.TrimSpace(v[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

// SideOf says which side sends a stream. With metadata the sending participant decides
// (the first participant is the caller); without it, SDP order does: the first audio
// stream is the caller's, the next the UM system's. ok is false for a stream that
// metadata says nobody sends.
func SideOf(st sdpinfo.Stream, pos int, md *sdpinfo.Metadata) (rtpcapture.Side, bool) {
	if md != nil && st.Label != "" {
		p, ok := md.SenderOf(st.Label)
		if !ok {
			return 0, false
		}
		if len(md.Participants) > 0 && p.ID == md.Participants[0].ID {
			return rtpcapture.SideCaller, true
		}
		return rtpcapture.SideUM, true
	}
	if pos == 0 {
		return rtpcapture.SideCaller, true
	}
	return rtpcapture.SideUM, true
}
