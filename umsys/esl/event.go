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
	headers := make([]feed.Header, 0, bytes.Count(b, []byte{'\n'})+1)
	// Headers whose value needs decoding, and the encoded bytes they hold: decoding
	// waits until the end so one arena of the exact size serves them all (decoding
	// never lengthens a value). Most events fit the stack buffer.
	var fixBuf [64]int32
	fix := fixBuf[:0]
	need := 0
	clen := -1
	// pct is the next '%' at or after the current value, searched across lines so a
	// value without one costs a comparison rather than a scan.
	pct := -1
	pos := 0
	for pos < len(s) {
		rest := s[pos:]
		next := len(s)
		line := rest
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			line = rest[:nl]
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
		vs := pos + len(line) - len(value) // value's offset in s
		switch {
		case len(name) == len("Content-Length") && name == "Content-Length":
			n, ok := atoi(unsafe.Slice(unsafe.StringData(value), len(value)))
			if !ok {
				return nil, nil, fmt.Errorf("event Content-Length %q at body offset %d: %w", clipString(value), pos, ErrMalformed)
			}
			clen = n
			pos = next
			continue
		case value == undef:
			value = ""
		default:
			if pct < vs {
				pct = len(s)
				if i := strings.IndexByte(s[vs:], '%'); i >= 0 {
					pct = vs + i
				}
			}
			if pct < vs+len(value) {
				fix = append(fix, int32(len(headers)))
				need += len(value)
			}
		}
		headers = append(headers, feed.Header{Name: name, Value: value})
		pos = next
	}
	if need > 0 {
		// The arena is written once, here, and never again: the string views stay valid.
		arena := make([]byte, 0, need)
		for _, i := range fix {
			start := len(arena)
			arena = appendURLDecoded(arena, headers[i].Value)
			if n := len(arena) - start; n > 0 {
				headers[i].Value = unsafe.String(&arena[start], n)
			} else {
				headers[i].Value = ""
			}
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
	e := &f.ev
	if f.evUsed {
		e = new(feed.Event)
	}
	f.evUsed = true
	*e = feed.Event{
		Dialect:  feed.FreeSWITCH,
		Source:   source,
		Headers:  h,
		Body:     body,
		Raw:      f.Raw,
		Received: received,
	}
	return e, nil
}
