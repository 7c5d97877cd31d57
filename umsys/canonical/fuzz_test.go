package canonical_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/umli/umli/umsys/canonical"
)

// FuzzCanonical drives outside JSON through Flatten, both example profiles and Parse:
// any input must give an event or an error, never a panic.
func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		`{"session":"s","event":"deposit","status":"operation-succeeded","box":"1@x","originating":{"e164":"+15551234567"}}`,
		`{"EventType":"NEW_MESSAGE","MailboxId":"abell","EventTime":"11:15:40 PM 10/30/2008","MessageInfo":[{"CallerAni":"1408","Priority":"Urgent-Priority"}]}`,
		`{"ev":"NM","t":"e","msisdn":"+4917012345678","dt":"07/03/2017 18:17 -0800","sms":"//VVM:SYNC:ev=NM"}`,
		`{"a":[[[[{"b":null}]]]],"c":true,"d":1e400}`,
		`{"property":{"pincode":"","expires":"2024-01-01T00:00:00Z"},"content":{"base64":"!!"}}`,
		`[]`, `{`, `{"x":1}{"y":2}`,
	} {
		f.Add([]byte(s))
	}
	var profiles []*canonical.Profile
	for _, name := range []string{"cisco-cumi", "omtp-vvm"} {
		p, err := canonical.LoadProfile(filepath.Join("testdata", "profiles", name+".yaml"))
		if err != nil {
			f.Fatal(err)
		}
		profiles = append(profiles, p)
	}
	profiles = append(profiles, nil)
	f.Fuzz(func(t *testing.T, b []byte) {
		fields, err := canonical.Flatten(b)
		if err != nil {
			return
		}
		if len(fields) > canonical.MaxFields {
			t.Fatalf("%d fields over the limit", len(fields))
		}
		for _, p := range profiles {
			ev, err := canonical.Parse(p.Apply(fields), "")
			if err == nil && ev == nil {
				t.Fatal("nil event without error")
			}
			if ev != nil && ev.Category != nil {
				n := 0
				c := ev.Category
				for _, set := range []bool{c.Message != nil, c.MessageBox != nil, c.Notification != nil, c.Call != nil} {
					if set {
						n++
					}
				}
				if n != 1 {
					t.Fatalf("category CHOICE has %d alternatives", n)
				}
			}
		}
	})
}

// FuzzProfile: any YAML is a profile or an error.
func FuzzProfile(f *testing.F) {
	for _, name := range []string{"cisco-cumi", "omtp-vvm"} {
		b, err := os.ReadFile(filepath.Join("testdata", "profiles", name+".yaml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("name: x\nfields: {a: nope}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := canonical.ParseProfile(b)
		if err == nil {
			p.Apply(nil)
		}
	})
}
