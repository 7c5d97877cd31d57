package email

import (
	"bytes"
	"net/mail"
	"strings"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// message streams one RFC 5322 message (sent, downloaded or uploaded) as EmailCC in
// chunks of at most CCChunk, and scans its header for Message-ID and From. It keeps at
// most MaxHeader bytes of header and one chunk of body.
type message struct {
	s    *session
	key  string
	dir  etsi.PayloadDirection
	ids  []record.Identity
	buf  ccBuffer
	size int64

	header    []byte
	inHeader  bool
	lineStart bool
	sawCR     bool

	// From the header, once complete.
	messageID string
	from      string
	headerOK  bool
}

func newMessage(s *session, key string, dir etsi.PayloadDirection, ids []record.Identity) *message {
	return &message{s: s, key: key, dir: dir, ids: ids, inHeader: true, lineStart: true}
}

// write takes the next bytes of the message.
func (m *message) write(p []byte) {
	m.size += int64(len(p))
	if m.inHeader {
		m.scanHeader(p)
	}
	for len(p) > 0 {
		room := m.s.opts.CCChunk - m.buf.len()
		if room <= 0 {
			m.flush()
			continue
		}
		take := min(room, len(p))
		m.buf.add(p[:take], m.s.opts.CCChunk)
		p = p[take:]
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
			if m.messageID == "" {
				m.messageID = value
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
	m.flush()
}

func (m *message) flush() {
	// Continue even without a logon seen (capture started mid-session): mediation
	// opens the sequence.
	ids := m.ids
	if ids == nil {
		// Computed late: pipelined RCPT replies may arrive after DATA was parsed.
		ids = m.s.identities()
	}
	if m.buf.len() > 0 {
		m.s.emitCC(record.Continue, m.key, m.dir, m.buf.take(m.s.opts.CCChunk), ids)
	}
}

// apply copies what the header said into an IRI.
func (m *message) apply(iri *etsi.EmailIRI, senderFromHeader bool) {
	if m.messageID != "" {
		iri.MessageID = []byte(m.messageID)
	}
	if senderFromHeader && m.from != "" {
		iri.Sender = ptr(m.from)
	}
}
