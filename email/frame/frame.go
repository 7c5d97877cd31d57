package frame

import (
	"bytes"
	"fmt"
)

// Kind says what a Frame holds.
type Kind uint8

// Frame kinds.
const (
	// Partial: bytes were consumed, nothing is complete yet.
	Partial Kind = iota
	// Line: one complete protocol line in Text, without its CR LF.
	Line
	// Content: a piece of message content in Data (a de-stuffed DATA or multi-line
	// body, a BDAT chunk, an IMAP literal); Done marks the last piece.
	Content
	// Reply: one complete SMTP reply (RFC 5321 4.2): Code, and the text of its lines
	// joined by LF in Text.
	Reply
)

// Frame is one protocol unit. Text and Data point into the framer's buffer or the
// caller's bytes: valid until the next call.
type Frame struct {
	Kind Kind
	Text []byte
	Data []byte
	Done bool
	// Literal is the size of the IMAP literal a Line announced at its end, -1 for
	// none. A literal of size > 0 follows as Content frames.
	Literal int64
	Code    int
	// Err, when set, is a framing problem of this unit; the stream goes on.
	Err *Error
}

// Error is a framing problem: what was wrong and where.
type Error struct {
	Proto, Dir string
	// Line is the number (from 1) of the protocol line the problem is in, Offset the
	// byte offset of that line's first byte in the direction's stream.
	Line   int
	Offset int64
	What   string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s %s line %d (byte %d): %s", e.Proto, e.Dir, e.Line, e.Offset, e.What)
}

// Directions, as framers name them in errors.
const (
	Client = "client"
	Server = "server"
)

// DefaultMaxLine bounds a line when a framer is given no bound (RFC 5321 allows
// 1000 octets; real clients send longer IMAP commands).
const DefaultMaxLine = 16 << 10

type mode uint8

const (
	modeLines   mode = iota
	modeDot          // dot-terminated body
	modeCounted      // a known number of bytes (BDAT chunk, literal)
)

// stream is what every framer shares: a bounded line splitter, a dot-stuffing
// decoder and a byte counter, with the position for errors.
type stream struct {
	proto, dir string
	max        int

	buf     []byte
	dropped int64 // bytes of the current line beyond max

	lines   int   // protocol lines completed
	off     int64 // bytes consumed
	start   int64 // offset of the current line's first byte
	lineOff int64 // offset of the last completed line's first byte

	mode mode
	left int64 // modeCounted: bytes still to come
	// Counted content announced by this line, for errors at End.
	size     int64
	unitLine int
	unitOff  int64
	what     string

	atLineStart bool  // modeDot: the next byte starts a body line
	held        uint8 // modeDot: 1 after a leading '.', 2 after ".\r"
}

func newStream(proto, dir string, max int) stream {
	if max <= 0 {
		max = DefaultMaxLine
	}
	return stream{proto: proto, dir: dir, max: max}
}

// errorAt builds an error about the line numbered line starting at off.
func (s *stream) errorAt(line int, off int64, format string, args ...any) *Error {
	return &Error{Proto: s.proto, Dir: s.dir, Line: line, Offset: off, What: fmt.Sprintf(format, args...)}
}

// lastLineError is an error about the line just completed.
func (s *stream) lastLineError(format string, args ...any) *Error {
	return s.errorAt(s.lines, s.lineOff, format, args...)
}

// nextLine consumes bytes of p up to and including the first LF. When a line
// completed it returns it without CR LF (valid until the next call); err says it was
// over-long (bytes beyond max are dropped so a peer that never sends LF cannot grow
// memory).
func (s *stream) nextLine(p []byte) (n int, line []byte, err *Error, ok bool) {
	i := bytes.IndexByte(p, '\n')
	chunk := p
	if i >= 0 {
		chunk, n = p[:i], i+1
	} else {
		n = len(p)
	}
	if len(s.buf) == 0 && s.dropped == 0 {
		s.start = s.off
	}
	s.off += int64(n)
	if room := s.max - len(s.buf); room > 0 {
		take := min(room, len(chunk))
		s.buf = append(s.buf, chunk[:take]...)
		s.dropped += int64(len(chunk) - take)
	} else {
		s.dropped += int64(len(chunk))
	}
	if i < 0 {
		return n, nil, nil, false
	}
	s.lines++
	s.lineOff = s.start
	if s.dropped > 0 {
		err = s.lastLineError("line of %d bytes exceeds the %d-byte limit; the rest of it was dropped", int64(len(s.buf))+s.dropped+1, s.max)
	}
	line = bytes.TrimSuffix(s.buf, []byte{'\r'})
	s.buf, s.dropped = s.buf[:0], 0
	return n, line, err, true
}

// startDot switches to a dot-terminated body (RFC 5321 4.5.2, RFC 1939 3).
func (s *stream) startDot(what string) {
	s.mode, s.atLineStart, s.held = modeDot, true, 0
	s.unitLine, s.unitOff, s.what = s.lines, s.lineOff, what
}

// startCounted switches to n bytes of content (n > 0).
func (s *stream) startCounted(n int64, what string) {
	s.mode, s.left, s.size = modeCounted, n, n
	s.unitLine, s.unitOff, s.what = s.lines, s.lineOff, what
}

// nextDot returns the next piece of de-stuffed body from p; done once the
// terminating "." line was consumed. It holds at most the two bytes of a line start
// that may be the terminator, so a body of any size costs no memory.
func (s *stream) nextDot(p []byte) (n int, piece []byte, done bool) {
	for n < len(p) {
		if s.atLineStart || s.held > 0 {
			c := p[n]
			switch {
			case s.held == 0 && c == '.':
				s.held, s.atLineStart = 1, false
				n++
				continue
			case s.held == 1 && c == '\r':
				s.held = 2
				n++
				continue
			case s.held >= 1 && c == '\n':
				// ".\n" or ".\r\n": the end of the body.
				s.held, s.atLineStart, s.mode = 0, true, modeLines
				s.off += int64(n + 1)
				return n + 1, nil, true
			case s.held == 2:
				// ".\r" and something else: the stuffed dot goes, the CR is content.
				s.held, s.atLineStart = 0, false
				s.off += int64(n)
				return n, []byte{'\r'}, false
			case s.held == 1:
				s.held = 0 // a stuffed dot: dropped
			}
			s.atLineStart = false
		}
		// Only a line starting with '.' needs a look: pass everything up to the next
		// "\n." in one piece.
		i := bytes.Index(p[n:], []byte("\n."))
		if i < 0 {
			s.atLineStart = p[len(p)-1] == '\n'
			s.off += int64(len(p))
			return len(p), p[n:], false
		}
		s.atLineStart = true
		s.off += int64(n + i + 1)
		return n + i + 1, p[n : n+i+1], false
	}
	s.off += int64(n)
	return n, nil, false
}

// nextCounted returns the next piece of counted content; done with its last byte.
func (s *stream) nextCounted(p []byte) (int, []byte, bool) {
	take := int(min(int64(len(p)), s.left))
	s.left -= int64(take)
	s.off += int64(take)
	if s.left == 0 {
		s.mode = modeLines
		return take, p[:take], true
	}
	return take, p[:take], false
}

// content frames the next bytes of a body or counted unit.
func (s *stream) content(p []byte) (int, Frame) {
	var n int
	var piece []byte
	var done bool
	if s.mode == modeDot {
		n, piece, done = s.nextDot(p)
	} else {
		n, piece, done = s.nextCounted(p)
	}
	return n, Frame{Kind: Content, Data: piece, Done: done, Literal: -1}
}

// line frames the next line.
func (s *stream) line(p []byte) (int, Frame) {
	n, text, err, ok := s.nextLine(p)
	if !ok {
		return n, Frame{Literal: -1}
	}
	return n, Frame{Kind: Line, Text: text, Err: err, Literal: -1}
}

// next frames the next unit in the current mode.
func (s *stream) next(p []byte) (int, Frame) {
	if s.mode != modeLines {
		return s.content(p)
	}
	return s.line(p)
}

// end reports what the end of the stream cut short, nil when it ended between units.
func (s *stream) end() *Error {
	switch {
	case s.mode == modeDot:
		return s.errorAt(s.unitLine, s.unitOff, "the stream ended inside the %s announced here, before its terminating \".\" line", s.what)
	case s.mode == modeCounted:
		return s.errorAt(s.unitLine, s.unitOff, "the stream ended %d bytes into the %d-byte %s announced here", s.size-s.left, s.size, s.what)
	case len(s.buf) > 0 || s.dropped > 0:
		return s.errorAt(s.lines+1, s.start, "the stream ended inside a line of %d bytes without its CR LF", int64(len(s.buf))+s.dropped)
	}
	return nil
}

// buffered is how many bytes of a partial line are held.
func (s *stream) buffered() int { return len(s.buf) }
