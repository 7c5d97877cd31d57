package email

import (
	"bytes"
	"strings"

	"github.com/umli/umli/mediation/etsi"
)

// maxSASLSteps bounds the challenges and responses kept of one SASL exchange.
const maxSASLSteps = 8

// saslExchange follows one SASL authentication (SMTP AUTH, POP3 AUTH, IMAP
// AUTHENTICATE) to extract the user name and, for PLAIN and LOGIN, the password.
// Challenges and responses are kept as exchanged, base64 text (ASMTPAAAInformation:
// "A BASE64 encoded challenge", "A BASE64 encoded hashed response"); credentials are
// read from their decoding. Undecodable base64 marks the exchange as garbage.
type saslExchange struct {
	mech       string
	challenges [][]byte
	responses  [][]byte
	user, pass string
	hasPass    bool
	cancelled  bool
	garbage    bool
}

func newSASL(mech string) *saslExchange {
	return &saslExchange{mech: strings.ToUpper(mech)}
}

// challenge records a server challenge (base64 text after "334 " or "+ ").
func (x *saslExchange) challenge(text string) {
	if len(x.challenges) >= maxSASLSteps {
		return
	}
	x.challenges = append(x.challenges, []byte(strings.TrimSpace(text)))
}

// response records a client response line.
func (x *saslExchange) response(text string) {
	if strings.TrimSpace(text) == "*" {
		x.cancelled = true
		return
	}
	if len(x.responses) >= maxSASLSteps {
		return
	}
	b, ok := decodeB64(text)
	if !ok {
		x.garbage = true
	}
	x.responses = append(x.responses, []byte(strings.TrimSpace(text)))
	n := len(x.responses)
	switch x.mech {
	case "PLAIN":
		if n == 1 && ok {
			if u, p, ok := plainCredentials(b); ok {
				x.user, x.pass, x.hasPass = u, p, true
			}
		}
	case "LOGIN":
		if ok && n == 1 {
			x.user = string(b)
		} else if ok && n == 2 {
			x.pass, x.hasPass = string(b), true
		}
	case "CRAM-MD5":
		if ok && n == 1 {
			x.user, _, _ = strings.Cut(string(b), " ")
		}
	case "DIGEST-MD5":
		if ok && n == 1 {
			x.user = digestUser(b)
		}
	case "XOAUTH2", "OAUTHBEARER":
		if ok && n == 1 {
			x.user = oauthUser(b)
		}
	}
}

// credentialsSent reports whether the client has sent what the mechanism needs.
func (x *saslExchange) credentialsSent() bool {
	return !x.cancelled && len(x.responses) > 0
}

// method maps the mechanism to AAAauthMethod.
func (x *saslExchange) method() etsi.AAAAuthMethod {
	switch x.mech {
	case "CRAM-MD5":
		return etsi.AuthMethodCRAMMD5
	case "DIGEST-MD5":
		return etsi.AuthMethodDigestMD5
	}
	return etsi.AuthMethodUndefined
}

// joined returns the base64 steps separated by LF, for the single challenge and
// response fields (a multi-step mechanism such as LOGIN has several of each).
func joined(steps [][]byte) []byte {
	if len(steps) == 0 {
		return nil
	}
	return bytes.Join(steps, []byte{'\n'})
}

func digestUser(b []byte) string {
	s := string(b)
	i := strings.Index(strings.ToLower(s), "username=")
	if i < 0 {
		return ""
	}
	v := s[i+len("username="):]
	if strings.HasPrefix(v, `"`) {
		v = v[1:]
		if j := strings.IndexByte(v, '"'); j >= 0 {
			return v[:j]
		}
		return v
	}
	v, _, _ = strings.Cut(v, ",")
	return v
}

func oauthUser(b []byte) string {
	for _, f := range strings.FieldsFunc(string(b), func(r rune) bool { return r == '\x01' || r == ',' }) {
		if u, ok := strings.CutPrefix(f, "user="); ok {
			return u
		}
		if u, ok := strings.CutPrefix(f, "a="); ok {
			return u
		}
	}
	return ""
}

// aaaResult maps a known outcome.
func aaaResult(ok bool) *etsi.AAAResult {
	return ptr(outcomeOf(ok).result())
}

// logonOutcome is what became of credentials a client sent.
type logonOutcome int

const (
	outcomeUnseen   logonOutcome = iota // no answer seen: e-mail-logon-attempt
	outcomeAccepted                     // e-mail-logon
	outcomeRefused                      // e-mail-logon-failure
)

func outcomeOf(ok bool) logonOutcome {
	if ok {
		return outcomeAccepted
	}
	return outcomeRefused
}

// result is the AAAResult of the outcome.
func (o logonOutcome) result() etsi.AAAResult {
	switch o {
	case outcomeAccepted:
		return etsi.AAASucceeded
	case outcomeRefused:
		return etsi.AAAFailed
	case outcomeUnseen:
		return etsi.AAAResultUnknown
	}
	return etsi.AAAResultUnknown
}

// event is the E-mail-Event reporting the outcome.
func (o logonOutcome) event() etsi.EmailEvent {
	switch o {
	case outcomeAccepted:
		return etsi.EmailLogon
	case outcomeRefused:
		return etsi.EmailLogonFailure
	case outcomeUnseen:
		return etsi.EmailLogonAttempt
	}
	return etsi.EmailLogonAttempt
}
