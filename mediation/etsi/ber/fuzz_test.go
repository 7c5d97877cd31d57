package ber

import (
	"errors"
	"testing"
)

// walk visits every element below r and exercises every value decoder on it.
func walk(r Reader) {
	for !r.Empty() {
		e, err := r.Next()
		if err != nil {
			return
		}
		if e.Tag.Constructed {
			if c, err := e.Children(); err == nil {
				walk(c)
			}
			_, _ = e.Bytes()
			continue
		}
		_, _ = e.Int64()
		_, _ = e.Uint64()
		_, _ = e.Bool()
		_, _ = e.OID()
		_, _ = e.RelativeOID()
		_, _ = e.Time()
		_, _ = e.Text(true)
	}
}

// FuzzFrameLength: framing never panics and agrees with the Reader; reading never panics.
func FuzzFrameLength(f *testing.F) {
	for _, s := range []string{"3003020101", "30800201010000", "3080", "3082ffff", "1f8181818101", "2480040261620401630000", "0d0690808080800f"} {
		f.Add(mustHexF(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := FrameLength(b, 0)
		r := NewReader(b, 0, 0)
		_, rerr := r.Next()
		switch {
		case err == nil:
			if rerr != nil || r.Offset() != n || n > len(b) {
				t.Fatalf("FrameLength %d but Reader %v at %d", n, rerr, r.Offset())
			}
		case errors.Is(err, ErrIncomplete):
			if !errors.Is(rerr, ErrTruncated) {
				t.Fatalf("FrameLength incomplete but Reader %v", rerr)
			}
		default:
			if rerr == nil {
				t.Fatalf("FrameLength %v but Reader accepted", err)
			}
		}
		walk(NewReader(b, 0, 0))
	})
}

func mustHexF(f *testing.F, s string) []byte {
	b := make([]byte, len(s)/2)
	for i := range b {
		var v byte
		for _, c := range s[2*i : 2*i+2] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= byte(c - '0')
			default:
				v |= byte(c-'a') + 10
			}
		}
		b[i] = v
	}
	return b
}
