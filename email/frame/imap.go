package frame

import (
	"bytes"
	"strconv"
)

// IMAP frames one direction of an IMAP4 session (RFC 3501 4.3, RFC 7888, RFC 3516):
// lines, and after a line that ends in a literal announcement ("{n}", "{n+}",
// "~{n}") the n bytes of the literal as Content; the command or response goes on
// with the next line. Client and server frame alike.
type IMAP struct {
	s   stream
	got bool // bytes of the current literal arrived
}

// NewIMAP returns an IMAP framer for dir (Client or Server).
func NewIMAP(dir string, maxLine int) *IMAP {
	return &IMAP{s: newStream("imap", dir, maxLine)}
}

// Next frames the start of p: a Line (Literal says what follows it) or a Content
// piece of a literal.
func (f *IMAP) Next(p []byte) (int, Frame) {
	if f.s.mode != modeLines {
		f.got = true
		return f.s.content(p)
	}
	n, fr := f.s.line(p)
	if fr.Kind != Line {
		return n, fr
	}
	size, ok, bad := TrailingLiteral(fr.Text)
	switch {
	case bad && fr.Err == nil:
		fr.Err = f.s.lastLineError("literal size out of range")
	case ok:
		fr.Literal = size
		if size > 0 {
			f.s.startCounted(size, "literal")
			f.got = false
		}
	}
	return n, fr
}

// CancelLiteral drops the literal announced last when none of its bytes arrived: the
// server refused a synchronizing literal, so the client will not send it. It
// reports whether it did.
func (f *IMAP) CancelLiteral() bool {
	if f.s.mode != modeCounted || f.got {
		return false
	}
	f.s.mode = modeLines
	return true
}

// InLiteral reports whether literal bytes are being framed.
func (f *IMAP) InLiteral() bool { return f.s.mode != modeLines }

// End reports what the end of the stream cut short.
func (f *IMAP) End() *Error { return f.s.end() }

// TrailingLiteral parses a literal announcement ("{123}", "{123+}") at the end of a
// line. bad says the announcement has digits but does not fit an int64.
func TrailingLiteral(line []byte) (size int64, ok, bad bool) {
	if len(line) < 3 || line[len(line)-1] != '}' {
		return 0, false, false
	}
	open := bytes.LastIndexByte(line, '{')
	if open < 0 {
		return 0, false, false
	}
	num := bytes.TrimSuffix(line[open+1:len(line)-1], []byte{'+'})
	if len(num) == 0 {
		return 0, false, false
	}
	for _, c := range num {
		if c < '0' || c > '9' {
			return 0, false, false
		}
	}
	n, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		return 0, false, true
	}
	return n, true, false
}

// Buffered is how many bytes of a partial line the framer holds (at most its line bound).
func (f *IMAP) Buffered() int { return f.s.buffered() }
