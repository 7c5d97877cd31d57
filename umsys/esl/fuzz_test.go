package esl

import (
	"bytes"
	"slices"
	"testing"

	"github.com/umli/umli/umsys/feed/feedtest"
)

// frameResult is what one parse run observed, for comparing split strategies.
type frameResult struct {
	raws    [][]byte
	offsets []int64
	events  [][]string
	err     string
}

func parseChunks(data []byte, sizes []int) frameResult {
	s := NewStream(Limits{MaxHeaderBytes: 4096, MaxBodyBytes: 1 << 16})
	var r frameResult
	emit := func(f *Frame) error {
		r.raws = append(r.raws, f.Raw)
		r.offsets = append(r.offsets, f.Offset)
		if f.ContentType == TypeEventPlain {
			ev, err := EventFromFrame(f, "fuzz", time0)
			if err != nil {
				r.events = append(r.events, []string{"ERR " + err.Error()})
			} else {
				var hs []string
				for i := range ev.Len() {
					h := ev.Header(i)
					hs = append(hs, h.Name, h.Value)
				}
				r.events = append(r.events, append(hs, "BODY", string(ev.Body)))
			}
		}
		return nil
	}
	if err := feedtest.WriteSplit(data, sizes, func(p []byte) error { return s.Write(p, emit) }); err != nil {
		r.err = err.Error()
	}
	return r
}

func equalResults(a, b frameResult) bool {
	if a.err != b.err || len(a.raws) != len(b.raws) || !slices.Equal(a.offsets, b.offsets) || len(a.events) != len(b.events) {
		return false
	}
	for i := range a.raws {
		if !bytes.Equal(a.raws[i], b.raws[i]) {
			return false
		}
	}
	for i := range a.events {
		if !slices.Equal(a.events[i], b.events[i]) {
			return false
		}
	}
	return true
}

// FuzzESLStream: arbitrary bytes in arbitrary chunk splits never panic, and every
// split yields the same frames, events and error as reading everything at once.
func FuzzESLStream(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, b := range feedtest.Torture(f, dir, "esl") {
			f.Add(b, uint8(1), uint8(7), uint8(200))
		}
	}
	f.Add([]byte("Content-Type: auth/request\r\n\r\n\n\nContent-Length: 3\n\nabc"), uint8(2), uint8(1), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, a, b, c uint8) {
		whole := parseChunks(data, nil)
		split := parseChunks(data, []int{int(a), int(b), int(c)})
		if !equalResults(whole, split) {
			t.Fatalf("split %d/%d/%d differs from whole: whole %d frames err %q, split %d frames err %q", a, b, c, len(whole.raws), whole.err, len(split.raws), split.err)
		}
		ones := parseChunks(data, []int{1})
		if !equalResults(whole, ones) {
			t.Fatalf("1-byte split differs from whole")
		}
	})
}
