package secret

import (
	"encoding/json"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/rs/zerolog"
)

// Redacted replaces every registered secret in log output.
const Redacted = "[redacted]"

// minSecretLen keeps very short strings (a "1" PIN digit, say) from redacting every
// number in a log line; shorter secrets are registered but padded out of matching.
const minSecretLen = 3

// Redactor is an io.Writer (and zerolog.LevelWriter) for zerolog that replaces every
// registered secret with "[redacted]" before the line reaches the underlying writer.
// zerolog hands a whole event to one Write, so a secret is never split across calls.
// Matching ignores ASCII case, so "Alice@Example.NET" is caught by "alice@example.net".
// Register target identities when a task is activated and PINs/passwords when read.
type Redactor struct {
	out io.Writer
	wmu sync.Mutex // serializes writes: loggers in many goroutines share out, which need not be safe
	mu  sync.Mutex
	set map[string]struct{}
	idx atomic.Pointer[index]
}

// keyLen bounds the prefix secrets are indexed by: long enough that thousands of
// similar identities ("+4930…", "user…@") rarely share a key, so a log line costs a
// few map lookups per byte however many secrets are registered.
const keyLen = 8

// index maps each secret's first min(len, keyLen) bytes to the secrets starting so.
type index struct {
	byKey map[string][]string
	lens  []int // distinct key lengths present, longest first
}

var _ zerolog.LevelWriter = (*Redactor)(nil)

// NewRedactor wraps out.
func NewRedactor(out io.Writer) *Redactor {
	r := &Redactor{out: out, set: make(map[string]struct{})}
	r.idx.Store(&index{})
	return r
}

// Add registers secrets. Each is also registered in the spellings a log line could carry
// it in: JSON-escaped, and an E.164 number with '+', without it and with "00".
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		for _, v := range variants(s) {
			if len(v) >= minSecretLen {
				r.set[v] = struct{}{}
			}
		}
	}
	r.rebuild()
}

// Remove forgets secrets registered with Add (e.g. when a task is deactivated and its
// identities leave the target list).
func (r *Redactor) Remove(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		for _, v := range variants(s) {
			delete(r.set, v)
		}
	}
	r.rebuild()
}

// Len is the number of registered spellings.
func (r *Redactor) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.set)
}

func (r *Redactor) rebuild() {
	ix := &index{byKey: make(map[string][]string, len(r.set))}
	seen := map[int]bool{}
	for s := range r.set {
		k := s[:min(len(s), keyLen)]
		ix.byKey[k] = append(ix.byKey[k], s)
		if !seen[len(k)] {
			seen[len(k)] = true
			ix.lens = append(ix.lens, len(k))
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ix.lens)))
	r.idx.Store(ix)
}

func variants(s string) []string {
	vs := []string{lowerASCII(s)}
	if q, err := json.Marshal(s); err == nil {
		vs = append(vs, lowerASCII(string(q[1:len(q)-1])))
	}
	if strings.HasPrefix(s, "+") {
		vs = append(vs, s[1:], "00"+s[1:])
	}
	if strings.HasPrefix(s, "tel:+") {
		vs = append(vs, s[5:], s[4:])
	}
	return vs
}

// lowerASCII lower-cases ASCII letters only, so byte offsets stay the same.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Redact returns p with every registered secret replaced.
func (r *Redactor) Redact(p []byte) []byte {
	ix := r.idx.Load()
	if len(ix.lens) == 0 {
		return p
	}
	low := lowerASCII(string(p))
	// mask[i] marks bytes inside some secret; overlapping secrets merge.
	var mask []bool
	for i := range low {
		for _, kl := range ix.lens {
			if i+kl > len(low) {
				continue
			}
			for _, s := range ix.byKey[low[i:i+kl]] {
				if !strings.HasPrefix(low[i:], s) {
					continue
				}
				if mask == nil {
					mask = make([]bool, len(p))
				}
				for j := i; j < i+len(s); j++ {
					mask[j] = true
				}
			}
		}
	}
	if mask == nil {
		return p
	}
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); {
		if !mask[i] {
			out = append(out, p[i])
			i++
			continue
		}
		out = append(out, Redacted...)
		for i < len(p) && mask[i] {
			i++
		}
	}
	return out
}

// Write redacts p and writes it whole. It reports len(p) on success, as zerolog expects.
func (r *Redactor) Write(p []byte) (int, error) {
	b := r.Redact(p)
	r.wmu.Lock()
	defer r.wmu.Unlock()
	if _, err := r.out.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}

// WriteLevel implements zerolog.LevelWriter.
func (r *Redactor) WriteLevel(_ zerolog.Level, p []byte) (int, error) { return r.Write(p) }
