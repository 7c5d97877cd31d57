package frame

import (
	"strings"
	"testing"

	"github.com/umli/umli/email/testmail"
)

// Every framer is fuzzed alike: arbitrary bytes, cut at three fuzzer-chosen points,
// never panic, never hold more than the line bound, consume every byte, and frame
// the same units (content pieces merged) as when the bytes come in one piece.

const fuzzMaxLine = 64

// fuzzFramer feeds data whole and cut, with a fresh framer from mk each time.
func fuzzFramer(t *testing.T, data []byte, cuts [3]uint16, mk func() (nexter, func(Frame), func() int)) {
	run := func(at []int) []string {
		f, act, buffered := mk()
		got := drain(t, f, string(data), at, func(fr Frame) {
			if b := buffered(); b > fuzzMaxLine {
				t.Fatalf("%d bytes of a line held, bound %d", b, fuzzMaxLine)
			}
			act(fr)
		})
		return got
	}
	whole := run(nil)
	var at []int
	for _, c := range cuts {
		if n := int(c) % (len(data) + 1); len(at) == 0 || n >= at[len(at)-1] {
			at = append(at, n)
		}
	}
	if split := run(at); strings.Join(split, "\x00") != strings.Join(whole, "\x00") {
		t.Fatalf("cut at %v: %q\nwhole: %q", at, split, whole)
	}
}

// fuzzSeeds adds seeds, and one direction of every torture session of the protocol.
func fuzzSeeds(f *testing.F, proto string, client bool, seeds ...string) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, ses := range testmail.Torture(f, "../testdata/torture", dir, proto) {
			ses.CCFrom = "" // the whole stream, not only its CC
			seeds = append(seeds, string(ses.Wire(client)))
		}
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint16(1), uint16(7), uint16(40))
	}
}

func FuzzSMTPClient(f *testing.F) {
	fuzzSeeds(f, "smtp", true, "EHLO x\r\nDATA\r\n..a\r\n.\r\nBDAT 3 LAST\r\nabcQUIT\r\n", "BDAT x\r\nDATA\n.\r\r\n.\n", strings.Repeat("A", 100)+"\r\nRSET\r\n")
	f.Fuzz(func(t *testing.T, data []byte, a, b, c uint16) {
		fuzzFramer(t, data, [3]uint16{a, b, c}, func() (nexter, func(Frame), func() int) {
			fr := NewSMTPClient(fuzzMaxLine)
			return fr, func(x Frame) {
				if x.Kind != Line {
					return
				}
				if string(x.Text) == "DATA" {
					fr.Data()
				} else if arg, ok := strings.CutPrefix(string(x.Text), "BDAT"); ok {
					fr.BDAT(arg)
				}
			}, fr.Buffered
		})
	})
}

func FuzzSMTPServer(f *testing.F) {
	fuzzSeeds(f, "smtp", false, "220 hi\r\n250-a\r\n250 b\r\n", "250-a\r\n251 b\r\nhello\r\n354\r\n", "5")
	f.Fuzz(func(t *testing.T, data []byte, a, b, c uint16) {
		fuzzFramer(t, data, [3]uint16{a, b, c}, func() (nexter, func(Frame), func() int) {
			fr := NewSMTPServer(fuzzMaxLine)
			return fr, func(x Frame) {
				if x.Kind == Reply && len(x.Text) > MaxReplyText {
					t.Fatalf("reply text %d bytes", len(x.Text))
				}
			}, fr.Buffered
		})
	})
}

func FuzzPOP3Client(f *testing.F) {
	fuzzSeeds(f, "pop3", true, "USER a\r\nPASS b\r\nRETR 1\r\n", "AUTH PLAIN\r\nAGIAYg==\r\n"+strings.Repeat("x", 90))
	f.Fuzz(func(t *testing.T, data []byte, a, b, c uint16) {
		fuzzFramer(t, data, [3]uint16{a, b, c}, func() (nexter, func(Frame), func() int) {
			fr := NewPOP3Client(fuzzMaxLine)
			return fr, func(Frame) {}, fr.Buffered
		})
	})
}

func FuzzPOP3Server(f *testing.F) {
	fuzzSeeds(f, "pop3", false, "+OK hi\r\n+OK 3\r\n..x\r\n.\r\n-ERR no\r\n", "+OK\n.\r\r\n.\n+OK")
	f.Fuzz(func(t *testing.T, data []byte, a, b, c uint16) {
		fuzzFramer(t, data, [3]uint16{a, b, c}, func() (nexter, func(Frame), func() int) {
			fr := NewPOP3Server(fuzzMaxLine)
			return fr, func(x Frame) {
				// Any "+OK" status starts a body here: the fuzzer reaches both modes.
				if x.Kind == Line && strings.HasPrefix(string(x.Text), "+OK") {
					fr.Body()
				}
			}, fr.Buffered
		})
	})
}

func FuzzIMAP(f *testing.F) {
	fuzzSeeds(f, "imap", false)
	fuzzSeeds(f, "imap", true, "a LOGIN {3}\r\nbob {2+}\r\npw\r\n", "* 1 FETCH (BODY[] {5}\r\nab\r\nc)\r\na OK\r\n", "x {99999999999999999999}\r\n~{2}\r\n\x00\x01")
	f.Fuzz(func(t *testing.T, data []byte, a, b, c uint16) {
		fuzzFramer(t, data, [3]uint16{a, b, c}, func() (nexter, func(Frame), func() int) {
			fr := NewIMAP(Client, fuzzMaxLine)
			return fr, func(Frame) {}, fr.Buffered
		})
	})
}
