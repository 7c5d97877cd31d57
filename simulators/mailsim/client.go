package mailsim

import (
	"bufio"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email"
	"github.com/umli/umli/email/annex"
)

// Config says which scripted sessions Run plays and where.
type Config struct {
	// SMTP, POP3 and IMAP are server addresses (host:port); empty skips the protocol.
	SMTP, POP3, IMAP string
	// POP3Password, when set, answers the greeting's APOP timestamp with a digest for
	// the example's user "mrose" (RFC 1939's example password is "tanstaaf"); empty
	// sends the example's digest as printed.
	POP3Password string
	// IMAPUser and IMAPPassword replace the example's "mrc"/"secret" when set.
	IMAPUser, IMAPPassword string
	// SMTPUser and SMTPPassword replace the example's AUTH PLAIN alice/pw when set.
	SMTPUser, SMTPPassword string
	// VVM is an OMTP Visual Voicemail (IMAP) server address; VVMUser and VVMPassword
	// replace the script's box and PIN (VVMUser, VVMPIN) when set.
	VVM                  string
	VVMUser, VVMPassword string
	// Timeout bounds each session (default 30 s).
	Timeout time.Duration
	Logger  zerolog.Logger
}

// Run plays the configured sessions one after another: SMTP submission, Annex B.6
// POP3, Annex C.4 IMAP4, the OMTP VVM session.
func Run(ctx context.Context, cfg Config) error {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	sessions := []struct {
		name, addr string
		steps      func(greeting string) []annex.Step
		read       responseReader
	}{
		{email.SMTP.String(), cfg.SMTP, cfg.smtpSteps, readSMTP},
		{email.POP3.String(), cfg.POP3, cfg.pop3Steps, readPOP3},
		{email.IMAP.String(), cfg.IMAP, cfg.imapSteps, readIMAP},
		{email.VVM.String(), cfg.VVM, cfg.vvmSteps, readIMAP},
	}
	for _, s := range sessions {
		if s.addr == "" {
			continue
		}
		if err := play(ctx, cfg, s.addr, s.steps, s.read); err != nil {
			return fmt.Errorf("mailsim %s session with %s: %w", s.name, s.addr, err)
		}
		cfg.Logger.Info().Str("proto", s.name).Msg("mailsim: session played")
	}
	return nil
}

// responseReader reads one complete server response to the command cmd ("" for the
// greeting) and returns it.
type responseReader func(r *bufio.Reader, cmd string) (string, error)

func play(ctx context.Context, cfg Config, addr string, steps func(string) []annex.Step, read responseReader) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("dial: %w", err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	r := bufio.NewReader(conn)
	greeting, err := read(r, "")
	if err != nil {
		return fmt.Errorf("greeting: %w", err)
	}
	for _, st := range steps(greeting) {
		if st.FromServer {
			continue
		}
		if _, err := conn.Write([]byte(st.Data)); err != nil {
			return fmt.Errorf("sending %q: %w", firstLine(st.Data), err)
		}
		if _, err := read(r, st.Data); err != nil {
			return fmt.Errorf("response to %q: %w", firstLine(st.Data), err)
		}
	}
	return nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\r\n")
	if len(l) > 40 {
		l = l[:40] + "..."
	}
	return l
}

// withLogin puts data in place of the script's login step (the one starting
// with prefix), for the credentials of the configured account.
func withLogin(steps []annex.Step, prefix, data string) []annex.Step {
	for i, st := range steps {
		if strings.HasPrefix(st.Data, prefix) {
			steps[i].Data = data
		}
	}
	return steps
}

func (cfg Config) smtpSteps(string) []annex.Step {
	if cfg.SMTPUser == "" {
		return annex.SMTP()
	}
	cred := base64.StdEncoding.EncodeToString([]byte("\x00" + cfg.SMTPUser + "\x00" + cfg.SMTPPassword))
	return withLogin(annex.SMTP(), "AUTH PLAIN ", "AUTH PLAIN "+cred+"\r\n")
}

func (cfg Config) pop3Steps(greeting string) []annex.Step {
	stamp := apopTimestamp(greeting)
	if cfg.POP3Password == "" || stamp == "" {
		return annex.B6()
	}
	sum := md5.Sum([]byte(stamp + cfg.POP3Password))
	return withLogin(annex.B6(), "APOP ", "APOP mrose "+hex.EncodeToString(sum[:])+"\r\n")
}

func (cfg Config) imapSteps(string) []annex.Step {
	if cfg.IMAPUser == "" {
		return annex.C4WithDownloadAndUpload()
	}
	return withLogin(annex.C4WithDownloadAndUpload(), "a001 login ", fmt.Sprintf("a001 login %s %s\r\n", cfg.IMAPUser, cfg.IMAPPassword))
}

// readSMTP reads one reply: lines until "ddd " (or a bare code). DATA's 354 is a
// reply too; the message then gets the final one.
func readSMTP(r *bufio.Reader, _ string) (string, error) {
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			return b.String(), err
		}
		l := strings.TrimRight(line, "\r\n")
		if len(l) < 3 {
			return b.String(), fmt.Errorf("malformed reply line %q", l)
		}
		if len(l) == 3 || l[3] == ' ' {
			return b.String(), nil
		}
	}
}

// readPOP3 reads a status line and, for a positive answer to a multi-line command,
// the body up to the terminating ".".
func readPOP3(r *bufio.Reader, cmd string) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		return line, err
	}
	if !strings.HasPrefix(line, "+OK") || !pop3MultiLine(cmd) {
		return line, nil
	}
	var b strings.Builder
	b.WriteString(line)
	for {
		l, err := r.ReadString('\n')
		b.WriteString(l)
		if err != nil {
			return b.String(), err
		}
		if l == ".\r\n" || l == ".\n" {
			return b.String(), nil
		}
	}
}

func pop3MultiLine(cmd string) bool {
	f := strings.Fields(strings.ToUpper(cmd))
	if len(f) == 0 {
		return false
	}
	switch f[0] {
	case "RETR", "TOP", "CAPA":
		return true
	case "LIST", "UIDL":
		return len(f) == 1
	}
	return false
}

// readIMAP reads until the tagged completion of cmd (the greeting: one line),
// following literals.
func readIMAP(r *bufio.Reader, cmd string) (string, error) {
	tag, _, _ := strings.Cut(cmd, " ")
	var b strings.Builder
	for {
		line, err := r.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			return b.String(), err
		}
		if size, ok := literalSize(line); ok {
			n, err := strconv.Atoi(size)
			if err != nil || n > 64<<20 {
				return b.String(), fmt.Errorf("literal size %q", size)
			}
			buf := make([]byte, n)
			if _, err := io.ReadFull(r, buf); err != nil {
				return b.String(), err
			}
			b.Write(buf)
			continue
		}
		if cmd == "" {
			return b.String(), nil
		}
		if strings.HasPrefix(line, tag+" ") {
			if strings.HasPrefix(line, tag+" OK") {
				return b.String(), nil
			}
			return b.String(), errors.New(strings.TrimSpace(line))
		}
	}
}

// apopTimestamp finds the "<...@...>" timestamp of a POP3 greeting (RFC 1939 clause 7).
func apopTimestamp(greeting string) string {
	i := strings.IndexByte(greeting, '<')
	j := strings.LastIndexByte(greeting, '>')
	if i < 0 || j < i || !strings.Contains(greeting[i:j], "@") {
		return ""
	}
	return greeting[i : j+1]
}

// literalSize returns the digits of a "{123}" or "{123+}" ending a line.
func literalSize(line string) (string, bool) {
	l := strings.TrimRight(line, "\r\n")
	if !strings.HasSuffix(l, "}") {
		return "", false
	}
	i := strings.LastIndexByte(l, '{')
	if i < 0 {
		return "", false
	}
	return strings.TrimSuffix(l[i+1:len(l)-1], "+"), true
}
