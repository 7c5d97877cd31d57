package email

import (
	"net/netip"
	"slices"
	"strconv"
	"testing"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/etsi"
)

// fieldRow is one row of Tables 1-3 (e-mail send, receive, download IRI information):
// the field name and a check of the IRI umli builds.
type fieldRow struct {
	field string
	ok    func(*etsi.EmailIRI) bool
}

func runFieldRows(t *testing.T, iri *etsi.EmailIRI, rows []fieldRow) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.field, func(t *testing.T) {
			if !r.ok(iri) {
				t.Errorf("%s wrong in %+v", r.field, iri)
			}
		})
	}
}

// endpointRows are the first four rows of every table (sources per Tables A.1, B.1: the
// IP and TCP headers of the session).
func endpointRows() []fieldRow {
	ip := func(a *etsi.IPAddress, want netip.Addr) bool {
		b := want.As4()
		return a != nil && a.Type == etsi.IPv4 && string(a.Binary) == string(b[:])
	}
	return []fieldRow{
		{"Server IP", func(i *etsi.EmailIRI) bool { return ip(i.ServerAddress, testInfo.Server.Addr()) }},
		{"Client IP", func(i *etsi.EmailIRI) bool { return ip(i.ClientAddress, testInfo.Client.Addr()) }},
		{"Server Port", func(i *etsi.EmailIRI) bool {
			return i.ServerPort != nil && *i.ServerPort == int64(testInfo.Server.Port())
		}},
		{"Client Port", func(i *etsi.EmailIRI) bool {
			return i.ClientPort != nil && *i.ClientPort == int64(testInfo.Client.Port())
		}},
	}
}

func eventIRI(t *testing.T, proto Protocol, opts Options, steps []step, ev etsi.EmailEvent) *etsi.EmailIRI {
	t.Helper()
	for _, r := range iris(feed(t, proto, opts, steps)) {
		if r.EmailIRI.EventType == ev {
			return r.EmailIRI
		}
	}
	t.Fatalf("no %s IRI", testmail.EventName(ev))
	return nil
}

// smtpTx is a submission with AUTH, one refused and two accepted recipients, and a
// message with both Resent-Message-ID and Message-ID.
func smtpTxSteps() (steps []step, clientOctets, serverOctets int) {
	head := []step{s("220 mx ESMTP\r\n"), c("EHLO c\r\n"), s("250-mx\r\n250 AUTH PLAIN\r\n"),
		c("AUTH PLAIN " + b64("\x00alice@example.org\x00pw") + "\r\n"), s("235 ok\r\n")}
	tx := []step{
		c("MAIL FROM:<alice@example.org>\r\n"), s("250 ok\r\n"),
		c("RCPT TO:<bob@example.net>\r\n"), s("250 ok\r\n"),
		c("RCPT TO:<nobody@example.net>\r\n"), s("550 unknown\r\n"),
		c("RCPT TO:<carol@example.net>\r\n"), s("251 will forward\r\n"),
		c("DATA\r\n"), s("354 go\r\n"),
		c("Resent-Message-ID: <resent@example.org>\r\nMessage-ID: <orig@example.org>\r\nFrom: x@y\r\n\r\nhi\r\n.\r\n"),
		s("250 queued\r\n"),
	}
	for _, st := range tx {
		if st.dir == FromClient {
			clientOctets += len(st.data)
		} else {
			serverOctets += len(st.data)
		}
	}
	return append(append(head, tx...), c("QUIT\r\n"), s("221 bye\r\n")), clientOctets, serverOctets
}

// TestTable1SendIRI checks every row of Table 1 against the SMTP send IRI, with the
// Table A.1 sources.
func TestTable1SendIRI(t *testing.T) {
	steps, cOct, sOct := smtpTxSteps()
	iri := eventIRI(t, SMTP, Options{}, steps, etsi.EmailSend)
	runFieldRows(t, iri, append(endpointRows(), []fieldRow{
		{"E-mail Protocol ID: SMTP", func(i *etsi.EmailIRI) bool { return i.ProtocolID == etsi.ProtocolSMTP }},
		{"E-mail Sender: MAIL FROM", func(i *etsi.EmailIRI) bool { return i.Sender != nil && *i.Sender == "alice@example.org" }},
		{"E-mail Recipient List: accepted RCPT TO only", func(i *etsi.EmailIRI) bool {
			return slices.Equal(i.Recipients, []string{"bob@example.net", "carol@example.net"})
		}},
		{"Total Recipient Count: positive RCPT replies", func(i *etsi.EmailIRI) bool {
			return i.TotalRecipientCount != nil && *i.TotalRecipientCount == 2
		}},
		{"Server Octets Sent: the send operation", func(i *etsi.EmailIRI) bool { return i.ServerOctetsSent == int64(sOct) }},
		{"Client Octets Sent: the send operation", func(i *etsi.EmailIRI) bool { return i.ClientOctetsSent == int64(cOct) }},
		{"Message ID: Message-ID", func(i *etsi.EmailIRI) bool { return string(i.MessageID) == "<orig@example.org>" }},
		{"Status: submission accepted, mailbox not seen: unknown", func(i *etsi.EmailIRI) bool { return i.Status == etsi.EmailStatusUnknown }},
		{"AAAInformation: SMTP AUTH", func(i *etsi.EmailIRI) bool {
			a := i.AAAInformation
			return a != nil && a.ASMTP != nil && a.ASMTP.Username == "alice@example.org" &&
				a.ASMTP.Result != nil && *a.ASMTP.Result == etsi.AAASucceeded
		}},
	}...))
}

// TestTable2ReceiveIRI checks every row of Table 2 against the SMTP receive IRI (a tap
// in front of the recipients' MX): no AAAInformation row, and the MX's 2xx is the
// termination point "Recipient Mailbox Received".
func TestTable2ReceiveIRI(t *testing.T) {
	steps, cOct, sOct := smtpTxSteps()
	iri := eventIRI(t, SMTP, Options{SMTPReceive: true}, steps, etsi.EmailReceive)
	runFieldRows(t, iri, append(endpointRows(), []fieldRow{
		{"E-mail Protocol ID: SMTP", func(i *etsi.EmailIRI) bool { return i.ProtocolID == etsi.ProtocolSMTP }},
		{"E-mail Sender: MAIL FROM", func(i *etsi.EmailIRI) bool { return i.Sender != nil && *i.Sender == "alice@example.org" }},
		{"E-mail Recipient List: accepted RCPT TO only", func(i *etsi.EmailIRI) bool {
			return slices.Equal(i.Recipients, []string{"bob@example.net", "carol@example.net"})
		}},
		{"Total Recipient Count", func(i *etsi.EmailIRI) bool { return i.TotalRecipientCount != nil && *i.TotalRecipientCount == 2 }},
		{"Server Octets Sent", func(i *etsi.EmailIRI) bool { return i.ServerOctetsSent == int64(sOct) }},
		{"Client Octets Sent", func(i *etsi.EmailIRI) bool { return i.ClientOctetsSent == int64(cOct) }},
		{"Message ID", func(i *etsi.EmailIRI) bool { return string(i.MessageID) == "<orig@example.org>" }},
		{"Status: received by the mailbox server: successful", func(i *etsi.EmailIRI) bool { return i.Status == etsi.EmailStatusSucceeded }},
		{"no AAAInformation (not in Table 2)", func(i *etsi.EmailIRI) bool { return i.AAAInformation == nil }},
	}...))
}

// TestTable3DownloadIRI checks every row of Table 3 against the POP3 (Table B.1 sources)
// and IMAP download IRIs.
func TestTable3DownloadIRI(t *testing.T) {
	msg := "From: Dewey <dewey@example.net>\r\nResent-Message-ID: <r@example.net>\r\n\r\nbody\r\n"
	pop := []step{s("+OK\r\n"), c("USER mrose\r\n"), s("+OK\r\n"), c("PASS tanstaaf\r\n"), s("+OK\r\n"),
		c("RETR 1\r\n"), s("+OK\r\n" + msg + ".\r\n"), c("QUIT\r\n"), s("+OK\r\n")}
	imap := []step{s("* OK\r\n"), c("a1 LOGIN mrose tanstaaf\r\n"), s("a1 OK\r\n"), c("a2 FETCH 1 BODY[]\r\n"),
		s("* 1 FETCH (BODY[] {" + strconv.Itoa(len(msg)) + "}\r\n" + msg + ")\r\na2 OK\r\n"), c("a3 LOGOUT\r\n"), s("a3 OK\r\n")}
	for _, tc := range []struct {
		name       string
		proto      Protocol
		steps      []step
		pid        etsi.EmailProtocol
		cOct, sOct int
		aaa        func(*etsi.AAAInformation) (user string, pass *string, res *etsi.AAAResult, ok bool)
	}{
		{"POP3", POP3, pop, etsi.ProtocolPOP3, len("RETR 1\r\n"), len("+OK\r\n" + msg + ".\r\n"),
			func(a *etsi.AAAInformation) (string, *string, *etsi.AAAResult, bool) {
				if a == nil || a.POP3 == nil {
					return "", nil, nil, false
				}
				return a.POP3.Username, a.POP3.Password, a.POP3.Result, true
			}},
		{"IMAP", IMAP, imap, etsi.ProtocolIMAP4, len("a2 FETCH 1 BODY[]\r\n"),
			len("* 1 FETCH (BODY[] {" + strconv.Itoa(len(msg)) + "}\r\n" + msg + ")\r\na2 OK\r\n"),
			func(a *etsi.AAAInformation) (string, *string, *etsi.AAAResult, bool) {
				if a == nil || a.IMAP == nil {
					return "", nil, nil, false
				}
				return a.IMAP.Username, a.IMAP.Password, a.IMAP.Result, true
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			iri := eventIRI(t, tc.proto, Options{LoginDomain: "example.org"}, tc.steps, etsi.EmailDownload)
			runFieldRows(t, iri, append(endpointRows(), []fieldRow{
				{"E-mail Protocol ID", func(i *etsi.EmailIRI) bool { return i.ProtocolID == tc.pid }},
				{"E-mail Sender: From", func(i *etsi.EmailIRI) bool { return i.Sender != nil && *i.Sender == "dewey@example.net" }},
				{"E-mail Recipient List: the login mailbox", func(i *etsi.EmailIRI) bool {
					return slices.Equal(i.Recipients, []string{"mrose@example.org"})
				}},
				{"Total Recipient Count: one", func(i *etsi.EmailIRI) bool { return i.TotalRecipientCount != nil && *i.TotalRecipientCount == 1 }},
				{"Server Octets Sent: the download operation", func(i *etsi.EmailIRI) bool { return i.ServerOctetsSent == int64(tc.sOct) }},
				{"Client Octets Sent: the download operation", func(i *etsi.EmailIRI) bool { return i.ClientOctetsSent == int64(tc.cOct) }},
				{"Message ID: Resent-Message-ID without Message-ID", func(i *etsi.EmailIRI) bool { return string(i.MessageID) == "<r@example.net>" }},
				{"Status: download succeeded", func(i *etsi.EmailIRI) bool { return i.Status == etsi.EmailStatusSucceeded }},
				{"AAAInformation: username, password, result", func(i *etsi.EmailIRI) bool {
					u, p, r, ok := tc.aaa(i.AAAInformation)
					return ok && u == "mrose" && p != nil && *p == "tanstaaf" && r != nil && *r == etsi.AAASucceeded
				}},
			}...))
		})
	}
}

// TestSMTPSenderValidity: e-mail-Sender-Validity validated ("The operator has assured
// the e-mail-sender") only when the server accepted SMTP AUTH and the envelope sender
// is the authenticated identity; otherwise the tap cannot know, and the field is absent.
func TestSMTPSenderValidity(t *testing.T) {
	send := func(auth, from string) []step {
		st := []step{s("220\r\n"), c("EHLO c\r\n"), s("250 ok\r\n")}
		if auth != "" {
			st = append(st, c("AUTH PLAIN "+b64("\x00"+auth+"\x00pw")+"\r\n"), s("235 ok\r\n"))
		}
		return append(st, c("MAIL FROM:<"+from+">\r\n"), s("250\r\n"), c("RCPT TO:<b@y>\r\n"), s("250\r\n"),
			c("DATA\r\n"), s("354\r\n"), c("hi\r\n.\r\n"), s("250\r\n"))
	}
	refused := append([]step{s("220\r\n"), c("EHLO c\r\n"), s("250 ok\r\n"), c("AUTH PLAIN " + b64("\x00a@x\x00pw") + "\r\n"),
		s("535 no\r\n")}, send("", "a@x")[3:]...)
	for _, tc := range []struct {
		name  string
		opts  Options
		steps []step
		want  *etsi.EmailSenderValidity
	}{
		{"AUTH identity is the sender", Options{}, send("alice@example.org", "Alice@Example.org"), ptr(etsi.SenderValidated)},
		{"AUTH local part at LoginDomain", Options{LoginDomain: "example.org"}, send("alice", "alice@example.org"), ptr(etsi.SenderValidated)},
		{"AUTH identity differs from the sender", Options{}, send("alice@example.org", "ceo@example.org"), nil},
		{"no AUTH", Options{}, send("", "alice@example.org"), nil},
		{"AUTH refused", Options{}, refused, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := eventIRI(t, SMTP, tc.opts, tc.steps, etsi.EmailSend).SenderValidity
			if (got == nil) != (tc.want == nil) || (got != nil && *got != *tc.want) {
				t.Errorf("e-mail-Sender-Validity %v, want %v", got, tc.want)
			}
		})
	}
}

// TestASMTPChallengeResponseBase64: ASMTPAAAInformation challenge and response are "A
// BASE64 encoded challenge send by the SMTP server" / "A BASE64 encoded hashed response
// returned by the client": the base64 text as exchanged, not its decoding (steps of a
// multi-step mechanism joined by LF).
func TestASMTPChallengeResponseBase64(t *testing.T) {
	ehlo := []step{s("220\r\n"), c("EHLO c\r\n"), s("250 ok\r\n")}
	chal := b64("<1896.697170952@postoffice.example.net>")
	for _, tc := range []struct {
		name            string
		steps           []step
		challenge, resp string
	}{
		{"PLAIN initial response", append(ehlo, c("AUTH PLAIN "+b64("\x00tim\x00pw")+"\r\n"), s("235 ok\r\n")),
			"", b64("\x00tim\x00pw")},
		{"LOGIN", append(ehlo, c("AUTH LOGIN\r\n"), s("334 VXNlcm5hbWU6\r\n"), c(b64("tim")+"\r\n"), s("334 UGFzc3dvcmQ6\r\n"),
			c(b64("pw")+"\r\n"), s("235 ok\r\n")), "VXNlcm5hbWU6\nUGFzc3dvcmQ6", b64("tim") + "\n" + b64("pw")},
		{"CRAM-MD5", append(ehlo, c("AUTH CRAM-MD5\r\n"), s("334 "+chal+"\r\n"),
			c(b64("tim b913a602c7eda7a495b4e6e7334d3890")+"\r\n"), s("235 ok\r\n")),
			chal, b64("tim b913a602c7eda7a495b4e6e7334d3890")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			recs := iris(feed(t, SMTP, Options{}, tc.steps))
			a := recs[len(recs)-2].EmailIRI.AAAInformation // the AUTH logon, before the logoff
			if a == nil || a.ASMTP == nil {
				t.Fatalf("no ASMTPAAAInformation in %s", describe(recs[len(recs)-2]))
			}
			if string(a.ASMTP.Challenge) != tc.challenge || string(a.ASMTP.Response) != tc.resp {
				t.Errorf("challenge %q response %q, want %q %q", a.ASMTP.Challenge, a.ASMTP.Response, tc.challenge, tc.resp)
			}
			if a.ASMTP.Username != "tim" {
				t.Errorf("username %q", a.ASMTP.Username)
			}
		})
	}
}
