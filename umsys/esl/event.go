package esl

import (
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
// Names and plain values share memory with b, which must not be modified afterwards;
// decoded values are copies. Frames and Events own their bytes, so this holds for
// everything a Stream produces.
func ParseEventPlain(b []byte) ([]feed.Header, []byte, error) {
	spans, body, err := parseEvent(b, nil)
	if err != nil || len(spans) == 0 {
		return nil, body, err
	}
	p := feed.Packed{Data: b, Spans: spans}
	e := feed.Event{Packed: p}
	return e.HeaderList(), body, nil
}

// parseEvent is ParseEventPlain into spans over b, appended to spans; values to be
// decoded are marked feed.Encoded. Spans, not strings: the result is pointer-free, so
// an event of 100+ headers costs the garbage collector nothing to scan and no write
// barriers to build.
func parseEvent(b []byte, spans []feed.Span) ([]feed.Span, []byte, error) {
	if len(b) == 0 {
		return spans, nil, nil
	}
	if len(b) >= feed.Encoded {
		// Far beyond any Limits; spans could not address it.
		return nil, nil, fmt.Errorf("event body of %d bytes: %w", len(b), ErrFrameTooLarge)
	}
	// Values that need decoding are marked Encoded and decoded only when read: a channel
	// event has a dozen or more, and a translator reads few of them.
	clen := -1
	s := unsafe.String(unsafe.SliceData(b), len(b))
	// pct is the next '%' at or after the current value, searched across lines so a
	// value without one costs a comparison rather than a scan.
	pct := -1
	pos := 0
	for pos < len(s) {
		end, next := len(s), len(s)
		if nl := strings.IndexByte(s[pos:], '\n'); nl >= 0 {
			end = pos + nl
			next = end + 1
		}
		if end > pos && s[end-1] == '\r' {
			end--
		}
		if end == pos {
			pos = next // a blank line ends the headers
			break
		}
		colon := strings.IndexByte(s[pos:end], ':')
		if colon <= 0 {
			// The line is not quoted: event content may identify a subscriber.
			return nil, nil, fmt.Errorf("event header line at body offset %d (%d bytes) has no name: %w", pos, end-pos, ErrMalformed)
		}
		c := pos + colon
		vs := c + 1
		for vs < end && (s[vs] == ' ' || s[vs] == '\t') {
			vs++
		}
		sp := feed.Span{NameStart: uint32(pos), NameEnd: uint32(c), ValueStart: uint32(vs), ValueEnd: uint32(end)} //nolint:gosec // G115: offsets within b, shorter than feed.Encoded (checked at the top)
		switch {
		case colon == len("Content-Length") && s[pos:c] == "Content-Length":
			n, ok := atoi(b[vs:end])
			if !ok {
				return nil, nil, fmt.Errorf("event Content-Length %q at body offset %d: %w", clip(b[vs:end]), pos, ErrMalformed)
			}
			clen = n
			pos = next
			continue
		case end-vs == len(undef) && s[vs:end] == undef:
			sp.ValueStart, sp.ValueEnd = 0, 0
		default:
			if pct < vs {
				pct = len(s)
				if i := strings.IndexByte(s[vs:], '%'); i >= 0 {
					pct = vs + i
				}
			}
			if pct < end {
				sp.ValueStart |= feed.Encoded
			}
		}
		spans = append(spans, sp)
		pos = next
	}
	if clen < 0 {
		return spans, nil, nil
	}
	if len(b)-pos < clen {
		return nil, nil, fmt.Errorf("event body at body offset %d: Content-Length %d but %d bytes left: %w", pos, clen, len(b)-pos, ErrMalformed)
	}
	return spans, b[pos : pos+clen : pos+clen], nil
}

// trimBlanks drops leading spaces and tabs (bytes.TrimLeft builds a set per call).
func trimBlanks(b []byte) []byte {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return b[i:]
}

// EventFromFrame turns a text/event-plain frame into a feed.Event.
func EventFromFrame(f *Frame, source string, received time.Time) (*feed.Event, error) {
	if f.ContentType != TypeEventPlain {
		return nil, fmt.Errorf("frame at offset %d has Content-Type %q, want %s: %w", f.Offset, clipString(f.ContentType), TypeEventPlain, ErrMalformed)
	}
	// Headers are parsed into a stack buffer and copied out at their exact count.
	var scratch [160]feed.Span
	spans, body, err := parseEvent(f.Body, scratch[:0])
	if err != nil {
		return nil, fmt.Errorf("event frame at offset %d: %w", f.Offset, err)
	}
	var packed feed.Packed
	if len(spans) > 0 {
		packed = feed.Packed{Data: f.Body, Spans: append([]feed.Span(nil), spans...)}
	}
	e := &f.ev
	if f.evUsed {
		e = new(feed.Event)
	}
	f.evUsed = true
	*e = feed.Event{
		Dialect:  feed.FreeSWITCH,
		Source:   source,
		Body:     body,
		Raw:      f.Raw,
		Received: received,
		Packed:   packed,
	}
	return e, nil
}
