package email

import (
	"strings"
	"testing"

	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

const (
	pop3Msg1 = "From: Dewey <dewey@dbc.mtview.ca.us>\r\nTo: mrose@dbc.mtview.ca.us\r\n" +
		"Message-ID: <m1@dbc.mtview.ca.us>\r\nSubject: one\r\n\r\nfirst line\r\n.leading dot\r\n"
	pop3Msg2Top = "From: Louie <louie@dbc.mtview.ca.us>\r\nResent-Message-ID: <r2@dbc.mtview.ca.us>\r\n\r\nline 1\r\n"
)

// TestPOP3AnnexB6 reproduces the TS 102 232-2 Annex B.6 example: the "I:" lines are
// logon (Begin) with CC of 4-5, CC 6-7, CC 8-12, download (Report) + CC 13-16, CC 17-18,
// partial download (Report) + CC 19-22, CC 23-24, logoff (End) + CC 25-26 and the CIN
// released. Every exchange is CC exactly once, as exchanged (the message dot-stuffed
// inside the RETR response), and precedes its IRI.
func TestPOP3AnnexB6(t *testing.T) {
	stuffed := strings.Replace(pop3Msg1, "\r\n.leading", "\r\n..leading", 1)
	recs := feed(t, POP3, Options{LoginDomain: "dbc.mtview.ca.us"}, []step{
		s("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
		c("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
		s("+OK mrose's maildrop has 2 messages (320 octets)\r\n"),
		c("STAT\r\n"),
		s("+OK 2 320\r\n"),
		c("LIST\r\n"),
		s("+OK 2 messages (320 octets)\r\n"), s("1 120\r\n"), s("2 200\r\n"), s(".\r\n"),
		c("RETR 1\r\n"),
		s("+OK 120 octets\r\n"), s(stuffed), s(".\r\n"),
		c("DELE 1\r\n"),
		s("+OK message 1 deleted\r\n"),
		c("TOP 2 10\r\n"),
		s("+OK top of message follows\r\n" + pop3Msg2Top + ".\r\n"),
		c("DELE 2\r\n"),
		s("+OK message 2 deleted\r\n"),
		c("QUIT\r\n"),
		s("+OK dewey POP3 server signing off (maildrop empty)\r\n"),
	})
	from, to := etsi.DirectionFromTarget, etsi.DirectionToTarget
	assertSequence(t, recs, []string{
		ccq(record.Continue, from, "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
		ccq(record.Continue, to, "+OK mrose's maildrop has 2 messages (320 octets)\r\n"),
		logonOK,
		ccq(record.Continue, from, "STAT\r\n"),
		ccq(record.Continue, to, "+OK 2 320\r\n"),
		ccq(record.Continue, from, "LIST\r\n"),
		ccq(record.Continue, to, "+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n"),
		ccq(record.Continue, from, "RETR 1\r\n"),
		ccq(record.Continue, to, "+OK 120 octets\r\n"+stuffed+".\r\n"),
		iriq(record.Report, etsi.EmailDownload, etsi.EmailStatusSucceeded),
		ccq(record.Continue, from, "DELE 1\r\n"),
		ccq(record.Continue, to, "+OK message 1 deleted\r\n"),
		ccq(record.Continue, from, "TOP 2 10\r\n"),
		ccq(record.Continue, to, "+OK top of message follows\r\n"+pop3Msg2Top+".\r\n"),
		iriq(record.Report, etsi.EmailPartialDownload, etsi.EmailStatusSucceeded),
		ccq(record.Continue, from, "DELE 2\r\n"),
		ccq(record.Continue, to, "+OK message 2 deleted\r\n"),
		ccq(record.Continue, from, "QUIT\r\n"),
		ccq(record.Continue, to, "+OK dewey POP3 server signing off (maildrop empty)\r\n"),
		logoffOK,
	})

	ev := iris(recs)
	logon := ev[0].EmailIRI
	if a := logon.AAAInformation; a == nil || a.POP3 == nil || a.POP3.Username != "mrose" ||
		a.POP3.Password == nil || *a.POP3.Password != "c4c9334bac560ecc979e58001b3e22fb" ||
		a.POP3.Result == nil || *a.POP3.Result != etsi.AAASucceeded {
		t.Errorf("logon AAAInformation = %+v", logon.AAAInformation)
	}
	if logon.ProtocolID != etsi.ProtocolPOP3 || *logon.ClientPort != 40000 || *logon.ServerPort != 110 ||
		string(logon.ClientAddress.Binary) != string([]byte{192, 0, 2, 10}) {
		t.Errorf("logon endpoints = %+v", logon)
	}
	dl := ev[1].EmailIRI
	if string(dl.MessageID) != "<m1@dbc.mtview.ca.us>" || dl.Sender == nil || *dl.Sender != "dewey@dbc.mtview.ca.us" ||
		len(dl.Recipients) != 1 || dl.Recipients[0] != "mrose@dbc.mtview.ca.us" || *dl.TotalRecipientCount != 1 {
		t.Errorf("download IRI = %+v", dl)
	}
	if want := int64(len("RETR 1\r\n")); dl.ClientOctetsSent != want {
		t.Errorf("download client octets = %d, want %d", dl.ClientOctetsSent, want)
	}
	if want := int64(len("+OK 120 octets\r\n" + stuffed + ".\r\n")); dl.ServerOctetsSent != want {
		t.Errorf("download server octets = %d, want %d", dl.ServerOctetsSent, want)
	}
	if top := ev[2].EmailIRI; string(top.MessageID) != "<r2@dbc.mtview.ca.us>" || *top.Sender != "louie@dbc.mtview.ca.us" {
		t.Errorf("partial download IRI = %+v", top)
	}
	for _, r := range recs {
		if !hasIdentity(r, record.IdentityIP, "192.0.2.10") || !hasIdentity(r, record.IdentityEmail, "mrose") ||
			!hasIdentity(r, record.IdentityEmail, "mrose@dbc.mtview.ca.us") {
			t.Errorf("%s: identities %v", describe(r), r.Identities)
		}
		if r.Source != "mail-1" || r.CorrelationKey != "sess" {
			t.Errorf("%s: source %q key %q", describe(r), r.Source, r.CorrelationKey)
		}
	}
}

// TestPOP3Events checks the IRI sequence of protocol variants.
func TestPOP3Events(t *testing.T) {
	greet := s("+OK ready\r\n")
	runEvents(t, POP3, []eventCase{
		{
			name:  "USER/PASS refused",
			steps: []step{greet, c("USER kim\r\n"), s("+OK\r\n"), c("PASS bad\r\n"), s("-ERR [AUTH] no\r\n")},
			want:  []string{iriq(record.Report, etsi.EmailLogonFailure, etsi.EmailStatusFailed)},
			user:  "kim", pass: "bad", result: etsi.AAAFailed,
		},
		{
			name: "pipelined USER/PASS/RETR, failed RETR gives no event",
			steps: []step{greet, c("USER kim\r\nPASS pw\r\nRETR 9\r\nRETR 1\r\n"),
				s("+OK\r\n+OK logged in\r\n-ERR no such message\r\n+OK\r\nSubject: x\r\n\r\nhi\r\n.\r\n"),
				c("QUIT\r\n"), s("+OK bye\r\n")},
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailDownload, etsi.EmailStatusSucceeded),
				logoffOK,
			},
		},
		{
			name:  "PASS without answer: logon attempt",
			steps: []step{greet, c("USER kim\r\n"), s("+OK\r\n"), c("PASS pw\r\n")},
			want:  []string{iriq(record.Report, etsi.EmailLogonAttempt, etsi.EmailStatusUnknown)},
		},
		{
			name: "AUTH PLAIN",
			steps: []step{greet, c("AUTH PLAIN\r\n"), s("+ \r\n"), c(b64("\x00kim\x00pw") + "\r\n"), s("+OK\r\n"),
				c("UIDL\r\n"), s("+OK\r\n1 a\r\n.\r\n"), c("TOP 1 0\r\n"), s("+OK\r\nSubject: x\r\n\r\n.\r\n")},
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailPartialDownload, etsi.EmailStatusSucceeded),
				logoffUnknown,
			},
			user: "kim", pass: "pw",
		},
		{
			name:  "STLS: stop parsing",
			steps: []step{greet, c("STLS\r\n"), s("+OK begin\r\n"), c("\x16\x03USER x\r\nPASS y\r\n"), s("\x16+OK\r\n")},
			want:  nil,
		},
	})
}
