package chain

import (
	"strings"
	"testing"

	"github.com/umli/umli/mediation/pducheck"
)

// TestCheck: the checker the proofs rely on names each broken property.
func TestCheck(t *testing.T) {
	st := func(cin uint32, cc bool) pducheck.Stream {
		return pducheck.Stream{LIID: "L", NE: "ne", CIN: cin, CC: cc}
	}
	seqs := func(qs ...uint32) map[uint32][]byte {
		m := map[uint32][]byte{}
		for _, q := range qs {
			m[q] = []byte{byte(q)}
		}
		return m
	}
	for _, tc := range []struct {
		name       string
		set        *pducheck.Set
		want, cins int
		err        string
	}{
		{"whole", &pducheck.Set{PDUs: map[pducheck.Stream]map[uint32][]byte{st(1, false): seqs(0, 1, 2), st(1, true): seqs(0)}, Total: 5}, 4, 1, ""},
		{"gap", &pducheck.Set{PDUs: map[pducheck.Stream]map[uint32][]byte{st(1, false): seqs(0, 2)}, Total: 2}, 2, 1, "sequence gaps"},
		{"reused", &pducheck.Set{PDUs: map[pducheck.Stream]map[uint32][]byte{st(1, false): seqs(0)}, Reused: []string{"x"}, Total: 2}, 1, 1, "reused"},
		{"missing tail", &pducheck.Set{PDUs: map[pducheck.Stream]map[uint32][]byte{st(1, false): seqs(0, 1)}, Total: 2}, 3, 1, "3 records were submitted"},
		{"cin per session", &pducheck.Set{PDUs: map[pducheck.Stream]map[uint32][]byte{st(1, false): seqs(0), st(2, false): seqs(0)}, Total: 2}, 2, 1, "2 CINs for 1"},
		{"cins unchecked", &pducheck.Set{PDUs: map[pducheck.Stream]map[uint32][]byte{st(1, false): seqs(0), st(2, false): seqs(0)}, Total: 2}, 2, -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tally, err := Check(tc.set, tc.want, tc.cins)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if tally.Resent != tc.set.Total-tally.Distinct {
					t.Fatalf("tally %v", tally)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
		})
	}
}
