package feed

import (
	"slices"
	"testing"
)

// packedEvent builds a Packed event over data the way the ESL parser does.
func packedEvent(data string, spans ...Span) *Event {
	return &Event{Packed: Packed{Data: []byte(data), Spans: spans}}
}

func TestPackedAccessors(t *testing.T) {
	// "Event-Name: HEARTBEAT\nIPv6: %3A%3A1\nEmpty: \n"
	data := "Event-Name: HEARTBEAT\nIPv6: %3A%3A1\nEmpty: \n"
	e := packedEvent(data,
		Span{0, 10, 12, 21},
		Span{22, 26, 28 | Encoded, 35},
		Span{36, 41, 43, 43},
	)
	want := []Header{{"Event-Name", "HEARTBEAT"}, {"IPv6", "::1"}, {"Empty", ""}}
	if e.Len() != len(want) {
		t.Fatalf("Len %d, want %d", e.Len(), len(want))
	}
	for i, h := range want {
		if got := e.Header(i); got != h {
			t.Errorf("Header(%d) = %q, want %q", i, got, h)
		}
		if e.Name(i) != h.Name || e.ValueAt(i) != h.Value {
			t.Errorf("Name/ValueAt(%d) = %q %q, want %q", i, e.Name(i), e.ValueAt(i), h)
		}
	}
	if got := e.HeaderList(); !slices.Equal(got, want) {
		t.Errorf("HeaderList %q, want %q", got, want)
	}
	for _, tt := range []struct {
		name, value string
		ok          bool
	}{
		{"event-name", "HEARTBEAT", true},
		{"IPV6", "::1", true},
		{"Empty", "", true},
		{"Missing", "", false},
	} {
		if v, ok := e.Get(tt.name); v != tt.value || ok != tt.ok {
			t.Errorf("Get(%q) = %q %v, want %q %v", tt.name, v, ok, tt.value, tt.ok)
		}
	}
}

// TestHeadersWin: code that sets Headers on a copy of a packed event reads what it set.
func TestHeadersWin(t *testing.T) {
	e := packedEvent("A: 1\n", Span{0, 1, 3, 4})
	c := *e
	c.Headers = []Header{{"B", "2"}}
	if c.Len() != 1 || c.Header(0) != (Header{"B", "2"}) || c.Value("A") != "" || c.Value("b") != "2" {
		t.Fatalf("copy reads %q", c.HeaderList())
	}
	if e.Value("a") != "1" {
		t.Fatalf("original reads %q", e.HeaderList())
	}
}

func TestPercentDecode(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain", "plain"},
		{"%2B1555", "+1555"},
		{"a%3a%3Ab", "a::b"},
		{"100%", "100%"},
		{"%4", "%4"},
		{"%zz%41", "%zzA"},
		{"a+b", "a+b"},
		{"%E2%82%AC", "€"},
	} {
		if got := PercentDecode(tt.in); got != tt.want {
			t.Errorf("PercentDecode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
