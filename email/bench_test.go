package email

import (
	"fmt"
	"strings"
	"testing"

	"github.com/umli/umli/mediation/record"
)

// benchBody is ~10 MB of 80-byte lines.
func benchBody() string {
	line := strings.Repeat("0123456789", 7) + "abcdefgh\r\n"
	return "Message-ID: <b@x>\r\n\r\n" + strings.Repeat(line, (10<<20)/len(line))
}

// BenchmarkMachineSMTPData10MB is the parsing cost the proxy adds to a 10 MB DATA.
func BenchmarkMachineSMTPData10MB(b *testing.B) {
	body := []byte(benchBody())
	head := []step{s("220 hi\r\n"), c("EHLO x\r\n"), s("250 ok\r\n"), c("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		s("250 ok\r\n250 ok\r\n354 go\r\n")}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		m := NewSMTP(testInfo, func(*record.Record) {}, Options{})
		for _, st := range head {
			m.Feed(st.dir, []byte(st.data), testNow())
		}
		for p := body; len(p) > 0; {
			n := min(len(p), 64<<10)
			m.Feed(FromClient, p[:n], testNow())
			p = p[n:]
		}
		m.Feed(FromClient, []byte(".\r\n"), testNow())
		m.Feed(FromServer, []byte("250 ok\r\n"), testNow())
		m.End(testNow())
	}
}

// BenchmarkMachineIMAPFetch10MB is the parsing cost of a 10 MB FETCH literal.
func BenchmarkMachineIMAPFetch10MB(b *testing.B) {
	body := benchBody()
	resp := []byte(fmt.Sprintf("* 1 FETCH (BODY[] {%d}\r\n%s)\r\na2 OK done\r\n", len(body), body))
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		m := NewIMAP(testInfo, func(*record.Record) {}, Options{})
		for _, st := range []step{s("* OK\r\n"), c("a1 LOGIN u p\r\n"), s("a1 OK\r\n"), c("a2 FETCH 1 BODY[]\r\n")} {
			m.Feed(st.dir, []byte(st.data), testNow())
		}
		for p := resp; len(p) > 0; {
			n := min(len(p), 64<<10)
			m.Feed(FromServer, p[:n], testNow())
			p = p[n:]
		}
		m.End(testNow())
	}
}
