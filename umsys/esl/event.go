package esl

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unsafe"

	"github.com/umli/umli/umsys/feed"
)

// ParseEventPlain parses a text/event-plain body: "Name: value" lines (values
// URL-decoded, _undef_ read as empty) up to a blank line, then, if the headers carried
// a Content-Length, that many bytes of event body. The inner Content-Length is framing
// and is not returned as a header.
//
// The returned strings share memory with b (names and plain values) or with one arena
// of decoded values: b must not be modified afterwards. Frames and Events own their
// bytes, so this holds for everything a Stream produces.
func ParseEventPlain(b []byte) ([]feed.Header, []byte, error) {
	if len(b) == 0 {
		return nil, nil, nil
	}
	s := unsafe.String(unsafe.SliceData(b), len(b))
	headers := make([]feed.Header, 0, bytes.Count(b, []byte{'\n'}))
	var arena []byte // decoded values, back to back
	var fix []int    // header index, arena start, arena end triples
	clen := -1
	pos := 0
	for pos < len(s) {
		nl := strings.IndexByte(s[pos:], '\n')
		line := s[pos:]
		next := len(s)
		if nl >= 0 {
			line = s[pos : pos+nl]
			next = pos + nl + 1
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
		if line == "" {
			pos = next
			break
		}
		colon := strings.IndexByte(line, ':')
		if colon <= 0 {
			// The line is not quoted: event content may identify a subscriber.
			return nil, nil, fmt.Errorf("event header line at body offset %d (%d bytes) has no name: %w", pos, len(line), ErrMalformed)
		}
		name, value := line[:colon], trimBlanks(line[colon+1:])
		switch {
		case name == "Content-Length":
			n, ok := atoi([]byte(value))
			if !ok {
				return nil, nil, fmt.Errorf("event Content-Length %q at body offset %d: %w", clipString(value), pos, ErrMalformed)
			}
			clen = n
		case value == undef:
			headers = append(headers, feed.Header{Name: name})
		case strings.IndexByte(value, '%') >= 0:
			if arena == nil {
				arena = make([]byte, 0, len(b)-pos)
				fix = make([]int, 0, 3*32)
			}
			start := len(arena)
			arena = appendURLDecoded(arena, value)
			fix = append(fix, len(headers), start, len(arena))
			headers = append(headers, feed.Header{Name: name})
		default:
			headers = append(headers, feed.Header{Name: name, Value: value})
		}
		pos = next
	}
	if len(arena) > 0 {
		// arena is never written again, so one string view serves every decoded value.
		as := unsafe.String(unsafe.SliceData(arena), len(arena))
		for i := 0; i < len(fix); i += 3 {
			headers[fix[i]].Value = as[fix[i+1]:fix[i+2]]
		}
	}
	if clen < 0 {
		return headers, nil, nil
	}
	if len(b)-pos < clen {
		return nil, nil, fmt.Errorf("event body at body offset %d: Content-Length %d but %d bytes left: %w", pos, clen, len(b)-pos, ErrMalformed)
	}
	return headers, b[pos : pos+clen : pos+clen], nil
}

// trimBlanks drops leading spaces and tabs (strings.TrimLeft builds a set per call,
// which shows in profiles at 100 headers per event).
func trimBlanks(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
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
