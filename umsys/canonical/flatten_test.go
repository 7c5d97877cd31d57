package canonical

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/umli/umli/umsys/feed"
)

func hd(n, v string) feed.Header { return feed.Header{Name: n, Value: v} }

// TestFlatten: the one flattening rule (Flatten's doc, SCHEMA.md): document order,
// nested objects by dotted key, array elements by index, scalars as text, repeated
// keys kept, empty containers give nothing.
func TestFlatten(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []feed.Header
	}{
		{
			name: "document order, nesting, scalars",
			in:   `{"event":"deposit","box":{"id":"1000","domain":"um.example.net"},"n":12.50,"urgent":true,"x":null,"caller":{"msisdn":"+4917012345678"}}`,
			want: []feed.Header{hd("event", "deposit"), hd("box.id", "1000"), hd("box.domain", "um.example.net"), hd("n", "12.50"), hd("urgent", "true"), hd("x", ""), hd("caller.msisdn", "+4917012345678")},
		},
		{
			name: "array elements by index, objects inside arrays by path",
			in:   `{"attachments": [ {"uri": "file:///a.wav"}, 2 ], "empty": [], "email": ["a@example.org", "b@example.org"]}`,
			want: []feed.Header{hd("attachments.0.uri", "file:///a.wav"), hd("attachments.1", "2"), hd("email.0", "a@example.org"), hd("email.1", "b@example.org")},
		},
		{
			name: "arrays in arrays",
			in:   `{"m":[[1,2],[3]]}`,
			want: []feed.Header{hd("m.0.0", "1"), hd("m.0.1", "2"), hd("m.1.0", "3")},
		},
		{
			name: "escapes and repeated keys kept",
			in:   `{"a":"\u00e4\n","a":"2","o":{}}`,
			want: []feed.Header{hd("a", "ä\n"), hd("a", "2")},
		},
		{
			name: "nesting up to MaxDepth",
			in:   strings.Repeat(`{"a":`, MaxDepth-1) + `{"b":1}` + strings.Repeat("}", MaxDepth-1),
			want: []feed.Header{hd(strings.Repeat("a.", MaxDepth-1)+"b", "1")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Flatten([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestFlattenErrors: anything but one JSON object within the limits is refused with
// the offset (or the limit) in the message.
func TestFlattenErrors(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`[1,2]`, "not a JSON object"},
		{`"x"`, "not a JSON object"},
		{`{"a":1} {"b":2}`, "trailing data"},
		{`{"a":1,}`, "offset"},
		{`{"a" 1}`, "offset"},
		{`{"a":`, "offset"},
		{strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1), "nested deeper than 16"},
		{strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), "nested deeper"},
		{`{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, "nested deeper"},
		{`{"a":[` + strings.Repeat("1,", MaxFields) + `1]}`, "more than 4096 fields"},
		{``, "offset 0"},
	}
	for _, tt := range tests {
		_, err := Flatten([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Flatten(%.30q) err %v, want containing %q", tt.in, err, tt.want)
		}
	}
	if _, err := Flatten([]byte(`[]`)); !errors.Is(err, ErrNotObject) {
		t.Errorf("array: %v", err)
	}
}
