package jsonfeed

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/umli/umli/umsys/feed"
)

func hd(n, v string) feed.Header { return feed.Header{Name: n, Value: v} }

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
			name: "arrays as compact JSON text",
			in:   `{"attachments": [ {"uri": "file:///a.wav"}, 2 ], "empty": []}`,
			want: []feed.Header{hd("attachments", `[{"uri":"file:///a.wav"},2]`), hd("empty", "[]")},
		},
		{
			name: "escapes and repeated keys kept",
			in:   `{"a":"\u00e4\n","a":"2","o":{}}`,
			want: []feed.Header{hd("a", "ä\n"), hd("a", "2")},
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
		{strings.Repeat(`{"a":`, 40) + "1" + strings.Repeat("}", 40), "nested deeper"},
		{`{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, "nested deeper"},
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
