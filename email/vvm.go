package email

// OMTP Visual Voicemail (OMTP VVM v1.3) over IMAP: the parts of the protocol that
// are not plain IMAP. A VVM server is an IMAP server whose messages carry a
// Message-Context header (voice-message, x-voice-greeting, ...) and an audio
// attachment, plus one OMTP command, XCHANGE_TUI_PWD, that changes the telephone
// user interface PIN. These functions interpret those bytes; the IMAP framing is
// the existing IMAP machine's.

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// VVM message contexts (OMTP VVM v1.3, Message-Context header values). A greeting
// is "x-voice-greeting-message", as the OMTP reference client for Android (Orange
// Labs, com.orange.labs.uk.omtp GreetingCreatorImpl) and a handset client (as
// X-CNS-Message-Context) send it; the shorter "x-voice-greeting" is accepted too.
const (
	VVMContextVoice         = "voice-message"
	VVMContextGreeting      = "x-voice-greeting-message"
	vvmContextGreetingShort = "x-voice-greeting"
)

// IsGreeting says the message is a greeting by its own headers: a greeting context
// or an X-CNS-Greeting-Type.
func (m VVMMessage) IsGreeting() bool {
	return m.Context == VVMContextGreeting || m.Context == vvmContextGreetingShort || m.HasGreetingType
}

// VVMGreeting names a greeting kind as the MessagingIRI greeting types do.
type VVMGreeting string

// Greeting kinds, from the X-CNS-Greeting-Type values a VVM client sends with a
// greeting (OMTP VVM v1.3 greeting headers, carried on by GSMA TS.46 v2.0 section
// 2.6.3): normal-greeting, voice-signature, busy-greeting, extended-absence-greeting
// and fun-greeting, as handset VVM clients enumerate them (read in the code corpus:
// a vendor's VvmGreetingType enum; AOSP's greeting upload sets normal-greeting).
// TS 102 232-2's MessagingGreetingType has general, name, personal, absence, number:
//   - normal-greeting: the owner's own greeting → personal
//   - busy-greeting: the owner's own greeting for the busy case → personal
//   - voice-signature: the recorded name → name
//   - extended-absence-greeting: the out-of-office greeting → absence
//   - fun-greeting (a greeting picked from a library, not recorded), an unknown
//     value or none → general
const (
	GreetingUnknown  VVMGreeting = ""
	GreetingPersonal VVMGreeting = "personal"
	GreetingName     VVMGreeting = "name"
	GreetingAbsence  VVMGreeting = "absence"
)

// ParseVVMGreetingType maps an X-CNS-Greeting-Type value to a greeting kind;
// an unknown value gives GreetingUnknown (delivered as the general greeting).
func ParseVVMGreetingType(v string) VVMGreeting {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "normal-greeting", "busy-greeting":
		return GreetingPersonal
	case "voice-signature":
		return GreetingName
	case "extended-absence-greeting":
		return GreetingAbsence
	}
	return GreetingUnknown
}

// VVMPinChange is a parsed XCHANGE_TUI_PWD command. The PINs are delivered as the
// pincode property and must never be logged.
type VVMPinChange struct {
	New, Old string
}

// maxVVMPin bounds a PIN: the MessagingIRI pincode property is SIZE(1..32).
const maxVVMPin = 32

// ParseVVMPinChange parses the arguments of "tag XCHANGE_TUI_PWD PWD=<new> OLD_PWD=<old>"
// (tokens after the command name, in either order). The syntax is OMTP VVM v1.3
// section 2.3.1 "Change password request syntax", as AOSP's OmtpConstants
// (IMAP_CHANGE_TUI_PWD_FORMAT) sends it; the server answers OK, or NO with a reason
// ("password too short", "old password mismatch", ...). Errors name the field, never
// its value.
func ParseVVMPinChange(args []string) (VVMPinChange, error) {
	var pc VVMPinChange
	var seenNew, seenOld bool
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return VVMPinChange{}, fmt.Errorf("vvm: XCHANGE_TUI_PWD argument without '=' (%d bytes)", len(a))
		}
		switch strings.ToUpper(k) {
		case "PWD":
			pc.New, seenNew = v, true
		case "OLD_PWD":
			pc.Old, seenOld = v, true
		default:
			return VVMPinChange{}, fmt.Errorf("vvm: XCHANGE_TUI_PWD unknown argument %q", truncate(k, 16))
		}
	}
	if !seenNew || !seenOld {
		return VVMPinChange{}, errors.New("vvm: XCHANGE_TUI_PWD needs PWD= and OLD_PWD=")
	}
	if len(pc.New) == 0 || len(pc.New) > maxVVMPin {
		return VVMPinChange{}, fmt.Errorf("vvm: XCHANGE_TUI_PWD PWD length %d outside 1..%d", len(pc.New), maxVVMPin)
	}
	if len(pc.Old) > maxVVMPin {
		return VVMPinChange{}, fmt.Errorf("vvm: XCHANGE_TUI_PWD OLD_PWD length %d over %d", len(pc.Old), maxVVMPin)
	}
	return pc, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// VVMMessage is what a VVM message's bytes say to LI.
type VVMMessage struct {
	// Context is the Message-Context (or X-CNS-Message-Context) value, lower case.
	Context string
	// GreetingType is from X-CNS-Greeting-Type (greetings only).
	GreetingType VVMGreeting
	// HasGreetingType says the message carries X-CNS-Greeting-Type: it is a
	// greeting whatever its Message-Context (AOSP's upload sets only that header).
	HasGreetingType bool
	// Audio is the first audio/* part, decoded from its transfer encoding; nil when
	// the message has none (the IRI is still delivered, with no CC).
	Audio []byte
	// AudioType is the audio part's media type, e.g. audio/amr.
	AudioType string
}

// maxVVMAudio bounds the decoded audio kept for CC (OMTP messages are small AMR
// files; a larger part is cut and marked).
const maxVVMAudio = 16 << 20

// ErrVVMAudioTooLarge says the audio was cut at maxVVMAudio.
var ErrVVMAudioTooLarge = errors.New("vvm: audio part over 16 MiB, cut")

// ParseVVMMessage reads an RFC 5322 message as a VVM message. A message that is
// not MIME multipart but is itself audio/* gives its body as the audio.
func ParseVVMMessage(raw []byte) (VVMMessage, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return VVMMessage{}, fmt.Errorf("vvm: message header: %w", err)
	}
	out := VVMMessage{
		Context:      strings.ToLower(strings.TrimSpace(cmp.Or(m.Header.Get("Message-Context"), m.Header.Get("X-CNS-Message-Context")))),
		GreetingType: ParseVVMGreetingType(m.Header.Get("X-CNS-Greeting-Type")),
	}
	_, out.HasGreetingType = m.Header["X-Cns-Greeting-Type"]
	err = findAudio(&out, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body, 0)
	return out, err
}

// maxVVMDepth bounds nested multiparts.
const maxVVMDepth = 4

func findAudio(out *VVMMessage, ctype, cte string, body io.Reader, depth int) error {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		if ctype == "" {
			return nil
		}
		return fmt.Errorf("vvm: Content-Type at depth %d: %w", depth, err)
	}
	switch {
	case strings.HasPrefix(mt, "audio/"):
		b, err := io.ReadAll(io.LimitReader(decodeTransfer(cte, body), maxVVMAudio+1))
		if err != nil {
			return fmt.Errorf("vvm: audio part (%s): %w", mt, err)
		}
		out.AudioType = mt
		if len(b) > maxVVMAudio {
			out.Audio = b[:maxVVMAudio]
			return ErrVVMAudioTooLarge
		}
		out.Audio = b
		return nil
	case strings.HasPrefix(mt, "multipart/"):
		if depth >= maxVVMDepth {
			return fmt.Errorf("vvm: multipart nested over %d levels", maxVVMDepth)
		}
		if params["boundary"] == "" {
			return fmt.Errorf("vvm: %s at depth %d without boundary", mt, depth)
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("vvm: %s part at depth %d: %w", mt, depth, err)
			}
			if err := findAudio(out, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1); err != nil {
				return err
			}
			if out.Audio != nil {
				return nil
			}
		}
	}
	return nil
}

// decodeTransfer undoes a part's Content-Transfer-Encoding (OMTP audio is base64).
func decodeTransfer(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &stripSpace{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// stripSpace drops CR, LF, spaces and tabs so base64 lines decode as one stream.
type stripSpace struct{ r io.Reader }

func (s *stripSpace) Read(p []byte) (int, error) {
	for {
		n, err := s.r.Read(p)
		j := 0
		for _, c := range p[:n] {
			if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}
