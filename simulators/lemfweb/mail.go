package lemfweb

import (
	"bufio"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/umli/umli/simulators/lemf"
)

// Bounds on what one e-mail view reads and shows.
const (
	maxTranscript = 256 << 10
	maxMessages   = 50
	maxBodyLines  = 400
	maxParts      = 20
)

// MailView is an EmailCC file shown as text: the captured session (the proxy's content
// is the protocol exchange, commands, responses and messages, in arrival order) and the
// messages found in it, each as headers and text parts. Nothing is rendered as HTML: the
// template escapes every byte.
type MailView struct {
	Transcript string
	Truncated  bool
	Messages   []MailMessage
	Error      string
}

// MailMessage is one RFC 5322 message found in the session.
type MailMessage struct {
	Headers [][2]string
	Parts   []MailPart
}

// MailPart is one body part: text shown escaped, anything else only named.
type MailPart struct {
	Type string
	Text string
	Note string
}

// headerLine matches an RFC 5322 field: printable ASCII name without ':' then ':'.
var headerLine = regexp.MustCompile(`^[!-9;-~]+:`)

// readMail reads content/NAME through an os.Root so the name cannot leave content/.
func readMail(dir, name string) *MailView {
	v := &MailView{}
	root, err := os.OpenRoot(filepath.Join(dir, lemf.ContentDir))
	if err != nil {
		v.Error = fmt.Sprintf("open %s: %v", lemf.ContentDir, err)
		return v
	}
	defer root.Close()
	f, err := root.Open(name)
	if err != nil {
		v.Error = fmt.Sprintf("open %s: %v", name, err)
		return v
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTranscript+1))
	if err != nil {
		v.Error = fmt.Sprintf("read %s: %v", name, err)
	}
	if len(b) > maxTranscript {
		b, v.Truncated = b[:maxTranscript], true
	}
	v.Transcript = strings.ToValidUTF8(string(b), "\uFFFD")
	v.Messages = findMessages(v.Transcript)
	return v
}

// findMessages finds header blocks (a From:, To: or Subject: field among at least two
// fields, then an empty line) and takes the body up to a lone "." (the SMTP/POP3 end of
// data), the next header block or maxBodyLines.
func findMessages(text string) []MailMessage {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []MailMessage
	for i := 0; i < len(lines) && len(out) < maxMessages; {
		end, ok := headerBlock(lines, i)
		if !ok {
			i++
			continue
		}
		body := end + 1
		stop := body
		for stop < len(lines) && stop-body < maxBodyLines && lines[stop] != "." {
			if _, next := headerBlock(lines, stop); next && stop > body {
				break
			}
			stop++
		}
		out = append(out, parseMessage(strings.Join(lines[i:stop], "\r\n")))
		i = stop
	}
	return out
}

// headerBlock reports whether lines[i:] start a message's header section, and the
// index of the empty line ending it.
func headerBlock(lines []string, i int) (int, bool) {
	fields, named := 0, false
	for j := i; j < len(lines); j++ {
		l := lines[j]
		switch {
		case l == "":
			return j, fields >= 2 && named
		case j > i && (l[0] == ' ' || l[0] == '\t'):
			// folded continuation
		case headerLine.MatchString(l):
			fields++
			name := strings.ToLower(l[:strings.IndexByte(l, ':')])
			named = named || name == "from" || name == "to" || name == "subject"
		default:
			return 0, false
		}
	}
	return 0, false
}

// parseMessage splits one message into headers and text parts; MIME encodings are
// undone for text parts, HTML is kept as source.
func parseMessage(raw string) MailMessage {
	var mm MailMessage
	msg, err := mail.ReadMessage(bufio.NewReader(strings.NewReader(raw + "\r\n")))
	if err != nil {
		mm.Parts = []MailPart{{Type: "text/plain", Text: raw, Note: "headers unreadable: " + err.Error()}}
		return mm
	}
	dec := new(mime.WordDecoder)
	for _, k := range sortedKeys(msg.Header) {
		for _, v := range msg.Header[k] {
			if d, err := dec.DecodeHeader(v); err == nil {
				v = d
			}
			mm.Headers = append(mm.Headers, [2]string{k, v})
		}
	}
	mm.Parts = parts(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, 0)
	return mm
}

func parts(contentType, cte string, body io.Reader, depth int) []MailPart {
	mt, params, err := mime.ParseMediaType(contentType)
	if contentType == "" || err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") && params["boundary"] != "" && depth < 3 {
		var out []MailPart
		mr := multipart.NewReader(body, params["boundary"])
		for len(out) < maxParts {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				out = append(out, MailPart{Type: mt, Note: "multipart unreadable: " + err.Error()})
				break
			}
			out = append(out, parts(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1)...)
		}
		return out
	}
	b, _ := io.ReadAll(io.LimitReader(decodeTransfer(cte, body), maxTranscript))
	switch {
	case mt == "text/html":
		return []MailPart{{Type: mt, Text: strings.ToValidUTF8(string(b), "\uFFFD"), Note: "HTML shown as source, not rendered"}}
	case strings.HasPrefix(mt, "text/"):
		return []MailPart{{Type: mt, Text: strings.ToValidUTF8(string(b), "\uFFFD")}}
	default:
		return []MailPart{{Type: mt, Note: fmt.Sprintf("%d bytes, not shown (not text)", len(b))}}
	}
}

func decodeTransfer(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &stripSpace{r: r})
	default:
		return r
	}
}

// stripSpace drops the line breaks base64 bodies carry.
type stripSpace struct{ r io.Reader }

func (s *stripSpace) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	out := p[:0]
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			out = append(out, c)
		}
	}
	return len(out), err
}

func sortedKeys(h mail.Header) []string {
	// Common fields first, in the order a reader expects, then the rest.
	order := []string{"From", "To", "Cc", "Subject", "Date", "Message-Id"}
	var out []string
	seen := map[string]bool{}
	for _, k := range order {
		if _, ok := h[k]; ok {
			out = append(out, k)
			seen[k] = true
		}
	}
	var rest []string
	for k := range h {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}
