package email

import (
	"strconv"
	"strings"
	"testing"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// sent concatenates the transcript's bytes of one direction, skipping the first n
// steps (the greeting).
func sent(steps []step, dir Direction, skip int) string {
	var b strings.Builder
	for _, st := range steps[skip:] {
		if st.dir == dir {
			b.WriteString(st.data)
		}
	}
	return b.String()
}

// TestPOP3CCEveryExchange: B.5 — CC holds every exchange of the session, USER, PASS,
// APOP and QUIT included (also a refused PASS before the logon), each delivered when
// its command/response finished, pipelined commands (RFC 2449 PIPELINING) each with
// its own response and event key.
func TestPOP3CCEveryExchange(t *testing.T) {
	from, to := etsi.DirectionFromTarget, etsi.DirectionToTarget
	t.Run("USER/PASS refused, then APOP, line by line", func(t *testing.T) {
		steps := []step{
			s("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
			c("USER mrose\r\n"), s("+OK\r\n"),
			c("PASS wrong\r\n"), s("-ERR [AUTH] invalid\r\n"),
			c("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"), s("+OK maildrop has 0 messages\r\n"),
			c("NOOP\r\n"), s("+OK\r\n"),
			c("QUIT\r\n"), s("+OK bye\r\n"),
		}
		recs := feed(t, POP3, Options{}, steps)
		assertSequence(t, recs, []string{
			ccq(record.Continue, from, "USER mrose\r\n"),
			ccq(record.Continue, to, "+OK\r\n"),
			ccq(record.Continue, from, "PASS wrong\r\n"),
			ccq(record.Continue, to, "-ERR [AUTH] invalid\r\n"),
			iriq(record.Report, etsi.EmailLogonFailure, etsi.EmailStatusFailed),
			ccq(record.Continue, from, "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
			ccq(record.Continue, to, "+OK maildrop has 0 messages\r\n"),
			logonOK,
			ccq(record.Continue, from, "NOOP\r\n"),
			ccq(record.Continue, to, "+OK\r\n"),
			ccq(record.Continue, from, "QUIT\r\n"),
			ccq(record.Continue, to, "+OK bye\r\n"),
			logoffOK,
		})
		for _, r := range recs {
			if !hasIdentity(r, record.IdentityEmail, "mrose") {
				t.Errorf("%s lacks the login identity: %v", describe(r), r.Identities)
			}
		}
	})
	t.Run("pipelined", func(t *testing.T) {
		msg := "Subject: x\r\n\r\n..dot\r\n"
		steps := []step{
			s("+OK ready\r\n"),
			c("CAPA\r\n"), s("+OK\r\nPIPELINING\r\nUSER\r\n.\r\n"),
			c("USER kim\r\nPASS pw\r\nSTAT\r\nRETR 1\r\nDELE 1\r\nQUIT\r\n"),
			s("+OK\r\n+OK in\r\n+OK 1 20\r\n"),
			s("+OK\r\n" + msg + ".\r\n+OK deleted\r\n"),
			s("+OK bye\r\n"),
		}
		recs := feed(t, POP3, Options{}, steps)
		assertSequence(t, recs, []string{
			ccq(record.Continue, from, "CAPA\r\n"),
			ccq(record.Continue, to, "+OK\r\nPIPELINING\r\nUSER\r\n.\r\n"),
			ccq(record.Continue, from, "USER kim\r\n"),
			ccq(record.Continue, to, "+OK\r\n"),
			ccq(record.Continue, from, "PASS pw\r\n"),
			ccq(record.Continue, to, "+OK in\r\n"),
			logonOK,
			ccq(record.Continue, from, "STAT\r\n"),
			ccq(record.Continue, to, "+OK 1 20\r\n"),
			ccq(record.Continue, from, "RETR 1\r\n"),
			ccq(record.Continue, to, "+OK\r\n"+msg+".\r\n"),
			iriq(record.Report, etsi.EmailDownload, etsi.EmailStatusSucceeded),
			ccq(record.Continue, from, "DELE 1\r\n"),
			ccq(record.Continue, to, "+OK deleted\r\n"),
			ccq(record.Continue, from, "QUIT\r\n"),
			ccq(record.Continue, to, "+OK bye\r\n"),
			logoffOK,
		})
		// Each exchange's CC carries its command's event key.
		for i := 0; i+1 < len(recs); i++ {
			if recs[i].EmailCC != nil && recs[i].Direction == from && recs[i+1].EmailCC != nil &&
				recs[i].EventKey != recs[i+1].EventKey {
				t.Errorf("records %d/%d: command and response under different event keys", i, i+1)
			}
		}
		c, s := testmail.CC(recs)
		if c != sent(steps, FromClient, 0) || s != sent(steps, FromServer, 1) {
			t.Errorf("CC is not every byte after the greeting:\nclient %q\nserver %q", c, s)
		}
	})
}

// TestIMAPCCEveryExchange: C.3 — CC from LOGIN or AUTHENTICATE to LOGOUT, those
// included (the SASL continuation and response too), each interaction delivered when it
// finished, pipelined commands each with its completion.
func TestIMAPCCEveryExchange(t *testing.T) {
	from, to := etsi.DirectionFromTarget, etsi.DirectionToTarget
	resp := b64("\x00kim\x00pw")
	steps := []step{
		s("* OK ready\r\n"),
		c("a0 CAPABILITY\r\n"), s("* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na0 OK\r\n"),
		c("a1 AUTHENTICATE PLAIN\r\n"), s("+ \r\n"), c(resp + "\r\n"), s("a1 OK done\r\n"),
		c("a2 NOOP\r\na3 FETCH 1 (FLAGS)\r\na4 LOGOUT\r\n"),
		s("a2 OK\r\n* 1 FETCH (FLAGS (\\Seen))\r\na3 OK\r\n"),
		s("* BYE\r\na4 OK bye\r\n"),
	}
	recs := feed(t, IMAP, Options{}, steps)
	assertSequence(t, recs, []string{
		// Before the AUTHENTICATE command nothing is part of the session (C.3).
		ccq(record.Continue, from, "a1 AUTHENTICATE PLAIN\r\n"+resp+"\r\n"),
		ccq(record.Continue, to, "+ \r\na1 OK done\r\n"),
		logonOK,
		ccq(record.Continue, from, "a2 NOOP\r\n"),
		ccq(record.Continue, to, "a2 OK\r\n"),
		ccq(record.Continue, from, "a3 FETCH 1 (FLAGS)\r\n"),
		ccq(record.Continue, to, "* 1 FETCH (FLAGS (\\Seen))\r\na3 OK\r\n"),
		iriq(record.Report, etsi.EmailPartialDownload, etsi.EmailStatusSucceeded),
		ccq(record.Continue, from, "a4 LOGOUT\r\n"),
		ccq(record.Continue, to, "* BYE\r\na4 OK bye\r\n"),
		logoffOK,
	})
}

// TestCCOnceAsExchanged: clause 7/EmailCC — the application-format CC is the layer 4
// payload as exchanged; a sent, downloaded or uploaded message is in it once (dot-
// stuffed in SMTP DATA and POP3 RETR, verbatim in an IMAP literal) and never again as
// a de-stuffed copy in the same stream.
func TestCCOnceAsExchanged(t *testing.T) {
	body := "Subject: s\r\nMessage-ID: <o@x>\r\n\r\n.dot line\r\nend\r\n"
	stuffed := strings.Replace(body, "\r\n.dot", "\r\n..dot", 1)
	tests := []struct {
		name  string
		proto Protocol
		steps []step
		want  string // the message as it appears in the CC
	}{
		{"SMTP DATA", SMTP, []step{s("220\r\n"), c("EHLO c\r\n"), s("250\r\n"), c("MAIL FROM:<a@x>\r\n"), s("250\r\n"),
			c("RCPT TO:<b@y>\r\n"), s("250\r\n"), c("DATA\r\n"), s("354\r\n"), c(stuffed + ".\r\n"), s("250\r\n")}, stuffed},
		{"POP3 RETR", POP3, []step{s("+OK\r\n"), c("USER k\r\n"), s("+OK\r\n"), c("PASS p\r\n"), s("+OK\r\n"),
			c("RETR 1\r\n"), s("+OK\r\n" + stuffed + ".\r\n")}, stuffed},
		{"IMAP FETCH", IMAP, []step{s("* OK\r\n"), c("a1 LOGIN k p\r\n"), s("a1 OK\r\n"), c("a2 FETCH 1 BODY[]\r\n"),
			s("* 1 FETCH (BODY[] {" + strconv.Itoa(len(body)) + "}\r\n" + body + ")\r\na2 OK\r\n")}, body},
		{"IMAP APPEND", IMAP, []step{s("* OK\r\n"), c("a1 LOGIN k p\r\n"), s("a1 OK\r\n"),
			c("a2 APPEND x {" + strconv.Itoa(len(body)) + "+}\r\n" + body + "\r\n"), s("a2 OK\r\n")}, body},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs := feed(t, tc.proto, Options{}, tc.steps)
			c, s := testmail.CC(recs)
			all := c + s
			if n := strings.Count(all, tc.want); n != 1 {
				t.Errorf("message %d times in the CC, want once", n)
			}
			if tc.want == stuffed && strings.Contains(all, "\r\n.dot line") && !strings.Contains(all, "\r\n..dot line") {
				t.Errorf("CC holds de-stuffed text")
			}
			if c != sent(tc.steps, FromClient, 0) || s != sent(tc.steps, FromServer, 1) {
				t.Errorf("CC differs from the exchange:\nclient %q\nserver %q", c, s)
			}
			for _, r := range recs {
				if r.EmailCC != nil && r.EmailCC.Format != etsi.EmailFormatApplication {
					t.Errorf("CC format %v", r.EmailCC.Format)
				}
			}
			var msgID bool
			for _, r := range iris(recs) {
				msgID = msgID || string(r.EmailIRI.MessageID) == "<o@x>"
			}
			if !msgID {
				t.Error("no IRI with the message's Message-ID")
			}
		})
	}
}
