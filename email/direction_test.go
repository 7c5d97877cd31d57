package email

import (
	"strings"
	"testing"
	"time"

	"github.com/umli/umli/mediation/etsi"
)

// TestCCPayloadDirection: TS 102 232-1 CCPayload.payloadDirection is relative to the
// target. At a submission tap (and for POP3/IMAP) the target is the client: its commands
// and message data are fromTarget, the server's replies toTarget. With Options.SMTPReceive
// (a tap in front of the target's MX, Annex A.2.3) the target is the recipient: what the
// sending server transfers (the SMTP client side: EHLO, MAIL, RCPT, the message) is
// toTarget and the MX's replies fromTarget. Application and ip-packet CC alike.
func TestCCPayloadDirection(t *testing.T) {
	msg := "Message-ID: <d@example.org>\r\nSubject: d\r\n\r\nhello\r\n.\r\n"
	smtp := []step{s("220 mx ESMTP\r\n"), c("EHLO relay.example.net\r\n"), s("250 mx\r\n"),
		c("MAIL FROM:<ann@example.net>\r\n"), s("250 sender ok\r\n"), c("RCPT TO:<bob@example.org>\r\n"), s("250 rcpt ok\r\n"),
		c("DATA\r\n"), s("354 go\r\n"), c(msg), s("250 queued\r\n"), c("QUIT\r\n"), s("221 bye\r\n")}
	pop3 := []step{s("+OK ready\r\n"), c("USER kim\r\n"), s("+OK\r\n"), c("PASS pw\r\n"), s("+OK in\r\n"),
		c("RETR 1\r\n"), s("+OK\r\n" + msg), c("QUIT\r\n"), s("+OK bye\r\n")}
	imap := []step{s("* OK ready\r\n"), c("a1 LOGIN joe pw\r\n"), s("a1 OK done\r\n"), c("a2 LOGOUT\r\n"), s("* BYE\r\na2 OK bye\r\n")}
	cases := []struct {
		name         string
		proto        Protocol
		receive      bool
		steps        []step
		client, serv etsi.PayloadDirection
	}{
		{"smtp send: client is the target", SMTP, false, smtp, etsi.DirectionFromTarget, etsi.DirectionToTarget},
		{"smtp receive: recipient's MX is the target", SMTP, true, smtp, etsi.DirectionToTarget, etsi.DirectionFromTarget},
		{"pop3: SMTPReceive does not apply", POP3, true, pop3, etsi.DirectionFromTarget, etsi.DirectionToTarget},
		{"imap: SMTPReceive does not apply", IMAP, true, imap, etsi.DirectionFromTarget, etsi.DirectionToTarget},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			col := &collector{}
			m, err := New(tc.proto, testInfo, col.emit, Options{SMTPReceive: tc.receive})
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			var clientAll, serverAll strings.Builder
			for i, st := range tc.steps {
				m.Feed(st.dir, []byte(st.data), now)
				if st.dir == FromClient {
					clientAll.WriteString(st.data)
				} else {
					serverAll.WriteString(st.data)
				}
				if i == 2 {
					// The session has started: one packet each way in ip-packet format.
					m.IPPacket(FromClient, []byte("\x45pkt-from-client"), now)
					m.IPPacket(FromServer, []byte("\x45pkt-from-server"), now)
				}
			}
			m.End(now)
			var app, pkt int
			for _, r := range col.recs {
				if r.EmailCC == nil {
					continue
				}
				content := string(r.EmailCC.Content)
				if r.EmailCC.Format == etsi.EmailFormatIPPacket {
					pkt++
					want := tc.client
					if strings.Contains(content, "server") {
						want = tc.serv
					}
					if r.Direction != want {
						t.Errorf("ip-packet %q: payloadDirection %v, want %v", content, r.Direction, want)
					}
					continue
				}
				app++
				switch r.Direction {
				case tc.client:
					if !strings.Contains(clientAll.String(), content) {
						t.Errorf("CC %q labelled %v (the client side's direction) is not client data", content, r.Direction)
					}
				case tc.serv:
					if !strings.Contains(serverAll.String(), content) {
						t.Errorf("CC %q labelled %v (the server side's direction) is not server data", content, r.Direction)
					}
				default:
					t.Errorf("CC %q: payloadDirection %v, want %v or %v", content, r.Direction, tc.client, tc.serv)
				}
			}
			if app == 0 || pkt != 2 {
				t.Fatalf("%d application and %d ip-packet CC records, want some and 2", app, pkt)
			}
			// Every exchange of the session, with its own direction, and not the other.
			for _, st := range tc.steps[1:] {
				want, other := tc.client, tc.serv
				if st.dir == FromServer {
					want, other = tc.serv, tc.client
				}
				if !hasCC(col.recs, st.data, want) || hasCC(col.recs, st.data, other) {
					t.Errorf("%q: want CC with payloadDirection %v only; records %q", st.data, want, describeAll(col.recs))
				}
			}
		})
	}
}
