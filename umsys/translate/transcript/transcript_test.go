package transcript_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/umli/umli/umsys/feed"
	"github.com/umli/umli/umsys/translate/transcript"
)

func TestReadPositions(t *testing.T) {
	cases := []struct {
		d     feed.Dialect
		in    string
		lines []int
	}{
		{feed.JSON, "{\"a\":1}\n\n  {\"b\":2}\n", []int{1, 3}},
		{feed.Asterisk, "Asterisk Call Manager/11.0.0\r\nResponse: Success\r\n\r\nEvent: A\r\nX: 1\r\n\r\nEvent: B\r\n", []int{4, 7}},
		{feed.FreeSWITCH, "Content-Type: auth/request\n\nContent-Length: 15\nContent-Type: text/event-plain\n\nEvent-Name: X\n\n", []int{3}},
	}
	for _, c := range cases {
		items, err := transcript.ReadItems(c.d, []byte(c.in), "s", time.Time{})
		if err != nil {
			t.Fatalf("%s: %v", c.d, err)
		}
		if len(items) != len(c.lines) {
			t.Fatalf("%s: %d events, want %d", c.d, len(items), len(c.lines))
		}
		for i, it := range items {
			if it.Line != c.lines[i] || it.Event.Dialect != c.d {
				t.Errorf("%s event %d at line %d, want %d", c.d, i, it.Line, c.lines[i])
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	cases := []struct {
		d    feed.Dialect
		in   string
		line int
	}{
		{feed.JSON, "{\"a\":1}\n{\"b\":}\n", 2},
		{feed.JSON, "{}\n\"str\"\n", 2},
		{feed.Asterisk, "Event: A\r\nno colon here\r\n\r\n", 1},
		{feed.FreeSWITCH, "Content-Length: 5\nContent-Type: text/event-plain\n\nEve", 1},
	}
	for _, c := range cases {
		_, err := transcript.Read(c.d, []byte(c.in), "s", time.Time{})
		var te *transcript.Error
		if !errors.As(err, &te) {
			t.Fatalf("%s %q: error %v is not a transcript.Error", c.d, c.in, err)
		}
		if te.Line != c.line {
			t.Errorf("%s %q: line %d, want %d (%v)", c.d, c.in, te.Line, c.line, err)
		}
	}
}

// FuzzRead: arbitrary bytes in any dialect give events or a positioned error.
func FuzzRead(f *testing.F) {
	for _, g := range []string{"../testdata/freeswitch/slamdown.esl", "../testdata/asterisk/tui.ami", "../testdata/json/omtp-vvm.jsonl"} {
		b, err := os.ReadFile(filepath.Clean(g))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("Content-Length: 99999999999\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []feed.Dialect{feed.FreeSWITCH, feed.Asterisk, feed.JSON} {
			items, err := transcript.ReadItems(d, b, "s", time.Time{})
			var te *transcript.Error
			if err != nil && (!errors.As(err, &te) || te.Offset < 0 || te.Offset > int64(len(b))) {
				t.Fatalf("%s: unpositioned error %v", d, err)
			}
			for _, it := range items {
				if it.Offset < 0 || it.Offset > int64(len(b)) {
					t.Fatalf("%s: offset %d out of range", d, it.Offset)
				}
			}
		}
	})
}
