package loadgen

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// mailDriver submits one mail per session through umli's SMTP proxy.
type mailDriver struct{ cfg *Config }

func (d *mailDriver) session(ctx context.Context, i int, target bool) (int, error) {
	from, to := d.cfg.TargetEmail, fmt.Sprintf("rcpt%d@example.org", i)
	if !target {
		from = fmt.Sprintf("sender%d@%s", i, NonTargetDomain)
		to = fmt.Sprintf("rcpt%d@%s", i, NonTargetDomain)
	}
	var dl net.Dialer
	conn, err := dl.DialContext(ctx, "tcp", d.cfg.MailSMTP)
	if err != nil {
		return 0, fmt.Errorf("smtp %s: %w", d.cfg.MailSMTP, err)
	}
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	c := smtp.NewClient(conn)
	defer c.Close()
	msg := fmt.Sprintf("From: <%s>\r\nTo: <%s>\r\nSubject: load %d\r\nMessage-ID: <%s-mail-%d@load.example>\r\nDate: %s\r\n\r\nload message %d\r\n",
		from, to, i, d.cfg.RunID, i, time.Now().UTC().Format(time.RFC1123Z), i)
	if err := c.SendMail(from, []string{to}, strings.NewReader(msg)); err != nil {
		return 0, fmt.Errorf("smtp %s: %w", d.cfg.MailSMTP, err)
	}
	if err := c.Quit(); err != nil {
		return 0, fmt.Errorf("smtp %s: quit: %w", d.cfg.MailSMTP, err)
	}
	return 1, nil
}

func (d *mailDriver) close() {}
