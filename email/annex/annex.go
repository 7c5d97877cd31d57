// Package annex holds the example mail sessions of TS 102 232-2 Annex B.6 (POP3) and
// Annex C.4 (IMAP4, from RFC 3501), plus an authenticated SMTP submission, as data.
// The pcap generator, the passive-capture tests and the mail simulator replay them.
package annex

import "fmt"

// Step is one chunk of a session: what the client or the server sent.
type Step struct {
	FromServer bool
	Data       string
}

func cl(s string) Step { return Step{Data: s} }
func sv(s string) Step { return Step{FromServer: true, Data: s} }

// POP3Message1 and POP3Message2 are the two messages of the B.6 maildrop.
const (
	POP3Message1 = "From: Dewey <dewey@dbc.mtview.ca.us>\r\nTo: mrose@dbc.mtview.ca.us\r\n" +
		"Message-ID: <m1@dbc.mtview.ca.us>\r\nSubject: one\r\n\r\nfirst line\r\n.leading dot\r\n"
	POP3Message2 = "From: Louie <louie@dbc.mtview.ca.us>\r\nTo: mrose@dbc.mtview.ca.us\r\n" +
		"Message-ID: <m2@dbc.mtview.ca.us>\r\nSubject: two\r\n\r\nline 1\r\nline 2\r\n"
)

// B6 is the Annex B.6 POP3 example: APOP logon, STAT, LIST, RETR 1, DELE 1, TOP 2 10,
// DELE 2, QUIT.
func B6() []Step {
	return []Step{
		sv("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>\r\n"),
		cl("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n"),
		sv("+OK mrose's maildrop has 2 messages (320 octets)\r\n"),
		cl("STAT\r\n"),
		sv("+OK 2 320\r\n"),
		cl("LIST\r\n"),
		sv("+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n"),
		cl("RETR 1\r\n"),
		sv("+OK 120 octets\r\n" + Stuff(POP3Message1) + ".\r\n"),
		cl("DELE 1\r\n"),
		sv("+OK message 1 deleted\r\n"),
		cl("TOP 2 10\r\n"),
		sv("+OK top of message follows\r\n" + Stuff(POP3Message2) + ".\r\n"),
		cl("DELE 2\r\n"),
		sv("+OK message 2 deleted\r\n"),
		cl("QUIT\r\n"),
		sv("+OK dewey POP3 server signing off (maildrop empty)\r\n"),
	}
}

// C4Header is the header section fetched in C.4 step [15].
const C4Header = "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n" +
	"From: Terry Gray <gray@cac.washington.edu>\r\n" +
	"Subject: IMAP4rev1 WG mtg summary and minutes\r\n" +
	"To: imap@cac.washington.edu\r\n" +
	"cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n" +
	"Message-Id: <B27397-0100000@cac.washington.edu>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n" +
	"\r\n"

// C4FetchFull is the server's answer to "a003 fetch 12 full".
const C4FetchFull = `* 12 FETCH (FLAGS (\Seen) INTERNALDATE "17-Jul-1996 02:44:25 -0700" ` +
	`RFC822.SIZE 4286 ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" ` +
	`"IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) ` +
	`(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ` +
	`((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US") ` +
	`("John Klensin" NIL "KLENSIN" "INFOODS.MIT.EDU")) NIL NIL ` +
	`"<B27397-0100000@cac.washington.edu>") BODY ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))` + "\r\n"

// C4 is the Annex C.4 IMAP4 example: LOGIN, SELECT, FETCH FULL, FETCH BODY[HEADER],
// STORE, LOGOUT.
func C4() []Step {
	return []Step{
		sv("* OK IMAP4rev1 Service Ready\r\n"),
		cl("a001 login mrc secret\r\n"),
		sv("a001 OK LOGIN completed\r\n"),
		cl("a002 select inbox\r\n"),
		sv("* 18 EXISTS\r\n* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 2 RECENT\r\n" +
			"* OK [UNSEEN 17] Message 17 is the first unseen message\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n" +
			"a002 OK [READ-WRITE] SELECT completed\r\n"),
		cl("a003 fetch 12 full\r\n"),
		sv(C4FetchFull + "a003 OK FETCH completed\r\n"),
		cl("a004 fetch 12 body[header]\r\n"),
		sv(fmt.Sprintf("* 12 FETCH (BODY[HEADER] {%d}\r\n%s)\r\na004 OK FETCH completed\r\n", len(C4Header), C4Header)),
		cl("a005 store 12 +flags \\deleted\r\n"),
		sv("* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\na005 OK +FLAGS completed\r\n"),
		cl("a006 logout\r\n"),
		sv("* BYE IMAP4rev1 server terminating connection\r\na006 OK LOGOUT completed\r\n"),
	}
}

// IMAPUploadMessage is the mail the demo session appends to INBOX.
const IMAPUploadMessage = "From: mrc@example.net\r\nTo: gray@cac.washington.edu\r\n" +
	"Message-ID: <imap-upload-1@example.net>\r\nSubject: re: minutes\r\n\r\nThanks.\r\n"

// C4WithDownloadAndUpload is the C.4 example with two interactions added before LOGOUT,
// so that one session shows every LI-relevant command of Table C.1: a full FETCH
// (e-mail-download) and an APPEND with a non-synchronizing literal (RFC 7888 LITERAL+;
// e-mail-upload). The demo and mailsim play it; tests of the example itself use C4.
func C4WithDownloadAndUpload() []Step {
	c4 := C4()
	steps := append([]Step{}, c4[:len(c4)-2]...)
	return append(steps,
		cl("a006 fetch 12 body[]\r\n"),
		sv(fmt.Sprintf("* 12 FETCH (BODY[] {%d}\r\n%s)\r\na006 OK FETCH completed\r\n", len(C4Header+"body\r\n"), C4Header+"body\r\n")),
		cl(fmt.Sprintf("a007 append INBOX {%d+}\r\n%s\r\n", len(IMAPUploadMessage), IMAPUploadMessage)),
		sv("a007 OK [APPENDUID 3857529045 1] APPEND completed\r\n"),
		cl("a008 logout\r\n"),
		sv("* BYE IMAP4rev1 server terminating connection\r\na008 OK LOGOUT completed\r\n"),
	)
}

// SMTPMessage is the mail of the SMTP example.
const SMTPMessage = "From: Alice <alice@example.org>\r\nTo: bob@example.net\r\n" +
	"Message-ID: <smtp-1@example.org>\r\nSubject: minutes\r\n\r\nSee you.\r\n.dot line\r\n"

// SMTP is an authenticated submission (AUTH PLAIN alice/pw): one mail to two
// recipients, one refused.
func SMTP() []Step {
	return []Step{
		sv("220 mx.example ESMTP\r\n"),
		cl("EHLO client.example\r\n"),
		sv("250-mx.example\r\n250-AUTH PLAIN LOGIN\r\n250 PIPELINING\r\n"),
		cl("AUTH PLAIN AGFsaWNlAHB3\r\n"),
		sv("235 2.7.0 Authentication successful\r\n"),
		cl("MAIL FROM:<alice@example.org>\r\n"),
		sv("250 OK\r\n"),
		cl("RCPT TO:<bob@example.net>\r\n"),
		sv("250 OK\r\n"),
		cl("RCPT TO:<reject-me@example.net>\r\n"),
		sv("550 5.1.1 no such user\r\n"),
		cl("DATA\r\n"),
		sv("354 go ahead\r\n"),
		cl(Stuff(SMTPMessage) + ".\r\n"),
		sv("250 2.0.0 queued\r\n"),
		cl("QUIT\r\n"),
		sv("221 2.0.0 bye\r\n"),
	}
}

// Stuff dot-stuffs a CRLF message for DATA/RETR (RFC 5321 4.5.2).
func Stuff(msg string) string {
	out := make([]byte, 0, len(msg)+8)
	atStart := true
	for i := 0; i < len(msg); i++ {
		if atStart && msg[i] == '.' {
			out = append(out, '.')
		}
		out = append(out, msg[i])
		atStart = msg[i] == '\n'
	}
	return string(out)
}
