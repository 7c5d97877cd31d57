package testlog

import (
	"strings"
	"sync"
	"testing"
)

func TestBufferConcurrentWrites(t *testing.T) {
	var b Buffer
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if _, err := b.Write([]byte("x\n")); err != nil {
					t.Error(err)
				}
				_ = b.String()
			}
		})
	}
	wg.Wait()
	if got := strings.Count(b.String(), "x\n"); got != 800 {
		t.Fatalf("lines = %d, want 800", got)
	}
}

// TestBytesIsACopy: Bytes returns what was written, and writing to the copy leaves the
// buffer as it was.
func TestBytesIsACopy(t *testing.T) {
	var b Buffer
	if _, err := b.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	got := b.Bytes()
	if string(got) != "abc" {
		t.Fatalf("Bytes() = %q, want abc", got)
	}
	got[0] = 'X'
	if s := b.String(); s != "abc" {
		t.Fatalf("after changing the copy: %q, want abc", s)
	}
}
