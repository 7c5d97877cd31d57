package testmail

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one mail the SMTP server accepted.
type Message struct {
	From string
	To   []string
	Data []byte
	User string
}

// SMTPServer is a go-smtp server with AUTH PLAIN, LOGIN and CRAM-MD5 against Users.
type SMTPServer struct {
	Addr  string
	Users map[string]string

	mu   sync.Mutex
	msgs []Message
	srv  *smtp.Server
}

// SMTPOptions configure StartSMTP.
type SMTPOptions struct {
	Users map[string]string
	// TLS enables STARTTLS (or implicit TLS with Implicit).
	TLS      *tls.Config
	Implicit bool
	// MaxMessageBytes defaults to 64 MiB.
	MaxMessageBytes int64
}

// StartSMTP listens on a free loopback port; the server stops with the test.
func StartSMTP(tb testing.TB, o SMTPOptions) *SMTPServer {
	tb.Helper()
	s := &SMTPServer{Users: o.Users}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "mx.test"
	srv.AllowInsecureAuth = true
	srv.MaxMessageBytes = o.MaxMessageBytes
	if srv.MaxMessageBytes == 0 {
		srv.MaxMessageBytes = 64 << 20
	}
	srv.MaxRecipients = 100000
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.TLSConfig = o.TLS
	var ln net.Listener
	var err error
	if o.Implicit {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", o.TLS)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		tb.Fatal(err)
	}
	s.Addr, s.srv = ln.Addr().String(), srv
	go func() { _ = srv.Serve(ln) }()
	tb.Cleanup(func() { _ = srv.Close() })
	return s
}

// Messages returns the accepted mails.
func (s *SMTPServer) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

type backend struct{ s *SMTPServer }

// NewSession implements smtp.Backend.
func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *SMTPServer
	user string
	msg  Message
}

// AuthMechanisms implements smtp.AuthSession.
func (x *session) AuthMechanisms() []string { return []string{sasl.Plain, sasl.Login, "CRAM-MD5"} }

// Auth implements smtp.AuthSession.
func (x *session) Auth(mech string) (sasl.Server, error) {
	check := func(u, p string) error {
		if want, ok := x.s.Users[u]; !ok || want != p {
			return errors.New("invalid credentials")
		}
		x.user = u
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(_, u, p string) error { return check(u, p) }), nil
	case sasl.Login:
		return &loginServer{check: check}, nil
	case "CRAM-MD5":
		return &cramServer{users: x.s.Users, ok: func(u string) { x.user = u }}, nil
	}
	return nil, smtp.ErrAuthUnsupported
}

// Mail implements smtp.Session.
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.msg = Message{From: from, User: x.user}
	return nil
}

// Rcpt implements smtp.Session; addresses starting with "reject" are refused.
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "reject") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	x.msg.To = append(x.msg.To, to)
	return nil
}

// Data implements smtp.Session.
func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.msg.Data = b
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, x.msg)
	x.s.mu.Unlock()
	return nil
}

// Reset implements smtp.Session.
func (x *session) Reset() { x.msg = Message{} }

// Logout implements smtp.Session.
func (x *session) Logout() error { return nil }

// loginServer is SASL LOGIN (not in go-sasl's server side).
type loginServer struct {
	check      func(u, p string) error
	step       int
	user, pass string
}

// Next implements sasl.Server.
func (l *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step++
		if resp != nil {
			l.user = string(resp)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		l.user = string(resp)
		l.step++
		return []byte("Password:"), false, nil
	default:
		l.pass = string(resp)
		return nil, true, l.check(l.user, l.pass)
	}
}

// cramServer is SASL CRAM-MD5 (RFC 2195).
type cramServer struct {
	users     map[string]string
	ok        func(string)
	challenge []byte
}

// Next implements sasl.Server.
func (c *cramServer) Next(resp []byte) ([]byte, bool, error) {
	if c.challenge == nil {
		c.challenge = fmt.Appendf(nil, "<%d.%d@mx.test>", time.Now().UnixNano(), 42)
		return c.challenge, false, nil
	}
	user, digest, ok := bytes.Cut(resp, []byte{' '})
	pass, known := c.users[string(user)]
	if !ok || !known {
		return nil, true, errors.New("invalid credentials")
	}
	mac := hmac.New(md5.New, []byte(pass))
	mac.Write(c.challenge)
	if hex.EncodeToString(mac.Sum(nil)) != string(digest) {
		return nil, true, errors.New("invalid credentials")
	}
	c.ok(string(user))
	return nil, true, nil
}
