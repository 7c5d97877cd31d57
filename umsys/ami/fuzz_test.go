package ami

import (
	"bytes"
	"slices"
	"testing"

	"github.com/umli/umli/umsys/feed/feedtest"
)

type blockResult struct {
	raws    [][]byte
	kinds   []Kind
	offsets []int64
	headers [][]string
	err     string
	pending int
}

func parseChunks(data []byte, banner bool, sizes []int) blockResult {
	s := NewStream(Limits{MaxLineBytes: 512, MaxBlockBytes: 4096}, banner)
	var r blockResult
	emit := func(b *Block) error {
		r.raws = append(r.raws, b.Raw)
		r.kinds = append(r.kinds, b.Kind)
		r.offsets = append(r.offsets, b.Offset)
		var hs []string
		if b.Err != nil {
			hs = []string{"ERR " + b.Err.Error()}
		}
		for _, h := range b.Headers {
			hs = append(hs, h.Name, h.Value)
		}
		r.headers = append(r.headers, hs)
		return nil
	}
	if err := feedtest.WriteSplit(data, sizes, func(p []byte) error { return s.Write(p, emit) }); err != nil {
		r.err = err.Error()
		return r
	}
	r.pending = s.Pending()
	return r
}

func equalResults(a, b blockResult) bool {
	if a.err != b.err || a.pending != b.pending || len(a.raws) != len(b.raws) || !slices.Equal(a.kinds, b.kinds) || !slices.Equal(a.offsets, b.offsets) {
		return false
	}
	for i := range a.raws {
		if !bytes.Equal(a.raws[i], b.raws[i]) || !slices.Equal(a.headers[i], b.headers[i]) {
			return false
		}
	}
	return true
}

// FuzzAMIStream: arbitrary bytes in arbitrary chunk splits never panic, and every
// split yields the same blocks and error as reading everything at once.
func FuzzAMIStream(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, b := range feedtest.Torture(f, dir, "ami") {
			f.Add(b, bytes.HasPrefix(b, []byte("Asterisk")), uint8(1), uint8(9), uint8(100))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, banner bool, a, b, c uint8) {
		whole := parseChunks(data, banner, nil)
		if split := parseChunks(data, banner, []int{int(a), int(b), int(c)}); !equalResults(whole, split) {
			t.Fatalf("split %d/%d/%d differs: whole %d blocks err %q, split %d blocks err %q", a, b, c, len(whole.raws), whole.err, len(split.raws), split.err)
		}
		if ones := parseChunks(data, banner, []int{1}); !equalResults(whole, ones) {
			t.Fatalf("1-byte split differs")
		}
	})
}
