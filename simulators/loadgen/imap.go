package loadgen

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// imapDriver plays one IMAP4 session per load session through umli's IMAP proxy: login,
// select INBOX, fetch every message (BODY.PEEK[], so the mailbox stays as it was), logout.
// The user must exist upstream with IMAPPassword; an empty INBOX is fetched from not at all.
type imapDriver struct{ cfg *Config }

// maxIMAPLiteral bounds one literal read from the server.
const maxIMAPLiteral = 64 << 20

func (d *imapDriver) session(ctx context.Context, _ int, target bool) (int, error) {
	user := d.cfg.IMAPUser
	if !target {
		user = d.cfg.IMAPNonTargetUser
	}
	var dl net.Dialer
	conn, err := dl.DialContext(ctx, "tcp", d.cfg.MailIMAP)
	if err != nil {
		return 0, fmt.Errorf("imap %s: %w", d.cfg.MailIMAP, err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	c := &imapConn{c: conn, r: bufio.NewReader(conn)}
	if line, err := c.r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "* OK") {
		return 0, fmt.Errorf("imap %s: greeting %q: %w", d.cfg.MailIMAP, strings.TrimSpace(line), err)
	}
	if _, err := c.do("LOGIN " + imapQuote(user) + " " + imapQuote(d.cfg.IMAPPassword)); err != nil {
		return 0, fmt.Errorf("imap %s: login: %w", d.cfg.MailIMAP, err)
	}
	untagged, err := c.do("SELECT INBOX")
	if err != nil {
		return 0, fmt.Errorf("imap %s: select: %w", d.cfg.MailIMAP, err)
	}
	if exists(untagged) > 0 {
		if _, err := c.do("FETCH 1:* (BODY.PEEK[])"); err != nil {
			return 0, fmt.Errorf("imap %s: fetch: %w", d.cfg.MailIMAP, err)
		}
	}
	if _, err := c.do("LOGOUT"); err != nil {
		return 0, fmt.Errorf("imap %s: logout: %w", d.cfg.MailIMAP, err)
	}
	return 1, nil
}

func (d *imapDriver) close() {}

// imapConn is a minimal IMAP4 client: tagged commands, responses with literals.
type imapConn struct {
	c   net.Conn
	r   *bufio.Reader
	tag int
}

// do sends one command and reads to its tagged response; it returns the untagged lines
// (literals left out) and an error unless the command completed OK. Errors quote the
// server's status text only, never the command (it may hold a password).
func (c *imapConn) do(cmd string) ([]string, error) {
	c.tag++
	tag := "a" + strconv.Itoa(c.tag)
	if _, err := c.c.Write([]byte(tag + " " + cmd + "\r\n")); err != nil {
		return nil, err
	}
	return readTagged(c.r, tag)
}

// readTagged reads response lines up to the one tagged tag (see imapConn.do).
func readTagged(r *bufio.Reader, tag string) ([]string, error) {
	var untagged []string
	for {
		line, err := readLine(r)
		if err != nil {
			return untagged, err
		}
		if rest, ok := strings.CutPrefix(line, tag+" "); ok {
			if !strings.HasPrefix(rest, "OK") {
				return untagged, fmt.Errorf("server said %q", rest)
			}
			return untagged, nil
		}
		untagged = append(untagged, line)
	}
}

// readLine reads one response line, skipping over the literals it announces.
func readLine(r *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		s, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		s = strings.TrimRight(s, "\r\n")
		n, ok := literal(s)
		if !ok {
			b.WriteString(s)
			return b.String(), nil
		}
		if n > maxIMAPLiteral {
			return "", fmt.Errorf("literal of %d bytes exceeds %d", n, maxIMAPLiteral)
		}
		b.WriteString(s[:strings.LastIndexByte(s, '{')])
		if _, err := r.Discard(n); err != nil {
			return "", err
		}
	}
}

// literal reports the size of the literal that ends line ("… {123}"), if any.
func literal(line string) (int, bool) {
	if !strings.HasSuffix(line, "}") {
		return 0, false
	}
	i := strings.LastIndexByte(line, '{')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(line[i+1:len(line)-1], "+"))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// exists is the message count of a SELECT's "* N EXISTS" line (0 if none).
func exists(untagged []string) int {
	for _, l := range untagged {
		f := strings.Fields(l)
		if len(f) == 3 && f[0] == "*" && strings.EqualFold(f[2], "EXISTS") {
			if n, err := strconv.Atoi(f[1]); err == nil {
				return n
			}
		}
	}
	return 0
}

// imapQuote renders s as an IMAP quoted string.
func imapQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

var errNoIMAPUser = errors.New("loadgen: imap sessions need a password (--imap-password-file)")
