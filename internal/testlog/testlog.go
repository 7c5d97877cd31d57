// Package testlog captures log output, or anything serving goroutines write, in tests.
package testlog

import (
	"bytes"
	"sync"
)

// Buffer is a goroutine-safe io.Writer for a zerolog.Logger under test (or any sink a
// server appends to), so what serving goroutines write can be asserted on without a
// data race.
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

// Bytes returns a copy of everything written so far.
func (s *Buffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}
