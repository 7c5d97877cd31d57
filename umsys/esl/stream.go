package esl

import (
	"bytes"
	"fmt"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/feed/wire"
)

// Default limits: FreeSWITCH itself caps command bodies at 16 MiB; channel events are a
// few KiB, so a header block of 64 KiB means the peer is not speaking ESL.
const (
	DefaultMaxHeaderBytes = 64 << 10
	DefaultMaxBodyBytes   = 4 << 20
)

// Limits bound what a Stream buffers for one frame.
type Limits struct {
	// MaxHeaderBytes bounds an outer header block (0: DefaultMaxHeaderBytes).
	MaxHeaderBytes int
	// MaxBodyBytes bounds a Content-Length body (0: DefaultMaxBodyBytes).
	MaxBodyBytes int
}

func (l Limits) withDefaults() Limits {
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if l.MaxBodyBytes <= 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return l
}

// Frame is one server-to-client ESL packet: outer headers, then an optional
// Content-Length body.
type Frame struct {
	// ContentType is the outer Content-Type ("" if absent).
	ContentType string
	// ReplyText is the outer Reply-Text of a command/reply.
	ReplyText string
	// Disposition is Content-Disposition of a disconnect notice (linger|disconnect).
	Disposition string
	// Body is the Content-Length body; it aliases Raw.
	Body []byte
	// Raw is the frame exactly as read (outer headers, blank line, body). Frames own
	// their bytes: Raw is not reused by the Stream.
	Raw []byte
	// Offset is the stream offset of the frame's first byte.
	Offset int64
	// ev is where the first EventFromFrame of this frame builds its event: the two
	// share one allocation (an event keeps its frame's Raw alive anyway).
	ev     feed.Event
	evUsed bool
}

// Stream splits a byte stream into Frames. Feed it whatever chunks TCP delivers; it
// keeps the incomplete remainder. It is the framing layer only: event bodies are
// parsed by ParseEventPlain.
type Stream struct {
	lim Limits
	w   wire.Buffer // Scan: where to resume looking for the end of the header block
	// A frame whose headers are parsed but whose body is still arriving, so a large
	// body read in many small pieces does not re-parse its headers every time.
	hdr          *Frame
	hdrSkip      int // blank bytes before the frame
	hdrBodyStart int // body offset within the frame
	hdrTotal     int // frame length
}

// NewStream returns a Stream enforcing lim.
func NewStream(lim Limits) *Stream {
	return &Stream{lim: lim.withDefaults()}
}

// Pending is the number of buffered bytes of a frame not yet complete.
func (s *Stream) Pending() int { return len(s.w.Buf) }

// Write appends p and calls emit for every frame it completes, in order. After an
// error (oversized or malformed framing) the stream cannot resynchronise: every later
// Write returns the same error and the connection should be reset. An error returned
// by emit stops Write and is returned as is.
func (s *Stream) Write(p []byte, emit func(*Frame) error) error {
	return wire.Split(&s.w, p, s.next, emit)
}

// next parses one frame at buf[start:]; nil frame means more bytes are needed.
func (s *Stream) next(start int) (*Frame, int, error) {
	b := s.w.Buf[start:]
	if s.hdr != nil {
		return s.finish(b)
	}
	// Blank lines between frames are skipped, as read_packet does.
	skip := 0
	for skip < len(b) && (b[skip] == '\n' || b[skip] == '\r') {
		skip++
	}
	if skip == len(b) {
		// Consume the blanks now so a long run of them is not rescanned per Write.
		return nil, skip, nil
	}
	hb := b[skip:]
	from := s.w.Scan - start - skip
	if from < 0 {
		from = 0
	}
	hend, bodyStart := headerEnd(hb, from)
	if hend < 0 {
		// +1: the '\r' of a CRLF terminator may already be here, and it does not count
		// towards the header block once complete (so any split gives the same verdict).
		if len(hb) > s.lim.MaxHeaderBytes+1 {
			return nil, 0, fmt.Errorf("header block at offset %d exceeds %d bytes: %w", s.w.Off+int64(start+skip), s.lim.MaxHeaderBytes, ErrFrameTooLarge)
		}
		// Resume the search a little before the end: the terminator may straddle writes.
		s.w.Scan = start + skip + max(0, len(hb)-2)
		return nil, 0, nil
	}
	if hend > s.lim.MaxHeaderBytes {
		return nil, 0, fmt.Errorf("header block at offset %d exceeds %d bytes: %w", s.w.Off+int64(start+skip), s.lim.MaxHeaderBytes, ErrFrameTooLarge)
	}
	f := &Frame{Offset: s.w.Off + int64(start+skip)}
	clen := -1
	for pos := 0; pos < hend; {
		nl := bytes.IndexByte(hb[pos:hend], '\n')
		line := hb[pos:hend]
		if nl >= 0 {
			line = hb[pos : pos+nl]
			pos += nl + 1
		} else {
			pos = hend
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return nil, 0, fmt.Errorf("header line %q at offset %d has no colon: %w", clip(line), f.Offset, ErrMalformed)
		}
		value = trimBlanks(value)
		switch string(name) {
		case "Content-Length":
			n, ok := atoi(value)
			if !ok {
				return nil, 0, fmt.Errorf("bad Content-Length %q at offset %d: %w", clip(value), f.Offset, ErrMalformed)
			}
			if n > s.lim.MaxBodyBytes {
				return nil, 0, fmt.Errorf("Content-Length %d at offset %d exceeds %d bytes: %w", n, f.Offset, s.lim.MaxBodyBytes, ErrFrameTooLarge)
			}
			clen = n
		case "Content-Type":
			f.ContentType = internType(value)
		case "Reply-Text":
			f.ReplyText = string(value)
		case "Content-Disposition":
			f.Disposition = string(value)
		}
	}
	total := bodyStart
	if clen > 0 {
		total += clen
	}
	s.hdr, s.hdrSkip, s.hdrBodyStart, s.hdrTotal = f, skip, bodyStart, total
	return s.finish(b)
}

// finish completes the pending frame once its body is buffered.
func (s *Stream) finish(b []byte) (*Frame, int, error) {
	end := s.hdrSkip + s.hdrTotal
	if len(b) < end {
		return nil, 0, nil
	}
	f := s.hdr
	s.hdr = nil
	f.Raw = bytes.Clone(b[s.hdrSkip:end])
	f.Body = f.Raw[s.hdrBodyStart:s.hdrTotal:s.hdrTotal]
	return f, end, nil
}

// headerEnd finds the blank line ending a header block, searching from from. It returns
// the length of the header lines (without the blank line) and where the body starts,
// or -1 if the block is incomplete. LF is the protocol's line ending; CRLF is tolerated.
func headerEnd(b []byte, from int) (int, int) {
	for i := from; i < len(b); {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1, -1
		}
		nl := i + j
		// Is the line after this newline empty ("\n" or "\r\n")?
		k := nl + 1
		if k < len(b) && b[k] == '\n' {
			return nl + 1, k + 1
		}
		if k+1 < len(b) && b[k] == '\r' && b[k+1] == '\n' {
			return nl + 1, k + 2
		}
		if k >= len(b) || (b[k] == '\r' && k+1 >= len(b)) {
			return -1, -1
		}
		i = k
	}
	return -1, -1
}

// atoi parses a non-negative decimal without allocating; false on anything else or
// on values beyond 2^40 (far over any limit).
func atoi(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 12 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// internType returns the constant for known content types so the hot path does not
// allocate a string per frame.
func internType(b []byte) string {
	switch string(b) {
	case TypeEventPlain:
		return TypeEventPlain
	case TypeCommandReply:
		return TypeCommandReply
	case TypeAPIResponse:
		return TypeAPIResponse
	case TypeAuthRequest:
		return TypeAuthRequest
	case TypeDisconnectNotice:
		return TypeDisconnectNotice
	case TypeEventJSON:
		return TypeEventJSON
	}
	return string(b)
}

// clip bounds what an error message quotes from hostile input.
func clip(b []byte) string {
	const n = 40
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// clipString is clip for strings.
func clipString(s string) string {
	const n = 40
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
