package email

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/internal/testredis"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
	msession "github.com/umli/umli/mediation/session"
)

// numberer numbers records as mediation does (the session store on a real Redis), so a
// test sees the iRIType and CIN that reach the PS-PDU.
type numberer struct {
	t     *testing.T
	store *msession.Store
}

func newNumberer(t *testing.T) *numberer {
	t.Helper()
	srv := testredis.Start(t)
	rdb := srv.Client(t)
	st, err := msession.New(rdb, msession.Config{Instance: "email-test", IdleTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return &numberer{t: t, store: st}
}

// numbered is one record with the numbers mediation gave it.
type numbered struct {
	r *record.Record
	n msession.Numbers
}

// number steps every record of one session, in order, under correlation key ck.
func (nb *numberer) number(ck string, recs []*record.Record) []numbered {
	nb.t.Helper()
	out := make([]numbered, 0, len(recs))
	for i, r := range recs {
		kind := msession.CC
		if r.EmailIRI != nil {
			kind = msession.IRI
		}
		n, err := nb.store.Step(context.Background(), &msession.Step{NE: r.Source, CorrelationKey: ck, Boundary: r.Boundary,
			Kind: kind, EventKey: r.EventKey, LIIDs: []string{"L1"}, ID: nb.store.NewID(), Blob: []byte("r"), Now: r.Time})
		if err != nil {
			nb.t.Fatalf("record %d (%s): %v", i, describe(r), err)
		}
		out = append(out, numbered{r, n})
	}
	return out
}

// eventOf returns the numbered IRI of event ev (the last one when several).
func eventOf(t *testing.T, ns []numbered, ev etsi.EmailEvent) numbered {
	t.Helper()
	var found *numbered
	for i := range ns {
		if ns[i].r.EmailIRI != nil && ns[i].r.EmailIRI.EventType == ev {
			found = &ns[i]
		}
	}
	if found == nil {
		var all []string
		for _, n := range ns {
			all = append(all, describe(n.r))
		}
		t.Fatalf("no %s IRI among %q", testmail.EventName(ev), all)
	}
	return *found
}

// recordRow is one row of an Annex event-record mapping table.
type recordRow struct {
	row    string // the table's event name
	proto  Protocol
	steps  []step
	event  etsi.EmailEvent
	itype  etsi.IRIType
	status etsi.EmailStatus
	// sameCIN: the event shares the CIN of the session's logon (iRI-Begin).
	sameCIN bool
}

// runRecordRows numbers each row's session and checks the event's iRIType, status and
// CIN; every CC of the session must share the event's CIN when it has content.
func runRecordRows(t *testing.T, rows []recordRow) {
	nb := newNumberer(t)
	for i, tc := range rows {
		t.Run(tc.row, func(t *testing.T) {
			recs := feed(t, tc.proto, Options{LoginDomain: "example.org"}, tc.steps)
			ns := nb.number(fmt.Sprintf("row-%d", i), recs)
			ev := eventOf(t, ns, tc.event)
			if ev.n.IRIType != tc.itype {
				t.Errorf("%s: iRIType %v, want %v", tc.row, ev.n.IRIType, tc.itype)
			}
			if ev.r.EmailIRI.Status != tc.status {
				t.Errorf("%s: status %v, want %v", tc.row, ev.r.EmailIRI.Status, tc.status)
			}
			if tc.sameCIN {
				logon := eventOf(t, ns, etsi.EmailLogon)
				if logon.n.IRIType != etsi.IRIBegin && logon.n.IRIType != etsi.IRIContinue {
					t.Errorf("logon iRIType %v", logon.n.IRIType)
				}
				if ev.n.CIN != logon.n.CIN {
					t.Errorf("%s in CIN %d, logon in CIN %d: want one CIN for the session", tc.row, ev.n.CIN, logon.n.CIN)
				}
			}
			for _, n := range ns {
				if n.r.EmailCC != nil && n.r.EventKey == ev.r.EventKey && n.n.CIN != ev.n.CIN {
					t.Errorf("CC of the event in CIN %d, IRI in CIN %d", n.n.CIN, ev.n.CIN)
				}
			}
		})
	}
}

// TestTableA2SMTPRecords checks every row of Table A.2 (SMTP events → HI2 record).
func TestTableA2SMTPRecords(t *testing.T) {
	greet, ehlo := s("220 mx ESMTP\r\n"), []step{s("220 mx ESMTP\r\n"), c("EHLO c\r\n"), s("250 mx\r\n")}
	tx := func(reply string) []step {
		return append(append([]step{}, ehlo...), c("MAIL FROM:<alice@example.org>\r\n"), s("250 ok\r\n"),
			c("RCPT TO:<bob@example.net>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"),
			c("Subject: x\r\n\r\nhi\r\n.\r\n"), s(reply), c("QUIT\r\n"), s("221 bye\r\n"))
	}
	runRecordRows(t, []recordRow{
		{"SMTP log on: Begin", SMTP, ehlo, etsi.EmailLogon, etsi.IRIBegin, etsi.EmailStatusSucceeded, false},
		{"SMTP log on attempt: Report", SMTP, append(append([]step{}, ehlo...), c("AUTH PLAIN "+b64("\x00alice\x00pw")+"\r\n")),
			etsi.EmailLogonAttempt, etsi.IRIReport, etsi.EmailStatusUnknown, true},
		{"SMTP log on attempt refused (AUTH 535): Report", SMTP, append(append([]step{}, ehlo...),
			c("AUTH PLAIN "+b64("\x00alice\x00bad")+"\r\n"), s("535 5.7.8 authentication failed\r\n"), c("QUIT\r\n"), s("221 bye\r\n")),
			etsi.EmailLogonFailure, etsi.IRIReport, etsi.EmailStatusFailed, true},
		{"SMTP log on refused (HELO 5xx): Report", SMTP, []step{greet, c("HELO c\r\n"), s("550 go away\r\n")},
			etsi.EmailLogonFailure, etsi.IRIReport, etsi.EmailStatusFailed, false},
		{"E-mail send successful: Report", SMTP, tx("250 queued\r\n"), etsi.EmailSend, etsi.IRIReport, etsi.EmailStatusUnknown, true},
		{"E-mail send unsuccessful: Report", SMTP, tx("554 rejected\r\n"), etsi.EmailSend, etsi.IRIReport, etsi.EmailStatusFailed, true},
		{"SMTP log off: End", SMTP, tx("250 queued\r\n"), etsi.EmailLogoff, etsi.IRIEnd, etsi.EmailStatusSucceeded, true},
	})
}

// TestTableB2POP3Records checks the rows of Table B.2 a POP3 session can produce
// (Modifying Supplementary Service, Forward and Reply on incoming mail are no POP3
// commands).
func TestTableB2POP3Records(t *testing.T) {
	greet := s("+OK ready\r\n")
	login := []step{greet, c("USER kim\r\n"), s("+OK\r\n"), c("PASS pw\r\n"), s("+OK in\r\n")}
	with := func(more ...step) []step { return append(append([]step{}, login...), more...) }
	runRecordRows(t, []recordRow{
		{"POP3 log on attempt: Report", POP3, []step{greet, c("USER kim\r\n"), s("+OK\r\n"), c("PASS pw\r\n")},
			etsi.EmailLogonAttempt, etsi.IRIReport, etsi.EmailStatusUnknown, false},
		{"POP3 log on failure: Report", POP3, []step{greet, c("USER kim\r\n"), s("+OK\r\n"), c("PASS bad\r\n"), s("-ERR no\r\n")},
			etsi.EmailLogonFailure, etsi.IRIReport, etsi.EmailStatusFailed, false},
		{"POP3 log on failure after a log on: Report in its CIN", POP3,
			with(c("APOP kim 0123456789abcdef0123456789abcdef\r\n"), s("-ERR not now\r\n")),
			etsi.EmailLogonFailure, etsi.IRIReport, etsi.EmailStatusFailed, true},
		{"POP3 log on: Begin", POP3, login, etsi.EmailLogon, etsi.IRIBegin, etsi.EmailStatusSucceeded, false},
		{"POP3 log on (APOP): Begin", POP3, []step{greet, c("APOP kim 0123456789abcdef0123456789abcdef\r\n"), s("+OK\r\n")},
			etsi.EmailLogon, etsi.IRIBegin, etsi.EmailStatusSucceeded, false},
		{"E-mail download: Report", POP3, with(c("RETR 1\r\n"), s("+OK\r\nSubject: x\r\n\r\nhi\r\n.\r\n")),
			etsi.EmailDownload, etsi.IRIReport, etsi.EmailStatusSucceeded, true},
		{"E-mail partial download: Report", POP3, with(c("TOP 1 0\r\n"), s("+OK\r\nSubject: x\r\n\r\n.\r\n")),
			etsi.EmailPartialDownload, etsi.IRIReport, etsi.EmailStatusSucceeded, true},
		{"POP3 log off: End", POP3, with(c("QUIT\r\n"), s("+OK bye\r\n")), etsi.EmailLogoff, etsi.IRIEnd, etsi.EmailStatusSucceeded, true},
		{"POP3 log off refused (-ERR in UPDATE): End, failed", POP3, with(c("QUIT\r\n"), s("-ERR some deleted messages not removed\r\n")),
			etsi.EmailLogoff, etsi.IRIEnd, etsi.EmailStatusFailed, true},
	})
}

// TestTableC1IMAPRecords checks every row of Table C.1: LOGIN and AUTHENTICATE are
// iRI-Begin, FETCH and UID FETCH (download, partial download) and APPEND (upload) are
// iRI-Report in the session's CIN, LOGOUT is iRI-End.
func TestTableC1IMAPRecords(t *testing.T) {
	greet := s("* OK ready\r\n")
	login := []step{greet, c("a1 LOGIN joe pw\r\n"), s("a1 OK done\r\n")}
	with := func(more ...step) []step { return append(append([]step{}, login...), more...) }
	msg := "From: Ann <ann@example.org>\r\nMessage-ID: <m@example.org>\r\n\r\nbody\r\n"
	fetch := func(cmd, item string) []step {
		return with(c("a2 "+cmd+"\r\n"), s(fmt.Sprintf("* 1 FETCH (%s {%d}\r\n%s)\r\na2 OK done\r\n", item, len(msg), msg)))
	}
	runRecordRows(t, []recordRow{
		{"LOGIN: e-mail-logon Begin", IMAP, login, etsi.EmailLogon, etsi.IRIBegin, etsi.EmailStatusSucceeded, false},
		{"LOGIN refused: e-mail-logon Begin, failed (C.2)", IMAP, []step{greet, c("a1 LOGIN joe bad\r\n"), s("a1 NO [AUTHENTICATIONFAILED]\r\n")},
			etsi.EmailLogon, etsi.IRIBegin, etsi.EmailStatusFailed, false},
		{"LOGIN refused, then accepted: one CIN", IMAP, []step{greet, c("a1 LOGIN joe bad\r\n"), s("a1 NO\r\n"),
			c("a2 LOGIN joe pw\r\n"), s("a2 OK\r\n"), c("a3 LOGOUT\r\n"), s("a3 OK\r\n")},
			etsi.EmailLogoff, etsi.IRIEnd, etsi.EmailStatusSucceeded, true},
		{"AUTHENTICATE: e-mail-logon Begin", IMAP, []step{greet, c("a1 AUTHENTICATE PLAIN " + b64("\x00joe\x00pw") + "\r\n"), s("a1 OK done\r\n")},
			etsi.EmailLogon, etsi.IRIBegin, etsi.EmailStatusSucceeded, false},
		{"FETCH: e-mail-download Report", IMAP, fetch("FETCH 1 BODY[]", "BODY[]"), etsi.EmailDownload, etsi.IRIReport, etsi.EmailStatusSucceeded, true},
		{"FETCH: e-mail-partial-download Report", IMAP, fetch("FETCH 1 BODY.PEEK[HEADER]", "BODY[HEADER]"),
			etsi.EmailPartialDownload, etsi.IRIReport, etsi.EmailStatusSucceeded, true},
		{"APPEND: e-mail-upload Report", IMAP, with(c(fmt.Sprintf("a2 APPEND Sent {%d+}\r\n%s\r\n", len(msg), msg)), s("a2 OK done\r\n")),
			etsi.EmailUpload, etsi.IRIReport, etsi.EmailStatusSucceeded, true},
		{"UID FETCH: e-mail-download Report", IMAP, fetch("UID FETCH 7 RFC822", "UID 7 RFC822"), etsi.EmailDownload, etsi.IRIReport, etsi.EmailStatusSucceeded, true},
		{"UID FETCH: e-mail-partial-download Report", IMAP, fetch("UID FETCH 7 BODY[TEXT]", "UID 7 BODY[TEXT]"),
			etsi.EmailPartialDownload, etsi.IRIReport, etsi.EmailStatusSucceeded, true},
		{"UID FETCH of no message (NOTE 2): Report, successful", IMAP, with(c("a2 UID FETCH 99 BODY[]\r\n"), s("a2 OK done\r\n")),
			etsi.EmailDownload, etsi.IRIReport, etsi.EmailStatusSucceeded, true},
		{"LOGOUT: e-mail-logoff End", IMAP, with(c("a9 LOGOUT\r\n"), s("* BYE\r\na9 OK bye\r\n")), etsi.EmailLogoff, etsi.IRIEnd, etsi.EmailStatusSucceeded, true},
	})
}

// TestIMAPOneCINLoginToLogout: the C.4 example numbered as mediation numbers it: one
// CIN from LOGIN to LOGOUT, iRI-Begin, iRI-Report, iRI-Report, iRI-End, and every CC in
// that CIN.
func TestIMAPOneCINLoginToLogout(t *testing.T) {
	nb := newNumberer(t)
	ns := nb.number("c4", feed(t, IMAP, Options{}, c4Transcript()))
	var types []etsi.IRIType
	for _, n := range ns {
		if n.n.CIN != ns[0].n.CIN {
			t.Errorf("%s in CIN %d, session in CIN %d", describe(n.r), n.n.CIN, ns[0].n.CIN)
		}
		if n.r.EmailIRI != nil {
			types = append(types, n.n.IRIType)
		}
	}
	want := []etsi.IRIType{etsi.IRIBegin, etsi.IRIReport, etsi.IRIReport, etsi.IRIEnd}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Errorf("iRITypes %v, want %v", types, want)
	}
}

// TestStatusMapping checks Table C.2 (OK successful, NO failed) and its counterparts
// in Tables A.2/B.2 (2xx/+OK successful, 4xx-5xx/-ERR failed). IMAP BAD is an error
// code too (clause 7.7: "determined to be a failure (i.e. an error code)"): failed.
func TestStatusMapping(t *testing.T) {
	imapLogin := []step{s("* OK\r\n"), c("a1 LOGIN joe pw\r\n"), s("a1 OK\r\n")}
	pop3Login := []step{s("+OK\r\n"), c("USER kim\r\n"), s("+OK\r\n"), c("PASS pw\r\n"), s("+OK\r\n")}
	tests := []struct {
		name  string
		proto Protocol
		steps []step
		event etsi.EmailEvent
		want  etsi.EmailStatus
	}{
		{"IMAP FETCH OK", IMAP, append(imapLogin, c("a2 FETCH 1 BODY[]\r\n"), s("a2 OK\r\n")), etsi.EmailDownload, etsi.EmailStatusSucceeded},
		{"IMAP FETCH NO", IMAP, append(imapLogin, c("a2 FETCH 1 BODY[]\r\n"), s("a2 NO gone\r\n")), etsi.EmailDownload, etsi.EmailStatusFailed},
		{"IMAP FETCH BAD", IMAP, append(imapLogin, c("a2 FETCH x BODY[]\r\n"), s("a2 BAD syntax\r\n")), etsi.EmailDownload, etsi.EmailStatusFailed},
		{"IMAP APPEND NO", IMAP, append(imapLogin, c("a2 APPEND x {2+}\r\nhi\r\n"), s("a2 NO quota\r\n")), etsi.EmailUpload, etsi.EmailStatusFailed},
		{"IMAP LOGIN OK", IMAP, imapLogin, etsi.EmailLogon, etsi.EmailStatusSucceeded},
		{"IMAP LOGIN NO", IMAP, []step{s("* OK\r\n"), c("a1 LOGIN joe x\r\n"), s("a1 NO bad\r\n")}, etsi.EmailLogon, etsi.EmailStatusFailed},
		{"IMAP LOGIN BAD", IMAP, []step{s("* OK\r\n"), c("a1 LOGIN joe x\r\n"), s("a1 BAD bad\r\n")}, etsi.EmailLogon, etsi.EmailStatusFailed},
		{"IMAP AUTHENTICATE NO", IMAP, []step{s("* OK\r\n"), c("a1 AUTHENTICATE PLAIN " + b64("\x00joe\x00x") + "\r\n"), s("a1 NO bad\r\n")},
			etsi.EmailLogon, etsi.EmailStatusFailed},
		{"IMAP LOGOUT OK", IMAP, append(imapLogin, c("a2 LOGOUT\r\n"), s("a2 OK\r\n")), etsi.EmailLogoff, etsi.EmailStatusSucceeded},
		{"IMAP LOGOUT BAD", IMAP, append(imapLogin, c("a2 LOGOUT x\r\n"), s("a2 BAD args\r\n")), etsi.EmailLogoff, etsi.EmailStatusFailed},
		{"POP3 PASS -ERR", POP3, []step{s("+OK\r\n"), c("USER kim\r\n"), s("+OK\r\n"), c("PASS x\r\n"), s("-ERR\r\n")}, etsi.EmailLogonFailure, etsi.EmailStatusFailed},
		{"POP3 QUIT +OK", POP3, append(pop3Login, c("QUIT\r\n"), s("+OK\r\n")), etsi.EmailLogoff, etsi.EmailStatusSucceeded},
		{"POP3 QUIT -ERR", POP3, append(pop3Login, c("QUIT\r\n"), s("-ERR\r\n")), etsi.EmailLogoff, etsi.EmailStatusFailed},
		{"SMTP EHLO 250", SMTP, []step{s("220\r\n"), c("EHLO c\r\n"), s("250 ok\r\n")}, etsi.EmailLogon, etsi.EmailStatusSucceeded},
		{"SMTP EHLO 554", SMTP, []step{s("220\r\n"), c("EHLO c\r\n"), s("554 no\r\n")}, etsi.EmailLogonFailure, etsi.EmailStatusFailed},
		{"SMTP DATA 451", SMTP, []step{s("220\r\n"), c("EHLO c\r\n"), s("250 ok\r\n"), c("MAIL FROM:<a@x>\r\n"), s("250 ok\r\n"),
			c("RCPT TO:<b@y>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"), c("hi\r\n.\r\n"), s("451 later\r\n")}, etsi.EmailSend, etsi.EmailStatusFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got *etsi.EmailIRI
			for _, r := range iris(feed(t, tc.proto, Options{}, tc.steps)) {
				if r.EmailIRI.EventType == tc.event {
					got = r.EmailIRI
				}
			}
			if got == nil || got.Status != tc.want {
				t.Fatalf("%s IRI %+v, want status %v", testmail.EventName(tc.event), got, tc.want)
			}
		})
	}
}
