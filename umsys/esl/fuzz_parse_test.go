package esl

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/umli/umli/umsys/feed"
)

// refURLDecode is esl_url_decode written the obvious way, to check the fast decoder.
func refURLDecode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := refUnhex(s[i+1])
			lo, ok2 := refUnhex(s[i+2])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func refUnhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// refParseEventPlain is ParseEventPlain without any of its speed-ups: split into lines,
// cut at the first colon, decode every value. It reports only whether parsing failed.
func refParseEventPlain(b []byte) ([]feed.Header, []byte, bool) {
	var hs []feed.Header
	clen := -1
	pos := 0
	for pos < len(b) {
		line, _, found := bytes.Cut(b[pos:], []byte("\n"))
		next := len(b)
		if found {
			next = pos + len(line) + 1
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		pos = next
		if len(line) == 0 {
			break
		}
		name, value, ok := strings.Cut(string(line), ":")
		if !ok || name == "" {
			return nil, nil, false
		}
		value = strings.TrimLeft(value, " \t")
		switch {
		case name == "Content-Length":
			n, ok := atoi([]byte(value))
			if !ok {
				return nil, nil, false
			}
			clen = n
		case value == undef:
			hs = append(hs, feed.Header{Name: name})
		default:
			hs = append(hs, feed.Header{Name: name, Value: refURLDecode(value)})
		}
	}
	if clen < 0 {
		return hs, nil, true
	}
	if len(b)-pos < clen {
		return nil, nil, false
	}
	return hs, b[pos : pos+clen], true
}

// FuzzParseEventPlain: the zero-copy parser agrees with the plain reference on every
// input (headers, decoded values, body, and whether it is an error), and never panics.
func FuzzParseEventPlain(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "torture", "*", "*.esl"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			// The event body of a frame: what follows the outer header block.
			if _, body, ok := bytes.Cut(b, []byte("\n\n")); ok {
				f.Add(body)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("A: %4\nB: %%41%4g%41\nC:\t _undef_\nD:\r\nContent-Length: 2\r\n\r\nxyz"))
	f.Fuzz(func(t *testing.T, data []byte) {
		in := bytes.Clone(data)
		hs, body, err := ParseEventPlain(in)
		want, wantBody, ok := refParseEventPlain(data)
		if (err == nil) != ok {
			t.Fatalf("error %v, reference ok=%v", err, ok)
		}
		if err != nil {
			return
		}
		if !slices.Equal(hs, want) {
			t.Fatalf("headers %q, reference %q", hs, want)
		}
		if !bytes.Equal(body, wantBody) {
			t.Fatalf("body %q, reference %q", body, wantBody)
		}
	})
}
