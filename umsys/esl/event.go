package esl

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/umli/umli/umsys/feed"
)

// ParseEventPlain parses a text/event-plain body: "Name: value" lines (values
// URL-decoded, _undef_ read as empty) up to a blank line, then, if the headers carried
// a Content-Length, that many bytes of event body. The inner Content-Length is framing
// and is not returned as a header. Returned strings share one copy of the body.
func ParseEventPlain(b []byte) ([]feed.Header, []byte, error) {
	s := string(b)
	headers := make([]feed.Header, 0, bytes.Count(b, []byte{'\n'}))
	clen := -1
	pos := 0
	for {
		if pos >= len(s) {
			// FreeSWITCH always ends with a blank line; a body cut right after the last
			// header is still a complete header set.
			break
		}
		nl := strings.IndexByte(s[pos:], '\n')
		var line string
		next := len(s)
		if nl >= 0 {
			line = s[pos : pos+nl]
			next = pos + nl + 1
		} else {
			line = s[pos:]
		}
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			pos = next
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" {
			return nil, nil, fmt.Errorf("event header line %q at body offset %d has no name: %w", clipString(line), pos, ErrMalformed)
		}
		value = strings.TrimLeft(value, " \t")
		if name == "Content-Length" {
			n, err := strconv.Atoi(value)
			if err != nil || n < 0 {
				return nil, nil, fmt.Errorf("event Content-Length %q at body offset %d: %w", clipString(value), pos, ErrMalformed)
			}
			clen = n
		} else {
			headers = append(headers, feed.Header{Name: name, Value: decodeValue(value)})
		}
		pos = next
	}
	if clen < 0 {
		return headers, nil, nil
	}
	if len(b)-pos < clen {
		return nil, nil, fmt.Errorf("event body at body offset %d: Content-Length %d but %d bytes left: %w", pos, clen, len(b)-pos, ErrMalformed)
	}
	return headers, b[pos : pos+clen : pos+clen], nil
}

// EventFromFrame turns a text/event-plain frame into a feed.Event.
func EventFromFrame(f *Frame, source string, received time.Time) (*feed.Event, error) {
	if f.ContentType != TypeEventPlain {
		return nil, fmt.Errorf("frame at offset %d has Content-Type %q, want %s: %w", f.Offset, clipString(f.ContentType), TypeEventPlain, ErrMalformed)
	}
	h, body, err := ParseEventPlain(f.Body)
	if err != nil {
		return nil, fmt.Errorf("event frame at offset %d: %w", f.Offset, err)
	}
	return &feed.Event{
		Dialect:  feed.FreeSWITCH,
		Source:   source,
		Headers:  h,
		Body:     body,
		Raw:      f.Raw,
		Received: received,
	}, nil
}
