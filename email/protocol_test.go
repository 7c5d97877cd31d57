package email

import (
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
)

// TestProtocolNames: each protocol's name parses back to it (any case), carries the
// E-mail-Protocol value of TS 102 232-2 (imap4 for IMAP), and only smtp, pop3 and imap
// are e-mail proxy protocols (VVM is a mode of IMAP).
func TestProtocolNames(t *testing.T) {
	tests := []struct {
		p    Protocol
		name string
		etsi etsi.EmailProtocol
		mail bool
	}{
		{SMTP, "smtp", etsi.ProtocolSMTP, true},
		{POP3, "pop3", etsi.ProtocolPOP3, true},
		{IMAP, "imap", etsi.ProtocolIMAP4, true},
		{VVM, "vvm", etsi.ProtocolUndefined, false},
	}
	for _, tc := range tests {
		if tc.p.String() != tc.name || tc.p.EmailProtocol() != tc.etsi || tc.p.Mail() != tc.mail {
			t.Errorf("%d: %q %v mail=%v", tc.p, tc.p.String(), tc.p.EmailProtocol(), tc.p.Mail())
		}
		for _, s := range []string{tc.name, strings.ToUpper(tc.name)} {
			if got, err := ParseProtocol(s); err != nil || got != tc.p {
				t.Errorf("ParseProtocol(%q) = %v, %v", s, got, err)
			}
		}
	}
	if _, err := ParseProtocol("nntp"); err == nil || err.Error() != `email: protocol "nntp": want smtp, pop3 or imap` {
		t.Errorf("nntp: %v", err)
	}
	if got := Protocol(9).String(); got != "protocol(9)" {
		t.Errorf("unknown protocol named %q", got)
	}
	ports := DefaultPorts()
	if len(ports) != 4 || ports[25] != SMTP || ports[587] != SMTP || ports[110] != POP3 || ports[143] != IMAP {
		t.Errorf("default ports %v", ports)
	}
}
