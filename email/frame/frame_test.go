package frame

import (
	"strings"
	"testing"
)

// nexter is what every framer offers.
type nexter interface {
	Next(p []byte) (int, Frame)
}

// drain feeds in (cut at the given offsets) through f and renders the frames: "L:text"
// for lines ("L{n}:" with a literal), "C:data" for content (adjacent pieces merged),
// "|" after the last piece, "R:code:text" for replies, "E:error" for errors. act
// lets a test drive the mode switches the dialogue decides.
func drain(t *testing.T, f nexter, in string, cuts []int, act func(Frame)) []string {
	t.Helper()
	var out []string
	var content strings.Builder
	flush := func() {
		if content.Len() > 0 {
			out = append(out, "C:"+content.String())
			content.Reset()
		}
	}
	prev := 0
	for _, cut := range append(cuts, len(in)) {
		p := []byte(in[prev:cut])
		prev = cut
		for steps := 0; len(p) > 0; steps++ {
			if steps > 4*len(in)+8 {
				t.Fatalf("no progress at %q", p)
			}
			n, fr := f.Next(p)
			p = p[n:]
			if fr.Err != nil {
				flush()
				out = append(out, "E:"+fr.Err.Error())
			}
			switch fr.Kind {
			case Line:
				flush()
				if fr.Literal >= 0 {
					out = append(out, "L{"+itoa(fr.Literal)+"}:"+string(fr.Text))
				} else {
					out = append(out, "L:"+string(fr.Text))
				}
			case Content:
				content.Write(fr.Data)
				if fr.Done {
					flush()
					out = append(out, "|")
				}
			case Reply:
				flush()
				out = append(out, "R:"+itoa(int64(fr.Code))+":"+string(fr.Text))
			case Partial:
			}
			if act != nil {
				act(fr)
			}
		}
	}
	flush()
	return out
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}

// everySplit runs check on in whole and cut once at every offset.
func everySplit(t *testing.T, in string, check func(cuts []int)) {
	t.Helper()
	check(nil)
	for cut := 1; cut < len(in); cut++ {
		check([]int{cut})
	}
}

// TestDotBody: dot-terminated bodies (RFC 5321 4.5.2, RFC 1939 3) are de-stuffed and
// end at the "." line, whatever the chunking; the bytes after it are lines again.
func TestDotBody(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"plain", "DATA\r\na\r\nb\r\n.\r\nQUIT\r\n", []string{"L:DATA", "C:a\r\nb\r\n", "|", "L:QUIT"}},
		{"stuffed", "DATA\r\n..a\r\n...\r\n.\r\n", []string{"L:DATA", "C:.a\r\n..\r\n", "|"}},
		{"empty body", "DATA\r\n.\r\nX\r\n", []string{"L:DATA", "|", "L:X"}},
		{"bare LF", "DATA\na\n.\nX\n", []string{"L:DATA", "C:a\n", "|", "L:X"}},
		{"dot CR not end", "DATA\r\n.\rx\r\n.\r\n", []string{"L:DATA", "C:\rx\r\n", "|"}},
		{"long line", "DATA\r\n" + strings.Repeat("x", 5000) + "\r\n.\r\n", []string{"L:DATA", "C:" + strings.Repeat("x", 5000) + "\r\n", "|"}},
	}
	for _, tc := range tests {
		everySplit(t, tc.in, func(cuts []int) {
			f := NewSMTPClient(64)
			got := drain(t, f, tc.in, cuts, func(fr Frame) {
				if fr.Kind == Line && string(fr.Text) == "DATA" {
					f.Data()
				}
			})
			if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Fatalf("%s cut %v: %q, want %q", tc.name, cuts, got, tc.want)
			}
		})
	}
}

// TestLines: lines end at LF (CR stripped); an over-long line is cut to the bound and
// is an error naming its number and offset; the next line is framed as usual.
func TestLines(t *testing.T) {
	in := "ab\r\nthis line is too long\r\nok\nlast"
	f := NewPOP3Client(8)
	got := drain(t, f, in, []int{1, 6, 20}, nil)
	want := []string{"L:ab", "E:pop3 client line 2 (byte 4): line of 23 bytes exceeds the 8-byte limit; the rest of it was dropped",
		"L:this lin", "L:ok"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("%q\nwant %q", got, want)
	}
	if f.Buffered() != 4 {
		t.Fatalf("buffered %d, want the 4 bytes of the unfinished line", f.Buffered())
	}
	if err := f.End(); err == nil || err.Error() != "pop3 client line 4 (byte 30): the stream ended inside a line of 4 bytes without its CR LF" {
		t.Fatalf("End: %v", err)
	}
}

// TestBDAT: "BDAT size [LAST]" (RFC 3030 2) frames exactly size octets, whatever they
// hold; a bad size is an error naming the line and frames no chunk.
func TestBDAT(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"chunk and last", "BDAT 5\r\nab\r\ncBDAT 2 LAST\r\n.\n", []string{"L:BDAT 5", "C:ab\r\nc", "|", "L:BDAT 2 LAST", "C:.\n", "|"}},
		{"zero", "BDAT 0 LAST\r\nQUIT\r\n", []string{"L:BDAT 0 LAST", "L:QUIT"}},
		{"no size", "EHLO x\r\nBDAT\r\nQUIT\r\n", []string{"L:EHLO x", "L:BDAT", "E:smtp client line 2 (byte 8): BDAT without a chunk size", "L:QUIT"}},
		{"bad size", "BDAT 1x\r\nQUIT\r\n", []string{"L:BDAT 1x", "E:smtp client line 1 (byte 0): BDAT chunk size is not a decimal number of octets", "L:QUIT"}},
		{"negative", "BDAT -3\r\n", []string{"L:BDAT -3", "E:smtp client line 1 (byte 0): BDAT chunk size is not a decimal number of octets"}},
		{"bad keyword", "BDAT 3 FIRST\r\n", []string{"L:BDAT 3 FIRST", "E:smtp client line 1 (byte 0): BDAT takes a chunk size and LAST only"}},
	}
	for _, tc := range tests {
		everySplit(t, tc.in, func(cuts []int) {
			f := NewSMTPClient(64)
			var errs []string
			got := drain(t, f, tc.in, cuts, func(fr Frame) {
				if arg, ok := strings.CutPrefix(string(fr.Text), "BDAT"); fr.Kind == Line && ok {
					if _, _, err := f.BDAT(arg); err != nil {
						errs = append(errs, "E:"+err.Error())
					}
				}
			})
			// Errors of the dialogue's BDAT call follow their line.
			var merged []string
			for _, g := range got {
				merged = append(merged, g)
				if strings.HasPrefix(g, "L:BDAT") && len(errs) > 0 {
					merged, errs = append(merged, errs[0]), errs[1:]
				}
			}
			if strings.Join(merged, "\x00") != strings.Join(tc.want, "\x00") {
				t.Fatalf("%s cut %v: %q, want %q", tc.name, cuts, merged, tc.want)
			}
		})
	}
}

// TestSMTPReplies: multi-line replies are one Reply (RFC 5321 4.2.1); a line without a
// reply code, and a code change inside a reply, are errors naming the line.
func TestSMTPReplies(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"single", "220 hi\r\n", []string{"R:220:hi"}},
		{"multi", "250-mx\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n", []string{"R:250:mx\nPIPELINING\nAUTH PLAIN"}},
		{"bare code", "354\r\n", []string{"R:354:"}},
		{"no code", "220 hi\r\nhello\r\n250 ok\r\n", []string{"R:220:hi", "E:smtp server line 2 (byte 8): reply line without a three-digit reply code", "R:250:ok"}},
		{"code glued", "250ok\r\n", []string{"E:smtp server line 1 (byte 0): reply line without a three-digit reply code"}},
		{"code change", "250-a\r\n251 b\r\n", []string{"E:smtp server line 2 (byte 7): reply line with code 251 inside a reply with code 250", "R:251:a\nb"}},
	}
	for _, tc := range tests {
		everySplit(t, tc.in, func(cuts []int) {
			got := drain(t, NewSMTPServer(64), tc.in, cuts, nil)
			if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Fatalf("%s cut %v: %q, want %q", tc.name, cuts, got, tc.want)
			}
		})
	}
	f := NewSMTPServer(64)
	drain(t, f, "250-a\r\n", nil, nil)
	if err := f.End(); err == nil || !strings.Contains(err.Error(), "smtp server line 1 (byte 0): the stream ended inside a multi-line reply") {
		t.Fatalf("End: %v", err)
	}
}

// TestIMAPLiterals: "{n}", "{n+}" (RFC 7888) and "~{n}" (RFC 3516) announce n octets
// of literal framed verbatim; the command goes on with the next line. A size that does
// not fit is an error; braces that are not a literal are text.
func TestIMAPLiterals(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"login", "a LOGIN {3}\r\nbob {2+}\r\npw\r\n", []string{"L{3}:a LOGIN {3}", "C:bob", "|", "L{2}: {2+}", "C:pw", "|", "L:"}},
		{"literal8", "* 1 FETCH (BINARY[1] ~{4}\r\n\x00\r\n\n)\r\n", []string{"L{4}:* 1 FETCH (BINARY[1] ~{4}", "C:\x00\r\n\n", "|", "L:)"}},
		{"empty", "b APPEND x {0}\r\n\r\n", []string{"L{0}:b APPEND x {0}", "L:"}},
		{"not a literal", "c SEARCH {x}\r\nd NOOP {}\r\n", []string{"L:c SEARCH {x}", "L:d NOOP {}"}},
		{"too big", "e APPEND x {99999999999999999999}\r\nf NOOP\r\n", []string{"E:imap client line 1 (byte 0): literal size out of range", "L:e APPEND x {99999999999999999999}", "L:f NOOP"}},
	}
	for _, tc := range tests {
		everySplit(t, tc.in, func(cuts []int) {
			got := drain(t, NewIMAP(Client, 64), tc.in, cuts, nil)
			if strings.Join(got, "\x00") != strings.Join(tc.want, "\x00") {
				t.Fatalf("%s cut %v: %q, want %q", tc.name, cuts, got, tc.want)
			}
		})
	}
}

// TestIMAPCancelLiteral: a synchronizing literal the server refused is not sent
// (RFC 3501 7.5): the next bytes are lines again. Once literal bytes came, it stays.
func TestIMAPCancelLiteral(t *testing.T) {
	f := NewIMAP(Client, 64)
	drain(t, f, "a APPEND x {5}\r\n", nil, nil)
	if !f.InLiteral() || !f.CancelLiteral() || f.InLiteral() {
		t.Fatal("the refused literal was not cancelled")
	}
	if got := drain(t, f, "b NOOP\r\n", nil, nil); len(got) != 1 || got[0] != "L:b NOOP" {
		t.Fatalf("after cancel: %q", got)
	}
	drain(t, f, "c APPEND x {5}\r\nab", nil, nil)
	if f.CancelLiteral() {
		t.Fatal("a literal under way was cancelled")
	}
	if err := f.End(); err == nil || err.Error() != "imap client line 3 (byte 24): the stream ended 2 bytes into the 5-byte literal announced here" {
		t.Fatalf("End: %v", err)
	}
}

// TestPOP3Body: the body of a multi-line response follows its status line only when
// the dialogue says so; a session cut inside it is an error naming the status line.
func TestPOP3Body(t *testing.T) {
	f := NewPOP3Server(64)
	got := drain(t, f, "+OK 2 octets\r\nhi\r\n.\r\n+OK\r\n", nil, func(fr Frame) {
		if fr.Kind == Line && string(fr.Text) == "+OK 2 octets" {
			f.Body()
		}
	})
	if want := []string{"L:+OK 2 octets", "C:hi\r\n", "|", "L:+OK"}; strings.Join(got, "\x00") != strings.Join(want, "\x00") {
		t.Fatalf("%q", got)
	}
	drain(t, f, "+OK\r\nx\r\n", nil, func(fr Frame) {
		if fr.Kind == Line {
			f.Body()
		}
	})
	if err := f.End(); err == nil || err.Error() != "pop3 server line 3 (byte 26): the stream ended inside the multi-line response announced here, before its terminating \".\" line" {
		t.Fatalf("End: %v", err)
	}
}
