package frame

// POP3Client frames what a POP3 client sends: command lines and SASL responses
// (RFC 1939, RFC 5034), all lines.
type POP3Client struct{ s stream }

// NewPOP3Client returns the client-side POP3 framer.
func NewPOP3Client(maxLine int) *POP3Client {
	return &POP3Client{s: newStream("pop3", Client, maxLine)}
}

// Next frames the start of p.
func (f *POP3Client) Next(p []byte) (int, Frame) { return f.s.line(p) }

// End reports what the end of the stream cut short.
func (f *POP3Client) End() *Error { return f.s.end() }

// POP3Server frames POP3 responses: status lines, and after a positive status of a
// multi-line command (the caller says so with Body) the dot-stuffed body up to its
// "." line (RFC 1939 3), de-stuffed.
type POP3Server struct{ s stream }

// NewPOP3Server returns the server-side POP3 framer.
func NewPOP3Server(maxLine int) *POP3Server {
	return &POP3Server{s: newStream("pop3", Server, maxLine)}
}

// Next frames the start of p: a status Line or a Content piece of a body.
func (f *POP3Server) Next(p []byte) (int, Frame) { return f.s.next(p) }

// Body says a multi-line body follows the status line just framed.
func (f *POP3Server) Body() { f.s.startDot("multi-line response") }

// InBody reports whether a multi-line body is being framed.
func (f *POP3Server) InBody() bool { return f.s.mode != modeLines }

// End reports what the end of the stream cut short.
func (f *POP3Server) End() *Error { return f.s.end() }

// Buffered is how many bytes of a partial line the framer holds (at most its line bound).
func (f *POP3Client) Buffered() int { return f.s.buffered() }

// Buffered is how many bytes of a partial line the framer holds (at most its line bound).
func (f *POP3Server) Buffered() int { return f.s.buffered() }
