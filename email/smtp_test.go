package email

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

const smtpMsg = "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\nMessage-ID: <x1@example.org>\r\n" +
	"Subject: hi\r\n\r\nhello\r\n.dotted\r\n"

func TestSMTPSessionSequence(t *testing.T) {
	pipelined := "MAIL FROM:<alice@example.org> SIZE=100\r\nRCPT TO:<bob@example.net>\r\n" +
		"RCPT TO:<nobody@example.net>\r\nRCPT TO:<Carol@Example.net>\r\nDATA\r\n"
	stuffed := strings.Replace(smtpMsg, "\r\n.dotted", "\r\n..dotted", 1)
	authLine := "AUTH PLAIN " + b64("\x00alice@example.org\x00s3cret") + "\r\n"
	recs := feed(t, SMTP, Options{}, []step{
		s("220 mail.example ESMTP\r\n"),
		c("EHLO client.example\r\n"),
		s("250-mail.example\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250 PIPELINING\r\n"),
		c(authLine),
		s("235 2.7.0 Authentication successful\r\n"),
		c(pipelined),
		s("250 OK\r\n250 OK\r\n550 no such user\r\n250 OK\r\n354 go ahead\r\n"),
		c(stuffed[:30]), c(stuffed[30:] + ".\r\n"),
		s("250 queued as 1\r\n"),
		c("QUIT\r\n"),
		s("221 bye\r\n"),
	})
	from, to := etsi.DirectionFromTarget, etsi.DirectionToTarget
	// Every exchange is CC once, as exchanged, before its IRI; pipelined commands are
	// delivered each with its own reply (B.5/C.3 by analogy: after every finished
	// command/response); the message is CC only inside the DATA exchange.
	assertSequence(t, recs, []string{
		ccq(record.Continue, from, "EHLO client.example\r\n"),
		ccq(record.Continue, to, "250-mail.example\r\n250-AUTH PLAIN LOGIN CRAM-MD5\r\n250 PIPELINING\r\n"),
		logonOK,
		ccq(record.Continue, from, authLine),
		ccq(record.Continue, to, "235 2.7.0 Authentication successful\r\n"),
		logonOK,
		ccq(record.Continue, from, "MAIL FROM:<alice@example.org> SIZE=100\r\n"),
		ccq(record.Continue, to, "250 OK\r\n"),
		ccq(record.Continue, from, "RCPT TO:<bob@example.net>\r\n"),
		ccq(record.Continue, to, "250 OK\r\n"),
		ccq(record.Continue, from, "RCPT TO:<nobody@example.net>\r\n"),
		ccq(record.Continue, to, "550 no such user\r\n"),
		ccq(record.Continue, from, "RCPT TO:<Carol@Example.net>\r\n"),
		ccq(record.Continue, to, "250 OK\r\n"),
		ccq(record.Continue, from, "DATA\r\n"+stuffed+".\r\n"),
		ccq(record.Continue, to, "354 go ahead\r\n250 queued as 1\r\n"),
		iriq(record.Report, etsi.EmailSend, etsi.EmailStatusUnknown),
		ccq(record.Continue, from, "QUIT\r\n"),
		ccq(record.Continue, to, "221 bye\r\n"),
		logoffOK,
	})
	ev := iris(recs)
	auth := ev[1].EmailIRI.AAAInformation
	if auth == nil || auth.ASMTP == nil || auth.ASMTP.Username != "alice@example.org" ||
		string(auth.ASMTP.Response) != b64("\x00alice@example.org\x00s3cret") || *auth.ASMTP.Result != etsi.AAASucceeded ||
		*auth.ASMTP.AuthMethod != etsi.AuthMethodUndefined {
		t.Errorf("AUTH AAAInformation = %+v", auth)
	}
	send := ev[2].EmailIRI
	if *send.Sender != "alice@example.org" || strings.Join(send.Recipients, ",") != "bob@example.net,Carol@Example.net" ||
		*send.TotalRecipientCount != 2 || string(send.MessageID) != "<x1@example.org>" ||
		send.SenderValidity == nil || *send.SenderValidity != etsi.SenderValidated || send.AAAInformation == nil {
		t.Errorf("send IRI = %+v", send)
	}
	if want := int64(len(pipelined + stuffed + ".\r\n")); send.ClientOctetsSent != want {
		t.Errorf("send client octets = %d, want %d", send.ClientOctetsSent, want)
	}
	for _, r := range recs[14:17] {
		for _, a := range []string{"alice@example.org", "bob@example.net", "carol@example.net"} {
			if !hasIdentity(r, record.IdentityEmail, a) {
				t.Errorf("%s lacks identity %s: %v", describe(r), a, r.Identities)
			}
		}
	}
}

// TestSMTPEvents checks the IRI sequence of protocol variants.
func TestSMTPEvents(t *testing.T) {
	ehlo := []step{s("220 hi\r\n"), c("EHLO x\r\n"), s("250 ok\r\n")}
	runEvents(t, SMTP, []eventCase{
		{
			name:  "HELO refused",
			steps: []step{s("220 hi\r\n"), c("HELO x\r\n"), s("550 go away\r\n")},
			want:  []string{iriq(record.Report, etsi.EmailLogonFailure, etsi.EmailStatusFailed)},
		},
		{
			name: "AUTH LOGIN",
			steps: append(ehlo, c("AUTH LOGIN\r\n"), s("334 VXNlcm5hbWU6\r\n"), c(b64("bob")+"\r\n"),
				s("334 UGFzc3dvcmQ6\r\n"), c(b64("pw")+"\r\n"), s("235 ok\r\n"), c("QUIT\r\n"), s("221 bye\r\n")),
			want: []string{logonOK, logonOK, logoffOK},
			check: func(t *testing.T, iri, _ []*record.Record) {
				a := iri[1].EmailIRI.AAAInformation.ASMTP
				if a.Username != "bob" || string(a.Challenge) != "VXNlcm5hbWU6\nUGFzc3dvcmQ6" || string(a.Response) != b64("bob")+"\n"+b64("pw") {
					t.Errorf("AAA = %+v", a)
				}
				if !hasIdentity(iri[2], record.IdentityEmail, "bob") {
					t.Errorf("logoff lacks login identity: %v", iri[2].Identities)
				}
			},
		},
		{
			name: "AUTH CRAM-MD5 refused",
			steps: append(ehlo, c("AUTH CRAM-MD5\r\n"), s("334 "+b64("<1896.697170952@postoffice.example.net>")+"\r\n"),
				c(b64("tim b913a602c7eda7a495b4e6e7334d3890")+"\r\n"), s("535 5.7.8 no\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailLogonFailure, etsi.EmailStatusFailed),
				logoffUnknown,
			},
			check: func(t *testing.T, iri, _ []*record.Record) {
				a := iri[1].EmailIRI.AAAInformation.ASMTP
				if a.Username != "tim" || *a.AuthMethod != etsi.AuthMethodCRAMMD5 || *a.Result != etsi.AAAFailed ||
					string(a.Challenge) != b64("<1896.697170952@postoffice.example.net>") {
					t.Errorf("AAA = %+v", a)
				}
			},
		},
		{
			name: "AUTH base64 garbage",
			steps: append(ehlo, c("AUTH PLAIN\r\n"), s("334 \r\n"), c("!!!not base64\x00\xff\r\n"),
				s("501 5.5.2 cannot decode\r\n"), c("QUIT\r\n"), s("221 bye\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailLogonFailure, etsi.EmailStatusFailed),
				logoffOK,
			},
		},
		{
			name:  "AUTH without outcome is a logon attempt",
			steps: append(ehlo, c("AUTH PLAIN "+b64("\x00eve\x00pw")+"\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailLogonAttempt, etsi.EmailStatusUnknown),
				logoffUnknown,
			},
			check: func(t *testing.T, iri, _ []*record.Record) {
				if a := iri[1].EmailIRI.AAAInformation.ASMTP; a.Username != "eve" || *a.Result != etsi.AAAResultUnknown {
					t.Errorf("AAA = %+v", a)
				}
			},
		},
		{
			name: "STARTTLS stops parsing",
			steps: append(ehlo, c("STARTTLS\r\n"), s("220 go\r\n"), c("\x16\x03\x01garbage MAIL FROM:<x@y>\r\n"),
				s("\x16\x03\x03more\r\n250 ok\r\n")),
			want: []string{logonOK, logoffUnknown},
		},
		{
			name: "DATA refused, no send",
			steps: append(ehlo, c("MAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\n"), s("250 ok\r\n550 no\r\n554 no valid recipients\r\n"),
				c("QUIT\r\n"), s("221 bye\r\n")),
			want: []string{logonOK, logoffOK},
		},
		{
			name: "two messages, second rejected after data, receive mode",
			opts: Options{SMTPReceive: true},
			steps: append(ehlo,
				c("MAIL FROM:<a@x>\r\n"), s("250 ok\r\n"), c("RCPT TO:<b@y>\r\n"), s("250 ok\r\n"),
				c("DATA\r\n"), s("354 go\r\n"), c("Subject: 1\r\n\r\none\r\n.\r\n"), s("250 ok\r\n"),
				c("MAIL FROM:<>\r\n"), s("250 ok\r\n"), c("RCPT TO:<c@y>\r\n"), s("250 ok\r\n"),
				c("DATA\r\n"), s("354 go\r\n"), c("Subject: 2\r\n\r\ntwo\r\n.\r\n"), s("554 spam\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailReceive, etsi.EmailStatusSucceeded),
				iriq(record.Report, etsi.EmailReceive, etsi.EmailStatusFailed),
				logoffUnknown,
			},
			check: func(t *testing.T, iri, _ []*record.Record) {
				if *iri[2].EmailIRI.Sender != "" || iri[2].EmailIRI.Recipients[0] != "c@y" ||
					iri[2].EmailIRI.SenderValidity != nil {
					t.Errorf("second IRI = %+v", iri[2].EmailIRI)
				}
			},
		},
		{
			name: "RSET pipelined before DATA",
			steps: append(ehlo, c("MAIL FROM:<a@x>\r\nRSET\r\nMAIL FROM:<b@x>\r\nRCPT TO:<c@y>\r\nDATA\r\n"),
				s("250 ok\r\n250 reset\r\n250 ok\r\n250 ok\r\n354 go\r\n"), c("\r\nhi\r\n.\r\n"), s("250 ok\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailSend, etsi.EmailStatusUnknown),
				logoffUnknown,
			},
			check: func(t *testing.T, iri, _ []*record.Record) {
				if *iri[1].EmailIRI.Sender != "b@x" || iri[1].EmailIRI.Recipients[0] != "c@y" {
					t.Errorf("send IRI %+v", iri[1].EmailIRI)
				}
			},
		},
		{
			name: "RSET reply after DATA parsed",
			steps: append(ehlo, c("MAIL FROM:<a@x>\r\nRCPT TO:<c@y>\r\nRSET\r\nDATA\r\n"),
				s("250 ok\r\n250 ok\r\n250 reset\r\n503 need MAIL\r\n"), c("QUIT\r\n"), s("221 bye\r\n")),
			want: []string{logonOK, logoffOK},
		},
		{
			name: "BDAT chunking",
			steps: append(ehlo, c("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nBDAT 17\r\nMessage-ID: <"),
				c("b>\r\nBDAT 6 LAST\r\n\r\nbody"), s("250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailSend, etsi.EmailStatusUnknown),
				logoffUnknown,
			},
			check: func(t *testing.T, iri, _ []*record.Record) {
				if string(iri[1].EmailIRI.MessageID) != "<b>" {
					t.Errorf("message id %q", iri[1].EmailIRI.MessageID)
				}
			},
		},
	})
}

// TestSMTPManyRecipients counts thousands of RCPT TO while capping the list (E.1.5).
func TestSMTPManyRecipients(t *testing.T) {
	var cmds, replies strings.Builder
	const n = 5000
	for i := range n {
		fmt.Fprintf(&cmds, "RCPT TO:<r%d@example.net>\r\n", i)
		replies.WriteString("250 ok\r\n")
	}
	iri := iris(feed(t, SMTP, Options{MaxRecipients: 100}, []step{
		s("220 hi\r\n"), c("EHLO x\r\n"), s("250 ok\r\n"),
		c("MAIL FROM:<a@x>\r\n"), s("250 ok\r\n"),
		c(cmds.String()), s(replies.String()),
		c("DATA\r\n"), s("354 go\r\n"), c("\r\nx\r\n.\r\n"), s("250 ok\r\n"),
	}))
	send := iri[1].EmailIRI
	if *send.TotalRecipientCount != n || len(send.Recipients) != 100 {
		t.Fatalf("total %d, listed %d", *send.TotalRecipientCount, len(send.Recipients))
	}
}

// TestSMTPLargeData streams a 100 MB body in chunks without buffering it: every CC
// record stays within CCChunk and the content arrives complete.
func TestSMTPLargeData(t *testing.T) {
	col := &collector{}
	var total int64
	var maxCC int
	emit := func(r *record.Record) {
		if r.EmailCC != nil {
			maxCC = max(maxCC, len(r.EmailCC.Content))
			if r.Direction == etsi.DirectionFromTarget && r.EventKey == "sess#3" {
				total += int64(len(r.EmailCC.Content))
			}
			return
		}
		col.emit(r)
	}
	m := NewSMTP(testInfo, emit, Options{})
	now := testNow()
	for _, st := range []step{s("220 hi\r\n"), c("EHLO x\r\n"), s("250 ok\r\n"), c("MAIL FROM:<a@x>\r\n"), s("250 ok\r\n"),
		c("DATA\r\n"), s("354 go\r\n"), c("Subject: big\r\n\r\n")} {
		m.Feed(st.dir, []byte(st.data), now)
	}
	line := []byte(strings.Repeat("x", 998) + "\r\n")
	chunk := make([]byte, 0, 1<<20)
	for len(chunk)+len(line) <= cap(chunk) {
		chunk = append(chunk, line...)
	}
	const size = 100 << 20
	var sent int64
	for sent < size {
		m.Feed(FromClient, chunk, now)
		sent += int64(len(chunk))
	}
	m.Feed(FromClient, []byte(".\r\n"), now)
	m.Feed(FromServer, []byte("250 ok\r\n"), now)
	m.End(now)
	got := iris(col.recs)
	assertSequence(t, got, []string{
		logonOK,
		iriq(record.Report, etsi.EmailSend, etsi.EmailStatusUnknown),
		logoffUnknown,
	})
	if maxCC > 256<<10 {
		t.Errorf("largest CC %d bytes exceeds the chunk size", maxCC)
	}
	// The body reaches the LEMF once, inside the raw DATA exchange.
	if want := sent + int64(len("Subject: big\r\n\r\n")) + int64(len("DATA\r\n.\r\n")); total != want {
		t.Errorf("CC content %d bytes, want %d", total, want)
	}
}

// TestSMTPLineWithoutCRLF feeds a 10 MB line without LF: it is truncated, and the
// session continues once the line ends.
func TestSMTPLineWithoutCRLF(t *testing.T) {
	m := NewSMTP(testInfo, func(*record.Record) {}, Options{})
	now := testNow()
	m.Feed(FromServer, []byte("220 hi\r\n"), now)
	junk := []byte(strings.Repeat("A", 1<<20))
	for range 10 {
		m.Feed(FromClient, junk, now)
	}
	if l := m.cf.Buffered(); l > m.opts.MaxLine {
		t.Fatalf("line buffer grew to %d", l)
	}
	m.Feed(FromClient, []byte("\r\nEHLO x\r\n"), now)
	m.Feed(FromServer, []byte("500 too long\r\n250 ok\r\n"), now)
	if !m.open {
		t.Fatal("EHLO after the over-long line did not log on")
	}
	// The over-long line is a framing error naming the line and where it started.
	errs, n := m.FramingErrors()
	if n != 1 || !strings.Contains(errs[0].Error(), "smtp client line 1 (byte 0)") || !strings.Contains(errs[0].Error(), "exceeds") {
		t.Fatalf("framing errors %v (%d)", errs, n)
	}
}
