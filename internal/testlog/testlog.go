// Package testlog captures log output in tests.
package testlog

import (
	"bytes"
	"sync"
)

// Buffer is a goroutine-safe io.Writer for a zerolog.Logger under test, so log
// lines written by serving goroutines can be asserted on without a data race.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
