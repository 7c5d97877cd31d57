package email

import "bytes"

// lineSplitter frames a byte stream into lines ending in LF, holding at most max bytes of
// one line. Bytes of an over-long line beyond max are dropped (and the line is reported
// truncated) so a peer that never sends CRLF cannot grow memory.
type lineSplitter struct {
	max       int
	buf       []byte
	truncated bool
}

// next consumes bytes of p up to and including the first LF. It returns how many bytes
// were consumed and, when a line completed, the line without its CR LF (valid until the
// next call) and ok=true.
func (s *lineSplitter) next(p []byte) (n int, line []byte, ok bool) {
	i := bytes.IndexByte(p, '\n')
	chunk := p
	if i >= 0 {
		chunk = p[:i]
		n = i + 1
	} else {
		n = len(p)
	}
	if room := s.max - len(s.buf); room > 0 {
		take := min(room, len(chunk))
		s.buf = append(s.buf, chunk[:take]...)
		if take < len(chunk) {
			s.truncated = true
		}
	} else if len(chunk) > 0 {
		s.truncated = true
	}
	if i < 0 {
		return n, nil, false
	}
	line = bytes.TrimSuffix(s.buf, []byte{'\r'})
	s.buf = s.buf[:0]
	return n, line, true
}

// wasTruncated reports whether the last completed line lost bytes, and resets the flag.
func (s *lineSplitter) wasTruncated() bool {
	t := s.truncated
	s.truncated = false
	return t
}

// dotStream decodes a dot-terminated multi-line body (SMTP DATA, POP3 RETR/TOP) as a
// stream: it removes dot-stuffing, finds the terminating "." line and never buffers more
// than one partial line prefix, so a 100 MB body costs no memory.
type dotStream struct {
	atLineStart bool
	// held is a prefix at line start that may still turn out to be the terminator
	// (".", ".\r").
	held []byte
}

func newDotStream() dotStream { return dotStream{atLineStart: true} }

// feed consumes bytes of p, passing unstuffed content to out. It returns the number of
// bytes consumed and done=true once the terminating line was consumed.
func (d *dotStream) feed(p []byte, out func([]byte)) (n int, done bool) {
	for n < len(p) {
		if d.atLineStart || len(d.held) > 0 {
			// Decide what the start of this line is.
			c := p[n]
			switch {
			case len(d.held) == 0 && c == '.':
				d.held = append(d.held, '.')
				d.atLineStart = false
				n++
				continue
			case len(d.held) == 1 && c == '\r':
				d.held = append(d.held, '\r')
				n++
				continue
			case len(d.held) >= 1 && c == '\n':
				// ".\n" or ".\r\n": end of body.
				d.held = d.held[:0]
				d.atLineStart = true
				return n + 1, true
			case len(d.held) == 2:
				// ".\r" followed by something else: stuffed dot removed, keep the CR.
				out([]byte{'\r'})
				d.held = d.held[:0]
			case len(d.held) == 1:
				// Stuffed dot: drop it.
				d.held = d.held[:0]
			}
			d.atLineStart = false
		}
		// Only a line starting with '.' needs a look; pass everything up to the next
		// "\n." in one piece.
		i := bytes.Index(p[n:], []byte("\n."))
		if i < 0 {
			out(p[n:])
			d.atLineStart = p[len(p)-1] == '\n'
			return len(p), false
		}
		out(p[n : n+i+1])
		n += i + 1
		d.atLineStart = true
	}
	return n, false
}
