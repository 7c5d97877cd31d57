package pipeline

import (
	"github.com/umli/umli/email"
	"github.com/umli/umli/internal/config"
)

// proxyProtocol is the state machine an e-mail proxy runs: mode vvm turns an IMAP
// proxy into an OMTP Visual Voicemail tap (MessagingIRI/CC of the box).
func proxyProtocol(x config.EmailProxyFile) email.Protocol {
	if x.Mode == "vvm" {
		return email.VVM
	}
	p, _ := email.ParseProtocol(x.Protocol) // validated by config
	return p
}
