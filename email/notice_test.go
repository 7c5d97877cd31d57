package email

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/record"
)

// TestPipelineOverflowUnparsable: a client pipelining more commands than PipelineLimit
// makes the machine give up pairing instead of forgetting the oldest commands. Every
// client and server byte after the first command still goes out as CC of the session
// (nothing is lost, nothing mis-paired), no IRI is built from the unpaired replies, the
// Notice names the session's identities for the audit, and the log names none.
func TestPipelineOverflowUnparsable(t *testing.T) {
	tests := []struct {
		name     string
		proto    Protocol
		greeting string
		before   []step // up to the flood; the target identity is known here
		cmd      func(i int) string
		reply    func(i int) string
		id       string
	}{
		{"smtp", SMTP, "220 mx ESMTP\r\n",
			[]step{c("EHLO client\r\n"), s("250 mx\r\n"), c("MAIL FROM:<alice@example.org>\r\n"), s("250 ok\r\n")},
			func(int) string { return "NOOP\r\n" }, func(int) string { return "250 ok\r\n" }, "alice@example.org"},
		{"pop3", POP3, "+OK ready\r\n",
			[]step{c("USER alice\r\n"), s("+OK\r\n"), c("PASS pw\r\n"), s("+OK in\r\n")},
			func(int) string { return "NOOP\r\n" }, func(int) string { return "+OK\r\n" }, "alice"},
		{"imap", IMAP, "* OK ready\r\n",
			[]step{c("a LOGIN alice pw\r\n"), s("a OK in\r\n")},
			func(i int) string { return "t" + strconv.Itoa(i) + " NOOP\r\n" }, func(i int) string { return "t" + strconv.Itoa(i) + " OK\r\n" }, "alice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			var notices []Notice
			opts := Options{Logger: zerolog.New(&logs), Notify: func(n Notice) { notices = append(notices, n) }}
			var flood, replies strings.Builder
			for i := range PipelineLimit + 50 {
				flood.WriteString(tc.cmd(i))
				replies.WriteString(tc.reply(i))
			}
			steps := append([]step{s(tc.greeting)}, tc.before...)
			steps = append(steps, c(flood.String()), s(replies.String()), c("after\r\n"))
			recs := feed(t, tc.proto, opts, steps)
			if len(notices) != 1 || notices[0].Kind != NoticeUnparsable || notices[0].CorrelationKey != "sess" {
				t.Fatalf("notices %+v", notices)
			}
			found := false
			for _, id := range notices[0].Identities {
				found = found || id.Value == tc.id
			}
			if !found {
				t.Fatalf("notice identities %v lack %s", notices[0].Identities, tc.id)
			}
			client, server := testmail.CC(recs)
			if !strings.Contains(client, flood.String()+"after\r\n") {
				t.Errorf("client CC (%d bytes) lacks the flood and what followed", len(client))
			}
			if !strings.Contains(server, replies.String()) {
				t.Errorf("server CC (%d bytes) lacks the replies", len(server))
			}
			for _, r := range recs {
				if r.EmailIRI != nil && r.Boundary == record.Report {
					t.Errorf("IRI %s built after the overflow", describe(r))
				}
			}
			if !strings.Contains(logs.String(), "raw CC only") || strings.Contains(logs.String(), "alice") || strings.Contains(logs.String(), "192.0.2.10") {
				t.Errorf("log %q", logs.String())
			}
		})
	}
}
