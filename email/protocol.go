package email

import (
	"fmt"
	"strings"

	"github.com/umli/umli/mediation/etsi"
)

// Protocol is the mail protocol a session speaks.
type Protocol int

// Protocols the state machines understand.
const (
	SMTP Protocol = iota + 1
	POP3
	IMAP
	// VVM is IMAP to an OMTP Visual Voicemail server, reported as MessagingIRI (vvmmachine.go).
	VVM
)

// protocols is the one table of mail protocol names: the name configuration, logs,
// notices and simulators use, the E-mail-Protocol value records carry (VVM reports
// MessagingIRI, no E-mail-Protocol), the well-known ports a passive tap classifies
// (RFC 5321 25, RFC 6409 587, RFC 1939 110, RFC 3501 143) and whether it is an e-mail
// proxy protocol (VVM is a proxy mode of IMAP, not a protocol of its own).
var protocols = []struct {
	p     Protocol
	name  string
	etsi  etsi.EmailProtocol
	ports []uint16
	mail  bool
}{
	{SMTP, "smtp", etsi.ProtocolSMTP, []uint16{25, 587}, true},
	{POP3, "pop3", etsi.ProtocolPOP3, []uint16{110}, true},
	{IMAP, "imap", etsi.ProtocolIMAP4, []uint16{143}, true},
	{VVM, "vvm", etsi.ProtocolUndefined, nil, false},
}

// String names the protocol.
func (p Protocol) String() string {
	for _, x := range protocols {
		if x.p == p {
			return x.name
		}
	}
	return fmt.Sprintf("protocol(%d)", int(p))
}

// EmailProtocol is the E-mail-Protocol value of p's records (undefined for VVM, which
// reports MessagingIRI).
func (p Protocol) EmailProtocol() etsi.EmailProtocol {
	for _, x := range protocols {
		if x.p == p {
			return x.etsi
		}
	}
	return etsi.ProtocolUndefined
}

// MailProtocolNames lists the e-mail proxy protocols by name ("smtp", "pop3", "imap").
func MailProtocolNames() []string {
	var out []string
	for _, x := range protocols {
		if x.mail {
			out = append(out, x.name)
		}
	}
	return out
}

// Mail reports whether p is an e-mail proxy protocol (MailProtocolNames).
func (p Protocol) Mail() bool {
	for _, x := range protocols {
		if x.p == p {
			return x.mail
		}
	}
	return false
}

// ParseProtocol maps a protocol name as String writes it (any case) to a Protocol.
func ParseProtocol(s string) (Protocol, error) {
	for _, x := range protocols {
		if strings.EqualFold(s, x.name) {
			return x.p, nil
		}
	}
	return 0, fmt.Errorf("email: protocol %q: want %s", s, MailProtocolChoice())
}

// MailProtocolChoice lists the e-mail proxy protocols for messages: "smtp, pop3 or imap".
func MailProtocolChoice() string {
	n := MailProtocolNames()
	return strings.Join(n[:len(n)-1], ", ") + " or " + n[len(n)-1]
}

// DefaultPorts maps the well-known mail ports onto their protocols.
func DefaultPorts() map[uint16]Protocol {
	out := map[uint16]Protocol{}
	for _, x := range protocols {
		for _, port := range x.ports {
			out[port] = x.p
		}
	}
	return out
}
