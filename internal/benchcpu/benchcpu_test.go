//go:build unix

package benchcpu

import "testing"

func TestUsedAdvances(t *testing.T) {
	before := Used()
	if before <= 0 {
		t.Fatalf("Used() = %v, want > 0 in a running process", before)
	}
	x := 0
	for i := range 50_000_000 {
		x ^= i
	}
	_ = x
	if after := Used(); after < before {
		t.Fatalf("CPU time went backwards: %v then %v", before, after)
	}
}
