package loadgen

import (
	"math"
	"strings"
	"testing"
)

// TestParseMix: the mix flag's syntax, and errors that name the bad part.
func TestParseMix(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Mix
		err  string
	}{
		{in: "um=80,sip=10,mail=10", want: Mix{UM: 80, SIP: 10, Mail: 10}},
		{in: " um = 1 , mail=0 ", want: Mix{UM: 1, Mail: 0}},
		{in: "sip=0.5,", want: Mix{SIP: 0.5}},
		{in: "um", err: `"um": want kind=share`},
		{in: "fax=3", err: `unknown kind "fax"`},
		{in: "um=-1", err: "share must be a number >= 0"},
		{in: "um=x", err: "share must be a number >= 0"},
		{in: "um=0", err: "no kind with a positive share"},
		{in: "", err: "no kind with a positive share"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseMix(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want.String() {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzParseMix: whatever the flag says, ParseMix answers without panicking, and a mix it
// accepts has a positive total and only known kinds.
func FuzzParseMix(f *testing.F) {
	for _, s := range []string{"um=80,sip=10,mail=10", "um=1e308,sip=1e308", "=,=", "um=NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMix(s)
		if err != nil {
			return
		}
		if !(m.total() > 0) || math.IsInf(m.total(), 0) {
			t.Fatalf("accepted %q with total %v", s, m.total())
		}
		for k := range m {
			if k != UM && k != SIP && k != Mail && k != IMAP {
				t.Fatalf("accepted kind %q", k)
			}
		}
	})
}

// TestCheckConfig: a kind with a share needs its address; shares and rates are bounded.
func TestCheckConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		err  string
	}{
		{"no address", Config{Rate: 1, Duration: 1, Mix: Mix{SIP: 1}}, "sip a share but no address (--siprec)"},
		{"no rate", Config{Duration: 1, Mix: Mix{UM: 1}, UMJSON: "x:1"}, "rate and duration"},
		{"share", Config{Rate: 1, Duration: 1, NonTarget: 1.5, Mix: Mix{UM: 1}, UMJSON: "x:1"}, "non-target share"},
		{"empty mix", Config{Rate: 1, Duration: 1}, "no kind with a positive share"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.cfg.check(); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}

// TestSchedule: over any run the kinds follow the mix and each kind's non-target share
// holds exactly, the first sessions of a kind being a target's.
func TestSchedule(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mix       Mix
		nonTarget float64
		n         int
		kinds     map[Kind]int
		nt        map[Kind]int
	}{
		{"80/10/10", Mix{UM: 80, SIP: 10, Mail: 10}, 0.2, 100, map[Kind]int{UM: 80, SIP: 10, Mail: 10}, map[Kind]int{UM: 16, SIP: 2, Mail: 2}},
		{"um only", Mix{UM: 1}, 0, 10, map[Kind]int{UM: 10}, map[Kind]int{}},
		{"all non-target", Mix{Mail: 3, SIP: 1}, 1, 8, map[Kind]int{Mail: 6, SIP: 2}, map[Kind]int{Mail: 6, SIP: 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSchedule(tc.mix, tc.nonTarget)
			kinds, nt := map[Kind]int{}, map[Kind]int{}
			for range tc.n {
				k, i, target := s.next()
				if i != kinds[k] {
					t.Fatalf("%s session number %d, want %d", k, i, kinds[k])
				}
				kinds[k]++
				if !target {
					nt[k]++
				}
			}
			for _, k := range Kinds() {
				if kinds[k] != tc.kinds[k] || nt[k] != tc.nt[k] {
					t.Errorf("%s: %d sessions (%d non-target), want %d (%d)", k, kinds[k], nt[k], tc.kinds[k], tc.nt[k])
				}
			}
		})
	}
}
