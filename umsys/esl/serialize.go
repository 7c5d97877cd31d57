package esl

import (
	"strconv"

	"github.com/umli/umli/umsys/feed"
)

// Content types mod_event_socket sends.
const (
	TypeAuthRequest      = "auth/request"
	TypeCommandReply     = "command/reply"
	TypeAPIResponse      = "api/response"
	TypeEventPlain       = "text/event-plain"
	TypeEventJSON        = "text/event-json"
	TypeDisconnectNotice = "text/disconnect-notice"
	TypeRudeRejection    = "text/rude-rejection"
)

// AppendEventPlain appends the plain serialisation of an event as switch_event_serialize
// produces it: every header as "Name: <url-encoded value>\n" in order, an empty value as
// _undef_, then either "\n" or, when body is not empty, "Content-Length: N\n\n<body>".
func AppendEventPlain(dst []byte, headers []feed.Header, body []byte) []byte {
	for _, h := range headers {
		dst = append(dst, h.Name...)
		dst = append(dst, ':', ' ')
		if h.Value == "" {
			dst = append(dst, undef...)
		} else {
			dst = AppendURLEncoded(dst, h.Value)
		}
		dst = append(dst, '\n')
	}
	if len(body) == 0 {
		return append(dst, '\n')
	}
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, '\n', '\n')
	return append(dst, body...)
}

// AppendFrame appends one server-to-client frame with a body, headers in the order
// mod_event_socket writes them for events: Content-Length first, then Content-Type.
func AppendFrame(dst []byte, contentType string, body []byte) []byte {
	dst = append(dst, "Content-Length: "...)
	dst = strconv.AppendInt(dst, int64(len(body)), 10)
	dst = append(dst, "\nContent-Type: "...)
	dst = append(dst, contentType...)
	dst = append(dst, '\n', '\n')
	return append(dst, body...)
}
