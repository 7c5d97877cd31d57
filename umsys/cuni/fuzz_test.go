package cuni

import (
	"bytes"
	"testing"
	"time"
)

// FuzzParse: any input yields events whose Raw lies inside the input, or an error;
// never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte(sample + "\n" + sample))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "aaaa">]><messageEvent mailboxId="&a;"/>`))
	f.Add([]byte(`<messageEvent><messageInfo/><messageInfo messageId="2"/></messageEvent>`))
	f.Add([]byte(`<messageEvent mailboxId="a"><x><y><z/></y></x></messageEvent>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, err := Events(data, "fuzz", time.Time{})
		if err != nil {
			return
		}
		for _, e := range evs {
			if !bytes.Contains(data, e.Raw) {
				t.Fatalf("raw %q not in input", e.Raw)
			}
			if len(e.Headers) > maxAttrs {
				t.Fatalf("%d headers", len(e.Headers))
			}
		}
	})
}
