package esl

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/umli/umli/umsys/feed"
)

var time0 = time.Unix(1714558530, 0)

func TestURLEncodeLikeFreeSWITCH(t *testing.T) {
	tests := []struct{ in, want string }{
		{"vm::maintenance", "vm%3A%3Amaintenance"},
		{"::1", "%3A%3A1"},
		{"Wed, 01 May 2024 10:15:30 GMT", "Wed,%2001%20May%202024%2010%3A15%3A30%20GMT"},
		{"+15551234567", "%2B15551234567"},
		{"user@dom", "user%40dom"},
		{"a/b.c-d_e~f!g$h'i(j)k*l", "a/b.c-d_e~f!g$h'i(j)k*l"},
		{"%41 already", "%41%20already"},
		{"%4a lower", "%254a%20lower"},
		{"50%", "50%25"},
		{"ü\t\x7f", "%C3%BC%09%7F"},
		{"1.5.15b+git~20150115", "1.5.15b%2Bgit~20150115"},
	}
	for _, tt := range tests {
		if got := string(AppendURLEncoded(nil, tt.in)); got != tt.want {
			t.Errorf("encode %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestURLDecode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"vm%3A%3Amaintenance", "vm::maintenance"},
		{"%2b1555", "+1555"},
		{"a+b", "a+b"},
		{"100%", "100%"},
		{"%zz%4", "%zz%4"},
		{"plain", "plain"},
	}
	for _, tt := range tests {
		if got := URLDecode(tt.in); got != tt.want {
			t.Errorf("decode %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, s := range []string{"", "a b", "x:y@z", "\r\n%", "ÄÖÜ €", "already%2Bencoded"} {
		enc := string(AppendURLEncoded(nil, s))
		got := URLDecode(enc)
		// A pre-encoded %XX is kept verbatim by FreeSWITCH, so it decodes once.
		want := s
		if s == "already%2Bencoded" {
			want = "already+encoded"
		}
		if got != want {
			t.Errorf("round trip %q -> %q -> %q, want %q", s, enc, got, want)
		}
	}
}

func TestParseEventPlain(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		headers []feed.Header
		body    string
	}{
		{
			name: "undef and encoding",
			in:   "Event-Name: CUSTOM\nEvent-Subclass: vm%3A%3Amaintenance\nVM-User-Password: _undef_\nCaller: %2B4917012345678\n\n",
			headers: []feed.Header{
				hd("Event-Name", "CUSTOM"), hd("Event-Subclass", "vm::maintenance"),
				hd("VM-User-Password", ""), hd("Caller", "+4917012345678"),
			},
		},
		{
			name:    "body after inner Content-Length",
			in:      "Event-Name: BACKGROUND_JOB\nJob-UUID: x\nContent-Length: 11\n\n+OK done\n\nzz",
			headers: []feed.Header{hd("Event-Name", "BACKGROUND_JOB"), hd("Job-UUID", "x")},
			body:    "+OK done\n\nz",
		},
		{
			name:    "repeated header names and ARRAY values kept in order",
			in:      "A: 1\nA: 2\nB: ARRAY%3A%3Ax%7C%3Ay\n\n",
			headers: []feed.Header{hd("A", "1"), hd("A", "2"), hd("B", "ARRAY::x|:y")},
		},
		{
			name:    "CRLF tolerated, no final blank line",
			in:      "A: 1\r\nB:  spaced\r\n",
			headers: []feed.Header{hd("A", "1"), hd("B", "spaced")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, body, err := ParseEventPlain([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(h, tt.headers) {
				t.Errorf("headers %q, want %q", h, tt.headers)
			}
			if string(body) != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
		})
	}
}

func TestSerializeParseRoundTrip(t *testing.T) {
	headers := []feed.Header{hd("Event-Name", "CUSTOM"), hd("Empty", ""), hd("Path", "/var/x y/msg_1.wav"), hd("Num", "+49 170")}
	for _, body := range [][]byte{nil, []byte("line1\n\nline2")} {
		frame := AppendFrame(nil, TypeEventPlain, AppendEventPlain(nil, headers, body))
		frames, err := collect(t, frame, 1, Limits{})
		if err != nil || len(frames) != 1 {
			t.Fatalf("frames %d err %v", len(frames), err)
		}
		ev, err := EventFromFrame(frames[0], "fs1", time0)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ev.HeaderList(), headers) || !bytes.Equal(ev.Body, body) || !bytes.Equal(ev.Raw, frame) {
			t.Errorf("round trip: %q body %q", ev.HeaderList(), ev.Body)
		}
		if ev.Dialect != feed.FreeSWITCH || ev.Source != "fs1" || !ev.Received.Equal(time0) {
			t.Errorf("event metadata %+v", ev)
		}
	}
}

func TestSubscribeCommandOrdersCustomLast(t *testing.T) {
	got := SubscribeCommand([]string{"MESSAGE_WAITING", "DTMF"}, []string{"vm::maintenance"})
	if want := "event plain MESSAGE_WAITING DTMF CUSTOM vm::maintenance\n\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func hd(name, value string) feed.Header { return feed.Header{Name: name, Value: value} }
