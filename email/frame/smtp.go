package frame

import (
	"strconv"
	"strings"
)

// MaxReplyText bounds the reply text an SMTPServer keeps (challenges, greetings);
// longer replies are still framed whole, their text cut.
const MaxReplyText = 4096

// SMTPClient frames what an SMTP client sends: command lines (and SASL responses,
// also lines), a DATA body up to its "." line (RFC 5321 4.5.2, de-stuffed), BDAT
// chunks (RFC 3030). The caller says when a body or chunk follows (Data, BDAT): only
// the dialogue knows (a refused DATA has no body).
type SMTPClient struct{ s stream }

// NewSMTPClient returns the client-side SMTP framer; maxLine bounds a line (0: DefaultMaxLine).
func NewSMTPClient(maxLine int) *SMTPClient {
	return &SMTPClient{s: newStream("smtp", Client, maxLine)}
}

// Next frames the start of p: a Line, or a Content piece of a body or chunk.
func (f *SMTPClient) Next(p []byte) (int, Frame) { return f.s.next(p) }

// Data says a DATA body follows the command line just framed.
func (f *SMTPClient) Data() { f.s.startDot("DATA body") }

// BDAT parses the arguments of the BDAT command line just framed ("size [LAST]") and,
// for a size > 0, frames that many bytes as Content next. A bad size is an error
// naming the line; no chunk is framed then (its bytes, if any, are read as lines).
func (f *SMTPClient) BDAT(arg string) (size int64, last bool, err *Error) {
	fields := strings.Fields(arg)
	if len(fields) == 0 {
		return 0, false, f.s.lastLineError("BDAT without a chunk size")
	}
	size, perr := strconv.ParseInt(fields[0], 10, 64)
	if perr != nil || size < 0 {
		return 0, false, f.s.lastLineError("BDAT chunk size is not a decimal number of octets")
	}
	if len(fields) > 2 || (len(fields) == 2 && !strings.EqualFold(fields[1], "LAST")) {
		return 0, false, f.s.lastLineError("BDAT takes a chunk size and LAST only")
	}
	last = len(fields) == 2
	if size > 0 {
		f.s.startCounted(size, "BDAT chunk")
	}
	return size, last, nil
}

// Commands goes back to command lines (a DATA refused before its body).
func (f *SMTPClient) Commands() { f.s.mode = modeLines }

// InBody reports whether a DATA body or BDAT chunk is being framed.
func (f *SMTPClient) InBody() bool { return f.s.mode != modeLines }

// End reports what the end of the stream cut short (nil: nothing).
func (f *SMTPClient) End() *Error { return f.s.end() }

// SMTPServer frames SMTP replies (RFC 5321 4.2): "250-..." lines continue a reply,
// "250 ..." ends it.
type SMTPServer struct {
	s       stream
	code    int
	text    []byte
	started bool
	err     *Error
}

// NewSMTPServer returns the server-side SMTP framer.
func NewSMTPServer(maxLine int) *SMTPServer {
	return &SMTPServer{s: newStream("smtp", Server, maxLine)}
}

// Next frames the start of p; a Reply once its last line was consumed (its Text is
// overwritten by the next reply). A line that is
// not a reply line is an error frame (Kind Partial) and is skipped.
func (f *SMTPServer) Next(p []byte) (int, Frame) {
	n, fr := f.s.line(p)
	if fr.Kind != Line {
		return n, fr
	}
	line := fr.Text
	code, ok := replyCode(line)
	if !ok {
		return n, Frame{Literal: -1, Err: f.s.lastLineError("reply line without a three-digit reply code")}
	}
	if fr.Err != nil && f.err == nil {
		f.err = fr.Err
	}
	if f.started && code != f.code && f.err == nil {
		f.err = f.s.lastLineError("reply line with code %d inside a reply with code %d", code, f.code)
	}
	f.code, f.started = code, true
	if len(f.text) < MaxReplyText {
		t := line[min(4, len(line)):]
		if len(f.text) > 0 {
			f.text = append(f.text, '\n')
		}
		f.text = append(f.text, t[:min(len(t), MaxReplyText-len(f.text))]...)
	}
	if len(line) > 3 && line[3] == '-' {
		return n, Frame{Literal: -1}
	}
	out := Frame{Kind: Reply, Code: code, Text: f.text, Err: f.err, Literal: -1}
	f.text, f.started, f.err = f.text[:0], false, nil
	return n, out
}

// End reports what the end of the stream cut short (a line or a multi-line reply).
func (f *SMTPServer) End() *Error {
	if err := f.s.end(); err != nil {
		return err
	}
	if f.started {
		return f.s.lastLineError("the stream ended inside a multi-line reply (its last line has \"%d-\")", f.code)
	}
	return nil
}

// replyCode reads the three digits a reply line starts with, followed by nothing,
// a space or '-'.
func replyCode(line []byte) (int, bool) {
	if len(line) < 3 || (len(line) > 3 && line[3] != ' ' && line[3] != '-') {
		return 0, false
	}
	code := 0
	for _, c := range line[:3] {
		if c < '0' || c > '9' {
			return 0, false
		}
		code = code*10 + int(c-'0')
	}
	return code, line[0] >= '1' && line[0] <= '5'
}

// Buffered is how many bytes of a partial line the framer holds (at most its line bound).
func (f *SMTPClient) Buffered() int { return f.s.buffered() }

// Buffered is how many bytes of a partial line the framer holds (at most its line bound).
func (f *SMTPServer) Buffered() int { return f.s.buffered() }
