package email

import (
	"testing"

	"github.com/umli/umli/email/testmail"
	"github.com/umli/umli/mediation/record"
)

// Large seeds make the fuzzer's minimization slow: run with -fuzzminimizetime 0s or a
// few seconds when fuzzing briefly.
//
// Fuzz input is a sequence of frames: one header byte (high bit: server; low 7 bits:
// length) followed by that many bytes, so the fuzzer controls both directions and the
// chunking.

func encodeFrames(steps []step) []byte {
	var out []byte
	for _, st := range steps {
		d := []byte(st.data)
		for len(d) > 0 {
			n := min(len(d), 127)
			h := byte(n)
			if st.dir == FromServer {
				h |= 0x80
			}
			out = append(out, h)
			out = append(out, d[:n]...)
			d = d[n:]
		}
	}
	return out
}

func decodeFrames(b []byte, fn func(Direction, []byte)) {
	for len(b) > 0 {
		h := b[0]
		b = b[1:]
		n := min(int(h&0x7f), len(b))
		dir := FromClient
		if h&0x80 != 0 {
			dir = FromServer
		}
		fn(dir, b[:n])
		b = b[n:]
	}
}

// fuzzMachine feeds frames and checks the bounds every state machine keeps (the
// framers' own bounds are fuzzed in package frame).
func fuzzMachine(t *testing.T, proto Protocol, data []byte) {
	opts := Options{MaxLine: 256, CCChunk: 1024, MaxHeader: 512, MaxLiteral: 64, MaxRecipients: 4}
	emit := func(r *record.Record) {
		if r.EmailCC != nil && len(r.EmailCC.Content) > opts.CCChunk {
			t.Fatalf("CC of %d bytes exceeds CCChunk", len(r.EmailCC.Content))
		}
		if r.EmailIRI != nil && len(r.EmailIRI.Recipients) > opts.MaxRecipients {
			t.Fatalf("%d recipients listed, cap %d", len(r.EmailIRI.Recipients), opts.MaxRecipients)
		}
		if (r.EmailIRI == nil) == (r.EmailCC == nil) {
			t.Fatal("record must carry exactly one of EmailIRI and EmailCC")
		}
	}
	m, err := New(proto, testInfo, emit, opts)
	if err != nil {
		t.Fatal(err)
	}
	now := testNow()
	decodeFrames(data, func(d Direction, p []byte) {
		m.Feed(d, p, now)
		var s *session
		switch mm := m.(type) {
		case *SMTPMachine:
			s = &mm.session
		case *POP3Machine:
			s = &mm.session
		case *IMAPMachine:
			s = &mm.session
			if mm.cur != nil && len(mm.cur.segments) > maxSegments {
				t.Fatalf("IMAP command grew to %d segments", len(mm.cur.segments))
			}
		}
		for i := range 2 {
			if s.cc[i].len() > opts.CCChunk {
				t.Fatalf("exchange buffer %d bytes", s.cc[i].len())
			}
		}
		if errs, n := s.FramingErrors(); len(errs) > maxFramingErrors || len(errs) > n {
			t.Fatalf("%d framing errors kept of %d", len(errs), n)
		}
	})
	m.End(now)
}

// addTortureSeeds seeds a machine fuzzer with the protocol's torture sessions.
func addTortureSeeds(f *testing.F, proto Protocol) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, ses := range testmail.Torture(f, "testdata/torture", dir, proto.String()) {
			var steps []step
			for _, st := range ses.Steps {
				dir := FromServer
				if st.Client {
					dir = FromClient
				}
				steps = append(steps, step{dir, string(st.Data)})
			}
			f.Add(encodeFrames(steps))
		}
	}
}

func FuzzSMTP(f *testing.F) {
	addTortureSeeds(f, SMTP)
	f.Add(encodeFrames([]step{s("220 hi\r\n"), c("EHLO x\r\n"), s("250-a\r\n250 AUTH PLAIN\r\n"),
		c("AUTH PLAIN " + b64("\x00u\x00p") + "\r\n"), s("235 ok\r\n"),
		c("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nRCPT TO:<e@f>\r\nDATA\r\n"), s("250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"),
		c("Message-ID: <1@b>\r\n\r\n..x\r\n.\r\n"), s("250 ok\r\n"), c("QUIT\r\n"), s("221 bye\r\n")}))
	f.Add(encodeFrames([]step{s("220 hi\r\n"), c("EHLO x\r\nAUTH LOGIN\r\n"), s("250 ok\r\n334 VXNlcm5hbWU6\r\n"),
		c("%%%\r\n"), s("501 bad\r\n"), c("BDAT 5 LAST\r\nabcde"), s("250 ok\r\n"), c("STARTTLS\r\n"), s("220 go\r\n"), c("\x16\x03")}))
	f.Add(encodeFrames([]step{s("220 hi\r\n"), c("EHLO x\r\nMAIL FROM:<a>\r\nRCPT TO:<b>\r\nRSET\r\nDATA\r\n"),
		s("250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n"), c("x\r\n.\r\nQUIT\r\n"), s("250 ok\r\n221 bye\r\n")}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzMachine(t, SMTP, data) })
}

func FuzzPOP3(f *testing.F) {
	addTortureSeeds(f, POP3)
	f.Add(encodeFrames([]step{s("+OK <1@x>\r\n"), c("APOP u d\r\n"), s("+OK\r\n"), c("RETR 1\r\nTOP 1 0\r\n"),
		s("+OK\r\nMessage-ID: <m>\r\n\r\n..x\r\n.\r\n+OK\r\nFrom: a@b\r\n\r\n.\r\n"), c("QUIT\r\n"), s("+OK\r\n")}))
	f.Add(encodeFrames([]step{s("+OK\r\n"), c("AUTH PLAIN\r\n"), s("+ \r\n"), c("garbage\r\n"), s("-ERR\r\n"),
		c("USER a\r\nPASS b\r\n"), s("+OK\r\n+OK\r\n"), c("STLS\r\n"), s("+OK\r\n")}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzMachine(t, POP3, data) })
}

func FuzzIMAP(f *testing.F) {
	addTortureSeeds(f, IMAP)
	f.Add(encodeFrames(c4Transcript()))
	f.Add(encodeFrames([]step{s("* OK\r\n"), c("a LOGIN {3}\r\n"), s("+ go\r\n"), c("abc {2+}\r\npw\r\n"), s("a OK\r\n"),
		c("b APPEND INBOX {20+}\r\nMessage-ID: <x>\r\n\r\n\r\n"), s("b OK\r\n"),
		c("c UID FETCH 1 BODY.PEEK[]\r\n"), s("* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\nc OK\r\n"),
		c("d AUTHENTICATE PLAIN\r\n"), s("+ \r\n"), c("*\r\n"), s("d BAD\r\n"), c("e LOGOUT\r\n"), s("* BYE\r\ne OK\r\n")}))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzMachine(t, IMAP, data) })
}
