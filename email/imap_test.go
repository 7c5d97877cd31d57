package email

import (
	"fmt"
	"strings"
	"testing"

	"github.com/umli/umli/email/annex"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// c4Transcript is the Annex C.4 example (RFC 3501 clause 8) as client and server chunks.
func c4Transcript() []step {
	selectResp := "* 18 EXISTS\r\n* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* 2 RECENT\r\n" +
		"* OK [UNSEEN 17] Message 17 is the first unseen message\r\n* OK [UIDVALIDITY 3857529045] UIDs valid\r\n" +
		"a002 OK [READ-WRITE] SELECT completed\r\n"
	return []step{
		s("* OK IMAP4rev1 Service Ready\r\n"),
		c("a001 login mrc secret\r\n"),
		s("a001 OK LOGIN completed\r\n"),
		c("a002 select inbox\r\n"),
		s(selectResp),
		c("a003 fetch 12 full\r\n"),
		s(annex.C4FetchFull + "a003 OK FETCH completed\r\n"),
		c("a004 fetch 12 body[header]\r\n"),
		s(fmt.Sprintf("* 12 FETCH (BODY[HEADER] {%d}\r\n", len(annex.C4Header))),
		s(annex.C4Header[:100]), s(annex.C4Header[100:]),
		s(")\r\na004 OK FETCH completed\r\n"),
		c("a005 store 12 +flags \\deleted\r\n"),
		s("* 12 FETCH (FLAGS (\\Seen \\Deleted))\r\na005 OK +FLAGS completed\r\n"),
		c("a006 logout\r\n"),
		s("* BYE IMAP4rev1 server terminating connection\r\na006 OK LOGOUT completed\r\n"),
	}
}

// TestIMAPAnnexC4 reproduces the Annex C.4 example: logon (Begin) + CC 3-4, CC 5-11,
// partial download (Report, Table C.1) + CC 12-14, partial download + CC 15-27, CC
// 28-30, logoff (End) + CC 31-33. Each interaction's CC is delivered once, as
// exchanged (the FETCH literal inside its response, not again as a message of its own),
// and precedes the interaction's IRI.
func TestIMAPAnnexC4(t *testing.T) {
	recs := feed(t, IMAP, Options{}, c4Transcript())
	from, to := etsi.DirectionFromTarget, etsi.DirectionToTarget
	tr := c4Transcript()
	assertSequence(t, recs, []string{
		ccq(record.Continue, from, "a001 login mrc secret\r\n"),
		ccq(record.Continue, to, "a001 OK LOGIN completed\r\n"),
		logonOK,
		ccq(record.Continue, from, "a002 select inbox\r\n"),
		ccq(record.Continue, to, tr[4].data),
		ccq(record.Continue, from, "a003 fetch 12 full\r\n"),
		ccq(record.Continue, to, tr[6].data),
		iriq(record.Report, etsi.EmailPartialDownload, etsi.EmailStatusSucceeded),
		ccq(record.Continue, from, "a004 fetch 12 body[header]\r\n"),
		ccq(record.Continue, to, tr[8].data+annex.C4Header+")\r\na004 OK FETCH completed\r\n"),
		iriq(record.Report, etsi.EmailPartialDownload, etsi.EmailStatusSucceeded),
		ccq(record.Continue, from, "a005 store 12 +flags \\deleted\r\n"),
		ccq(record.Continue, to, tr[13].data),
		ccq(record.Continue, from, "a006 logout\r\n"),
		ccq(record.Continue, to, tr[15].data),
		logoffOK,
	})
	ev := iris(recs)
	if a := ev[0].EmailIRI.AAAInformation; a == nil || a.IMAP == nil || a.IMAP.Username != "mrc" ||
		a.IMAP.Password == nil || *a.IMAP.Password != "secret" || *a.IMAP.Result != etsi.AAASucceeded {
		t.Errorf("logon AAAInformation = %+v", ev[0].EmailIRI.AAAInformation)
	}
	hdr := ev[2].EmailIRI
	if string(hdr.MessageID) != "<B27397-0100000@cac.washington.edu>" || hdr.Sender == nil ||
		*hdr.Sender != "gray@cac.washington.edu" || hdr.ProtocolID != etsi.ProtocolIMAP4 {
		t.Errorf("body[header] IRI = %+v", hdr)
	}
	for _, r := range recs {
		if !hasIdentity(r, record.IdentityEmail, "mrc") || !hasIdentity(r, record.IdentityIP, "192.0.2.10") {
			t.Errorf("%s: identities %v", describe(r), r.Identities)
		}
	}
}

// TestIMAPEvents checks the IRI sequence of protocol variants.
func TestIMAPEvents(t *testing.T) {
	greet := s("* OK ready\r\n")
	login := []step{greet, c("a1 LOGIN joe pw\r\n"), s("a1 OK done\r\n")}
	msg := "From: Ann <ann@example.org>\r\nMessage-ID: <up1@example.org>\r\n\r\nbody\r\n"
	runEvents(t, IMAP, []eventCase{
		{
			name:  "LOGIN refused",
			steps: []step{greet, c("a1 LOGIN joe wrong\r\n"), s("a1 NO [AUTHENTICATIONFAILED] no\r\n")},
			// Tables C.1/C.2: e-mail-logon (iRI-Begin) with status failed; the session
			// then ends without a logoff (status unknown).
			want: []string{
				iriq(record.Open, etsi.EmailLogon, etsi.EmailStatusFailed),
				logoffUnknown,
			},
			check: func(t *testing.T, _, recs []*record.Record) {
				// The refused exchange is CC of the session, before the IRI, with its key.
				if len(recs) != 4 || recs[0].Boundary != record.Continue || recs[0].EventKey != recs[2].EventKey ||
					string(recs[0].EmailCC.Content) != "a1 LOGIN joe wrong\r\n" {
					t.Errorf("records %q", describeAll(recs))
				}
			},
		},
		{
			name: "LOGIN with synchronizing literals",
			steps: []step{greet, c("a1 LOGIN {3}\r\n"), s("+ go\r\n"), c("joe {5}\r\n"), s("+ go\r\n"),
				c("p w\"x\r\n"), s("a1 OK done\r\n")},
			want: []string{logonOK, logoffUnknown},
			user: "joe", pass: "p w\"x",
		},
		{
			name:  "LOGIN quoted, no answer: logon attempt",
			steps: []step{greet, c("a1 LOGIN \"joe@example.org\" \"p\\\"w\"\r\n")},
			want:  []string{iriq(record.Report, etsi.EmailLogonAttempt, etsi.EmailStatusUnknown)},
			user:  "joe@example.org", pass: "p\"w", result: etsi.AAAResultUnknown,
		},
		{
			name: "AUTHENTICATE PLAIN with continuation",
			steps: []step{greet, c("a1 AUTHENTICATE PLAIN\r\n"), s("+ \r\n"), c(b64("\x00kim\x00pw") + "\r\n"),
				s("a1 OK done\r\n"), c("a2 LOGOUT\r\n"), s("* BYE\r\na2 OK bye\r\n")},
			want: []string{logonOK, logoffOK},
			user: "kim", pass: "pw",
		},
		{
			name:  "AUTHENTICATE PLAIN initial response, garbage",
			steps: []step{greet, c("a1 AUTHENTICATE PLAIN %%%garbage\r\n"), s("a1 BAD invalid base64\r\n")},
			want: []string{
				iriq(record.Open, etsi.EmailLogon, etsi.EmailStatusFailed),
				logoffUnknown,
			},
		},
		{
			name: "FETCH full body and partial, UID FETCH, failed FETCH",
			steps: append(login,
				c("a2 UID FETCH 5 (UID BODY.PEEK[])\r\n"),
				s(fmt.Sprintf("* 1 FETCH (UID 5 BODY[] {%d}\r\n%s)\r\na2 OK done\r\n", len(msg), msg)),
				c("a3 FETCH 1 (BODY[]<0.10>)\r\n"),
				s("* 1 FETCH (BODY[]<0> {10}\r\nFrom: Ann )\r\na3 OK done\r\n"),
				c("a4 FETCH 1 RFC822\r\n"), s("a4 NO gone\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailDownload, etsi.EmailStatusSucceeded),
				iriq(record.Report, etsi.EmailPartialDownload, etsi.EmailStatusSucceeded),
				iriq(record.Report, etsi.EmailDownload, etsi.EmailStatusFailed),
				logoffUnknown,
			},
			check: func(t *testing.T, iri, recs []*record.Record) {
				d := iri[1].EmailIRI
				if string(d.MessageID) != "<up1@example.org>" || *d.Sender != "ann@example.org" || d.Recipients[0] != "joe" {
					t.Errorf("download = %+v", d)
				}
				for _, r := range recs {
					if r.EmailCC != nil && r.EventKey == iri[1].EventKey && strings.Contains(string(r.EmailCC.Content), msg) {
						return
					}
				}
				t.Errorf("no CC with the downloaded message")
			},
		},
		{
			name: "APPEND with non-synchronizing literal",
			steps: append(login,
				c(fmt.Sprintf("a2 APPEND Sent (\\Seen) {%d+}\r\n%s\r\n", len(msg), msg)),
				s("a2 OK [APPENDUID 1 2] done\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailUpload, etsi.EmailStatusSucceeded),
				logoffUnknown,
			},
			check: func(t *testing.T, iri, _ []*record.Record) {
				u := iri[1].EmailIRI
				if string(u.MessageID) != "<up1@example.org>" || *u.Sender != "ann@example.org" {
					t.Errorf("upload = %+v", u)
				}
			},
		},
		{
			name: "APPEND refused before the literal",
			steps: append(login,
				c("a2 APPEND Sent {99999999}\r\n"), s("a2 NO [OVERQUOTA] too big\r\n"),
				c("a3 LOGOUT\r\n"), s("a3 OK bye\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailUpload, etsi.EmailStatusFailed),
				logoffOK,
			},
		},
		{
			name: "STARTTLS before login: nothing known",
			steps: []step{greet, c("a0 STARTTLS\r\n"), s("a0 OK begin\r\n"), c("\x16\x03\x01 a1 LOGIN x y\r\n"),
				s("\x16\x03\x03 a1 OK\r\n")},
			want: nil,
		},
		{
			name: "response with more literals than kept lines",
			steps: append(login, c("a2 FETCH 1:100 (BODY[HEADER.FIELDS (SUBJECT)])\r\n"),
				s(strings.Repeat("* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {3}\r\nabc BODY[TEXT] {2}\r\nxy", 100)+")\r\na2 OK\r\n")),
			want: []string{
				logonOK,
				iriq(record.Report, etsi.EmailPartialDownload, etsi.EmailStatusSucceeded),
				logoffUnknown,
			},
		},
		{
			name: "COMPRESS stops parsing",
			steps: append(login, c("a2 COMPRESS DEFLATE\r\n"), s("a2 OK deflating\r\n"),
				c("x\x9c a3 LOGOUT\r\n"), s("\x01\x02 a3 OK\r\n")),
			want: []string{logonOK, logoffUnknown},
		},
		{
			name:  "PREAUTH greeting",
			steps: []step{s("* PREAUTH welcome\r\n"), c("a1 LOGOUT\r\n"), s("a1 OK bye\r\n")},
			want:  []string{logonOK, logoffOK},
		},
	})
}
