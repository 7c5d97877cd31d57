package email

import (
	"bytes"
	"cmp"
	"net/mail"
	"strings"

	"github.com/umli/umli/mediation/etsi"
)

// message follows one RFC 5322 message (sent, downloaded or uploaded) to read
// Message-ID and From from its header, keeping at most MaxHeader bytes of it. The
// message itself reaches the LEMF inside the exchange's CC, as exchanged (doc.go).
type message struct {
	s    *session
	size int64

	header    []byte
	inHeader  bool
	lineStart bool

	// From the header, once complete.
	messageID, resentID string
	from                string
	headerOK            bool
}

func newMessage(s *session) *message {
	return &message{s: s, inHeader: true, lineStart: true}
}

// write takes the next bytes of the message.
func (m *message) write(p []byte) {
	m.size += int64(len(p))
	if m.inHeader {
		m.scanHeader(p)
	}
}

// scanHeader keeps header bytes until the empty line that ends the header.
func (m *message) scanHeader(p []byte) {
	for i, c := range p {
		if c == '\n' {
			if m.lineStart {
				m.inHeader = false
				m.parseHeader()
				return
			}
			m.lineStart = true
		} else if c != '\r' {
			m.lineStart = false
		}
		if len(m.header) < m.s.opts.MaxHeader {
			m.header = append(m.header, p[i])
		}
	}
}

func (m *message) parseHeader() {
	for _, f := range unfoldHeader(m.header) {
		name, value, ok := strings.Cut(f, ":")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "message-id":
			if m.messageID == "" {
				m.messageID = value
			}
		case "resent-message-id":
			if m.resentID == "" {
				m.resentID = value
			}
		case "from":
			if m.from == "" {
				m.from = headerAddress(value)
			}
		}
	}
	m.headerOK = true
	m.header = nil
}

// unfoldHeader splits header bytes into fields, joining continuation lines.
func unfoldHeader(h []byte) []string {
	var fields []string
	for _, line := range bytes.Split(h, []byte{'\n'}) {
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(fields) > 0 {
			fields[len(fields)-1] += " " + strings.TrimSpace(string(line))
			continue
		}
		fields = append(fields, string(line))
	}
	return fields
}

// headerAddress extracts the address of a From field; unparsable values are kept as
// written (clause 7.2: the address in the form it was intercepted in).
func headerAddress(v string) string {
	if a, err := mail.ParseAddress(v); err == nil {
		return a.Address
	}
	if l, err := mail.ParseAddressList(v); err == nil && len(l) > 0 {
		return l[0].Address
	}
	return v
}

// end finishes the header scan if the message had no body separator.
func (m *message) end() {
	if m.inHeader {
		m.inHeader = false
		m.parseHeader()
	}
}

// apply copies what the header said into an IRI. Message-ID names the message; a
// Resent-Message-ID stands in only without one (Tables A.1, B.1 allow either).
func (m *message) apply(iri *etsi.EmailIRI, senderFromHeader bool) {
	if id := cmp.Or(m.messageID, m.resentID); id != "" {
		iri.MessageID = []byte(id)
	}
	if senderFromHeader && m.from != "" {
		iri.Sender = ptr(m.from)
	}
}
