package email

import (
	"strings"
	"testing"
)

// TestDotStream decodes dot-terminated bodies fed in every possible two-way split.
func TestDotStream(t *testing.T) {
	tests := []struct {
		name, in, body, rest string
	}{
		{"plain", "a\r\nb\r\n.\r\nNEXT", "a\r\nb\r\n", "NEXT"},
		{"stuffed", "..a\r\n...\r\n.\r\n", ".a\r\n..\r\n", ""},
		{"empty body", ".\r\nX", "", "X"},
		{"bare LF", "a\n.\nX", "a\n", "X"},
		{"dot CR not end", ".\rx\r\n.\r\n", "\rx\r\n", ""},
		{"long line", strings.Repeat("x", 5000) + "\r\n.\r\n", strings.Repeat("x", 5000) + "\r\n", ""},
	}
	for _, tc := range tests {
		for cut := 0; cut <= len(tc.in); cut++ {
			d := newDotStream()
			var body strings.Builder
			out := func(b []byte) { body.Write(b) }
			in := []byte(tc.in)
			n1, done := d.feed(in[:cut], out)
			consumed := n1
			if !done {
				n2, done2 := d.feed(in[cut:], out)
				consumed += n2
				done = done2
			}
			if !done || body.String() != tc.body || tc.in[consumed:] != tc.rest {
				t.Fatalf("%s split at %d: done=%v body %q rest %q", tc.name, cut, done, body.String(), tc.in[consumed:])
			}
		}
	}
}

// TestLineSplitter frames lines across chunks and bounds over-long ones.
func TestLineSplitter(t *testing.T) {
	ls := lineSplitter{max: 8}
	var lines []string
	var truncated []bool
	for _, chunk := range []string{"ab", "c\r\nde", "f\nthis line is too long\r\nok\r\n"} {
		p := []byte(chunk)
		for len(p) > 0 {
			n, line, ok := ls.next(p)
			if ok {
				lines = append(lines, string(line))
				truncated = append(truncated, ls.wasTruncated())
			}
			p = p[n:]
		}
	}
	want := []string{"abc", "def", "this lin", "ok"}
	if strings.Join(lines, "|") != strings.Join(want, "|") || !truncated[2] || truncated[3] {
		t.Fatalf("lines %q truncated %v", lines, truncated)
	}
}
