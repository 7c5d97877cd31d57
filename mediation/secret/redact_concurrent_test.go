package secret

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// TestRedactorConcurrentWrites: loggers in many goroutines (sipgo's, go-redis's, ours) share
// one Redactor over a writer that is not safe for concurrent use; every line arrives whole
// and redacted (run under -race, as make test does).
func TestRedactorConcurrentWrites(t *testing.T) {
	var out bytes.Buffer
	r := NewRedactor(&out)
	r.Add("+4930123456")
	const goroutines, lines = 8, 200
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < lines; i++ {
				if _, err := r.Write([]byte(`{"msg":"box +4930123456"}` + "\n")); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != goroutines*lines {
		t.Fatalf("%d lines, want %d", len(got), goroutines*lines)
	}
	want := `{"msg":"box ` + Redacted + `"}`
	for i, l := range got {
		if l != want {
			t.Fatalf("line %d = %q, want %q", i, l, want)
		}
	}
}
