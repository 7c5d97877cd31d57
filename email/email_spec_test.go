package email

import (
	"fmt"
	"net/netip"
	"testing"
	"unicode/utf8"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
	"github.com/umli/umli/mediation/record"
)

// specSessions are short sessions of each annex whose every IRI the attribute rules apply to.
func specSessions() map[Protocol][]step {
	return map[Protocol][]step{
		SMTP: {s("220 hi\r\n"), c("EHLO x\r\n"), s("250 ok\r\n"),
			c("MAIL FROM:<alice@example.org>\r\n"), s("250 ok\r\n"), c("RCPT TO:<bob@example.net>\r\n"), s("250 ok\r\n"),
			c("DATA\r\n"), s("354 go\r\n"), c("Message-ID: <s1@example.org>\r\n\r\nhi\r\n.\r\n"), s("250 queued\r\n"),
			c("QUIT\r\n"), s("221 bye\r\n")},
		POP3: {s("+OK ready\r\n"), c("USER kim\r\n"), s("+OK\r\n"), c("PASS pw\r\n"), s("+OK in\r\n"),
			c("RETR 1\r\n"), s("+OK\r\nFrom: <ann@example.org>\r\nMessage-ID: <p1@example.org>\r\n\r\nbody\r\n.\r\n"),
			c("TOP 1 0\r\n"), s("+OK\r\nFrom: <ann@example.org>\r\n\r\n.\r\n"),
			c("QUIT\r\n"), s("+OK bye\r\n")},
		IMAP: {s("* OK ready\r\n"), c("a1 LOGIN joe pw\r\n"), s("a1 OK done\r\n"),
			c("a2 FETCH 1 BODY[HEADER]\r\n"), s("* 1 FETCH (BODY[HEADER] {33}\r\nMessage-ID: <i1@example.org>\r\n\r\n)\r\na2 OK done\r\n"),
			c("a3 LOGOUT\r\n"), s("* BYE\r\na3 OK bye\r\n")},
	}
}

// TestSpecEmailAttributes: clause 7 and Tables A.1/B.1 for every EmailIRI of an SMTP,
// POP3 and IMAP4 session: Client IP/port are the source, Server IP/port the destination of
// the client's commands (IPAddress with iP-type IPv4 and the binary value), protocol-ID
// names the annex (smtp, pop3, imap4), the octet counts are present and not negative,
// e-mail-Sender and each e-mail-Recipients entry are UTF-8 of at most 255 octets and the
// list holds at most 1023 entries (Annex D constraints).
func TestSpecEmailAttributes(t *testing.T) {
	client, server := testInfo.Client, testInfo.Server
	wantProto := map[Protocol]etsi.EmailProtocol{SMTP: etsi.ProtocolSMTP, POP3: etsi.ProtocolPOP3, IMAP: etsi.ProtocolIMAP4}
	addr := func(what string, a *etsi.IPAddress, want netip.Addr) error {
		if a == nil || a.Type != etsi.IPv4 || string(a.Binary) != string(want.AsSlice()) {
			return fmt.Errorf("%s %+v, want IPv4 %s", what, a, want)
		}
		return nil
	}
	for proto, steps := range specSessions() {
		t.Run(fmt.Sprint(wantProto[proto]), func(t *testing.T) {
			ev := iris(feed(t, proto, Options{}, steps))
			if len(ev) < 3 {
				t.Fatalf("%d IRI: %q", len(ev), describeAll(ev))
			}
			for _, r := range ev {
				x, what := r.EmailIRI, describe(r)
				for _, err := range []error{addr("client-Address", x.ClientAddress, client.Addr()), addr("server-Address", x.ServerAddress, server.Addr())} {
					if err != nil {
						t.Errorf("%s: %v", what, err)
					}
				}
				if x.ClientPort == nil || *x.ClientPort != int64(client.Port()) || x.ServerPort == nil || *x.ServerPort != int64(server.Port()) {
					t.Errorf("%s: ports %v/%v, want client %d server %d", what, x.ClientPort, x.ServerPort, client.Port(), server.Port())
				}
				if x.ProtocolID != wantProto[proto] {
					t.Errorf("%s: protocol-ID %v, want %v", what, x.ProtocolID, wantProto[proto])
				}
				if x.ServerOctetsSent < 0 || x.ClientOctetsSent < 0 {
					t.Errorf("%s: octets %d/%d", what, x.ServerOctetsSent, x.ClientOctetsSent)
				}
				if x.Sender != nil && (len(*x.Sender) > 255 || !utf8.ValidString(*x.Sender)) {
					t.Errorf("%s: e-mail-Sender breaks UTF8String (SIZE (0..255))", what)
				}
				if len(x.Recipients) > 1023 {
					t.Errorf("%s: %d recipients, list is SIZE (0..1023)", what, len(x.Recipients))
				}
				for _, a := range x.Recipients {
					if len(a) > 255 || !utf8.ValidString(a) {
						t.Errorf("%s: recipient breaks UTF8String (SIZE (0..255))", what)
					}
				}
			}
		})
	}
}

// TestSpecDeliveryAfterEachInteraction: B.5 and C.3, "delivery of CC shall be initiated
// at least after every finished command/response", and C.2, "IRI messages shall be sent
// directly after the IMAP4 interaction has been completed": once the server's answer to a
// command is fed, the CC of that command and answer and the command's IRI are out,
// before the session goes on or ends.
func TestSpecDeliveryAfterEachInteraction(t *testing.T) {
	cases := []struct {
		proto Protocol
		steps []step
	}{
		{POP3, []step{s("+OK ready\r\n"), c("USER kim\r\n"), s("+OK\r\n"), c("PASS pw\r\n"), s("+OK in\r\n"),
			c("STAT\r\n"), s("+OK 1 10\r\n"), c("RETR 1\r\n"), s("+OK\r\nSubject: x\r\n\r\nhi\r\n.\r\n"), c("QUIT\r\n"), s("+OK bye\r\n")}},
		{IMAP, []step{s("* OK ready\r\n"), c("a1 LOGIN joe pw\r\n"), s("a1 OK done\r\n"), c("a2 SELECT inbox\r\n"), s("* 1 EXISTS\r\na2 OK done\r\n"),
			c("a3 FETCH 1 BODY[]\r\n"), s("* 1 FETCH (BODY[] {4}\r\nhi\r\n)\r\na3 OK done\r\n"), c("a4 LOGOUT\r\n"), s("* BYE\r\na4 OK bye\r\n")}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.proto), func(t *testing.T) {
			col := &collector{}
			m, err := New(tc.proto, testInfo, col.emit, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i, st := range tc.steps {
				before := len(iris(col.recs))
				m.Feed(st.dir, []byte(st.data), testNow())
				// From the first command on (B.5: USER, PASS included; C.3: LOGIN): the
				// answer to the command before it is complete, so that command and this
				// answer must both be in CC already. Step 0 is the greeting.
				if st.dir != FromServer || i == 0 {
					continue
				}
				cmd := tc.steps[i-1]
				if !hasCC(col.recs, cmd.data, etsi.DirectionFromTarget) || !hasCC(col.recs, st.data, etsi.DirectionToTarget) {
					t.Errorf("after the answer to %q: CC not delivered yet; records so far %q", cmd.data, describeAll(col.recs))
				}
				if isIRICommand(tc.proto, cmd.data) && len(iris(col.recs)) == before {
					t.Errorf("after the answer to %q: its IRI is not sent yet", cmd.data)
				}
			}
			m.End(testNow())
		})
	}
}

// isIRICommand says whether the command is one Table B.2 / C.1 gives an IRI.
func isIRICommand(p Protocol, cmd string) bool {
	for _, k := range map[Protocol][]string{POP3: {"PASS", "RETR", "TOP", "QUIT"}, IMAP: {"LOGIN", "FETCH", "LOGOUT", "APPEND"}}[p] {
		if containsWord(cmd, k) {
			return true
		}
	}
	return false
}

func containsWord(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		if s[i:i+len(w)] == w && (i == 0 || s[i-1] == ' ') && (i+len(w) == len(s) || s[i+len(w)] == ' ' || s[i+len(w)] == '\r') {
			return true
		}
	}
	return false
}

func hasCC(recs []*record.Record, data string, dir etsi.PayloadDirection) bool {
	for _, r := range recs {
		if r.EmailCC != nil && r.Direction == dir && containsBytes(string(r.EmailCC.Content), data) {
			return true
		}
	}
	return false
}

func containsBytes(hay, needle string) bool {
	for i := 0; i+len(needle) <= len(hay); i++ {
		if hay[i:i+len(needle)] == needle {
			return true
		}
	}
	return false
}

// TestSpecIMAPStatusMapping: Table C.2, the IMAP4 response OK gives E-mail-Status
// successful and NO gives failed, in the IRI of the same command, for each Table C.1
// command that has one.
func TestSpecIMAPStatusMapping(t *testing.T) {
	login := []step{s("* OK ready\r\n"), c("a1 LOGIN joe pw\r\n"), s("a1 OK done\r\n")}
	msg := "Message-ID: <u@x>\r\n\r\nhi\r\n"
	cases := []struct {
		name  string
		steps []step
		ev    etsi.EmailEvent
	}{
		{"FETCH OK", []step{c("a2 FETCH 1 BODY[]\r\n"), s(fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n%s)\r\na2 OK done\r\n", len(msg), msg))}, etsi.EmailDownload},
		{"FETCH NO", []step{c("a2 FETCH 1 BODY[]\r\n"), s("a2 NO gone\r\n")}, etsi.EmailDownload},
		{"UID FETCH OK", []step{c("a2 UID FETCH 7 BODY[]\r\n"), s(fmt.Sprintf("* 1 FETCH (UID 7 BODY[] {%d}\r\n%s)\r\na2 OK done\r\n", len(msg), msg))}, etsi.EmailDownload},
		{"UID FETCH NO", []step{c("a2 UID FETCH 7 BODY[]\r\n"), s("a2 NO gone\r\n")}, etsi.EmailDownload},
		{"partial FETCH OK", []step{c("a2 FETCH 1 BODY[HEADER]\r\n"), s(fmt.Sprintf("* 1 FETCH (BODY[HEADER] {%d}\r\n%s)\r\na2 OK done\r\n", len(msg), msg))}, etsi.EmailPartialDownload},
		{"APPEND OK", []step{c(fmt.Sprintf("a2 APPEND Sent {%d+}\r\n%s\r\n", len(msg), msg)), s("a2 OK done\r\n")}, etsi.EmailUpload},
		{"APPEND NO", []step{c("a2 APPEND Sent {9}\r\n"), s("a2 NO [OVERQUOTA] no\r\n")}, etsi.EmailUpload},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev := iris(feed(t, IMAP, Options{}, append(append([]step{}, login...), tc.steps...)))
			if len(ev) != 3 || ev[1].EmailIRI.EventType != tc.ev {
				t.Fatalf("IRI %q, want logon, %s, logoff", describeAll(ev), testmail.EventName(tc.ev))
			}
			want := etsi.EmailStatusSucceeded
			if tc.name[len(tc.name)-2:] == "NO" {
				want = etsi.EmailStatusFailed
			}
			if got := ev[1].EmailIRI.Status; got != want {
				t.Errorf("E-mail-Status %s, want %s", testmail.StatusName(got), testmail.StatusName(want))
			}
		})
	}
	// LOGIN NO: Table C.1 maps every LOGIN to e-mail-logon (iRI-Begin) and C.2 puts the NO
	// "in the same IRI" as E-mail-Status failed.
	ev := iris(feed(t, IMAP, Options{}, []step{s("* OK ready\r\n"), c("a1 LOGIN joe bad\r\n"), s("a1 NO no\r\n")}))
	if len(ev) < 1 || ev[0].EmailIRI.EventType != etsi.EmailLogon || ev[0].EmailIRI.Status != etsi.EmailStatusFailed || ev[0].Boundary != record.Open {
		t.Errorf("refused LOGIN: %q, want e-mail-logon failed as iRI-Begin", describeAll(ev))
	}
}

// TestSpecOneEventPerMessage: clauses 6.2.1, 6.3.1 and 6.4.1, "each E-mail sent
// (received, downloaded) during a session … must be considered a separate … event", each
// with its own Message-ID and its CC carrying that message's RFC 5322 header and text
// (6.2.2, 6.3.2, 6.4.2); the server octet count is that of the operation, not of the
// session (Table 1 note, A.1); a failed TOP, like a failed RETR, gives no event (B.2.3).
func TestSpecOneEventPerMessage(t *testing.T) {
	m1 := "Message-ID: <one@example.org>\r\nSubject: 1\r\n\r\nfirst\r\n"
	m2 := "Message-ID: <two@example.org>\r\nSubject: 2\r\n\r\nsecond\r\n"
	smtp := func() []step {
		return []step{s("220 hi\r\n"), c("EHLO x\r\n"), s("250 ok\r\n"),
			c("MAIL FROM:<a@x>\r\n"), s("250 ok\r\n"), c("RCPT TO:<b@y>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"),
			c(m1 + ".\r\n"), s("250 queued one\r\n"),
			c("MAIL FROM:<a@x>\r\n"), s("250 ok\r\n"), c("RCPT TO:<c@y>\r\n"), s("250 ok\r\n"), c("DATA\r\n"), s("354 go\r\n"),
			c(m2 + ".\r\n"), s("250 queued two\r\n"), c("QUIT\r\n"), s("221 bye\r\n")}
	}
	cases := []struct {
		name  string
		proto Protocol
		opts  Options
		steps []step
		ev    etsi.EmailEvent
	}{
		{"smtp send", SMTP, Options{}, smtp(), etsi.EmailSend},
		{"smtp receive", SMTP, Options{SMTPReceive: true}, smtp(), etsi.EmailReceive},
		{"pop3 download", POP3, Options{}, []step{s("+OK ready\r\n"), c("USER kim\r\n"), s("+OK\r\n"), c("PASS pw\r\n"), s("+OK in\r\n"),
			c("RETR 1\r\n"), s("+OK\r\n" + m1 + ".\r\n"), c("TOP 9 0\r\n"), s("-ERR no such message\r\n"),
			c("RETR 2\r\n"), s("+OK\r\n" + m2 + ".\r\n"), c("QUIT\r\n"), s("+OK bye\r\n")}, etsi.EmailDownload},
		{"imap download", IMAP, Options{}, []step{s("* OK ready\r\n"), c("a1 LOGIN joe pw\r\n"), s("a1 OK done\r\n"),
			c("a2 FETCH 1 BODY[]\r\n"), s(fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n%s)\r\na2 OK done\r\n", len(m1), m1)),
			c("a3 FETCH 2 BODY[]\r\n"), s(fmt.Sprintf("* 2 FETCH (BODY[] {%d}\r\n%s)\r\na3 OK done\r\n", len(m2), m2)),
			c("a4 LOGOUT\r\n"), s("a4 OK bye\r\n")}, etsi.EmailDownload},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs := feed(t, tc.proto, tc.opts, tc.steps)
			var serverTotal int64
			for _, st := range tc.steps {
				if st.dir == FromServer {
					serverTotal += int64(len(st.data))
				}
			}
			var got []*record.Record
			for _, r := range iris(recs) {
				if r.EmailIRI.EventType != etsi.EmailLogon && r.EmailIRI.EventType != etsi.EmailLogoff {
					got = append(got, r)
				}
			}
			if len(got) != 2 {
				t.Fatalf("events %q, want one %s per message", describeAll(iris(recs)), testmail.EventName(tc.ev))
			}
			for i, want := range []string{"<one@example.org>", "<two@example.org>"} {
				var ok bool
				x := got[i].EmailIRI
				// Clause 7.7: SUCCESS only when the termination point (Table 4: recipient mailbox
				// received) is seen; a submission tap's 250 after DATA is UNKNOWN.
				wantStatus := etsi.EmailStatusSucceeded
				if tc.ev == etsi.EmailSend {
					wantStatus = etsi.EmailStatusUnknown
				}
				if x.EventType != tc.ev || string(x.MessageID) != want || x.Status != wantStatus {
					t.Errorf("event %d: %s %q %s, want %s %s %s", i, testmail.EventName(x.EventType), x.MessageID, testmail.StatusName(x.Status), testmail.EventName(tc.ev), want, testmail.StatusName(wantStatus))
				}
				if x.ServerOctetsSent <= 0 || x.ServerOctetsSent >= serverTotal {
					t.Errorf("event %d: server octets %d, want the operation's share of the session's %d", i, x.ServerOctetsSent, serverTotal)
				}
				msg := []string{m1, m2}[i]
				switch tc.ev {
				case etsi.EmailSend:
					ok = hasCC(recs, msg, etsi.DirectionFromTarget)
				case etsi.EmailDownload:
					ok = hasCC(recs, msg, etsi.DirectionToTarget)
				default:
					// Receive: the target is the recipient, so the message the sending
					// server transfers is toTarget (TestCCPayloadDirection).
					ok = hasCC(recs, msg, etsi.DirectionToTarget) && !hasCC(recs, msg, etsi.DirectionFromTarget)
				}
				if !ok {
					t.Errorf("event %d: no CC with the message's header and text", i)
				}
			}
		})
	}
}
